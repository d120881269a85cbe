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
#include <credroi/detail/batch_metrics.hpp>
#include <credroi/detail/simd.hpp>
#include <credroi/detail/sketch.hpp>

#include <Eigen/Core>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <iomanip>
#include <limits>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#if __has_include(<unistd.h>)
#include <unistd.h>  // sysconf: the physical memory, to refuse kept trials that cannot fit
#endif

namespace credroi {

/// A run stopped by its caller (Ctrl-C in the command line).
class Cancelled : public Error {
public:
    Cancelled() : Error("interrupted; nothing was written") {}
};

/// The most trials one simulate() call takes (2^32 - 1; more: several seeds).
inline constexpr std::uint64_t max_trials = 4294967295u;
static_assert(max_trials <= detail::QuantileSketch::max_count, "one bucket of simulate()'s sketches may count every trial");

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
    /// with a relative error below 0.013 %, or, for values closer to zero, an
    /// absolute error below 2^-13 (0.012 %) of the metric's base-case magnitude.
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

    /// The row of cumulative_net_bands at probability p (one of band_probabilities), month by month.
    std::vector<double> cumulative_net_band(double p) const {
        for (std::size_t k = 0; k < band_probabilities.size(); ++k)
            if (std::fabs(band_probabilities[k] - p) < 1e-9) {
                std::vector<double> band(static_cast<std::size_t>(cumulative_net_bands.cols()));
                for (std::size_t i = 0; i < band.size(); ++i)
                    band[i] = cumulative_net_bands(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(i));
                return band;
            }
        std::ostringstream os;
        os << "expected one of the band probabilities (0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95), found " << p;
        throw ParameterError("p", os.str());
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

/// The count, mean and sum of squared deviations (Welford's n, mean, m2) of
/// the values of v[0..n) that are not NaN, by the two-pass formula, ready to
/// merge() in order. Each pass keeps `lanes` partial sums, value j in partial
/// j % lanes, added up in a fixed order at the end: the compiler turns the
/// lanes into vector registers (it may not reorder one sum), and the order
/// is written here, not chosen by the compiler, so every build and thread
/// count gives the same bits. Two passes over a block in the cache cost far
/// less than Welford's division per value, and are at least as accurate.
/// `lo` and `hi` are the smallest and largest value: when they are equal the
/// mean is that value exactly and m2 is 0 (no rounding noise from the sum).
inline Welford block_moments(const double* v, Eigen::Index n, double lo, double hi) {
    constexpr Eigen::Index lanes = 8;
    double count[lanes] = {}, sum[lanes] = {};
    Eigen::Index j = 0;
    for (; j + lanes <= n; j += lanes)
        for (Eigen::Index k = 0; k < lanes; ++k) {
            const double x = v[j + k];
            const bool present = x == x;
            count[k] += present ? 1.0 : 0.0;
            sum[k] += present ? x : 0.0;
        }
    for (Eigen::Index k = 0; j + k < n; ++k) {
        const double x = v[j + k];
        const bool present = x == x;
        count[k] += present ? 1.0 : 0.0;
        sum[k] += present ? x : 0.0;
    }
    auto total = [](const double* a) { return ((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7])); };
    Welford w;
    const double c = total(count);
    w.n = static_cast<std::uint64_t>(c);
    if (w.n == 0) return w;
    if (lo == hi) {
        w.mean = lo;
        return w;
    }
    const double mean = total(sum) / c;
    double square[lanes] = {};
    j = 0;
    for (; j + lanes <= n; j += lanes)
        for (Eigen::Index k = 0; k < lanes; ++k) {
            const double x = v[j + k];
            const double d = x == x ? x - mean : 0.0;
            square[k] += d * d;
        }
    for (Eigen::Index k = 0; j + k < n; ++k) {
        const double x = v[j + k];
        const double d = x == x ? x - mean : 0.0;
        square[k] += d * d;
    }
    w.mean = mean;
    w.m2 = total(square);
    return w;
}

/// The smaller and the larger of two values in the order that puts -0 below
/// +0, with NaN (a missing metric) never chosen over a number: the range of a
/// metric then does not depend on the order its values come in (which batch a
/// worker happens to take first, how many share a register), as it would with
/// std::min, which keeps whichever of two equal zeros came first.
inline double ordered_min(double a, double b) { return b < a || (b == a && std::signbit(b)) ? b : a; }
inline double ordered_max(double a, double b) { return b > a || (b == a && !std::signbit(b)) ? b : a; }

/// lo = ordered_min(lo, v[j]), hi = ordered_max(hi, v[j]) for j < n; a
/// register of values at a time where the vector extensions are available
/// (the result is the same: the order does not matter).
inline void update_range(const double* v, Eigen::Index n, double& lo, double& hi) {
    Eigen::Index j = 0;
#if defined(CREDROI_SIMD)
    {
        using namespace simd;
        const mask sign_bit = mask{} + std::numeric_limits<std::int64_t>::min();
        pack low = pack{} + lo, high = pack{} + hi;
        for (; j + width <= n; j += width) {
            const pack x = load(v + j);
            // NaN fails both comparisons; of two equal zeros the minimum takes
            // the sign bit of either, the maximum keeps it only if both have it
            low = select(less(x, low), x, low);
            low = bits(bits(low) | (equal(x, low) & bits(x) & sign_bit));
            high = select(less(high, x), x, high);
            high = bits(bits(high) & ~(equal(x, high) & ~bits(x) & sign_bit));
        }
        for (int k = 0; k < width; ++k) {
            lo = ordered_min(lo, low[k]);
            hi = ordered_max(hi, high[k]);
        }
    }
#endif
    for (; j < n; ++j) {
        lo = ordered_min(lo, v[j]);
        hi = ordered_max(hi, v[j]);
    }
}

/// numpy.percentile's default (linear) on sorted values.
inline double percentile_sorted(const std::vector<double>& v, double p) {
    if (v.empty()) return std::nan("");
    const double rank = p * static_cast<double>(v.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(rank));
    const std::size_t hi = std::min(lo + 1, v.size() - 1);
    return interpolate_rank(v[lo], v[hi], rank - static_cast<double>(lo));
}

/// The machine's physical memory in bytes; 0 where it cannot be told.
inline double physical_memory_bytes() {
#if defined(_SC_PHYS_PAGES) && defined(_SC_PAGE_SIZE)
    const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGE_SIZE);
    if (pages > 0 && page > 0) return static_cast<double>(pages) * static_cast<double>(page);
#endif
    return 0.0;
}

// trial_metric_row (one trial's metrics, in the order of
// SimulationResult::metric_names) and its batch form are in detail/batch_metrics.hpp.

}  // namespace detail

/// Throws the ParameterError simulate() throws for options it cannot run
/// with ("trials", "batch_size"), before any model is touched: for callers
/// that run several simulations and must not blame one of them (compare()).
inline void check_simulation_options(const SimulationOptions& options) {
    CREDROI_REQUIRE(options.trials >= 1, "trials", "expected at least 1 trial, found " << options.trials);
    CREDROI_REQUIRE(options.trials <= max_trials, "trials",
                    "expected at most " << max_trials << " (2^32 - 1) trials in one run, found " << options.trials
                                        << "; run several seeds instead");
    CREDROI_REQUIRE(options.batch_size >= 1, "batch_size", "expected at least 1, found " << options.batch_size);
}

/// Runs the Monte Carlo simulation of a model. Throws ParameterError for bad
/// options, Cancelled when options.cancel is set during the run.
inline SimulationResult simulate(const Model& model, const SimulationOptions& options = {}) {
    check_simulation_options(options);
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
    if (rows) {
        // Kept trials are held in memory until the run ends: refuse up front what
        // cannot fit, rather than fail (or be killed) at the allocation.
        const double bytes = static_cast<double>(options.trials) * static_cast<double>(M + (options.keep_trials ? d : 0)) * 8.0;
        const double physical = detail::physical_memory_bytes();
        const double gib = 1024.0 * 1024.0 * 1024.0;
        CREDROI_REQUIRE(!(physical > 0) || bytes <= 0.5 * physical, options.keep_trials ? "keep_trials" : "exact_percentile_limit",
                        "keeping every trial (--samples, keep_trials, or exact percentiles) needs "
                            << std::setprecision(3) << bytes / gib << " GiB for " << options.trials
                            << " trials, more than half of this machine's " << physical / gib
                            << " GiB of memory; run fewer trials (summaries alone need no per-trial memory)");
    }
    if (rows) r.trial_metrics.resize(static_cast<Eigen::Index>(options.trials), static_cast<Eigen::Index>(M));
    if (options.keep_trials) r.trial_inputs.resize(static_cast<Eigen::Index>(options.trials), d);

    // Streams keyed by the inputs' paths: common random numbers across
    // scenarios that share inputs (credroi compare), see stream_id().
    std::vector<std::uint64_t> streams;
    for (const auto& path : r.input_paths) streams.push_back(stream_id(path));
    const UniformDesign design(options.sampler, options.seed, std::move(streams));
    const Eigen::ArrayXXd base = model.base_inputs();
    // Sums are combined in batch order, whichever thread finishes first: each
    // batch's Welford accumulators wait in a ring of `window` slots until every
    // earlier batch has been merged into `total`. A worker that would run more
    // than `window` batches ahead of the oldest unfinished one waits, so memory
    // is O(window), not O(batches), and the merge sequence (hence every bit) is
    // the same at any thread count.
    const std::uint64_t window = std::max<std::uint64_t>(64, 4 * std::uint64_t{threads});
    std::vector<detail::Welford> pending(window * M), total(M);
    std::vector<char> pending_ready(window, 0);
    std::uint64_t frontier = 0;  // batches [0, frontier) are in `total`
    std::mutex reduce_mutex;
    std::condition_variable reduce_cv;

    std::vector<double> base_row(M, std::numeric_limits<double>::quiet_NaN());
    double money_scale = 0;  // the largest |cumulative net| of the base case
    {
        BatchResult bb;
        model.evaluate_batch(base, bb, false, false);
        detail::MetricsWorkspace ws;
        detail::trial_metric_row(model, bb, 0, base_row.data(), ws, options.irr);
        double cumulative = 0;
        for (int i = 0; i < H; ++i) {
            cumulative += bb.benefits(0, i) - bb.costs(0, i);
            money_scale = std::max(money_scale, std::abs(cumulative));
        }
        if (!(money_scale > 0) || !std::isfinite(money_scale)) money_scale = 1;
    }
    // Sketch floors (see detail/sketch.hpp), fixed before the run so that every
    // worker's sketches merge exactly: 2^-13 of the base case's magnitude of the
    // quantity (money metrics without one use the cash-flow scale, the others 1).
    // That is the sketch's own error at the base case's magnitude (half a bucket
    // of relative width 2^-12), so no percentile is off by more than a value of
    // typical size could be; the arrays stop widening once trials reach the floor
    // (a few hundred thousand for the bundled examples).
    const double floor_fraction = std::ldexp(1.0, -13);
    std::vector<double> metric_floor(M);
    for (std::size_t m = 0; m < M; ++m) {
        const bool money = m == 0 || m >= 8;  // npv, total_shortfall, net and shortfall per fiscal year
        const double b = std::abs(base_row[m]);
        metric_floor[m] = floor_fraction * (std::isfinite(b) && b > 0 ? b : (money ? money_scale : 1.0));
    }
    const double band_floor = floor_fraction * money_scale;
    const Eigen::Index evaluation_block = 256;  // trials per pass through the model (see the worker)

    struct Worker {
        std::vector<detail::QuantileSketch> metric_sketch;
        std::vector<detail::QuantileSketch> band_sketch;
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
        w.metric_sketch.clear();
        for (std::size_t m = 0; m < M; ++m) w.metric_sketch.emplace_back(12, metric_floor[m]);
        w.band_sketch.assign(static_cast<std::size_t>(H), detail::QuantileSketch(10, band_floor));
        w.min.assign(M, std::numeric_limits<double>::infinity());
        w.max.assign(M, -std::numeric_limits<double>::infinity());
        w.count.assign(M, 0);
        w.shortfall_years.assign(years.size(), 0);
        Eigen::ArrayXXd u, x;
        BatchResult br;
        detail::BatchMetricsWorkspace bws;
        Eigen::ArrayXXd values;  // trials × metrics
        // The batch's cumulative net (trials × months) and metrics, for the
        // sketches: each sketch is fed the whole batch's column at once, so the
        // buckets a month or metric touches come into the cache once per batch
        // rather than once per block (counts do not depend on the order).
        Eigen::ArrayXXd cumulative, batch_values;
        std::vector<detail::Welford> acc(M);
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
                    const auto& input = inputs[static_cast<std::size_t>(k)];
                    try {
                        quantiles(*input.distribution, u.col(j).data(), x.col(k).data(), static_cast<std::size_t>(n));
                    } catch (const NumericError& e) {
                        // A value beyond a double, far in a tail the Model's check
                        // could not reach: say which input drew it.
                        throw ParameterError(input.path, e.what());
                    }
                }
                std::fill(acc.begin(), acc.end(), detail::Welford{});
                cumulative.resize(n, H);
                if (!rows) batch_values.resize(n, static_cast<Eigen::Index>(M));
                // The batch goes through the model in blocks of trials, so that a
                // block's trials × months arrays stay in the core's cache from the
                // model through the metrics to the Welford sums and the cumulative
                // net (a whole batch's do not: 8 arrays of 1024 × 60 doubles are
                // 3.9 MB); the sketches then take the whole batch (see above).
                // Nothing per trial depends on the block, and each accumulator sees
                // the trials in order.
                for (Eigen::Index s = 0; s < n; s += evaluation_block) {
                    const Eigen::Index len = std::min(evaluation_block, n - s);
                    const Eigen::Index at = static_cast<Eigen::Index>(first) + s;
                    model.evaluate_batch(x.middleRows(s, len), br, false, false);
                    // Column by column: one metric (or month) for all trials of the block.
                    detail::batch_metric_rows(model, br, values, bws, options.irr);
                    // Per metric: the block's moments, merged into the batch's in
                    // block order (then the batches' in batch order), and its range.
                    for (std::size_t m = 0; m < M; ++m) {
                        const double* column = values.col(static_cast<Eigen::Index>(m)).data();
                        const double inf = std::numeric_limits<double>::infinity();
                        double lo = inf, hi = -inf;
                        detail::update_range(column, len, lo, hi);
                        if (rows)
                            for (Eigen::Index t = 0; t < len; ++t) r.trial_metrics(at + t, static_cast<Eigen::Index>(m)) = column[t];
                        else
                            std::copy(column, column + len, &batch_values(s, static_cast<Eigen::Index>(m)));
                        const detail::Welford moments = detail::block_moments(column, len, lo, hi);
                        acc[m].merge(moments);
                        w.min[m] = detail::ordered_min(w.min[m], lo);
                        w.max[m] = detail::ordered_max(w.max[m], hi);
                        w.count[m] += moments.n;
                    }
                    for (Eigen::Index t = 0; t < len; ++t) {
                        if (values(t, 0) > 0) ++w.npv_positive;
                        if (!std::isnan(values(t, 5))) ++w.payback;
                    }
                    if (has_budget)
                        for (std::size_t f = 0; f < years.size(); ++f) {
                            const auto c = static_cast<Eigen::Index>(detail::fixed_metric_count + years.size() + f);
                            for (Eigen::Index t = 0; t < len; ++t)
                                if (values(t, c) > 0) ++w.shortfall_years[f];
                        }
                    auto block = cumulative.middleRows(s, len);
                    block.col(0) = br.benefits.col(0) - br.costs.col(0);
                    for (int i = 1; i < H; ++i) block.col(i) = block.col(i - 1) + (br.benefits.col(i) - br.costs.col(i));
                }
                for (int i = 0; i < H; ++i)
                    w.band_sketch[static_cast<std::size_t>(i)].add(cumulative.col(i).data(), static_cast<std::size_t>(n));
                if (!rows)
                    for (std::size_t m = 0; m < M; ++m)
                        w.metric_sketch[m].add(batch_values.col(static_cast<Eigen::Index>(m)).data(), static_cast<std::size_t>(n));
                if (options.keep_trials)
                    for (Eigen::Index j = 0; j < d; ++j)
                        r.trial_inputs.col(j).segment(static_cast<Eigen::Index>(first), n) = x.col(uncertain[static_cast<std::size_t>(j)]);
                {
                    std::unique_lock<std::mutex> lock(reduce_mutex);
                    // Batch `frontier` is held by a worker that does not wait (b == frontier
                    // fits), so this cannot deadlock; `stop` wakes it after an error elsewhere.
                    reduce_cv.wait(lock, [&] { return b < frontier + window || stop.load(); });
                    if (stop.load()) return;
                    std::copy(acc.begin(), acc.end(), pending.begin() + static_cast<std::ptrdiff_t>((b % window) * M));
                    pending_ready[b % window] = 1;
                    while (pending_ready[frontier % window]) {
                        const std::size_t slot = frontier % window;
                        for (std::size_t m = 0; m < M; ++m) total[m].merge(pending[slot * M + m]);
                        pending_ready[slot] = 0;
                        ++frontier;
                    }
                }
                reduce_cv.notify_all();
                done.fetch_add(static_cast<std::uint64_t>(n));
            }
        } catch (...) {
            {
                std::lock_guard<std::mutex> lock(error_mutex);
                if (!error) error = std::current_exception();
            }
            {
                std::lock_guard<std::mutex> lock(reduce_mutex);  // no lost wake-up for a waiting worker
                stop = true;
            }
            reduce_cv.notify_all();
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
            all.min[m] = detail::ordered_min(all.min[m], w.min[m]);
            all.max[m] = detail::ordered_max(all.max[m], w.max[m]);
            all.count[m] += w.count[m];
        }
        for (int i = 0; i < H; ++i) all.band_sketch[static_cast<std::size_t>(i)].merge(w.band_sketch[static_cast<std::size_t>(i)]);
        for (std::size_t f = 0; f < years.size(); ++f) all.shortfall_years[f] += w.shortfall_years[f];
        all.npv_positive += w.npv_positive;
        all.payback += w.payback;
    }
    const double n_trials = static_cast<double>(options.trials);
    std::vector<double> values;
    for (std::size_t m = 0; m < M; ++m) {
        MetricSummary s;
        s.name = r.metric_names[m];
        s.count = all.count[m];
        s.base = base_row[m];
        if (s.count > 0) {
            s.mean = total[m].mean;
            s.standard_deviation = s.count > 1 ? std::sqrt(total[m].m2 / static_cast<double>(s.count - 1)) : 0.0;
            s.min = all.min[m];
            s.max = all.max[m];
            // Every trial is finite, but amounts near 1e154 and beyond (e.g. a
            // lognormal with mu in the hundreds) overflow the sums of squares:
            // say so rather than report an infinite spread.
            if (!std::isfinite(s.mean) || !std::isfinite(s.standard_deviation)) {
                std::ostringstream os;
                os << "simulate: the mean or standard deviation of " << s.name << " over " << s.count
                   << " trials overflows a double (trials range from " << s.min << " to " << s.max
                   << "); check the units of the scenario's distributions";
                throw NumericError(os.str());
            }
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
