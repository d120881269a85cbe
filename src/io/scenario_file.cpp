// Reading scenario files: TOML (toml++) into a credroi::Scenario, with every
// problem reported at its file, line, column and key path. Value ranges are
// checked once, by the model's own validation (Model's constructor); a
// ParameterError from there is traced back to where its path stands in the file.
#include <credroi/model.hpp>
#include <credroi/scenario_file.hpp>

#include <nlohmann/json.hpp>
#define TOML_EXCEPTIONS 1
#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <sstream>

namespace credroi {
namespace {

struct Position {
    int line = 0;
    int column = 0;
};

Position position_of(const toml::source_region& r) {
    return {static_cast<int>(r.begin.line), static_cast<int>(r.begin.column)};
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j)
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

/// The value of a number node (is_number() checked by the caller). Not
/// `*n.value<double>()`: toml++ returns an empty optional for an integer that
/// a double cannot hold exactly (beyond 2^53), and dereferencing it read
/// garbage (found by fuzzing: headcount = 9223372036854775807 became 4e-323).
double number_value(const toml::node& n) {
    if (const auto* i = n.as_integer()) return static_cast<double>(i->get());
    return n.as_floating_point()->get();
}

std::string describe_node(const toml::node& n) {
    std::ostringstream os;
    switch (n.type()) {
        case toml::node_type::string: os << "a string (\"" << *n.value<std::string>() << "\")"; break;
        case toml::node_type::integer: os << "an integer (" << *n.value<std::int64_t>() << ")"; break;
        case toml::node_type::floating_point: os << "a number (" << detail::describe(*n.value<double>()) << ")"; break;
        case toml::node_type::boolean: os << "a boolean (" << (*n.value<bool>() ? "true" : "false") << ")"; break;
        case toml::node_type::table: os << "a table"; break;
        case toml::node_type::array: os << "an array"; break;
        case toml::node_type::date: os << "a date (write months as a string, \"2026-04\")"; break;
        case toml::node_type::time: os << "a time"; break;
        case toml::node_type::date_time: os << "a date-time"; break;
        default: os << "nothing"; break;
    }
    return os.str();
}

/// Reads one file; remembers where each key path stands.
class Reader {
public:
    explicit Reader(std::string file) : file_(std::move(file)) {}

    [[noreturn]] void fail(Position p, const std::string& path, const std::string& message) const {
        throw ScenarioError(file_, p.line, p.column, path, message);
    }
    [[noreturn]] void fail(const toml::node& n, const std::string& path, const std::string& message) const {
        fail(position_of(n.source()), path, message);
    }
    void remember(const std::string& path, const toml::node& n) { positions_[path] = position_of(n.source()); }

    /// Where a path (or its nearest enclosing key) stands in the file.
    Position find(std::string path) const {
        while (!path.empty()) {
            auto it = positions_.find(path);
            if (it != positions_.end()) return it->second;
            const auto cut = path.find_last_of(".[");
            if (cut == std::string::npos) break;
            path.erase(cut);
        }
        return {};
    }
    const std::string& file() const { return file_; }

private:
    std::string file_;
    std::map<std::string, Position> positions_;
};

/// One table of the file: typed getters that record which keys are known, and
/// finish(), which rejects any key no getter asked for.
class Table {
public:
    Table(Reader& r, const toml::table& t, std::string path) : r_(r), t_(t), path_(std::move(path)) {}

    std::string key_path(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }

    const toml::node* get(const std::string& key) {
        known_.insert(key);
        const toml::node* n = t_.get(key);
        if (n) r_.remember(key_path(key), *n);
        return n;
    }
    [[noreturn]] void missing(const std::string& key) const {
        // A misspelt key is the likelier story than a forgotten one: say so.
        for (auto&& [k, v] : t_) {
            const std::string written(k.str());
            if (!known_.count(written) && edit_distance(written, key) <= std::max<std::size_t>(2, key.size() / 3))
                r_.fail(position_of(k.source().begin.line ? k.source() : v.source()), key_path(written),
                        "unknown key; did you mean '" + key + "'?");
        }
        r_.fail(position_of(t_.source()), key_path(key),
                "missing; this key is required" + std::string(path_.empty() ? "" : " in " + path_));
    }
    [[noreturn]] void wrong_type(const toml::node& n, const std::string& key, const std::string& expected) const {
        r_.fail(n, key_path(key), "expected " + expected + ", found " + describe_node(n));
    }

    std::optional<double> number(const std::string& key) {
        const toml::node* n = get(key);
        if (!n) return std::nullopt;
        if (!n->is_number()) wrong_type(*n, key, "a number");
        const double v = number_value(*n);
        if (!std::isfinite(v)) r_.fail(*n, key_path(key), "expected a finite number, found " + detail::describe(v));
        return v;
    }
    double number(const std::string& key, double fallback) { return number(key).value_or(fallback); }
    double required_number(const std::string& key) {
        auto v = number(key);
        if (!v) missing(key);
        return *v;
    }

    /// A number, or a distribution written as an inline table
    /// (`{ pert = [0.10, 0.14, 0.20] }`; see docs/scenario-format.md).
    std::optional<Quantity> quantity(const std::string& key) {
        const toml::node* n = get(key);
        if (!n) return std::nullopt;
        if (n->is_table()) {
            Table t(r_, *n->as_table(), key_path(key));
            Quantity q = t.distribution();
            t.finish();
            return q;
        }
        if (!n->is_number()) wrong_type(*n, key, "a number or a distribution such as { pert = [lo, mode, hi] }");
        const double v = number_value(*n);
        if (!std::isfinite(v)) r_.fail(*n, key_path(key), "expected a finite number, found " + detail::describe(v));
        return Quantity(v);
    }

    /// This table read as a distribution: exactly one kind key, its parameters, an optional base.
    Quantity distribution() {
        static const std::vector<std::string> kinds = {"fixed", "uniform", "triangular", "pert", "normal", "lognormal",
                                                       "lognormal_range", "beta", "discrete", "risk"};
        std::string kind;
        for (const std::string& k : kinds) {
            known_.insert(k);
            if (t_.get(k)) {
                if (!kind.empty())
                    r_.fail(*t_.get(k), key_path(k), "a distribution has one kind; found both '" + kind + "' and '" + k + "'");
                kind = k;
            }
        }
        if (kind.empty()) {
            std::string list;
            for (const std::string& k : kinds) list += (list.empty() ? "" : ", ") + k;
            // unknown keys first: a misspelt kind is the likely story
            for (auto&& [k, v] : t_) {
                const std::string written(k.str());
                std::string best;
                std::size_t best_d = std::string::npos;
                for (const std::string& c : kinds)
                    if (edit_distance(written, c) < best_d) best_d = edit_distance(written, c), best = c;
                if (best_d <= 2) r_.fail(position_of(k.source()), key_path(written), "unknown distribution; did you mean '" + best + "'?");
            }
            r_.fail(position_of(t_.source()), path_, "expected a number or a distribution with one of: " + list);
        }
        const toml::node& node = *get(kind);
        const std::string where = key_path(kind);
        auto numbers = [&](const toml::node& nd, const std::string& at, std::size_t count, const char* shape) {
            std::vector<double> v;
            if (count == 1 && nd.is_number()) return std::vector<double>{number_value(nd)};
            if (!nd.is_array()) r_.fail(nd, at, std::string("expected ") + shape + ", found " + describe_node(nd));
            for (const toml::node& e : *nd.as_array()) {
                if (!e.is_number()) r_.fail(e, at, std::string("expected ") + shape + ", found " + describe_node(e));
                v.push_back(number_value(e));
            }
            if (count && v.size() != count)
                r_.fail(nd, at, std::string("expected ") + shape + ", found " + std::to_string(v.size()) + " numbers");
            return v;
        };
        auto build = [&](auto&& make) -> Distribution {
            try {
                return make();
            } catch (const ParameterError& e) {
                r_.fail(node, where, e.what());
            }
        };
        Distribution d;
        if (kind == "fixed") {
            const auto v = numbers(node, where, 1, "a number");
            d = build([&] { return Distribution(Fixed(v[0])); });
        } else if (kind == "uniform") {
            const auto v = numbers(node, where, 2, "[lo, hi]");
            d = build([&] { return Distribution(Uniform(v[0], v[1])); });
        } else if (kind == "triangular") {
            const auto v = numbers(node, where, 3, "[lo, mode, hi]");
            d = build([&] { return Distribution(Triangular(v[0], v[1], v[2])); });
        } else if (kind == "pert") {
            const auto v = numbers(node, where, 3, "[lo, mode, hi]");
            const double lambda = number("lambda", 4.0);
            d = build([&] { return Distribution(Pert(v[0], v[1], v[2], lambda)); });
        } else if (kind == "normal") {
            const auto v = numbers(node, where, 2, "[mean, sd]");
            double lo = -detail::infinity, hi = detail::infinity;
            if (const toml::node* tr = get("truncate")) {
                const auto b = numbers(*tr, key_path("truncate"), 2, "[lo, hi] (use -inf or inf for an open end)");
                lo = b[0];
                hi = b[1];
                d = build([&] { return Distribution(Normal(v[0], v[1], lo, hi)); });
            } else {
                d = build([&] { return Distribution(Normal(v[0], v[1])); });
            }
        } else if (kind == "lognormal") {
            const auto v = numbers(node, where, 2, "[mu, sigma] of the underlying normal");
            d = build([&] { return Distribution(LogNormal(v[0], v[1])); });
        } else if (kind == "lognormal_range") {
            const auto v = numbers(node, where, 2, "[p5, p95], the 5th and 95th percentiles");
            d = build([&] { return Distribution(LogNormal::from_range(v[0], v[1])); });
        } else if (kind == "beta") {
            const auto v = numbers(node, where, 2, "[alpha, beta]");
            std::vector<double> range{0.0, 1.0};
            if (const toml::node* rg = get("range")) range = numbers(*rg, key_path("range"), 2, "[lo, hi]");
            d = build([&] { return Distribution(Beta(v[0], v[1], range[0], range[1])); });
        } else if (kind == "discrete") {
            const auto v = numbers(node, where, 0, "a list of values");
            const toml::node* pr = get("probabilities");
            if (!pr) missing("probabilities");
            const auto p = numbers(*pr, key_path("probabilities"), 0, "a list of probabilities");
            d = build([&] { return Distribution(Discrete(v, p)); });
        } else {  // risk
            const auto p = numbers(node, where, 1, "a probability");
            const toml::node* impact_node = get("impact");
            if (!impact_node) missing("impact");
            Distribution impact;
            if (impact_node->is_table()) {
                Table it(r_, *impact_node->as_table(), key_path("impact"));
                impact = *it.distribution().distribution;
                it.finish();
            } else {
                impact = Distribution(numbers(*impact_node, key_path("impact"), 1, "a number or a distribution")[0]);
            }
            d = build([&] { return Distribution(RiskEvent(p[0], impact)); });
        }
        const std::optional<double> base = number("base");
        try {
            return base ? Quantity(d, *base) : Quantity(d);
        } catch (const NumericError& e) {  // the default base, the median, overflows
            r_.fail(node, where, e.what());
        }
    }
    void quantity(const std::string& key, Quantity& target) {
        if (auto q = quantity(key)) target = *q;
    }
    Quantity required_quantity(const std::string& key) {
        auto q = quantity(key);
        if (!q) missing(key);
        return *q;
    }

    std::optional<std::int64_t> integer(const std::string& key) {
        const toml::node* n = get(key);
        if (!n) return std::nullopt;
        if (n->is_integer()) return *n->value<std::int64_t>();
        if (n->is_floating_point()) {
            const double v = number_value(*n);
            if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e15) return static_cast<std::int64_t>(v);
        }
        wrong_type(*n, key, "a whole number");
    }
    int integer_in(const std::string& key, int fallback, int lo, int hi, const std::string& what) {
        const toml::node* n = t_.get(key);
        auto v = integer(key);
        if (!v) return fallback;
        if (*v < lo || *v > hi)
            r_.fail(*n, key_path(key), "expected " + what + " from " + std::to_string(lo) + " to " + std::to_string(hi) +
                                            ", found " + std::to_string(*v));
        return static_cast<int>(*v);
    }

    std::optional<std::string> string(const std::string& key) {
        const toml::node* n = get(key);
        if (!n) return std::nullopt;
        if (!n->is_string()) wrong_type(*n, key, "a string");
        return *n->value<std::string>();
    }
    std::string string(const std::string& key, const std::string& fallback) { return string(key).value_or(fallback); }

    std::optional<bool> boolean(const std::string& key) {
        const toml::node* n = get(key);
        if (!n) return std::nullopt;
        if (!n->is_boolean()) wrong_type(*n, key, "true or false");
        return *n->value<bool>();
    }

    /// One of a fixed set of words.
    template <class Enum>
    Enum choice(const std::string& key, Enum fallback, const std::vector<std::pair<std::string, Enum>>& options) {
        const toml::node* n = get(key);
        if (!n) return fallback;
        std::string list;
        for (std::size_t k = 0; k < options.size(); ++k) list += (k ? ", \"" : "\"") + options[k].first + "\"";
        if (!n->is_string()) wrong_type(*n, key, "one of " + list);
        const std::string v = *n->value<std::string>();
        for (const auto& [name, value] : options)
            if (name == v) return value;
        r_.fail(*n, key_path(key), "expected one of " + list + ", found \"" + v + "\"");
    }

    std::optional<YearMonth> month(const std::string& key) {
        const toml::node* n = get(key);
        if (!n) return std::nullopt;
        if (!n->is_string()) wrong_type(*n, key, "a month as a string, \"YYYY-MM\"");
        try {
            return YearMonth::parse(*n->value<std::string>());
        } catch (const ParameterError& e) {
            r_.fail(*n, key_path(key), e.message());
        }
    }
    YearMonth required_month(const std::string& key) {
        auto m = month(key);
        if (!m) missing(key);
        return *m;
    }

    std::optional<Table> table(const std::string& key) {
        const toml::node* n = get(key);
        if (!n) return std::nullopt;
        if (!n->is_table()) wrong_type(*n, key, "a table");
        return Table(r_, *n->as_table(), key_path(key));
    }

    /// An array of tables ([[key]] or key = [ {...}, {...} ]); calls f(table) for each.
    template <class F>
    void each(const std::string& key, F&& f) {
        const toml::node* n = get(key);
        if (!n) return;
        if (!n->is_array()) wrong_type(*n, key, "an array of tables");
        const toml::array& arr = *n->as_array();
        for (std::size_t i = 0; i < arr.size(); ++i) {
            const std::string p = key_path(key) + "[" + std::to_string(i) + "]";
            if (!arr[i].is_table()) r_.fail(arr[i], p, "expected a table, found " + describe_node(arr[i]));
            r_.remember(p, arr[i]);
            Table t(r_, *arr[i].as_table(), p);
            f(t);
            t.finish();
        }
    }

    std::vector<std::string> strings(const std::string& key) {
        std::vector<std::string> out;
        const toml::node* n = get(key);
        if (!n) return out;
        if (n->is_string()) return {*n->value<std::string>()};
        if (!n->is_array()) wrong_type(*n, key, "a string or an array of strings");
        for (const toml::node& e : *n->as_array()) {
            if (!e.is_string()) r_.fail(e, key_path(key), "expected strings, found " + describe_node(e));
            out.push_back(*e.value<std::string>());
        }
        return out;
    }

    /// Rejects keys no getter asked for, suggesting the nearest known key.
    void finish() const {
        for (auto&& [k, v] : t_) {
            const std::string key(k.str());
            if (known_.count(key)) continue;
            std::string best;
            std::size_t best_d = std::string::npos;
            for (const std::string& candidate : known_) {
                const std::size_t d = edit_distance(key, candidate);
                if (d < best_d) best_d = d, best = candidate;
            }
            std::string message = "unknown key";
            if (!best.empty() && best_d <= std::max<std::size_t>(2, key.size() / 3))
                message += "; did you mean '" + best + "'?";
            else if (!known_.empty()) {
                message += "; expected one of:";
                for (const std::string& c : known_) message += " " + c;
            }
            r_.fail(position_of(k.source().begin.line ? k.source() : v.source()), key_path(key), message);
        }
    }

    const toml::table& raw() const { return t_; }
    Reader& reader() { return r_; }
    const std::string& path() const { return path_; }

private:
    Reader& r_;
    const toml::table& t_;
    std::string path_;
    std::set<std::string> known_;
};

void read_timing(Table& t, BenefitTiming& b) {
    t.quantity("lag_months", b.lag_months);
    t.quantity("ramp_months", b.ramp_months);
    t.quantity("attribution_share", b.attribution_share);
}

template <class Line, class F>
void read_benefit(Table& benefits, const std::string& key, std::optional<Line>& target, F&& fields) {
    if (auto t = benefits.table(key)) {
        Line line;
        read_timing(*t, line);
        fields(*t, line);
        t->finish();
        target = std::move(line);
    }
}

Scenario read_document(Reader& reader, const toml::table& doc) {
    if (doc.empty()) reader.fail(Position{}, "", "the scenario is empty; see docs/scenario-format.md for the keys it needs");
    Scenario s;
    Table root(reader, doc, "");

    auto head = root.table("scenario");
    if (!head) root.missing("scenario");
    if (auto name = head->string("name")) s.name = *name;
    s.description = head->string("description", "");
    s.currency = head->string("currency", s.currency);
    s.start = head->required_month("start");
    s.horizon_months = head->integer_in("horizon_months", s.horizon_months, 1, max_horizon_months, "a number of months");
    s.discount_rate = head->required_quantity("discount_rate");
    s.reinvestment_rate = head->quantity("reinvestment_rate");
    s.cash_flows_at_month_start =
        head->choice<bool>("cash_flow_timing", false, {{"end", false}, {"start", true}});
    head->finish();

    if (auto fy = root.table("fiscal_year")) {
        const int start_month = fy->integer_in("start_month", 1, 1, 12, "a month number");
        const FiscalYearNaming naming = fy->choice<FiscalYearNaming>(
            "named_by", FiscalYearNaming::by_end_year,
            {{"end", FiscalYearNaming::by_end_year}, {"start", FiscalYearNaming::by_start_year}});
        s.fiscal_calendar = FiscalCalendar(start_month, naming);
        fy->finish();
    }

    root.each("segments", [&](Table& t) {
        Segment g;
        g.name = t.string("name", "segment " + std::to_string(s.segments.size() + 1));
        g.headcount = t.required_quantity("headcount");
        t.quantity("annual_growth", g.annual_growth);
        t.quantity("annual_attrition", g.annual_attrition);
        t.quantity("annual_salary", g.annual_salary);
        t.quantity("replacement_cost_share", g.replacement_cost_share);
        t.quantity("eligible_share", g.eligible_share);
        s.segments.push_back(std::move(g));
    });

    if (auto a = root.table("adoption")) {
        s.adoption.model = a->choice<AdoptionModel>("model", AdoptionModel::logistic,
                                                   {{"logistic", AdoptionModel::logistic}, {"bass", AdoptionModel::bass}});
        s.adoption.ceiling = a->number("ceiling", 1.0);
        a->each("milestones", [&](Table& m) {
            Milestone ms{m.required_month("date"), m.required_number("share")};
            s.adoption.milestones.push_back(ms);
        });
        a->quantity("delay_months", s.adoption.delay_months);
        s.adoption.launch = a->month("launch");
        s.adoption.bass_p = a->number("bass_p");
        s.adoption.bass_q = a->number("bass_q");
        a->finish();
    } else {
        root.missing("adoption");
    }

    if (auto t = root.table("issuing")) {
        t->quantity("credentials_per_earner_per_year", s.credentials_per_earner_per_year);
        t->finish();
    }

    if (auto c = root.table("costs")) {
        c->each("one_off", [&](Table& t) {
            OneOffCost o;
            o.name = t.string("name", "");
            o.amount = t.required_quantity("amount");
            t.quantity("quantity", o.quantity);
            o.date = t.required_month("date");
            s.costs.one_off.push_back(std::move(o));
        });
        c->each("recurring", [&](Table& t) {
            RecurringCost o;
            o.name = t.string("name", "");
            o.annual = t.required_quantity("annual");
            t.quantity("annual_escalation", o.annual_escalation);
            o.billing = t.choice<Billing>("billing", Billing::monthly,
                                          {{"monthly", Billing::monthly}, {"annually_in_advance", Billing::annually_in_advance}});
            o.start = t.month("start");
            o.end = t.month("end");
            s.costs.recurring.push_back(std::move(o));
        });
        c->each("staff", [&](Table& t) {
            StaffCost o;
            o.name = t.string("name", "");
            o.fte = t.required_quantity("fte");
            o.annual_loaded_cost = t.required_quantity("annual_loaded_cost");
            t.quantity("annual_escalation", o.annual_escalation);
            o.start = t.month("start");
            o.end = t.month("end");
            s.costs.staff.push_back(std::move(o));
        });
        c->each("vendors", [&](Table& t) {
            VendorContract v;
            v.name = t.string("name", "");
            v.contract_start = t.required_month("contract_start");
            v.end = t.month("end");
            v.unit = t.choice<VolumeUnit>("unit", VolumeUnit::credentials,
                                          {{"credentials", VolumeUnit::credentials}, {"recipients", VolumeUnit::recipients}});
            v.pricing = t.choice<TierPricing>("pricing", TierPricing::graduated,
                                              {{"graduated", TierPricing::graduated}, {"all_units", TierPricing::all_units}});
            t.each("tiers", [&](Table& tier) {
                PriceTier p;
                p.up_to = tier.number("up_to");
                p.unit_price = tier.number("unit_price", 0.0);
                p.flat_fee = tier.number("flat_fee", 0.0);
                v.tiers.push_back(p);
            });
            if (v.tiers.empty()) {
                if (const toml::node* n = t.raw().get("tiers")) t.reader().fail(*n, t.key_path("tiers"), "expected at least one tier, found none");
                t.missing("tiers");
            }
            t.quantity("annual_escalation", v.annual_escalation);
            t.quantity("price_multiplier", v.price_multiplier);
            t.quantity("discount_share", v.discount_share);
            s.costs.vendors.push_back(std::move(v));
        });
        c->each("quality_reviews", [&](Table& t) {
            QualityReview q;
            q.name = t.string("name", "");
            q.first_date = t.required_month("first_date");
            q.initial = t.required_quantity("initial");
            t.quantity("surveillance", q.surveillance);
            t.quantity("recertification", q.recertification);
            q.cycle_years = t.integer_in("cycle_years", 3, 1, 50, "a number of years");
            t.quantity("annual_escalation", q.annual_escalation);
            s.costs.quality_reviews.push_back(std::move(q));
        });
        if (auto t = c->table("staff_time")) {
            StaffTimePerCredential st;
            t->quantity("minutes_per_credential", st.minutes_per_credential);
            t->quantity("hourly_cost", st.hourly_cost);
            t->finish();
            s.costs.staff_time = st;
        }
        c->quantity("contingency_share", s.costs.contingency_share);
        c->finish();
    }

    if (auto b = root.table("benefits")) {
        read_benefit(*b, "paper", s.benefits.paper, [](Table& t, PaperBenefit& l) {
            l.certificates_per_year = t.required_quantity("certificates_per_year");
            t.quantity("print_cost", l.print_cost);
            t.quantity("postage_cost", l.postage_cost);
            t.quantity("handling_minutes", l.handling_minutes);
            t.quantity("hourly_cost", l.hourly_cost);
            t.quantity("reissue_share", l.reissue_share);
        });
        read_benefit(*b, "verification", s.benefits.verification, [](Table& t, VerificationBenefit& l) {
            l.requests_per_year = t.required_quantity("requests_per_year");
            t.quantity("minutes_per_request", l.minutes_per_request);
            t.quantity("hourly_cost", l.hourly_cost);
        });
        read_benefit(*b, "retention", s.benefits.retention, [](Table& t, RetentionBenefit& l) {
            l.relative_attrition_reduction = t.required_quantity("relative_attrition_reduction");
        });
        read_benefit(*b, "productivity", s.benefits.productivity, [](Table& t, ProductivityBenefit& l) {
            l.uplift_share_of_salary = t.required_quantity("uplift_share_of_salary");
        });
        read_benefit(*b, "internal_mobility", s.benefits.internal_mobility, [](Table& t, InternalMobilityBenefit& l) {
            l.internal_fills_per_100_earners_per_year = t.required_quantity("internal_fills_per_100_earners_per_year");
            l.saving_per_internal_fill = t.required_quantity("saving_per_internal_fill");
        });
        read_benefit(*b, "onboarding", s.benefits.onboarding, [](Table& t, OnboardingBenefit& l) {
            l.days_saved_per_hire = t.required_quantity("days_saved_per_hire");
            t.quantity("working_days_per_year", l.working_days_per_year);
        });
        read_benefit(*b, "credential_fees", s.benefits.credential_fees, [](Table& t, CredentialFeeBenefit& l) {
            l.fee_per_credential = t.required_quantity("fee_per_credential");
            t.quantity("paying_share", l.paying_share);
        });
        read_benefit(*b, "member_retention", s.benefits.member_retention, [](Table& t, MemberRetentionBenefit& l) {
            l.renewal_rate_uplift = t.required_quantity("renewal_rate_uplift");
            l.value_per_retained_member = t.required_quantity("value_per_retained_member");
        });
        read_benefit(*b, "enrolments", s.benefits.enrolments, [](Table& t, EnrolmentBenefit& l) {
            l.enrolments_per_100_earners_per_year = t.required_quantity("enrolments_per_100_earners_per_year");
            l.net_revenue_per_enrolment = t.required_quantity("net_revenue_per_enrolment");
        });
        b->each("other", [&](Table& t) {
            OtherBenefit o;
            o.name = t.string("name", "");
            read_timing(t, o);
            o.annual = t.required_quantity("annual");
            o.scales_with_adoption = t.boolean("scales_with_adoption").value_or(true);
            s.benefits.other.push_back(std::move(o));
        });
        b->finish();
    }

    if (auto t = root.table("budget")) {
        Budget g;
        g.annual = t->quantity("annual");
        t->quantity("annual_escalation", g.annual_escalation);
        if (auto by = t->table("by_fiscal_year")) {
            for (auto&& [k, v] : by->raw()) {
                const std::string label(k.str());
                if (auto amount = by->number(label)) g.by_fiscal_year[label] = *amount;
            }
            by->finish();
        }
        t->quantity("extension_per_earner", g.extension_per_earner);
        t->quantity("extension_per_credential", g.extension_per_credential);
        g.extension_cap = t->quantity("extension_cap");
        t->finish();
        s.budget = std::move(g);
    }

    root.each("correlations", [&](Table& t) {
        const auto names = t.strings("inputs");
        if (names.size() != 2) {
            const toml::node* n = t.raw().get("inputs");
            if (!n) t.missing("inputs");
            t.reader().fail(*n, t.key_path("inputs"), "expected two input key paths, found " + std::to_string(names.size()));
        }
        auto rank = t.number("rank");
        if (!rank) t.missing("rank");
        s.correlations.push_back({names[0], names[1], *rank});
    });

    if (auto t = root.table("stakeholders")) {
        s.stakeholders.sponsor = t->string("sponsor", "");
        s.stakeholders.decision_makers = t->strings("decision_makers");
        s.stakeholders.approvers = t->strings("approvers");
        s.stakeholders.champions = t->strings("champions");
        s.stakeholders.contract_signatory = t->string("contract_signatory", "");
        t->finish();
    }
    root.finish();

    // One validation for every front door: the model's own. Its errors carry
    // a key path, which we place in the file.
    try {
        Model check(s);
        check.evaluate();  // some checks need the volumes the base case produces (vendor quota tiers)
    } catch (const ParameterError& e) {
        reader.fail(reader.find(e.path()), e.path(), e.message());
    } catch (const NumericError& e) {
        reader.fail(Position{}, "", e.what());
    }
    return s;
}

toml::table to_toml(const nlohmann::json& j, const std::string& path, const std::string& source, int depth = 0);

// The same limit as toml++'s parser (TOML_MAX_NESTED_VALUES): the conversion
// recurses, and a hostile document must not exhaust the stack.
constexpr int max_json_depth = 256;

void check_depth(int depth, const std::string& path, const std::string& source) {
    if (depth > max_json_depth)
        throw ScenarioError(source, 0, 0, path, "nested more than " + std::to_string(max_json_depth) + " levels deep");
}

/// An integer that fits int64 stays an integer (whole-number keys need one);
/// a larger unsigned one becomes a double instead of wrapping around.
bool is_int64(const nlohmann::json& e) {
    return e.is_number_integer() &&
           (!e.is_number_unsigned() || e.get<std::uint64_t>() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()));
}

toml::array to_toml_array(const nlohmann::json& j, const std::string& path, const std::string& source, int depth) {
    check_depth(depth, path, source);
    toml::array a;
    std::size_t i = 0;
    for (const auto& e : j) {
        const std::string p = path + "[" + std::to_string(i++) + "]";
        if (e.is_object()) a.push_back(to_toml(e, p, source, depth + 1));
        else if (e.is_array()) a.push_back(to_toml_array(e, p, source, depth + 1));
        else if (e.is_boolean()) a.push_back(e.get<bool>());
        else if (is_int64(e)) a.push_back(e.get<std::int64_t>());
        else if (e.is_number()) a.push_back(e.get<double>());
        else if (e.is_string()) a.push_back(e.get<std::string>());
        else throw ScenarioError(source, 0, 0, p, "expected a number, string, boolean, list or dict, found null");
    }
    return a;
}

toml::table to_toml(const nlohmann::json& j, const std::string& path, const std::string& source, int depth) {
    check_depth(depth, path, source);
    if (!j.is_object()) throw ScenarioError(source, 0, 0, path, "expected a dict");
    toml::table t;
    for (const auto& [k, v] : j.items()) {
        const std::string p = path.empty() ? k : path + "." + k;
        if (v.is_object()) t.insert(k, to_toml(v, p, source, depth + 1));
        else if (v.is_array()) t.insert(k, to_toml_array(v, p, source, depth + 1));
        else if (v.is_boolean()) t.insert(k, v.get<bool>());
        else if (is_int64(v)) t.insert(k, v.get<std::int64_t>());
        else if (v.is_number()) t.insert(k, v.get<double>());
        else if (v.is_string()) t.insert(k, v.get<std::string>());
        else throw ScenarioError(source, 0, 0, p, "expected a number, string, boolean, list or dict, found None/null");
    }
    return t;
}

}  // namespace

Scenario read_scenario_string(const std::string& text, const std::string& source_name) {
    Reader reader(source_name);
    toml::table doc;
    try {
        doc = toml::parse(text, source_name);
    } catch (const toml::parse_error& e) {
        reader.fail(position_of(e.source()), "", "not valid TOML: " + std::string(e.description()));
    }
    return read_document(reader, doc);
}

Scenario read_scenario_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ScenarioError(path, 0, 0, "", "cannot open the file (does it exist, and may it be read?)");
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) throw ScenarioError(path, 0, 0, "", "cannot read the file");
    return read_scenario_string(text.str(), path);
}

Scenario read_scenario_json(const std::string& json_text, const std::string& source_name) {
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(json_text);
    } catch (const nlohmann::json::exception& e) {
        // parse_error, and out_of_range for a number beyond a double (1e999), found by fuzzing
        throw ScenarioError(source_name, 0, 0, "", std::string("not valid JSON: ") + e.what());
    }
    Reader reader(source_name);
    const toml::table doc = to_toml(j, "", source_name);
    return read_document(reader, doc);
}

}  // namespace credroi
