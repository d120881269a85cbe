// Builds a small scenario in code (no file) and prints its NPV: what a tool
// that links credroi::credroi does.
#include <credroi/credroi.hpp>

#include <cstdio>

int main() {
    credroi::Scenario s;
    s.name = "Pilot: 500 learners, one year";
    s.currency = "EUR";
    s.start = credroi::YearMonth(2027, 1);
    s.horizon_months = 24;
    s.discount_rate = 0.06;

    credroi::Segment learners;
    learners.name = "learners";
    learners.headcount = 500;
    learners.annual_attrition = 0.19;        // SHRM 2016: 19 % annual turnover
    learners.annual_salary = 50000;
    learners.replacement_cost_share = 0.40;  // Gallup: frontline ~40 % of salary
    s.segments.push_back(learners);

    s.adoption.ceiling = 0.9;
    s.adoption.milestones = {{credroi::YearMonth(2027, 3), 0.10}, {credroi::YearMonth(2027, 9), 0.50}};

    s.costs.one_off.push_back({"set-up", 600.0, 2.0, credroi::YearMonth(2027, 1)});  // 2 staff-days (Creadefy: 1-2 days)
    credroi::RecurringCost licence;
    licence.name = "platform licence";
    licence.annual = 540.0;  // Accredible Launch ~US$45/month (secondary source)
    licence.billing = credroi::Billing::annually_in_advance;
    s.costs.recurring.push_back(licence);

    credroi::RetentionBenefit retention;
    retention.relative_attrition_reduction = 0.01;
    retention.lag_months = 6.0;
    s.benefits.retention = retention;

    const credroi::Evaluation e = credroi::evaluate(s);
    std::printf("%s\nNPV: %.0f %s\n", s.name.c_str(), e.metrics.npv, s.currency.c_str());
    if (e.metrics.payback_months) std::printf("Payback: %.1f months\n", *e.metrics.payback_months);
    return 0;
}
