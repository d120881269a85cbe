#pragma once
// Building blocks of the report's charts and tables: HTML escaping, numbers
// for people, "nice" axis ticks, the Okabe-Ito palette and a small SVG plot
// with linear axes. No model logic: the report (src/io/report.cpp) hands in
// numbers the engine computed.
//
// Every piece of text that reaches the SVG or HTML goes through escape():
// scenario names, line names and stakeholders are user text.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace credroi::detail::svg {

/// Text for HTML element content and attribute values: & < > " ' become
/// entities; control characters other than tab and newline are dropped.
inline std::string escape(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 16);
    for (const char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default:
                if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') break;
                out += c;
        }
    }
    return out;
}

/// The minus sign people read (U+2212), not a hyphen.
inline constexpr const char* minus = "\xE2\x88\x92";
/// A non-breaking space, between a currency code and its amount.
inline constexpr const char* nbsp = "\xC2\xA0";

/// At most `max_chars` characters (code points) of UTF-8 text, with an
/// ellipsis when cut; never splits a multi-byte character.
inline std::string shorten(const std::string& text, std::size_t max_chars) {
    if (max_chars == 0) return std::string();
    std::size_t chars = 0, cut = std::string::npos;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;  // continuation byte
        if (chars == max_chars - 1) cut = i;
        if (++chars > max_chars) return text.substr(0, cut) + "\xE2\x80\xA6";
    }
    return text;
}

/// Characters (UTF-8 code points) in `text`.
inline std::size_t character_count(const std::string& text) {
    std::size_t chars = 0;
    for (const char c : text) chars += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return chars;
}

/// 1234567.891 with 0 decimals -> "1,234,568"; negative values get a real
/// minus sign; "-0" never appears; a non-finite value is "n/a".
inline std::string grouped(double value, int decimals = 0) {
    if (!std::isfinite(value)) return "n/a";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, std::fabs(value));
    const std::string digits = buf;
    const auto dot = digits.find('.');
    const std::string whole = digits.substr(0, dot), fraction = dot == std::string::npos ? "" : digits.substr(dot);
    std::string out;
    for (std::size_t i = 0; i < whole.size(); ++i) {
        if (i > 0 && (whole.size() - i) % 3 == 0) out += ',';
        out += whole[i];
    }
    out += fraction;
    const bool zero = out.find_first_not_of("0.,") == std::string::npos;
    return (value < 0 && !zero ? std::string(minus) : std::string()) + out;
}

/// An amount with its currency code: "EUR 1,234,568".
inline std::string money(double value, const std::string& currency, int decimals = 0) {
    if (!std::isfinite(value)) return "n/a";
    return currency + nbsp + grouped(value, decimals);
}

/// A share as a percentage: 0.4567 -> "45.7 %" (decimals as asked).
inline std::string percent(double share, int decimals = 1) {
    if (!std::isfinite(share)) return "n/a";
    return grouped(share * 100.0, decimals) + nbsp + "%";
}

/// A probability for people, in whole percent: never "100 %" while some
/// trials fail, nor "0 %" while some succeed.
inline std::string chance(double p) {
    if (p > 0.995 && p < 1) return std::string("> 99") + nbsp + "%";
    if (p > 0 && p < 0.005) return std::string("< 1") + nbsp + "%";
    return percent(p, 0);
}

/// Axis ticks: round numbers (1, 2, 2.5 or 5 times a power of ten) that
/// cover [lo, hi].
struct Ticks {
    double lo = 0, hi = 1, step = 1;
    std::vector<double> values;  ///< from lo to hi inclusive, exact zero where zero is a tick
};

/// About `target` ticks covering [lo, hi]; a degenerate or reversed range is
/// widened around its value (so a constant series still gets an axis).
inline Ticks nice_ticks(double lo, double hi, int target = 6) {
    if (!std::isfinite(lo) || !std::isfinite(hi)) lo = 0, hi = 1;
    if (hi < lo) std::swap(lo, hi);
    if (hi - lo < 1e-12 * std::max(1.0, std::fabs(hi))) {
        const double pad = lo == 0 ? 1.0 : std::fabs(lo) * 0.1;
        lo -= pad;
        hi += pad;
    }
    const double raw = (hi - lo) / std::max(1, target - 1);
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    double step = 10 * magnitude;
    for (const double m : {1.0, 2.0, 2.5, 5.0, 10.0})
        if (m * magnitude >= raw) {
            step = m * magnitude;
            break;
        }
    Ticks t;
    t.step = step;
    t.lo = std::floor(lo / step + 1e-9) * step;
    t.hi = std::ceil(hi / step - 1e-9) * step;
    const auto n = static_cast<long>(std::lround((t.hi - t.lo) / step));
    for (long k = 0; k <= n; ++k) {
        double v = t.lo + static_cast<double>(k) * step;
        if (std::fabs(v) < step * 1e-9) v = 0.0;
        t.values.push_back(v);
    }
    return t;
}

/// Tick labels sharing one unit so they read alike: 0, 250k, 500k, 750k, 1M
/// would mix units; this gives 0, 0.25M, 0.5M, 0.75M, 1M for a top tick of
/// 1M and k below a million. Decimals follow the step.
inline std::vector<std::string> tick_labels(const Ticks& t) {
    double top = 0;
    for (const double v : t.values) top = std::max(top, std::fabs(v));
    double unit = 1;
    const char* suffix = "";
    if (top >= 1e9) unit = 1e9, suffix = "bn";
    else if (top >= 1e6) unit = 1e6, suffix = "M";
    else if (top >= 1e4) unit = 1e3, suffix = "k";
    const double step = t.step / unit;
    int decimals = 0;
    while (decimals < 6 && std::fabs(step * std::pow(10.0, decimals) - std::round(step * std::pow(10.0, decimals))) > 1e-6)
        ++decimals;
    std::vector<std::string> out;
    for (const double v : t.values) out.push_back(v == 0 ? std::string("0") : grouped(v / unit, decimals) + suffix);
    return out;
}

/// Okabe & Ito (2008), "Color Universal Design": distinguishable with every
/// common form of colour blindness.
namespace colour {
inline constexpr const char* orange = "#E69F00";
inline constexpr const char* sky_blue = "#56B4E9";
inline constexpr const char* bluish_green = "#009E73";
inline constexpr const char* yellow = "#F0E442";
inline constexpr const char* blue = "#0072B2";
inline constexpr const char* vermillion = "#D55E00";
inline constexpr const char* reddish_purple = "#CC79A7";
inline constexpr const char* black = "#000000";
inline constexpr const char* grey = "#8C8C8C";
inline constexpr const char* light_grey = "#BDBDBD";
}  // namespace colour

/// A number for an SVG coordinate: two decimals, no exponent.
inline std::string coord(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", std::isfinite(v) ? v : 0.0);
    return buf;
}

struct LegendItem {
    std::string colour;
    std::string label;
    std::string kind = "box";  ///< "box", "line", "dash" or "dot"
};

/// One chart: a title, a plot area with linear x and y axes (data coordinates
/// map to pixels), axis labels, tick labels, and a legend under the plot.
/// Marks go into <g class="marks">, which the report's browser check measures.
class Plot {
public:
    struct Frame {
        double width = 880, height = 400;
        double left = 86, right = 28, top = 54, bottom = 62;
    };

    Plot(std::string id, std::string title, std::string x_label, std::string y_label, double x_lo, double x_hi,
         double y_lo, double y_hi, Frame frame)
        : id_(std::move(id)), title_(std::move(title)), x_label_(std::move(x_label)), y_label_(std::move(y_label)),
          x_lo_(x_lo), x_hi_(x_hi == x_lo ? x_lo + 1 : x_hi), y_lo_(y_lo), y_hi_(y_hi == y_lo ? y_lo + 1 : y_hi),
          f_(frame) {}

    double x(double v) const { return f_.left + (v - x_lo_) / (x_hi_ - x_lo_) * (f_.width - f_.left - f_.right); }
    double y(double v) const { return f_.height - f_.bottom - (v - y_lo_) / (y_hi_ - y_lo_) * (f_.height - f_.top - f_.bottom); }
    double plot_left() const { return f_.left; }
    double plot_right() const { return f_.width - f_.right; }
    double plot_top() const { return f_.top; }
    double plot_bottom() const { return f_.height - f_.bottom; }

    /// Horizontal grid lines and labels at the given y values.
    void y_ticks(const std::vector<double>& values, const std::vector<std::string>& labels) {
        for (std::size_t k = 0; k < values.size(); ++k) {
            const std::string py = coord(y(values[k]));
            axes_ << "<line class=\"grid\" x1=\"" << coord(plot_left()) << "\" x2=\"" << coord(plot_right()) << "\" y1=\"" << py
                  << "\" y2=\"" << py << "\"/>"
                  << "<text class=\"tick\" x=\"" << coord(plot_left() - 8) << "\" y=\"" << py
                  << "\" text-anchor=\"end\" dominant-baseline=\"middle\">" << escape(labels[k]) << "</text>";
        }
    }
    /// Tick marks and labels under the plot at the given x values.
    void x_ticks(const std::vector<double>& values, const std::vector<std::string>& labels, bool grid = false) {
        for (std::size_t k = 0; k < values.size(); ++k) {
            const std::string px = coord(x(values[k]));
            if (grid)
                axes_ << "<line class=\"grid\" x1=\"" << px << "\" x2=\"" << px << "\" y1=\"" << coord(plot_top())
                      << "\" y2=\"" << coord(plot_bottom()) << "\"/>";
            axes_ << "<line class=\"axis\" x1=\"" << px << "\" x2=\"" << px << "\" y1=\"" << coord(plot_bottom())
                  << "\" y2=\"" << coord(plot_bottom() + 5) << "\"/>"
                  << "<text class=\"tick\" x=\"" << px << "\" y=\"" << coord(plot_bottom() + 19)
                  << "\" text-anchor=\"middle\">" << escape(labels[k]) << "</text>";
        }
    }
    /// A label left of the plot at data height y (categories of a bar chart).
    void y_category(double at, const std::string& label, const std::string& full_label) {
        axes_ << "<text class=\"tick\" x=\"" << coord(plot_left() - 8) << "\" y=\"" << coord(y(at))
              << "\" text-anchor=\"end\" dominant-baseline=\"middle\"><title>" << escape(full_label) << "</title>"
              << escape(label) << "</text>";
    }

    void polyline(const std::vector<double>& xs, const std::vector<double>& ys, const std::string& colour,
                  double width = 2, const std::string& dash = "") {
        marks_ << "<polyline fill=\"none\" stroke=\"" << colour << "\" stroke-width=\"" << coord(width) << "\"";
        if (!dash.empty()) marks_ << " stroke-dasharray=\"" << dash << "\"";
        marks_ << " points=\"";
        for (std::size_t i = 0; i < xs.size() && i < ys.size(); ++i) marks_ << (i ? " " : "") << coord(x(xs[i])) << ',' << coord(y(ys[i]));
        marks_ << "\"/>";
    }
    /// The area between two series (a percentile band).
    void band(const std::vector<double>& xs, const std::vector<double>& lo, const std::vector<double>& hi,
              const std::string& colour, double opacity) {
        marks_ << "<polygon fill=\"" << colour << "\" fill-opacity=\"" << coord(opacity) << "\" stroke=\"none\" points=\"";
        for (std::size_t i = 0; i < xs.size(); ++i) marks_ << (i ? " " : "") << coord(x(xs[i])) << ',' << coord(y(hi[i]));
        for (std::size_t i = xs.size(); i-- > 0;) marks_ << ' ' << coord(x(xs[i])) << ',' << coord(y(lo[i]));
        marks_ << "\"/>";
    }
    /// A rectangle between two corners in data coordinates, with a tooltip.
    void rect(double x0, double y0, double x1, double y1, const std::string& colour, const std::string& tooltip,
              const std::string& extra = "") {
        const double px = std::min(x(x0), x(x1)), py = std::min(y(y0), y(y1));
        const double w = std::fabs(x(x1) - x(x0)), h = std::fabs(y(y1) - y(y0));
        marks_ << "<rect x=\"" << coord(px) << "\" y=\"" << coord(py) << "\" width=\"" << coord(std::max(w, 0.5))
               << "\" height=\"" << coord(std::max(h, 0.5)) << "\" fill=\"" << colour << "\"" << extra << "><title>"
               << escape(tooltip) << "</title></rect>";
    }
    /// A horizontal line across the plot at data height v, with a label at its right end.
    void hline(double v, const std::string& colour, const std::string& dash, const std::string& label) {
        const std::string py = coord(y(v));
        marks_ << "<line x1=\"" << coord(plot_left()) << "\" x2=\"" << coord(plot_right()) << "\" y1=\"" << py << "\" y2=\""
               << py << "\" stroke=\"" << colour << "\" stroke-width=\"1.5\"";
        if (!dash.empty()) marks_ << " stroke-dasharray=\"" << dash << "\"";
        marks_ << "/>";
        if (!label.empty())
            marks_ << "<text class=\"note\" x=\"" << coord(plot_right() - 4) << "\" y=\"" << coord(y(v) - 6)
                   << "\" text-anchor=\"end\">" << escape(label) << "</text>";
    }
    /// A vertical line over the plot at data x v, with a label at its top.
    /// `label_dy`: the label's height from the plot's top edge (negative: above the plot).
    void vline(double v, const std::string& colour, const std::string& dash, const std::string& label,
               const std::string& anchor = "start", double label_dy = 12) {
        const std::string px = coord(x(v));
        marks_ << "<line x1=\"" << px << "\" x2=\"" << px << "\" y1=\"" << coord(plot_top()) << "\" y2=\""
               << coord(plot_bottom()) << "\" stroke=\"" << colour << "\" stroke-width=\"1.5\"";
        if (!dash.empty()) marks_ << " stroke-dasharray=\"" << dash << "\"";
        marks_ << "/>";
        if (!label.empty())
            marks_ << "<text class=\"note\" x=\"" << coord(x(v) + (anchor == "end" ? -4 : 4)) << "\" y=\""
                   << coord(plot_top() + label_dy) << "\" text-anchor=\"" << anchor << "\">" << escape(label) << "</text>";
    }
    void marker(double at_x, double at_y, const std::string& colour, const std::string& tooltip, double radius = 5,
                const std::string& shape = "circle") {
        const double px = x(at_x), py = y(at_y);
        if (shape == "diamond")
            marks_ << "<polygon points=\"" << coord(px) << ',' << coord(py - radius) << ' ' << coord(px + radius) << ','
                   << coord(py) << ' ' << coord(px) << ',' << coord(py + radius) << ' ' << coord(px - radius) << ','
                   << coord(py) << "\" fill=\"" << colour << "\" stroke=\"#fff\" stroke-width=\"1\"><title>"
                   << escape(tooltip) << "</title></polygon>";
        else
            marks_ << "<circle cx=\"" << coord(px) << "\" cy=\"" << coord(py) << "\" r=\"" << coord(radius) << "\" fill=\""
                   << colour << "\" stroke=\"#fff\" stroke-width=\"1.5\"><title>" << escape(tooltip) << "</title></circle>";
    }
    /// Text at data coordinates (dx, dy shift it in pixels).
    void text(double at_x, double at_y, const std::string& content, const std::string& anchor = "start", double dx = 0,
              double dy = 0, const std::string& cls = "note") {
        marks_ << "<text class=\"" << cls << "\" x=\"" << coord(x(at_x) + dx) << "\" y=\"" << coord(y(at_y) + dy)
               << "\" text-anchor=\"" << anchor << "\">" << escape(content) << "</text>";
    }

    void legend(std::vector<LegendItem> items) { legend_ = std::move(items); }

    /// The whole <svg>: title, description, axes, marks, legend.
    std::string str(const std::string& description) const {
        // Legend columns are 300 px, or as wide as the longest label needs (13 px
        // text: at most about 8 px a character), so a long label never runs
        // into the next item.
        constexpr std::size_t legend_chars = 40;
        std::size_t longest = 0;
        for (const LegendItem& it : legend_) longest = std::max(longest, character_count(shorten(it.label, legend_chars)));
        const double item_width = std::max(300.0, 28.0 + 8.0 * static_cast<double>(longest) + 12.0), row_height = 20;
        const auto per_row = std::max<std::size_t>(1, static_cast<std::size_t>((f_.width - f_.left) / item_width));
        const std::size_t rows = (legend_.size() + per_row - 1) / per_row;
        const double height = f_.height + static_cast<double>(rows) * row_height + (rows ? 6 : 0);
        std::ostringstream os;
        os << "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart-svg\" id=\"" << escape(id_) << "\" viewBox=\"0 0 "
           << coord(f_.width) << ' ' << coord(height) << "\" role=\"img\" aria-labelledby=\"" << escape(id_)
           << "-title " << escape(id_) << "-desc\">"
           << "<title id=\"" << escape(id_) << "-title\">" << escape(title_) << "</title>"
           << "<desc id=\"" << escape(id_) << "-desc\">" << escape(description) << "</desc>"
           << "<text class=\"chart-title\" x=\"" << coord(std::min(f_.left, 86.0)) << "\" y=\"24\">" << escape(title_) << "</text>"
           << "<g class=\"axes\">" << axes_.str()
           << "<line class=\"axis\" x1=\"" << coord(plot_left()) << "\" x2=\"" << coord(plot_right()) << "\" y1=\""
           << coord(plot_bottom()) << "\" y2=\"" << coord(plot_bottom()) << "\"/>"
           << "<line class=\"axis\" x1=\"" << coord(plot_left()) << "\" x2=\"" << coord(plot_left()) << "\" y1=\""
           << coord(plot_top()) << "\" y2=\"" << coord(plot_bottom()) << "\"/>"
           << "<text class=\"axis-label\" x=\"" << coord((plot_left() + plot_right()) / 2) << "\" y=\""
           << coord(plot_bottom() + 44) << "\" text-anchor=\"middle\">" << escape(x_label_) << "</text>"
           << "<text class=\"axis-label\" transform=\"translate(16 " << coord((plot_top() + plot_bottom()) / 2)
           << ") rotate(-90)\" text-anchor=\"middle\">" << escape(y_label_) << "</text></g>"
           << "<g class=\"marks\">" << marks_.str() << "</g>";
        if (!legend_.empty()) {
            os << "<g class=\"legend\">";
            for (std::size_t k = 0; k < legend_.size(); ++k) {
                const double lx = f_.left + static_cast<double>(k % per_row) * item_width;
                const double ly = f_.height + 4 + static_cast<double>(k / per_row) * row_height;
                const LegendItem& it = legend_[k];
                if (it.kind == "line" || it.kind == "dash")
                    os << "<line x1=\"" << coord(lx) << "\" x2=\"" << coord(lx + 22) << "\" y1=\"" << coord(ly + 7)
                       << "\" y2=\"" << coord(ly + 7) << "\" stroke=\"" << it.colour << "\" stroke-width=\"2.5\""
                       << (it.kind == "dash" ? " stroke-dasharray=\"6 4\"" : "") << "/>";
                else if (it.kind == "dot")
                    os << "<circle cx=\"" << coord(lx + 11) << "\" cy=\"" << coord(ly + 7) << "\" r=\"5\" fill=\"" << it.colour
                       << "\"/>";
                else
                    os << "<rect x=\"" << coord(lx) << "\" y=\"" << coord(ly) << "\" width=\"22\" height=\"14\" fill=\""
                       << it.colour << "\"/>";
                const std::string label = shorten(it.label, legend_chars);
                os << "<text class=\"legend-text\" x=\"" << coord(lx + 28) << "\" y=\"" << coord(ly + 11) << "\">"
                   << escape(label) << "</text>";
            }
            os << "</g>";
        }
        os << "</svg>";
        return os.str();
    }

private:
    std::string id_, title_, x_label_, y_label_;
    double x_lo_, x_hi_, y_lo_, y_hi_;
    Frame f_;
    std::ostringstream axes_, marks_;
    std::vector<LegendItem> legend_;
};

}  // namespace credroi::detail::svg
