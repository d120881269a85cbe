// Tests for include/credroi/distributions.hpp.
//
// Reference values: closed forms from Johnson, Kotz & Balakrishnan (JKB),
// Continuous Univariate Distributions, 2nd ed. (vol. 1 ch. 13 normal and
// truncated normal, ch. 14 lognormal; vol. 2 ch. 25 beta), Vose, Risk
// Analysis: A Quantitative Guide, 3rd ed. (PERT and modified PERT), and the
// Wikipedia pages "Triangular distribution", "Truncated normal distribution",
// "Half-normal distribution". Where a number has more digits than a printed
// table, it was evaluated from that closed form with mpmath 1.3 at 30 digits;
// the arithmetic is written next to it.
#include <credroi/distributions.hpp>

#include <boost/math/distributions/triangular.hpp>
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <thread>
#include <utility>
#include <vector>

using credroi::Beta;
using credroi::Discrete;
using credroi::Distribution;
using credroi::Fixed;
using credroi::LogNormal;
using credroi::Normal;
using credroi::NumericError;
using credroi::ParameterError;
using credroi::Pert;
using credroi::RiskEvent;
using credroi::Triangular;
using credroi::Uniform;
using doctest::Approx;

namespace {

constexpr double inf = std::numeric_limits<double>::infinity();
constexpr double NaN = std::numeric_limits<double>::quiet_NaN();

// Checks that `expr` throws a ParameterError whose path() is `path_` and whose
// what() contains `fragment`. A macro so that failures report the test's line.
#define CHECK_PARAMETER_ERROR(expr, path_, fragment)                                        \
    do {                                                                                    \
        CHECK_THROWS_AS(static_cast<void>(expr), ParameterError);                          \
        try {                                                                               \
            static_cast<void>(expr);                                                        \
        } catch (const ParameterError& e_) {                                                \
            CHECK(e_.path() == std::string(path_));                                         \
            CHECK_MESSAGE(std::string(e_.what()).find(fragment) != std::string::npos, e_.what()); \
        }                                                                                   \
    } while (false)

/// One of every kind, for the tests that run over all of them.
std::vector<Distribution> one_of_each() {
    return {Fixed(5.0),
            Uniform(2.0, 6.0),
            Triangular(1.0, 2.0, 5.0),
            Pert(0.0, 2.0, 10.0),
            Pert(0.1, 0.14, 0.2, 8.0),
            Normal(10.0, 2.0),
            Normal(10.0, 2.0, 8.0, inf),
            Normal(0.0, 1.0, -inf, -0.5),
            Normal(0.0, 1.0, -1.0, 1.0),
            Normal(0.0, 1.0, 10.0, inf),
            LogNormal(1.0, 0.5),
            Beta(2.0, 3.0, 10.0, 20.0),
            Discrete({3.0, 1.0, 2.0}, {0.5, 0.2, 0.3}),
            RiskEvent(0.2, 1000.0),
            RiskEvent(0.25, Pert(100.0, 150.0, 300.0)),
            RiskEvent(0.3, LogNormal(2.0, 1.0)),
            RiskEvent(0.4, Uniform(-1.0, 3.0)),
            RiskEvent(0.5, Normal(0.0, 1.0)),
            RiskEvent(0.5, RiskEvent(0.5, 100.0))};
}

/// The grid of uniforms, with the ends only where the support is finite there.
std::vector<double> uniforms_for(const Distribution& d) {
    std::vector<double> u;
    const auto s = credroi::support(d);
    if (std::isfinite(s.first)) u.push_back(0.0);
    for (double x : {1e-300, 1e-12, 1e-3, 0.05, 0.1, 0.2, 0.25, 0.5, 0.6, 0.75, 0.8, 0.8000001, 0.9, 0.95, 0.999,
                     1.0 - 1e-12, 1.0 - 1.1e-16})
        u.push_back(x);
    if (std::isfinite(s.second)) u.push_back(1.0);
    return u;
}

bool is_continuous(const Distribution& d) {
    return !d.holds<Fixed>() && !d.holds<Discrete>() && !d.holds<RiskEvent>();
}

}  // namespace

TEST_CASE("distributions: Fixed") {
    const Fixed d(5.0);
    CHECK(d.value() == 5.0);
    CHECK(credroi::quantile(d, 0.0) == 5.0);
    CHECK(credroi::quantile(d, 0.3) == 5.0);
    CHECK(credroi::quantile(d, 1.0) == 5.0);
    CHECK(credroi::cdf(d, 4.999) == 0.0);
    CHECK(credroi::cdf(d, 5.0) == 1.0);
    CHECK(credroi::mean(d) == 5.0);
    CHECK(credroi::variance(d) == 0.0);
    CHECK(credroi::standard_deviation(d) == 0.0);
    CHECK(credroi::median(d) == 5.0);
    CHECK(credroi::support(d) == std::make_pair(5.0, 5.0));
    CHECK_PARAMETER_ERROR(Fixed(NaN), "value", "found nan");
    CHECK_PARAMETER_ERROR(Fixed(inf), "value", "found inf");
}

TEST_CASE("distributions: Uniform") {
    const Uniform d(2.0, 6.0);
    CHECK(d.lo() == 2.0);
    CHECK(d.hi() == 6.0);
    CHECK(credroi::mean(d) == 4.0);                             // (2 + 6)/2
    CHECK(credroi::variance(d) == Approx(16.0 / 12.0).epsilon(1e-15));  // (6 - 2)^2 / 12
    CHECK(credroi::quantile(d, 0.25) == 3.0);                   // 2 + 0.25 * 4
    CHECK(credroi::quantile(d, 0.0) == 2.0);
    CHECK(credroi::quantile(d, 1.0) == 6.0);
    CHECK(credroi::cdf(d, 5.0) == 0.75);  // (5 - 2)/4
    CHECK(credroi::cdf(d, 1.0) == 0.0);
    CHECK(credroi::cdf(d, 7.0) == 1.0);
    CHECK(credroi::median(d) == 4.0);
    // hi - lo rounds: u = 1 must still give exactly hi, never above it.
    const Uniform awkward(0.1, 0.7);
    CHECK(credroi::quantile(awkward, 1.0) == 0.7);

    CHECK_PARAMETER_ERROR(Uniform(3.0, 3.0), "hi", "expected hi > lo (lo = 3), found 3");
    CHECK_PARAMETER_ERROR(Uniform(3.0, 1.0), "hi", "found 1");
    CHECK_PARAMETER_ERROR(Uniform(NaN, 1.0), "lo", "found nan");
    CHECK_PARAMETER_ERROR(Uniform(0.0, inf), "hi", "found inf");
    CHECK_PARAMETER_ERROR(Uniform(-1e308, 1e308), "hi", "hi - lo");
}

TEST_CASE("distributions: Triangular") {
    const Triangular d(1.0, 2.0, 5.0);  // a = 1, c = 2, b = 5, Fc = (2-1)/(5-1) = 0.25
    CHECK(d.lo() == 1.0);
    CHECK(d.mode() == 2.0);
    CHECK(d.hi() == 5.0);
    SUBCASE("moments (Wikipedia, Triangular distribution)") {
        CHECK(credroi::mean(d) == Approx(8.0 / 3.0).epsilon(1e-15));  // (1 + 2 + 5)/3
        // (a^2 + b^2 + c^2 - ab - ac - bc)/18 = (1 + 25 + 4 - 5 - 2 - 10)/18 = 13/18
        CHECK(credroi::variance(d) == Approx(13.0 / 18.0).epsilon(1e-15));
    }
    SUBCASE("quantiles and cdf") {
        CHECK(credroi::quantile(d, 0.25) == Approx(2.0).epsilon(1e-15));  // u = Fc is the mode
        // 1 + sqrt(u (b-a)(c-a)) = 1 + sqrt(0.0625 * 4 * 1) = 1.5
        CHECK(credroi::quantile(d, 0.0625) == Approx(1.5).epsilon(1e-15));
        // 5 - sqrt((1-u)(b-a)(b-c)) = 5 - sqrt(0.5 * 4 * 3) = 5 - sqrt(6) = 2.5505102572168219
        CHECK(credroi::quantile(d, 0.5) == Approx(2.5505102572168219).epsilon(1e-15));
        CHECK(credroi::median(d) == Approx(2.5505102572168219).epsilon(1e-15));
        CHECK(credroi::cdf(d, 1.5) == Approx(0.0625).epsilon(1e-15));      // 0.5^2 / (4 * 1)
        CHECK(credroi::cdf(d, 4.0) == Approx(11.0 / 12.0).epsilon(1e-15));  // 1 - 1^2 / (4 * 3)
        CHECK(credroi::quantile(d, 0.0) == 1.0);
        CHECK(credroi::quantile(d, 1.0) == 5.0);
    }
    SUBCASE("agrees with boost::math::triangular_distribution") {
        const boost::math::triangular_distribution<double> ref(1.0, 2.0, 5.0);
        for (double u : {0.01, 0.1, 0.2, 0.3, 0.6, 0.9, 0.99}) {
            CHECK(credroi::quantile(d, u) == Approx(boost::math::quantile(ref, u)).epsilon(1e-14));
            CHECK(credroi::cdf(d, 1.0 + 4.0 * u) == Approx(boost::math::cdf(ref, 1.0 + 4.0 * u)).epsilon(1e-14));
        }
    }
    SUBCASE("mode at an end") {
        const Triangular left(0.0, 0.0, 1.0);  // F(x) = 1 - (1-x)^2, Q(u) = 1 - sqrt(1-u)
        CHECK(credroi::quantile(left, 0.75) == Approx(0.5).epsilon(1e-15));
        CHECK(credroi::quantile(left, 0.0) == 0.0);
        const Triangular right(0.0, 1.0, 1.0);  // F(x) = x^2, Q(u) = sqrt(u)
        CHECK(credroi::quantile(right, 0.25) == Approx(0.5).epsilon(1e-15));
        CHECK(credroi::quantile(right, 1.0) == 1.0);
    }
    SUBCASE("bad parameters") {
        CHECK_PARAMETER_ERROR(Triangular(5.0, 4.0, 10.0), "mode", "expected lo <= mode <= hi (lo = 5, hi = 10), found 4");
        CHECK_PARAMETER_ERROR(Triangular(0.0, 11.0, 10.0), "mode", "found 11");
        CHECK_PARAMETER_ERROR(Triangular(2.0, 2.0, 2.0), "hi", "expected hi > lo");
        CHECK_PARAMETER_ERROR(Triangular(NaN, 2.0, 3.0), "lo", "found nan");
        CHECK_PARAMETER_ERROR(Triangular(1.0, NaN, 3.0), "mode", "found nan");
        CHECK_PARAMETER_ERROR(Triangular(1.0, 2.0, inf), "hi", "found inf");
    }
}

TEST_CASE("distributions: PERT") {
    SUBCASE("shape parameters and moments (Vose, PERT and modified PERT)") {
        const Pert d(0.0, 2.0, 10.0);
        CHECK(d.lambda() == 4.0);
        CHECK(d.alpha() == Approx(1.8).epsilon(1e-15));  // 1 + 4 (2 - 0)/10
        CHECK(d.beta() == Approx(4.2).epsilon(1e-15));   // 1 + 4 (10 - 2)/10
        CHECK(credroi::mean(d) == Approx(3.0).epsilon(1e-15));      // (0 + 4*2 + 10)/6
        CHECK(credroi::variance(d) == Approx(3.0).epsilon(1e-14));  // (mu - a)(b - mu)/7 = 3 * 7 / 7
        // Median: I_x(1.8, 4.2) = 0.5 solved with mpmath, x = 0.276672259392518841, times 10.
        CHECK(credroi::median(d) == Approx(2.76672259392518841).epsilon(1e-12));
        // cdf(3) = I_0.3(1.8, 4.2) = 0.548230304261905009 (mpmath betainc).
        CHECK(credroi::cdf(d, 3.0) == Approx(0.548230304261905009).epsilon(1e-12));
    }
    SUBCASE("lambda") {
        const Pert d(0.0, 2.0, 10.0, 2.0);
        CHECK(d.alpha() == Approx(1.4).epsilon(1e-15));          // 1 + 2 * 0.2
        CHECK(d.beta() == Approx(2.6).epsilon(1e-15));           // 1 + 2 * 0.8
        CHECK(credroi::mean(d) == Approx(3.5).epsilon(1e-15));   // (0 + 2*2 + 10)/(2 + 2)
        CHECK(credroi::variance(d) == Approx(4.55).epsilon(1e-14));  // 3.5 * 6.5 / (2 + 3)
    }
    SUBCASE("closed forms at the ends and in the middle") {
        // mode = lo: Beta(1, 5), F(x) = 1 - (1-x)^5, median 1 - 0.5^(1/5) = 0.129449436703875861
        const Pert left(0.0, 0.0, 1.0);
        CHECK(credroi::median(left) == Approx(0.129449436703875861).epsilon(1e-13));
        CHECK(credroi::cdf(left, 0.5) == Approx(1.0 - std::pow(0.5, 5.0)).epsilon(1e-14));
        // mode = hi: Beta(5, 1), F(x) = x^5
        const Pert right(0.0, 1.0, 1.0);
        CHECK(credroi::quantile(right, 0.03125) == Approx(0.5).epsilon(1e-13));  // 0.5^5 = 0.03125
        // Symmetric: Beta(3, 3), I_x(3,3) = 10x^3 - 15x^4 + 6x^5; at x = 0.25: 0.103515625
        const Pert mid(0.0, 5.0, 10.0);
        CHECK(credroi::median(mid) == Approx(5.0).epsilon(1e-14));
        CHECK(credroi::cdf(mid, 2.5) == Approx(0.103515625).epsilon(1e-14));
        CHECK(credroi::quantile(mid, 0.103515625) == Approx(2.5).epsilon(1e-13));
        CHECK(credroi::quantile(mid, 0.0) == 0.0);
        CHECK(credroi::quantile(mid, 1.0) == 10.0);
    }
    SUBCASE("bad parameters: PERT min above its mode names the mode") {
        CHECK_PARAMETER_ERROR(Pert(5.0, 4.0, 3.0), "mode", "expected lo <= mode <= hi (lo = 5, hi = 3), found 4");
        CHECK_PARAMETER_ERROR(Pert(5.0, 4.0, 10.0), "mode", "(lo = 5, hi = 10), found 4");
        CHECK_PARAMETER_ERROR(Pert(1.0, 1.0, 1.0), "hi", "expected hi > lo (lo = 1), found 1");
        CHECK_PARAMETER_ERROR(Pert(0.0, 1.0, 2.0, 0.0), "lambda", "expected a finite lambda > 0, found 0");
        CHECK_PARAMETER_ERROR(Pert(0.0, 1.0, 2.0, -1.0), "lambda", "found -1");
        CHECK_PARAMETER_ERROR(Pert(0.0, 1.0, 2.0, NaN), "lambda", "found nan");
        // Shapes up to 1 + lambda, within Beta's limit of 1e10.
        CHECK_PARAMETER_ERROR(Pert(0.0, 1.0, 2.0, 1e50), "lambda", "expected lambda <= 1000000000, found 1e+50");
        CHECK(credroi::median(Pert(0.0, 1.0, 2.0, Pert::max_lambda)) == Approx(1.0).epsilon(1e-12));  // symmetric: the mode
        CHECK_PARAMETER_ERROR(Pert(-inf, 1.0, 2.0), "lo", "found -inf");
    }
}

TEST_CASE("distributions: Normal") {
    SUBCASE("untruncated (standard normal values, cf. Abramowitz & Stegun table 26.1)") {
        const Normal d(10.0, 2.0);
        CHECK(d.mu() == 10.0);
        CHECK(d.sigma() == 2.0);
        CHECK_FALSE(d.truncated());
        CHECK(credroi::mean(d) == 10.0);
        CHECK(credroi::variance(d) == 4.0);
        CHECK(credroi::standard_deviation(d) == 2.0);
        CHECK(credroi::median(d) == 10.0);
        // Phi^{-1}(0.975) = 1.95996398454005424: 10 + 2 * 1.95996398454005424
        CHECK(credroi::quantile(d, 0.975) == Approx(13.9199279690801085).epsilon(1e-15));
        CHECK(credroi::cdf(d, 12.0) == Approx(0.841344746068542949).epsilon(1e-15));  // Phi(1)
        CHECK(credroi::support(d) == std::make_pair(-inf, inf));
    }
    SUBCASE("half-normal: truncated to [mu, inf) (JKB ch. 13; Wikipedia, Half-normal distribution)") {
        const Normal d(0.0, 1.0, 0.0, inf);
        CHECK(d.truncated());
        CHECK(credroi::mean(d) == Approx(0.797884560802865356).epsilon(1e-15));   // sqrt(2/pi)
        CHECK(credroi::variance(d) == Approx(0.363380227632418657).epsilon(1e-14));  // 1 - 2/pi
        CHECK(credroi::median(d) == Approx(0.674489750196081743).epsilon(1e-14));   // Phi^{-1}(0.75)
        CHECK(credroi::quantile(d, 0.0) == 0.0);
        CHECK(credroi::cdf(d, -1.0) == 0.0);
    }
    SUBCASE("two-sided truncation [-1, 1] (Wikipedia, Truncated normal distribution)") {
        const Normal d(0.0, 1.0, -1.0, 1.0);
        CHECK(d.mass() == Approx(0.682689492137085897).epsilon(1e-15));  // Phi(1) - Phi(-1)
        CHECK(credroi::mean(d) == Approx(0.0));
        // 1 - 2 phi(1) / Z = 1 - 2 * 0.241970724519143349 / 0.682689492137085897
        CHECK(credroi::variance(d) == Approx(0.291125094772793211).epsilon(1e-14));
        CHECK(credroi::quantile(d, 0.0) == -1.0);
        CHECK(credroi::quantile(d, 1.0) == 1.0);
        CHECK(credroi::quantile(d, 0.5) == Approx(0.0));
    }
    SUBCASE("lower truncation [8, inf) of Normal(10, 2): a = -1") {
        const Normal d(10.0, 2.0, 8.0, inf);
        // mean = 10 + 2 phi(-1)/(1 - Phi(-1)); variance = 4 [1 + (-1) phi(-1)/Z - (phi(-1)/Z)^2]
        CHECK(credroi::mean(d) == Approx(10.5751999418783567).epsilon(1e-14));
        CHECK(credroi::variance(d) == Approx(2.51874514310642160).epsilon(1e-13));
        // Q(0.3) = 10 + 2 Phi^{-1}(Phi(-1) + 0.3 Z) = 9.55035498420267573
        CHECK(credroi::quantile(d, 0.3) == Approx(9.55035498420267573).epsilon(1e-14));
    }
    SUBCASE("far upper tail [10, inf): the survival function keeps the digits") {
        const Normal d(0.0, 1.0, 10.0, inf);
        CHECK(d.upper_tail());
        // Q(10) = erfc(10/sqrt 2)/2 = 7.61985302416052607e-24 (1 - Phi(10) would cancel to nothing)
        // mean = phi(10)/Q(10) = 10.0980932339625120 (inverse Mills ratio)
        CHECK(credroi::mean(d) == Approx(10.0980932339625120).epsilon(1e-13));
        // 1 + 10 m - m^2 = 0.00944537782565626116: three digits cancel, hence the looser tolerance
        CHECK(credroi::variance(d) == Approx(0.00944537782565626116).epsilon(1e-11));
        // median = Q^{-1}(Q(10)/2) = 10.0684118360814294
        CHECK(credroi::median(d) == Approx(10.0684118360814294).epsilon(1e-13));
        CHECK(credroi::cdf(d, credroi::median(d)) == Approx(0.5).epsilon(1e-12));
        CHECK(credroi::quantile(d, 0.0) == 10.0);
    }
    SUBCASE("bad parameters") {
        CHECK_PARAMETER_ERROR(Normal(0.0, 0.0), "sd", "expected a finite sd > 0, found 0");
        CHECK_PARAMETER_ERROR(Normal(0.0, -1.0), "sd", "found -1");
        CHECK_PARAMETER_ERROR(Normal(0.0, inf), "sd", "found inf");
        CHECK_PARAMETER_ERROR(Normal(NaN, 1.0), "mean", "found nan");
        CHECK_PARAMETER_ERROR(Normal(0.0, 1.0, 2.0, 1.0), "hi", "expected hi > lo (lo = 2), found 1");
        CHECK_PARAMETER_ERROR(Normal(0.0, 1.0, 1.0, 1.0), "hi", "found 1");
        CHECK_PARAMETER_ERROR(Normal(0.0, 1.0, NaN, 1.0), "lo", "found nan");
        CHECK_PARAMETER_ERROR(Normal(0.0, 1.0, inf, inf), "lo", "found inf");
        CHECK_PARAMETER_ERROR(Normal(0.0, 1.0, -inf, -inf), "hi", "found -inf");
        // Phi(-40) underflows a double: no probability left to sample from.
        CHECK_PARAMETER_ERROR(Normal(0.0, 1.0, 40.0, inf), "lo", "underflows to 0");
        CHECK_PARAMETER_ERROR(Normal(0.0, 1.0, -inf, -40.0), "hi", "underflows to 0");
    }
    SUBCASE("overflow is an error, not an infinity") {
        CHECK_THROWS_AS(credroi::quantile(Normal(0.0, 1e308), 1e-300), NumericError);
        CHECK_THROWS_AS(credroi::variance(Normal(0.0, 1e200)), NumericError);
    }
}

TEST_CASE("distributions: LogNormal") {
    SUBCASE("moments and quantiles (JKB ch. 14)") {
        const LogNormal d(1.0, 0.5);
        CHECK(credroi::mean(d) == Approx(3.08021684891803125).epsilon(1e-15));      // exp(1 + 0.25/2)
        CHECK(credroi::variance(d) == Approx(2.69475812434494772).epsilon(1e-14));  // (e^0.25 - 1) e^2.25
        CHECK(credroi::median(d) == Approx(std::exp(1.0)).epsilon(1e-15));
        // exp(1 + 0.5 * 1.6448536269514722) = 6.18685458819545234
        CHECK(credroi::quantile(d, 0.95) == Approx(6.18685458819545234).epsilon(1e-14));
        // Phi((ln 5 - 1)/0.5) = 0.888554336706807519
        CHECK(credroi::cdf(d, 5.0) == Approx(0.888554336706807519).epsilon(1e-14));
        CHECK(credroi::quantile(d, 0.0) == 0.0);
        CHECK(credroi::cdf(d, 0.0) == 0.0);
        CHECK(credroi::cdf(d, -3.0) == 0.0);
        CHECK(credroi::support(d) == std::make_pair(0.0, inf));
    }
    SUBCASE("from_range hits its 5th and 95th percentiles") {
        const LogNormal d = LogNormal::from_range(10.0, 40.0);
        CHECK(d.mu() == Approx(2.99573227355399099).epsilon(1e-15));      // ln 20 = (ln 10 + ln 40)/2
        CHECK(d.sigma() == Approx(0.421403563941799362).epsilon(1e-15));  // ln 4 / (2 * 1.6448536269514722)
        CHECK(credroi::quantile(d, 0.05) == Approx(10.0).epsilon(1e-13));
        CHECK(credroi::quantile(d, 0.95) == Approx(40.0).epsilon(1e-13));
        CHECK(credroi::median(d) == Approx(20.0).epsilon(1e-14));  // geometric mean of the range
        const LogNormal narrow = LogNormal::from_range(0.99, 1.01);
        CHECK(credroi::quantile(narrow, 0.05) == Approx(0.99).epsilon(1e-13));
        CHECK(credroi::quantile(narrow, 0.95) == Approx(1.01).epsilon(1e-13));
    }
    SUBCASE("bad parameters") {
        CHECK_PARAMETER_ERROR(LogNormal(0.0, 0.0), "sigma", "expected a finite sigma > 0, found 0");
        CHECK_PARAMETER_ERROR(LogNormal(inf, 1.0), "mu", "found inf");
        CHECK_PARAMETER_ERROR(LogNormal::from_range(0.0, 1.0), "p5", "expected a finite p5 > 0, found 0");
        CHECK_PARAMETER_ERROR(LogNormal::from_range(-1.0, 1.0), "p5", "found -1");
        CHECK_PARAMETER_ERROR(LogNormal::from_range(2.0, 2.0), "p95", "expected a finite p95 > p5 (p5 = 2), found 2");
        CHECK_PARAMETER_ERROR(LogNormal::from_range(2.0, NaN), "p95", "found nan");
    }
    SUBCASE("overflow is an error, not an infinity") {
        CHECK_THROWS_AS(credroi::mean(LogNormal(700.0, 10.0)), NumericError);
        CHECK_THROWS_AS(credroi::variance(LogNormal(700.0, 10.0)), NumericError);
        CHECK_THROWS_AS(credroi::quantile(LogNormal(709.0, 1.0), 0.9), NumericError);
    }
}

TEST_CASE("distributions: Beta") {
    const Beta d(2.0, 3.0, 10.0, 20.0);
    CHECK(d.alpha() == 2.0);
    CHECK(d.beta() == 3.0);
    CHECK(credroi::mean(d) == Approx(14.0).epsilon(1e-15));     // 10 + 10 * 2/5
    CHECK(credroi::variance(d) == Approx(4.0).epsilon(1e-15));  // 100 * 2*3 / (5^2 * 6)
    // Beta(2, 3): F(x) = 6x^2 - 8x^3 + 3x^4; F(0.5) = 1.5 - 1 + 0.1875 = 0.6875
    CHECK(credroi::cdf(d, 15.0) == Approx(0.6875).epsilon(1e-15));
    CHECK(credroi::quantile(d, 0.6875) == Approx(15.0).epsilon(1e-14));
    CHECK(credroi::quantile(d, 0.0) == 10.0);
    CHECK(credroi::quantile(d, 1.0) == 20.0);
    const Beta unit(2.0, 3.0);
    CHECK(unit.lo() == 0.0);
    CHECK(unit.hi() == 1.0);
    CHECK(credroi::cdf(unit, 0.5) == Approx(0.6875).epsilon(1e-15));

    CHECK_PARAMETER_ERROR(Beta(0.0, 1.0), "alpha", "expected a finite alpha > 0, found 0");
    CHECK_PARAMETER_ERROR(Beta(1.0, -2.0), "beta", "expected a finite beta > 0, found -2");
    CHECK_PARAMETER_ERROR(Beta(1.0, 1.0, 1.0, 1.0), "hi", "expected hi > lo (lo = 1), found 1");
    CHECK_PARAMETER_ERROR(Beta(1.0, 1.0, -inf, 1.0), "lo", "found -inf");
    CHECK_PARAMETER_ERROR(Beta(NaN, 1.0), "alpha", "found nan");
    // Shapes outside [1e-6, 1e10]: Boost's ibeta_inv gives NaN near 1e-200 and
    // did not finish at 1e18, so they are refused where they are written.
    CHECK_PARAMETER_ERROR(Beta(1e11, 1.0), "alpha", "expected 1e-06 <= alpha <= 10000000000, found 100000000000");
    CHECK_PARAMETER_ERROR(Beta(1.0, 1e-7), "beta", "expected 1e-06 <= beta <= 10000000000, found 1e-07");
    CHECK_PARAMETER_ERROR(Beta(1e50, 1e50), "alpha", "found 1e+50");
    // The limits themselves work, and at once: Beta(1e10, 1e10) on [0, 100] has
    // sd = 100 sqrt(1 / (4 (2e10 + 1))) = 3.5355e-4, so P99 = 50 + 2.3263 sd.
    const Beta narrow(Beta::max_shape, Beta::max_shape, 0.0, 100.0);
    CHECK(credroi::quantile(narrow, 0.99) == Approx(50.0 + 2.3263478740408408 * 3.5355339050589e-4).epsilon(1e-9));
    const Beta ends(Beta::min_shape, Beta::min_shape);
    CHECK(credroi::quantile(ends, 0.25) == 0.0);  // mass 1/2 at each end to within 1e-6
    CHECK(credroi::quantile(ends, 0.75) == 1.0);
}

TEST_CASE("distributions: Discrete") {
    const Discrete d({3.0, 1.0, 2.0}, {0.5, 0.2, 0.3});  // sorted: 1 (0.2), 2 (0.3), 3 (0.5); cdf 0.2, 0.5, 1
    CHECK(d.values() == std::vector<double>{1.0, 2.0, 3.0});
    CHECK(d.probabilities()[0] == Approx(0.2));
    CHECK(d.probabilities()[2] == Approx(0.5));
    CHECK(d.cumulative().back() == 1.0);
    SUBCASE("quantile steps: the smallest value whose cdf >= p") {
        CHECK(credroi::quantile(d, 0.0) == 1.0);
        CHECK(credroi::quantile(d, 0.1) == 1.0);
        CHECK(credroi::quantile(d, 0.2) == 1.0);  // cdf(1) = 0.2 >= 0.2
        CHECK(credroi::quantile(d, 0.2000001) == 2.0);
        CHECK(credroi::quantile(d, 0.5) == 2.0);  // cdf(2) = 0.5 (0.2 + 0.3 rounds to 0.5 exactly)
        CHECK(credroi::quantile(d, 0.51) == 3.0);
        CHECK(credroi::quantile(d, 1.0) == 3.0);
        CHECK(credroi::median(d) == 2.0);
    }
    SUBCASE("cdf steps") {
        CHECK(credroi::cdf(d, 0.99) == 0.0);
        CHECK(credroi::cdf(d, 1.0) == Approx(0.2));
        CHECK(credroi::cdf(d, 1.5) == Approx(0.2));
        CHECK(credroi::cdf(d, 2.0) == Approx(0.5));
        CHECK(credroi::cdf(d, 3.0) == 1.0);
    }
    SUBCASE("moments") {
        CHECK(credroi::mean(d) == Approx(2.3).epsilon(1e-15));  // 0.2 + 0.6 + 1.5
        // E[X^2] - mean^2 = 0.2 + 1.2 + 4.5 - 5.29 = 0.61
        CHECK(credroi::variance(d) == Approx(0.61).epsilon(1e-14));
    }
    SUBCASE("values of zero probability do not count as support") {
        const Discrete z({0.0, 1.0, 2.0, 9.0}, {0.0, 0.5, 0.5, 0.0});
        CHECK(credroi::support(z) == std::make_pair(1.0, 2.0));
        CHECK(credroi::quantile(z, 0.0) == 1.0);
        CHECK(credroi::quantile(z, 1.0) == 2.0);
        CHECK(credroi::quantile(z, 0.5) == 1.0);
    }
    SUBCASE("ties and a sum off by less than 1e-9") {
        const Discrete t({2.0, 1.0, 2.0}, {0.25, 0.5, 0.25 + 5e-10});
        CHECK(credroi::quantile(t, 0.6) == 2.0);
        CHECK(credroi::cdf(t, 2.0) == 1.0);
        CHECK(credroi::mean(t) == Approx(1.5).epsilon(1e-9));
    }
    SUBCASE("bad parameters") {
        CHECK_PARAMETER_ERROR(Discrete({1.0, 2.0}, {0.5, 0.4}), "probabilities",
                              "expected probabilities summing to 1 (within 1e-9), found a sum of 0.9");
        CHECK_PARAMETER_ERROR(Discrete({1.0, 2.0}, {0.5, 0.5 + 1e-8}), "probabilities", "found a sum of 1.00000001");
        CHECK_PARAMETER_ERROR(Discrete({1.0, 2.0}, {1.0}), "probabilities",
                              "expected as many probabilities as values (2), found 1");
        CHECK_PARAMETER_ERROR(Discrete({}, {}), "values", "expected at least one value");
        CHECK_PARAMETER_ERROR(Discrete({1.0, 2.0}, {1.1, -0.1}), "probabilities[0]", "found 1.1");
        CHECK_PARAMETER_ERROR(Discrete({1.0, 2.0}, {0.5, NaN}), "probabilities[1]", "found nan");
        CHECK_PARAMETER_ERROR(Discrete({1.0, NaN}, {0.5, 0.5}), "values[1]", "found nan");
    }
}

TEST_CASE("distributions: RiskEvent") {
    SUBCASE("fixed impact: a Bernoulli times the impact") {
        const RiskEvent d(0.2, 1000.0);
        CHECK(d.probability() == 0.2);
        CHECK(credroi::mean(d.impact()) == 1000.0);
        CHECK(credroi::mean(d) == Approx(200.0).epsilon(1e-15));  // 0.2 * 1000
        // p Var(I) + p (1-p) E[I]^2 = 0 + 0.2 * 0.8 * 1e6
        CHECK(credroi::variance(d) == Approx(160000.0).epsilon(1e-15));
        CHECK(credroi::quantile(d, 0.0) == 0.0);
        CHECK(credroi::quantile(d, 0.8) == 0.0);  // the event happens only when u > 1 - p
        CHECK(credroi::quantile(d, 0.8000001) == 1000.0);
        CHECK(credroi::quantile(d, 1.0) == 1000.0);
        CHECK(credroi::median(d) == 0.0);
        CHECK(credroi::cdf(d, -1.0) == 0.0);
        CHECK(credroi::cdf(d, 0.0) == Approx(0.8).epsilon(1e-15));
        CHECK(credroi::cdf(d, 999.0) == Approx(0.8).epsilon(1e-15));
        CHECK(credroi::cdf(d, 1000.0) == 1.0);
        CHECK(credroi::support(d) == std::make_pair(0.0, 1000.0));
    }
    SUBCASE("uncertain impact: drawn at (u - (1-p))/p") {
        const RiskEvent d(0.25, Uniform(100.0, 200.0));
        CHECK(credroi::mean(d) == Approx(37.5).epsilon(1e-15));  // 0.25 * 150
        // 0.25 * 100^2/12 + 0.25 * 0.75 * 150^2 = 208.333... + 4218.75
        CHECK(credroi::variance(d) == Approx(4427.0833333333333).epsilon(1e-14));
        CHECK(credroi::quantile(d, 0.875) == Approx(150.0).epsilon(1e-14));  // (0.875 - 0.75)/0.25 = 0.5
        CHECK(credroi::quantile(d, 0.75) == 0.0);
        CHECK(credroi::quantile(d, 0.7500001) == Approx(100.00004).epsilon(1e-9));
        CHECK(credroi::cdf(d, 150.0) == Approx(0.875).epsilon(1e-15));  // 0.75 + 0.25 * 0.5
    }
    SUBCASE("impact unbounded above") {
        const RiskEvent d(0.3, LogNormal(2.0, 1.0));
        CHECK(credroi::support(d) == std::make_pair(0.0, inf));
        CHECK(credroi::quantile(d, 0.0) == 0.0);
        // (0.85 - 0.7)/0.3 = 0.5: the impact's median e^2
        CHECK(credroi::quantile(d, 0.85) == Approx(std::exp(2.0)).epsilon(1e-13));
        CHECK(std::isfinite(credroi::quantile(d, 1.0 - 1.1e-16)));
        CHECK_PARAMETER_ERROR(credroi::quantile(d, 1.0), "p", "unbounded above");
    }
    SUBCASE("impact of either sign keeps the quantile the exact inverse of the cdf") {
        // p = 0.4, I ~ U(-1, 3): P(X < 0) = 0.4 * 0.25 = 0.1, P(X <= 0) = 0.6 + 0.1 = 0.7
        const RiskEvent d(0.4, Uniform(-1.0, 3.0));
        CHECK(d.probability_below_zero() == Approx(0.1).epsilon(1e-15));
        CHECK(d.probability_at_or_below_zero() == Approx(0.7).epsilon(1e-15));
        CHECK(credroi::quantile(d, 0.05) == Approx(-0.5).epsilon(1e-14));  // Q_I(0.05/0.4 = 0.125) = -1 + 4*0.125
        CHECK(credroi::quantile(d, 0.5) == 0.0);
        CHECK(credroi::quantile(d, 0.85) == Approx(1.5).epsilon(1e-14));  // Q_I((0.85-0.6)/0.4 = 0.625)
        CHECK(credroi::quantile(d, 0.0) == -1.0);
        CHECK(credroi::support(d) == std::make_pair(-1.0, 3.0));
        CHECK(credroi::mean(d) == Approx(0.4).epsilon(1e-15));  // 0.4 * 1
        const RiskEvent neg(0.5, Uniform(-10.0, -2.0));
        CHECK(credroi::quantile(neg, 0.25) == Approx(-6.0).epsilon(1e-14));  // Q_I(0.5)
        CHECK(credroi::quantile(neg, 0.6) == 0.0);
        CHECK(credroi::support(neg) == std::make_pair(-10.0, 0.0));
    }
    SUBCASE("nested risk events") {
        const RiskEvent d(0.5, RiskEvent(0.5, 100.0));  // 100 with probability 0.25
        CHECK(credroi::mean(d) == Approx(25.0).epsilon(1e-15));
        CHECK(credroi::variance(d) == Approx(1875.0).epsilon(1e-14));  // 100^2 * 0.25 * 0.75
        CHECK(credroi::quantile(d, 0.75) == 0.0);
        CHECK(credroi::quantile(d, 0.76) == 100.0);
    }
    SUBCASE("probability 0 and 1") {
        const RiskEvent never(0.0, Normal(5.0, 1.0));
        CHECK(credroi::support(never) == std::make_pair(0.0, 0.0));
        CHECK(credroi::quantile(never, 1.0) == 0.0);
        CHECK(credroi::mean(never) == 0.0);
        CHECK(credroi::variance(never) == 0.0);
        const RiskEvent always(1.0, Uniform(1.0, 2.0));
        CHECK(credroi::quantile(always, 0.3) == credroi::quantile(Uniform(1.0, 2.0), 0.3));
        CHECK(credroi::quantile(always, 0.0) == 1.0);
        CHECK(credroi::support(always) == std::make_pair(1.0, 2.0));
    }
    SUBCASE("the quantile is one non-decreasing function of one uniform, inverse to the cdf") {
        const std::vector<RiskEvent> events{RiskEvent(0.2, 1000.0), RiskEvent(0.25, Pert(100.0, 150.0, 300.0)),
                                            RiskEvent(0.4, Uniform(-1.0, 3.0)), RiskEvent(0.5, Normal(0.0, 1.0)),
                                            RiskEvent(0.3, Discrete({-5.0, 0.0, 5.0}, {0.3, 0.3, 0.4}))};
        for (const RiskEvent& d : events) {
            CAPTURE(credroi::describe(d));
            double previous = -inf;
            for (int i = 1; i < 2000; ++i) {
                const double u = i / 2000.0;
                const double x = credroi::quantile(d, u);
                CHECK(x >= previous);
                CHECK(credroi::cdf(d, x) >= u - 1e-12);  // the smallest x with cdf(x) >= u ...
                if (x > credroi::support(d).first) {      // ... and nothing below it reaches u
                    CHECK(credroi::cdf(d, std::nextafter(x, -inf)) <= u + 1e-12);
                }
                previous = x;
            }
        }
    }
    SUBCASE("bad parameters") {
        CHECK_PARAMETER_ERROR(RiskEvent(1.5, 10.0), "probability", "expected 0 <= probability <= 1, found 1.5");
        CHECK_PARAMETER_ERROR(RiskEvent(-0.1, 10.0), "probability", "found -0.1");
        CHECK_PARAMETER_ERROR(RiskEvent(NaN, 10.0), "probability", "found nan");
        CHECK_PARAMETER_ERROR(RiskEvent(0.5, NaN), "value", "found nan");  // the impact is checked as Fixed
    }
}

TEST_CASE("distributions: Distribution (type-erased)") {
    SUBCASE("numbers are Fixed, the default is Fixed(0)") {
        const Distribution five = 5.0;
        CHECK(five.holds<Fixed>());
        CHECK(five.get_if<Fixed>()->value() == 5.0);
        CHECK(five.get_if<Normal>() == nullptr);
        CHECK(credroi::mean(Distribution()) == 0.0);
        CHECK(credroi::quantile(7.0, 0.3) == 7.0);
    }
    SUBCASE("describe and kind_name") {
        CHECK(credroi::describe(Pert(0.1, 0.14, 0.2)) == "PERT(0.1, 0.14, 0.2)");
        CHECK(credroi::describe(Distribution(Pert(0.1, 0.14, 0.2, 2.0))) == "PERT(0.1, 0.14, 0.2, lambda = 2)");
        CHECK(credroi::describe(Distribution(5.0)) == "Fixed(5)");
        CHECK(credroi::describe(Distribution(Uniform(1.0, 2.5))) == "Uniform(1, 2.5)");
        CHECK(credroi::describe(Distribution(Triangular(1.0, 2.0, 3.0))) == "Triangular(1, 2, 3)");
        CHECK(credroi::describe(Distribution(Normal(10.0, 2.0))) == "Normal(10, 2)");
        CHECK(credroi::describe(Distribution(Normal(10.0, 2.0, 0.0, inf))) == "Normal(10, 2) truncated to [0, inf]");
        CHECK(credroi::describe(Distribution(LogNormal(1.0, 0.5))) == "LogNormal(mu = 1, sigma = 0.5)");
        CHECK(credroi::describe(Distribution(Beta(2.0, 3.0))) == "Beta(2, 3)");
        CHECK(credroi::describe(Distribution(Beta(2.0, 3.0, 10.0, 20.0))) == "Beta(2, 3) on [10, 20]");
        CHECK(credroi::describe(Distribution(Discrete({2.0, 1.0}, {0.75, 0.25}))) == "Discrete(1: 0.25, 2: 0.75)");
        CHECK(credroi::describe(Distribution(RiskEvent(0.1, Pert(1.0, 2.0, 4.0)))) == "RiskEvent(0.1, PERT(1, 2, 4))");
        const std::vector<std::string> kinds{"fixed", "uniform", "triangular", "pert", "pert", "normal", "normal",
                                             "normal", "normal", "normal", "lognormal", "beta", "discrete",
                                             "risk_event", "risk_event", "risk_event", "risk_event", "risk_event",
                                             "risk_event"};
        const auto all = one_of_each();
        REQUIRE(all.size() == kinds.size());
        for (std::size_t i = 0; i < all.size(); ++i) CHECK(credroi::kind_name(all[i]) == kinds[i]);
    }
    SUBCASE("dispatch gives the concrete type's answers") {
        const Pert p(0.0, 2.0, 10.0);
        const Distribution d = p;
        CHECK(credroi::mean(d) == credroi::mean(p));
        CHECK(credroi::variance(d) == credroi::variance(p));
        CHECK(credroi::standard_deviation(d) == std::sqrt(credroi::variance(p)));
        CHECK(credroi::median(d) == credroi::median(p));
        CHECK(credroi::quantile(d, 0.3) == credroi::quantile(p, 0.3));
        CHECK(credroi::cdf(d, 4.0) == credroi::cdf(p, 4.0));
        CHECK(credroi::support(d) == credroi::support(p));
    }
    SUBCASE("copies of a RiskEvent share one immutable impact") {
        const RiskEvent r(0.5, Normal(1.0, 1.0));
        const Distribution a = r;
        const Distribution b = a;
        CHECK(&a.get_if<RiskEvent>()->impact() == &b.get_if<RiskEvent>()->impact());
    }
}

TEST_CASE("distributions: round trip cdf(quantile(p)) = p") {
    for (const Distribution& d : one_of_each()) {
        if (!is_continuous(d)) continue;
        CAPTURE(credroi::describe(d));
        for (double p : {1e-6, 0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999}) {
            CAPTURE(p);
            CHECK(credroi::cdf(d, credroi::quantile(d, p)) == Approx(p).epsilon(1e-10));
        }
    }
}

TEST_CASE("distributions: quantile domain") {
    SUBCASE("outside [0, 1] or nan") {
        for (const Distribution& d : one_of_each()) {
            CAPTURE(credroi::describe(d));
            CHECK_PARAMETER_ERROR(credroi::quantile(d, -0.1), "p", "expected 0 <= p <= 1, found -0.1");
            CHECK_PARAMETER_ERROR(credroi::quantile(d, 1.5), "p", "found 1.5");
            CHECK_PARAMETER_ERROR(credroi::quantile(d, NaN), "p", "found nan");
        }
    }
    SUBCASE("an unbounded end cannot be reached") {
        CHECK_PARAMETER_ERROR(credroi::quantile(Normal(0.0, 1.0), 0.0), "p", "unbounded below");
        CHECK_PARAMETER_ERROR(credroi::quantile(Normal(0.0, 1.0), 1.0), "p", "unbounded above");
        CHECK_PARAMETER_ERROR(credroi::quantile(Normal(0.0, 1.0, 0.0, inf), 1.0), "p", "unbounded above");
        CHECK_PARAMETER_ERROR(credroi::quantile(Normal(0.0, 1.0, -inf, 0.0), 0.0), "p", "unbounded below");
        CHECK(credroi::quantile(Normal(0.0, 1.0, -inf, 0.0), 1.0) == 0.0);
        CHECK_PARAMETER_ERROR(credroi::quantile(RiskEvent(0.5, Normal(0.0, 1.0)), 0.0), "p", "unbounded below");
    }
    SUBCASE("every value is finite, even at the extreme uniforms") {
        for (const Distribution& d : one_of_each()) {
            CAPTURE(credroi::describe(d));
            for (double u : uniforms_for(d)) {
                CAPTURE(u);
                const double x = credroi::quantile(d, u);
                CHECK(std::isfinite(x));
                CHECK(x >= credroi::support(d).first);
                CHECK(x <= credroi::support(d).second);
            }
        }
    }
    SUBCASE("cdf rejects nan") {
        CHECK_PARAMETER_ERROR(credroi::cdf(Distribution(Uniform(0.0, 1.0)), NaN), "x", "found nan");
        CHECK(credroi::cdf(Normal(0.0, 1.0), inf) == 1.0);
        CHECK(credroi::cdf(Normal(0.0, 1.0), -inf) == 0.0);
    }
}

namespace {

/// How far quantiles() may be from the scalar quantile() at a value x
/// (0: bit-identical). The bounds are those documented for quantiles():
/// - PERT and Beta interpolate ibeta_inv in normal-score space: 1e-10 (hi - lo),
///   10 times the tolerance each table piece is checked against when it is built;
/// - Normal and LogNormal use AS 241 for Phi^{-1} instead of Boost's erfc_inv:
///   the normal score differs by a relative 1e-15 or less (Wichura quotes 1e-16),
///   so 1e-13 relative to |z| leaves room for the rounding of mu + sigma z and exp;
/// - a RiskEvent maps u to its impact exactly as quantile() does, so it inherits
///   the impact's bound; the other kinds run the scalar code itself.
double vector_tolerance(const Distribution& d, double x) {
    if (const auto* p = d.get_if<Pert>()) return 1e-10 * (p->hi() - p->lo());
    if (const auto* b = d.get_if<Beta>()) return 1e-10 * (b->hi() - b->lo());
    if (const auto* n = d.get_if<Normal>()) return 1e-13 * (std::abs(x) + std::abs(x - n->mu()));
    if (const auto* l = d.get_if<LogNormal>())
        return x == 0.0 ? 0.0 : 1e-13 * x * (1.0 + std::abs(std::log(x) - l->mu()));
    if (const auto* r = d.get_if<RiskEvent>()) return vector_tolerance(r->impact(), x);
    return 0.0;
}

/// u spread over (0, 1) on a uniform grid, plus both tails down to 2^-53
/// (1e-16 to 1e-2, log-spaced), the ends of the table, and the u just outside.
std::vector<double> dense_uniforms(int uniform_points, int tail_points) {
    std::vector<double> u;
    for (int i = 0; i < uniform_points; ++i) u.push_back((i + 0.5) / uniform_points);
    for (int i = 0; i <= tail_points && tail_points > 0; ++i) {
        const double p = std::pow(10.0, -16.0 + 14.0 * i / tail_points);
        u.push_back(p);
        u.push_back(1.0 - p);
    }
    for (double x : {0x1p-53, 1.0 - 0x1p-53, 0x1p-54, 1e-300, 1.0 - 0x1p-52}) u.push_back(x);
    return u;
}

/// Largest |quantiles(d, u) - quantile(d, u)| over u, skipping the u at
/// which the scalar ibeta_inv itself gives up (it does so in the far lower
/// tail of a few shapes, e.g. Beta(0.5, 2) near u = 4e-10, throwing NumericError).
double largest_vector_error(const Distribution& d, const std::vector<double>& grid) {
    std::vector<double> u, exact;
    for (double x : grid) {
        try {
            exact.push_back(credroi::quantile(d, x));
            u.push_back(x);
        } catch (const NumericError&) {
        }
    }
    std::vector<double> out(u.size());
    credroi::quantiles(d, u.data(), out.data(), u.size());
    double worst = 0.0;
    for (std::size_t i = 0; i < u.size(); ++i) worst = std::max(worst, std::abs(out[i] - exact[i]));
    return worst;
}

}  // namespace

TEST_CASE("distributions: vectorised quantiles agree with the scalar quantile") {
    for (const Distribution& d : one_of_each()) {
        CAPTURE(credroi::describe(d));
        const std::vector<double> u = uniforms_for(d);
        std::vector<double> out(u.size(), -1.0);
        credroi::quantiles(d, u.data(), out.data(), u.size());
        for (std::size_t i = 0; i < u.size(); ++i) {
            CAPTURE(u[i]);
            const double exact = credroi::quantile(d, u[i]);
            const double tolerance = vector_tolerance(d, exact);
            if (tolerance == 0.0) {
                CHECK(out[i] == exact);
            } else {
                CHECK(std::abs(out[i] - exact) <= tolerance);
            }
        }
        std::vector<double> in_place = u;
        credroi::quantiles(d, in_place.data(), in_place.data(), in_place.size());
        CHECK(in_place == out);
    }
    SUBCASE("the tolerance is not vacuous: an approximation differs somewhere, an exact kind nowhere") {
        const std::vector<double> u = dense_uniforms(1000, 0);
        std::vector<double> out(u.size());
        const Distribution pert = Pert(0.0, 2.0, 10.0);
        credroi::quantiles(pert, u.data(), out.data(), u.size());
        std::size_t differ = 0;
        for (std::size_t i = 0; i < u.size(); ++i) differ += out[i] != credroi::quantile(pert, u[i]) ? 1 : 0;
        CHECK(differ > 0);
        const Distribution tri = Triangular(1.0, 2.0, 5.0);
        credroi::quantiles(tri, u.data(), out.data(), u.size());
        for (std::size_t i = 0; i < u.size(); ++i) CHECK(out[i] == credroi::quantile(tri, u[i]));
    }
    SUBCASE("PERT and Beta outside [2^-53, 1 - 2^-53] and at the ends are ibeta_inv itself") {
        for (const Distribution& d : {Distribution(Pert(0.0, 2.0, 10.0)), Distribution(Beta(2.0, 3.0, 10.0, 20.0))}) {
            CAPTURE(credroi::describe(d));
            const std::vector<double> u{0.0, 1e-300, 1e-17, 0x1p-54, 1.0};
            std::vector<double> out(u.size());
            credroi::quantiles(d, u.data(), out.data(), u.size());
            for (std::size_t i = 0; i < u.size(); ++i) CHECK(out[i] == credroi::quantile(d, u[i]));
        }
    }
    SUBCASE("a bad uniform names its index and leaves the output untouched") {
        const std::vector<double> u{0.5, 0.2, 0.0, 0.7};
        std::vector<double> out(u.size(), -1.0);
        CHECK_PARAMETER_ERROR(credroi::quantiles(Normal(0.0, 1.0), u.data(), out.data(), u.size()), "u[2]",
                              "expected u[2] > 0 because the distribution is unbounded below");
        CHECK(out == std::vector<double>(u.size(), -1.0));
        const std::vector<double> v{0.5, NaN};
        CHECK_PARAMETER_ERROR(credroi::quantiles(Uniform(0.0, 1.0), v.data(), out.data(), v.size()), "u[1]",
                              "found nan");
        CHECK_PARAMETER_ERROR(credroi::quantiles(Pert(0.0, 1.0, 2.0), v.data(), out.data(), v.size()), "u[1]",
                              "found nan");
        credroi::quantiles(Uniform(0.0, 1.0), nullptr, nullptr, 0);  // n = 0 touches nothing
        credroi::quantiles(Pert(0.0, 1.0, 2.0), nullptr, nullptr, 0);
    }
    SUBCASE("an overflowing value is still a NumericError") {
        const std::vector<double> u{0.5, 0.999};
        std::vector<double> out(u.size());
        CHECK_THROWS_AS(credroi::quantiles(LogNormal(700.0, 10.0), u.data(), out.data(), u.size()), NumericError);
        CHECK_THROWS_AS(credroi::quantiles(Normal(1e308, 1e308), u.data(), out.data(), u.size()), NumericError);
    }
}

TEST_CASE("distributions: quantiles() of PERT and Beta stay within 1e-10 (hi - lo) of ibeta_inv") {
    const std::vector<double> grid = dense_uniforms(2000, 300);
    SUBCASE("PERT: mode at either end, near an end, skewed, in the middle; lambda 1 to 10") {
        for (double lambda : {1.0, 2.0, 4.0, 6.0, 10.0}) {
            for (double mode : {0.0, 0.001, 0.1, 0.3, 0.5, 0.9, 1.0}) {
                const Pert d(-5.0, -5.0 + 10.0 * mode, 5.0, lambda);
                CAPTURE(credroi::describe(d));
                const double worst = largest_vector_error(d, grid);
                CAPTURE(worst);
                CHECK(worst <= 1e-10 * 10.0);
                // Every PERT is served by the table over all of [2^-53, 1 - 2^-53]:
                // this is what makes quantiles() fast for PERT.
                CHECK(d.quantile_table().exact_pieces() == 0);
            }
        }
    }
    SUBCASE("Beta with shapes 0.5, 1, 2 and 30, on [0, 1] and on [10, 20]") {
        for (double a : {0.5, 1.0, 2.0, 30.0}) {
            for (double b : {0.5, 1.0, 2.0, 30.0}) {
                const Beta unit(a, b);
                const Beta scaled(a, b, 10.0, 20.0);
                CAPTURE(credroi::describe(scaled));
                const double worst_unit = largest_vector_error(unit, grid);
                const double worst_scaled = largest_vector_error(scaled, grid);
                CAPTURE(worst_unit);
                CAPTURE(worst_scaled);
                CHECK(worst_unit <= 1e-10);
                CHECK(worst_scaled <= 1e-10 * 10.0);
            }
        }
    }
    SUBCASE("shapes below 0.5 fall back to ibeta_inv where the table would miss") {
        const Beta d(0.1, 0.2);
        CHECK(d.quantile_table().exact_pieces() > 0);  // x jumps from about 0 to about 1 near the median
        CHECK(d.quantile_table().exact_pieces() < credroi::detail::BetaQuantileTable::pieces);
        CHECK(largest_vector_error(d, grid) <= 1e-10);
    }
    SUBCASE("non-decreasing in u up to rounding, also across the knots of the table") {
        using Table = credroi::detail::BetaQuantileTable;
        for (const Distribution& d : {Distribution(Pert(0.0, 2.0, 10.0)), Distribution(Beta(0.5, 0.5)),
                                      Distribution(Beta(0.2, 0.7))}) {
            CAPTURE(credroi::describe(d));
            // 40 consecutive doubles around u = Phi(z) at every knot z, sorted.
            std::vector<double> u;
            for (std::size_t k = 0; k <= Table::pieces; ++k) {
                double v = credroi::detail::std_normal_cdf(Table::z_first + static_cast<double>(k) * Table::step);
                for (int j = 0; j < 20; ++j) v = std::nextafter(v, 0.0);
                for (int j = 0; j < 40; ++j, v = std::nextafter(v, 1.0))
                    if (v > 0.0 && v < 1.0) u.push_back(v);
            }
            std::sort(u.begin(), u.end());
            std::vector<double> out(u.size());
            credroi::quantiles(d, u.data(), out.data(), u.size());
            const auto s = credroi::support(d);
            double worst_drop = 0.0;
            for (std::size_t i = 1; i < u.size(); ++i) worst_drop = std::max(worst_drop, out[i - 1] - out[i]);
            CAPTURE(worst_drop);
            // A piece's end is a sum of 6 rounded terms, its neighbour's start the
            // knot itself: they may disagree by an ulp or two (ibeta_inv does too).
            CHECK(worst_drop <= 1e-15 * (s.second - s.first));
        }
    }
}

TEST_CASE("distributions: quantiles() of Normal and LogNormal stay within 1e-13 of Boost") {
    const std::vector<double> grid = dense_uniforms(2000, 300);
    for (const Distribution& d :
         {Distribution(Normal(0.0, 1.0)), Distribution(Normal(10.0, 2.0)), Distribution(Normal(-3.0, 0.01)),
          Distribution(Normal(10.0, 2.0, 8.0, inf)), Distribution(Normal(0.0, 1.0, -inf, -0.5)),
          Distribution(Normal(0.0, 1.0, -1.0, 1.0)), Distribution(Normal(0.0, 1.0, 10.0, inf)),
          Distribution(Normal(0.0, 1.0, -inf, -30.0)), Distribution(LogNormal(1.0, 0.5)),
          Distribution(LogNormal(-2.0, 3.0))}) {
        CAPTURE(credroi::describe(d));
        std::vector<double> u;
        for (double x : grid)
            if (x > 0.0 && x < 1.0) u.push_back(x);
        std::vector<double> out(u.size());
        credroi::quantiles(d, u.data(), out.data(), u.size());
        double worst = 0.0;  // in units of the tolerance
        for (std::size_t i = 0; i < u.size(); ++i) {
            const double exact = credroi::quantile(d, u[i]);
            worst = std::max(worst, std::abs(out[i] - exact) / vector_tolerance(d, exact));
        }
        CAPTURE(worst);
        CHECK(worst <= 1.0);
    }
}

TEST_CASE("distributions: the PERT and Beta tables are built once, shared by copies, safe across threads") {
    SUBCASE("copies share one table") {
        const Pert p(0.0, 2.0, 10.0);
        const Distribution a = p;
        const Distribution b = a;
        CHECK(&a.get_if<Pert>()->quantile_table() == &b.get_if<Pert>()->quantile_table());
        CHECK(&p.quantile_table() == &a.get_if<Pert>()->quantile_table());
        const Beta beta(2.0, 3.0);
        const Beta beta_copy = beta;
        CHECK(&beta.quantile_table() == &beta_copy.quantile_table());
        // Equal parameters in separately built objects: separate tables.
        CHECK(&Pert(0.0, 2.0, 10.0).quantile_table() != &p.quantile_table());
    }
    SUBCASE("a moved-from PERT is still a usable value") {
        Pert from(0.0, 2.0, 10.0);
        const Pert to = std::move(from);
        CHECK(&to.quantile_table() == &from.quantile_table());  // NOLINT(bugprone-use-after-move): on purpose
        const std::vector<double> u{0.25, 0.5};
        std::vector<double> out(u.size());
        Distribution moved = Pert(0.0, 5.0, 10.0);
        const Distribution target = std::move(moved);
        credroi::quantiles(moved, u.data(), out.data(), u.size());  // NOLINT(bugprone-use-after-move)
        CHECK(out[1] == Approx(5.0).epsilon(1e-12));                 // Beta(3, 3) is symmetric about 5
    }
    SUBCASE("two threads on one fresh PERT give the single-threaded results") {
        std::vector<double> u = dense_uniforms(4000, 100);
        u.erase(std::remove(u.begin(), u.end(), 1e-300), u.end());  // where ibeta_inv gives up for this shape
        std::vector<double> expected(u.size());
        credroi::quantiles(Pert(1.0, 3.0, 11.0, 6.0), u.data(), expected.data(), u.size());

        const Distribution shared = Pert(1.0, 3.0, 11.0, 6.0);  // its table is not built yet
        std::vector<double> first(u.size()), second(u.size());
        std::thread t1([&] { credroi::quantiles(shared, u.data(), first.data(), u.size()); });
        std::thread t2([&] { credroi::quantiles(shared, u.data(), second.data(), u.size()); });
        t1.join();
        t2.join();
        CHECK(first == expected);
        CHECK(second == expected);
    }
    SUBCASE("a RiskEvent's PERT impact goes through the table too") {
        const RiskEvent r(0.25, Pert(100.0, 150.0, 300.0));
        const std::vector<double> u{0.1, 0.76, 0.9, 0.999};
        std::vector<double> out(u.size());
        credroi::quantiles(r, u.data(), out.data(), u.size());
        CHECK(out[0] == 0.0);
        for (std::size_t i = 1; i < u.size(); ++i) {
            CAPTURE(u[i]);
            CHECK(std::abs(out[i] - credroi::quantile(r, u[i])) <= 1e-10 * 200.0);
        }
    }
}
