#pragma once
// Calendar months, dates and fiscal periods.
//
// The model runs on a monthly grid; reports group months into fiscal quarters
// and fiscal years. A fiscal year may start in any month and is named, by
// default, after the calendar year in which it ENDS (US federal government:
// FY2027 = 1 Oct 2026 .. 30 Sep 2027). Dates with a day exist for the
// irregular cash flows of xnpv/xirr (finance.hpp).
#include <credroi/error.hpp>

#include <algorithm>
#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

namespace credroi {

// ---------------------------------------------------------------------------
// Leap years and month lengths (proleptic Gregorian calendar)
// ---------------------------------------------------------------------------

/// True for Gregorian leap years: divisible by 4, except centuries not divisible by 400.
inline constexpr bool is_leap_year(int year) noexcept {
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

/// Number of days in `month` (1..12) of `year`; 0 for a month outside 1..12.
inline constexpr int days_in_month(int year, int month) noexcept {
    constexpr int lengths[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12) return 0;
    return (month == 2 && is_leap_year(year)) ? 29 : lengths[month - 1];
}

namespace detail {

// Years are limited to four digits: the textual forms are ISO 8601 "YYYY-MM"
// and "YYYY-MM-DD", and every month index stays far from int overflow.
inline constexpr int min_year = 1;
inline constexpr int max_year = 9999;

inline void require_year(int year) {
    CREDROI_REQUIRE(year >= min_year && year <= max_year, "year",
                    "expected " << min_year << ".." << max_year << ", found " << year);
}

inline void require_month(int month) {
    CREDROI_REQUIRE(month >= 1 && month <= 12, "month", "expected 1..12, found " << month);
}

inline bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// Reads a run of min_digits..max_digits decimal digits starting at pos; on
// success advances pos and stores the number. Signs and blanks are rejected.
inline bool read_number(const std::string& s, std::size_t& pos, std::size_t min_digits,
                        std::size_t max_digits, int& out) {
    std::size_t end = pos;
    int value = 0;
    while (end < s.size() && is_digit(s[end]) && end - pos < max_digits) {
        value = value * 10 + (s[end] - '0');
        ++end;
    }
    const std::size_t digits = end - pos;
    if (digits < min_digits) return false;
    if (end < s.size() && is_digit(s[end])) return false;  // too many digits
    pos = end;
    out = value;
    return true;
}

}  // namespace detail

// ---------------------------------------------------------------------------
// YearMonth
// ---------------------------------------------------------------------------

/// A calendar month, e.g. 2026-04. The model's time axis: month t of a
/// horizon is `start.plus_months(t)`.
///
/// Invariant (checked at construction): 1 <= year <= 9999, 1 <= month <= 12.
struct YearMonth {
    int year = 1970;
    int month = 1;

    /// 1970-01, so that a YearMonth member of a settings struct is always valid.
    YearMonth() = default;

    /// Throws ParameterError("month") unless 1 <= month <= 12 and
    /// ParameterError("year") unless 1 <= year <= 9999.
    YearMonth(int year_, int month_) : year(year_), month(month_) {
        detail::require_year(year);
        detail::require_month(month);
    }

    /// Parses "2026-04" (also "2026-4"): four-digit year, '-', one- or
    /// two-digit month. Anything else, including blanks, throws ParameterError.
    static YearMonth parse(const std::string& text) {
        std::size_t pos = 0;
        int y = 0;
        int m = 0;
        const bool ok = detail::read_number(text, pos, 4, 4, y) && pos < text.size() && text[pos++] == '-' &&
                        detail::read_number(text, pos, 1, 2, m) && pos == text.size();
        CREDROI_REQUIRE(ok, "year_month", "expected a year and month like \"2026-04\", found \"" << text << "\"");
        return YearMonth(y, m);
    }

    /// Months since 0000-01: year * 12 + (month - 1). Differences of indices
    /// are month counts; `from_index` inverts it.
    int index() const noexcept { return year * 12 + (month - 1); }

    /// The YearMonth with the given `index()`; throws ParameterError("year")
    /// when that month lies outside years 1..9999.
    static YearMonth from_index(int month_index) {
        // Floor division, so that negative indices are reported as bad years
        // rather than wrapped into a bogus month.
        const int y = month_index >= 0 ? month_index / 12 : -((-month_index + 11) / 12);
        return YearMonth(y, month_index - y * 12 + 1);
    }

    /// This month shifted by `months` (may be negative). Throws
    /// ParameterError("months") when the result leaves years 1..9999.
    YearMonth plus_months(int months) const {
        const long target = static_cast<long>(index()) + months;
        CREDROI_REQUIRE(target >= detail::min_year * 12L && target < (detail::max_year + 1) * 12L, "months",
                        "shifting " << to_string() << " by " << months << " months leaves years "
                                    << detail::min_year << ".." << detail::max_year);
        return from_index(static_cast<int>(target));
    }

    /// "2026-04": four-digit year, two-digit month.
    std::string to_string() const {
        std::string s = std::to_string(year);
        s.insert(0, 4 - std::min<std::size_t>(4, s.size()), '0');
        s += month < 10 ? "-0" : "-";
        s += std::to_string(month);
        return s;
    }

    friend bool operator==(const YearMonth& a, const YearMonth& b) noexcept { return a.index() == b.index(); }
    friend bool operator!=(const YearMonth& a, const YearMonth& b) noexcept { return a.index() != b.index(); }
    friend bool operator<(const YearMonth& a, const YearMonth& b) noexcept { return a.index() < b.index(); }
    friend bool operator<=(const YearMonth& a, const YearMonth& b) noexcept { return a.index() <= b.index(); }
    friend bool operator>(const YearMonth& a, const YearMonth& b) noexcept { return a.index() > b.index(); }
    friend bool operator>=(const YearMonth& a, const YearMonth& b) noexcept { return a.index() >= b.index(); }
    friend std::ostream& operator<<(std::ostream& os, const YearMonth& ym) { return os << ym.to_string(); }
};

/// Whole months from `from` to `to`: to - from (negative when `to` is earlier).
/// months_between(2026-04, 2027-03) = 11.
inline int months_between(YearMonth from, YearMonth to) noexcept { return to.index() - from.index(); }

// ---------------------------------------------------------------------------
// Date
// ---------------------------------------------------------------------------

/// A calendar day in the proleptic Gregorian calendar, e.g. 2026-04-15.
///
/// Invariant (checked at construction): 1 <= year <= 9999, 1 <= month <= 12,
/// 1 <= day <= days_in_month(year, month) (29 February only in leap years).
struct Date {
    int year = 1970;
    int month = 1;
    int day = 1;

    /// 1970-01-01, the epoch of `days_since_epoch`.
    Date() = default;

    /// Throws ParameterError("year" / "month" / "day") for a day that does not exist.
    Date(int year_, int month_, int day_) : year(year_), month(month_), day(day_) {
        detail::require_year(year);
        detail::require_month(month);
        const int last = days_in_month(year, month);
        CREDROI_REQUIRE(day >= 1 && day <= last, "day",
                        "expected 1.." << last << " in " << YearMonth(year, month).to_string() << ", found " << day);
    }

    /// Parses "2026-04-15" (also "2026-4-5"): four-digit year, one- or two-digit
    /// month and day, separated by '-'. Anything else throws ParameterError("date");
    /// a well-formed but non-existent day (2026-02-30) throws ParameterError("day").
    static Date parse(const std::string& text) {
        std::size_t pos = 0;
        int y = 0;
        int m = 0;
        int d = 0;
        const bool ok = detail::read_number(text, pos, 4, 4, y) && pos < text.size() && text[pos++] == '-' &&
                        detail::read_number(text, pos, 1, 2, m) && pos < text.size() && text[pos++] == '-' &&
                        detail::read_number(text, pos, 1, 2, d) && pos == text.size();
        CREDROI_REQUIRE(ok, "date", "expected a date like \"2026-04-15\", found \"" << text << "\"");
        return Date(y, m, d);
    }

    /// Days since 1970-01-01 (negative before it). Howard Hinnant's
    /// days_from_civil, http://howardhinnant.github.io/date_algorithms.html:
    /// the year is shifted to start in March so that the leap day is the last
    /// day of the shifted year, then whole 400-year eras of 146097 days are counted.
    long days_since_epoch() const noexcept {
        const long y = static_cast<long>(year) - (month <= 2 ? 1 : 0);
        const long era = (y >= 0 ? y : y - 399) / 400;
        const long yoe = y - era * 400;                                          // [0, 399]
        const long mp = month > 2 ? month - 3 : month + 9;                       // March = 0
        const long doy = (153 * mp + 2) / 5 + day - 1;                           // [0, 365]
        const long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;                  // [0, 146096]
        return era * 146097 + doe - 719468;
    }

    /// Inverse of `days_since_epoch` (Hinnant's civil_from_days). Throws
    /// ParameterError("days") when the day falls outside years 1..9999.
    static Date from_days_since_epoch(long days) {
        // 0001-01-01 is day -719162, 9999-12-31 is day 2932896.
        CREDROI_REQUIRE(days >= -719162L && days <= 2932896L, "days",
                        "expected -719162..2932896 (0001-01-01..9999-12-31), found " << days);
        const long z = days + 719468;
        const long era = (z >= 0 ? z : z - 146096) / 146097;
        const long doe = z - era * 146097;                                       // [0, 146096]
        const long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
        const long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                // [0, 365]
        const long mp = (5 * doy + 2) / 153;                                     // March = 0
        const long d = doy - (153 * mp + 2) / 5 + 1;
        const long m = mp < 10 ? mp + 3 : mp - 9;
        const long y = yoe + era * 400 + (m <= 2 ? 1 : 0);
        return Date(static_cast<int>(y), static_cast<int>(m), static_cast<int>(d));
    }

    /// The calendar month this day lies in.
    YearMonth year_month() const { return YearMonth(year, month); }

    /// "2026-04-15".
    std::string to_string() const {
        std::string s = YearMonth(year, month).to_string();
        s += day < 10 ? "-0" : "-";
        s += std::to_string(day);
        return s;
    }

    friend bool operator==(const Date& a, const Date& b) noexcept {
        return a.year == b.year && a.month == b.month && a.day == b.day;
    }
    friend bool operator!=(const Date& a, const Date& b) noexcept { return !(a == b); }
    friend bool operator<(const Date& a, const Date& b) noexcept {
        if (a.year != b.year) return a.year < b.year;
        if (a.month != b.month) return a.month < b.month;
        return a.day < b.day;
    }
    friend bool operator>(const Date& a, const Date& b) noexcept { return b < a; }
    friend bool operator<=(const Date& a, const Date& b) noexcept { return !(b < a); }
    friend bool operator>=(const Date& a, const Date& b) noexcept { return !(a < b); }
    friend std::ostream& operator<<(std::ostream& os, const Date& d) { return os << d.to_string(); }
};

/// Days from `a` to `b`: b - a (negative when `b` is earlier). Actual days, no
/// day-count convention: days_between(2008-01-01, 2008-03-01) = 60.
inline long days_between(const Date& a, const Date& b) noexcept {
    return b.days_since_epoch() - a.days_since_epoch();
}

// ---------------------------------------------------------------------------
// Fiscal calendar
// ---------------------------------------------------------------------------

/// Which calendar year gives a fiscal year its name.
enum class FiscalYearNaming {
    by_end_year,   ///< named by the calendar year in which it ends (US federal, UK "2026-27" as FY2027, Australia)
    by_start_year  ///< named by the calendar year in which it starts (e.g. Japan's government: FY2026 = Apr 2026..Mar 2027)
};

/// A fiscal year of twelve months starting in `start_month`, with quarters of
/// three months counted from that start.
///
/// Naming: with start_month = 4 and by_end_year, April 2026 .. March 2027 is
/// FY2027 (by_start_year: FY2026). With start_month = 1 the fiscal year is
/// the calendar year under both namings. US federal: start_month = 10,
/// by_end_year, so October 2026 is FY2027 Q1.
class FiscalCalendar {
public:
    /// The calendar year, January to December (not explicit, so that `= {}` works in aggregates).
    FiscalCalendar() noexcept : start_month_(1), naming_(FiscalYearNaming::by_end_year) {}

    /// Throws ParameterError("start_month") unless 1 <= start_month <= 12.
    explicit FiscalCalendar(int start_month, FiscalYearNaming naming = FiscalYearNaming::by_end_year)
        : start_month_(start_month), naming_(naming) {
        CREDROI_REQUIRE(start_month >= 1 && start_month <= 12, "start_month",
                        "expected 1..12, found " << start_month);
    }

    /// Calendar month (1..12) in which each fiscal year starts.
    int start_month() const noexcept { return start_month_; }
    FiscalYearNaming naming() const noexcept { return naming_; }

    /// The fiscal year `ym` belongs to, by this calendar's naming.
    int fiscal_year(YearMonth ym) const noexcept {
        const int start_year = ym.month >= start_month_ ? ym.year : ym.year - 1;
        return start_year + name_offset();
    }

    /// Month within the fiscal year: 1 for the start month .. 12.
    int month_of_fiscal_year(YearMonth ym) const noexcept { return (ym.month - start_month_ + 12) % 12 + 1; }

    /// Fiscal quarter 1..4: months 1-3 of the fiscal year are Q1, and so on.
    int fiscal_quarter(YearMonth ym) const noexcept { return (month_of_fiscal_year(ym) - 1) / 3 + 1; }

    /// "FY2027".
    std::string fiscal_year_label(int fiscal_year_) const { return "FY" + std::to_string(fiscal_year_); }

    /// "FY2027 Q3".
    std::string fiscal_quarter_label(YearMonth ym) const {
        return fiscal_year_label(fiscal_year(ym)) + " Q" + std::to_string(fiscal_quarter(ym));
    }

    /// First calendar month of fiscal year `fiscal_year_`: first_month(2027) is
    /// 2026-04 for start_month 4, by_end_year. Throws ParameterError("year")
    /// when that month lies outside years 1..9999.
    YearMonth first_month(int fiscal_year_) const { return YearMonth(fiscal_year_ - name_offset(), start_month_); }

    friend bool operator==(const FiscalCalendar& a, const FiscalCalendar& b) noexcept {
        return a.start_month_ == b.start_month_ && a.naming_ == b.naming_;
    }
    friend bool operator!=(const FiscalCalendar& a, const FiscalCalendar& b) noexcept { return !(a == b); }

private:
    // Fiscal year name minus the calendar year in which it starts. A January
    // start ends in the same calendar year, so both namings agree there.
    int name_offset() const noexcept {
        return (naming_ == FiscalYearNaming::by_end_year && start_month_ != 1) ? 1 : 0;
    }

    int start_month_;
    FiscalYearNaming naming_;
};

// ---------------------------------------------------------------------------
// Fiscal periods over a monthly horizon
// ---------------------------------------------------------------------------

/// A run of consecutive months of a horizon that fall in the same fiscal year
/// (quarter == 0) or the same fiscal quarter (quarter 1..4).
struct FiscalPeriod {
    std::string label;          ///< "FY2027" or "FY2027 Q3"
    int fiscal_year = 0;
    int quarter = 0;            ///< 1..4, or 0 for a whole fiscal year
    int first_month_index = 0;  ///< 0-based offset of the period's first month from the horizon start
    int month_count = 0;        ///< months of the horizon inside the period; < 12 (< 3) when the horizon cuts it

    friend bool operator==(const FiscalPeriod& a, const FiscalPeriod& b) {
        return a.label == b.label && a.fiscal_year == b.fiscal_year && a.quarter == b.quarter &&
               a.first_month_index == b.first_month_index && a.month_count == b.month_count;
    }
    friend bool operator!=(const FiscalPeriod& a, const FiscalPeriod& b) { return !(a == b); }
};

namespace detail {

inline std::vector<FiscalPeriod> fiscal_periods(YearMonth start, int months, const FiscalCalendar& calendar,
                                                bool quarters) {
    CREDROI_REQUIRE(months >= 0, "months", "expected >= 0, found " << months);
    std::vector<FiscalPeriod> periods;
    if (months == 0) return periods;
    (void)start.plus_months(months - 1);  // the whole horizon must be representable
    const int first = start.index();
    for (int t = 0; t < months; ++t) {
        const YearMonth ym = YearMonth::from_index(first + t);
        const int fy = calendar.fiscal_year(ym);
        const int q = quarters ? calendar.fiscal_quarter(ym) : 0;
        if (!periods.empty() && periods.back().fiscal_year == fy && periods.back().quarter == q) {
            ++periods.back().month_count;
            continue;
        }
        FiscalPeriod p;
        p.label = quarters ? calendar.fiscal_quarter_label(ym) : calendar.fiscal_year_label(fy);
        p.fiscal_year = fy;
        p.quarter = q;
        p.first_month_index = t;
        p.month_count = 1;
        periods.push_back(std::move(p));
    }
    return periods;
}

}  // namespace detail

/// The fiscal years touched by the horizon of `months` months that starts in
/// `start`, in order. Month t of the horizon (t = 0..months-1) is
/// start.plus_months(t). The first and last periods may be partial
/// (month_count < 12); the month counts sum to `months`.
///
/// Throws ParameterError("months") when months < 0 or the horizon leaves years 1..9999.
inline std::vector<FiscalPeriod> fiscal_years(YearMonth start, int months, const FiscalCalendar& calendar) {
    return detail::fiscal_periods(start, months, calendar, false);
}

/// Like fiscal_years, but by fiscal quarter ("FY2027 Q3"); the first and last
/// quarters may be partial (month_count < 3).
inline std::vector<FiscalPeriod> fiscal_quarters(YearMonth start, int months, const FiscalCalendar& calendar) {
    return detail::fiscal_periods(start, months, calendar, true);
}

/// Sums `monthly[first_month_index .. first_month_index + month_count)` for
/// each period. `n` must equal the horizon the periods were built for (the end
/// of the last-ending period), so a series of the wrong length is caught rather
/// than silently truncated.
///
/// Throws ParameterError("periods[i]") for a period with a negative start, no
/// months, or months beyond the series, and ParameterError("monthly") when the
/// series length differs from the horizon.
inline std::vector<double> aggregate(const double* monthly, std::size_t n, const std::vector<FiscalPeriod>& periods) {
    std::size_t horizon = 0;
    for (std::size_t i = 0; i < periods.size(); ++i) {
        const FiscalPeriod& p = periods[i];
        CREDROI_REQUIRE(p.first_month_index >= 0 && p.month_count >= 1,
                        "periods[" + std::to_string(i) + "]",
                        "expected first_month_index >= 0 and month_count >= 1, found "
                            << p.first_month_index << " and " << p.month_count);
        const std::size_t end = static_cast<std::size_t>(p.first_month_index) + static_cast<std::size_t>(p.month_count);
        CREDROI_REQUIRE(end <= n, "periods[" + std::to_string(i) + "]",
                        "expected months within the " << n << "-month series, found months "
                                                      << p.first_month_index << ".." << end - 1);
        if (end > horizon) horizon = end;
    }
    CREDROI_REQUIRE(n == horizon, "monthly",
                    "expected " << horizon << " monthly values (the horizon the periods cover), found " << n);
    std::vector<double> totals;
    totals.reserve(periods.size());
    for (const FiscalPeriod& p : periods) {
        double sum = 0.0;
        const std::size_t begin = static_cast<std::size_t>(p.first_month_index);
        for (std::size_t t = begin; t < begin + static_cast<std::size_t>(p.month_count); ++t) sum += monthly[t];
        totals.push_back(sum);
    }
    return totals;
}

/// Vector form of aggregate(const double*, std::size_t, periods).
inline std::vector<double> aggregate(const std::vector<double>& monthly, const std::vector<FiscalPeriod>& periods) {
    return aggregate(monthly.data(), monthly.size(), periods);
}

}  // namespace credroi
