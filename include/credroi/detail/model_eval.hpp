#pragma once
// The batch evaluator and per-trial metrics (see docs/model.md for every
// formula). Arrays are trials × months; each month's work runs across all
// trials of the batch at once, so the compiler can vectorise it.
#include <credroi/detail/model_compile.hpp>
#include <credroi/detail/simd.hpp>
#include <credroi/results.hpp>
#include <credroi/status_quo.hpp>

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <new>
#include <vector>

namespace credroi {
namespace detail {

/// Whether v[0..n) are all the same number (false for NaN or n = 0): the test
/// behind every "computed once when every trial shares it" shortcut.
inline bool same_in_every_trial(const double* v, Eigen::Index n) {
    if (n == 0) return false;
    // Usually true, so every value is read: a register of them at a time
    // (the compiler keeps the bool reduction scalar).
    Eigen::Index t = 1;
    bool same = true;
#if defined(CREDROI_SIMD)
    {
        const simd::pack first = simd::pack{} + v[0];
        simd::mask all = simd::mask{} - 1;
        for (; t + simd::width <= n; t += simd::width) all &= simd::equal(simd::load(v + t), first);
        for (int k = 0; k < simd::width; ++k) same &= all[k] != 0;
    }
#endif
    for (; t < n; ++t) same &= v[t] == v[0];
    return same && v[0] == v[0];
}

/// out = base^exponent per trial. Most bases are the same in every trial
/// (an escalation or growth rate that is not uncertain): then std::pow runs
/// once, not once per trial. The same bits either way (Eigen's pow is std::pow).
inline void pow_per_trial(const Eigen::ArrayXd& base, double exponent, Eigen::ArrayXd& out) {
    const Eigen::Index n = base.size();
    out.resize(n);
    if (n == 0) return;
    if (same_in_every_trial(base.data(), n))
        out.setConstant(std::pow(base(0), exponent));
    else
        out = base.pow(exponent);
}

/// (1+rate)^years for every trial, recomputed only when `years` changes.
class EscalationFactor {
public:
    void at(const Eigen::ArrayXd& one_plus_rate, int years) {
        if (years != years_) {
            pow_per_trial(one_plus_rate, static_cast<double>(years), factor_);
            years_ = years;
        }
    }
    const Eigen::ArrayXd& value() const { return factor_; }

private:
    int years_ = -1;
    Eigen::ArrayXd factor_;
};

inline int floor_div(int a, int b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

/// `keep_drivers = false` leaves out.population and out.adoption empty (0
/// months): the metrics and the budget do not read them, and the Monte Carlo
/// engine then has two fewer trials × months arrays to write and check (1-2 %
/// of a run, docs/performance.md). Everything else is the same bits.
inline void evaluate_batch(const CompiledModel& c, const Scenario& s, const Eigen::Ref<const Eigen::ArrayXXd>& x,
                           BatchResult& out, bool keep_lines, bool keep_drivers = true) {
    using Eigen::ArrayXd;
    using Eigen::ArrayXXd;
    const Eigen::Index B = x.rows();
    const int H = s.horizon_months;
    CREDROI_REQUIRE(x.cols() == static_cast<Eigen::Index>(c.inputs.size()), "inputs",
                    "expected " << c.inputs.size() << " input columns, found " << x.cols());
    auto in = [&](int k) { return x.col(k); };

    out.costs.resize(B, H);  // every column is written in the month loop
    out.benefits.resize(B, H);
    out.discount_factors.resize(B, H);
    out.population.resize(B, keep_drivers ? H : 0);
    out.adoption.resize(B, keep_drivers ? H : 0);
    ArrayXd month_population(keep_drivers ? 0 : B), month_adoption(keep_drivers ? 0 : B);  // this month's, when not kept
    out.earners.resize(B, H);
    out.credentials.resize(B, H);
    out.cost_lines.clear();
    out.benefit_lines.clear();
    if (keep_lines) {
        out.cost_lines.assign(c.cost_line_names.size(), ArrayXXd::Zero(B, H));
        out.benefit_lines.assign(c.benefit_line_names.size(), ArrayXXd::Zero(B, H));
    }
    out.discount_rate = in(c.discount_rate);
    out.reinvestment_rate = in(c.reinvestment_rate);

    // Everything that does not change from month to month is computed once per batch.
    const std::size_t S = c.segments.size();
    std::vector<ArrayXd> pop(S), growth_step(S), monthly_attrition(S), earn(S), hires_share(S);
    for (std::size_t k = 0; k < S; ++k) {
        const SegmentRef& g = c.segments[k];
        pop[k] = in(g.headcount);
        pow_per_trial(1.0 + in(g.growth), 1.0 / 12.0, growth_step[k]);
        monthly_attrition[k] = in(g.attrition) / 12.0;
        // Hires per person per month: leavers replaced plus growth.
        hires_share[k] = monthly_attrition[k] + (growth_step[k] - 1.0).max(0.0);
        earn[k].resize(B);
    }
    AdoptionStepper adoption(c, in(c.delay), H);
    ArrayXd discount_step;
    pow_per_trial(1.0 + in(c.discount_rate), -1.0 / 12.0, discount_step);
    ArrayXd df = s.cash_flows_at_month_start ? ArrayXd::Ones(B) : discount_step;
    const ArrayXd credentials_per_month = in(c.credentials_per_earner) / 12.0;

    std::vector<EscalationFactor> recurring_escalation(c.recurring.size());
    std::vector<ArrayXd> one_plus_recurring(c.recurring.size());
    for (std::size_t k = 0; k < c.recurring.size(); ++k) one_plus_recurring[k] = 1.0 + in(c.recurring[k].escalation);
    struct VendorState {
        ArrayXd volume, previous_cost, cost, one_plus;
        EscalationFactor escalation;
    };
    std::vector<VendorState> vendor(c.vendors.size());
    for (std::size_t k = 0; k < c.vendors.size(); ++k) {
        vendor[k].volume = ArrayXd::Zero(B);
        vendor[k].previous_cost = ArrayXd::Zero(B);
        vendor[k].cost.resize(B);
        vendor[k].one_plus = 1.0 + in(c.vendors[k].escalation);
    }

    // Per benefit, what does not change from month to month (divisions of its
    // inputs by constants, hoisted in the same order of operations, so the same
    // bits), and whether its timing is the same in every trial of the batch
    // (lag, ramp and attribution are rarely uncertain): then it is one number
    // per month instead of a division per trial.
    auto same_in_all_trials = [&](int k) { return same_in_every_trial(x.col(k).data(), B); };
    const std::size_t NB = c.benefits.size();
    std::vector<ArrayXd> per_year(NB), paper_unit(NB);
    std::vector<char> uniform_timing(NB);
    for (std::size_t k = 0; k < NB; ++k) {
        const BenefitRef& r = c.benefits[k];
        uniform_timing[k] = same_in_all_trials(r.timing.lag) && same_in_all_trials(r.timing.ramp) &&
                            same_in_all_trials(r.timing.attribution);
        switch (r.kind) {
            case BenefitKind::paper:
                per_year[k] = in(r.a) / 12.0;
                paper_unit[k] = paper_unit_cost(in(r.b), in(r.c), in(r.d), in(r.e), in(r.f));
                break;
            case BenefitKind::verification:
            case BenefitKind::other:
                per_year[k] = in(r.a) / 12.0;
                break;
            default:
                break;
        }
    }

    ArrayXd line(B), timing(B);
    // This month's columns of the results, written in place (no copies): the
    // maps are re-pointed every month (Eigen's placement-new idiom for Map).
    using Column = Eigen::Map<ArrayXd>;
    Column a(nullptr, B), earners(nullptr, B), credentials(nullptr, B), population(nullptr, B), total(nullptr, B);
    // A line's amounts go straight into the month's total, one pass over the
    // block per line; only when the lines are kept is each first written out
    // (the same bits: total += a * b rounds a * b before adding either way).
    auto add = [&](std::vector<ArrayXXd>& lines, int index, int month, const auto& amount) {
        if (keep_lines) {
            line = amount;
            total += line;
            lines[static_cast<std::size_t>(index)].col(month) = line;
        } else {
            total += amount;
        }
    };

    for (int i = 0; i < H; ++i) {
        new (&a) Column(keep_drivers ? &out.adoption(0, i) : month_adoption.data(), B);
        new (&earners) Column(&out.earners(0, i), B);
        new (&credentials) Column(&out.credentials(0, i), B);
        new (&population) Column(keep_drivers ? &out.population(0, i) : month_population.data(), B);
        // ---- drivers
        if (i > 0)
            for (std::size_t k = 0; k < S; ++k) pop[k] *= growth_step[k];
        adoption.next(i, a);
        for (std::size_t k = 0; k < S; ++k) {
            earn[k] = a * pop[k] * in(c.segments[k].eligible);
            // The first segment assigns rather than adds to 0: the same bits (0 + x = x).
            if (k == 0) {
                earners = earn[k];
                population = pop[k];
            } else {
                earners += earn[k];
                population += pop[k];
            }
        }
        if (S == 0) {
            earners.setZero();
            population.setZero();
        }
        credentials = earners * credentials_per_month;

        // ---- costs
        new (&total) Column(&out.costs(0, i), B);
        total.setZero();
        for (const OneOffRef& r : c.one_off) {
            if (r.month != i) continue;
            add(out.cost_lines, r.line, i, in(r.amount) * in(r.quantity));
        }
        for (std::size_t k = 0; k < c.recurring.size(); ++k) {
            const RecurringRef& r = c.recurring[k];
            if (i < r.start || i > r.end) continue;
            const int since = i - r.start;
            if (r.annual_billing && since % 12 != 0) continue;
            recurring_escalation[k].at(one_plus_recurring[k], since / 12);
            const auto amount = in(r.annual) * recurring_escalation[k].value() * (r.annual_billing ? 1.0 : 1.0 / 12.0);
            if (r.factor >= 0)
                add(out.cost_lines, r.line, i, amount * in(r.factor));
            else
                add(out.cost_lines, r.line, i, amount);
        }
        for (std::size_t k = 0; k < c.vendors.size(); ++k) {
            const VendorRef& r = c.vendors[k];
            if (i < r.start || i > r.end) continue;
            VendorState& st = vendor[k];
            const int since = i - r.start;
            if (since % 12 == 0) {  // a contract year starts
                st.volume.setZero();
                st.previous_cost.setZero();
            } else if (i == 0) {
                // The horizon starts inside a contract year: its volume so far is
                // unknown and counted from zero, and its first-tier fee was paid
                // before the model start (as for a recurring line billed in advance).
                st.volume.setZero();
                st.previous_cost.setConstant(r.price.cost(0.0));
            }
            st.escalation.at(st.one_plus, since / 12);
            if (r.unit == VolumeUnit::credentials)
                st.volume += credentials;
            else
                st.volume = st.volume.max(earners);  // seats: the most recipients active at once this contract year
            if (const auto top = r.price.capacity(); top && st.volume.maxCoeff() > *top) {
                // A quota plan whose top tier is bounded: the volume the scenario
                // produces does not fit the contract, which is worth saying loudly.
                throw ParameterError(r.path + ".tiers",
                                     "the contract year from " + s.start.plus_months(i - since % 12).to_string() + " needs " +
                                         describe(st.volume.maxCoeff()) + " " + to_string(r.unit) +
                                         ", above the top tier's up_to = " + describe(*top) +
                                         "; add a tier without up_to (or a larger one)");
            }
            r.price.cost(st.volume, st.cost);
            add(out.cost_lines, r.line, i,
                (st.cost - st.previous_cost) * in(r.multiplier) * (1.0 - in(r.discount)) * st.escalation.value());
            st.previous_cost = st.cost;
        }
        for (const QualityRef& r : c.quality) {
            const int since = i - r.first;
            if (since < 0 || since % 12 != 0) continue;
            const int year = since / 12;
            const int amount = year == 0 ? r.initial : (year % r.cycle_years == 0 ? r.recertification : r.surveillance);
            pow_per_trial(1.0 + in(r.escalation), static_cast<double>(year), timing);
            add(out.cost_lines, r.line, i, in(amount) * timing);
        }
        if (c.staff_time) {
            add(out.cost_lines, c.staff_time->line, i, credentials * in(c.staff_time->minutes) / 60.0 * in(c.staff_time->hourly));
        }
        // Contingency is a share of this month's other costs: evaluated before
        // it is added (total is both read and written).
        line = total * in(c.contingency);
        add(out.cost_lines, c.contingency_line, i, line);

        // ---- benefits
        new (&total) Column(&out.benefits(0, i), B);
        total.setZero();
        const double t_end = i + 1.0;  // months elapsed at the end of month i
        for (std::size_t kb = 0; kb < NB; ++kb) {
            const BenefitRef& r = c.benefits[kb];
            double uniform = 0.0;  // the timing factor of every trial, when uniform_timing
            if (uniform_timing[kb]) {
                const double lag = x(0, r.timing.lag), ramp = x(0, r.timing.ramp);
                uniform = (ramp > 0.0 ? std::max(std::min((t_end - lag) / std::max(ramp, 1e-300), 1.0), 0.0)
                                      : static_cast<double>(t_end - lag > 0.0)) *
                          x(0, r.timing.attribution);
                // Not yet started (or no attribution): the line is 0 (its lines
                // array, when kept, is already 0), and adding 0 changes nothing.
                if (uniform == 0.0) continue;
            } else {
                const auto lag = in(r.timing.lag);
                const auto ramp = in(r.timing.ramp);
                timing = (ramp > 0.0).select(((t_end - lag) / ramp.max(1e-300)).min(1.0).max(0.0),
                                             (t_end - lag > 0.0).cast<double>()) *
                         in(r.timing.attribution);
            }
            // The line times its timing factor, added to the month's benefits
            // (in the order of operations of line = amount; line *= timing).
            auto timed = [&](const auto& amount) {
                if (uniform_timing[kb])
                    add(out.benefit_lines, r.line, i, amount * uniform);
                else
                    add(out.benefit_lines, r.line, i, amount * timing);
            };
            switch (r.kind) {
                case BenefitKind::paper:
                    timed(per_year[kb] * a * paper_unit[kb]);
                    break;
                case BenefitKind::verification:
                    timed(per_year[kb] * a * in(r.b) / 60.0 * in(r.c));
                    break;
                case BenefitKind::retention:
                    line.setZero();
                    for (std::size_t k = 0; k < S; ++k) {
                        const SegmentRef& g = c.segments[k];
                        line += earn[k] * monthly_attrition[k] * in(g.replacement) * in(g.salary);
                    }
                    timed(line * in(r.a));
                    break;
                case BenefitKind::productivity:
                    line.setZero();
                    for (std::size_t k = 0; k < S; ++k) line += earn[k] * in(c.segments[k].salary) / 12.0;
                    timed(line * in(r.a));
                    break;
                case BenefitKind::internal_mobility:
                    timed(earners * in(r.a) / 1200.0 * in(r.b));
                    break;
                case BenefitKind::onboarding:
                    line.setZero();
                    for (std::size_t k = 0; k < S; ++k) {
                        const SegmentRef& g = c.segments[k];
                        line += pop[k] * hires_share[k] * in(g.eligible) * in(g.salary);
                    }
                    timed(line * (a * in(r.a) / in(r.b)));
                    break;
                case BenefitKind::credential_fees:
                    timed(credentials * in(r.a) * in(r.b));
                    break;
                case BenefitKind::member_retention:
                    timed(earners * in(r.a) / 12.0 * in(r.b));
                    break;
                case BenefitKind::enrolments:
                    timed(earners * in(r.a) / 1200.0 * in(r.b));
                    break;
                case BenefitKind::other:
                    if (r.scales_with_adoption)
                        timed(per_year[kb] * a);
                    else
                        timed(per_year[kb]);
                    break;
            }
        }
        out.discount_factors.col(i) = df;
        df *= discount_step;
    }

    // ---- budget per fiscal year
    if (!c.budget) {
        out.fiscal_year_budget.resize(B, 0);
        return;
    }
    const BudgetRef& g = *c.budget;
    const auto F = static_cast<Eigen::Index>(c.fiscal_years.size());
    out.fiscal_year_budget.resize(B, F);
    for (Eigen::Index f = 0; f < F; ++f) {
        const FiscalPeriod& p = c.fiscal_years[static_cast<std::size_t>(f)];
        const auto& fixed = g.fixed_by_year[static_cast<std::size_t>(f)];
        if (fixed) {
            line.setConstant(*fixed);
        } else if (g.annual >= 0) {
            pow_per_trial(1.0 + in(g.escalation), static_cast<double>(f), timing);
            line = in(g.annual) * (p.month_count / 12.0) * timing;
        } else {
            line.setZero();
        }
        timing = in(g.per_earner) * out.earners.middleCols(p.first_month_index, p.month_count).rowwise().maxCoeff() +
                 in(g.per_credential) * out.credentials.middleCols(p.first_month_index, p.month_count).rowwise().sum();
        if (g.cap >= 0) timing = timing.min(in(g.cap));
        out.fiscal_year_budget.col(f) = line + timing;
    }
}

inline FiscalYearTotals fiscal_year_totals(const CompiledModel& c, const BatchResult& b, Eigen::Index t, std::size_t f) {
    const FiscalPeriod& p = c.fiscal_years[f];
    FiscalYearTotals y;
    y.costs = b.costs.row(t).segment(p.first_month_index, p.month_count).sum();
    y.benefits = b.benefits.row(t).segment(p.first_month_index, p.month_count).sum();
    if (b.fiscal_year_budget.cols() > 0) {
        y.budget = b.fiscal_year_budget(t, static_cast<Eigen::Index>(f));
        y.shortfall = std::max(0.0, y.costs - *y.budget);
    }
    return y;
}

/// Buffers trial_metrics reuses from trial to trial, so the per-trial path does not allocate.
struct MetricsWorkspace {
    std::vector<double> net, timed;
};

/// The metrics of trial t. `with_irr = false` skips the two metrics that need
/// root finding or compounding per trial (IRR, MIRR), the costliest part.
inline Metrics trial_metrics(const CompiledModel& c, const Scenario& s, const BatchResult& b, Eigen::Index t,
                             MetricsWorkspace& ws, bool with_irr = true) {
    const int H = s.horizon_months;
    Metrics m;
    std::vector<double>& net = ws.net;
    net.resize(static_cast<std::size_t>(H));
    for (int i = 0; i < H; ++i) {
        const double cost = b.costs(t, i), benefit = b.benefits(t, i), df = b.discount_factors(t, i);
        net[static_cast<std::size_t>(i)] = benefit - cost;
        m.pv_costs += cost * df;
        m.pv_benefits += benefit * df;
        m.total_costs += cost;
        m.total_benefits += benefit;
        m.total_credentials += b.credentials(t, i);
        m.peak_earners = std::max(m.peak_earners, b.earners(t, i));
    }
    m.npv = m.pv_benefits - m.pv_costs;
    m.total_net = m.total_benefits - m.total_costs;
    if (m.pv_costs > 0) {
        m.roi = (m.pv_benefits - m.pv_costs) / m.pv_costs;
        m.bcr = m.pv_benefits / m.pv_costs;
    }
    const double annual_rate = b.discount_rate(t);
    const double monthly_rate = monthly_rate_from_annual(annual_rate);
    if (with_irr) {
        const IrrResult r = irr(net, monthly_rate);
        m.irr_status = r.status;
        if (r.rate) m.irr = annual_rate_of_return(*r.rate);
        for (double x : r.all_rates) m.irr_all.push_back(annual_rate_of_return(x));
    }
    // Payback and MIRR count months from the model start: with end-of-month
    // flows, month i's flow stands at t = i + 1, so a zero flow stands at t = 0.
    std::vector<double>& timed = ws.timed;
    timed.clear();
    if (!s.cash_flows_at_month_start) timed.push_back(0.0);
    timed.insert(timed.end(), net.begin(), net.end());
    if (with_irr)
        if (auto mm = mirr(timed, monthly_rate, monthly_rate_from_annual(b.reinvestment_rate(t)))) m.mirr = annual_rate_of_return(*mm);
    m.payback_months = payback_period(timed);
    // Break-even is the month payback falls in (one rule for both): with
    // end-of-month flows, payback p in (i, i + 1] months falls in month i.
    if (m.payback_months) {
        const int shift = s.cash_flows_at_month_start ? 0 : 1;
        const int month = std::max(0, static_cast<int>(std::ceil(*m.payback_months)) - shift);
        m.break_even_month = s.start.plus_months(std::min(month, H - 1));
    }
    m.discounted_payback_months = discounted_payback_period(monthly_rate, timed);
    if (m.total_credentials > 0) m.cost_per_credential = m.total_costs / m.total_credentials;
    if (m.peak_earners > 0) m.cost_per_earner = m.total_costs / m.peak_earners;
    if (b.fiscal_year_budget.cols() > 0)
        for (std::size_t f = 0; f < c.fiscal_years.size(); ++f) m.total_shortfall += *fiscal_year_totals(c, b, t, f).shortfall;
    return m;
}

inline Metrics trial_metrics(const CompiledModel& c, const Scenario& s, const BatchResult& b, Eigen::Index t) {
    MetricsWorkspace ws;
    return trial_metrics(c, s, b, t, ws);
}

}  // namespace detail
}  // namespace credroi
