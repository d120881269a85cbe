// Output formats: JSON (docs/output-format.md), the people's table, CSV, and
// the atomic write. Only formatting lives here; every number comes from the
// engine's Evaluation.
#include <credroi/output.hpp>
#include <credroi/version.hpp>

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <algorithm>
#include <cstring>
#include <fstream>
#include <functional>
#include <iomanip>
#include <random>
#include <sstream>
#include <streambuf>

#include <unistd.h>

namespace credroi {

const char* version() { return CREDROI_VERSION_STRING; }

namespace {

using nlohmann::json;

json optional_number(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

const char* irr_status_name(IrrStatus s) {
    switch (s) {
        case IrrStatus::ok: return "ok";
        case IrrStatus::no_sign_change: return "no_sign_change";
        case IrrStatus::no_root_found: return "no_root_found";
        case IrrStatus::multiple_roots: return "multiple_roots";
    }
    return "unknown";
}

/// 1234567.8 -> "1,234,568"; decimals as asked.
std::string money(double v, int decimals = 0) {
    std::ostringstream os;
    os << std::fixed << std::setprecision(decimals) << std::fabs(v);
    std::string digits = os.str();
    const auto dot = digits.find('.');
    std::string whole = digits.substr(0, dot), frac = dot == std::string::npos ? "" : digits.substr(dot);
    std::string grouped;
    for (std::size_t i = 0; i < whole.size(); ++i) {
        if (i && (whole.size() - i) % 3 == 0) grouped += ',';
        grouped += whole[i];
    }
    const bool negative = v < 0 && (grouped != "0" || frac.find_first_not_of(".0") != std::string::npos);
    return (negative ? "-" : "") + grouped + frac;
}

std::string percent(double v, int decimals = 1) {
    std::ostringstream os;
    os << std::fixed << std::setprecision(decimals) << v * 100.0 << " %";
    return os.str();
}

std::string fixed(double v, int decimals) {
    std::ostringstream os;
    os << std::fixed << std::setprecision(decimals) << v;
    return os.str();
}

std::string csv_field(const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string out = "\"";
    for (char ch : s) out += ch == '"' ? std::string("\"\"") : std::string(1, ch);
    return out + "\"";
}

std::string pad_right(const std::string& s, std::size_t w) { return s.size() >= w ? s : s + std::string(w - s.size(), ' '); }
std::string pad_left(const std::string& s, std::size_t w) { return s.size() >= w ? s : std::string(w - s.size(), ' ') + s; }

}  // namespace

json optional_value(double v) { return std::isnan(v) ? json(nullptr) : json(v); }

json simulation_json(const SimulationResult& r) {
    json j;
    j["trials"] = r.trials;
    j["seed"] = r.seed;
    j["sampler"] = std::string(to_string(r.sampler));
    j["threads"] = r.threads;
    j["batch_size"] = r.batch_size;
    j["exact_percentiles"] = r.exact_percentiles;
    j["uncertain_inputs"] = r.input_paths;
    json metrics = json::object();
    for (const MetricSummary& m : r.metrics)
        metrics[m.name] = {{"count", m.count},       {"mean", optional_value(m.mean)},
                           {"sd", optional_value(m.standard_deviation)},
                           {"min", optional_value(m.min)}, {"p5", optional_value(m.p5)},
                           {"p10", optional_value(m.p10)}, {"p50", optional_value(m.p50)},
                           {"p90", optional_value(m.p90)}, {"p95", optional_value(m.p95)},
                           {"max", optional_value(m.max)}, {"base", optional_value(m.base)}};
    j["metrics"] = metrics;
    j["probability_npv_positive"] = r.probability_npv_positive;
    j["probability_payback_within_horizon"] = r.probability_payback_within_horizon;
    j["probability_irr_exists"] = r.probability_irr_exists;
    j["npv_mean_standard_error"] = r.npv_mean_standard_error;
    json shortfall = json::object();
    for (std::size_t f = 0; f < r.probability_shortfall.size(); ++f) shortfall[r.fiscal_year_labels[f]] = r.probability_shortfall[f];
    j["probability_shortfall"] = shortfall;
    json bands;
    json labels = json::array();
    for (const YearMonth& m : r.months) labels.push_back(m.to_string());
    bands["month"] = labels;
    json by = json::object();
    for (std::size_t k = 0; k < r.band_probabilities.size(); ++k) {
        std::vector<double> row(static_cast<std::size_t>(r.cumulative_net_bands.cols()));
        for (Eigen::Index i = 0; i < r.cumulative_net_bands.cols(); ++i)
            row[static_cast<std::size_t>(i)] = r.cumulative_net_bands(static_cast<Eigen::Index>(k), i);
        by["p" + std::to_string(static_cast<int>(std::lround(r.band_probabilities[k] * 100)))] = row;
    }
    bands["percentiles"] = by;
    j["cumulative_net_bands"] = bands;
    j["correlation_repair"] = {{"max_abs_change", r.correlation_max_change},
                               {"warning", r.correlation_warning}};
    return j;
}

std::string to_json(const Evaluation& e, const Scenario& s, const SimulationResult* simulation, int indent) {
    const Metrics& m = e.metrics;
    json j;
    j["credroi_version"] = version();
    j["scenario"] = {{"name", e.scenario_name},
                     {"currency", e.currency},
                     {"start", s.start.to_string()},
                     {"horizon_months", s.horizon_months},
                     {"fiscal_year_start_month", s.fiscal_calendar.start_month()},
                     {"cash_flow_timing", s.cash_flows_at_month_start ? "start" : "end"}};
    j["discount_rate"] = e.discount_rate;
    json irr_all = json::array();
    for (double r : m.irr_all) irr_all.push_back(r);
    j["metrics"] = {{"npv", m.npv},
                    {"pv_costs", m.pv_costs},
                    {"pv_benefits", m.pv_benefits},
                    {"roi", optional_number(m.roi)},
                    {"bcr", optional_number(m.bcr)},
                    {"irr", optional_number(m.irr)},
                    {"irr_status", irr_status_name(m.irr_status)},
                    {"irr_all", irr_all},
                    {"mirr", optional_number(m.mirr)},
                    {"payback_months", optional_number(m.payback_months)},
                    {"discounted_payback_months", optional_number(m.discounted_payback_months)},
                    {"break_even_month", m.break_even_month ? json(m.break_even_month->to_string()) : json(nullptr)},
                    {"total_costs", m.total_costs},
                    {"total_benefits", m.total_benefits},
                    {"total_net", m.total_net},
                    {"total_credentials", m.total_credentials},
                    {"peak_earners", m.peak_earners},
                    {"cost_per_credential", optional_number(m.cost_per_credential)},
                    {"cost_per_earner", optional_number(m.cost_per_earner)},
                    {"total_shortfall", m.total_shortfall}};
    json monthly;
    json labels = json::array();
    for (const YearMonth& ym : e.months) labels.push_back(ym.to_string());
    monthly["month"] = labels;
    monthly["costs"] = e.costs;
    monthly["benefits"] = e.benefits;
    monthly["net"] = e.net;
    monthly["cumulative_net"] = e.cumulative_net;
    monthly["discount_factor"] = e.discount_factors;
    monthly["population"] = e.population;
    monthly["adoption"] = e.adoption;
    monthly["earners"] = e.earners;
    monthly["credentials"] = e.credentials;
    json cost_lines = json::object(), benefit_lines = json::object();
    for (const MonthlyLine& l : e.cost_lines) cost_lines[l.name] = l.monthly;
    for (const MonthlyLine& l : e.benefit_lines) benefit_lines[l.name] = l.monthly;
    monthly["cost_lines"] = cost_lines;
    monthly["benefit_lines"] = benefit_lines;
    j["monthly"] = monthly;
    json years = json::array();
    for (const FiscalYearResult& f : e.fiscal_years) {
        json costs_by_line = json::object(), benefits_by_line = json::object();
        for (std::size_t k = 0; k < f.costs_by_line.size(); ++k) costs_by_line[e.cost_lines[k].name] = f.costs_by_line[k];
        for (std::size_t k = 0; k < f.benefits_by_line.size(); ++k) benefits_by_line[e.benefit_lines[k].name] = f.benefits_by_line[k];
        years.push_back({{"label", f.label},
                         {"fiscal_year", f.fiscal_year},
                         {"first_month", e.months[static_cast<std::size_t>(f.first_month_index)].to_string()},
                         {"months", f.month_count},
                         {"costs", f.costs},
                         {"benefits", f.benefits},
                         {"net", f.net},
                         {"cumulative_net", f.cumulative_net},
                         {"budget", optional_number(f.budget)},
                         {"shortfall", optional_number(f.shortfall)},
                         {"costs_by_line", costs_by_line},
                         {"benefits_by_line", benefits_by_line}});
    }
    j["fiscal_years"] = years;
    if (simulation) j["simulation"] = simulation_json(*simulation);
    return j.dump(indent) + "\n";
}

std::string to_table(const Evaluation& e, const Scenario& s, const SimulationResult* sim) {
    const Metrics& m = e.metrics;
    std::ostringstream os;
    const std::string& cur = e.currency;
    os << e.scenario_name << " - base case\n";
    os << "Horizon " << s.horizon_months << " months from " << s.start.to_string() << ", amounts in " << cur
       << ", discount rate " << percent(e.discount_rate) << " a year, cash flows at the "
       << (s.cash_flows_at_month_start ? "start" : "end") << " of each month\n\n";

    std::size_t label_width = 30;
    auto row = [&](const std::string& label, const std::string& value) {
        os << "  " << pad_right(label, label_width) << value << "\n";
    };
    os << "Metrics\n";
    row("NPV", money(m.npv) + " " + cur);
    if (m.irr) {
        std::string irr = percent(*m.irr) + " a year";
        if (m.irr_status == IrrStatus::multiple_roots) irr += " (flows change sign several times; other IRRs exist)";
        row("IRR", irr);
    } else {
        row("IRR", m.irr_status == IrrStatus::no_sign_change ? "none (the net flows never change sign)"
                                                             : "none found");
    }
    row("MIRR", m.mirr ? percent(*m.mirr) + " a year" : "none (needs both negative and positive flows)");
    row("ROI", m.roi ? percent(*m.roi) : "undefined (no costs)");
    row("Benefit-cost ratio", m.bcr ? fixed(*m.bcr, 2) : "undefined (no costs)");
    row("Payback", m.payback_months ? fixed(*m.payback_months, 1) + " months" +
                                          (m.break_even_month ? " (break-even in " + m.break_even_month->to_string() + ")" : "")
                                    : "not within the horizon");
    row("Discounted payback", m.discounted_payback_months ? fixed(*m.discounted_payback_months, 1) + " months"
                                                          : "not within the horizon");
    row("PV costs / PV benefits", money(m.pv_costs) + " / " + money(m.pv_benefits) + " " + cur);
    row("Cost per credential", m.cost_per_credential ? money(*m.cost_per_credential, 2) + " " + cur : "no credentials issued");
    row("Cost per earner", m.cost_per_earner ? money(*m.cost_per_earner, 2) + " " + cur + " (per peak active earner)"
                                             : "no earners");
    row("Credentials issued", money(m.total_credentials));
    row("Peak active earners", money(m.peak_earners));
    if (s.budget) row("Budget shortfall (all years)", money(m.total_shortfall) + " " + cur);

    if (sim) {
        os << "\nUncertainty (" << sim->trials << " trials, " << to_string(sim->sampler) << ", seed " << sim->seed << ")\n";
        row("P(NPV > 0)", percent(sim->probability_npv_positive));
        row("P(payback within horizon)", percent(sim->probability_payback_within_horizon));
        row("Mean NPV", money(sim->metrics[0].mean) + " " + cur + " (standard error " + money(sim->npv_mean_standard_error) + ")");
        const std::vector<std::pair<std::string, std::string>> shown = {
            {"npv", "NPV"}, {"irr", "IRR (a year)"}, {"roi", "ROI"}, {"bcr", "Benefit-cost ratio"},
            {"payback_months", "Payback (months)"}, {"discounted_payback_months", "Disc. payback (months)"},
            {"cost_per_credential", "Cost per credential"}, {"total_shortfall", "Budget shortfall"}};
        os << "  " << pad_right("metric", 26) << pad_left("base", 14) << pad_left("mean", 14) << pad_left("P5", 14)
           << pad_left("P50", 14) << pad_left("P95", 14) << pad_left("exists", 9) << "\n";
        for (const auto& shown_row : shown) {
            // Not a structured binding: C++17 lambdas cannot capture one (clang refuses).
            const std::string& key = shown_row.first;
            const std::string& label = shown_row.second;
            if (key == "total_shortfall" && !s.budget) continue;
            const MetricSummary& summary = sim->metric(key);
            const bool pct = key == "irr" || key == "roi";
            const int digits = key == "cost_per_credential" ? 2 : (key == "bcr" || key.find("payback") != std::string::npos ? 1 : 0);
            auto fmt = [&](double v) {
                if (std::isnan(v)) return std::string("-");
                return pct ? percent(v) : money(v, key == "bcr" ? 2 : digits);
            };
            os << "  " << pad_right(label, 26) << pad_left(fmt(summary.base), 14) << pad_left(fmt(summary.mean), 14)
               << pad_left(fmt(summary.p5), 14) << pad_left(fmt(summary.p50), 14) << pad_left(fmt(summary.p95), 14)
               << pad_left(percent(static_cast<double>(summary.count) / static_cast<double>(sim->trials), 0), 9) << "\n";
        }
        if (!sim->probability_shortfall.empty()) {
            std::string years;
            for (std::size_t f = 0; f < sim->probability_shortfall.size(); ++f)
                if (sim->probability_shortfall[f] > 0)
                    years += (years.empty() ? "" : ", ") + sim->fiscal_year_labels[f] + " " + percent(sim->probability_shortfall[f]);
            row("P(budget shortfall)", years.empty() ? "none in any trial" : years);
        }
        if (!sim->correlation_warning.empty()) os << "  warning: " << sim->correlation_warning << "\n";
    }

    os << "\nFiscal years (" << cur << ", base case)\n";
    const std::vector<std::string> head = {"year", "months", "costs", "benefits", "net", "cumulative", "budget", "shortfall"};
    const std::vector<std::size_t> width = {10, 7, 14, 14, 14, 14, 14, 12};
    std::vector<std::vector<std::string>> rows;
    for (const FiscalYearResult& f : e.fiscal_years)
        rows.push_back({f.label, std::to_string(f.month_count), money(f.costs), money(f.benefits), money(f.net),
                        money(f.cumulative_net), f.budget ? money(*f.budget) : "-", f.shortfall ? money(*f.shortfall) : "-"});
    os << "  ";
    for (std::size_t k = 0; k < head.size(); ++k) os << (k == 0 ? pad_right(head[k], width[k]) : pad_left(head[k], width[k]));
    os << "\n";
    for (const auto& r : rows) {
        os << "  ";
        for (std::size_t k = 0; k < r.size(); ++k) os << (k == 0 ? pad_right(r[k], width[k]) : pad_left(r[k], width[k]));
        os << "\n";
    }

    os << "\nWhere the money goes (totals over the horizon, " << cur << ")\n";
    for (const MonthlyLine& l : e.cost_lines) label_width = std::max(label_width, l.name.size() + 12);
    for (const MonthlyLine& l : e.benefit_lines) label_width = std::max(label_width, l.name.size() + 12);
    for (const MonthlyLine& l : e.cost_lines)
        if (l.total() != 0.0) row("cost: " + l.name, pad_left(money(l.total()), 14));
    for (const MonthlyLine& l : e.benefit_lines)
        if (l.total() != 0.0) row("benefit: " + l.name, pad_left(money(l.total()), 14));
    return os.str();
}

std::string to_csv(const Evaluation& e) {
    std::ostringstream os;
    os << std::setprecision(17);
    os << "month,costs,benefits,net,cumulative_net,discount_factor,population,adoption,earners,credentials";
    for (const MonthlyLine& l : e.cost_lines) os << "," << csv_field("cost: " + l.name);
    for (const MonthlyLine& l : e.benefit_lines) os << "," << csv_field("benefit: " + l.name);
    os << "\n";
    for (std::size_t i = 0; i < e.months.size(); ++i) {
        os << e.months[i].to_string() << "," << e.costs[i] << "," << e.benefits[i] << "," << e.net[i] << ","
           << e.cumulative_net[i] << "," << e.discount_factors[i] << "," << e.population[i] << "," << e.adoption[i] << ","
           << e.earners[i] << "," << e.credentials[i];
        for (const MonthlyLine& l : e.cost_lines) os << "," << l.monthly[i];
        for (const MonthlyLine& l : e.benefit_lines) os << "," << l.monthly[i];
        os << "\n";
    }
    return os.str();
}

void write_samples_csv(const SimulationResult& r, std::ostream& os) {
    if (r.trial_metrics.rows() != static_cast<Eigen::Index>(r.trials) || r.trial_inputs.rows() != static_cast<Eigen::Index>(r.trials))
        throw ParameterError("keep_trials", "the simulation did not keep its trials; run it with keep_trials");
    const std::streamsize precision = os.precision(17);
    os << "trial";
    for (const std::string& p : r.input_paths) os << "," << csv_field(p);
    for (const std::string& m : r.metric_names) os << "," << csv_field(m);
    os << "\n";
    for (Eigen::Index t = 0; t < r.trial_metrics.rows(); ++t) {
        os << t;
        for (Eigen::Index j = 0; j < r.trial_inputs.cols(); ++j) os << "," << r.trial_inputs(t, j);
        for (Eigen::Index m = 0; m < r.trial_metrics.cols(); ++m) {
            os << ",";
            if (!std::isnan(r.trial_metrics(t, m))) os << r.trial_metrics(t, m);
        }
        os << "\n";
    }
    os.precision(precision);
}

std::string samples_to_csv(const SimulationResult& r) {
    std::ostringstream os;
    write_samples_csv(r, os);
    return os.str();
}

namespace {

// A stream buffer over a C file, so that streamed content fails (and reports
// errno) exactly as fwrite does for a string.
class FileStreamBuffer : public std::streambuf {
public:
    explicit FileStreamBuffer(std::FILE* f) : file_(f) { setp(buffer_, buffer_ + sizeof buffer_); }
    int write_errno() const noexcept { return errno_; }

protected:
    int_type overflow(int_type c) override {
        if (!drain()) return traits_type::eof();
        if (!traits_type::eq_int_type(c, traits_type::eof())) {
            *pptr() = traits_type::to_char_type(c);
            pbump(1);
        }
        return traits_type::not_eof(c);
    }
    int sync() override { return drain() ? 0 : -1; }

private:
    bool drain() {
        const auto n = static_cast<std::size_t>(pptr() - pbase());
        if (n > 0 && std::fwrite(pbase(), 1, n, file_) != n) {
            errno_ = errno;
            return false;
        }
        setp(buffer_, buffer_ + sizeof buffer_);
        return true;
    }
    std::FILE* file_;
    int errno_ = 0;
    char buffer_[1 << 16];
};

// The temporary file beside `path`, filled by `write` (false: a write failed,
// with its errno), synced, then renamed over `path`.
void write_through_temporary(const std::string& path, const std::function<bool(std::FILE*, int&)>& write) {
    const auto slash = path.find_last_of('/');
    const std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
    const std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
    if (base.empty()) throw IoError("cannot write '" + path + "': the path names a folder, not a file");
    std::random_device rd;
    const std::string tmp = dir + "/." + base + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(rd() % 1000000);
    std::FILE* f = std::fopen(tmp.c_str(), "wb");
    if (!f) throw IoError("cannot write '" + path + "': " + std::strerror(errno));
    int write_errno = 0;
    bool written = false;
    try {
        written = write(f, write_errno);
    } catch (...) {
        std::fclose(f);
        std::remove(tmp.c_str());
        throw;
    }
    const bool flushed = std::fflush(f) == 0 && ::fsync(::fileno(f)) == 0;
    const bool closed = std::fclose(f) == 0;
    if (!written || !flushed || !closed) {
        const int err = written ? errno : write_errno;
        std::remove(tmp.c_str());
        throw IoError("cannot write '" + path + "': " + std::strerror(err));
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        const int err = errno;
        std::remove(tmp.c_str());
        throw IoError("cannot write '" + path + "': " + std::strerror(err));
    }
}

}  // namespace

void write_file_atomically(const std::string& path, const std::string& content) {
    write_through_temporary(path, [&](std::FILE* f, int& err) {
        const bool ok = std::fwrite(content.data(), 1, content.size(), f) == content.size();
        err = errno;
        return ok;
    });
}

void write_file_atomically(const std::string& path, const std::function<void(std::ostream&)>& write) {
    write_through_temporary(path, [&](std::FILE* f, int& err) {
        FileStreamBuffer buffer(f);
        std::ostream os(&buffer);
        write(os);
        os.flush();
        err = buffer.write_errno();
        return !os.fail();
    });
}

}  // namespace credroi
