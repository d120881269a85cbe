#pragma once
// The business case a decision maker reads: one self-contained HTML file
// (inline CSS and SVG charts, nothing fetched over the network) with an
// executive summary, charts, the fiscal-year statement and sections that
// follow the planning method (Budget, Authority, Need, Timeline); and the
// output formats of a scenario comparison. Compiled into credroi::io.
//
// Every number in a report comes from the engine: Model::evaluate for the
// base case, simulate() for the distributions, tornado() and
// rank_sensitivity() for what the result depends on, compare() for
// comparisons. The report only lays them out. docs/report.md describes the
// report section by section.
#include <credroi/comparison.hpp>
#include <credroi/model.hpp>
#include <credroi/sensitivity.hpp>
#include <credroi/simulation.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace credroi {

struct ReportOptions {
    std::uint64_t trials = 10000;  ///< Monte Carlo trials, >= 1
    std::uint64_t seed = 1;        ///< the same default as `credroi run`; printed in the report
    Sampler sampler = Sampler::latin_hypercube;
    unsigned threads = 0;          ///< 0: every core; never changes a number
    std::string run_date;          ///< printed as the date of the run; empty: today's date (local time)
    std::string source;            ///< the scenario file's name, printed so a reader can reproduce the run
    std::function<void(std::uint64_t, std::uint64_t)> progress;  ///< as SimulationOptions::progress
    const std::atomic<bool>* cancel = nullptr;                   ///< as SimulationOptions::cancel
};

/// The programme with its timeline shifted: the base case with
/// adoption.delay_months set to another value.
struct DelayCase {
    std::string label;        ///< e.g. "P90 of the delay", "6 months later"
    double delay_months = 0;
    Evaluation evaluation;    ///< the whole base case at that delay
};

/// Everything a report shows, computed by the engine.
struct ReportAnalysis {
    Evaluation base;                         ///< Model::evaluate()
    SimulationResult simulation;             ///< simulate() with keep_trials (for the NPV histogram)
    std::optional<TornadoResult> tornado;    ///< NPV, P10 to P90; empty without uncertain inputs
    std::optional<RankSensitivity> rank;     ///< NPV, from the simulation's samples; empty without uncertain inputs
    std::vector<DelayCase> delays;           ///< the base case at other delays of the roll-out
};

/// Runs the engine for a report: base case, simulation, tornado and rank
/// sensitivity of NPV, and the base case at delays of the roll-out.
/// Throws ParameterError("trials") for 0 trials, and what simulate() throws.
ReportAnalysis analyse_for_report(const Model& model, const ReportOptions& options = {});

/// The report of an analysis as one HTML document.
std::string render_report(const Model& model, const ReportAnalysis& analysis, const ReportOptions& options = {});

/// analyse_for_report then render_report.
std::string report_html(const Model& model, const ReportOptions& options = {});

/// A comparison for people: the scenarios side by side (base case and
/// distributions), then each scenario against the first with the common
/// random numbers' standard error next to that of independent runs.
std::string comparison_table(const ComparisonResult& result);

/// A comparison for tools: {"credroi_version", "trials", "seed", "sampler",
/// "common_random_numbers", "currency", "scenarios": [{"name", "base": {...},
/// "simulation": {...}}], "differences": [{...}]}. docs/report.md lists the keys.
std::string comparison_json(const ComparisonResult& result);

/// A comparison for spreadsheets: one row per scenario and metric.
std::string comparison_csv(const ComparisonResult& result);

/// A comparison report as one self-contained HTML document.
std::string comparison_report_html(const ComparisonResult& result, const ReportOptions& options = {});

namespace detail {
/// Today's date as YYYY-MM-DD (local time).
std::string today_iso();
/// A whole HTML document around `body`: the reports' style sheet and the
/// script that measures each chart after loading (for the browser test).
std::string report_page(const std::string& title, const std::string& body, const std::string& body_attributes);
}  // namespace detail

}  // namespace credroi
