#pragma once
// Internals of model.hpp: validating a Scenario into a flat table of inputs
// with index-based references (compile), the batch evaluator, and per-trial
// metrics. Not part of the public API.
#include <credroi/adoption.hpp>
#include <credroi/calendar.hpp>
#include <credroi/distributions.hpp>
#include <credroi/sampling.hpp>
#include <credroi/error.hpp>
#include <credroi/finance.hpp>
#include <credroi/pricing.hpp>
#include <credroi/scenario.hpp>

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace credroi {

/// Longest horizon the model accepts: 15 years of months.
inline constexpr int max_horizon_months = 180;

/// What values a scenario number may take; checked on its base value (and,
/// with uncertainty, on the support of its distribution).
enum class Domain { any, non_negative, positive, share, above_minus_one };

/// One number of the scenario as the model sees it: its key path, base value
/// and the values it may take.
struct Input {
    std::string path;
    double base = 0.0;
    Domain domain = Domain::any;
    std::optional<Distribution> distribution;  ///< set for uncertain inputs only
    bool uncertain() const noexcept { return distribution.has_value(); }
};

namespace detail {

inline const char* domain_text(Domain d) {
    switch (d) {
        case Domain::non_negative: return "a number >= 0";
        case Domain::positive: return "a number > 0";
        case Domain::share: return "a share between 0 and 1";
        case Domain::above_minus_one: return "a rate above -1 (-100 %)";
        case Domain::any: break;
    }
    return "a finite number";
}

inline bool in_domain(double x, Domain d) {
    if (!std::isfinite(x)) return false;
    switch (d) {
        case Domain::non_negative: return x >= 0;
        case Domain::positive: return x > 0;
        case Domain::share: return x >= 0 && x <= 1;
        case Domain::above_minus_one: return x > -1;
        case Domain::any: break;
    }
    return true;
}

inline void check_domain(const std::string& path, double x, Domain d) {
    CREDROI_REQUIRE(in_domain(x, d), path, "expected " << domain_text(d) << ", found " << describe(x));
}

struct TimingRef {
    int lag = -1, ramp = -1, attribution = -1;
};

struct SegmentRef {
    int headcount, growth, attrition, salary, replacement, eligible;
};

struct OneOffRef {
    int line, amount, quantity, month;
};

struct RecurringRef {
    int line, annual, factor /* -1 or the FTE input */, escalation;
    bool annual_billing;
    int start, end;  // month offsets from the model start, end inclusive
};

struct VendorRef {
    std::string path;
    int line;
    int start, end;  // contract start offset (may be negative), last month offset
    VolumeUnit unit;
    TieredPrice price;
    int escalation, multiplier, discount;
};

struct QualityRef {
    int line, first, initial, surveillance, recertification, cycle_years, escalation;
};

struct StaffTimeRef {
    int line, minutes, hourly;
};

enum class BenefitKind {
    paper, verification, retention, productivity, internal_mobility, onboarding, credential_fees,
    member_retention, enrolments, other
};

struct BenefitRef {
    BenefitKind kind;
    int line;
    TimingRef timing;
    int a = -1, b = -1, c = -1, d = -1, e = -1, f = -1;  // the line's own inputs, see evaluate_batch
    bool scales_with_adoption = true;
};

struct BudgetRef {
    int annual = -1, escalation = -1, per_earner = -1, per_credential = -1, cap = -1;
    std::vector<std::optional<double>> fixed_by_year;  // from by_fiscal_year
    std::vector<std::string> by_year_paths;
};

struct CompiledModel {
    std::vector<Input> inputs;
    std::vector<FiscalPeriod> fiscal_years;
    std::vector<int> fiscal_year_of_month;
    std::vector<std::string> cost_line_names, cost_line_kinds, benefit_line_names, benefit_line_kinds;
    int discount_rate = -1, reinvestment_rate = -1;
    std::vector<SegmentRef> segments;
    bool bass = false;
    std::optional<LogisticAdoption> logistic;
    double launch_month = -std::numeric_limits<double>::infinity();  // logistic: zero adoption until then
    std::optional<BassAdoption> bass_curve;
    int delay = -1;
    int credentials_per_earner = -1;
    std::vector<OneOffRef> one_off;
    std::vector<RecurringRef> recurring;
    std::vector<VendorRef> vendors;
    std::vector<QualityRef> quality;
    std::optional<StaffTimeRef> staff_time;
    int contingency = -1, contingency_line = -1;
    std::vector<BenefitRef> benefits;
    std::optional<BudgetRef> budget;
    std::vector<int> uncertain;                 // input indices, in the order of the design's columns
    std::vector<Eigen::Index> correlated;       // design columns that the copula couples
    std::optional<RankCorrelation> correlation; // over `correlated`
};


/// Builds the input table while walking the scenario; each number gets its
/// key path, so a bad value is reported where the user wrote it.
class InputRegistry {
public:
    explicit InputRegistry(std::vector<Input>& inputs) : inputs_(inputs) {}
    int add(const std::string& path, const Quantity& q, Domain d) {
        check_domain(path, q.value, d);
        Input in{path, q.value, d, std::nullopt};
        if (q.uncertain()) {
            check_support(path, *q.distribution, d);
            in.distribution = q.distribution;
        }
        inputs_.push_back(std::move(in));
        return static_cast<int>(inputs_.size()) - 1;
    }

    /// Every value a distribution can take must be allowed, not just its base:
    /// a normal headcount would otherwise go negative in some trials.
    static void check_support(const std::string& path, const Distribution& dist, Domain d) {
        const auto [lo, hi] = support(dist);
        bool ok = true;
        switch (d) {
            case Domain::non_negative: ok = lo >= 0; break;
            case Domain::positive: ok = lo > 0; break;
            case Domain::share: ok = lo >= 0 && hi <= 1; break;
            case Domain::above_minus_one: ok = lo > -1; break;
            case Domain::any: ok = true; break;
        }
        CREDROI_REQUIRE(ok, path, "expected " << domain_text(d) << " in every trial, but " << describe(dist)
                                              << " ranges from " << describe(lo) << " to " << describe(hi)
                                              << "; narrow or truncate it");
        // Plain Monte Carlo and Sobol draw uniforms in [2^-53, 1 - 2^-53] (Latin
        // hypercube's lowest stratum reaches 2^-53 / batch size): the values at
        // both ends must be numbers, or a long run fails at the rare trial that
        // draws them. Here the error names the input where the user wrote it.
        for (const double u : {detail::unit_open_min, detail::unit_open_max}) {
            std::string why;
            try {
                const double x = quantile(dist, u);
                if (!std::isfinite(x)) why = describe(dist) + " gives " + describe(x);
            } catch (const NumericError& e) {
                why = e.what();
            }
            CREDROI_REQUIRE(why.empty(), path, "expected every value the trials can draw to be a finite number, but at probability "
                                                   << (u < 0.5 ? "2^-53" : "1 - 2^-53") << ": " << why << "; narrow it");
        }
    }

private:
    std::vector<Input>& inputs_;
};

inline std::string indexed(const std::string& base, std::size_t i) {
    return base + "[" + std::to_string(i) + "]";
}

/// Registers a line; names are made unique ("licence (2)") because outputs key lines by name.
inline int add_line(std::vector<std::string>& names, std::vector<std::string>& kinds, std::string name,
                    std::string kind) {
    std::string unique = name;
    for (int n = 2; std::find(names.begin(), names.end(), unique) != names.end(); ++n)
        unique = name + " (" + std::to_string(n) + ")";
    names.push_back(std::move(unique));
    kinds.push_back(std::move(kind));
    return static_cast<int>(names.size()) - 1;
}

inline TimingRef compile_timing(InputRegistry& reg, const std::string& path, const BenefitTiming& t) {
    TimingRef r;
    r.lag = reg.add(path + ".lag_months", t.lag_months, Domain::non_negative);
    r.ramp = reg.add(path + ".ramp_months", t.ramp_months, Domain::non_negative);
    r.attribution = reg.add(path + ".attribution_share", t.attribution_share, Domain::share);
    return r;
}

inline CompiledModel compile(const Scenario& s) {
    CompiledModel c;
    InputRegistry reg(c.inputs);
    CREDROI_REQUIRE(s.horizon_months >= 1 && s.horizon_months <= max_horizon_months, "scenario.horizon_months",
                    "expected a whole number of months from 1 to " << max_horizon_months << ", found "
                                                                    << s.horizon_months);
    const int H = s.horizon_months;
    // Said here, with the keys a user can change, rather than as plus_months' "months".
    CREDROI_REQUIRE(s.start.year * 12 + s.start.month - 1 + (H - 1) <= max_year * 12 + 11, "scenario.horizon_months",
                    "expected a horizon that ends by " << max_year << "-12; from " << s.start.to_string() << ", "
                                                       << H << " months run past it");
    const YearMonth last = s.start.plus_months(H - 1);
    auto offset = [&](YearMonth m) { return months_between(s.start, m); };
    auto within_horizon = [&](const std::string& path, YearMonth m) {
        const int k = offset(m);
        CREDROI_REQUIRE(k >= 0 && k < H, path,
                        "expected a month within the horizon " << s.start.to_string() << " to " << last.to_string()
                                                               << ", found " << m.to_string());
        return k;
    };

    c.fiscal_years = credroi::fiscal_years(s.start, H, s.fiscal_calendar);
    c.fiscal_year_of_month.assign(static_cast<std::size_t>(H), 0);
    for (std::size_t f = 0; f < c.fiscal_years.size(); ++f)
        for (int i = 0; i < c.fiscal_years[f].month_count; ++i)
            c.fiscal_year_of_month[static_cast<std::size_t>(c.fiscal_years[f].first_month_index + i)] = static_cast<int>(f);

    c.discount_rate = reg.add("scenario.discount_rate", s.discount_rate, Domain::above_minus_one);
    c.reinvestment_rate = s.reinvestment_rate ? reg.add("scenario.reinvestment_rate", *s.reinvestment_rate, Domain::above_minus_one)
                                              : c.discount_rate;

    CREDROI_REQUIRE(!s.segments.empty(), "segments", "expected at least one [[segments]] entry (the people the programme reaches), found none");
    for (std::size_t k = 0; k < s.segments.size(); ++k) {
        const Segment& g = s.segments[k];
        const std::string p = indexed("segments", k);
        SegmentRef r{};
        r.headcount = reg.add(p + ".headcount", g.headcount, Domain::non_negative);
        r.growth = reg.add(p + ".annual_growth", g.annual_growth, Domain::above_minus_one);
        r.attrition = reg.add(p + ".annual_attrition", g.annual_attrition, Domain::share);
        r.salary = reg.add(p + ".annual_salary", g.annual_salary, Domain::non_negative);
        r.replacement = reg.add(p + ".replacement_cost_share", g.replacement_cost_share, Domain::non_negative);
        r.eligible = reg.add(p + ".eligible_share", g.eligible_share, Domain::share);
        c.segments.push_back(r);
    }

    // Adoption: the curve's shape is fixed by the milestones; the delay is the
    // uncertain part ("what can delay or speed up your timeline").
    const Adoption& a = s.adoption;
    std::vector<AdoptionMilestone> ms;
    for (const Milestone& m : a.milestones) ms.push_back({static_cast<double>(offset(m.date) + 1), m.share});
    if (a.model == AdoptionModel::logistic) {
        CREDROI_REQUIRE(!a.bass_p, "adoption.bass_p", "applies to model = \"bass\" only; this adoption is logistic");
        CREDROI_REQUIRE(!a.bass_q, "adoption.bass_q", "applies to model = \"bass\" only; this adoption is logistic");
        c.logistic = LogisticAdoption::fit(ms, a.ceiling);
        if (a.launch) {
            c.launch_month = static_cast<double>(offset(*a.launch));
            for (std::size_t k = 0; k < ms.size(); ++k)
                CREDROI_REQUIRE(ms[k].month > c.launch_month, "adoption.milestones[" + std::to_string(k) + "].date",
                                "expected a month from the launch " << a.launch->to_string() << " on, found "
                                                                    << a.milestones[k].date.to_string());
        }
    } else {
        c.bass = true;
        const double launch = a.launch ? static_cast<double>(offset(*a.launch)) : 0.0;
        if (a.bass_p || a.bass_q) {
            CREDROI_REQUIRE(a.bass_p && a.bass_q, a.bass_p ? "adoption.bass_q" : "adoption.bass_p",
                            "expected both bass_p and bass_q, or neither (then they are fitted through the milestones)");
            c.bass_curve = BassAdoption(*a.bass_p, *a.bass_q, a.ceiling, launch);
            if (!ms.empty()) detail::check_milestones(ms, a.ceiling);  // shown on charts, so they must make sense
        } else {
            c.bass_curve = BassAdoption::fit(ms, a.ceiling, launch);
        }
    }
    c.delay = reg.add("adoption.delay_months", a.delay_months, Domain::any);
    c.credentials_per_earner = reg.add("issuing.credentials_per_earner_per_year", s.credentials_per_earner_per_year, Domain::non_negative);

    // ---- costs
    auto& cn = c.cost_line_names;
    auto& ck = c.cost_line_kinds;
    for (std::size_t k = 0; k < s.costs.one_off.size(); ++k) {
        const OneOffCost& o = s.costs.one_off[k];
        const std::string p = indexed("costs.one_off", k);
        OneOffRef r{};
        r.month = within_horizon(p + ".date", o.date);
        r.amount = reg.add(p + ".amount", o.amount, Domain::non_negative);
        r.quantity = reg.add(p + ".quantity", o.quantity, Domain::non_negative);
        r.line = add_line(cn, ck, o.name.empty() ? "one-off " + std::to_string(k + 1) : o.name, "one_off");
        c.one_off.push_back(r);
    }
    auto compile_recurring = [&](const std::string& p, const std::string& name, const char* kind, const Quantity& annual,
                                 const Quantity* fte, const Quantity& esc, bool annual_billing,
                                 const std::optional<YearMonth>& start, const std::optional<YearMonth>& end) {
        RecurringRef r{};
        r.annual = reg.add(p + (fte ? ".annual_loaded_cost" : ".annual"), annual, Domain::non_negative);
        r.factor = fte ? reg.add(p + ".fte", *fte, Domain::non_negative) : -1;
        r.escalation = reg.add(p + ".annual_escalation", esc, Domain::above_minus_one);
        r.annual_billing = annual_billing;
        r.start = start ? offset(*start) : 0;
        r.end = end ? offset(*end) : H - 1;
        CREDROI_REQUIRE(r.start < H, p + ".start", "expected a month before the horizon ends " << last.to_string()
                                                                                                << ", found " << start->to_string());
        CREDROI_REQUIRE(r.end >= 0, p + ".end", "expected a month from the model start " << s.start.to_string()
                                                                                         << " on, found " << end->to_string());
        CREDROI_REQUIRE(r.end >= r.start, p + ".end",
                        "expected a month not before the start " << (start ? *start : s.start).to_string() << ", found "
                                                                 << (end ? end->to_string() : std::string("?")));
        r.line = add_line(cn, ck, name, kind);
        c.recurring.push_back(r);
    };
    for (std::size_t k = 0; k < s.costs.recurring.size(); ++k) {
        const RecurringCost& o = s.costs.recurring[k];
        compile_recurring(indexed("costs.recurring", k), o.name.empty() ? "recurring " + std::to_string(k + 1) : o.name,
                          "recurring", o.annual, nullptr, o.annual_escalation, o.billing == Billing::annually_in_advance,
                          o.start, o.end);
    }
    for (std::size_t k = 0; k < s.costs.staff.size(); ++k) {
        const StaffCost& o = s.costs.staff[k];
        compile_recurring(indexed("costs.staff", k), o.name.empty() ? "staff " + std::to_string(k + 1) : o.name, "staff",
                          o.annual_loaded_cost, &o.fte, o.annual_escalation, false, o.start, o.end);
    }
    for (std::size_t k = 0; k < s.costs.vendors.size(); ++k) {
        const VendorContract& v = s.costs.vendors[k];
        const std::string p = indexed("costs.vendors", k);
        VendorRef r{p, 0, offset(v.contract_start), v.end ? offset(*v.end) : H - 1, v.unit,
                    [&] {
                        try {
                            return TieredPrice(v.tiers, v.pricing);
                        } catch (const ParameterError& e) {
                            throw ParameterError(p + "." + e.path(), e.message());
                        }
                    }(),
                    0, 0, 0};
        CREDROI_REQUIRE(r.end >= r.start, p + ".end", "expected a month not before contract_start " << v.contract_start.to_string());
        CREDROI_REQUIRE(r.start < H, p + ".contract_start",
                        "expected a month before the horizon ends " << last.to_string() << ", found " << v.contract_start.to_string());
        CREDROI_REQUIRE(r.end >= 0, p + ".end", "expected a month from the model start " << s.start.to_string() << " on");
        r.escalation = reg.add(p + ".annual_escalation", v.annual_escalation, Domain::above_minus_one);
        r.multiplier = reg.add(p + ".price_multiplier", v.price_multiplier, Domain::non_negative);
        r.discount = reg.add(p + ".discount_share", v.discount_share, Domain::share);
        r.line = add_line(cn, ck, v.name.empty() ? "vendor " + std::to_string(k + 1) : v.name, "vendor");
        c.vendors.push_back(std::move(r));
    }
    for (std::size_t k = 0; k < s.costs.quality_reviews.size(); ++k) {
        const QualityReview& q = s.costs.quality_reviews[k];
        const std::string p = indexed("costs.quality_reviews", k);
        CREDROI_REQUIRE(q.cycle_years >= 1, p + ".cycle_years", "expected a whole number of years >= 1, found " << q.cycle_years);
        QualityRef r{};
        r.first = offset(q.first_date);
        CREDROI_REQUIRE(r.first < H, p + ".first_date",
                        "expected a month before the horizon ends " << last.to_string() << ", found " << q.first_date.to_string());
        r.initial = reg.add(p + ".initial", q.initial, Domain::non_negative);
        r.surveillance = reg.add(p + ".surveillance", q.surveillance, Domain::non_negative);
        r.recertification = reg.add(p + ".recertification", q.recertification, Domain::non_negative);
        r.cycle_years = q.cycle_years;
        r.escalation = reg.add(p + ".annual_escalation", q.annual_escalation, Domain::above_minus_one);
        r.line = add_line(cn, ck, q.name.empty() ? "quality review " + std::to_string(k + 1) : q.name, "quality_review");
        c.quality.push_back(r);
    }
    if (s.costs.staff_time) {
        StaffTimeRef r{};
        r.minutes = reg.add("costs.staff_time.minutes_per_credential", s.costs.staff_time->minutes_per_credential, Domain::non_negative);
        r.hourly = reg.add("costs.staff_time.hourly_cost", s.costs.staff_time->hourly_cost, Domain::non_negative);
        r.line = add_line(cn, ck, "staff time per credential", "staff_time");
        c.staff_time = r;
    }
    c.contingency = reg.add("costs.contingency_share", s.costs.contingency_share, Domain::non_negative);
    c.contingency_line = add_line(cn, ck, "contingency", "contingency");

    // ---- benefits
    auto& bn = c.benefit_line_names;
    auto& bk = c.benefit_line_kinds;
    const Benefits& b = s.benefits;
    auto benefit = [&](BenefitKind kind, const char* key, const char* label, const BenefitTiming& t) {
        BenefitRef r{};
        r.kind = kind;
        r.timing = compile_timing(reg, std::string("benefits.") + key, t);
        r.line = add_line(bn, bk, label, key);
        return r;
    };
    if (b.paper) {
        const std::string p = "benefits.paper";
        BenefitRef r = benefit(BenefitKind::paper, "paper", "paper certificates avoided", *b.paper);
        r.a = reg.add(p + ".certificates_per_year", b.paper->certificates_per_year, Domain::non_negative);
        r.b = reg.add(p + ".print_cost", b.paper->print_cost, Domain::non_negative);
        r.c = reg.add(p + ".postage_cost", b.paper->postage_cost, Domain::non_negative);
        r.d = reg.add(p + ".handling_minutes", b.paper->handling_minutes, Domain::non_negative);
        r.e = reg.add(p + ".hourly_cost", b.paper->hourly_cost, Domain::non_negative);
        r.f = reg.add(p + ".reissue_share", b.paper->reissue_share, Domain::non_negative);
        c.benefits.push_back(r);
    }
    if (b.verification) {
        const std::string p = "benefits.verification";
        BenefitRef r = benefit(BenefitKind::verification, "verification", "verification requests handled automatically", *b.verification);
        r.a = reg.add(p + ".requests_per_year", b.verification->requests_per_year, Domain::non_negative);
        r.b = reg.add(p + ".minutes_per_request", b.verification->minutes_per_request, Domain::non_negative);
        r.c = reg.add(p + ".hourly_cost", b.verification->hourly_cost, Domain::non_negative);
        c.benefits.push_back(r);
    }
    if (b.retention) {
        BenefitRef r = benefit(BenefitKind::retention, "retention", "attrition avoided", *b.retention);
        r.a = reg.add("benefits.retention.relative_attrition_reduction", b.retention->relative_attrition_reduction, Domain::share);
        c.benefits.push_back(r);
    }
    if (b.productivity) {
        BenefitRef r = benefit(BenefitKind::productivity, "productivity", "engagement and productivity", *b.productivity);
        r.a = reg.add("benefits.productivity.uplift_share_of_salary", b.productivity->uplift_share_of_salary, Domain::any);
        c.benefits.push_back(r);
    }
    if (b.internal_mobility) {
        const std::string p = "benefits.internal_mobility";
        BenefitRef r = benefit(BenefitKind::internal_mobility, "internal_mobility", "external hires avoided", *b.internal_mobility);
        r.a = reg.add(p + ".internal_fills_per_100_earners_per_year", b.internal_mobility->internal_fills_per_100_earners_per_year, Domain::non_negative);
        r.b = reg.add(p + ".saving_per_internal_fill", b.internal_mobility->saving_per_internal_fill, Domain::any);
        c.benefits.push_back(r);
    }
    if (b.onboarding) {
        const std::string p = "benefits.onboarding";
        BenefitRef r = benefit(BenefitKind::onboarding, "onboarding", "faster onboarding", *b.onboarding);
        r.a = reg.add(p + ".days_saved_per_hire", b.onboarding->days_saved_per_hire, Domain::non_negative);
        r.b = reg.add(p + ".working_days_per_year", b.onboarding->working_days_per_year, Domain::positive);
        c.benefits.push_back(r);
    }
    if (b.credential_fees) {
        const std::string p = "benefits.credential_fees";
        BenefitRef r = benefit(BenefitKind::credential_fees, "credential_fees", "credential fees", *b.credential_fees);
        r.a = reg.add(p + ".fee_per_credential", b.credential_fees->fee_per_credential, Domain::non_negative);
        r.b = reg.add(p + ".paying_share", b.credential_fees->paying_share, Domain::share);
        c.benefits.push_back(r);
    }
    if (b.member_retention) {
        const std::string p = "benefits.member_retention";
        BenefitRef r = benefit(BenefitKind::member_retention, "member_retention", "member retention", *b.member_retention);
        r.a = reg.add(p + ".renewal_rate_uplift", b.member_retention->renewal_rate_uplift, Domain::share);
        r.b = reg.add(p + ".value_per_retained_member", b.member_retention->value_per_retained_member, Domain::non_negative);
        c.benefits.push_back(r);
    }
    if (b.enrolments) {
        const std::string p = "benefits.enrolments";
        BenefitRef r = benefit(BenefitKind::enrolments, "enrolments", "enrolments from stackable credentials", *b.enrolments);
        r.a = reg.add(p + ".enrolments_per_100_earners_per_year", b.enrolments->enrolments_per_100_earners_per_year, Domain::non_negative);
        r.b = reg.add(p + ".net_revenue_per_enrolment", b.enrolments->net_revenue_per_enrolment, Domain::any);
        c.benefits.push_back(r);
    }
    for (std::size_t k = 0; k < b.other.size(); ++k) {
        const OtherBenefit& o = b.other[k];
        const std::string p = indexed("benefits.other", k);
        BenefitRef r{};
        r.kind = BenefitKind::other;
        r.timing = compile_timing(reg, p, o);
        r.a = reg.add(p + ".annual", o.annual, Domain::any);
        r.scales_with_adoption = o.scales_with_adoption;
        r.line = add_line(bn, bk, o.name.empty() ? "other benefit " + std::to_string(k + 1) : o.name, "other");
        c.benefits.push_back(r);
    }

    // ---- budget
    if (s.budget) {
        const Budget& g = *s.budget;
        BudgetRef r;
        if (g.annual) r.annual = reg.add("budget.annual", *g.annual, Domain::non_negative);
        r.escalation = reg.add("budget.annual_escalation", g.annual_escalation, Domain::above_minus_one);
        r.per_earner = reg.add("budget.extension_per_earner", g.extension_per_earner, Domain::non_negative);
        r.per_credential = reg.add("budget.extension_per_credential", g.extension_per_credential, Domain::non_negative);
        if (g.extension_cap) r.cap = reg.add("budget.extension_cap", *g.extension_cap, Domain::non_negative);
        r.fixed_by_year.assign(c.fiscal_years.size(), std::nullopt);
        for (const auto& entry : g.by_fiscal_year) {
            // Not a structured binding: C++17 lambdas cannot capture one (clang refuses).
            const std::string& label = entry.first;
            const double amount = entry.second;
            const std::string p = "budget.by_fiscal_year." + label;
            auto it = std::find_if(c.fiscal_years.begin(), c.fiscal_years.end(), [&](const FiscalPeriod& f) { return f.label == label; });
            if (it == c.fiscal_years.end()) {
                std::ostringstream known;
                for (std::size_t f = 0; f < c.fiscal_years.size(); ++f) known << (f ? ", " : "") << c.fiscal_years[f].label;
                throw ParameterError(p, "no such fiscal year in the horizon; the horizon covers " + known.str());
            }
            check_domain(p, amount, Domain::non_negative);
            r.fixed_by_year[static_cast<std::size_t>(it - c.fiscal_years.begin())] = amount;
        }
        CREDROI_REQUIRE(g.annual || !g.by_fiscal_year.empty(), "budget.annual",
                        "expected budget.annual or budget.by_fiscal_year (or no [budget] table), found neither");
        c.budget = std::move(r);
    }

    // ---- uncertainty: which inputs are sampled, and how they are coupled
    for (std::size_t k = 0; k < c.inputs.size(); ++k)
        if (c.inputs[k].uncertain()) c.uncertain.push_back(static_cast<int>(k));
    if (!s.correlations.empty()) {
        auto column_of = [&](const std::string& path, const std::string& where) {
            std::string known;
            for (std::size_t j = 0; j < c.uncertain.size(); ++j) {
                const Input& in = c.inputs[static_cast<std::size_t>(c.uncertain[j])];
                if (in.path == path) return static_cast<Eigen::Index>(j);
                known += (j ? ", " : "") + in.path;
            }
            for (const Input& in : c.inputs)
                if (in.path == path)
                    throw ParameterError(where, "'" + path + "' is a fixed number; only uncertain inputs can be correlated");
            throw ParameterError(where, "no uncertain input '" + path + "'" +
                                            (known.empty() ? std::string("; the scenario has none") : "; uncertain inputs are: " + known));
        };
        std::vector<std::pair<Eigen::Index, Eigen::Index>> pairs;
        for (std::size_t k = 0; k < s.correlations.size(); ++k) {
            const InputCorrelation& r = s.correlations[k];
            const std::string p = indexed("correlations", k);
            const Eigen::Index first_col = column_of(r.first, p + ".inputs");
            const Eigen::Index b2 = column_of(r.second, p + ".inputs");
            CREDROI_REQUIRE(first_col != b2, p + ".inputs", "expected two different inputs, found '" << r.first << "' twice");
            CREDROI_REQUIRE(std::isfinite(r.rank) && r.rank >= -1 && r.rank <= 1, p + ".rank",
                            "expected a rank correlation from -1 to 1, found " << describe(r.rank));
            for (std::size_t m = 0; m < pairs.size(); ++m)
                CREDROI_REQUIRE(!((pairs[m].first == first_col && pairs[m].second == b2) ||
                                  (pairs[m].first == b2 && pairs[m].second == first_col)),
                                p + ".inputs", "this pair is already correlated in correlations[" << m << "]");
            pairs.emplace_back(first_col, b2);
            for (Eigen::Index col : {first_col, b2})
                if (std::find(c.correlated.begin(), c.correlated.end(), col) == c.correlated.end()) c.correlated.push_back(col);
        }
        const auto n = static_cast<Eigen::Index>(c.correlated.size());
        Eigen::MatrixXd m = Eigen::MatrixXd::Identity(n, n);
        std::vector<std::string> names;
        for (Eigen::Index col : c.correlated) names.push_back(c.inputs[static_cast<std::size_t>(c.uncertain[static_cast<std::size_t>(col)])].path);
        for (std::size_t k = 0; k < pairs.size(); ++k) {
            const auto i = std::find(c.correlated.begin(), c.correlated.end(), pairs[k].first) - c.correlated.begin();
            const auto j = std::find(c.correlated.begin(), c.correlated.end(), pairs[k].second) - c.correlated.begin();
            m(i, j) = m(j, i) = s.correlations[k].rank;
        }
        c.correlation.emplace(m, names, "correlations");
    }
    return c;
}

/// Adoption share per month for every trial of a batch. The curve is geometric
/// in the month, so one multiplication per month carries exp(); the direct
/// formula is used where the carried term could overflow.
class AdoptionStepper {
public:
    AdoptionStepper(const CompiledModel& c, const Eigen::ArrayXd& delay, int horizon) {
        if (c.bass) {
            const BassAdoption& b = *c.bass_curve;
            k_ = b.p() + b.q();
            ratio_ = b.q() / b.p();
            ceiling_ = b.ceiling();
            shift_ = b.launch_month() + delay;  // tau = t - shift
        } else {
            const LogisticAdoption& l = *c.logistic;
            k_ = l.rate_per_month();
            ceiling_ = l.ceiling();
            shift_ = l.midpoint_month() + delay;
            if (std::isfinite(c.launch_month)) launch_ = c.launch_month + delay;
        }
        bass_ = c.bass;
        const double reach = k_ * (horizon + 1 + shift_.abs().maxCoeff());
        carry_ = std::isfinite(reach) && reach < 600.0;
        step_ = std::exp(-k_);
        term_.resize(delay.size());
        if (carry_) term_ = (-k_ * (1.0 - shift_)).exp();  // month 0 ends at t = 1
    }

    /// Share for month i (evaluated at its end, t = i + 1); call for i = 0, 1, 2, ... in order.
    void next(int i, Eigen::Ref<Eigen::ArrayXd> out) {
        const double t = i + 1.0;
        if (!carry_) term_ = (-k_ * (t - shift_)).exp();
        if (bass_) {
            // q/p may overflow (a steep, late curve); once term_ underflows to 0
            // the imitation term is 0 whatever q/p is (inf * 0 must not give
            // NaN), as in BassAdoption::share.
            out = (t >= shift_).select(ceiling_ * (1.0 - term_) / (1.0 + (term_ == 0.0).select(0.0, ratio_ * term_)), 0.0);
        } else {
            out = ceiling_ / (1.0 + term_);
            if (launch_.size()) out = (t > launch_).select(out, 0.0);
        }
        if (carry_) term_ *= step_;
    }

private:
    bool bass_ = false, carry_ = true;
    double k_ = 0, ratio_ = 0, ceiling_ = 1, step_ = 1;
    Eigen::ArrayXd shift_, term_, launch_;
};

}  // namespace detail
}  // namespace credroi
