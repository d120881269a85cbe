// Scenario.report_html: the business case `credroi report` writes (report.hpp),
// as a string.
#include "bindings.hpp"
#include "interruptible.hpp"

#include <credroi/model.hpp>
#include <credroi/report.hpp>

#include <string>

namespace credroi::python {

void def_report_html(ScenarioClass& cls) {
    const ReportOptions defaults;
    cls.def(
        "report_html",
        [](const Model& model, const py::object& trials, const py::object& seed, const std::string& sampler,
           const py::object& threads, const py::object& source, const py::object& run_date, const py::object& progress) {
            const SimulationOptions o = simulation_options(trials, seed, sampler, threads);
            ReportOptions ro;
            ro.trials = o.trials;
            ro.seed = o.seed;
            ro.sampler = o.sampler;
            ro.threads = o.threads;
            if (!source.is_none()) ro.source = source.cast<std::string>();
            if (!run_date.is_none()) ro.run_date = run_date.cast<std::string>();
            return run_interruptible(ro, progress, [&] { return report_html(model, ro); });
        },
        py::arg("trials") = py::int_(defaults.trials), py::arg("seed") = py::int_(defaults.seed), py::arg("sampler") = "lhs",
        py::arg("threads") = py::int_(defaults.threads), py::arg("source") = py::none(), py::arg("run_date") = py::none(),
        py::arg("progress") = py::none(),
        R"pbdoc(The business case ``credroi report`` writes: one self-contained HTML document.

Executive summary, charts (fan chart, NPV histogram, tornado, adoption,
budget against spend), the fiscal-year statement and the sections of the
planning method (Budget, Authority, Need, Timeline); docs/report.md
describes it section by section. The same bytes as
``credroi report FILE --trials N --seed S --sampler X`` run on the same day
with ``source=FILE``.

Parameters
----------
trials : int, default 10000
    Monte Carlo trials (>= 1).
seed : int, default 1
    Random seed, printed in the report.
sampler : {"lhs", "mc", "sobol"}, default "lhs"
threads : int, default 0
    Worker threads; 0 uses every core. Does not change the report.
source : str, optional
    The scenario file's name, printed in the report's "Reproduce with
    ``credroi report SOURCE ...``" line (``SCENARIO.toml`` when not given).
run_date : str, optional
    The date printed as the date of the run; today's date by default.
progress : callable, optional
    As in ``simulate``: ``progress(done, total)`` about every 100 ms.

Returns
-------
str
    The HTML document; write it with ``pathlib.Path("case.html").write_text(html)``.

Raises
------
ParameterError
    ``trials`` < 1, a negative ``seed`` or ``threads``, an unknown ``sampler``.
KeyboardInterrupt
    Ctrl-C during the run.)pbdoc");
}

}  // namespace credroi::python
