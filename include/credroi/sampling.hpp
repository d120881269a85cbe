#pragma once
// Uniform designs for the Monte Carlo engine, batch by batch, and the Gaussian
// copula that rank-correlates them. Everything here works on uniforms in
// (0, 1); the distributions turn them into input values afterwards.
//
// Reproducibility: trials are cut into fixed batches. Column j of batch b is
// drawn from its own stream keyed by (seed, b, j) (Monte Carlo, Latin
// hypercube) or is the slice [first_trial, first_trial + rows) of one
// scrambled Sobol' sequence keyed by the seed (Sobol'). No state is carried
// from batch to batch, so any thread may fill any batch in any order and the
// bits are the same.
#include <credroi/error.hpp>
#include <credroi/detail/normal_quantile.hpp>
#include <credroi/detail/random.hpp>
#include <credroi/detail/sobol.hpp>

#if defined(__GNUC__)
// Eigen's own headers trip the project's warning flags (old-style casts) when
// they are found through -I rather than -isystem.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wold-style-cast"
#pragma GCC diagnostic ignored "-Wconversion"
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wdouble-promotion"
#endif
#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <Eigen/Eigenvalues>
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numeric>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace credroi {

// ---------------------------------------------------------------------------
// Samplers
// ---------------------------------------------------------------------------

/// How the uniforms of a batch are laid out.
enum class Sampler {
    monte_carlo,      ///< "mc": independent uniforms
    latin_hypercube,  ///< "lhs": one point per stratum [k/n, (k+1)/n) per column, per batch
    sobol             ///< "sobol": scrambled Sobol' low-discrepancy sequence
};

/// Short name used in scenario files: "mc", "lhs" or "sobol".
inline std::string_view to_string(Sampler sampler) noexcept {
    switch (sampler) {
        case Sampler::monte_carlo: return "mc";
        case Sampler::latin_hypercube: return "lhs";
        case Sampler::sobol: return "sobol";
    }
    return "unknown";
}

/// Inverse of to_string. Throws ParameterError("sampler") for anything else.
inline Sampler parse_sampler(std::string_view text) {
    if (text == "mc") return Sampler::monte_carlo;
    if (text == "lhs") return Sampler::latin_hypercube;
    if (text == "sobol") return Sampler::sobol;
    CREDROI_REQUIRE(false, "sampler", "expected one of mc, lhs, sobol, found \"" << text << "\"");
    return Sampler::monte_carlo;  // not reached
}

/// Largest number of dimensions the Sobol' sampler supports (Joe-Kuo table
/// shipped with Boost.Random).
inline constexpr Eigen::Index sobol_max_dimensions = static_cast<Eigen::Index>(detail::sobol_max_dimensions);

/// Stream id of an uncertain input named by its key path (e.g.
/// "costs.paper_certificate.unit_cost"): 64-bit FNV-1a of the path's bytes.
/// Keying streams by name rather than by column gives common random numbers:
/// scenarios compared with the same seed draw the same uniforms for the inputs
/// they share, so their difference is measured with far less noise.
inline std::uint64_t stream_id(std::string_view path) noexcept {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (const char c : path) {
        h ^= static_cast<std::uint8_t>(c);
        h *= 0x100000001b3ULL;
    }
    return h;
}

/// Generator of uniform designs for one (sampler, seed, number of dimensions).
///
/// Construct once per run (for Sobol' this precomputes the scrambled direction
/// numbers, 64 words per dimension) and call fill() for each batch, from any
/// number of threads: fill() is const and keeps no state between calls.
///
/// Every value written is in [2^-53, 1 - 2^-53], never 0 or 1.
class UniformDesign {
public:
    /// @param dimensions number of columns (uncertain inputs), >= 0; at most
    ///        sobol_max_dimensions (3667) for Sampler::sobol.
    UniformDesign(Sampler sampler, std::uint64_t seed, Eigen::Index dimensions)
        : sampler_(sampler), seed_(seed), dimensions_(dimensions) {
        CREDROI_REQUIRE(dimensions >= 0, "dimensions", "expected >= 0, found " << dimensions);
        if (sampler == Sampler::sobol) {
            CREDROI_REQUIRE(
                dimensions <= sobol_max_dimensions, "dimensions",
                "expected at most " << sobol_max_dimensions << " for the sobol sampler, found " << dimensions);
            sobol_ = detail::ScrambledSobol(seed, static_cast<std::size_t>(dimensions), true);
        }
        streams_.resize(static_cast<std::size_t>(dimensions));
        for (std::size_t j = 0; j < streams_.size(); ++j) streams_[j] = j;
    }

    /// A design whose column j draws from stream `streams[j]` instead of j
    /// (Monte Carlo and Latin hypercube). Common random numbers: two runs that
    /// give an input the same stream id with the same seed draw the same
    /// uniforms for it, whatever other columns they have; stream_id(path)
    /// makes the id from an input's key path. Sobol' points have no streams:
    /// their column j is dimension j of the sequence, so two Sobol' runs share
    /// numbers only for inputs in the same column.
    ///
    /// Throws ParameterError("streams") if two columns share an id (they would
    /// be perfectly correlated), and as the other constructor.
    UniformDesign(Sampler sampler, std::uint64_t seed, std::vector<std::uint64_t> streams)
        : UniformDesign(sampler, seed, static_cast<Eigen::Index>(streams.size())) {
        std::vector<std::uint64_t> sorted = streams;
        std::sort(sorted.begin(), sorted.end());
        const auto dup = std::adjacent_find(sorted.begin(), sorted.end());
        CREDROI_REQUIRE(dup == sorted.end(), "streams", "expected distinct stream ids, found " << *dup << " twice");
        streams_ = std::move(streams);
    }

    Sampler sampler() const noexcept { return sampler_; }
    std::uint64_t seed() const noexcept { return seed_; }
    Eigen::Index dimensions() const noexcept { return dimensions_; }

    /// Fills `out` (trials x dimensions, column-major) with the uniforms of one
    /// batch. Row r is trial first_trial + r.
    ///
    /// - monte_carlo: out(r, j) = U(0,1) from stream (seed, batch_index, j),
    ///   j standing for column j's stream id (j itself unless ids were given).
    /// - latin_hypercube: column j holds exactly one value in each stratum
    ///   [k/n, (k+1)/n), k = 0..n-1, n = out.rows(), in an order shuffled by
    ///   Fisher-Yates and jittered uniformly inside the stratum, both from
    ///   stream (seed, batch_index, j). Stratification is per batch.
    /// - sobol: out(r, j) = coordinate j of point first_trial + r of the
    ///   scrambled sequence (Gray-code order; point 0 included), independent of
    ///   batch_index: batches tile one sequence. Balance is best when batches
    ///   are aligned blocks of 2^m points (batch size a power of two).
    ///
    /// batch_index selects the stream for mc and lhs; first_trial is used by
    /// sobol only. The caller keeps them consistent (first_trial = batch_index
    /// x batch size). No allocation.
    ///
    /// Throws ParameterError: "out" if out.cols() != dimensions(); "out" if
    /// lhs and more than 2^32 - 1 rows; "first_trial" if sobol and the last
    /// index would pass 2^64 - 1.
    void fill(std::uint64_t batch_index, std::uint64_t first_trial, Eigen::Ref<Eigen::ArrayXXd> out) const {
        CREDROI_REQUIRE(out.cols() == dimensions_, "out",
                        "expected " << dimensions_ << " columns (one per dimension), found " << out.cols());
        const Eigen::Index n = out.rows();
        if (n == 0) return;
        const auto rows = static_cast<std::size_t>(n);
        switch (sampler_) {
            case Sampler::monte_carlo:
                for (Eigen::Index j = 0; j < dimensions_; ++j) {
                    detail::Xoshiro256pp rng(detail::stream_key(seed_, detail::StreamDomain::monte_carlo, batch_index,
                                                                streams_[static_cast<std::size_t>(j)]));
                    double* p = out.col(j).data();
                    for (std::size_t r = 0; r < rows; ++r) p[r] = detail::unit_open(rng());
                }
                break;
            case Sampler::latin_hypercube:
                CREDROI_REQUIRE(rows <= std::numeric_limits<std::uint32_t>::max(), "out",
                                "expected at most 4294967295 rows for the lhs sampler, found " << n);
                for (Eigen::Index j = 0; j < dimensions_; ++j) {
                    detail::Xoshiro256pp rng(detail::stream_key(seed_, detail::StreamDomain::latin_hypercube,
                                                                batch_index, streams_[static_cast<std::size_t>(j)]));
                    fill_latin_column(rng, out.col(j).data(), rows);
                }
                break;
            case Sampler::sobol:
                CREDROI_REQUIRE(
                    static_cast<std::uint64_t>(rows - 1) <= std::numeric_limits<std::uint64_t>::max() - first_trial,
                    "first_trial",
                    "expected first_trial + rows - 1 <= 2^64 - 1, found first_trial " << first_trial << " and " << n
                                                                                      << " rows");
                for (Eigen::Index j = 0; j < dimensions_; ++j)
                    sobol_.fill(first_trial, static_cast<std::size_t>(j), out.col(j).data(), rows);
                break;
        }
    }

    /// As fill(), into a new (trials x dimensions) array.
    Eigen::ArrayXXd generate(std::uint64_t batch_index, std::uint64_t first_trial, Eigen::Index trials) const {
        CREDROI_REQUIRE(trials >= 0, "trials", "expected >= 0, found " << trials);
        Eigen::ArrayXXd out(trials, dimensions_);
        fill(batch_index, first_trial, out);
        return out;
    }

private:
    // The permutation is built in the output column itself (stratum numbers
    // stored as doubles, exact below 2^53), so LHS needs no scratch memory.
    static void fill_latin_column(detail::Xoshiro256pp& rng, double* p, std::size_t n) {
        for (std::size_t r = 0; r < n; ++r) p[r] = static_cast<double>(r);
        for (std::size_t i = n - 1; i > 0; --i) {
            const std::size_t k = detail::bounded_uint32(rng, static_cast<std::uint32_t>(i + 1));
            std::swap(p[i], p[k]);
        }
        const double nd = static_cast<double>(n);
        for (std::size_t r = 0; r < n; ++r) {
            const double k = p[r];
            double u = (k + detail::unit_open(rng())) / nd;
            // Rounding can carry (k + jitter) / n onto a neighbouring stratum's
            // edge; step back inside so that floor(u * n) == k in floating
            // point as well. Rarely taken; keeps u strictly inside (0, 1).
            while (u * nd >= k + 1.0) u = std::nextafter(u, 0.0);
            while (u * nd < k) u = std::nextafter(u, 1.0);
            p[r] = u;
        }
    }

    Sampler sampler_;
    std::uint64_t seed_;
    Eigen::Index dimensions_;
    detail::ScrambledSobol sobol_;
    std::vector<std::uint64_t> streams_;  // column -> stream id; 0..d-1 unless given
};

/// One batch of uniforms into `out` (trials x dimensions, dimensions =
/// out.cols()); see UniformDesign::fill. Convenience: for Sobol' it rebuilds
/// the scrambled direction numbers on every call (about 4 thousand word
/// operations per dimension); construct a UniformDesign once for many batches.
inline void uniform_design(Sampler sampler, std::uint64_t seed, std::uint64_t batch_index, std::uint64_t first_trial,
                           Eigen::Ref<Eigen::ArrayXXd> out) {
    UniformDesign(sampler, seed, out.cols()).fill(batch_index, first_trial, out);
}

/// One batch of uniforms as a new (trials x dimensions) array.
inline Eigen::ArrayXXd uniform_design(Sampler sampler, std::uint64_t seed, std::uint64_t batch_index,
                                      std::uint64_t first_trial, Eigen::Index trials, Eigen::Index dimensions) {
    return UniformDesign(sampler, seed, dimensions).generate(batch_index, first_trial, trials);
}

// ---------------------------------------------------------------------------
// Ranks and Spearman's rank correlation
// ---------------------------------------------------------------------------

namespace detail {
inline Eigen::ArrayXd ranks_of(const Eigen::Ref<const Eigen::ArrayXd>& x, const char* name) {
    const Eigen::Index n = x.size();
    for (Eigen::Index i = 0; i < n; ++i)
        CREDROI_REQUIRE(std::isfinite(x[i]), name,
                        "expected finite values, found " << detail::describe(x[i]) << " at index " << i);
    std::vector<Eigen::Index> order(static_cast<std::size_t>(n));
    std::iota(order.begin(), order.end(), Eigen::Index{0});
    std::sort(order.begin(), order.end(), [&x](Eigen::Index a, Eigen::Index b) { return x[a] < x[b]; });
    Eigen::ArrayXd r(n);
    std::size_t first = 0;
    while (first < order.size()) {
        std::size_t last = first;
        while (last + 1 < order.size() && x[order[last + 1]] == x[order[first]]) ++last;
        // Ties share the mean of the 1-based ranks they span.
        const double rank = 0.5 * static_cast<double>(first + last) + 1.0;
        for (std::size_t k = first; k <= last; ++k) r[order[k]] = rank;
        first = last + 1;
    }
    return r;
}
}  // namespace detail

/// 1-based ranks of x, ties given the average of the ranks they span
/// ("fractional ranking"): ranks({10, 20, 20, 5}) = {2, 3.5, 3.5, 1}.
/// Throws ParameterError("x") for a value that is not finite.
inline Eigen::ArrayXd ranks(const Eigen::Ref<const Eigen::ArrayXd>& x) { return detail::ranks_of(x, "x"); }

/// Spearman's rank correlation: the Pearson correlation of ranks(x) and
/// ranks(y), in [-1, 1].
///
/// Throws ParameterError: "y" if sizes differ, "x" if fewer than 2 values,
/// "x"/"y" for a value that is not finite. Throws NumericError if all values of
/// x (or of y) are tied, where the correlation does not exist.
inline double spearman(const Eigen::Ref<const Eigen::ArrayXd>& x, const Eigen::Ref<const Eigen::ArrayXd>& y) {
    CREDROI_REQUIRE(y.size() == x.size(), "y", "expected " << x.size() << " values (as many as x), found " << y.size());
    CREDROI_REQUIRE(x.size() >= 2, "x", "expected at least 2 values, found " << x.size());
    const Eigen::ArrayXd rx = detail::ranks_of(x, "x");
    const Eigen::ArrayXd ry = detail::ranks_of(y, "y");
    // Average ranks always have mean (n + 1) / 2 exactly.
    const double mid = 0.5 * (static_cast<double>(x.size()) + 1.0);
    const Eigen::ArrayXd dx = rx - mid;
    const Eigen::ArrayXd dy = ry - mid;
    const double sxx = (dx * dx).sum();
    const double syy = (dy * dy).sum();
    if (!(sxx > 0.0)) throw NumericError("spearman: all values of x are tied; the rank correlation does not exist");
    if (!(syy > 0.0)) throw NumericError("spearman: all values of y are tied; the rank correlation does not exist");
    const double rho = (dx * dy).sum() / std::sqrt(sxx * syy);
    return std::clamp(rho, -1.0, 1.0);
}

// ---------------------------------------------------------------------------
// Correlation matrices
// ---------------------------------------------------------------------------

namespace detail {
inline constexpr double sampling_pi = 3.14159265358979323846264338327950288;
}  // namespace detail

/// Pearson correlation of a bivariate normal whose Spearman rank correlation
/// is rho_s: rho = 2 sin(pi rho_s / 6) (Pearson 1907; exact for the normal,
/// hence for the Gaussian copula). Maps [-1, 1] onto [-1, 1], fixing -1, 0, 1;
/// |rho| >= |rho_s| with the largest gap 0.018 near |rho_s| = 0.57.
/// Throws ParameterError("rho_s") outside [-1, 1].
inline double pearson_from_spearman(double rho_s) {
    CREDROI_REQUIRE(rho_s >= -1.0 && rho_s <= 1.0, "rho_s", "expected in [-1, 1], found " << detail::describe(rho_s));
    return 2.0 * std::sin(detail::sampling_pi * rho_s / 6.0);
}

/// Inverse of pearson_from_spearman: rho_s = (6 / pi) asin(rho / 2).
/// Throws ParameterError("rho") outside [-1, 1].
inline double spearman_from_pearson(double rho) {
    CREDROI_REQUIRE(rho >= -1.0 && rho <= 1.0, "rho", "expected in [-1, 1], found " << detail::describe(rho));
    return 6.0 / detail::sampling_pi * std::asin(0.5 * rho);
}

namespace detail {
inline std::string correlation_entry(const std::string& path, const std::vector<std::string>& names, Eigen::Index i,
                                     Eigen::Index j) {
    std::ostringstream os;
    os << path << '[';
    if (names.empty())
        os << i << ", " << j;
    else
        os << names[static_cast<std::size_t>(i)] << ", " << names[static_cast<std::size_t>(j)];
    os << ']';
    return os.str();
}
}  // namespace detail

/// Checks that m is a correlation matrix in form (not yet positive
/// definiteness): square and not empty, finite, entries in [-1, 1], diagonal
/// 1 and symmetric, both within 1e-12.
///
/// Errors name the entry as path[name_i, name_j] (or path[i, j] without
/// names), e.g. "correlations[attrition, salary]: expected in [-1, 1], found 1.2".
/// Throws ParameterError: path for a non-square or empty matrix, "names" when
/// names is neither empty nor one per row, path[..] for a bad entry.
inline void validate_correlation_matrix(const Eigen::Ref<const Eigen::MatrixXd>& m,
                                        const std::vector<std::string>& names = {},
                                        const std::string& path = "correlations") {
    CREDROI_REQUIRE(m.rows() == m.cols() && m.rows() > 0, path,
                    "expected a non-empty square matrix, found " << m.rows() << " x " << m.cols());
    const Eigen::Index n = m.rows();
    CREDROI_REQUIRE(names.empty() || static_cast<Eigen::Index>(names.size()) == n, "names",
                    "expected none or " << n << " names (one per row), found " << names.size());
    constexpr double tolerance = 1e-12;
    for (Eigen::Index i = 0; i < n; ++i) {
        for (Eigen::Index j = 0; j < n; ++j) {
            const double v = m(i, j);
            CREDROI_REQUIRE(std::isfinite(v) && v >= -1.0 && v <= 1.0, detail::correlation_entry(path, names, i, j),
                            "expected a correlation in [-1, 1], found " << detail::describe(v));
            if (i == j) {
                CREDROI_REQUIRE(std::fabs(v - 1.0) <= tolerance, detail::correlation_entry(path, names, i, j),
                                "expected 1 on the diagonal, found " << detail::describe(v));
            } else if (j < i) {
                CREDROI_REQUIRE(std::fabs(v - m(j, i)) <= tolerance, detail::correlation_entry(path, names, i, j),
                                "expected a symmetric matrix, equal to "
                                    << detail::correlation_entry(path, names, j, i) << " = "
                                    << detail::describe(m(j, i)) << " within 1e-12, found " << detail::describe(v));
            }
        }
    }
}

/// Settings of the nearest-correlation-matrix repair.
struct NearestCorrelationOptions {
    /// Smallest eigenvalue allowed in the result, so that its Cholesky
    /// factorisation exists and is well conditioned enough to apply.
    double eigenvalue_floor = 1e-8;
    /// Stop when the relative changes of both iterates and their distance,
    /// in the Frobenius norm, are all below this (Higham's criterion).
    double tolerance = 1e-12;
    int max_iterations = 100000;
};

/// Result of a repair: the matrix used and how far it is from the input.
struct CorrelationRepair {
    Eigen::MatrixXd matrix;       ///< unit diagonal, symmetric, Cholesky succeeds
    double max_abs_change = 0.0;  ///< max over entries of |matrix - input|
    Eigen::Index row = 0;         ///< entry (row, col), row < col, with the largest change
    Eigen::Index col = 0;
    int iterations = 0;     ///< alternating-projection iterations (0 if not repaired)
    bool repaired = false;  ///< false when the input was used unchanged
};

/// Nearest correlation matrix to the symmetric matrix a in the Frobenius norm,
/// with eigenvalues at least options.eigenvalue_floor: Higham's alternating
/// projections with Dykstra's correction ("Computing the nearest correlation
/// matrix - a problem from finance", IMA J. Numer. Anal. 22, 329-343, 2002,
/// Algorithm 3.3, W = I). Each iteration projects onto {X : lambda_min(X) >=
/// floor} (clip the eigenvalues) and onto {X : diag(X) = 1}; both sets are
/// convex, so the iteration converges to the nearest point of their
/// intersection. Always runs (repaired = true); see repair_correlation for
/// the version that leaves positive definite input alone.
///
/// Throws ParameterError("matrix") if a is not square, not finite or not
/// symmetric within 1e-12; NumericError if the iteration does not converge
/// within options.max_iterations or the result has no Cholesky factor.
inline CorrelationRepair nearest_correlation(const Eigen::Ref<const Eigen::MatrixXd>& a,
                                             const NearestCorrelationOptions& options = {}) {
    CREDROI_REQUIRE(a.rows() == a.cols() && a.rows() > 0, "matrix",
                    "expected a non-empty square matrix, found " << a.rows() << " x " << a.cols());
    CREDROI_REQUIRE(a.allFinite(), "matrix", "expected finite entries");
    const double asym = (a - a.transpose()).cwiseAbs().maxCoeff();
    CREDROI_REQUIRE(asym <= 1e-12, "matrix", "expected a symmetric matrix, found entries differing by " << asym);
    CREDROI_REQUIRE(options.eigenvalue_floor >= 0.0 && options.eigenvalue_floor < 1.0, "eigenvalue_floor",
                    "expected in [0, 1), found " << options.eigenvalue_floor);
    CREDROI_REQUIRE(options.tolerance > 0.0, "tolerance", "expected > 0, found " << options.tolerance);
    CREDROI_REQUIRE(options.max_iterations > 0, "max_iterations", "expected > 0, found " << options.max_iterations);

    const Eigen::Index n = a.rows();
    const Eigen::MatrixXd sym = 0.5 * (a + a.transpose());
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(n);
    auto project_psd = [&](const Eigen::MatrixXd& r) {
        eigen.compute(r);
        if (eigen.info() != Eigen::Success) throw NumericError("nearest_correlation: eigen-decomposition failed");
        const Eigen::VectorXd clipped = eigen.eigenvalues().cwiseMax(options.eigenvalue_floor);
        Eigen::MatrixXd x = eigen.eigenvectors() * clipped.asDiagonal() * eigen.eigenvectors().transpose();
        return Eigen::MatrixXd(0.5 * (x + x.transpose()));
    };

    Eigen::MatrixXd y = sym;
    Eigen::MatrixXd x = sym;
    Eigen::MatrixXd correction = Eigen::MatrixXd::Zero(n, n);  // Dykstra's Delta S
    int iterations = 0;
    bool converged = false;
    while (iterations < options.max_iterations) {
        ++iterations;
        const Eigen::MatrixXd r = y - correction;
        const Eigen::MatrixXd x_new = project_psd(r);
        correction = x_new - r;
        Eigen::MatrixXd y_new = x_new;
        y_new.diagonal().setOnes();
        const double dx = (x_new - x).norm() / x_new.norm();
        const double dy = (y_new - y).norm() / y_new.norm();
        const double gap = (y_new - x_new).norm() / y_new.norm();
        x = x_new;
        y = y_new;
        if (std::max({dx, dy, gap}) <= options.tolerance) {
            converged = true;
            break;
        }
    }
    if (!converged) {
        std::ostringstream os;
        os << "nearest_correlation: alternating projections did not converge in " << options.max_iterations
           << " iterations (tolerance " << options.tolerance << ")";
        throw NumericError(os.str());
    }
    // y has unit diagonal but may sit a hair below the eigenvalue floor, as
    // the iteration stops at a tolerance. If its Cholesky fails, clip once
    // more and rescale to unit diagonal (D^-1/2 X D^-1/2 keeps it positive
    // definite).
    Eigen::LLT<Eigen::MatrixXd> llt(y);
    if (llt.info() != Eigen::Success) {
        Eigen::MatrixXd z = project_psd(y);
        const Eigen::VectorXd scale = z.diagonal().cwiseSqrt().cwiseInverse();
        y = scale.asDiagonal() * z * scale.asDiagonal();
        y = 0.5 * (y + y.transpose());
        y.diagonal().setOnes();
        llt.compute(y);
        if (llt.info() != Eigen::Success)
            throw NumericError(
                "nearest_correlation: the repaired matrix has no Cholesky factor; raise eigenvalue_floor");
    }

    CorrelationRepair result;
    result.matrix = y;
    result.iterations = iterations;
    result.repaired = true;
    for (Eigen::Index j = 0; j < n; ++j) {
        for (Eigen::Index i = 0; i <= j; ++i) {
            const double change = std::fabs(y(i, j) - sym(i, j));
            if (change > result.max_abs_change) {
                result.max_abs_change = change;
                result.row = i;
                result.col = j;
            }
        }
    }
    return result;
}

/// a itself when its Cholesky factorisation succeeds (repaired = false,
/// max_abs_change = 0), otherwise nearest_correlation(a, options).
/// Same errors as nearest_correlation.
inline CorrelationRepair repair_correlation(const Eigen::Ref<const Eigen::MatrixXd>& a,
                                            const NearestCorrelationOptions& options = {}) {
    CREDROI_REQUIRE(a.rows() == a.cols() && a.rows() > 0, "matrix",
                    "expected a non-empty square matrix, found " << a.rows() << " x " << a.cols());
    CREDROI_REQUIRE(a.allFinite(), "matrix", "expected finite entries");
    const Eigen::MatrixXd sym = 0.5 * (a + a.transpose());
    Eigen::LLT<Eigen::MatrixXd> llt(sym);
    if (llt.info() == Eigen::Success && (a - a.transpose()).cwiseAbs().maxCoeff() <= 1e-12) {
        CorrelationRepair result;
        result.matrix = sym;
        return result;
    }
    return nearest_correlation(a, options);
}

// ---------------------------------------------------------------------------
// Gaussian copula
// ---------------------------------------------------------------------------

/// Rank correlation between inputs through a Gaussian copula.
///
/// From a target Spearman matrix S (validated as in
/// validate_correlation_matrix), the normal correlation is
/// P_ij = 2 sin(pi S_ij / 6). If P has no Cholesky factor it is replaced by the
/// nearest correlation matrix (repair_correlation), and the change is reported
/// (repair(), max_abs_change_spearman(), repair_message()). apply() then maps
/// independent uniforms U to z = Phi^-1(U), z' = z L^T with L L^T = P, and
/// U' = Phi(z'): each column of U' is still uniform and the Spearman
/// correlation of columns i and j tends to S_ij (to the repaired value when
/// repaired) as the number of trials grows.
///
/// Latin hypercube stratification is not preserved by apply(): the columns of
/// U' are uniform but no longer one point per stratum. Uncorrelated inputs
/// (those not in `columns`) keep it.
class RankCorrelation {
public:
    /// @param spearman target rank correlations, d x d
    /// @param names    one name per row for error messages, or none
    /// @param path     key of the matrix in the scenario, for error messages
    ///
    /// Throws ParameterError as validate_correlation_matrix (path[name_i,
    /// name_j], path, "names"); NumericError (prefixed with path) if the
    /// repair does not converge.
    RankCorrelation(const Eigen::MatrixXd& spearman, std::vector<std::string> names = {},
                    std::string path = "correlations", const NearestCorrelationOptions& options = {})
        : names_(std::move(names)), path_(std::move(path)) {
        validate_correlation_matrix(spearman, names_, path_);
        const Eigen::Index n = spearman.rows();
        target_ = 0.5 * (spearman + spearman.transpose());
        target_.diagonal().setOnes();
        Eigen::MatrixXd pearson(n, n);
        for (Eigen::Index j = 0; j < n; ++j)
            for (Eigen::Index i = 0; i < n; ++i)
                pearson(i, j) = i == j ? 1.0 : 2.0 * std::sin(detail::sampling_pi * target_(i, j) / 6.0);
        try {
            repair_ = repair_correlation(pearson, options);
        } catch (const NumericError& e) {
            throw NumericError(path_ + ": " + e.what());
        }
        Eigen::LLT<Eigen::MatrixXd> llt(repair_.matrix);
        if (llt.info() != Eigen::Success) throw NumericError(path_ + ": the correlation matrix has no Cholesky factor");
        cholesky_ = llt.matrixL();
        for (Eigen::Index j = 0; j < n; ++j)
            for (Eigen::Index i = j + 1; i < n; ++i) {
                const double achieved = 6.0 / detail::sampling_pi * std::asin(0.5 * repair_.matrix(i, j));
                const double change = std::fabs(achieved - target_(i, j));
                if (change > max_change_spearman_) {
                    max_change_spearman_ = change;
                    change_row_ = j;
                    change_col_ = i;
                }
            }
    }

    /// Number of correlated inputs d.
    Eigen::Index dimension() const noexcept { return target_.rows(); }
    const std::vector<std::string>& names() const noexcept { return names_; }
    /// The Spearman matrix as given (symmetrised).
    const Eigen::MatrixXd& spearman_target() const noexcept { return target_; }
    /// Correlation P of the underlying normals, after any repair.
    const Eigen::MatrixXd& normal_correlation() const noexcept { return repair_.matrix; }
    /// Lower triangular L with L L^T = normal_correlation().
    const Eigen::MatrixXd& cholesky_factor() const noexcept { return cholesky_; }
    /// The repair on the normal scale (P before and after).
    const CorrelationRepair& repair() const noexcept { return repair_; }
    bool repaired() const noexcept { return repair_.repaired; }

    /// Spearman matrix the copula produces: (6 / pi) asin(P_ij / 2).
    Eigen::MatrixXd spearman_achieved() const {
        Eigen::MatrixXd s =
            repair_.matrix.unaryExpr([](double p) { return 6.0 / detail::sampling_pi * std::asin(0.5 * p); });
        s.diagonal().setOnes();
        return s;
    }
    /// Largest |achieved - target| rank correlation, and its entry (row < col).
    double max_abs_change_spearman() const noexcept { return max_change_spearman_; }
    std::pair<Eigen::Index, Eigen::Index> max_change_entry() const noexcept { return {change_row_, change_col_}; }

    /// One line for a warning when repaired(), empty otherwise, e.g.
    /// "correlations: not positive definite; replaced by the nearest
    /// correlation matrix (Higham 2002); largest change
    /// correlations[attrition, salary] 0.9 -> 0.5871 (rank correlation,
    /// change 0.3129)".
    std::string repair_message() const {
        if (!repair_.repaired) return {};
        std::ostringstream os;
        os.precision(4);
        os << path_ << ": not positive definite; replaced by the nearest correlation matrix (Higham 2002); ";
        if (dimension() < 2) {
            os << "no off-diagonal entry changed";
        } else {
            const double achieved =
                6.0 / detail::sampling_pi * std::asin(0.5 * repair_.matrix(change_row_, change_col_));
            os << "largest change " << detail::correlation_entry(path_, names_, change_row_, change_col_) << ' '
               << target_(change_row_, change_col_) << " -> " << achieved << " (rank correlation, change "
               << max_change_spearman_ << ')';
        }
        return os.str();
    }

    /// Correlates columns 0..d-1 of u in place (u.cols() == d); u(r, j) in (0, 1).
    void apply(Eigen::Ref<Eigen::ArrayXXd> u) const {
        CREDROI_REQUIRE(u.cols() == dimension(), "u",
                        "expected " << dimension() << " columns (one per correlated input), found " << u.cols());
        const Eigen::Index d = dimension();
        apply_impl(u, [](Eigen::Index k) { return k; }, d);
    }

    /// Correlates the columns `columns[k]` of u in place; input k of the matrix
    /// is column columns[k]. Other columns are untouched. No allocation.
    ///
    /// Throws ParameterError: "columns" if not d distinct indices of u's
    /// columns; "u" for a value not strictly inside (0, 1).
    void apply(Eigen::Ref<Eigen::ArrayXXd> u, const std::vector<Eigen::Index>& columns) const {
        const Eigen::Index d = dimension();
        CREDROI_REQUIRE(static_cast<Eigen::Index>(columns.size()) == d, "columns",
                        "expected " << d << " column indices (one per correlated input), found " << columns.size());
        for (std::size_t k = 0; k < columns.size(); ++k) {
            CREDROI_REQUIRE(
                columns[k] >= 0 && columns[k] < u.cols(), "columns",
                "expected indices in [0, " << u.cols() << "), found " << columns[k] << " at position " << k);
            for (std::size_t m = 0; m < k; ++m)
                CREDROI_REQUIRE(columns[m] != columns[k], "columns",
                                "expected distinct indices, found " << columns[k] << " twice");
        }
        const auto column_of = [&columns](Eigen::Index k) { return columns[static_cast<std::size_t>(k)]; };
        apply_impl(u, column_of, d);
    }

private:
    template <class ColumnOf>
    void apply_impl(Eigen::Ref<Eigen::ArrayXXd> u, ColumnOf column_of, Eigen::Index d) const {
        const Eigen::Index n = u.rows();
        for (Eigen::Index k = 0; k < d; ++k) {
            double* p = u.col(column_of(k)).data();
            for (Eigen::Index r = 0; r < n; ++r) {
                const double v = p[r];
                CREDROI_REQUIRE(v > 0.0 && v < 1.0, "u",
                                "expected values in (0, 1), found " << detail::describe(v) << " at row " << r
                                                                    << ", column " << column_of(k));
                p[r] = detail::normal_quantile(v);
            }
        }
        // z' = z L^T in place: z'_j = sum_{k <= j} L_jk z_k only reads columns
        // k <= j, so going from the last column to the first overwrites each
        // column after its last use.
        for (Eigen::Index j = d - 1; j >= 0; --j) {
            auto target = u.col(column_of(j));
            target *= cholesky_(j, j);
            for (Eigen::Index k = 0; k < j; ++k) {
                const double weight = cholesky_(j, k);
                if (weight != 0.0) target += weight * u.col(column_of(k));
            }
        }
        for (Eigen::Index k = 0; k < d; ++k) {
            double* p = u.col(column_of(k)).data();
            for (Eigen::Index r = 0; r < n; ++r)
                p[r] = std::clamp(detail::normal_cdf(p[r]), detail::unit_open_min, detail::unit_open_max);
        }
    }

    std::vector<std::string> names_;
    std::string path_;
    Eigen::MatrixXd target_;
    CorrelationRepair repair_;
    Eigen::MatrixXd cholesky_;
    double max_change_spearman_ = 0.0;
    Eigen::Index change_row_ = 0;
    Eigen::Index change_col_ = 1;
};

}  // namespace credroi
