#pragma once
// IRR of many flow series at once (the Monte Carlo engine's costliest metric).
//
// irr() brackets each root by stepping out from rate 0 and solves it with
// TOMS 748: some 20 evaluations of a 60-term polynomial per trial, one after
// the other. Here the trials of a batch are classified exactly as irr()
// classifies them (same sign-change counts, same cumulative-sum bounds, same
// signs at the ends of each side); wherever that proves exactly one root in a
// known bracket, the root is found by safeguarded Newton, with the polynomial
// and its derivative evaluated in one Horner pass across all such trials at
// once (contiguous columns, vectorised). Everything else (a root at rate 0
// exactly, several roots, a side that irr() would scan, a non-finite flow, no
// convergence, a root beyond irr()'s range) goes to irr() itself, so statuses
// and errors are irr()'s. Rates agree with irr() to the rounding noise of the
// NPV near the root (a few ulp of 1 + rate); see tests/finance.test.cpp.
#include <credroi/finance.hpp>
#include <credroi/detail/simd.hpp>

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

namespace credroi::detail {

/// Trials per group of irr_columns' Newton passes. A lane that has converged
/// is left alone while the others of its group iterate, so the width changes
/// no result, only the speed: the Horner pass is a chain of dependent
/// multiply-adds per lane, and it takes about four registers' worth of
/// independent lanes to keep the vector units busy (two doubles to a
/// register with SSE2; four with AVX, where 8 lanes measured 1.6 times slower
/// than 16). AVX-512 has 32 registers, room for eight registers' worth (64
/// lanes measured 1.05 times faster than 32 per IRR, for 1 % more passes:
/// the slowest lane of a larger group sets its count). See horner_pass.
#if defined(__AVX512F__)
inline constexpr Eigen::Index irr_newton_lanes = 64;
#elif defined(__AVX__)
inline constexpr Eigen::Index irr_newton_lanes = 16;
#else
inline constexpr Eigen::Index irr_newton_lanes = 8;
#endif

/// p(z) = sum_k c[k * stride + l] z[l]^k and its derivative dp, by Horner from
/// the highest power, for each lane l < lanes: dp = dp z + p, then p = p z + c,
/// in double, one rounding per operation. With GCC and Clang the lanes go
/// through the vector units a register at a time (the compiler keeps the
/// scalar form of this loop scalar); each lane sees exactly the scalar
/// operations, so the bits are the same either way.
template <Eigen::Index lanes>
inline void horner_pass(const double* c, Eigen::Index stride, Eigen::Index n, const double* z, double* p, double* dp) {
#if defined(__GNUC__) && (defined(__SSE2__) || defined(__ARM_NEON))
#if defined(__AVX512F__)
    typedef double pack __attribute__((vector_size(64)));
#elif defined(__AVX__)
    typedef double pack __attribute__((vector_size(32)));
#else
    typedef double pack __attribute__((vector_size(16)));
#endif
    constexpr Eigen::Index width = static_cast<Eigen::Index>(sizeof(pack) / sizeof(double));
    static_assert(lanes % width == 0, "whole registers");
    constexpr Eigen::Index packs = lanes / width;
    pack zv[packs], pv[packs], dpv[packs];
    for (Eigen::Index v = 0; v < packs; ++v) {
        std::memcpy(&zv[v], z + v * width, sizeof(pack));
        pv[v] = pack{};
        dpv[v] = pack{};
    }
    for (Eigen::Index k = n; k-- > 0;) {
        const double* ck = c + k * stride;
        for (Eigen::Index v = 0; v < packs; ++v) {
            pack cv;
            std::memcpy(&cv, ck + v * width, sizeof(pack));
            dpv[v] = dpv[v] * zv[v] + pv[v];
            pv[v] = pv[v] * zv[v] + cv;
        }
    }
    for (Eigen::Index v = 0; v < packs; ++v) {
        std::memcpy(p + v * width, &pv[v], sizeof(pack));
        std::memcpy(dp + v * width, &dpv[v], sizeof(pack));
    }
#else
    for (Eigen::Index l = 0; l < lanes; ++l) p[l] = dp[l] = 0.0;
    for (Eigen::Index k = n; k-- > 0;) {
        const double* ck = c + k * stride;
        for (Eigen::Index l = 0; l < lanes; ++l) {
            dp[l] = dp[l] * z[l] + p[l];
            p[l] = p[l] * z[l] + ck[l];
        }
    }
#endif
}

/// One step of irr_columns' safeguarded Newton for each lane l < lanes not yet
/// done, from p(z) and p'(z): the bracket [lo, hi] (lo on the side whose p
/// has the sign `sign_lo`) closes onto z, z moves by Newton or, where that
/// leaves the bracket, bisects; done[l] becomes -1 at a root, after a step
/// small enough that the next is below an ulp, or when the bracket is an ulp
/// or so wide. Whether some lane is still not done. Where the vector
/// extensions are available, a register of lanes at a time without branches
/// (lanes converge in any order, so a branch per lane would mispredict); each
/// lane goes through the scalar loop's operations, so its bits are the same.
template <Eigen::Index lanes>
inline bool newton_update(const double* p, const double* dp, const double* sign_lo, double* z, double* lo, double* hi,
                          std::int64_t* done) {
    constexpr double tiny_step = 1e-10, closed_ulps = 4.0 * std::numeric_limits<double>::epsilon();
#if defined(CREDROI_SIMD)
    using namespace simd;
    static_assert(lanes % simd::width == 0, "whole registers");
    const pack zero{}, half = zero + 0.5;
    mask open{};
    for (Eigen::Index l = 0; l < lanes; l += simd::width) {
        mask was_done;
        std::memcpy(&was_done, done + l, sizeof was_done);
        const pack pz = load(p + l), z0 = load(z + l), lo0 = load(lo + l), hi0 = load(hi + l);
        const mask root = equal(pz, zero);
        const mask lower = less(zero, pz * load(sign_lo + l));  // p has the sign at lo (sign_lo is +-1)
        const pack lo1 = select(lower, z0, lo0), hi1 = select(lower, hi0, z0);
        const pack step = pz / load(dp + l);
        const mask small = less_equal(magnitude(step), (zero + tiny_step) * z0);
        const pack newton = z0 - step;
        const pack clamped = select(less(newton, lo1), lo1, select(less(hi1, newton), hi1, newton));
        const pack next = select(less(lo1, newton) & less(newton, hi1), newton, half * (lo1 + hi1));
        const mask closed = less_equal(hi1 - lo1, (zero + closed_ulps) * hi1);
        const mask moving = ~(was_done | root);
        store(lo + l, select(moving, lo1, lo0));
        store(hi + l, select(moving, hi1, hi0));
        store(z + l, select(moving, select(small, clamped, next), z0));
        const mask now_done = was_done | root | small | closed;
        std::memcpy(done + l, &now_done, sizeof now_done);
        open |= ~now_done;
    }
    bool any = false;
    for (int k = 0; k < simd::width; ++k) any = any || open[k] != 0;
    return any;
#else
    bool any = false;
    for (Eigen::Index l = 0; l < lanes; ++l) {
        if (done[l] != 0) continue;
        if (p[l] == 0.0) {
            done[l] = -1;
            continue;
        }
        if (sign_of(p[l]) == static_cast<int>(sign_lo[l]))
            lo[l] = z[l];
        else
            hi[l] = z[l];
        const double step = p[l] / dp[l];
        // Quadratic convergence: after a Newton step of 1e-10 the error is
        // far below an ulp (it is about step^2 p''/2p', and p''/p' is below
        // 1e4 for any plausible series). Such a step may end a rounding
        // error outside the bracket, which has closed onto z: keep it inside.
        if (std::abs(step) <= tiny_step * z[l]) {
            z[l] = std::clamp(z[l] - step, lo[l], hi[l]);
            done[l] = -1;
            continue;
        }
        double next = z[l] - step;
        // Newton leaving the bracket (or a flat spot): bisect instead.
        if (!(next > lo[l] && next < hi[l])) next = 0.5 * (lo[l] + hi[l]);
        z[l] = next;
        if (hi[l] - lo[l] <= closed_ulps * hi[l]) {
            done[l] = -1;
            continue;
        }
        any = true;
    }
    return any;
#endif
}

/// Buffers irr_columns reuses from batch to batch.
struct IrrColumnsWorkspace {
    // Per trial, all in double (counts and indices are small integers, exact)
    // so that the classification pass vectorises with one lane width.
    Eigen::ArrayXd changes, begin, end, h1, first, last, bad, magnitude;  // magnitude: sum of |flow|
    Eigen::ArrayXi side;
    std::vector<Eigen::Index> trials;  // candidates of one side
    Eigen::ArrayXXd coefficients;      // the polynomials of a group of trials that are not neighbours, one row each
    std::vector<double> row;
    std::uint64_t newton = 0, fallback = 0, none = 0;  // trials by path, for benchmarks
    std::uint64_t evaluations = 0;                     // Horner passes, per group of irr_newton_lanes trials
};

// The two CumulativeRootBound::bound() of one trial's flows v[0], v[stride],
// ... from its first nonzero flow `begin` to its last `end - 1`, forward and
// backward, exactly as irr() counts them.
inline void cumulative_root_bounds(const double* v, Eigen::Index stride, Eigen::Index begin, Eigen::Index end,
                                   std::size_t& forward_bound, std::size_t& backward_bound) {
    CumulativeRootBound forward, backward;
    // Both directions in one loop: two independent dependency chains.
    for (Eigen::Index i = begin, k = end - 1; i < end; ++i, --k) {
        forward.add(v[i * stride]);
        backward.add(v[k * stride]);
    }
    forward_bound = forward.bound();
    backward_bound = backward.bound();
}

#if defined(CREDROI_SIMD)
// cumulative_root_bounds for up to `lanes` trials at once, a register's width
// of trials per operation: trial l's flow at period i is v[i * stride + l],
// its range [begin[l], end[l]) (empty: nothing counted). Each trial goes
// through exactly the operations of CumulativeRootBound::add, in the same
// order, so its counts are irr()'s; periods outside its range are discarded
// by masks, needed only where the ranges of the trials differ. Across trials
// along the columns, the many independent dependency chains keep the units
// busy where one trial's chain would wait on each addition.
template <int lanes>
class CumulativeRootBoundsPacked {
public:
    static constexpr int width = simd::width;
    static_assert(lanes % width == 0, "whole registers of trials");

    // Trials l < m, m a multiple of width.
    void run(const double* v, Eigen::Index stride, const double* begin, const double* end, int m) {
        // [lo, hi): some trial counts; [all_lo, all_hi): every counting trial does.
        double lo = std::numeric_limits<double>::infinity(), hi = -lo, all_lo = -lo, all_hi = lo;
        for (int l = 0; l < m; ++l) {
            if (begin[l] >= end[l]) continue;
            lo = std::min(lo, begin[l]);
            hi = std::max(hi, end[l]);
            all_lo = std::max(all_lo, begin[l]);
            all_hi = std::min(all_hi, end[l]);
        }
        const Range range{v, stride, begin, end, m, lo, hi, all_lo, all_hi};
        // The sign changes of T_j (the second-order bound) only matter where
        // those of S_j are 2 or more: with at most one, none of the S_j is
        // ambiguous, and the bound is the count of S_j. (T_0 = S_0 and the
        // last entry, S_n with the noise of S_n, are not ambiguous either, and
        // differ in sign when the S_j change sign once: so T counts one or more.)
        // Most series need only the first, half the work.
        int all[lanes / width] = {}, again[lanes / width] = {};
        for (int l = 0; l < m; l += width) all[l / width] = l;
        forward_.template sweep<false>(range, all, m / width, false);
        backward_.template sweep<false>(range, all, m / width, true);
        forward_.template sweep<true>(range, again, forward_.needing_second(range, again), false);
        backward_.template sweep<true>(range, again, backward_.needing_second(range, again), true);
    }
    std::size_t forward_bound(int l) const { return forward_.bound(l); }
    std::size_t backward_bound(int l) const { return backward_.bound(l); }

private:
    using pack = simd::pack;
    using mask = simd::mask;
    struct Range {
        const double* v;
        Eigen::Index stride;
        const double *begin, *end;
        int m;
        double lo, hi, all_lo, all_hi;
    };
    struct State {
        alignas(64) double count[lanes], sum[lanes], gross[lanes], sum2[lanes], abs2[lanes], noise2[lanes];
        alignas(64) double changes1[lanes], last1[lanes], changes2[lanes], last2[lanes];  // SignChangeCounter first, second

        // Adds the flows of the range to the registers of trials at[p] ..
        // at[p] + width - 1 (p < groups), from the first period or (backward) the last.
        template <bool second>
        void sweep(const Range& r, const int* at, int groups, bool backward) {
            for (int p = 0; p < groups; ++p)
                for (int l = at[p]; l < at[p] + width; ++l) {
                    count[l] = sum[l] = gross[l] = sum2[l] = abs2[l] = noise2[l] = 0.0;
                    changes1[l] = last1[l] = changes2[l] = last2[l] = 0.0;
                }
            if (!(r.lo < r.hi) || groups == 0) return;
            const auto first = static_cast<Eigen::Index>(r.lo), stop = static_cast<Eigen::Index>(r.hi);
            for (Eigen::Index j = first; j < stop; ++j) {
                const Eigen::Index i = backward ? first + stop - 1 - j : j;
                const auto x = static_cast<double>(i);
                const double* w = r.v + i * r.stride;
                if (r.all_lo <= x && x < r.all_hi) {
                    for (int p = 0; p < groups; ++p) add<false, second>(at[p], simd::load(w + at[p]), mask{});
                    continue;
                }
                const pack here = pack{} + x;
                for (int p = 0; p < groups; ++p) {
                    const int l = at[p];
                    const mask on = simd::less_equal(simd::load(r.begin + l), here) & simd::less(here, simd::load(r.end + l));
                    add<true, second>(l, simd::load(w + l), on);
                }
            }
        }
        // The registers with a trial that needs the second-order count, into `at`; how many.
        int needing_second(const Range& r, int* at) const {
            int groups = 0;
            for (int l = 0; l < r.m; l += width) {
                bool any = false;
                for (int k = l; k < l + width; ++k) any = any || (r.begin[k] < r.end[k] && changes1[k] >= 2.0);
                if (any) at[groups++] = l;
            }
            return groups;
        }
        // SignChangeCounter::add(s, noise) (where `on`, if masked). When s is
        // not ambiguous it is neither 0 nor NaN (|s| > noise >= 0), so its sign
        // is that of 1 with its sign bit; `last` is -1, 0 or 1, and a change is
        // a product of -1.
        template <bool masked>
        static void count_change(const pack& s, const pack& noise, const mask& on, double* changes, double* last) {
            using namespace simd;
            const mask sign_bit = mask{} + std::numeric_limits<std::int64_t>::min();
            const pack one = pack{} + 1.0;
            const mask ambiguous = less_equal(magnitude(s), noise);
            const pack sign = bits((bits(s) & sign_bit) | bits(one));
            const pack old = load(last);
            const mask change = less(sign * old, pack{});
            // 2 if ambiguous, else 1 if a change, else 0
            pack step = keep(ambiguous, one) + keep(ambiguous | change, one);
            mask unchanged = ambiguous;
            if (masked) {
                step = keep(on, step);
                unchanged = unchanged | ~on;
            }
            store(changes, load(changes) + step);
            store(last, select(unchanged, old, sign));
        }
        // CumulativeRootBound::add(w) for trials l .. l + width - 1 (where `on`, if masked).
        template <bool masked, bool second>
        void add(int l, const pack& w, const mask& on) {
            using namespace simd;
            const pack eps = pack{} + std::numeric_limits<double>::epsilon();
            const pack c = load(count + l) + 1.0;
            const pack s = load(sum + l) + w;
            const pack g = load(gross + l) + magnitude(w);
            const pack ulps = ((pack{} + 4.0) * c) * eps;
            const pack noise = ulps * g;
            count_change<masked>(s, noise, on, changes1 + l, last1 + l);
            update<masked>(count + l, c, on);
            update<masked>(sum + l, s, on);
            update<masked>(gross + l, g, on);
            if (!second) return;
            const pack s2 = load(sum2 + l) + s;
            const pack a2 = load(abs2 + l) + magnitude(s);
            const pack n2 = load(noise2 + l) + noise;
            count_change<masked>(s2, n2 + ulps * a2, on, changes2 + l, last2 + l);
            update<masked>(sum2 + l, s2, on);
            update<masked>(abs2 + l, a2, on);
            update<masked>(noise2 + l, n2, on);
        }
        // *at = value (where `on`, if masked: elsewhere *at keeps its value).
        template <bool masked>
        static void update(double* at, const pack& value, const mask& on) {
            simd::store(at, masked ? simd::select(on, value, simd::load(at)) : value);
        }
        // CumulativeRootBound::bound() of trial l.
        std::size_t bound(int l) const {
            if (changes1[l] <= 1.0) return static_cast<std::size_t>(changes1[l]);  // see run()
            SignChangeCounter tail;
            tail.changes = static_cast<std::size_t>(changes2[l]);
            tail.last = static_cast<int>(last2[l]);
            tail.add(sum[l], 4.0 * count[l] * std::numeric_limits<double>::epsilon() * gross[l]);
            return std::min(static_cast<std::size_t>(changes1[l]), tail.changes);
        }
    };
    State forward_, backward_;
};
#endif

/// Per trial t (a row of `flows`: flows(t, i) at period i), `rate(t)` is
/// irr(row, guess(t)).rate, or NaN when irr() reports none. Throws what irr() throws.
inline void irr_columns(const Eigen::Ref<const Eigen::ArrayXXd>& flows, const Eigen::ArrayXd& guess, Eigen::ArrayXd& rate,
                        IrrColumnsWorkspace& ws) {
    using Eigen::Index;
    const Index B = flows.rows();
    const Index n = flows.cols();
    const double nan = std::numeric_limits<double>::quiet_NaN();
    rate.resize(B);
    if (B == 0) return;
    enum : int { none = 0, lower = 1, upper = 2, scalar = 3 };

    // ---- classification: one pass (backward, as irr() sums the NPV at rate
    // 0) across all trials, without branches. Where the vector extensions are
    // available, four registers of trials at a time, their state held in
    // registers through all the periods; the rest (or all, without them) in
    // blocks of trials whose state stays in L1, along the columns.
    ws.changes.resize(B);
    ws.begin.resize(B);
    ws.end.resize(B);
    ws.h1.resize(B);
    ws.bad.resize(B);
    ws.magnitude.resize(B);
    ws.first.resize(B);
    ws.last.resize(B);
    ws.side.resize(B);
    Index classified = 0;
#if defined(CREDROI_SIMD)
    {
        using namespace simd;
        constexpr Index w = simd::width, packs = 4;
        const Index stride = flows.outerStride();
        const pack zero{}, one = zero + 1.0, finite = zero + std::numeric_limits<double>::max();
        for (; classified + packs * w <= B; classified += packs * w) {
            pack h1[packs], size_sum[packs], bad[packs], changes[packs], later[packs], end[packs], begin[packs];
            for (Index q = 0; q < packs; ++q) h1[q] = size_sum[q] = bad[q] = changes[q] = later[q] = end[q] = begin[q] = zero;
            const double* v = flows.data() + classified;
            for (Index i = n; i-- > 0;) {
                const double position = static_cast<double>(i), past = position + 1.0;
                const pack at = zero + position, after = zero + past;
                for (Index q = 0; q < packs; ++q) {  // as the scalar loop below
                    const pack x = load(v + i * stride + q * w);
                    const pack size = magnitude(x);
                    h1[q] = h1[q] + x;
                    size_sum[q] = size_sum[q] + size;
                    bad[q] = bad[q] + keep(~less_equal(size, finite), one);
                    const mask positive = less(zero, x), negative = less(x, zero);
                    const mask nonzero = positive | negative;
                    const pack sign = keep(positive, one) - keep(negative, one);
                    changes[q] = changes[q] + keep(less(sign * later[q], zero), one);
                    later[q] = select(nonzero, sign, later[q]);
                    end[q] = select(nonzero & equal(end[q], zero), after, end[q]);
                    begin[q] = select(nonzero, at, begin[q]);
                }
            }
            for (Index q = 0; q < packs; ++q) {
                const Index t = classified + q * w;
                store(ws.changes.data() + t, changes[q]);
                store(ws.begin.data() + t, begin[q]);
                store(ws.end.data() + t, end[q]);
                store(ws.h1.data() + t, h1[q]);
                store(ws.bad.data() + t, bad[q]);
                store(ws.magnitude.data() + t, size_sum[q]);
            }
        }
    }
#endif
    constexpr Index block = 128;
    struct {
        alignas(64) double changes[block], begin[block], end[block], h1[block], bad[block], magnitude[block];
        alignas(64) double later[block];  // the sign of the nearest nonzero flow after period i
    } state;
    for (Index t0 = classified; t0 < B; t0 += block) {
        const Index width = std::min(block, B - t0);
        for (Index t = 0; t < width; ++t)
            state.changes[t] = state.begin[t] = state.end[t] = state.h1[t] = state.bad[t] = state.magnitude[t] =
                state.later[t] = 0.0;
        for (Index i = n; i-- > 0;) {
            const double* v = flows.col(i).data() + t0;
            const double position = static_cast<double>(i), past = position + 1.0;
            for (Index t = 0; t < width; ++t) {
                const double x = v[t];
                state.h1[t] += x;  // NPV at rate 0 exactly as irr() computes it (Horner at x = 1 from the last flow)
                state.magnitude[t] += std::abs(x);
                state.bad[t] += std::abs(x) <= std::numeric_limits<double>::max() ? 0.0 : 1.0;  // inf, NaN
                if (x > 0.0 || x < 0.0) {
                    const double sign = x > 0.0 ? 1.0 : -1.0;
                    state.changes[t] += sign * state.later[t] < 0.0 ? 1.0 : 0.0;
                    state.later[t] = sign;
                    if (state.end[t] == 0.0) state.end[t] = past;
                    state.begin[t] = position;
                }
            }
        }
        for (Index t = 0; t < width; ++t) {
            ws.changes(t0 + t) = state.changes[t];
            ws.begin(t0 + t) = state.begin[t];
            ws.end(t0 + t) = state.end[t];
            ws.h1(t0 + t) = state.h1[t];
            ws.bad(t0 + t) = state.bad[t];
            ws.magnitude(t0 + t) = state.magnitude[t];
        }
    }
    for (Index t = 0; t < B; ++t) {
        const bool any = ws.end(t) > 0.0;  // else no sign change: first and last unused
        ws.first(t) = any ? flows(t, static_cast<Index>(ws.begin(t))) : 0.0;
        ws.last(t) = any ? flows(t, static_cast<Index>(ws.end(t)) - 1) : 0.0;
    }

    bool any_counts = false;
    for (Index t = 0; t < B; ++t) {
        int& side = ws.side(t);
        const double c = ws.changes(t);
        if (ws.bad(t) != 0.0) {
            side = scalar;  // irr() throws its ParameterError
        } else if (c == 0.0) {
            side = none;  // no_sign_change
        } else if (ws.h1(t) == 0.0) {
            side = scalar;  // a root at rate 0 exactly
        } else if (c == 1.0) {
            side = sign_of(ws.h1(t)) == sign_of(ws.last(t)) ? upper : lower;
        } else {
            side = -1;  // needs the cumulative-sum counts
            any_counts = true;
        }
    }
    if (any_counts) {
        // Norstrom-type bounds per side, exactly irr()'s: forward cumulative sums
        // from the first nonzero flow, backward ones from the last. With vectors,
        // blocks of trials at once along the columns (trials that need no
        // counts get an empty range); else trial by trial along its row.
        constexpr int group = 64;
        const Index stride = flows.outerStride();
#if defined(CREDROI_SIMD)
        CumulativeRootBoundsPacked<group> bounds;
#endif
        for (Index g = 0; g < B; g += group) {
            const int width = static_cast<int>(std::min<Index>(group, B - g));
            bool any = false;
            for (int l = 0; l < width; ++l) any = any || ws.side(g + l) == -1;
            if (!any) continue;
#if defined(CREDROI_SIMD)
            double begin[group], end[group];  // the range each trial counts in `bounds`: none if empty
            for (int l = 0; l < width; ++l) {
                // Sums far from overflow only (|S_j|, |T_j|, ... <= n sum |w|): the
                // vector code takes the sign of a nonzero sum from its sign bit,
                // not right for the NaN of inf - inf that huge flows could give.
                const bool counted = ws.side(g + l) == -1 && ws.magnitude(g + l) * static_cast<double>(n) <= 1e300;
                begin[l] = counted ? ws.begin(g + l) : 0.0;
                end[l] = counted ? ws.end(g + l) : 0.0;
            }
            // a last partial register would read past the batch: those trials go one by one
            const int paired = width - width % bounds.width;
            bounds.run(flows.data() + g, stride, begin, end, paired);
#endif
            for (int l = 0; l < width; ++l) {
                const Index t = g + l;
                if (ws.side(t) != -1) continue;
                std::size_t up_bound = 0, down_bound = 0;
#if defined(CREDROI_SIMD)
                if (l < paired && begin[l] < end[l]) {
                    up_bound = bounds.forward_bound(l);
                    down_bound = bounds.backward_bound(l);
                } else
#endif
                {
                    cumulative_root_bounds(flows.data() + t, stride, static_cast<Index>(ws.begin(t)), static_cast<Index>(ws.end(t)),
                                           up_bound, down_bound);
                }
                const auto c = static_cast<std::size_t>(ws.changes(t));
                const std::size_t up_max = std::min(c, up_bound);
                const std::size_t down_max = std::min(c, down_bound);
                // As irr(): a side with at most two roots and an odd count (its ends
                // differ in sign) has exactly one; with the same signs it has none
                // (at most one) or needs the scan (at most two, or more).
                const int s1 = sign_of(ws.h1(t));
                const bool up_odd = sign_of(ws.first(t)) != s1, down_odd = sign_of(ws.last(t)) != s1;
                if ((up_max >= 2 && !(up_max == 2 && up_odd)) || (down_max >= 2 && !(down_max == 2 && down_odd))) {
                    ws.side(t) = scalar;  // irr() scans that side
                    continue;
                }
                const bool up_root = up_max >= 1 && up_odd;
                const bool down_root = down_max >= 1 && down_odd;
                ws.side(t) = up_root && down_root ? scalar : up_root ? upper : down_root ? lower : none;
            }
        }
    }

    // ---- safeguarded Newton on each side.
    // Upper side (rate > 0): p(z) = sum_i v_i z^i in z = 1/(1 + rate); lower
    // side (rate < 0): p(z) = sum_i v_i z^(n-1-i) in z = 1 + rate. Either way
    // the root is the only one in (0, 1), with p(1) = NPV at rate 0 and the sign
    // near 0 that of the first (upper) or last (lower) nonzero flow. Trials go
    // in groups of `lanes`, whose p, p' and z stay in registers through the
    // Horner pass; the coefficients of a group at one power are contiguous.
    constexpr Index lanes = irr_newton_lanes;
    for (const int which : {upper, lower}) {
        ws.trials.clear();
        for (Index t = 0; t < B; ++t)
            if (ws.side(t) == which) ws.trials.push_back(t);
        const auto m = static_cast<Index>(ws.trials.size());
        if (m == 0) continue;
        const Index padded = (m + lanes - 1) / lanes * lanes;
        const Index stride = flows.outerStride();
        for (Index g = 0; g < padded; g += lanes) {
            // The group's coefficients: straight from `flows` when its trials
            // are `lanes` neighbours (the usual case: most batches have every
            // trial on one side), else gathered into a block that stays in L1
            // (padding lanes 0: p = 0, done at once).
            const Index t0 = ws.trials[static_cast<std::size_t>(g)];
            const bool neighbours = g + lanes <= m && ws.trials[static_cast<std::size_t>(g + lanes - 1)] - t0 == lanes - 1;
            const double* coefficients;
            Index coefficient_stride;
            if (neighbours) {
                // column k multiplies z^k: flows' column k (upper) or n - 1 - k (lower)
                coefficients = flows.data() + t0 + (which == upper ? 0 : (n - 1) * stride);
                coefficient_stride = which == upper ? stride : -stride;
            } else {
                ws.coefficients.resize(lanes, n);
                for (Index k = 0; k < n; ++k) {
                    const double* v = flows.col(which == upper ? k : n - 1 - k).data();
                    double* a = &ws.coefficients(0, k);
                    for (Index l = 0; l < lanes; ++l) a[l] = g + l < m ? v[ws.trials[static_cast<std::size_t>(g + l)]] : 0.0;
                }
                coefficients = ws.coefficients.data();
                coefficient_stride = lanes;
            }
            alignas(64) double z[lanes], lo[lanes], hi[lanes], sign_lo[lanes];
            alignas(64) std::int64_t done[lanes];  // -1 (true) or 0, a vector comparison's values
            for (Index l = 0; l < lanes; ++l) {
                z[l] = 1.0;
                lo[l] = 0.0;
                hi[l] = 1.0;
                done[l] = 0;
                const Index j = g + l;
                sign_lo[l] = j < m ? sign_of(which == upper ? ws.first(ws.trials[static_cast<std::size_t>(j)])
                                                            : ws.last(ws.trials[static_cast<std::size_t>(j)]))
                                   : 1.0;
            }
            int iteration = 0;
            for (; iteration < 100; ++iteration) {
                alignas(64) double p[lanes], dp[lanes];
                horner_pass<lanes>(coefficients, coefficient_stride, n, z, p, dp);
                if (!newton_update<lanes>(p, dp, sign_lo, z, lo, hi, done)) break;
            }
            ws.evaluations += static_cast<std::uint64_t>(iteration + 1);
            for (Index l = 0; l < lanes && g + l < m; ++l) {
                const Index t = ws.trials[static_cast<std::size_t>(g + l)];
                if (done[l] == 0) continue;  // stays `which`: irr() below
                rate(t) = which == upper ? (1.0 - z[l]) / z[l] : z[l] - 1.0;
                ws.side(t) = -2;
            }
        }
    }
    for (Index t = 0; t < B; ++t) {
        const int side = ws.side(t);
        if (side == -2) {
            // irr() searches 1 + rate in [1e-12, 1e12] only; leave the edge to it.
            // Well inside, the logarithm need not be taken: |log y| < 25.4 there.
            const double y = 1.0 + rate(t);
            if ((y >= 1e-11 && y <= 1e11) || std::abs(std::log(y)) < irr_log_y_bound - 0.05) {
                ++ws.newton;
                continue;
            }
        } else if (side == none) {
            ++ws.none;
            rate(t) = nan;
            continue;
        }
        ++ws.fallback;
        ws.row.resize(static_cast<std::size_t>(n));
        for (Index i = 0; i < n; ++i) ws.row[static_cast<std::size_t>(i)] = flows(t, i);
        const IrrResult r = irr(ws.row, guess(t));
        rate(t) = r.rate.value_or(nan);
    }
}

}  // namespace credroi::detail
