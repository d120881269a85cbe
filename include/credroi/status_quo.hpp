#pragma once
// What the problems a programme addresses cost today, before any programme:
// the figures behind the report's Need section, from a scenario's base
// values. Each is a product of the scenario's own inputs (no model run); the
// cost of one paper certificate is the formula the model's paper benefit
// uses, defined once here.
#include <credroi/scenario.hpp>

#include <optional>
#include <string>
#include <vector>

namespace credroi {

/// Cost of one paper certificate: print and postage, handling time at the
/// hourly cost, and reissues (a share of certificates per year, each at print
/// plus postage). For numbers and for Eigen arrays of trials alike (the
/// model evaluates it per trial).
template <class T>
auto paper_unit_cost(const T& print, const T& postage, const T& handling_minutes, const T& hourly_cost,
                     const T& reissue_share) {
    return print + postage + handling_minutes / 60.0 * hourly_cost + reissue_share * (print + postage);
}

/// One segment's attrition today.
struct SegmentAttrition {
    std::string name;
    double headcount = 0;
    double annual_attrition = 0;             ///< share leaving per year
    double leavers_per_year = 0;             ///< headcount * annual_attrition
    double replacement_cost_per_leaver = 0;  ///< replacement_cost_share * annual_salary
    double cost_per_year = 0;                ///< leavers_per_year * replacement_cost_per_leaver
};

/// The status quo a year, at the scenario's base values.
struct StatusQuo {
    std::vector<SegmentAttrition> attrition;  ///< one per segment, in the scenario's order
    double attrition_cost_per_year = 0;       ///< all segments
    /// With a paper benefit: the cost of one certificate and of a year's certificates.
    std::optional<double> paper_unit_cost, paper_cost_per_year;
    /// With a verification benefit: requests * minutes / 60 * hourly cost.
    std::optional<double> verification_cost_per_year;
};

inline StatusQuo status_quo(const Scenario& s) {
    StatusQuo q;
    for (const Segment& g : s.segments) {
        SegmentAttrition a;
        a.name = g.name;
        a.headcount = g.headcount.value;
        a.annual_attrition = g.annual_attrition.value;
        a.leavers_per_year = a.headcount * a.annual_attrition;
        a.replacement_cost_per_leaver = g.replacement_cost_share.value * g.annual_salary.value;
        a.cost_per_year = a.leavers_per_year * a.replacement_cost_per_leaver;
        q.attrition_cost_per_year += a.cost_per_year;
        q.attrition.push_back(a);
    }
    if (const auto& p = s.benefits.paper) {
        q.paper_unit_cost = paper_unit_cost(p->print_cost.value, p->postage_cost.value, p->handling_minutes.value,
                                            p->hourly_cost.value, p->reissue_share.value);
        q.paper_cost_per_year = p->certificates_per_year.value * *q.paper_unit_cost;
    }
    if (const auto& v = s.benefits.verification)
        q.verification_cost_per_year = v->requests_per_year.value * v->minutes_per_request.value / 60.0 * v->hourly_cost.value;
    return q;
}

}  // namespace credroi
