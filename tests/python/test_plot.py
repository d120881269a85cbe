"""credroi.plot: every chart draws what it says and returns its Axes (Agg backend)."""
import io

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection

import credroi
from credroi import plot


def png_bytes(ax):
    buf = io.BytesIO()
    ax.figure.savefig(buf, format="png")
    return buf.getvalue()


def test_fan_chart(corporate, corporate_sim):
    e = corporate.evaluate()
    ax = plot.fan_chart(corporate_sim, e)
    assert isinstance(ax, Axes)
    bands = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert len(bands) == 3  # P5-P95, P10-P90, P25-P75
    labels = [l.get_label() for l in ax.get_lines()]
    assert "median" in labels and "base case" in labels
    assert any(l.startswith("median break-even") for l in labels)
    zero = [l for l in ax.get_lines() if list(l.get_ydata()) == [0, 0]]
    assert zero, "the break-even line"
    base_line = next(l for l in ax.get_lines() if l.get_label() == "base case")
    assert np.array_equal(base_line.get_ydata(), e.series["cumulative_net"])
    assert png_bytes(ax)[:4] == b"\x89PNG"


def test_fan_chart_into_given_axes_and_bad_bands(corporate_sim):
    fig, (a, b) = plt.subplots(1, 2)
    assert plot.fan_chart(corporate_sim, ax=b, bands=[(0.1, 0.9)]) is b
    with pytest.raises(ValueError, match="p1"):
        plot.fan_chart(corporate_sim, bands=[(0.01, 0.99)])


def test_npv_histogram(corporate_sim):
    ax = plot.npv_histogram(corporate_sim, bins=40, currency="EUR")
    assert len(ax.patches) == 40
    assert sum(p.get_height() for p in ax.patches) == corporate_sim.trials
    texts = [t.get_text() for t in ax.texts]
    assert any(t.startswith("P(NPV > 0) = ") for t in texts)
    assert f"{corporate_sim.probability_npv_positive:.1%}" in texts[0]


def test_npv_histogram_needs_the_trials(corporate):
    with pytest.raises(credroi.ParameterError, match="keep_trials"):
        plot.npv_histogram(corporate.simulate(trials=50))


def test_tornado_from_rows_and_from_a_frame():
    rows = [("licence", 100.0, 300.0), ("delay", 150.0, 180.0), ("retention", 50.0, 400.0)]
    ax = plot.tornado(rows, base=200.0)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["delay", "licence", "retention"]  # widest on top
    assert len(ax.patches) == 6  # low and high bar per input
    frame = pd.DataFrame({"low": [100.0, 150.0, 50.0], "high": [300.0, 180.0, 400.0]},
                         index=pd.Index(["licence", "delay", "retention"], name="input"))
    ax2 = plot.tornado(frame, max_inputs=2)
    assert [t.get_text() for t in ax2.get_yticklabels()] == ["licence", "retention"]
    assert len(ax2.patches) == 2
    widths = sorted(p.get_width() for p in ax2.patches)
    assert widths == [200.0, 350.0]


def test_adoption_curve_marks_the_milestones(corporate):
    ax = plot.adoption_curve(corporate)
    points = ax.collections[0].get_offsets()
    assert [round(float(y), 6) for y in points[:, 1]] == [s for _, s in corporate.milestones]
    curve = ax.get_lines()[0]
    assert np.array_equal(curve.get_ydata(), corporate.evaluate().series["adoption"])
    assert any(l.get_label() == "ceiling" and l.get_ydata()[0] == 0.9 for l in ax.get_lines())


def test_budget_against_spend(corporate, tiny):
    e = corporate.evaluate()
    ax = plot.budget_vs_spend(e)
    n = len(e.fiscal_years)
    heights = [p.get_height() for p in ax.patches]
    assert heights[:n] == pytest.approx(e.fiscal_years["costs"].tolist())
    assert heights[n:2 * n] == pytest.approx(e.fiscal_years["budget"].tolist())
    ax2 = plot.budget_vs_spend(tiny.evaluate())
    assert len(ax2.patches) == 2 and "no budget" in ax2.get_title()


def test_budget_shortfall_is_hatched(corporate):
    tight = corporate.evaluate({"budget.annual": 60000.0})
    assert tight.fiscal_years["shortfall"].gt(0).any()
    ax = plot.budget_vs_spend(tight)
    assert any(p.get_hatch() == "//" for p in ax.patches)
