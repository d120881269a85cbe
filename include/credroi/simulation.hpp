#pragma once
// The Monte Carlo engine: samples every uncertain input of a scenario, runs
// the model on batches of trials and reduces the results to distributions.
//
// Reproducibility: trials are cut into fixed batches of `batch_size`. Batch b
// draws its uniforms from streams keyed by (seed, b) (or from the slice of one
// scrambled Sobol' sequence), whatever thread runs it; floating-point sums are
// reduced per batch and combined in batch order; percentiles come from exact
// order statistics or from integer-count sketches, whose merge is exact. So
// the same seed gives the same bits at any thread count.
#include <credroi/error.hpp>
#include <credroi/model.hpp>
#include <credroi/sampling.hpp>
#include <credroi/detail/sketch.hpp>

#include <Eigen/Core>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace credroi {

/// A run stopped by its caller (Ctrl-C in the command line).
class Cancelled : public Error {
public:
    Cancelled() : Error("interrupted; nothing was written") {}
};

struct SimulationOptions {
    std::uint64_t trials = 10000;
    std::uint64_t seed = 1;
    Sampler sampler = Sampler::latin_hypercube;
    unsigned threads = 0;                 ///< 0: every core
    Eigen::Index batch_size = 1024;       ///< part of what a seed reproduces (Latin hypercube strata are per batch)
    bool keep_trials = false;             ///< keep each trial's metrics and uncertain inputs
    /// IRR and MIRR need a root search or compounding per trial, the costliest
    /// step by far; set false when they are not wanted (they are then NaN, count 0).
    bool irr = true;
    /// Percentiles are exact (order statistics of every trial) up to this many
    /// trials or whenever trials are kept; above it they come from a sketch
    /// with a relative error below 0.013 %.
    std::uint64_t exact_percentile_limit = 100000;
    /// Called now and then from the calling thread with (trials done, trials).
    std::function<void(std::uint64_t, std::uint64_t)> progress;
    /// Set it (from a signal handler, say) to stop the run; simulate() then throws Cancelled.
    const std::atomic<bool>* cancel = nullptr;
};

/// The distribution of one metric over the trials in which it exists.
struct MetricSummary {
    std::string name;
    std::uint64_t count = 0;  ///< trials in which the metric exists (an IRR or a payback may not)
    double mean = 0, standard_deviation = 0, min = 0, max = 0;
    double p5 = 0, p10 = 0, p50 = 0, p90 = 0, p95 = 0;
    double base = 0;          ///< the base case; NaN where it does not exist there
};

struct SimulationResult {
    std::uint64_t trials = 0;
    std::uint64_t seed = 0;
    Sampler sampler = Sampler::latin_hypercube;
    unsigned threads = 0;
    Eigen::Index batch_size = 0;
    bool exact_percentiles = true;

    std::vector<std::string> input_paths;    ///< the uncertain inputs, in the columns of trial_inputs
    std::vector<std::string> metric_names;   ///< npv, irr, ... then "net FY2027", "shortfall FY2027", ...
    std::vector<MetricSummary> metrics;      ///< in the order of metric_names

    double probability_npv_positive = 0;
    double probability_payback_within_horizon = 0;
    double probability_irr_exists = 0;
    std::vector<std::string> fiscal_year_labels;
    std::vector<double> probability_shortfall;  ///< per fiscal year; empty without a budget
    double npv_mean_standard_error = 0;         ///< sd / sqrt(trials): conservative for LHS and Sobol

    std::vector<YearMonth> months;
    std::vector<double> band_probabilities{0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95};
    Eigen::ArrayXXd cumulative_net_bands;  ///< bands × months: percentiles of cumulative net cash flow

    double correlation_max_change = 0;  ///< largest change the nearest-correlation repair made (rank scale)
    std::string correlation_warning;    ///< empty unless the matrix had to be repaired

    /// Per trial, when kept (rows = trials). Missing metrics are NaN.
    Eigen::Array<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> trial_metrics;
    Eigen::Array<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> trial_inputs;

    const MetricSummary& metric(const std::string& name) const {
        for (const auto& m : metrics)
            if (m.name == name) return m;
        throw ParameterError("metric", "no metric '" + name + "'");
    }
};

namespace detail {

struct Welford {
    std::uint64_t n = 0;
    double mean = 0, m2 = 0;
    void add(double x) {
        ++n;
        const double d = x - mean;
        mean += d / static_cast<double>(n);
        m2 += d * (x - mean);
    }
    /// Chan et al.'s pairwise combination; called in batch order.
    void merge(const Welford& o) {
        if (o.n == 0) return;
        if (n == 0) {
            *this = o;
            return;
        }
        const double total = static_cast<double>(n + o.n);
        const double d = o.mean - mean;
        mean += d * static_cast<double>(o.n) / total;
        m2 += o.m2 + d * d * static_cast<double>(n) * static_cast<double>(o.n) / total;
        n += o.n;
    }
};

/// numpy.percentile's default (linear) on sorted values.
inline double percentile_sorted(const std::vector<double>& v, double p) {
    if (v.empty()) return std::nan("");
    const double rank = p * static_cast<double>(v.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(rank));
    const std::size_t hi = std::min(lo + 1, v.size() - 1);
    return v[lo] + (v[hi] - v[lo]) * (rank - static_cast<double>(lo));
}

/// The metrics of one trial, in the order of SimulationResult::metric_names.
inline void trial_metric_row(const Model& model, const BatchResult& b, Eigen::Index t, double* out,
                             MetricsWorkspace& ws, bool with_irr) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const Metrics m = model.metrics(b, t, ws, with_irr);
    out[0] = m.npv;
    out[1] = m.irr.value_or(nan);
    out[2] = m.mirr.value_or(nan);
    out[3] = m.roi.value_or(nan);
    out[4] = m.bcr.value_or(nan);
    out[5] = m.payback_months.value_or(nan);
    out[6] = m.discounted_payback_months.value_or(nan);
    out[7] = m.cost_per_credential.value_or(nan);
    out[8] = m.total_shortfall;
    const auto& years = model.fiscal_years();
    const bool budget = b.fiscal_year_budget.cols() > 0;
    for (std::size_t f = 0; f < years.size(); ++f) {
        const FiscalYearTotals y = model.fiscal_year_totals(b, t, f);
        out[9 + f] = y.benefits - y.costs;
        if (budget) out[9 + years.size() + f] = y.shortfall.value_or(0.0);
    }
}

inline constexpr int fixed_metric_count = 9;

}  // namespace detail

/// Runs the Monte Carlo simulation of a model. Throws ParameterError for bad
/// options, Cancelled when options.cancel is set during the run.
inline SimulationResult simulate(const Model& model, const SimulationOptions& options = {}) {
    CREDROI_REQUIRE(options.trials >= 1, "trials", "expected at least 1 trial, found " << options.trials);
    CREDROI_REQUIRE(options.batch_size >= 1, "batch_size", "expected at least 1, found " << options.batch_size);
    const auto& inputs = model.inputs();
    const std::vector<int>& uncertain = model.uncertain_inputs();
    const auto d = static_cast<Eigen::Index>(uncertain.size());
    const auto& years = model.fiscal_years();
    const bool has_budget = model.scenario().budget.has_value();
    const int H = model.horizon_months();

    SimulationResult r;
    r.trials = options.trials;
    r.seed = options.seed;
    r.sampler = options.sampler;
    r.batch_size = options.batch_size;
    for (int k : uncertain) r.input_paths.push_back(inputs[static_cast<std::size_t>(k)].path);
    r.metric_names = {"npv", "irr", "mirr", "roi", "bcr", "payback_months", "discounted_payback_months",
                      "cost_per_credential", "total_shortfall"};
    for (const auto& y : years) {
        r.fiscal_year_labels.push_back(y.label);
        r.metric_names.push_back("net " + y.label);
    }
    if (has_budget)
        for (const auto& y : years) r.metric_names.push_back("shortfall " + y.label);
    const std::size_t M = r.metric_names.size();
    for (int i = 0; i < H; ++i) r.months.push_back(model.scenario().start.plus_months(i));
    if (const RankCorrelation* c = model.correlation()) {
        r.correlation_max_change = c->max_abs_change_spearman();
        r.correlation_warning = c->repair_message();
    }

    const std::uint64_t B = static_cast<std::uint64_t>(options.batch_size);
    const std::uint64_t batches = (options.trials + B - 1) / B;
    unsigned threads = options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
    threads = static_cast<unsigned>(std::min<std::uint64_t>(threads, batches));
    r.threads = threads;
    const bool rows = options.keep_trials || options.trials <= options.exact_percentile_limit;
    r.exact_percentiles = rows;
    if (rows) r.trial_metrics.resize(static_cast<Eigen::Index>(options.trials), static_cast<Eigen::Index>(M));
    if (options.keep_trials) r.trial_inputs.resize(static_cast<Eigen::Index>(options.trials), d);

    // Streams keyed by the inputs' paths: common random numbers across
    // scenarios that share inputs (credroi compare), see stream_id().
    std::vector<std::uint64_t> streams;
    for (const auto& path : r.input_paths) streams.push_back(stream_id(path));
    const UniformDesign design(options.sampler, options.seed, std::move(streams));
    const Eigen::ArrayXXd base = model.base_inputs();
    std::vector<detail::Welford> partial(batches * M);  // per batch, combined in batch order

    struct Worker {
        std::vector<detail::QuantileSketch<std::uint64_t>> metric_sketch;
        std::vector<detail::QuantileSketch<std::uint32_t>> band_sketch;
        std::vector<double> min, max;
        std::vector<std::uint64_t> count, shortfall_years;
        std::uint64_t npv_positive = 0, payback = 0;
    };
    std::vector<Worker> workers(threads);
    std::atomic<std::uint64_t> next{0}, done{0};
    std::atomic<bool> stop{false};
    std::mutex error_mutex;
    std::exception_ptr error;

    auto work = [&](Worker& w) {
        w.metric_sketch.assign(M, detail::QuantileSketch<std::uint64_t>(12));
        w.band_sketch.assign(static_cast<std::size_t>(H), detail::QuantileSketch<std::uint32_t>(10));
        w.min.assign(M, std::numeric_limits<double>::infinity());
        w.max.assign(M, -std::numeric_limits<double>::infinity());
        w.count.assign(M, 0);
        w.shortfall_years.assign(years.size(), 0);
        Eigen::ArrayXXd u, x;
        BatchResult br;
        detail::MetricsWorkspace ws;
        std::vector<double> row(M);
        try {
            for (;;) {
                if (stop.load(std::memory_order_relaxed) || (options.cancel && options.cancel->load())) return;
                const std::uint64_t b = next.fetch_add(1);
                if (b >= batches) return;
                const std::uint64_t first = b * B;
                const auto n = static_cast<Eigen::Index>(std::min(B, options.trials - first));
                u.resize(n, d);
                design.fill(b, first, u);
                if (const RankCorrelation* c = model.correlation()) c->apply(u, model.correlated_columns());
                x.resize(n, base.cols());
                for (Eigen::Index k = 0; k < base.cols(); ++k) x.col(k).setConstant(base(0, k));
                for (Eigen::Index j = 0; j < d; ++j) {
                    const int k = uncertain[static_cast<std::size_t>(j)];
                    quantiles(*inputs[static_cast<std::size_t>(k)].distribution, u.col(j).data(), x.col(k).data(),
                              static_cast<std::size_t>(n));
                }
                model.evaluate_batch(x, br, false);
                detail::Welford* acc = &partial[b * M];
                for (Eigen::Index t = 0; t < n; ++t) {
                    detail::trial_metric_row(model, br, t, row.data(), ws, options.irr);
                    for (std::size_t m = 0; m < M; ++m) {
                        const double v = row[m];
                        if (rows) r.trial_metrics(static_cast<Eigen::Index>(first) + t, static_cast<Eigen::Index>(m)) = v;
                        if (std::isnan(v)) continue;
                        acc[m].add(v);
                        if (!rows) w.metric_sketch[m].add(v);
                        w.min[m] = std::min(w.min[m], v);
                        w.max[m] = std::max(w.max[m], v);
                        ++w.count[m];
                    }
                    if (row[0] > 0) ++w.npv_positive;
                    if (!std::isnan(row[5])) ++w.payback;
                    if (has_budget)
                        for (std::size_t f = 0; f < years.size(); ++f)
                            if (row[detail::fixed_metric_count + years.size() + f] > 0) ++w.shortfall_years[f];
                    double cumulative = 0;
                    for (int i = 0; i < H; ++i) {
                        cumulative += br.benefits(t, i) - br.costs(t, i);
                        w.band_sketch[static_cast<std::size_t>(i)].add(cumulative);
                    }
                    if (options.keep_trials)
                        for (Eigen::Index j = 0; j < d; ++j)
                            r.trial_inputs(static_cast<Eigen::Index>(first) + t, j) = x(t, uncertain[static_cast<std::size_t>(j)]);
                }
                done.fetch_add(static_cast<std::uint64_t>(n));
            }
        } catch (...) {
            std::lock_guard<std::mutex> lock(error_mutex);
            if (!error) error = std::current_exception();
            stop = true;
        }
    };

    std::vector<std::thread> pool;
    if (options.progress) {
        // Every worker on its own thread; the calling thread only reports progress.
        for (unsigned k = 0; k < threads; ++k) pool.emplace_back(work, std::ref(workers[k]));
        while (done.load() < options.trials && !stop.load() && !(options.cancel && options.cancel->load())) {
            options.progress(done.load(), options.trials);
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    } else {
        for (unsigned k = 1; k < threads; ++k) pool.emplace_back(work, std::ref(workers[k]));
        work(workers[0]);
    }
    for (auto& th : pool) th.join();
    if (error) std::rethrow_exception(error);
    if (options.cancel && options.cancel->load()) throw Cancelled();
    if (options.progress) options.progress(options.trials, options.trials);

    // ---- reduce: integer counts and sketches in any order, sums in batch order
    Worker& all = workers[0];
    for (unsigned k = 1; k < threads; ++k) {
        const Worker& w = workers[k];
        for (std::size_t m = 0; m < M; ++m) {
            all.metric_sketch[m].merge(w.metric_sketch[m]);
            all.min[m] = std::min(all.min[m], w.min[m]);
            all.max[m] = std::max(all.max[m], w.max[m]);
            all.count[m] += w.count[m];
        }
        for (int i = 0; i < H; ++i) all.band_sketch[static_cast<std::size_t>(i)].merge(w.band_sketch[static_cast<std::size_t>(i)]);
        for (std::size_t f = 0; f < years.size(); ++f) all.shortfall_years[f] += w.shortfall_years[f];
        all.npv_positive += w.npv_positive;
        all.payback += w.payback;
    }
    const double n_trials = static_cast<double>(options.trials);
    std::vector<double> base_row(M, std::numeric_limits<double>::quiet_NaN());
    {
        BatchResult bb;
        model.evaluate_batch(base, bb, false);
        detail::MetricsWorkspace ws;
        detail::trial_metric_row(model, bb, 0, base_row.data(), ws, options.irr);
    }
    std::vector<double> values;
    for (std::size_t m = 0; m < M; ++m) {
        detail::Welford total;
        for (std::uint64_t b = 0; b < batches; ++b) total.merge(partial[b * M + m]);
        MetricSummary s;
        s.name = r.metric_names[m];
        s.count = all.count[m];
        s.base = base_row[m];
        if (s.count > 0) {
            s.mean = total.mean;
            s.standard_deviation = s.count > 1 ? std::sqrt(total.m2 / static_cast<double>(s.count - 1)) : 0.0;
            s.min = all.min[m];
            s.max = all.max[m];
            double* q[] = {&s.p5, &s.p10, &s.p50, &s.p90, &s.p95};
            const double ps[] = {0.05, 0.10, 0.50, 0.90, 0.95};
            if (rows) {
                values.clear();
                for (Eigen::Index t = 0; t < r.trial_metrics.rows(); ++t) {
                    const double v = r.trial_metrics(t, static_cast<Eigen::Index>(m));
                    if (!std::isnan(v)) values.push_back(v);
                }
                std::sort(values.begin(), values.end());
                for (int k = 0; k < 5; ++k) *q[k] = detail::percentile_sorted(values, ps[k]);
            } else {
                for (int k = 0; k < 5; ++k) *q[k] = std::clamp(all.metric_sketch[m].quantile(ps[k]), s.min, s.max);
            }
        } else {
            s.mean = s.standard_deviation = s.min = s.max = s.p5 = s.p10 = s.p50 = s.p90 = s.p95 =
                std::numeric_limits<double>::quiet_NaN();
        }
        r.metrics.push_back(s);
    }
    if (!options.keep_trials && options.trials <= options.exact_percentile_limit) r.trial_metrics.resize(0, 0);
    r.probability_npv_positive = static_cast<double>(all.npv_positive) / n_trials;
    r.probability_payback_within_horizon = static_cast<double>(all.payback) / n_trials;
    r.probability_irr_exists = static_cast<double>(all.count[1]) / n_trials;
    if (has_budget)
        for (std::size_t f = 0; f < years.size(); ++f)
            r.probability_shortfall.push_back(static_cast<double>(all.shortfall_years[f]) / n_trials);
    r.npv_mean_standard_error = r.metrics[0].standard_deviation / std::sqrt(n_trials);
    r.cumulative_net_bands.resize(static_cast<Eigen::Index>(r.band_probabilities.size()), H);
    for (std::size_t k = 0; k < r.band_probabilities.size(); ++k)
        for (int i = 0; i < H; ++i)
            r.cumulative_net_bands(static_cast<Eigen::Index>(k), i) = all.band_sketch[static_cast<std::size_t>(i)].quantile(r.band_probabilities[k]);
    return r;
}

/// Simulates a scenario (validating it first).
inline SimulationResult simulate(const Scenario& scenario, const SimulationOptions& options = {}) {
    return simulate(Model(scenario), options);
}

}  // namespace credroi
