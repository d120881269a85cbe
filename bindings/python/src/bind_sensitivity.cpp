// credroi.sensitivity: the methods of sensitivity.hpp (tornado, spider, rank
// correlation, Sobol' indices) for a scenario's metric or for any vectorised
// Python function, and their results. The pure-Python module
// credroi/sensitivity.py picks the entry point; nothing is computed here.
#include "bindings.hpp"

#include <credroi/model.hpp>
#include <credroi/sensitivity.hpp>
#include <credroi/sensitivity_report.hpp>
#include <credroi/simulation.hpp>

#include <pybind11/stl.h>

#include <cstdint>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

namespace credroi::python {

namespace {

/// A copy of an Eigen array as a NumPy array (the results are small: one row
/// per input).
py::array_t<double> to_numpy(const Eigen::ArrayXd& a) {
    py::array_t<double> out(a.size());
    std::copy(a.data(), a.data() + a.size(), out.mutable_data());
    return out;
}

py::array_t<double> to_numpy(const Eigen::ArrayXXd& a) {
    py::array_t<double> out({a.rows(), a.cols()});
    auto m = out.mutable_unchecked<2>();
    for (Eigen::Index i = 0; i < a.rows(); ++i)
        for (Eigen::Index j = 0; j < a.cols(); ++j) m(i, j) = a(i, j);
    return out;
}

std::vector<Distribution> distributions_of(const py::sequence& inputs) {
    std::vector<Distribution> out;
    for (std::size_t i = 0; i < inputs.size(); ++i)
        out.push_back(to_distribution(inputs[i], "inputs[" + std::to_string(i) + "]"));
    return out;
}

Eigen::ArrayXd vector_of(const py::handle& values, const char* name) {
    const auto a = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(values);
    CREDROI_REQUIRE(a && a.ndim() == 1, name, "expected a one-dimensional sequence of numbers");
    Eigen::ArrayXd out(a.size());
    for (py::ssize_t i = 0; i < a.size(); ++i) out[i] = a.at(i);
    return out;
}

/// A vectorised Python function as a BatchFunction: x goes to Python as an
/// (n, d) float64 array, and the n values that come back are copied into y.
/// The function only borrows `func` (no reference counting, which would need
/// the GIL in every copy of the std::function); the caller keeps it alive and
/// holds the GIL while the engine calls it (threads = 1).
BatchFunction python_function(py::handle func, const std::string& output_name) {
    return [func, output_name](const Eigen::Ref<const Eigen::ArrayXXd>& x, Eigen::Ref<Eigen::ArrayXd> y) {
        py::array_t<double> arr({x.rows(), x.cols()});
        auto m = arr.mutable_unchecked<2>();
        for (Eigen::Index i = 0; i < x.rows(); ++i)
            for (Eigen::Index j = 0; j < x.cols(); ++j) m(i, j) = x(i, j);
        const py::object result = func(arr);
        const auto values = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(result);
        if (!values) {
            if (PyErr_Occurred()) PyErr_Clear();
            throw ParameterError("func", "expected the function to return " + std::to_string(x.rows()) +
                                             " numbers (one per row of its (n, d) argument), found " +
                                             std::string(py::str(py::type::of(result).attr("__name__"))));
        }
        // (n,) or (n, 1): one value per row.
        const bool shape_ok = (values.ndim() == 1 && values.shape(0) == x.rows()) ||
                              (values.ndim() == 2 && values.shape(0) == x.rows() && values.shape(1) == 1);
        if (!shape_ok) {
            std::ostringstream os;
            os << "expected the function to return " << x.rows() << " values (one per row of its (" << x.rows() << ", "
               << x.cols() << ") argument), found an array of shape (";
            for (py::ssize_t k = 0; k < values.ndim(); ++k) os << (k ? ", " : "") << values.shape(k);
            os << (values.ndim() == 1 ? ",)" : ")") << " for " << output_name;
            throw ParameterError("func", os.str());
        }
        const double* v = values.data();
        for (Eigen::Index i = 0; i < x.rows(); ++i) y[i] = v[i];
    };
}

void sobol_counts(SobolOptions& o, const py::object& n, const py::object& seed, const py::object& bootstrap,
                  const py::object& batch_size) {
    constexpr auto most = std::numeric_limits<std::uint64_t>::max();
    o.n = whole_number(n, "n", 0, most);
    o.seed = whole_number(seed, "seed", 0, most);
    o.bootstrap = whole_number(bootstrap, "bootstrap", 0, most);
    o.batch_size = whole_number(batch_size, "batch_size", 1, most);
}

std::vector<std::string> order_names(const std::vector<std::string>& names, const std::vector<Eigen::Index>& order) {
    std::vector<std::string> out;
    for (const Eigen::Index k : order) out.push_back(names[static_cast<std::size_t>(k)]);
    return out;
}

}  // namespace

void bind_sensitivity(py::module_& m) {
    py::class_<TornadoBar>(m, "TornadoBar", "One bar of a tornado: the output with one input at its low and at its high percentile.")
        .def_readonly("name", &TornadoBar::name, "The input (a key path for a scenario).")
        .def_readonly("input", &TornadoBar::input, "Position of the input in the inputs given.")
        .def_readonly("low_input", &TornadoBar::low_input, "The input's low percentile value.")
        .def_readonly("high_input", &TornadoBar::high_input, "The input's high percentile value.")
        .def_readonly("low_output", &TornadoBar::low_output, "The output with the input at low_input, the others at base.")
        .def_readonly("high_output", &TornadoBar::high_output, "The output with the input at high_input, the others at base.")
        .def_readonly("swing", &TornadoBar::swing, "abs(high_output - low_output), in the output's unit.")
        .def("__repr__", [](const TornadoBar& b) {
            std::ostringstream os;
            os << "<credroi.TornadoBar " << b.name << ": " << b.low_output << " .. " << b.high_output << ">";
            return os.str();
        });

    py::class_<TornadoResult>(m, "TornadoResult", R"pbdoc(A tornado: one input at a time at its low and high percentile.

Attributes: output_name, base_output, low_probability, high_probability,
bars (largest swing first), evaluations. ``to_frame()`` gives the bars as a
DataFrame (``credroi.plot.tornado`` draws it); ``report()`` the command
line's table.)pbdoc")
        .def_readonly("output_name", &TornadoResult::output_name, "Name of the output (the metric, or output_name for a function).")
        .def_readonly("base_output", &TornadoResult::base_output, "The output with every input at its base value.")
        .def_readonly("low_probability", &TornadoResult::low_probability, "Probability of each input's low case (e.g. 0.10: its P10).")
        .def_readonly("high_probability", &TornadoResult::high_probability, "Probability of each input's high case (e.g. 0.90: its P90).")
        .def_readonly("bars", &TornadoResult::bars, "TornadoBar per input, largest swing first.")
        .def_readonly("evaluations", &TornadoResult::evaluations, "1 + 2 x inputs.")
        .def("report", [](const TornadoResult& r, std::size_t lines) { return sensitivity_table(r, lines); },
             py::arg("lines") = 3, "The text ``credroi sensitivity --method tornado`` prints.")
        .def("to_json", [](const TornadoResult& r) { return sensitivity_json(r); }, "The command line's JSON.");

    py::class_<SpiderResult>(m, "SpiderResult", R"pbdoc(A spider: the output with one input at a time at each of several percentiles.

Attributes: output_name, names, probabilities, input_values and outputs
(inputs x probabilities), base_inputs, base_output, range (per input), order
(inputs by range, largest first), evaluations. ``to_frame()``: the outputs as
a DataFrame, one row per input, one column per percentile.)pbdoc")
        .def_readonly("output_name", &SpiderResult::output_name, "Name of the output (the metric, or output_name for a function).")
        .def_readonly("names", &SpiderResult::names, "The inputs (key paths for a scenario), in the order of the arrays.")
        .def_readonly("probabilities", &SpiderResult::probabilities, "The percentiles, as probabilities, ascending (columns of outputs).")
        .def_property_readonly("input_values", [](const SpiderResult& r) { return to_numpy(r.input_values); }, "inputs x probabilities: the quantile of input i at probabilities[k].")
        .def_property_readonly("outputs", [](const SpiderResult& r) { return to_numpy(r.outputs); }, "inputs x probabilities: the output with input i at that value, the others at base.")
        .def_property_readonly("base_inputs", [](const SpiderResult& r) { return to_numpy(r.base_inputs); }, "The base point.")
        .def_readonly("base_output", &SpiderResult::base_output, "The output with every input at its base value.")
        .def_property_readonly("range", [](const SpiderResult& r) { return to_numpy(r.range); }, "Per input: max - min of its outputs (base included).")
        .def_property_readonly("order", [](const SpiderResult& r) { return order_names(r.names, r.order); },
                               "Input names by range, largest first.")
        .def_readonly("evaluations", &SpiderResult::evaluations, "How many times the function was evaluated.")
        .def("report", [](const SpiderResult& r, std::size_t lines) { return sensitivity_table(r, lines); },
             py::arg("lines") = 3, "The text ``credroi sensitivity --method spider`` prints.")
        .def("to_json", [](const SpiderResult& r) { return sensitivity_json(r); }, "The command line's JSON.");

    py::class_<RankSensitivity>(m, "RankSensitivity", R"pbdoc(Rank correlation of each input with the output over Monte Carlo samples.

Attributes: output_name, names, spearman, contribution_to_variance,
standardised_regression (standardised rank regression coefficients),
r_squared (near 1: a monotone additive model explains the ranks), trials,
dropped (trials without the output, e.g. no IRR), order (by abs(spearman)).
``to_frame()``: one row per input.)pbdoc")
        .def_readonly("output_name", &RankSensitivity::output_name, "Name of the output (the metric, or output_name for a function).")
        .def_readonly("names", &RankSensitivity::names, "The inputs (key paths for a scenario), in the order of the arrays.")
        .def_property_readonly("spearman", [](const RankSensitivity& r) { return to_numpy(r.spearman); }, "Spearman rank correlation of each input with the output, in [-1, 1].")
        .def_property_readonly("contribution_to_variance",
                               [](const RankSensitivity& r) { return to_numpy(r.contribution_to_variance); },
                               "spearman_i^2 / sum of spearman_j^2: each input's share of the output's rank variance.")
        .def_property_readonly("standardised_regression",
                               [](const RankSensitivity& r) { return to_numpy(r.standardised_regression); },
                               "Standardised rank regression coefficients (all inputs together).")
        .def_readonly("r_squared", &RankSensitivity::r_squared, "R^2 of the standardised rank regression: near 1, a monotone additive model explains the ranks.")
        .def_readonly("trials", &RankSensitivity::trials, "Trials used.")
        .def_readonly("dropped", &RankSensitivity::dropped, "Trials left out because the output did not exist there (NaN: no IRR, no payback).")
        .def_property_readonly("order", [](const RankSensitivity& r) { return order_names(r.names, r.order); },
                               "Input names by abs(spearman), largest first.")
        .def("report", [](const RankSensitivity& r, std::size_t lines) { return sensitivity_table(r, lines); },
             py::arg("lines") = 3, "The text ``credroi sensitivity --method rank`` prints.")
        .def("to_json", [](const RankSensitivity& r) { return sensitivity_json(r); }, "The command line's JSON.");

    py::class_<SobolIndices>(m, "SobolIndices", R"pbdoc(First-order and total Sobol' indices with bootstrap intervals.

Attributes: output_name, names, first_order, total_order (one per input),
first_order_interval, total_order_interval (inputs x 2: low, high; empty
without bootstrap), confidence_level, bootstrap, first_order_estimator
(Saltelli 2010), total_order_estimator (Jansen 1999), n, evaluations
(n x (inputs + 2)), seed, output_mean, output_variance, order (by total
order). Estimates are not clipped: noise can put S_i slightly below 0.
``to_frame()``: one row per input.)pbdoc")
        .def_readonly("output_name", &SobolIndices::output_name, "Name of the output (the metric, or output_name for a function).")
        .def_readonly("names", &SobolIndices::names, "The inputs (key paths for a scenario), in the order of the arrays.")
        .def_property_readonly("first_order", [](const SobolIndices& r) { return to_numpy(r.first_order); }, "First-order Sobol' index S_i of each input (Saltelli 2010).")
        .def_property_readonly("total_order", [](const SobolIndices& r) { return to_numpy(r.total_order); }, "Total Sobol' index ST_i of each input (Jansen 1999).")
        .def_property_readonly("first_order_interval", [](const SobolIndices& r) { return to_numpy(r.first_order_interval); }, "inputs x 2: bootstrap percentile interval (low, high) of each S_i.")
        .def_property_readonly("total_order_interval", [](const SobolIndices& r) { return to_numpy(r.total_order_interval); }, "inputs x 2: bootstrap percentile interval (low, high) of each ST_i.")
        .def_readonly("confidence_level", &SobolIndices::confidence_level, "Confidence level of the bootstrap intervals.")
        .def_readonly("bootstrap", &SobolIndices::bootstrap, "Bootstrap resamples behind the intervals (0: none).")
        .def_readonly("first_order_estimator", &SobolIndices::first_order_estimator, "\"Saltelli 2010\".")
        .def_readonly("total_order_estimator", &SobolIndices::total_order_estimator, "\"Jansen 1999\".")
        .def_readonly("n", &SobolIndices::n, "Base sample size N (rows of A and of B).")
        .def_readonly("evaluations", &SobolIndices::evaluations, "How many times the function was evaluated.")
        .def_readonly("seed", &SobolIndices::seed, "Seed of the scrambled Sobol' design and of the bootstrap.")
        .def_readonly("output_mean", &SobolIndices::output_mean, "Mean of the output over f(A) and f(B).")
        .def_readonly("output_variance", &SobolIndices::output_variance, "Variance of the output over f(A) and f(B).")
        .def_property_readonly("order", [](const SobolIndices& r) { return order_names(r.names, r.order); },
                               "Input names by total-order index, largest first.")
        .def("report", [](const SobolIndices& r, std::size_t lines) { return sensitivity_table(r, lines); },
             py::arg("lines") = 3, "The text ``credroi sensitivity --method sobol`` prints.")
        .def("to_json", [](const SobolIndices& r) { return sensitivity_json(r); }, "The command line's JSON.");

    // Entry points for credroi/sensitivity.py. `_model` ones take a Scenario
    // and one of its metrics (the engine's metric_function, GIL released:
    // the model is C++ all the way); `_function` ones take a vectorised
    // Python function and run with the GIL held, one batch at a time.
    m.def("_model_metric_names", [](const Model& model) { return metric_names(model); });
    m.def("_model_inputs", [](const Model& model) {
        const SensitivityInputs in = model_inputs(model);
        py::list dists;
        for (const Distribution& d : in.distributions) dists.append(to_python(d));
        return py::make_tuple(in.names, dists, to_numpy(in.base), in.correlated);
    });

    m.def("_tornado_model", [](const Model& model, const std::string& metric, double low, double high) {
        const SensitivityInputs in = model_inputs(model);
        TornadoOptions o;
        o.low_probability = low;
        o.high_probability = high;
        o.output_name = metric;
        const BatchFunction f = metric_function(model, metric);
        py::gil_scoped_release release;
        return tornado(f, in.distributions, in.names, in.base, o);
    });
    m.def("_tornado_function", [](const py::function& func, const py::sequence& inputs, const std::vector<std::string>& names,
                                  const py::handle& base, double low, double high, const std::string& output_name) {
        TornadoOptions o;
        o.low_probability = low;
        o.high_probability = high;
        o.output_name = output_name;
        return tornado(python_function(func, output_name), distributions_of(inputs), names, vector_of(base, "base"), o);
    });

    m.def("_spider_model", [](const Model& model, const std::string& metric, const std::vector<double>& probabilities) {
        const SensitivityInputs in = model_inputs(model);
        SpiderOptions o;
        o.probabilities = probabilities;
        o.output_name = metric;
        const BatchFunction f = metric_function(model, metric);
        py::gil_scoped_release release;
        return spider(f, in.distributions, in.names, in.base, o);
    });
    m.def("_spider_function", [](const py::function& func, const py::sequence& inputs, const std::vector<std::string>& names,
                                 const py::handle& base, const std::vector<double>& probabilities,
                                 const std::string& output_name) {
        SpiderOptions o;
        o.probabilities = probabilities;
        o.output_name = output_name;
        return spider(python_function(func, output_name), distributions_of(inputs), names, vector_of(base, "base"), o);
    });

    m.def("_rank_simulation", [](const SimulationResult& result, const std::string& metric) {
        return rank_sensitivity(result, metric);
    });
    m.def("_rank_arrays", [](const py::handle& inputs, const py::handle& output, const std::vector<std::string>& names,
                             const std::string& output_name) {
        const auto x = py::array_t<double, py::array::f_style | py::array::forcecast>::ensure(inputs);
        CREDROI_REQUIRE(x && x.ndim() == 2, "inputs", "expected a two-dimensional array (trials x inputs)");
        const Eigen::Map<const Eigen::ArrayXXd> xm(x.data(), x.shape(0), x.shape(1));
        const Eigen::ArrayXd y = vector_of(output, "output");
        return rank_sensitivity(xm, y, names, output_name);
    });

    m.def("_sobol_model", [](const Model& model, const std::string& metric, const py::object& n, const py::object& seed,
                             const py::object& bootstrap, double confidence_level, const py::object& threads,
                             const py::object& batch_size) {
        const SensitivityInputs in = model_inputs(model);
        SobolOptions o;
        sobol_counts(o, n, seed, bootstrap, batch_size);
        o.confidence_level = confidence_level;
        o.threads = static_cast<unsigned>(whole_number(threads, "threads", 0, std::numeric_limits<unsigned>::max()));
        o.output_name = metric;
        const BatchFunction f = metric_function(model, metric);
        py::gil_scoped_release release;
        return sobol_indices(f, in.distributions, in.names, o);
    });
    m.def("_sobol_function", [](const py::function& func, const py::sequence& inputs, const std::vector<std::string>& names,
                                const py::object& n, const py::object& seed, const py::object& bootstrap,
                                double confidence_level, const py::object& batch_size, const std::string& output_name) {
        SobolOptions o;
        sobol_counts(o, n, seed, bootstrap, batch_size);
        o.confidence_level = confidence_level;
        o.threads = 1;  // the GIL serialises Python anyway; one thread keeps it simple and safe
        o.output_name = output_name;
        return sobol_indices(python_function(func, output_name), distributions_of(inputs), names, o);
    });
}

}  // namespace credroi::python
