#include <credroi/calendar.hpp>

#include <doctest/doctest.h>

#include <numeric>
#include <string>
#include <vector>

using credroi::Date;
using credroi::FiscalCalendar;
using credroi::FiscalPeriod;
using credroi::FiscalYearNaming;
using credroi::ParameterError;
using credroi::YearMonth;

namespace {

// The path a ParameterError names, or "" when the call does not throw one.
template <class F>
std::string error_path(F f) {
    try {
        f();
    } catch (const ParameterError& e) {
        return e.path();
    }
    return "";
}

}  // namespace

TEST_CASE("calendar: YearMonth construction and parsing") {
    SUBCASE("valid months") {
        const YearMonth ym(2026, 4);
        CHECK(ym.year == 2026);
        CHECK(ym.month == 4);
        CHECK(YearMonth(2026, 1).month == 1);
        CHECK(YearMonth(2026, 12).month == 12);
        CHECK(YearMonth() == YearMonth(1970, 1));
    }
    SUBCASE("month and year out of range") {
        CHECK_THROWS_AS(YearMonth(2026, 0), ParameterError);
        CHECK_THROWS_AS(YearMonth(2026, 13), ParameterError);
        CHECK(error_path([] { YearMonth(2026, 13); }) == "month");
        CHECK_THROWS_AS(YearMonth(0, 1), ParameterError);
        CHECK_THROWS_AS(YearMonth(10000, 1), ParameterError);
        CHECK(error_path([] { YearMonth(10000, 1); }) == "year");
    }
    SUBCASE("parse accepts YYYY-MM and YYYY-M") {
        CHECK(YearMonth::parse("2026-04") == YearMonth(2026, 4));
        CHECK(YearMonth::parse("2026-4") == YearMonth(2026, 4));
        CHECK(YearMonth::parse("2026-12") == YearMonth(2026, 12));
        CHECK(YearMonth::parse("0999-01") == YearMonth(999, 1));
    }
    SUBCASE("parse rejects anything else with a clear message") {
        for (const char* bad : {"", "2026", "2026-", "26-04", "2026/04", "2026-04-01", " 2026-04", "2026-04 ",
                                "2026-004", "+2026-04", "-2026-04", "2026-0x", "20260-4", "abcd-ef"}) {
            CAPTURE(bad);
            CHECK(error_path([bad] { YearMonth::parse(bad); }) == "year_month");
        }
        try {
            YearMonth::parse("2026/04");
            FAIL("expected ParameterError");
        } catch (const ParameterError& e) {
            CHECK(std::string(e.what()) == "year_month: expected a year and month like \"2026-04\", found \"2026/04\"");
        }
        // Well formed but not a month: the month check speaks.
        CHECK(error_path([] { YearMonth::parse("2026-13"); }) == "month");
        CHECK(error_path([] { YearMonth::parse("2026-00"); }) == "month");
        CHECK(error_path([] { YearMonth::parse("0000-05"); }) == "year");
    }
    SUBCASE("to_string pads to YYYY-MM and round-trips") {
        CHECK(YearMonth(2026, 4).to_string() == "2026-04");
        CHECK(YearMonth(2026, 11).to_string() == "2026-11");
        CHECK(YearMonth(999, 1).to_string() == "0999-01");
        CHECK(YearMonth::parse(YearMonth(2031, 7).to_string()) == YearMonth(2031, 7));
    }
}

TEST_CASE("calendar: YearMonth arithmetic and ordering") {
    SUBCASE("comparisons") {
        CHECK(YearMonth(2026, 4) < YearMonth(2026, 5));
        CHECK(YearMonth(2026, 12) < YearMonth(2027, 1));
        CHECK(YearMonth(2027, 1) > YearMonth(2026, 12));
        CHECK(YearMonth(2026, 4) <= YearMonth(2026, 4));
        CHECK(YearMonth(2026, 4) >= YearMonth(2026, 4));
        CHECK(YearMonth(2026, 4) != YearMonth(2025, 4));
        CHECK_FALSE(YearMonth(2026, 4) < YearMonth(2026, 4));
    }
    SUBCASE("plus_months crosses year ends both ways") {
        CHECK(YearMonth(2026, 11).plus_months(3) == YearMonth(2027, 2));    // Nov + 3 = Feb next year
        CHECK(YearMonth(2026, 1).plus_months(-1) == YearMonth(2025, 12));
        CHECK(YearMonth(2026, 4).plus_months(-13) == YearMonth(2025, 3));
        CHECK(YearMonth(2026, 4).plus_months(0) == YearMonth(2026, 4));
        CHECK(YearMonth(2026, 4).plus_months(180) == YearMonth(2041, 4));  // 15 years
    }
    SUBCASE("plus_months outside years 1..9999") {
        CHECK_THROWS_AS(YearMonth(9999, 12).plus_months(1), ParameterError);
        CHECK(error_path([] { YearMonth(1, 1).plus_months(-1); }) == "months");
        CHECK(YearMonth(9999, 11).plus_months(1) == YearMonth(9999, 12));
    }
    SUBCASE("months_between is to - from") {
        CHECK(credroi::months_between(YearMonth(2026, 4), YearMonth(2027, 3)) == 11);
        CHECK(credroi::months_between(YearMonth(2027, 3), YearMonth(2026, 4)) == -11);
        CHECK(credroi::months_between(YearMonth(2026, 4), YearMonth(2026, 4)) == 0);
        CHECK(credroi::months_between(YearMonth(2020, 1), YearMonth(2035, 1)) == 180);
    }
    SUBCASE("index and from_index") {
        CHECK(YearMonth(2026, 4).index() == 2026 * 12 + 3);
        CHECK(YearMonth::from_index(2026 * 12 + 3) == YearMonth(2026, 4));
        CHECK(YearMonth::from_index(2026 * 12 + 11) == YearMonth(2026, 12));
        CHECK(YearMonth::from_index(2027 * 12) == YearMonth(2027, 1));
        CHECK(error_path([] { YearMonth::from_index(-1); }) == "year");
        CHECK(error_path([] { YearMonth::from_index(11); }) == "year");  // 0000-12
    }
}

TEST_CASE("calendar: Date") {
    SUBCASE("leap years (Gregorian rule)") {
        CHECK(credroi::is_leap_year(2024));
        CHECK(credroi::is_leap_year(2000));   // divisible by 400
        CHECK_FALSE(credroi::is_leap_year(1900));  // century not divisible by 400
        CHECK_FALSE(credroi::is_leap_year(2026));
        CHECK(credroi::days_in_month(2024, 2) == 29);
        CHECK(credroi::days_in_month(2026, 2) == 28);
        CHECK(credroi::days_in_month(2026, 4) == 30);
        CHECK(credroi::days_in_month(2026, 12) == 31);
        CHECK(credroi::days_in_month(2026, 13) == 0);
    }
    SUBCASE("construction checks the real calendar") {
        CHECK(Date(2024, 2, 29).day == 29);
        CHECK(Date(2000, 2, 29).day == 29);
        CHECK_THROWS_AS(Date(2026, 2, 29), ParameterError);
        CHECK_THROWS_AS(Date(1900, 2, 29), ParameterError);
        CHECK(error_path([] { Date(2026, 4, 31); }) == "day");
        CHECK(error_path([] { Date(2026, 4, 0); }) == "day");
        CHECK(error_path([] { Date(2026, 13, 1); }) == "month");
        CHECK(error_path([] { Date(0, 1, 1); }) == "year");
        CHECK(error_path([] { Date(10000, 1, 1); }) == "year");
    }
    SUBCASE("parse and to_string") {
        CHECK(Date::parse("2026-04-15") == Date(2026, 4, 15));
        CHECK(Date::parse("2026-4-5") == Date(2026, 4, 5));
        CHECK(Date(2026, 4, 5).to_string() == "2026-04-05");
        CHECK(Date(2026, 12, 31).to_string() == "2026-12-31");
        for (const char* bad : {"", "2026-04", "2026-04-", "2026-04-15T00:00", "2026/04/15", "15.04.2026",
                                "2026-04-150", " 2026-04-15", "26-04-15"}) {
            CAPTURE(bad);
            CHECK(error_path([bad] { Date::parse(bad); }) == "date");
        }
        CHECK(error_path([] { Date::parse("2026-02-30"); }) == "day");
        CHECK(error_path([] { Date::parse("2026-13-01"); }) == "month");
    }
    SUBCASE("days_since_epoch: known days") {
        CHECK(Date(1970, 1, 1).days_since_epoch() == 0);
        CHECK(Date(1970, 1, 2).days_since_epoch() == 1);
        CHECK(Date(1969, 12, 31).days_since_epoch() == -1);
        // 30 years with 7 leap days (1972..1996): 30 * 365 + 7 = 10957.
        CHECK(Date(2000, 1, 1).days_since_epoch() == 10957);
        // 2000-03-01: + 31 (Jan) + 29 (Feb, leap) = 11017.
        CHECK(Date(2000, 3, 1).days_since_epoch() == 11017);
        CHECK(Date(1, 1, 1).days_since_epoch() == -719162);
        CHECK(Date(9999, 12, 31).days_since_epoch() == 2932896);
    }
    SUBCASE("days_between") {
        // The XNPV example dates of Microsoft's XNPV page: 60, 303, 411, 456 days after 2008-01-01.
        const Date d0(2008, 1, 1);
        CHECK(credroi::days_between(d0, Date(2008, 3, 1)) == 60);  // 31 + 29 (2008 is a leap year)
        CHECK(credroi::days_between(d0, Date(2008, 10, 30)) == 303);
        CHECK(credroi::days_between(d0, Date(2009, 2, 15)) == 411);
        CHECK(credroi::days_between(d0, Date(2009, 4, 1)) == 456);
        CHECK(credroi::days_between(Date(2009, 4, 1), d0) == -456);
        CHECK(credroi::days_between(Date(2026, 1, 1), Date(2027, 1, 1)) == 365);
        CHECK(credroi::days_between(Date(2028, 1, 1), Date(2029, 1, 1)) == 366);
    }
    SUBCASE("days_since_epoch counts every day once, 1600..2400") {
        // Walk the calendar day by day with days_in_month: each step must add
        // exactly one day, and from_days_since_epoch must invert it.
        long expected = Date(1600, 1, 1).days_since_epoch();
        for (int y = 1600; y <= 2400; ++y) {
            for (int m = 1; m <= 12; ++m) {
                for (int d = 1; d <= credroi::days_in_month(y, m); ++d) {
                    const Date date(y, m, d);
                    const long days = date.days_since_epoch();
                    if (days != expected || Date::from_days_since_epoch(days) != date) {
                        FAIL("calendar mismatch at " << date.to_string() << ": " << days << " vs " << expected);
                    }
                    ++expected;
                }
            }
        }
        // 1600..2399 are two Gregorian cycles of 146097 days; 2400 is a leap year.
        CHECK(expected - Date(1600, 1, 1).days_since_epoch() == 2 * 146097 + 366);
    }
    SUBCASE("from_days_since_epoch range") {
        CHECK(Date::from_days_since_epoch(0) == Date(1970, 1, 1));
        CHECK(Date::from_days_since_epoch(-719162) == Date(1, 1, 1));
        CHECK(Date::from_days_since_epoch(2932896) == Date(9999, 12, 31));
        CHECK(error_path([] { Date::from_days_since_epoch(-719163); }) == "days");
        CHECK(error_path([] { Date::from_days_since_epoch(2932897); }) == "days");
    }
    SUBCASE("ordering and year_month") {
        CHECK(Date(2026, 4, 15) < Date(2026, 4, 16));
        CHECK(Date(2026, 4, 30) < Date(2026, 5, 1));
        CHECK(Date(2026, 12, 31) < Date(2027, 1, 1));
        CHECK(Date(2027, 1, 1) > Date(2026, 12, 31));
        CHECK(Date(2026, 4, 15) <= Date(2026, 4, 15));
        CHECK(Date(2026, 4, 15) >= Date(2026, 4, 15));
        CHECK(Date(2026, 4, 15) != Date(2026, 4, 16));
        CHECK(Date(2026, 4, 15).year_month() == YearMonth(2026, 4));
    }
}

TEST_CASE("calendar: FiscalCalendar") {
    SUBCASE("start_month must be 1..12") {
        CHECK_THROWS_AS(FiscalCalendar(0), ParameterError);
        CHECK(error_path([] { FiscalCalendar(13); }) == "start_month");
        CHECK(FiscalCalendar().start_month() == 1);
        CHECK(FiscalCalendar().naming() == FiscalYearNaming::by_end_year);
        const FiscalCalendar from_braces = {};  // usable in aggregates
        CHECK(from_braces == FiscalCalendar(1, FiscalYearNaming::by_end_year));
        CHECK(FiscalCalendar(4) != FiscalCalendar(4, FiscalYearNaming::by_start_year));
    }
    SUBCASE("April start, named by end year: April 2026 .. March 2027 is FY2027") {
        const FiscalCalendar cal(4);
        CHECK(cal.fiscal_year(YearMonth(2026, 3)) == 2026);
        CHECK(cal.fiscal_year(YearMonth(2026, 4)) == 2027);
        CHECK(cal.fiscal_year(YearMonth(2026, 12)) == 2027);
        CHECK(cal.fiscal_year(YearMonth(2027, 3)) == 2027);
        CHECK(cal.fiscal_year(YearMonth(2027, 4)) == 2028);
        CHECK(cal.month_of_fiscal_year(YearMonth(2026, 4)) == 1);
        CHECK(cal.month_of_fiscal_year(YearMonth(2026, 12)) == 9);
        CHECK(cal.month_of_fiscal_year(YearMonth(2027, 3)) == 12);
        CHECK(cal.fiscal_quarter(YearMonth(2026, 4)) == 1);
        CHECK(cal.fiscal_quarter(YearMonth(2026, 6)) == 1);
        CHECK(cal.fiscal_quarter(YearMonth(2026, 7)) == 2);
        CHECK(cal.fiscal_quarter(YearMonth(2026, 10)) == 3);
        CHECK(cal.fiscal_quarter(YearMonth(2027, 1)) == 4);
        CHECK(cal.fiscal_quarter(YearMonth(2027, 3)) == 4);
        CHECK(cal.fiscal_year_label(2027) == "FY2027");
        CHECK(cal.fiscal_quarter_label(YearMonth(2026, 11)) == "FY2027 Q3");
        CHECK(cal.first_month(2027) == YearMonth(2026, 4));
    }
    SUBCASE("April start, named by start year: April 2026 .. March 2027 is FY2026") {
        const FiscalCalendar cal(4, FiscalYearNaming::by_start_year);
        CHECK(cal.fiscal_year(YearMonth(2026, 4)) == 2026);
        CHECK(cal.fiscal_year(YearMonth(2027, 3)) == 2026);
        CHECK(cal.fiscal_year(YearMonth(2026, 3)) == 2025);
        CHECK(cal.fiscal_quarter_label(YearMonth(2027, 2)) == "FY2026 Q4");
        CHECK(cal.first_month(2026) == YearMonth(2026, 4));
    }
    SUBCASE("January start: the calendar year under both namings") {
        for (const auto naming : {FiscalYearNaming::by_end_year, FiscalYearNaming::by_start_year}) {
            const FiscalCalendar cal(1, naming);
            for (int m = 1; m <= 12; ++m) {
                CHECK(cal.fiscal_year(YearMonth(2027, m)) == 2027);
                CHECK(cal.month_of_fiscal_year(YearMonth(2027, m)) == m);
            }
            CHECK(cal.fiscal_quarter_label(YearMonth(2027, 9)) == "FY2027 Q3");
            CHECK(cal.first_month(2027) == YearMonth(2027, 1));
        }
    }
    SUBCASE("US federal fiscal year: October start, named by end year") {
        // FEMA glossary, https://recovery.fema.gov/glossary/FY : the federal
        // fiscal year runs 1 October to 30 September and is named by the
        // calendar year in which it ends.
        const FiscalCalendar cal(10);
        CHECK(cal.fiscal_quarter_label(YearMonth(2026, 10)) == "FY2027 Q1");
        CHECK(cal.fiscal_quarter_label(YearMonth(2026, 12)) == "FY2027 Q1");
        CHECK(cal.fiscal_quarter_label(YearMonth(2027, 1)) == "FY2027 Q2");
        CHECK(cal.fiscal_quarter_label(YearMonth(2027, 9)) == "FY2027 Q4");
        CHECK(cal.fiscal_quarter_label(YearMonth(2026, 9)) == "FY2026 Q4");
        CHECK(cal.first_month(2027) == YearMonth(2026, 10));
        // US NRC glossary, https://www.nrc.gov/reading-rm/basic-ref/glossary/fiscal-year-fy.html :
        // "FY 2009 runs from October 1, 2008, through September 30, 2009".
        CHECK(cal.fiscal_year(YearMonth(2008, 10)) == 2009);
        CHECK(cal.fiscal_year(YearMonth(2009, 9)) == 2009);
        CHECK(cal.fiscal_year(YearMonth(2009, 10)) == 2010);
    }
    SUBCASE("Australia: July start, named by end year") {
        const FiscalCalendar cal(7);
        CHECK(cal.fiscal_year(YearMonth(2026, 7)) == 2027);
        CHECK(cal.fiscal_year(YearMonth(2027, 6)) == 2027);
        CHECK(cal.fiscal_quarter(YearMonth(2027, 6)) == 4);
    }
    SUBCASE("first_month inverts fiscal_year for every start month and naming") {
        for (int start = 1; start <= 12; ++start) {
            for (const auto naming : {FiscalYearNaming::by_end_year, FiscalYearNaming::by_start_year}) {
                const FiscalCalendar cal(start, naming);
                CAPTURE(start);
                const YearMonth first = cal.first_month(2030);
                CHECK(first.month == start);
                CHECK(cal.fiscal_year(first) == 2030);
                CHECK(cal.month_of_fiscal_year(first) == 1);
                CHECK(cal.fiscal_year(first.plus_months(11)) == 2030);
                CHECK(cal.month_of_fiscal_year(first.plus_months(11)) == 12);
                CHECK(cal.fiscal_year(first.plus_months(-1)) == 2029);
                CHECK(cal.fiscal_year(first.plus_months(12)) == 2031);
            }
        }
    }
    SUBCASE("first_month outside years 1..9999") {
        CHECK(error_path([] { FiscalCalendar(4).first_month(1); }) == "year");  // would start in year 0
    }
}

TEST_CASE("calendar: fiscal periods of a horizon") {
    const FiscalCalendar april(4);
    SUBCASE("fiscal_years: partial first and last years") {
        // 2026-01 .. 2028-12 (36 months), April start:
        // Jan-Mar 2026 -> FY2026 (3), Apr 2026-Mar 2027 -> FY2027 (12),
        // Apr 2027-Mar 2028 -> FY2028 (12), Apr-Dec 2028 -> FY2029 (9).
        const auto years = credroi::fiscal_years(YearMonth(2026, 1), 36, april);
        const std::vector<FiscalPeriod> expected{
            {"FY2026", 2026, 0, 0, 3},
            {"FY2027", 2027, 0, 3, 12},
            {"FY2028", 2028, 0, 15, 12},
            {"FY2029", 2029, 0, 27, 9},
        };
        REQUIRE(years.size() == expected.size());
        for (std::size_t i = 0; i < years.size(); ++i) {
            CAPTURE(i);
            CHECK(years[i] == expected[i]);
        }
    }
    SUBCASE("fiscal_years: aligned horizon gives whole years") {
        const auto years = credroi::fiscal_years(YearMonth(2026, 1), 24, FiscalCalendar(1));
        REQUIRE(years.size() == 2);
        CHECK(years[0] == FiscalPeriod{"FY2026", 2026, 0, 0, 12});
        CHECK(years[1] == FiscalPeriod{"FY2027", 2027, 0, 12, 12});
    }
    SUBCASE("fiscal_quarters: partial first and last quarters") {
        // 2026-02 .. 2026-08 (7 months), April start:
        // Feb-Mar 2026 -> FY2026 Q4 (2), Apr-Jun -> FY2027 Q1 (3), Jul-Aug -> FY2027 Q2 (2).
        const auto quarters = credroi::fiscal_quarters(YearMonth(2026, 2), 7, april);
        REQUIRE(quarters.size() == 3);
        CHECK(quarters[0] == FiscalPeriod{"FY2026 Q4", 2026, 4, 0, 2});
        CHECK(quarters[1] == FiscalPeriod{"FY2027 Q1", 2027, 1, 2, 3});
        CHECK(quarters[2] == FiscalPeriod{"FY2027 Q2", 2027, 2, 5, 2});
    }
    SUBCASE("fiscal_quarters: 15 years, month counts add up") {
        const auto quarters = credroi::fiscal_quarters(YearMonth(2026, 5), 180, FiscalCalendar(10));
        int total = 0;
        int next = 0;
        for (const auto& q : quarters) {
            CHECK(q.first_month_index == next);  // contiguous, in order
            CHECK(q.month_count >= 1);
            CHECK(q.month_count <= 3);
            next += q.month_count;
            total += q.month_count;
        }
        CHECK(total == 180);
        // 2026-05 is FY2026 Q3 (Apr-Jun); 180 months is 60 quarters, cut at
        // both ends: May-Jun (2) ... Apr 2041 (1), so 61 periods.
        CHECK(quarters.front().label == "FY2026 Q3");
        CHECK(quarters.front().month_count == 2);
        CHECK(quarters.back().label == "FY2041 Q3");
        CHECK(quarters.back().month_count == 1);
        CHECK(quarters.size() == 61);
    }
    SUBCASE("preconditions") {
        CHECK(credroi::fiscal_years(YearMonth(2026, 1), 0, april).empty());
        CHECK_THROWS_AS(credroi::fiscal_years(YearMonth(2026, 1), -1, april), ParameterError);
        CHECK(error_path([&] { credroi::fiscal_quarters(YearMonth(2026, 1), -1, april); }) == "months");
        CHECK(error_path([&] { credroi::fiscal_years(YearMonth(9999, 6), 12, april); }) == "months");
    }
}

TEST_CASE("calendar: aggregate monthly series to fiscal periods") {
    const auto years = credroi::fiscal_years(YearMonth(2026, 1), 36, FiscalCalendar(4));
    std::vector<double> monthly(36);
    std::iota(monthly.begin(), monthly.end(), 1.0);  // month t carries t + 1
    SUBCASE("sums each period's months") {
        // FY2026: 1+2+3 = 6; FY2027: 4..15 = 19*6 = 114; FY2028: 16..27 = 43*6 = 258;
        // FY2029: 28..36 = 64*9/2 = 288. Total 666 = 36*37/2.
        const auto totals = credroi::aggregate(monthly, years);
        REQUIRE(totals.size() == 4);
        CHECK(totals[0] == doctest::Approx(6.0));
        CHECK(totals[1] == doctest::Approx(114.0));
        CHECK(totals[2] == doctest::Approx(258.0));
        CHECK(totals[3] == doctest::Approx(288.0));
        CHECK(totals[0] + totals[1] + totals[2] + totals[3] == doctest::Approx(666.0));
    }
    SUBCASE("pointer overload (for Eigen arrays and the like)") {
        const auto totals = credroi::aggregate(monthly.data(), monthly.size(), years);
        REQUIRE(totals.size() == 4);
        CHECK(totals[1] == doctest::Approx(114.0));
    }
    SUBCASE("series length must match the horizon") {
        std::vector<double> too_long(37, 1.0);
        std::vector<double> too_short(35, 1.0);
        CHECK_THROWS_AS(credroi::aggregate(too_long, years), ParameterError);
        CHECK(error_path([&] { credroi::aggregate(too_short, years); }) == "periods[3]");
        CHECK(error_path([&] { credroi::aggregate(too_long, years); }) == "monthly");
        CHECK(error_path([&] { credroi::aggregate(monthly, {}); }) == "monthly");
        CHECK(credroi::aggregate(std::vector<double>{}, {}).empty());
    }
    SUBCASE("malformed periods") {
        auto bad = years;
        bad[1].first_month_index = -1;
        CHECK(error_path([&] { credroi::aggregate(monthly, bad); }) == "periods[1]");
        bad = years;
        bad[2].month_count = 0;
        CHECK(error_path([&] { credroi::aggregate(monthly, bad); }) == "periods[2]");
    }
}
