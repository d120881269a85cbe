#pragma once
// Sensitivity analysis: which uncertain inputs a result depends on most.
//
//   tornado           each input alone from its P10 to its P90, the others at base
//   spider            each input alone through a set of percentiles
//   rank_sensitivity  Spearman, contribution to variance, standardised rank
//                     regression, from the samples of a simulation
//   sobol_indices     first-order and total Sobol' indices (Saltelli 2010 and
//                     Jansen 1999 estimators on scrambled Sobol' points) with
//                     bootstrap confidence intervals
//
// Every method works on any function of independent inputs given as a
// BatchFunction (a batch of trials in, one value per trial out) and credroi
// distributions; metric_function() and model_inputs() turn a Model and one of
// its metrics into exactly that. The user guide is docs/sensitivity.md.
//
// Missing values (a metric that does not exist in a trial, e.g. no IRR, no
// payback) arrive as NaN. rank_sensitivity drops those trials and reports how
// many; tornado, spider and sobol_indices need a value at every point they
// evaluate and throw NumericError naming the output otherwise.
#include <credroi/distributions.hpp>
#include <credroi/error.hpp>
#include <credroi/model.hpp>
#include <credroi/sampling.hpp>
#include <credroi/simulation.hpp>
#include <credroi/detail/sensitivity_sobol.hpp>

#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wold-style-cast"
#pragma GCC diagnostic ignored "-Wconversion"
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wdouble-promotion"
#endif
#include <Eigen/Core>
#include <Eigen/QR>
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <numeric>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace credroi {

/// A function of independent inputs, evaluated a batch at a time: `x` holds
/// one trial per row and one input per column; the function writes one value
/// per trial into `y` (y.size() == x.rows()). `y` arrives filled with NaN, so
/// a value the function does not write counts as missing.
///
/// sobol_indices calls it from several threads at once (with disjoint
/// batches) unless its `threads` option is 1; it must then be safe to call
/// concurrently. For results reproducible by seed it must be deterministic:
/// the same row gives the same value whatever batch it comes in.
using BatchFunction = std::function<void(const Eigen::Ref<const Eigen::ArrayXXd>& x, Eigen::Ref<Eigen::ArrayXd> y)>;

// ---------------------------------------------------------------------------
// Results
// ---------------------------------------------------------------------------

/// One bar of a tornado: the output with one input at its low and at its high
/// percentile, every other input at its base value.
struct TornadoBar {
    std::string name;
    Eigen::Index input = 0;   ///< column of the input (position in the distributions given)
    double low_input = 0;     ///< quantile(input, low_probability)
    double high_input = 0;    ///< quantile(input, high_probability)
    double low_output = 0;    ///< output with this input at low_input
    double high_output = 0;   ///< output with this input at high_input
    double swing = 0;         ///< |high_output - low_output|, in the output's unit
};

struct TornadoResult {
    std::string output_name;
    double base_output = 0;          ///< every input at its base value
    double low_probability = 0.10;
    double high_probability = 0.90;
    std::vector<TornadoBar> bars;    ///< largest swing first; equal swings keep the input order
    std::uint64_t evaluations = 0;   ///< 1 + 2 x inputs
};

struct SpiderResult {
    std::string output_name;
    std::vector<std::string> names;
    std::vector<double> probabilities;  ///< the percentiles, ascending, as probabilities
    Eigen::ArrayXXd input_values;       ///< inputs x probabilities: quantile(input i, probabilities[k])
    Eigen::ArrayXXd outputs;            ///< inputs x probabilities: the output with input i there, the others at base
    Eigen::ArrayXd base_inputs;         ///< the base point
    double base_output = 0;
    Eigen::ArrayXd range;               ///< per input: max - min of its row of outputs (base included)
    std::vector<Eigen::Index> order;    ///< inputs by range, largest first
    std::uint64_t evaluations = 0;      ///< 1 + inputs x probabilities
};

struct RankSensitivity {
    std::string output_name;
    std::vector<std::string> names;
    /// Spearman rank correlation of each input with the output, in [-1, 1].
    Eigen::ArrayXd spearman;
    /// spearman_i^2 / sum_j spearman_j^2: the share of the output's rank
    /// variance attributed to input i (sums to 1; the sign is in spearman).
    Eigen::ArrayXd contribution_to_variance;
    /// Standardised rank regression coefficients: least-squares coefficients of
    /// the standardised ranks of the output on the standardised ranks of all
    /// inputs together.
    Eigen::ArrayXd standardised_regression;
    /// R^2 of that regression: near 1, the ranks are explained by a monotone
    /// additive model and the coefficients can be trusted; low, interactions
    /// or non-monotone effects dominate (use Sobol' indices).
    double r_squared = 0;
    std::uint64_t trials = 0;        ///< trials used
    std::uint64_t dropped = 0;       ///< trials left out because the output was NaN (missing)
    std::vector<Eigen::Index> order; ///< inputs by |spearman|, largest first; ties keep the input order
};

struct SobolIndices {
    std::string output_name;
    std::vector<std::string> names;
    Eigen::ArrayXd first_order;            ///< S_i, one per input
    Eigen::ArrayXd total_order;            ///< ST_i, one per input
    /// inputs x 2 (lo, hi): bootstrap percentile intervals at confidence_level;
    /// 0 rows when bootstrap = 0.
    Eigen::ArrayXXd first_order_interval;
    Eigen::ArrayXXd total_order_interval;
    double confidence_level = 0.95;
    std::uint64_t bootstrap = 0;           ///< resamples behind the intervals
    std::string first_order_estimator = "Saltelli 2010";
    std::string total_order_estimator = "Jansen 1999";
    std::uint64_t n = 0;                   ///< base sample size N (rows of A and of B)
    std::uint64_t evaluations = 0;         ///< N (inputs + 2)
    std::uint64_t seed = 0;
    double output_mean = 0;                ///< over f(A) and f(B)
    double output_variance = 0;            ///< over f(A) and f(B), divided by 2N
    std::vector<Eigen::Index> order;       ///< inputs by total order, largest first; ties keep the input order
};

// ---------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------

struct TornadoOptions {
    double low_probability = 0.10;   ///< in (0, high_probability)
    double high_probability = 0.90;  ///< in (low_probability, 1)
    std::string output_name = "output";  ///< used in results and messages, e.g. "npv"
};

struct SpiderOptions {
    /// Percentiles as probabilities, strictly increasing, each in (0, 1).
    std::vector<double> probabilities{0.05, 0.10, 0.20, 0.30, 0.40, 0.50, 0.60, 0.70, 0.80, 0.90, 0.95};
    std::string output_name = "output";
};

struct SobolOptions {
    /// Base sample size N: a power of two >= 2 (the scrambled Sobol' points
    /// are balanced in blocks of 2^m; anything else is a ParameterError).
    /// The function is evaluated N (inputs + 2) times.
    std::uint64_t n = 4096;
    std::uint64_t seed = 1;
    /// Bootstrap resamples for the intervals: 0 (no intervals) or >= 2; 1000
    /// gives percentile ends stable to about +-0.1 standard error.
    std::uint64_t bootstrap = 1000;
    double confidence_level = 0.95;  ///< in (0, 1)
    unsigned threads = 0;            ///< 0: every core. Does not change any bit of the result.
    /// Rows of A per call of the function (each call gets (inputs + 2) x this
    /// many rows). Does not change the design, nor the result when f gives a
    /// row the same value in any batch (metric_function does; an Eigen
    /// expression's vectorised sin or exp may differ in the last bit between a
    /// SIMD packet and the scalar tail).
    std::uint64_t batch_size = 1024;
    std::string output_name = "output";
};

// ---------------------------------------------------------------------------
// Checks shared by the methods
// ---------------------------------------------------------------------------

namespace detail {

inline std::vector<std::string> sensitivity_names(const std::vector<Distribution>& inputs,
                                                  const std::vector<std::string>& names) {
    CREDROI_REQUIRE(!inputs.empty(), "inputs", "expected at least one input distribution, found none");
    CREDROI_REQUIRE(names.empty() || names.size() == inputs.size(), "names",
                    "expected " << inputs.size() << " names (one per input) or none, found " << names.size());
    if (!names.empty()) return names;
    std::vector<std::string> out;
    for (std::size_t i = 0; i < inputs.size(); ++i) out.push_back("x" + std::to_string(i + 1));
    return out;
}

inline void check_function(const BatchFunction& f) {
    CREDROI_REQUIRE(static_cast<bool>(f), "function", "expected a callable, found an empty std::function");
}

inline void check_base(const std::vector<Distribution>& inputs, const Eigen::ArrayXd& base) {
    CREDROI_REQUIRE(base.size() == static_cast<Eigen::Index>(inputs.size()), "base",
                    "expected " << inputs.size() << " values (one per input), found " << base.size());
    for (Eigen::Index i = 0; i < base.size(); ++i)
        CREDROI_REQUIRE(std::isfinite(base[i]), "base",
                        "expected finite values, found " << detail::describe(base[i]) << " at index " << i);
}

/// Calls f on x and returns its outputs, NaN where it wrote none.
inline Eigen::ArrayXd call_batch(const BatchFunction& f, const Eigen::ArrayXXd& x) {
    Eigen::ArrayXd y = Eigen::ArrayXd::Constant(x.rows(), std::numeric_limits<double>::quiet_NaN());
    f(x, y);
    return y;
}

[[noreturn]] inline void throw_missing_output(const char* method, const std::string& output, const std::string& where) {
    std::ostringstream os;
    os << method << ": " << output << " has no finite value " << where
       << "; this method needs a value at every point it evaluates. If the metric does not exist in some trials "
          "(an IRR or a payback), choose one that always does (npv, roi, a fiscal year's net) or use "
          "rank_sensitivity, which drops the trials where it is missing";
    throw NumericError(os.str());
}

template <class Key>
std::vector<Eigen::Index> order_descending(Eigen::Index n, Key key) {
    std::vector<Eigen::Index> order(static_cast<std::size_t>(n));
    std::iota(order.begin(), order.end(), Eigen::Index{0});
    std::stable_sort(order.begin(), order.end(), [&key](Eigen::Index a, Eigen::Index b) { return key(a) > key(b); });
    return order;
}

}  // namespace detail

// ---------------------------------------------------------------------------
// Tornado
// ---------------------------------------------------------------------------

/// One input at a time: input i at quantile(inputs[i], low_probability) and at
/// quantile(inputs[i], high_probability), every other input at base; swing_i
/// = |f(high) - f(low)|. All 1 + 2d points go to f in one batch (row 0 the
/// base, rows 1 + 2i and 2 + 2i input i low and high).
///
/// A tornado shows how far each input alone can move the output over its
/// likely range; it misses interactions and, for a yes/no risk with a
/// probability below 1 - high_probability, the risk itself (both percentiles
/// are "no"): use sobol_indices for those.
///
/// @param names one per input, or none ("x1", "x2", ...)
/// @param base  the base point, one finite value per input (the model's base
///              case: model_inputs(model).base)
///
/// Throws ParameterError: "function" empty; "inputs" empty; "names", "base"
/// sizes; "base" not finite; "low_probability" not in (0, high_probability);
/// "high_probability" not in (low_probability, 1). NumericError if f gives
/// no finite value at one of the points (named in the message).
inline TornadoResult tornado(const BatchFunction& f, const std::vector<Distribution>& inputs,
                             const std::vector<std::string>& names, const Eigen::ArrayXd& base,
                             const TornadoOptions& options = {}) {
    detail::check_function(f);
    const std::vector<std::string> labels = detail::sensitivity_names(inputs, names);
    detail::check_base(inputs, base);
    CREDROI_REQUIRE(options.low_probability > 0.0 && options.low_probability < options.high_probability,
                    "low_probability",
                    "expected in (0, high_probability = " << detail::describe(options.high_probability) << "), found "
                                                          << detail::describe(options.low_probability));
    CREDROI_REQUIRE(options.high_probability < 1.0, "high_probability",
                    "expected in (low_probability, 1), found " << detail::describe(options.high_probability));
    const auto d = static_cast<Eigen::Index>(inputs.size());
    Eigen::ArrayXXd x(1 + 2 * d, d);
    x.rowwise() = base.transpose();
    for (Eigen::Index i = 0; i < d; ++i) {
        x(1 + 2 * i, i) = quantile(inputs[static_cast<std::size_t>(i)], options.low_probability);
        x(2 + 2 * i, i) = quantile(inputs[static_cast<std::size_t>(i)], options.high_probability);
    }
    const Eigen::ArrayXd y = detail::call_batch(f, x);

    TornadoResult r;
    r.output_name = options.output_name;
    r.low_probability = options.low_probability;
    r.high_probability = options.high_probability;
    r.evaluations = static_cast<std::uint64_t>(x.rows());
    if (!std::isfinite(y[0])) detail::throw_missing_output("tornado", options.output_name, "at the base point");
    r.base_output = y[0];
    for (Eigen::Index i = 0; i < d; ++i) {
        for (int k = 1; k <= 2; ++k) {
            if (std::isfinite(y[2 * i + k])) continue;
            std::ostringstream where;
            where << "with " << labels[static_cast<std::size_t>(i)] << " at its "
                  << (k == 1 ? options.low_probability : options.high_probability) * 100 << "th percentile ("
                  << x(2 * i + k, i) << ")";
            detail::throw_missing_output("tornado", options.output_name, where.str());
        }
        TornadoBar bar;
        bar.name = labels[static_cast<std::size_t>(i)];
        bar.input = i;
        bar.low_input = x(1 + 2 * i, i);
        bar.high_input = x(2 + 2 * i, i);
        bar.low_output = y[1 + 2 * i];
        bar.high_output = y[2 + 2 * i];
        bar.swing = std::fabs(bar.high_output - bar.low_output);
        r.bars.push_back(std::move(bar));
    }
    std::stable_sort(r.bars.begin(), r.bars.end(),
                     [](const TornadoBar& a, const TornadoBar& b) { return a.swing > b.swing; });
    return r;
}

// ---------------------------------------------------------------------------
// Spider
// ---------------------------------------------------------------------------

/// One input at a time through its percentiles: outputs(i, k) = f with input i
/// at quantile(inputs[i], probabilities[k]) and the others at base. All
/// 1 + d x P points go to f in one batch.
///
/// Throws ParameterError as tornado, and "probabilities" if empty, not
/// strictly increasing or not inside (0, 1). NumericError if f gives no
/// finite value at one of the points.
inline SpiderResult spider(const BatchFunction& f, const std::vector<Distribution>& inputs,
                           const std::vector<std::string>& names, const Eigen::ArrayXd& base,
                           const SpiderOptions& options = {}) {
    detail::check_function(f);
    const std::vector<std::string> labels = detail::sensitivity_names(inputs, names);
    detail::check_base(inputs, base);
    const auto& p = options.probabilities;
    CREDROI_REQUIRE(!p.empty(), "probabilities", "expected at least one probability, found none");
    for (std::size_t k = 0; k < p.size(); ++k) {
        CREDROI_REQUIRE(p[k] > 0.0 && p[k] < 1.0, "probabilities",
                        "expected values in (0, 1), found " << detail::describe(p[k]) << " at index " << k);
        CREDROI_REQUIRE(k == 0 || p[k] > p[k - 1], "probabilities",
                        "expected strictly increasing values, found " << detail::describe(p[k]) << " after "
                                                                      << detail::describe(p[k - 1]));
    }
    const auto d = static_cast<Eigen::Index>(inputs.size());
    const auto np = static_cast<Eigen::Index>(p.size());
    SpiderResult r;
    r.output_name = options.output_name;
    r.names = labels;
    r.probabilities = p;
    r.base_inputs = base;
    r.input_values.resize(d, np);
    for (Eigen::Index i = 0; i < d; ++i)
        for (Eigen::Index k = 0; k < np; ++k)
            r.input_values(i, k) = quantile(inputs[static_cast<std::size_t>(i)], p[static_cast<std::size_t>(k)]);
    Eigen::ArrayXXd x(1 + d * np, d);
    x.rowwise() = base.transpose();
    for (Eigen::Index i = 0; i < d; ++i)
        for (Eigen::Index k = 0; k < np; ++k) x(1 + i * np + k, i) = r.input_values(i, k);
    const Eigen::ArrayXd y = detail::call_batch(f, x);
    r.evaluations = static_cast<std::uint64_t>(x.rows());
    if (!std::isfinite(y[0])) detail::throw_missing_output("spider", options.output_name, "at the base point");
    r.base_output = y[0];
    r.outputs.resize(d, np);
    r.range.resize(d);
    for (Eigen::Index i = 0; i < d; ++i) {
        double lo = r.base_output, hi = r.base_output;
        for (Eigen::Index k = 0; k < np; ++k) {
            const double v = y[1 + i * np + k];
            if (!std::isfinite(v)) {
                std::ostringstream where;
                where << "with " << labels[static_cast<std::size_t>(i)] << " at its "
                      << p[static_cast<std::size_t>(k)] * 100 << "th percentile (" << r.input_values(i, k) << ")";
                detail::throw_missing_output("spider", options.output_name, where.str());
            }
            r.outputs(i, k) = v;
            lo = std::min(lo, v);
            hi = std::max(hi, v);
        }
        r.range[i] = hi - lo;
    }
    r.order = detail::order_descending(d, [&r](Eigen::Index i) { return r.range[i]; });
    return r;
}

// ---------------------------------------------------------------------------
// Rank correlation, contribution to variance, standardised rank regression
// ---------------------------------------------------------------------------

/// From the samples of a simulation (inputs: trials x inputs, output: one
/// value per trial):
///   spearman_i = Pearson correlation of ranks(x_i) and ranks(y)
///   contribution_to_variance_i = spearman_i^2 / sum_j spearman_j^2
///   standardised_regression = argmin_b || z_y - Z b ||^2 with Z the ranks of
///     the inputs and z_y those of the output, each centred and scaled to unit
///     standard deviation (Eigen's column-pivoting Householder QR), and
///   r_squared = 1 - ||z_y - Z b||^2 / ||z_y||^2.
/// Ranks are fractional (ties share their mean rank). Trials whose output is
/// NaN (a metric missing in that trial) are dropped first and counted in
/// `dropped`; the ranks are those of the trials kept.
///
/// Correlated inputs (a scenario's rank correlations) share credit in
/// spearman and contribution_to_variance; the regression coefficients
/// separate them as far as the sample allows.
///
/// Throws ParameterError: "inputs" with no column, fewer than columns + 2
/// rows, or a value that is not finite; "output" of another length than
/// inputs.rows() or with an infinite value; "names" of the wrong size.
/// Throws NumericError when fewer than columns + 2 trials have an output, when
/// an input or the output takes one value only over them (its correlation
/// does not exist; the input is named), or when the inputs' ranks are
/// collinear (the regression has no unique solution).
inline RankSensitivity rank_sensitivity(const Eigen::Ref<const Eigen::ArrayXXd>& inputs,
                                        const Eigen::Ref<const Eigen::ArrayXd>& output,
                                        const std::vector<std::string>& names = {},
                                        const std::string& output_name = "output") {
    const Eigen::Index d = inputs.cols();
    CREDROI_REQUIRE(d >= 1, "inputs", "expected at least one column (input), found none");
    CREDROI_REQUIRE(names.empty() || static_cast<Eigen::Index>(names.size()) == d, "names",
                    "expected " << d << " names (one per column of inputs) or none, found " << names.size());
    CREDROI_REQUIRE(output.size() == inputs.rows(), "output",
                    "expected " << inputs.rows() << " values (one per row of inputs), found " << output.size());
    CREDROI_REQUIRE(inputs.rows() >= d + 2, "inputs",
                    "expected at least " << d + 2 << " rows (trials) for " << d << " inputs, found " << inputs.rows());
    for (Eigen::Index j = 0; j < d; ++j)
        for (Eigen::Index t = 0; t < inputs.rows(); ++t)
            CREDROI_REQUIRE(std::isfinite(inputs(t, j)), "inputs",
                            "expected finite values, found " << detail::describe(inputs(t, j)) << " at row " << t
                                                             << ", column " << j);
    std::vector<Eigen::Index> kept;
    kept.reserve(static_cast<std::size_t>(output.size()));
    for (Eigen::Index t = 0; t < output.size(); ++t) {
        if (std::isnan(output[t])) continue;
        CREDROI_REQUIRE(std::isfinite(output[t]), "output",
                        "expected finite values or NaN (missing), found " << detail::describe(output[t]) << " at row " << t);
        kept.push_back(t);
    }
    RankSensitivity r;
    r.output_name = output_name;
    if (names.empty())
        for (Eigen::Index j = 0; j < d; ++j) r.names.push_back("x" + std::to_string(j + 1));
    else
        r.names = names;
    const auto n = static_cast<Eigen::Index>(kept.size());
    r.trials = static_cast<std::uint64_t>(n);
    r.dropped = static_cast<std::uint64_t>(output.size() - n);
    if (n < d + 2) {
        std::ostringstream os;
        os << "rank_sensitivity: " << output_name << " has a value in " << n << " of " << output.size()
           << " trials; " << d << " inputs need at least " << d + 2;
        throw NumericError(os.str());
    }

    // Standardised ranks: centred (average ranks have mean (n+1)/2 exactly)
    // and scaled to unit root-mean-square.
    const double mid = 0.5 * (static_cast<double>(n) + 1.0);
    auto standardised_ranks = [&](const Eigen::ArrayXd& v, const std::string& what) {
        Eigen::ArrayXd z = detail::ranks_of(v, what.c_str()) - mid;
        const double ss = (z * z).sum();
        if (!(ss > 0.0)) {
            std::ostringstream os;
            os << "rank_sensitivity: " << what << " takes one value only over the " << n
               << " trials used; its rank correlation does not exist";
            throw NumericError(os.str());
        }
        return Eigen::ArrayXd(z / std::sqrt(ss));
    };
    Eigen::ArrayXd yv(n);
    for (Eigen::Index t = 0; t < n; ++t) yv[t] = output[kept[static_cast<std::size_t>(t)]];
    const Eigen::ArrayXd zy = standardised_ranks(yv, output_name);
    Eigen::MatrixXd z(n, d);
    Eigen::ArrayXd xv(n);
    r.spearman.resize(d);
    for (Eigen::Index j = 0; j < d; ++j) {
        for (Eigen::Index t = 0; t < n; ++t) xv[t] = inputs(kept[static_cast<std::size_t>(t)], j);
        const Eigen::ArrayXd zj = standardised_ranks(xv, r.names[static_cast<std::size_t>(j)]);
        z.col(j) = zj.matrix();
        r.spearman[j] = std::clamp((zj * zy).sum(), -1.0, 1.0);
    }
    const double total = r.spearman.square().sum();
    if (!(total > 0.0)) {
        std::ostringstream os;
        os << "rank_sensitivity: every input has rank correlation 0 with " << output_name
           << "; the contributions to variance do not exist";
        throw NumericError(os.str());
    }
    r.contribution_to_variance = r.spearman.square() / total;

    const Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(z);
    if (qr.rank() < d) {
        std::ostringstream os;
        os << "rank_sensitivity: the ranks of the " << d << " inputs are collinear (rank " << qr.rank()
           << "); the regression coefficients are not unique";
        throw NumericError(os.str());
    }
    const Eigen::VectorXd b = qr.solve(zy.matrix());
    r.standardised_regression = b.array();
    const double residual = (zy.matrix() - z * b).squaredNorm();
    r.r_squared = 1.0 - residual;  // ||zy||^2 = 1 by construction
    r.order = detail::order_descending(d, [&r](Eigen::Index j) { return std::fabs(r.spearman[j]); });
    return r;
}

/// rank_sensitivity on the samples of a simulation run with keep_trials:
/// its trial_inputs and the column of `metric` in trial_metrics.
/// Throws ParameterError: "result" without kept trials; "metric" if it is
/// not one of result.metric_names. Then as above.
inline RankSensitivity rank_sensitivity(const SimulationResult& result, const std::string& metric) {
    CREDROI_REQUIRE(result.trial_inputs.rows() > 0 && result.trial_metrics.rows() == result.trial_inputs.rows(),
                    "result", "expected the samples of each trial: run simulate() with keep_trials = true");
    const auto it = std::find(result.metric_names.begin(), result.metric_names.end(), metric);
    if (it == result.metric_names.end()) {
        std::ostringstream os;
        os << "expected one of";
        for (const auto& m : result.metric_names) os << " \"" << m << '"';
        os << ", found \"" << metric << '"';
        throw ParameterError("metric", os.str());
    }
    const auto m = static_cast<Eigen::Index>(it - result.metric_names.begin());
    const Eigen::ArrayXXd x = result.trial_inputs;
    const Eigen::ArrayXd y = result.trial_metrics.col(m);
    return rank_sensitivity(x, y, result.input_paths, metric);
}

// ---------------------------------------------------------------------------
// Sobol' indices
// ---------------------------------------------------------------------------

/// Throws ParameterError(key) unless n, the base sample size of
/// sobol_indices, is a power of two in [2, 2^31]. Callers that take n from a
/// user (the command line's --trials) check it under their own name first.
inline void check_sobol_sample_size(std::uint64_t n, const char* key = "n") {
    CREDROI_REQUIRE(n >= 2 && n <= (std::uint64_t{1} << 31) && (n & (n - 1)) == 0, key,
                    "expected a power of two between 2 and 2^31 (e.g. 1024, 4096, 65536), found " << n);
}

/// First-order and total Sobol' indices of f for independent inputs.
///
/// Design (Saltelli et al. 2010, section 3): points 0..N-1 of one scrambled
/// Sobol' sequence in 2d dimensions (UniformDesign(Sampler::sobol, seed, 2d))
/// give A (columns 0..d-1) and B (columns d..2d-1), mapped through each
/// input's quantile; A_B^(i) is A with column i taken from B. f is evaluated
/// on A, B and every A_B^(i): N (d + 2) evaluations, in fixed batches of
/// batch_size rows of A, each batch one call of f holding its A, B and
/// A_B^(i) rows, batches spread over `threads` threads.
///
/// Estimators, with m and V the mean and variance of the 2N values f(A), f(B):
///   S_i  = (1/N) sum_j (f(B)_j - m) (f(A_B^(i))_j - f(A)_j) / V   (Saltelli et al. 2010)
///   ST_i = (1/2N) sum_j (f(A)_j - f(A_B^(i))_j)^2 / V              (Jansen 1999)
/// Estimates are reported as they come: sampling noise can put S_i a little
/// below 0 or above ST_i, or ST_i above 1; nothing is clipped.
///
/// Intervals: `bootstrap` resamples of the N rows (j drawn with replacement,
/// the same j for f(A), f(B) and every f(A_B^(i))), resample r drawn from its
/// own stream keyed by (seed, r); the interval is the (1 - level)/2 and
/// (1 + level)/2 percentiles of the resampled estimates (linear
/// interpolation). The bootstrap treats the rows as independent, as for
/// Monte Carlo points; for scrambled Sobol' points the real error is usually
/// smaller, so the intervals are conservative.
///
/// Determinism: the design depends on (seed, N, d) only; every value of f is
/// stored by its row; the sums run in row order on one thread; resamples are
/// keyed by their number. Same seed, same bits, at any thread count.
///
/// Throws ParameterError: "function" empty; "inputs" empty or more than 1833
/// (the Sobol' table has 3667 dimensions); "names" size; "n" not a power of
/// two in [2, 2^31]; "bootstrap" = 1; "confidence_level" not in (0, 1);
/// "batch_size" 0. NumericError when f gives a non-finite value (the count
/// and the first input row are in the message), when the output has zero
/// variance over the sample, or when a bootstrap resample has zero variance.
inline SobolIndices sobol_indices(const BatchFunction& f, const std::vector<Distribution>& inputs,
                                  const std::vector<std::string>& names, const SobolOptions& options = {}) {
    detail::check_function(f);
    const std::vector<std::string> labels = detail::sensitivity_names(inputs, names);
    const auto d = static_cast<Eigen::Index>(inputs.size());
    CREDROI_REQUIRE(2 * d <= sobol_max_dimensions, "inputs",
                    "expected at most " << sobol_max_dimensions / 2 << " inputs (2 x inputs Sobol' dimensions), found "
                                        << d);
    const std::uint64_t N = options.n;
    check_sobol_sample_size(N);
    CREDROI_REQUIRE(options.bootstrap != 1, "bootstrap", "expected 0 (no intervals) or at least 2 resamples, found 1");
    CREDROI_REQUIRE(options.confidence_level > 0.0 && options.confidence_level < 1.0, "confidence_level",
                    "expected in (0, 1), found " << detail::describe(options.confidence_level));
    CREDROI_REQUIRE(options.batch_size >= 1, "batch_size", "expected at least 1, found " << options.batch_size);

    const auto n = static_cast<Eigen::Index>(N);
    const Eigen::Index cols = d + 2;
    // Row j: f(A)_j, f(B)_j, f(A_B^(1))_j .. f(A_B^(d))_j; row-major so that a
    // bootstrap draw reads one contiguous row.
    Eigen::Array<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> out(n, cols);
    const UniformDesign design(Sampler::sobol, options.seed, 2 * d);
    const std::uint64_t batch = std::min<std::uint64_t>(options.batch_size, N);
    const std::uint64_t batches = (N + batch - 1) / batch;

    detail::sensitivity_parallel_for(
        batches, detail::sensitivity_thread_count(options.threads, batches), [&](std::uint64_t b) {
            const std::uint64_t first = b * batch;
            const auto m = static_cast<Eigen::Index>(std::min(batch, N - first));
            Eigen::ArrayXXd u(m, 2 * d);
            design.fill(b, first, u);
            Eigen::ArrayXXd x(cols * m, d);
            for (Eigen::Index i = 0; i < d; ++i) {
                const Distribution& dist = inputs[static_cast<std::size_t>(i)];
                const auto rows = static_cast<std::size_t>(m);
                quantiles(dist, u.col(i).data(), x.col(i).data(), rows);          // A
                quantiles(dist, u.col(d + i).data(), x.col(i).data() + m, rows);  // B
            }
            for (Eigen::Index i = 0; i < d; ++i) {
                x.middleRows((2 + i) * m, m) = x.topRows(m);
                x.col(i).segment((2 + i) * m, m) = x.col(i).segment(m, m);
            }
            const Eigen::ArrayXd y = detail::call_batch(f, x);
            for (Eigen::Index k = 0; k < cols; ++k)
                out.col(k).segment(static_cast<Eigen::Index>(first), m) = y.segment(k * m, m);
        });

    std::uint64_t bad = 0;
    Eigen::Index first_bad_row = -1, first_bad_col = -1;
    for (Eigen::Index j = 0; j < n; ++j)
        for (Eigen::Index k = 0; k < cols; ++k)
            if (!std::isfinite(out(j, k))) {
                if (bad++ == 0) {
                    first_bad_row = j;
                    first_bad_col = k;
                }
            }
    if (bad > 0) {
        std::ostringstream where;
        where << "in " << bad << " of " << N * static_cast<std::uint64_t>(cols) << " evaluations (first at row " << first_bad_row
              << " of " << (first_bad_col == 0 ? std::string("A") : first_bad_col == 1 ? std::string("B")
                                                                 : "A_B^(" + labels[static_cast<std::size_t>(first_bad_col - 2)] + ")")
              << ")";
        detail::throw_missing_output("sobol_indices", options.output_name, where.str());
    }

    SobolIndices r;
    r.output_name = options.output_name;
    r.names = labels;
    r.n = N;
    r.evaluations = N * static_cast<std::uint64_t>(cols);
    r.seed = options.seed;
    r.confidence_level = options.confidence_level;
    r.bootstrap = options.bootstrap;

    // Centre every value by the mean of f(A) and f(B) so that the sums below
    // hold small numbers (an NPV's mean can be many standard deviations from 0).
    double sum = 0;
    for (Eigen::Index j = 0; j < n; ++j) sum += out(j, 0) + out(j, 1);
    const double mean = sum / (2.0 * static_cast<double>(N));
    out -= mean;
    r.output_mean = mean;

    const auto du = static_cast<std::size_t>(d);
    const double nd = static_cast<double>(N);
    detail::SaltelliSums sums(d);
    for (Eigen::Index j = 0; j < n; ++j) sums.add(&out(j, 0), du);
    r.first_order.resize(d);
    r.total_order.resize(d);
    double variance = 0;
    if (!detail::saltelli_indices(sums, nd, r.first_order.data(), r.total_order.data(), du, &variance)) {
        std::ostringstream os;
        os << "sobol_indices: " << options.output_name << " is constant over the " << N
           << " points of A and B; its variance is 0 and the indices do not exist";
        throw NumericError(os.str());
    }
    r.output_variance = variance;
    r.order = detail::order_descending(d, [&r](Eigen::Index i) { return r.total_order[i]; });

    if (options.bootstrap >= 2) {
        const std::uint64_t R = options.bootstrap;
        // replicate r of index i at [r * d + i]
        std::vector<double> first(R * du), total(R * du);
        constexpr std::uint64_t per_task = 16;
        const std::uint64_t tasks = (R + per_task - 1) / per_task;
        const auto range = static_cast<std::uint32_t>(N);  // N <= 2^31
        detail::sensitivity_parallel_for(
            tasks, detail::sensitivity_thread_count(options.threads, tasks), [&](std::uint64_t task) {
                detail::SaltelliSums s(d);
                for (std::uint64_t rep = task * per_task; rep < std::min(R, (task + 1) * per_task); ++rep) {
                    detail::Xoshiro256pp rng(detail::stream_key(options.seed, detail::bootstrap_stream, rep, 0));
                    s.reset();
                    for (std::uint64_t k = 0; k < N; ++k)
                        s.add(&out(static_cast<Eigen::Index>(detail::bounded_uint32(rng, range)), 0), du);
                    if (!detail::saltelli_indices(s, nd, &first[rep * du], &total[rep * du], du)) {
                        std::ostringstream os;
                        os << "sobol_indices: bootstrap resample " << rep << " of " << options.output_name
                           << " has zero variance; increase n";
                        throw NumericError(os.str());
                    }
                }
            });
        const double lo = 0.5 * (1.0 - options.confidence_level), hi = 0.5 * (1.0 + options.confidence_level);
        r.first_order_interval.resize(d, 2);
        r.total_order_interval.resize(d, 2);
        std::vector<double> values(R);
        for (std::size_t i = 0; i < du; ++i) {
            for (int which = 0; which < 2; ++which) {
                const std::vector<double>& src = which == 0 ? first : total;
                for (std::uint64_t rep = 0; rep < R; ++rep) values[rep] = src[rep * du + i];
                std::sort(values.begin(), values.end());
                Eigen::ArrayXXd& interval = which == 0 ? r.first_order_interval : r.total_order_interval;
                interval(static_cast<Eigen::Index>(i), 0) = detail::percentile_sorted(values, lo);
                interval(static_cast<Eigen::Index>(i), 1) = detail::percentile_sorted(values, hi);
            }
        }
    }
    return r;
}

// ---------------------------------------------------------------------------
// Model adapters
// ---------------------------------------------------------------------------

/// The uncertain inputs of a model as the methods above take them.
struct SensitivityInputs {
    std::vector<Distribution> distributions;  ///< in the order of model.uncertain_inputs()
    std::vector<std::string> names;           ///< key paths, e.g. "benefits.retention.relative_attrition_reduction"
    Eigen::ArrayXd base;                      ///< the base case (the model's base value of each)
    /// True when the scenario rank-correlates some inputs. tornado, spider and
    /// sobol_indices treat inputs as independent and ignore the correlations;
    /// rank_sensitivity on a simulation's samples sees them.
    bool correlated = false;
};

/// Distributions, names and base values of the model's uncertain inputs, in
/// the order of model.uncertain_inputs() (the columns metric_function expects
/// and SimulationResult::trial_inputs holds).
inline SensitivityInputs model_inputs(const Model& model) {
    SensitivityInputs s;
    const auto& all = model.inputs();
    const std::vector<int>& uncertain = model.uncertain_inputs();
    s.base.resize(static_cast<Eigen::Index>(uncertain.size()));
    for (std::size_t j = 0; j < uncertain.size(); ++j) {
        const Input& in = all[static_cast<std::size_t>(uncertain[j])];
        s.distributions.push_back(*in.distribution);
        s.names.push_back(in.path);
        s.base[static_cast<Eigen::Index>(j)] = in.base;
    }
    s.correlated = model.correlation() != nullptr;
    return s;
}

/// The metrics a model reports, in the order and with the names of
/// SimulationResult::metric_names: npv, irr, mirr, roi, bcr, payback_months,
/// discounted_payback_months, cost_per_credential, total_shortfall, then
/// "net <fiscal year>" for each fiscal year and, with a budget,
/// "shortfall <fiscal year>" for each.
inline std::vector<std::string> metric_names(const Model& model) {
    std::vector<std::string> names = {"npv", "irr", "mirr", "roi", "bcr", "payback_months",
                                      "discounted_payback_months", "cost_per_credential", "total_shortfall"};
    for (const auto& y : model.fiscal_years()) names.push_back("net " + y.label);
    if (model.scenario().budget)
        for (const auto& y : model.fiscal_years()) names.push_back("shortfall " + y.label);
    return names;
}

/// The model as a BatchFunction of its uncertain inputs: column j of x is
/// uncertain input j (model_inputs(model).names[j]); every fixed input stays
/// at its base value; y(t) is `metric` of trial t, exactly as simulate()
/// computes it (same code path for each metric). A metric that does not exist
/// in a trial (IRR or MIRR without a sign change, payback not reached, ROI
/// without costs) is NaN there: see each method for how it treats that.
///
/// The function holds its own copy of the model, is deterministic and safe to
/// call from several threads at once.
///
/// Throws ParameterError("metric") if metric is not one of metric_names(model)
/// (the message lists them). The function throws ParameterError "x" when it
/// gets another number of columns than uncertain inputs, "y" when y.size() !=
/// x.rows().
inline BatchFunction metric_function(const Model& model, const std::string& metric) {
    const std::vector<std::string> names = metric_names(model);
    const auto it = std::find(names.begin(), names.end(), metric);
    if (it == names.end()) {
        std::ostringstream os;
        os << "expected one of";
        for (const auto& m : names) os << " \"" << m << '"';
        os << ", found \"" << metric << '"';
        throw ParameterError("metric", os.str());
    }
    const auto index = static_cast<std::size_t>(it - names.begin());
    const auto shared = std::make_shared<const Model>(model);
    const std::size_t years = model.fiscal_years().size();
    return [shared, index, years](const Eigen::Ref<const Eigen::ArrayXXd>& x, Eigen::Ref<Eigen::ArrayXd> y) {
        const Model& m = *shared;
        const std::vector<int>& uncertain = m.uncertain_inputs();
        CREDROI_REQUIRE(x.cols() == static_cast<Eigen::Index>(uncertain.size()), "x",
                        "expected " << uncertain.size() << " columns (one per uncertain input), found " << x.cols());
        CREDROI_REQUIRE(y.size() == x.rows(), "y", "expected " << x.rows() << " values (one per row of x), found " << y.size());
        if (x.rows() == 0) return;
        const Eigen::ArrayXXd base = m.base_inputs();
        Eigen::ArrayXXd full(x.rows(), base.cols());
        for (Eigen::Index k = 0; k < base.cols(); ++k) full.col(k).setConstant(base(0, k));
        for (std::size_t j = 0; j < uncertain.size(); ++j) full.col(uncertain[j]) = x.col(static_cast<Eigen::Index>(j));
        BatchResult br;
        m.evaluate_batch(full, br, false, false);
        if (index >= static_cast<std::size_t>(detail::fixed_metric_count)) {
            // A fiscal year's net or shortfall: the year's totals only, as in
            // detail::trial_metric_row, without the IRR and payback searches.
            const std::size_t k = index - static_cast<std::size_t>(detail::fixed_metric_count);
            const bool net = k < years;
            const std::size_t f = net ? k : k - years;
            for (Eigen::Index t = 0; t < x.rows(); ++t) {
                const FiscalYearTotals totals = m.fiscal_year_totals(br, t, f);
                y[t] = net ? totals.benefits - totals.costs : totals.shortfall.value_or(0.0);
            }
            return;
        }
        if (index == 0 || index == 3 || index == 4 || index == 8) {
            // npv, roi, bcr, total_shortfall: the sums of detail::trial_metrics
            // in the same order (so the same bits), without the IRR, MIRR and
            // payback searches that dominate the cost of a trial's metrics.
            const int H = m.horizon_months();
            const bool budget = br.fiscal_year_budget.cols() > 0;
            for (Eigen::Index t = 0; t < x.rows(); ++t) {
                if (index == 8) {
                    double shortfall = 0;
                    if (budget)
                        for (std::size_t f = 0; f < years; ++f) shortfall += *m.fiscal_year_totals(br, t, f).shortfall;
                    y[t] = shortfall;
                    continue;
                }
                double pv_costs = 0, pv_benefits = 0;
                for (int i = 0; i < H; ++i) {
                    const double df = br.discount_factors(t, i);
                    pv_costs += br.costs(t, i) * df;
                    pv_benefits += br.benefits(t, i) * df;
                }
                if (index == 0)
                    y[t] = pv_benefits - pv_costs;
                else if (!(pv_costs > 0))
                    y[t] = std::numeric_limits<double>::quiet_NaN();
                else
                    y[t] = index == 3 ? (pv_benefits - pv_costs) / pv_costs : pv_benefits / pv_costs;
            }
            return;
        }
        // The other metrics (IRR, MIRR, paybacks, cost per credential) by the
        // batch code simulate() runs, so that they are the same bits (the
        // batch IRR solves by Newton where one root is proven).
        Eigen::ArrayXXd rows;
        detail::BatchMetricsWorkspace ws;
        detail::batch_metric_rows(m, br, rows, ws, true);
        y = rows.col(static_cast<Eigen::Index>(index));
    };
}

}  // namespace credroi
