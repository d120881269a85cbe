// Cross-cutting guarantees (docs/reliability.md): every numeric edge case gives
// a clear result or a clear error, never NaN or infinity passed off as a
// result and never a hang. Most cases go through scenario text
// (read_scenario_string), the path a user's file takes, built on
// tests/data/tiny.toml, whose base case is worked out in docs/model.md:
//   set-up 1200 in month 0, licence 1200/yr = 100 a month, savings 4800/yr =
//   400 a month (not scaled by adoption), discount rate 0, 12 months:
//   net = -900, then 300 a month for 11 months; NPV = -900 + 11 * 300 = 2400.
#include <credroi/model.hpp>
#include <credroi/output.hpp>
#include <credroi/scenario_file.hpp>
#include <credroi/simulation.hpp>

#include <doctest/doctest.h>

#include <atomic>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

using doctest::Approx;

namespace {

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

const std::string tiny = read_text(CREDROI_SOURCE_DIR "/tests/data/tiny.toml");

/// tiny with the first `old` replaced by `replacement` (checked to be there, so
/// a change to tests/data/tiny.toml cannot silently turn a test into a no-op).
std::string edit(const std::string& old, const std::string& replacement, const std::string& text = tiny) {
    const auto at = text.find(old);
    REQUIRE_MESSAGE(at != std::string::npos, "'" << old << "' is not in the scenario text");
    std::string s = text;
    s.replace(at, old.size(), replacement);
    return s;
}

credroi::Scenario read(const std::string& text) { return credroi::read_scenario_string(text, "edge.toml"); }

credroi::Evaluation evaluate(const std::string& text) { return credroi::Model(read(text)).evaluate(); }

/// The message of the credroi::Error that reading and validating `text` throws ("" if none).
std::string error_of(const std::string& text) {
    try {
        const credroi::Model model(read(text));
        (void)model.evaluate();
    } catch (const credroi::Error& e) {
        return e.what();
    }
    return "";
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

void check_all_finite(const credroi::Evaluation& e) {
    for (const auto* v : {&e.costs, &e.benefits, &e.net, &e.cumulative_net, &e.discount_factors, &e.population,
                          &e.adoption, &e.earners, &e.credentials})
        for (double x : *v) REQUIRE(std::isfinite(x));
    const credroi::Metrics& m = e.metrics;
    for (double x : {m.npv, m.pv_costs, m.pv_benefits, m.total_costs, m.total_benefits, m.total_credentials, m.peak_earners})
        REQUIRE(std::isfinite(x));
    for (const auto* o : {&m.roi, &m.bcr, &m.irr, &m.mirr, &m.payback_months, &m.discounted_payback_months,
                          &m.cost_per_credential, &m.cost_per_earner})
        if (*o) REQUIRE(std::isfinite(**o));
}

bool same_bits(const credroi::SimulationResult& a, const credroi::SimulationResult& b) {
    for (std::size_t m = 0; m < a.metrics.size(); ++m) {
        const auto& x = a.metrics[m];
        const auto& y = b.metrics[m];
        const double xs[] = {x.mean, x.standard_deviation, x.min, x.max, x.p5, x.p50, x.p95};
        const double ys[] = {y.mean, y.standard_deviation, y.min, y.max, y.p5, y.p50, y.p95};
        for (int k = 0; k < 7; ++k)
            if (!(xs[k] == ys[k] || (std::isnan(xs[k]) && std::isnan(ys[k])))) return false;
        if (x.count != y.count) return false;
    }
    return true;
}

}  // namespace

// ---- IRR and payback ---------------------------------------------------------

TEST_CASE("reliability: flows that never change sign have no IRR, and say so") {
    // Without the savings every month's net flow is <= 0.
    const std::string text = edit("annual = 4800", "annual = 0");
    const credroi::Evaluation e = evaluate(text);
    check_all_finite(e);
    CHECK(e.metrics.irr_status == credroi::IrrStatus::no_sign_change);
    CHECK_FALSE(e.metrics.irr);
    CHECK_FALSE(e.metrics.mirr);
    CHECK(e.metrics.irr_all.empty());
    // -1200 - 12 * 100
    CHECK(e.metrics.npv == Approx(-2400.0));
    const credroi::Scenario s = read(text);
    CHECK(contains(credroi::to_table(e, s), "none (the net flows never change sign)"));
    const std::string json = credroi::to_json(e, s);
    CHECK(contains(json, "\"irr\": null"));
    CHECK(contains(json, "\"irr_status\": \"no_sign_change\""));
}

TEST_CASE("reliability: flows that change sign twice report both IRRs") {
    // A second one-off of 1500 in the last month: net = -900, 300 x 10, -1200.
    // NPV at 0 % = -900 + 3000 - 1200 = 900 > 0, and it is negative both for a
    // very high rate (the first flow dominates) and for a rate near -100 %
    // (the last one does): two IRRs, one either side of 0.
    const std::string text = edit("[[costs.recurring]]",
                                  "[[costs.one_off]]\nname = \"late\"\namount = 1500\ndate = \"2026-12\"\n\n[[costs.recurring]]");
    const credroi::Evaluation e = evaluate(text);
    check_all_finite(e);
    CHECK(e.metrics.irr_status == credroi::IrrStatus::multiple_roots);
    REQUIRE(e.metrics.irr_all.size() == 2);
    CHECK(e.metrics.irr_all[0] < 0.0);
    CHECK(e.metrics.irr_all[1] > 0.0);
    REQUIRE(e.metrics.irr);
    for (double annual : e.metrics.irr_all) {
        // Each one is a root: the NPV of the monthly flows at its monthly rate is 0.
        const double monthly = credroi::monthly_rate_from_annual(annual);
        CHECK(credroi::npv(monthly, e.net) == Approx(0.0).epsilon(1e-9).scale(1000.0));
    }
    CHECK(contains(credroi::to_table(e, read(text)), "other IRRs exist"));
    CHECK(contains(credroi::to_json(e, read(text)), "\"irr_status\": \"multiple_roots\""));
}

TEST_CASE("reliability: a payback that never happens within the horizon is empty, not a number") {
    // Savings of 1200/yr = 100 a month only cover the licence: net = -1200, then 0.
    const std::string text = edit("annual = 4800", "annual = 1200");
    const credroi::Evaluation e = evaluate(text);
    check_all_finite(e);
    CHECK_FALSE(e.metrics.payback_months);
    CHECK_FALSE(e.metrics.discounted_payback_months);
    CHECK_FALSE(e.metrics.break_even_month);
    CHECK(contains(credroi::to_table(e, read(text)), "not within the horizon"));
    CHECK(contains(credroi::to_json(e, read(text)), "\"payback_months\": null"));

    // Simulated, the share of trials that pay back is 0 and payback has no summary.
    const std::string uncertain = edit("annual = 4800", "annual = { uniform = [0, 1200] }");
    credroi::SimulationOptions o;
    o.trials = 200;
    const auto r = credroi::simulate(credroi::Model(read(uncertain)), o);
    CHECK(r.probability_payback_within_horizon == 0.0);
    CHECK(r.metric("payback_months").count == 0);
}

// ---- rates, people, adoption, dates -------------------------------------------

TEST_CASE("reliability: a discount rate of -100 % or below is refused by name") {
    for (const char* rate : {"-1.0", "-1", "-2.5", "-1e300"}) {
        CAPTURE(rate);
        const std::string msg = error_of(edit("discount_rate = 0.0", std::string("discount_rate = ") + rate));
        CHECK(contains(msg, "edge.toml:"));
        CHECK(contains(msg, "scenario.discount_rate: expected a rate above -1 (-100 %)"));
    }
    // A distribution that can reach -100 % is refused too.
    CHECK(contains(error_of(edit("discount_rate = 0.0", "discount_rate = { uniform = [-1.5, 0.1] }")), "scenario.discount_rate"));
    // Just above -100 % is legal: discount factors grow huge but stay finite.
    // (1 + r)^(-1/12) with 1 + r = 1e-6 is 10^0.5 a month; 12 months: 1e6.
    const credroi::Evaluation e = evaluate(edit("discount_rate = 0.0", "discount_rate = -0.999999"));
    check_all_finite(e);
    CHECK(e.discount_factors.back() == Approx(1e6).epsilon(1e-6));
}

TEST_CASE("reliability: zero headcount gives zero volumes; a negative one is refused") {
    const credroi::Evaluation e = evaluate(edit("headcount = 100", "headcount = 0"));
    check_all_finite(e);
    CHECK(e.metrics.peak_earners == 0.0);
    CHECK(e.metrics.total_credentials == 0.0);
    CHECK_FALSE(e.metrics.cost_per_credential);  // no credentials: undefined, not 0/0
    CHECK_FALSE(e.metrics.cost_per_earner);
    CHECK(e.metrics.npv == Approx(2400.0));  // the savings do not scale with adoption

    CHECK(contains(error_of(edit("headcount = 100", "headcount = -100")),
                   "segments[0].headcount: expected a number >= 0, found -100"));
}

TEST_CASE("reliability: a zero adoption ceiling is refused by name") {
    const std::string msg = error_of(edit("[adoption]", "[adoption]\nceiling = 0"));
    CHECK(contains(msg, "adoption.ceiling"));
}

TEST_CASE("reliability: extreme Bass coefficients give a curve, not NaN") {
    // p = 1e-300, q = 1e300: q/p overflows to inf while exp(-(p + q) t)
    // underflows to 0 from the first month, so adoption is at its ceiling (1)
    // at once. inf * 0 used to make it NaN (found by fuzzing).
    const credroi::Evaluation e = evaluate(edit("[adoption]", "[adoption]\nmodel = \"bass\"\nbass_p = 1e-300\nbass_q = 1e300"));
    check_all_finite(e);
    for (double a : e.adoption) CHECK(a == 1.0);
    // p + q itself overflowing is refused.
    CHECK(contains(error_of(edit("[adoption]", "[adoption]\nmodel = \"bass\"\nbass_p = 1e308\nbass_q = 1e308")),
                   "adoption.bass_q: expected p + q to be a finite rate per month"));
}

TEST_CASE("reliability: integers beyond 2^53 are read as the nearest double, not as garbage") {
    // toml++ declines to convert 2^63 - 1 to a double exactly; the reader used
    // to dereference the empty result and read 4e-323 people (found by fuzzing).
    const credroi::Scenario s = read(edit("headcount = 100", "headcount = 9223372036854775807"));
    CHECK(s.segments[0].headcount.value == Approx(9.223372036854775807e18));
    const credroi::Scenario j = credroi::read_scenario_json(
        R"({"scenario": {"start": "2026-01", "discount_rate": 0}, "segments": [{"headcount": 18446744073709551615}],
            "adoption": {"milestones": [{"date": "2026-03", "share": 0.1}, {"date": "2026-09", "share": 0.5}]}})");
    CHECK(j.segments[0].headcount.value == Approx(1.8446744073709551615e19));
}

TEST_CASE("reliability: hostile JSON is a ScenarioError, not a crash") {
    // 10000 levels used to overflow the stack (found by the hand-made corpus).
    const std::string deep = "{\"scenario\": " + std::string(10000, '[') + std::string(10000, ']') + "}";
    CHECK_THROWS_WITH_AS(credroi::read_scenario_json(deep), doctest::Contains("nested more than 256 levels deep"),
                         credroi::ScenarioError);
    // A number beyond a double made nlohmann::json throw out_of_range, which
    // escaped as a non-credroi exception (found by fuzzing).
    CHECK_THROWS_WITH_AS(credroi::read_scenario_json(R"({"scenario": {"horizon_months": 11e308}})"),
                         doctest::Contains("not valid JSON"), credroi::ScenarioError);
}

TEST_CASE("reliability: milestones at the same date are refused by name") {
    const std::string msg = error_of(edit("{ date = \"2026-09\", share = 0.5 }", "{ date = \"2026-03\", share = 0.5 }"));
    CHECK(contains(msg, "adoption.milestones[1].date"));
}

TEST_CASE("reliability: horizons of one month and of the maximum; beyond is refused") {
    // One month: set-up 1200 + licence 100 against savings 400: NPV = -900.
    const credroi::Evaluation one = evaluate(edit("horizon_months = 12", "horizon_months = 1"));
    check_all_finite(one);
    REQUIRE(one.months.size() == 1);
    CHECK(one.metrics.npv == Approx(-900.0));
    CHECK(one.fiscal_years.size() == 1);
    CHECK(one.metrics.irr_status == credroi::IrrStatus::no_sign_change);

    // 180 months: -900 + 179 * 300 = 52800.
    const std::string longest = edit("horizon_months = 12", "horizon_months = " + std::to_string(credroi::max_horizon_months));
    const credroi::Evaluation e = evaluate(longest);
    check_all_finite(e);
    CHECK(e.months.size() == 180);
    CHECK(e.metrics.npv == Approx(52800.0));
    credroi::SimulationOptions o;
    o.trials = 64;
    const auto r = credroi::simulate(credroi::Model(read(edit("annual = 4800", "annual = { uniform = [4000, 5600] }", longest))), o);
    CHECK(r.cumulative_net_bands.cols() == 180);

    for (const char* h : {"0", "181", "-1", "2147483648", "12.5"}) {
        CAPTURE(h);
        CHECK(contains(error_of(edit("horizon_months = 12", std::string("horizon_months = ") + h)), "scenario.horizon_months"));
    }
}

TEST_CASE("reliability: months near the ends of the calendar") {
    // A horizon that would run past year 9999 is refused, not wrapped around.
    std::string late = tiny;
    for (std::size_t at; (at = late.find("\"2026-")) != std::string::npos;) late.replace(at, 6, "\"9999-");
    CHECK(contains(error_of(edit("horizon_months = 12", "horizon_months = 24", late)),
                   "scenario.horizon_months: expected a horizon that ends by 9999-12; from 9999-01, 24 months run past it"));
    check_all_finite(evaluate(late));  // 9999-01 to 9999-12 is fine
    std::string early = tiny;
    for (std::size_t at; (at = early.find("\"2026-")) != std::string::npos;) early.replace(at, 6, "\"0001-");
    check_all_finite(evaluate(early));
}

// ---- magnitudes -----------------------------------------------------------------

TEST_CASE("reliability: huge and tiny amounts scale exactly, no overflow or underflow") {
    // Every amount times 1e12 (1.2e15, 1.2e15, 4.8e15): NPV 2400 * 1e12.
    std::string huge = edit("amount = 1200", "amount = 1.2e15");
    huge = edit("annual = 1200", "annual = 1.2e15", huge);
    huge = edit("annual = 4800", "annual = 4.8e15", huge);
    huge = edit("headcount = 100", "headcount = 1e15", huge);
    const credroi::Evaluation h = evaluate(huge);
    check_all_finite(h);
    CHECK(h.metrics.npv == Approx(2.4e15));
    // The logistic through 10 % (odds 1 : 9, end of March) and 50 % (1 : 1,
    // end of September) multiplies the odds by 9 every 6 months, so by 3 in
    // the 3 months to the end of December: 3 : 1, 75 % of 1e15 people.
    CHECK(h.metrics.peak_earners == Approx(0.75e15).epsilon(1e-9));

    // Every amount times 1e-12: NPV 2.4e-9, still exact in relative terms.
    std::string small = edit("amount = 1200", "amount = 1.2e-9");
    small = edit("annual = 1200", "annual = 1.2e-9", small);
    small = edit("annual = 4800", "annual = 4.8e-9", small);
    const credroi::Evaluation t = evaluate(small);
    check_all_finite(t);
    CHECK(t.metrics.npv == Approx(2.4e-9).epsilon(1e-9));
    REQUIRE(t.metrics.payback_months);
    // Payback does not depend on the scale: the same as the unscaled tiny case.
    CHECK(*t.metrics.payback_months == Approx(*evaluate(tiny).metrics.payback_months));
}

TEST_CASE("reliability: amounts so large that the results overflow are an error, not infinity") {
    // 1e300 people at 1e300 a year each: the productivity benefit of the
    // earners overflows a double in the first month.
    const std::string product = edit("headcount = 100", "headcount = 1e300\nannual_salary = 1e300") +
                                "\n[benefits.productivity]\nuplift_share_of_salary = 1\n";
    const std::string msg = error_of(product);
    CHECK(contains(msg, "edge.toml"));
    CHECK(contains(msg, "the benefits of 2026-01 overflow (inf)"));
    CHECK(contains(msg, "too large for double precision"));

    // Each month finite (1.7e308 / 12 twice), their sum over the year not.
    const std::string sum = edit("scales_with_adoption = false",
                                 "scales_with_adoption = false\n\n[[benefits.other]]\nannual = 1.7e308\nscales_with_adoption = false",
                                 edit("annual = 4800", "annual = 1.7e308"));
    CHECK(contains(error_of(sum), "overflow"));
}

// ---- distributions and correlations -----------------------------------------------

TEST_CASE("reliability: degenerate distributions (min = mode = max) are refused with the key and parameter") {
    for (const char* d : {"{ pert = [1200, 1200, 1200] }", "{ triangular = [1200, 1200, 1200] }", "{ uniform = [1200, 1200] }"}) {
        CAPTURE(d);
        const std::string msg = error_of(edit("annual = 1200", std::string("annual = ") + d));
        CHECK(contains(msg, "costs.recurring[0].annual."));
        CHECK(contains(msg, "expected hi > lo"));
    }
    // The way to say "certain": a number, or { fixed = x }.
    CHECK(evaluate(edit("annual = 1200", "annual = { fixed = 1200 }")).metrics.npv == Approx(2400.0));
}

namespace {
// Functions, not namespace-scope strings: edit() checks with REQUIRE, which
// needs a running test.
std::string two_uncertain() {
    return edit("annual = 4800", "annual = { pert = [4000, 4800, 6000] }",
                edit("annual = 1200", "annual = { uniform = [1000, 1400] }"));
}

std::string correlate(double rank) {
    return two_uncertain() + "\n[[correlations]]\ninputs = [\"costs.recurring[0].annual\", \"benefits.other[0].annual\"]\nrank = " +
           credroi::detail::describe(rank) + "\n";
}
}  // namespace

TEST_CASE("reliability: correlations of +1 and -1 are honoured") {
    for (double rank : {1.0, -1.0}) {
        CAPTURE(rank);
        credroi::SimulationOptions o;
        o.trials = 2000;
        o.keep_trials = true;
        const auto r = credroi::simulate(credroi::Model(read(correlate(rank))), o);
        REQUIRE(r.trial_inputs.cols() == 2);
        const Eigen::ArrayXd a = r.trial_inputs.col(0), b = r.trial_inputs.col(1);
        CHECK(credroi::spearman(a, b) == Approx(rank).epsilon(0.01));
        CHECK(std::isfinite(r.metric("npv").mean));
    }
}

TEST_CASE("reliability: an impossible correlation matrix is repaired and the run says by how much") {
    const std::string text = edit("headcount = 100", "headcount = { uniform = [90, 110] }", two_uncertain()) +
                             "\n[[correlations]]\ninputs = [\"costs.recurring[0].annual\", \"benefits.other[0].annual\"]\nrank = 0.9\n"
                             "\n[[correlations]]\ninputs = [\"costs.recurring[0].annual\", \"segments[0].headcount\"]\nrank = 0.9\n"
                             "\n[[correlations]]\ninputs = [\"benefits.other[0].annual\", \"segments[0].headcount\"]\nrank = -0.9\n";
    credroi::SimulationOptions o;
    o.trials = 500;
    const auto r = credroi::simulate(credroi::Model(read(text)), o);
    // a and b strongly together, both strongly with c in opposite directions: not
    // positive definite, so at least one entry must move by a lot.
    CHECK(r.correlation_max_change > 0.1);
    CHECK(r.correlation_max_change < 1.9);
    CHECK(contains(r.correlation_warning, "nearest correlation matrix"));
    CHECK(contains(r.correlation_warning, "largest change"));
    CHECK(contains(credroi::to_json(credroi::Model(read(text)).evaluate(), read(text), &r), "correlation"));
}

// ---- trials, threads, interruption -----------------------------------------------------

TEST_CASE("reliability: zero trials are refused; one trial is a full answer") {
    const credroi::Model model(read(two_uncertain()));
    credroi::SimulationOptions o;
    o.trials = 0;
    CHECK_THROWS_AS(credroi::simulate(model, o), credroi::ParameterError);

    o.trials = 1;
    const auto r = credroi::simulate(model, o);
    const auto& npv = r.metric("npv");
    CHECK(npv.count == 1);
    CHECK(npv.standard_deviation == 0.0);  // one value: no spread, not 0/0
    CHECK(npv.min == npv.max);
    CHECK(npv.p5 == npv.mean);
    CHECK(npv.p95 == npv.mean);
    CHECK(std::isfinite(r.npv_mean_standard_error));
    for (Eigen::Index k = 0; k < r.cumulative_net_bands.size(); ++k) CHECK(std::isfinite(r.cumulative_net_bands.data()[k]));
}

TEST_CASE("reliability: more threads than trials gives the same bits as one thread") {
    const credroi::Model model(read(correlate(0.5)));
    credroi::SimulationOptions o;
    o.trials = 3;
    o.batch_size = 1;  // three batches, so up to three threads can share them
    o.threads = 1;
    const auto one = credroi::simulate(model, o);
    for (unsigned threads : {2u, 3u, 64u}) {
        CAPTURE(threads);
        o.threads = threads;
        const auto many = credroi::simulate(model, o);
        CHECK(many.threads == std::min(threads, 3u));
        CHECK(same_bits(one, many));
    }
}

TEST_CASE("reliability: the cancel flag stops a long run promptly, with no result") {
    const credroi::Model model(read(two_uncertain()));
    credroi::SimulationOptions o;
    o.trials = 100000000;  // far more than finish before the first progress report (every 100 ms)
    o.threads = 2;
    o.irr = false;
    std::atomic<bool> cancel{false};
    o.cancel = &cancel;
    int calls = 0;
    std::uint64_t done_when_cancelled = 0;
    // The progress callback runs on the calling thread while the workers run:
    // cancel once some trials are done, as a Ctrl-C handler would.
    o.progress = [&](std::uint64_t done, std::uint64_t) {
        ++calls;
        if (done > 0 && !cancel) {
            done_when_cancelled = done;
            cancel = true;
        }
    };
    CHECK_THROWS_AS(credroi::simulate(model, o), credroi::Cancelled);
    CHECK(cancel);
    CHECK(done_when_cancelled > 0);
    CHECK(done_when_cancelled < o.trials);
}
