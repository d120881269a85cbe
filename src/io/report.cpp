// The HTML business case and the comparison outputs. Layout only: every
// number comes from the engine (ReportAnalysis, ComparisonResult, and
// status_quo() for the Need section's costs today).
#include <credroi/output.hpp>
#include <credroi/report.hpp>
#include <credroi/sensitivity_report.hpp>
#include <credroi/status_quo.hpp>
#include <credroi/version.hpp>
#include <credroi/detail/svg.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <limits>
#include <map>
#include <numeric>
#include <sstream>

namespace credroi {

namespace detail {
std::string today_iso() {
    const std::time_t now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);
    char buf[16];
    std::strftime(buf, sizeof buf, "%Y-%m-%d", &local);
    return buf;
}
}  // namespace detail

namespace {

namespace svg = detail::svg;
using svg::escape;
using svg::grouped;
using svg::money;
using svg::percent;

const double nan_value = std::numeric_limits<double>::quiet_NaN();

/// A number as people read it and, in data-value, as the engine computed it
/// (round-trip digits), so a test can check the report against `credroi run`.
std::string num(const std::string& key, double value, const std::string& shown) {
    return "<span class=\"num\" data-key=\"" + escape(key) + "\" data-value=\"" + detail::json_number(value) + "\">" +
           escape(shown) + "</span>";
}

/// A number of the scenario, whatever its unit: grouped from 1000 up, four
/// significant digits below.
std::string plain(double v) {
    if (!std::isfinite(v)) return v > 0 ? "+\xE2\x88\x9E" : v < 0 ? "\xE2\x88\x92\xE2\x88\x9E" : "n/a";
    if (std::fabs(v) >= 1000) return grouped(v, 0);
    std::ostringstream os;
    os.precision(4);
    os << std::fabs(v);
    return (v < 0 ? std::string(svg::minus) : std::string()) + os.str();
}

std::string format_metric(const std::string& name, double v, const std::string& currency) {
    if (!std::isfinite(v)) return "n/a";
    if (name == "irr" || name == "mirr" || name == "roi") return percent(v, 1);
    if (name == "bcr") return grouped(v, 2);
    if (name.find("payback") != std::string::npos) return grouped(v, 1) + " months";
    if (name == "cost_per_credential") return money(v, currency, 2);
    return money(v, currency);
}

std::string months_text(double months) { return grouped(months, 1) + " months"; }

using svg::chance;

/// An input's key path as a sponsor reads it: list entries by their name,
/// "costs.recurring[0].annual" -> "platform licence: annual"; other paths as
/// input_label() gives them ("relative attrition reduction (benefits.retention)").
std::string input_title(const Scenario& s, const std::string& path) {
    const auto open = path.find('['), close = path.find(']');
    if (open == std::string::npos || close == std::string::npos || close < open) return input_label(path);
    const std::string list = path.substr(0, open);
    std::size_t k = 0;
    try {
        k = static_cast<std::size_t>(std::stoul(path.substr(open + 1, close - open - 1)));
    } catch (const std::exception&) {
        return input_label(path);
    }
    std::string field = close + 2 <= path.size() ? path.substr(close + 2) : std::string();
    std::replace(field.begin(), field.end(), '_', ' ');
    auto name_in = [&](const auto& v) -> std::string { return k < v.size() ? v[k].name : std::string(); };
    std::string name;
    if (list == "costs.one_off") name = name_in(s.costs.one_off);
    else if (list == "costs.recurring") name = name_in(s.costs.recurring);
    else if (list == "costs.staff") name = name_in(s.costs.staff);
    else if (list == "costs.vendors") name = name_in(s.costs.vendors);
    else if (list == "costs.quality_reviews") name = name_in(s.costs.quality_reviews);
    else if (list == "segments") name = name_in(s.segments);
    else if (list == "benefits.other") name = name_in(s.benefits.other);
    if (name.empty()) return input_label(path);
    return field.empty() ? name : name + ": " + field;
}

std::string describe_distribution(const Distribution& d) {
    if (const auto* x = d.get_if<Fixed>()) return plain(x->value());
    if (const auto* x = d.get_if<Uniform>()) return "uniform [" + plain(x->lo()) + ", " + plain(x->hi()) + "]";
    if (const auto* x = d.get_if<Triangular>())
        return "triangular [" + plain(x->lo()) + ", " + plain(x->mode()) + ", " + plain(x->hi()) + "]";
    if (const auto* x = d.get_if<Pert>())
        return "PERT [" + plain(x->lo()) + ", " + plain(x->mode()) + ", " + plain(x->hi()) + "]" +
               (x->lambda() != 4.0 ? ", \xCE\xBB = " + plain(x->lambda()) : "");
    if (const auto* x = d.get_if<Normal>())
        return "normal (mean " + plain(x->mu()) + ", sd " + plain(x->sigma()) + ")" +
               (x->truncated() ? " truncated to [" + plain(x->lo()) + ", " + plain(x->hi()) + "]" : "");
    if (const auto* x = d.get_if<LogNormal>()) return "lognormal (\xCE\xBC " + plain(x->mu()) + ", \xCF\x83 " + plain(x->sigma()) + ")";
    if (const auto* x = d.get_if<Beta>())
        return "beta (" + plain(x->alpha()) + ", " + plain(x->beta()) + ") on [" + plain(x->lo()) + ", " + plain(x->hi()) + "]";
    if (const auto* x = d.get_if<Discrete>()) {
        std::string s = "discrete {";
        for (std::size_t k = 0; k < x->values().size(); ++k)
            s += (k ? ", " : "") + plain(x->values()[k]) + ": " + percent(x->probabilities()[k], 0);
        return s + "}";
    }
    if (const auto* x = d.get_if<RiskEvent>())
        return "risk: " + percent(x->probability(), 0) + " chance of " + describe_distribution(x->impact());
    return kind_name(d);
}

const char* cost_category(const std::string& kind) {
    if (kind == "vendor" || kind == "staff_time") return "dynamic";
    if (kind == "contingency") return "contingency";
    return "fixed";
}

std::string cost_kind_label(const std::string& kind) {
    if (kind == "one_off") return "one-off";
    if (kind == "recurring") return "recurring";
    if (kind == "staff") return "programme staff";
    if (kind == "vendor") return "vendor, by volume";
    if (kind == "quality_review") return "external recognition";
    if (kind == "staff_time") return "staff time per credential";
    if (kind == "contingency") return "contingency";
    return kind;
}

// ---------------------------------------------------------------------------
// Page frame
// ---------------------------------------------------------------------------

const char* style_sheet = R"css(
:root { --ink:#1a1a1a; --muted:#555; --rule:#d9d9d9; --bg-alt:#f5f7fa; --accent:#0072B2; --bad:#D55E00; --good:#009E73; }
* { box-sizing: border-box; }
body { font-family: "Segoe UI", "Helvetica Neue", Arial, "Liberation Sans", sans-serif; color: var(--ink); margin: 0;
       line-height: 1.45; font-size: 16px; background: #fff; }
main { max-width: 1040px; margin: 0 auto; padding: 24px 28px 48px; }
header.top { border-bottom: 3px solid var(--accent); padding-bottom: 10px; margin-bottom: 18px; }
h1 { font-size: 28px; margin: 0 0 4px; }
h2 { font-size: 22px; margin: 36px 0 10px; border-bottom: 1px solid var(--rule); padding-bottom: 4px; }
h3 { font-size: 18px; margin: 24px 0 8px; }
p { margin: 6px 0 10px; }
.meta { color: var(--muted); font-size: 14px; }
.lead { font-size: 19px; margin: 10px 0 16px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(220px, 1fr)); gap: 12px; margin: 12px 0 16px; }
.card { border: 1px solid var(--rule); border-left: 5px solid var(--accent); padding: 10px 14px; background: var(--bg-alt); }
.card .label { font-size: 13px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
.card .value { font-size: 24px; font-weight: 600; margin: 2px 0; }
.card .detail { font-size: 14px; color: var(--muted); }
.card.warn { border-left-color: var(--bad); }
.card.ok { border-left-color: var(--good); }
.two { display: grid; grid-template-columns: 1fr 1fr; gap: 18px; }
@media (max-width: 760px) { .two { grid-template-columns: 1fr; } }
table { border-collapse: collapse; width: 100%; margin: 8px 0 16px; font-size: 14px; }
th, td { padding: 5px 8px; border-bottom: 1px solid var(--rule); text-align: left; vertical-align: top; }
th { background: #eef2f6; font-weight: 600; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.total td { font-weight: 600; border-top: 2px solid #999; }
tr.group td { background: #fafafa; font-weight: 600; color: var(--muted); }
tbody tr:nth-child(even) td { background: #fbfcfd; }
.scroll { overflow-x: auto; }
figure.chart { margin: 18px 0 22px; }
figure.chart svg { width: 100%; height: auto; display: block; }
figcaption { font-size: 14px; color: var(--muted); margin-top: 4px; }
.chart-title { font-size: 18px; font-weight: 600; fill: var(--ink); }
.tick { font-size: 13px; fill: #333; }
.axis-label { font-size: 14px; fill: #222; }
.legend-text { font-size: 13px; fill: #222; }
.note { font-size: 12.5px; fill: #222; }
.grid { stroke: #e3e3e3; stroke-width: 1; }
.axis { stroke: #555; stroke-width: 1; }
nav.toc { font-size: 14px; margin: 8px 0 0; }
nav.toc a { margin-right: 12px; color: var(--accent); }
.bad { color: var(--bad); font-weight: 600; }
.muted { color: var(--muted); }
code { font-size: 13px; background: #f0f0f0; padding: 1px 4px; }
footer { margin-top: 40px; font-size: 13px; color: var(--muted); border-top: 1px solid var(--rule); padding-top: 10px; }
@media print { main { max-width: none; padding: 0; } h2 { page-break-before: always; } #summary h2 { page-break-before: avoid; }
  figure.chart, table { page-break-inside: avoid; } nav.toc { display: none; } }
)css";

// Measures every chart once the page is laid out and writes what it found
// into data attributes, so a headless browser's DOM dump shows whether each
// chart really drew something. Changes nothing a reader sees.
const char* check_script = R"js(
window.addEventListener('load', function () {
  var figures = document.querySelectorAll('figure.chart');
  figures.forEach(function (f) {
    var svg = f.querySelector('svg'); if (!svg) return;
    var marks = svg.querySelector('g.marks'); var box = marks ? marks.getBBox() : {width: 0, height: 0};
    var r = svg.getBoundingClientRect();
    f.setAttribute('data-marks', marks ? marks.childElementCount : 0);
    f.setAttribute('data-marks-width', box.width.toFixed(1));
    f.setAttribute('data-marks-height', box.height.toFixed(1));
    f.setAttribute('data-svg-width', r.width.toFixed(0));
    f.setAttribute('data-svg-height', r.height.toFixed(0));
  });
  document.body.setAttribute('data-charts-measured', String(figures.length));
});
)js";

std::string page(const std::string& title, const std::string& body, const std::string& body_attributes) {
    std::ostringstream os;
    os << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
       << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
       << "<meta name=\"generator\" content=\"credroi " << escape(version()) << "\">\n"
       << "<title>" << escape(title) << "</title>\n<style>" << style_sheet << "</style>\n</head>\n<body"
       << body_attributes << ">\n<main>\n"
       << body << "</main>\n<script>" << check_script << "</script>\n</body>\n</html>\n";
    return os.str();
}

std::string figure(const std::string& id, const std::string& svg_text, const std::string& caption) {
    return "<figure class=\"chart\" id=\"fig-" + escape(id) + "\" data-chart=\"" + escape(id) + "\">" + svg_text +
           "<figcaption>" + caption + "</figcaption></figure>\n";
}

// ---------------------------------------------------------------------------
// Charts
// ---------------------------------------------------------------------------

/// Ticks on a month axis: the first month of each fiscal year, labelled by
/// the fiscal year (every other one on long horizons).
void month_axis(svg::Plot& plot, const Evaluation& e) {
    std::vector<double> at;
    std::vector<std::string> labels;
    const std::size_t every = e.fiscal_years.size() > 10 ? 2 : 1;
    for (std::size_t f = 0; f < e.fiscal_years.size(); f += every) {
        at.push_back(e.fiscal_years[f].first_month_index);
        labels.push_back(e.fiscal_years[f].label);
    }
    plot.x_ticks(at, labels, true);
}

std::vector<double> month_positions(std::size_t n) {
    std::vector<double> xs(n);
    std::iota(xs.begin(), xs.end(), 0.0);
    return xs;
}

std::string fan_chart(const Evaluation& e, const SimulationResult& s, const std::string& cur) {
    const auto H = static_cast<std::size_t>(s.cumulative_net_bands.cols());
    const auto p5 = s.cumulative_net_band(0.05), p10 = s.cumulative_net_band(0.10), p25 = s.cumulative_net_band(0.25),
               p50 = s.cumulative_net_band(0.50), p75 = s.cumulative_net_band(0.75), p90 = s.cumulative_net_band(0.90),
               p95 = s.cumulative_net_band(0.95);
    double lo = 0, hi = 0;
    for (std::size_t i = 0; i < H; ++i)
        for (double v : {p5[i], p95[i], e.cumulative_net[i]})
            if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
    const svg::Ticks yt = svg::nice_ticks(lo, hi, 7);
    svg::Plot plot("chart-fan", "Cumulative net cash flow: the range of outcomes",
                   "Fiscal year (ticks at the first month of each)", "Cumulative net cash flow (" + cur + ")", 0,
                   static_cast<double>(H > 1 ? H - 1 : 1), yt.lo, yt.hi, {});
    plot.y_ticks(yt.values, svg::tick_labels(yt));
    month_axis(plot, e);
    const std::vector<double> xs = month_positions(H);
    plot.band(xs, p5, p95, svg::colour::sky_blue, 0.25);
    plot.band(xs, p10, p90, svg::colour::sky_blue, 0.35);
    plot.band(xs, p25, p75, svg::colour::blue, 0.35);
    plot.hline(0, svg::colour::black, "6 4", "break-even (0)");
    plot.polyline(xs, p50, svg::colour::blue, 2.5);
    plot.polyline(xs, e.cumulative_net, svg::colour::vermillion, 2, "7 4");
    plot.legend({{svg::colour::blue, "median (P50) of the trials", "line"},
                 {svg::colour::vermillion, "base case", "dash"},
                 {"#2E86C1", "P25\xE2\x80\x93P75 (half of the trials)", "box"},
                 {"#A9D4F0", "P10\xE2\x80\x93P90 / P5\xE2\x80\x93P95", "box"},
                 {svg::colour::black, "break-even line", "dash"}});
    return plot.str("Percentile bands of the cumulative net cash flow per month over " + grouped(static_cast<double>(s.trials)) +
                    " simulated trials, with the base case and the break-even line at zero.");
}

std::string npv_histogram(const SimulationResult& s, const std::string& cur) {
    std::vector<double> v;
    for (Eigen::Index t = 0; t < s.trial_metrics.rows(); ++t)
        if (std::isfinite(s.trial_metrics(t, 0))) v.push_back(s.trial_metrics(t, 0));
    const MetricSummary& npv = s.metrics[0];
    double lo = v.empty() ? 0 : *std::min_element(v.begin(), v.end());
    double hi = v.empty() ? 1 : *std::max_element(v.begin(), v.end());
    const svg::Ticks bins = svg::nice_ticks(lo, hi, 40);
    const auto nb = bins.values.size() > 1 ? bins.values.size() - 1 : 1;
    std::vector<double> count(nb, 0);
    for (double x : v) {
        auto k = static_cast<std::size_t>(std::max(0.0, std::floor((x - bins.lo) / bins.step)));
        count[std::min(k, nb - 1)] += 1;
    }
    double top = 0;
    for (double& c : count) top = std::max(top, c /= std::max<double>(1, static_cast<double>(v.size())));
    const svg::Ticks yt = svg::nice_ticks(0, top, 5);
    const svg::Ticks xt = svg::nice_ticks(bins.lo, bins.hi, 7);
    svg::Plot plot("chart-npv", "Net present value: how likely each outcome is", "Net present value (" + cur + ")",
                   "Share of trials (%)", std::min(bins.lo, xt.lo), std::max(bins.hi, xt.hi), 0, yt.hi, {});
    std::vector<std::string> ylabels;
    for (double y : yt.values) ylabels.push_back(grouped(y * 100, yt.step * 100 < 1 ? 1 : 0));
    plot.y_ticks(yt.values, ylabels);
    plot.x_ticks(xt.values, svg::tick_labels(xt));
    for (std::size_t k = 0; k < nb; ++k) {
        const double a = bins.lo + static_cast<double>(k) * bins.step, b = a + bins.step;
        if (count[k] <= 0) continue;
        plot.rect(a, 0, b, count[k], b <= 0 ? svg::colour::vermillion : svg::colour::blue,
                  money(a, cur) + " to " + money(b, cur) + ": " + percent(count[k]) + " of trials",
                  " stroke=\"#fff\" stroke-width=\"0.5\"");
    }
    plot.vline(0, svg::colour::black, "6 4", "break-even");
    if (std::isfinite(npv.mean)) plot.vline(npv.mean, svg::colour::bluish_green, "", "mean " + money(npv.mean, cur), npv.mean < 0 ? "end" : "start");
    if (std::isfinite(npv.p10)) plot.vline(npv.p10, svg::colour::reddish_purple, "2 3", "");
    if (std::isfinite(npv.p90)) plot.vline(npv.p90, svg::colour::reddish_purple, "2 3", "");
    plot.legend({{svg::colour::vermillion, "trials that lose money (NPV < 0)", "box"},
                 {svg::colour::blue, "trials that pay off (NPV \xE2\x89\xA5 0)", "box"},
                 {svg::colour::bluish_green, "mean NPV", "line"},
                 {svg::colour::reddish_purple, "P10 and P90", "dash"}});
    return plot.str("Histogram of the net present value over " + grouped(static_cast<double>(v.size())) + " trials.");
}

std::string tornado_chart(const Scenario& s, const TornadoResult& t, const std::string& cur) {
    const std::size_t n = std::min<std::size_t>(t.bars.size(), 10);
    double lo = t.base_output, hi = t.base_output;
    for (std::size_t k = 0; k < n; ++k) {
        lo = std::min({lo, t.bars[k].low_output, t.bars[k].high_output});
        hi = std::max({hi, t.bars[k].low_output, t.bars[k].high_output});
    }
    const svg::Ticks xt = svg::nice_ticks(lo, hi, 7);
    svg::Plot::Frame f;
    f.left = 330;
    f.top = 76;
    f.height = 116 + 34.0 * static_cast<double>(std::max<std::size_t>(n, 1)) + 40;
    svg::Plot plot("chart-tornado", "What NPV depends on most (each input from its P10 to its P90)",
                   "Net present value (" + cur + ") with one input moved, the others at base", "", xt.lo, xt.hi,
                   static_cast<double>(n) - 0.5 + 0.0001, -0.5, f);
    plot.x_ticks(xt.values, svg::tick_labels(xt), true);
    for (std::size_t k = 0; k < n; ++k) {
        const TornadoBar& b = t.bars[k];
        const double row = static_cast<double>(k);
        const std::string name = input_title(s, b.name);
        plot.y_category(row, svg::shorten(name, 44), name + " (" + b.name + ")");
        plot.rect(t.base_output, row - 0.32, b.low_output, row + 0.32, svg::colour::sky_blue,
                  name + " at its P" + plain(t.low_probability * 100) + " (" + plain(b.low_input) + "): NPV " + money(b.low_output, cur));
        plot.rect(t.base_output, row - 0.32, b.high_output, row + 0.32, svg::colour::orange,
                  name + " at its P" + plain(t.high_probability * 100) + " (" + plain(b.high_input) + "): NPV " + money(b.high_output, cur));
    }
    plot.vline(t.base_output, svg::colour::black, "", "base case " + money(t.base_output, cur), "middle", -8);
    plot.legend({{svg::colour::sky_blue, "input at its P10 (low)", "box"}, {svg::colour::orange, "input at its P90 (high)", "box"}});
    return plot.str("Tornado: NPV with each uncertain input alone at its 10th and 90th percentile, largest swing first.");
}

std::string adoption_chart(const Model& model, const Evaluation& e, const std::vector<DelayCase>& delays) {
    const Scenario& s = model.scenario();
    const std::size_t H = e.adoption.size();
    svg::Plot plot("chart-adoption", "Adoption: share of eligible people actively earning",
                   "Fiscal year (ticks at the first month of each)", "Active earners (% of eligible)", 0,
                   static_cast<double>(H > 1 ? H - 1 : 1), 0, 1, {});
    const svg::Ticks yt = svg::nice_ticks(0, 1, 6);
    std::vector<std::string> ylabels;
    for (double y : yt.values) ylabels.push_back(grouped(y * 100, 0) + " %");
    plot.y_ticks(yt.values, ylabels);
    month_axis(plot, e);
    const std::vector<double> xs = month_positions(H);
    std::vector<svg::LegendItem> legend{{svg::colour::blue, "base case", "line"}};
    const char* shades[] = {svg::colour::bluish_green, svg::colour::vermillion};
    std::size_t shown = 0;
    for (const DelayCase& d : delays) {
        if (d.label.rfind("P", 0) != 0 || shown >= 2) continue;  // the distribution's percentiles only
        plot.polyline(xs, d.evaluation.adoption, shades[shown], 2, "7 4");
        legend.push_back({shades[shown], d.label + " (" + plain(d.delay_months) + " months)", "dash"});
        ++shown;
    }
    plot.polyline(xs, e.adoption, svg::colour::blue, 2.5);
    if (s.adoption.ceiling < 1) plot.hline(s.adoption.ceiling, svg::colour::grey, "2 3", "ceiling " + percent(s.adoption.ceiling, 0));
    for (const Milestone& m : s.adoption.milestones) {
        const double at = static_cast<double>(months_between(s.start, m.date));
        if (at < 0 || at > static_cast<double>(H - 1)) continue;
        plot.marker(at, m.share, svg::colour::black, "milestone: " + percent(m.share, 0) + " by " + m.date.to_string(), 6, "diamond");
        plot.text(at, m.share, percent(m.share, 0) + " by " + m.date.to_string(), "start", 9, 14);
    }
    legend.push_back({svg::colour::black, "milestones as planned", "dot"});
    plot.legend(legend);
    return plot.str("Adoption S-curve of the base case with the planned milestones.");
}

/// Stacked costs (left bar) and benefits (right bar) per fiscal year, by line;
/// small lines merged so each stack has at most five colours.
std::string lines_chart(const Evaluation& e, const std::string& cur) {
    struct Group {
        std::string name, colour;
        std::vector<double> per_year;
    };
    auto groups = [&](const std::vector<MonthlyLine>& lines, bool costs, const std::vector<const char*>& colours,
                      const char* other_colour, const std::string& other_name) {
        std::vector<std::size_t> order(lines.size());
        std::iota(order.begin(), order.end(), std::size_t{0});
        std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return std::fabs(lines[a].total()) > std::fabs(lines[b].total()); });
        std::vector<Group> out;
        Group other{other_name, other_colour, std::vector<double>(e.fiscal_years.size(), 0.0)};
        bool any_other = false;
        for (std::size_t r = 0; r < order.size(); ++r) {
            const std::size_t k = order[r];
            if (lines[k].total() == 0.0) continue;
            std::vector<double> v;
            for (const FiscalYearResult& f : e.fiscal_years) v.push_back(costs ? f.costs_by_line[k] : f.benefits_by_line[k]);
            if (out.size() < colours.size()) {
                out.push_back({lines[k].name, colours[out.size()], v});
            } else {
                any_other = true;
                for (std::size_t f = 0; f < v.size(); ++f) other.per_year[f] += v[f];
            }
        }
        if (any_other) out.push_back(other);
        return out;
    };
    const auto cost_groups = groups(e.cost_lines, true, {svg::colour::vermillion, svg::colour::orange, svg::colour::reddish_purple, svg::colour::yellow},
                                    svg::colour::grey, "other costs");
    const auto benefit_groups = groups(e.benefit_lines, false, {svg::colour::blue, svg::colour::sky_blue, svg::colour::bluish_green},
                                       svg::colour::light_grey, "other benefits");
    double hi = 0, lo = 0;
    for (const FiscalYearResult& f : e.fiscal_years) hi = std::max({hi, f.costs, f.benefits}), lo = std::min(lo, f.net);
    const svg::Ticks yt = svg::nice_ticks(lo, hi, 6);
    const auto n = static_cast<double>(e.fiscal_years.size());
    svg::Plot plot("chart-lines", "Costs and benefits per fiscal year, by line (base case)", "Fiscal year",
                   "Amount per fiscal year (" + cur + ")", -0.5, n - 0.5, yt.lo, yt.hi, {});
    plot.y_ticks(yt.values, svg::tick_labels(yt));
    std::vector<double> at;
    std::vector<std::string> labels;
    for (std::size_t f = 0; f < e.fiscal_years.size(); ++f) {
        at.push_back(static_cast<double>(f));
        const FiscalYearResult& y = e.fiscal_years[f];
        labels.push_back(y.label + (y.month_count < 12 ? " (" + std::to_string(y.month_count) + " mo)" : ""));
    }
    plot.x_ticks(at, labels);
    auto stack = [&](const std::vector<Group>& gs, double offset, const std::string& what) {
        for (std::size_t f = 0; f < e.fiscal_years.size(); ++f) {
            double base = 0;
            const double x0 = static_cast<double>(f) + offset, x1 = x0 + 0.36;
            for (const Group& g : gs) {
                const double v = g.per_year[f];
                if (v <= 0) continue;
                plot.rect(x0, base, x1, base + v, g.colour, e.fiscal_years[f].label + " " + what + ": " + g.name + " " + money(v, cur),
                          " stroke=\"#fff\" stroke-width=\"0.6\"");
                base += v;
            }
        }
    };
    stack(cost_groups, -0.38, "cost");
    stack(benefit_groups, 0.02, "benefit");
    if (yt.lo < 0) plot.hline(0, svg::colour::black, "", "");
    for (std::size_t f = 0; f < e.fiscal_years.size(); ++f)
        plot.marker(static_cast<double>(f), e.fiscal_years[f].net, svg::colour::black,
                    e.fiscal_years[f].label + " net: " + money(e.fiscal_years[f].net, cur), 6, "diamond");
    std::vector<svg::LegendItem> legend;
    for (const Group& g : cost_groups) legend.push_back({g.colour, "cost: " + g.name, "box"});
    for (const Group& g : benefit_groups) legend.push_back({g.colour, "benefit: " + g.name, "box"});
    legend.push_back({svg::colour::black, "net (benefits \xE2\x88\x92 costs)", "dot"});
    plot.legend(legend);
    return plot.str("Per fiscal year, the left bar stacks the costs by line and the right bar the benefits by line.");
}

std::string budget_chart(const Evaluation& e, const SimulationResult& s, const std::string& cur) {
    double hi = 0;
    for (const FiscalYearResult& f : e.fiscal_years) hi = std::max({hi, f.costs, f.budget.value_or(0.0)});
    const svg::Ticks yt = svg::nice_ticks(0, hi * 1.1, 6);
    const auto n = static_cast<double>(e.fiscal_years.size());
    svg::Plot plot("chart-budget", "Budget against spend per fiscal year (base case)", "Fiscal year",
                   "Amount per fiscal year (" + cur + ")", -0.5, n - 0.5, 0, yt.hi, {});
    plot.y_ticks(yt.values, svg::tick_labels(yt));
    std::vector<double> at;
    std::vector<std::string> labels;
    for (std::size_t f = 0; f < e.fiscal_years.size(); ++f) {
        at.push_back(static_cast<double>(f));
        labels.push_back(e.fiscal_years[f].label);
    }
    plot.x_ticks(at, labels);
    for (std::size_t f = 0; f < e.fiscal_years.size(); ++f) {
        const FiscalYearResult& y = e.fiscal_years[f];
        const double x = static_cast<double>(f);
        const double within = y.budget ? std::min(y.costs, *y.budget) : y.costs;
        plot.rect(x - 0.3, 0, x + 0.3, within, svg::colour::sky_blue, y.label + " spend: " + money(y.costs, cur));
        if (y.shortfall && *y.shortfall > 0)
            plot.rect(x - 0.3, within, x + 0.3, y.costs, svg::colour::vermillion, y.label + " shortfall: " + money(*y.shortfall, cur));
        if (y.budget) {
            plot.rect(x - 0.42, *y.budget, x + 0.42, *y.budget, svg::colour::black, y.label + " budget: " + money(*y.budget, cur),
                      " stroke=\"#000\" stroke-width=\"2.5\"");
        }
        if (f < s.probability_shortfall.size())
            plot.text(x, std::max(y.costs, y.budget.value_or(0.0)), "P(short) " + chance(s.probability_shortfall[f]), "middle", 0, -8);
    }
    std::vector<svg::LegendItem> legend{{svg::colour::sky_blue, "spend within budget", "box"},
                                        {svg::colour::vermillion, "spend above budget (shortfall)", "box"}};
    if (!s.probability_shortfall.empty()) legend.push_back({svg::colour::black, "budget envelope (incl. extensions)", "line"});
    plot.legend(legend);
    return plot.str("Per fiscal year the base-case spend as a bar, the budget envelope as a black line, and the share of trials with a shortfall.");
}

// ---------------------------------------------------------------------------
// Sections
// ---------------------------------------------------------------------------

std::string table_row(const std::vector<std::string>& cells, const std::string& cls = "", std::size_t text_columns = 1) {
    std::string out = cls.empty() ? "<tr>" : "<tr class=\"" + cls + "\">";
    for (std::size_t k = 0; k < cells.size(); ++k) out += (k < text_columns ? "<td>" : "<td class=\"n\">") + cells[k] + "</td>";
    return out + "</tr>\n";
}

std::string fy_key(const std::string& label, const std::string& what) { return "fy:" + label + ":" + what; }

std::string fiscal_statement(const Model& model, const ReportAnalysis& a) {
    const Evaluation& e = a.base;
    const std::string& cur = e.currency;
    std::ostringstream os;
    os << "<div class=\"scroll\"><table class=\"statement\" id=\"fiscal-statement\"><thead><tr><th>" << escape(cur) << ", base case</th>";
    for (const FiscalYearResult& f : e.fiscal_years)
        os << "<th class=\"n\">" << escape(f.label) << (f.month_count < 12 ? "<br><span class=\"muted\">" + std::to_string(f.month_count) + " months</span>" : "") << "</th>";
    os << "<th class=\"n\">total</th></tr></thead><tbody>\n";
    auto line_row = [&](const std::string& name, auto value_of, const std::string& cls, const std::string& key) {
        std::vector<std::string> cells{escape(name)};
        double total = 0;
        for (const FiscalYearResult& f : e.fiscal_years) {
            const double v = value_of(f);
            total += v;
            cells.push_back(key.empty() ? escape(grouped(v)) : num(fy_key(f.label, key), v, grouped(v)));
        }
        cells.push_back(escape(grouped(total)));
        os << table_row(cells, cls);
    };
    os << "<tr class=\"group\"><td colspan=\"" << e.fiscal_years.size() + 2 << "\">Costs</td></tr>\n";
    for (std::size_t k = 0; k < e.cost_lines.size(); ++k)
        line_row(e.cost_lines[k].name, [k](const FiscalYearResult& f) { return f.costs_by_line[k]; }, "", "");
    line_row("total costs", [](const FiscalYearResult& f) { return f.costs; }, "total", "costs");
    os << "<tr class=\"group\"><td colspan=\"" << e.fiscal_years.size() + 2 << "\">Benefits</td></tr>\n";
    for (std::size_t k = 0; k < e.benefit_lines.size(); ++k)
        line_row(e.benefit_lines[k].name, [k](const FiscalYearResult& f) { return f.benefits_by_line[k]; }, "", "");
    line_row("total benefits", [](const FiscalYearResult& f) { return f.benefits; }, "total", "benefits");
    os << "<tr class=\"group\"><td colspan=\"" << e.fiscal_years.size() + 2 << "\">Result</td></tr>\n";
    line_row("net (benefits \xE2\x88\x92 costs)", [](const FiscalYearResult& f) { return f.net; }, "total", "net");
    {
        std::vector<std::string> cells{"cumulative net"};
        for (const FiscalYearResult& f : e.fiscal_years) cells.push_back(num(fy_key(f.label, "cumulative_net"), f.cumulative_net, grouped(f.cumulative_net)));
        cells.push_back("");
        os << table_row(cells);
    }
    if (model.scenario().budget) {
        line_row("budget (incl. extensions)", [](const FiscalYearResult& f) { return f.budget.value_or(0.0); }, "", "budget");
        line_row("shortfall", [](const FiscalYearResult& f) { return f.shortfall.value_or(0.0); }, "", "shortfall");
        std::vector<std::string> cells{"probability of a shortfall"};
        for (std::size_t f = 0; f < e.fiscal_years.size(); ++f) {
            const double p = f < a.simulation.probability_shortfall.size() ? a.simulation.probability_shortfall[f] : nan_value;
            cells.push_back(num(fy_key(e.fiscal_years[f].label, "probability_shortfall"), p, percent(p, 1)));
        }
        cells.push_back("");
        os << table_row(cells);
    }
    os << "</tbody></table></div>\n";
    return os.str();
}

std::string metrics_table(const SimulationResult& s, const std::string& cur) {
    std::ostringstream os;
    os << "<div class=\"scroll\"><table id=\"metrics\"><thead><tr><th>metric</th><th class=\"n\">base case</th><th class=\"n\">mean</th>"
          "<th class=\"n\">P5</th><th class=\"n\">P10</th><th class=\"n\">P50</th><th class=\"n\">P90</th><th class=\"n\">P95</th>"
          "<th class=\"n\">exists in</th></tr></thead><tbody>\n";
    for (const MetricSummary& m : s.metrics) {
        const std::string& k = m.name;
        std::vector<std::string> cells{escape(metric_label(k))};
        const std::pair<const char*, double> cols[] = {{"base", m.base}, {"mean", m.mean}, {"p5", m.p5}, {"p10", m.p10},
                                                       {"p50", m.p50},   {"p90", m.p90},   {"p95", m.p95}};
        for (const auto& [name, value] : cols) cells.push_back(num("metric:" + k + ":" + name, value, format_metric(k, value, cur)));
        cells.push_back(percent(static_cast<double>(m.count) / static_cast<double>(std::max<std::uint64_t>(s.trials, 1)), 0));
        os << table_row(cells);
    }
    os << "</tbody></table></div>\n";
    return os.str();
}

std::string inputs_table(const Model& model) {
    std::ostringstream os;
    std::vector<const Input*> uncertain, fixed;
    for (const Input& in : model.inputs()) (in.uncertain() ? uncertain : fixed).push_back(&in);
    auto rows = [&](const std::vector<const Input*>& list, bool with_range) {
        os << "<div class=\"scroll\"><table><thead><tr><th>input (key path)</th><th class=\"n\">base value</th>";
        if (with_range) os << "<th>as entered</th><th class=\"n\">P10</th><th class=\"n\">P90</th>";
        os << "</tr></thead><tbody>\n";
        for (const Input* in : list) {
            std::vector<std::string> cells{escape(input_title(model.scenario(), in->path)) + "<br><code>" + escape(in->path) + "</code>", escape(plain(in->base))};
            if (with_range) {
                cells.push_back(escape(describe_distribution(*in->distribution)));
                cells.push_back(escape(plain(quantile(*in->distribution, 0.10))));
                cells.push_back(escape(plain(quantile(*in->distribution, 0.90))));
            }
            os << "<tr><td>" << cells[0] << "</td><td class=\"n\">" << cells[1] << "</td>";
            if (with_range) os << "<td>" << cells[2] << "</td><td class=\"n\">" << cells[3] << "</td><td class=\"n\">" << cells[4] << "</td>";
            os << "</tr>\n";
        }
        os << "</tbody></table></div>\n";
    };
    if (uncertain.empty())
        os << "<p>No input is uncertain: every number was entered as a fixed value, so the simulation repeats the base case.</p>\n";
    else {
        os << "<h3>Uncertain inputs (" << uncertain.size() << ")</h3>\n";
        rows(uncertain, true);
    }
    if (const RankCorrelation* c = model.correlation()) {
        (void)c;
        os << "<p>Rank correlations entered:</p><ul>";
        for (const InputCorrelation& ic : model.scenario().correlations)
            os << "<li><code>" << escape(ic.first) << "</code> with <code>" << escape(ic.second) << "</code>: " << escape(plain(ic.rank)) << "</li>";
        os << "</ul>\n";
    }
    os << "<details><summary>Fixed inputs (" << fixed.size() << ")</summary>\n";
    rows(fixed, false);
    os << "</details>\n";
    return os.str();
}

std::string list_or_dash(const std::vector<std::string>& v) {
    if (v.empty()) return "<span class=\"muted\">not entered</span>";
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : ", ") + escape(s);
    return out;
}

std::string authority_section(const Scenario& s) {
    const Stakeholders& st = s.stakeholders;
    std::ostringstream os;
    os << "<section id=\"authority\"><h2>Authority: who decides, approves and champions</h2>\n";
    const bool any = !st.sponsor.empty() || !st.decision_makers.empty() || !st.approvers.empty() || !st.champions.empty() ||
                     !st.contract_signatory.empty();
    if (!any)
        os << "<p class=\"bad\">The scenario names no stakeholders. Add a <code>[stakeholders]</code> table (sponsor, "
              "decision_makers, approvers, champions, contract_signatory; docs/scenario-format.md) so the case says who "
              "must say yes.</p>\n";
    auto one = [](const std::string& v) { return v.empty() ? std::string("<span class=\"muted\">not entered</span>") : escape(v); };
    os << "<table id=\"stakeholders\"><tbody>\n"
       << "<tr><th>Executive sponsor</th><td>" << one(st.sponsor) << "</td></tr>\n"
       << "<tr><th>Decision makers</th><td>" << list_or_dash(st.decision_makers) << "</td></tr>\n"
       << "<tr><th>Approvers (procurement, legal, DPO ...)</th><td>" << list_or_dash(st.approvers) << "</td></tr>\n"
       << "<tr><th>Champions</th><td>" << list_or_dash(st.champions) << "</td></tr>\n"
       << "<tr><th>Signs the contract</th><td>" << one(st.contract_signatory) << "</td></tr>\n";
    std::vector<std::string> vendors, reviews;
    for (const VendorContract& v : s.costs.vendors) vendors.push_back(v.name);
    for (const QualityReview& q : s.costs.quality_reviews) reviews.push_back(q.name);
    os << "<tr><th>External parties: vendors</th><td>" << list_or_dash(vendors) << "</td></tr>\n"
       << "<tr><th>External recognition</th><td>" << list_or_dash(reviews) << "</td></tr>\n"
       << "</tbody></table>\n</section>\n";
    return os.str();
}

std::string need_section(const Model& model, const Evaluation& e) {
    const Scenario& s = model.scenario();
    const std::string& cur = s.currency;
    std::ostringstream os;
    os << "<section id=\"need\"><h2>Need: the problems the programme addresses and what they cost today</h2>\n"
       << "<p>The status quo as entered in the scenario, per year, before the programme. These figures multiply the "
          "scenario's own inputs (base values); the benefits below are what the model credits to the programme.</p>\n";
    const StatusQuo today = status_quo(s);
    if (!s.segments.empty()) {
        os << "<h3>Attrition</h3><div class=\"scroll\"><table><thead><tr><th>segment</th><th class=\"n\">headcount</th>"
              "<th class=\"n\">attrition a year</th><th class=\"n\">leavers a year</th><th class=\"n\">replacement cost per leaver</th>"
              "<th class=\"n\">cost of attrition a year</th></tr></thead><tbody>\n";
        for (const SegmentAttrition& g : today.attrition)
            os << table_row({escape(g.name), escape(grouped(g.headcount)), escape(percent(g.annual_attrition)),
                             escape(grouped(g.leavers_per_year)), escape(money(g.replacement_cost_per_leaver, cur)),
                             escape(money(g.cost_per_year, cur))});
        os << table_row({"all segments", "", "", "", "", escape(money(today.attrition_cost_per_year, cur))}, "total")
           << "</tbody></table></div>\n";
    }
    const Benefits& b = s.benefits;
    std::vector<std::vector<std::string>> rows;
    if (b.paper)
        rows.push_back({"paper certificates", grouped(b.paper->certificates_per_year.value) + " a year at " +
                                                  money(*today.paper_unit_cost, cur, 2) + " each (print, postage, handling, reissues)",
                        money(*today.paper_cost_per_year, cur)});
    if (b.verification) {
        const VerificationBenefit& v = *b.verification;
        rows.push_back({"manual verification", grouped(v.requests_per_year.value) + " requests a year, " + plain(v.minutes_per_request.value) +
                                                   " minutes each at " + money(v.hourly_cost.value, cur, 2) + " an hour",
                        money(*today.verification_cost_per_year, cur)});
    }
    if (b.productivity)
        rows.push_back({"engagement and productivity", "uplift of " + percent(b.productivity->uplift_share_of_salary.value) +
                                                           " of salary per earner expected", "-"});
    if (b.retention)
        rows.push_back({"attrition among earners", percent(b.retention->relative_attrition_reduction.value) +
                                                       " fewer leavers among earners expected", "-"});
    if (b.onboarding)
        rows.push_back({"onboarding", plain(b.onboarding->days_saved_per_hire.value) + " days saved per hire expected", "-"});
    if (b.internal_mobility)
        rows.push_back({"external hiring", plain(b.internal_mobility->internal_fills_per_100_earners_per_year.value) +
                                               " internal fills per 100 earners a year, " +
                                               money(b.internal_mobility->saving_per_internal_fill.value, cur) + " saved each", "-"});
    if (!rows.empty()) {
        os << "<h3>Other problems addressed</h3><table><thead><tr><th>problem</th><th>today, as entered</th>"
              "<th class=\"n\">cost today a year</th></tr></thead><tbody>\n";
        for (const auto& r : rows) os << table_row({escape(r[0]), escape(r[1]), escape(r[2])}, "", 2);
        os << "</tbody></table>\n";
    }
    os << "<h3>What the programme recovers (base case, over the " << s.horizon_months << " months)</h3>"
          "<table><thead><tr><th>benefit line</th><th class=\"n\">total</th></tr></thead><tbody>\n";
    double total = 0;
    for (const MonthlyLine& l : e.benefit_lines) {
        total += l.total();
        os << table_row({escape(l.name), escape(money(l.total(), cur))});
    }
    os << table_row({"all benefits", num("base:total_benefits", e.metrics.total_benefits, money(total, cur))}, "total")
       << "</tbody></table>\n</section>\n";
    return os.str();
}

std::string timeline_section(const Model& model, const ReportAnalysis& a) {
    const Scenario& s = model.scenario();
    const Evaluation& e = a.base;
    const std::string& cur = s.currency;
    std::ostringstream os;
    os << "<section id=\"timeline\"><h2>Timeline: milestones, fiscal years and what may delay them</h2>\n"
       << "<p>The model runs " << s.horizon_months << " months from " << escape(s.start.to_string())
       << "; fiscal years start in month " << s.fiscal_calendar.start_month() << " and are named by "
       << escape(s.fiscal_calendar.fiscal_year_label(s.fiscal_calendar.fiscal_year(s.start))) << " for the first.</p>\n";
    os << figure("adoption", adoption_chart(model, e, a.delays),
                 "The S-curve is fitted through the milestones. Dashed curves: the same programme with the roll-out delay at the "
                 "percentiles of its distribution.");
    os << "<table id=\"milestones\"><thead><tr><th>milestone</th><th>month</th><th>fiscal year</th>"
          "<th class=\"n\">planned share</th><th class=\"n\">base case reaches</th></tr></thead><tbody>\n";
    for (const Milestone& m : s.adoption.milestones) {
        const int at = months_between(s.start, m.date);
        const std::string reached = at >= 0 && at < static_cast<int>(e.adoption.size()) ? percent(e.adoption[static_cast<std::size_t>(at)], 1) : "outside the horizon";
        os << table_row({escape(percent(m.share, 0)) + " of eligible people earning", escape(m.date.to_string()),
                         escape(s.fiscal_calendar.fiscal_year_label(s.fiscal_calendar.fiscal_year(m.date))), escape(percent(m.share, 0)),
                         escape(reached)}, "", 3);
    }
    os << "</tbody></table>\n";
    const std::optional<int> delay = model.input_index("adoption.delay_months");
    const Input* in = delay ? &model.inputs()[static_cast<std::size_t>(*delay)] : nullptr;
    os << "<h3>What may delay it, and what a delay costs</h3>\n";
    if (in && in->distribution)
        os << "<p>The roll-out delay is uncertain: " << escape(describe_distribution(*in->distribution))
           << " months (base case " << escape(plain(in->base)) << "). Causes the plan names include integration work, consultation "
              "and procurement; the simulation draws the delay in every trial.</p>\n";
    else
        os << "<p>The roll-out delay is fixed at " << escape(plain(in ? in->base : 0.0))
           << " months. Enter it as a distribution (<code>delay_months = { triangular = [0, 2, 9] }</code>) to see its effect in the simulation.</p>\n";
    if (!a.delays.empty()) {
        os << "<table id=\"delays\"><thead><tr><th>case</th><th class=\"n\">delay</th><th class=\"n\">NPV</th>"
              "<th class=\"n\">change against the base case</th><th class=\"n\">payback</th></tr></thead><tbody>\n";
        os << table_row({"base case", escape(plain(in ? in->base : 0.0) + " months"), escape(money(e.metrics.npv, cur)), "",
                         escape(e.metrics.payback_months ? months_text(*e.metrics.payback_months) : "not within the horizon")});
        for (const DelayCase& d : a.delays) {
            const Metrics& m = d.evaluation.metrics;
            os << table_row({escape(d.label), escape(plain(d.delay_months) + " months"), escape(money(m.npv, cur)),
                             escape(money(m.npv - e.metrics.npv, cur)),
                             escape(m.payback_months ? months_text(*m.payback_months) : "not within the horizon")});
        }
        os << "</tbody></table>\n";
    }
    os << "</section>\n";
    return os.str();
}

std::string budget_section(const Model& model, const ReportAnalysis& a) {
    const Scenario& s = model.scenario();
    const Evaluation& e = a.base;
    const Metrics& m = e.metrics;
    const std::string& cur = s.currency;
    std::ostringstream os;
    os << "<section id=\"budget\"><h2>Budget: costs, the envelope and the ROI case</h2>\n";
    // ROI case
    os << "<h3>The ROI case</h3><p>At a discount rate of " << escape(percent(e.discount_rate)) << " a year, the base case "
       << "costs " << num("base:pv_costs", m.pv_costs, money(m.pv_costs, cur)) << " and returns "
       << num("base:pv_benefits", m.pv_benefits, money(m.pv_benefits, cur)) << " in present value: NPV "
       << num("base:npv", m.npv, money(m.npv, cur)) << ", ROI " << num("base:roi", m.roi.value_or(nan_value), m.roi ? percent(*m.roi) : "undefined")
       << ", benefit-cost ratio " << escape(m.bcr ? grouped(*m.bcr, 2) : "undefined") << ", IRR "
       << escape(m.irr ? percent(*m.irr) + " a year" : "none (the flows never change sign)") << ".</p>\n";
    // Cost structure
    double fixed = 0, dynamic = 0, contingency = 0, total = 0;
    os << "<h3>Where the money goes: fixed against dynamic costs</h3>\n<table id=\"cost-structure\"><thead><tr><th>cost line</th>"
          "<th>kind</th><th>fixed or dynamic</th><th class=\"n\">total over the horizon</th><th class=\"n\">share</th></tr></thead><tbody>\n";
    for (const MonthlyLine& l : e.cost_lines) total += l.total();
    for (const MonthlyLine& l : e.cost_lines) {
        const std::string cat = cost_category(l.kind);
        (cat == "dynamic" ? dynamic : cat == "contingency" ? contingency : fixed) += l.total();
        os << table_row({escape(l.name), escape(cost_kind_label(l.kind)), escape(cat), escape(money(l.total(), cur)),
                         escape(total > 0 ? percent(l.total() / total) : "-")}, "", 3);
    }
    os << table_row({"fixed costs", "", "", escape(money(fixed, cur)), escape(total > 0 ? percent(fixed / total) : "-")}, "total", 3)
       << table_row({"dynamic costs (per person, per credential)", "", "", escape(money(dynamic, cur)), escape(total > 0 ? percent(dynamic / total) : "-")}, "total", 3)
       << table_row({"contingency", "", "", escape(money(contingency, cur)), escape(total > 0 ? percent(contingency / total) : "-")}, "total", 3)
       << table_row({"all costs", "", "", num("base:total_costs", m.total_costs, money(total, cur)), ""}, "total", 3)
       << "</tbody></table>\n";
    os << figure("lines", lines_chart(e, cur),
                 "Costs by line on the left of each fiscal year, benefits by line on the right; the diamond is the year's net. "
                 "Smaller lines are merged into \"other\"; the statement below lists every line.");
    // Envelope
    os << "<h3>The budget envelope</h3>\n";
    if (!s.budget) {
        os << "<p class=\"bad\">The scenario has no <code>[budget]</code>, so no fiscal year is checked against an envelope. "
              "Add one (annual amount, escalation, extensions per earner or credential, cap) to see where the money may run short.</p>\n";
    } else {
        const Budget& bu = *s.budget;
        os << "<ul>";
        if (bu.annual) os << "<li>fixed envelope " << escape(money(bu.annual->value, cur)) << " a year, escalating " << escape(percent(bu.annual_escalation.value)) << " a year</li>";
        for (const auto& [label, amount] : bu.by_fiscal_year) os << "<li>" << escape(label) << ": " << escape(money(amount, cur)) << " (set for that year)</li>";
        if (bu.extension_per_earner.value > 0) os << "<li>extended by " << escape(money(bu.extension_per_earner.value, cur, 2)) << " per peak active earner</li>";
        if (bu.extension_per_credential.value > 0) os << "<li>extended by " << escape(money(bu.extension_per_credential.value, cur, 2)) << " per credential issued</li>";
        if (bu.extension_cap) os << "<li>extensions capped at " << escape(money(bu.extension_cap->value, cur)) << " a year</li>";
        os << "</ul>\n";
    }
    os << figure("budget", budget_chart(e, a.simulation, cur),
                 s.budget ? "Bars: base-case spend; black line: the envelope; red: spend above it. Labels: share of simulated trials "
                            "with a shortfall in that year."
                          : "No budget entered: the bars show the base-case spend only.");
    os << "<h3>Fiscal-year statement</h3>\n" << fiscal_statement(model, a);
    os << "</section>\n";
    return os.str();
}

std::string summary_section(const Model& model, const ReportAnalysis& a) {
    const Scenario& s = model.scenario();
    const SimulationResult& sim = a.simulation;
    const Evaluation& e = a.base;
    const std::string& cur = s.currency;
    const MetricSummary& npv = sim.metric("npv");
    const MetricSummary& payback = sim.metric("payback_months");
    std::ostringstream os;
    os << "<section id=\"summary\"><h2>Executive summary</h2>\n";
    const double p = sim.probability_npv_positive;
    const std::string verdict = p >= 0.9 ? "very likely pays off" : p >= 0.7 ? "probably pays off" : p >= 0.4 ? "may or may not pay off" : "probably does not pay off";
    os << "<p class=\"lead\">The programme <strong>" << verdict << "</strong> within " << s.horizon_months
       << " months: in " << num("probability_npv_positive", p, chance(p)) << " of " << escape(grouped(static_cast<double>(sim.trials)))
       << " simulated futures its net present value is positive. The expected NPV is "
       << num("npv:mean", npv.mean, money(npv.mean, cur)) << " (P10 " << num("npv:p10", npv.p10, money(npv.p10, cur)) << " to P90 "
       << num("npv:p90", npv.p90, money(npv.p90, cur)) << ").</p>\n";
    os << "<div class=\"cards\">\n";
    os << "<div class=\"card " << (npv.mean >= 0 ? "ok" : "warn") << "\"><div class=\"label\">Expected NPV</div><div class=\"value\">"
       << num("npv:mean", npv.mean, money(npv.mean, cur)) << "</div><div class=\"detail\">P10\xE2\x80\x93P90: "
       << num("npv:p10", npv.p10, money(npv.p10, cur)) << " to " << num("npv:p90", npv.p90, money(npv.p90, cur))
       << "<br>base case " << num("npv:base", npv.base, money(npv.base, cur)) << "</div></div>\n";
    os << "<div class=\"card " << (p >= 0.7 ? "ok" : "warn") << "\"><div class=\"label\">Chance of a positive ROI</div><div class=\"value\">"
       << num("probability_npv_positive", p, chance(p)) << "</div><div class=\"detail\">P(NPV &gt; 0), the same as P(ROI &gt; 0); "
       << "expected ROI " << num("roi:mean", sim.metric("roi").mean, percent(sim.metric("roi").mean, 0)) << "</div></div>\n";
    os << "<div class=\"card\"><div class=\"label\">Payback</div><div class=\"value\">";
    if (e.metrics.payback_months)
        os << num("payback_months:base", *e.metrics.payback_months, months_text(*e.metrics.payback_months));
    else
        os << "not within the horizon";
    os << "</div><div class=\"detail\">base case";
    if (e.metrics.break_even_month) os << ", break-even in " << escape(e.metrics.break_even_month->to_string());
    os << "<br>median " << num("payback_months:p50", payback.p50, std::isfinite(payback.p50) ? months_text(payback.p50) : "n/a")
       << "; pays back within the horizon in "
       << num("probability_payback_within_horizon", sim.probability_payback_within_horizon, chance(sim.probability_payback_within_horizon))
       << " of trials</div></div>\n";
    // budget card
    std::vector<std::size_t> short_years;
    for (std::size_t f = 0; f < sim.probability_shortfall.size(); ++f)
        if (sim.probability_shortfall[f] > 0) short_years.push_back(f);
    os << "<div class=\"card " << (short_years.empty() ? "ok" : "warn") << "\"><div class=\"label\">Budget</div><div class=\"value\">";
    if (!s.budget)
        os << "no budget entered</div><div class=\"detail\">add a [budget] to check each fiscal year</div></div>\n";
    else if (short_years.empty())
        os << "fits every year</div><div class=\"detail\">no shortfall in any trial</div></div>\n";
    else
        os << short_years.size() << " of " << sim.probability_shortfall.size() << " fiscal years at risk</div><div class=\"detail\">see below</div></div>\n";
    os << "</div>\n";
    // depends on
    if (a.tornado && !a.tornado->bars.empty()) {
        os << "<p><strong>It depends most on</strong> (each input alone from its P10 to its P90):</p><ol id=\"depends-on\">\n";
        for (std::size_t k = 0; k < std::min<std::size_t>(3, a.tornado->bars.size()); ++k) {
            const TornadoBar& b = a.tornado->bars[k];
            os << "<li data-input=\"" << escape(b.name) << "\"><strong>" << escape(input_title(s, b.name)) << "</strong>: from "
               << escape(plain(b.low_input)) << " to " << escape(plain(b.high_input)) << " moves NPV from "
               << escape(money(b.low_output, cur)) << " to " << escape(money(b.high_output, cur)) << " (swing "
               << num("tornado:" + b.name, b.swing, money(b.swing, cur)) << ")</li>\n";
        }
        os << "</ol>\n";
    } else {
        os << "<p>No input is uncertain, so nothing to rank: enter the numbers you are unsure of as ranges.</p>\n";
    }
    if (s.budget) {
        if (short_years.empty())
            os << "<p><strong>Budget:</strong> spend stays within the envelope in every fiscal year in every trial.</p>\n";
        else {
            os << "<p><strong>The budget may fall short in:</strong></p><ul id=\"shortfall-years\">";
            for (std::size_t f : short_years) {
                const FiscalYearResult& y = e.fiscal_years[f];
                os << "<li>" << escape(sim.fiscal_year_labels[f]) << ": probability "
                   << num("probability_shortfall:" + sim.fiscal_year_labels[f], sim.probability_shortfall[f], percent(sim.probability_shortfall[f], 1));
                if (y.shortfall && *y.shortfall > 0) os << " (base case short by " << escape(money(*y.shortfall, cur)) << ")";
                os << "</li>";
            }
            os << "</ul>\n";
        }
    }
    os << "</section>\n";
    return os.str();
}

std::string sensitivity_section(const Scenario& s, const ReportAnalysis& a, const std::string& cur) {
    std::ostringstream os;
    os << "<section id=\"sensitivity\"><h2>What the result depends on</h2>\n";
    if (!a.tornado) {
        os << "<p>No input is uncertain.</p></section>\n";
        return os.str();
    }
    os << figure("tornado", tornado_chart(s, *a.tornado, cur),
                 "Each bar moves one input alone from its 10th to its 90th percentile with every other input at its base value. "
                 "It misses interactions and rare risk events (probability below 10 %), which the simulation and the rank "
                 "correlations below include.");
    if (a.rank) {
        const RankSensitivity& r = *a.rank;
        os << "<h3>Rank correlation with NPV over the simulation</h3><table id=\"rank\"><thead><tr><th>input</th>"
              "<th class=\"n\">Spearman</th><th class=\"n\">share of variance (by rank)</th></tr></thead><tbody>\n";
        for (std::size_t k = 0; k < std::min<std::size_t>(r.order.size(), 10); ++k) {
            const Eigen::Index i = r.order[k];
            os << table_row({escape(input_title(s, r.names[static_cast<std::size_t>(i)])), escape(grouped(r.spearman[i], 2)),
                             escape(percent(r.contribution_to_variance[i], 1))});
        }
        os << "</tbody></table>\n<p class=\"muted\">R\xC2\xB2 of the rank regression: " << escape(grouped(r.r_squared, 2))
           << (r.r_squared >= 0.7 ? " (the ranking is explained well by the inputs one at a time)."
                                  : " (interactions matter; run credroi sensitivity --method sobol for Sobol' indices).")
           << "</p>\n";
    }
    os << "</section>\n";
    return os.str();
}

}  // namespace

// ---------------------------------------------------------------------------
// Public
// ---------------------------------------------------------------------------

ReportAnalysis analyse_for_report(const Model& model, const ReportOptions& options) {
    CREDROI_REQUIRE(options.trials >= 1, "trials", "expected at least 1 trial for a report, found " << options.trials);
    ReportAnalysis a;
    a.base = model.evaluate();
    SimulationOptions o;
    o.trials = options.trials;
    o.seed = options.seed;
    o.sampler = options.sampler;
    o.threads = options.threads;
    o.keep_trials = true;  // the NPV histogram and the rank correlations need every trial
    o.progress = options.progress;
    o.cancel = options.cancel;
    a.simulation = simulate(model, o);
    const SensitivityInputs in = model_inputs(model);
    if (!in.names.empty()) {
        TornadoOptions t;
        t.output_name = "npv";
        a.tornado = tornado(metric_function(model, "npv"), in.distributions, in.names, in.base, t);
        try {
            a.rank = rank_sensitivity(a.simulation, "npv");
        } catch (const NumericError&) {
            // e.g. an NPV that does not vary at all: the report says there is nothing to rank
        }
    }
    if (const std::optional<int> k = model.input_index("adoption.delay_months")) {
        const Input& delay = model.inputs()[static_cast<std::size_t>(*k)];
        std::vector<double> values;
        const Eigen::ArrayXXd base = model.base_inputs();
        for (Eigen::Index j = 0; j < base.cols(); ++j) values.push_back(base(0, j));
        std::vector<std::pair<std::string, double>> cases;
        if (delay.distribution) {
            const double p10 = quantile(*delay.distribution, 0.10), p90 = quantile(*delay.distribution, 0.90);
            if (p10 != delay.base) cases.push_back({"P10 of the delay", p10});
            if (p90 != delay.base) cases.push_back({"P90 of the delay", p90});
        }
        for (const double extra : {3.0, 6.0, 12.0}) cases.push_back({grouped(extra) + " months later than the base case", delay.base + extra});
        for (const auto& [label, value] : cases) {
            values[static_cast<std::size_t>(*k)] = value;
            a.delays.push_back({label, value, model.evaluate(values)});
        }
    }
    return a;
}

std::string render_report(const Model& model, const ReportAnalysis& a, const ReportOptions& options) {
    const Scenario& s = model.scenario();
    const SimulationResult& sim = a.simulation;
    const std::string date = options.run_date.empty() ? detail::today_iso() : options.run_date;
    std::ostringstream os;
    os << "<header class=\"top\"><h1 id=\"scenario-name\">" << escape(s.name) << "</h1>\n";
    if (!s.description.empty()) os << "<p>" << escape(s.description) << "</p>\n";
    os << "<p class=\"meta\" id=\"run-facts\">Business case for a digital badge and credential programme. Amounts in "
       << escape(s.currency) << ". Run on " << escape(date) << " with credroi " << escape(version()) << ": "
       << escape(grouped(static_cast<double>(sim.trials))) << " trials (" << escape(to_string(sim.sampler)) << "), seed "
       << sim.seed << ". Reproduce with <code>credroi report " << escape(options.source.empty() ? "SCENARIO.toml" : options.source)
       << " --trials " << sim.trials << " --seed " << sim.seed << (sim.sampler != Sampler::latin_hypercube ? std::string(" --sampler ") + std::string(to_string(sim.sampler)) : "")
       << "</code>.</p>\n"
       << "<nav class=\"toc\"><a href=\"#summary\">Summary</a><a href=\"#outlook\">Outlook</a><a href=\"#budget\">Budget</a>"
          "<a href=\"#authority\">Authority</a><a href=\"#need\">Need</a><a href=\"#timeline\">Timeline</a>"
          "<a href=\"#sensitivity\">Sensitivity</a><a href=\"#metrics-section\">Metrics</a><a href=\"#inputs\">Inputs</a></nav></header>\n";
    os << summary_section(model, a);
    os << "<section id=\"outlook\"><h2>Outlook: when it pays back and how sure we are</h2>\n"
       << figure("fan", fan_chart(a.base, sim, s.currency),
                 "Cumulative net cash flow (benefits minus costs, undiscounted) month by month. The programme has paid back where "
                 "a band crosses the break-even line; the wider the bands, the less certain the timing.")
       << figure("npv", npv_histogram(sim, s.currency),
                 "Each bar is the share of simulated trials with an NPV in that range; red bars lose money.")
       << "</section>\n";
    os << budget_section(model, a) << authority_section(s) << need_section(model, a.base) << timeline_section(model, a)
       << sensitivity_section(s, a, s.currency);
    os << "<section id=\"metrics-section\"><h2>Metrics and their distributions</h2>\n"
       << "<p>Base case and percentiles over " << escape(grouped(static_cast<double>(sim.trials)))
       << " trials. \"Exists in\": the share of trials in which the metric exists (an IRR needs flows that change sign, a payback must happen within the horizon).</p>\n"
       << metrics_table(sim, s.currency) << "</section>\n";
    os << "<section id=\"inputs\"><h2>Inputs and their distributions as entered</h2>\n" << inputs_table(model);
    if (!sim.correlation_warning.empty()) os << "<p class=\"bad\">" << escape(sim.correlation_warning) << "</p>\n";
    os << "</section>\n";
    os << "<footer>NPV discounts monthly cash flows at the scenario's annual rate; ROI = (PV benefits \xE2\x88\x92 PV costs) / PV costs; "
          "payback is interpolated within the month. Formulas: docs/model.md. The tornado treats inputs as independent; the "
          "simulation keeps the scenario's rank correlations. Generated by credroi "
       << escape(version()) << ".</footer>\n";
    const std::string attributes = " data-credroi-version=\"" + escape(version()) + "\" data-seed=\"" + std::to_string(sim.seed) +
                                   "\" data-trials=\"" + std::to_string(sim.trials) + "\" data-run-date=\"" + escape(date) + "\"";
    return page(s.name + " \xE2\x80\x94 business case", os.str(), attributes);
}

std::string detail::report_page(const std::string& title, const std::string& body, const std::string& body_attributes) {
    return page(title, body, body_attributes);
}

std::string report_html(const Model& model, const ReportOptions& options) {
    return render_report(model, analyse_for_report(model, options), options);
}

}  // namespace credroi
