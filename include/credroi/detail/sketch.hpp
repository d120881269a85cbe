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
#include <credroi/detail/simd.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

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

class QuantileSketch {
public:
    /// The most values one bucket counts (and so one sketch, merges included).
    static constexpr std::uint64_t max_count = (std::uint64_t{1} << 40) - 1;

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

    /// add(x[j]) for j < n; the same counts, with less work per value: keys a
    /// register of values at a time, the bucket arrays sized once per chunk of
    /// values, a chunk all in one bucket (the early months of a cash flow,
    /// where every trial agrees) counted in one addition.
    void add(const double* x, std::size_t n) {
        constexpr std::size_t chunk = 256;
        // A value's code: its key shifted left by two, over the side it counts
        // on (0 positive, 1 negative, 2 neither: NaN or zero, with key 0).
        std::int64_t code[chunk];
        for (std::size_t at = 0; at < n; at += chunk) {
            const std::size_t m = std::min(chunk, n - at);
            std::int64_t p_lo = std::numeric_limits<std::int64_t>::max(), p_hi = -1;
            std::int64_t n_lo = std::numeric_limits<std::int64_t>::max(), n_hi = -1;
            std::uint64_t nans = 0, zeros = 0;
            std::size_t i = 0;
#if defined(CREDROI_SIMD)
            // A register of values at a time: the key is monotone in the
            // magnitude, so the range of keys is the keys of the range of
            // (floored) magnitudes, and max(key(|v|), floor key) is the key of
            // max(|v|, floor).
            {
                using namespace simd;
                constexpr std::size_t W = simd::width;
                const pack zero{}, inf = zero + std::numeric_limits<double>::infinity();
                const pack floor = zero + magnitude(floor_key_);
                const mask one = mask{} + 1, two = mask{} + 2;
                pack p_min = inf, p_max = zero, n_min = inf, n_max = zero;
                mask any_p{}, any_n{}, nan_count{}, zero_count{};
                for (; i + W <= m; i += W) {
                    const pack v = load(x + at + i);
                    pack a = simd::magnitude(v);
                    a = select(less(floor, a), a, floor);  // the floor for NaN too
                    const mask positive = less(zero, v), negative = less(v, zero);
                    nan_count -= unordered(v);
                    zero_count -= equal(v, zero);
                    const pack pa = select(positive, a, inf), na = select(negative, a, inf);
                    p_min = select(less(p_min, pa), p_min, pa);
                    n_min = select(less(n_min, na), n_min, na);
                    const pack pz = keep(positive, a), nz = keep(negative, a);
                    p_max = select(less(pz, p_max), p_max, pz);
                    n_max = select(less(nz, n_max), n_max, nz);
                    any_p |= positive;
                    any_n |= negative;
                    const mask counted = positive | negative;
                    const mask k = reinterpret_cast<mask>(reinterpret_cast<word>(a) >> shift_) & counted;
                    const mask c = (k << 2) | (negative & one) | (~counted & two);
                    std::memcpy(code + i, &c, sizeof c);
                }
                double lo_p = std::numeric_limits<double>::infinity(), hi_p = 0, lo_n = lo_p, hi_n = 0;
                bool seen_p = false, seen_n = false;
                for (std::size_t l = 0; l < W; ++l) {
                    lo_p = std::min(lo_p, p_min[l]);
                    hi_p = std::max(hi_p, p_max[l]);
                    lo_n = std::min(lo_n, n_min[l]);
                    hi_n = std::max(hi_n, n_max[l]);
                    seen_p = seen_p || any_p[l] != 0;
                    seen_n = seen_n || any_n[l] != 0;
                    nans += static_cast<std::uint64_t>(nan_count[l]);
                    zeros += static_cast<std::uint64_t>(zero_count[l]);
                }
                if (seen_p) {
                    p_lo = key(lo_p);
                    p_hi = key(hi_p);
                }
                if (seen_n) {
                    n_lo = key(lo_n);
                    n_hi = key(hi_n);
                }
            }
#endif
            for (; i < m; ++i) {
                const double v = x[at + i];
                const std::int64_t k = std::max(key(std::fabs(v)), floor_key_);
                const bool positive = v > 0.0, negative = v < 0.0;
                nans += !(v == v);
                zeros += v == 0.0;
                code[i] = positive ? k << 2 : negative ? k << 2 | 1 : 2;
                p_lo = positive ? std::min(p_lo, k) : p_lo;
                p_hi = positive ? std::max(p_hi, k) : p_hi;
                n_lo = negative ? std::min(n_lo, k) : n_lo;
                n_hi = negative ? std::max(n_hi, k) : n_hi;
            }
            total_ += m - nans;
            zeros_ += zeros;
            if (p_hi >= 0) positive_.cover(p_lo, p_hi);
            if (n_hi >= 0) negative_.cover(n_lo, n_hi);
            // All in one bucket (an early month, where every trial has the
            // same cumulative net): one addition.
            if (nans + zeros == 0 && (n_hi < 0 ? p_lo == p_hi : p_hi < 0 && n_lo == n_hi)) {
                Side& side = n_hi < 0 ? positive_ : negative_;
                side.add_count(static_cast<std::size_t>((n_hi < 0 ? p_lo : n_lo) - side.first), m);
                continue;
            }
            // Else each value's bucket, its address a table lookup by side
            // rather than a branch (values come in random order, and a branch
            // on their sign would mispredict where a month's cash flows straddle
            // zero): NaN and zero count in a byte that is thrown away. The
            // addresses are computed as integers, as `low - first` may lie
            // outside the array.
            std::uint8_t discarded[1] = {0};
            const std::uintptr_t origin[3] = {
                reinterpret_cast<std::uintptr_t>(positive_.low.data()) - static_cast<std::uintptr_t>(positive_.first),
                reinterpret_cast<std::uintptr_t>(negative_.low.data()) - static_cast<std::uintptr_t>(negative_.first),
                reinterpret_cast<std::uintptr_t>(discarded)};
            for (std::size_t j = 0; j < m; ++j) {
                const std::int64_t c = code[j];
                auto* const count = reinterpret_cast<std::uint8_t*>(origin[c & 3] + static_cast<std::uintptr_t>(c >> 2));
                if (++*count == 0 && (c & 2) == 0) {  // rarely: a bucket's low byte wrapped
                    Side& side = (c & 1) ? negative_ : positive_;
                    ++side.high[static_cast<std::size_t>((c >> 2) - side.first)];
                }
            }
        }
    }

    void merge(const QuantileSketch& o) {
        total_ += o.total_;
        zeros_ += o.zeros_;
        positive_.merge(o.positive_);
        negative_.merge(o.negative_);
    }

    std::uint64_t count() const noexcept { return total_; }
    /// Buckets held (the memory: 5 bytes each).
    std::size_t buckets() const noexcept { return positive_.size() + negative_.size(); }

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
    // A bucket's count is split: its low 8 bits in one array, the rest in
    // another. Counting touches the first almost only (the second once every
    // 256 values of a bucket), so the buckets a run keeps hot take a byte
    // each: the 60 monthly sketches of the fan chart then stay in the core's
    // cache (4-byte counts measured 4.1 ns per value against 2.75, see
    // docs/performance.md, ninth round).
    struct Side {
        std::int64_t first = 0;
        std::vector<std::uint8_t> low;
        std::vector<std::uint32_t> high;

        std::size_t size() const noexcept { return low.size(); }
        std::uint64_t count(std::size_t i) const { return std::uint64_t{high[i]} << 8 | low[i]; }
        void increment(std::size_t i) {
            if (++low[i] == 0) ++high[i];
        }
        void add_count(std::size_t i, std::uint64_t c) {
            const std::uint64_t sum = low[i] + c;
            low[i] = static_cast<std::uint8_t>(sum);
            if (sum >> 8) high[i] += static_cast<std::uint32_t>(sum >> 8);  // rarely: leave the array cold
        }
        void add(std::int64_t k) {
            cover(k, k);
            increment(static_cast<std::size_t>(k - first));
        }
        /// Widens the bucket arrays to hold keys lo..hi (lo <= hi).
        void cover(std::int64_t lo, std::int64_t hi) {
            if (low.empty()) {
                first = lo;
                low.assign(static_cast<std::size_t>(hi - lo + 1), 0);
                high.assign(low.size(), 0);
                return;
            }
            if (lo < first) {
                low.insert(low.begin(), static_cast<std::size_t>(first - lo), 0);
                high.insert(high.begin(), static_cast<std::size_t>(first - lo), 0);
                first = lo;
            }
            if (hi >= first + static_cast<std::int64_t>(size())) {
                low.resize(static_cast<std::size_t>(hi - first + 1), 0);
                high.resize(low.size(), 0);
            }
        }
        void merge(const Side& o) {
            if (o.low.empty()) return;
            cover(o.first, o.first + static_cast<std::int64_t>(o.size()) - 1);
            const auto at = static_cast<std::size_t>(o.first - first);
            for (std::size_t i = 0; i < o.size(); ++i) {
                const unsigned sum = unsigned{low[at + i]} + unsigned{o.low[i]};
                low[at + i] = static_cast<std::uint8_t>(sum);
                high[at + i] += o.high[i] + (sum >> 8);
            }
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
        for (std::size_t i = negative_.size(); i-- > 0;) {
            const std::uint64_t c = negative_.count(i);
            if (r < c) return -centre(negative_.first + static_cast<std::int64_t>(i));
            r -= c;
        }
        if (r < zeros_) return 0.0;
        r -= zeros_;
        for (std::size_t i = 0; i < positive_.size(); ++i) {
            const std::uint64_t c = positive_.count(i);
            if (r < c) return centre(positive_.first + static_cast<std::int64_t>(i));
            r -= c;
        }
        return centre(positive_.first + static_cast<std::int64_t>(positive_.size()) - 1);
    }

    int shift_;
    std::int64_t floor_key_;
    std::uint64_t total_ = 0;
    std::uint64_t zeros_ = 0;
    Side positive_, negative_;
};

}  // namespace credroi::detail
