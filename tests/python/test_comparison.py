"""credroi.compare and Scenario.report_html: the command line's compare and report, from Python."""
import datetime
import math

import numpy as np
import pytest

import credroi
from credroi_test_support import CORPORATE, TINY, needs_cli, run_cli

TRIALS, SEED = 1500, 5


@pytest.fixture(scope="module")
def faster_growth():
    """The corporate example with staff growing 2 % a year instead of 1 %: a second scenario sharing every uncertain input."""
    text = CORPORATE.read_text(encoding="utf-8")
    assert text.count("annual_growth = 0.01") == 1
    return text.replace("annual_growth = 0.01", "annual_growth = 0.02")


@pytest.fixture(scope="module")
def comparison(corporate, faster_growth):
    return credroi.compare([corporate, credroi.Scenario.from_toml(faster_growth)], trials=TRIALS, seed=SEED)


def test_differences_are_those_of_the_kept_trials(comparison):
    a, b = (s.trial_metric("npv") for s in comparison.simulations)
    d = comparison.differences[0]
    diff = b - a
    assert d["trials"] == TRIALS
    assert d["metric"] == "npv"
    assert math.isclose(d["mean_difference"], diff.mean(), rel_tol=1e-9)
    assert math.isclose(d["sd"], diff.std(ddof=1), rel_tol=1e-9)
    assert math.isclose(d["standard_error"], diff.std(ddof=1) / math.sqrt(TRIALS), rel_tol=1e-9)
    independent = math.sqrt((a.var(ddof=1) + b.var(ddof=1)) / TRIALS)
    assert math.isclose(d["independent_standard_error"], independent, rel_tol=1e-9)
    assert math.isclose(d["variance_reduction"], (independent / d["standard_error"]) ** 2, rel_tol=1e-9)
    assert math.isclose(d["correlation"], np.corrcoef(a, b)[0, 1], rel_tol=1e-9)
    assert d["probability_better"] == np.mean(b > a)
    assert d["probability_worse"] == np.mean(b < a)
    base = [r["npv"] for r in comparison.base]
    assert d["base_difference"] == base[1] - base[0]
    # Common random numbers: every uncertain input is shared, so the inputs are the same trial by trial.
    first, second = comparison.simulations
    assert d["shared_inputs"] == first.input_paths == second.input_paths
    assert np.array_equal(first.trial_inputs, second.trial_inputs)
    assert comparison.common_random_numbers
    # Faster growth means more earners and more benefit in every trial: the paired
    # standard error is far below what two independent runs would give.
    assert d["probability_better"] == 1.0
    assert d["variance_reduction"] > 100


def test_first_scenario_is_the_plain_simulation(corporate, comparison):
    alone = corporate.simulate(trials=TRIALS, seed=SEED, keep_trials=True)
    assert np.array_equal(alone.trial_metrics, comparison.simulations[0].trial_metrics, equal_nan=True)
    assert comparison.base[0] == corporate.evaluate().metrics


def test_simulations_outlive_the_comparison(corporate, faster_growth):
    c = credroi.compare([corporate, credroi.Scenario.from_toml(faster_growth)], trials=300, seed=1)
    sims = c.simulations
    del c
    assert sims[1].trials == 300
    assert sims[1].trial_metrics.shape[0] == 300


def test_frame_has_a_row_per_difference(comparison):
    frame = comparison.to_frame()
    assert list(frame.index) == [comparison.names[1]]
    assert frame.loc[comparison.names[1], "mean_difference"] == comparison.differences[0]["mean_difference"]
    assert "scenario" not in frame.columns


def test_sobol_has_no_common_random_numbers(corporate, faster_growth):
    c = credroi.compare([corporate, credroi.Scenario.from_toml(faster_growth)], trials=256, seed=2, sampler="sobol")
    assert not c.common_random_numbers


def test_other_metric_and_names(corporate, faster_growth):
    c = credroi.compare([corporate, credroi.Scenario.from_toml(faster_growth)], trials=300, seed=1, metric="roi",
                        names=["1 % growth", "2 % growth"])
    assert c.names == ["1 % growth", "2 % growth"]
    d = c.differences[0]
    assert (d["metric"], d["scenario"], d["against"]) == ("roi", "2 % growth", "1 % growth")
    assert "2 % growth" in c.report()


@pytest.mark.parametrize(
    "kwargs, path",
    [
        ({"scenarios": "one"}, "scenarios"),
        ({"metric": "no such metric"}, "metric"),
        ({"names": ["only one"]}, "names"),
        ({"trials": 0}, "trials"),
        ({"seed": -1}, "seed"),
        ({"sampler": "halton"}, "sampler"),
    ],
)
def test_bad_arguments_name_the_parameter(corporate, tiny, kwargs, path):
    args = {"scenarios": [corporate, corporate], "trials": 50, **kwargs}
    if args["scenarios"] == "one":
        args["scenarios"] = [corporate]
    with pytest.raises(credroi.ParameterError) as e:
        credroi.compare(**args)
    assert e.value.path == path


def test_different_currencies_are_refused(corporate):
    usd = credroi.Scenario.from_toml(CORPORATE.read_text(encoding="utf-8").replace('currency = "EUR"', 'currency = "USD"'))
    with pytest.raises(credroi.ParameterError) as e:
        credroi.compare([corporate, usd], trials=50)
    assert e.value.path == "currency"


def test_an_error_in_one_scenarios_trials_says_which(tiny):
    # Valid (the base case is the median), but some trials' costs add up beyond a double.
    text = TINY.read_text(encoding="utf-8").replace('name = "tiny"', 'name = "huge"', 1)
    huge = credroi.Scenario.from_toml(text + '\n[[costs.recurring]]\nname = "huge"\nannual = { uniform = [0, 1e308] }\n')
    with pytest.raises(credroi.NumericError) as e:
        credroi.compare([tiny, huge, tiny], trials=1000)
    assert e.value.scenario == 1
    assert str(e.value).startswith('scenario 1 ("huge"): in the Monte Carlo trials: ') and "overflow" in str(e.value)


def test_bad_report_format(comparison):
    with pytest.raises(credroi.ParameterError) as e:
        comparison.report("xml")
    assert e.value.path == "format"


@needs_cli
def test_outputs_are_the_command_lines(tmp_path, corporate, faster_growth):
    other = tmp_path / "faster-growth.toml"
    other.write_text(faster_growth, encoding="utf-8")
    html = tmp_path / "comparison.html"
    args = [CORPORATE, other, "--trials", TRIALS, "--seed", SEED]
    # Both files carry the same scenario name: the command line adds the file to each.
    names = [f"{corporate.name} ({CORPORATE})", f"{corporate.name} ({other})"]
    today = datetime.date.today().isoformat()
    json_out = run_cli("compare", *args, "--format", "json", "--report", html).stdout
    c = credroi.compare([corporate, credroi.Scenario.from_file(other)], trials=TRIALS, seed=SEED, names=names)
    assert c.report("json") == json_out
    assert c.report("csv") == run_cli("compare", *args, "--format", "csv").stdout
    assert c.report() == run_cli("compare", *args).stdout
    source = f"credroi compare {CORPORATE} {other} --trials {TRIALS} --seed {SEED}"
    if datetime.date.today().isoformat() == today:  # not across midnight
        assert c.report_html(source=source) == html.read_text(encoding="utf-8")
    assert c.report_html(source=source, run_date="2026-01-31").count("2026-01-31") >= 1


@needs_cli
def test_report_html_is_the_command_lines(tmp_path, tiny):
    out = tmp_path / "tiny.html"
    today = datetime.date.today().isoformat()
    run_cli("report", TINY, "--trials", 400, "--seed", 3, "-o", out)
    html = tiny.report_html(trials=400, seed=3, source=str(TINY))
    if datetime.date.today().isoformat() == today:
        assert html == out.read_text(encoding="utf-8")
    assert f"credroi report {TINY} --trials 400 --seed 3" in html


def test_report_html_options(tiny):
    html = tiny.report_html(trials=200, seed=9, sampler="mc", run_date="2031-12-24")
    assert html.startswith("<!DOCTYPE html>")
    assert "Run on 2031-12-24" in html
    assert "credroi report SCENARIO.toml --trials 200 --seed 9 --sampler mc" in html
    with pytest.raises(credroi.ParameterError) as e:
        tiny.report_html(trials=0)
    assert e.value.path == "trials"


def test_progress_callback_errors_stop_the_run(corporate):
    def progress(done, total):
        raise RuntimeError("stop here")

    # The engine calls progress at the end of each simulation at the latest.
    with pytest.raises(RuntimeError, match="stop here"):
        credroi.compare([corporate, corporate], trials=2000, progress=progress)


def test_an_error_in_the_last_progress_call_is_raised(tiny):
    """The engine's last call (done == total) comes after the run: its error must not be lost."""
    calls = []

    def progress(done, total):
        calls.append(done)
        if done == total:
            raise ValueError("at the end")

    with pytest.raises(ValueError, match="at the end"):
        tiny.simulate(trials=100, progress=progress)
    assert calls[-1] == 100
