"""credroi.Scenario from a file, TOML text or a dict; the base case and its pandas views; errors."""
import copy
import json
import math
import tomllib

import numpy as np
import pandas as pd
import pytest

import credroi
from credroi_test_support import CORPORATE, EXAMPLES, TINY, needs_cli, run_cli


def load(path):
    with open(path, "rb") as f:
        return tomllib.load(f)


# ---- reading -------------------------------------------------------------------------


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_every_example_reads_and_evaluates(example):
    s = credroi.Scenario.from_file(example)
    e = s.evaluate()
    assert len(e.months) == s.horizon_months == len(s.months)
    assert e.months[0] == s.start
    assert list(e.fiscal_years.index) == s.fiscal_years
    for key in ("npv", "irr", "irr_status", "roi", "bcr", "payback_months"):
        assert key in e.metrics


def test_tiny_scenario_by_hand(tiny):
    m = tiny.evaluate().metrics
    # costs: set-up 1,200 in January + licence 1,200/12 = 100 a month; benefits 4,800/12 = 400 a month.
    # net: -900 in January, then +300 for 11 months; rate 0 so NPV = -900 + 11*300 = 2,400.
    assert m["npv"] == pytest.approx(2400.0)
    assert m["total_costs"] == pytest.approx(2400.0)
    # cumulative at the month ends: -900, -600, -300, 0 -> payback 4.0 months, break-even in April
    assert m["payback_months"] == pytest.approx(4.0)
    assert m["break_even_month"] == "2026-04"
    assert m["irr_status"] == "ok" and isinstance(m["irr"], float)
    fy = tiny.evaluate().fiscal_years
    # fiscal year from July, named by its end year: Jan-Jun 2026 is FY2026, Jul-Dec FY2027
    assert list(fy.index) == ["FY2026", "FY2027"] and fy["months"].tolist() == [6, 6]
    assert fy.loc["FY2026", "costs"] == pytest.approx(1800.0)  # 1,200 + 6 x 100
    assert fy.loc["FY2027", "net"] == pytest.approx(1800.0)  # 6 x 400 - 6 x 100
    assert fy.loc["FY2027", "cumulative_net"] == pytest.approx(2400.0)
    assert math.isnan(fy.loc["FY2026", "budget"])  # no [budget]: NaN in the frame, None in the records
    assert tiny.evaluate().fiscal_year_records[0]["budget"] is None


def test_from_path_like_and_str(tiny):
    assert credroi.Scenario.from_file(str(TINY)).evaluate().metrics == tiny.evaluate().metrics


def test_from_dict_of_the_file_gives_the_same_numbers(corporate):
    s = credroi.Scenario.from_dict(load(CORPORATE))
    assert s.evaluate().metrics == corporate.evaluate().metrics
    a = s.simulate(trials=500, seed=5).summary()
    b = corporate.simulate(trials=500, seed=5).summary()
    pd.testing.assert_frame_equal(a, b, check_exact=True)


def test_from_toml_gives_the_same_numbers(tiny):
    s = credroi.Scenario.from_toml(TINY.read_text())
    assert s.evaluate().metrics == tiny.evaluate().metrics


def test_distribution_objects_in_a_dict_equal_their_file_form(corporate):
    d = load(CORPORATE)
    d["costs"]["recurring"][0]["annual"] = credroi.Pert(20000, 30000, 60000)
    d["adoption"]["delay_months"] = credroi.Triangular(0, 2, 9)
    d["benefits"]["retention"]["relative_attrition_reduction"] = credroi.Pert(0.0, 0.01, 0.025)
    d["costs"]["one_off"][4]["amount"] = credroi.RiskEvent(0.25, credroi.Triangular(10000, 20000, 50000))
    s = credroi.Scenario.from_dict(d)
    assert s.evaluate().metrics == corporate.evaluate().metrics
    pd.testing.assert_frame_equal(s.simulate(trials=300, seed=2).summary(),
                                  corporate.simulate(trials=300, seed=2).summary(), check_exact=True)


def test_dict_accepts_numpy_values_and_open_truncation(tiny):
    d = load(TINY)
    d["segments"][0]["headcount"] = np.int64(100)
    d["costs"]["one_off"][0]["amount"] = np.float64(1200.0)
    assert credroi.Scenario.from_dict(d).evaluate().metrics == tiny.evaluate().metrics
    d["segments"][0]["headcount"] = {"normal": [100, 10], "truncate": [0, math.inf]}
    s = credroi.Scenario.from_dict(d)
    dist = s.inputs.loc["segments[0].headcount", "distribution"]
    assert isinstance(dist, credroi.Normal) and dist.lo == 0 and dist.truncated
    assert dist.quantile(0.999) == pytest.approx(credroi.Normal(100, 10, lo=0).quantile(0.999), rel=1e-15)


def test_scenario_properties(corporate):
    assert corporate.name.startswith("Corporate L&D")
    assert corporate.currency == "EUR" and corporate.start == "2026-04" and corporate.horizon_months == 60
    assert corporate.fiscal_year_start_month == 4 and corporate.cash_flow_timing == "end"
    assert corporate.discount_rate == 0.08
    assert corporate.milestones == [("2027-03", 0.10), ("2028-03", 0.50), ("2029-06", 0.80)]
    assert corporate.adoption_model == "logistic" and corporate.adoption_ceiling == 0.9 and corporate.launch is None
    assert corporate.has_budget
    assert corporate.correlations == [("costs.one_off[0].quantity", "adoption.delay_months", 0.5)]
    assert corporate.stakeholders["contract_signatory"] == "CFO"
    assert "platform licence" in corporate.cost_line_names
    assert "corporate" in repr(corporate).lower() or "Corporate" in repr(corporate)


def test_status_quo_by_hand(corporate, tiny):
    q = corporate.status_quo
    # examples/corporate-ld.toml: 9,000 staff x 19 % = 1,710 leavers at 40 % of 45,000 = 18,000 each;
    # 3,000 technical x 19 % = 570 at 80 % of 70,000 = 56,000 each
    staff, technical = q["attrition"]
    assert staff["name"] == "frontline and office staff"
    assert staff["leavers_per_year"] == pytest.approx(1710)
    assert staff["replacement_cost_per_leaver"] == pytest.approx(18000)
    assert staff["cost_per_year"] == pytest.approx(1710 * 18000)
    assert technical["cost_per_year"] == pytest.approx(570 * 56000)
    assert q["attrition_cost_per_year"] == pytest.approx(1710 * 18000 + 570 * 56000)
    # a certificate: print 3 (the mean of uniform 2-4) + postage 3 + 20/60 h x 30 + 3 % x (3 + 3) = 16.18
    assert q["paper_unit_cost"] == pytest.approx(16.18)
    assert q["paper_cost_per_year"] == pytest.approx(6000 * 16.18)
    # 600 requests x 20/60 h x 30 an hour
    assert q["verification_cost_per_year"] == pytest.approx(6000)
    # tiny has neither benefit: None, not 0
    assert tiny.status_quo["paper_unit_cost"] is None
    assert tiny.status_quo["verification_cost_per_year"] is None


def test_inputs_table(corporate):
    inputs = corporate.inputs
    assert inputs.index.name == "path"
    assert list(inputs.columns) == ["base", "uncertain", "kind", "distribution"]
    delay = inputs.loc["adoption.delay_months"]
    assert delay["uncertain"] and delay["kind"] == "triangular" and delay["base"] == 2.0  # base = the mode
    assert repr(delay["distribution"]) == repr(credroi.Triangular(0, 2, 9))
    assert sorted(corporate.uncertain_inputs) == sorted(inputs.index[inputs["uncertain"]])
    assert inputs.loc["scenario.discount_rate", "distribution"] is None


# ---- the base case and its views ---------------------------------------------------------


def test_monthly_frame_is_the_csv(corporate):
    e = corporate.evaluate()
    m = e.monthly
    assert m.index.name == "month" and list(m.index) == corporate.months
    assert list(m.columns[:9]) == ["costs", "benefits", "net", "cumulative_net", "discount_factor", "population",
                                   "adoption", "earners", "credentials"]
    assert [c for c in m.columns[9:]] == [f"cost: {n}" for n in corporate.cost_line_names] + \
        [f"benefit: {n}" for n in corporate.benefit_line_names]
    assert np.allclose(m["net"], m["benefits"] - m["costs"], rtol=1e-12, atol=1e-9)
    assert np.allclose(e.cost_lines.sum(axis=1), m["costs"], rtol=1e-12, atol=1e-9)
    assert np.allclose(e.benefit_lines.sum(axis=1), m["benefits"], rtol=1e-12, atol=1e-9)
    assert list(e.cost_lines.columns) == corporate.cost_line_names


def test_fiscal_years_add_up(corporate):
    e = corporate.evaluate()
    fy, m = e.fiscal_years, e.monthly
    assert fy["months"].sum() == corporate.horizon_months
    for label, row in fy.iterrows():
        first = corporate.months.index(row["first_month"])
        span = m.iloc[first:first + row["months"]]
        assert row["costs"] == pytest.approx(span["costs"].sum(), rel=1e-12)
        assert row["benefits"] == pytest.approx(span["benefits"].sum(), rel=1e-12)
        assert row["shortfall"] == pytest.approx(max(0.0, row["costs"] - row["budget"]), abs=1e-9)
        assert row["cost: platform licence"] == pytest.approx(span["cost: platform licence"].sum(), rel=1e-12)


def test_npv_is_the_discounted_net(corporate):
    e = corporate.evaluate()
    s = e.series
    assert e.metrics["npv"] == pytest.approx(float(np.sum(s["net"] * s["discount_factor"])), rel=1e-12)
    # and the finance function on the monthly flows (end of month: shift by one period)
    monthly_rate = credroi.monthly_rate_from_annual(e.discount_rate)
    assert e.metrics["npv"] == pytest.approx(credroi.npv(monthly_rate, [0.0, *s["net"]]), rel=1e-10)


def test_series_are_read_only_views_of_the_result(corporate):
    e = corporate.evaluate()
    costs = e.series["costs"]
    assert costs.base is e and not costs.flags.writeable
    assert np.shares_memory(costs, e.series["costs"])
    with pytest.raises(ValueError):
        costs[0] = 1.0


def test_evaluate_at_other_values(corporate):
    base = corporate.evaluate()
    same = corporate.evaluate({"adoption.delay_months": 2.0})
    assert same.metrics == base.metrics
    later = corporate.evaluate({"adoption.delay_months": 9.0})
    assert later.metrics["npv"] < base.metrics["npv"]
    with pytest.raises(credroi.ParameterError) as e:
        corporate.evaluate({"adoption.delay": 9.0})
    assert e.value.path == "values" and "adoption.delay" in str(e.value)
    with pytest.raises(credroi.ParameterError) as e:
        corporate.evaluate({"segments[0].annual_attrition": 1.5})
    assert str(e.value) == "segments[0].annual_attrition: expected a share between 0 and 1, found 1.5"


def test_report_matches_the_command_line_formats(tiny):
    doc = json.loads(tiny.report(format="json"))
    assert doc["metrics"]["npv"] == tiny.evaluate().metrics["npv"]
    assert "NPV" in tiny.report()
    assert tiny.report(format="csv").splitlines()[0].startswith("month,costs,benefits,net")
    sim = tiny.simulate(trials=10)
    assert "simulation" in json.loads(tiny.report(sim, format="json"))
    with pytest.raises(credroi.ParameterError) as e:
        tiny.report(format="xml")
    assert e.value.path == "format"


def test_report_refuses_a_simulation_of_another_scenario(tiny, corporate):
    with pytest.raises(credroi.ParameterError) as e:
        tiny.report(corporate.simulate(trials=10))
    assert e.value.path == "simulation"


# ---- errors ----------------------------------------------------------------------------------

BASE = TINY.read_text()


def replace(old, new):
    assert old in BASE
    return BASE.replace(old, new, 1)


BAD_TOML = {
    "unknown key": (replace("annual = 1200", "anual = 1200"), "costs.recurring[0].anual", "unknown key; did you mean 'annual'?"),
    "negative amount": (replace("annual = 1200", "annual = -5"), "costs.recurring[0].annual", "expected a number >= 0, found -5"),
    "probability above 1": (replace('name = "staff"', 'name = "staff"\nannual_attrition = 1.5'),
                            "segments[0].annual_attrition", "expected a share between 0 and 1, found 1.5"),
    "missing required key": (replace("discount_rate = 0.0\n", ""), "scenario.discount_rate", "missing"),
    "bad PERT": (replace("annual = 1200", "annual = { pert = [5, 4, 3] }"), "costs.recurring[0].annual.pert", "mode"),
}


@pytest.mark.parametrize("case", sorted(BAD_TOML), ids=str)
def test_file_errors_name_file_line_column_and_key(case, tmp_path):
    text, path, message = BAD_TOML[case]
    f = tmp_path / "plan.toml"
    f.write_text(text)
    with pytest.raises(credroi.ScenarioError) as e:
        credroi.Scenario.from_file(f)
    err = e.value
    assert isinstance(err, credroi.Error) and isinstance(err, ValueError)
    assert err.file == str(f) and err.path == path
    assert err.line >= 1 and err.column >= 1
    assert str(err).startswith(f"{f}:{err.line}:{err.column}: {path}")
    assert message in str(err)
    with pytest.raises(credroi.ScenarioError) as e2:
        credroi.Scenario.from_toml(text, "plan.toml")
    assert str(e2.value) == str(err).replace(str(f), "plan.toml", 1)


@needs_cli
@pytest.mark.parametrize("case", sorted(BAD_TOML), ids=str)
def test_file_errors_are_the_command_lines(case, tmp_path):
    f = tmp_path / "plan.toml"
    f.write_text(BAD_TOML[case][0])
    with pytest.raises(credroi.ScenarioError) as e:
        credroi.Scenario.from_file(f)
    p = run_cli("run", f, check=False)
    assert p.returncode == 1
    assert p.stderr == f"credroi: error: {e.value}\n"


@needs_cli
def test_missing_file_is_the_command_lines(tmp_path):
    f = tmp_path / "nope.toml"
    with pytest.raises(credroi.ScenarioError) as e:
        credroi.Scenario.from_file(f)
    assert run_cli("run", f, check=False).stderr == f"credroi: error: {e.value}\n"
    assert e.value.line is None and e.value.column is None


def test_dict_errors_name_the_key(tiny):
    good = load(TINY)

    def bad(change):
        d = copy.deepcopy(good)
        change(d)
        with pytest.raises(credroi.ScenarioError) as e:
            credroi.Scenario.from_dict(d)
        assert e.value.file == "<dict>" and e.value.line is None
        return e.value

    err = bad(lambda d: d["costs"]["recurring"][0].update(annual=-5))
    assert str(err) == "<dict>: costs.recurring[0].annual: expected a number >= 0, found -5"
    err = bad(lambda d: d["costs"]["recurring"][0].update(anual=5))
    assert err.path == "costs.recurring[0].anual" and "did you mean" in str(err)
    err = bad(lambda d: d["scenario"].update(discount_rate=math.nan))
    assert str(err) == "<dict>: scenario.discount_rate: expected a finite number, found nan"
    err = bad(lambda d: d["scenario"].update(discount_rate=math.inf))
    assert err.path == "scenario.discount_rate" and "finite" in str(err)
    err = bad(lambda d: d["scenario"].update(description=None))
    assert err.path == "scenario.description" and "None" in str(err)
    import datetime

    err = bad(lambda d: d["scenario"].update(start=datetime.date(2026, 1, 1)))
    assert err.path == "scenario.start" and '"2026-04"' in str(err)
    err = bad(lambda d: d["segments"][0].update({1: 2}))
    assert err.path == "segments[0]" and "string keys" in str(err)
    err = bad(lambda d: d["segments"][0].update(headcount={1, 2}))
    assert err.path == "segments[0].headcount" and "set" in str(err)
    with pytest.raises(credroi.ScenarioError) as e:
        credroi.Scenario.from_dict({"scenario": 3}, source_name="plan")
    assert str(e.value).startswith("plan: ")
