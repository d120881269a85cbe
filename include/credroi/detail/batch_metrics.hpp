#pragma once
// The Monte Carlo engine's per-trial metrics, computed for a whole batch at
// once: every loop runs over the months on the outside and the trials of the
// batch on the inside, reading contiguous columns of the trials × months
// arrays, instead of one trial at a time along strided rows.
//
// Each trial's numbers are those of trial_metric_row (Model::metrics): every
// sum is taken in the same order with the same operations, so they are the
// same bits (tested), except the IRR, which comes from irr_columns (same
// statuses, the root to a few ulp of 1 + rate). A batch with anything
// irregular (a non-finite flow, a rate at or below -100 %, an overflow) is
// handed to trial_metric_row whole, so errors are exactly Model::metrics'.
#include <credroi/finance.hpp>
#include <credroi/model.hpp>
#include <credroi/detail/irr_batch.hpp>

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace credroi::detail {

/// npv, irr, mirr, roi, bcr, payback_months, discounted_payback_months,
/// cost_per_credential, total_shortfall; then the net of each fiscal year and,
/// with a budget, the shortfall of each.
inline constexpr int fixed_metric_count = 9;

/// The metrics of one trial, in the order above. Missing ones are NaN.
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

/// Buffers batch_metric_rows reuses from batch to batch.
struct BatchMetricsWorkspace {
    Eigen::ArrayXXd net;
    Eigen::ArrayXd pv_costs, pv_benefits, total_costs, total_benefits, credentials;
    Eigen::ArrayXd monthly_rate, reinvest_rate, irr, a, b, c;
    struct PaybackState {
        double sum, compensation, gross, previous, result;
        bool negative, done;
    };
    std::vector<PaybackState> simple, discounted;
    std::vector<double> payback_factor;
    IrrColumnsWorkspace irr_workspace;
    MetricsWorkspace scalar;
    std::vector<double> row;
};

namespace batch_metrics_detail {

// f(x) per trial, computed once when every trial has the same x (the usual
// case: the discount rate is rarely uncertain); same bits either way.
template <class F>
void per_trial(const Eigen::ArrayXd& x, Eigen::ArrayXd& out, F f) {
    out.resize(x.size());
    if (x.size() == 0) return;
    if ((x == x(0)).all()) {
        out.setConstant(f(x(0)));
        return;
    }
    for (Eigen::Index t = 0; t < x.size(); ++t) out(t) = f(x(t));
}

// One step of payback_of for one trial; false on overflow (payback_of throws).
// Called twice per trial and month, the hottest call of the metrics: GCC
// would otherwise not inline it.
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
inline bool payback_step(BatchMetricsWorkspace::PaybackState& s, double f, std::size_t j) {
    const double next = s.sum + f;
    s.compensation += std::abs(s.sum) >= std::abs(f) ? (s.sum - next) + f : (f - next) + s.sum;
    s.sum = next;
    s.gross += std::abs(f);
    const double cumulative = s.sum + s.compensation;
    if (!std::isfinite(cumulative) || !std::isfinite(s.gross)) return false;
    const double noise = 32.0 * std::numeric_limits<double>::epsilon() * s.gross;
    if (cumulative < -noise) {
        s.negative = true;
    } else if (s.negative) {
        s.result = static_cast<double>(j - 1) + std::min(1.0, -s.previous / (cumulative - s.previous));
        s.done = true;
    }
    s.previous = cumulative;
    return true;
}

#if defined(__AVX__) && defined(__GNUC__)
// payback_step for every trial of the batch, both paybacks at once, a vector
// of trials at a time (GCC/Clang vector extensions: four trials to an AVX
// register, eight under AVX-512): each lane does payback_of's operations in
// its order (the same bits), the branches become masks, and the vector's state
// stays in registers through the months until all its trials have paid back.
// Each month's step is a long chain of dependent operations; four or more
// trials side by side keep the units busy where one pair would wait on it.
// (SSE2 builds use the version below: with a four-wide type GCC spills to the
// stack.) False where payback_of would throw (an overflow before the trial
// paid back).
inline bool payback_columns(BatchMetricsWorkspace& ws, const Eigen::ArrayXd& log_x, Eigen::Index T, Eigen::Index shift,
                            bool same_rate, Eigen::ArrayXXd& out) {
    using Eigen::Index;
#if defined(__AVX512F__)
    constexpr int W = 8;
#else
    constexpr int W = 4;
#endif
    typedef double pack __attribute__((vector_size(W * sizeof(double))));
    typedef std::int64_t mask __attribute__((vector_size(W * sizeof(double))));  // a comparison's result
    const Index B = ws.net.rows();
    std::vector<double>& common_factor = ws.payback_factor;  // (1 + rate)^-j when every trial has the same rate
    if (same_rate) {
        common_factor.resize(static_cast<std::size_t>(T));
        for (Index j = 0; j < T; ++j) common_factor[static_cast<std::size_t>(j)] = std::exp(static_cast<double>(j) * log_x(0));
    }
    const pack zero = pack{}, one = zero + 1.0;
    const pack nan = zero + std::numeric_limits<double>::quiet_NaN();
    const pack noise_per_gross = zero + 32.0 * std::numeric_limits<double>::epsilon();
    const mask sign_bit = mask{} + std::numeric_limits<std::int64_t>::min();
    // Bitwise operations on doubles, exact: |x|, -x, and m ? a : b per lane.
    auto magnitude = [&](const pack& x) { return reinterpret_cast<pack>(reinterpret_cast<mask>(x) & ~sign_bit); };
    auto negated = [&](const pack& x) { return reinterpret_cast<pack>(reinterpret_cast<mask>(x) ^ sign_bit); };
    auto select = [](const mask& m, const pack& a, const pack& b) {
        return reinterpret_cast<pack>((m & reinterpret_cast<mask>(a)) | (~m & reinterpret_cast<mask>(b)));
    };
    struct State {
        pack sum, compensation, gross, previous, result;
        mask negative, done;
    };
    mask overflow = mask{};
    auto step = [&](State& s, const pack& f, const pack& j_minus_1) {
        const pack next = s.sum + f;
        const mask larger_sum = magnitude(s.sum) >= magnitude(f);
        s.compensation = s.compensation + select(larger_sum, (s.sum - next) + f, (f - next) + s.sum);
        s.sum = next;
        s.gross = s.gross + magnitude(f);
        const pack cumulative = s.sum + s.compensation;
        // x - x is 0 exactly when x is finite
        const mask finite = ((cumulative - cumulative) == zero) & ((s.gross - s.gross) == zero);
        overflow |= ~s.done & ~finite;
        const mask below = cumulative < negated(noise_per_gross * s.gross);
        const mask crossing = ~s.done & ~below & s.negative;
        // std::min(1.0, q) is q < 1 ? q : 1 (a NaN q gives 1)
        const pack q = negated(s.previous) / (cumulative - s.previous);
        s.result = select(crossing, j_minus_1 + select(q < one, q, one), s.result);
        s.negative |= ~s.done & below;
        s.done |= crossing;
        s.previous = cumulative;
    };
    for (Index t = 0; t < B; t += W) {
        const int lanes = static_cast<int>(std::min<Index>(W, B - t));  // the last vector's others compute on zeros
        State simple{zero, zero, zero, zero, nan, mask{}, mask{}}, discounted = simple;
        for (Index j = 0; j < T; ++j) {
            pack f = zero;
            if (j >= shift)
                std::memcpy(&f, ws.net.col(j - shift).data() + t, static_cast<std::size_t>(lanes) * sizeof(double));
            // static_cast<double>(j - 1) of payback_of's size_t j: used only once a
            // trial has been negative, so from j = 1 on
            const pack j_minus_1 = zero + (j > 0 ? static_cast<double>(j - 1) : 0.0);
            step(simple, f, j_minus_1);
            pack factor = zero;
            if (same_rate)
                factor += common_factor[static_cast<std::size_t>(j)];
            else
                for (int l = 0; l < lanes; ++l) factor[l] = std::exp(static_cast<double>(j) * log_x(t + l));
            step(discounted, f * factor, j_minus_1);
            const mask both = simple.done & discounted.done;
            bool all_done = true;
            for (int l = 0; l < W; ++l) all_done &= both[l] != 0;
            if (all_done) break;
        }
        for (int k = 0; k < 2; ++k) {
            const State& s = k == 0 ? simple : discounted;
            const pack r = select(s.done, s.result, select(s.negative, nan, zero));  // done ? result : negative ? NaN : 0
            for (int l = 0; l < lanes; ++l) out(t + l, 5 + k) = r[l];
        }
    }
    bool any_overflow = false;
    for (int l = 0; l < W; ++l) any_overflow |= overflow[l] != 0;
    return !any_overflow;
}
#elif defined(__SSE2__)
// payback_step for every trial of the batch, both paybacks at once, two trials
// per SSE2 register: each lane does payback_of's operations in its order (the
// same bits), the branches become masks, and a pair's state stays in registers
// through the months until both its trials have paid back. False where
// payback_of would throw (an overflow before the trial paid back).
inline bool payback_columns(BatchMetricsWorkspace& ws, const Eigen::ArrayXd& log_x, Eigen::Index T, Eigen::Index shift,
                            bool same_rate, Eigen::ArrayXXd& out) {
    using Eigen::Index;
    const Index B = ws.net.rows();
    std::vector<double>& common_factor = ws.payback_factor;  // (1 + rate)^-j when every trial has the same rate
    if (same_rate) {
        common_factor.resize(static_cast<std::size_t>(T));
        for (Index j = 0; j < T; ++j) common_factor[static_cast<std::size_t>(j)] = std::exp(static_cast<double>(j) * log_x(0));
    }
    const __m128d zero = _mm_setzero_pd();
    const __m128d magnitude_mask = _mm_castsi128_pd(_mm_set1_epi64x(std::numeric_limits<std::int64_t>::max()));
    const __m128d noise_per_gross = _mm_set1_pd(32.0 * std::numeric_limits<double>::epsilon());
    const __m128d one = _mm_set1_pd(1.0);
    const __m128d sign_bit = _mm_set1_pd(-0.0);  // x ^ sign_bit is -x, exactly
    const __m128d all = _mm_castsi128_pd(_mm_set1_epi64x(-1));
    const __m128d nan = _mm_set1_pd(std::numeric_limits<double>::quiet_NaN());
    struct State {
        __m128d sum, compensation, gross, previous, result, negative, done;
    };
    __m128d overflow = zero;
    auto step = [&](State& s, __m128d f, __m128d j_minus_1) {
        const __m128d next = _mm_add_pd(s.sum, f);
        const __m128d larger_sum = _mm_cmpge_pd(_mm_and_pd(s.sum, magnitude_mask), _mm_and_pd(f, magnitude_mask));
        const __m128d if_sum = _mm_add_pd(_mm_sub_pd(s.sum, next), f), if_flow = _mm_add_pd(_mm_sub_pd(f, next), s.sum);
        s.compensation = _mm_add_pd(s.compensation, _mm_or_pd(_mm_and_pd(larger_sum, if_sum), _mm_andnot_pd(larger_sum, if_flow)));
        s.sum = next;
        s.gross = _mm_add_pd(s.gross, _mm_and_pd(f, magnitude_mask));
        const __m128d cumulative = _mm_add_pd(s.sum, s.compensation);
        // x - x is 0 exactly when x is finite
        const __m128d finite =
            _mm_and_pd(_mm_cmpeq_pd(_mm_sub_pd(cumulative, cumulative), zero), _mm_cmpeq_pd(_mm_sub_pd(s.gross, s.gross), zero));
        overflow = _mm_or_pd(overflow, _mm_andnot_pd(s.done, _mm_andnot_pd(finite, all)));
        const __m128d noise = _mm_mul_pd(noise_per_gross, s.gross);
        const __m128d below = _mm_cmplt_pd(cumulative, _mm_xor_pd(noise, sign_bit));
        const __m128d crossing = _mm_andnot_pd(s.done, _mm_andnot_pd(below, s.negative));
        // std::min(1.0, q) is q < 1 ? q : 1, as _mm_min_pd(q, 1) (a NaN q gives 1 in both)
        const __m128d fraction = _mm_min_pd(_mm_div_pd(_mm_xor_pd(s.previous, sign_bit), _mm_sub_pd(cumulative, s.previous)), one);
        s.result = _mm_or_pd(_mm_and_pd(crossing, _mm_add_pd(j_minus_1, fraction)), _mm_andnot_pd(crossing, s.result));
        s.negative = _mm_or_pd(s.negative, _mm_andnot_pd(s.done, below));
        s.done = _mm_or_pd(s.done, crossing);
        s.previous = cumulative;
    };
    alignas(16) double lane[2];
    for (Index t = 0; t < B; t += 2) {
        const bool pair = t + 1 < B;  // an odd batch's last trial: its partner lane computes on zeros
        State simple{zero, zero, zero, zero, nan, zero, zero}, discounted = simple;
        for (Index j = 0; j < T; ++j) {
            __m128d f = zero;
            if (j >= shift) {
                const double* month = ws.net.col(j - shift).data() + t;
                f = pair ? _mm_loadu_pd(month) : _mm_set_pd(0.0, month[0]);
            }
            // static_cast<double>(j - 1) of payback_of's size_t j: used only once a
            // trial has been negative, so from j = 1 on
            const __m128d j_minus_1 = _mm_set1_pd(j > 0 ? static_cast<double>(j - 1) : 0.0);
            step(simple, f, j_minus_1);
            const __m128d factor = same_rate ? _mm_set1_pd(common_factor[static_cast<std::size_t>(j)])
                                   : _mm_set_pd(pair ? std::exp(static_cast<double>(j) * log_x(t + 1)) : 0.0,
                                                std::exp(static_cast<double>(j) * log_x(t)));
            step(discounted, _mm_mul_pd(f, factor), j_minus_1);
            if (_mm_movemask_pd(_mm_and_pd(simple.done, discounted.done)) == 3) break;
        }
        for (int k = 0; k < 2; ++k) {
            const State& s = k == 0 ? simple : discounted;
            // done ? result : negative ? NaN : 0
            _mm_store_pd(lane, _mm_or_pd(_mm_and_pd(s.done, s.result), _mm_andnot_pd(s.done, _mm_and_pd(s.negative, nan))));
            out(t, 5 + k) = lane[0];
            if (pair) out(t + 1, 5 + k) = lane[1];
        }
    }
    return !_mm_movemask_pd(overflow);
}
#endif

}  // namespace batch_metrics_detail

/// Every trial's metric row: `out` is trials × metrics, columns in the order
/// of trial_metric_row. Throws what Model::metrics throws.
inline void batch_metric_rows(const Model& model, const BatchResult& b, Eigen::ArrayXXd& out, BatchMetricsWorkspace& ws,
                              bool with_irr) {
    using Eigen::Index;
    namespace bm = batch_metrics_detail;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const Index B = b.costs.rows();
    const Index H = b.costs.cols();
    const auto& years = model.fiscal_years();
    const auto F = static_cast<Index>(years.size());
    const bool budget = b.fiscal_year_budget.cols() > 0;
    out.resize(B, fixed_metric_count + F * (budget ? 2 : 1));
    if (B == 0) return;

    auto scalar_batch = [&] {
        ws.row.resize(static_cast<std::size_t>(out.cols()));
        for (Index t = 0; t < B; ++t) {
            trial_metric_row(model, b, t, ws.row.data(), ws.scalar, with_irr);
            for (Index m = 0; m < out.cols(); ++m) out(t, m) = ws.row[static_cast<std::size_t>(m)];
        }
    };
    auto valid_rate = [](double r) { return std::isfinite(r) && r > -1.0; };
    for (Index t = 0; t < B; ++t)
        if (!valid_rate(b.discount_rate(t)) || !valid_rate(b.reinvestment_rate(t))) return scalar_batch();

    // ---- sums over the months, as trial_metrics takes them (month by month, from 0)
    ws.pv_costs.setZero(B);
    ws.pv_benefits.setZero(B);
    ws.total_costs.setZero(B);
    ws.total_benefits.setZero(B);
    ws.credentials.setZero(B);
    for (Index i = 0; i < H; ++i) {
        ws.pv_costs += b.costs.col(i) * b.discount_factors.col(i);
        ws.pv_benefits += b.benefits.col(i) * b.discount_factors.col(i);
        ws.total_costs += b.costs.col(i);
        ws.total_benefits += b.benefits.col(i);
        ws.credentials += b.credentials.col(i);
    }
    // A non-finite flow, factor or count makes one of these non-finite.
    if (!(ws.pv_costs.isFinite().all() && ws.pv_benefits.isFinite().all() && ws.total_costs.isFinite().all() &&
          ws.total_benefits.isFinite().all() && ws.credentials.isFinite().all()))
        return scalar_batch();
    ws.net = b.benefits - b.costs;
    // A finite sum proves every flow finite (one vectorised pass; isFinite().all()
    // tests coefficient by coefficient); an overflowing sum of finite flows
    // merely takes the scalar path, which gives the same numbers.
    if (!std::isfinite(ws.net.sum())) return scalar_batch();

    out.col(0) = ws.pv_benefits - ws.pv_costs;
    // Finite sums can still give an infinite NPV (their difference) or ratio
    // (over a PV of costs or a credential count near the smallest double):
    // Model::metrics names that overflow, so such a batch takes its path.
    bool overflow = false;
    for (Index t = 0; t < B; ++t) {
        const double pv_costs = ws.pv_costs(t), pv_benefits = ws.pv_benefits(t);
        out(t, 3) = pv_costs > 0 ? (pv_benefits - pv_costs) / pv_costs : nan;
        out(t, 4) = pv_costs > 0 ? pv_benefits / pv_costs : nan;
        const double credentials = ws.credentials(t);
        out(t, 7) = credentials > 0 ? ws.total_costs(t) / credentials : nan;
        overflow |= std::isinf(out(t, 0)) | std::isinf(out(t, 3)) | std::isinf(out(t, 4)) | std::isinf(out(t, 7));
    }
    if (overflow) return scalar_batch();
    bm::per_trial(b.discount_rate, ws.monthly_rate, [](double r) { return monthly_rate_from_annual(r); });

    // ---- IRR and MIRR
    // Payback and MIRR count months from the model start: with end-of-month
    // flows, month i's flow stands at t = i + 1 and a zero flow at t = 0.
    const Index shift = model.scenario().cash_flows_at_month_start ? 0 : 1;
    const Index T = H + shift;  // periods of the timed series
    if (with_irr) {
        irr_columns(ws.net, ws.monthly_rate, ws.irr, ws.irr_workspace);
        // annual_rate_of_return per trial: the products for the whole column
        // (vectorised; a NaN stays NaN), then the rare rates they do not take.
        {
            const double* irr = ws.irr.data();
            double* annual = &out(0, 1);
            for (Index t = 0; t < B; ++t) annual[t] = annual_rate_by_products(irr[t]);
            for (Index t = 0; t < B; ++t)
                if (!annualises_by_products(irr[t]) && !std::isnan(irr[t])) annual[t] = annual_rate_from_monthly(irr[t]);
        }
        bm::per_trial(b.reinvestment_rate, ws.reinvest_rate, [](double r) { return monthly_rate_from_annual(r); });
        // mirr(): PV of the negative flows at the finance rate, FV of the positive ones at the reinvestment rate
        Eigen::ArrayXd& pv_negative = ws.a;
        Eigen::ArrayXd& fv_positive = ws.b;
        pv_negative.setZero(B);
        fv_positive.setZero(B);
        Eigen::ArrayXd& x = ws.c;
        x = 1.0 / (1.0 + ws.monthly_rate);
        ws.reinvest_rate += 1.0;  // g = 1 + reinvestment rate
        // Column by column, as Eigen expressions (its packet min/max give
        // std::min/max's results, signed zeros and NaNs included: the same bits
        // as mirr(), without a branch on each flow's sign).
        for (Index k = T; k-- > 0;) {
            if (k < shift)
                pv_negative = pv_negative * x + 0.0;  // min(0, 0)
            else
                pv_negative = pv_negative * x + ws.net.col(k - shift).min(0.0);
        }
        for (Index k = 0; k < T; ++k) {
            if (k < shift)
                fv_positive = fv_positive * ws.reinvest_rate + 0.0;
            else
                fv_positive = fv_positive * ws.reinvest_rate + ws.net.col(k - shift).max(0.0);
        }
        for (Index t = 0; t < B; ++t) {
            if (pv_negative(t) == 0.0 || fv_positive(t) == 0.0) {
                out(t, 2) = nan;
                continue;
            }
            const double monthly = std::pow(fv_positive(t) / -pv_negative(t), 1.0 / static_cast<double>(T - 1)) - 1.0;
            if (!std::isfinite(monthly)) return scalar_batch();  // mirr() throws
            out(t, 2) = annual_rate_of_return(monthly);
        }
    } else {
        out.col(1).setConstant(nan);
        out.col(2).setConstant(nan);
    }

    // ---- payback and discounted payback (payback_of, both at once)
    Eigen::ArrayXd& log_x = ws.c;
    bm::per_trial(ws.monthly_rate, log_x, [](double r) { return -std::log1p(r); });
    const bool same_rate = (ws.monthly_rate == ws.monthly_rate(0)).all();
#if defined(__SSE2__)
    if (!bm::payback_columns(ws, log_x, T, shift, same_rate, out)) return scalar_batch();
#else
    auto timed = [&](Index j, Index t) { return j < shift ? 0.0 : ws.net(t, j - shift); };
    ws.simple.assign(static_cast<std::size_t>(B), {0, 0, 0, 0, nan, false, false});
    ws.discounted.assign(static_cast<std::size_t>(B), {0, 0, 0, 0, nan, false, false});
    for (Index j = 0; j < T; ++j) {
        const double common_factor = std::exp(static_cast<double>(j) * log_x(0));
        for (Index t = 0; t < B; ++t) {
            const double f = timed(j, t);
            auto& s = ws.simple[static_cast<std::size_t>(t)];
            if (!s.done && !bm::payback_step(s, f, static_cast<std::size_t>(j))) return scalar_batch();
            auto& d = ws.discounted[static_cast<std::size_t>(t)];
            if (d.done) continue;
            const double factor = same_rate ? common_factor : std::exp(static_cast<double>(j) * log_x(t));
            if (!bm::payback_step(d, f * factor, static_cast<std::size_t>(j))) return scalar_batch();
        }
    }
    for (Index t = 0; t < B; ++t) {
        const auto& s = ws.simple[static_cast<std::size_t>(t)];
        const auto& d = ws.discounted[static_cast<std::size_t>(t)];
        out(t, 5) = s.done ? s.result : s.negative ? nan : 0.0;
        out(t, 6) = d.done ? d.result : d.negative ? nan : 0.0;
    }
#endif

    // ---- fiscal years (Eigen sums a strided row segment from its first element on)
    Eigen::ArrayXd& costs = ws.a;
    Eigen::ArrayXd& benefits = ws.b;
    out.col(8).setZero();
    for (Index f = 0; f < F; ++f) {
        const FiscalPeriod& p = years[static_cast<std::size_t>(f)];
        costs = b.costs.col(p.first_month_index);
        benefits = b.benefits.col(p.first_month_index);
        for (int k = 1; k < p.month_count; ++k) {
            costs += b.costs.col(p.first_month_index + k);
            benefits += b.benefits.col(p.first_month_index + k);
        }
        out.col(fixed_metric_count + f) = benefits - costs;
        if (budget) {
            for (Index t = 0; t < B; ++t) {
                const double shortfall = std::max(0.0, costs(t) - b.fiscal_year_budget(t, f));
                out(t, fixed_metric_count + F + f) = shortfall;
                out(t, 8) += shortfall;
            }
        }
    }
}

}  // namespace credroi::detail
