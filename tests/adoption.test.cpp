#include <credroi/adoption.hpp>

#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <vector>

using credroi::AdoptionCurve;
using credroi::AdoptionMilestone;
using credroi::AdoptionModel;
using credroi::BassAdoption;
using credroi::LogisticAdoption;
using credroi::NumericError;
using credroi::ParameterError;

namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();

// The ParameterError a call throws, so a test can check both its path and its
// message; fails the test when nothing (or something else) is thrown.
template <class F>
ParameterError parameter_error(F&& f) {
    try {
        f();
    } catch (const ParameterError& e) {
        return e;
    }
    FAIL("expected a ParameterError");
    return ParameterError("", "");
}

template <class F>
std::string numeric_error(F&& f) {
    try {
        f();
    } catch (const NumericError& e) {
        return e.what();
    }
    FAIL("expected a NumericError");
    return "";
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// The Bass fit's objective: squared misses on the logit scale ln(F/(K-F)).
double logit_sse(const BassAdoption& b, const std::vector<AdoptionMilestone>& ms) {
    double s = 0.0;
    for (const auto& m : ms) {
        const double f = b.share(m.month), k = b.ceiling();
        const double r = std::log(f / (k - f)) - std::log(m.share / (k - m.share));
        s += r * r;
    }
    return s;
}

}  // namespace

TEST_CASE("adoption: logistic curve through milestones") {
    SUBCASE("two milestones: exact, hand-checked") {
        // y = ln(p/(1-p)): y(12) = ln(0.1/0.9) = -ln 9, y(24) = ln 1 = 0.
        // rate = (0 + ln 9) / 12, midpoint where y = 0: month 24.
        // a(36) = 1 / (1 + exp(-(ln 9 / 12) * 12)) = 1 / (1 + 1/9) = 0.9.
        const auto a = LogisticAdoption::fit({{12, 0.10}, {24, 0.50}}, 1.0);
        CHECK(a.midpoint_month() == doctest::Approx(24.0).epsilon(1e-12));
        CHECK(a.rate_per_month() == doctest::Approx(std::log(9.0) / 12.0).epsilon(1e-12));
        CHECK(a.ceiling() == 1.0);
        CHECK(a.share(12) == doctest::Approx(0.10).epsilon(1e-12));
        CHECK(a.share(24) == doctest::Approx(0.50).epsilon(1e-12));
        CHECK(a.share(36) == doctest::Approx(0.90).epsilon(1e-12));
    }
    SUBCASE("a ceiling below 1 scales the curve") {
        // K = 0.8: y(12) = ln(0.4/0.4) = 0, y(24) = ln(0.6/0.2) = ln 3.
        // rate = ln 3 / 12, midpoint 12; a(36) = 0.8 / (1 + e^(-2 ln 3)) = 0.8 / (10/9) = 0.72.
        const auto a = LogisticAdoption::fit({{12, 0.4}, {24, 0.6}}, 0.8);
        CHECK(a.midpoint_month() == doctest::Approx(12.0).epsilon(1e-12));
        CHECK(a.rate_per_month() == doctest::Approx(std::log(3.0) / 12.0).epsilon(1e-12));
        CHECK(a.share(36) == doctest::Approx(0.72).epsilon(1e-12));
        CHECK(a.share(1e6) == doctest::Approx(0.8).epsilon(1e-12));
    }
    SUBCASE("three milestones: least squares in logit space, hand-checked") {
        // y = -ln 9, 0, ln 4 at t = 12, 24, 36; t mean 24, y mean ln(4/9)/3.
        // slope = (12 ln 9 + 12 ln 4) / (144 + 144) = ln 36 / 24 = 0.149313...
        // midpoint = 24 - (ln(4/9)/3) / (ln 36 / 24) = 24 + 8 ln(9/4) / ln 36 = 25.810355...
        const auto a = LogisticAdoption::fit({{12, 0.1}, {24, 0.5}, {36, 0.8}}, 1.0);
        CHECK(a.rate_per_month() == doctest::Approx(std::log(36.0) / 24.0).epsilon(1e-12));
        CHECK(a.midpoint_month() == doctest::Approx(24.0 + 8.0 * std::log(2.25) / std::log(36.0)).epsilon(1e-12));
        CHECK(a.midpoint_month() == doctest::Approx(25.810355084247334).epsilon(1e-12));
        // Not exact: the middle milestone is missed.
        CHECK(std::abs(a.share(24) - 0.5) > 1e-3);
    }
    SUBCASE("three collinear milestones are hit exactly") {
        const LogisticAdoption truth(0.9, 0.2, 30.0);
        const auto a = LogisticAdoption::fit({{10, truth.share(10)}, {25, truth.share(25)}, {50, truth.share(50)}}, 0.9);
        CHECK(a.rate_per_month() == doctest::Approx(0.2).epsilon(1e-10));
        CHECK(a.midpoint_month() == doctest::Approx(30.0).epsilon(1e-10));
    }
    SUBCASE("far tails are 0 and the ceiling, never NaN") {
        const LogisticAdoption a(0.9, 0.5, 24);
        CHECK(a.share(-1e6) == 0.0);
        CHECK(a.share(1e6) == 0.9);
    }
}

TEST_CASE("adoption: logistic preconditions") {
    SUBCASE("constructor") {
        CHECK_THROWS_AS(LogisticAdoption(0.0, 0.1, 12), ParameterError);
        CHECK_THROWS_AS(LogisticAdoption(1.01, 0.1, 12), ParameterError);
        CHECK_THROWS_AS(LogisticAdoption(kNaN, 0.1, 12), ParameterError);
        CHECK_THROWS_AS(LogisticAdoption(0.5, 0.0, 12), ParameterError);
        CHECK_THROWS_AS(LogisticAdoption(0.5, -0.1, 12), ParameterError);
        CHECK_THROWS_AS(LogisticAdoption(0.5, kNaN, 12), ParameterError);
        CHECK_THROWS_AS(LogisticAdoption(0.5, 0.1, kNaN), ParameterError);
        CHECK(parameter_error([] { LogisticAdoption(0.5, 0.0, 12); }).path() == "adoption.rate_per_month");
        CHECK(parameter_error([] { LogisticAdoption(0.5, 0.1, kNaN); }).path() == "adoption.midpoint_month");
        CHECK_NOTHROW(LogisticAdoption(1.0, 0.1, -5));
    }
    SUBCASE("share and delayed need finite inputs") {
        const LogisticAdoption a(0.5, 0.1, 12);
        CHECK(parameter_error([&] { (void)a.share(kNaN); }).path() == "t");
        CHECK_THROWS_AS((void)a.share(std::numeric_limits<double>::infinity()), ParameterError);
        CHECK(parameter_error([&] { (void)a.delayed(kNaN); }).path() == "adoption.delay_months");
    }
}

TEST_CASE("adoption: milestone validation names the milestone") {
    // Both fits share the validation; every case is checked through each
    // (the loop is inside each SUBCASE: doctest runs a SUBCASE once per pass).
    using FitError = std::function<ParameterError(std::vector<AdoptionMilestone>, double)>;
    const std::vector<FitError> fits{
        [](std::vector<AdoptionMilestone> ms, double ceiling) {
            return parameter_error([&] { LogisticAdoption::fit(ms, ceiling); });
        },
        [](std::vector<AdoptionMilestone> ms, double ceiling) {
            return parameter_error([&] { BassAdoption::fit(ms, ceiling, 0.0); });
        }};
    SUBCASE("ceiling") {
        for (std::size_t which = 0; which < fits.size(); ++which) {
            const FitError& fit_error = fits[which];
            CAPTURE(which);
            for (double bad : {0.0, -0.5, 1.5, kNaN}) {
                const auto e = fit_error({{12, 0.1}, {24, 0.5}}, bad);
                CHECK(e.path() == "adoption.ceiling");
                CHECK(contains(e.message(), "expected a ceiling above 0 and at most 1"));
            }
            const auto e = fit_error({{12, 0.1}, {24, 0.5}}, 1.5);
            CHECK(e.message() == "expected a ceiling above 0 and at most 1, found 1.5");
        }
    }
    SUBCASE("at least two milestones") {
        for (std::size_t which = 0; which < fits.size(); ++which) {
            const FitError& fit_error = fits[which];
            CAPTURE(which);
            auto e = fit_error({{12, 0.1}}, 1.0);
            CHECK(e.path() == "adoption.milestones");
            CHECK(e.message() == "expected at least two milestones to fit a curve through, found 1");
            e = fit_error({}, 1.0);
            CHECK(e.message() == "expected at least two milestones to fit a curve through, found 0");
        }
    }
    SUBCASE("months strictly increasing") {
        for (std::size_t which = 0; which < fits.size(); ++which) {
            const FitError& fit_error = fits[which];
            CAPTURE(which);
            auto e = fit_error({{12, 0.1}, {18, 0.3}, {18, 0.5}}, 1.0);
            CHECK(e.path() == "adoption.milestones[2].date");
            CHECK(e.message() ==
                  "milestone 3 (month 18) is not after milestone 2 (month 18); expected milestones in strictly "
                  "increasing date order");
            e = fit_error({{24, 0.1}, {12, 0.5}}, 1.0);
            CHECK(e.path() == "adoption.milestones[1].date");
            CHECK(contains(e.message(), "milestone 2 (month 12) is not after milestone 1 (month 24)"));
        }
    }
    SUBCASE("finite months") {
        for (std::size_t which = 0; which < fits.size(); ++which) {
            const FitError& fit_error = fits[which];
            CAPTURE(which);
            const auto e = fit_error({{12, 0.1}, {kNaN, 0.5}}, 1.0);
            CHECK(e.path() == "adoption.milestones[1].date");
            CHECK(e.message() == "expected a finite month, found nan");
        }
    }
    SUBCASE("shares strictly increasing") {
        for (std::size_t which = 0; which < fits.size(); ++which) {
            const FitError& fit_error = fits[which];
            CAPTURE(which);
            auto e = fit_error({{12, 0.3}, {24, 0.3}}, 1.0);
            CHECK(e.path() == "adoption.milestones[1].share");
            CHECK(e.message() ==
                  "milestone 2 (share 0.3) is not above milestone 1 (share 0.3); expected strictly increasing shares "
                  "(adoption is cumulative)");
            e = fit_error({{12, 0.1}, {24, 0.5}, {36, 0.4}}, 1.0);
            CHECK(e.path() == "adoption.milestones[2].share");
        }
    }
    SUBCASE("shares strictly between 0 and the ceiling") {
        for (std::size_t which = 0; which < fits.size(); ++which) {
            const FitError& fit_error = fits[which];
            CAPTURE(which);
            auto e = fit_error({{12, 0.1}, {24, 0.95}}, 0.9);
            CHECK(e.path() == "adoption.milestones[1].share");
            CHECK(e.message() == "expected a share above 0 and below the ceiling 0.9, found 0.95");
            e = fit_error({{12, 0.1}, {24, 0.9}}, 0.9);  // reaching the ceiling takes forever
            CHECK(e.path() == "adoption.milestones[1].share");
            e = fit_error({{12, 0.0}, {24, 0.5}}, 0.9);
            CHECK(e.path() == "adoption.milestones[0].share");
            CHECK(e.message() == "expected a share above 0 and below the ceiling 0.9, found 0");
            e = fit_error({{12, -0.1}, {24, 0.5}}, 0.9);
            CHECK(e.path() == "adoption.milestones[0].share");
            e = fit_error({{12, kNaN}, {24, 0.5}}, 0.9);
            CHECK(e.path() == "adoption.milestones[0].share");
        }
    }
}

TEST_CASE("adoption: Bass diffusion curve") {
    SUBCASE("hand-checked values") {
        // p = 0.03, q = 0.38 at tau = 1: e = exp(-0.41) = 0.66365025,
        // F = (1 - e) / (1 + (0.38/0.03) e) = 0.33634975 / 9.40623650 = 0.035758164.
        const BassAdoption b(0.03, 0.38, 1.0, 0.0);
        CHECK(b.share(1.0) == doctest::Approx(0.035758164256).epsilon(1e-10));
        // tau = 12: e = 0.0072991308, F = 0.99270087 / 1.09245566 = 0.90868756.
        CHECK(b.share(12.0) == doctest::Approx(0.9086875631387).epsilon(1e-10));
        // Bass (1969): adoptions peak at tau* = ln(q/p)/(p+q), where F/K = (q - p)/(2q).
        // tau* = ln(12.6667)/0.41 = 6.19262; F = 0.35/0.76 = 0.4605263.
        const double peak = std::log(0.38 / 0.03) / 0.41;
        CHECK(peak == doctest::Approx(6.192619197703).epsilon(1e-10));
        CHECK(b.share(peak) == doctest::Approx(0.35 / 0.76).epsilon(1e-12));
        CHECK(b.p() == 0.03);
        CHECK(b.q() == 0.38);
    }
    SUBCASE("ceiling and launch") {
        const BassAdoption b(0.03, 0.38, 0.8, 6.0);
        CHECK(b.ceiling() == 0.8);
        CHECK(b.launch_month() == 6.0);
        CHECK(b.share(0.0) == 0.0);
        CHECK(b.share(6.0) == 0.0);
        CHECK(b.share(7.0) == doctest::Approx(0.8 * 0.035758164256).epsilon(1e-10));
        CHECK(b.share(1e6) == doctest::Approx(0.8).epsilon(1e-15));
    }
    SUBCASE("q = 0 is pure innovation: 1 - exp(-p tau)") {
        const BassAdoption b(0.05, 0.0, 1.0, 0.0);
        // 1 - exp(-0.6) = 0.45118836
        CHECK(b.share(12.0) == doctest::Approx(0.4511883639).epsilon(1e-10));
    }
    SUBCASE("an overflowing q/p stays a number") {
        // q/p = 5 / 1e-310 overflows to inf; (1 - e) / (1 + inf) = 0 early, and
        // once e underflows to 0 the curve is at its ceiling (not inf * 0).
        const BassAdoption b(1e-310, 5.0, 1.0, 0.0);
        CHECK(b.share(1.0) == 0.0);
        CHECK(b.share(1000.0) == 1.0);
    }
}

TEST_CASE("adoption: Bass fit") {
    // Average coefficients across 213 published applications: p = 0.03,
    // q = 0.38 per year (Sultan, Farley & Lehmann 1990, as summarised in
    // Mahajan, Muller & Bass 1995, "Diffusion of new products: empirical
    // generalizations and managerial uses", Marketing Science 14(3)).
    // In months: p = 0.03/12, q = 0.38/12.
    const double p = 0.03 / 12.0, q = 0.38 / 12.0;
    SUBCASE("recovers p and q from three milestones it generated") {
        const BassAdoption truth(p, q, 0.9, 0.0);
        const std::vector<AdoptionMilestone> ms{{24, truth.share(24)}, {60, truth.share(60)}, {120, truth.share(120)}};
        const auto b = BassAdoption::fit(ms, 0.9, 0.0);
        CHECK(b.p() == doctest::Approx(p).epsilon(1e-8));
        CHECK(b.q() == doctest::Approx(q).epsilon(1e-8));
        CHECK(b.ceiling() == 0.9);
    }
    SUBCASE("recovers p and q exactly through two milestones, with a launch") {
        const BassAdoption truth(p, q, 0.75, 9.0);
        const std::vector<AdoptionMilestone> ms{{33, truth.share(33)}, {129, truth.share(129)}};
        const auto b = BassAdoption::fit(ms, 0.75, 9.0);
        CHECK(b.p() == doctest::Approx(p).epsilon(1e-8));
        CHECK(b.q() == doctest::Approx(q).epsilon(1e-8));
        CHECK(b.launch_month() == 9.0);
    }
    SUBCASE("the classic values read as per month are recovered too") {
        const BassAdoption truth(0.03, 0.38, 1.0, 0.0);
        const auto b = BassAdoption::fit({{3, truth.share(3)}, {6, truth.share(6)}, {12, truth.share(12)}}, 1.0, 0.0);
        CHECK(b.p() == doctest::Approx(0.03).epsilon(1e-8));
        CHECK(b.q() == doctest::Approx(0.38).epsilon(1e-8));
    }
    SUBCASE("exact through two S-shaped milestones") {
        const auto b = BassAdoption::fit({{12, 0.10}, {24, 0.50}}, 1.0, 0.0);
        CHECK(b.share(12) == doctest::Approx(0.10).epsilon(1e-9));
        CHECK(b.share(24) == doctest::Approx(0.50).epsilon(1e-9));
        CHECK(b.q() > b.p());  // an S: imitation dominates
    }
    SUBCASE("a late, steep S needs a tiny p and is still fitted") {
        const auto b = BassAdoption::fit({{12, 0.001}, {14, 0.9}}, 1.0, 0.0);
        CHECK(b.share(12) == doctest::Approx(0.001).epsilon(1e-9));
        CHECK(b.share(14) == doctest::Approx(0.9).epsilon(1e-9));
    }
    SUBCASE("least squares (on the logit scale) through more milestones than parameters") {
        const std::vector<AdoptionMilestone> ms{{12, 0.1}, {24, 0.5}, {36, 0.8}};
        const auto b = BassAdoption::fit(ms, 1.0, 0.0);
        const double best = logit_sse(b, ms);
        CHECK(best > 1e-6);  // three points that no Bass curve passes through
        // A minimum: no nearby (p, q) does better.
        for (double fp : {0.99, 1.01})
            for (double fq : {0.99, 1.0, 1.01}) {
                CHECK(logit_sse(BassAdoption(b.p() * fp, b.q() * fq, 1.0, 0.0), ms) >= best);
                CHECK(logit_sse(BassAdoption(b.p() * fq, b.q() * fp, 1.0, 0.0), ms) >= best);
            }
    }
    SUBCASE("milestones on an innovation-only curve give q = 0") {
        // p = 0.05, q = 0: 1 - e^(-0.6) at month 12, 1 - e^(-1.2) at month 24.
        const auto b = BassAdoption::fit({{12, 1 - std::exp(-0.6)}, {24, 1 - std::exp(-1.2)}}, 1.0, 0.0);
        CHECK(b.q() == 0.0);
        CHECK(b.p() == doctest::Approx(0.05).epsilon(1e-9));
    }
    SUBCASE("milestones that level off too fast cannot be fitted") {
        // -ln(1 - F/K)/tau is non-decreasing on every Bass curve (its hazard
        // p + q F/K grows); here it falls from ln 2 / 12 = 0.058 to ln 2.5 / 24 = 0.038.
        const std::string msg = numeric_error([] { BassAdoption::fit({{12, 0.5}, {24, 0.6}}, 1.0, 0.0); });
        CHECK(contains(msg, "cannot fit a Bass adoption curve"));
        CHECK(contains(msg, "level off faster than any Bass curve"));
        CHECK(contains(msg, "milestone 1 (month 12, share 0.5)"));
        CHECK_THROWS_AS(BassAdoption::fit({{12, 0.5}, {24, 0.6}, {36, 0.65}}, 1.0, 0.0), NumericError);
    }
}

TEST_CASE("adoption: Bass preconditions") {
    SUBCASE("constructor") {
        CHECK(parameter_error([] { BassAdoption(0.0, 0.3, 1.0, 0.0); }).path() == "adoption.bass_p");
        CHECK(parameter_error([] { BassAdoption(-0.1, 0.3, 1.0, 0.0); }).path() == "adoption.bass_p");
        CHECK(parameter_error([] { BassAdoption(kNaN, 0.3, 1.0, 0.0); }).path() == "adoption.bass_p");
        CHECK(parameter_error([] { BassAdoption(0.01, -0.3, 1.0, 0.0); }).path() == "adoption.bass_q");
        CHECK(parameter_error([] { BassAdoption(0.01, kNaN, 1.0, 0.0); }).path() == "adoption.bass_q");
        CHECK(parameter_error([] { BassAdoption(0.01, 0.3, 0.0, 0.0); }).path() == "adoption.ceiling");
        CHECK(parameter_error([] { BassAdoption(0.01, 0.3, 1.1, 0.0); }).path() == "adoption.ceiling");
        CHECK(parameter_error([] { BassAdoption(0.01, 0.3, 1.0, kNaN); }).path() == "adoption.launch");
        CHECK(parameter_error([] { BassAdoption(0.0, 0.3, 1.0, 0.0); }).message() ==
              "expected a coefficient of innovation above 0 per month, found 0");
    }
    SUBCASE("milestones must be after the launch") {
        auto e = parameter_error([] { BassAdoption::fit({{12, 0.1}, {24, 0.5}}, 1.0, 12.0); });
        CHECK(e.path() == "adoption.milestones[0].date");
        CHECK(e.message() == "milestone 1 (month 12) is not after the launch at month 12; a Bass curve is 0 at launch");
        e = parameter_error([] { BassAdoption::fit({{12, 0.1}, {24, 0.5}}, 1.0, 30.0); });
        CHECK(e.path() == "adoption.milestones[0].date");
        e = parameter_error([] { BassAdoption::fit({{12, 0.1}, {24, 0.5}}, 1.0, kNaN); });
        CHECK(e.path() == "adoption.launch");
    }
    SUBCASE("share and delayed need finite inputs") {
        const BassAdoption b(0.01, 0.3, 1.0, 0.0);
        CHECK(parameter_error([&] { (void)b.share(kNaN); }).path() == "t");
        CHECK(parameter_error([&] { (void)b.delayed(kNaN); }).path() == "adoption.delay_months");
    }
}

TEST_CASE("adoption: delay, batches and the curve variant") {
    const LogisticAdoption logistic(0.9, 0.25, 20.0);
    const BassAdoption bass(0.01, 0.3, 0.9, 3.0);
    SUBCASE("a delay shifts the curve later") {
        for (double t : {0.0, 5.5, 20.0, 31.0, 100.0}) {
            CHECK(logistic.delayed(4.0).share(t) == doctest::Approx(logistic.share(t - 4.0)).epsilon(1e-13));
            CHECK(bass.delayed(4.0).share(t) == doctest::Approx(bass.share(t - 4.0)).epsilon(1e-13));
            CHECK(bass.delayed(-2.0).share(t) == doctest::Approx(bass.share(t + 2.0)).epsilon(1e-13));
        }
        CHECK(logistic.delayed(4.0).midpoint_month() == 24.0);
        CHECK(bass.delayed(4.0).launch_month() == 7.0);
        CHECK(logistic.delayed(4.0).share(24.0) != doctest::Approx(logistic.share(24.0)));
    }
    SUBCASE("batch evaluation equals the scalar one bit for bit") {
        Eigen::ArrayXd t(6);
        t << -3.0, 0.0, 3.0, 7.25, 20.0, 250.0;
        Eigen::ArrayXd out;
        logistic.share(t, out);
        REQUIRE(out.size() == t.size());
        for (Eigen::Index j = 0; j < t.size(); ++j) CHECK(out[j] == logistic.share(t[j]));
        bass.share(t, out);
        for (Eigen::Index j = 0; j < t.size(); ++j) CHECK(out[j] == bass.share(t[j]));
        t[2] = kNaN;
        CHECK_THROWS_AS(bass.share(t, out), ParameterError);
    }
    SUBCASE("AdoptionCurve holds either curve") {
        const AdoptionCurve a = logistic;
        const AdoptionCurve b = bass;
        CHECK(a.model() == AdoptionModel::logistic);
        CHECK(b.model() == AdoptionModel::bass);
        CHECK(a.logistic() != nullptr);
        CHECK(a.bass() == nullptr);
        CHECK(b.bass()->q() == 0.3);
        CHECK(a.ceiling() == 0.9);
        CHECK(a.share(17.0) == logistic.share(17.0));
        CHECK(b.share(17.0) == bass.share(17.0));
        CHECK(b.delayed(2.0).share(17.0) == bass.delayed(2.0).share(17.0));
        CHECK(b.delayed(2.0).model() == AdoptionModel::bass);
        Eigen::ArrayXd t(2), out;
        t << 4.0, 40.0;
        b.share(t, out);
        CHECK(out[1] == bass.share(40.0));
    }
    SUBCASE("AdoptionCurve::fit dispatches on the model") {
        const std::vector<AdoptionMilestone> ms{{12, 0.1}, {24, 0.5}};
        const auto a = AdoptionCurve::fit(AdoptionModel::logistic, ms, 1.0);
        CHECK(a.model() == AdoptionModel::logistic);
        CHECK(a.share(36) == doctest::Approx(0.9).epsilon(1e-12));
        const auto b = AdoptionCurve::fit(AdoptionModel::bass, ms, 1.0, 0.0);
        CHECK(b.model() == AdoptionModel::bass);
        CHECK(b.share(24) == doctest::Approx(0.5).epsilon(1e-9));
        // The two S-curves agree at the milestones but not elsewhere.
        CHECK(std::abs(a.share(48) - b.share(48)) > 1e-3);
    }
}
