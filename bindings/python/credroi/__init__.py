"""credroi: will a digital badge or credential programme pay off, when, how sure can we be, and what does it depend on?

The Python door to credroi's engine (the same numbers as the C++ library and
the ``credroi`` command line):

>>> import credroi
>>> s = credroi.Scenario.from_file("examples/corporate-ld.toml")   # doctest: +SKIP
>>> base = s.evaluate()                   # the base case             # doctest: +SKIP
>>> base.metrics["npv"], base.metrics["irr"], base.metrics["payback_months"]  # doctest: +SKIP
>>> base.monthly, base.fiscal_years       # pandas DataFrames         # doctest: +SKIP
>>> sim = s.simulate(trials=10_000, seed=1, keep_trials=True)         # doctest: +SKIP
>>> sim.summary(), sim.probability_npv_positive                       # doctest: +SKIP
>>> credroi.plot.fan_chart(sim, base)                                 # doctest: +SKIP

Contents
--------
Scenario
    ``from_file``, ``from_dict``, ``from_toml``; ``evaluate()`` and
    ``simulate()``; ``milestones``, ``inputs``, ``report()`` (the CLI's text)
    and ``report_html()`` (the business case ``credroi report`` writes).
compare, ComparisonResult
    Scenarios side by side with common random numbers, as ``credroi compare``:
    paired differences, ``to_frame()``, ``report()`` and ``report_html()``.
Evaluation, SimulationResult
    Results: ``metrics`` (dict), ``monthly`` / ``fiscal_years`` / ``summary()``
    / ``bands`` (pandas), per-trial arrays handed to NumPy without a copy.
npv, irr, irr_result, xnpv, xirr, xirr_result, mirr, payback_period, discounted_payback_period
    Finance functions: the first flow falls at t = 0 and is not discounted;
    "no IRR" is None, never a made-up number.
Fixed, Uniform, Triangular, Pert, Normal, LogNormal, Beta, Discrete, RiskEvent
    Distributions (all instances of ``credroi.Distribution``).
Error, ParameterError, ScenarioError, NumericError, IoError, Cancelled
    What bad input raises; messages are those of the command line.
sensitivity
    What a result depends on: ``tornado``, ``spider``, ``rank`` (Spearman),
    ``sobol`` (Sobol' indices) of a scenario's metric or of any vectorised
    Python function.
plot
    matplotlib charts: fan chart, NPV histogram, tornado, adoption S-curve,
    budget against spend.
"""
import abc as _abc


def _load_core():
    """Loads the build of the compiled core for the newest x86-64 level this CPU
    runs, as ``credroi._core``; returns the level ("baseline" for the portable
    build). The command line makes the same choice (src/cpu_variant.hpp, asked
    through ``_cpu``), so both give the same bits on one machine;
    ``CREDROI_CPU=baseline`` (or ``x86-64-v3``) caps it."""
    import importlib.machinery
    import importlib.util
    import os
    import sys

    from . import _cpu

    try:
        level = _cpu.best_level()
    except ValueError as e:
        raise ImportError(str(e)) from None
    levels = ["x86-64-v4", "x86-64-v3"]
    here = os.path.dirname(os.path.abspath(__file__))
    for candidate in levels[levels.index(level):] if level in levels else []:
        folder = os.path.join(here, "_" + candidate.replace("-", "_"))
        for suffix in importlib.machinery.EXTENSION_SUFFIXES:
            path = os.path.join(folder, "_core" + suffix)
            if not os.path.isfile(path):
                continue
            name = __name__ + "._core"
            loader = importlib.machinery.ExtensionFileLoader(name, path)
            spec = importlib.util.spec_from_file_location(name, path, loader=loader)
            try:
                module = importlib.util.module_from_spec(spec)
                sys.modules[name] = module
                loader.exec_module(module)
            except ImportError:  # a damaged file: the next level, or the portable build
                sys.modules.pop(name, None)
                continue
            return candidate
    return "baseline"


#: Which build of the compiled core runs: "x86-64-v4" (AVX-512), "x86-64-v3" (AVX2) or "baseline".
_cpu_variant = _load_core()

from ._core import (  # noqa: E402
    Beta,
    Cancelled,
    ComparisonResult,
    Discrete,
    Error,
    Evaluation,
    Fixed,
    IoError,
    IrrResult,
    LogNormal,
    Normal,
    NumericError,
    ParameterError,
    Pert,
    RiskEvent,
    Scenario,
    ScenarioError,
    SimulationResult,
    Triangular,
    Uniform,
    __version__,
    annual_rate_from_monthly,
    compare,
    discounted_payback_period,
    irr,
    irr_result,
    mirr,
    monthly_rate_from_annual,
    npv,
    payback_period,
    xirr,
    xirr_result,
    xnpv,
)
from . import _core, _results  # noqa: E402

_results.install()


class Distribution(_abc.ABC):
    """Any credroi distribution: ``isinstance(x, credroi.Distribution)``.

    Every distribution has ``quantile(p)`` (vectorised over arrays), ``cdf(x)``,
    ``mean()``, ``variance()``, ``sd()``, ``median()``, ``support()``, ``kind``
    and ``to_dict()`` (its scenario-file form); ``repr()`` describes it.
    """


for _cls in (Fixed, Uniform, Triangular, Pert, Normal, LogNormal, Beta, Discrete, RiskEvent):
    Distribution.register(_cls)
del _cls

from . import plot  # noqa: E402  (matplotlib itself is imported only when a chart is drawn)
from . import sensitivity  # noqa: E402

Scenario.metric_names = property(
    _core._model_metric_names,
    doc="The metrics a scenario reports (npv, irr, mirr, roi, bcr, payback_months, discounted_payback_months, "
    "cost_per_credential, total_shortfall, \"net FY...\" per fiscal year and, with a budget, \"shortfall FY...\"): "
    "the names ``credroi.sensitivity`` and ``SimulationResult.metric_names`` use.",
)

__all__ = [
    "Beta",
    "Cancelled",
    "ComparisonResult",
    "Discrete",
    "Distribution",
    "Error",
    "Evaluation",
    "Fixed",
    "IoError",
    "IrrResult",
    "LogNormal",
    "Normal",
    "NumericError",
    "ParameterError",
    "Pert",
    "RiskEvent",
    "Scenario",
    "ScenarioError",
    "SimulationResult",
    "Triangular",
    "Uniform",
    "__version__",
    "annual_rate_from_monthly",
    "compare",
    "discounted_payback_period",
    "irr",
    "irr_result",
    "mirr",
    "monthly_rate_from_annual",
    "npv",
    "payback_period",
    "plot",
    "sensitivity",
    "xirr",
    "xirr_result",
    "xnpv",
]
