// Scenario comparison (comparison.hpp): paired differences under common
// random numbers, and what they buy against independent runs.
#include <credroi/comparison.hpp>

#include <doctest/doctest.h>

#include <atomic>
#include <cmath>
#include <string>

using credroi::YearMonth;
using doctest::Approx;

namespace {

/// Twelve months at a zero discount rate, so NPV is the plain sum of the
/// flows: a licence (uncertain price) and a saving (uncertain, and much
/// noisier than the licence).
credroi::Scenario vendor(double price_scale, bool extra_input) {
    credroi::Scenario s;
    s.name = price_scale == 1.0 ? "vendor A" : "vendor B";
    s.start = YearMonth(2026, 1);
    s.horizon_months = 12;
    s.discount_rate = 0.0;
    credroi::Segment g;
    g.headcount = 100.0;
    s.segments.push_back(g);
    s.adoption.milestones = {{YearMonth(2026, 3), 0.1}, {YearMonth(2026, 9), 0.5}};
    if (extra_input)  // comes first in column order, so B's columns differ from A's
        s.costs.one_off.push_back({"small fee", credroi::Quantity(credroi::Uniform(0.0, 10.0)), 1.0, YearMonth(2026, 1)});
    credroi::RecurringCost licence;
    licence.name = "licence";
    licence.annual = credroi::Quantity(credroi::Pert(1000.0 * price_scale, 1200.0 * price_scale, 2000.0 * price_scale));
    s.costs.recurring.push_back(licence);
    credroi::OtherBenefit saving;
    saving.name = "saving";
    saving.annual = credroi::Quantity(credroi::Uniform(3000.0, 6600.0));
    saving.scales_with_adoption = false;
    s.benefits.other.push_back(saving);
    return s;
}

}  // namespace

TEST_CASE("compare: scenarios that differ in one price are told apart far more precisely than by independent runs") {
    const std::vector<credroi::Model> models{credroi::Model(vendor(1.0, false)), credroi::Model(vendor(0.9, true))};
    credroi::SimulationOptions o;
    o.trials = 4096;
    o.seed = 3;
    for (const auto sampler : {credroi::Sampler::latin_hypercube, credroi::Sampler::monte_carlo}) {
        CAPTURE(credroi::to_string(sampler));
        o.sampler = sampler;
        const credroi::ComparisonResult r = credroi::compare(models, o);
        REQUIRE(r.differences.size() == 1);
        const credroi::PairedDifference& d = r.differences[0];
        CHECK(r.common_random_numbers);
        CHECK(r.names == std::vector<std::string>{"vendor A", "vendor B"});
        CHECK(d.trials == 4096);
        // B's licence is 0.9 x A's at every percentile (a PERT scales with its
        // bounds), and B pays a fee of U(0, 10) more:
        // mean difference = 0.1 x PERT mean - 5 = 0.1 x (1000 + 4 x 1200 + 2000) / 6 - 5 = 130 - 5 = 125.
        CHECK(d.mean_difference == Approx(125.0).epsilon(0.02));
        // 0.1 x licence >= 100 > 10 >= fee: B is better in every trial.
        CHECK(d.probability_better == 1.0);
        CHECK(d.probability_worse == 0.0);
        // The saving (sd 3600 / sqrt(12) ~ 1039) is shared and cancels in the
        // difference; independent runs would carry it twice. The paired
        // standard error is that of 0.1 x licence - fee (sd ~ 20), against
        // sqrt(2) x ~1050 / 64 ~ 23 for independent runs.
        CHECK(d.independent_standard_error == Approx(std::sqrt(2.0) * 1050.0 / 64.0).epsilon(0.1));
        CHECK(d.standard_error * 20 < d.independent_standard_error);
        CHECK(d.variance_reduction > 400);
        CHECK(d.correlation > 0.99);
        CHECK(d.shared_inputs == std::vector<std::string>{"costs.recurring[0].annual", "benefits.other[0].annual"});
        // base case: PERT base = mode, so 0.1 x 1200 less licence, fee at its median 5 -> 120 - 5 = 115
        CHECK(d.base_difference == Approx(115.0));
    }
}

TEST_CASE("compare: the Sobol' sampler is flagged as without common random numbers") {
    const std::vector<credroi::Model> models{credroi::Model(vendor(1.0, false)), credroi::Model(vendor(0.9, false))};
    credroi::SimulationOptions o;
    o.trials = 1024;
    o.sampler = credroi::Sampler::sobol;
    CHECK_FALSE(credroi::compare(models, o).common_random_numbers);
}

TEST_CASE("compare: the same scenario twice differs by exactly nothing") {
    const std::vector<credroi::Model> models{credroi::Model(vendor(1.0, false)), credroi::Model(vendor(1.0, false))};
    credroi::SimulationOptions o;
    o.trials = 500;
    const credroi::ComparisonResult r = credroi::compare(models, o);
    const credroi::PairedDifference& d = r.differences[0];
    CHECK(d.mean_difference == 0.0);
    CHECK(d.standard_error == 0.0);
    CHECK(d.independent_standard_error > 0.0);
    CHECK(std::isinf(d.variance_reduction));
    CHECK(d.probability_better == 0.0);
    CHECK(d.probability_worse == 0.0);
}

TEST_CASE("compare: bad requests") {
    credroi::SimulationOptions o;
    o.trials = 100;
    CHECK_THROWS_WITH_AS(credroi::compare({credroi::Model(vendor(1.0, false))}, o),
                         doctest::Contains("at least two scenarios"), credroi::ParameterError);
    credroi::Scenario chf = vendor(1.0, false);
    chf.currency = "CHF";
    CHECK_THROWS_WITH_AS(credroi::compare({credroi::Model(vendor(1.0, false)), credroi::Model(chf)}, o),
                         doctest::Contains("currency"), credroi::ParameterError);
    CHECK_THROWS_WITH_AS(credroi::compare({credroi::Model(vendor(1.0, false)), credroi::Model(vendor(0.9, false))}, o, "no such"),
                         doctest::Contains("no such"), credroi::ParameterError);
}

TEST_CASE("compare: an error in one scenario's trials says which scenario; Cancelled and option errors pass through") {
    // Valid (the base case is the median, 5e307), but some trials' costs add up beyond a double.
    credroi::Scenario huge = vendor(1.0, false);
    huge.name = "huge";
    credroi::RecurringCost cost;
    cost.name = "huge";
    cost.annual = credroi::Quantity(credroi::Uniform(0.0, 1e308));
    huge.costs.recurring.push_back(cost);
    const std::vector<credroi::Model> models{credroi::Model(vendor(1.0, false)), credroi::Model(huge),
                                             credroi::Model(vendor(0.9, false))};
    credroi::SimulationOptions o;
    o.trials = 1000;
    try {
        (void)credroi::compare(models, o);
        FAIL("expected a ComparisonTrialsError");
    } catch (const credroi::ComparisonTrialsError& e) {
        CHECK(e.scenario() == 1);
        CHECK(e.message().find("overflows a double") != std::string::npos);
        CHECK(std::string(e.what()) == "scenario 1 (\"huge\"): in the Monte Carlo trials: " + e.message());
        CHECK(dynamic_cast<const credroi::NumericError*>(&e) != nullptr);
    }

    std::atomic<bool> stop{true};
    o.cancel = &stop;
    CHECK_THROWS_AS(credroi::compare(models, o), credroi::Cancelled);
    o.cancel = nullptr;
    o.trials = 0;  // the options' fault, not the first scenario's
    CHECK_THROWS_WITH_AS(credroi::compare(models, o), doctest::Contains("trials: expected at least 1"), credroi::ParameterError);
    o.trials = credroi::max_trials + 1;
    CHECK_THROWS_WITH_AS(credroi::compare(models, o), doctest::Contains("trials: expected at most"), credroi::ParameterError);
}
