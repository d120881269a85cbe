#include <credroi/pricing.hpp>

#include <doctest/doctest.h>

#include <limits>
#include <numeric>
#include <string>
#include <vector>

using credroi::ParameterError;
using credroi::PriceTier;
using credroi::TieredPrice;
using credroi::TierPricing;

namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();
const double kInf = std::numeric_limits<double>::infinity();

template <class F>
ParameterError parameter_error(F&& f) {
    try {
        f();
    } catch (const ParameterError& e) {
        return e;
    }
    FAIL("expected a ParameterError");
    return ParameterError("", "");
}

// 1,000 units at 1.00, the next 4,000 at 0.80, the rest at 0.50.
std::vector<PriceTier> three_bands() { return {{1000.0, 1.00, 0.0}, {5000.0, 0.80, 0.0}, {std::nullopt, 0.50, 0.0}}; }

// Quota plans priced by a flat fee per contract year, with Open Badge
// Factory's quotas (Basic 5,000 / Premium 15,000 / Pro 50,000 badges a year;
// credential-programme-figures.md §1). OBF's EUR amounts were not captured:
// the fees 1,000 / 2,500 / 6,000 are illustrative only.
std::vector<PriceTier> quota_plans() { return {{5000.0, 0.0, 1000.0}, {15000.0, 0.0, 2500.0}, {50000.0, 0.0, 6000.0}}; }

double sum(const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0); }

}  // namespace

TEST_CASE("pricing: graduated and all-units tiers, hand-checked") {
    const TieredPrice graduated(three_bands(), TierPricing::graduated);
    const TieredPrice all_units(three_bands(), TierPricing::all_units);
    SUBCASE("graduated charges each band at its own price") {
        // 1000 * 1.00 + 4000 * 0.80 + 1000 * 0.50 = 1000 + 3200 + 500 = 4700
        CHECK(graduated.cost(6000) == doctest::Approx(4700.0).epsilon(1e-14));
        // 1000 * 1.00 + 1000 * 0.80 = 1800
        CHECK(graduated.cost(2000) == doctest::Approx(1800.0).epsilon(1e-14));
        CHECK(graduated.cost(1000) == doctest::Approx(1000.0).epsilon(1e-14));
        CHECK(graduated.cost(500) == doctest::Approx(500.0).epsilon(1e-14));
        CHECK(graduated.cost(0) == 0.0);
        // Continuous across a boundary: 1000 + 0.5 * 0.80 = 1000.4
        CHECK(graduated.cost(1000.5) == doctest::Approx(1000.4).epsilon(1e-14));
    }
    SUBCASE("all-units charges every unit at the volume's tier price") {
        // 6000 * 0.50 = 3000
        CHECK(all_units.cost(6000) == doctest::Approx(3000.0).epsilon(1e-14));
        // 2000 * 0.80 = 1600
        CHECK(all_units.cost(2000) == doctest::Approx(1600.0).epsilon(1e-14));
        // Bounds are inclusive: 1000 is still in the first tier (1000 * 1.00),
        // 1001 is in the second (1001 * 0.80 = 800.8): cheaper for more.
        CHECK(all_units.cost(1000) == doctest::Approx(1000.0).epsilon(1e-14));
        CHECK(all_units.cost(1001) == doctest::Approx(800.8).epsilon(1e-14));
        CHECK(all_units.cost(5000) == doctest::Approx(4000.0).epsilon(1e-14));
    }
    SUBCASE("tier of a volume") {
        CHECK(graduated.tier_index(0) == 0);
        CHECK(graduated.tier_index(1000) == 0);
        CHECK(graduated.tier_index(1000.001) == 1);
        CHECK(graduated.tier_index(5000) == 1);
        CHECK(graduated.tier_index(1e9) == 2);
        CHECK_FALSE(graduated.capacity().has_value());
    }
    SUBCASE("marginal unit price is the next unit's band") {
        CHECK(graduated.marginal_unit_price(0) == 1.00);
        CHECK(graduated.marginal_unit_price(999) == 1.00);
        CHECK(graduated.marginal_unit_price(1000) == 0.80);  // unit 1001 is in the second band
        CHECK(graduated.marginal_unit_price(5000) == 0.50);
        CHECK(all_units.marginal_unit_price(4999) == 0.80);
    }
    SUBCASE("flat fees: the fee of the volume's tier, on top of unit prices") {
        // A platform fee of 500 for up to 1,000 units, 900 above, plus 0.20 per unit graduated.
        const TieredPrice p({{1000.0, 0.20, 500.0}, {std::nullopt, 0.10, 900.0}}, TierPricing::graduated);
        CHECK(p.cost(0) == 500.0);  // due as soon as the contract year starts
        // 1000 * 0.20 + 500 * 0.10 + 900 = 200 + 50 + 900 = 1150
        CHECK(p.cost(1500) == doctest::Approx(1150.0).epsilon(1e-14));
        const TieredPrice q({{1000.0, 0.20, 500.0}, {std::nullopt, 0.10, 900.0}}, TierPricing::all_units);
        // 1500 * 0.10 + 900 = 1050
        CHECK(q.cost(1500) == doctest::Approx(1050.0).epsilon(1e-14));
    }
    SUBCASE("a single unbounded tier is a plain unit price") {
        // 0.18 per credential (CertLister Basic, $180 / 1,000; figures §1): 2,500 * 0.18 = 450
        const TieredPrice p({{std::nullopt, 0.18, 0.0}}, TierPricing::graduated);
        CHECK(p.cost(2500) == doctest::Approx(450.0).epsilon(1e-14));
    }
}

TEST_CASE("pricing: quota plans with flat fees") {
    const TieredPrice obf(quota_plans(), TierPricing::graduated);
    CHECK(obf.capacity() == 50000.0);
    CHECK(obf.cost(0) == 1000.0);
    CHECK(obf.cost(5000) == 1000.0);   // the Basic quota, inclusive
    CHECK(obf.cost(5001) == 2500.0);   // one badge over: the Premium plan
    CHECK(obf.cost(50000) == 6000.0);  // the Pro quota
    const TieredPrice same(quota_plans(), TierPricing::all_units);
    for (double v : {0.0, 4999.0, 5000.0, 12000.0, 50000.0}) CHECK(same.cost(v) == obf.cost(v));
    SUBCASE("beyond the top quota is an error, not an extrapolation") {
        const auto e = parameter_error([&] { (void)obf.cost(60000); });
        CHECK(e.path() == "volume");
        CHECK(e.message() ==
              "the contract's top tier ends at 50000 units a year, found 60000; add an unbounded tier or a higher one");
        CHECK_THROWS_AS((void)obf.tier_index(50000.5), ParameterError);
        CHECK_THROWS_AS((void)obf.marginal_unit_price(50000), ParameterError);
        CHECK(obf.marginal_unit_price(49999) == 0.0);
    }
    SUBCASE("monthly charges true up in the month a quota is exceeded") {
        // 1,000 badges a month: V_5 = 5,000 is still Basic, V_6 = 6,000 is Premium.
        const std::vector<double> charges = obf.monthly_charges(std::vector<double>(12, 1000.0));
        REQUIRE(charges.size() == 12);
        CHECK(charges[0] == 1000.0);  // Basic fee at the start of the contract year
        for (int m : {1, 2, 3, 4}) CHECK(charges[m] == 0.0);
        CHECK(charges[5] == 1500.0);  // 2,500 - 1,000
        for (int m : {6, 7, 8, 9, 10, 11}) CHECK(charges[m] == 0.0);
        CHECK(sum(charges) == obf.cost(12000));
    }
}

TEST_CASE("pricing: monthly increments add up to the contract year") {
    const TieredPrice graduated(three_bands(), TierPricing::graduated);
    const TieredPrice all_units(three_bands(), TierPricing::all_units);
    SUBCASE("graduated") {
        // V = 900, then 1,100: 900 * 1.00 = 900; 1000 + 100 * 0.80 = 1080, so +180.
        const auto c = graduated.monthly_charges({900, 200});
        CHECK(c[0] == doctest::Approx(900.0).epsilon(1e-14));
        CHECK(c[1] == doctest::Approx(180.0).epsilon(1e-14));
    }
    SUBCASE("all-units: crossing into a cheaper tier gives a negative month") {
        // V = 900 costs 900; V = 1,100 costs 1100 * 0.80 = 880: a credit of 20.
        const auto c = all_units.monthly_charges({900, 200});
        CHECK(c[0] == doctest::Approx(900.0).epsilon(1e-14));
        CHECK(c[1] == doctest::Approx(-20.0).epsilon(1e-12));
    }
    SUBCASE("the months add up to cost(annual volume)") {
        const std::vector<double> months{120, 340, 0, 610, 95.5, 2000, 15, 800, 300, 1200, 44, 900};
        const double annual = sum(months);  // 6424.5
        for (const TieredPrice* p : {&graduated, &all_units})
            CHECK(sum(p->monthly_charges(months)) == doctest::Approx(p->cost(annual)).epsilon(1e-12));
        CHECK(graduated.cost(annual) == doctest::Approx(1000 + 3200 + 1424.5 * 0.5).epsilon(1e-14));
    }
    SUBCASE("a bad month names its index") {
        const auto e = parameter_error([&] { (void)graduated.monthly_charges({10, -1, 10}); });
        CHECK(e.path() == "monthly_volume[1]");
        CHECK(e.message() == "expected a volume of at least 0 units, found -1");
        CHECK_THROWS_AS((void)graduated.monthly_charges({10, kNaN}), ParameterError);
    }
}

TEST_CASE("pricing: batches agree with the scalar cost exactly") {
    // An odd count (the batch prices a register of 2, 4 or 8 trials at a time, the rest alone), and
    // schedules of 1, 2, 3 and 9 tiers (up to 8 without the tier search).
    Eigen::ArrayXd volume(13);
    volume << 0.0, 0.3, 999.999, 1000.0, 1000.0000001, 1234.5678, 4999.9, 5000.0, 5000.25, 6000.0, 77777.7, 1.5e7, 2500.0;
    std::vector<PriceTier> nine;
    for (int k = 1; k <= 8; ++k) nine.push_back({1000.0 * k, 1.0 / k, 10.0 * k});
    nine.push_back({std::nullopt, 0.05, 0.0});
    for (TierPricing rule : {TierPricing::graduated, TierPricing::all_units}) {
        for (const auto& tiers : {three_bands(), std::vector<PriceTier>{{1000.0, 0.3, 50.0}, {std::nullopt, 0.7, 20.0}},
                                  std::vector<PriceTier>{{std::nullopt, 0.8, 5.0}}, nine}) {
            const TieredPrice p(tiers, rule);
            Eigen::ArrayXd out;
            p.cost(volume, out);
            REQUIRE(out.size() == volume.size());
            for (Eigen::Index j = 0; j < volume.size(); ++j) CHECK(out[j] == p.cost(volume[j]));
            const Eigen::ArrayXd returned = p.cost(volume);
            CHECK((returned == out).all());
            Eigen::ArrayXd in_place = volume;
            p.cost(in_place, in_place);
            CHECK((in_place == out).all());
        }
    }
    const TieredPrice p(three_bands(), TierPricing::graduated);
    Eigen::ArrayXd bad = volume;
    bad[4] = -1.0;
    bad[9] = kNaN;
    Eigen::ArrayXd out;
    CHECK_THROWS_AS(p.cost(bad, out), ParameterError);
    // The batch checks its volumes once, then prices without checking: a bad
    // volume anywhere must still give the scalar error of the first bad one.
    const auto batch_error = parameter_error([&] { p.cost(bad, out); });
    const auto scalar_error = parameter_error([&] { (void)p.cost(bad[4]); });
    CHECK(batch_error.path() == scalar_error.path());
    CHECK(batch_error.message() == scalar_error.message());
    // an infinite volume is not below an unbounded top tier's infinite bound,
    // but it is still refused
    Eigen::ArrayXd infinite = volume;
    infinite[2] = std::numeric_limits<double>::infinity();
    CHECK(parameter_error([&] { p.cost(infinite, out); }).message() ==
          parameter_error([&] { (void)p.cost(infinite[2]); }).message());
    const TieredPrice quota({{1000.0, 0.5, 0.0}, {5000.0, 0.25, 0.0}}, TierPricing::graduated);
    Eigen::ArrayXd over(3);
    over << 10.0, 5000.0, 5000.5;  // the last is above the bounded top tier
    const auto quota_error = parameter_error([&] { quota.cost(over, out); });
    CHECK(quota_error.message() == parameter_error([&] { (void)quota.cost(5000.5); }).message());
}

TEST_CASE("pricing: preconditions") {
    auto make = [](std::vector<PriceTier> tiers) { return parameter_error([&] { TieredPrice(tiers, TierPricing::graduated); }); };
    SUBCASE("at least one tier") {
        const auto e = make({});
        CHECK(e.path() == "tiers");
        CHECK(e.message() == "expected at least one price tier, found none");
    }
    SUBCASE("bounds above 0, finite and strictly increasing") {
        auto e = make({{0.0, 1.0, 0.0}, {std::nullopt, 0.5, 0.0}});
        CHECK(e.path() == "tiers[0].up_to");
        CHECK(e.message() == "expected an upper bound above 0 units a year, found 0");
        e = make({{-5.0, 1.0, 0.0}});
        CHECK(e.path() == "tiers[0].up_to");
        e = make({{1000.0, 1.0, 0.0}, {kInf, 0.5, 0.0}});
        CHECK(e.path() == "tiers[1].up_to");
        e = make({{1000.0, 1.0, 0.0}, {kNaN, 0.5, 0.0}});
        CHECK(e.path() == "tiers[1].up_to");
        e = make({{1000.0, 1.0, 0.0}, {5000.0, 0.8, 0.0}, {5000.0, 0.5, 0.0}});
        CHECK(e.path() == "tiers[2].up_to");
        CHECK(e.message() == "expected an upper bound above the previous tier's 5000 (bounds strictly increasing), found 5000");
        e = make({{1000.0, 1.0, 0.0}, {500.0, 0.8, 0.0}});
        CHECK(e.path() == "tiers[1].up_to");
    }
    SUBCASE("only the last tier may be unbounded") {
        const auto e = make({{1000.0, 1.0, 0.0}, {std::nullopt, 0.8, 0.0}, {std::nullopt, 0.5, 0.0}});
        CHECK(e.path() == "tiers[1].up_to");
        CHECK(e.message() == "only the last tier may be unbounded; expected an upper bound for tier 2 of 3, found none");
    }
    SUBCASE("prices and fees at least 0") {
        auto e = make({{1000.0, -0.1, 0.0}, {std::nullopt, 0.5, 0.0}});
        CHECK(e.path() == "tiers[0].unit_price");
        CHECK(e.message() == "expected a price of at least 0 per unit, found -0.1");
        e = make({{1000.0, 1.0, 0.0}, {std::nullopt, kNaN, 0.0}});
        CHECK(e.path() == "tiers[1].unit_price");
        e = make({{1000.0, 1.0, 0.0}, {std::nullopt, 0.5, -20.0}});
        CHECK(e.path() == "tiers[1].flat_fee");
        CHECK(e.message() == "expected a fee of at least 0 per contract year, found -20");
        e = make({{1000.0, 1.0, kInf}});
        CHECK(e.path() == "tiers[0].flat_fee");
        CHECK_NOTHROW(TieredPrice({{250.0, 0.0, 0.0}, {std::nullopt, 0.4, 0.0}}, TierPricing::all_units));  // a free tier
    }
    SUBCASE("pricing rule") {
        const auto e = parameter_error([] { TieredPrice(three_bands(), static_cast<TierPricing>(7)); });
        CHECK(e.path() == "pricing");
    }
    SUBCASE("volumes") {
        const TieredPrice p(three_bands(), TierPricing::graduated);
        auto e = parameter_error([&] { (void)p.cost(-1.0); });
        CHECK(e.path() == "volume");
        CHECK(e.message() == "expected a contract-year volume of at least 0 units, found -1");
        CHECK_THROWS_AS((void)p.cost(kNaN), ParameterError);
        CHECK_THROWS_AS((void)p.cost(kInf), ParameterError);
        CHECK_THROWS_AS((void)p.tier_index(-0.5), ParameterError);
        CHECK_THROWS_AS((void)p.marginal_unit_price(kNaN), ParameterError);
    }
}
