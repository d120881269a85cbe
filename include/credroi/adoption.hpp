#pragma once
// Adoption curves: the share a(t) of the eligible population actively earning
// credentials, as an S-curve fitted through the organisation's own milestones
// ("10 % by 2027-06, 50 % by 2028-03, 80 % by 2029-06").
//
// Time convention: `t` is in months since the model start; month index i
// (0-based) ends at t = i + 1 and the model evaluates month i at t = i + 1.
// A milestone "10 % by 2027-06" is passed as month = (index of 2027-06) + 1.
// An uncertain delay d shifts the curve later: the model evaluates
// share(t - d) (or, equivalently, uses `delayed(d)`).
#include <credroi/error.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

// Eigen's own headers trip the project's warning flags (old-style casts) when
// they are found through -I rather than -isystem.
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wold-style-cast"
#pragma GCC diagnostic ignored "-Wconversion"
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wdouble-promotion"
#endif
#include <Eigen/Core>
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

namespace credroi {

/// A point the adoption curve must reach: `share` of the eligible population
/// actively earning by the end of `month` (months since the model start,
/// month index + 1).
struct AdoptionMilestone {
    double month;
    double share;
};

/// Which S-curve the scenario asked for.
enum class AdoptionModel { logistic, bass };

namespace detail {

inline std::string milestone_path(std::size_t i, const char* field) {
    std::ostringstream os;
    os << "adoption.milestones[" << i << "]." << field;
    return os.str();
}

inline void check_adoption_ceiling(double ceiling) {
    CREDROI_REQUIRE(std::isfinite(ceiling) && ceiling > 0.0 && ceiling <= 1.0, "adoption.ceiling",
                    "expected a ceiling above 0 and at most 1, found " << detail::describe(ceiling));
}

/// Validates milestones for any curve with this ceiling. Messages number the
/// milestones from 1 (as a person counts them); paths index them from 0 (as
/// the scenario file's arrays do).
inline void check_milestones(const std::vector<AdoptionMilestone>& milestones, double ceiling) {
    check_adoption_ceiling(ceiling);
    CREDROI_REQUIRE(milestones.size() >= 2, "adoption.milestones",
                    "expected at least two milestones to fit a curve through, found " << milestones.size());
    for (std::size_t i = 0; i < milestones.size(); ++i) {
        const AdoptionMilestone& m = milestones[i];
        CREDROI_REQUIRE(std::isfinite(m.month), milestone_path(i, "date"),
                        "expected a finite month, found " << detail::describe(m.month));
        CREDROI_REQUIRE(std::isfinite(m.share) && m.share > 0.0 && m.share < ceiling, milestone_path(i, "share"),
                        "expected a share above 0 and below the ceiling " << detail::describe(ceiling)
                                                                          << ", found " << detail::describe(m.share));
        if (i == 0) continue;
        const AdoptionMilestone& prev = milestones[i - 1];
        CREDROI_REQUIRE(m.month > prev.month, milestone_path(i, "date"),
                        "milestone " << i + 1 << " (month " << detail::describe(m.month) << ") is not after milestone "
                                     << i << " (month " << detail::describe(prev.month)
                                     << "); expected milestones in strictly increasing date order");
        CREDROI_REQUIRE(m.share > prev.share, milestone_path(i, "share"),
                        "milestone " << i + 1 << " (share " << detail::describe(m.share) << ") is not above milestone "
                                     << i << " (share " << detail::describe(prev.share)
                                     << "); expected strictly increasing shares (adoption is cumulative)");
    }
}

inline double check_curve_time(double t) {
    CREDROI_REQUIRE(std::isfinite(t), "t", "expected a finite time in months, found " << detail::describe(t));
    return t;
}

}  // namespace detail

/// Logistic S-curve
///
///     a(t) = ceiling / (1 + exp(-rate_per_month * (t - midpoint_month)))
///
/// `t` and `midpoint_month` in months since the model start, `rate_per_month`
/// per month. The curve is positive for every t (it has no launch date): a
/// model that starts the programme later should zero adoption before launch.
class LogisticAdoption {
public:
    /// Throws ParameterError unless 0 < ceiling <= 1, rate_per_month > 0 and
    /// midpoint_month is finite.
    LogisticAdoption(double ceiling, double rate_per_month, double midpoint_month)
        : ceiling_(ceiling), rate_(rate_per_month), midpoint_(midpoint_month) {
        detail::check_adoption_ceiling(ceiling);
        CREDROI_REQUIRE(std::isfinite(rate_per_month) && rate_per_month > 0.0, "adoption.rate_per_month",
                        "expected a growth rate above 0 per month, found " << detail::describe(rate_per_month));
        CREDROI_REQUIRE(std::isfinite(midpoint_month), "adoption.midpoint_month",
                        "expected a finite month, found " << detail::describe(midpoint_month));
    }

    /// Fits the curve through the milestones for a given ceiling K. With
    /// y_i = ln(p_i / (K - p_i)) the logistic is the line
    /// y = rate * (t - midpoint): exact through two milestones, ordinary least
    /// squares in (t, y) through more.
    ///
    /// Throws ParameterError (path `adoption.ceiling`, `adoption.milestones`,
    /// `adoption.milestones[i].date` or `adoption.milestones[i].share`) when
    /// the ceiling is not in (0, 1], there are fewer than two milestones, the
    /// months or shares are not strictly increasing, or a share is not
    /// strictly between 0 and the ceiling.
    static LogisticAdoption fit(const std::vector<AdoptionMilestone>& milestones, double ceiling) {
        detail::check_milestones(milestones, ceiling);
        const double n = static_cast<double>(milestones.size());
        // Centre before regressing so months in the hundreds do not cost digits.
        double t_mean = 0.0, y_mean = 0.0;
        std::vector<double> y(milestones.size());
        for (std::size_t i = 0; i < milestones.size(); ++i) {
            const double p = milestones[i].share;
            y[i] = std::log(p / (ceiling - p));
            t_mean += milestones[i].month;
            y_mean += y[i];
        }
        t_mean /= n;
        y_mean /= n;
        double sty = 0.0, stt = 0.0;
        for (std::size_t i = 0; i < milestones.size(); ++i) {
            const double dt = milestones[i].month - t_mean;
            sty += dt * (y[i] - y_mean);
            stt += dt * dt;
        }
        // Strictly increasing months and shares make every pairwise slope
        // positive, so the least-squares slope is positive too.
        const double rate = sty / stt;
        const double midpoint = t_mean - y_mean / rate;
        if (!(std::isfinite(rate) && rate > 0.0 && std::isfinite(midpoint)))
            throw NumericError("cannot fit a logistic adoption curve through the milestones: the fitted rate is " +
                               detail::describe(rate) + " per month");
        return LogisticAdoption(ceiling, rate, midpoint);
    }

    double ceiling() const noexcept { return ceiling_; }
    double rate_per_month() const noexcept { return rate_; }
    double midpoint_month() const noexcept { return midpoint_; }

    /// a(t), a share in [0, ceiling]. Throws ParameterError (`t`) for a
    /// non-finite t.
    double share(double t) const {
        detail::check_curve_time(t);
        // exp overflows to +inf far before the midpoint, giving exactly 0.
        return ceiling_ / (1.0 + std::exp(-rate_ * (t - midpoint_)));
    }

    /// out[j] = share(t[j]); bit-identical to the scalar version.
    void share(const Eigen::ArrayXd& t, Eigen::ArrayXd& out) const {
        out.resize(t.size());
        for (Eigen::Index j = 0; j < t.size(); ++j) out[j] = share(t[j]);
    }

    /// The same curve `delay_months` later (earlier when negative):
    /// delayed(d).share(t) == share(t - d) up to rounding.
    LogisticAdoption delayed(double delay_months) const {
        CREDROI_REQUIRE(std::isfinite(delay_months), "adoption.delay_months",
                        "expected a finite delay in months, found " << detail::describe(delay_months));
        return LogisticAdoption(ceiling_, rate_, midpoint_ + delay_months);
    }

private:
    double ceiling_;
    double rate_;
    double midpoint_;
};

namespace detail {

// The Bass fit works on the logit of the normalised curve, the same scale the
// logistic fit regresses on: a miss near 0 or near the ceiling weighs as much
// as one mid-curve, and milestones close to the ceiling still pin the curve
// down. With a = p*T, b = q*T, z = tau/T (T the last milestone's months since
// launch), w = (a+b) z, N = 1 - e^-w and r = b/a:
//
//     F/K = N / (1 + r e^-w),  so  logit(F/K) = ln N + w - ln(1 + r),
//
// which never forms r e^-w (r overflows for a late, steep curve).

inline double bass_softplus(double x) { return x > 0.0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x)); }
inline double bass_sigmoid(double x) {
    return x > 0.0 ? 1.0 / (1.0 + std::exp(-x)) : std::exp(x) / (1.0 + std::exp(x));
}

/// logit(F/K) and its derivatives with respect to ln a and ln b.
struct BassLogit {
    double value, d_lna, d_lnb;
};

inline BassLogit bass_logit(double lna, double lnb, double z) {
    const double a = std::exp(lna), b = std::exp(lnb);
    const double w = (a + b) * z;
    const double n = -std::expm1(-w);
    const double d = lnb - lna;  // ln r
    const double sr = bass_sigmoid(d);
    // dL/dw = 1/N, dw/dln a = a z, dw/dln b = b z; d ln(1+r)/d ln r = r/(1+r).
    return {std::log(n) + w - bass_softplus(d), a * z / n + sr, b * z / n - sr};
}

inline double bass_sse(double lna, double lnb, const std::vector<double>& z, const std::vector<double>& y) {
    double s = 0.0;
    for (std::size_t i = 0; i < z.size(); ++i) {
        const double r = bass_logit(lna, lnb, z[i]).value - y[i];
        s += r * r;
    }
    return s;
}

struct BassFitState {
    double lna, lnb, sse;
    bool collapsed;  ///< q/p fell to the q = 0 boundary
};

// Bounds in the dimensionless (ln a, ln b) plane. A q/p below e^-25 ~ 1e-11
// is the innovation-only boundary q = 0. A late, steep S-curve needs a tiny p
// (q/p grows like e^(q * midpoint)), hence the low floor on ln a; the bounds
// keep every exp() finite and flag a solver that ran away.
constexpr double bass_ln_ratio_floor = -25.0;
constexpr double bass_ln_min = -600.0;
constexpr double bass_ln_max = 25.0;

/// Levenberg-Marquardt on sum_i (logit F(z_i)/K - logit y_i)^2 over
/// (ln a, ln b), with Marquardt's diagonal scaling, a floor on the damping so
/// a flat direction cannot make the 2x2 system singular, and steps longer
/// than 2 in ln p or ln q rejected (damped further) as a trust region.
inline BassFitState bass_levenberg_marquardt(double lna, double lnb, const std::vector<double>& z,
                                             const std::vector<double>& y) {
    double lambda = 1e-3;
    double sse = bass_sse(lna, lnb, z, y);
    for (int iter = 0; iter < 500; ++iter) {
        if (sse < 1e-30) break;  // exact to rounding
        if (lnb - lna < bass_ln_ratio_floor) break;
        double jtj00 = 0.0, jtj01 = 0.0, jtj11 = 0.0, g0 = 0.0, g1 = 0.0;
        for (std::size_t i = 0; i < z.size(); ++i) {
            const BassLogit pt = bass_logit(lna, lnb, z[i]);
            const double r = pt.value - y[i];
            jtj00 += pt.d_lna * pt.d_lna;
            jtj01 += pt.d_lna * pt.d_lnb;
            jtj11 += pt.d_lnb * pt.d_lnb;
            g0 += pt.d_lna * r;
            g1 += pt.d_lnb * r;
        }
        bool improved = false;
        while (lambda < 1e12) {
            const double m00 = jtj00 + lambda * (jtj00 + 1e-12);
            const double m11 = jtj11 + lambda * (jtj11 + 1e-12);
            const double det = m00 * m11 - jtj01 * jtj01;
            const double d0 = -(m11 * g0 - jtj01 * g1) / det;
            const double d1 = -(m00 * g1 - jtj01 * g0) / det;
            // A step longer than 2 (a factor e^2 in p or q) is outside the
            // region the linearisation can be trusted in: damp harder rather
            // than truncate it, which would keep a Gauss-Newton direction that
            // points along a flat valley towards q = 0.
            const double step = std::max(std::abs(d0), std::abs(d1));
            if (!(step <= 2.0)) {
                lambda *= 10.0;
                continue;
            }
            const double na = std::clamp(lna + d0, bass_ln_min, bass_ln_max);
            const double nb = std::clamp(lnb + d1, bass_ln_min, bass_ln_max);
            const double nsse = bass_sse(na, nb, z, y);
            if (nsse < sse) {
                const double moved = std::max(std::abs(na - lna), std::abs(nb - lnb));
                lna = na;
                lnb = nb;
                sse = nsse;
                lambda = std::max(lambda / 10.0, 1e-12);
                improved = true;
                if (moved < 1e-15) iter = 500;  // converged: steps below rounding of ln p, ln q
                break;
            }
            lambda *= 10.0;
        }
        if (!improved) break;  // no descent direction left: a (local) minimum
    }
    return {lna, lnb, sse, lnb - lna < bass_ln_ratio_floor};
}

struct BassBoundaryFit {
    double a, sse, dsse_db;
};

/// Least squares with q = 0, where logit(F/K) = ln(1 - e^-az) + az: a grid
/// over ln a, then golden-section refinement. Also returns dSSE/db at b = 0,
/// where dlogit/db = z / (1 - e^-az) - 1/a.
inline BassBoundaryFit bass_innovation_only_fit(const std::vector<double>& z, const std::vector<double>& y) {
    auto residual = [&](double a, std::size_t i) { return std::log(-std::expm1(-a * z[i])) + a * z[i] - y[i]; };
    auto sse = [&](double lna) {
        const double a = std::exp(lna);
        double s = 0.0;
        for (std::size_t i = 0; i < z.size(); ++i) s += residual(a, i) * residual(a, i);
        return s;
    };
    constexpr int grid = 200;
    const double lo = std::log(1e-6), hi = std::log(1e3), h = (hi - lo) / (grid - 1);
    int best = 0;
    double best_sse = std::numeric_limits<double>::infinity();
    for (int i = 0; i < grid; ++i) {
        const double s = sse(lo + h * i);
        if (s < best_sse) {
            best_sse = s;
            best = i;
        }
    }
    double left = lo + h * std::max(best - 1, 0), right = lo + h * std::min(best + 1, grid - 1);
    const double inv_phi = (std::sqrt(5.0) - 1.0) / 2.0;
    double x1 = right - inv_phi * (right - left), x2 = left + inv_phi * (right - left);
    double f1 = sse(x1), f2 = sse(x2);
    for (int it = 0; it < 200 && right - left > 1e-13; ++it) {
        if (f1 < f2) {
            right = x2;
            x2 = x1;
            f2 = f1;
            x1 = right - inv_phi * (right - left);
            f1 = sse(x1);
        } else {
            left = x1;
            x1 = x2;
            f1 = f2;
            x2 = left + inv_phi * (right - left);
            f2 = sse(x2);
        }
    }
    BassBoundaryFit out;
    out.a = std::exp(0.5 * (left + right));
    out.sse = sse(0.5 * (left + right));
    out.dsse_db = 0.0;
    for (std::size_t i = 0; i < z.size(); ++i)
        out.dsse_db += 2.0 * residual(out.a, i) * (z[i] / -std::expm1(-out.a * z[i]) - 1.0 / out.a);
    return out;
}

}  // namespace detail

/// Bass (1969) diffusion curve with a ceiling:
///
///     F(tau) = ceiling * (1 - exp(-(p+q) tau)) / (1 + (q/p) exp(-(p+q) tau))
///
/// for tau = t - launch_month >= 0 (months), and 0 before launch. `p` is the
/// coefficient of innovation, `q` of imitation, both per month (the published
/// values are usually per year: divide by 12). The curve is an S with its
/// steepest point at tau* = ln(q/p) / (p+q) when q > p, and concave from launch
/// otherwise.
class BassAdoption {
public:
    /// Throws ParameterError unless p > 0 (`adoption.bass_p`), q >= 0
    /// (`adoption.bass_q`), 0 < ceiling <= 1 and launch_month is finite
    /// (`adoption.launch`).
    BassAdoption(double p, double q, double ceiling, double launch_month)
        : p_(p), q_(q), ceiling_(ceiling), launch_(launch_month) {
        CREDROI_REQUIRE(std::isfinite(p) && p > 0.0, "adoption.bass_p",
                        "expected a coefficient of innovation above 0 per month, found " << detail::describe(p));
        CREDROI_REQUIRE(std::isfinite(q) && q >= 0.0, "adoption.bass_q",
                        "expected a coefficient of imitation of at least 0 per month, found " << detail::describe(q));
        // p + q is the curve's rate; an infinite one would make exp(-(p + q) tau) NaN at tau = 0.
        CREDROI_REQUIRE(std::isfinite(p + q), "adoption.bass_q",
                        "expected p + q to be a finite rate per month, found p = " << detail::describe(p)
                                                                                   << ", q = " << detail::describe(q));
        detail::check_adoption_ceiling(ceiling);
        CREDROI_REQUIRE(std::isfinite(launch_month), "adoption.launch",
                        "expected a finite launch month, found " << detail::describe(launch_month));
    }

    /// Fits p and q (per month) through the milestones for a given ceiling and
    /// launch: least squares over (ln p, ln q) on the logit of the share,
    /// sum_i (ln(F_i/(K-F_i)) - ln(s_i/(K-s_i)))^2 (the scale the logistic fit
    /// regresses on, so milestones near 0 or near the ceiling count as much as
    /// mid-curve ones), by Levenberg-Marquardt started from each local minimum
    /// of a coarse grid profile over ln(q/p). Through two milestones the fit is
    /// exact whenever a Bass curve passes through both. Costs about a
    /// millisecond: fit once per scenario, not per trial.
    ///
    /// Throws ParameterError for the same milestone errors as
    /// LogisticAdoption::fit, for a non-finite launch (`adoption.launch`) and
    /// for a milestone not after the launch (`adoption.milestones[i].date`).
    /// Throws NumericError when no Bass curve with imitation (q > 0) fits:
    /// the milestones level off faster than even an innovation-only curve
    /// 1 - exp(-p tau) does (the least-squares optimum is q = 0, and it misses
    /// a milestone), or two milestones admit no Bass curve through both, or the
    /// solver runs out of its range.
    static BassAdoption fit(const std::vector<AdoptionMilestone>& milestones, double ceiling, double launch_month) {
        detail::check_milestones(milestones, ceiling);
        CREDROI_REQUIRE(std::isfinite(launch_month), "adoption.launch",
                        "expected a finite launch month, found " << detail::describe(launch_month));
        for (std::size_t i = 0; i < milestones.size(); ++i)
            CREDROI_REQUIRE(milestones[i].month > launch_month, detail::milestone_path(i, "date"),
                            "milestone " << i + 1 << " (month " << detail::describe(milestones[i].month)
                                         << ") is not after the launch at month " << detail::describe(launch_month)
                                         << "; a Bass curve is 0 at launch");

        const double horizon = milestones.back().month - launch_month;
        std::vector<double> z(milestones.size()), y(milestones.size());
        for (std::size_t i = 0; i < milestones.size(); ++i) {
            z[i] = (milestones[i].month - launch_month) / horizon;
            const double y_share = milestones[i].share / ceiling;
            y[i] = std::log(y_share / (1.0 - y_share));
        }

        // Starting points. Near q = 0 the curve hardly depends on ln q, and a
        // descent started there can creep along that flat valley instead of
        // finding an optimum with a moderate q/p. So profile the grid first:
        // for each shape d = ln(q/p) take the best overall speed
        // s = (p+q)T over [1e-3, 1e3] (T the last milestone's months since
        // launch), and start a descent from every local minimum of that
        // profile over d in [-12, 60]; the descent can go beyond the grid.
        constexpr int n_speed = 41, n_shape = 73;
        const double ln_s_lo = std::log(1e-3), ln_s_hi = std::log(1e3), d_lo = -12.0, d_hi = 60.0;
        std::vector<std::array<double, 3>> profile(n_shape);  // {sse, ln a, ln b}
        for (int k = 0; k < n_shape; ++k) {
            const double d = d_lo + (d_hi - d_lo) * k / (n_shape - 1);
            profile[k] = {std::numeric_limits<double>::infinity(), 0.0, 0.0};
            for (int j = 0; j < n_speed; ++j) {
                const double ln_s = ln_s_lo + (ln_s_hi - ln_s_lo) * j / (n_speed - 1);
                const double lna = ln_s - detail::bass_softplus(d), lnb = lna + d;
                const double e = detail::bass_sse(lna, lnb, z, y);
                if (e < profile[k][0]) profile[k] = {e, lna, lnb};
            }
        }
        std::vector<std::array<double, 3>> starts;
        for (int k = 0; k < n_shape; ++k) {
            const bool below_left = k == 0 || profile[k][0] < profile[k - 1][0];
            const bool below_right = k + 1 == n_shape || profile[k][0] <= profile[k + 1][0];
            if (below_left && below_right) starts.push_back(profile[k]);
        }
        std::sort(starts.begin(), starts.end());
        if (starts.size() > 6) starts.resize(6);
        detail::BassFitState best{0.0, 0.0, std::numeric_limits<double>::infinity(), false};
        for (const auto& start : starts) {
            const detail::BassFitState st = detail::bass_levenberg_marquardt(start[1], start[2], z, y);
            if (st.sse < best.sse) best = st;
        }

        // Exact means every milestone's odds F/(K-F) are hit to ~1e-9 relative.
        const double exact_sse = 1e-18 * static_cast<double>(milestones.size());
        auto worst_miss = [&](double a, double b) {
            std::size_t worst = 0;
            double miss = 0.0;
            for (std::size_t i = 0; i < z.size(); ++i) {
                const double m = std::abs(BassAdoption(a / horizon, b / horizon, ceiling, launch_month)
                                              .share(milestones[i].month) - milestones[i].share);
                if (m > miss) {
                    miss = m;
                    worst = i;
                }
            }
            std::ostringstream os;
            os << "milestone " << worst + 1 << " (month " << detail::describe(milestones[worst].month) << ", share "
               << detail::describe(milestones[worst].share) << ") by " << detail::describe(miss);
            return os.str();
        };
        if (!std::isfinite(best.sse) || best.lna <= detail::bass_ln_min || best.lna >= detail::bass_ln_max ||
            best.lnb >= detail::bass_ln_max)
            throw NumericError("cannot fit a Bass adoption curve through the milestones: the solver left its range "
                               "(p = " + detail::describe(std::exp(best.lna) / horizon) +
                               ", q = " + detail::describe(std::exp(best.lnb) / horizon) +
                               " per month); use the logistic model or revise the milestones");
        if (best.sse <= exact_sse && !best.collapsed)
            return BassAdoption(std::exp(best.lna) / horizon, std::exp(best.lnb) / horizon, ceiling, launch_month);

        // Not exact: is the least-squares optimum on the boundary q = 0? It is
        // when the best innovation-only curve cannot be improved by adding
        // imitation, i.e. dSSE/dq >= 0 there (ln q cannot reach that point,
        // so the solver only creeps towards it).
        const detail::BassBoundaryFit edge = detail::bass_innovation_only_fit(z, y);
        if (best.collapsed || edge.dsse_db >= 0.0 || best.sse >= edge.sse) {
            if (edge.sse <= exact_sse) return BassAdoption(edge.a / horizon, 0.0, ceiling, launch_month);
            throw NumericError(
                "cannot fit a Bass adoption curve through the milestones: they level off faster than any Bass curve "
                "(the best fit has no imitation, q = 0, and still misses " +
                worst_miss(edge.a, 0.0) + "); use the logistic model or revise the milestones");
        }
        const double a = std::exp(best.lna), b = std::exp(best.lnb);
        if (milestones.size() == 2)
            throw NumericError("cannot fit a Bass adoption curve through the two milestones: no Bass curve passes "
                               "through both (the closest found misses " + worst_miss(a, b) +
                               "); use the logistic model or revise the milestones");
        return BassAdoption(a / horizon, b / horizon, ceiling, launch_month);
    }

    double p() const noexcept { return p_; }
    double q() const noexcept { return q_; }
    double ceiling() const noexcept { return ceiling_; }
    double launch_month() const noexcept { return launch_; }

    /// F(t - launch_month), a share in [0, ceiling]; 0 at and before launch.
    /// Throws ParameterError (`t`) for a non-finite t.
    double share(double t) const {
        detail::check_curve_time(t);
        const double tau = t - launch_;
        if (tau <= 0.0) return 0.0;
        const double s = p_ + q_;
        const double e = std::exp(-s * tau);
        // q/p may overflow for a late, steep curve; once e underflows the
        // imitation term is 0 whatever q/p is (and inf * 0 must not happen).
        const double imitation = e == 0.0 ? 0.0 : (q_ / p_) * e;
        return ceiling_ * -std::expm1(-s * tau) / (1.0 + imitation);
    }

    /// out[j] = share(t[j]); bit-identical to the scalar version.
    void share(const Eigen::ArrayXd& t, Eigen::ArrayXd& out) const {
        out.resize(t.size());
        for (Eigen::Index j = 0; j < t.size(); ++j) out[j] = share(t[j]);
    }

    /// The same curve with its launch `delay_months` later (earlier when
    /// negative): delayed(d).share(t) == share(t - d) up to rounding.
    BassAdoption delayed(double delay_months) const {
        CREDROI_REQUIRE(std::isfinite(delay_months), "adoption.delay_months",
                        "expected a finite delay in months, found " << detail::describe(delay_months));
        return BassAdoption(p_, q_, ceiling_, launch_ + delay_months);
    }

private:
    double p_;
    double q_;
    double ceiling_;
    double launch_;
};

/// Either adoption curve, as a value the model can hold and copy.
class AdoptionCurve {
public:
    AdoptionCurve(LogisticAdoption curve) : curve_(curve) {}  // NOLINT(google-explicit-constructor)
    AdoptionCurve(BassAdoption curve) : curve_(curve) {}      // NOLINT(google-explicit-constructor)

    /// Fits the chosen model through the milestones. `launch_month` is used by
    /// Bass only (the logistic has no launch). Throws as the model's own fit.
    static AdoptionCurve fit(AdoptionModel model, const std::vector<AdoptionMilestone>& milestones, double ceiling,
                             double launch_month = 0.0) {
        if (model == AdoptionModel::bass) return BassAdoption::fit(milestones, ceiling, launch_month);
        return LogisticAdoption::fit(milestones, ceiling);
    }

    AdoptionModel model() const noexcept {
        return std::holds_alternative<BassAdoption>(curve_) ? AdoptionModel::bass : AdoptionModel::logistic;
    }
    double ceiling() const {
        return std::visit([](const auto& c) { return c.ceiling(); }, curve_);
    }
    /// a(t) of the held curve; see LogisticAdoption::share, BassAdoption::share.
    double share(double t) const {
        return std::visit([t](const auto& c) { return c.share(t); }, curve_);
    }
    void share(const Eigen::ArrayXd& t, Eigen::ArrayXd& out) const {
        std::visit([&](const auto& c) { c.share(t, out); }, curve_);
    }
    AdoptionCurve delayed(double delay_months) const {
        return std::visit([delay_months](const auto& c) { return AdoptionCurve(c.delayed(delay_months)); }, curve_);
    }
    /// The held curve, or nullptr when it is the other kind.
    const LogisticAdoption* logistic() const noexcept { return std::get_if<LogisticAdoption>(&curve_); }
    const BassAdoption* bass() const noexcept { return std::get_if<BassAdoption>(&curve_); }

private:
    std::variant<LogisticAdoption, BassAdoption> curve_;
};

}  // namespace credroi
