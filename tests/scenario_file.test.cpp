// Scenario files (scenario_file.hpp): every key reaches the model, and every
// kind of bad input is reported at its file, line, column and key path.
#include <credroi/model.hpp>
#include <credroi/scenario_file.hpp>

#include <doctest/doctest.h>

#include <string>

namespace {

const std::string base = R"(
[scenario]
name = "reader test"
start = "2026-01"
horizon_months = 24
discount_rate = 0.05

[[segments]]
name = "staff"
headcount = 100

[adoption]
milestones = [ { date = "2026-03", share = 0.1 }, { date = "2026-09", share = 0.5 } ]
)";

credroi::ScenarioError error_of(const std::string& text) {
    try {
        credroi::read_scenario_string(text, "test.toml");
    } catch (const credroi::ScenarioError& e) {
        return e;
    }
    FAIL("no error for:\n" << text);
    throw;
}

}  // namespace

TEST_CASE("scenario_file: a complete file reaches every field") {
    const std::string text = base + R"(
[fiscal_year]
start_month = 10
named_by = "start"

[issuing]
credentials_per_earner_per_year = 2.5

[[costs.one_off]]
name = "design"
amount = 600
quantity = 20
date = "2026-02"

[[costs.recurring]]
name = "licence"
annual = 30000
billing = "annually_in_advance"
annual_escalation = 0.03
start = "2026-04"
end = "2027-09"

[[costs.staff]]
fte = 0.5
annual_loaded_cost = 85000

[[costs.vendors]]
name = "seats"
contract_start = "2026-07"
unit = "recipients"
pricing = "all_units"
tiers = [ { up_to = 1000, unit_price = 2.0, flat_fee = 100 }, { unit_price = 1.0 } ]
price_multiplier = 1.1
discount_share = 0.2

[[costs.quality_reviews]]
name = "ISO"
first_date = "2026-09"
initial = 5000
surveillance = 2000
recertification = 5000
cycle_years = 3

[costs.staff_time]
minutes_per_credential = 5
hourly_cost = 30

[costs]
contingency_share = 0.1

[benefits.paper]
certificates_per_year = 1000
print_cost = 3
lag_months = 2
ramp_months = 4
attribution_share = 0.5

[[benefits.other]]
name = "storage"
annual = 500
scales_with_adoption = false

[budget]
annual = 100000
by_fiscal_year = { FY2026 = 5000 }
extension_per_credential = 0.5
extension_cap = 2000

[stakeholders]
sponsor = "CPO"
approvers = ["Procurement", "Legal"]
)";
    const credroi::Scenario s = credroi::read_scenario_string(text);
    CHECK(s.name == "reader test");
    CHECK(s.discount_rate.value == 0.05);
    CHECK(s.fiscal_calendar.start_month() == 10);
    CHECK(s.fiscal_calendar.naming() == credroi::FiscalYearNaming::by_start_year);
    CHECK(s.credentials_per_earner_per_year.value == 2.5);
    REQUIRE(s.costs.one_off.size() == 1);
    CHECK(s.costs.one_off[0].quantity.value == 20.0);
    CHECK(s.costs.one_off[0].date == credroi::YearMonth(2026, 2));
    CHECK(s.costs.recurring[0].billing == credroi::Billing::annually_in_advance);
    CHECK(*s.costs.recurring[0].end == credroi::YearMonth(2027, 9));
    CHECK(s.costs.staff[0].fte.value == 0.5);
    CHECK(s.costs.vendors[0].unit == credroi::VolumeUnit::recipients);
    CHECK(s.costs.vendors[0].pricing == credroi::TierPricing::all_units);
    REQUIRE(s.costs.vendors[0].tiers.size() == 2);
    CHECK(*s.costs.vendors[0].tiers[0].up_to == 1000.0);
    CHECK(s.costs.vendors[0].tiers[0].flat_fee == 100.0);
    CHECK(!s.costs.vendors[0].tiers[1].up_to);
    CHECK(s.costs.vendors[0].discount_share.value == 0.2);
    CHECK(s.costs.quality_reviews[0].cycle_years == 3);
    CHECK(s.costs.staff_time->hourly_cost.value == 30.0);
    CHECK(s.costs.contingency_share.value == 0.1);
    CHECK(s.benefits.paper->attribution_share.value == 0.5);
    CHECK(s.benefits.paper->ramp_months.value == 4.0);
    CHECK(!s.benefits.other[0].scales_with_adoption);
    CHECK(s.budget->by_fiscal_year.at("FY2026") == 5000.0);
    CHECK(s.budget->extension_cap->value == 2000.0);
    CHECK(s.stakeholders.sponsor == "CPO");
    CHECK(s.stakeholders.approvers.size() == 2);
    // and it evaluates
    CHECK(std::isfinite(credroi::evaluate(s).metrics.npv));
}

TEST_CASE("scenario_file: errors name file, line, column and key") {
    SUBCASE("malformed TOML") {
        const auto e = error_of(base + "\n[costs\n");
        CHECK(e.line() == 15);
        CHECK(std::string(e.what()).find("not valid TOML") != std::string::npos);
    }
    SUBCASE("unknown key, with a suggestion") {
        const auto e = error_of(base + "\n[[costs.recurring]]\nanual = 5\n");
        CHECK(e.path() == "costs.recurring[0].anual");
        CHECK(e.line() == 16);
        CHECK(e.column() == 1);
        CHECK(std::string(e.what()).find("did you mean 'annual'?") != std::string::npos);
    }
    SUBCASE("unknown table") {
        const auto e = error_of(base + "\n[benefit.paper]\ncertificates_per_year = 5\n");
        CHECK(e.path() == "benefit");
        CHECK(std::string(e.what()).find("did you mean 'benefits'?") != std::string::npos);
    }
    SUBCASE("wrong type") {
        const auto e = error_of(base + "\n[[costs.recurring]]\nannual = \"lots\"\n");
        CHECK(e.path() == "costs.recurring[0].annual");
        CHECK(std::string(e.what()) == "test.toml:16:10: costs.recurring[0].annual: expected a number or a distribution such as "
                                   "{ pert = [lo, mode, hi] }, found a string (\"lots\")");
    }
    SUBCASE("negative amount, reported where it stands") {
        const auto e = error_of(base + "\n[[costs.recurring]]\nannual = -5\n");
        CHECK(std::string(e.what()) == "test.toml:16:10: costs.recurring[0].annual: expected a number >= 0, found -5");
    }
    SUBCASE("probability outside [0, 1]") {
        const auto e = error_of(base + "\n[benefits.retention]\nrelative_attrition_reduction = 1.2\n");
        CHECK(e.path() == "benefits.retention.relative_attrition_reduction");
        CHECK(e.line() == 16);
    }
    SUBCASE("impossible milestones") {
        std::string text = base;
        text.replace(text.find("share = 0.5"), 11, "share = 0.05");
        const auto e = error_of(text);
        CHECK(e.path() == "adoption.milestones[1].share");
        CHECK(e.line() == 13);
    }
    SUBCASE("a required key is missing") {
        std::string text = base;
        text.replace(text.find("discount_rate = 0.05"), 20, "");
        const auto e = error_of(text);
        CHECK(e.path() == "scenario.discount_rate");
        CHECK(std::string(e.what()).find("missing") != std::string::npos);
    }
    SUBCASE("a word outside its choices") {
        const auto e = error_of(base + "\n[fiscal_year]\nnamed_by = \"middle\"\n");
        CHECK(std::string(e.what()).find("expected one of \"end\", \"start\", found \"middle\"") != std::string::npos);
    }
    SUBCASE("a month that is no month") {
        const auto e = error_of(base + "\n[[costs.one_off]]\namount = 5\ndate = \"2026-13\"\n");
        CHECK(e.path() == "costs.one_off[0].date");
    }
    SUBCASE("a fraction where a whole number belongs") {
        std::string text = base;
        text.replace(text.find("horizon_months = 24"), 19, "horizon_months = 24.5");
        CHECK(error_of(text).path() == "scenario.horizon_months");
    }
    SUBCASE("empty") {
        CHECK(std::string(error_of("").what()).find("empty") != std::string::npos);
        CHECK(std::string(error_of("# only a comment\n").what()).find("empty") != std::string::npos);
    }
    SUBCASE("a missing file") {
        CHECK_THROWS_AS(credroi::read_scenario_file("/no/such/file.toml"), credroi::ScenarioError);
    }
}

TEST_CASE("scenario_file: JSON with the same schema gives the same scenario") {
    const std::string json = R"({
      "scenario": {"name": "from json", "start": "2026-01", "horizon_months": 24, "discount_rate": 0.05},
      "segments": [{"name": "staff", "headcount": 100}],
      "adoption": {"milestones": [{"date": "2026-03", "share": 0.1}, {"date": "2026-09", "share": 0.5}]}
    })";
    const auto a = credroi::evaluate(credroi::read_scenario_json(json));
    const auto b = credroi::evaluate(credroi::read_scenario_string(base));
    CHECK(a.metrics.npv == b.metrics.npv);
    CHECK(a.earners == b.earners);
    try {
        credroi::read_scenario_json(R"({"scenario": {"name": 5}})", "<dict>");
        FAIL("no error");
    } catch (const credroi::ScenarioError& e) {
        CHECK(std::string(e.what()) == "<dict>: scenario.name: expected a string, found an integer (5)");
    }
}

TEST_CASE("scenario_file: distributions and correlations") {
    const std::string text = base + R"(
[[costs.one_off]]
name = "risky"
amount = { risk = 0.25, impact = { triangular = [10, 20, 50] } }
quantity = { pert = [1, 2, 6], lambda = 3 }
date = "2026-02"

[[costs.recurring]]
annual = { lognormal_range = [800, 1500], base = 1000 }
annual_escalation = { normal = [0.03, 0.01], truncate = [0, 0.1] }

[[costs.recurring]]
annual = { discrete = [100, 200], probabilities = [0.3, 0.7] }
annual_escalation = { beta = [2, 5], range = [0, 0.1] }

[benefits.retention]
relative_attrition_reduction = { uniform = [0.0, 0.04] }

[[correlations]]
inputs = ["costs.one_off[0].quantity", "benefits.retention.relative_attrition_reduction"]
rank = -0.3
)";
    const credroi::Scenario s = credroi::read_scenario_string(text);
    const auto& risky = s.costs.one_off[0];
    REQUIRE(risky.amount.uncertain());
    CHECK(credroi::kind_name(*risky.amount.distribution) == "risk_event");
    CHECK(risky.amount.value == 0.0);  // the median of a 25 % risk is "it does not happen"
    REQUIRE(risky.quantity.distribution->get_if<credroi::Pert>());
    CHECK(risky.quantity.distribution->get_if<credroi::Pert>()->lambda() == 3.0);
    CHECK(risky.quantity.value == 2.0);  // PERT: the mode is the base
    CHECK(s.costs.recurring[0].annual.value == 1000.0);  // explicit base
    CHECK(s.costs.recurring[0].annual_escalation.distribution->get_if<credroi::Normal>()->truncated());
    CHECK(s.costs.recurring[1].annual.value == 200.0);   // the median of the discrete values
    CHECK(s.benefits.retention->relative_attrition_reduction.value == doctest::Approx(0.02));
    REQUIRE(s.correlations.size() == 1);
    CHECK(s.correlations[0].rank == -0.3);
    const credroi::Model m(s);
    CHECK(m.uncertain_inputs().size() == 7);
    CHECK(m.correlation() != nullptr);
}

TEST_CASE("scenario_file: bad distributions are reported at their key") {
    auto with = [](const std::string& line) { return base + "\n[[costs.recurring]]\n" + line + "\n"; };
    SUBCASE("PERT mode outside its range") {
        const auto e = error_of(with("annual = { pert = [5, 4, 3] }"));
        CHECK(e.path() == "costs.recurring[0].annual.pert");
        CHECK(e.line() == 16);
        CHECK(std::string(e.what()).find("mode") != std::string::npos);
    }
    SUBCASE("misspelt kind") {
        const auto e = error_of(with("annual = { prt = [1, 2, 3] }"));
        CHECK(std::string(e.what()).find("did you mean 'pert'?") != std::string::npos);
    }
    SUBCASE("two kinds") {
        const auto e = error_of(with("annual = { pert = [1, 2, 3], uniform = [1, 2] }"));
        CHECK(std::string(e.what()).find("one kind") != std::string::npos);
    }
    SUBCASE("wrong number of parameters") {
        const auto e = error_of(with("annual = { triangular = [1, 2] }"));
        CHECK(std::string(e.what()).find("expected [lo, mode, hi], found 2 numbers") != std::string::npos);
    }
    SUBCASE("unknown parameter") {
        const auto e = error_of(with("annual = { uniform = [1, 2], lamda = 4 }"));
        CHECK(e.path() == "costs.recurring[0].annual.lamda");
    }
    SUBCASE("a distribution that leaves its key's range") {
        const auto e = error_of(with("annual = { normal = [100, 50] }"));
        CHECK(e.path() == "costs.recurring[0].annual");
        CHECK(std::string(e.what()).find("in every trial") != std::string::npos);
    }
    SUBCASE("probabilities that do not sum to 1") {
        const auto e = error_of(with("annual = { discrete = [1, 2], probabilities = [0.5, 0.6] }"));
        CHECK(std::string(e.what()).find("probabilities") != std::string::npos);
    }
    // Each of these once hung (Boost's inverse incomplete beta with huge
    // shapes), or failed only in the trials with no file, line or key.
    SUBCASE("Beta and PERT shapes beyond what the quantiles can be computed for") {
        const auto beta = error_of(with("annual = { beta = [1e50, 1e50] }"));
        CHECK(beta.path() == "costs.recurring[0].annual.beta");
        CHECK(beta.line() == 16);
        CHECK(std::string(beta.what()).find("alpha: expected 1e-06 <= alpha <= 10000000000, found 1e+50") != std::string::npos);
        const auto tiny = error_of(with("annual = { beta = [1, 1e-200], range = [0, 100] }"));
        CHECK(std::string(tiny.what()).find("beta: expected 1e-06 <= beta") != std::string::npos);
        const auto pert = error_of(with("annual = { pert = [0, 50, 100], lambda = 1e300 }"));
        CHECK(pert.path() == "costs.recurring[0].annual.pert");
        CHECK(std::string(pert.what()).find("lambda: expected lambda <= 1000000000, found 1e+300") != std::string::npos);
    }
    SUBCASE("a median beyond a double") {
        const auto e = error_of(with("annual = { lognormal = [800, 1] }"));  // e^800
        CHECK(e.path() == "costs.recurring[0].annual.lognormal");
        CHECK(e.line() == 16);
        CHECK(std::string(e.what()).find("median of LogNormal(mu = 800, sigma = 1) overflows a double") != std::string::npos);
    }
    SUBCASE("values the trials can draw beyond a double") {
        // exp(0 + 1000 * 8.2095) at u = 1 - 2^-53; the median, 1, is fine.
        const auto e = error_of(with("annual = { lognormal = [0, 1000] }"));
        CHECK(e.path() == "costs.recurring[0].annual");
        CHECK(e.line() == 16);
        CHECK(std::string(e.what()).find("expected every value the trials can draw to be a finite number, but at "
                                         "probability 1 - 2^-53: quantile of LogNormal(mu = 0, sigma = 1000) overflows") !=
              std::string::npos);
        // 1e308 * 8.2 at the top; the truncation keeps the bottom at 0.
        const auto n = error_of(with("annual = { normal = [0, 1e308], truncate = [0, inf] }"));
        CHECK(n.path() == "costs.recurring[0].annual");
        CHECK(std::string(n.what()).find("at probability 1 - 2^-53") != std::string::npos);
        // ... and at the bottom, for a value that may be negative: 0 - 1e308 * 8.2095.
        const auto low = error_of(base + "delay_months = { normal = [0, 1e308] }\n");
        CHECK(low.path() == "adoption.delay_months");
        CHECK(low.line() == 14);
        CHECK(std::string(low.what()).find("at probability 2^-53: quantile of Normal(0, 1e+308) overflows") != std::string::npos);
    }
    SUBCASE("a correlation of an unknown input") {
        const auto e = error_of(with("annual = { uniform = [1, 2] }") +
                                "\n[[correlations]]\ninputs = [\"costs.recurring[0].annual\", \"nope\"]\nrank = 0.5\n");
        CHECK(e.path() == "correlations[0].inputs");
        CHECK(std::string(e.what()).find("costs.recurring[0].annual") != std::string::npos);
    }
}
