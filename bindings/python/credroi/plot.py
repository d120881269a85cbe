"""Charts of credroi results with matplotlib; every function returns the Axes it drew on.

matplotlib is imported when a chart is drawn, not with ``credroi``. Pass
``ax=`` to draw into an existing figure; otherwise a new figure is made.

fan_chart
    Cumulative net cash flow with percentile bands and the break-even line.
npv_histogram
    Distribution of NPV over the trials, with P(NPV > 0) marked.
tornado
    What the result depends on: one bar per input from its low to its high case.
adoption_curve
    The adoption S-curve with the milestones it was fitted through.
budget_vs_spend
    Spend per fiscal year against the budget, shortfalls marked.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, Optional, Sequence, Tuple, Union

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.axes import Axes

    from ._core import Evaluation, Scenario, SimulationResult

__all__ = ["fan_chart", "npv_histogram", "tornado", "adoption_curve", "budget_vs_spend"]

_COST = "#c0504d"
_BENEFIT = "#4f81bd"
_BAND = "#4f81bd"


def _axes(ax: Optional["Axes"]) -> "Axes":
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=(8, 4.5))
    return ax


def _month_ends(labels: Sequence[str]):
    """"YYYY-MM" labels as month-end timestamps: flows and milestones fall at the end of their month."""
    import pandas as pd

    return pd.to_datetime(list(labels), format="%Y-%m") + pd.offsets.MonthEnd(0)


def _money_axis(axis, label: str, currency: str = "") -> None:
    """Short money ticks (1.2M, 800k); the currency goes into the axis label, not every tick."""
    from matplotlib.ticker import FuncFormatter

    def fmt(v, _pos):
        a = abs(v)
        return f"{v / 1e6:,.1f}M" if a >= 1e6 else (f"{v / 1e3:,.0f}k" if a >= 1e3 else f"{v:,.0f}")

    axis.set_major_formatter(FuncFormatter(fmt))
    axis.set_label_text(f"{label} ({currency})" if currency else label)


def fan_chart(
    simulation: "SimulationResult",
    evaluation: Optional["Evaluation"] = None,
    ax: Optional["Axes"] = None,
    *,
    bands: Iterable[Tuple[float, float]] = ((0.05, 0.95), (0.10, 0.90), (0.25, 0.75)),
    title: Optional[str] = None,
) -> "Axes":
    """Fan chart of the cumulative net cash flow: percentile bands, median, base case, break-even line.

    Parameters
    ----------
    simulation : SimulationResult
        Supplies the percentiles per month (``simulation.bands``).
    evaluation : Evaluation, optional
        The base case, drawn as a dashed line (its currency labels the axis).
    ax : matplotlib.axes.Axes, optional
    bands : sequence of (low, high) probabilities
        Shaded from the widest to the narrowest; each must be one of
        ``simulation.band_probabilities`` (default P5-P95, P10-P90, P25-P75).
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes

    Notes
    -----
    The zero line is the break-even line: where a band crosses it, that share
    of trials has recovered its spending. The month in which the median turns
    non-negative is marked with a dotted vertical line.
    """
    import numpy as np

    from ._results import percentile_label

    ax = _axes(ax)
    frame = simulation.bands
    x = _month_ends(frame.index)
    bands = sorted(bands, key=lambda b: b[0])
    for k, (lo, hi) in enumerate(bands):
        cols = (percentile_label(lo), percentile_label(hi))
        missing = [c for c in cols if c not in frame.columns]
        if missing:
            raise ValueError(f"bands: {missing[0]} is not among the simulation's percentiles {list(frame.columns)}")
        ax.fill_between(x, frame[cols[0]], frame[cols[1]], color=_BAND, alpha=0.15 + 0.15 * k, linewidth=0,
                        label=f"P{round(lo * 100)}-P{round(hi * 100)}")
    if "p50" in frame.columns:
        ax.plot(x, frame["p50"], color=_BAND, linewidth=2, label="median")
        # as the break_even_month metric: the first month at or above zero after a negative one
        median = frame["p50"].to_numpy()
        negative = np.flatnonzero(median < 0)
        if len(negative):
            recovered = np.flatnonzero(median[negative[0]:] >= 0)
            if len(recovered):
                first = int(negative[0] + recovered[0])
                ax.axvline(x[first], color="0.3", linestyle=":", linewidth=1,
                           label=f"median break-even {frame.index[first]}")
    currency = ""
    if evaluation is not None:
        ax.plot(_month_ends(evaluation.months), evaluation.series["cumulative_net"], color="black", linestyle="--",
                linewidth=1.2, label="base case")
        currency = evaluation.currency
    ax.axhline(0, color="black", linewidth=0.8)
    _money_axis(ax.yaxis, "cumulative net cash flow", currency)
    ax.set_title(title or f"Cumulative net cash flow ({simulation.trials:,} trials)")
    ax.legend(loc="upper left", fontsize="small")
    return ax


def npv_histogram(
    simulation: "SimulationResult",
    ax: Optional["Axes"] = None,
    *,
    bins: int = 60,
    currency: str = "",
    title: Optional[str] = None,
) -> "Axes":
    """Histogram of NPV over the trials, with P(NPV > 0) marked.

    Parameters
    ----------
    simulation : SimulationResult
        Run with ``keep_trials=True``: the chart needs every trial's NPV.
    ax : matplotlib.axes.Axes, optional
    bins : int, default 60
    currency : str, optional
        Appended to the axis labels.
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ParameterError
        The simulation did not keep its trials.
    """
    import numpy as np

    values = simulation.trial_metric("npv")
    values = values[~np.isnan(values)]
    ax = _axes(ax)
    _counts, edges, patches = ax.hist(values, bins=bins, color=_BENEFIT, edgecolor="white", linewidth=0.3)
    for left, patch in zip(edges[:-1], patches):
        if left < 0:
            patch.set_facecolor(_COST)
    ax.axvline(0, color="black", linewidth=1)
    p = simulation.probability_npv_positive
    ax.text(0.98, 0.95, f"P(NPV > 0) = {p:.1%}", transform=ax.transAxes, ha="right", va="top",
            bbox=dict(boxstyle="round", facecolor="white", edgecolor="0.7"))
    base = simulation.metric("npv")["base"]
    if base is not None:
        ax.axvline(base, color="black", linestyle="--", linewidth=1, label="base case")
        ax.legend(loc="upper left", fontsize="small")
    _money_axis(ax.xaxis, "NPV", currency)
    ax.set_ylabel("trials")
    ax.set_title(title or f"NPV over {simulation.trials:,} trials")
    return ax


TornadoRows = Union["pd.DataFrame", Sequence[Tuple[str, float, float]]]


def tornado(
    data: TornadoRows,
    base: Optional[float] = None,
    ax: Optional["Axes"] = None,
    *,
    max_inputs: Optional[int] = 15,
    label: str = "NPV",
    currency: str = "",
    title: Optional[str] = None,
) -> "Axes":
    """Tornado chart: one bar per input from the result at its low case to the result at its high case.

    Parameters
    ----------
    data : pandas.DataFrame or sequence of (input, low, high)
        One row per input: its name and the result (e.g. NPV) with the input
        at its low and at its high case (e.g. its P10 and P90). A DataFrame
        needs columns ``low`` and ``high`` and the names in a column
        ``input`` or in its index. Works with the table credroi's sensitivity
        analysis returns, or one made by hand with ``Scenario.evaluate(values)``.
    base : float, optional
        The base-case result: bars then start from it (low and high cases in
        two colours) and a line marks it. Without it a bar spans low to high.
    ax : matplotlib.axes.Axes, optional
    max_inputs : int or None, default 15
        Show only the inputs with the widest swing.
    label, currency : str
        Axis label and currency of the result.
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    import pandas as pd

    if isinstance(data, pd.DataFrame):
        frame = data.copy()
        if "input" not in frame.columns:
            frame = frame.rename_axis("input").reset_index()
        frame = frame[["input", "low", "high"]]
    else:
        frame = pd.DataFrame(list(data), columns=["input", "low", "high"])
    frame["swing"] = (frame["high"] - frame["low"]).abs()
    frame = frame.sort_values("swing", ascending=False)
    if max_inputs is not None:
        frame = frame.head(max_inputs)
    frame = frame.iloc[::-1]  # widest at the top
    ax = _axes(ax)
    y = range(len(frame))
    if base is None:
        lo = frame[["low", "high"]].min(axis=1)
        ax.barh(y, frame["swing"], left=lo, color=_BENEFIT)
    else:
        ax.barh(y, frame["low"] - base, left=base, color=_COST, label="low case")
        ax.barh(y, frame["high"] - base, left=base, color=_BENEFIT, label="high case")
        ax.axvline(base, color="black", linewidth=1)
        ax.legend(loc="lower right", fontsize="small")
    ax.set_yticks(list(y))
    ax.set_yticklabels(frame["input"])
    _money_axis(ax.xaxis, label, currency)
    ax.set_title(title or f"What {label} depends on")
    return ax


def adoption_curve(
    scenario: "Scenario",
    evaluation: Optional["Evaluation"] = None,
    ax: Optional["Axes"] = None,
    *,
    title: Optional[str] = None,
) -> "Axes":
    """The adoption S-curve (share of the eligible population earning) with its milestones.

    Parameters
    ----------
    scenario : Scenario
        Supplies the milestones, ceiling and launch month.
    evaluation : Evaluation, optional
        The evaluation whose curve to draw (default: the base case). The
        base case includes the base delay, so the curve may pass beside the
        milestones it was fitted through.
    ax : matplotlib.axes.Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    from matplotlib.ticker import PercentFormatter

    if evaluation is None:
        evaluation = scenario.evaluate()
    ax = _axes(ax)
    ax.plot(_month_ends(evaluation.months), evaluation.series["adoption"], color=_BENEFIT, linewidth=2,
            label=f"adoption ({scenario.adoption_model})")
    milestones = scenario.milestones
    if milestones:
        months, shares = zip(*milestones)
        ax.scatter(_month_ends(months), shares, color="black", zorder=3, label="milestones")
        for m, s in milestones:
            ax.annotate(f"{s:.0%} by {m}", (_month_ends([m])[0], s), textcoords="offset points", xytext=(6, -12),
                        fontsize="small")
    ax.axhline(scenario.adoption_ceiling, color="0.5", linestyle="--", linewidth=1, label="ceiling")
    if scenario.launch is not None:
        ax.axvline(_month_ends([scenario.launch])[0], color="0.5", linestyle=":", linewidth=1, label="launch")
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("share of eligible population earning")
    ax.set_title(title or "Adoption")
    ax.legend(loc="upper left", fontsize="small")
    return ax


def budget_vs_spend(evaluation: "Evaluation", ax: Optional["Axes"] = None, *, title: Optional[str] = None) -> "Axes":
    """Spend per fiscal year against the budget, the shortfall marked.

    Parameters
    ----------
    evaluation : Evaluation
    ax : matplotlib.axes.Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes

    Notes
    -----
    Without a ``[budget]`` in the scenario only the spend is drawn.
    """
    import numpy as np

    frame = evaluation.fiscal_years
    ax = _axes(ax)
    x = np.arange(len(frame))
    has_budget = frame["budget"].notna().any()
    width = 0.4 if has_budget else 0.6
    ax.bar(x - (width / 2 if has_budget else 0), frame["costs"], width, color=_COST, label="spend")
    if has_budget:
        ax.bar(x + width / 2, frame["budget"], width, color="0.75", label="budget")
        short = frame["shortfall"].fillna(0.0)
        if (short > 0).any():
            ax.bar(x - width / 2, short, width, bottom=frame["costs"] - short, color="none", edgecolor="black",
                   hatch="//", label="shortfall")
    ax.set_xticks(x)
    ax.set_xticklabels(frame.index)
    _money_axis(ax.yaxis, "spend per fiscal year", evaluation.currency)
    ax.set_title(title or ("Spend against budget" if has_budget else "Spend per fiscal year (no budget)"))
    ax.legend(loc="upper left", fontsize="small")
    return ax
