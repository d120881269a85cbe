#pragma once
// Discounting and rate-of-return metrics: NPV, IRR, XNPV, XIRR, MIRR, payback.
//
// ===========================================================================
//  TIMING CONVENTION (read this first)
//  values[0] is at t = 0 and is NOT discounted; values[i] is at t = i periods
//  and is discounted by (1 + rate)^i. This is numpy-financial's npv, NOT
//  Excel's NPV: Excel discounts its first value by one full period, so
//  Excel NPV(r, a, b, c) == credroi::npv(r, {0, a, b, c}).
//  Rates are per period of the series: monthly flows need a monthly rate
//  (monthly_rate_from_annual) and irr() of monthly flows is a monthly rate
//  (annual_rate_from_monthly to annualise it).
//  xnpv/xirr follow Excel: actual/365 year fractions from the first date,
//  annual rate.
// ===========================================================================
//
// No rate of return is ever made up: irr/xirr report a status (no sign change,
// no root, several roots) alongside an optional rate, mirr and the payback
// functions return an empty optional when the quantity does not exist.
#include <credroi/calendar.hpp>
#include <credroi/error.hpp>

#include <boost/math/tools/toms748_solve.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace credroi {

namespace detail {

inline void require_rate(double rate, const char* name) {
    CREDROI_REQUIRE(std::isfinite(rate) && rate > -1.0, name, "expected a finite rate > -1, found " << describe(rate));
}

inline void require_finite_values(const double* values, std::size_t n, const char* name) {
    for (std::size_t i = 0; i < n; ++i) {
        CREDROI_REQUIRE(std::isfinite(values[i]), std::string(name) + "[" + std::to_string(i) + "]",
                        "expected a finite cash flow, found " << describe(values[i]));
    }
}

inline int sign_of(double x) noexcept { return (x > 0.0) - (x < 0.0); }

// Sign changes of a sequence, zeros skipped: Descartes' bound on the number
// of IRRs (it also holds for the real exponents of xirr, Laguerre's extension).
inline std::size_t count_sign_changes(const double* values, std::size_t n) noexcept {
    std::size_t changes = 0;
    int last = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const int s = sign_of(values[i]);
        if (s == 0) continue;
        if (last != 0 && s != last) ++changes;
        last = s;
    }
    return changes;
}

}  // namespace detail

// ---------------------------------------------------------------------------
// Rate conversion
// ---------------------------------------------------------------------------

/// Monthly rate equivalent to an annual effective rate: (1 + annual_rate)^(1/12) - 1.
/// 10 % a year is 0.797414 % a month. Throws ParameterError("annual_rate")
/// unless annual_rate is finite and > -1.
inline double monthly_rate_from_annual(double annual_rate) {
    detail::require_rate(annual_rate, "annual_rate");
    // expm1/log1p keep full relative precision for small rates.
    return std::expm1(std::log1p(annual_rate) / 12.0);
}

/// Annual effective rate equivalent to a monthly rate: (1 + monthly_rate)^12 - 1.
/// 1 % a month is 12.6825 % a year. Throws ParameterError("monthly_rate")
/// unless monthly_rate is finite and > -1.
inline double annual_rate_from_monthly(double monthly_rate) {
    detail::require_rate(monthly_rate, "monthly_rate");
    const double annual = std::expm1(12.0 * std::log1p(monthly_rate));
    if (!std::isfinite(annual)) {
        throw NumericError("annual_rate_from_monthly: (1 + " + detail::describe(monthly_rate) +
                           ")^12 - 1 overflows a double");
    }
    return annual;
}

namespace detail {

// The annual rate of a monthly rate of return that a root search or a power
// found (an IRR, a MIRR, per Monte Carlo trial): (1 + r)^12 - 1 by four
// products, where annual_rate_from_monthly takes expm1(12 log1p(r)) (two libm
// calls, about 4 % of a simulation, and they do not vectorise). The products
// have a relative error of at most 23 ulp in (1 + r)^12, an absolute error of
// 2.6e-15 (1 + annual), and the subtraction rounds to half an ulp of the
// annual rate: at most 2.3e-13 relative for |r| >= 2^-10, less for larger |r|.
// A rate found by a root search is itself known only to a few ulp of 1 + r
// (the rounding noise of the NPV near the root), which annualised is 12 times
// that, about 1e-12 relative at |r| = 2^-10: the products add less than the
// rate already carries. Smaller |r| (where the cancellation in (1 + r)^12 - 1
// would grow), r beyond 2^20 (near overflow), r <= -1 and NaN go to
// annual_rate_from_monthly, its precision and its errors (see docs/model.md).
inline bool annualises_by_products(double monthly_rate) noexcept {
    return monthly_rate > -1.0 && (monthly_rate <= -0x1p-10 || (monthly_rate >= 0x1p-10 && monthly_rate <= 0x1p20));
}

// (1 + r)^12 - 1 by products (see annualises_by_products for where it is used).
inline double annual_rate_by_products(double monthly_rate) noexcept {
    const double y = 1.0 + monthly_rate, y2 = y * y, y4 = y2 * y2, y8 = y4 * y4;
    return y8 * y4 - 1.0;
}

// A found monthly rate of return, annualised: the IRR and MIRR of Model::metrics
// and of the Monte Carlo batches take this one rule, so they agree bit for bit.
inline double annual_rate_of_return(double monthly_rate) {
    return annualises_by_products(monthly_rate) ? annual_rate_by_products(monthly_rate) : annual_rate_from_monthly(monthly_rate);
}

}  // namespace detail

// ---------------------------------------------------------------------------
// NPV
// ---------------------------------------------------------------------------

/// Net present value at t = 0 of `n` cash flows, one per period:
///
///     npv = sum_{i=0}^{n-1} values[i] / (1 + rate)^i
///
/// values[0] is at t = 0 and NOT discounted (numpy-financial's convention;
/// Excel's NPV discounts its first value by one period). `rate` is per period
/// of the series. An empty series has npv 0.
///
/// Throws ParameterError("rate") unless rate is finite and > -1,
/// ParameterError("values[i]") for a non-finite cash flow, NumericError when
/// the result overflows (rate very close to -1).
inline double npv(double rate, const double* values, std::size_t n) {
    detail::require_rate(rate, "rate");
    // Horner in x = 1/(1+rate): one multiply-add per flow, no pow in the hot loop.
    const double x = 1.0 / (1.0 + rate);
    double acc = 0.0;
    for (std::size_t i = n; i-- > 0;) acc = acc * x + values[i];
    if (!std::isfinite(acc)) {
        // Checked after the fact so that the loop stays branch-free.
        detail::require_finite_values(values, n, "values");
        throw NumericError("npv: the present value at rate " + detail::describe(rate) + " overflows a double");
    }
    return acc;
}

/// Vector form of npv(rate, const double*, std::size_t).
inline double npv(double rate, const std::vector<double>& values) { return npv(rate, values.data(), values.size()); }

// ---------------------------------------------------------------------------
// IRR
// ---------------------------------------------------------------------------

/// Outcome of an IRR search.
enum class IrrStatus {
    ok,              ///< exactly one rate found; `rate` holds it
    no_sign_change,  ///< the flows never change sign (or are all zero): no IRR exists
    no_root_found,   ///< the flows change sign but NPV has no zero in the searched range
    multiple_roots   ///< several rates zero the NPV; `rate` is the one closest to the guess
};

/// "ok", "no_sign_change", "no_root_found", "multiple_roots".
inline const char* to_string(IrrStatus status) noexcept {
    switch (status) {
        case IrrStatus::ok: return "ok";
        case IrrStatus::no_sign_change: return "no_sign_change";
        case IrrStatus::no_root_found: return "no_root_found";
        case IrrStatus::multiple_roots: return "multiple_roots";
    }
    return "unknown";
}

/// Result of irr / xirr. `rate` is empty unless status is ok or multiple_roots.
struct IrrResult {
    std::optional<double> rate;      ///< per period (irr) or annual (xirr)
    IrrStatus status = IrrStatus::no_sign_change;
    std::vector<double> all_rates;   ///< every rate found, ascending (empty when none)
    std::size_t sign_changes = 0;    ///< sign changes of the flows: an upper bound on the number of IRRs
    explicit operator bool() const noexcept { return rate.has_value(); }
};

namespace detail {

// The root search runs in y = 1 + rate, over [1e-12, 1e12]: rates from
// -0.999999999999 to 1e12 per period, far beyond anything meaningful, yet
// roots like numpy-financial's gh-15 case (rate = -0.99999999906) are found.
inline constexpr double irr_log_y_bound = 27.631021115928547;  // ln(1e12)

// Scan grid in u = log(y): u_0 = 0, u_{k+1} = u_k + 0.002 + 0.02 u_k, i.e.
// steps of 0.2 % in 1 + rate near rate 0, growing to about 0.55 at the bound.
inline double next_grid_point(double u) noexcept { return u + 0.002 + 0.02 * u; }

// Sign changes of a sequence, counted conservatively: entries within
// rounding noise of zero (|s_j| <= noise_j) may have either sign, so each
// counts as two possible changes. An upper bound on the true count.
struct SignChangeCounter {
    std::size_t changes = 0;
    int last = 0;
    void add(double s, double noise) {
        // Without branches: sign patterns are data, and mispredicted jumps
        // would cost more than the arithmetic (this runs per flow per trial).
        const bool ambiguous = std::abs(s) <= noise;
        const int sign = sign_of(s);
        changes += ambiguous ? 2 : static_cast<std::size_t>(last != 0 && sign != last);
        last = ambiguous ? last : sign;
    }
};

// A bound on the number of roots of sum_j w_j z^j in (0, 1), from the flows
// w_0, w_1, ... added in that order. With the cumulative sums S_j and their
// own cumulative sums T_j, sum_j w_j z^j = (1 - z) sum_j S_j z^j
// = (1 - z)^2 sum_j T_j z^j over all j >= 0 (S_j stays at the total after
// the last flow, T_j then moves linearly towards its sign), and Descartes'
// rule for power series bounds the roots in (0, 1) by the sign changes of
// either sequence (Norstrom's criterion, and its second-order form, which is
// never weaker: cumulative sums do not add sign changes). Entries within
// rounding noise of zero count as two changes.
struct CumulativeRootBound {
    std::size_t count = 0;
    double sum = 0.0, gross = 0.0;           // S_j and sum |w_k|
    double sum2 = 0.0, abs2 = 0.0, noise2 = 0.0;  // T_j, sum |S_k|, sum of the noise of S_k
    SignChangeCounter first, second;
    void add(double w) {
        ++count;
        sum += w;
        gross += std::abs(w);
        const double ulps = 4.0 * static_cast<double>(count) * std::numeric_limits<double>::epsilon();
        const double noise = ulps * gross;
        first.add(sum, noise);
        sum2 += sum;
        abs2 += std::abs(sum);
        noise2 += noise;
        second.add(sum2, noise2 + ulps * abs2);
    }
    std::size_t bound() const {
        SignChangeCounter tail = second;  // T_j for j past the last flow ends with the sign of the total
        tail.add(sum, 4.0 * static_cast<double>(count) * std::numeric_limits<double>::epsilon() * gross);
        return std::min(first.changes, tail.changes);
    }
};

// What find_rate_roots needs to know about one side of rate 0.
struct RootSide {
    double log_y_limit;     // no root beyond |u| = log_y_limit on this side
    std::size_t max_roots;  // no more roots than this on this side (Descartes)
};

// Finds the zeros of the NPV as a function of y = 1 + rate.
//
// `h(y, upper)` returns {value, d value / dy} of a function with the sign and
// the zeros of the NPV at rate y - 1: the `upper` form is used for y >= 1, the
// other for y <= 1; both agree in value at y = 1 (their derivatives need not).
// `sign_changes` is Descartes' bound on the number of roots, `last` the
// latest nonzero flow (the sign of h as y -> 0), `down` and `up` the limits
// for rate < 0 and rate > 0.
//
// One sign change: exactly one root; it is bracketed by stepping out from
// y = 1 with doubling steps. Otherwise each side is scanned outward on the
// grid until its root bound is reached or its range is exhausted. A sign
// change of h between grid points brackets a root; a sign change of h' with
// none of h flags an extremum, which is located and, if it lies across zero,
// splits the interval into two brackets: two roots closer than a grid step
// are still found. Every bracket is solved with Boost.Math's TOMS 748.
template <class H>
std::vector<double> find_rate_roots(H h, std::size_t sign_changes, double first, double last, RootSide down, RootSide up) {
    std::vector<double> roots;
    const auto tolerance = boost::math::tools::eps_tolerance<double>();
    auto solve = [&](double ya, double yb, double ha, double hb, bool upper) {
        if (ya > yb) {
            std::swap(ya, yb);
            std::swap(ha, hb);
        }
        std::uintmax_t max_iter = 200;
        const auto bracket = boost::math::tools::toms748_solve(
            [&h, upper](double y) { return h(y, upper).first; }, ya, yb, ha, hb, tolerance, max_iter);
        roots.push_back(0.5 * (bracket.first + bracket.second));
    };

    const double h1 = h(1.0, true).first;
    if (h1 == 0.0) roots.push_back(1.0);

    // Exactly one root on one side of y = 1: step out with doubling steps
    // until the sign changes, then solve the bracket.
    auto step_out = [&](bool upper, double u_limit) {
        const double dir = upper ? 1.0 : -1.0;
        double u_prev = 0.0;
        double h_prev = h1;
        for (double step = 0.01;; step *= 2.0) {
            const double u = std::min(u_prev + step, u_limit);
            const double y = std::exp(dir * u);
            const double hy = h(y, upper).first;
            if (hy == 0.0) {
                roots.push_back(y);
                return;
            }
            if (sign_of(hy) != sign_of(h_prev)) {
                solve(std::exp(dir * u_prev), y, h_prev, hy, upper);
                return;
            }
            if (u >= u_limit) return;  // beyond the searched range
            u_prev = u;
            h_prev = hy;
        }
    };

    if (sign_changes == 1) {
        if (h1 == 0.0) return roots;
        // The root lies on the side of y = 1 whose far end has the other sign.
        step_out(sign_of(h1) == sign_of(last), irr_log_y_bound);
        return roots;
    }

    for (const bool upper : {false, true}) {
        const RootSide side = upper ? up : down;
        const double dir = upper ? 1.0 : -1.0;
        const double u_end = std::min(side.log_y_limit, irr_log_y_bound);
        if (side.max_roots == 0) continue;
        const double far_end = upper ? first : last;
        const bool odd = sign_of(far_end) != sign_of(h1);
        if (h1 != 0.0 && (side.max_roots == 1 || (side.max_roots == 2 && odd))) {
            // At most one root on this side, and the signs at its two ends say
            // whether there is one (an odd count) or none (an even count); or at
            // most two and an odd count: exactly one. No scan needed. This is
            // the common case of programme flows (an annual fee that dips the
            // cumulative sum back below zero makes the bound 2, not the roots).
            if (odd) step_out(upper, u_end);
            continue;
        }
        std::size_t found = 0;
        double y_prev = 1.0;
        std::pair<double, double> prev = h(1.0, upper);
        for (double u = 0.0; found < side.max_roots && u < u_end;) {
            u = std::min(next_grid_point(u), u_end);
            const double y = std::exp(dir * u);
            const std::pair<double, double> cur = h(y, upper);
            if (cur.first == 0.0) {
                roots.push_back(y);
                ++found;
            } else if (prev.first != 0.0 && sign_of(cur.first) != sign_of(prev.first)) {
                solve(y_prev, y, prev.first, cur.first, upper);
                ++found;
            } else if (prev.first != 0.0 && sign_of(cur.second) * sign_of(prev.second) < 0) {
                // An extremum between the grid points: does it reach across zero?
                double ya = y_prev;
                double yb = y;
                double da = prev.second;
                double db = cur.second;
                if (ya > yb) {
                    std::swap(ya, yb);
                    std::swap(da, db);
                }
                std::uintmax_t max_iter = 200;
                const auto bracket = boost::math::tools::toms748_solve(
                    [&h, upper](double t) { return h(t, upper).second; }, ya, yb, da, db, tolerance, max_iter);
                const double y_ext = 0.5 * (bracket.first + bracket.second);
                const double h_ext = h(y_ext, upper).first;
                if (h_ext == 0.0) {
                    roots.push_back(y_ext);  // touches zero: a double root
                    ++found;
                } else if (sign_of(h_ext) != sign_of(cur.first)) {
                    solve(y_prev, y_ext, prev.first, h_ext, upper);
                    solve(y_ext, y, h_ext, cur.first, upper);
                    found += 2;
                }
            }
            y_prev = y;
            prev = cur;
        }
    }
    std::sort(roots.begin(), roots.end());
    return roots;
}

// Packs the roots (in y = 1 + rate) into an IrrResult.
inline IrrResult make_irr_result(const std::vector<double>& roots_y, std::size_t sign_changes, double guess) {
    IrrResult result;
    result.sign_changes = sign_changes;
    if (sign_changes == 0) {
        result.status = IrrStatus::no_sign_change;
        return result;
    }
    for (const double y : roots_y) result.all_rates.push_back(y - 1.0);
    if (result.all_rates.empty()) {
        result.status = IrrStatus::no_root_found;
        return result;
    }
    result.status = result.all_rates.size() == 1 ? IrrStatus::ok : IrrStatus::multiple_roots;
    double best = result.all_rates.front();
    for (const double r : result.all_rates) {
        if (std::abs(r - guess) < std::abs(best - guess)) best = r;
    }
    result.rate = best;
    return result;
}

}  // namespace detail

/// Internal rate of return per period: the rates r > -1 with
/// npv(r, values) == 0 (values[0] at t = 0, as for npv).
///
/// Method: Descartes' rule bounds the number of IRRs by the number of sign
/// changes of the flows. With one sign change the single root is bracketed by
/// stepping out from r = 0. Otherwise NPV is scanned outward from r = 0 on a
/// grid of log(1 + r) (steps of 0.2 % in 1 + r near r = 0, widening further
/// out), over 1 + r in [1e-12, 1e12] cut down by Cauchy-type bounds on where
/// roots can lie; each side of r = 0 stops once it has as many roots as the
/// sign changes of the cumulative flows, or of their cumulative sums, allow
/// (Norstrom's criterion, generalised); a side whose ends differ in sign and
/// that has at most two roots has exactly one, and is not scanned. Between
/// grid points a sign change of NPV brackets a root, and a turn of NPV (sign
/// change of its derivative) is checked for a pair of roots. Each bracket is solved with Boost.Math's TOMS 748 to full double
/// precision in 1 + r.
/// Results:
/// - no sign change (all flows >= 0, all <= 0, or all 0): status no_sign_change;
/// - sign changes but no zero found: status no_root_found;
/// - one zero: status ok;
/// - several zeros: status multiple_roots, `rate` is the one closest to `guess`,
///   `all_rates` lists all of them ascending.
/// `rate` is empty in the first two cases: there is no IRR to report.
/// Limitation: NPV wiggling through zero more than twice between two grid
/// points, or touching zero without crossing it away from an extremum the scan
/// can locate, is not seen.
///
/// Throws ParameterError("values[i]") for a non-finite flow and
/// ParameterError("guess") unless guess is finite and > -1.
inline IrrResult irr(const std::vector<double>& values, double guess = 0.1) {
    detail::require_rate(guess, "guess");
    detail::require_finite_values(values.data(), values.size(), "values");
    const std::size_t changes = detail::count_sign_changes(values.data(), values.size());
    if (changes == 0) return detail::make_irr_result({}, 0, guess);

    // Leading and trailing zeros only multiply NPV by a power of 1 + r: drop
    // them so that underflow far from r = 0 cannot fake a zero.
    std::size_t begin = 0;
    std::size_t end = values.size();
    while (values[begin] == 0.0) ++begin;
    while (values[end - 1] == 0.0) --end;
    const double* v = values.data() + begin;
    const std::size_t n = end - begin;

    // h has the sign and zeros of NPV: for y = 1 + r <= 1 the future value at
    // the last flow, sum v_i y^(n-1-i), which cannot overflow there; for y >= 1
    // the present value sum v_i y^-i, which cannot overflow there. Both equal
    // sum v_i at y = 1. Horner gives the derivative in the same pass.
    auto h = [v, n](double y, bool upper) {
        double p = 0.0;
        double dp = 0.0;
        if (!upper) {
            for (std::size_t i = 0; i < n; ++i) {
                dp = dp * y + p;
                p = p * y + v[i];
            }
            return std::make_pair(p, dp);
        }
        const double x = 1.0 / y;
        for (std::size_t i = n; i-- > 0;) {
            dp = dp * x + p;
            p = p * x + v[i];
        }
        return std::make_pair(p, -dp * x * x);  // d/dy p(1/y)
    };

    // Per-side root bounds, so that the scan can stop early. For rate > 0,
    // i.e. x = 1/(1+r) in (0, 1): NPV = (1 - x) sum_j S_j x^j with the
    // cumulative sums S_j (constant after the last flow), and Descartes' rule
    // for power series bounds the roots by the sign changes of S (Norstrom's
    // criterion generalised). For rate < 0 the same holds in y = 1 + r for the
    // cumulative sums taken from the last flow backwards.
    // Counted on the fly (no allocation: this runs once per Monte Carlo trial).
    detail::CumulativeRootBound forward_changes, backward_changes;
    for (std::size_t j = 0; j < n; ++j) {
        forward_changes.add(v[j]);
        backward_changes.add(v[n - 1 - j]);
    }
    // Cauchy-type range bounds: a root with rate > 0 needs
    // |v_0| <= max_{i>0} |v_i| * x / (1 - x), i.e. 1 + r <= 1 + max_{i>0} |v_i| / |v_0|;
    // symmetrically 1 + r >= 1 / (1 + max_{i<n-1} |v_i| / |v_{n-1}|) for rate < 0.
    double max_after_first = 0.0;
    double max_before_last = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        if (i > 0) max_after_first = std::max(max_after_first, std::abs(v[i]));
        if (i + 1 < n) max_before_last = std::max(max_before_last, std::abs(v[i]));
    }
    const double margin = 0.01;  // in log(1 + r), against rounding at the limit
    const detail::RootSide up{std::log1p(max_after_first / std::abs(v[0])) + margin,
                              std::min(changes, forward_changes.bound())};
    const detail::RootSide down{std::log1p(max_before_last / std::abs(v[n - 1])) + margin,
                                std::min(changes, backward_changes.bound())};
    return detail::make_irr_result(detail::find_rate_roots(h, changes, v[0], v[n - 1], down, up), changes, guess);
}

// ---------------------------------------------------------------------------
// XNPV and XIRR (dated flows, Excel conventions)
// ---------------------------------------------------------------------------

namespace detail {

inline void require_dated_flows(const std::vector<double>& values, const std::vector<Date>& dates) {
    CREDROI_REQUIRE(values.size() == dates.size(), "dates",
                    "expected as many dates as values (" << values.size() << "), found " << dates.size());
    require_finite_values(values.data(), values.size(), "values");
    for (std::size_t i = 1; i < dates.size(); ++i) {
        CREDROI_REQUIRE(!(dates[i] < dates[0]), "dates[" + std::to_string(i) + "]",
                        "expected a date on or after the first date " << dates[0].to_string() << ", found "
                                                                        << dates[i].to_string());
    }
}

}  // namespace detail

/// Net present value at the first date of flows on arbitrary dates, Excel's XNPV:
///
///     xnpv = sum_i values[i] / (1 + rate)^((dates[i] - dates[0]) / 365)
///
/// `rate` is annual; time is actual days / 365 from dates[0] (leap days count,
/// there is no 366-day year). Later dates may come in any order. An empty
/// series has xnpv 0.
///
/// Throws ParameterError("rate") unless rate is finite and > -1,
/// ParameterError("dates") when the sizes differ, ParameterError("dates[i]")
/// for a date before dates[0], ParameterError("values[i]") for a non-finite
/// flow, NumericError when the result overflows.
inline double xnpv(double rate, const std::vector<double>& values, const std::vector<Date>& dates) {
    detail::require_rate(rate, "rate");
    detail::require_dated_flows(values, dates);
    if (values.empty()) return 0.0;
    const double log_growth = std::log1p(rate);
    const long day0 = dates[0].days_since_epoch();
    double sum = 0.0;
    for (std::size_t i = 0; i < values.size(); ++i) {
        const double years = static_cast<double>(dates[i].days_since_epoch() - day0) / 365.0;
        sum += values[i] * std::exp(-years * log_growth);
    }
    if (!std::isfinite(sum)) {
        throw NumericError("xnpv: the present value at rate " + detail::describe(rate) + " overflows a double");
    }
    return sum;
}

/// Annual internal rate of return of dated flows, Excel's XIRR: the rates
/// r > -1 with xnpv(r, values, dates) == 0 (actual/365 from the first date).
/// Same method, range and status semantics as irr; flows on the same day are
/// added before the sign changes are counted in date order.
///
/// Throws as xnpv does, and ParameterError("guess") unless guess is finite and > -1.
inline IrrResult xirr(const std::vector<double>& values, const std::vector<Date>& dates, double guess = 0.1) {
    detail::require_rate(guess, "guess");
    detail::require_dated_flows(values, dates);

    // Sort by day and merge same-day flows: Descartes' rule needs the flows in
    // time order, and distinct exponents.
    std::vector<std::pair<long, double>> flows;
    flows.reserve(values.size());
    for (std::size_t i = 0; i < values.size(); ++i) flows.emplace_back(dates[i].days_since_epoch(), values[i]);
    std::sort(flows.begin(), flows.end(),
              [](const std::pair<long, double>& a, const std::pair<long, double>& b) { return a.first < b.first; });
    std::vector<long> days;
    std::vector<double> amounts;
    for (const auto& f : flows) {
        if (!days.empty() && days.back() == f.first) {
            amounts.back() += f.second;
        } else {
            days.push_back(f.first);
            amounts.push_back(f.second);
        }
    }
    // Zero flows change neither the sign pattern nor the roots.
    // Time is counted from the earliest nonzero flow: that only multiplies
    // XNPV by a power of 1 + r, which moves no root.
    std::vector<double> t;  // years
    std::vector<double> v;
    long anchor = 0;
    for (std::size_t i = 0; i < days.size(); ++i) {
        if (amounts[i] == 0.0) continue;
        if (v.empty()) anchor = days[i];
        t.push_back(static_cast<double>(days[i] - anchor) / 365.0);
        v.push_back(amounts[i]);
    }
    const std::size_t changes = detail::count_sign_changes(v.data(), v.size());
    if (changes == 0) return detail::make_irr_result({}, 0, guess);

    // As for irr: y^(T - t_i) for y <= 1 and y^(-t_i) for y >= 1 keep every
    // power <= 1, and both forms agree at y = 1.
    const double horizon = t.back();
    auto h = [&t, &v, horizon](double y, bool upper) {
        const double ly = std::log(y);
        double acc = 0.0;
        double slope = 0.0;
        for (std::size_t i = 0; i < v.size(); ++i) {
            const double e = upper ? -t[i] : horizon - t[i];
            const double term = v[i] * std::exp(e * ly);
            acc += term;
            slope += term * e;
        }
        return std::make_pair(acc, slope / y);
    };

    // Range bounds: for rate > 0, |v_0| <= m max|v_i| y^(-t_1) at a root
    // (m flows after the first, t_1 the earliest later time); for rate < 0,
    // |v_last| <= m max|v_i| y^delta with delta the last gap. There is no
    // cheap per-side count for real exponents: both sides use Descartes' total.
    const std::size_t m = v.size() - 1;
    double max_after_first = 0.0;
    double max_before_last = 0.0;
    for (std::size_t i = 0; i <= m; ++i) {
        if (i > 0) max_after_first = std::max(max_after_first, std::abs(v[i]));
        if (i < m) max_before_last = std::max(max_before_last, std::abs(v[i]));
    }
    const double margin = 0.01;
    const double scale = static_cast<double>(m);
    const detail::RootSide up{
        std::max(0.0, std::log(scale * max_after_first / std::abs(v[0])) / t[1]) + margin, changes};
    const detail::RootSide down{
        std::max(0.0, std::log(scale * max_before_last / std::abs(v[m])) / (horizon - t[m - 1])) + margin, changes};
    return detail::make_irr_result(detail::find_rate_roots(h, changes, v.front(), v.back(), down, up), changes, guess);
}

// ---------------------------------------------------------------------------
// MIRR
// ---------------------------------------------------------------------------

/// Modified internal rate of return per period, Excel's MIRR. With n flows:
///
///     mirr = ( FV(positive flows at reinvest_rate, to t = n-1)
///              / -PV(negative flows at finance_rate, to t = 0) )^(1/(n-1)) - 1
///
/// values[i] at t = i as for npv. Empty when there is no negative or no
/// positive flow (Excel: #DIV/0!).
///
/// Throws ParameterError("finance_rate") / ("reinvest_rate") unless finite and
/// > -1, ParameterError("values[i]") for a non-finite flow, NumericError on overflow.
inline std::optional<double> mirr(const std::vector<double>& values, double finance_rate, double reinvest_rate) {
    detail::require_rate(finance_rate, "finance_rate");
    detail::require_rate(reinvest_rate, "reinvest_rate");
    detail::require_finite_values(values.data(), values.size(), "values");
    const std::size_t n = values.size();
    double pv_negative = 0.0;  // at t = 0, finance_rate
    double fv_positive = 0.0;  // at t = n - 1, reinvest_rate
    const double x = 1.0 / (1.0 + finance_rate);
    const double g = 1.0 + reinvest_rate;
    for (std::size_t k = n; k-- > 0;) pv_negative = pv_negative * x + std::min(values[k], 0.0);
    for (std::size_t k = 0; k < n; ++k) fv_positive = fv_positive * g + std::max(values[k], 0.0);
    if (pv_negative == 0.0 || fv_positive == 0.0) return std::nullopt;
    const double result = std::pow(fv_positive / -pv_negative, 1.0 / static_cast<double>(n - 1)) - 1.0;
    if (!std::isfinite(result)) throw NumericError("mirr: the compounded flows overflow a double");
    return result;
}

// ---------------------------------------------------------------------------
// Payback
// ---------------------------------------------------------------------------

namespace detail {

// First time the running sum of flows[i] turns from negative to >= 0,
// interpolated linearly inside that period; 0 if it is never negative.
template <class Flow>
std::optional<double> payback_of(std::size_t n, Flow flow) {
    // Neumaier-compensated running sum, and a cumulative within rounding of
    // zero (32 ulp of the gross flows so far) counts as zero: flows that
    // cancel in decimal, like -0.1, -0.2, +0.3, do not cancel exactly in
    // binary and would otherwise never pay back.
    double sum = 0.0;
    double compensation = 0.0;
    double gross = 0.0;
    bool was_negative = false;
    double previous = 0.0;
    for (std::size_t j = 0; j < n; ++j) {
        const double f = flow(j);
        const double s = sum + f;
        compensation += std::abs(sum) >= std::abs(f) ? (sum - s) + f : (f - s) + sum;
        sum = s;
        gross += std::abs(f);
        const double cumulative = sum + compensation;
        if (!std::isfinite(cumulative) || !std::isfinite(gross)) {
            throw NumericError("payback: the cumulative (discounted) cash flow overflows a double at period " +
                               std::to_string(j));
        }
        const double noise = 32.0 * std::numeric_limits<double>::epsilon() * gross;
        if (cumulative < -noise) {
            was_negative = true;
        } else if (was_negative) {
            // previous < -noise <= cumulative, so the period's flow
            // cumulative - previous is positive and the fraction is in (0, 1].
            return static_cast<double>(j - 1) + std::min(1.0, -previous / (cumulative - previous));
        }
        previous = cumulative;
    }
    if (!was_negative) return 0.0;
    return std::nullopt;
}

}  // namespace detail

/// Simple payback time in periods, values[i] at t = i as for npv.
///
/// With cumulative sums S_j = sum_{i<=j} values[i], the payback is the FIRST
/// time S turns from negative to >= 0, linearly interpolated inside the period
/// in which it happens: if j is the first index with S_j >= 0 after S has been
/// negative, payback = (j - 1) + (-S_{j-1}) / values[j]. Later dips below zero
/// are ignored. If S is never negative the payback is 0; if it never recovers
/// the result is empty (never a made-up number). A cumulative sum within
/// rounding error of zero (32 ulp of the gross flows so far) counts as zero.
///
/// {-100, 50, 50, 50} -> 2; {-100, 30, 30, 30, 30} -> 3 + 10/30.
///
/// Throws ParameterError("values[i]") for a non-finite flow.
inline std::optional<double> payback_period(const std::vector<double>& values) {
    detail::require_finite_values(values.data(), values.size(), "values");
    return detail::payback_of(values.size(), [&values](std::size_t i) { return values[i]; });
}

/// Discounted payback time in periods: payback_period of values[i] / (1 + rate)^i,
/// `rate` per period.
///
/// Throws ParameterError("rate") unless rate is finite and > -1,
/// ParameterError("values[i]") for a non-finite flow.
inline std::optional<double> discounted_payback_period(double rate, const std::vector<double>& values) {
    detail::require_rate(rate, "rate");
    detail::require_finite_values(values.data(), values.size(), "values");
    const double log_x = -std::log1p(rate);
    return detail::payback_of(values.size(), [&values, log_x](std::size_t i) {
        return values[i] * std::exp(static_cast<double>(i) * log_x);
    });
}

}  // namespace credroi
