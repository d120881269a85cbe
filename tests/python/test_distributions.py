"""credroi's distributions as Python objects: moments, quantiles (scalar and vectorised), errors."""
import math
import pickle

import numpy as np
import pytest

import credroi

ALL = [
    credroi.Fixed(5.0),
    credroi.Uniform(2, 4),
    credroi.Triangular(0, 2, 9),
    credroi.Pert(20000, 30000, 60000),
    credroi.Pert(0, 0.01, 0.025, lamb=6),
    credroi.Normal(100, 15),
    credroi.Normal(2, 2, lo=0),
    credroi.LogNormal(0.5, 0.4),
    credroi.LogNormal.from_range(10, 40),
    credroi.Beta(2, 5, 10, 20),
    credroi.Discrete([3, 1, 2], [0.3, 0.2, 0.5]),
    credroi.RiskEvent(0.25, credroi.Triangular(10000, 20000, 50000)),
    credroi.RiskEvent(0.1, 5000),
]


@pytest.mark.parametrize("d", ALL, ids=repr)
def test_every_distribution_has_the_common_interface(d):
    assert isinstance(d, credroi.Distribution)
    lo, hi = d.support()
    assert lo <= d.median() <= hi
    assert d.variance() >= 0 and d.sd() == pytest.approx(math.sqrt(d.variance()))
    assert d.kind in d.to_dict() or (d.kind == "risk_event" and "risk" in d.to_dict())
    assert repr(d) == repr(pickle.loads(pickle.dumps(d)))


@pytest.mark.parametrize("d", ALL, ids=repr)
def test_vectorised_quantile_matches_the_scalar_one(d):
    p = np.linspace(0.01, 0.99, 25)
    q = d.quantile(p)
    assert isinstance(q, np.ndarray) and q.shape == p.shape
    assert np.all(np.diff(q) >= 0), "a quantile never decreases"
    scalar = np.array([d.quantile(float(x)) for x in p])
    assert q == pytest.approx(scalar, rel=1e-10, abs=1e-12)
    assert isinstance(d.quantile(0.5), float)
    assert d.quantile(p.reshape(5, 5)).shape == (5, 5)


@pytest.mark.parametrize("d", ALL, ids=repr)
def test_cdf_inverts_quantile_for_continuous_ones(d):
    if d.kind in ("fixed", "discrete", "risk_event"):
        return
    p = np.array([0.1, 0.5, 0.9])
    assert d.cdf(d.quantile(p)) == pytest.approx(p, rel=1e-9)
    assert isinstance(d.cdf(float(d.median())), float)


def test_moments_by_hand():
    assert credroi.Uniform(2, 4).quantile([0.0, 0.5, 1.0]).tolist() == [2.0, 3.0, 4.0]
    assert credroi.Uniform(2, 4).variance() == pytest.approx(4 / 12)  # (hi - lo)^2 / 12
    assert credroi.Triangular(0, 2, 9).mean() == pytest.approx(11 / 3)  # (0 + 2 + 9) / 3
    assert credroi.Pert(20000, 30000, 60000).mean() == pytest.approx((20000 + 4 * 30000 + 60000) / 6)
    p = credroi.Pert(0, 1, 3, lamb=2)  # alpha = 1 + 2 * 1/3, beta = 1 + 2 * 2/3
    assert (p.alpha, p.beta, p.lamb) == pytest.approx((5 / 3, 7 / 3, 2))
    assert credroi.Normal(0, 1, lo=0).mean() == pytest.approx(math.sqrt(2 / math.pi), rel=1e-12)  # half-normal
    assert credroi.Beta(2, 2, 0, 10).mean() == pytest.approx(5.0)
    assert credroi.Beta(2, 2, 0, 10).variance() == pytest.approx(100 * 4 / (16 * 5))  # (hi-lo)^2 ab/((a+b)^2 (a+b+1))
    ln = credroi.LogNormal(0.5, 0.4)
    assert ln.mean() == pytest.approx(math.exp(0.5 + 0.4**2 / 2), rel=1e-12)
    assert ln.median() == pytest.approx(math.exp(0.5), rel=1e-12)
    d = credroi.Discrete([3, 1, 2], [0.3, 0.2, 0.5])
    assert d.values == [1, 2, 3] and d.probabilities == pytest.approx([0.2, 0.5, 0.3])
    assert d.mean() == pytest.approx(0.2 + 1.0 + 0.9)
    assert d.quantile([0.1, 0.5, 0.95]).tolist() == [1.0, 2.0, 3.0]
    r = credroi.RiskEvent(0.25, credroi.Triangular(10000, 20000, 50000))
    assert r.mean() == pytest.approx(0.25 * 80000 / 3)
    assert r.quantile(0.5) == 0.0  # the event does not happen at the median
    assert r.cdf(0.0) == pytest.approx(0.75)


def test_lognormal_from_range_hits_its_percentiles():
    d = credroi.LogNormal.from_range(10, 40)
    assert d.quantile(0.05) == pytest.approx(10, rel=1e-12)
    assert d.quantile(0.95) == pytest.approx(40, rel=1e-12)
    assert d.mu == pytest.approx((math.log(10) + math.log(40)) / 2)


def test_properties_and_repr():
    n = credroi.Normal(2, 3, lo=0)
    assert (n.mu, n.sigma, n.lo, n.hi, n.truncated) == (2, 3, 0, math.inf, True)
    assert not credroi.Normal(2, 3).truncated
    assert repr(credroi.Pert(1, 2, 4)) == "PERT(1, 2, 4)"
    r = credroi.RiskEvent(0.1, 5000)
    assert isinstance(r.impact, credroi.Fixed) and r.impact.value == 5000 and r.probability == 0.1
    assert isinstance(credroi.RiskEvent(0.5, credroi.Pert(1, 2, 3)).impact, credroi.Pert)


def test_to_dict_is_the_scenario_file_form():
    assert credroi.Pert(1, 2, 4).to_dict() == {"pert": [1, 2, 4], "lambda": 4}
    assert credroi.Normal(1, 2).to_dict() == {"normal": [1, 2]}
    assert credroi.Normal(1, 2, lo=0).to_dict() == {"normal": [1, 2], "truncate": [0, math.inf]}
    assert credroi.Beta(2, 3).to_dict() == {"beta": [2, 3], "range": [0, 1]}
    assert credroi.Discrete([1, 2], [0.5, 0.5]).to_dict() == {"discrete": [1, 2], "probabilities": [0.5, 0.5]}
    assert credroi.RiskEvent(0.2, 7).to_dict() == {"risk": 0.2, "impact": 7}
    assert credroi.RiskEvent(0.2, credroi.Uniform(1, 2)).to_dict() == {"risk": 0.2, "impact": {"uniform": [1, 2]}}


@pytest.mark.parametrize(
    "make, path",
    [
        (lambda: credroi.Pert(3, 2, 1), "mode"),
        (lambda: credroi.Triangular(0, 5, 4), "mode"),
        (lambda: credroi.Pert(0, 1, 2, lamb=0), "lambda"),
        (lambda: credroi.Uniform(2, 2), "hi"),
        (lambda: credroi.Normal(0, 0), "sd"),
        (lambda: credroi.Normal(0, 1, lo=50, hi=60), "lo"),
        (lambda: credroi.LogNormal(0, -1), "sigma"),
        (lambda: credroi.LogNormal.from_range(10, 5), "p95"),
        (lambda: credroi.Beta(0, 1), "alpha"),
        (lambda: credroi.Discrete([1, 2], [0.5, 0.6]), "probabilities"),
        (lambda: credroi.Discrete([], []), "values"),
        (lambda: credroi.RiskEvent(1.5, 3), "probability"),
        (lambda: credroi.RiskEvent(0.5, "big"), "impact"),
        (lambda: credroi.Fixed(math.inf), "value"),
    ],
)
def test_bad_parameters_name_themselves(make, path):
    with pytest.raises(credroi.ParameterError) as e:
        make()
    assert e.value.path == path, str(e.value)
    assert str(e.value).startswith(path + ": ")


def test_bad_probabilities_in_quantile():
    with pytest.raises(credroi.ParameterError) as e:
        credroi.Uniform(0, 1).quantile(1.5)
    assert e.value.path == "p"
    with pytest.raises(credroi.ParameterError) as e:
        credroi.Normal(0, 1).quantile([0.5, 1.0])  # unbounded above: P = 1 would be infinite
    assert e.value.path == "p[1]" and "u[" not in str(e.value)
    with pytest.raises(credroi.ParameterError) as e:
        credroi.Normal(0, 1).quantile(np.array([[0.5, 0.2], [0.1, math.nan]]))
    assert e.value.path == "p.flat[3]"
    with pytest.raises(credroi.ParameterError):
        credroi.Normal(0, 1).cdf(math.nan)
    with pytest.raises(TypeError):
        credroi.Normal(0, 1).quantile("half")
