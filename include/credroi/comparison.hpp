#pragma once
// Scenario comparison with common random numbers: vendor A against vendor B,
// a pilot against a full roll-out. Every scenario is simulated with the same
// seed, sampler and number of trials; the Monte Carlo and Latin hypercube
// samplers key each uncertain input's random stream by its key path
// (sampling.hpp, stream_id), so inputs the scenarios share draw the same
// uniforms in the same trial. The per-trial difference of a metric then
// cancels the noise the shared inputs cause, and its standard error is far
// smaller than that of two independent runs.
#include <credroi/error.hpp>
#include <credroi/model.hpp>
#include <credroi/simulation.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace credroi {

/// One scenario of a comparison after the other (index `scenario`) minus the
/// first (index 0), trial by trial.
struct PairedDifference {
    std::size_t scenario = 1;         ///< index into ComparisonResult::names
    std::string metric = "npv";
    std::uint64_t trials = 0;         ///< trials in which both scenarios have the metric
    double base_difference = 0;       ///< base case: scenario minus the first
    double mean_difference = 0;       ///< mean over trials of (scenario - first)
    double standard_deviation = 0;    ///< of the per-trial difference
    /// standard_deviation / sqrt(trials): the paired (common random numbers)
    /// standard error of mean_difference.
    double standard_error = 0;
    /// sqrt((sd_first^2 + sd_scenario^2) / trials): what the standard error of
    /// the difference of means would be had the two been simulated with
    /// independent random numbers.
    double independent_standard_error = 0;
    /// (independent_standard_error / standard_error)^2: how many times more
    /// trials independent runs would need for the same precision; infinite
    /// when the paired difference does not vary at all.
    double variance_reduction = 1;
    double correlation = 0;           ///< Pearson correlation of the two scenarios' per-trial values
    double probability_better = 0;    ///< share of trials in which the scenario's metric is higher (better for npv, roi, bcr, irr)
    double probability_worse = 0;     ///< share in which it is lower (ties count in neither)
    std::vector<std::string> shared_inputs;  ///< uncertain inputs both scenarios have (common random numbers)
};

/// An error in one scenario's trials, with its index: the caller may know more of it (the command line: its file).
class ComparisonTrialsError : public NumericError {
public:
    ComparisonTrialsError(std::size_t scenario, const std::string& name, const std::string& message)
        : NumericError("scenario " + std::to_string(scenario) + " (\"" + name + "\"): " + stage::monte_carlo_trials + ": " + message),
          scenario_(scenario), message_(message) {}
    std::size_t scenario() const noexcept { return scenario_; }      ///< index into the models compared
    const std::string& message() const noexcept { return message_; }  ///< simulate()'s own message

private:
    std::size_t scenario_;
    std::string message_;
};

struct ComparisonResult {
    std::vector<std::string> names;             ///< the scenarios' names, in the order given
    std::string currency;                       ///< shared by every scenario
    std::vector<Metrics> base;                  ///< base-case metrics of each
    std::vector<SimulationResult> simulations;  ///< each kept its trials (trial_metrics, trial_inputs)
    std::vector<PairedDifference> differences;  ///< one per scenario after the first
    bool common_random_numbers = true;          ///< false for the Sobol' sampler (streams are by column there)
};

/// Simulates every model with the same options (keep_trials forced on) and
/// differences each scenario after the first against the first, trial by
/// trial, on `metric` (one of the names in SimulationResult::metric_names that
/// every scenario has; "npv" by default).
///
/// Throws ParameterError("scenarios") for fewer than two models,
/// ParameterError("currency") when their currencies differ,
/// ParameterError("metric") for a metric one of them lacks, what simulate()
/// throws for bad options ("trials", "batch_size"; before any scenario runs),
/// Cancelled when options.cancel is set during a run, and
/// ComparisonTrialsError (a NumericError; scenario() is the model's index,
/// message() simulate()'s message) for any other error of simulate() in one
/// scenario's trials.
inline ComparisonResult compare(const std::vector<Model>& models, const SimulationOptions& options,
                                const std::string& metric = "npv") {
    CREDROI_REQUIRE(models.size() >= 2, "scenarios", "expected at least two scenarios to compare, found " << models.size());
    for (const Model& m : models)
        CREDROI_REQUIRE(m.scenario().currency == models.front().scenario().currency, "currency",
                        "expected every scenario in " << models.front().scenario().currency << " (as \""
                                                      << models.front().scenario().name << "\"), found "
                                                      << m.scenario().currency << " in \"" << m.scenario().name << '"');
    check_simulation_options(options);  // here, so that their errors are no scenario's
    SimulationOptions o = options;
    o.keep_trials = true;
    ComparisonResult r;
    r.common_random_numbers = options.sampler != Sampler::sobol;
    r.currency = models.front().scenario().currency;
    for (std::size_t k = 0; k < models.size(); ++k) {
        const Model& m = models[k];
        r.names.push_back(m.scenario().name);
        r.base.push_back(m.evaluate().metrics);
        try {
            r.simulations.push_back(simulate(m, o));
        } catch (const Cancelled&) {
            throw;
        } catch (const Error& e) {
            throw ComparisonTrialsError(k, m.scenario().name, e.what());
        }
    }
    auto column = [&](const SimulationResult& s) {
        const auto it = std::find(s.metric_names.begin(), s.metric_names.end(), metric);
        CREDROI_REQUIRE(it != s.metric_names.end(), "metric", "expected a metric every scenario has, found \"" << metric << '"');
        return static_cast<Eigen::Index>(it - s.metric_names.begin());
    };
    const SimulationResult& first = r.simulations.front();
    const Eigen::Index c0 = column(first);
    for (std::size_t k = 1; k < models.size(); ++k) {
        const SimulationResult& s = r.simulations[k];
        const Eigen::Index ck = column(s);
        PairedDifference d;
        d.scenario = k;
        d.metric = metric;
        d.base_difference = s.metrics[static_cast<std::size_t>(ck)].base - first.metrics[static_cast<std::size_t>(c0)].base;
        for (const std::string& p : s.input_paths)
            if (std::find(first.input_paths.begin(), first.input_paths.end(), p) != first.input_paths.end())
                d.shared_inputs.push_back(p);
        // One pass of Welford's updates for the difference and for the
        // co-moments of the pair (trials where either lacks the metric are left out).
        double mean_a = 0, mean_b = 0, mean_d = 0, m2_a = 0, m2_b = 0, m2_d = 0, co = 0;
        std::uint64_t n = 0, better = 0, worse = 0;
        for (Eigen::Index t = 0; t < s.trial_metrics.rows(); ++t) {
            const double a = first.trial_metrics(t, c0), b = s.trial_metrics(t, ck);
            if (std::isnan(a) || std::isnan(b)) continue;
            ++n;
            const double w = 1.0 / static_cast<double>(n);
            const double da = a - mean_a, db = b - mean_b, dd = (b - a) - mean_d;
            mean_a += da * w;
            mean_b += db * w;
            mean_d += dd * w;
            m2_a += da * (a - mean_a);
            m2_b += db * (b - mean_b);
            m2_d += dd * ((b - a) - mean_d);
            co += da * (b - mean_b);
            if (b > a) ++better;
            if (b < a) ++worse;
        }
        d.trials = n;
        const double nan = std::numeric_limits<double>::quiet_NaN();
        if (n == 0) {
            d.mean_difference = d.standard_deviation = d.standard_error = d.independent_standard_error = d.correlation = nan;
            d.variance_reduction = nan;
        } else {
            const double nn = static_cast<double>(n), dof = n > 1 ? static_cast<double>(n - 1) : 1.0;
            d.mean_difference = mean_d;
            d.standard_deviation = std::sqrt(m2_d / dof);
            d.standard_error = d.standard_deviation / std::sqrt(nn);
            d.independent_standard_error = std::sqrt((m2_a / dof + m2_b / dof) / nn);
            const double ratio = d.independent_standard_error / d.standard_error;
            d.variance_reduction = d.standard_error > 0              ? ratio * ratio
                                   : d.independent_standard_error > 0 ? std::numeric_limits<double>::infinity()
                                                                      : 1.0;  // nothing uncertain: nothing to reduce
            d.correlation = m2_a > 0 && m2_b > 0 ? co / std::sqrt(m2_a * m2_b) : nan;
            d.probability_better = static_cast<double>(better) / nn;
            d.probability_worse = static_cast<double>(worse) / nn;
        }
        r.differences.push_back(std::move(d));
    }
    return r;
}

}  // namespace credroi
