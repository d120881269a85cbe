// credroi.npv, irr, xnpv, xirr, mirr, payback: finance.hpp as it is, with
// dates accepted as datetime.date, NumPy datetime64 or "YYYY-MM-DD" strings.
#include "bindings.hpp"

#include <credroi/calendar.hpp>
#include <credroi/finance.hpp>

#include <pybind11/stl.h>

#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace credroi::python {

namespace {

using release_gil = py::call_guard<py::gil_scoped_release>;

/// One date of a dated series; errors name it as dates[i].
Date to_date(py::handle d, std::size_t i) {
    const std::string path = "dates[" + std::to_string(i) + "]";
    try {
        if (py::isinstance<py::str>(d)) return Date::parse(d.cast<std::string>());
        if (py::isinstance(d, py::module_::import("numpy").attr("datetime64"))) {
            const auto text = py::module_::import("numpy").attr("datetime_as_string")(d, py::arg("unit") = "D");
            return Date::parse(text.cast<std::string>());
        }
        // datetime.date, datetime.datetime (the time of day is dropped, as in
        // Excel's XNPV, which counts whole days), pandas.Timestamp.
        if (py::hasattr(d, "year") && py::hasattr(d, "month") && py::hasattr(d, "day"))
            return Date(d.attr("year").cast<int>(), d.attr("month").cast<int>(), d.attr("day").cast<int>());
    } catch (const ParameterError& e) {
        throw ParameterError(path, e.message());
    } catch (const py::cast_error&) {
        // falls through to the type error below
    }
    throw ParameterError(path, "expected a datetime.date or a date string like \"2026-04-15\", found " +
                                   std::string(py::str(py::type::handle_of(d).attr("__name__"))) + " " +
                                   std::string(py::repr(d)));
}

std::vector<Date> to_dates(const py::iterable& dates) {
    std::vector<Date> out;
    std::size_t i = 0;
    for (py::handle d : dates) out.push_back(to_date(d, i++));
    return out;
}

std::string repr(const IrrResult& r) {
    std::ostringstream os;
    os.precision(17);
    os << "IrrResult(rate=";
    if (r.rate) os << *r.rate; else os << "None";
    os << ", status='" << to_string(r.status) << "', all_rates=[";
    for (std::size_t k = 0; k < r.all_rates.size(); ++k) os << (k ? ", " : "") << r.all_rates[k];
    os << "], sign_changes=" << r.sign_changes << ")";
    return os.str();
}

}  // namespace

void bind_finance(py::module_& m) {
    m.def("monthly_rate_from_annual", &monthly_rate_from_annual, py::arg("annual_rate"), release_gil(),
          R"pbdoc(Monthly rate equivalent to an annual effective rate: ``(1 + annual_rate)**(1/12) - 1``.

Parameters
----------
annual_rate : float
    Annual effective rate as a fraction (0.08 = 8 %); finite and > -1.

Returns
-------
float
    The monthly rate: 10 % a year is 0.797414 % a month.

Raises
------
ParameterError
    ``annual_rate`` is not finite or not above -1.)pbdoc");

    m.def("annual_rate_from_monthly", &annual_rate_from_monthly, py::arg("monthly_rate"), release_gil(),
          R"pbdoc(Annual effective rate equivalent to a monthly rate: ``(1 + monthly_rate)**12 - 1``.

Parameters
----------
monthly_rate : float
    Monthly rate as a fraction; finite and > -1.

Returns
-------
float
    The annual rate: 1 % a month is 12.6825 % a year.

Raises
------
ParameterError
    ``monthly_rate`` is not finite or not above -1.)pbdoc");

    m.def("npv", [](double rate, const std::vector<double>& values) { return npv(rate, values); }, py::arg("rate"),
          py::arg("values"), release_gil(),
          R"pbdoc(Net present value at t = 0 of one cash flow per period.

``npv = sum(values[i] / (1 + rate)**i)``: ``values[0]`` falls at t = 0 and is
NOT discounted (numpy-financial's convention; Excel's NPV discounts its first
value by one period, so Excel's ``NPV(r, v)`` equals ``npv(r, [0] + v)``).

Parameters
----------
rate : float
    Discount rate per period of the series (0.08 = 8 %); finite and > -1.
values : sequence of float
    Cash flows, one per period, the first at t = 0. An empty series has NPV 0.

Returns
-------
float

Raises
------
ParameterError
    ``rate`` is not finite or not above -1, or a flow is not finite
    (``values[i]``).
NumericError
    The result overflows (a rate very close to -1).

Examples
--------
>>> round(credroi.npv(0.1, [-1000, 600, 600]), 2)
41.32)pbdoc");

    m.def("irr", [](const std::vector<double>& values, double guess) { return irr(values, guess).rate; },
          py::arg("values"), py::arg("guess") = 0.1, release_gil(),
          R"pbdoc(Internal rate of return per period, or None when there is none.

The rate r > -1 with ``npv(r, values) == 0`` (``values[0]`` at t = 0). No
IRR exists when the flows never change sign: the answer is then None, never a
made-up number. With several rates the one closest to ``guess`` is returned;
``irr_result`` tells which case it was and lists every rate.

Parameters
----------
values : sequence of float
    Cash flows, one per period, the first at t = 0.
guess : float, default 0.1
    Picks among several IRRs; finite and > -1. It does not start an
    iteration: every root in the searched range is found.

Returns
-------
float or None
    The IRR per period of the series (monthly flows give a monthly IRR).

Raises
------
ParameterError
    A flow is not finite (``values[i]``), or ``guess`` is not finite or not above -1.

Examples
--------
>>> round(credroi.irr([-100, 60, 60]), 6)
0.130662
>>> credroi.irr([100, 50]) is None
True)pbdoc");

    py::class_<IrrResult>(m, "IrrResult", R"pbdoc(Outcome of an IRR search (``irr_result``, ``xirr_result``).

Attributes
----------
rate : float or None
    The IRR (per period for irr_result, annual for xirr_result); None unless
    ``status`` is ``"ok"`` or ``"multiple_roots"``.
status : str
    ``"ok"`` (one rate), ``"no_sign_change"`` (the flows never change sign: no
    IRR exists), ``"no_root_found"`` (they change sign, but no rate zeroes the
    NPV in the searched range), ``"multiple_roots"`` (``rate`` is the one
    closest to the guess).
all_rates : list of float
    Every rate found, ascending.
sign_changes : int
    Sign changes of the flows: an upper bound on the number of IRRs.)pbdoc")
        .def_property_readonly("rate", [](const IrrResult& r) { return r.rate; }, "The IRR, or None when there is none.")
        .def_property_readonly("status", [](const IrrResult& r) { return std::string(to_string(r.status)); },
                               "\"ok\", \"no_sign_change\", \"no_root_found\" or \"multiple_roots\".")
        .def_property_readonly("all_rates", [](const IrrResult& r) { return r.all_rates; }, "Every rate found, ascending.")
        .def_property_readonly("sign_changes", [](const IrrResult& r) { return r.sign_changes; },
                               "Sign changes of the flows: an upper bound on the number of IRRs.")
        .def("__bool__", [](const IrrResult& r) { return r.rate.has_value(); })
        .def("__repr__", [](const IrrResult& r) { return repr(r); });

    m.def("irr_result", &irr, py::arg("values"), py::arg("guess") = 0.1, release_gil(),
          R"pbdoc(IRR per period with its status and every rate found.

Parameters
----------
values : sequence of float
    Cash flows, one per period, the first at t = 0.
guess : float, default 0.1
    Picks among several IRRs; finite and > -1.

Returns
-------
IrrResult

Raises
------
ParameterError
    As for ``irr``.

Examples
--------
>>> r = credroi.irr_result([-100, 230, -132])   # IRRs of 10 % and 20 %
>>> r.status, [round(x, 6) for x in r.all_rates]
('multiple_roots', [0.1, 0.2]))pbdoc");

    m.def(
        "xnpv",
        [](double rate, const std::vector<double>& values, const py::iterable& dates) {
            const std::vector<Date> d = to_dates(dates);
            py::gil_scoped_release release;
            return xnpv(rate, values, d);
        },
        py::arg("rate"), py::arg("values"), py::arg("dates"),
        R"pbdoc(Net present value at the first date of flows on arbitrary dates (Excel's XNPV).

``xnpv = sum(values[i] / (1 + rate)**((dates[i] - dates[0]).days / 365))``.

Parameters
----------
rate : float
    Annual discount rate; finite and > -1.
values : sequence of float
    Cash flows.
dates : sequence of datetime.date, numpy.datetime64 or str
    One date per flow (``"2026-04-15"`` strings are accepted); none before
    ``dates[0]``, the others in any order. Time is actual days / 365 (no
    366-day years); a time of day is ignored.

Returns
-------
float

Raises
------
ParameterError
    ``rate`` out of range, sizes that differ (``dates``), a date before the
    first or one that cannot be read (``dates[i]``), a flow that is not
    finite (``values[i]``).
NumericError
    The result overflows.

Examples
--------
>>> round(credroi.xnpv(0.05, [-1000, 1100], ["2026-01-01", "2027-01-01"]), 2)   # 365 days: -1000 + 1100 / 1.05
47.62)pbdoc");

    m.def(
        "xirr",
        [](const std::vector<double>& values, const py::iterable& dates, double guess) {
            const std::vector<Date> d = to_dates(dates);
            py::gil_scoped_release release;
            return xirr(values, d, guess).rate;
        },
        py::arg("values"), py::arg("dates"), py::arg("guess") = 0.1,
        R"pbdoc(Annual internal rate of return of dated flows (Excel's XIRR), or None when there is none.

The rate r > -1 with ``xnpv(r, values, dates) == 0`` (actual/365 from the
first date). Flows on the same day are added before the sign changes are
counted. None when no IRR exists; ``xirr_result`` gives the status.

Parameters
----------
values : sequence of float
    Cash flows.
dates : sequence of datetime.date, numpy.datetime64 or str
    One date per flow, as for ``xnpv``.
guess : float, default 0.1
    Picks among several IRRs; finite and > -1.

Returns
-------
float or None
    The annual IRR.

Raises
------
ParameterError
    As for ``xnpv``, and a bad ``guess``.)pbdoc");

    m.def(
        "xirr_result",
        [](const std::vector<double>& values, const py::iterable& dates, double guess) {
            const std::vector<Date> d = to_dates(dates);
            py::gil_scoped_release release;
            return xirr(values, d, guess);
        },
        py::arg("values"), py::arg("dates"), py::arg("guess") = 0.1,
        R"pbdoc(Annual IRR of dated flows with its status and every rate found.

Parameters
----------
values : sequence of float
dates : sequence of datetime.date, numpy.datetime64 or str
guess : float, default 0.1

Returns
-------
IrrResult

Raises
------
ParameterError
    As for ``xirr``.)pbdoc");

    m.def("mirr", &mirr, py::arg("values"), py::arg("finance_rate"), py::arg("reinvest_rate"), release_gil(),
          R"pbdoc(Modified internal rate of return per period (Excel's MIRR), or None.

With n flows (``values[i]`` at t = i):
``mirr = (FV(positive flows at reinvest_rate, to t = n-1) / -PV(negative flows at finance_rate, to t = 0))**(1/(n-1)) - 1``.

Parameters
----------
values : sequence of float
    Cash flows, one per period, the first at t = 0.
finance_rate : float
    Rate per period paid on the negative flows; finite and > -1.
reinvest_rate : float
    Rate per period earned on the positive flows; finite and > -1.

Returns
-------
float or None
    None when there is no negative or no positive flow (Excel's #DIV/0!).

Raises
------
ParameterError
    A rate out of range or a flow that is not finite.
NumericError
    The result overflows.

Examples
--------
>>> round(credroi.mirr([-1000, 600, 600], 0.1, 0.1), 6)   # sqrt((600 * 1.1 + 600) / 1000) - 1
0.122497)pbdoc");

    m.def("payback_period", &payback_period, py::arg("values"), release_gil(),
          R"pbdoc(Simple payback time in periods, interpolated, or None if it never pays back.

The first time the cumulative sum turns from negative to >= 0, linearly
interpolated within its period (``values[i]`` at t = i). 0 when the
cumulative sum is never negative; later dips are ignored.

Parameters
----------
values : sequence of float

Returns
-------
float or None

Raises
------
ParameterError
    A flow is not finite.

Examples
--------
>>> credroi.payback_period([-100, 30, 30, 30, 30])
3.3333333333333335)pbdoc");

    m.def("discounted_payback_period", &discounted_payback_period, py::arg("rate"), py::arg("values"), release_gil(),
          R"pbdoc(Discounted payback time in periods: ``payback_period`` of ``values[i] / (1 + rate)**i``.

Parameters
----------
rate : float
    Per period; finite and > -1.
values : sequence of float

Returns
-------
float or None

Raises
------
ParameterError
    ``rate`` out of range or a flow that is not finite.)pbdoc");
}

}  // namespace credroi::python
