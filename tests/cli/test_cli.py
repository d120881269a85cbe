"""The credroi command line, run as a user runs it: the real binary, real files.

CREDROI_BIN points at the built executable (set by ctest).
"""
import json
import math
import os
import pathlib
import subprocess

import pytest

BIN = os.environ.get("CREDROI_BIN", "build/test/credroi")
ROOT = pathlib.Path(os.environ.get("CREDROI_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2]))
EXAMPLES = sorted((ROOT / "examples").glob("*.toml"))
TINY = ROOT / "tests" / "data" / "tiny.toml"


def run(*args, check=False):
    p = subprocess.run([BIN, *map(str, args)], capture_output=True, text=True, timeout=120)
    if check and p.returncode != 0:
        raise AssertionError(f"credroi {' '.join(map(str, args))} failed ({p.returncode}): {p.stderr}")
    return p


def run_json(path):
    return json.loads(run("run", path, "--format", "json", check=True).stdout)


def run_env(env, *args):
    return subprocess.run([BIN, *map(str, args)], capture_output=True, text=True, timeout=120,
                          env={**os.environ, **env})


def test_version_matches_the_project():
    version = os.environ.get("CREDROI_VERSION", "0.1.0")
    p = run_env({"CREDROI_CPU": "baseline"}, "--version")
    assert p.returncode == 0 and p.stdout.strip() == f"credroi {version}"
    # Unless capped, a CPU variant may run (src/cpu_variant.hpp): it says which.
    assert run("--version", check=True).stdout.strip() in {
        f"credroi {version}", f"credroi {version} (x86-64-v3)", f"credroi {version} (x86-64-v4)"}


def cpu_flags():
    try:
        text = pathlib.Path("/proc/cpuinfo").read_text()
    except OSError:
        return set()
    for line in text.splitlines():
        if line.startswith("flags"):
            return set(line.split(":", 1)[1].split())
    return set()


def variants_built():
    return [level for level in ("x86-64-v3", "x86-64-v4") if os.access(f"{BIN}-{level}", os.X_OK)]


@pytest.mark.skipif(not variants_built(), reason="built without CREDROI_CPU_VARIANTS")
def test_the_newest_cpu_variant_the_machine_runs_is_chosen_and_can_be_capped():
    flags = cpu_flags()
    v3 = {"avx2", "fma", "bmi1", "bmi2", "avx", "popcnt"} <= flags
    v4 = v3 and {"avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"} <= flags
    version = os.environ.get("CREDROI_VERSION", "0.1.0")
    expected = "x86-64-v4" if v4 and "x86-64-v4" in variants_built() else "x86-64-v3" if v3 else None
    shown = run("--version", check=True).stdout.strip()
    assert shown == (f"credroi {version} ({expected})" if expected else f"credroi {version}")
    capped = run_env({"CREDROI_CPU": "x86-64-v3"}, "--version").stdout.strip()
    assert capped == (f"credroi {version} (x86-64-v3)" if v3 else f"credroi {version}")
    assert run_env({"CREDROI_CPU": "baseline"}, "--version").stdout.strip() == f"credroi {version}"


def test_an_unknown_cpu_cap_is_an_error():
    p = run_env({"CREDROI_CPU": "pentium"}, "run", TINY)
    assert p.returncode == 2
    assert "CREDROI_CPU" in p.stderr and "pentium" in p.stderr and p.stdout == ""


@pytest.mark.skipif(not variants_built(), reason="built without CREDROI_CPU_VARIANTS")
@pytest.mark.parametrize("cap", ["x86-64-v3", "x86-64-v4"])
def test_cpu_variants_agree_with_the_baseline_to_rounding(cap):
    # Each variant reproduces its own bits at any thread count (the native
    # test run checks the engine's vector paths); across variants only the
    # order of some sums changes, so the numbers agree to rounding.
    args = ("run", ROOT / "examples" / "corporate-ld.toml", "--trials", "30000", "--threads", "2", "--format", "json")
    base = json.loads(run_env({"CREDROI_CPU": "baseline"}, *args).stdout)
    other = run_env({"CREDROI_CPU": cap}, *args)
    assert other.returncode == 0, other.stderr
    other = json.loads(other.stdout)
    assert other["simulation"]["trials"] == 30000
    for name, m in base["simulation"]["metrics"].items():
        for key, value in m.items():
            if isinstance(value, float) and math.isfinite(value):
                assert other["simulation"]["metrics"][name][key] == pytest.approx(value, rel=1e-9, abs=1e-6), (name, key)
    again = json.loads(run_env({"CREDROI_CPU": cap}, *args[:-4], "--threads", "1", "--format", "json").stdout)
    assert again["simulation"] == other["simulation"] | {"threads": again["simulation"].get("threads")}


def test_help_lists_the_commands():
    p = run("--help", check=True)
    assert "run" in p.stdout and "validate" in p.stdout


def test_at_least_three_examples_are_bundled():
    names = {e.name for e in EXAMPLES}
    assert {"corporate-ld.toml", "university-microcredentials.toml", "association-members.toml"} <= names


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_every_example_validates_and_runs_in_every_format(example, tmp_path):
    assert run("validate", example).returncode == 0
    table = run("run", example, check=True).stdout
    assert "NPV" in table and "Fiscal years" in table
    doc = run_json(example)
    for key in ("npv", "irr", "roi", "bcr", "payback_months"):
        assert key in doc["metrics"]
    csv_path = tmp_path / "out.csv"
    run("run", example, "--format", "csv", "--output", csv_path, check=True)
    lines = csv_path.read_text().splitlines()
    assert lines[0].startswith("month,costs,benefits,net")
    assert len(lines) == 1 + doc["scenario"]["horizon_months"]


@pytest.mark.parametrize("example", EXAMPLES + [TINY], ids=lambda p: p.name)
def test_metrics_recomputed_independently_from_the_monthly_flows(example):
    doc = run_json(example)
    m, monthly = doc["metrics"], doc["monthly"]
    r = doc["discount_rate"]
    net = [b - c for b, c in zip(monthly["benefits"], monthly["costs"])]
    assert net == pytest.approx(monthly["net"], rel=1e-12, abs=1e-9)
    # end-of-month flows: month i is discounted by (1+r)^((i+1)/12)
    shift = 0 if doc["scenario"]["cash_flow_timing"] == "start" else 1
    npv = sum(x / (1 + r) ** ((i + shift) / 12) for i, x in enumerate(net))
    assert m["npv"] == pytest.approx(npv, rel=1e-9, abs=1e-6)
    pv_costs = sum(x / (1 + r) ** ((i + shift) / 12) for i, x in enumerate(monthly["costs"]))
    pv_benefits = sum(x / (1 + r) ** ((i + shift) / 12) for i, x in enumerate(monthly["benefits"]))
    if pv_costs > 0:
        assert m["roi"] == pytest.approx((pv_benefits - pv_costs) / pv_costs, rel=1e-9)
        assert m["bcr"] == pytest.approx(pv_benefits / pv_costs, rel=1e-9)
    if m["irr"] is not None:
        monthly_irr = (1 + m["irr"]) ** (1 / 12) - 1
        scale = sum(abs(x) for x in net)
        assert abs(sum(x / (1 + monthly_irr) ** i for i, x in enumerate(net))) < 1e-7 * scale
    # every line adds up to the totals
    for key, lines in (("costs", "cost_lines"), ("benefits", "benefit_lines")):
        for i, total in enumerate(monthly[key]):
            assert sum(v[i] for v in monthly[lines].values()) == pytest.approx(total, rel=1e-9, abs=1e-9)
    # fiscal years add up to the months
    months = monthly["month"]
    for fy in doc["fiscal_years"]:
        first = months.index(fy["first_month"])
        span = slice(first, first + fy["months"])
        assert fy["costs"] == pytest.approx(sum(monthly["costs"][span]), rel=1e-9, abs=1e-9)
        assert fy["benefits"] == pytest.approx(sum(monthly["benefits"][span]), rel=1e-9, abs=1e-9)
        if fy["budget"] is not None:
            assert fy["shortfall"] == pytest.approx(max(0.0, fy["costs"] - fy["budget"]), abs=1e-9)
    assert sum(fy["months"] for fy in doc["fiscal_years"]) == doc["scenario"]["horizon_months"]
    # simple payback: the first time cumulative net turns >= 0 after being negative
    if m["payback_months"] is not None:
        cum = 0.0
        for i, x in enumerate(net):
            before, cum = cum, cum + x
            if before < 0 <= cum:
                assert m["payback_months"] == pytest.approx(i + shift - 1 + (-before) / x, rel=1e-9)
                break


def test_tiny_scenario_by_hand():
    doc = run_json(TINY)
    m = doc["metrics"]
    # costs: set-up 1,200 in January + licence 1,200/12 = 100 a month; benefits 4,800/12 = 400 a month.
    # net: -900 in January, then +300 for 11 months; rate 0 so NPV = -900 + 11*300 = 2,400.
    assert m["npv"] == pytest.approx(2400.0)
    assert m["total_costs"] == pytest.approx(2400.0)
    # cumulative at the month ends (t = 1, 2, 3, 4): -900, -600, -300, 0 -> payback 4.0 months, in April
    assert m["payback_months"] == pytest.approx(4.0)
    assert m["break_even_month"] == "2026-04"
    # fiscal year from July, named by its end year: Jan-Jun 2026 is FY2026 (6 months), Jul-Dec is FY2027
    fy = doc["fiscal_years"]
    assert [f["label"] for f in fy] == ["FY2026", "FY2027"]
    assert [f["months"] for f in fy] == [6, 6]
    assert fy[0]["costs"] == pytest.approx(1800.0)  # 1,300 + 5 x 100
    assert fy[1]["net"] == pytest.approx(1800.0)  # 6 x 400 - 6 x 100
    assert fy[1]["cumulative_net"] == pytest.approx(2400.0)


def write(tmp_path, text, name="s.toml"):
    p = tmp_path / name
    p.write_text(text)
    return p


BASE = TINY.read_text()


def replace(old, new):
    assert old in BASE
    return BASE.replace(old, new, 1)


BAD_INPUTS = {
    "malformed TOML": (BASE + "\n[costs\n", r":(\d+):(\d+): not valid TOML"),
    "unknown key": (replace("annual = 1200", "anual = 1200"), "costs.recurring[0].anual: unknown key; did you mean 'annual'?"),
    "wrong type": (replace("headcount = 100", 'headcount = "lots"'), 'segments[0].headcount: expected a number or a distribution such as { pert = [lo, mode, hi] }, found a string ("lots")'),
    "negative amount": (replace("annual = 1200", "annual = -5"), "costs.recurring[0].annual: expected a number >= 0, found -5"),
    "probability above 1": (replace('name = "staff"', 'name = "staff"\nannual_attrition = 1.5'),
                            "segments[0].annual_attrition: expected a share between 0 and 1, found 1.5"),
    "milestones not increasing": (replace('{ date = "2026-09", share = 0.5 }', '{ date = "2026-09", share = 0.05 }'),
                                  "adoption.milestones[1].share"),
    "milestones out of order": (replace('{ date = "2026-09", share = 0.5 }', '{ date = "2026-02", share = 0.5 }'),
                                "adoption.milestones[1].date"),
    "missing required key": (replace("discount_rate = 0.0\n", ""), "scenario.discount_rate: missing"),
    "bad month": (replace('start = "2026-01"', 'start = "2026-13"'), "scenario.start"),
    "one-off outside the horizon": (replace('date = "2026-01"', 'date = "2030-01"'), "costs.one_off[0].date: expected a month within the horizon"),
    "empty file": ("", "the scenario is empty"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS), ids=str)
def test_bad_input_gives_one_clear_line_and_no_output(case, tmp_path):
    text, expected = BAD_INPUTS[case]
    scenario = write(tmp_path, text)
    out = tmp_path / "result.json"
    p = run("run", scenario, "--format", "json", "--output", out)
    assert p.returncode == 1, p.stdout
    assert p.stdout == ""
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [scenario], "no temporary or partial file may be left behind"
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1, p.stderr
    msg = lines[0]
    assert msg.startswith(f"credroi: error: {scenario}")
    import re
    assert re.search(expected, msg) or expected in msg, msg
    if case != "empty file":
        assert re.match(rf"credroi: error: {re.escape(str(scenario))}:\d+:\d+: ", msg), "file:line:column expected"
    assert run("validate", scenario).returncode == 1


def test_line_and_column_point_at_the_bad_value(tmp_path):
    scenario = write(tmp_path, replace("annual = 1200", "annual = -5"))
    msg = run("run", scenario).stderr
    line_no = next(i for i, l in enumerate(scenario.read_text().splitlines(), 1) if "annual = -5" in l)
    assert f"{scenario}:{line_no}:" in msg


def test_missing_file(tmp_path):
    p = run("run", tmp_path / "nope.toml")
    assert p.returncode == 1
    assert "nope.toml" in p.stderr and "cannot open" in p.stderr


def test_output_over_the_input_is_refused(tmp_path):
    scenario = write(tmp_path, BASE)
    p = run("run", scenario, "--output", scenario)
    assert p.returncode == 1
    assert "refusing" in p.stderr
    assert scenario.read_text() == BASE


def test_output_into_a_missing_folder_fails_clearly(tmp_path):
    p = run("run", TINY, "--output", tmp_path / "no" / "such" / "dir" / "out.txt")
    assert p.returncode == 1
    assert "cannot write" in p.stderr


def test_output_file_is_complete(tmp_path):
    out = tmp_path / "r.json"
    run("run", TINY, "--format", "json", "--output", out, check=True)
    assert json.loads(out.read_text())["metrics"]["npv"] == pytest.approx(2400.0)
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]


def test_unknown_format_is_a_usage_error():
    p = run("run", TINY, "--format", "xml")
    assert p.returncode != 0
    assert "format" in p.stderr


CORPORATE = ROOT / "examples" / "corporate-ld.toml"


def test_simulation_json_and_table():
    doc = json.loads(run("run", CORPORATE, "--trials", "2000", "--seed", "3", "--format", "json", check=True).stdout)
    sim = doc["simulation"]
    assert sim["trials"] == 2000 and sim["seed"] == 3 and sim["sampler"] == "lhs"
    npv = sim["metrics"]["npv"]
    assert npv["count"] == 2000
    assert npv["p5"] <= npv["p50"] <= npv["p95"]
    assert npv["min"] <= npv["p5"] and npv["p95"] <= npv["max"]
    assert npv["base"] == pytest.approx(doc["metrics"]["npv"], rel=1e-12)
    assert 0.0 <= sim["probability_npv_positive"] <= 1.0
    assert set(sim["probability_shortfall"]) == {fy["label"] for fy in doc["fiscal_years"]}
    bands = sim["cumulative_net_bands"]
    assert len(bands["month"]) == len(bands["percentiles"]["p50"]) == doc["scenario"]["horizon_months"]
    table = run("run", CORPORATE, "--trials", "500", check=True).stdout
    assert "P(NPV > 0)" in table and "P95" in table


def test_same_seed_same_numbers_at_any_thread_count():
    outs = []
    for threads in ("1", "2", "8"):
        doc = json.loads(run("run", CORPORATE, "--trials", "3000", "--seed", "11", "--threads", threads,
                             "--format", "json", check=True).stdout)
        del doc["simulation"]["threads"]
        outs.append(doc)
    assert outs[0] == outs[1] == outs[2]
    other = json.loads(run("run", CORPORATE, "--trials", "3000", "--seed", "12", "--format", "json", check=True).stdout)
    assert other["simulation"]["metrics"]["npv"]["mean"] != outs[0]["simulation"]["metrics"]["npv"]["mean"]


def test_samples_csv(tmp_path):
    samples = tmp_path / "samples.csv"
    doc = json.loads(run("run", CORPORATE, "--trials", "1500", "--samples", samples, "--format", "json", check=True).stdout)
    import csv
    rows = list(csv.DictReader(samples.open()))
    assert len(rows) == 1500
    assert "adoption.delay_months" in rows[0] and "npv" in rows[0]
    npvs = sorted(float(r["npv"]) for r in rows)
    assert sum(npvs) / len(npvs) == pytest.approx(doc["simulation"]["metrics"]["npv"]["mean"], rel=1e-9)
    # the summary's percentiles are those of the trials (NumPy's linear rule)
    rank = 0.1 * (len(npvs) - 1)
    lo = int(rank)
    p10 = npvs[lo] + (npvs[lo + 1] - npvs[lo]) * (rank - lo)
    assert doc["simulation"]["metrics"]["npv"]["p10"] == pytest.approx(p10, rel=1e-12)
    delays = [float(r["adoption.delay_months"]) for r in rows]
    assert 0.0 <= min(delays) and max(delays) <= 9.0


def test_samples_need_trials(tmp_path):
    p = run("run", CORPORATE, "--samples", tmp_path / "s.csv")
    assert p.returncode == 1 and "--samples" in p.stderr
    assert not (tmp_path / "s.csv").exists()


def test_bad_trials_and_sampler():
    assert run("run", CORPORATE, "--trials", "-5").returncode != 0
    p = run("run", CORPORATE, "--trials", "10", "--sampler", "quasi")
    assert p.returncode != 0 and "sampler" in p.stderr


def test_every_64_bit_seed_is_its_own_and_nothing_else_is_a_seed():
    def npv_mean(seed):
        doc = json.loads(run("run", CORPORATE, "--trials", "200", "--seed", seed, "--format", "json", check=True).stdout)
        assert doc["simulation"]["seed"] == int(seed)
        return doc["simulation"]["metrics"]["npv"]["mean"]
    # Seeds above 2^63 - 1 were once clamped to it, silently: one run for them all.
    means = [npv_mean(s) for s in ("9223372036854775807", "9223372036854775808", "18446744073709551615")]
    assert len(set(means)) == 3
    assert npv_mean("010") == npv_mean("10")  # decimal, not octal
    for bad in ("18446744073709551616", "99999999999999999999999", "-1", "0x10", "1.5", "1e3"):
        for command in ("run", "report", "compare", "sensitivity"):
            files = [TINY, TINY] if command == "compare" else [TINY]
            p = run(command, *files, "--trials", "64", "--seed", bad)
            assert p.returncode != 0 and "--seed: expected a whole number from 0 to 18446744073709551615" in p.stderr, (command, bad)
    p = run("run", TINY, "--trials", "0x10")
    assert p.returncode != 0 and "--trials: expected a whole number" in p.stderr


def test_an_error_inside_the_trials_names_the_file(tmp_path):
    # Fine in the base case (the median, 5e307), but some trials' costs add up
    # beyond a double.
    scenario = tmp_path / "huge.toml"
    scenario.write_text(TINY.read_text() + "\n[[costs.recurring]]\nname = \"huge\"\nannual = { uniform = [0, 1e308] }\n")
    out = tmp_path / "out.json"
    p = run("run", scenario, "--trials", "1000", "--format", "json", "-o", out)
    assert p.returncode == 1
    assert p.stderr.startswith(f"credroi: error: {scenario}: in the Monte Carlo trials: ")
    assert "overflow" in p.stderr
    assert not out.exists()


def test_compare_names_the_file_whose_trials_fail(tmp_path):
    # The same overflowing scenario as above, second of three: the message
    # must name its file, not the first's or the last's.
    good = tmp_path / "good.toml"
    good.write_text(TINY.read_text())
    huge = tmp_path / "huge.toml"
    huge.write_text(TINY.read_text() + "\n[[costs.recurring]]\nname = \"huge\"\nannual = { uniform = [0, 1e308] }\n")
    out, html = tmp_path / "out.json", tmp_path / "compare.html"
    p = run("compare", TINY, huge, good, "--trials", "1000", "--format", "json", "-o", out, "--report", html)
    assert p.returncode == 1
    assert p.stderr.startswith(f"credroi: error: {huge}: in the Monte Carlo trials: ")
    assert "overflow" in p.stderr and str(good) not in p.stderr and str(TINY) not in p.stderr
    assert not out.exists() and not html.exists()
    # Too many trials is the option's fault, not a scenario's: no file named.
    p = run("compare", TINY, huge, "--trials", str(2**32))
    assert p.returncode != 0 and "--trials: expected a whole number from 0 to 4294967295" in p.stderr
    assert str(huge) not in p.stderr


def test_more_trials_than_one_run_takes_is_the_options_error_in_every_command():
    # simulate() takes at most 2^32 - 1 trials; above that, every command says
    # so about --trials before it reads anything (once it blamed the file).
    for command in ("run", "report", "compare", "sensitivity"):
        files = [TINY, TINY] if command == "compare" else [TINY]
        extra = ["--method", "rank"] if command == "sensitivity" else []
        p = run(command, *files, *extra, "--trials", str(2**32))
        assert p.returncode != 0, command
        assert "--trials: expected a whole number from 0 to 4294967295" in p.stderr, (command, p.stderr)
        assert str(TINY) not in p.stderr, command


@pytest.mark.parametrize("method", ["tornado", "spider", "sobol", "rank"])
def test_an_error_inside_the_sensitivity_analysis_names_the_file(tmp_path, method):
    # Valid (the base case's costs add up to 1.7e308), but the costs at an
    # input's upper percentiles do not fit a double. For rank, whose own trials
    # are the simulation's, a metric the only uncertain input cannot move.
    scenario = tmp_path / "edge.toml"
    if method == "rank":
        scenario.write_text(TINY.read_text() + "\n[[costs.one_off]]\nname = \"late\"\n"
                            "amount = { uniform = [0, 100] }\ndate = \"2026-09\"\n")
        args = ("--metric", "net FY2026", "--trials", "200")
    else:
        scenario.write_text(TINY.read_text() + "\n[[costs.recurring]]\nname = \"huge\"\nannual = { uniform = [0, 1e308] }\n"
                            "\n[[costs.recurring]]\nname = \"big\"\nannual = 1.2e308\n")
        args = ("--trials", "64") if method == "sobol" else ()
    assert run("validate", scenario).returncode == 0
    out = tmp_path / "out.json"
    p = run("sensitivity", scenario, "--method", method, *args, "--format", "json", "-o", out)
    assert p.returncode == 1
    assert p.stderr.startswith(f"credroi: error: {scenario}: in the sensitivity analysis: ")
    assert ("takes one value only" if method == "rank" else "no finite value") in p.stderr
    assert not out.exists()


def test_sensitivity_option_errors_name_the_option_not_the_file():
    p = run("sensitivity", CORPORATE, "--method", "sobol", "--trials", "1000")
    assert p.returncode == 1 and "power of two" in p.stderr and str(CORPORATE) not in p.stderr
    assert p.stderr.splitlines()[-1].startswith("credroi: error: --trials: ")
    p = run("sensitivity", CORPORATE, "--metric", "npx")
    assert p.returncode == 1 and p.stderr.startswith("credroi: error: --metric: ")


def test_beta_shapes_that_once_hung_are_refused_at_their_key(tmp_path):
    for kind in ("{ beta = [1e50, 1e50] }", "{ pert = [0, 50, 100], lambda = 1e50 }"):
        scenario = tmp_path / "shape.toml"
        scenario.write_text(TINY.read_text() + f"\n[[costs.recurring]]\nname = \"x\"\nannual = {kind}\n")
        for args in (("validate", scenario), ("run", scenario, "--trials", "100")):
            p = subprocess.run([BIN, *map(str, args)], capture_output=True, text=True, timeout=30)
            assert p.returncode == 1
            assert f"{scenario}:" in p.stderr and "costs.recurring[" in p.stderr and "expected" in p.stderr


def test_interrupt_writes_nothing(tmp_path):
    import signal
    import time
    out = tmp_path / "r.json"
    proc = subprocess.Popen([BIN, "run", str(CORPORATE), "--trials", "50000000", "--format", "json", "--output", str(out)],
                            stderr=subprocess.PIPE, text=True)
    time.sleep(1.5)
    start = time.time()
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert time.time() - start < 10, "stops promptly"
    assert proc.returncode == 130
    assert "interrupted" in err
    assert list(tmp_path.iterdir()) == []


def test_sensitivity_tornado_table_and_json():
    p = run("sensitivity", CORPORATE, check=True)
    lines = p.stdout.splitlines()
    assert any(l.startswith("NPV depends most on") for l in lines), p.stdout
    assert "note:" in p.stderr and "correlations" in p.stderr  # the corporate example correlates two inputs
    doc = json.loads(run("sensitivity", CORPORATE, "--format", "json", check=True).stdout)
    assert doc["method"] == "tornado" and doc["metric"] == "npv"
    swings = [abs(row["swing"]) for row in doc["inputs"]]
    assert swings == sorted(swings, reverse=True)
    assert len(doc["inputs"]) == len(json.loads(run("run", CORPORATE, "--trials", "10", "--format", "json",
                                                    check=True).stdout)["simulation"]["uncertain_inputs"])


def test_sensitivity_sobol_and_rank_are_reproducible():
    a = run("sensitivity", CORPORATE, "--method", "sobol", "--trials", "1024", "--seed", "5", "--threads", "1",
            "--format", "json", check=True).stdout
    b = run("sensitivity", CORPORATE, "--method", "sobol", "--trials", "1024", "--seed", "5", "--threads", "2",
            "--format", "json", check=True).stdout
    assert a == b
    doc = json.loads(a)
    assert doc["method"] == "sobol"
    csv_text = run("sensitivity", CORPORATE, "--method", "rank", "--trials", "2000", "--format", "csv", check=True).stdout
    assert csv_text.splitlines()[0].startswith("input,")


def test_sensitivity_bad_metric_and_trials():
    p = run("sensitivity", CORPORATE, "--metric", "npx")
    assert p.returncode == 1 and "--metric" in p.stderr and "npv" in p.stderr
    p = run("sensitivity", CORPORATE, "--method", "sobol", "--trials", "1000")
    assert p.returncode == 1 and "power of two" in p.stderr
