#pragma once
// The model: a validated scenario, its inputs as a flat table, and `evaluate`,
// which turns one row of input values per trial into monthly cash flows per
// line, fiscal-year totals and metrics. The deterministic base case is a batch
// of one trial; the Monte Carlo engine feeds batches of sampled rows through
// the same code, so both give the same numbers for the same inputs.
//
// Every formula is written down in docs/model.md; keep the two in step.
#include <credroi/calendar.hpp>
#include <credroi/error.hpp>
#include <credroi/finance.hpp>
#include <credroi/scenario.hpp>
#include <credroi/detail/model_compile.hpp>
#include <credroi/results.hpp>
#include <credroi/detail/model_eval.hpp>

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace credroi {

class Model {
public:
    /// Validates the scenario; throws ParameterError naming the first bad value by its path.
    explicit Model(Scenario scenario) : scenario_(std::move(scenario)), compiled_(detail::compile(scenario_)) {}

    const Scenario& scenario() const noexcept { return scenario_; }
    int horizon_months() const noexcept { return scenario_.horizon_months; }
    const std::vector<FiscalPeriod>& fiscal_years() const noexcept { return compiled_.fiscal_years; }
    const std::vector<Input>& inputs() const noexcept { return compiled_.inputs; }
    /// Index of an input by its path; empty if no such input.
    std::optional<int> input_index(const std::string& path) const {
        for (std::size_t k = 0; k < compiled_.inputs.size(); ++k)
            if (compiled_.inputs[k].path == path) return static_cast<int>(k);
        return std::nullopt;
    }
    const std::vector<std::string>& cost_line_names() const noexcept { return compiled_.cost_line_names; }
    const std::vector<std::string>& benefit_line_names() const noexcept { return compiled_.benefit_line_names; }

    /// One row holding every input's base value.
    Eigen::ArrayXXd base_inputs() const {
        Eigen::ArrayXXd x(1, static_cast<Eigen::Index>(compiled_.inputs.size()));
        for (std::size_t k = 0; k < compiled_.inputs.size(); ++k) x(0, static_cast<Eigen::Index>(k)) = compiled_.inputs[k].base;
        return x;
    }

    /// Evaluates a batch: `inputs` is trials × inputs() (one row per trial).
    /// `keep_lines`: each cost and benefit line by month too. `keep_drivers =
    /// false`: no population and adoption by month (0 columns; what the metrics
    /// need is all there). Throws NumericError when a result overflows (see
    /// check_finite), with the same message either way.
    void evaluate_batch(const Eigen::Ref<const Eigen::ArrayXXd>& inputs, BatchResult& out, bool keep_lines,
                        bool keep_drivers = true) const {
        detail::evaluate_batch(compiled_, scenario_, inputs, out, keep_lines, keep_drivers);
        if (keep_drivers) return check_finite(out);
        try {
            check_finite(out);
        } catch (const NumericError&) {
            // A population that overflows makes the earners overflow too, so it
            // is caught; evaluated again with the drivers, the error names what
            // a full evaluation names (the population, where it comes first).
            detail::evaluate_batch(compiled_, scenario_, inputs, out, keep_lines, true);
            check_finite(out);
            throw;
        }
    }

    /// The base case.
    Evaluation evaluate() const { return evaluate_row(base_inputs()); }

    /// One trial at the given input values (in the order of inputs()).
    Evaluation evaluate(const std::vector<double>& input_values) const {
        CREDROI_REQUIRE(input_values.size() == compiled_.inputs.size(), "input_values",
                        "expected " << compiled_.inputs.size() << " values, found " << input_values.size());
        Eigen::ArrayXXd x(1, static_cast<Eigen::Index>(input_values.size()));
        for (std::size_t k = 0; k < input_values.size(); ++k) x(0, static_cast<Eigen::Index>(k)) = input_values[k];
        return evaluate_row(x);
    }

    /// The uncertain inputs (indices into inputs()), in the order the sampler's columns take.
    const std::vector<int>& uncertain_inputs() const noexcept { return compiled_.uncertain; }
    /// The rank-correlation copula over some uncertain inputs; nullptr when there is none.
    const RankCorrelation* correlation() const noexcept { return compiled_.correlation ? &*compiled_.correlation : nullptr; }
    /// Columns of the sampler's design that correlation() couples.
    const std::vector<Eigen::Index>& correlated_columns() const noexcept { return compiled_.correlated; }

    /// Costs, benefits, budget and shortfall of fiscal year `f` for trial `t` of a batch.
    FiscalYearTotals fiscal_year_totals(const BatchResult& b, Eigen::Index t, std::size_t f) const {
        return detail::fiscal_year_totals(compiled_, b, t, f);
    }

    /// Metrics of trial `t` of a batch. Throws NumericError when one overflows.
    Metrics metrics(const BatchResult& b, Eigen::Index t) const {
        return checked(detail::trial_metrics(compiled_, scenario_, b, t));
    }
    /// The same, reusing `workspace` (no allocation per trial); IRR and MIRR only when `with_irr`.
    Metrics metrics(const BatchResult& b, Eigen::Index t, detail::MetricsWorkspace& workspace, bool with_irr) const {
        return checked(detail::trial_metrics(compiled_, scenario_, b, t, workspace, with_irr));
    }

private:
    // Every input is finite and in range, but products, sums and ratios of
    // extreme ones (1e300 people at 1e300 a year; costs over 1e-320
    // credentials) can still leave double precision. Such a result is an
    // error naming what overflowed, never an infinity or NaN passed off as a
    // number. The checks cost one pass over the batch's arrays.
    void check_finite(const BatchResult& b) const {
        const std::pair<const char*, const Eigen::ArrayXXd*> arrays[] = {
            {"costs", &b.costs},       {"benefits", &b.benefits}, {"discount factor", &b.discount_factors},
            {"population", &b.population}, {"earners", &b.earners},   {"credentials", &b.credentials}};
        // A finite sum proves every term finite (one vectorised pass, against
        // allFinite's coefficient-by-coefficient test); a sum that overflows
        // without any term doing so is followed by the exact scan, which then
        // finds nothing.
        for (const auto& [name, a] : arrays) {
            if (std::isfinite(a->sum())) continue;
            for (Eigen::Index i = 0; i < a->cols(); ++i)
                for (Eigen::Index t = 0; t < a->rows(); ++t)
                    if (!std::isfinite((*a)(t, i)))
                        throw NumericError(std::string("the ") + name + " of " +
                                           scenario_.start.plus_months(static_cast<int>(i)).to_string() + " overflow (" +
                                           detail::describe((*a)(t, i)) + "): the scenario's amounts or volumes are too "
                                           "large for double precision; state them in larger units (thousands, millions)");
        }
        if (!b.fiscal_year_budget.allFinite())
            throw NumericError("the budget overflows: the scenario's amounts are too large for double precision; "
                               "state them in larger units (thousands, millions)");
    }

    Metrics checked(Metrics m) const {
        auto check = [](double x, const char* name) {
            if (!std::isfinite(x))
                throw NumericError(std::string(name) + " overflows (" + detail::describe(x) +
                                   "): the scenario's amounts, volumes or discount rate are too extreme for double "
                                   "precision");
        };
        auto check_optional = [&](const std::optional<double>& x, const char* name) {
            if (x) check(*x, name);
        };
        check(m.npv, "NPV");
        check(m.pv_costs, "PV costs");
        check(m.pv_benefits, "PV benefits");
        check(m.total_costs, "total costs");
        check(m.total_benefits, "total benefits");
        check(m.total_net, "total net cash flow");
        check(m.total_credentials, "total credentials");
        check(m.total_shortfall, "total shortfall");
        check_optional(m.roi, "ROI");
        check_optional(m.bcr, "the benefit-cost ratio");
        check_optional(m.irr, "IRR");
        check_optional(m.mirr, "MIRR");
        check_optional(m.payback_months, "payback");
        check_optional(m.discounted_payback_months, "discounted payback");
        check_optional(m.cost_per_credential, "cost per credential");
        check_optional(m.cost_per_earner, "cost per earner");
        for (double x : m.irr_all) check(x, "IRR");
        return m;
    }

    Evaluation evaluate_row(const Eigen::ArrayXXd& x) const;

    Scenario scenario_;
    detail::CompiledModel compiled_;
};

/// The base case of a scenario.
inline Evaluation evaluate(const Scenario& scenario) { return Model(scenario).evaluate(); }

inline Evaluation Model::evaluate_row(const Eigen::ArrayXXd& x) const {
    BatchResult b;
    evaluate_batch(x, b, true);
    const int H = scenario_.horizon_months;
    auto row = [&](const Eigen::ArrayXXd& a) {
        std::vector<double> v(static_cast<std::size_t>(H));
        for (int i = 0; i < H; ++i) v[static_cast<std::size_t>(i)] = a(0, i);
        return v;
    };
    Evaluation e;
    e.scenario_name = scenario_.name;
    e.currency = scenario_.currency;
    e.discount_rate = b.discount_rate(0);
    for (int i = 0; i < H; ++i) e.months.push_back(scenario_.start.plus_months(i));
    for (std::size_t k = 0; k < b.cost_lines.size(); ++k)
        e.cost_lines.push_back({compiled_.cost_line_names[k], compiled_.cost_line_kinds[k], row(b.cost_lines[k])});
    for (std::size_t k = 0; k < b.benefit_lines.size(); ++k)
        e.benefit_lines.push_back({compiled_.benefit_line_names[k], compiled_.benefit_line_kinds[k], row(b.benefit_lines[k])});
    e.costs = row(b.costs);
    e.benefits = row(b.benefits);
    e.discount_factors = row(b.discount_factors);
    e.population = row(b.population);
    e.adoption = row(b.adoption);
    e.earners = row(b.earners);
    e.credentials = row(b.credentials);
    e.net.resize(e.costs.size());
    e.cumulative_net.resize(e.costs.size());
    double cum = 0;
    for (std::size_t i = 0; i < e.costs.size(); ++i) {
        e.net[i] = e.benefits[i] - e.costs[i];
        cum += e.net[i];
        e.cumulative_net[i] = cum;
    }
    double fy_cum = 0;
    for (std::size_t f = 0; f < compiled_.fiscal_years.size(); ++f) {
        const FiscalPeriod& p = compiled_.fiscal_years[f];
        const FiscalYearTotals totals = fiscal_year_totals(b, 0, f);
        FiscalYearResult r;
        r.label = p.label;
        r.fiscal_year = p.fiscal_year;
        r.first_month_index = p.first_month_index;
        r.month_count = p.month_count;
        r.costs = totals.costs;
        r.benefits = totals.benefits;
        r.net = r.benefits - r.costs;
        fy_cum += r.net;
        r.cumulative_net = fy_cum;
        r.budget = totals.budget;
        r.shortfall = totals.shortfall;
        auto sum = [&](const std::vector<double>& v) {
            double s = 0;
            for (int i = p.first_month_index; i < p.first_month_index + p.month_count; ++i) s += v[static_cast<std::size_t>(i)];
            return s;
        };
        for (const auto& l : e.cost_lines) r.costs_by_line.push_back(sum(l.monthly));
        for (const auto& l : e.benefit_lines) r.benefits_by_line.push_back(sum(l.monthly));
        e.fiscal_years.push_back(std::move(r));
    }
    e.metrics = metrics(b, 0);
    return e;
}

}  // namespace credroi
