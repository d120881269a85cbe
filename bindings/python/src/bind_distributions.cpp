// credroi.Pert, Normal, ...: the distributions of distributions.hpp as Python
// value objects with quantile (vectorised through credroi::quantiles), cdf and
// moments, and their scenario-file form (to_dict) for Scenario.from_dict.
#include "bindings.hpp"

#include <pybind11/stl.h>

#include <cmath>
#include <initializer_list>
#include <limits>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace credroi::python {

namespace {

/// quantile(p) for a float, or for every element of an array through the
/// vectorised path the Monte Carlo engine uses.
template <class D>
py::object quantile_of(const D& d, const py::object& p) {
    if (py::isinstance<py::float_>(p) || (py::isinstance<py::int_>(p) && !py::isinstance<py::bool_>(p)))
        return py::float_(quantile(d, p.cast<double>()));
    const auto u = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(p);
    if (!u) throw py::type_error("quantile: expected a float or an array of floats, found " +
                                 std::string(py::str(py::type::handle_of(p).attr("__name__"))));
    std::vector<py::ssize_t> shape(u.shape(), u.shape() + u.ndim());
    py::array_t<double> out(shape);
    const Distribution dist(d);
    const auto n = static_cast<std::size_t>(u.size());
    try {
        py::gil_scoped_release release;
        quantiles(dist, u.data(), out.mutable_data(), n);
    } catch (const ParameterError& e) {
        // The engine calls its uniforms u; here they are the caller's p.
        std::string path = e.path();
        std::string message = e.message();
        if (path.rfind("u[", 0) == 0) {
            const std::string renamed = (u.ndim() > 1 ? "p.flat" : "p") + path.substr(1);
            for (auto at = message.find(path); at != std::string::npos; at = message.find(path, at + renamed.size()))
                message.replace(at, path.size(), renamed);
            path = renamed;
        }
        throw ParameterError(path, message);
    }
    return std::move(out);
}

/// cdf(x) for a float, or element-wise for an array.
template <class D>
py::object cdf_of(const D& d, const py::object& x) {
    if (py::isinstance<py::float_>(x) || (py::isinstance<py::int_>(x) && !py::isinstance<py::bool_>(x)))
        return py::float_(cdf(d, x.cast<double>()));
    const auto a = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(x);
    if (!a) throw py::type_error("cdf: expected a float or an array of floats, found " +
                                 std::string(py::str(py::type::handle_of(x).attr("__name__"))));
    std::vector<py::ssize_t> shape(a.shape(), a.shape() + a.ndim());
    py::array_t<double> out(shape);
    const double* in = a.data();
    double* o = out.mutable_data();
    const auto n = static_cast<std::size_t>(a.size());
    {
        py::gil_scoped_release release;
        for (std::size_t i = 0; i < n; ++i) o[i] = cdf(d, in[i]);
    }
    return std::move(out);
}

constexpr const char* quantile_doc = R"pbdoc(Value at probability p: the inverse cdf (the smallest x with cdf(x) >= p).

Parameters
----------
p : float or array_like
    Probabilities in [0, 1]; 0 (1) only where the support is bounded below
    (above), where it gives that end exactly. A float goes through the exact
    inverse cdf (Boost.Math); an array goes through credroi's vectorised
    quantiles, the very path the Monte Carlo engine samples with (faster; for
    Normal, LogNormal, Pert and Beta it may differ from the float path in the
    last digits, about 1e-12 relative at most).

Returns
-------
float or numpy.ndarray
    A float for a float, otherwise an array of the shape of ``p``.

Raises
------
ParameterError
    A probability outside [0, 1], or 0 / 1 at an unbounded end (``p``, or
    ``p[i]`` naming the element).)pbdoc";

template <class D, class Class>
void bind_common(Class& cls) {
    cls.def("quantile", &quantile_of<D>, py::arg("p"), quantile_doc)
        .def("cdf", &cdf_of<D>, py::arg("x"),
             R"pbdoc(P(X <= x), element-wise for an array.

Parameters
----------
x : float or array_like
    Not NaN.

Returns
-------
float or numpy.ndarray

Raises
------
ParameterError
    ``x`` is NaN.)pbdoc")
        .def("mean", [](const D& d) { return mean(d); }, "The mean E[X].")
        .def("variance", [](const D& d) { return variance(d); }, "The variance Var[X].")
        .def("sd", [](const D& d) { return standard_deviation(d); }, "The standard deviation sqrt(Var[X]).")
        .def("median", [](const D& d) { return median(d); }, "The median: quantile(0.5).")
        .def("support", [](const D& d) { return support(d); },
             "Smallest and largest possible value as a tuple; either may be infinite.")
        .def_property_readonly("kind", [](const D& d) { return kind_name(d); },
                               "Lower-case kind as written in scenario files, e.g. ``\"pert\"``.")
        .def("to_dict", [](const D& d) { return distribution_to_dict(Distribution(d)); },
             R"pbdoc(The scenario-file form of this distribution, e.g. ``{"pert": [lo, mode, hi], "lambda": 4.0}``.

Distribution objects may also stand directly in a dict given to
``Scenario.from_dict``; they are written in this form.)pbdoc")
        .def("__repr__", [](const D& d) { return describe(d); });
}

}  // namespace

py::object to_python(const Distribution& d) {
    return std::visit([](const auto& x) { return py::cast(x); }, d.variant());
}

Distribution to_distribution(py::handle obj, const std::string& path) {
    if (py::isinstance<Fixed>(obj)) return obj.cast<const Fixed&>();
    if (py::isinstance<Uniform>(obj)) return obj.cast<const Uniform&>();
    if (py::isinstance<Triangular>(obj)) return obj.cast<const Triangular&>();
    if (py::isinstance<Pert>(obj)) return obj.cast<const Pert&>();
    if (py::isinstance<Normal>(obj)) return obj.cast<const Normal&>();
    if (py::isinstance<LogNormal>(obj)) return obj.cast<const LogNormal&>();
    if (py::isinstance<Beta>(obj)) return obj.cast<const Beta&>();
    if (py::isinstance<Discrete>(obj)) return obj.cast<const Discrete&>();
    if (py::isinstance<RiskEvent>(obj)) return obj.cast<const RiskEvent&>();
    if (!py::isinstance<py::bool_>(obj) && (py::isinstance<py::float_>(obj) || py::isinstance<py::int_>(obj)))
        return Distribution(Fixed(obj.cast<double>()));
    throw ParameterError(path, "expected a number or a credroi distribution (Pert, Normal, ...), found " +
                                   std::string(py::str(py::type::handle_of(obj).attr("__name__"))));
}

py::dict distribution_to_dict(const Distribution& dist) {
    py::dict out;
    auto list = [](std::initializer_list<double> v) { return py::cast(std::vector<double>(v)); };
    std::visit(
        [&](const auto& d) {
            using D = std::decay_t<decltype(d)>;
            if constexpr (std::is_same_v<D, Fixed>) {
                out["fixed"] = d.value();
            } else if constexpr (std::is_same_v<D, Uniform>) {
                out["uniform"] = list({d.lo(), d.hi()});
            } else if constexpr (std::is_same_v<D, Triangular>) {
                out["triangular"] = list({d.lo(), d.mode(), d.hi()});
            } else if constexpr (std::is_same_v<D, Pert>) {
                out["pert"] = list({d.lo(), d.mode(), d.hi()});
                out["lambda"] = d.lambda();
            } else if constexpr (std::is_same_v<D, Normal>) {
                out["normal"] = list({d.mu(), d.sigma()});
                if (d.truncated()) out["truncate"] = list({d.lo(), d.hi()});
            } else if constexpr (std::is_same_v<D, LogNormal>) {
                out["lognormal"] = list({d.mu(), d.sigma()});
            } else if constexpr (std::is_same_v<D, Beta>) {
                out["beta"] = list({d.alpha(), d.beta()});
                out["range"] = list({d.lo(), d.hi()});
            } else if constexpr (std::is_same_v<D, Discrete>) {
                out["discrete"] = py::cast(d.values());
                out["probabilities"] = py::cast(d.probabilities());
            } else {
                static_assert(std::is_same_v<D, RiskEvent>);
                out["risk"] = d.probability();
                if (const Fixed* f = d.impact().template get_if<Fixed>())
                    out["impact"] = f->value();
                else
                    out["impact"] = distribution_to_dict(d.impact());
            }
        },
        dist.variant());
    return out;
}

void bind_distributions(py::module_& m) {
    constexpr double inf = std::numeric_limits<double>::infinity();

    py::class_<Fixed> fixed(m, "Fixed", R"pbdoc(A number that is not uncertain.

Parameters
----------
value : float
    Finite.

Raises
------
ParameterError
    ``value`` is not finite.

Examples
--------
>>> credroi.Fixed(5).quantile(0.3)
5.0)pbdoc");
    fixed.def(py::init<double>(), py::arg("value"))
        .def_property_readonly("value", &Fixed::value, "The value.")
        .def(py::pickle([](const Fixed& d) { return py::make_tuple(d.value()); },
                        [](const py::tuple& t) { return Fixed(t[0].cast<double>()); }));
    bind_common<Fixed>(fixed);

    py::class_<Uniform> uniform(m, "Uniform", R"pbdoc(Uniform on [lo, hi].

Parameters
----------
lo, hi : float
    Finite, lo < hi.

Raises
------
ParameterError
    A bound that is not finite, or hi <= lo.

Examples
--------
>>> credroi.Uniform(2, 4).quantile([0.0, 0.5, 1.0])
array([2., 3., 4.]))pbdoc");
    uniform.def(py::init<double, double>(), py::arg("lo"), py::arg("hi"))
        .def_property_readonly("lo", &Uniform::lo, "Lower end.")
        .def_property_readonly("hi", &Uniform::hi, "Upper end.")
        .def(py::pickle([](const Uniform& d) { return py::make_tuple(d.lo(), d.hi()); },
                        [](const py::tuple& t) { return Uniform(t[0].cast<double>(), t[1].cast<double>()); }));
    bind_common<Uniform>(uniform);

    py::class_<Triangular> triangular(m, "Triangular", R"pbdoc(Triangular on [lo, hi] with its peak at mode.

Parameters
----------
lo, mode, hi : float
    Finite, lo <= mode <= hi, lo < hi.

Raises
------
ParameterError
    ``mode`` outside [lo, hi] (reported against ``mode``), hi <= lo.

Examples
--------
>>> credroi.Triangular(0, 2, 9).mean()
3.6666666666666665)pbdoc");
    triangular.def(py::init<double, double, double>(), py::arg("lo"), py::arg("mode"), py::arg("hi"))
        .def_property_readonly("lo", &Triangular::lo, "Lower end.")
        .def_property_readonly("mode", &Triangular::mode, "Most likely value.")
        .def_property_readonly("hi", &Triangular::hi, "Upper end.")
        .def(py::pickle([](const Triangular& d) { return py::make_tuple(d.lo(), d.mode(), d.hi()); },
                        [](const py::tuple& t) {
                            return Triangular(t[0].cast<double>(), t[1].cast<double>(), t[2].cast<double>());
                        }));
    bind_common<Triangular>(triangular);

    py::class_<Pert> pert(m, "Pert", R"pbdoc(PERT (Beta-PERT) on [lo, hi]: a three-point estimate.

A Beta(alpha, beta) scaled to [lo, hi] with
``alpha = 1 + lamb (mode - lo) / (hi - lo)`` and
``beta = 1 + lamb (hi - mode) / (hi - lo)``, so
``mean = (lo + lamb mode + hi) / (lamb + 2)``.

Parameters
----------
lo, mode, hi : float
    Finite, lo <= mode <= hi, lo < hi.
lamb : float, default 4
    Weight of the mode (``lambda`` in scenario files; 4 is the classic PERT,
    larger values concentrate the mass around the mode); 0 < lamb <= 1e9.

Raises
------
ParameterError
    ``mode`` outside [lo, hi], hi <= lo, or ``lamb`` outside (0, 1e9].

Examples
--------
>>> round(credroi.Pert(20000, 30000, 60000).mean(), 6)   # (20000 + 4 * 30000 + 60000) / 6
33333.333333)pbdoc");
    pert.def(py::init<double, double, double, double>(), py::arg("lo"), py::arg("mode"), py::arg("hi"),
             py::arg("lamb") = 4.0)
        .def_property_readonly("lo", &Pert::lo, "Lower end.")
        .def_property_readonly("mode", &Pert::mode, "Most likely value.")
        .def_property_readonly("hi", &Pert::hi, "Upper end.")
        .def_property_readonly("lamb", &Pert::lambda, "Weight of the mode (``lambda`` in scenario files).")
        .def_property_readonly("alpha", &Pert::alpha, "First shape of the underlying Beta.")
        .def_property_readonly("beta", &Pert::beta, "Second shape of the underlying Beta.")
        .def(py::pickle([](const Pert& d) { return py::make_tuple(d.lo(), d.mode(), d.hi(), d.lambda()); },
                        [](const py::tuple& t) {
                            return Pert(t[0].cast<double>(), t[1].cast<double>(), t[2].cast<double>(), t[3].cast<double>());
                        }));
    bind_common<Pert>(pert);

    py::class_<Normal> normal(m, "Normal", R"pbdoc(Normal(mean, sd), optionally truncated to [lo, hi].

Parameters
----------
mean : float
    Mean of the parent (untruncated) normal; finite.
sd : float
    Standard deviation of the parent normal; finite and > 0.
lo, hi : float, default -inf, inf
    Truncation; either end may be infinite. [lo, hi] must hold some
    probability.

Notes
-----
``mu`` and ``sigma`` are the parent's parameters; ``mean()`` and
``variance()`` are the moments of the truncated distribution.

Raises
------
ParameterError
    ``sd`` <= 0, hi <= lo, or an interval whose probability underflows to 0.

Examples
--------
>>> credroi.Normal(0, 1, lo=0).mean()    # half-normal: sqrt(2 / pi)
0.7978845608028654)pbdoc");
    normal.def(py::init<double, double, double, double>(), py::arg("mean"), py::arg("sd"), py::arg("lo") = -inf,
               py::arg("hi") = inf)
        .def_property_readonly("mu", &Normal::mu, "Mean of the parent (untruncated) normal.")
        .def_property_readonly("sigma", &Normal::sigma, "Standard deviation of the parent normal.")
        .def_property_readonly("lo", &Normal::lo, "Lower truncation; -inf when none.")
        .def_property_readonly("hi", &Normal::hi, "Upper truncation; +inf when none.")
        .def_property_readonly("truncated", &Normal::truncated, "True when lo or hi is finite.")
        .def(py::pickle([](const Normal& d) { return py::make_tuple(d.mu(), d.sigma(), d.lo(), d.hi()); },
                        [](const py::tuple& t) {
                            return Normal(t[0].cast<double>(), t[1].cast<double>(), t[2].cast<double>(), t[3].cast<double>());
                        }));
    bind_common<Normal>(normal);

    py::class_<LogNormal> lognormal(m, "LogNormal", R"pbdoc(LogNormal: X = exp(Y), Y ~ Normal(mu, sigma). Support [0, inf).

Parameters
----------
mu : float
    Mean of log X; finite.
sigma : float
    Standard deviation of log X; finite and > 0.

Raises
------
ParameterError
    ``sigma`` <= 0 or a parameter that is not finite.

See Also
--------
LogNormal.from_range : the lognormal through a 90 % range.

Examples
--------
>>> credroi.LogNormal(0, 1).median()
1.0)pbdoc");
    lognormal.def(py::init<double, double>(), py::arg("mu"), py::arg("sigma"))
        .def_static("from_range", &LogNormal::from_range, py::arg("p5"), py::arg("p95"),
                    R"pbdoc(The lognormal whose 5th and 95th percentiles are p5 and p95.

``mu = (ln p5 + ln p95) / 2``, ``sigma = (ln p95 - ln p5) / (2 * 1.6448536269514722)``
(``lognormal_range = [p5, p95]`` in scenario files).

Parameters
----------
p5, p95 : float
    0 < p5 < p95, finite.

Returns
-------
LogNormal

Raises
------
ParameterError
    p5 <= 0 or p95 <= p5.

Examples
--------
>>> d = credroi.LogNormal.from_range(10, 40)
>>> round(d.quantile(0.05), 9), round(d.quantile(0.95), 9)
(10.0, 40.0))pbdoc")
        .def_property_readonly("mu", &LogNormal::mu, "Mean of log X.")
        .def_property_readonly("sigma", &LogNormal::sigma, "Standard deviation of log X.")
        .def(py::pickle([](const LogNormal& d) { return py::make_tuple(d.mu(), d.sigma()); },
                        [](const py::tuple& t) { return LogNormal(t[0].cast<double>(), t[1].cast<double>()); }));
    bind_common<LogNormal>(lognormal);

    py::class_<Beta> beta(m, "Beta", R"pbdoc(Beta(alpha, beta) scaled to [lo, hi].

Parameters
----------
alpha, beta : float
    Shapes, from 1e-6 to 1e10 (beyond them the inverse incomplete beta
    function returns NaN or does not finish).
lo, hi : float, default 0, 1
    The range; finite, lo < hi.

Raises
------
ParameterError
    A shape outside [1e-6, 1e10], or hi <= lo.

Examples
--------
>>> credroi.Beta(2, 2, 0, 10).mean()
5.0)pbdoc");
    beta.def(py::init<double, double, double, double>(), py::arg("alpha"), py::arg("beta"), py::arg("lo") = 0.0,
             py::arg("hi") = 1.0)
        .def_property_readonly("alpha", &Beta::alpha, "First shape.")
        .def_property_readonly("beta", &Beta::beta, "Second shape.")
        .def_property_readonly("lo", &Beta::lo, "Lower end of the range.")
        .def_property_readonly("hi", &Beta::hi, "Upper end of the range.")
        .def(py::pickle([](const Beta& d) { return py::make_tuple(d.alpha(), d.beta(), d.lo(), d.hi()); },
                        [](const py::tuple& t) {
                            return Beta(t[0].cast<double>(), t[1].cast<double>(), t[2].cast<double>(), t[3].cast<double>());
                        }));
    bind_common<Beta>(beta);

    py::class_<Discrete> discrete(m, "Discrete", R"pbdoc(One of a finite set of values, with given probabilities.

Parameters
----------
values : sequence of float
    At least one; finite. Kept sorted (ties keep their order).
probabilities : sequence of float
    One per value, each in [0, 1], summing to 1 within 1e-9 (then divided by
    their sum).

Raises
------
ParameterError
    No values, lengths that differ, a probability outside [0, 1], or a sum
    that is not 1.

Examples
--------
>>> credroi.Discrete([1, 2, 3], [0.2, 0.5, 0.3]).quantile(0.5)
2.0)pbdoc");
    discrete.def(py::init<std::vector<double>, std::vector<double>>(), py::arg("values"), py::arg("probabilities"))
        .def_property_readonly("values", &Discrete::values, "Values in ascending order.")
        .def_property_readonly("probabilities", &Discrete::probabilities,
                               "Probabilities in the order of ``values``, normalised to sum 1.")
        .def(py::pickle([](const Discrete& d) { return py::make_tuple(d.values(), d.probabilities()); },
                        [](const py::tuple& t) {
                            return Discrete(t[0].cast<std::vector<double>>(), t[1].cast<std::vector<double>>());
                        }));
    bind_common<Discrete>(discrete);

    py::class_<RiskEvent> risk(m, "RiskEvent", R"pbdoc(A yes/no event: with the given probability the value is the impact, otherwise 0.

Parameters
----------
probability : float
    In [0, 1].
impact : float or distribution
    A number or any credroi distribution (a RiskEvent included).

Raises
------
ParameterError
    ``probability`` outside [0, 1] or an impact that is neither a number nor
    a distribution.

Examples
--------
>>> r = credroi.RiskEvent(0.25, credroi.Triangular(10000, 20000, 50000))
>>> round(r.mean(), 6)   # 0.25 * (10000 + 20000 + 50000) / 3
6666.666667)pbdoc");
    risk.def(py::init([](double probability, const py::object& impact) {
                 return RiskEvent(probability, to_distribution(impact, "impact"));
             }),
             py::arg("probability"), py::arg("impact"))
        .def_property_readonly("probability", &RiskEvent::probability, "Probability that the event happens.")
        .def_property_readonly("impact", [](const RiskEvent& d) { return to_python(d.impact()); },
                               "The impact, as a distribution object (a number is a Fixed).")
        .def(py::pickle([](const RiskEvent& d) { return py::make_tuple(d.probability(), to_python(d.impact())); },
                        [](const py::tuple& t) {
                            return RiskEvent(t[0].cast<double>(), to_distribution(t[1], "impact"));
                        }));
    bind_common<RiskEvent>(risk);
}

}  // namespace credroi::python
