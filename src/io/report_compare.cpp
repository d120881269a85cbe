// Output formats of a scenario comparison: table, JSON, CSV and an HTML
// report. Layout only; every number comes from compare() (comparison.hpp).
#include <credroi/output.hpp>
#include <credroi/report.hpp>
#include <credroi/sensitivity_report.hpp>
#include <credroi/detail/svg.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

namespace credroi {

namespace {

namespace svg = detail::svg;
using svg::escape;
using svg::grouped;
using svg::money;
using svg::percent;

/// The rows of the side-by-side table: label, and how to get and show the value.
struct Row {
    std::string key, label;
    double (*value)(const ComparisonResult&, std::size_t);
    int style;  // 0 money, 1 percent, 2 months, 3 ratio
};

double metric_of(const ComparisonResult& r, std::size_t k, const char* name, double MetricSummary::*field) {
    return r.simulations[k].metric(name).*field;
}
double opt(const std::optional<double>& v) { return v.value_or(std::numeric_limits<double>::quiet_NaN()); }

const std::vector<Row>& rows() {
    static const std::vector<Row> r = {
        {"base:npv", "NPV, base case", [](const ComparisonResult& c, std::size_t k) { return c.base[k].npv; }, 0},
        {"npv:mean", "NPV, mean", [](const ComparisonResult& c, std::size_t k) { return metric_of(c, k, "npv", &MetricSummary::mean); }, 0},
        {"npv:p10", "NPV, P10", [](const ComparisonResult& c, std::size_t k) { return metric_of(c, k, "npv", &MetricSummary::p10); }, 0},
        {"npv:p50", "NPV, P50", [](const ComparisonResult& c, std::size_t k) { return metric_of(c, k, "npv", &MetricSummary::p50); }, 0},
        {"npv:p90", "NPV, P90", [](const ComparisonResult& c, std::size_t k) { return metric_of(c, k, "npv", &MetricSummary::p90); }, 0},
        {"probability_npv_positive", "P(NPV > 0)", [](const ComparisonResult& c, std::size_t k) { return c.simulations[k].probability_npv_positive; }, 1},
        {"base:roi", "ROI, base case", [](const ComparisonResult& c, std::size_t k) { return opt(c.base[k].roi); }, 1},
        {"roi:mean", "ROI, mean", [](const ComparisonResult& c, std::size_t k) { return metric_of(c, k, "roi", &MetricSummary::mean); }, 1},
        {"base:irr", "IRR, base case", [](const ComparisonResult& c, std::size_t k) { return opt(c.base[k].irr); }, 1},
        {"base:bcr", "benefit-cost ratio, base case", [](const ComparisonResult& c, std::size_t k) { return opt(c.base[k].bcr); }, 3},
        {"base:payback_months", "payback, base case", [](const ComparisonResult& c, std::size_t k) { return opt(c.base[k].payback_months); }, 2},
        {"payback_months:p50", "payback, P50", [](const ComparisonResult& c, std::size_t k) { return metric_of(c, k, "payback_months", &MetricSummary::p50); }, 2},
        {"probability_payback_within_horizon", "P(payback within horizon)",
         [](const ComparisonResult& c, std::size_t k) { return c.simulations[k].probability_payback_within_horizon; }, 1},
        {"base:pv_costs", "PV costs, base case", [](const ComparisonResult& c, std::size_t k) { return c.base[k].pv_costs; }, 0},
        {"base:pv_benefits", "PV benefits, base case", [](const ComparisonResult& c, std::size_t k) { return c.base[k].pv_benefits; }, 0},
        {"base:total_shortfall", "budget shortfall, base case", [](const ComparisonResult& c, std::size_t k) { return c.base[k].total_shortfall; }, 0},
        {"base:cost_per_credential", "cost per credential, base case",
         [](const ComparisonResult& c, std::size_t k) { return opt(c.base[k].cost_per_credential); }, 0},
    };
    return r;
}

std::string show(const Row& row, double v, bool html) {
    if (!std::isfinite(v)) return "-";
    std::string s;
    switch (row.style) {
        case 1: s = percent(v, 1); break;
        case 2: s = grouped(v, 1) + " months"; break;
        case 3: s = grouped(v, 2); break;
        default: s = row.key == "base:cost_per_credential" ? grouped(v, 2) : grouped(v, 0);
    }
    if (html) return s;
    // Plain text: ASCII minus and spaces, so columns align in any terminal.
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s.compare(i, 3, svg::minus) == 0) out += '-', i += 2;
        else if (s.compare(i, 2, svg::nbsp) == 0) out += ' ', i += 1;
        else out += s[i];
    }
    return out;
}

std::string pad(const std::string& s, std::size_t w, bool left) {
    // Width in characters, not bytes, so names with accents align.
    std::size_t chars = 0;
    for (char c : s) chars += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    if (chars >= w) return s;
    return left ? s + std::string(w - chars, ' ') : std::string(w - chars, ' ') + s;
}

std::string plain_money(double v, const std::string& currency) {
    return show({"", "", nullptr, 0}, v, false) + " " + currency;
}

std::string sampler_name(const ComparisonResult& r) { return std::string(to_string(r.simulations.front().sampler)); }

}  // namespace

std::string comparison_table(const ComparisonResult& r) {
    std::ostringstream os;
    const SimulationResult& s0 = r.simulations.front();
    os << "Comparison of " << r.names.size() << " scenarios: " << s0.trials << " trials each, " << sampler_name(r) << " sampler, seed "
       << s0.seed << (r.common_random_numbers ? ", common random numbers" : ", Sobol' points (no common random numbers)")
       << "; amounts in " << r.currency << "\n\n";
    std::vector<std::string> names;
    for (const std::string& n : r.names) names.push_back(svg::shorten(n, 30));
    std::size_t width = 14;
    for (const std::string& n : names) width = std::max(width, std::min<std::size_t>(n.size(), 30) + 2);
    os << pad("metric", 32, true);
    for (const std::string& n : names) os << pad(n, width, false);
    os << "\n";
    for (const Row& row : rows()) {
        os << pad(row.label, 32, true);
        for (std::size_t k = 0; k < r.names.size(); ++k) os << pad(show(row, row.value(r, k), false), width, false);
        os << "\n";
    }
    for (const PairedDifference& d : r.differences) {
        const std::string& a = r.names.front();
        const std::string& b = r.names[d.scenario];
        os << "\n" << b << " minus " << a << " (NPV, trial by trial):\n";
        auto line = [&](const std::string& label, const std::string& value) { os << "  " << pad(label, 48, true) << value << "\n"; };
        line("mean difference", plain_money(d.mean_difference, r.currency));
        line("base-case difference", plain_money(d.base_difference, r.currency));
        line("standard error, common random numbers", plain_money(d.standard_error, r.currency));
        std::ostringstream vr;
        if (std::isfinite(d.variance_reduction)) vr << " (" << show({"", "", nullptr, 3}, std::sqrt(d.variance_reduction), false) << " times larger)";
        line("standard error, had the runs been independent", plain_money(d.independent_standard_error, r.currency) + vr.str());
        line("P(" + svg::shorten(b, 24) + " better)", show({"", "", nullptr, 1}, d.probability_better, false));
        line("uncertain inputs shared", std::to_string(d.shared_inputs.size()) + " of " + std::to_string(r.simulations[d.scenario].input_paths.size()));
    }
    return os.str();
}

std::string comparison_json(const ComparisonResult& r) {
    using nlohmann::json;
    auto value = [](double v) { return std::isfinite(v) ? json(v) : json(nullptr); };
    const SimulationResult& s0 = r.simulations.front();
    json j;
    j["credroi_version"] = version();
    j["trials"] = s0.trials;
    j["seed"] = s0.seed;
    j["sampler"] = sampler_name(r);
    j["common_random_numbers"] = r.common_random_numbers;
    j["currency"] = r.currency;
    json scenarios = json::array();
    for (std::size_t k = 0; k < r.names.size(); ++k) {
        const Metrics& m = r.base[k];
        const SimulationResult& s = r.simulations[k];
        json base = {{"npv", m.npv},
                     {"pv_costs", m.pv_costs},
                     {"pv_benefits", m.pv_benefits},
                     {"roi", value(opt(m.roi))},
                     {"bcr", value(opt(m.bcr))},
                     {"irr", value(opt(m.irr))},
                     {"payback_months", value(opt(m.payback_months))},
                     {"total_costs", m.total_costs},
                     {"total_benefits", m.total_benefits},
                     {"total_shortfall", m.total_shortfall},
                     {"cost_per_credential", value(opt(m.cost_per_credential))}};
        json metrics = json::object();
        for (const MetricSummary& ms : s.metrics)
            metrics[ms.name] = {{"count", ms.count}, {"mean", value(ms.mean)}, {"sd", value(ms.standard_deviation)},
                                {"p5", value(ms.p5)}, {"p10", value(ms.p10)}, {"p50", value(ms.p50)},
                                {"p90", value(ms.p90)}, {"p95", value(ms.p95)}, {"base", value(ms.base)}};
        json shortfall = json::object();
        for (std::size_t f = 0; f < s.probability_shortfall.size(); ++f) shortfall[s.fiscal_year_labels[f]] = s.probability_shortfall[f];
        scenarios.push_back({{"name", r.names[k]},
                             {"base", base},
                             {"simulation",
                              {{"metrics", metrics},
                               {"probability_npv_positive", s.probability_npv_positive},
                               {"probability_payback_within_horizon", s.probability_payback_within_horizon},
                               {"probability_shortfall", shortfall},
                               {"uncertain_inputs", s.input_paths}}}});
    }
    j["scenarios"] = scenarios;
    json diffs = json::array();
    for (const PairedDifference& d : r.differences)
        diffs.push_back({{"scenario", r.names[d.scenario]},
                         {"against", r.names.front()},
                         {"metric", d.metric},
                         {"trials", d.trials},
                         {"base_difference", value(d.base_difference)},
                         {"mean_difference", value(d.mean_difference)},
                         {"sd", value(d.standard_deviation)},
                         {"standard_error", value(d.standard_error)},
                         {"independent_standard_error", value(d.independent_standard_error)},
                         {"variance_reduction", value(d.variance_reduction)},
                         {"correlation", value(d.correlation)},
                         {"probability_better", value(d.probability_better)},
                         {"probability_worse", value(d.probability_worse)},
                         {"shared_inputs", d.shared_inputs}});
    j["differences"] = diffs;
    return j.dump(2) + "\n";
}

std::string comparison_csv(const ComparisonResult& r) {
    std::ostringstream os;
    auto v = [](double x) { return std::isfinite(x) ? detail::json_number(x) : std::string(); };
    os << "scenario,metric,base,mean,sd,p5,p10,p50,p90,p95,count,standard_error,independent_standard_error,probability_better\n";
    for (std::size_t k = 0; k < r.names.size(); ++k)
        for (const MetricSummary& m : r.simulations[k].metrics)
            os << detail::csv_field(r.names[k]) << ',' << detail::csv_field(m.name) << ',' << v(m.base) << ',' << v(m.mean) << ','
               << v(m.standard_deviation) << ',' << v(m.p5) << ',' << v(m.p10) << ',' << v(m.p50) << ',' << v(m.p90) << ','
               << v(m.p95) << ',' << m.count << ",,,\n";
    for (const PairedDifference& d : r.differences)
        os << detail::csv_field(r.names[d.scenario] + " minus " + r.names.front()) << ',' << detail::csv_field(d.metric + " difference")
           << ',' << v(d.base_difference) << ',' << v(d.mean_difference) << ',' << v(d.standard_deviation) << ",,,,,,"
           << d.trials << ',' << v(d.standard_error) << ',' << v(d.independent_standard_error) << ',' << v(d.probability_better) << "\n";
    return os.str();
}

namespace {

const char* palette[] = {svg::colour::blue, svg::colour::vermillion, svg::colour::bluish_green, svg::colour::orange,
                         svg::colour::reddish_purple, svg::colour::sky_blue, svg::colour::black, svg::colour::yellow};

std::string num(const std::string& key, double value, const std::string& shown) {
    return "<span class=\"num\" data-key=\"" + escape(key) + "\" data-value=\"" + detail::json_number(value) + "\">" +
           escape(shown) + "</span>";
}

std::string range_chart(const ComparisonResult& r) {
    double lo = 0, hi = 0;
    for (const SimulationResult& s : r.simulations) {
        const MetricSummary& m = s.metric("npv");
        lo = std::min({lo, m.p5, m.base});
        hi = std::max({hi, m.p95, m.base});
    }
    const svg::Ticks xt = svg::nice_ticks(lo, hi, 7);
    svg::Plot::Frame f;
    f.left = 260;
    f.height = 120 + 48.0 * static_cast<double>(r.names.size());
    const auto n = static_cast<double>(r.names.size());
    svg::Plot plot("chart-compare-npv", "NPV of each scenario: range of outcomes", "Net present value (" + r.currency + ")", "",
                   xt.lo, xt.hi, n - 0.5 + 0.0001, -0.5, f);
    plot.x_ticks(xt.values, svg::tick_labels(xt), true);
    plot.vline(0, svg::colour::black, "6 4", "break-even");
    for (std::size_t k = 0; k < r.names.size(); ++k) {
        const MetricSummary& m = r.simulations[k].metric("npv");
        const double y = static_cast<double>(k);
        const char* c = palette[k % 8];
        plot.y_category(y, svg::shorten(r.names[k], 34), r.names[k]);
        plot.rect(m.p5, y - 0.03, m.p95, y + 0.03, c, r.names[k] + ": P5 " + money(m.p5, r.currency) + " to P95 " + money(m.p95, r.currency));
        plot.rect(m.p10, y - 0.22, m.p90, y + 0.22, c, r.names[k] + ": P10 " + money(m.p10, r.currency) + " to P90 " + money(m.p90, r.currency),
                  " fill-opacity=\"0.55\"");
        plot.rect(m.p50, y - 0.3, m.p50, y + 0.3, svg::colour::black, r.names[k] + ": median " + money(m.p50, r.currency),
                  " stroke=\"#000\" stroke-width=\"2\"");
        plot.marker(m.mean, y, svg::colour::black, r.names[k] + ": mean " + money(m.mean, r.currency), 5, "diamond");
    }
    plot.legend({{svg::colour::grey, "box: P10\xE2\x80\x93P90, whiskers: P5\xE2\x80\x93P95", "box"},
                 {svg::colour::black, "mean (diamond); bar: median", "dot"}});
    return plot.str("NPV percentiles of each scenario.");
}

std::string difference_histogram(const ComparisonResult& r, const PairedDifference& d) {
    const SimulationResult& a = r.simulations.front();
    const SimulationResult& b = r.simulations[d.scenario];
    std::vector<double> v;
    for (Eigen::Index t = 0; t < a.trial_metrics.rows() && t < b.trial_metrics.rows(); ++t) {
        const double x = b.trial_metrics(t, 0) - a.trial_metrics(t, 0);
        if (std::isfinite(x)) v.push_back(x);
    }
    const double lo = v.empty() ? 0 : *std::min_element(v.begin(), v.end()), hi = v.empty() ? 1 : *std::max_element(v.begin(), v.end());
    const svg::Ticks bins = svg::nice_ticks(std::min(lo, 0.0), std::max(hi, 0.0), 28);
    const std::size_t nb = bins.values.size() > 1 ? bins.values.size() - 1 : 1;
    std::vector<double> share(nb, 0);
    for (double x : v) share[std::min(static_cast<std::size_t>(std::max(0.0, std::floor((x - bins.lo) / bins.step))), nb - 1)] += 1;
    double top = 0;
    for (double& c : share) top = std::max(top, c /= std::max<double>(1, static_cast<double>(v.size())));
    const svg::Ticks yt = svg::nice_ticks(0, top, 5);
    const svg::Ticks xt = svg::nice_ticks(bins.lo, bins.hi, 7);
    const std::string id = "chart-difference-" + std::to_string(d.scenario);
    svg::Plot plot(id, "NPV difference, trial by trial: " + svg::shorten(r.names[d.scenario], 30) + " minus " + svg::shorten(r.names.front(), 30),
                   "NPV difference (" + r.currency + ")", "Share of trials (%)", std::min(bins.lo, xt.lo), std::max(bins.hi, xt.hi), 0, yt.hi, {});
    std::vector<std::string> ylabels;
    for (double y : yt.values) ylabels.push_back(grouped(y * 100, yt.step * 100 < 1 ? 1 : 0));
    plot.y_ticks(yt.values, ylabels);
    plot.x_ticks(xt.values, svg::tick_labels(xt));
    for (std::size_t k = 0; k < nb; ++k) {
        if (share[k] <= 0) continue;
        const double x0 = bins.lo + static_cast<double>(k) * bins.step, x1 = x0 + bins.step;
        plot.rect(x0, 0, x1, share[k], x1 <= 0 ? svg::colour::vermillion : svg::colour::blue,
                  money(x0, r.currency) + " to " + money(x1, r.currency) + ": " + percent(share[k]), " stroke=\"#fff\" stroke-width=\"0.5\"");
    }
    plot.vline(0, svg::colour::black, "6 4", "no difference");
    plot.vline(d.mean_difference, svg::colour::bluish_green, "", "mean " + money(d.mean_difference, r.currency), d.mean_difference < 0 ? "end" : "start");
    plot.legend({{svg::colour::blue, "trials where it is better", "box"}, {svg::colour::vermillion, "trials where it is worse", "box"},
                 {svg::colour::bluish_green, "mean difference", "line"}});
    return plot.str("Histogram of the per-trial NPV difference under common random numbers.");
}

std::string cumulative_chart(const ComparisonResult& r) {
    // Each scenario's median line over its P10-P90 band: whether one plan is
    // ahead in most trials or only in the middle of a wide spread shows at a glance.
    double lo = 0, hi = 0;
    Eigen::Index H = 0;
    for (const SimulationResult& s : r.simulations) {
        H = std::max(H, s.cumulative_net_bands.cols());
        for (const double p : {0.10, 0.50, 0.90})
            for (double v : s.cumulative_net_band(p))
                if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
    }
    const svg::Ticks yt = svg::nice_ticks(lo, hi, 7);
    svg::Plot plot("chart-compare-cumulative", "Cumulative net cash flow of each scenario: median and P10\xE2\x80\x93P90",
                   "Months from each scenario's start", "Cumulative net cash flow (" + r.currency + ")", 0,
                   static_cast<double>(std::max<Eigen::Index>(H - 1, 1)), yt.lo, yt.hi, {});
    plot.y_ticks(yt.values, svg::tick_labels(yt));
    const svg::Ticks xt = svg::nice_ticks(0, static_cast<double>(H - 1), 8);
    std::vector<double> xs;
    std::vector<std::string> xl;
    for (double x : xt.values)
        if (x <= static_cast<double>(H - 1)) xs.push_back(x), xl.push_back(grouped(x));
    plot.x_ticks(xs, xl, true);
    auto months = [](const SimulationResult& s) {
        std::vector<double> x;
        for (Eigen::Index i = 0; i < s.cumulative_net_bands.cols(); ++i) x.push_back(static_cast<double>(i));
        return x;
    };
    // Every band first, then every line on top of them.
    for (std::size_t k = 0; k < r.simulations.size(); ++k) {
        const SimulationResult& s = r.simulations[k];
        plot.band(months(s), s.cumulative_net_band(0.10), s.cumulative_net_band(0.90), palette[k % 8], 0.15);
    }
    plot.hline(0, svg::colour::black, "6 4", "break-even");
    std::vector<svg::LegendItem> legend;
    for (std::size_t k = 0; k < r.simulations.size(); ++k) {
        plot.polyline(months(r.simulations[k]), r.simulations[k].cumulative_net_band(0.50), palette[k % 8], 2.5, k % 2 ? "8 4" : "");
        legend.push_back({palette[k % 8], r.names[k], k % 2 ? "dash" : "line"});
    }
    legend.push_back({"#B8B8B8", "P10\xE2\x80\x93P90 of each (shaded in its colour)", "box"});
    plot.legend(legend);
    return plot.str("Median (P50) cumulative net cash flow per month of each scenario, over the band from its P10 to its P90.");
}

}  // namespace

std::string comparison_report_html(const ComparisonResult& r, const ReportOptions& options) {
    const SimulationResult& s0 = r.simulations.front();
    const std::string date = options.run_date.empty() ? detail::today_iso() : options.run_date;
    std::ostringstream body;
    std::string title = "Comparison: ";
    for (std::size_t k = 0; k < r.names.size(); ++k) title += (k ? " vs " : "") + r.names[k];
    body << "<header class=\"top\"><h1 id=\"scenario-name\">" << escape(title) << "</h1>\n"
         << "<p class=\"meta\" id=\"run-facts\">Amounts in " << escape(r.currency) << ". Run on " << escape(date) << " with credroi "
         << escape(version()) << ": " << escape(grouped(static_cast<double>(s0.trials))) << " trials per scenario ("
         << escape(to_string(s0.sampler)) << "), seed " << s0.seed << ", "
         << (r.common_random_numbers ? "common random numbers (each shared input draws the same values in the same trial)"
                                     : "Sobol' points (no common random numbers)")
         << (options.source.empty() ? std::string() : ". Reproduce with <code>" + escape(options.source) + "</code>") << ".</p></header>\n";
    body << "<section id=\"summary\"><h2>Summary</h2>\n";
    for (const PairedDifference& d : r.differences) {
        const std::string& a = r.names.front();
        const std::string& b = r.names[d.scenario];
        body << "<p class=\"lead\"><strong>" << escape(b) << "</strong> against <strong>" << escape(a) << "</strong>: NPV "
             << (d.mean_difference >= 0 ? "higher" : "lower") << " by "
             << num("difference:" + std::to_string(d.scenario) + ":mean", d.mean_difference, money(std::fabs(d.mean_difference), r.currency))
             << " on average (standard error " << num("difference:" + std::to_string(d.scenario) + ":standard_error", d.standard_error, money(d.standard_error, r.currency))
             << "), better in " << num("difference:" + std::to_string(d.scenario) + ":probability_better", d.probability_better, svg::chance(d.probability_better))
             << " of the trials. Independent runs would have measured the difference with a standard error of "
             << num("difference:" + std::to_string(d.scenario) + ":independent_standard_error", d.independent_standard_error,
                    money(d.independent_standard_error, r.currency))
             << ".</p>\n";
    }
    body << "</section>\n<section id=\"side-by-side\"><h2>Side by side</h2>\n<div class=\"scroll\"><table id=\"comparison\"><thead><tr><th>metric</th>";
    for (const std::string& n : r.names) body << "<th class=\"n\">" << escape(n) << "</th>";
    body << "</tr></thead><tbody>\n";
    for (const Row& row : rows()) {
        body << "<tr><td>" << escape(row.label) << "</td>";
        for (std::size_t k = 0; k < r.names.size(); ++k) {
            const double v = row.value(r, k);
            body << "<td class=\"n\">" << num("scenario:" + std::to_string(k) + ":" + row.key, v, show(row, v, true)) << "</td>";
        }
        body << "</tr>\n";
    }
    body << "</tbody></table></div>\n";
    body << "<figure class=\"chart\" id=\"fig-compare-npv\" data-chart=\"compare-npv\">" << range_chart(r)
         << "<figcaption>Boxes span P10 to P90, whiskers P5 to P95.</figcaption></figure>\n";
    body << "<figure class=\"chart\" id=\"fig-compare-cumulative\" data-chart=\"compare-cumulative\">" << cumulative_chart(r)
         << "<figcaption>Where a line crosses the break-even line, the scenario has paid back in the median trial.</figcaption></figure>\n";
    body << "</section>\n<section id=\"differences\"><h2>Differences, trial by trial</h2>\n"
         << "<p>Every scenario is simulated with the same seed; inputs the scenarios share (same key path) draw the same values "
            "in the same trial, so the difference reflects what differs between the scenarios, not the luck of the draw.</p>\n"
         << "<table id=\"difference-table\"><thead><tr><th>scenario minus " << escape(r.names.front())
         << "</th><th class=\"n\">mean difference</th><th class=\"n\">standard error</th><th class=\"n\">standard error if independent</th>"
            "<th class=\"n\">P(better)</th><th class=\"n\">shared inputs</th></tr></thead><tbody>\n";
    for (const PairedDifference& d : r.differences)
        body << "<tr><td>" << escape(r.names[d.scenario]) << "</td><td class=\"n\">" << escape(money(d.mean_difference, r.currency))
             << "</td><td class=\"n\">" << escape(money(d.standard_error, r.currency)) << "</td><td class=\"n\">"
             << escape(money(d.independent_standard_error, r.currency)) << "</td><td class=\"n\">" << escape(percent(d.probability_better, 1))
             << "</td><td class=\"n\">" << d.shared_inputs.size() << " of " << r.simulations[d.scenario].input_paths.size() << "</td></tr>\n";
    body << "</tbody></table>\n";
    for (const PairedDifference& d : r.differences)
        body << "<figure class=\"chart\" id=\"fig-difference-" << d.scenario << "\" data-chart=\"difference-" << d.scenario << "\">"
             << difference_histogram(r, d) << "<figcaption>Per-trial NPV difference; right of zero the scenario is better.</figcaption></figure>\n";
    body << "</section>\n<footer>Generated by credroi " << escape(version()) << ". docs/report.md explains common random numbers.</footer>\n";
    // The page frame (style sheet, browser check) is the single report's.
    return detail::report_page(title, body.str(),
                               " data-credroi-version=\"" + escape(version()) + "\" data-seed=\"" + std::to_string(s0.seed) +
                                   "\" data-trials=\"" + std::to_string(s0.trials) + "\" data-run-date=\"" + escape(date) + "\"");
}

}  // namespace credroi
