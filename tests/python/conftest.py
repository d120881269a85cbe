import matplotlib
import pytest

matplotlib.use("Agg")  # no display in tests

import credroi  # noqa: E402
from credroi_test_support import CORPORATE, TINY  # noqa: E402


@pytest.fixture(scope="session")
def corporate():
    return credroi.Scenario.from_file(CORPORATE)


@pytest.fixture(scope="session")
def tiny():
    return credroi.Scenario.from_file(TINY)


@pytest.fixture(scope="session")
def corporate_sim(corporate):
    """Kept trials of the corporate example: shared by the tests that only read it."""
    return corporate.simulate(trials=3000, seed=11, keep_trials=True)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")
