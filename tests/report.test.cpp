// The HTML report (report.hpp) and its building blocks (detail/svg.hpp):
// escaping, numbers for people, axis ticks, charts, and the report's numbers
// against the engine's.
#include <credroi/output.hpp>
#include <credroi/report.hpp>
#include <credroi/scenario_file.hpp>
#include <credroi/sensitivity_report.hpp>
#include <credroi/detail/svg.hpp>

#include <doctest/doctest.h>

#include <string>

namespace svg = credroi::detail::svg;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::size_t count(const std::string& text, const std::string& part) {
    std::size_t n = 0;
    for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++n;
    return n;
}

/// tests/data/tiny.toml with an uncertain licence, a budget, stakeholders and
/// a name that tries to inject markup.
const char* tiny = R"(
[scenario]
name = "tiny <script>alert('x')</script> & co"
currency = "EUR"
start = "2026-01"
horizon_months = 12
discount_rate = 0.0

[fiscal_year]
start_month = 7

[[segments]]
name = "staff"
headcount = 100

[adoption]
milestones = [ { date = "2026-03", share = 0.1 }, { date = "2026-09", share = 0.5 } ]

[[costs.one_off]]
name = "set-up"
amount = 1200
date = "2026-01"

[[costs.recurring]]
name = "licence <b>"
annual = { triangular = [600, 1200, 1800] }

[[benefits.other]]
name = "savings"
annual = 4800
scales_with_adoption = false

[budget]
annual = 2000

[stakeholders]
sponsor = "COO <img src=x>"
approvers = ["Procurement"]
)";

}  // namespace

TEST_CASE("escape: markup in user text becomes text") {
    CHECK(svg::escape("<a href='x'>&\"</a>") == "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;");
    CHECK(svg::escape(std::string("a\x01z\tb\n", 6)) == "az\tb\n");  // control characters dropped, tab and newline kept
    CHECK(svg::escape("Zürich") == "Zürich");                           // UTF-8 passes through
}

TEST_CASE("numbers for people") {
    CHECK(svg::grouped(1234567.891) == "1,234,568");
    CHECK(svg::grouped(-1234.5, 1) == "\xE2\x88\x92" "1,234.5");  // a real minus sign
    CHECK(svg::grouped(-0.4) == "0");                              // never "-0"
    CHECK(svg::grouped(999.5) == "1,000");
    CHECK(svg::grouped(12.0, 2) == "12.00");
    CHECK(svg::grouped(std::nan("")) == "n/a");
    CHECK(svg::money(1000, "EUR") == "EUR\xC2\xA0" "1,000");
    CHECK(svg::money(11.914, "CHF", 2) == "CHF\xC2\xA0" "11.91");
    CHECK(svg::percent(0.4567) == "45.7\xC2\xA0%");
    CHECK(svg::chance(1.0) == "100\xC2\xA0%");
    CHECK(svg::chance(0.9994) == std::string("> 99") + "\xC2\xA0%");
    CHECK(svg::chance(0.001) == std::string("< 1") + "\xC2\xA0%");
    CHECK(svg::chance(0.0) == "0\xC2\xA0%");
    CHECK(svg::shorten("Zürich Zürich", 5) == "Züri\xE2\x80\xA6");  // 4 characters and an ellipsis, the ü kept whole
    CHECK(svg::shorten("short", 5) == "short");
}

TEST_CASE("nice axis ticks") {
    // range 1e6 over 5 intervals: raw step 200,000 = 2 x 10^5
    svg::Ticks t = svg::nice_ticks(0, 1e6, 6);
    CHECK(t.step == 200000.0);
    CHECK(t.values == std::vector<double>{0, 200000, 400000, 600000, 800000, 1000000});
    // -130..870: raw step 200 -> ticks from -200 to 1000, zero exactly on a tick
    t = svg::nice_ticks(-130, 870, 6);
    CHECK(t.step == 200.0);
    CHECK(t.values == std::vector<double>{-200, 0, 200, 400, 600, 800, 1000});
    // a constant is widened by 10 % either side: 4.5..5.5, raw step 1 / 5 = 0.2 = 2 x 10^-1,
    // ends at multiples of it: floor(22.5) x 0.2 = 4.4, ceil(27.5) x 0.2 = 5.6
    t = svg::nice_ticks(5, 5, 6);
    CHECK(t.step == doctest::Approx(0.2));
    CHECK(t.lo == doctest::Approx(4.4));
    CHECK(t.hi == doctest::Approx(5.6));
    CHECK(t.values.size() == 7);
    // labels share one unit: top tick 1M, step 0.25M -> two decimals
    t = svg::nice_ticks(0, 1e6, 5);
    CHECK(svg::tick_labels(t) == std::vector<std::string>{"0", "0.25M", "0.50M", "0.75M", "1.00M"});
    CHECK(svg::tick_labels(svg::nice_ticks(-20000, 60000, 5)) ==
          std::vector<std::string>{"\xE2\x88\x92" "20k", "0", "20k", "40k", "60k"});
}

TEST_CASE("a plot is an SVG with its title, labels, marks and legend") {
    svg::Plot p("chart-x", "Title <T>", "x (EUR)", "y (%)", 0, 10, 0, 1, {});
    CHECK(p.x(0) == doctest::Approx(86));
    CHECK(p.x(10) == doctest::Approx(880 - 28));
    CHECK(p.y(0) == doctest::Approx(400 - 62));
    CHECK(p.y(1) == doctest::Approx(54));
    p.polyline({0, 5, 10}, {0, 0.5, 1}, svg::colour::blue);
    p.rect(1, 0, 2, 0.5, svg::colour::orange, "tip & <b>");
    p.legend({{svg::colour::blue, "series \"a\"", "line"}});
    const std::string s = p.str("description");
    CHECK(s.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0) == 0);
    CHECK(contains(s, "<title id=\"chart-x-title\">Title &lt;T&gt;</title>"));
    CHECK(contains(s, ">x (EUR)</text>"));
    CHECK(contains(s, "points=\"86.00,338.00 469.00,196.00 852.00,54.00\""));
    CHECK(contains(s, "<title>tip &amp; &lt;b&gt;</title>"));
    CHECK(contains(s, "series &quot;a&quot;"));
    CHECK(count(s, "<g class=\"marks\">") == 1);
}

TEST_CASE("a plot's legend columns are as wide as its longest label") {
    auto second_item_x = [](const std::string& label) {
        svg::Plot p("chart-l", "T", "x", "y", 0, 1, 0, 1, {});
        p.legend({{svg::colour::blue, "a", "box"}, {svg::colour::orange, label, "box"}});
        const std::string s = p.str("d");
        const auto at = s.find("<rect", s.find("<g class=\"legend\">"));
        const auto second = s.find("<rect x=\"", at + 1) + 9;
        return std::stod(s.substr(second, s.find('"', second) - second));
    };
    // short labels: columns of 300 px from the frame's left edge, 86
    CHECK(second_item_x("short") == doctest::Approx(386));
    // a 40-character label (the most a legend shows): 28 (swatch) + 8 x 40 + 12 = 360 px
    CHECK(second_item_x(std::string(40, 'x')) == doctest::Approx(86 + 360));
    // longer labels are shortened to 40 characters, so the column stays 360 px
    CHECK(second_item_x(std::string(70, 'x')) == doctest::Approx(86 + 360));
    // characters, not bytes: 40 x U+00E9 (two bytes each, 80 bytes) is 40 characters
    std::string accented;
    for (int i = 0; i < 40; ++i) accented += "\xC3\xA9";
    CHECK(second_item_x(accented) == doctest::Approx(86 + 360));
    CHECK(svg::character_count(accented) == 40);
}

TEST_CASE("report: the engine's numbers, every chart, escaped user text") {
    const credroi::Model model(credroi::read_scenario_string(tiny, "tiny.toml"));
    credroi::ReportOptions o;
    o.trials = 400;
    o.seed = 9;
    o.run_date = "2030-01-02";
    o.source = "tiny.toml";
    const credroi::ReportAnalysis a = credroi::analyse_for_report(model, o);
    const std::string html = credroi::render_report(model, a, o);
    CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
    // base case by hand (tiny.toml with the licence at its mode 1,200): costs 1,200
    // set-up + 12 x 100, benefits 12 x 400, rate 0 -> NPV = 4,800 - 2,400 = 2,400
    CHECK(a.base.metrics.npv == doctest::Approx(2400.0));
    CHECK(contains(html, "data-key=\"base:npv\" data-value=\"2400\">EUR\xC2\xA0" "2,400<"));
    // the simulation's numbers, exactly as the engine has them
    const credroi::MetricSummary& npv = a.simulation.metric("npv");
    CHECK(contains(html, "data-key=\"npv:mean\" data-value=\"" + credroi::detail::json_number(npv.mean) + "\""));
    CHECK(contains(html, "data-key=\"npv:p10\" data-value=\"" + credroi::detail::json_number(npv.p10) + "\""));
    // budget 2,000 a year pro-rated to 6 months = 1,000 in FY2026, against costs of
    // 1,200 + 6 x 100 = 1,800: short by 800 in the base case
    CHECK(contains(html, "data-key=\"fy:FY2026:shortfall\" data-value=\"800\""));
    // the same analysis is reproduced by the same seed, and printed with it
    CHECK(credroi::render_report(model, credroi::analyse_for_report(model, o), o) == html);
    CHECK(contains(html, "seed 9"));
    CHECK(contains(html, "--trials 400 --seed 9"));
    CHECK(contains(html, "2030-01-02"));
    CHECK(contains(html, std::string("credroi ") + credroi::version()));
    for (const char* chart : {"fan", "npv", "lines", "budget", "adoption", "tornado"})
        CHECK_MESSAGE(contains(html, std::string("data-chart=\"") + chart + "\""), chart);
    CHECK(count(html, "<svg ") == 6);
    // the only script is the report's own; user text is text
    CHECK(count(html, "<script") == 1);
    CHECK_FALSE(contains(html, "<img"));
    CHECK_FALSE(contains(html, "<b>"));
    CHECK(contains(html, "tiny &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co"));
    CHECK(contains(html, "COO &lt;img src=x&gt;"));
    // nothing to fetch
    CHECK(count(html, "http") == count(html, "http://www.w3.org/2000/svg"));
}

TEST_CASE("report: zero trials is refused") {
    const credroi::Model model(credroi::read_scenario_string(tiny, "tiny.toml"));
    credroi::ReportOptions o;
    o.trials = 0;
    CHECK_THROWS_AS(credroi::report_html(model, o), credroi::ParameterError);
}

TEST_CASE("comparison outputs") {
    const credroi::Model a(credroi::read_scenario_string(tiny, "a.toml"));
    credroi::Scenario sb = a.scenario();
    sb.name = "B";
    sb.costs.one_off[0].amount = 1500.0;  // 300 more set-up: NPV lower by exactly 300 in every trial
    const credroi::Model b(sb);
    credroi::SimulationOptions o;
    o.trials = 300;
    const credroi::ComparisonResult r = credroi::compare({a, b}, o);
    CHECK(r.differences[0].mean_difference == doctest::Approx(-300.0));
    CHECK(r.differences[0].standard_error == doctest::Approx(0.0).epsilon(1e-9));
    CHECK(r.differences[0].probability_worse == 1.0);
    const std::string table = credroi::comparison_table(r);
    CHECK(contains(table, "B minus tiny"));
    CHECK(contains(table, "-300 EUR"));
    const std::string json = credroi::comparison_json(r);
    CHECK(contains(json, "\"mean_difference\": -299.9") + contains(json, "\"mean_difference\": -300") == 1);
    CHECK(contains(json, "\"common_random_numbers\": true"));
    const std::string csv = credroi::comparison_csv(r);
    CHECK(csv.rfind("scenario,metric,base,mean", 0) == 0);
    const std::string html = credroi::comparison_report_html(r, {});
    CHECK(count(html, "<svg ") == 3);
    CHECK(count(html, "<script") == 1);
    CHECK(contains(html, "data-key=\"difference:1:mean\" data-value=\"-"));
}
