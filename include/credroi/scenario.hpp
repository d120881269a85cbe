#pragma once
// The scenario: everything an organisation enters about its programme. Plain
// structs with public members, so a tool can build one in code; `Model`
// (model.hpp) validates it and names any bad value by its key path.
//
// Every number that may be uncertain is a `Quantity`: the base-case value, and
// (from the Monte Carlo layer on) an optional distribution. Numbers that shape
// the model's structure (dates, tier bounds, cycle lengths) are plain values.
#include <credroi/adoption.hpp>
#include <credroi/calendar.hpp>
#include <credroi/distributions.hpp>
#include <credroi/pricing.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace credroi {

/// The base-case value of a distribution when none is given: the most likely
/// value (mode) of a triangular or PERT estimate, the median otherwise.
inline double default_base(const Distribution& d) {
    if (const auto* t = d.get_if<Triangular>()) return t->mode();
    if (const auto* p = d.get_if<Pert>()) return p->mode();
    return median(d);
}

/// A number of the scenario that may be uncertain: the base-case value and,
/// for the Monte Carlo engine, an optional distribution. Converts from double
/// and from any distribution, so `cost.annual = 12000;` and
/// `cost.annual = credroi::Pert(10000, 12000, 18000);` both read naturally.
struct Quantity {
    double value = 0.0;                       ///< base-case value
    std::optional<Distribution> distribution; ///< empty: the value is fixed

    Quantity() = default;
    Quantity(double v) : value(v) {}  // NOLINT(google-explicit-constructor): a plain number is a fixed quantity
    template <class D, class = std::enable_if_t<detail::is_concrete_distribution<std::decay_t<D>>>>
    Quantity(D&& d) : Quantity(Distribution(std::forward<D>(d))) {}  // NOLINT(google-explicit-constructor)
    Quantity(Distribution d) : value(default_base(d)), distribution(std::move(d)) {}  // NOLINT(google-explicit-constructor)
    Quantity(Distribution d, double base) : value(base), distribution(std::move(d)) {}

    bool uncertain() const noexcept { return distribution.has_value() && !distribution->holds<Fixed>(); }
};

/// A rank (Spearman) correlation between two uncertain inputs, named by their key paths.
struct InputCorrelation {
    std::string first;
    std::string second;
    double rank = 0.0;
};

/// A group of people the programme reaches: employees, learners, members, partners.
struct Segment {
    std::string name;
    Quantity headcount;                    ///< people at the model start
    Quantity annual_growth = 0.0;          ///< headcount grows by (1+g)^(months/12)
    Quantity annual_attrition = 0.0;       ///< share leaving per year (voluntary turnover)
    Quantity annual_salary = 0.0;          ///< salary, or annual fee for learners and members
    Quantity replacement_cost_share = 0.0; ///< cost of replacing a leaver, as a share of annual_salary
    Quantity eligible_share = 1.0;         ///< share of the segment the programme is offered to
};

struct Milestone {
    YearMonth date;  ///< reached by the end of this month
    double share;    ///< of the eligible population actively earning
};

struct Adoption {
    AdoptionModel model = AdoptionModel::logistic;
    double ceiling = 1.0;
    std::vector<Milestone> milestones;
    Quantity delay_months = 0.0;       ///< shifts the whole curve later (negative: earlier)
    /// When the programme opens: no one earns before this month. Bass: diffusion
    /// starts here (default the model start). Logistic: zero before it (default none).
    std::optional<YearMonth> launch;
    /// Bass only: give p and q directly instead of fitting them through the milestones.
    std::optional<double> bass_p;
    std::optional<double> bass_q;
};

/// A cost paid once, in the month of `date`.
struct OneOffCost {
    std::string name;
    Quantity amount;          ///< per unit
    Quantity quantity = 1.0;  ///< e.g. the number of badge designs
    YearMonth date;
};

enum class Billing { monthly, annually_in_advance };

/// A fixed cost that recurs: platform licence, programme staff, add-ons.
struct RecurringCost {
    std::string name;
    Quantity annual;                   ///< per year, before escalation
    Quantity annual_escalation = 0.0;  ///< steps up on each anniversary of `start`
    Billing billing = Billing::monthly;
    std::optional<YearMonth> start;    ///< default: the model start
    std::optional<YearMonth> end;      ///< last month charged; default: to the horizon
};

/// Programme staff: FTE × loaded annual cost, charged monthly.
struct StaffCost {
    std::string name;
    Quantity fte;
    Quantity annual_loaded_cost;
    Quantity annual_escalation = 0.0;
    std::optional<YearMonth> start;
    std::optional<YearMonth> end;
};

enum class VolumeUnit { credentials, recipients };

/// A badge platform contract priced by volume tiers, counted per contract year.
struct VendorContract {
    std::string name;
    YearMonth contract_start;          ///< contract years run from this month's anniversaries
    std::optional<YearMonth> end;
    VolumeUnit unit = VolumeUnit::credentials;
    TierPricing pricing = TierPricing::graduated;
    std::vector<PriceTier> tiers;
    Quantity annual_escalation = 0.0;  ///< price rise at each contract anniversary
    Quantity price_multiplier = 1.0;   ///< uncertainty about the quote as a whole
    Quantity discount_share = 0.0;     ///< e.g. annual billing, non-profit discount
};

/// External recognition on a cycle: initial audit, surveillance, recertification.
struct QualityReview {
    std::string name;
    YearMonth first_date;
    Quantity initial;
    Quantity surveillance = 0.0;       ///< each anniversary that is not a recertification
    Quantity recertification = 0.0;    ///< every `cycle_years` years after the initial review
    int cycle_years = 3;
    Quantity annual_escalation = 0.0;
};

struct StaffTimePerCredential {
    Quantity minutes_per_credential = 0.0;
    Quantity hourly_cost = 0.0;
};

struct Costs {
    std::vector<OneOffCost> one_off;
    std::vector<RecurringCost> recurring;
    std::vector<StaffCost> staff;
    std::vector<VendorContract> vendors;
    std::vector<QualityReview> quality_reviews;
    std::optional<StaffTimePerCredential> staff_time;
    Quantity contingency_share = 0.0;  ///< added on top of every other cost
};

/// When a benefit is realised: from `lag_months` after the model start,
/// rising linearly over `ramp_months`; `attribution_share` is the part of the
/// effect credited to the programme.
struct BenefitTiming {
    Quantity lag_months = 0.0;
    Quantity ramp_months = 0.0;
    Quantity attribution_share = 1.0;
};

struct PaperBenefit : BenefitTiming {
    Quantity certificates_per_year;    ///< paper certificates issued today
    Quantity print_cost = 0.0;
    Quantity postage_cost = 0.0;
    Quantity handling_minutes = 0.0;
    Quantity hourly_cost = 0.0;
    Quantity reissue_share = 0.0;      ///< reissued per certificate per year, at print + postage
};

struct VerificationBenefit : BenefitTiming {
    Quantity requests_per_year;
    Quantity minutes_per_request = 0.0;
    Quantity hourly_cost = 0.0;
};

struct RetentionBenefit : BenefitTiming {
    Quantity relative_attrition_reduction;  ///< among earners, e.g. 0.05 = 5 % fewer leavers
};

struct ProductivityBenefit : BenefitTiming {
    Quantity uplift_share_of_salary;        ///< per earner
};

struct InternalMobilityBenefit : BenefitTiming {
    Quantity internal_fills_per_100_earners_per_year;
    Quantity saving_per_internal_fill;      ///< external cost per hire minus internal
};

struct OnboardingBenefit : BenefitTiming {
    Quantity days_saved_per_hire;
    Quantity working_days_per_year = 220.0;
};

struct CredentialFeeBenefit : BenefitTiming {
    Quantity fee_per_credential;
    Quantity paying_share = 1.0;
};

struct MemberRetentionBenefit : BenefitTiming {
    Quantity renewal_rate_uplift;           ///< absolute rise of the yearly renewal rate among earners
    Quantity value_per_retained_member;
};

struct EnrolmentBenefit : BenefitTiming {
    Quantity enrolments_per_100_earners_per_year;
    Quantity net_revenue_per_enrolment;
};

struct OtherBenefit : BenefitTiming {
    std::string name;
    Quantity annual;
    bool scales_with_adoption = true;
};

struct Benefits {
    std::optional<PaperBenefit> paper;
    std::optional<VerificationBenefit> verification;
    std::optional<RetentionBenefit> retention;
    std::optional<ProductivityBenefit> productivity;
    std::optional<InternalMobilityBenefit> internal_mobility;
    std::optional<OnboardingBenefit> onboarding;
    std::optional<CredentialFeeBenefit> credential_fees;
    std::optional<MemberRetentionBenefit> member_retention;
    std::optional<EnrolmentBenefit> enrolments;
    std::vector<OtherBenefit> other;
};

/// What finance grants per fiscal year: a fixed envelope, plus an extension
/// for dynamic costs (per person, per credential) up to a cap.
struct Budget {
    std::optional<Quantity> annual;          ///< pro-rated for fiscal years the horizon covers in part
    Quantity annual_escalation = 0.0;
    std::map<std::string, double> by_fiscal_year;  ///< label → amount; replaces `annual` for that year
    Quantity extension_per_earner = 0.0;     ///< per peak active earner in the fiscal year
    Quantity extension_per_credential = 0.0;
    std::optional<Quantity> extension_cap;
};

/// Who decides, approves and champions the programme (the planning method's
/// "Authority"); carried into reports, not into the numbers.
struct Stakeholders {
    std::string sponsor;
    std::vector<std::string> decision_makers;
    std::vector<std::string> approvers;   ///< procurement, legal, DPO, works council ...
    std::vector<std::string> champions;
    std::string contract_signatory;
};

struct Scenario {
    std::string name = "Unnamed scenario";
    std::string description;
    std::string currency = "EUR";
    YearMonth start{2026, 1};
    int horizon_months = 60;
    FiscalCalendar fiscal_calendar{};
    Quantity discount_rate = 0.08;                 ///< annual
    std::optional<Quantity> reinvestment_rate;     ///< annual, for MIRR; default the discount rate
    bool cash_flows_at_month_start = false;        ///< default: at the end of their month

    std::vector<Segment> segments;
    Adoption adoption;
    Quantity credentials_per_earner_per_year = 1.0;
    Costs costs;
    Benefits benefits;
    std::optional<Budget> budget;
    std::vector<InputCorrelation> correlations;
    Stakeholders stakeholders;
};

inline const char* to_string(VolumeUnit u) { return u == VolumeUnit::credentials ? "credentials" : "recipients"; }
inline const char* to_string(Billing b) { return b == Billing::monthly ? "monthly" : "annually_in_advance"; }

}  // namespace credroi
