// credroi.compare and credroi.ComparisonResult: scenarios simulated with
// common random numbers and their paired differences (comparison.hpp), and
// the comparison's outputs (report.hpp: table, JSON, CSV, HTML).
#include "bindings.hpp"
#include "interruptible.hpp"

#include <credroi/comparison.hpp>
#include <credroi/report.hpp>

#include <pybind11/stl.h>

#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace credroi::python {

namespace {

/// One paired difference under the names of `credroi compare --format json`'s
/// "differences" (None where it has null).
py::dict difference_dict(const ComparisonResult& r, const PairedDifference& d) {
    py::dict out;
    out["scenario"] = r.names[d.scenario];
    out["against"] = r.names.front();
    out["metric"] = d.metric;
    out["trials"] = d.trials;
    out["base_difference"] = value_or_none(d.base_difference);
    out["mean_difference"] = value_or_none(d.mean_difference);
    out["sd"] = value_or_none(d.standard_deviation);
    out["standard_error"] = value_or_none(d.standard_error);
    out["independent_standard_error"] = value_or_none(d.independent_standard_error);
    out["variance_reduction"] = value_or_none(d.variance_reduction);
    out["correlation"] = value_or_none(d.correlation);
    out["probability_better"] = value_or_none(d.probability_better);
    out["probability_worse"] = value_or_none(d.probability_worse);
    out["shared_inputs"] = d.shared_inputs;
    return out;
}

std::string describe(const ComparisonResult& r) {
    std::ostringstream os;
    os << "<credroi.ComparisonResult: ";
    for (std::size_t k = 0; k < r.names.size(); ++k) os << (k ? " vs " : "") << '"' << r.names[k] << '"';
    if (!r.simulations.empty()) os << ", " << r.simulations.front().trials << " trials each";
    os << '>';
    return os.str();
}

}  // namespace

void bind_comparison(py::module_& m) {
    py::class_<ComparisonResult> cls(m, "ComparisonResult", R"pbdoc(Scenarios simulated side by side with common random numbers.

Made by ``credroi.compare``. Numbers are those of ``credroi compare FILES
--trials N --seed S --format json`` for the same scenarios and options.

Attributes
----------
names : list of str
    The scenarios' names, in the order given (the first is the reference).
currency : str
base : list of dict
    Each scenario's base-case metrics (as ``Evaluation.metrics``).
simulations : list of SimulationResult
    Each scenario's simulation, with its trials kept.
differences : list of dict
    One per scenario after the first: that scenario minus the first, trial
    by trial (keys as the JSON output's ``differences``).
common_random_numbers : bool
    False for the Sobol' sampler, whose points are assigned by column.)pbdoc");
    cls.def_property_readonly("names", [](const ComparisonResult& r) { return r.names; }, "The scenarios' names, in order.")
        .def_property_readonly("currency", [](const ComparisonResult& r) { return r.currency; }, "Shared by every scenario.")
        .def_property_readonly("common_random_numbers", [](const ComparisonResult& r) { return r.common_random_numbers; },
                               "Whether inputs the scenarios share drew the same values in the same trial (not with Sobol').")
        .def_property_readonly(
            "base",
            [](const ComparisonResult& r) {
                py::list out;
                for (const Metrics& b : r.base) out.append(metrics_dict(b));
                return out;
            },
            "Each scenario's base-case metrics, as ``Evaluation.metrics``.")
        .def_property_readonly(
            "simulations",
            [](const py::object& self) {
                auto& r = self.cast<ComparisonResult&>();
                py::list out;
                // Views into this result (no copy of the kept trials); each keeps it alive.
                for (const SimulationResult& s : r.simulations)
                    out.append(py::cast(&s, py::return_value_policy::reference_internal, self));
                return out;
            },
            "Each scenario's ``SimulationResult`` (trials kept), in the order of ``names``.")
        .def_property_readonly(
            "differences",
            [](const ComparisonResult& r) {
                py::list out;
                for (const PairedDifference& d : r.differences) out.append(difference_dict(r, d));
                return out;
            },
            R"pbdoc(One dict per scenario after the first (that scenario minus the first):
scenario, against, metric, trials (in which both have the metric),
base_difference, mean_difference, sd, standard_error (paired),
independent_standard_error (what two independent runs would give),
variance_reduction, correlation, probability_better, probability_worse,
shared_inputs. None where the JSON output has null.)pbdoc")
        .def(
            "report",
            [](const ComparisonResult& r, const std::string& format) {
                CREDROI_REQUIRE(format == "table" || format == "json" || format == "csv", "format",
                                "expected one of table, json, csv, found \"" << format << "\"");
                if (format == "json") return comparison_json(r);
                if (format == "csv") return comparison_csv(r);
                return comparison_table(r);
            },
            py::arg("format") = "table",
            R"pbdoc(What ``credroi compare --format FORMAT`` prints, as a string.

Parameters
----------
format : {"table", "json", "csv"}, default "table"

Raises
------
ParameterError
    An unknown format.)pbdoc")
        .def(
            "report_html",
            [](const ComparisonResult& r, const py::object& source, const py::object& run_date) {
                ReportOptions ro;
                if (!source.is_none()) ro.source = source.cast<std::string>();
                if (!run_date.is_none()) ro.run_date = run_date.cast<std::string>();
                return comparison_report_html(r, ro);
            },
            py::arg("source") = py::none(), py::arg("run_date") = py::none(),
            R"pbdoc(The comparison report ``credroi compare --report`` writes: one self-contained HTML document.

Parameters
----------
source : str, optional
    A command that reproduces the run, printed as "Reproduce with SOURCE"
    (left out when not given).
run_date : str, optional
    The date printed as the date of the run; today's date by default.

Returns
-------
str)pbdoc")
        .def("__repr__", &describe);

    m.def(
        "compare",
        [](const std::vector<std::shared_ptr<Model>>& scenarios, const py::object& trials, const py::object& seed,
           const std::string& sampler, const py::object& threads, const std::string& metric, const py::object& names,
           const py::object& progress) {
            std::vector<Model> models;
            models.reserve(scenarios.size());
            for (std::size_t k = 0; k < scenarios.size(); ++k) {
                CREDROI_REQUIRE(scenarios[k], "scenarios", "expected a Scenario at position " << k << ", found None");
                models.push_back(*scenarios[k]);
            }
            std::vector<std::string> labels;
            if (!names.is_none()) {
                labels = names.cast<std::vector<std::string>>();
                CREDROI_REQUIRE(labels.size() == models.size(), "names",
                                "expected one name per scenario (" << models.size() << "), found " << labels.size());
            }
            SimulationOptions o = simulation_options(trials, seed, sampler, threads);
            ComparisonResult r = run_interruptible(o, progress, [&] { return credroi::compare(models, o, metric); });
            if (!labels.empty()) r.names = labels;
            return r;
        },
        py::arg("scenarios"), py::arg("trials") = py::int_(10000), py::arg("seed") = py::int_(1), py::arg("sampler") = "lhs",
        py::arg("threads") = py::int_(0), py::arg("metric") = "npv", py::arg("names") = py::none(),
        py::arg("progress") = py::none(),
        R"pbdoc(Compares scenarios side by side: vendor A against vendor B, a pilot against a full roll-out.

Every scenario is simulated with the same seed, sampler and trials (trials
kept). With the Latin hypercube and Monte Carlo samplers, an uncertain input
the scenarios share (the same key path) draws the same values in the same
trial: common random numbers, so the per-trial difference cancels the noise
of what they share and its standard error is far smaller than that of two
independent runs. The same numbers as ``credroi compare FILES --trials N
--seed S --sampler X``.

Parameters
----------
scenarios : sequence of Scenario
    Two or more; each after the first is compared with the first.
trials : int, default 10000
seed : int, default 1
sampler : {"lhs", "mc", "sobol"}, default "lhs"
    Sobol' points give no common random numbers.
threads : int, default 0
    Worker threads; 0 uses every core. Does not change the results.
metric : str, default "npv"
    The metric the differences are taken on: one of ``metric_names`` that
    every scenario has (npv, irr, roi, bcr, payback_months, ...).
names : sequence of str, optional
    Labels for the scenarios in the outputs instead of their names (e.g. to
    tell apart two scenarios with the same name).
progress : callable, optional
    ``progress(done, total)`` about every 100 ms, for each scenario's
    simulation in turn.

Returns
-------
ComparisonResult

Raises
------
ParameterError
    Fewer than two scenarios ("scenarios"), different currencies
    ("currency"), a metric a scenario lacks ("metric"), ``names`` of the
    wrong length, bad trials, seed, sampler or threads.
NumericError
    A scenario's simulation failed in its trials (a cash flow beyond a
    double, say); the message starts ``scenario K ("name"): in the Monte
    Carlo trials:`` and the ``scenario`` attribute is K, its position in
    ``scenarios``.
KeyboardInterrupt
    Ctrl-C during the run.

Examples
--------
>>> a = credroi.Scenario.from_file("examples/vendor-a.toml")            # doctest: +SKIP
>>> b = credroi.Scenario.from_file("examples/vendor-b.toml")            # doctest: +SKIP
>>> c = credroi.compare([a, b], trials=20_000, seed=7)                  # doctest: +SKIP
>>> c.differences[0]["mean_difference"], c.differences[0]["standard_error"]  # doctest: +SKIP)pbdoc");
}

}  // namespace credroi::python
