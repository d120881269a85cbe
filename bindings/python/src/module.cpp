// The _core extension module: the package docstring, the exception hierarchy
// and one bind_<area>() call per header area. The pure-Python package
// `credroi` (bindings/python/credroi/) re-exports everything from here and
// adds the pandas glue and the plots.
#include "bindings.hpp"

#include <credroi/comparison.hpp>
#include <credroi/error.hpp>
#include <credroi/output.hpp>
#include <credroi/simulation.hpp>

#include <initializer_list>
#include <utility>

namespace credroi::python {

py::array readonly_view(const double* data, std::vector<py::ssize_t> shape, std::vector<py::ssize_t> strides,
                        py::handle owner) {
    // With a base object NumPy wraps the memory instead of copying it; the
    // C++ result stays the single owner, and the array cannot write into it.
    py::array a(py::dtype::of<double>(), std::move(shape), std::move(strides), data, owner);
    a.attr("setflags")(py::arg("write") = false);
    return a;
}

namespace {

/// The Python exception types, created once when the module is imported and
/// kept for the life of the process (extension modules are never unloaded).
struct ErrorTypes {
    py::object error, parameter, scenario, numeric, io, cancelled;
};
ErrorTypes* error_types = nullptr;

py::object make_exception(py::module_& m, const char* name, const char* doc, py::handle bases) {
    const std::string qualified = std::string("credroi.") + name;  // shown as credroi.ScenarioError in tracebacks
    PyObject* type = PyErr_NewExceptionWithDoc(qualified.c_str(), doc, bases.ptr(), nullptr);
    if (!type) throw py::error_already_set();
    py::object t = py::reinterpret_steal<py::object>(type);
    m.attr(name) = t;
    return t;
}

/// Raises `type(what)` with extra attributes (path, line, ...), so callers can
/// use the parts without parsing the message.
void raise(const py::object& type, const char* what, std::initializer_list<std::pair<const char*, py::object>> attributes) {
    py::object exc = type(what);
    for (const auto& [name, value] : attributes) exc.attr(name) = value;
    PyErr_SetObject(type.ptr(), exc.ptr());
}

py::object line_or_none(int n) { return n > 0 ? py::object(py::int_(n)) : py::object(py::none()); }

}  // namespace

void bind_errors(py::module_& m) {
    error_types = new ErrorTypes;  // never freed: see ErrorTypes
    ErrorTypes& t = *error_types;
    t.error = make_exception(m, "Error", R"pbdoc(Base of every error credroi raises.

The message is the same text the command line prints after ``credroi: error:``.)pbdoc",
                             PyExc_Exception);
    t.parameter = make_exception(m, "ParameterError", R"pbdoc(A parameter is outside its domain.

Attributes
----------
path : str
    The parameter, in the scenario's key syntax (``costs.recurring[0].annual``)
    or the argument name of a function (``rate``, ``values[2]``).
message : str
    The message without the path: what was expected and what was found.)pbdoc",
                                 py::make_tuple(t.error, py::handle(PyExc_ValueError)));
    t.scenario = make_exception(m, "ScenarioError", R"pbdoc(A scenario (file, TOML text or dict) could not be read.

The message reads ``file:line:column: key.path: what was expected, found what``
(no line or column for a dict).

Attributes
----------
file : str
    The file name, or ``<dict>`` / ``<string>``.
line, column : int or None
    1-based position in the file; None when unknown (dicts).
path : str
    The key path (``costs.one_off[0].date``); empty for a syntax error.)pbdoc",
                                py::make_tuple(t.error, py::handle(PyExc_ValueError)));
    t.numeric = make_exception(m, "NumericError", R"pbdoc(A numerical method did not converge, or a result overflowed.

Attributes
----------
scenario : int
    Only when raised by ``credroi.compare`` from one scenario's trials: that
    scenario's position in ``scenarios``.)pbdoc",
                               py::make_tuple(t.error, py::handle(PyExc_ArithmeticError)));
    t.io = make_exception(m, "IoError", R"pbdoc(Reading or writing a file failed.)pbdoc",
                          py::make_tuple(t.error, py::handle(PyExc_OSError)));
    t.cancelled = make_exception(m, "Cancelled", R"pbdoc(A run was stopped by its caller before it finished.)pbdoc", t.error);

    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p) std::rethrow_exception(p);
        } catch (const Cancelled& e) {
            raise(error_types->cancelled, e.what(), {});
        } catch (const ScenarioError& e) {
            raise(error_types->scenario, e.what(),
                  {{"file", py::str(e.file())}, {"line", line_or_none(e.line())},
                   {"column", line_or_none(e.column())}, {"path", py::str(e.path())}});
        } catch (const ParameterError& e) {
            raise(error_types->parameter, e.what(), {{"path", py::str(e.path())}, {"message", py::str(e.message())}});
        } catch (const ComparisonTrialsError& e) {
            raise(error_types->numeric, e.what(), {{"scenario", py::int_(e.scenario())}});
        } catch (const NumericError& e) {
            raise(error_types->numeric, e.what(), {});
        } catch (const IoError& e) {
            raise(error_types->io, e.what(), {});
        } catch (const Error& e) {
            raise(error_types->error, e.what(), {});
        }
    });
}

}  // namespace credroi::python

PYBIND11_MODULE(_core, m) {
    namespace cp = credroi::python;
    m.doc() = R"pbdoc(credroi's compiled core (private: use the ``credroi`` package).

Will a digital badge or credential programme pay off, when, how sure can we
be, and what does it depend on? ``credroi`` models costs and benefits over
fiscal years, runs the model under uncertainty and reports NPV, IRR, ROI,
payback and a budget check, with the same engine as the command line and
the C++ library.

Contents
--------
Scenario
    A validated scenario: ``from_file``, ``from_dict``, ``from_toml``;
    ``evaluate()`` (base case) and ``simulate()`` (Monte Carlo).
Evaluation, SimulationResult
    Results, with pandas and NumPy views.
npv, irr, irr_result, xnpv, xirr, xirr_result, mirr, payback_period, discounted_payback_period
    Finance functions, with credroi's conventions (first flow at t = 0).
Fixed, Uniform, Triangular, Pert, Normal, LogNormal, Beta, Discrete, RiskEvent
    Distributions: quantile, cdf, mean, variance.
TornadoResult, SpiderResult, RankSensitivity, SobolIndices
    Results of the sensitivity methods (``credroi.sensitivity``).
Error, ParameterError, ScenarioError, NumericError, IoError, Cancelled
    What bad input raises.)pbdoc";
    m.attr("__version__") = credroi::version();

    cp::bind_errors(m);
    cp::bind_finance(m);
    cp::bind_distributions(m);
    cp::bind_simulation(m);  // SimulationResult first: Scenario.simulate returns it
    cp::bind_scenario(m);
    cp::bind_sensitivity(m);
    cp::bind_comparison(m);
}
