#pragma once
// Vendor volume tiers: what a badge platform charges for a contract year's
// volume (credentials issued, or unique recipients), under graduated or
// all-units pricing, with per-unit prices and flat fees per tier (quota plans
// such as Open Badge Factory's 5,000 / 15,000 / 50,000 badges a year are tiers
// with a flat fee and no unit price).
//
// The model charges each month the increment cost(V_m) - cost(V_{m-1}) of the
// cumulative contract-year volume V, with cost(V_{-1}) = 0 at the start of each
// contract year; the months of a contract year then add up to
// cost(annual volume) under both rules. See `monthly_charges`.
#include <credroi/error.hpp>
#include <credroi/detail/simd.hpp>

#include <cmath>
#include <cstddef>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
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

/// How the tiers combine.
///  - graduated: each unit is charged at the price of the band it falls in
///    (the first 1,000 at tier 1's price, the next ones at tier 2's, ...);
///  - all_units: every unit is charged at the price of the tier the whole
///    volume falls in.
/// Either way the flat fee of the tier the volume falls in is added once.
enum class TierPricing { graduated, all_units };

/// One volume tier. `up_to` is the tier's inclusive upper bound on the
/// contract-year volume (units a year); only the last tier may leave it empty
/// (unbounded). `unit_price` is per unit, `flat_fee` per contract year.
struct PriceTier {
    std::optional<double> up_to;
    double unit_price = 0;
    double flat_fee = 0;
};

/// A vendor's price schedule for one contract year.
///
/// The tier of a volume v is the first tier with v <= up_to; v = 0 falls in
/// the first tier, so the first tier's flat fee is due as soon as the contract
/// year starts. With lower bound L_k (0 for the first tier, else the previous
/// tier's up_to) and upper bound U_k:
///
///     graduated:  cost(v) = sum_k unit_price_k * clamp(v - L_k, 0, U_k - L_k) + flat_fee_{tier(v)}
///     all_units:  cost(v) = v * unit_price_{tier(v)} + flat_fee_{tier(v)}
///
/// Costs are in the currency of the prices; volumes in units per contract year.
class TieredPrice {
public:
    /// Throws ParameterError (`tiers`, `tiers[k].up_to`, `tiers[k].unit_price`,
    /// `tiers[k].flat_fee`, `pricing`) unless there is at least one tier, the
    /// bounds are finite, above 0 and strictly increasing, only the last tier
    /// is unbounded, and prices and fees are finite and >= 0.
    TieredPrice(std::vector<PriceTier> tiers, TierPricing pricing) : tiers_(std::move(tiers)), pricing_(pricing) {
        CREDROI_REQUIRE(pricing == TierPricing::graduated || pricing == TierPricing::all_units, "pricing",
                        "expected graduated or all_units pricing, found the value "
                            << static_cast<int>(pricing));
        CREDROI_REQUIRE(!tiers_.empty(), "tiers", "expected at least one price tier, found none");
        const std::size_t n = tiers_.size();
        upper_.resize(n);
        lower_.resize(n);
        base_.resize(n);
        double lower = 0.0, base = 0.0;
        for (std::size_t k = 0; k < n; ++k) {
            const PriceTier& t = tiers_[k];
            if (t.up_to) {
                const double u = *t.up_to;
                CREDROI_REQUIRE(std::isfinite(u) && u > 0.0, path(k, "up_to"),
                                "expected an upper bound above 0 units a year, found " << detail::describe(u));
                CREDROI_REQUIRE(k == 0 || u > lower, path(k, "up_to"),
                                "expected an upper bound above the previous tier's " << detail::describe(lower)
                                    << " (bounds strictly increasing), found " << detail::describe(u));
            } else {
                CREDROI_REQUIRE(k + 1 == n, path(k, "up_to"),
                                "only the last tier may be unbounded; expected an upper bound for tier "
                                    << k + 1 << " of " << n << ", found none");
            }
            CREDROI_REQUIRE(std::isfinite(t.unit_price) && t.unit_price >= 0.0, path(k, "unit_price"),
                            "expected a price of at least 0 per unit, found " << detail::describe(t.unit_price));
            CREDROI_REQUIRE(std::isfinite(t.flat_fee) && t.flat_fee >= 0.0, path(k, "flat_fee"),
                            "expected a fee of at least 0 per contract year, found " << detail::describe(t.flat_fee));
            lower_[k] = lower;
            upper_[k] = t.up_to ? *t.up_to : std::numeric_limits<double>::infinity();
            base_[k] = base;
            if (t.up_to) {
                base += t.unit_price * (upper_[k] - lower);
                lower = upper_[k];
            }
        }
    }

    const std::vector<PriceTier>& tiers() const noexcept { return tiers_; }
    TierPricing pricing() const noexcept { return pricing_; }

    /// The top tier's bound (the most the contract allows in a year), or
    /// nullopt when the last tier is unbounded.
    std::optional<double> capacity() const { return tiers_.back().up_to; }

    /// 0-based index of the tier `volume` falls in: the first with
    /// volume <= up_to. Throws ParameterError (`volume`) for a negative or
    /// non-finite volume or one above the capacity.
    std::size_t tier_index(double volume) const {
        check_volume(volume);
        std::size_t k = 0;
        while (volume > upper_[k]) ++k;  // check_volume guarantees a tier exists
        return k;
    }

    /// Cost of a contract year's cumulative `volume` (units, >= 0), see the
    /// class formula. Throws ParameterError (`volume`) for a negative or
    /// non-finite volume, or a volume above the top tier of a bounded contract
    /// (buying beyond it needs a new contract, which the schedule cannot price).
    double cost(double volume) const {
        const std::size_t k = tier_index(volume);
        const PriceTier& t = tiers_[k];
        if (pricing_ == TierPricing::graduated) return base_[k] + t.unit_price * (volume - lower_[k]) + t.flat_fee;
        return volume * t.unit_price + t.flat_fee;
    }

    /// out[j] = cost(volume[j]) for a batch of trials, bit-identical to the
    /// scalar version (it is the same code); `out` may alias `volume`.
    void cost(const Eigen::ArrayXd& volume, Eigen::ArrayXd& out) const {
        const Eigen::Index n = volume.size();
        out.resize(n);
        // The volume checks once for the batch (the Monte Carlo engine prices
        // every trial every month); any failure goes to the scalar code, which
        // throws for the first bad volume exactly as before.
        const double top = upper_.back();
        bool valid = true;
        Eigen::Index j = 0;
#if defined(CREDROI_SIMD)
        {
            using namespace detail::simd;
            // 0 <= v <= top and v < infinity; a NaN fails every comparison
            const pack zero{}, top_v = zero + top, infinity = zero + std::numeric_limits<double>::infinity();
            mask ok = mask{} - 1;
            for (; j + width <= n; j += width) {
                const pack v = load(&volume[j]);
                ok &= less_equal(zero, v) & less_equal(v, top_v) & less(v, infinity);
            }
            for (int l = 0; l < width; ++l) valid &= ok[l] != 0;
        }
#endif
        for (; j < n; ++j) valid &= volume[j] >= 0.0 && volume[j] <= top && std::isfinite(volume[j]);
        if (!valid) {
            for (j = 0; j < n; ++j) out[j] = cost(volume[j]);
            return;
        }
        const bool graduated = pricing_ == TierPricing::graduated;
        j = 0;
#if defined(CREDROI_SIMD)
        // A register of trials at a time without the tier search's branches
        // (its trip count changes from trial to trial near a tier's bound):
        // every tier's formula is computed and the one whose range holds the
        // volume kept, so each trial gets the scalar code's operations on the
        // scalar code's tier (the same bits).
        constexpr std::size_t most_tiers = 8;
        const std::size_t K = tiers_.size();
        if (K <= most_tiers) {
            using namespace detail::simd;
            pack upper[most_tiers], base[most_tiers], lower[most_tiers], price[most_tiers], fee[most_tiers];
            for (std::size_t k = 0; k < K; ++k) {
                upper[k] = pack{} + upper_[k];
                base[k] = pack{} + base_[k];
                lower[k] = pack{} + lower_[k];
                price[k] = pack{} + tiers_[k].unit_price;
                fee[k] = pack{} + tiers_[k].flat_fee;
            }
            for (; j + width <= n; j += width) {
                const pack v = load(&volume[j]);
                pack result{};
                mask above_previous = mask{} - 1;  // v > upper_[k - 1]
                for (std::size_t k = 0; k < K; ++k) {
                    const mask above = less(upper[k], v);
                    const pack c = graduated ? (base[k] + price[k] * (v - lower[k])) + fee[k] : v * price[k] + fee[k];
                    result = bits(bits(result) | (~above & above_previous & bits(c)));
                    above_previous = above;
                }
                store(&out[j], result);
            }
        }
#endif
        for (; j < n; ++j) {
            const double v = volume[j];
            std::size_t k = 0;
            while (v > upper_[k]) ++k;
            const PriceTier& t = tiers_[k];
            out[j] = graduated ? base_[k] + t.unit_price * (v - lower_[k]) + t.flat_fee : v * t.unit_price + t.flat_fee;
        }
    }

    Eigen::ArrayXd cost(const Eigen::ArrayXd& volume) const {
        Eigen::ArrayXd out(volume.size());
        cost(volume, out);
        return out;
    }

    /// The unit price of the next unit bought at `volume`: the price of the
    /// first tier with volume < up_to. Flat fees and the all-units true-up at a
    /// tier boundary are not included. Throws ParameterError (`volume`) for a
    /// negative or non-finite volume, or when a bounded contract is full.
    double marginal_unit_price(double volume) const {
        check_volume(volume);
        const auto top = capacity();
        CREDROI_REQUIRE(!top || volume < *top, "volume",
                        "the contract's top tier ends at " << detail::describe(*top)
                            << " units a year, so no further unit can be bought at " << detail::describe(volume));
        std::size_t k = 0;
        while (volume >= upper_[k]) ++k;
        return tiers_[k].unit_price;
    }

    /// Charges for the months of one contract year, given each month's volume
    /// (not cumulative): charge_m = cost(V_m) - cost(V_{m-1}) with V the
    /// running total and cost(V_{-1}) = 0, so the first month carries the
    /// first tier's flat fee and the charges add up to cost(V_last). A month
    /// that crosses a tier boundary carries the true-up (the next tier's extra
    /// flat fee; under all_units the repricing of every earlier unit, which is
    /// negative when the next tier is cheaper per unit). Throws ParameterError
    /// (`monthly_volume[m]`) for a negative or non-finite month, and as `cost`.
    std::vector<double> monthly_charges(const std::vector<double>& monthly_volume) const {
        std::vector<double> charges(monthly_volume.size());
        double cumulative = 0.0, previous_cost = 0.0;
        for (std::size_t m = 0; m < monthly_volume.size(); ++m) {
            const double v = monthly_volume[m];
            CREDROI_REQUIRE(std::isfinite(v) && v >= 0.0, "monthly_volume[" + std::to_string(m) + "]",
                            "expected a volume of at least 0 units, found " << detail::describe(v));
            cumulative += v;
            const double c = cost(cumulative);
            charges[m] = c - previous_cost;
            previous_cost = c;
        }
        return charges;
    }

private:
    static std::string path(std::size_t k, const char* field) {
        std::ostringstream os;
        os << "tiers[" << k << "]." << field;
        return os.str();
    }

    void check_volume(double volume) const {
        CREDROI_REQUIRE(std::isfinite(volume) && volume >= 0.0, "volume",
                        "expected a contract-year volume of at least 0 units, found " << detail::describe(volume));
        CREDROI_REQUIRE(volume <= upper_.back(), "volume",
                        "the contract's top tier ends at " << detail::describe(upper_.back())
                            << " units a year, found " << detail::describe(volume)
                            << "; add an unbounded tier or a higher one");
    }

    std::vector<PriceTier> tiers_;
    TierPricing pricing_;
    std::vector<double> upper_;  ///< U_k, +inf for an unbounded last tier
    std::vector<double> lower_;  ///< L_k
    std::vector<double> base_;   ///< graduated unit cost of all bands below tier k
};

}  // namespace credroi
