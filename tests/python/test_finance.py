"""credroi.npv, irr, xnpv, xirr, mirr, payback: the C++ conventions, seen from Python."""
import datetime
import math

import numpy as np
import pandas as pd
import pytest

import credroi


def test_npv_first_flow_at_t0_not_discounted():
    # -1000 + 600/1.1 + 600/1.21 = -1000 + 545.454545... + 495.867768... = 41.322314...
    assert credroi.npv(0.1, [-1000, 600, 600]) == pytest.approx(41.32231404958678, rel=1e-14)
    # Excel's NPV discounts its first value: Excel NPV(r, v) == npv(r, [0] + v)
    assert credroi.npv(0.1, [0, -1000, 600, 600]) == pytest.approx(41.32231404958678 / 1.1, rel=1e-14)


def test_npv_takes_numpy_arrays_and_empty_series():
    assert credroi.npv(0.1, np.array([-1000.0, 600.0, 600.0])) == credroi.npv(0.1, [-1000, 600, 600])
    assert credroi.npv(0.05, []) == 0.0


def test_npv_bad_input_names_the_parameter():
    with pytest.raises(credroi.ParameterError) as e:
        credroi.npv(-1.0, [1.0])
    assert e.value.path == "rate" and str(e.value).startswith("rate: ")
    assert isinstance(e.value, ValueError) and isinstance(e.value, credroi.Error)
    with pytest.raises(credroi.ParameterError) as e:
        credroi.npv(0.1, [1.0, math.nan])
    assert e.value.path == "values[1]"


def test_irr_closed_form():
    # -100 + 60x + 60x^2 = 0 with x = 1/(1+r): x = (-60 + sqrt(60^2 + 4*60*100)) / 120
    x = (-60 + math.sqrt(3600 + 24000)) / 120
    assert credroi.irr([-100, 60, 60]) == pytest.approx(1 / x - 1, rel=1e-12)


def test_no_irr_is_none_never_a_number():
    assert credroi.irr([100, 50, 20]) is None
    assert credroi.irr([-100, -50]) is None
    r = credroi.irr_result([100, 50])
    assert r.status == "no_sign_change" and r.rate is None and not r and r.all_rates == []


def test_multiple_irrs_are_all_reported():
    # -100 + 230x - 132x^2 = 0 -> x = (230 +- 10) / 264 -> r = 10 % and 20 %
    r = credroi.irr_result([-100, 230, -132])
    assert r.status == "multiple_roots" and r.sign_changes == 2
    assert r.all_rates == pytest.approx([0.1, 0.2], rel=1e-12)
    assert r.rate == pytest.approx(0.1, rel=1e-12)  # closest to the default guess 0.1
    assert credroi.irr([-100, 230, -132], guess=0.25) == pytest.approx(0.2, rel=1e-12)
    assert "multiple_roots" in repr(r)


def test_xnpv_actual_over_365():
    # 2026 is not a leap year: 365 days = exactly one year
    assert credroi.xnpv(0.05, [-1000, 1100], ["2026-01-01", "2027-01-01"]) == pytest.approx(-1000 + 1100 / 1.05, rel=1e-14)
    # 2024 is: 366 days = 366/365 of a year (no 366-day years)
    assert credroi.xnpv(0.05, [-1000, 1100], ["2024-01-01", "2025-01-01"]) == pytest.approx(
        -1000 + 1100 / 1.05 ** (366 / 365), rel=1e-14)


@pytest.mark.parametrize(
    "dates",
    [
        ["2026-01-01", "2027-01-01"],
        [datetime.date(2026, 1, 1), datetime.date(2027, 1, 1)],
        [datetime.datetime(2026, 1, 1, 15, 30), datetime.datetime(2027, 1, 1)],
        np.array(["2026-01-01", "2027-01-01"], dtype="datetime64[D]"),
        pd.to_datetime(["2026-01-01", "2027-01-01"]),
    ],
    ids=["str", "date", "datetime", "datetime64", "pandas"],
)
def test_dates_in_every_common_form(dates):
    assert credroi.xnpv(0.05, [-1000, 1100], dates) == pytest.approx(-1000 + 1100 / 1.05, rel=1e-14)
    assert credroi.xirr([-1000, 1100], dates) == pytest.approx(0.1, rel=1e-12)


def test_xirr_none_and_result():
    assert credroi.xirr([100, 100], ["2026-01-01", "2026-06-01"]) is None
    r = credroi.xirr_result([-1000, 1100], ["2026-01-01", "2027-01-01"])
    assert r.status == "ok" and r.rate == pytest.approx(0.1, rel=1e-12)


def test_bad_dates_name_the_element():
    with pytest.raises(credroi.ParameterError) as e:
        credroi.xnpv(0.1, [1, 2], ["2026-01-01", "2026-02-30"])
    assert e.value.path == "dates[1]" and "2026-02" in str(e.value)
    with pytest.raises(credroi.ParameterError) as e:
        credroi.xnpv(0.1, [1, 2], ["2026-01-01", "next year"])
    assert e.value.path == "dates[1]"
    with pytest.raises(credroi.ParameterError) as e:
        credroi.xnpv(0.1, [1, 2], [20260101, "2026-02-01"])
    assert e.value.path == "dates[0]" and "int" in str(e.value)
    with pytest.raises(credroi.ParameterError) as e:
        credroi.xnpv(0.1, [1, 2, 3], ["2026-01-01", "2026-02-01"])
    assert e.value.path == "dates"
    with pytest.raises(credroi.ParameterError) as e:
        credroi.xnpv(0.1, [1, 2], ["2026-01-01", "2025-12-31"])
    assert e.value.path == "dates[1]"


def test_mirr():
    # FV of +600, +600 at 10 % to t = 2: 660 + 600 = 1260; PV of -1000 = 1000 -> (1.26)^(1/2) - 1
    assert credroi.mirr([-1000, 600, 600], 0.1, 0.1) == pytest.approx(math.sqrt(1.26) - 1, rel=1e-14)
    assert credroi.mirr([100, 600], 0.1, 0.1) is None  # no negative flow: Excel's #DIV/0!
    with pytest.raises(credroi.ParameterError) as e:
        credroi.mirr([-1, 2], -2.0, 0.1)
    assert e.value.path == "finance_rate"


def test_payback():
    assert credroi.payback_period([-100, 50, 50, 50]) == pytest.approx(2.0)
    assert credroi.payback_period([-100, 30, 30, 30, 30]) == pytest.approx(3 + 10 / 30)
    assert credroi.payback_period([-100, 10, 10]) is None
    assert credroi.payback_period([10, -5]) == 0.0
    # discounted at 0 % it is the simple payback
    assert credroi.discounted_payback_period(0.0, [-100, 30, 30, 30, 30]) == pytest.approx(3 + 10 / 30)
    assert credroi.discounted_payback_period(0.5, [-100, 30, 30, 30, 30]) is None


def test_rate_conversions():
    assert credroi.monthly_rate_from_annual(0.10) == pytest.approx(1.1 ** (1 / 12) - 1, rel=1e-14)
    assert credroi.annual_rate_from_monthly(0.01) == pytest.approx(1.01**12 - 1, rel=1e-14)
    assert credroi.annual_rate_from_monthly(credroi.monthly_rate_from_annual(0.08)) == pytest.approx(0.08, rel=1e-13)
    with pytest.raises(credroi.ParameterError) as e:
        credroi.monthly_rate_from_annual(-1.5)
    assert e.value.path == "annual_rate"
