#pragma once
// Shared declarations of the _core module: one bind_<area>() per header area
// (module.cpp calls them in order) and the few converters several areas use.
// The bindings only parse Python arguments, call the engine and convert the
// results; no model logic lives here.
#include <credroi/distributions.hpp>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace credroi {
class Model;     // model.hpp: only the areas that run the engine include it
struct Metrics;  // results.hpp
}

namespace credroi::python {

namespace py = pybind11;

void bind_errors(py::module_& m);
void bind_finance(py::module_& m);
void bind_distributions(py::module_& m);
void bind_scenario(py::module_& m);
void bind_simulation(py::module_& m);
void bind_sensitivity(py::module_& m);
void bind_comparison(py::module_& m);

/// A count or seed given from Python: a whole number in [min, max] (1e5 is
/// accepted as 100000); anything else is a ParameterError naming `name`.
std::uint64_t whole_number(const py::object& v, const char* name, std::uint64_t min, std::uint64_t max);

/// The Python class `Scenario`: a validated scenario, i.e. a credroi::Model
/// (which owns its Scenario), shared so that results never copy it.
using ScenarioClass = py::class_<Model, std::shared_ptr<Model>>;
/// Adds Scenario.simulate (bind_simulation.cpp) to the class bind_scenario() creates.
void def_simulate(ScenarioClass& cls);
/// Adds Scenario.report_html (bind_report.cpp) likewise.
void def_report_html(ScenarioClass& cls);

/// Metrics as a dict under the names and with the None conventions of the
/// JSON output (docs/output-format.md): Evaluation.metrics, ComparisonResult.base.
py::dict metrics_dict(const Metrics& m);

/// The Python object of the concrete distribution held by `d` (a Pert, a Normal, ...).
py::object to_python(const Distribution& d);

/// A Python distribution object or a plain number as a credroi::Distribution;
/// throws ParameterError(path) for anything else.
Distribution to_distribution(py::handle obj, const std::string& path);

/// The scenario-file form of a distribution ({"pert": [lo, mode, hi], "lambda": 4}).
py::dict distribution_to_dict(const Distribution& d);

/// A number, or None where the engine has NaN (a missing metric): the JSON
/// output's null.
inline py::object value_or_none(double v) { return std::isnan(v) ? py::object(py::none()) : py::object(py::float_(v)); }

/// A read-only NumPy view of memory owned by `owner` (no copy): the array
/// keeps `owner` alive through its `base`.
py::array readonly_view(const double* data, std::vector<py::ssize_t> shape, std::vector<py::ssize_t> strides,
                        py::handle owner);

/// A read-only 1-D view of a vector owned by `owner`.
inline py::array readonly_view(const std::vector<double>& v, py::handle owner) {
    return readonly_view(v.data(), {static_cast<py::ssize_t>(v.size())}, {static_cast<py::ssize_t>(sizeof(double))}, owner);
}

}  // namespace credroi::python
