"""The same scenario and seed through the command line and through Python give identical numbers.

Needs the credroi executable (CREDROI_BIN, or <build>/credroi beside the package).
"""
import io
import math

import numpy as np
import pandas as pd
import pytest

import credroi
from credroi_test_support import CORPORATE, EXAMPLES, TINY, cli_json, needs_cli, run_cli

pytestmark = needs_cli


def same(a, b):
    """Equal numbers, None == null; no tolerance: both doors run one engine."""
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, float) and math.isnan(a):
        return False  # NaN never stands for a missing number
    return a == b


@pytest.mark.parametrize("example", EXAMPLES + [TINY], ids=lambda p: p.name)
def test_base_case_metrics_are_identical(example):
    doc = cli_json("run", example, "--format", "json")
    python = credroi.Scenario.from_file(example).evaluate()
    assert python.metrics.keys() == doc["metrics"].keys()
    for key, value in doc["metrics"].items():
        assert same(python.metrics[key], value), key
    assert python.months == doc["monthly"]["month"]
    for column in ("costs", "benefits", "net", "cumulative_net", "adoption", "earners", "credentials"):
        assert python.series[column].tolist() == doc["monthly"][column], column
    assert python.series["discount_factor"].tolist() == doc["monthly"]["discount_factor"]
    records = python.fiscal_year_records
    assert [r["label"] for r in records] == [f["label"] for f in doc["fiscal_years"]]
    for r, f in zip(records, doc["fiscal_years"]):
        for key in ("costs", "benefits", "net", "cumulative_net", "budget", "shortfall", "costs_by_line", "benefits_by_line"):
            assert r[key] == f[key], (r["label"], key)


@pytest.mark.parametrize(
    "example, trials, seed, sampler",
    [(CORPORATE, 3000, 42, "lhs"), (CORPORATE, 1500, 7, "sobol"), (CORPORATE, 1000, 3, "mc")]
    + [(e, 1200, 5, "lhs") for e in EXAMPLES if e != CORPORATE],
    ids=lambda v: getattr(v, "name", str(v)),
)
def test_simulation_summary_is_identical(example, trials, seed, sampler):
    doc = cli_json("run", example, "--trials", trials, "--seed", seed, "--sampler", sampler, "--format", "json")
    sim = doc["simulation"]
    r = credroi.Scenario.from_file(example).simulate(trials=trials, seed=seed, sampler=sampler)
    assert (r.trials, r.seed, r.sampler) == (sim["trials"], sim["seed"], sim["sampler"])
    assert r.input_paths == sim["uncertain_inputs"]
    assert sorted(r.metric_names) == sorted(sim["metrics"])  # JSON keys come out sorted
    for record in r.summary_records:
        expected = sim["metrics"][record["name"]]
        for key, value in expected.items():
            assert same(record[key], value), (record["name"], key, record[key], value)
    assert r.probability_npv_positive == sim["probability_npv_positive"]
    assert r.probability_payback_within_horizon == sim["probability_payback_within_horizon"]
    assert r.probability_irr_exists == sim["probability_irr_exists"]
    assert r.npv_mean_standard_error == sim["npv_mean_standard_error"]
    assert r.probability_shortfall == sim["probability_shortfall"]
    bands = r.bands
    assert list(bands.index) == sim["cumulative_net_bands"]["month"]
    for label, values in sim["cumulative_net_bands"]["percentiles"].items():
        assert bands[label].tolist() == values, label
    # and the summary frame agrees with the JSON
    frame = r.summary()
    assert frame.loc["npv", "p50"] == sim["metrics"]["npv"]["p50"]


def test_monthly_frame_equals_the_csv():
    csv = run_cli("run", CORPORATE, "--format", "csv").stdout
    cli = pd.read_csv(io.StringIO(csv), index_col="month", float_precision="round_trip")
    python = credroi.Scenario.from_file(CORPORATE).evaluate().monthly
    assert list(cli.columns) == list(python.columns)
    assert list(cli.index) == list(python.index)
    assert np.array_equal(cli.to_numpy(), python.to_numpy())


def test_samples_equal_the_command_lines(tmp_path):
    out = tmp_path / "samples.csv"
    run_cli("run", CORPORATE, "--trials", 700, "--seed", 8, "--samples", out, "--format", "json")
    cli = pd.read_csv(out, index_col="trial", float_precision="round_trip")
    python = credroi.Scenario.from_file(CORPORATE).simulate(trials=700, seed=8, keep_trials=True).samples()
    assert list(cli.columns) == list(python.columns)
    assert np.array_equal(cli.to_numpy(), python.to_numpy(), equal_nan=True)


def test_report_is_the_command_lines_output():
    s = credroi.Scenario.from_file(CORPORATE)
    assert s.report() == run_cli("run", CORPORATE).stdout
    assert s.report(format="csv") == run_cli("run", CORPORATE, "--format", "csv").stdout
    sim = s.simulate(trials=800, seed=4)
    assert s.report(sim) == run_cli("run", CORPORATE, "--trials", 800, "--seed", 4).stdout
