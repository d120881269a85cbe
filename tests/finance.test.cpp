#include <credroi/finance.hpp>
#include <credroi/detail/irr_batch.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

using credroi::Date;
using credroi::IrrResult;
using credroi::IrrStatus;
using credroi::NumericError;
using credroi::ParameterError;
using doctest::Approx;

// Reference values used below, each re-computed independently with mpmath
// (40 significant digits: polynomial roots, or bisection) before being asserted:
// - numpy-financial, numpy_financial/tests/test_financial.py
//   (https://github.com/numpy/numpy-financial): test_npv, test_mirr,
//   TestIrr.test_basic_values, test_trailing_zeros, test_numpy_gh_6744, test_gh_15,
//   test_npv_irr_congruence.
// - Microsoft Support Excel function pages (support.microsoft.com, "IRR function",
//   "NPV function", "XNPV function", "XIRR function", "MIRR function"), worked examples.

namespace {

const double not_a_number = std::numeric_limits<double>::quiet_NaN();
const double infinity = std::numeric_limits<double>::infinity();

template <class F>
std::string error_path(F f) {
    try {
        f();
    } catch (const ParameterError& e) {
        return e.path();
    }
    return "";
}

// The dates of Microsoft's XNPV/XIRR examples.
std::vector<Date> excel_dates() {
    return {Date(2008, 1, 1), Date(2008, 3, 1), Date(2008, 10, 30), Date(2009, 2, 15), Date(2009, 4, 1)};
}
const std::vector<double> excel_dated_values{-10000, 2750, 4250, 3250, 2750};

}  // namespace

TEST_CASE("finance: rate conversion") {
    SUBCASE("monthly from annual") {
        // 1.1^(1/12) - 1 = 0.0079741404289037 (mpmath).
        CHECK(credroi::monthly_rate_from_annual(0.1) == Approx(0.0079741404289037411).epsilon(1e-14));
        CHECK(credroi::monthly_rate_from_annual(0.0) == 0.0);
        // 0.5^(1/12) - 1: halving over a year.
        CHECK(credroi::monthly_rate_from_annual(-0.5) == Approx(std::pow(0.5, 1.0 / 12.0) - 1.0).epsilon(1e-14));
    }
    SUBCASE("annual from monthly") {
        // 1.01^12 - 1 = 0.12682503013196972 (mpmath).
        CHECK(credroi::annual_rate_from_monthly(0.01) == Approx(0.12682503013196972).epsilon(1e-14));
        CHECK(credroi::annual_rate_from_monthly(0.0) == 0.0);
    }
    SUBCASE("round trip keeps tiny rates exact") {
        for (const double r : {1e-12, 0.03, 0.25, -0.2, 3.0}) {
            CAPTURE(r);
            CHECK(credroi::annual_rate_from_monthly(credroi::monthly_rate_from_annual(r)) == Approx(r).epsilon(1e-13));
        }
    }
    SUBCASE("domain") {
        CHECK_THROWS_AS(credroi::monthly_rate_from_annual(-1.0), ParameterError);
        CHECK(error_path([] { credroi::monthly_rate_from_annual(-1.5); }) == "annual_rate");
        CHECK(error_path([] { credroi::monthly_rate_from_annual(not_a_number); }) == "annual_rate");
        CHECK(error_path([] { credroi::monthly_rate_from_annual(infinity); }) == "annual_rate");
        CHECK(error_path([] { credroi::annual_rate_from_monthly(-1.0); }) == "monthly_rate");
        CHECK(error_path([] { credroi::annual_rate_from_monthly(not_a_number); }) == "monthly_rate");
        CHECK_THROWS_AS(credroi::annual_rate_from_monthly(1e30), NumericError);  // (1e30)^12 overflows
    }
}

TEST_CASE("finance: a found rate of return annualised by products (annual_rate_of_return)") {
    using credroi::detail::annual_rate_by_products;
    using credroi::detail::annual_rate_of_return;
    using credroi::detail::annualises_by_products;
    SUBCASE("hand-checked") {
        // 1.01^12 - 1 = 0.12682503013196972 (mpmath, as above).
        CHECK(annual_rate_of_return(0.01) == Approx(0.12682503013196972).epsilon(1e-14));
        // 2^12 - 1 = 4095 and 0.5^12 - 1 = -4095/4096: every product exact.
        CHECK(annual_rate_of_return(1.0) == 4095.0);
        CHECK(annual_rate_of_return(-0.5) == -4095.0 / 4096.0);
    }
    SUBCASE("within the bound its comment gives, against (1 + r)^12 - 1 in long double") {
        // Relative error of (1 + r)^12 at most 23 ulp, 2.6e-15 (1 + annual),
        // plus the rounding of the subtraction, half an ulp of the annual rate
        // (1.2e-16 |annual|). Rates from -0.999 to -2^-10 and from 2^-10 to 2^20.
        std::vector<double> rates;
        for (double r = 0x1p-10; r <= 0x1p20; r *= 1.37) rates.push_back(r);
        for (double r = 0x1p-10; r < 0.999; r *= 1.21) rates.push_back(-r);
        rates.push_back(0x1p20);
        rates.push_back(-0.999);
        for (const double r : rates) {
            CAPTURE(r);
            REQUIRE(annualises_by_products(r));
            const long double exact = std::expm1l(12.0L * std::log1pl(static_cast<long double>(r)));
            const double annual = annual_rate_of_return(r);
            CHECK(std::fabs(static_cast<long double>(annual) - exact) <= 2.6e-15L * (1.0L + exact) + 1.2e-16L * std::fabs(exact));
            // 2.3e-13 relative at most (the worst case is |r| = 2^-10)
            CHECK(std::fabs((static_cast<long double>(annual) - exact) / exact) <= 2.3e-13L);
        }
    }
    SUBCASE("small rates, huge rates and bad ones take annual_rate_from_monthly, its bits and its errors") {
        for (const double r : {0.0, 1e-12, -3e-7, 0x1p-11, -0x1p-11, 0x1p21, 1e6 * 1e3}) {
            CAPTURE(r);
            CHECK_FALSE(annualises_by_products(r));
            CHECK(annual_rate_of_return(r) == credroi::annual_rate_from_monthly(r));
        }
        // 1e-12 a month: the products would lose all but 4 digits to cancellation.
        CHECK(annual_rate_of_return(1e-12) == Approx(12e-12).epsilon(1e-10));
        CHECK(error_path([] { annual_rate_of_return(-1.0); }) == "monthly_rate");
        CHECK(error_path([] { annual_rate_of_return(-1.5); }) == "monthly_rate");
        CHECK(error_path([] { annual_rate_of_return(not_a_number); }) == "monthly_rate");
        CHECK_THROWS_AS(annual_rate_of_return(1e30), NumericError);
        // NaN in, NaN out for the column form the Monte Carlo batches use
        CHECK(std::isnan(annual_rate_by_products(not_a_number)));
    }
}

TEST_CASE("finance: npv (values[0] at t = 0, not discounted)") {
    SUBCASE("hand-checked") {
        CHECK(credroi::npv(0.1, {-100.0, 110.0}) == Approx(0.0).epsilon(1e-12));       // -100 + 110/1.1
        CHECK(credroi::npv(0.1, {-100.0, 0.0, 121.0}) == Approx(0.0).epsilon(1e-12));  // -100 + 121/1.21
        CHECK(credroi::npv(0.0, {1.0, 2.0, 3.0}) == 6.0);
        CHECK(credroi::npv(1.0, {8.0, 8.0, 8.0}) == 14.0);  // 8 + 8/2 + 8/4
        CHECK(credroi::npv(0.5, {-3.0}) == -3.0);           // t = 0 is never discounted
        CHECK(credroi::npv(0.1, std::vector<double>{}) == 0.0);
    }
    SUBCASE("numpy-financial test_npv") {
        // npf.npv(0.05, [-15000, 1500, 2500, 3500, 4500, 6000]) = 122.894854950942692 (Decimal test).
        CHECK(credroi::npv(0.05, {-15000, 1500, 2500, 3500, 4500, 6000}) ==
              Approx(122.894854950942692).epsilon(1e-13));
    }
    SUBCASE("Excel NPV example: Excel discounts its first value, so prepend a 0") {
        // Microsoft Support, NPV function: rate 10 %, initial cost -10000 one
        // year from today, then 3000, 4200, 6800 -> $1,188.44
        // (mpmath: 1188.44341233522).
        CHECK(credroi::npv(0.1, {0.0, -10000, 3000, 4200, 6800}) == Approx(1188.44341233522).epsilon(1e-13));
        // Without the leading 0 the result is one period less discounted: 1188.44 * 1.1.
        CHECK(credroi::npv(0.1, {-10000, 3000, 4200, 6800}) == Approx(1188.44341233522 * 1.1).epsilon(1e-13));
    }
    SUBCASE("pointer overload matches") {
        const std::vector<double> v{-15000, 1500, 2500, 3500, 4500, 6000};
        CHECK(credroi::npv(0.05, v.data(), v.size()) == credroi::npv(0.05, v));
        CHECK(credroi::npv(0.05, v.data(), 1) == -15000.0);
    }
    SUBCASE("preconditions") {
        CHECK_THROWS_AS(credroi::npv(-1.0, {1.0, 2.0}), ParameterError);
        CHECK(error_path([] { credroi::npv(-2.0, {1.0}); }) == "rate");
        CHECK(error_path([] { credroi::npv(not_a_number, {1.0}); }) == "rate");
        CHECK(error_path([] { credroi::npv(infinity, {1.0}); }) == "rate");
        CHECK(error_path([] { credroi::npv(0.1, {1.0, not_a_number, 2.0}); }) == "values[1]");
        CHECK(error_path([] { credroi::npv(0.1, {1.0, 2.0, -infinity}); }) == "values[2]");
        // Rate just above -1: (1e9)^60 overflows a double.
        std::vector<double> far(61, 0.0);
        far[60] = 1.0;
        CHECK_THROWS_AS(credroi::npv(-1.0 + 1e-9, far), NumericError);
    }
}

TEST_CASE("finance: irr published values") {
    SUBCASE("numpy-financial TestIrr.test_basic_values (single root)") {
        // npf asserts these to 2 decimals; the full values are mpmath roots.
        struct Case {
            std::vector<double> values;
            double rate;
        };
        const std::vector<Case> cases{
            {{-150000, 15000, 25000, 35000, 45000, 60000}, 0.0524328888594141},  // npf: 0.0524
            {{-100, 0, 0, 74}, -0.0954958303489725},                             // npf: -0.0955
            {{-100, 39, 59, 55, 20}, 0.280948421159961},                         // npf: 0.28095
            {{-100, 100, 0, 7}, 0.0620584856299295},                             // npf: 0.06206
        };
        for (const auto& c : cases) {
            const IrrResult r = credroi::irr(c.values);
            CAPTURE(c.rate);
            CHECK(r.status == IrrStatus::ok);
            CHECK(r.sign_changes == 1);
            REQUIRE(r.rate.has_value());
            CHECK(*r.rate == Approx(c.rate).epsilon(1e-12));
            CHECK(r.all_rates.size() == 1);
        }
    }
    SUBCASE("numpy-financial cases with several IRRs pick the one nearest the guess") {
        // [-100, 100, 0, -7]: IRRs -0.678894373632387 and -0.0832996661849327 (npf: -0.0833).
        const IrrResult a = credroi::irr({-100, 100, 0, -7});
        CHECK(a.status == IrrStatus::multiple_roots);
        CHECK(a.sign_changes == 2);
        REQUIRE(a.all_rates.size() == 2);
        CHECK(a.all_rates[0] == Approx(-0.678894373632387).epsilon(1e-12));
        CHECK(a.all_rates[1] == Approx(-0.0832996661849327).epsilon(1e-12));
        REQUIRE(a);
        CHECK(*a.rate == Approx(-0.0832996661849327).epsilon(1e-12));
        CHECK(*credroi::irr({-100, 100, 0, -7}, -0.5).rate == Approx(-0.678894373632387).epsilon(1e-12));

        // [-5, 10.5, 1, -8, 1]: IRRs -0.870201247484741, 0.0885983385277553,
        // 0.709559527686184 (npf: 0.0886).
        const IrrResult b = credroi::irr({-5, 10.5, 1, -8, 1});
        CHECK(b.status == IrrStatus::multiple_roots);
        CHECK(b.sign_changes == 3);
        REQUIRE(b.all_rates.size() == 3);
        CHECK(b.all_rates[0] == Approx(-0.870201247484741).epsilon(1e-12));
        CHECK(b.all_rates[1] == Approx(0.0885983385277553).epsilon(1e-12));
        CHECK(b.all_rates[2] == Approx(0.709559527686184).epsilon(1e-12));
        CHECK(*b.rate == Approx(0.0885983385277553).epsilon(1e-12));
        CHECK(*credroi::irr({-5, 10.5, 1, -8, 1}, 1.0).rate == Approx(0.709559527686184).epsilon(1e-12));

        // test_trailing_zeros: trailing zeros change nothing.
        const IrrResult c = credroi::irr({-5, 10.5, 1, -8, 1, 0, 0, 0});
        CHECK(c.status == IrrStatus::multiple_roots);
        CHECK(*c.rate == Approx(0.0885983385277553).epsilon(1e-12));
    }
    SUBCASE("numpy-financial test_gh_15: IRR next to -1") {
        // npf: desired -0.9999999990596069 (rtol 1e-9); mpmath bisection:
        // 1 + r = 9.4039311968678459e-10.
        const std::vector<double> v{-3000.0, 2.3926932267015667e-07, 4.1672087103345505e-16,
                                    5.3965110036378706e-25, 5.1962551071806174e-34, 3.7202955645436402e-43,
                                    1.9804961711632469e-52, 7.8393517651814181e-62, 2.3072565113911438e-71,
                                    5.0491839233308912e-81, 8.2159177668499263e-91, 9.9403244366963527e-101,
                                    8.942410813633967e-111, 5.9816122646481191e-121, 2.9750309031844241e-131,
                                    1.1002067043497954e-141, 3.0252876563518021e-152, 6.1854121948207909e-163,
                                    9.4032980015353301e-174, 1.0629218520017728e-184, 8.9337141847171845e-196,
                                    5.5830607698467935e-207, 2.5943122036622652e-218, 8.9635842466507006e-230,
                                    2.3027710094332358e-241, 4.3987510596745562e-253, 6.2476630372575209e-265,
                                    6.598046841695288e-277, 5.1811095266842017e-289, 3.0250999925830644e-301,
                                    1.3133070599585015e-313};
        const IrrResult r = credroi::irr(v);
        CHECK(r.status == IrrStatus::ok);
        REQUIRE(r.rate.has_value());
        CHECK(*r.rate == Approx(-0.9999999990596069).epsilon(1e-15));
        CHECK(1.0 + *r.rate == Approx(9.4039311968678459e-10).epsilon(1e-6));
    }
    SUBCASE("numpy-financial test_npv_irr_congruence") {
        // IRR 0.105822598408902 (mpmath); npf asserts |npv(irr)| <= 1e-10.
        const std::vector<double> v{-40000, 5000, 8000, 12000, 30000};
        const IrrResult r = credroi::irr(v);
        REQUIRE(r);
        CHECK(*r.rate == Approx(0.105822598408902).epsilon(1e-12));
        CHECK(std::abs(credroi::npv(*r.rate, v)) <= 1e-10);
    }
    SUBCASE("Excel IRR examples") {
        // Microsoft Support, IRR function: -70000, 12000, 15000, 18000, 21000, 26000.
        // Five years: 8.7 % on the page (mpmath 0.0866309480365316);
        // four years: -2.1 % (mpmath -0.021244848273411);
        // two years, guess -10 %: -44.4 % (mpmath -0.443506941334741).
        CHECK(*credroi::irr({-70000, 12000, 15000, 18000, 21000, 26000}).rate ==
              Approx(0.0866309480365316).epsilon(1e-12));
        CHECK(*credroi::irr({-70000, 12000, 15000, 18000, 21000}).rate == Approx(-0.021244848273411).epsilon(1e-12));
        CHECK(*credroi::irr({-70000, 12000, 15000}, -0.1).rate == Approx(-0.443506941334741).epsilon(1e-12));
    }
}

TEST_CASE("finance: irr statuses and edge cases") {
    SUBCASE("hand-checked single roots") {
        CHECK(*credroi::irr({-100, 110}).rate == Approx(0.1).epsilon(1e-14));       // 110/100 - 1
        CHECK(*credroi::irr({-100, 0, 121}).rate == Approx(0.1).epsilon(1e-14));    // sqrt(1.21) - 1
        CHECK(*credroi::irr({100, -110}).rate == Approx(0.1).epsilon(1e-14));       // sign of flows irrelevant
        CHECK(*credroi::irr({-100, 50}).rate == Approx(-0.5).epsilon(1e-14));       // losing money
        CHECK(*credroi::irr({0, 0, -100, 110, 0}).rate == Approx(0.1).epsilon(1e-14));  // leading/trailing zeros
        const IrrResult zero = credroi::irr({-100, 100});
        CHECK(zero.status == IrrStatus::ok);
        CHECK(*zero.rate == 0.0);  // exact on the grid point r = 0
    }
    SUBCASE("no sign change: no IRR, no number") {
        // numpy-financial test_numpy_gh_6744: irr([-1, -2, -3]) is NaN there.
        for (const std::vector<double>& v : std::vector<std::vector<double>>{
                 {-1, -2, -3}, {1, 2, 3}, {0, 0, 0}, {}, {-100}, {-100, 0, 0}, {0, 5, 0, 7}}) {
            const IrrResult r = credroi::irr(v);
            CHECK(r.status == IrrStatus::no_sign_change);
            CHECK_FALSE(r.rate.has_value());
            CHECK_FALSE(static_cast<bool>(r));
            CHECK(r.all_rates.empty());
            CHECK(r.sign_changes == 0);
        }
    }
    SUBCASE("sign changes but no root") {
        // -100 + 50x - 100x^2 (x = 1/(1+r)) has discriminant 2500 - 40000 < 0: NPV < 0 at every rate.
        const IrrResult r = credroi::irr({-100, 50, -100});
        CHECK(r.status == IrrStatus::no_root_found);
        CHECK(r.sign_changes == 2);
        CHECK_FALSE(r);
        CHECK(r.all_rates.empty());
    }
    SUBCASE("root outside the searched range is not made up") {
        // 1 + r = 1e-13 and 1e13, beyond [1e-12, 1e12].
        CHECK(credroi::irr({-1, 1e-13}).status == IrrStatus::no_root_found);
        CHECK(credroi::irr({-1e-13, 1}).status == IrrStatus::no_root_found);
        // Just inside the range they are found.
        CHECK(*credroi::irr({-1, 1e-11}).rate == Approx(-1.0 + 1e-11).epsilon(1e-15));
        CHECK(*credroi::irr({-1e-11, 1}).rate == Approx(1e11 - 1.0).epsilon(1e-12));
    }
    SUBCASE("two IRRs by construction") {
        // -100 y^2 + 230 y - 132 = 0 at y = 1.1 and 1.2 (y = 1 + r): -121 + 253 - 132 = 0, -144 + 276 - 132 = 0.
        const IrrResult r = credroi::irr({-100, 230, -132});
        CHECK(r.status == IrrStatus::multiple_roots);
        CHECK(r.sign_changes == 2);
        REQUIRE(r.all_rates.size() == 2);
        CHECK(r.all_rates[0] == Approx(0.1).epsilon(1e-13));
        CHECK(r.all_rates[1] == Approx(0.2).epsilon(1e-13));
        CHECK(*r.rate == Approx(0.1).epsilon(1e-13));                               // guess 0.1
        CHECK(*credroi::irr({-100, 230, -132}, 0.16).rate == Approx(0.2).epsilon(1e-13));  // nearer 0.2
    }
    SUBCASE("two IRRs closer than one grid step") {
        // -1000 y^2 + 2200.5 y - 1210.55 = -1000 (y - 1.1)(y - 1.1005): IRRs 0.1 and 0.1005
        // (mpmath: 0.099999999999909051, 0.10050000000009095; 1210.55 is not exact in binary).
        // Both lie between the same two grid points (1 + r = 1.0966.. and 1.1008..):
        // only the turn of NPV between them reveals the pair.
        const IrrResult r = credroi::irr({-1000, 2200.5, -1210.55});
        CHECK(r.status == IrrStatus::multiple_roots);
        REQUIRE(r.all_rates.size() == 2);
        CHECK(r.all_rates[0] == Approx(0.099999999999909051).epsilon(1e-10));
        CHECK(r.all_rates[1] == Approx(0.10050000000009095).epsilon(1e-10));
    }
    SUBCASE("flows built from known IRRs") {
        // values = -prod_k (y - (1 + r_k)) expanded in powers of y = 1 + r, highest
        // first: values[i] multiplies y^(n-1-i), i.e. it is the flow at t = i.
        const auto flows_with_irrs = [](const std::vector<double>& rates) {
            std::vector<double> c{-1.0};
            for (const double r : rates) {
                std::vector<double> next(c.size() + 1, 0.0);
                for (std::size_t i = 0; i < c.size(); ++i) {
                    next[i] += c[i];
                    next[i + 1] -= c[i] * (1.0 + r);
                }
                c = next;
            }
            return c;
        };
        for (const std::vector<double>& rates : std::vector<std::vector<double>>{
                 {0.05, 0.3, 1.5}, {-0.5, 0.02, 0.025}, {-0.9, -0.2, 4.0}, {-0.3, -0.25, 0.01, 0.2}}) {
            const IrrResult r = credroi::irr(flows_with_irrs(rates));
            CAPTURE(rates.front());
            CHECK(r.status == IrrStatus::multiple_roots);
            REQUIRE(r.all_rates.size() == rates.size());
            for (std::size_t k = 0; k < rates.size(); ++k) CHECK(r.all_rates[k] == Approx(rates[k]).epsilon(1e-9));
        }
    }
    SUBCASE("double root on the grid") {
        // 1 - 2x + x^2 = (1 - x)^2: the only IRR is 0 (touching, not crossing).
        const IrrResult r = credroi::irr({1, -2, 1});
        CHECK(r.status == IrrStatus::ok);
        CHECK(*r.rate == 0.0);
    }
    SUBCASE("many sign changes, one root: full scan") {
        // 5 sign changes; mpmath polynomial roots: the only real IRR is 0.185824916738103.
        const IrrResult r = credroi::irr({-100, 60, -10, 60, -10, 60});
        CHECK(r.sign_changes == 5);
        CHECK(r.status == IrrStatus::ok);
        CHECK(*r.rate == Approx(0.185824916738103).epsilon(1e-12));
    }
    SUBCASE("15 years of monthly flows") {
        // Annuity: -50000, then 1000 a month for 180 months: monthly IRR 0.0193667970160083 (mpmath).
        std::vector<double> v(181, 1000.0);
        v[0] = -50000.0;
        const IrrResult a = credroi::irr(v);
        CHECK(a.status == IrrStatus::ok);
        CHECK(*a.rate == Approx(0.0193667970160083).epsilon(1e-12));
        // A -20000 audit every 36th month instead of the 1500 income: 10 sign
        // changes and two IRRs, -0.0630851247896023 and 0.0214848859946986
        // (mpmath bisection on a fine grid).
        std::vector<double> w(181);
        w[0] = -50000.0;
        for (std::size_t t = 1; t <= 180; ++t) w[t] = t % 36 == 0 ? -20000.0 : 1500.0;
        const IrrResult b = credroi::irr(w);
        CHECK(b.sign_changes == 10);
        CHECK(b.status == IrrStatus::multiple_roots);
        REQUIRE(b.all_rates.size() == 2);
        CHECK(b.all_rates[0] == Approx(-0.0630851247896023).epsilon(1e-11));
        CHECK(b.all_rates[1] == Approx(0.0214848859946986).epsilon(1e-11));
        CHECK(*b.rate == Approx(0.0214848859946986).epsilon(1e-11));
    }
    SUBCASE("status names") {
        CHECK(std::string(credroi::to_string(IrrStatus::ok)) == "ok");
        CHECK(std::string(credroi::to_string(IrrStatus::no_sign_change)) == "no_sign_change");
        CHECK(std::string(credroi::to_string(IrrStatus::no_root_found)) == "no_root_found");
        CHECK(std::string(credroi::to_string(IrrStatus::multiple_roots)) == "multiple_roots");
    }
    SUBCASE("preconditions") {
        CHECK_THROWS_AS(credroi::irr({-100, 110}, -1.0), ParameterError);
        CHECK(error_path([] { credroi::irr({-100, 110}, not_a_number); }) == "guess");
        CHECK(error_path([] { credroi::irr({-100, not_a_number, 110}); }) == "values[1]");
        CHECK(error_path([] { credroi::irr({-100, 110, infinity}); }) == "values[2]");
    }
}

TEST_CASE("finance: xnpv (actual/365, annual rate)") {
    SUBCASE("Excel XNPV example") {
        // Microsoft Support, XNPV function: rate 9 %, -10000, 2750, 4250, 3250,
        // 2750 on 2008-01-01, 2008-03-01, 2008-10-30, 2009-02-15, 2009-04-01
        // -> 2086.65 (VBA reference: 2086.6476); mpmath 2086.64760203154.
        CHECK(credroi::xnpv(0.09, excel_dated_values, excel_dates()) == Approx(2086.64760203154).epsilon(1e-13));
    }
    SUBCASE("hand-checked") {
        // 365 days is one year: -100 + 110 / 1.1 = 0.
        CHECK(credroi::xnpv(0.1, {-100, 110}, {Date(2026, 1, 1), Date(2027, 1, 1)}) == Approx(0.0).epsilon(1e-12));
        // A leap year is 366/365 years: -100 + 110 / 1.1^(366/365) = -0.0261089690438794 (mpmath).
        CHECK(credroi::xnpv(0.1, {-100, 110}, {Date(2028, 1, 1), Date(2029, 1, 1)}) ==
              Approx(-0.0261089690438794).epsilon(1e-10));
        // Later dates in any order, same-day flows allowed.
        CHECK(credroi::xnpv(0.1, {-100, 60.5, 60.5}, {Date(2026, 1, 1), Date(2028, 1, 1), Date(2028, 1, 1)}) ==
              Approx(0.0).epsilon(1e-12));  // 730 days = 2 years: 121 / 1.21 = 100
        std::vector<double> v = excel_dated_values;
        std::vector<Date> d = excel_dates();
        std::swap(v[1], v[4]);
        std::swap(d[1], d[4]);
        CHECK(credroi::xnpv(0.09, v, d) == Approx(2086.64760203154).epsilon(1e-13));
        CHECK(credroi::xnpv(0.09, {}, {}) == 0.0);
    }
    SUBCASE("preconditions") {
        CHECK_THROWS_AS(credroi::xnpv(0.1, {1, 2}, {Date(2026, 1, 1)}), ParameterError);
        CHECK(error_path([] { credroi::xnpv(0.1, {1, 2}, {Date(2026, 1, 1)}); }) == "dates");
        CHECK(error_path([] {
                  credroi::xnpv(0.1, {1, 2, 3}, {Date(2026, 1, 1), Date(2026, 6, 1), Date(2025, 12, 31)});
              }) == "dates[2]");
        CHECK(error_path([] { credroi::xnpv(-1.0, {1}, {Date(2026, 1, 1)}); }) == "rate");
        CHECK(error_path([] { credroi::xnpv(0.1, {1, not_a_number}, {Date(2026, 1, 1), Date(2026, 2, 1)}); }) ==
              "values[1]");
    }
}

TEST_CASE("finance: xirr (annual rate)") {
    SUBCASE("Excel XIRR example") {
        // Microsoft Support, XIRR function: the XNPV example flows -> 0.373362535
        // (Excel stops within 0.000001 %); mpmath root 0.373362533518832.
        const IrrResult r = credroi::xirr(excel_dated_values, excel_dates());
        CHECK(r.status == IrrStatus::ok);
        CHECK(r.sign_changes == 1);
        REQUIRE(r);
        CHECK(*r.rate == Approx(0.373362533518832).epsilon(1e-12));
        CHECK(std::abs(*r.rate - 0.373362535) < 1e-8);
        CHECK(std::abs(credroi::xnpv(*r.rate, excel_dated_values, excel_dates())) < 1e-8);
    }
    SUBCASE("hand-checked") {
        const Date d0(2026, 1, 1);
        const Date d1(2027, 1, 1);  // + 365 days
        const Date d2(2028, 1, 1);  // + 730 days
        CHECK(*credroi::xirr({-100, 110}, {d0, d1}).rate == Approx(0.1).epsilon(1e-13));
        // Unordered later dates and a zero flow: 121 after two years.
        CHECK(*credroi::xirr({-100, 121, 0}, {d0, d2, d1}).rate == Approx(0.1).epsilon(1e-13));
        // Same-day flows are merged: 50 + 60 on d1.
        const IrrResult merged = credroi::xirr({-100, 50, 60}, {d0, d1, d1});
        CHECK(merged.sign_changes == 1);
        CHECK(*merged.rate == Approx(0.1).epsilon(1e-13));
        // Leading zero flow on an earlier date does not move the rate.
        CHECK(*credroi::xirr({0, -100, 110}, {Date(2025, 6, 1), d0, d1}).rate == Approx(0.1).epsilon(1e-13));
    }
    SUBCASE("statuses") {
        const Date d0(2026, 1, 1);
        const Date d1(2027, 1, 1);
        const Date d2(2028, 1, 1);
        // Two IRRs, 0.1 and 0.2, as for irr({-100, 230, -132}).
        const IrrResult two = credroi::xirr({-100, 230, -132}, {d0, d1, d2});
        CHECK(two.status == IrrStatus::multiple_roots);
        REQUIRE(two.all_rates.size() == 2);
        CHECK(two.all_rates[0] == Approx(0.1).epsilon(1e-12));
        CHECK(two.all_rates[1] == Approx(0.2).epsilon(1e-12));
        CHECK(*credroi::xirr({-100, 230, -132}, {d0, d1, d2}, 0.3).rate == Approx(0.2).epsilon(1e-12));
        const IrrResult none = credroi::xirr({-100, -5}, {d0, d1});
        CHECK(none.status == IrrStatus::no_sign_change);
        CHECK_FALSE(none);
        // -100 + 50 v - 100 v^2 < 0 for every v > 0.
        const IrrResult no_root = credroi::xirr({-100, 50, -100}, {d0, d1, d2});
        CHECK(no_root.status == IrrStatus::no_root_found);
        CHECK_FALSE(no_root.rate.has_value());
        // Same-day flows that cancel leave no sign change.
        CHECK(credroi::xirr({-100, 100, -100}, {d0, d1, d1}).status == IrrStatus::no_sign_change);
    }
    SUBCASE("preconditions") {
        const Date d0(2026, 1, 1);
        CHECK_THROWS_AS(credroi::xirr({-100, 110}, {d0}), ParameterError);
        CHECK(error_path([&] { credroi::xirr({-100, 110}, {d0}); }) == "dates");
        CHECK(error_path([&] { credroi::xirr({-100, 110}, {d0, Date(2025, 1, 1)}); }) == "dates[1]");
        CHECK(error_path([&] { credroi::xirr({-100, 110}, {d0, Date(2027, 1, 1)}, -1.0); }) == "guess");
        CHECK(error_path([&] { credroi::xirr({-100, infinity}, {d0, Date(2027, 1, 1)}); }) == "values[1]");
    }
}

TEST_CASE("finance: mirr") {
    SUBCASE("Excel MIRR example") {
        // Microsoft Support, MIRR function: -120000, 39000, 30000, 21000, 37000,
        // 46000, finance 10 %, reinvest 12 % -> 12.61 % (numpy-financial test_mirr:
        // 0.126094130365905145828421880). After three years: -4.80 % (Excel shows -5 %;
        // mpmath -0.0480446552499808).
        CHECK(*credroi::mirr({-120000, 39000, 30000, 21000, 37000, 46000}, 0.10, 0.12) ==
              Approx(0.126094130365905145).epsilon(1e-13));
        CHECK(*credroi::mirr({-120000, 39000, 30000, 21000}, 0.10, 0.12) == Approx(-0.0480446552499808).epsilon(1e-12));
    }
    SUBCASE("numpy-financial test_mirr") {
        CHECK(*credroi::mirr({-4500, -800, 800, 800, 600, 600, 800, 800, 700, 3000}, 0.08, 0.055) ==
              Approx(0.066597175031553548).epsilon(1e-13));
        CHECK(*credroi::mirr({100, 200, -50, 300, -200}, 0.05, 0.06) == Approx(0.342823387842176663).epsilon(1e-13));
        CHECK_FALSE(credroi::mirr({39000, 30000, 21000, 37000, 46000}, 0.10, 0.12).has_value());
    }
    SUBCASE("hand-checked") {
        // FV of +121 at t = 2 is 121, PV of -100 is 100: sqrt(1.21) - 1 = 0.1 whatever the rates.
        CHECK(*credroi::mirr({-100, 0, 121}, 0.3, 0.7) == Approx(0.1).epsilon(1e-14));
        // Reinvest: +100 at t = 1 grows to 120 at t = 2 at 20 %: sqrt(1.2) - 1.
        CHECK(*credroi::mirr({-100, 100, 0}, 0.5, 0.2) == Approx(std::sqrt(1.2) - 1.0).epsilon(1e-14));
        // Finance: -110 at t = 1 is 100 at t = 0 at 10 %; 121 at t = 2: sqrt(1.21) - 1.
        CHECK(*credroi::mirr({0, -110, 121}, 0.1, 0.9) == Approx(0.1).epsilon(1e-14));
        CHECK_FALSE(credroi::mirr({-1, -2}, 0.1, 0.1).has_value());
        CHECK_FALSE(credroi::mirr({0, 0}, 0.1, 0.1).has_value());
        CHECK_FALSE(credroi::mirr({}, 0.1, 0.1).has_value());
    }
    SUBCASE("preconditions") {
        CHECK_THROWS_AS(credroi::mirr({-1, 2}, -1.0, 0.1), ParameterError);
        CHECK(error_path([] { credroi::mirr({-1, 2}, -1.0, 0.1); }) == "finance_rate");
        CHECK(error_path([] { credroi::mirr({-1, 2}, 0.1, not_a_number); }) == "reinvest_rate");
        CHECK(error_path([] { credroi::mirr({-1, not_a_number}, 0.1, 0.1); }) == "values[1]");
    }
}

TEST_CASE("finance: payback periods") {
    SUBCASE("hand-checked simple payback") {
        // S = -100, -50, 0: recovers in period 2: 1 + 50/50 = 2.
        CHECK(*credroi::payback_period({-100, 50, 50, 50}) == Approx(2.0));
        // S = 0, -100, -50, 0: 2 + 50/50 = 3.
        CHECK(*credroi::payback_period({0, -100, 50, 50}) == Approx(3.0));
        // S = -100, -70, -40, -10, 20: 3 + 10/30.
        CHECK(*credroi::payback_period({-100, 30, 30, 30, 30}) == Approx(3.0 + 10.0 / 30.0).epsilon(1e-14));
        // S = -100, 50, -150, -140: first recovery counts, later dip ignored: 0 + 100/150.
        CHECK(*credroi::payback_period({-100, 150, -200, 10}) == Approx(100.0 / 150.0).epsilon(1e-14));
    }
    SUBCASE("never negative: payback 0; never recovers: empty") {
        CHECK(*credroi::payback_period({100, -50}) == 0.0);
        CHECK(*credroi::payback_period({0, 0, 5}) == 0.0);
        CHECK(*credroi::payback_period({}) == 0.0);
        CHECK_FALSE(credroi::payback_period({-100, 50, 40}).has_value());
        CHECK_FALSE(credroi::payback_period({-1}).has_value());
    }
    SUBCASE("decimal cancellation counts as zero") {
        // -0.1 - 0.2 + 0.3 is -2.8e-17 in binary, not below zero in the model's terms.
        CHECK(*credroi::payback_period({-0.1, -0.2, 0.3}) == Approx(2.0));
    }
    SUBCASE("discounted payback") {
        // At 10 %: 55, 60.5, 66.55 discount to 50, 50, 50 -> 2.
        CHECK(*credroi::discounted_payback_period(0.1, {-100, 55, 60.5, 66.55}) == Approx(2.0).epsilon(1e-12));
        // 33, 36.3, 39.93, 43.923 discount to 30 each -> 3 + 10/30.
        CHECK(*credroi::discounted_payback_period(0.1, {-100, 33, 36.3, 39.93, 43.923}) ==
              Approx(3.0 + 10.0 / 30.0).epsilon(1e-12));
        // At rate 0 it is the simple payback: 1 + 40/60.
        CHECK(*credroi::discounted_payback_period(0.0, {-100, 60, 60}) == Approx(1.0 + 40.0 / 60.0).epsilon(1e-14));
        // At 20 %: 50 + 41.67 = 91.67 < 100, never recovers.
        CHECK_FALSE(credroi::discounted_payback_period(0.2, {-100, 60, 60}).has_value());
        CHECK(*credroi::discounted_payback_period(0.2, {5, 60}) == 0.0);
    }
    SUBCASE("preconditions") {
        CHECK_THROWS_AS(credroi::payback_period({-1, not_a_number}), ParameterError);
        CHECK(error_path([] { credroi::payback_period({-1, 2, infinity}); }) == "values[2]");
        CHECK(error_path([] { credroi::discounted_payback_period(-1.0, {-1, 2}); }) == "rate");
        CHECK(error_path([] { credroi::discounted_payback_period(0.1, {not_a_number}); }) == "values[0]");
        // Discounting at a rate next to -1 overflows ((1e6)^52 > 1e308): reported, not returned as infinity.
        std::vector<double> v(200, -1.0);
        CHECK_THROWS_AS(credroi::discounted_payback_period(-1.0 + 1e-6, v), NumericError);
    }
}

TEST_CASE("finance: the second-order cumulative-sum bound on IRR roots") {
    // w = -10, 12, -4, 3: cumulative sums S = -10, 2, -2, 1 change sign 3 times;
    // their sums T = -10, -8, -10, -9, then (past the last flow) rising by
    // S_total = 1 per step, so T changes sign once: at most one root in (0, 1).
    credroi::detail::CumulativeRootBound bound;
    for (double w : {-10.0, 12.0, -4.0, 3.0}) bound.add(w);
    CHECK(bound.first.changes == 3);
    CHECK(bound.bound() == 1);
    // So irr() needs no scan, and finds that root: NPV at it is zero.
    const IrrResult r = credroi::irr({-10, 12, -4, 3});
    CHECK(r.status == IrrStatus::ok);
    REQUIRE(r.all_rates.size() == 1);
    CHECK(std::abs(credroi::npv(*r.rate, {-10, 12, -4, 3})) < 1e-12);
    // -10 + 12x - 4x^2 + 3x^3 with x = 1/(1+r) is +0.000399 at r = 0.086 and
    // -0.00999 at r = 0.087; its only real root is x = 0.92077775 (numpy.roots),
    // r = 1/x - 1 = 0.0860384002298.
    CHECK(*r.rate == Approx(0.0860384002298).epsilon(1e-11));
}

TEST_CASE("finance: irr_columns gives irr()'s rates, many series at once") {
    // Every path: no sign change, one root above and below rate 0, a root at
    // rate 0 exactly, zeros at the ends, two roots (rate 0.1 and 0.2:
    // -100 y^2 + 230 y - 132 = 0 at y = 1.1 and 1.2, irr() reports the one
    // nearest the guess), no root (100 - 300 x + 250 x^2 has a negative
    // discriminant), the second-order bound, and programme-like series with
    // set-up costs and annual fees that make the flows change sign 3 or 4 times.
    std::vector<std::vector<double>> series = {
        {100, 50, 0, 0},       {-100, 60, 60, 0},    {100, -60, -60, 0}, {-100, 30, 30, 30},
        {-100, 50, 50, 0},     {0, -100, 60, 60},    {-100, 230, -132, 0}, {100, -300, 250, 0},
        {-10, 12, -4, 3},      {0, 0, -100, 110},
    };
    for (int k = 0; k < 40; ++k) {  // 24 months each, padded with zeros to one width below
        std::vector<double> v(24);
        for (int i = 0; i < 24; ++i) {
            const double ramp = std::min(1.0, i / (6.0 + k % 7));
            v[static_cast<std::size_t>(i)] = (i < 2 ? -50000.0 - 1000.0 * k : 9000.0 * ramp * (1.0 + 0.3 * std::sin(k + i))) -
                                             (i % 12 == 6 ? 9000.0 + 800.0 * (k % 5) * (k % 3) : 0.0);
        }
        series.push_back(v);
    }
    const auto n = static_cast<Eigen::Index>(24);
    Eigen::ArrayXXd flows = Eigen::ArrayXXd::Zero(static_cast<Eigen::Index>(series.size()), n);
    for (std::size_t t = 0; t < series.size(); ++t)
        for (std::size_t i = 0; i < series[t].size(); ++i) flows(static_cast<Eigen::Index>(t), static_cast<Eigen::Index>(i)) = series[t][i];
    const Eigen::ArrayXd guess = Eigen::ArrayXd::Constant(flows.rows(), 0.008);
    Eigen::ArrayXd rate;
    credroi::detail::IrrColumnsWorkspace ws;
    credroi::detail::irr_columns(flows, guess, rate, ws);
    for (Eigen::Index t = 0; t < flows.rows(); ++t) {
        std::vector<double> row(static_cast<std::size_t>(n));
        for (Eigen::Index i = 0; i < n; ++i) row[static_cast<std::size_t>(i)] = flows(t, i);
        const IrrResult expected = credroi::irr(row, 0.008);
        INFO("series " << t);
        REQUIRE(expected.rate.has_value() == !std::isnan(rate(t)));
        if (expected.rate) CHECK(std::abs(rate(t) - *expected.rate) <= 8 * std::numeric_limits<double>::epsilon() * (1 + *expected.rate));
    }
    CHECK(std::isnan(rate(0)));                       // no sign change
    CHECK(rate(4) == 0.0);                            // -100 + 50 + 50: rate 0 exactly
    CHECK(rate(6) == Approx(0.1).epsilon(1e-12));     // two roots: the one nearest the guess
    CHECK(std::isnan(rate(7)));                       // no root
    CHECK(ws.newton >= 40);                           // the programme-like ones (IRRs of both signs) went the fast way
    flows(3, 2) = std::nan("");
    CHECK_THROWS_AS(credroi::detail::irr_columns(flows, guess, rate, ws), ParameterError);  // as irr() does
}

namespace {
// irr_columns as it was before its classification was vectorised (copied
// verbatim): the vectorised one must give the same bits, paths and errors.
namespace reference {

using credroi::detail::CumulativeRootBound;
using credroi::detail::irr_log_y_bound;
using credroi::detail::sign_of;
using credroi::irr;

struct ReferenceIrrWorkspace {
    Eigen::ArrayXi changes, begin, end, side;
    Eigen::ArrayXd h1, first, last;
    std::vector<Eigen::Index> trials;  // candidates of one side
    Eigen::ArrayXXd coefficients;      // their polynomials, one row each
    std::vector<double> row;
    std::uint64_t newton = 0, fallback = 0, none = 0;  // trials by path, for benchmarks
    std::uint64_t evaluations = 0;                     // Horner passes, per group of 8 trials
};

void irr_columns_reference(const Eigen::Ref<const Eigen::ArrayXXd>& flows, const Eigen::ArrayXd& guess, Eigen::ArrayXd& rate,
                        ReferenceIrrWorkspace& ws) {
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

}  // namespace reference
}  // namespace

TEST_CASE("finance: irr_columns gives the bits of its unvectorised original, on random series") {
    // Random series of every shape the classification distinguishes: programme-
    // like ones (set-up costs, a ramp, annual fees: 1 to 4 sign changes), small
    // integers with zeros (several sign changes, roots on both sides, sides that
    // irr() scans, NPV exactly 0 at rate 0 when the last flow balances the sum),
    // leading and trailing zeros, huge and tiny magnitudes. 1003 trials: an
    // odd last one (the vector code takes trials in pairs), a last Newton group
    // of fewer than 8. Rates must agree bit for bit, and so must the paths
    // (Newton, irr(), none) and the Horner passes.
    std::uint64_t state = 20261128;
    auto next = [&state] {  // splitmix64: the same numbers on every platform
        std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    };
    auto uniform = [&next] { return static_cast<double>(next() >> 11) * 0x1.0p-53; };
    auto below = [&next](int k) { return static_cast<int>(next() % static_cast<std::uint64_t>(k)); };

    // Then programme-like series only, without the annual fee (one sign
    // change: all to Newton), in runs of 128 trials with a positive IRR and runs
    // with a negative one: whole Newton groups of neighbouring trials on one
    // side, whose polynomials irr_columns reads in place.
    for (const bool programme_only : {false, true})
    for (const Eigen::Index n : {Eigen::Index{60}, Eigen::Index{7}}) {
        CAPTURE(programme_only);
        const Eigen::Index B = 1003;
        Eigen::ArrayXXd flows = Eigen::ArrayXXd::Zero(B, n);
        for (Eigen::Index t = 0; t < B; ++t) {
            const int kind = programme_only ? 0 : static_cast<int>(t % 6);
            // benefits far below the set-up costs: IRR below 0 (the lower side)
            const double benefit_scale = programme_only && (t / 128) % 2 == 1 ? 0.02 : 1.0;
            const Eigen::Index lead = below(4) == 0 ? below(static_cast<int>(n / 3) + 1) : 0;
            const Eigen::Index trail = below(4) == 0 ? below(static_cast<int>(n / 3) + 1) : 0;
            double total = 0.0;
            Eigen::Index latest = -1;
            for (Eigen::Index i = lead; i < n - trail; ++i) {
                const double k = static_cast<double>(i - lead);
                double x = 0.0;
                if (kind <= 1) {  // programme-like
                    const double ramp = std::min(1.0, k / (3.0 + below(9)));
                    x = (k < 2 ? -40000.0 * (1.0 + uniform()) : 9000.0 * benefit_scale * ramp * (0.7 + 0.6 * uniform())) -
                        (static_cast<Eigen::Index>(k) % 12 == 6 && !programme_only ? 20000.0 * uniform() : 0.0);
                } else if (kind <= 3) {  // small integers, many zeros
                    x = below(3) == 0 ? 0.0 : static_cast<double>(below(21) - 10);
                } else if (kind == 4) {  // wide magnitudes
                    x = (uniform() - 0.5) * std::pow(10.0, below(3) == 0 ? static_cast<double>(below(600) - 300) : 3.0);
                } else {  // one sign change but a near-zero NPV at rate 0, or a long flat tail
                    x = i == lead ? -1000.0 : (1000.0 + (uniform() - 0.5) * 1e-9) / static_cast<double>(std::max<Eigen::Index>(1, n - trail - lead - 1));
                }
                flows(t, i) = x;
                total += x;
                if (x != 0.0) latest = i;
            }
            // NPV exactly 0 at rate 0 (integers: the sum is exact).
            if (kind == 3 && latest >= 0 && t % 4 == 1) flows(t, latest) -= total;
            // Small integers times 1e299: sums too large for the vectorised
            // counts (n sum |w| > 1e300), which irr_columns leaves to scalar code.
            if (kind == 2 && t % 4 == 0) flows.row(t) *= 1e299;
        }
        const Eigen::ArrayXd guess = Eigen::ArrayXd::Constant(B, 0.01);
        Eigen::ArrayXd rate, expected;
        credroi::detail::IrrColumnsWorkspace ws;
        reference::ReferenceIrrWorkspace ref;
        credroi::detail::irr_columns(flows, guess, rate, ws);
        reference::irr_columns_reference(flows, guess, expected, ref);
        int differing = 0;
        for (Eigen::Index t = 0; t < B; ++t) {
            std::uint64_t a = 0, b = 0;
            std::memcpy(&a, &rate(t), sizeof a);
            std::memcpy(&b, &expected(t), sizeof b);
            if (a != b) {
                INFO("n " << n << ", trial " << t << ": " << rate(t) << " vs " << expected(t));
                CHECK(a == b);
                ++differing;
            }
        }
        CHECK(differing == 0);
        CHECK(ws.newton == ref.newton);
        CHECK(ws.fallback == ref.fallback);
        CHECK(ws.none == ref.none);
        // Per group of irr_newton_lanes trials (8 in the reference): a wider group
        // iterates as long as its slowest trial, so it takes at most as many passes.
        if (credroi::detail::irr_newton_lanes == 8)
            CHECK(ws.evaluations == ref.evaluations);
        else
            CHECK(ws.evaluations <= ref.evaluations);
        // Every path is taken (else the comparison proves little); the
        // programme-like runs of 60 months all go to Newton, about half of
        // them to each side (n 7 is too short for their shape: no checks).
        if (!programme_only) {
            CHECK(ref.newton > 100);
            CHECK(ref.fallback > 50);
            CHECK(ref.none > 20);
        } else if (n == 60) {
            CHECK(ref.newton == static_cast<std::uint64_t>(B));
            CHECK((expected < 0.0).count() > 300);
            CHECK((expected > 0.0).count() > 300);
        }

        // A second batch in the same workspaces (buffers reused), with a
        // non-finite flow: both throw irr()'s ParameterError for it.
        flows(B - 2, n / 2) = infinity;
        CHECK(error_path([&] { credroi::detail::irr_columns(flows, guess, rate, ws); }) ==
              error_path([&] { reference::irr_columns_reference(flows, guess, expected, ref); }));
        CHECK(!error_path([&] { credroi::detail::irr_columns(flows, guess, rate, ws); }).empty());
    }
}
