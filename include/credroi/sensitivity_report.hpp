#pragma once
// Sensitivity results for people and tools: a table with plain-language
// lines on top, JSON, CSV. Header-only, no JSON library: the documents are
// flat and written by hand. Used by `credroi sensitivity`; see
// docs/sensitivity.md for what the columns mean.
#include <credroi/sensitivity.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iomanip>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace credroi {

/// A metric's name for people: "npv" -> "NPV", "payback_months" -> "payback
/// (months)", "shortfall FY2027" -> "budget shortfall FY2027"; any other name
/// unchanged.
inline std::string metric_label(const std::string& metric) {
    static const std::pair<const char*, const char*> labels[] = {
        {"npv", "NPV"},
        {"irr", "IRR"},
        {"mirr", "MIRR"},
        {"roi", "ROI"},
        {"bcr", "benefit-cost ratio"},
        {"payback_months", "payback (months)"},
        {"discounted_payback_months", "discounted payback (months)"},
        {"cost_per_credential", "cost per credential"},
        {"total_shortfall", "total budget shortfall"}};
    for (const auto& [key, label] : labels)
        if (metric == key) return label;
    if (metric.rfind("shortfall ", 0) == 0) return "budget " + metric;
    if (metric.rfind("net ", 0) == 0) return "net cash flow " + metric.substr(4);
    return metric;
}

/// An input's key path for people: the last key with spaces for underscores,
/// then where it sits: "benefits.retention.relative_attrition_reduction" ->
/// "relative attrition reduction (benefits.retention)". A name without a dot
/// is returned unchanged.
inline std::string input_label(const std::string& path) {
    const auto dot = path.rfind('.');
    if (dot == std::string::npos) return path;
    std::string last = path.substr(dot + 1);
    std::replace(last.begin(), last.end(), '_', ' ');
    return last + " (" + path.substr(0, dot) + ")";
}

namespace detail {

/// Numbers for people: thousands separated and rounded to a unit from 1000
/// up, four significant digits below; "-" for a missing value.
inline std::string people_number(double x) {
    if (!std::isfinite(x)) return "-";
    std::ostringstream os;
    if (std::fabs(x) >= 1000) {
        // The rounded value in fixed notation, not through an integer type:
        // amounts beyond 2^63 (a scenario in the wrong units, say) overflow
        // any integer, and the conversion is then undefined.
        os << std::fixed << std::setprecision(0) << std::round(std::fabs(x));
        std::string digits = os.str();
        for (auto k = static_cast<long>(digits.size()) - 3; k > 0; k -= 3) digits.insert(static_cast<std::size_t>(k), ",");
        return (x < 0 ? "-" : "") + digits;
    }
    os.precision(4);
    os << x;
    return os.str();
}

inline std::string percent(double share) {
    std::ostringstream os;
    os.setf(std::ios::fixed);
    os.precision(std::fabs(share) < 0.1 ? 1 : 0);
    os << share * 100 << " %";
    return os.str();
}

inline std::string json_string(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\t': out += "\\t"; break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
                    out += buf;
                } else {
                    out += c;
                }
        }
    }
    return out + '"';
}

/// Shortest text that reads back to the same double; null for a missing value.
inline std::string json_number(double x) {
    if (!std::isfinite(x)) return "null";
    for (int digits = 15;; ++digits) {
        std::ostringstream os;
        os.precision(digits);
        os << x;
        if (digits >= 17 || std::stod(os.str()) == x) return os.str();
    }
}

inline std::string csv_field(const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string out = "\"";
    for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + '"';
}

/// One result as a flat table: the methods fill it, the three formats print it.
struct SensitivityReport {
    std::string method;
    std::string output;
    std::vector<std::pair<std::string, std::string>> facts;  ///< key, JSON value (already encoded)
    std::vector<std::string> summary;                         ///< plain-language lines
    std::vector<std::string> columns;                         ///< first column: "input" (a string)
    std::vector<std::string> inputs;                          ///< one per row
    std::vector<std::vector<double>> values;                  ///< rows x (columns - 1)
};

inline std::string lead(std::size_t rank, const std::string& output) {
    return rank == 0 ? metric_label(output) + " depends most on " : std::string("Then on ");
}

inline SensitivityReport report_of(const TornadoResult& r, std::size_t lines) {
    SensitivityReport t;
    t.method = "tornado";
    t.output = r.output_name;
    t.facts = {{"base", json_number(r.base_output)},
               {"low_probability", json_number(r.low_probability)},
               {"high_probability", json_number(r.high_probability)},
               {"evaluations", std::to_string(r.evaluations)}};
    t.columns = {"input", "low_input", "high_input", "low_output", "high_output", "swing"};
    const std::string lo = "P" + people_number(r.low_probability * 100), hi = "P" + people_number(r.high_probability * 100);
    const std::string out = metric_label(r.output_name);
    for (std::size_t k = 0; k < r.bars.size(); ++k) {
        const TornadoBar& b = r.bars[k];
        t.inputs.push_back(b.name);
        t.values.push_back({b.low_input, b.high_input, b.low_output, b.high_output, b.swing});
        if (k < lines)
            t.summary.push_back(lead(k, r.output_name) + input_label(b.name) + ": from its " + lo + " (" +
                                people_number(b.low_input) + ") to its " + hi + " (" + people_number(b.high_input) +
                                ") " + out + " moves from " + people_number(b.low_output) + " to " +
                                people_number(b.high_output) + ", a swing of " + people_number(b.swing) + ".");
    }
    t.summary.push_back("Base case " + out + ": " + people_number(r.base_output) +
                        ". Each input moved alone, the others at their base values.");
    return t;
}

inline SensitivityReport report_of(const SpiderResult& r, std::size_t lines) {
    SensitivityReport t;
    t.method = "spider";
    t.output = r.output_name;
    t.facts = {{"base", json_number(r.base_output)}, {"evaluations", std::to_string(r.evaluations)}};
    t.columns = {"input", "base_input"};
    for (double p : r.probabilities) t.columns.push_back("P" + people_number(p * 100));
    t.columns.push_back("range");
    const std::string out = metric_label(r.output_name);
    for (std::size_t k = 0; k < r.order.size(); ++k) {
        const Eigen::Index i = r.order[k];
        const std::string& name = r.names[static_cast<std::size_t>(i)];
        t.inputs.push_back(name);
        std::vector<double> row{r.base_inputs[i]};
        for (Eigen::Index c = 0; c < r.outputs.cols(); ++c) row.push_back(r.outputs(i, c));
        row.push_back(r.range[i]);
        t.values.push_back(std::move(row));
        if (k < lines)
            t.summary.push_back(lead(k, r.output_name) + input_label(name) + ": from its P" +
                                people_number(r.probabilities.front() * 100) + " to its P" +
                                people_number(r.probabilities.back() * 100) + " " + out + " goes from " +
                                people_number(r.outputs(i, 0)) + " to " +
                                people_number(r.outputs(i, r.outputs.cols() - 1)) + " (range " +
                                people_number(r.range[i]) + ").");
    }
    t.summary.push_back("Base case " + out + ": " + people_number(r.base_output) +
                        ". Columns P5..P95: " + out + " with that input at that percentile, the others at base.");
    return t;
}

inline SensitivityReport report_of(const RankSensitivity& r, std::size_t lines) {
    SensitivityReport t;
    t.method = "rank";
    t.output = r.output_name;
    t.facts = {{"trials", std::to_string(r.trials)},
               {"dropped", std::to_string(r.dropped)},
               {"r_squared", json_number(r.r_squared)}};
    t.columns = {"input", "spearman", "contribution_to_variance", "standardised_regression"};
    const std::string out = metric_label(r.output_name);
    for (std::size_t k = 0; k < r.order.size(); ++k) {
        const Eigen::Index i = r.order[k];
        const std::string& name = r.names[static_cast<std::size_t>(i)];
        t.inputs.push_back(name);
        t.values.push_back({r.spearman[i], r.contribution_to_variance[i], r.standardised_regression[i]});
        if (k < lines) {
            std::ostringstream rho;
            rho.setf(std::ios::fixed | std::ios::showpos);
            rho.precision(2);
            rho << r.spearman[i];
            t.summary.push_back(lead(k, r.output_name) + input_label(name) + ": rank correlation " + rho.str() + " (" +
                                out + (r.spearman[i] >= 0 ? " rises" : " falls") + " as it rises), " +
                                percent(r.contribution_to_variance[i]) + " of the variance by rank.");
        }
    }
    std::ostringstream fit;
    fit.precision(2);
    fit << "R\xC2\xB2 of the rank regression " << r.r_squared
        << (r.r_squared >= 0.7 ? ": the inputs' ranks explain most of the ranking of the outcome."
                               : ": much of the outcome is not explained by monotone effects of single inputs; "
                                 "use --method sobol.");
    t.summary.push_back(fit.str());
    if (r.dropped > 0)
        t.summary.push_back(std::to_string(r.dropped) + " of " + std::to_string(r.trials + r.dropped) + " trials had no " +
                            out + " and were left out.");
    return t;
}

inline SensitivityReport report_of(const SobolIndices& r, std::size_t lines) {
    SensitivityReport t;
    t.method = "sobol";
    t.output = r.output_name;
    t.facts = {{"n", std::to_string(r.n)},
               {"evaluations", std::to_string(r.evaluations)},
               {"seed", std::to_string(r.seed)},
               {"bootstrap", std::to_string(r.bootstrap)},
               {"confidence_level", json_number(r.confidence_level)},
               {"first_order_estimator", json_string(r.first_order_estimator)},
               {"total_order_estimator", json_string(r.total_order_estimator)},
               {"mean", json_number(r.output_mean)},
               {"variance", json_number(r.output_variance)}};
    const bool intervals = r.first_order_interval.rows() > 0;
    t.columns = {"input", "first_order"};
    if (intervals) t.columns.insert(t.columns.end(), {"first_order_lo", "first_order_hi"});
    t.columns.push_back("total_order");
    if (intervals) t.columns.insert(t.columns.end(), {"total_order_lo", "total_order_hi"});
    const std::string out = metric_label(r.output_name);
    for (std::size_t k = 0; k < r.order.size(); ++k) {
        const Eigen::Index i = r.order[k];
        const std::string& name = r.names[static_cast<std::size_t>(i)];
        t.inputs.push_back(name);
        std::vector<double> row{r.first_order[i]};
        if (intervals) row.insert(row.end(), {r.first_order_interval(i, 0), r.first_order_interval(i, 1)});
        row.push_back(r.total_order[i]);
        if (intervals) row.insert(row.end(), {r.total_order_interval(i, 0), r.total_order_interval(i, 1)});
        t.values.push_back(std::move(row));
        if (k < lines) {
            std::string line = lead(k, r.output_name) + input_label(name) + ": it explains " +
                               percent(r.first_order[i]) + " of the variance of " + out + " alone";
            if (intervals)
                line += " (" + people_number(r.confidence_level * 100) + " % interval " +
                        percent(r.first_order_interval(i, 0)) + " to " + percent(r.first_order_interval(i, 1)) + ")";
            line += " and " + percent(r.total_order[i]) + " with its interactions.";
            t.summary.push_back(line);
        }
    }
    const double sum = r.first_order.sum();
    t.summary.push_back("The first-order indices add up to " + people_number(sum) +
                        (sum < 0.9 ? ": interactions between inputs account for about " + percent(1 - sum) +
                                         " of the variance."
                                   : ": the inputs act mostly on their own."));
    return t;
}

inline std::string render_table(const SensitivityReport& t) {
    std::ostringstream os;
    for (const auto& line : t.summary) os << line << '\n';
    os << '\n';
    std::vector<std::vector<std::string>> cells;
    cells.push_back(t.columns);
    for (std::size_t r = 0; r < t.inputs.size(); ++r) {
        std::vector<std::string> row{t.inputs[r]};
        for (double v : t.values[r]) row.push_back(people_number(v));
        cells.push_back(std::move(row));
    }
    std::vector<std::size_t> width(t.columns.size(), 0);
    for (const auto& row : cells)
        for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
    for (std::size_t r = 0; r < cells.size(); ++r) {
        for (std::size_t c = 0; c < cells[r].size(); ++c) {
            const std::string& s = cells[r][c];
            const std::string pad(width[c] - s.size(), ' ');
            os << (c ? "  " : "") << (c == 0 ? s + pad : pad + s);
        }
        os << '\n';
    }
    return os.str();
}

inline std::string render_json(const SensitivityReport& t) {
    std::ostringstream os;
    os << "{\n  \"method\": " << json_string(t.method) << ",\n  \"metric\": " << json_string(t.output);
    for (const auto& [key, value] : t.facts) os << ",\n  " << json_string(key) << ": " << value;
    os << ",\n  \"summary\": [";
    for (std::size_t k = 0; k < t.summary.size(); ++k) os << (k ? ", " : "") << json_string(t.summary[k]);
    os << "],\n  \"inputs\": [";
    for (std::size_t r = 0; r < t.inputs.size(); ++r) {
        os << (r ? "," : "") << "\n    {\"input\": " << json_string(t.inputs[r]);
        for (std::size_t c = 1; c < t.columns.size(); ++c)
            os << ", " << json_string(t.columns[c]) << ": " << json_number(t.values[r][c - 1]);
        os << '}';
    }
    os << "\n  ]\n}\n";
    return os.str();
}

inline std::string render_csv(const SensitivityReport& t) {
    std::ostringstream os;
    for (std::size_t c = 0; c < t.columns.size(); ++c) os << (c ? "," : "") << t.columns[c];
    os << '\n';
    for (std::size_t r = 0; r < t.inputs.size(); ++r) {
        os << csv_field(t.inputs[r]);
        for (double v : t.values[r]) os << ',' << (std::isfinite(v) ? json_number(v) : std::string());
        os << '\n';
    }
    return os.str();
}

}  // namespace detail

/// For people: `lines` plain-language lines on the most influential inputs
/// (e.g. "NPV depends most on relative attrition reduction
/// (benefits.retention): ..."), a line or two on how to read the result, then
/// one aligned row per input, most influential first.
template <class Result>
std::string sensitivity_table(const Result& result, std::size_t lines = 3) {
    return detail::render_table(detail::report_of(result, lines));
}

/// For tools: {"method", "metric", the method's facts (n, seed, base, r_squared ...),
/// "summary": [the plain-language lines], "inputs": [{"input": path, column: value ...}]}
/// with inputs most influential first; numbers round-trip, a missing one is null.
template <class Result>
std::string sensitivity_json(const Result& result, std::size_t lines = 3) {
    return detail::render_json(detail::report_of(result, lines));
}

/// For spreadsheets: a header row ("input", then the method's columns) and one
/// row per input, most influential first; numbers round-trip.
template <class Result>
std::string sensitivity_csv(const Result& result) {
    return detail::render_csv(detail::report_of(result, 0));
}

}  // namespace credroi
