"""Scenario.simulate: results, reproducibility, zero-copy hand-over, the GIL, progress and Ctrl-C."""
import _thread
import gc
import threading
import time

import numpy as np
import pandas as pd
import pytest

import credroi


def test_summary_frame(corporate, corporate_sim):
    r = corporate_sim
    s = r.summary()
    assert s.index.name == "metric" and list(s.index) == r.metric_names
    assert list(s.columns) == ["count", "mean", "sd", "min", "p5", "p10", "p50", "p90", "p95", "max", "base"]
    assert r.metric_names[:3] == ["npv", "irr", "mirr"]
    assert [n for n in r.metric_names if n.startswith("net ")] == [f"net {y}" for y in corporate.fiscal_years]
    assert (s["count"] <= r.trials).all() and s.loc["npv", "count"] == r.trials
    base = corporate.evaluate().metrics
    assert s.loc["npv", "base"] == base["npv"] and s.loc["irr", "base"] == base["irr"]
    ordered = s[["min", "p5", "p10", "p50", "p90", "p95", "max"]]
    assert (ordered.diff(axis=1).iloc[:, 1:] >= 0).all().all()
    assert r.metric("npv")["mean"] == s.loc["npv", "mean"]
    with pytest.raises(credroi.ParameterError) as e:
        r.metric("profit")
    assert e.value.path == "metric"


def test_summary_agrees_with_the_kept_trials(corporate_sim):
    r = corporate_sim
    npv = r.trial_metric("npv")
    s = r.summary()
    assert s.loc["npv", "mean"] == pytest.approx(npv.mean(), rel=1e-12)
    assert s.loc["npv", "sd"] == pytest.approx(npv.std(ddof=1), rel=1e-9)
    assert s.loc["npv", "p10"] == pytest.approx(np.percentile(npv, 10), rel=1e-12)  # numpy's linear percentile
    assert r.probability_npv_positive == np.mean(npv > 0)
    payback = r.trial_metric("payback_months")
    assert s.loc["payback_months", "count"] == np.count_nonzero(~np.isnan(payback))
    assert r.probability_payback_within_horizon == pytest.approx(np.mean(~np.isnan(payback)))


def test_run_description(corporate_sim):
    r = corporate_sim
    assert (r.trials, r.seed, r.sampler, r.batch_size) == (3000, 11, "lhs", 1024)
    assert r.exact_percentiles and r.threads >= 1
    assert r.npv_mean_standard_error == pytest.approx(r.summary().loc["npv", "sd"] / np.sqrt(3000))
    assert 0 <= r.probability_irr_exists <= 1
    assert r.correlation_max_change >= 0 and isinstance(r.correlation_warning, str)
    assert "3000 trials" in repr(r)


def test_bands(corporate, corporate_sim):
    b = corporate_sim.bands
    assert list(b.index) == corporate.months and list(b.columns) == ["p5", "p10", "p25", "p50", "p75", "p90", "p95"]
    assert (b.diff(axis=1).iloc[:, 1:] >= 0).all().all()
    assert corporate_sim.band_probabilities == [0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95]


def test_shortfall_per_fiscal_year(corporate, tiny):
    r = corporate.simulate(trials=300, seed=4, keep_trials=True)
    assert list(r.probability_shortfall) == corporate.fiscal_years == r.fiscal_year_labels
    for label, p in r.probability_shortfall.items():
        assert p == np.mean(r.trial_metric(f"shortfall {label}") > 0)
    assert tiny.simulate(trials=10).probability_shortfall == {}


def test_samples_frame(corporate, corporate_sim):
    s = corporate_sim.samples()
    assert s.index.name == "trial" and len(s) == 3000
    assert list(s.columns) == corporate.uncertain_inputs + corporate_sim.metric_names
    delay = s["adoption.delay_months"]
    assert delay.min() >= 0 and delay.max() <= 9  # Triangular(0, 2, 9)


def test_same_seed_same_bits_whatever_the_threads(corporate):
    one = corporate.simulate(trials=2500, seed=9, threads=1, keep_trials=True)
    two = corporate.simulate(trials=2500, seed=9, threads=2, keep_trials=True)
    pd.testing.assert_frame_equal(one.summary(), two.summary(), check_exact=True)
    assert np.array_equal(one.trial_metrics, two.trial_metrics, equal_nan=True)
    other = corporate.simulate(trials=2500, seed=10, threads=1)
    assert other.summary().loc["npv", "mean"] != one.summary().loc["npv", "mean"]


@pytest.mark.parametrize("sampler", ["mc", "lhs", "sobol"])
def test_samplers(corporate, sampler):
    r = corporate.simulate(trials=512, seed=3, sampler=sampler)
    assert r.sampler == sampler and r.summary().loc["npv", "count"] == 512


@pytest.mark.parametrize(
    "kwargs, path",
    [({"trials": 0}, "trials"), ({"trials": 10.5}, "trials"), ({"trials": "many"}, "trials"),
     ({"seed": -1}, "seed"), ({"threads": -2}, "threads"), ({"sampler": "latin"}, "sampler"),
     ({"batch_size": 0}, "batch_size"), ({"seed": 2**64}, "seed")],
    ids=str,
)
def test_bad_options(corporate, kwargs, path):
    with pytest.raises(credroi.ParameterError) as e:
        corporate.simulate(**kwargs)
    assert e.value.path == path


def test_counts_may_be_numpy_integers_or_whole_floats(corporate):
    a = corporate.simulate(trials=np.int64(200), seed=np.uint64(3)).summary()
    b = corporate.simulate(trials=2e2, seed=3).summary()
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert corporate.simulate(trials=5, seed=2**64 - 1).seed == 2**64 - 1


def test_sketch_path_above_the_exact_limit(corporate):
    r = corporate.simulate(trials=600, seed=2, exact_percentile_limit=100)
    assert not r.exact_percentiles and r.trial_metrics is None
    exact = corporate.simulate(trials=600, seed=2)
    assert r.summary().loc["npv", "p50"] == pytest.approx(exact.summary().loc["npv", "p50"], rel=1e-3)


# ---- zero-copy hand-over ---------------------------------------------------------------


def test_trial_arrays_are_views_of_the_result_not_copies(corporate_sim):
    r = corporate_sim
    m = r.trial_metrics
    assert m.shape == (r.trials, len(r.metric_names)) and m.dtype == np.float64
    assert m.base is r, "the array must view the C++ result's buffer and keep it alive"
    assert np.shares_memory(m, r.trial_metrics), "two accesses must share one buffer"
    assert m.flags.c_contiguous and not m.flags.owndata and not m.flags.writeable
    assert np.shares_memory(r.trial_metric("npv"), m)
    i = r.trial_inputs
    assert i.shape == (r.trials, len(r.input_paths)) and i.base is r
    bands = r.cumulative_net_bands
    assert bands.shape == (len(r.band_probabilities), len(r.months)) and bands.base is r
    assert np.shares_memory(bands, r.cumulative_net_bands)
    with pytest.raises(ValueError):
        m[0, 0] = 0.0


def test_views_keep_the_result_alive(corporate):
    r = corporate.simulate(trials=200, seed=1, keep_trials=True)
    m = r.trial_metrics
    expected = m.copy()
    del r
    gc.collect()
    assert np.array_equal(m, expected, equal_nan=True)


def test_without_keep_trials_there_are_no_trial_arrays(corporate):
    r = corporate.simulate(trials=100, seed=1)
    assert r.trial_metrics is None and r.trial_inputs is None
    with pytest.raises(credroi.ParameterError) as e:
        r.samples()
    assert e.value.path == "keep_trials"
    with pytest.raises(credroi.ParameterError):
        r.trial_metric("npv")


# ---- the GIL -------------------------------------------------------------------------------


def test_the_gil_is_released_while_simulating(corporate):
    """The main thread keeps running Python while another thread is inside simulate()."""
    window = {}
    result = {}

    def work():
        window["start"] = time.perf_counter()
        result["r"] = corporate.simulate(trials=60_000, seed=1, threads=1)
        window["end"] = time.perf_counter()

    t = threading.Thread(target=work)
    ticks = []
    t.start()
    while t.is_alive():
        ticks.append(time.perf_counter())
    t.join()
    # Holding the GIL for the whole C++ call, simulate() would leave the main
    # thread no tick in the middle half of the call; released, the main thread
    # ticks all along. (A count, not a timing threshold.)
    quarter = (window["end"] - window["start"]) / 4
    middle = [x for x in ticks if window["start"] + quarter < x < window["end"] - quarter]
    assert len(middle) > 100, f"{len(middle)} ticks in the middle of a {4 * quarter:.2f} s simulation"
    assert result["r"].trials == 60_000


def test_two_threads_simulate_side_by_side_correctly(corporate):
    serial = [corporate.simulate(trials=4000, seed=s, threads=1).summary() for s in (1, 2)]
    results = {}

    def work(seed):
        results[seed] = corporate.simulate(trials=4000, seed=seed, threads=1).summary()

    threads = [threading.Thread(target=work, args=(s,)) for s in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    pd.testing.assert_frame_equal(results[1], serial[0], check_exact=True)
    pd.testing.assert_frame_equal(results[2], serial[1], check_exact=True)


# ---- progress and interruption -------------------------------------------------------------------


def test_progress_callback(corporate):
    calls = []
    corporate.simulate(trials=3000, seed=1, progress=lambda done, total: calls.append((done, total)))
    assert calls and calls[-1] == (3000, 3000)
    assert all(total == 3000 and 0 <= done <= 3000 for done, total in calls)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_an_error_in_the_callback_stops_the_run(corporate):
    def progress(done, total):
        raise RuntimeError("stop here")

    with pytest.raises(RuntimeError, match="stop here"):
        corporate.simulate(trials=2_000_000, seed=1, threads=1, progress=progress)


def test_ctrl_c_stops_the_run(corporate):
    timer = threading.Timer(0.3, _thread.interrupt_main)
    timer.start()
    started = time.perf_counter()
    try:
        with pytest.raises(KeyboardInterrupt):
            corporate.simulate(trials=20_000_000, seed=1, threads=1)
    finally:
        timer.cancel()
    assert time.perf_counter() - started < 60  # stopped long before 20 million trials
