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

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace credroi::detail {

/// Buffers irr_columns reuses from batch to batch.
struct IrrColumnsWorkspace {
    Eigen::ArrayXi changes, begin, end, side;
    Eigen::ArrayXd h1, first, last;
    std::vector<Eigen::Index> trials;  // candidates of one side
    Eigen::ArrayXXd coefficients;      // their polynomials, one row each
    std::vector<double> row;
    std::uint64_t newton = 0, fallback = 0, none = 0;  // trials by path, for benchmarks
    std::uint64_t evaluations = 0;                     // Horner passes, per group of 8 trials
};


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

    // ---- classification: one pass forward, one backward, across all trials
    ws.changes.setZero(B);
    ws.begin.setConstant(B, -1);
    ws.end.setZero(B);
    ws.h1.setZero(B);
    ws.first.setZero(B);
    ws.last.setZero(B);
    ws.side.setConstant(B, none);
    Eigen::ArrayXi last_sign = Eigen::ArrayXi::Zero(B);
    for (Index i = 0; i < n; ++i) {
        const double* v = flows.col(i).data();
        for (Index t = 0; t < B; ++t) {
            const double x = v[t];
            if (!std::isfinite(x)) ws.side(t) = scalar;  // irr() throws its ParameterError
            const int s = sign_of(x);
            if (s == 0) continue;
            if (last_sign(t) != 0 && s != last_sign(t)) ++ws.changes(t);
            last_sign(t) = s;
            if (ws.begin(t) < 0) {
                ws.begin(t) = static_cast<int>(i);
                ws.first(t) = x;
            }
            ws.end(t) = static_cast<int>(i) + 1;
            ws.last(t) = x;
        }
    }
    // NPV at rate 0 exactly as irr() computes it (Horner at x = 1 from the last flow).
    for (Index i = n; i-- > 0;) ws.h1 += flows.col(i);

    bool any_counts = false;
    for (Index t = 0; t < B; ++t) {
        int& side = ws.side(t);
        if (side == scalar) continue;
        const int c = ws.changes(t);
        if (c == 0) {
            side = none;  // no_sign_change
        } else if (ws.h1(t) == 0.0) {
            side = scalar;  // a root at rate 0 exactly
        } else if (c == 1) {
            side = sign_of(ws.h1(t)) == sign_of(ws.last(t)) ? upper : lower;
        } else {
            side = -1;  // needs the cumulative-sum counts
            any_counts = true;
        }
    }
    if (any_counts) {
        // Norstrom-type bounds per side, exactly irr()'s: forward cumulative sums
        // from the first nonzero flow, backward ones from the last.
        // Trial by trial along its row: the state stays in registers, and the
        // 8 trials sharing each cache line follow one another.
        const Index stride = flows.outerStride();
        for (Index t = 0; t < B; ++t) {
            if (ws.side(t) != -1) continue;
            const double* v = flows.data() + t;
            CumulativeRootBound forward, backward;
            // Both directions in one loop: two independent dependency chains.
            for (Index i = ws.begin(t), k = ws.end(t) - 1; i < ws.end(t); ++i, --k) {
                forward.add(v[i * stride]);
                backward.add(v[k * stride]);
            }
            const auto c = static_cast<std::size_t>(ws.changes(t));
            const std::size_t up_max = std::min(c, forward.bound());
            const std::size_t down_max = std::min(c, backward.bound());
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

    // ---- safeguarded Newton on each side.
    // Upper side (rate > 0): p(z) = sum_i v_i z^i in z = 1/(1 + rate); lower
    // side (rate < 0): p(z) = sum_i v_i z^(n-1-i) in z = 1 + rate. Either way
    // the root is the only one in (0, 1), with p(1) = NPV at rate 0 and the sign
    // near 0 that of the first (upper) or last (lower) nonzero flow. Trials go
    // in groups of `lanes`, whose p, p' and z stay in registers through the
    // Horner pass; the coefficients of a group at one power are contiguous.
    constexpr Index lanes = 8;
    for (const int which : {upper, lower}) {
        ws.trials.clear();
        for (Index t = 0; t < B; ++t)
            if (ws.side(t) == which) ws.trials.push_back(t);
        const auto m = static_cast<Index>(ws.trials.size());
        if (m == 0) continue;
        const Index padded = (m + lanes - 1) / lanes * lanes;
        ws.coefficients.setZero(padded, n);  // column k multiplies z^k; padding rows are 0 (p = 0: done at once)
        for (Index k = 0; k < n; ++k) {
            const double* v = flows.col(which == upper ? k : n - 1 - k).data();
            double* a = &ws.coefficients(0, k);
            for (Index j = 0; j < m; ++j) a[j] = v[ws.trials[static_cast<std::size_t>(j)]];
        }
        for (Index g = 0; g < padded; g += lanes) {
            double z[lanes], lo[lanes], hi[lanes], sign_lo[lanes];
            bool done[lanes];
            for (Index l = 0; l < lanes; ++l) {
                z[l] = 1.0;
                lo[l] = 0.0;
                hi[l] = 1.0;
                done[l] = false;
                const Index j = g + l;
                sign_lo[l] = j < m ? sign_of(which == upper ? ws.first(ws.trials[static_cast<std::size_t>(j)])
                                                            : ws.last(ws.trials[static_cast<std::size_t>(j)]))
                                   : 1.0;
            }
            int iteration = 0;
            for (; iteration < 100; ++iteration) {
                double p[lanes] = {}, dp[lanes] = {};
                for (Index k = n; k-- > 0;) {
                    const double* c = &ws.coefficients(g, k);
                    for (Index l = 0; l < lanes; ++l) {
                        dp[l] = dp[l] * z[l] + p[l];
                        p[l] = p[l] * z[l] + c[l];
                    }
                }
                bool all_done = true;
                for (Index l = 0; l < lanes; ++l) {
                    if (done[l]) continue;
                    if (p[l] == 0.0) {
                        done[l] = true;
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
                    if (std::abs(step) <= 1e-10 * z[l]) {
                        z[l] = std::clamp(z[l] - step, lo[l], hi[l]);
                        done[l] = true;
                        continue;
                    }
                    double next = z[l] - step;
                    // Newton leaving the bracket (or a flat spot): bisect instead.
                    if (!(next > lo[l] && next < hi[l])) next = 0.5 * (lo[l] + hi[l]);
                    z[l] = next;
                    if (hi[l] - lo[l] <= 4.0 * std::numeric_limits<double>::epsilon() * hi[l]) {
                        done[l] = true;
                        continue;
                    }
                    all_done = false;
                }
                if (all_done) break;
            }
            ws.evaluations += static_cast<std::uint64_t>(iteration + 1);
            for (Index l = 0; l < lanes && g + l < m; ++l) {
                const Index t = ws.trials[static_cast<std::size_t>(g + l)];
                if (!done[l]) continue;  // stays `which`: irr() below
                rate(t) = which == upper ? (1.0 - z[l]) / z[l] : z[l] - 1.0;
                ws.side(t) = -2;
            }
        }
    }
    for (Index t = 0; t < B; ++t) {
        const int side = ws.side(t);
        if (side == -2) {
            // irr() searches 1 + rate in [1e-12, 1e12] only; leave the edge to it.
            const double y = 1.0 + rate(t);
            if (std::abs(std::log(y)) < irr_log_y_bound - 0.05) {
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
