#pragma once
// What the model returns: monthly lines, fiscal-year rows and metrics for one
// set of input values (Evaluation), and trials × months arrays for a batch
// (BatchResult).
#include <credroi/calendar.hpp>
#include <credroi/finance.hpp>

#include <Eigen/Core>

#include <optional>
#include <string>
#include <vector>

namespace credroi {

/// One cost or benefit line, month by month (undiscounted amounts).
struct MonthlyLine {
    std::string name;
    std::string kind;  ///< "one_off", "recurring", "staff", "vendor", "quality_review", "staff_time", "contingency", or the benefit's key
    std::vector<double> monthly;
    double total() const {
        double s = 0;
        for (double v : monthly) s += v;
        return s;
    }
};

struct FiscalYearResult {
    std::string label;
    int fiscal_year = 0;
    int first_month_index = 0;
    int month_count = 0;  ///< < 12 where the horizon covers the year in part
    double costs = 0, benefits = 0, net = 0, cumulative_net = 0;
    std::optional<double> budget;     ///< envelope including any extension; empty without a [budget]
    std::optional<double> shortfall;  ///< max(0, costs - budget)
    std::vector<double> costs_by_line;     ///< in the order of Evaluation::cost_lines
    std::vector<double> benefits_by_line;  ///< in the order of Evaluation::benefit_lines
};

struct Metrics {
    double npv = 0;               ///< Σ net_i · df_i, df_i = (1+r)^-((i+1)/12) (end-of-month flows)
    double pv_costs = 0;
    double pv_benefits = 0;
    std::optional<double> roi;    ///< (PV benefits − PV costs) / PV costs; empty when PV costs = 0
    std::optional<double> bcr;    ///< PV benefits / PV costs
    IrrStatus irr_status = IrrStatus::no_sign_change;
    std::optional<double> irr;    ///< annualised: (1 + monthly IRR)^12 − 1
    std::vector<double> irr_all;  ///< every annualised root when there are several
    std::optional<double> mirr;   ///< annualised
    std::optional<double> payback_months;             ///< simple, interpolated, from the model start
    std::optional<double> discounted_payback_months;
    std::optional<YearMonth> break_even_month;        ///< month in which cumulative net turns ≥ 0
    double total_costs = 0, total_benefits = 0, total_net = 0;
    double total_credentials = 0;
    double peak_earners = 0;
    std::optional<double> cost_per_credential;        ///< total costs / credentials issued
    std::optional<double> cost_per_earner;            ///< total costs / peak active earners
    double total_shortfall = 0;
};

/// The deterministic result of one set of input values.
struct Evaluation {
    std::string scenario_name;
    std::string currency;
    double discount_rate = 0;  ///< annual, as used
    std::vector<YearMonth> months;
    std::vector<MonthlyLine> cost_lines;
    std::vector<MonthlyLine> benefit_lines;
    std::vector<double> costs, benefits, net, cumulative_net, discount_factors;
    std::vector<double> population, adoption, earners, credentials;
    std::vector<FiscalYearResult> fiscal_years;
    Metrics metrics;
};

/// One fiscal year of one trial.
struct FiscalYearTotals {
    double costs = 0, benefits = 0;
    std::optional<double> budget, shortfall;  ///< empty without a [budget]
};

/// A batch of trials evaluated together: arrays are trials × months (column =
/// month), so each month's work runs across all trials at once.
struct BatchResult {
    Eigen::ArrayXXd costs, benefits, discount_factors;
    Eigen::ArrayXXd earners, credentials;                        // always kept: the budget and the metrics need them
    Eigen::ArrayXXd population, adoption;                        // 0 months when evaluated without the drivers
    std::vector<Eigen::ArrayXXd> cost_lines, benefit_lines;      // only with keep_lines
    Eigen::ArrayXXd fiscal_year_budget;                          // trials × fiscal years; 0 columns without [budget]
    Eigen::ArrayXd discount_rate, reinvestment_rate;             // annual, per trial
};

}  // namespace credroi
