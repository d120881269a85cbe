"""What a result depends on: tornado, spider, rank correlation and Sobol' indices.

Every method works on a scenario's metric (``credroi.Scenario``, the same
engine and numbers as ``credroi sensitivity``) and, except ``rank``, on any
vectorised Python function of independent uncertain inputs:

>>> import numpy as np, credroi
>>> def ishigami(x):                       # x: (n, 3) array, one row per point
...     return (np.sin(x[:, 0]) + 7 * np.sin(x[:, 1]) ** 2
...             + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0]))
>>> u = credroi.Uniform(-np.pi, np.pi)
>>> s = credroi.sensitivity.sobol(ishigami, {"x1": u, "x2": u, "x3": u}, n=4096, seed=1)
>>> s.to_frame()                           # first/total order with intervals  # doctest: +SKIP

>>> sc = credroi.Scenario.from_file("examples/corporate-ld.toml")          # doctest: +SKIP
>>> credroi.sensitivity.tornado(sc).to_frame()                             # doctest: +SKIP
>>> credroi.sensitivity.rank(sc.simulate(trials=10_000, keep_trials=True))  # doctest: +SKIP

Results print like the command line (``result.report()``), become pandas
DataFrames with ``result.to_frame()`` and plot with ``credroi.plot.tornado``.

Inputs of a Python function are given as a list of distributions (named x1,
x2, ...) or a dict of name to distribution; a plain number is a fixed input.
The function takes an (n, d) float64 array, one row per point and one column
per input in the order given, and returns n values. It is called with batches
of rows, one batch at a time, from the calling thread; Ctrl-C raises
KeyboardInterrupt between batches. For a scenario the engine runs in C++ with
the GIL released.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Mapping, Optional, Sequence, Tuple, Union

from . import _core
from ._results import _parameter_error

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd

TornadoResult = _core.TornadoResult
SpiderResult = _core.SpiderResult
RankSensitivity = _core.RankSensitivity
SobolIndices = _core.SobolIndices

#: Percentiles of spider() by default (as probabilities).
SPIDER_PROBABILITIES = (0.05, 0.10, 0.20, 0.30, 0.40, 0.50, 0.60, 0.70, 0.80, 0.90, 0.95)

Inputs = Union[Sequence[object], Mapping[str, object]]

__all__ = [
    "RankSensitivity",
    "SobolIndices",
    "SpiderResult",
    "TornadoResult",
    "rank",
    "sobol",
    "spider",
    "tornado",
]


def _function_inputs(inputs: Optional[Inputs], names: Optional[Sequence[str]]) -> Tuple[list, list]:
    """(distributions, names) of a Python function's inputs."""
    if inputs is None:
        raise _parameter_error("inputs", "expected the function's input distributions (a list or a dict of name to distribution)")
    if isinstance(inputs, Mapping):
        if names is not None:
            raise _parameter_error("names", "expected no names when the inputs are a dict (its keys are the names)")
        return list(inputs.values()), [str(k) for k in inputs.keys()]
    dists = list(inputs)
    return dists, list(names) if names is not None else []


def _is_scenario(target: object) -> bool:
    return isinstance(target, _core.Scenario)


def _check_callable(func: object) -> None:
    if not callable(func):
        raise _parameter_error(
            "target", f"expected a credroi.Scenario or a function of an (n, d) array, found {type(func).__name__}"
        )


def _base_of(dists: list, base: Optional[Sequence[float]]):
    """The base point of a function's inputs: given, or each input's median."""
    import numpy as np

    if base is not None:
        return np.asarray(base, dtype=float)
    return np.array([float(d.median()) if hasattr(d, "median") else float(d) for d in dists])


def tornado(
    target: Union["_core.Scenario", Callable[["np.ndarray"], "np.ndarray"]],
    inputs: Optional[Inputs] = None,
    *,
    metric: str = "npv",
    low: float = 0.10,
    high: float = 0.90,
    base: Optional[Sequence[float]] = None,
    names: Optional[Sequence[str]] = None,
    output_name: str = "output",
) -> TornadoResult:
    """Tornado: each input alone at its ``low`` and ``high`` percentile, the others at base.

    Parameters
    ----------
    target : Scenario or callable
        A scenario (its uncertain inputs, the output ``metric``) or a
        vectorised function of an (n, d) array returning n values.
    inputs : list or dict of distributions, only for a function
    metric : str, default "npv"
        For a scenario: one of ``Scenario.metric_names`` (npv, irr, roi, bcr,
        payback_months, "net FY2027", ...).
    low, high : float, default 0.10 and 0.90
        The percentiles (as probabilities) of each input's low and high case.
    base : sequence of float, optional, only for a function
        The base point; by default each input's median. (A scenario's base is
        its base case.)
    names : sequence of str, optional, only for a function with a list of inputs
    output_name : str, only for a function
        The output's name in the result and its messages.

    Returns
    -------
    TornadoResult
        ``bars`` largest swing first; ``to_frame()``; ``report()``.

    Raises
    ------
    ParameterError
        A probability outside (0, 1), low >= high, an unknown metric, bad inputs.
    NumericError
        The output is not finite at one of the points (named in the message).
    """
    if _is_scenario(target):
        return _core._tornado_model(target, metric, low, high)
    _check_callable(target)
    dists, labels = _function_inputs(inputs, names)
    return _core._tornado_function(target, dists, labels, _base_of(dists, base), low, high, output_name)


def spider(
    target: Union["_core.Scenario", Callable[["np.ndarray"], "np.ndarray"]],
    inputs: Optional[Inputs] = None,
    *,
    metric: str = "npv",
    probabilities: Sequence[float] = SPIDER_PROBABILITIES,
    base: Optional[Sequence[float]] = None,
    names: Optional[Sequence[str]] = None,
    output_name: str = "output",
) -> SpiderResult:
    """Spider: the output with one input at a time at each of several percentiles.

    Parameters as ``tornado``; ``probabilities`` strictly increasing, each in
    (0, 1). Returns a SpiderResult: ``outputs`` (inputs x probabilities),
    ``range`` per input, ``order`` by range, ``to_frame()``, ``report()``.
    """
    if _is_scenario(target):
        return _core._spider_model(target, metric, list(probabilities))
    _check_callable(target)
    dists, labels = _function_inputs(inputs, names)
    return _core._spider_function(target, dists, labels, _base_of(dists, base), list(probabilities), output_name)


def rank(
    target: Union["_core.SimulationResult", "np.ndarray"],
    output: Optional["np.ndarray"] = None,
    *,
    metric: str = "npv",
    names: Optional[Sequence[str]] = None,
    output_name: str = "output",
) -> RankSensitivity:
    """Spearman rank correlation of each input with the output, and a standardised rank regression.

    Parameters
    ----------
    target : SimulationResult or array
        A simulation run with ``keep_trials=True`` (its inputs and ``metric``;
        correlated inputs keep their correlation), or a (trials, inputs)
        array of samples with ``output`` the trials' values.
    output : array, only with an array of samples
    metric : str, default "npv", only with a SimulationResult
    names, output_name : only with an array of samples

    Returns
    -------
    RankSensitivity
        ``spearman``, ``contribution_to_variance``, ``standardised_regression``,
        ``r_squared``, ``order``; ``to_frame()``, ``report()``. Trials where the
        output is NaN (no IRR, no payback) are left out and counted in ``dropped``.
    """
    if isinstance(target, _core.SimulationResult):
        return _core._rank_simulation(target, metric)
    if output is None:
        raise _parameter_error("output", "expected the output of each trial with an array of samples")
    return _core._rank_arrays(target, output, list(names) if names is not None else [], output_name)


def sobol(
    target: Union["_core.Scenario", Callable[["np.ndarray"], "np.ndarray"]],
    inputs: Optional[Inputs] = None,
    *,
    n: int = 4096,
    seed: int = 1,
    metric: str = "npv",
    bootstrap: int = 1000,
    confidence_level: float = 0.95,
    threads: int = 0,
    batch_size: int = 1024,
    names: Optional[Sequence[str]] = None,
    output_name: str = "output",
) -> SobolIndices:
    """First-order and total Sobol' indices (Saltelli 2010, Jansen 1999) with bootstrap intervals.

    The function is evaluated ``n * (d + 2)`` times on a scrambled Sobol'
    design (d inputs, treated as independent). Same seed, same bits.

    Parameters
    ----------
    target : Scenario or callable
        A scenario (its uncertain inputs and ``metric``; its correlations are
        ignored) or a vectorised function of an (n, d) array returning n values.
    inputs : list or dict of distributions, only for a function
    n : int, default 4096
        Base sample size: a power of two from 2 to 2**31.
    seed : int, default 1
    metric : str, default "npv", only for a scenario
    bootstrap : int, default 1000
        Resamples for the intervals (0: none).
    confidence_level : float, default 0.95
    threads : int, default 0 (every core), only for a scenario
        A Python function is always called from the calling thread.
    batch_size : int, default 1024
        Rows of A per call (each call gets ``(d + 2) * batch_size`` rows).
    names, output_name : only for a function

    Returns
    -------
    SobolIndices
        ``first_order``, ``total_order``, ``first_order_interval``,
        ``total_order_interval``, ``order``; ``to_frame()``, ``report()``.

    Raises
    ------
    ParameterError
        n not a power of two, bootstrap = 1, a bad input, a function returning
        the wrong shape.
    NumericError
        The function returned NaN or infinity (the count and first row are in
        the message), or its output does not vary.
    """
    if _is_scenario(target):
        return _core._sobol_model(target, metric, n, seed, bootstrap, confidence_level, threads, batch_size)
    _check_callable(target)
    dists, labels = _function_inputs(inputs, names)
    return _core._sobol_function(target, dists, labels, n, seed, bootstrap, confidence_level, batch_size, output_name)


# ---------------------------------------------------------------------------
# pandas views, attached to the result classes
# ---------------------------------------------------------------------------


def _tornado_frame(self: TornadoResult) -> "pd.DataFrame":
    """The bars as a DataFrame indexed by input: low_input, high_input, low, high (outputs), swing.

    ``credroi.plot.tornado(result.to_frame(), base=result.base_output)`` draws it.
    """
    import pandas as pd

    rows = [(b.name, b.low_input, b.high_input, b.low_output, b.high_output, b.swing) for b in self.bars]
    return pd.DataFrame(rows, columns=["input", "low_input", "high_input", "low", "high", "swing"]).set_index("input")


def _spider_frame(self: SpiderResult) -> "pd.DataFrame":
    """Outputs as a DataFrame: one row per input (largest range first), one column per percentile ("p5", ...)."""
    import pandas as pd

    from ._results import percentile_label

    frame = pd.DataFrame(self.outputs, index=pd.Index(self.names, name="input"),
                         columns=[percentile_label(p) for p in self.probabilities])
    frame["range"] = self.range
    return frame.loc[self.order]


def _rank_frame(self: RankSensitivity) -> "pd.DataFrame":
    """One row per input (largest abs(spearman) first): spearman, contribution_to_variance, standardised_regression."""
    import pandas as pd

    frame = pd.DataFrame(
        {
            "spearman": self.spearman,
            "contribution_to_variance": self.contribution_to_variance,
            "standardised_regression": self.standardised_regression,
        },
        index=pd.Index(self.names, name="input"),
    )
    return frame.loc[self.order]


def _sobol_frame(self: SobolIndices) -> "pd.DataFrame":
    """One row per input (largest total order first): first_order, its interval, total_order, its interval."""
    import pandas as pd

    frame = pd.DataFrame({"first_order": self.first_order, "total_order": self.total_order},
                         index=pd.Index(self.names, name="input"))
    if self.bootstrap:
        frame.insert(1, "first_order_low", self.first_order_interval[:, 0])
        frame.insert(2, "first_order_high", self.first_order_interval[:, 1])
        frame["total_order_low"] = self.total_order_interval[:, 0]
        frame["total_order_high"] = self.total_order_interval[:, 1]
    return frame.loc[self.order]


def _repr(self) -> str:
    first = self.report(lines=1).splitlines()
    return f"<credroi.{type(self).__name__}: {first[0] if first else ''}>"


for _cls, _frame in ((TornadoResult, _tornado_frame), (SpiderResult, _spider_frame),
                     (RankSensitivity, _rank_frame), (SobolIndices, _sobol_frame)):
    _cls.to_frame = _frame
    _cls.__repr__ = _repr
    _cls.__str__ = lambda self: self.report()
del _cls, _frame
