#include <credroi/status_quo.hpp>

#include <Eigen/Core>
#include <doctest/doctest.h>

#include <string>
#include <utility>

using doctest::Approx;

namespace {

credroi::Segment segment(std::string name, double headcount, double annual_attrition, double annual_salary,
                         double replacement_cost_share) {
    credroi::Segment g;
    g.name = std::move(name);
    g.headcount = headcount;
    g.annual_attrition = annual_attrition;
    g.annual_salary = annual_salary;
    g.replacement_cost_share = replacement_cost_share;
    return g;
}

credroi::Scenario two_segments_with_paper_and_verification() {
    credroi::Scenario s;
    s.segments = {segment("staff", 1000, 0.12, 50000, 0.3), segment("managers", 200, 0.05, 80000, 0.5)};
    credroi::PaperBenefit paper;
    paper.certificates_per_year = 5000;
    paper.print_cost = 2.5;
    paper.postage_cost = 1.5;
    paper.handling_minutes = 6;
    paper.hourly_cost = 40;
    paper.reissue_share = 0.02;
    s.benefits.paper = paper;
    credroi::VerificationBenefit verification;
    verification.requests_per_year = 1200;
    verification.minutes_per_request = 15;
    verification.hourly_cost = 40;
    s.benefits.verification = verification;
    return s;
}

}  // namespace

TEST_CASE("status quo: attrition, paper certificates and verification a year, by hand") {
    const credroi::StatusQuo q = credroi::status_quo(two_segments_with_paper_and_verification());
    REQUIRE(q.attrition.size() == 2);
    // staff: 1000 * 0.12 = 120 leavers, 0.3 * 50,000 = 15,000 each, 1,800,000 a year
    CHECK(q.attrition[0].name == "staff");
    CHECK(q.attrition[0].leavers_per_year == Approx(120));
    CHECK(q.attrition[0].replacement_cost_per_leaver == Approx(15000));
    CHECK(q.attrition[0].cost_per_year == Approx(1800000));
    // managers: 200 * 0.05 = 10 leavers, 0.5 * 80,000 = 40,000 each, 400,000 a year
    CHECK(q.attrition[1].leavers_per_year == Approx(10));
    CHECK(q.attrition[1].replacement_cost_per_leaver == Approx(40000));
    CHECK(q.attrition[1].cost_per_year == Approx(400000));
    CHECK(q.attrition_cost_per_year == Approx(2200000));
    // one certificate: 2.5 + 1.5 + 6 / 60 * 40 + 0.02 * (2.5 + 1.5) = 4 + 4 + 0.08 = 8.08; 5,000 a year: 40,400
    REQUIRE(q.paper_unit_cost);
    CHECK(*q.paper_unit_cost == Approx(8.08));
    CHECK(*q.paper_cost_per_year == Approx(40400));
    // 1,200 requests * 15 minutes / 60 * 40 an hour = 12,000
    REQUIRE(q.verification_cost_per_year);
    CHECK(*q.verification_cost_per_year == Approx(12000));
}

TEST_CASE("status quo: absent benefits and segments give nothing, not zeros") {
    credroi::Scenario s;
    const credroi::StatusQuo q = credroi::status_quo(s);
    CHECK(q.attrition.empty());
    CHECK(q.attrition_cost_per_year == 0.0);
    CHECK(!q.paper_unit_cost);
    CHECK(!q.paper_cost_per_year);
    CHECK(!q.verification_cost_per_year);
}

TEST_CASE("status quo: the paper unit cost is one formula for numbers and for the model's arrays of trials") {
    // The model evaluates paper_unit_cost on columns of trials; each trial must
    // get exactly what the scalar formula gives (the report's figure).
    Eigen::ArrayXXd x(3, 5);
    x << 2.5, 1.5, 6.0, 40.0, 0.02,   //
        0.1, 0.7, 3.3, 27.5, 0.3,     //
        1e-3, 9.0, 0.0, 1e6, 1.0 / 3;
    const Eigen::ArrayXd batch = credroi::paper_unit_cost(x.col(0), x.col(1), x.col(2), x.col(3), x.col(4));
    for (Eigen::Index t = 0; t < x.rows(); ++t)
        CHECK(batch(t) == credroi::paper_unit_cost(x(t, 0), x(t, 1), x(t, 2), x(t, 3), x(t, 4)));
}
