#pragma once
// Internals of sensitivity.hpp: the thread pool that runs fixed batches, and
// the Saltelli/Jansen estimators with their bootstrap. Not part of the public
// API.
#include <credroi/error.hpp>
#include <credroi/detail/random.hpp>

#include <Eigen/Core>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace credroi::detail {

/// Number of threads a `threads` option means: 0 is every core; never more
/// than there are tasks, never fewer than one.
inline unsigned sensitivity_thread_count(unsigned threads, std::uint64_t tasks) {
    unsigned t = threads ? threads : std::max(1u, std::thread::hardware_concurrency());
    t = static_cast<unsigned>(std::min<std::uint64_t>(t, std::max<std::uint64_t>(tasks, 1)));
    return std::max(1u, t);
}

/// Runs task(k) for every k in [0, count) on `threads` threads (the calling
/// thread is one of them). Tasks are handed out from a shared counter, so
/// which thread runs a task varies from run to run, never what the task
/// computes: each task writes only its own slots. The first exception stops
/// the others at their next task and is rethrown here.
template <class Task>
void sensitivity_parallel_for(std::uint64_t count, unsigned threads, Task&& task) {
    if (threads <= 1 || count <= 1) {
        for (std::uint64_t k = 0; k < count; ++k) task(k);
        return;
    }
    std::atomic<std::uint64_t> next{0};
    std::atomic<bool> stop{false};
    std::mutex error_mutex;
    std::exception_ptr error;
    auto work = [&]() {
        try {
            for (;;) {
                if (stop.load(std::memory_order_relaxed)) return;
                const std::uint64_t k = next.fetch_add(1);
                if (k >= count) return;
                task(k);
            }
        } catch (...) {
            std::lock_guard<std::mutex> lock(error_mutex);
            if (!error) error = std::current_exception();
            stop = true;
        }
    };
    std::vector<std::thread> pool;
    pool.reserve(threads - 1);
    for (unsigned k = 1; k < threads; ++k) pool.emplace_back(work);
    work();
    for (auto& th : pool) th.join();
    if (error) std::rethrow_exception(error);
}

/// Stream domain of the bootstrap resampling. StreamDomain's named values are
/// 1-3 (the samplers); a value far from them keeps the bootstrap's streams
/// apart from the design's for the same seed.
inline constexpr StreamDomain bootstrap_stream = static_cast<StreamDomain>(0x5e45'0b00);

/// The sums both estimators need, over one (re)sample of the N rows of
/// `outputs` = [f(A), f(B), f(A_B^(1)), ..., f(A_B^(d))] (row-major, values
/// centred by the mean of f(A) and f(B)). Row j enters the sums `weight`
/// times; the point estimate uses each row once, a bootstrap replicate the
/// rows it drew.
struct SaltelliSums {
    double a = 0, b = 0, aa = 0, bb = 0;
    std::vector<double> b_diff;     ///< sum of f(B) (f(A_B^i) - f(A))
    std::vector<double> diff;       ///< sum of (f(A_B^i) - f(A))
    std::vector<double> diff2;      ///< sum of (f(A_B^i) - f(A))^2

    explicit SaltelliSums(Eigen::Index d)
        : b_diff(static_cast<std::size_t>(d), 0.0), diff(static_cast<std::size_t>(d), 0.0),
          diff2(static_cast<std::size_t>(d), 0.0) {}

    void reset() {
        a = b = aa = bb = 0;
        std::fill(b_diff.begin(), b_diff.end(), 0.0);
        std::fill(diff.begin(), diff.end(), 0.0);
        std::fill(diff2.begin(), diff2.end(), 0.0);
    }

    void add(const double* row, std::size_t d) {
        const double fa = row[0], fb = row[1];
        a += fa;
        b += fb;
        aa += fa * fa;
        bb += fb * fb;
        for (std::size_t i = 0; i < d; ++i) {
            const double delta = row[2 + i] - fa;
            b_diff[i] += fb * delta;
            diff[i] += delta;
            diff2[i] += delta * delta;
        }
    }
};

/// Indices from the sums of N rows:
///   mean m = (sum f(A) + sum f(B)) / 2N,  V = (sum f(A)^2 + sum f(B)^2) / 2N - m^2,
///   S_i  = [ (1/N) sum (f(B) - m)(f(A_B^i) - f(A)) ] / V     (Saltelli et al. 2010, table 2, b)
///   ST_i = [ (1/2N) sum (f(A) - f(A_B^i))^2 ] / V            (Jansen 1999; Saltelli et al. 2010, table 2, f)
/// Centring f(B) by m makes S_i invariant under adding a constant to f
/// (the uncentred estimator's variance grows with the output's mean squared).
/// Returns false when V is not positive (the indices do not exist).
inline bool saltelli_indices(const SaltelliSums& s, double n, double* first, double* total, std::size_t d,
                             double* variance_out = nullptr) {
    const double m = (s.a + s.b) / (2.0 * n);
    const double v = (s.aa + s.bb) / (2.0 * n) - m * m;
    if (variance_out) *variance_out = v;
    if (!(v > 0.0)) return false;
    for (std::size_t i = 0; i < d; ++i) {
        first[i] = (s.b_diff[i] - m * s.diff[i]) / n / v;
        total[i] = s.diff2[i] / (2.0 * n) / v;
    }
    return true;
}

}  // namespace credroi::detail
