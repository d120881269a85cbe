"""The same scenario and seed through the command line and through Python give identical numbers.

Needs the credroi executable (CREDROI_BIN, or <build>/credroi beside the package).
"""
import io
import json
import math
import os
import pathlib
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import credroi
from credroi_test_support import CLI, CORPORATE, EXAMPLES, TINY, cli_json, needs_cli, run_cli

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


def _variants_built():
    package = pathlib.Path(credroi.__file__).parent
    return [level for level in ("x86-64-v4", "x86-64-v3")
            if list((package / ("_" + level.replace("-", "_"))).glob("_core*.so"))]


def test_the_package_loads_the_build_the_command_line_runs():
    # One test of the CPU decides for both doors (src/cpu_variant.hpp).
    from credroi import _cpu
    level = _cpu.best_level()
    order = ["x86-64-v4", "x86-64-v3"]
    allowed = order[order.index(level):] if level in order else []
    expected = next((v for v in allowed if v in _variants_built()), "baseline")
    assert credroi._cpu_variant == expected
    assert sys.modules["credroi._core"] is credroi._core
    shown = run_cli("--version").stdout.strip()
    assert shown.endswith(f"({expected})") if expected != "baseline" else not shown.endswith(")")


@pytest.mark.parametrize("cap", ["baseline", "x86-64-v3", "x86-64-v4"])
def test_a_capped_cpu_gives_both_doors_the_same_build_and_bits(cap):
    env = {**os.environ, "CREDROI_CPU": cap}
    args = ["run", str(CORPORATE), "--trials", "2000", "--seed", "9", "--format", "json"]
    doc = json.loads(subprocess.run([CLI, *args], env=env, capture_output=True, text=True, timeout=300, check=True).stdout)
    code = ("import credroi, json, sys\n"
            "r = credroi.Scenario.from_file(sys.argv[1]).simulate(trials=2000, seed=9)\n"
            "print(json.dumps([credroi._cpu_variant, r.summary_records, r.probability_npv_positive]))\n")
    p = subprocess.run([sys.executable, "-c", code, str(CORPORATE)], env=env, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    variant, records, probability = json.loads(p.stdout)
    cli_variant = subprocess.run([CLI, "--version"], env=env, capture_output=True, text=True).stdout.strip()
    assert (variant == "baseline") == (not cli_variant.endswith(")")) and cli_variant.endswith(f"({variant})") == (variant != "baseline")
    assert variant in ("baseline", cap) or (cap == "x86-64-v4" and variant == "x86-64-v3")
    assert probability == doc["simulation"]["probability_npv_positive"]
    for record in records:
        for key, value in doc["simulation"]["metrics"][record["name"]].items():
            assert same(record[key], value), (cap, record["name"], key)


def test_an_unknown_cpu_cap_is_an_import_error_naming_it():
    env = {**os.environ, "CREDROI_CPU": "i386"}
    p = subprocess.run([sys.executable, "-c", "import credroi"], env=env, capture_output=True, text=True, timeout=120)
    assert p.returncode != 0
    assert "ImportError" in p.stderr and "CREDROI_CPU" in p.stderr and "i386" in p.stderr
