"""pandas views of credroi's results, attached to the compiled classes.

The compiled core hands over plain data (dicts, lists, read-only NumPy views
of the C++ results); this module shapes it into DataFrames. pandas is
imported on first use only, so ``import credroi`` works without it.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from . import _core

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd

#: Columns of Evaluation.monthly before the lines, as in ``credroi run --format csv``.
MONTHLY_COLUMNS = [
    "costs",
    "benefits",
    "net",
    "cumulative_net",
    "discount_factor",
    "population",
    "adoption",
    "earners",
    "credentials",
]
#: Columns of SimulationResult.summary(), as in the JSON output's simulation.metrics.
SUMMARY_COLUMNS = ["count", "mean", "sd", "min", "p5", "p10", "p50", "p90", "p95", "max", "base"]
FISCAL_YEAR_COLUMNS = [
    "fiscal_year",
    "first_month",
    "months",
    "costs",
    "benefits",
    "net",
    "cumulative_net",
    "budget",
    "shortfall",
]


def _pd():
    import pandas

    return pandas


def _parameter_error(path: str, message: str) -> _core.ParameterError:
    """A ParameterError shaped like the ones the C++ engine raises."""
    err = _core.ParameterError(f"{path}: {message}")
    err.path = path
    err.message = message
    return err


def percentile_label(p: float) -> str:
    """0.05 -> "p5", as the JSON output names percentiles."""
    return f"p{round(p * 100)}"


# ---- Evaluation -------------------------------------------------------------


def evaluation_monthly(self: _core.Evaluation) -> "pd.DataFrame":
    pd = _pd()
    series = self.series
    data = {name: series[name] for name in MONTHLY_COLUMNS}
    for side, name, _kind, values in self.line_arrays:
        data[f"{side}: {name}"] = values
    return pd.DataFrame(data, index=pd.Index(self.months, name="month"))


def _lines(self: _core.Evaluation, wanted: str) -> "pd.DataFrame":
    pd = _pd()
    data = {name: values for side, name, _kind, values in self.line_arrays if side == wanted}
    return pd.DataFrame(data, index=pd.Index(self.months, name="month"), columns=list(data))


def evaluation_cost_lines(self: _core.Evaluation) -> "pd.DataFrame":
    return _lines(self, "cost")


def evaluation_benefit_lines(self: _core.Evaluation) -> "pd.DataFrame":
    return _lines(self, "benefit")


def evaluation_fiscal_years(self: _core.Evaluation) -> "pd.DataFrame":
    pd = _pd()
    records = self.fiscal_year_records
    rows = []
    for r in records:
        row = {k: r[k] for k in FISCAL_YEAR_COLUMNS}
        row.update({f"cost: {k}": v for k, v in r["costs_by_line"].items()})
        row.update({f"benefit: {k}": v for k, v in r["benefits_by_line"].items()})
        rows.append(row)
    frame = pd.DataFrame(rows, index=pd.Index([r["label"] for r in records], name="label"))
    for column in ("budget", "shortfall"):  # None (no budget) becomes NaN in a float column
        frame[column] = frame[column].astype(float)
    return frame


# ---- SimulationResult --------------------------------------------------------


def simulation_summary(self: _core.SimulationResult) -> "pd.DataFrame":
    """The distribution of every metric over the trials as a DataFrame.

    Index: metric names (``npv``, ``irr``, ..., ``net FY2027``, ...). Columns:
    count (trials in which the metric exists), mean, sd, min, p5, p10, p50,
    p90, p95, max and base (the base case); NaN where the JSON output has null.
    """
    pd = _pd()
    records = self.summary_records
    frame = pd.DataFrame(
        [{k: r[k] for k in SUMMARY_COLUMNS} for r in records],
        index=pd.Index([r["name"] for r in records], name="metric"),
        columns=SUMMARY_COLUMNS,
    )
    return frame.astype({c: float for c in SUMMARY_COLUMNS if c != "count"})


def simulation_bands(self: _core.SimulationResult) -> "pd.DataFrame":
    pd = _pd()
    return pd.DataFrame(
        self.cumulative_net_bands.T,
        index=pd.Index(self.months, name="month"),
        columns=[percentile_label(p) for p in self.band_probabilities],
    )


def simulation_trial_metric(self: _core.SimulationResult, name: str) -> "np.ndarray":
    """One metric in every trial: a read-only NumPy view (no copy) of ``trial_metrics[:, k]``.

    Parameters
    ----------
    name : str
        One of ``metric_names``.

    Raises
    ------
    ParameterError
        No such metric, or the trials were not kept (``keep_trials=True``).
    """
    names = self.metric_names
    if name not in names:
        raise _parameter_error("metric", f"no metric '{name}'")
    metrics = self.trial_metrics
    if metrics is None:
        raise _parameter_error("keep_trials", "the simulation did not keep its trials; run it with keep_trials=True")
    return metrics[:, names.index(name)]


def simulation_samples(self: _core.SimulationResult) -> "pd.DataFrame":
    """Every trial as a row: the uncertain inputs, then the metrics (``--samples`` CSV).

    Raises
    ------
    ParameterError
        The trials were not kept (``keep_trials=True``).
    """
    pd = _pd()
    metrics, inputs = self.trial_metrics, self.trial_inputs
    if metrics is None or inputs is None:
        raise _parameter_error("keep_trials", "the simulation did not keep its trials; run it with keep_trials=True")
    index = pd.RangeIndex(self.trials, name="trial")
    return pd.concat(
        [
            pd.DataFrame(inputs, columns=self.input_paths, index=index),
            pd.DataFrame(metrics, columns=self.metric_names, index=index),
        ],
        axis=1,
    )


# ---- Scenario ------------------------------------------------------------------


def scenario_inputs(self: _core.Scenario) -> "pd.DataFrame":
    pd = _pd()
    records = self.input_records
    return pd.DataFrame(
        {
            "base": [r["base"] for r in records],
            "uncertain": [r["uncertain"] for r in records],
            "kind": [r["distribution"].kind if r["distribution"] is not None else "fixed" for r in records],
            "distribution": [r["distribution"] for r in records],
        },
        index=pd.Index([r["path"] for r in records], name="path"),
    )


def comparison_to_frame(self: _core.ComparisonResult) -> "pd.DataFrame":
    """The paired differences as a DataFrame.

    One row per scenario after the first (index: its name, as in ``names``),
    the columns of ``differences`` (against, metric, trials, mean_difference,
    standard_error, ...); None becomes NaN.
    """
    pd = _pd()
    records = self.differences
    columns = [k for k in (records[0] if records else {}) if k != "scenario"]
    return pd.DataFrame(
        [[r[k] for k in columns] for r in records],
        columns=columns,
        index=pd.Index([r["scenario"] for r in records], name="scenario"),
    )


def install() -> None:
    """Attaches the pandas views to the compiled classes (called by ``import credroi``)."""
    ev = _core.Evaluation
    ev.monthly = property(evaluation_monthly, doc=(
        "One row per month (index ``\"YYYY-MM\"``): costs, benefits, net, cumulative_net, discount_factor, "
        "population, adoption, earners, credentials, then ``\"cost: <line>\"`` and ``\"benefit: <line>\"`` "
        "(the columns of ``credroi run --format csv``)."))
    ev.cost_lines = property(evaluation_cost_lines, doc="Cost lines month by month: one column per line.")
    ev.benefit_lines = property(evaluation_benefit_lines, doc="Benefit lines month by month: one column per line.")
    ev.fiscal_years = property(evaluation_fiscal_years, doc=(
        "One row per fiscal year (index: label such as ``\"FY2027\"``): fiscal_year, first_month, months, costs, "
        "benefits, net, cumulative_net, budget and shortfall (NaN without a budget), then every line."))

    sim = _core.SimulationResult
    sim.summary = simulation_summary
    sim.bands = property(simulation_bands, doc=(
        "Percentiles of the cumulative net cash flow per month: index ``\"YYYY-MM\"``, columns p5, p10, p25, "
        "p50, p75, p90, p95."))
    sim.trial_metric = simulation_trial_metric
    sim.samples = simulation_samples

    _core.ComparisonResult.to_frame = comparison_to_frame

    _core.Scenario.inputs = property(scenario_inputs, doc=(
        "Every number of the scenario (index: key path): base value, uncertain, kind and distribution object."))


__all__ = ["install"]
