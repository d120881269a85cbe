// The model (model.hpp): every driver, line, budget rule and metric, with the
// arithmetic worked out by hand in the comments.
#include <credroi/model.hpp>

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

using credroi::YearMonth;
using doctest::Approx;

namespace {

// 100 people, no growth, adoption through 10 % by 2026-03 and 50 % by 2026-09.
credroi::Scenario minimal(int horizon = 12, double rate = 0.0) {
    credroi::Scenario s;
    s.name = "test";
    s.start = YearMonth(2026, 1);
    s.horizon_months = horizon;
    s.discount_rate = rate;
    credroi::Segment g;
    g.name = "staff";
    g.headcount = 100;
    s.segments.push_back(g);
    s.adoption.milestones = {{YearMonth(2026, 3), 0.1}, {YearMonth(2026, 9), 0.5}};
    return s;
}

const credroi::MonthlyLine& line(const std::vector<credroi::MonthlyLine>& lines, const std::string& name) {
    for (const auto& l : lines)
        if (l.name == name) return l;
    FAIL("no line " << name);
    return lines.front();
}

double sum(const std::vector<double>& v, std::size_t from = 0, std::size_t n = std::string::npos) {
    const std::size_t to = n == std::string::npos ? v.size() : from + n;
    return std::accumulate(v.begin() + static_cast<long>(from), v.begin() + static_cast<long>(to), 0.0);
}

}  // namespace

TEST_CASE("model: the tiny scenario worked out by hand") {
    credroi::Scenario s = minimal();
    s.fiscal_calendar = credroi::FiscalCalendar(7);
    s.costs.one_off.push_back({"set-up", 1200.0, 1.0, YearMonth(2026, 1)});
    credroi::RecurringCost licence;
    licence.name = "licence";
    licence.annual = 1200.0;
    s.costs.recurring.push_back(licence);
    credroi::OtherBenefit saving;
    saving.name = "savings";
    saving.annual = 4800.0;
    saving.scales_with_adoption = false;
    s.benefits.other.push_back(saving);

    const credroi::Evaluation e = credroi::evaluate(s);
    // costs: 1,200 + 100 in January, then 100 a month; benefits 400 a month
    CHECK(e.costs[0] == Approx(1300.0));
    CHECK(e.costs[5] == Approx(100.0));
    CHECK(e.benefits[11] == Approx(400.0));
    // net -900, then +300 x 11: NPV at 0 % = 2,400
    CHECK(e.metrics.npv == Approx(2400.0));
    CHECK(e.metrics.total_costs == Approx(2400.0));
    // cumulative -900, -600, -300, 0 at t = 1..4 months: payback 4.0, break-even in April
    REQUIRE(e.metrics.payback_months);
    CHECK(*e.metrics.payback_months == Approx(4.0));
    REQUIRE(e.metrics.break_even_month);
    CHECK(*e.metrics.break_even_month == YearMonth(2026, 4));
    // at 0 % the discounted payback equals the simple one
    CHECK(*e.metrics.discounted_payback_months == Approx(4.0));
    // ROI = (4,800 - 2,400) / 2,400 = 1; BCR = 2
    CHECK(*e.metrics.roi == Approx(1.0));
    CHECK(*e.metrics.bcr == Approx(2.0));
    // IRR: the monthly rate r with -900 + 300 * a(11, r) = 0
    REQUIRE(e.metrics.irr);
    const double r = std::pow(1.0 + *e.metrics.irr, 1.0 / 12.0) - 1.0;
    double pv = -900.0;
    for (int i = 1; i <= 11; ++i) pv += 300.0 / std::pow(1.0 + r, i);
    CHECK(pv == Approx(0.0).epsilon(1e-9).scale(900.0));
    // MIRR on x = [0, -900, 300 x 11] (end-of-month flows, t = 0..12), rates 0:
    // PV_neg = 900, FV_pos at t = 12 = 3,300, so (1 + mirr_m)^12 = 3300 / 900
    // and the annual MIRR is 3300 / 900 - 1 = 2.6667 (docs/model.md section 8)
    REQUIRE(e.metrics.mirr);
    CHECK(*e.metrics.mirr == Approx(3300.0 / 900.0 - 1.0).epsilon(1e-12));
    // fiscal years from July: Jan-Jun 2026 = FY2026 (6 months), Jul-Dec = FY2027
    REQUIRE(e.fiscal_years.size() == 2);
    CHECK(e.fiscal_years[0].label == "FY2026");
    CHECK(e.fiscal_years[0].month_count == 6);
    CHECK(e.fiscal_years[0].costs == Approx(1800.0));
    CHECK(e.fiscal_years[0].benefits == Approx(2400.0));
    CHECK(e.fiscal_years[1].net == Approx(1800.0));
    CHECK(e.fiscal_years[1].cumulative_net == Approx(2400.0));
    CHECK(!e.fiscal_years[0].budget);
}

TEST_CASE("model: discounting at the end of each month, or at its start") {
    credroi::Scenario s = minimal(12, 0.10);
    s.costs.one_off.push_back({"cost", 1000.0, 1.0, YearMonth(2026, 12)});
    // month 11 ends one year after the start: PV = 1,000 / 1.1 = 909.0909...
    CHECK(credroi::evaluate(s).metrics.npv == Approx(-1000.0 / 1.1).epsilon(1e-12));
    s.cash_flows_at_month_start = true;
    // at the start of month 11: t = 11/12 years
    CHECK(credroi::evaluate(s).metrics.npv == Approx(-1000.0 / std::pow(1.1, 11.0 / 12.0)).epsilon(1e-12));
}

TEST_CASE("model: population growth and adoption drivers") {
    credroi::Scenario s = minimal(24);
    s.segments[0].annual_growth = 0.10;
    s.segments[0].eligible_share = 0.5;
    s.credentials_per_earner_per_year = 3.0;
    const credroi::Evaluation e = credroi::evaluate(s);
    // headcount x 1.1^(i/12): month 12 has 110 people
    CHECK(e.population[0] == Approx(100.0));
    CHECK(e.population[12] == Approx(110.0).epsilon(1e-12));
    // adoption passes through its milestones at the end of their months
    CHECK(e.adoption[2] == Approx(0.1).epsilon(1e-12));  // 2026-03
    CHECK(e.adoption[8] == Approx(0.5).epsilon(1e-12));  // 2026-09
    // earners = adoption x population x eligible share; credentials = earners x 3 / 12
    CHECK(e.earners[8] == Approx(0.5 * 100.0 * std::pow(1.1, 8.0 / 12.0) * 0.5));
    CHECK(e.credentials[8] == Approx(e.earners[8] * 0.25));
    CHECK(e.metrics.total_credentials == Approx(sum(e.credentials)));
}

TEST_CASE("model: a delay shifts the adoption curve") {
    credroi::Scenario s = minimal(24);
    s.adoption.delay_months = 3.0;
    const credroi::Evaluation e = credroi::evaluate(s);
    CHECK(e.adoption[5] == Approx(0.1).epsilon(1e-12));   // the 10 % milestone moves from 2026-03 to 2026-06
    CHECK(e.adoption[11] == Approx(0.5).epsilon(1e-12));  // and 50 % from 2026-09 to 2026-12
}

TEST_CASE("model: recurring costs, billing and escalation") {
    credroi::Scenario s = minimal(36);
    credroi::RecurringCost annual;
    annual.name = "annual";
    annual.annual = 1200.0;
    annual.annual_escalation = 0.10;
    annual.billing = credroi::Billing::annually_in_advance;
    s.costs.recurring.push_back(annual);
    credroi::RecurringCost monthly = annual;
    monthly.name = "monthly";
    monthly.billing = credroi::Billing::monthly;
    monthly.start = YearMonth(2026, 7);
    monthly.end = YearMonth(2027, 12);
    s.costs.recurring.push_back(monthly);
    credroi::StaffCost staff;
    staff.name = "manager";
    staff.fte = 0.5;
    staff.annual_loaded_cost = 60000.0;
    s.costs.staff.push_back(staff);
    const credroi::Evaluation e = credroi::evaluate(s);

    const auto& a = line(e.cost_lines, "annual").monthly;
    // in advance on each anniversary: 1,200, 1,320, 1,452
    CHECK(a[0] == Approx(1200.0));
    CHECK(a[1] == 0.0);
    CHECK(a[12] == Approx(1320.0));
    CHECK(a[24] == Approx(1452.0));
    CHECK(sum(a) == Approx(3972.0));
    const auto& m = line(e.cost_lines, "monthly").monthly;
    // from 2026-07 (month 6): 100 a month, 110 from its first anniversary 2027-07; ends 2027-12 (month 23)
    CHECK(m[5] == 0.0);
    CHECK(m[6] == Approx(100.0));
    CHECK(m[17] == Approx(100.0));
    CHECK(m[18] == Approx(110.0));
    CHECK(m[23] == Approx(110.0));
    CHECK(m[24] == 0.0);
    // 0.5 FTE x 60,000 / 12 = 2,500 a month
    CHECK(line(e.cost_lines, "manager").monthly[30] == Approx(2500.0));
}

TEST_CASE("model: vendor volume tiers are counted per contract year") {
    credroi::Scenario s = minimal(48);
    s.credentials_per_earner_per_year = 12.0;  // one credential per earner per month
    credroi::VendorContract v;
    v.name = "vendor";
    v.contract_start = YearMonth(2026, 4);  // anniversaries in April, not at the fiscal year
    v.tiers = {{100.0, 1.0, 50.0}, {500.0, 0.5, 0.0}, {std::nullopt, 0.25, 0.0}};
    v.annual_escalation = 0.10;
    v.discount_share = 0.2;
    for (auto pricing : {credroi::TierPricing::graduated, credroi::TierPricing::all_units}) {
        for (auto unit : {credroi::VolumeUnit::credentials, credroi::VolumeUnit::recipients}) {
            v.pricing = pricing;
            v.unit = unit;
            s.costs.vendors = {v};
            const credroi::Evaluation e = credroi::evaluate(s);
            const auto& cost = line(e.cost_lines, "vendor").monthly;
            const credroi::TieredPrice price(v.tiers, pricing);
            CHECK(cost[0] == 0.0);  // before the contract
            CHECK(cost[2] == 0.0);
            // each contract year's charges add up to the tier price of that year's volume,
            // times (1 - discount) and (1.1)^contract year
            for (int year = 0; year < 3; ++year) {
                const std::size_t first = static_cast<std::size_t>(3 + 12 * year);
                double volume = 0;
                for (std::size_t i = first; i < first + 12; ++i)
                    volume = unit == credroi::VolumeUnit::credentials ? volume + e.credentials[i] : std::max(volume, e.earners[i]);
                CHECK(sum(cost, first, 12) == Approx(price.cost(volume) * 0.8 * std::pow(1.1, year)).epsilon(1e-12));
            }
            // the first tier's flat fee is due in the contract's first month
            CHECK(cost[3] >= 50.0 * 0.8);
        }
    }
}

TEST_CASE("model: quality reviews follow their audit cycle") {
    credroi::Scenario s = minimal(72);
    credroi::QualityReview iso;
    iso.name = "ISO 29993";
    iso.first_date = YearMonth(2026, 9);
    iso.initial = 5000.0;
    iso.surveillance = 2000.0;
    iso.recertification = 4000.0;
    iso.cycle_years = 3;
    s.costs.quality_reviews.push_back(iso);
    const credroi::Evaluation e = credroi::evaluate(s);
    const auto& c = line(e.cost_lines, "ISO 29993").monthly;
    // initial 2026-09 (month 8); surveillance 2027-09, 2028-09; recertification 2029-09; surveillance 2030-09, 2031-09
    CHECK(c[8] == 5000.0);
    CHECK(c[20] == 2000.0);
    CHECK(c[32] == 2000.0);
    CHECK(c[44] == 4000.0);
    CHECK(c[56] == 2000.0);
    CHECK(c[68] == 2000.0);
    CHECK(sum(c) == Approx(5000.0 + 4 * 2000.0 + 4000.0));
}

TEST_CASE("model: staff time per credential and contingency") {
    credroi::Scenario s = minimal(12);
    s.credentials_per_earner_per_year = 12.0;
    s.costs.staff_time = credroi::StaffTimePerCredential{6.0, 30.0};  // 6 minutes at 30/h = 3 per credential
    s.costs.one_off.push_back({"set-up", 1000.0, 1.0, YearMonth(2026, 1)});
    s.costs.contingency_share = 0.1;
    const credroi::Evaluation e = credroi::evaluate(s);
    const auto& staff = line(e.cost_lines, "staff time per credential").monthly;
    const auto& contingency = line(e.cost_lines, "contingency").monthly;
    CHECK(staff[5] == Approx(3.0 * e.credentials[5]));
    CHECK(contingency[0] == Approx(0.1 * (1000.0 + staff[0])));
    CHECK(e.costs[0] == Approx(1.1 * (1000.0 + staff[0])));
}

TEST_CASE("model: benefit lines, with lag, ramp and attribution") {
    credroi::Scenario s = minimal(24);
    s.segments[0].annual_attrition = 0.24;
    s.segments[0].annual_salary = 50000.0;
    s.segments[0].replacement_cost_share = 0.4;
    s.credentials_per_earner_per_year = 2.0;
    credroi::PaperBenefit paper;
    paper.certificates_per_year = 1200.0;
    paper.print_cost = 3.0;
    paper.postage_cost = 2.0;
    paper.handling_minutes = 30.0;
    paper.hourly_cost = 20.0;
    paper.reissue_share = 0.1;
    s.benefits.paper = paper;
    credroi::RetentionBenefit retention;
    retention.relative_attrition_reduction = 0.05;
    retention.lag_months = 3.0;
    retention.ramp_months = 2.0;
    retention.attribution_share = 0.5;
    s.benefits.retention = retention;
    credroi::CredentialFeeBenefit fees;
    fees.fee_per_credential = 10.0;
    fees.paying_share = 0.5;
    s.benefits.credential_fees = fees;
    credroi::VerificationBenefit verification;
    verification.requests_per_year = 120.0;
    verification.minutes_per_request = 30.0;
    verification.hourly_cost = 40.0;
    s.benefits.verification = verification;
    const credroi::Evaluation e = credroi::evaluate(s);

    // per certificate 3 + 2 + 30/60 x 20 + 0.1 x (3 + 2) = 15.5; 100 certificates a month x adoption
    const auto& p = line(e.benefit_lines, "paper certificates avoided").monthly;
    CHECK(p[7] == Approx(100.0 * e.adoption[7] * 15.5));
    // 10 requests a month x 30 min at 40/h = 200 x adoption
    CHECK(line(e.benefit_lines, "verification requests handled automatically").monthly[7] == Approx(200.0 * e.adoption[7]));
    // earners x 0.24/12 leavers x 5 % fewer x 0.4 x 50,000, times attribution 0.5 and the ramp:
    // lag 3, ramp 2: months 0-2 nothing, month 3 half ((4 - 3) / 2), from month 4 in full
    const auto& r = line(e.benefit_lines, "attrition avoided").monthly;
    auto full = [&](std::size_t i) { return e.earners[i] * 0.02 * 0.05 * 0.4 * 50000.0 * 0.5; };
    CHECK(r[2] == 0.0);
    CHECK(r[3] == Approx(0.5 * full(3)));
    CHECK(r[4] == Approx(full(4)));
    CHECK(r[20] == Approx(full(20)));
    // credentials x 10 x 0.5
    CHECK(line(e.benefit_lines, "credential fees").monthly[9] == Approx(e.credentials[9] * 5.0));
}

TEST_CASE("model: the budget envelope per fiscal year") {
    credroi::Scenario s = minimal(24);
    s.fiscal_calendar = credroi::FiscalCalendar(4);  // FY2026 = Jan-Mar 2026 here (3 months), FY2027, FY2028 (9 months)
    s.costs.one_off.push_back({"set-up", 20000.0, 1.0, YearMonth(2026, 5)});
    credroi::Budget b;
    b.annual = 12000.0;
    b.annual_escalation = 0.5;
    b.extension_per_earner = 10.0;
    b.extension_cap = 300.0;
    b.by_fiscal_year["FY2028"] = 1000.0;
    s.budget = b;
    const credroi::Evaluation e = credroi::evaluate(s);
    REQUIRE(e.fiscal_years.size() == 3);
    // FY2026: 12,000 x 3/12 = 3,000, plus 10 x peak earners (capped at 300)
    const double peak0 = *std::max_element(e.earners.begin(), e.earners.begin() + 3);
    CHECK(*e.fiscal_years[0].budget == Approx(3000.0 + std::min(300.0, 10.0 * peak0)));
    // FY2027: 12,000 x 1.5 (second year) + the cap (peak earners are above 30)
    CHECK(*e.fiscal_years[1].budget == Approx(18000.0 + 300.0));
    CHECK(*e.fiscal_years[1].shortfall == Approx(20000.0 - 18300.0));
    // FY2028 is set explicitly: 1,000 + 300
    CHECK(*e.fiscal_years[2].budget == Approx(1300.0));
    CHECK(*e.fiscal_years[2].shortfall == 0.0);
    CHECK(e.metrics.total_shortfall == Approx(1700.0));
}

TEST_CASE("model: an input is the same in every trial only if every value equals the first") {
    using credroi::detail::same_in_every_trial;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    CHECK(!same_in_every_trial(nullptr, 0));
    // Every length across a vector register's width, one odd value at every place.
    for (int n = 1; n <= 19; ++n) {
        std::vector<double> v(static_cast<std::size_t>(n), 0.25);
        CAPTURE(n);
        CHECK(same_in_every_trial(v.data(), n));
        for (int at = 0; at < n; ++at) {
            CAPTURE(at);
            std::vector<double> w = v;
            w[static_cast<std::size_t>(at)] = std::nextafter(0.25, 1.0);  // one ulp apart
            CHECK(same_in_every_trial(w.data(), n) == (n == 1));
            w[static_cast<std::size_t>(at)] = nan;  // never the same as anything, itself included
            CHECK(!same_in_every_trial(w.data(), n));
        }
    }
    const double zeros[] = {0.0, -0.0, 0.0, -0.0, -0.0, 0.0, 0.0, -0.0, 0.0};  // equal numbers
    CHECK(same_in_every_trial(zeros, 9));
}

TEST_CASE("model: evaluate() is the batch engine at the base values") {
    credroi::Scenario s = minimal(24, 0.07);
    s.costs.one_off.push_back({"set-up", 5000.0, 1.0, YearMonth(2026, 1)});
    s.segments[0].annual_salary = 40000.0;
    credroi::ProductivityBenefit pb;
    pb.uplift_share_of_salary = 0.01;
    s.benefits.productivity = pb;
    const credroi::Model model(s);
    const credroi::Evaluation base = model.evaluate();
    std::vector<double> values;
    for (const auto& in : model.inputs()) values.push_back(in.base);
    const credroi::Evaluation again = model.evaluate(values);
    CHECK(base.metrics.npv == again.metrics.npv);  // bit for bit

    // a batch of three trials: the middle one at the base values gives the same bits
    Eigen::ArrayXXd x(3, static_cast<Eigen::Index>(values.size()));
    for (Eigen::Index k = 0; k < x.cols(); ++k) x.col(k).setConstant(values[static_cast<std::size_t>(k)]);
    const int salary = *model.input_index("segments[0].annual_salary");
    x(0, salary) = 20000.0;
    x(2, salary) = 80000.0;
    credroi::BatchResult b;
    model.evaluate_batch(x, b, false);
    CHECK(model.metrics(b, 1).npv == base.metrics.npv);
    CHECK(model.metrics(b, 0).npv < base.metrics.npv);
    CHECK(model.metrics(b, 2).npv > base.metrics.npv);
}

TEST_CASE("model: a batch without the drivers is the same batch, population and adoption aside") {
    // What the Monte Carlo engine evaluates (keep_drivers = false) against the
    // full batch: every array the metrics and the budget read, bit for bit, over
    // trials that differ in headcount, growth, salary and delay.
    credroi::Scenario s = minimal(30, 0.06);
    s.segments[0].annual_growth = 0.05;
    s.segments[0].annual_attrition = 0.2;
    s.segments[0].annual_salary = 40000.0;
    s.segments[0].replacement_cost_share = 0.5;
    s.credentials_per_earner_per_year = 2.0;
    s.adoption.delay_months = 2.0;  // 2 to 4 months over the trials below
    s.costs.one_off.push_back({"set-up", 5000.0, 1.0, YearMonth(2026, 2)});
    credroi::OnboardingBenefit onboarding;  // reads the population of every month
    onboarding.days_saved_per_hire = 5.0;
    s.benefits.onboarding = onboarding;
    credroi::ProductivityBenefit productivity;
    productivity.uplift_share_of_salary = 0.01;
    s.benefits.productivity = productivity;
    credroi::Budget b;
    b.annual = 12000.0;
    b.extension_per_earner = 10.0;
    s.budget = b;
    const credroi::Model model(s);
    const Eigen::Index B = 21;  // not a multiple of a vector register's width
    Eigen::ArrayXXd x(B, static_cast<Eigen::Index>(model.inputs().size()));
    for (Eigen::Index k = 0; k < x.cols(); ++k) x.col(k).setConstant(model.inputs()[static_cast<std::size_t>(k)].base);
    for (const char* name : {"segments[0].headcount", "segments[0].annual_growth", "segments[0].annual_salary", "adoption.delay_months"}) {
        REQUIRE(model.input_index(name));
        const int k = *model.input_index(name);
        for (Eigen::Index t = 0; t < B; ++t) x(t, k) *= 1.0 + 0.05 * static_cast<double>(t);
    }
    credroi::BatchResult full, lean;
    model.evaluate_batch(x, full, false);
    model.evaluate_batch(x, lean, false, false);
    CHECK(full.population.cols() == 30);
    CHECK(lean.population.cols() == 0);
    CHECK(lean.adoption.cols() == 0);
    for (const auto& [f, l] : {std::pair{&full.costs, &lean.costs}, {&full.benefits, &lean.benefits},
                               {&full.discount_factors, &lean.discount_factors}, {&full.earners, &lean.earners},
                               {&full.credentials, &lean.credentials}, {&full.fiscal_year_budget, &lean.fiscal_year_budget}}) {
        REQUIRE(f->rows() == l->rows());
        REQUIRE(f->cols() == l->cols());
        CHECK((*f == *l).all());
    }
    REQUIRE(full.earners.row(3).maxCoeff() != full.earners.row(17).maxCoeff());  // the trials did differ
    for (Eigen::Index t = 0; t < B; ++t) CHECK(model.metrics(lean, t).npv == model.metrics(full, t).npv);

    // A population that overflows (1.5e308 growing 100 % a year, 2^(1/12) a
    // month, is 1.5e308 x 1.0595^4 = 1.89e308 in month 4 (2026-05), beyond
    // the largest double, 1.80e308) is named as such either way.
    credroi::Scenario huge = minimal(12);
    huge.segments[0].headcount = 1.5e308;
    huge.segments[0].annual_growth = 1.0;
    const credroi::Model overflowing(huge);
    const Eigen::ArrayXXd base = overflowing.base_inputs();
    auto message = [&](bool keep_drivers) {
        credroi::BatchResult r;
        try {
            overflowing.evaluate_batch(base, r, false, keep_drivers);
        } catch (const credroi::NumericError& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    CHECK(message(true).find("the population of 2026-05 overflow (inf)") != std::string::npos);
    CHECK(message(false) == message(true));
}

TEST_CASE("model: no IRR and no payback are said, not made up") {
    credroi::Scenario s = minimal(12, 0.05);
    s.costs.one_off.push_back({"set-up", 1000.0, 1.0, YearMonth(2026, 1)});
    const credroi::Evaluation e = credroi::evaluate(s);
    CHECK(!e.metrics.irr);
    CHECK(e.metrics.irr_status == credroi::IrrStatus::no_sign_change);
    CHECK(!e.metrics.payback_months);
    CHECK(!e.metrics.discounted_payback_months);
    CHECK(!e.metrics.break_even_month);
    CHECK(!e.metrics.mirr);
}

TEST_CASE("model: bad values are errors that name their path") {
    auto fails_with = [](const credroi::Scenario& s, const std::string& path) {
        try {
            credroi::Model m(s);
            FAIL("no error for " << path);
        } catch (const credroi::ParameterError& e) {
            CHECK(e.path() == path);
        }
    };
    credroi::Scenario s = minimal();
    s.segments[0].headcount = -1.0;
    fails_with(s, "segments[0].headcount");
    s = minimal();
    s.horizon_months = 0;
    fails_with(s, "scenario.horizon_months");
    s = minimal();
    s.horizon_months = 181;
    fails_with(s, "scenario.horizon_months");
    s = minimal();
    s.discount_rate = -1.0;
    fails_with(s, "scenario.discount_rate");
    s = minimal();
    s.segments.clear();
    fails_with(s, "segments");
    s = minimal();
    s.costs.one_off.push_back({"late", 1.0, 1.0, YearMonth(2027, 1)});
    fails_with(s, "costs.one_off[0].date");
    s = minimal();
    s.adoption.milestones[1].share = 0.05;
    fails_with(s, "adoption.milestones[1].share");
    s = minimal();
    s.budget = credroi::Budget{};
    s.budget->annual = 100.0;
    s.budget->by_fiscal_year["FY1999"] = 5.0;
    fails_with(s, "budget.by_fiscal_year.FY1999");
    s = minimal();
    credroi::VendorContract v;
    v.contract_start = YearMonth(2026, 1);
    v.tiers = {{100.0, 1.0, 0.0}, {50.0, 1.0, 0.0}};
    s.costs.vendors.push_back(v);
    fails_with(s, "costs.vendors[0].tiers[1].up_to");
}
