// Scenario.simulate and credroi.SimulationResult: the Monte Carlo engine of
// simulation.hpp with the GIL released while it runs, and its per-trial
// arrays handed to NumPy without a copy.
#include "bindings.hpp"
#include "interruptible.hpp"

#include <credroi/model.hpp>
#include <credroi/simulation.hpp>

#include <pybind11/stl.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace credroi::python {

namespace {

/// One metric's distribution under the names of the JSON output's
/// simulation.metrics (None where it has null).
py::dict summary_dict(const MetricSummary& s) {
    py::dict d;
    d["name"] = s.name;
    d["count"] = s.count;
    d["mean"] = value_or_none(s.mean);
    d["sd"] = value_or_none(s.standard_deviation);
    d["min"] = value_or_none(s.min);
    d["p5"] = value_or_none(s.p5);
    d["p10"] = value_or_none(s.p10);
    d["p50"] = value_or_none(s.p50);
    d["p90"] = value_or_none(s.p90);
    d["p95"] = value_or_none(s.p95);
    d["max"] = value_or_none(s.max);
    d["base"] = value_or_none(s.base);
    return d;
}

/// A row-major trials x columns array of the result, or None when it was not kept.
template <class Array>
py::object trial_view(const Array& a, std::uint64_t trials, const py::object& owner) {
    if (a.rows() != static_cast<Eigen::Index>(trials)) return py::none();
    const auto item = static_cast<py::ssize_t>(sizeof(double));
    return readonly_view(a.data(), {a.rows(), a.cols()}, {a.cols() * item, item}, owner);
}

std::string describe(const SimulationResult& r) {
    std::ostringstream os;
    os << "<credroi.SimulationResult: " << r.trials << " trials, " << to_string(r.sampler) << ", seed " << r.seed
       << ", P(NPV > 0) = " << r.probability_npv_positive << ">";
    return os.str();
}

}  // namespace

/// A count or seed given from Python: a whole number in [min, max]. Python
/// has no unsigned type, so a negative number is a ParameterError naming the
/// option (as on the command line), not a TypeError; 1e5 is accepted as 100000.
std::uint64_t whole_number(const py::object& v, const char* name, std::uint64_t min, std::uint64_t max) {
    std::optional<std::uint64_t> n;
    if (py::isinstance<py::float_>(v)) {
        const double d = v.cast<double>();
        if (std::floor(d) == d && d >= 0 && d < 18446744073709551616.0) n = static_cast<std::uint64_t>(d);
    } else if (!py::isinstance<py::bool_>(v) && PyIndex_Check(v.ptr())) {
        const auto i = py::reinterpret_steal<py::int_>(PyNumber_Index(v.ptr()));
        if (!i) throw py::error_already_set();
        if (i >= py::int_(0) && i <= py::int_(max)) n = i.cast<std::uint64_t>();
    }
    CREDROI_REQUIRE(n && *n >= min && *n <= max, name,
                    "expected a whole number from " << min << " to " << max << ", found " << std::string(py::repr(v)));
    return *n;
}

SimulationOptions simulation_options(const py::object& trials, const py::object& seed, const std::string& sampler,
                                     const py::object& threads) {
    constexpr auto most = std::numeric_limits<std::uint64_t>::max();
    SimulationOptions o;
    o.trials = whole_number(trials, "trials", 1, most);
    o.seed = whole_number(seed, "seed", 0, most);
    o.sampler = parse_sampler(sampler);
    o.threads = static_cast<unsigned>(whole_number(threads, "threads", 0, std::numeric_limits<unsigned>::max()));
    return o;
}

void bind_simulation(py::module_& m) {
    py::class_<SimulationResult> cls(m, "SimulationResult", R"pbdoc(The distribution of a scenario's results over Monte Carlo trials.

Made by ``Scenario.simulate``. Numbers are those of
``credroi run --trials N --seed S --format json`` (its ``simulation``
object) for the same scenario, trials, seed and sampler, at any number of
threads.

Attributes
----------
trials, seed, sampler, threads, batch_size
    How the run was made.
probability_npv_positive : float
    Share of trials with NPV > 0.
probability_shortfall : dict of str to float
    Per fiscal year, the share of trials whose spend exceeds the budget
    (empty without a budget).
trial_metrics : numpy.ndarray or None
    trials x metrics (columns: ``metric_names``), a read-only view of the
    result's own memory (no copy), NaN where a metric does not exist in a
    trial (an IRR, a payback). None unless ``keep_trials=True``.
trial_inputs : numpy.ndarray or None
    trials x uncertain inputs (columns: ``input_paths``), likewise.
cumulative_net_bands : numpy.ndarray
    ``band_probabilities`` x months: percentiles of the cumulative net cash
    flow (read-only view).

summary(), bands, samples(), trial_metric(name)
    The same as pandas objects.)pbdoc");
    cls.def_property_readonly("trials", [](const SimulationResult& r) { return r.trials; }, "Number of trials.")
        .def_property_readonly("seed", [](const SimulationResult& r) { return r.seed; }, "Random seed of the run.")
        .def_property_readonly("sampler", [](const SimulationResult& r) { return std::string(to_string(r.sampler)); },
                               "``\"lhs\"``, ``\"mc\"`` or ``\"sobol\"``.")
        .def_property_readonly("threads", [](const SimulationResult& r) { return r.threads; }, "Threads the run used.")
        .def_property_readonly("batch_size", [](const SimulationResult& r) { return r.batch_size; },
                               "Trials per batch (part of what a seed reproduces).")
        .def_property_readonly("exact_percentiles", [](const SimulationResult& r) { return r.exact_percentiles; },
                               "True when percentiles are order statistics of every trial, False when they come "
                               "from a sketch (relative error below 0.013 %).")
        .def_property_readonly("input_paths", [](const SimulationResult& r) { return r.input_paths; },
                               "Key paths of the uncertain inputs (columns of ``trial_inputs``).")
        .def_property_readonly("metric_names", [](const SimulationResult& r) { return r.metric_names; },
                               "npv, irr, mirr, roi, bcr, payback_months, discounted_payback_months, "
                               "cost_per_credential, total_shortfall, then \"net FY...\" and (with a budget) "
                               "\"shortfall FY...\" per fiscal year (columns of ``trial_metrics``).")
        .def_property_readonly(
            "summary_records",
            [](const SimulationResult& r) {
                py::list out;
                for (const MetricSummary& s : r.metrics) out.append(summary_dict(s));
                return out;
            },
            R"pbdoc(One dict per metric: name, count (trials in which it exists), mean, sd,
min, p5, p10, p50, p90, p95, max, base (the base case); None where the JSON
output has null. ``summary()`` is the same as a DataFrame.)pbdoc")
        .def("metric", [](const SimulationResult& r, const std::string& name) { return summary_dict(r.metric(name)); },
             py::arg("name"),
             R"pbdoc(The distribution of one metric as a dict (see ``summary_records``).

Parameters
----------
name : str
    One of ``metric_names``.

Raises
------
ParameterError
    No such metric.)pbdoc")
        .def_property_readonly("probability_npv_positive", [](const SimulationResult& r) { return r.probability_npv_positive; },
                               "Share of trials with NPV > 0.")
        .def_property_readonly("probability_payback_within_horizon",
                               [](const SimulationResult& r) { return r.probability_payback_within_horizon; },
                               "Share of trials that pay back within the horizon.")
        .def_property_readonly("probability_irr_exists", [](const SimulationResult& r) { return r.probability_irr_exists; },
                               "Share of trials in which an IRR exists.")
        .def_property_readonly("npv_mean_standard_error", [](const SimulationResult& r) { return r.npv_mean_standard_error; },
                               "sd / sqrt(trials): conservative for the Latin hypercube and Sobol samplers.")
        .def_property_readonly("fiscal_year_labels", [](const SimulationResult& r) { return r.fiscal_year_labels; },
                               "Labels of the fiscal years (``\"FY2027\"``, ...).")
        .def_property_readonly(
            "probability_shortfall",
            [](const SimulationResult& r) {
                py::dict d;
                for (std::size_t f = 0; f < r.probability_shortfall.size(); ++f)
                    d[py::str(r.fiscal_year_labels[f])] = r.probability_shortfall[f];
                return d;
            },
            "Per fiscal year label, the share of trials with a budget shortfall; empty without a budget.")
        .def_property_readonly(
            "months",
            [](const SimulationResult& r) {
                std::vector<std::string> out;
                for (const YearMonth& ym : r.months) out.push_back(ym.to_string());
                return out;
            },
            "Month labels of the horizon (columns of ``cumulative_net_bands``).")
        .def_property_readonly("band_probabilities", [](const SimulationResult& r) { return r.band_probabilities; },
                               "Probabilities of the rows of ``cumulative_net_bands`` (0.05, 0.10, 0.25, 0.5, ...).")
        .def_property_readonly(
            "cumulative_net_bands",
            [](const py::object& self) {
                const auto& r = self.cast<const SimulationResult&>();
                const auto& a = r.cumulative_net_bands;  // column-major: bands x months
                const auto item = static_cast<py::ssize_t>(sizeof(double));
                return readonly_view(a.data(), {a.rows(), a.cols()}, {item, a.rows() * item}, self);
            },
            "Percentiles (rows: ``band_probabilities``) of the cumulative net cash flow per month (columns); read-only, no copy.")
        .def_property_readonly("correlation_max_change", [](const SimulationResult& r) { return r.correlation_max_change; },
                               "Largest change the nearest-correlation repair made (rank scale); 0 without repair.")
        .def_property_readonly("correlation_warning", [](const SimulationResult& r) { return r.correlation_warning; },
                               "Empty unless the scenario's correlation matrix had to be repaired.")
        .def_property_readonly(
            "trial_metrics",
            [](const py::object& self) {
                const auto& r = self.cast<const SimulationResult&>();
                return trial_view(r.trial_metrics, r.trials, self);
            },
            R"pbdoc(Per-trial metrics, trials x ``metric_names``, or None unless kept.

A read-only view of the C++ result's memory (no copy): ``arr.base`` is this
result, which the array keeps alive. NaN where a metric does not exist in a
trial.)pbdoc")
        .def_property_readonly(
            "trial_inputs",
            [](const py::object& self) {
                const auto& r = self.cast<const SimulationResult&>();
                return trial_view(r.trial_inputs, r.trials, self);
            },
            "Per-trial values of the uncertain inputs, trials x ``input_paths``, or None unless kept (read-only, no copy).")
        .def("__repr__", &describe);
}

void def_simulate(ScenarioClass& cls) {
    const SimulationOptions defaults;
    cls.def(
        "simulate",
        [](const Model& model, const py::object& trials, const py::object& seed, const std::string& sampler,
           const py::object& threads, bool keep_trials, const py::object& batch_size,
           const py::object& exact_percentile_limit, const py::object& progress) {
            constexpr auto most = std::numeric_limits<std::uint64_t>::max();
            SimulationOptions o = simulation_options(trials, seed, sampler, threads);
            o.keep_trials = keep_trials;
            o.batch_size = static_cast<Eigen::Index>(
                whole_number(batch_size, "batch_size", 1, static_cast<std::uint64_t>(std::numeric_limits<Eigen::Index>::max())));
            o.exact_percentile_limit = whole_number(exact_percentile_limit, "exact_percentile_limit", 0, most);
            return run_interruptible(o, progress, [&] { return simulate(model, o); });
        },
        py::arg("trials") = py::int_(defaults.trials), py::arg("seed") = py::int_(defaults.seed), py::arg("sampler") = "lhs",
        py::arg("threads") = py::int_(defaults.threads), py::arg("keep_trials") = defaults.keep_trials,
        py::arg("batch_size") = py::int_(defaults.batch_size),
        py::arg("exact_percentile_limit") = py::int_(defaults.exact_percentile_limit),
        py::arg("progress") = py::none(),
        R"pbdoc(Runs the Monte Carlo simulation: every uncertain input sampled ``trials`` times.

The same seed gives bit-identical results at any number of threads, and the
same numbers as ``credroi run FILE --trials N --seed S --sampler X``. The
GIL is released while the engine runs, so other Python threads keep going
(two simulations in two threads run side by side). Ctrl-C stops the run
and raises KeyboardInterrupt.

Parameters
----------
trials : int, default 10000
    Number of trials, >= 1.
seed : int, default 1
    Random seed (>= 0).
sampler : {"lhs", "mc", "sobol"}, default "lhs"
    Latin hypercube (stratified per batch), plain Monte Carlo, or scrambled
    Sobol'.
threads : int, default 0
    Worker threads; 0 uses every core. Does not change the results.
keep_trials : bool, default False
    Keep every trial's metrics and uncertain inputs (``trial_metrics``,
    ``trial_inputs``, ``samples()``; needed by ``credroi.plot.npv_histogram``).
    Costs 8 bytes x (metrics + inputs) per trial.
batch_size : int, default 1024
    Trials per batch; part of what a seed reproduces (the CLI uses 1024).
exact_percentile_limit : int, default 100000
    Up to this many trials (or whenever trials are kept) percentiles are
    exact order statistics; above it they come from a sketch.
progress : callable, optional
    Called as ``progress(done, total)`` about every 100 ms from the calling
    thread. An exception it raises stops the run and propagates.

Returns
-------
SimulationResult

Raises
------
ParameterError
    ``trials`` < 1, ``batch_size`` < 1, a negative ``seed`` or ``threads``,
    a count that is not a whole number, an unknown ``sampler``.
KeyboardInterrupt
    Ctrl-C during the run.

Examples
--------
>>> sim = scenario.simulate(trials=20_000, seed=7, keep_trials=True)   # doctest: +SKIP
>>> sim.probability_npv_positive                                        # doctest: +SKIP
>>> sim.summary().loc["npv", ["p5", "p50", "p95"]]                      # doctest: +SKIP)pbdoc");
}

}  // namespace credroi::python
