// The Monte Carlo engine (simulation.hpp): determinism at any thread count,
// agreement with the deterministic model, summaries against analytic values,
// correlated inputs, bounded-memory percentiles, bad options.
#include <credroi/simulation.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <vector>

using credroi::YearMonth;
using doctest::Approx;

namespace {

credroi::Scenario uncertain_scenario() {
    credroi::Scenario s;
    s.name = "uncertain";
    s.start = YearMonth(2026, 1);
    s.horizon_months = 36;
    s.discount_rate = credroi::Quantity(credroi::Triangular(0.04, 0.08, 0.12));
    s.fiscal_calendar = credroi::FiscalCalendar(4);
    credroi::Segment g;
    g.headcount = credroi::Quantity(credroi::Normal(1000.0, 100.0, 0.0, credroi::detail::infinity));
    g.annual_attrition = credroi::Quantity(credroi::Pert(0.10, 0.14, 0.20));
    g.annual_salary = 50000.0;
    g.replacement_cost_share = 0.4;
    s.segments.push_back(g);
    s.adoption.milestones = {{YearMonth(2026, 6), 0.1}, {YearMonth(2027, 6), 0.5}};
    s.adoption.delay_months = credroi::Quantity(credroi::Triangular(0.0, 2.0, 9.0));
    s.costs.one_off.push_back({"set-up", credroi::Quantity(credroi::Uniform(20000.0, 40000.0)), 1.0, YearMonth(2026, 1)});
    credroi::RecurringCost licence;
    licence.name = "licence";
    licence.annual = credroi::Quantity(credroi::LogNormal::from_range(8000.0, 15000.0));
    s.costs.recurring.push_back(licence);
    credroi::RetentionBenefit retention;
    retention.relative_attrition_reduction = credroi::Quantity(credroi::Pert(0.0, 0.02, 0.05));
    s.benefits.retention = retention;
    credroi::Budget b;
    b.annual = 20000.0;
    s.budget = b;
    return s;
}

}  // namespace

TEST_CASE("simulation: the same seed gives the same bits at 1, 2 and 8 threads") {
    const credroi::Model model(uncertain_scenario());
    for (auto sampler : {credroi::Sampler::latin_hypercube, credroi::Sampler::monte_carlo, credroi::Sampler::sobol}) {
        credroi::SimulationOptions o;
        o.trials = 5000;  // five batches, the last one partial
        o.seed = 42;
        o.sampler = sampler;
        o.keep_trials = true;
        o.threads = 1;
        const auto one = credroi::simulate(model, o);
        for (unsigned threads : {2u, 8u}) {
            o.threads = threads;
            const auto many = credroi::simulate(model, o);
            CHECK((many.trial_metrics.isNaN() == one.trial_metrics.isNaN()).all());
            CHECK((many.trial_metrics.isNaN() || many.trial_metrics == one.trial_metrics).all());
            CHECK((many.trial_inputs == one.trial_inputs).all());
            for (std::size_t m = 0; m < one.metrics.size(); ++m) {
                CHECK(many.metrics[m].mean == one.metrics[m].mean);
                CHECK(many.metrics[m].standard_deviation == one.metrics[m].standard_deviation);
                CHECK(many.metrics[m].p10 == one.metrics[m].p10);
            }
            CHECK((many.cumulative_net_bands == one.cumulative_net_bands).all());
            CHECK(many.probability_npv_positive == one.probability_npv_positive);
        }
        // and the sketch path (no rows kept) is just as deterministic
        o.keep_trials = false;
        o.exact_percentile_limit = 0;
        o.threads = 1;
        const auto s1 = credroi::simulate(model, o);
        o.threads = 2;
        const auto s2 = credroi::simulate(model, o);
        CHECK(s1.metrics[0].p90 == s2.metrics[0].p90);
        CHECK(s1.metrics[0].mean == s2.metrics[0].mean);
        // a different seed gives different numbers
        o.seed = 43;
        CHECK(credroi::simulate(model, o).metrics[0].mean != s1.metrics[0].mean);
    }
}

TEST_CASE("simulation: a trial at given inputs is the deterministic model at those inputs") {
    const credroi::Model model(uncertain_scenario());
    credroi::SimulationOptions o;
    o.trials = 300;
    o.keep_trials = true;
    const auto r = credroi::simulate(model, o);
    REQUIRE(r.input_paths.size() == model.uncertain_inputs().size());
    for (Eigen::Index t : {0, 17, 299}) {
        std::vector<double> values;
        for (const auto& in : model.inputs()) values.push_back(in.base);
        for (std::size_t j = 0; j < model.uncertain_inputs().size(); ++j)
            values[static_cast<std::size_t>(model.uncertain_inputs()[j])] = r.trial_inputs(t, static_cast<Eigen::Index>(j));
        const credroi::Evaluation e = model.evaluate(values);
        CHECK(r.trial_metrics(t, 0) == e.metrics.npv);  // same bits: one engine
        CHECK(r.trial_metrics(t, 3) == *e.metrics.roi);
    }
    // with every input fixed, one trial is the base case
    credroi::Scenario fixed = uncertain_scenario();
    fixed.discount_rate = 0.08;
    fixed.segments[0].headcount = 1000.0;
    fixed.segments[0].annual_attrition = 0.14;
    fixed.adoption.delay_months = 2.0;
    fixed.costs.one_off[0].amount = 30000.0;
    fixed.costs.recurring[0].annual = 11000.0;
    fixed.benefits.retention->relative_attrition_reduction = 0.02;
    const credroi::Model fixed_model(fixed);
    CHECK(fixed_model.uncertain_inputs().empty());
    o.trials = 1;
    const auto single = credroi::simulate(fixed_model, o);
    CHECK(single.trial_metrics(0, 0) == fixed_model.evaluate().metrics.npv);
    CHECK(single.metrics[0].mean == fixed_model.evaluate().metrics.npv);
    CHECK(single.metrics[0].standard_deviation == 0.0);
}

TEST_CASE("simulation: summaries against analytic values") {
    // NPV = -cost with cost ~ Uniform(1,000, 3,000) paid at the start, at 0 %:
    // mean -2,000, sd 2,000/sqrt(12) = 577.35, P10 = -2,800, P(NPV > 0) = 0
    credroi::Scenario s;
    s.start = YearMonth(2026, 1);
    s.horizon_months = 12;
    s.discount_rate = 0.0;
    s.cash_flows_at_month_start = true;
    credroi::Segment g;
    g.headcount = 10.0;
    s.segments.push_back(g);
    s.adoption.milestones = {{YearMonth(2026, 3), 0.1}, {YearMonth(2026, 9), 0.5}};
    s.costs.one_off.push_back({"cost", credroi::Quantity(credroi::Uniform(1000.0, 3000.0)), 1.0, YearMonth(2026, 1)});
    credroi::SimulationOptions o;
    o.trials = 20000;
    const auto r = credroi::simulate(s, o);
    const auto& npv = r.metric("npv");
    // Latin hypercube: far tighter than the Monte Carlo standard error 577/sqrt(20000) = 4.1
    CHECK(npv.mean == Approx(-2000.0).epsilon(1e-4));
    CHECK(npv.standard_deviation == Approx(2000.0 / std::sqrt(12.0)).epsilon(1e-3));
    CHECK(npv.p10 == Approx(-2800.0).epsilon(1e-3));
    CHECK(npv.p50 == Approx(-2000.0).epsilon(1e-3));
    CHECK(npv.min >= -3000.0);
    CHECK(npv.max <= -1000.0);
    CHECK(npv.base == Approx(-2000.0));  // the base case takes the median of a uniform
    CHECK(r.probability_npv_positive == 0.0);
    CHECK(r.probability_payback_within_horizon == 0.0);
    CHECK(r.probability_irr_exists == 0.0);   // costs only: no IRR in any trial, and none averaged
    CHECK(r.metric("irr").count == 0);
    CHECK(std::isnan(r.metric("irr").mean));
    CHECK(r.npv_mean_standard_error == Approx(npv.standard_deviation / std::sqrt(20000.0)));
    // the fan chart's median of cumulative net is -2,000 from the first month on
    CHECK(r.cumulative_net_bands(3, 0) == Approx(-2000.0).epsilon(2e-3));
}

TEST_CASE("simulation: a block's moments skip missing values and merge to the whole's") {
    using credroi::detail::block_moments;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    {
        // {1, 2, NaN, 4}: n = 3, mean = 7/3;
        // (1 - 7/3)^2 = 16/9, (2 - 7/3)^2 = 1/9, (4 - 7/3)^2 = 25/9; m2 = 42/9 = 14/3.
        const double v[] = {1.0, 2.0, nan, 4.0};
        const auto w = block_moments(v, 4, 1.0, 4.0);
        CHECK(w.n == 3);
        CHECK(w.mean == Approx(7.0 / 3.0).epsilon(1e-15));
        CHECK(w.m2 == Approx(14.0 / 3.0).epsilon(1e-15));
    }
    {
        // Equal values: their mean exactly, no spread (a sum of 0.1s would round).
        const std::vector<double> v(37, 0.1);
        const auto w = block_moments(v.data(), 37, 0.1, 0.1);
        CHECK(w.n == 37);
        CHECK(w.mean == 0.1);
        CHECK(w.m2 == 0.0);
    }
    {
        // Only missing values: nothing.
        const double v[] = {nan, nan};
        CHECK(block_moments(v, 2, std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()).n == 0);
    }
    // 1..100 with every 7th missing, in blocks of 13 (across the 8 partial sums
    // and their remainders), merged in order: the moments of all of them, by
    // long double sums.
    std::vector<double> v;
    for (int k = 1; k <= 100; ++k) v.push_back(k % 7 == 0 ? nan : static_cast<double>(k));
    credroi::detail::Welford all;
    for (std::size_t at = 0; at < v.size(); at += 13) {
        const auto len = static_cast<Eigen::Index>(std::min<std::size_t>(13, v.size() - at));
        double lo = std::numeric_limits<double>::infinity(), hi = -lo;
        for (Eigen::Index t = 0; t < len; ++t)
            if (!std::isnan(v[at + static_cast<std::size_t>(t)])) {
                lo = std::min(lo, v[at + static_cast<std::size_t>(t)]);
                hi = std::max(hi, v[at + static_cast<std::size_t>(t)]);
            }
        all.merge(block_moments(v.data() + at, len, lo, hi));
    }
    long double sum = 0, squares = 0;
    std::uint64_t n = 0;
    for (double x : v)
        if (!std::isnan(x)) {
            sum += x;
            ++n;
        }
    const long double mean = sum / static_cast<long double>(n);
    for (double x : v)
        if (!std::isnan(x)) squares += (x - mean) * (x - mean);
    CHECK(all.n == 86);  // 100 - 14 multiples of 7
    CHECK(all.mean == Approx(static_cast<double>(mean)).epsilon(1e-15));
    CHECK(all.m2 == Approx(static_cast<double>(squares)).epsilon(1e-14));
}

TEST_CASE("simulation: a metric's range skips missing values and puts -0 below +0, in any order") {
    using credroi::detail::ordered_max;
    using credroi::detail::ordered_min;
    using credroi::detail::update_range;
    const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
    // std::min(+0, -0) keeps +0 and std::min(-0, +0) keeps -0: a range that
    // depended on which came first would depend on the thread count.
    CHECK(std::signbit(ordered_min(0.0, -0.0)));
    CHECK(std::signbit(ordered_min(-0.0, 0.0)));
    CHECK(!std::signbit(ordered_max(0.0, -0.0)));
    CHECK(!std::signbit(ordered_max(-0.0, 0.0)));
    CHECK(ordered_min(3.0, nan) == 3.0);
    CHECK(ordered_max(-inf, nan) == -inf);
    CHECK(ordered_min(-2.0, 1.0) == -2.0);
    CHECK(ordered_max(-2.0, 1.0) == 1.0);

    // Every length across a vector register's width, each zero and NaN at every
    // place: the register-at-a-time pass and the one-at-a-time rule agree bit
    // for bit, and -0 / +0 win whatever their place.
    for (int fill = 0; fill < 3; ++fill) {  // all +0, all -0, both signs in turn
        for (int n = 1; n <= 19; ++n)
            for (int at = 0; at < n; ++at)
                for (const double special : {-0.0, 0.0, nan}) {
                    std::vector<double> v(static_cast<std::size_t>(n));
                    for (int k = 0; k < n; ++k) v[static_cast<std::size_t>(k)] = fill == 0 ? 0.0 : fill == 1 ? -0.0 : k % 2 ? 0.0 : -0.0;
                    v[static_cast<std::size_t>(at)] = special;
                    double lo = inf, hi = -inf;
                    update_range(v.data(), n, lo, hi);
                    double want_lo = inf, want_hi = -inf;
                    for (double x : v) {
                        want_lo = ordered_min(want_lo, x);
                        want_hi = ordered_max(want_hi, x);
                    }
                    CAPTURE(fill);
                    CAPTURE(n);
                    CAPTURE(at);
                    if (n == 1 && std::isnan(special)) {
                        CHECK(lo == inf);  // nothing but a missing value
                        CHECK(hi == -inf);
                        continue;
                    }
                    CHECK(lo == 0.0);
                    CHECK(hi == 0.0);
                    CHECK(std::signbit(lo) == std::signbit(want_lo));
                    CHECK(std::signbit(hi) == std::signbit(want_hi));
                    const bool negative_zero = std::any_of(v.begin(), v.end(), [](double x) { return x == 0.0 && std::signbit(x); });
                    const bool positive_zero = std::any_of(v.begin(), v.end(), [](double x) { return x == 0.0 && !std::signbit(x); });
                    CHECK(std::signbit(lo) == negative_zero);
                    CHECK(std::signbit(hi) == !positive_zero);
                }
    }
    {
        // {5, NaN, -3, 8, NaN, 2, -3.5, 7.25, 1, NaN, 0}: lo -3.5, hi 8; all NaN leaves the start.
        const double v[] = {5.0, nan, -3.0, 8.0, nan, 2.0, -3.5, 7.25, 1.0, nan, 0.0};
        double lo = inf, hi = -inf;
        update_range(v, 11, lo, hi);
        CHECK(lo == -3.5);
        CHECK(hi == 8.0);
        const std::vector<double> missing(13, nan);
        lo = inf;
        hi = -inf;
        update_range(missing.data(), 13, lo, hi);
        CHECK(lo == inf);
        CHECK(hi == -inf);
    }
}

TEST_CASE("simulation: sketched percentiles match exact ones") {
    const credroi::Model model(uncertain_scenario());
    credroi::SimulationOptions o;
    o.trials = 20000;
    o.seed = 7;
    const auto exact = credroi::simulate(model, o);
    o.exact_percentile_limit = 0;
    const auto sketched = credroi::simulate(model, o);
    CHECK(exact.exact_percentiles);
    CHECK(!sketched.exact_percentiles);
    for (std::size_t m = 0; m < exact.metrics.size(); ++m) {
        if (exact.metrics[m].count == 0) continue;
        INFO(exact.metrics[m].name);
        CHECK(sketched.metrics[m].mean == exact.metrics[m].mean);
        const double scale = std::max(std::fabs(exact.metrics[m].p50), exact.metrics[m].standard_deviation) + 1e-9;
        CHECK(std::fabs(sketched.metrics[m].p10 - exact.metrics[m].p10) <= 3e-4 * scale);
        CHECK(std::fabs(sketched.metrics[m].p90 - exact.metrics[m].p90) <= 3e-4 * scale);
    }
}

TEST_CASE("simulation: correlated inputs reach their rank correlation") {
    credroi::Scenario s = uncertain_scenario();
    s.correlations.push_back({"segments[0].annual_attrition", "benefits.retention.relative_attrition_reduction", 0.6});
    s.correlations.push_back({"adoption.delay_months", "costs.one_off[0].amount", -0.4});
    const credroi::Model model(s);
    credroi::SimulationOptions o;
    o.trials = 20000;
    o.keep_trials = true;
    const auto r = credroi::simulate(model, o);
    auto column = [&](const std::string& path) {
        for (std::size_t j = 0; j < r.input_paths.size(); ++j)
            if (r.input_paths[j] == path) return Eigen::ArrayXd(r.trial_inputs.col(static_cast<Eigen::Index>(j)));
        FAIL("no input " << path);
        return Eigen::ArrayXd();
    };
    // the standard error of a Spearman coefficient is about 1/sqrt(n - 1) = 0.007; allow 4 of them
    CHECK(credroi::spearman(column("segments[0].annual_attrition"), column("benefits.retention.relative_attrition_reduction")) ==
          Approx(0.6).epsilon(0.03 / 0.6));
    CHECK(credroi::spearman(column("adoption.delay_months"), column("costs.one_off[0].amount")) == Approx(-0.4).epsilon(0.03 / 0.4));
    CHECK(std::fabs(credroi::spearman(column("segments[0].annual_attrition"), column("costs.one_off[0].amount"))) < 0.03);
    CHECK(r.correlation_warning.empty());
}

TEST_CASE("simulation: an impossible correlation matrix is repaired and says by how much") {
    credroi::Scenario s = uncertain_scenario();
    s.correlations = {{"segments[0].headcount", "segments[0].annual_attrition", 0.9},
                      {"segments[0].annual_attrition", "costs.one_off[0].amount", 0.9},
                      {"segments[0].headcount", "costs.one_off[0].amount", -0.9}};
    const credroi::Model model(s);
    credroi::SimulationOptions o;
    o.trials = 100;
    const auto r = credroi::simulate(model, o);
    CHECK(r.correlation_max_change > 0.1);
    CHECK(r.correlation_warning.find("nearest correlation matrix") != std::string::npos);
}

TEST_CASE("simulation: bad options and inputs") {
    const credroi::Model model(uncertain_scenario());
    credroi::SimulationOptions o;
    o.trials = 0;
    CHECK_THROWS_AS(credroi::simulate(model, o), credroi::ParameterError);
    // 2^32 trials are more than one run takes; the check comes before any
    // work (this returns at once)
    o.trials = credroi::max_trials + 1;
    CHECK_THROWS_WITH_AS(credroi::simulate(model, o), doctest::Contains("at most 4294967295"), credroi::ParameterError);
    // kept trials that cannot fit in memory are refused before anything is
    // allocated: 4e9 trials x (metrics + inputs) x 8 bytes is terabytes
    o.trials = 4000000000u;
    o.keep_trials = true;
    if (credroi::detail::physical_memory_bytes() > 0)
        CHECK_THROWS_WITH_AS(credroi::simulate(model, o), doctest::Contains("more than half of this machine's"),
                             credroi::ParameterError);
    o.keep_trials = false;
    o.exact_percentile_limit = credroi::max_trials;
    if (credroi::detail::physical_memory_bytes() > 0)
        CHECK_THROWS_WITH_AS(credroi::simulate(model, o), doctest::Contains("exact_percentile_limit"), credroi::ParameterError);
    o.exact_percentile_limit = 100000;
    o.trials = 10;
    o.batch_size = 0;
    CHECK_THROWS_AS(credroi::simulate(model, o), credroi::ParameterError);
    // more threads than trials
    o.batch_size = 1024;
    o.threads = 16;
    CHECK(credroi::simulate(model, o).threads == 1);

    // a distribution that can leave its key's range is refused, with the key
    credroi::Scenario s = uncertain_scenario();
    s.segments[0].headcount = credroi::Quantity(credroi::Normal(1000.0, 100.0));
    try {
        credroi::Model m(s);
        FAIL("no error");
    } catch (const credroi::ParameterError& e) {
        CHECK(e.path() == "segments[0].headcount");
        CHECK(std::string(e.what()).find("in every trial") != std::string::npos);
    }
    s = uncertain_scenario();
    s.correlations.push_back({"segments[0].annual_salary", "adoption.delay_months", 0.5});
    try {
        credroi::Model m(s);
        FAIL("no error");
    } catch (const credroi::ParameterError& e) {
        CHECK(e.path() == "correlations[0].inputs");
        CHECK(std::string(e.what()).find("fixed number") != std::string::npos);
    }
}

TEST_CASE("simulation: cancelling stops the run") {
    const credroi::Model model(uncertain_scenario());
    std::atomic<bool> cancel{true};
    credroi::SimulationOptions o;
    o.trials = 100000;
    o.cancel = &cancel;
    CHECK_THROWS_AS(credroi::simulate(model, o), credroi::Cancelled);
}

TEST_CASE("simulation: a sketch floor bounds the buckets, values below it count as the floor") {
    credroi::detail::QuantileSketch s(12, 1.0);
    for (double x : {1e-200, 1e-100, 1e-9, 1.5}) s.add(x);
    // Keys are the top 12 mantissa bits and the exponent: 1.0 and 1.5 differ by
    // 0x0008000000000000 >> 40 = 2048 keys, so 2049 buckets, not the ~1000
    // binades x 4096 that 1e-200 would otherwise open.
    CHECK(s.buckets() == 2049);
    // The floor's bucket [1, 1 + 2^-12) reports its centre, 1 + 2^-13.
    CHECK(s.quantile(0.0) == 1.0 + std::ldexp(1.0, -13));
    CHECK(s.quantile(0.5) == 1.0 + std::ldexp(1.0, -13));  // ranks 1 and 2 (of 0..3): both floored
    s.add(-1e-300);
    CHECK(s.quantile(0.0) == -(1.0 + std::ldexp(1.0, -13)));  // the sign is kept
    s.add(0.0);
    CHECK(s.count() == 6);
}

TEST_CASE("simulation: a sketch fed a column at a time holds the counts of one value at a time") {
    // add(x, n) (what simulate() uses) against add(x) per value: every quantile
    // the same bits, the same buckets, on values that repeat (runs in one
    // bucket), change sign, fall below the floor, are 0, infinite or NaN, and
    // come in more than one internal chunk of 256 and in odd counts.
    std::vector<double> v;
    std::uint64_t state = 12345;
    auto next = [&] {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        return static_cast<double>(state >> 11) * 0x1.0p-53;
    };
    for (int i = 0; i < 700; ++i) {
        const double u = next();
        if (i % 97 == 0)
            v.push_back(std::nan(""));
        else if (i == 300 || i == 301)
            v.push_back(i == 300 ? HUGE_VAL : -HUGE_VAL);
        else if (i % 89 == 0)
            v.push_back(0.0);
        else if (i < 150)
            v.push_back(-2500.0);  // one bucket, many times in a row
        else if (i % 7 == 0)
            v.push_back(1e-9 * (u - 0.5));  // below the floor, either sign
        else
            v.push_back((u - 0.3) * std::pow(10.0, 1 + static_cast<int>(u * 6)));
    }
    for (const double floor : {0.0, 0.01}) {
        credroi::detail::QuantileSketch one(10, floor), many(10, floor), pieces(10, floor);
        for (double x : v) one.add(x);
        many.add(v.data(), v.size());
        for (std::size_t at = 0; at < v.size(); at += 33) pieces.add(v.data() + at, std::min<std::size_t>(33, v.size() - at));
        CHECK(many.count() == one.count());
        CHECK(many.buckets() == one.buckets());
        CHECK(pieces.count() == one.count());
        for (const double p : {0.0, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1.0}) {
            CHECK(many.quantile(p) == one.quantile(p));  // -inf at p = 0 and +inf at p = 1 compare equal
            CHECK(pieces.quantile(p) == one.quantile(p));
        }
    }
}

TEST_CASE("simulation: a sketch's bucket counts past its low byte, added and merged") {
    // A bucket keeps its count's low 8 bits apart from the rest: 1000 values of
    // 1.0 (3 x 256 + 232) and 300 of -1.5 (256 + 44) must count as such, not as
    // 232 and 44, whichever way they come in: one at a time, a chunk of 256 all
    // in one bucket, a chunk of both signs; and merged (2000 and 600).
    std::vector<double> v(700, 1.0);
    for (int i = 0; i < 600; ++i) v.push_back(i % 2 == 0 ? 1.0 : -1.5);
    for (int i = 0; i < 10; ++i) v.push_back(2.0);
    credroi::detail::QuantileSketch one(10, 0.0), many(10, 0.0);
    for (double x : v) one.add(x);
    many.add(v.data(), v.size());
    // 10 mantissa bits: buckets of relative width 2^-10 report their centres
    const double c_1 = 1.0 + std::ldexp(1.0, -11), c_15 = 1.5 + std::ldexp(1.0, -11), c_2 = 2.0 + std::ldexp(1.0, -10);
    for (const auto* s : {&one, &many}) {
        // ranks 0..299: -1.5; 300..1299: 1.0; 1300..1309: 2.0
        CHECK(s->count() == 1310);
        CHECK(s->quantile(299.0 / 1309.0) == -c_15);
        CHECK(s->quantile(301.0 / 1309.0) == c_1);
        CHECK(s->quantile(1299.0 / 1309.0) == c_1);
        CHECK(s->quantile(1301.0 / 1309.0) == c_2);
    }
    one.merge(many);
    CHECK(one.count() == 2620);  // ranks 0..599: -1.5; 600..2599: 1.0; 2600..2619: 2.0
    CHECK(one.quantile(599.0 / 2619.0) == -c_15);
    CHECK(one.quantile(601.0 / 2619.0) == c_1);
    CHECK(one.quantile(2599.0 / 2619.0) == c_1);
    CHECK(one.quantile(2601.0 / 2619.0) == c_2);
}

TEST_CASE("simulation: percentiles next to an infinite value are that infinity, never NaN") {
    using credroi::detail::interpolate_rank;
    // Finite neighbours: exactly numpy.percentile's a + (b - a) * f.
    CHECK(interpolate_rank(1.0, 3.0, 0.25) == 1.5);      // 1 + 2 * 0.25
    CHECK(interpolate_rank(-3.0, 5.0, 0.5) == 1.0);      // -3 + 8 * 0.5
    const double inf = HUGE_VAL;
    CHECK(interpolate_rank(5.0, inf, 0.0) == 5.0);       // at the finite rank (inf * 0 would be NaN)
    CHECK(interpolate_rank(5.0, inf, 0.3) == inf);
    CHECK(interpolate_rank(-inf, 5.0, 0.3) == -inf);     // -inf + inf would be NaN
    CHECK(interpolate_rank(inf, inf, 0.5) == inf);       // inf - inf would be NaN
    CHECK(interpolate_rank(-inf, -inf, 0.5) == -inf);
    CHECK(std::isnan(interpolate_rank(-inf, inf, 0.5)));  // no value between the two
    // The sketch and the exact order statistics both use it: 4 values, ranks 0..3.
    credroi::detail::QuantileSketch s(12, 0.0);
    for (double x : {-inf, 1.0, 2.0, inf}) s.add(x);
    CHECK(s.quantile(0.1) == -inf);  // rank 0.3: between -inf and 1
    CHECK(s.quantile(0.9) == inf);   // rank 2.7: between 2 and inf
    const std::vector<double> sorted{-inf, 1.0, 2.0, inf};
    CHECK(credroi::detail::percentile_sorted(sorted, 0.1) == -inf);
    CHECK(credroi::detail::percentile_sorted(sorted, 0.5) == 1.5);  // rank 1.5: 1 + (2 - 1) * 0.5
    CHECK(credroi::detail::percentile_sorted(sorted, 0.9) == inf);
}

namespace {

/// B trials of a model's inputs: each fixed input at its base value, uncertain
/// input j at the midpoints of B equal strata, in the order t (7 + 4 j) mod B
/// (a different permutation per input while 7 + 4 j and B have no common factor).
Eigen::ArrayXXd inputs_at_strata(const credroi::Model& model, Eigen::Index B) {
    Eigen::ArrayXXd x(B, static_cast<Eigen::Index>(model.inputs().size()));
    for (std::size_t k = 0; k < model.inputs().size(); ++k) x.col(static_cast<Eigen::Index>(k)).setConstant(model.inputs()[k].base);
    std::vector<double> u(static_cast<std::size_t>(B));
    for (std::size_t j = 0; j < model.uncertain_inputs().size(); ++j) {
        for (Eigen::Index t = 0; t < B; ++t)
            u[static_cast<std::size_t>(t)] = (static_cast<double>((t * static_cast<Eigen::Index>(7 + 4 * j)) % B) + 0.5) / static_cast<double>(B);
        const int k = model.uncertain_inputs()[j];
        credroi::quantiles(*model.inputs()[static_cast<std::size_t>(k)].distribution, u.data(), x.col(k).data(),
                           static_cast<std::size_t>(B));
    }
    return x;
}

}  // namespace

TEST_CASE("simulation: batch metrics are the per-trial metrics") {
    // Column-wise over a batch (detail::batch_metric_rows) against one trial at a
    // time (detail::trial_metric_row, i.e. Model::metrics): the same bits for
    // every metric but the IRR, which is the same to a few ulp of 1 + rate.
    for (int variant = 0; variant < 3; ++variant) {
        credroi::Scenario s = uncertain_scenario();
        if (variant == 1) s.discount_rate = 0.08;  // one rate for every trial: shared discount factors
        if (variant == 2) s.cash_flows_at_month_start = true;
        const credroi::Model model(s);
        const Eigen::Index B = 300;
        const Eigen::ArrayXXd x = inputs_at_strata(model, B);
        credroi::BatchResult br;
        model.evaluate_batch(x, br, false);
        Eigen::ArrayXXd rows;
        credroi::detail::BatchMetricsWorkspace ws;
        credroi::detail::batch_metric_rows(model, br, rows, ws, true);
        credroi::detail::MetricsWorkspace one;
        std::vector<double> row(static_cast<std::size_t>(rows.cols()));
        int payback_seen = 0, shortfall_seen = 0;
        for (Eigen::Index t = 0; t < B; ++t) {
            credroi::detail::trial_metric_row(model, br, t, row.data(), one, true);
            for (Eigen::Index m = 0; m < rows.cols(); ++m) {
                const double expected = row[static_cast<std::size_t>(m)];
                INFO("variant " << variant << ", trial " << t << ", metric " << m);
                REQUIRE(std::isnan(rows(t, m)) == std::isnan(expected));
                if (std::isnan(expected)) continue;
                // The IRR root is pinned down to about an ulp of 1 + monthly rate by
                // either method; annualising multiplies that by about 12, so near a
                // rate of 0 the bound is absolute: 64 eps.
                if (m == 1)
                    CHECK(std::abs(rows(t, m) - expected) <= 1e-12 * std::abs(expected) + 64 * std::numeric_limits<double>::epsilon());
                else
                    CHECK(rows(t, m) == expected);
            }
            payback_seen += !std::isnan(row[5]);
            shortfall_seen += row[8] > 0;
        }
        CHECK(payback_seen > 0);  // the comparison covered real values, not only NaN
        CHECK(shortfall_seen > 0);
        // without IRR and MIRR both are NaN and the rest unchanged
        Eigen::ArrayXXd without;
        credroi::detail::batch_metric_rows(model, br, without, ws, false);
        CHECK(without.col(1).isNaN().all());
        CHECK(without.col(2).isNaN().all());
        CHECK((without.col(0) == rows.col(0)).all());
        // a non-finite flow: the error Model::metrics gives
        br.costs(5, 3) = std::nan("");
        CHECK_THROWS_AS(credroi::detail::batch_metric_rows(model, br, rows, ws, true), credroi::ParameterError);
        CHECK_THROWS_AS(credroi::detail::trial_metric_row(model, br, 5, row.data(), one, true), credroi::ParameterError);
        // finite flows whose ratio is not: a PV of costs of 1e-320 (subnormal)
        // under benefits in the thousands makes ROI and the benefit-cost ratio
        // about 1e3 / 1e-320 = 1e323... beyond a double; the batch gives the
        // overflow error Model::metrics gives, never an infinity in a row
        model.evaluate_batch(x, br, false);
        br.costs.row(7).setZero();
        br.costs(7, 0) = 1e-320;
        REQUIRE(br.benefits.row(7).sum() > 1e3);
        CHECK_THROWS_AS(credroi::detail::trial_metric_row(model, br, 7, row.data(), one, true), credroi::NumericError);
        CHECK_THROWS_AS(credroi::detail::batch_metric_rows(model, br, rows, ws, true), credroi::NumericError);
    }
}

TEST_CASE("simulation: batch paybacks are payback_of's on hand-made cash flows") {
    // The batch computes both paybacks two trials per register with masks
    // instead of payback_of's branches; these flows take every branch: a
    // cumulative within rounding of zero, never negative, never recovering,
    // recovering exactly at a month's end, recovering and dipping again, all
    // zero; and an odd number of trials (the last one's partner lane is idle).
    for (int variant = 0; variant < 3; ++variant) {
        credroi::Scenario s = uncertain_scenario();
        if (variant == 1) s.discount_rate = 0.08;  // one rate for every trial
        if (variant == 2) s.cash_flows_at_month_start = true;
        const credroi::Model model(s);
        const Eigen::Index B = 13;
        const Eigen::ArrayXXd x = inputs_at_strata(model, B);
        credroi::BatchResult br;
        model.evaluate_batch(x, br, false);
        const Eigen::Index H = br.costs.cols();
        REQUIRE(H >= 8);
        // Each trial's net flows, written straight into the batch's arrays (a
        // positive flow as a benefit, a negative one as a cost).
        br.benefits.setZero();
        br.costs.setZero();
        auto starts_with = [&](Eigen::Index t, std::initializer_list<double> flows) {
            Eigen::Index i = 0;
            for (const double f : flows) (f > 0 ? br.benefits : br.costs)(t, i++) = std::abs(f);
        };
        starts_with(0, {-0.1, -0.2, 0.3});                          // cancels in decimal, not in binary
        br.benefits.row(1).setConstant(10.0);                        // never negative: payback 0
        br.costs.row(2).setConstant(10.0);                           // never recovers: none
        starts_with(3, {-100.0, 50.0, 50.0});                        // cumulative exactly 0 at month 2
        starts_with(4, {-100.0, 30.0, 90.0, -500.0, 10.0, 10.0});    // the first recovery counts
        br.costs(5, H - 1) = 1.0;                                    // negative only at the very end
        // rows 6 to 12: all zero
        Eigen::ArrayXXd rows;
        credroi::detail::BatchMetricsWorkspace ws;
        credroi::detail::batch_metric_rows(model, br, rows, ws, true);
        credroi::detail::MetricsWorkspace one;
        std::vector<double> row(static_cast<std::size_t>(rows.cols()));
        for (Eigen::Index t = 0; t < B; ++t) {
            credroi::detail::trial_metric_row(model, br, t, row.data(), one, true);
            for (const Eigen::Index m : {Eigen::Index{5}, Eigen::Index{6}}) {
                INFO("variant " << variant << ", trial " << t << ", metric " << m);
                const double expected = row[static_cast<std::size_t>(m)];
                REQUIRE(std::isnan(rows(t, m)) == std::isnan(expected));
                if (!std::isnan(expected)) CHECK(rows(t, m) == expected);
            }
        }
        // hand-checked simple paybacks (end-of-month flows: month i stands at
        // t = i + 1; at month start at t = i)
        const double at = variant == 2 ? 0.0 : 1.0;
        CHECK(rows(0, 5) == doctest::Approx(at + 2.0));     // -0.1 - 0.2 + 0.3 counts as 0: (j - 1) + about 1
        CHECK(rows(1, 5) == 0.0);
        CHECK(std::isnan(rows(2, 5)));
        CHECK(rows(3, 5) == at + 2.0);                      // -50 then 0: (2 - 1) + 50 / 50
        CHECK(rows(4, 5) == at + 1.0 + 70.0 / 90.0);        // -70 then +20: (2 - 1) + 70 / 90
        CHECK(std::isnan(rows(5, 5)));
        CHECK(rows(6, 5) == 0.0);
        // the gross flow overflows before the trial has paid back (every sum
        // the batch takes first stays finite): payback_of's error
        br.benefits.row(2).setZero();
        br.costs.row(2).setZero();
        br.costs(2, 0) = 1e308;
        br.benefits(2, 1) = 1e308;  // 1e308 + 1e308 > DBL_MAX
        CHECK_THROWS_AS(credroi::detail::trial_metric_row(model, br, 2, row.data(), one, true), credroi::NumericError);
        CHECK_THROWS_AS(credroi::detail::batch_metric_rows(model, br, rows, ws, true), credroi::NumericError);
    }
}

TEST_CASE("simulation: cumulative_net_band is a row of the bands, by probability") {
    credroi::SimulationResult r;
    r.cumulative_net_bands.resize(static_cast<Eigen::Index>(r.band_probabilities.size()), 3);
    for (Eigen::Index k = 0; k < r.cumulative_net_bands.rows(); ++k)
        for (Eigen::Index i = 0; i < 3; ++i) r.cumulative_net_bands(k, i) = 10.0 * static_cast<double>(k) + static_cast<double>(i);
    // 0.50 is the fourth probability (0.05, 0.10, 0.25, 0.50, ...): row 3 -> 30, 31, 32
    CHECK(r.cumulative_net_band(0.5) == std::vector<double>{30, 31, 32});
    CHECK(r.cumulative_net_band(0.95) == std::vector<double>{60, 61, 62});
    CHECK_THROWS_AS(r.cumulative_net_band(0.3), credroi::ParameterError);
}
