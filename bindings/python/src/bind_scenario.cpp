// credroi.Scenario (from a file, TOML text or a dict) and its base case,
// credroi.Evaluation. A dict goes the documented way: Python objects -> JSON
// text -> credroi::read_scenario_json, so it meets exactly the checks and
// messages of a scenario file (key paths, no line numbers).
#include "bindings.hpp"

#include <credroi/model.hpp>
#include <credroi/output.hpp>
#include <credroi/scenario_file.hpp>
#include <credroi/simulation.hpp>
#include <credroi/status_quo.hpp>

#include <nlohmann/json.hpp>
#include <pybind11/stl.h>

#include <cmath>
#include <cstdint>
#include <iomanip>
#include <limits>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace credroi::python {

namespace {

using json = nlohmann::json;

std::string type_name(py::handle o) { return py::str(py::type::handle_of(o).attr("__name__")); }

bool is_distribution(py::handle o) {
    return py::isinstance<Fixed>(o) || py::isinstance<Uniform>(o) || py::isinstance<Triangular>(o) ||
           py::isinstance<Pert>(o) || py::isinstance<Normal>(o) || py::isinstance<LogNormal>(o) ||
           py::isinstance<Beta>(o) || py::isinstance<Discrete>(o) || py::isinstance<RiskEvent>(o);
}

/// Python objects to JSON, naming any value JSON cannot carry by its key path.
class DictToJson {
public:
    explicit DictToJson(std::string source)
        : source_(std::move(source)),
          mapping_(py::module_::import("collections.abc").attr("Mapping")),
          sequence_(py::module_::import("collections.abc").attr("Sequence")),
          date_(py::module_::import("datetime").attr("date")) {}

    json convert(py::handle o, const std::string& path, bool open_ends = false) const {
        if (o.is_none()) fail(path, "expected a number, string, boolean, list or dict, found None");
        if (py::isinstance<py::bool_>(o)) return o.cast<bool>();
        if (py::isinstance<py::int_>(o)) {
            try {
                return o.cast<std::int64_t>();
            } catch (const py::cast_error&) {
                fail(path, "expected a number, found an integer too large for 64 bits: " + std::string(py::repr(o)));
            }
        }
        if (py::isinstance<py::float_>(o)) return number(o.cast<double>(), path, open_ends);
        if (py::isinstance<py::str>(o)) return o.cast<std::string>();
        if (is_distribution(o)) return convert(o.attr("to_dict")(), path);
        if (py::isinstance(o, mapping_)) {
            json j = json::object();
            for (py::handle item : o.attr("items")()) {
                const auto kv = py::reinterpret_borrow<py::tuple>(item);
                if (!py::isinstance<py::str>(kv[0]))
                    fail(path, "expected string keys, found the " + type_name(kv[0]) + " key " + std::string(py::repr(kv[0])));
                const auto key = kv[0].cast<std::string>();
                // JSON has no infinity; an open end of a truncation travels as
                // the largest double, which bounds nothing that is not infinite.
                j[key] = convert(kv[1], path.empty() ? key : path + "." + key, key == "truncate");
            }
            return j;
        }
        if (py::isinstance(o, date_))
            fail(path, "expected a month as a string like \"2026-04\", found " + std::string(py::repr(o)));
        if (py::hasattr(o, "dtype") && py::hasattr(o, "tolist"))  // NumPy arrays and scalars
            return convert(o.attr("tolist")(), path, open_ends);
        if (py::isinstance(o, sequence_) && !py::isinstance<py::bytes>(o)) {
            json j = json::array();
            std::size_t i = 0;
            for (py::handle e : o) j.push_back(convert(e, path + "[" + std::to_string(i++) + "]", open_ends));
            return j;
        }
        fail(path, "expected a number, string, boolean, list or dict, found " + type_name(o));
    }

private:
    json number(double v, const std::string& path, bool open_end) const {
        if (std::isfinite(v)) return v;
        if (open_end && std::isinf(v)) return v > 0 ? std::numeric_limits<double>::max() : -std::numeric_limits<double>::max();
        fail(path, "expected a finite number, found " + detail::describe(v));
    }
    [[noreturn]] void fail(const std::string& path, const std::string& message) const {
        throw ScenarioError(source_, 0, 0, path, message);
    }

    std::string source_;
    py::object mapping_, sequence_, date_;
};

std::string fspath(const py::object& path) { return py::module_::import("os").attr("fspath")(path).cast<std::string>(); }

py::object optional_number(const std::optional<double>& v) { return v ? py::object(py::float_(*v)) : py::object(py::none()); }

std::vector<std::string> month_labels(const std::vector<YearMonth>& months) {
    std::vector<std::string> out;
    out.reserve(months.size());
    for (const YearMonth& m : months) out.push_back(m.to_string());
    return out;
}

Evaluation evaluate_with(const Model& model, const std::optional<std::map<std::string, double>>& values) {
    if (!values) return model.evaluate();
    const Eigen::ArrayXXd base = model.base_inputs();
    std::vector<double> x(base.data(), base.data() + base.size());
    for (const auto& [path, value] : *values) {
        const std::optional<int> k = model.input_index(path);
        if (!k) throw ParameterError("values", "no input '" + path + "' in this scenario (Scenario.inputs lists them)");
        const Input& input = model.inputs()[static_cast<std::size_t>(*k)];
        detail::check_domain(path, value, input.domain);
        x[static_cast<std::size_t>(*k)] = value;
    }
    return model.evaluate(x);
}

std::string describe_model(const Model& model) {
    const Scenario& s = model.scenario();
    std::ostringstream os;
    os << "<credroi.Scenario '" << s.name << "': " << s.horizon_months << " months from " << s.start.to_string() << ", "
       << model.inputs().size() << " inputs, " << model.uncertain_inputs().size() << " uncertain>";
    return os.str();
}

std::string describe_evaluation(const Evaluation& e) {
    std::ostringstream os;
    os << std::fixed << std::setprecision(0) << "<credroi.Evaluation '" << e.scenario_name << "': NPV " << e.metrics.npv
       << " " << e.currency << std::setprecision(1);
    if (e.metrics.irr) os << ", IRR " << *e.metrics.irr * 100 << " %";
    if (e.metrics.payback_months) os << ", payback " << *e.metrics.payback_months << " months";
    os << ">";
    return os.str();
}

}  // namespace

/// Metrics under the names and with the None conventions of the JSON output (docs/output-format.md).
py::dict metrics_dict(const Metrics& m) {
    py::dict d;
    d["npv"] = m.npv;
    d["pv_costs"] = m.pv_costs;
    d["pv_benefits"] = m.pv_benefits;
    d["roi"] = optional_number(m.roi);
    d["bcr"] = optional_number(m.bcr);
    d["irr"] = optional_number(m.irr);
    d["irr_status"] = std::string(to_string(m.irr_status));
    d["irr_all"] = m.irr_all;
    d["mirr"] = optional_number(m.mirr);
    d["payback_months"] = optional_number(m.payback_months);
    d["discounted_payback_months"] = optional_number(m.discounted_payback_months);
    d["break_even_month"] = m.break_even_month ? py::object(py::str(m.break_even_month->to_string())) : py::object(py::none());
    d["total_costs"] = m.total_costs;
    d["total_benefits"] = m.total_benefits;
    d["total_net"] = m.total_net;
    d["total_credentials"] = m.total_credentials;
    d["peak_earners"] = m.peak_earners;
    d["cost_per_credential"] = optional_number(m.cost_per_credential);
    d["cost_per_earner"] = optional_number(m.cost_per_earner);
    d["total_shortfall"] = m.total_shortfall;
    return d;
}

void bind_scenario(py::module_& m) {
    py::class_<Evaluation> evaluation(m, "Evaluation", R"pbdoc(The deterministic result of one set of input values (the base case by default).

Every number comes from the same engine as ``credroi run``; the formulas are
in docs/model.md. Amounts are in the scenario's currency, undiscounted unless
the name says ``pv``; rates and shares are fractions.

Attributes
----------
metrics : dict
    NPV, IRR, ROI, payback ... under the names of the JSON output
    (docs/output-format.md). A metric that does not exist is None
    (``irr`` when the net flows never change sign, ``payback_months`` when
    the programme does not pay back within the horizon), never a made-up
    number.
monthly : pandas.DataFrame
    One row per month (index: ``"YYYY-MM"``); the columns of
    ``credroi run --format csv``: totals, drivers, then ``"cost: <line>"``
    and ``"benefit: <line>"``.
fiscal_years : pandas.DataFrame
    One row per fiscal year (index: ``"FY2027"``): costs, benefits, net,
    budget, shortfall and every line.
cost_lines, benefit_lines : pandas.DataFrame
    Month by month, one column per line.
series : dict of numpy.ndarray
    The monthly totals and drivers as read-only arrays (no copy).)pbdoc");
    evaluation
        .def_property_readonly("scenario_name", [](const Evaluation& e) { return e.scenario_name; }, "Name of the scenario evaluated.")
        .def_property_readonly("currency", [](const Evaluation& e) { return e.currency; }, "Currency of every amount.")
        .def_property_readonly("discount_rate", [](const Evaluation& e) { return e.discount_rate; },
                               "Annual discount rate used.")
        .def_property_readonly("months", [](const Evaluation& e) { return month_labels(e.months); },
                               "Month labels ``\"YYYY-MM\"`` of the horizon.")
        .def_property_readonly("metrics", [](const Evaluation& e) { return metrics_dict(e.metrics); },
                               "The metrics as a dict (names and None conventions of docs/output-format.md).")
        .def_property_readonly(
            "series",
            [](const py::object& self) {
                const auto& e = self.cast<const Evaluation&>();
                py::dict d;
                d["costs"] = readonly_view(e.costs, self);
                d["benefits"] = readonly_view(e.benefits, self);
                d["net"] = readonly_view(e.net, self);
                d["cumulative_net"] = readonly_view(e.cumulative_net, self);
                d["discount_factor"] = readonly_view(e.discount_factors, self);
                d["population"] = readonly_view(e.population, self);
                d["adoption"] = readonly_view(e.adoption, self);
                d["earners"] = readonly_view(e.earners, self);
                d["credentials"] = readonly_view(e.credentials, self);
                return d;
            },
            R"pbdoc(Monthly totals and drivers as read-only NumPy arrays viewing the result (no copy).

Keys: costs, benefits, net, cumulative_net, discount_factor, population,
adoption (share of the eligible population), earners, credentials.)pbdoc")
        .def_property_readonly(
            "line_arrays",
            [](const py::object& self) {
                const auto& e = self.cast<const Evaluation&>();
                py::list out;
                for (const MonthlyLine& l : e.cost_lines) out.append(py::make_tuple("cost", l.name, l.kind, readonly_view(l.monthly, self)));
                for (const MonthlyLine& l : e.benefit_lines)
                    out.append(py::make_tuple("benefit", l.name, l.kind, readonly_view(l.monthly, self)));
                return out;
            },
            R"pbdoc(Every cost and benefit line as ``(side, name, kind, array)``.

``side`` is ``"cost"`` or ``"benefit"``; ``kind`` says where the line comes
from (``"one_off"``, ``"recurring"``, ``"vendor"``, ... or the benefit's key);
the array holds the monthly amounts (read-only, no copy).)pbdoc")
        .def_property_readonly(
            "fiscal_year_records",
            [](const Evaluation& e) {
                py::list out;
                for (const FiscalYearResult& f : e.fiscal_years) {
                    py::dict d;
                    d["label"] = f.label;
                    d["fiscal_year"] = f.fiscal_year;
                    d["first_month"] = e.months[static_cast<std::size_t>(f.first_month_index)].to_string();
                    d["months"] = f.month_count;
                    d["costs"] = f.costs;
                    d["benefits"] = f.benefits;
                    d["net"] = f.net;
                    d["cumulative_net"] = f.cumulative_net;
                    d["budget"] = optional_number(f.budget);
                    d["shortfall"] = optional_number(f.shortfall);
                    py::dict costs, benefits;
                    for (std::size_t k = 0; k < f.costs_by_line.size(); ++k) costs[py::str(e.cost_lines[k].name)] = f.costs_by_line[k];
                    for (std::size_t k = 0; k < f.benefits_by_line.size(); ++k)
                        benefits[py::str(e.benefit_lines[k].name)] = f.benefits_by_line[k];
                    d["costs_by_line"] = costs;
                    d["benefits_by_line"] = benefits;
                    out.append(d);
                }
                return out;
            },
            "Fiscal years as a list of dicts, with the fields of the JSON output's ``fiscal_years``.")
        .def("__repr__", &describe_evaluation);

    ScenarioClass scenario(m, "Scenario", R"pbdoc(A validated scenario: a programme's costs, benefits, adoption and budget.

Create one with ``Scenario.from_file``, ``Scenario.from_dict`` or
``Scenario.from_toml``; the format is docs/scenario-format.md. Bad input
raises ``ScenarioError`` with the message the command line prints.

Examples
--------
>>> s = credroi.Scenario.from_file("examples/corporate-ld.toml")   # doctest: +SKIP
>>> base = s.evaluate()                                             # doctest: +SKIP
>>> base.metrics["npv"], base.metrics["irr"]                        # doctest: +SKIP
>>> sim = s.simulate(trials=10_000, seed=1)                         # doctest: +SKIP
>>> sim.summary()                                                   # doctest: +SKIP)pbdoc");
    scenario
        .def_static(
            "from_file",
            [](const py::object& path) {
                const std::string p = fspath(path);
                py::gil_scoped_release release;
                return std::make_shared<Model>(read_scenario_file(p));
            },
            py::arg("path"),
            R"pbdoc(Reads and validates a scenario file (TOML).

Parameters
----------
path : str or os.PathLike

Returns
-------
Scenario

Raises
------
ScenarioError
    The file cannot be read, is not valid TOML, has an unknown key or a value
    out of range: ``file:line:column: key.path: message``, the same text as
    ``credroi validate``.)pbdoc")
        .def_static(
            "from_toml",
            [](const std::string& text, const std::string& source_name) {
                py::gil_scoped_release release;
                return std::make_shared<Model>(read_scenario_string(text, source_name));
            },
            py::arg("text"), py::arg("source_name") = "<string>",
            R"pbdoc(Reads and validates a scenario from TOML text.

Parameters
----------
text : str
    The scenario, in the format of a scenario file.
source_name : str, default "<string>"
    Stands for the file name in error messages.

Returns
-------
Scenario

Raises
------
ScenarioError
    As for ``from_file``.)pbdoc")
        .def_static(
            "from_dict",
            [](const py::object& d, const std::string& source_name) {
                const std::string text = DictToJson(source_name).convert(d, "").dump();
                py::gil_scoped_release release;
                return std::make_shared<Model>(read_scenario_json(text, source_name));
            },
            py::arg("d"), py::arg("source_name") = "<dict>",
            R"pbdoc(Reads and validates a scenario given as a dict with the schema of a scenario file.

Tables are dicts, arrays of tables are lists of dicts, months are strings
``"YYYY-MM"``; a dict loaded from a scenario file with ``tomllib`` works
as it is. An uncertain value may be written as in a file
(``{"pert": [20000, 30000, 60000]}``) or as a distribution object
(``credroi.Pert(20000, 30000, 60000)``). NumPy numbers and arrays are
accepted; None, NaN, dates and other objects are errors.

Parameters
----------
d : Mapping
    The scenario.
source_name : str, default "<dict>"
    Stands for the file name in error messages.

Returns
-------
Scenario

Raises
------
ScenarioError
    ``<dict>: key.path: message``, with the key paths and messages of a
    scenario file (no line or column).

Examples
--------
>>> s = credroi.Scenario.from_dict({
...     "scenario": {"name": "tiny", "start": "2026-01", "horizon_months": 12, "discount_rate": 0.0},
...     "segments": [{"name": "staff", "headcount": 100}],
...     "adoption": {"milestones": [{"date": "2026-03", "share": 0.1}, {"date": "2026-09", "share": 0.5}]},
...     "costs": {"one_off": [{"name": "set-up", "amount": 1200, "date": "2026-01"}]},
...     "benefits": {"other": [{"name": "savings", "annual": 2400, "scales_with_adoption": False}]},
... })
>>> s.evaluate().metrics["total_net"]
1200.0)pbdoc")
        .def_property_readonly("name", [](const Model& s) { return s.scenario().name; }, "``scenario.name``.")
        .def_property_readonly("description", [](const Model& s) { return s.scenario().description; }, "``scenario.description``.")
        .def_property_readonly("currency", [](const Model& s) { return s.scenario().currency; },
                               "Label of every amount (no conversion).")
        .def_property_readonly("start", [](const Model& s) { return s.scenario().start.to_string(); },
                               "First month of the model, ``\"YYYY-MM\"``.")
        .def_property_readonly("horizon_months", [](const Model& s) { return s.scenario().horizon_months; },
                               "Length of the model in months.")
        .def_property_readonly(
            "months",
            [](const Model& s) {
                std::vector<std::string> out;
                for (int i = 0; i < s.horizon_months(); ++i) out.push_back(s.scenario().start.plus_months(i).to_string());
                return out;
            },
            "Month labels ``\"YYYY-MM\"`` of the horizon.")
        .def_property_readonly("cash_flow_timing",
                               [](const Model& s) { return s.scenario().cash_flows_at_month_start ? "start" : "end"; },
                               "``\"end\"`` or ``\"start\"``: when monthly cash flows fall.")
        .def_property_readonly("discount_rate", [](const Model& s) { return s.scenario().discount_rate.value; },
                               "Annual discount rate of the base case.")
        .def_property_readonly("fiscal_year_start_month", [](const Model& s) { return s.scenario().fiscal_calendar.start_month(); },
                               "Calendar month (1-12) in which each fiscal year starts.")
        .def_property_readonly(
            "fiscal_years",
            [](const Model& s) {
                std::vector<std::string> out;
                for (const FiscalPeriod& p : s.fiscal_years()) out.push_back(p.label);
                return out;
            },
            "Labels of the fiscal years the horizon touches (``\"FY2027\"``, ...).")
        .def_property_readonly("adoption_model",
                               [](const Model& s) { return s.scenario().adoption.model == AdoptionModel::bass ? "bass" : "logistic"; },
                               "Shape of the adoption S-curve: ``\"logistic\"`` or ``\"bass\"``.")
        .def_property_readonly("adoption_ceiling", [](const Model& s) { return s.scenario().adoption.ceiling; },
                               "Highest adoption share the S-curve approaches.")
        .def_property_readonly(
            "milestones",
            [](const Model& s) {
                py::list out;
                for (const Milestone& ms : s.scenario().adoption.milestones) out.append(py::make_tuple(ms.date.to_string(), ms.share));
                return out;
            },
            R"pbdoc(The adoption milestones as ``(month, share)`` tuples: ``share`` of the
eligible population actively earning by the end of ``month``.)pbdoc")
        .def_property_readonly(
            "status_quo",
            [](const Model& s) {
                const StatusQuo q = status_quo(s.scenario());
                py::list attrition;
                for (const SegmentAttrition& a : q.attrition) {
                    py::dict d;
                    d["name"] = a.name;
                    d["headcount"] = a.headcount;
                    d["annual_attrition"] = a.annual_attrition;
                    d["leavers_per_year"] = a.leavers_per_year;
                    d["replacement_cost_per_leaver"] = a.replacement_cost_per_leaver;
                    d["cost_per_year"] = a.cost_per_year;
                    attrition.append(d);
                }
                py::dict d;
                d["attrition"] = attrition;
                d["attrition_cost_per_year"] = q.attrition_cost_per_year;
                d["paper_unit_cost"] = optional_number(q.paper_unit_cost);
                d["paper_cost_per_year"] = optional_number(q.paper_cost_per_year);
                d["verification_cost_per_year"] = optional_number(q.verification_cost_per_year);
                return d;
            },
            R"pbdoc(What the problems the programme addresses cost a year today, before it, at
the base values (``credroi::status_quo``, the report's Need section):
``attrition`` (per segment: ``name``, ``headcount``, ``annual_attrition``,
``leavers_per_year``, ``replacement_cost_per_leaver``, ``cost_per_year``),
``attrition_cost_per_year``, ``paper_unit_cost``, ``paper_cost_per_year`` and
``verification_cost_per_year`` (None without that benefit).)pbdoc")
        .def_property_readonly(
            "launch",
            [](const Model& s) {
                const auto& l = s.scenario().adoption.launch;
                return l ? py::object(py::str(l->to_string())) : py::object(py::none());
            },
            "Month the programme opens (``\"YYYY-MM\"``), or None.")
        .def_property_readonly("has_budget", [](const Model& s) { return s.scenario().budget.has_value(); },
                               "True when the scenario has a ``[budget]``.")
        .def_property_readonly(
            "input_records",
            [](const Model& s) {
                py::list out;
                for (const Input& in : s.inputs()) {
                    py::dict d;
                    d["path"] = in.path;
                    d["base"] = in.base;
                    d["uncertain"] = in.uncertain();
                    d["distribution"] = in.distribution ? to_python(*in.distribution) : py::object(py::none());
                    out.append(d);
                }
                return out;
            },
            R"pbdoc(Every number of the scenario as a dict: path (key path, as error
messages write it), base (base-case value), uncertain, distribution (a
distribution object, or None for a fixed number).)pbdoc")
        .def_property_readonly(
            "uncertain_inputs",
            [](const Model& s) {
                std::vector<std::string> out;
                for (int k : s.uncertain_inputs()) out.push_back(s.inputs()[static_cast<std::size_t>(k)].path);
                return out;
            },
            "Key paths of the uncertain inputs, in the order of ``SimulationResult.trial_inputs`` columns.")
        .def_property_readonly("cost_line_names", [](const Model& s) { return s.cost_line_names(); }, "Names of the cost lines.")
        .def_property_readonly("benefit_line_names", [](const Model& s) { return s.benefit_line_names(); },
                               "Names of the benefit lines.")
        .def_property_readonly(
            "correlations",
            [](const Model& s) {
                py::list out;
                for (const InputCorrelation& c : s.scenario().correlations) out.append(py::make_tuple(c.first, c.second, c.rank));
                return out;
            },
            "Rank correlations between inputs as ``(path, path, rank)`` tuples.")
        .def_property_readonly(
            "stakeholders",
            [](const Model& s) {
                const Stakeholders& st = s.scenario().stakeholders;
                py::dict d;
                d["sponsor"] = st.sponsor;
                d["decision_makers"] = st.decision_makers;
                d["approvers"] = st.approvers;
                d["champions"] = st.champions;
                d["contract_signatory"] = st.contract_signatory;
                return d;
            },
            "Who decides, approves and champions the programme (carried into reports, not into the numbers).")
        .def(
            "evaluate",
            [](const Model& s, const std::optional<std::map<std::string, double>>& values) {
                py::gil_scoped_release release;
                return evaluate_with(s, values);
            },
            py::arg("values") = py::none(),
            R"pbdoc(Evaluates the base case, or the model at other input values.

Parameters
----------
values : dict of str to float, optional
    Replaces the base-case value of some inputs, named by their key paths
    (``Scenario.inputs``); the others keep theirs. Each value must lie in its
    input's range (a share in [0, 1], a cost >= 0, ...).

Returns
-------
Evaluation

Raises
------
ParameterError
    An unknown input (``values``) or a value out of its range (the input's path).
Error
    The model cannot be evaluated (e.g. a vendor's bounded top tier is outgrown).

Examples
--------
>>> base = scenario.evaluate()                                          # doctest: +SKIP
>>> later = scenario.evaluate({"adoption.delay_months": 9})             # doctest: +SKIP
>>> later.metrics["npv"] - base.metrics["npv"]                          # doctest: +SKIP)pbdoc")
        .def(
            "report",
            [](const Model& s, const SimulationResult* simulation, const std::string& format) {
                CREDROI_REQUIRE(format == "table" || format == "json" || format == "csv", "format",
                                "expected one of table, json, csv, found \"" << format << "\"");
                py::gil_scoped_release release;
                if (simulation) {
                    std::vector<YearMonth> months;
                    for (int i = 0; i < s.horizon_months(); ++i) months.push_back(s.scenario().start.plus_months(i));
                    CREDROI_REQUIRE(simulation->months == months, "simulation",
                                    "expected a simulation of this scenario (same months), found one of "
                                        << simulation->months.size() << " months");
                }
                const Evaluation e = s.evaluate();
                if (format == "json") return credroi::to_json(e, s.scenario(), simulation);
                if (format == "csv") return credroi::to_csv(e);
                return credroi::to_table(e, s.scenario(), simulation);
            },
            py::arg("simulation") = py::none(), py::arg("format") = "table",
            R"pbdoc(The report ``credroi run`` prints, as a string.

Parameters
----------
simulation : SimulationResult, optional
    A simulation of this scenario: adds the uncertainty block (table) or the
    ``simulation`` object (JSON), as ``credroi run --trials`` does.
format : {"table", "json", "csv"}, default "table"
    As ``credroi run --format`` (docs/output-format.md). The CSV has one row
    per month and ignores ``simulation``.

Returns
-------
str

Raises
------
ParameterError
    An unknown format, or a simulation of another scenario.)pbdoc")
        .def("__repr__", &describe_model);

    def_simulate(scenario);
    def_report_html(scenario);
}

}  // namespace credroi::python
