"""credroi.sensitivity: analytic cases through Python functions, a scenario's metric, errors, and the
same numbers as `credroi sensitivity`."""
import json
import math
import signal
import threading

import numpy as np
import pandas as pd
import pytest

import credroi
from credroi import sensitivity
from credroi_test_support import CORPORATE, cli_json, needs_cli


def ishigami(x, a=7.0, b=0.1):
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


# Ishigami function with a = 7, b = 0.1 on U(-pi, pi)^3: analytic indices
# (Sobol' and Levitan 1999; Saltelli et al. 2008, "Global Sensitivity
# Analysis. The Primer", section 4.9): V = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2
# = 13.8446; V1 = (1 + b pi^4/5)^2 / 2 = 4.3459, V2 = a^2/8 = 6.125, V13 =
# b^2 pi^8 (1/18 - 1/50) = 3.3737 (here 1/18 - 1/50 = 8/225), so
# S = (0.3139, 0.4424, 0), ST = (0.5576, 0.4424, 0.2437).
ISHIGAMI_S = np.array([0.3139, 0.4424, 0.0])
ISHIGAMI_ST = np.array([0.5576, 0.4424, 0.2437])


def test_sobol_of_a_python_function_matches_the_ishigami_indices():
    u = credroi.Uniform(-math.pi, math.pi)
    s = sensitivity.sobol(ishigami, {"x1": u, "x2": u, "x3": u}, n=8192, seed=3, bootstrap=200)
    assert isinstance(s, credroi.sensitivity.SobolIndices)
    assert s.names == ["x1", "x2", "x3"]
    assert s.n == 8192 and s.evaluations == 8192 * 5
    # With N = 8192 scrambled Sobol' points the estimators are within ~0.02 of the truth.
    assert np.allclose(s.first_order, ISHIGAMI_S, atol=0.03)
    assert np.allclose(s.total_order, ISHIGAMI_ST, atol=0.03)
    # Intervals bracket the estimates and (at 95 %) the analytic values.
    assert s.first_order_interval.shape == (3, 2)
    lo, hi = s.total_order_interval[:, 0], s.total_order_interval[:, 1]
    assert np.all(lo <= s.total_order) and np.all(s.total_order <= hi)
    assert np.all(lo - 0.02 <= ISHIGAMI_ST) and np.all(ISHIGAMI_ST <= hi + 0.02)
    assert s.order == ["x1", "x2", "x3"]  # by total order: 0.56 > 0.44 > 0.24
    frame = s.to_frame()
    assert list(frame.index) == ["x1", "x2", "x3"]
    assert {"first_order", "first_order_low", "first_order_high", "total_order"} <= set(frame.columns)
    assert "x1" in s.report()


def test_sobol_is_reproducible_by_seed_and_batch_size_does_not_matter_for_a_rowwise_function():
    def f(x):
        return x[:, 0] + 2.0 * x[:, 1]  # exact in any batch: no vectorised transcendental functions

    inputs = [credroi.Uniform(0, 1), credroi.Uniform(0, 1)]
    a = sensitivity.sobol(f, inputs, n=1024, seed=9, bootstrap=0)
    b = sensitivity.sobol(f, inputs, n=1024, seed=9, bootstrap=0, batch_size=100)
    c = sensitivity.sobol(f, inputs, n=1024, seed=10, bootstrap=0)
    assert np.array_equal(a.first_order, b.first_order) and np.array_equal(a.total_order, b.total_order)
    assert not np.array_equal(a.first_order, c.first_order)
    assert a.names == ["x1", "x2"]
    # Linear f = x1 + 2 x2, independent U(0,1): V_i = a_i^2 / 12, so S = ST = (1, 4) / 5.
    assert np.allclose(a.first_order, [0.2, 0.8], atol=0.02)
    assert np.allclose(a.total_order, [0.2, 0.8], atol=0.02)
    assert a.first_order_interval.shape == (0, 2) or a.first_order_interval.size == 0


def test_tornado_of_a_linear_function():
    # f = 3 x1 - x2 with x1 ~ N(0, 1), x2 ~ U(0, 10): low/high at P10/P90.
    # Base point (0, 5): f = -5. x1 at -+1.281552 (x2 at 5): -5 -+ 3.844655, swing
    # 7.689310; x2 at 1 and 9 (x1 at 0): -1 and -9, swing 8.
    t = sensitivity.tornado(lambda x: 3 * x[:, 0] - x[:, 1], {"x1": credroi.Normal(0, 1), "x2": credroi.Uniform(0, 10)},
                            base=[0.0, 5.0])
    assert t.base_output == pytest.approx(-5.0)
    assert [b.name for b in t.bars] == ["x2", "x1"]
    assert t.bars[0].swing == pytest.approx(8.0)
    assert t.bars[1].swing == pytest.approx(6 * 1.2815515655446004)
    assert t.bars[1].low_output == pytest.approx(-3 * 1.2815515655446004 - 5.0)
    frame = t.to_frame()
    assert list(frame.index) == ["x2", "x1"]
    # The x2 bar varies x2 alone, x1 at its base 0: f(0, 1) = -1 and f(0, 9) = -9.
    assert frame.loc["x2", "low"] == pytest.approx(-1.0)
    assert frame.loc["x2", "high"] == pytest.approx(-9.0)


def test_tornado_base_defaults_to_the_medians():
    t = sensitivity.tornado(lambda x: x[:, 0] * x[:, 1], [credroi.Uniform(0, 2), credroi.Uniform(2, 4)])
    assert t.base_output == pytest.approx(1.0 * 3.0)  # medians 1 and 3


def test_spider_of_a_python_function():
    r = sensitivity.spider(lambda x: x[:, 0] ** 2, [credroi.Uniform(0, 1)], probabilities=[0.25, 0.5, 0.75])
    assert r.outputs.shape == (1, 3)
    assert r.outputs[0] == pytest.approx([0.0625, 0.25, 0.5625])  # 0.25^2, 0.5^2, 0.75^2
    assert r.range[0] == pytest.approx(0.5)
    assert list(r.to_frame().columns) == ["p25", "p50", "p75", "range"]


def test_rank_of_arrays():
    rng = np.random.default_rng(5)
    x = rng.uniform(size=(2000, 2))
    y = np.exp(x[:, 0])  # a monotone function of x1 only
    r = sensitivity.rank(x, y, names=["a", "b"])
    assert r.spearman[0] == pytest.approx(1.0)
    assert abs(r.spearman[1]) < 0.1  # independent: sd 1/sqrt(1999) = 0.022
    assert r.order == ["a", "b"]
    assert r.to_frame().index.tolist() == ["a", "b"]


def test_scenario_methods_match_the_command_line(corporate):
    names = corporate.metric_names
    assert names[:3] == ["npv", "irr", "mirr"]
    t = sensitivity.tornado(corporate)
    s = sensitivity.sobol(corporate, n=256, seed=4, bootstrap=50, threads=2)
    s1 = sensitivity.sobol(corporate, n=256, seed=4, bootstrap=50, threads=1)
    assert np.array_equal(s.total_order, s1.total_order)  # same bits at any thread count
    sim = corporate.simulate(trials=2000, seed=3, keep_trials=True)
    r = sensitivity.rank(sim, metric="npv")
    assert r.names == sim.input_paths
    sp = sensitivity.spider(corporate, metric="roi")
    assert sp.output_name == "roi"
    assert t.bars and t.bars[0].name in sim.input_paths
    assert json.loads(t.to_json())["method"] == "tornado"


@needs_cli
def test_same_numbers_as_credroi_sensitivity(corporate):
    doc = cli_json("sensitivity", CORPORATE, "--method", "tornado", "--format", "json")
    assert json.loads(sensitivity.tornado(corporate).to_json()) == doc
    doc = cli_json("sensitivity", CORPORATE, "--method", "sobol", "--trials", "256", "--seed", "4", "--format", "json")
    assert json.loads(sensitivity.sobol(corporate, n=256, seed=4).to_json()) == doc


def test_errors_name_the_parameter(corporate):
    u = [credroi.Uniform(0, 1)] * 2
    with pytest.raises(credroi.ParameterError, match="n"):
        sensitivity.sobol(lambda x: x[:, 0], u, n=1000)
    with pytest.raises(credroi.ParameterError, match="shape"):
        sensitivity.sobol(lambda x: x, u, n=64)
    with pytest.raises(credroi.ParameterError, match="func"):
        sensitivity.sobol(lambda x: "nope", u, n=64)
    with pytest.raises(credroi.NumericError, match="output"):
        sensitivity.sobol(lambda x: np.full(len(x), np.nan), u, n=64)
    with pytest.raises(credroi.ParameterError, match="metric"):
        sensitivity.tornado(corporate, metric="happiness")
    with pytest.raises(credroi.ParameterError, match="low_probability|high_probability"):
        sensitivity.tornado(lambda x: x[:, 0], u, low=0.9, high=0.1)
    with pytest.raises(credroi.ParameterError, match="inputs"):
        sensitivity.sobol(lambda x: x[:, 0], None)
    with pytest.raises(credroi.ParameterError, match="target"):
        sensitivity.sobol(42, u)
    with pytest.raises(credroi.ParameterError, match="result|keep_trials"):
        sensitivity.rank(corporate.simulate(trials=100, seed=1), metric="npv")
    with pytest.raises(credroi.ParameterError, match="seed"):
        sensitivity.sobol(lambda x: x[:, 0], u, n=64, seed=-1)
    with pytest.raises(ValueError):  # ParameterError is also a ValueError
        sensitivity.sobol(lambda x: x[:, 0], u, n=3)


def test_an_exception_in_the_function_propagates_unchanged():
    class Boom(Exception):
        pass

    def f(x):
        raise Boom("from the user's function")

    with pytest.raises(Boom, match="user's function"):
        sensitivity.sobol(f, [credroi.Uniform(0, 1)], n=64)


def test_ctrl_c_during_a_python_function_raises_keyboard_interrupt():
    calls = []

    def slow(x):
        calls.append(len(x))
        if len(calls) == 2:
            signal.raise_signal(signal.SIGINT)  # as if the user pressed Ctrl-C
        return x[:, 0]

    with pytest.raises(KeyboardInterrupt):
        sensitivity.sobol(slow, [credroi.Uniform(0, 1), credroi.Uniform(0, 1)], n=4096, batch_size=64)
    assert len(calls) < 4096 // 64  # stopped early


def test_scenario_sobol_releases_the_gil(corporate):
    # Two scenario Sobol' runs in two Python threads give the same numbers as one alone.
    alone = sensitivity.sobol(corporate, n=128, seed=2, bootstrap=0, threads=1)
    out = [None, None]

    def work(k):
        out[k] = sensitivity.sobol(corporate, n=128, seed=2, bootstrap=0, threads=1)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for r in out:
        assert np.array_equal(r.first_order, alone.first_order)


def test_help_is_useful():
    assert "Sobol" in sensitivity.sobol.__doc__
    assert "(n, d)" in sensitivity.__doc__
    assert isinstance(sensitivity.tornado(lambda x: x[:, 0], [credroi.Uniform(0, 1)]).to_frame(), pd.DataFrame)
