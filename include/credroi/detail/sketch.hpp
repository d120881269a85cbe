#pragma once
// A mergeable quantile sketch with bounded relative error, for summaries whose
// memory must not grow with the number of trials.
//
// A value's bucket is its sign and the top bits of the IEEE-754 pattern of |x|
// (exponent and the first `mantissa_bits` of the mantissa): monotone in |x|, a
// shift to compute, and every bucket spans a relative width of at most
// 2^-mantissa_bits. Counts are integers, so merging is exact and independent
// of order: the same trials give the same sketch whatever the thread count.
//
// Bounded memory: the bucket arrays are dense from the smallest to the largest
// magnitude seen, and values ever closer to zero (a cumulative cash flow that
// crosses zero, say) would widen them with every extra trial. A fixed floor,
// chosen before any value is added, stops that: a nonzero magnitude below it
// counts in the floor's bucket, so the arrays span at most log2(largest /
// floor) binades whatever the number of trials. The price is an absolute error
// of at most the floor for values below it (where a relative error would be
// meaningless for sums that are only known to rounding anyway).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace credroi::detail {

/// The value a fraction of the way from the order statistic `a` to the next
/// one, `b` (numpy.percentile's linear rule). a + (b - a) * fraction, except
/// that an infinite order statistic stays infinite instead of turning into
/// NaN (inf - inf, inf * 0): at its own rank, and between it and a finite
/// neighbour, the interpolation is that infinity; only between -inf and +inf
/// is there no value (NaN). For finite a and b the bits are those of the formula.
inline double interpolate_rank(double a, double b, double fraction) {
    if (a == b || fraction == 0.0) return a;
    if (std::isinf(a) || std::isinf(b)) {
        if (std::isinf(a) && std::isinf(b)) return std::numeric_limits<double>::quiet_NaN();
        return std::isinf(a) ? a : b;
    }
    return a + (b - a) * fraction;
}

template <class Count = std::uint64_t>
class QuantileSketch {
public:
    /// `floor`: magnitudes below it (> 0) count as the floor, keeping its sign;
    /// 0 keeps every magnitude apart. Sketches that are merged need the same floor.
    explicit QuantileSketch(int mantissa_bits = 12, double floor = 0.0)
        : shift_(52 - mantissa_bits), floor_key_(floor > 0.0 && std::isfinite(floor) ? key(floor) : 0) {}

    void add(double x) {
        if (!(x == x)) return;  // NaN: the caller counts missing values itself
        ++total_;
        if (x == 0.0) {
            ++zeros_;
            return;
        }
        (x > 0 ? positive_ : negative_).add(std::max(key(std::fabs(x)), floor_key_));
    }

    /// add(x[j]) for j < n; the same counts, with less work per value: the bucket
    /// arrays are sized once per call, and runs of values in one bucket (the
    /// early months of a cash flow, where many trials agree) are counted in a
    /// register instead of one dependent memory increment each.
    void add(const double* x, std::size_t n) {
        constexpr std::size_t chunk = 256;
        constexpr std::int64_t skip = std::numeric_limits<std::int64_t>::min();  // NaN or zero
        std::int64_t code[chunk];  // key for x > 0, ~key (< 0) for x < 0, `skip` otherwise
        for (std::size_t at = 0; at < n; at += chunk) {
            const std::size_t m = std::min(chunk, n - at);
            std::int64_t p_lo = std::numeric_limits<std::int64_t>::max(), p_hi = -1;
            std::int64_t n_lo = std::numeric_limits<std::int64_t>::max(), n_hi = -1;
            std::uint64_t nans = 0, zeros = 0;
            std::size_t i = 0;
#if defined(__SSE2__)
            // Two values at a time: the key is monotone in the magnitude, so the
            // range of keys is the keys of the range of (floored) magnitudes, and
            // max(key(|v|), floor key) is the key of max(|v|, floor).
            {
                const __m128d zero = _mm_setzero_pd();
                const __m128d inf = _mm_set1_pd(std::numeric_limits<double>::infinity());
                const __m128d magnitude_mask = _mm_castsi128_pd(_mm_set1_epi64x(std::numeric_limits<std::int64_t>::max()));
                const __m128d floor = _mm_set1_pd(magnitude(floor_key_));
                const __m128i shift = _mm_cvtsi32_si128(shift_);
                const __m128i skip_code = _mm_set1_epi64x(skip), ones = _mm_set1_epi64x(-1);
                __m128d p_min = inf, p_max = zero, n_min = inf, n_max = zero, any_p = zero, any_n = zero;
                __m128i nan_count = _mm_setzero_si128(), zero_count = _mm_setzero_si128();
                for (; i + 2 <= m; i += 2) {
                    const __m128d v = _mm_loadu_pd(x + at + i);
                    const __m128d a = _mm_max_pd(_mm_and_pd(v, magnitude_mask), floor);
                    const __m128d positive = _mm_cmpgt_pd(v, zero), negative = _mm_cmplt_pd(v, zero);
                    nan_count = _mm_sub_epi64(nan_count, _mm_castpd_si128(_mm_cmpunord_pd(v, v)));
                    zero_count = _mm_sub_epi64(zero_count, _mm_castpd_si128(_mm_cmpeq_pd(v, zero)));
                    p_min = _mm_min_pd(p_min, _mm_or_pd(_mm_and_pd(positive, a), _mm_andnot_pd(positive, inf)));
                    p_max = _mm_max_pd(p_max, _mm_and_pd(positive, a));
                    n_min = _mm_min_pd(n_min, _mm_or_pd(_mm_and_pd(negative, a), _mm_andnot_pd(negative, inf)));
                    n_max = _mm_max_pd(n_max, _mm_and_pd(negative, a));
                    any_p = _mm_or_pd(any_p, positive);
                    any_n = _mm_or_pd(any_n, negative);
                    const __m128i k = _mm_srl_epi64(_mm_castpd_si128(a), shift);
                    const __m128i p = _mm_castpd_si128(positive), q = _mm_castpd_si128(negative);
                    const __m128i c = _mm_or_si128(
                        _mm_and_si128(p, k),
                        _mm_andnot_si128(p, _mm_or_si128(_mm_and_si128(q, _mm_xor_si128(k, ones)), _mm_andnot_si128(q, skip_code))));
                    _mm_storeu_si128(reinterpret_cast<__m128i*>(code + i), c);
                }
                alignas(16) double lanes[2];
                alignas(16) std::uint64_t counts[2];
                auto lane_min = [&](__m128d r) { _mm_store_pd(lanes, r); return std::min(lanes[0], lanes[1]); };
                auto lane_max = [&](__m128d r) { _mm_store_pd(lanes, r); return std::max(lanes[0], lanes[1]); };
                if (_mm_movemask_pd(any_p)) {
                    p_lo = key(lane_min(p_min));
                    p_hi = key(lane_max(p_max));
                }
                if (_mm_movemask_pd(any_n)) {
                    n_lo = key(lane_min(n_min));
                    n_hi = key(lane_max(n_max));
                }
                _mm_store_si128(reinterpret_cast<__m128i*>(counts), nan_count);
                nans += counts[0] + counts[1];
                _mm_store_si128(reinterpret_cast<__m128i*>(counts), zero_count);
                zeros += counts[0] + counts[1];
            }
#endif
            for (; i < m; ++i) {
                const double v = x[at + i];
                const std::int64_t k = std::max(key(std::fabs(v)), floor_key_);
                const bool positive = v > 0.0, negative = v < 0.0;
                nans += !(v == v);
                zeros += v == 0.0;
                code[i] = positive ? k : negative ? ~k : skip;
                p_lo = positive ? std::min(p_lo, k) : p_lo;
                p_hi = positive ? std::max(p_hi, k) : p_hi;
                n_lo = negative ? std::min(n_lo, k) : n_lo;
                n_hi = negative ? std::max(n_hi, k) : n_hi;
            }
            total_ += m - nans;
            zeros_ += zeros;
            if (p_hi >= 0) positive_.cover(p_lo, p_hi);
            if (n_hi >= 0) negative_.cover(n_lo, n_hi);
            Count* const p_base = positive_.counts.data();
            Count* const n_base = negative_.counts.data();
            const std::int64_t p_first = positive_.first, n_first = negative_.first;
            std::int64_t run_code = code[0];
            Count run = 0;
            auto flush = [&] {
                if (run_code >= 0)
                    p_base[run_code - p_first] += run;
                else if (run_code != skip)
                    n_base[~run_code - n_first] += run;
            };
            for (std::size_t j = 0; j < m; ++j) {
                if (code[j] == run_code) {
                    ++run;
                    continue;
                }
                flush();
                run_code = code[j];
                run = 1;
            }
            flush();
        }
    }

    void merge(const QuantileSketch& o) {
        total_ += o.total_;
        zeros_ += o.zeros_;
        positive_.merge(o.positive_);
        negative_.merge(o.negative_);
    }

    std::uint64_t count() const noexcept { return total_; }
    /// Buckets held (the memory, in counts).
    std::size_t buckets() const noexcept { return positive_.counts.size() + negative_.counts.size(); }

    /// The value at probability p (linear rank p (n - 1), as NumPy's default),
    /// within a relative error of 2^-(mantissa_bits+1) of an order statistic,
    /// or within the floor where that is larger.
    double quantile(double p) const {
        if (total_ == 0) return std::nan("");
        const double rank = std::clamp(p, 0.0, 1.0) * static_cast<double>(total_ - 1);
        const auto lo = static_cast<std::uint64_t>(std::floor(rank));
        const auto hi = std::min<std::uint64_t>(lo + 1, total_ - 1);
        return interpolate_rank(at_rank(lo), at_rank(hi), rank - static_cast<double>(lo));
    }

private:
    struct Side {
        std::int64_t first = 0;
        std::vector<Count> counts;
        void add(std::int64_t k) {
            if (counts.empty()) {
                first = k;
                counts.assign(1, 0);
            } else if (k < first) {
                counts.insert(counts.begin(), static_cast<std::size_t>(first - k), 0);
                first = k;
            } else if (k >= first + static_cast<std::int64_t>(counts.size())) {
                counts.resize(static_cast<std::size_t>(k - first + 1), 0);
            }
            ++counts[static_cast<std::size_t>(k - first)];
        }
        /// Widens the bucket array to hold keys lo..hi (lo <= hi).
        void cover(std::int64_t lo, std::int64_t hi) {
            if (counts.empty()) {
                first = lo;
                counts.assign(static_cast<std::size_t>(hi - lo + 1), 0);
                return;
            }
            if (lo < first) {
                counts.insert(counts.begin(), static_cast<std::size_t>(first - lo), 0);
                first = lo;
            }
            if (hi >= first + static_cast<std::int64_t>(counts.size())) counts.resize(static_cast<std::size_t>(hi - first + 1), 0);
        }
        void merge(const Side& o) {
            if (o.counts.empty()) return;
            const std::int64_t o_last = o.first + static_cast<std::int64_t>(o.counts.size()) - 1;
            if (counts.empty()) {
                *this = o;
                return;
            }
            const std::int64_t last = first + static_cast<std::int64_t>(counts.size()) - 1;
            const std::int64_t new_first = std::min(first, o.first), new_last = std::max(last, o_last);
            if (new_first < first) counts.insert(counts.begin(), static_cast<std::size_t>(first - new_first), 0);
            first = new_first;
            counts.resize(static_cast<std::size_t>(new_last - new_first + 1), 0);
            for (std::size_t i = 0; i < o.counts.size(); ++i)
                counts[static_cast<std::size_t>(o.first - first) + i] += o.counts[i];
        }
    };

    std::int64_t key(double magnitude) const {
        std::uint64_t bits;
        std::memcpy(&bits, &magnitude, sizeof bits);
        return static_cast<std::int64_t>(bits >> shift_);
    }
    /// The smallest magnitude with key k.
    double magnitude(std::int64_t k) const {
        const std::uint64_t bits = static_cast<std::uint64_t>(k) << shift_;
        double m;
        std::memcpy(&m, &bits, sizeof m);
        return m;
    }
    double centre(std::int64_t k) const {
        const std::uint64_t lo_bits = static_cast<std::uint64_t>(k) << shift_;
        const std::uint64_t hi_bits = static_cast<std::uint64_t>(k + 1) << shift_;
        double lo, hi;
        std::memcpy(&lo, &lo_bits, sizeof lo);
        std::memcpy(&hi, &hi_bits, sizeof hi);
        if (!std::isfinite(hi)) return lo;
        return 0.5 * (lo + hi);
    }

    /// The value of the r-th smallest (0-based) item's bucket.
    double at_rank(std::uint64_t r) const {
        // negative values: the largest magnitude is the smallest value
        for (std::size_t i = negative_.counts.size(); i-- > 0;) {
            const Count c = negative_.counts[i];
            if (r < c) return -centre(negative_.first + static_cast<std::int64_t>(i));
            r -= c;
        }
        if (r < zeros_) return 0.0;
        r -= zeros_;
        for (std::size_t i = 0; i < positive_.counts.size(); ++i) {
            const Count c = positive_.counts[i];
            if (r < c) return centre(positive_.first + static_cast<std::int64_t>(i));
            r -= c;
        }
        return centre(positive_.first + static_cast<std::int64_t>(positive_.counts.size()) - 1);
    }

    int shift_;
    std::int64_t floor_key_;
    std::uint64_t total_ = 0;
    std::uint64_t zeros_ = 0;
    Side positive_, negative_;
};

}  // namespace credroi::detail
