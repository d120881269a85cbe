#!/usr/bin/python3
"""An independent, straightforward NumPy implementation of the credroi model.

This is what an analyst would otherwise write in a notebook: read the scenario
file with tomllib, draw every uncertain input with NumPy's own samplers, and
evaluate the model for all trials at once on (trials x months) arrays. It
shares no code with credroi; it follows docs/model.md (and, where that is
silent, include/credroi/detail/model_eval.hpp and detail/batch_metrics.hpp).

Two output modes (`run --outputs`):
- `npv` (the default): the NPV per trial and its mean and sd, nothing else.
  credroi's simulate() does much more per trial, so a speed ratio against
  this mode favours NumPy.
- `full`: what credroi's simulate() computes, vectorised across trials (loops
  over months and Newton iterations only): per trial the NPV, IRR (annual,
  (1 + monthly root)^12 - 1; none without a sign change of the flows or
  without a root on the search grid; see irr_log), MIRR (finance rate = the
  discount rate, reinvestment rate = scenario.reinvestment_rate or the
  discount rate, on the timed series), ROI, benefit-cost ratio, simple and
  discounted payback (credroi's interpolated rule), cost per credential,
  each fiscal year's net and, with a [budget], its shortfall and the total;
  then the summaries: count, mean, sd, min, max, P5/P10/P50/P90/P95 of each
  (NaN = "does not exist", left out as credroi does), P(NPV > 0),
  P(payback within the horizon), P(an IRR exists), P(shortfall) per fiscal
  year, the P5/P10/P25/P50/P75/P90/P95 bands of cumulative net cash flow per
  month (np.percentile, linear: credroi's exact method; credroi sketches them
  above 100k trials) and the standard error of the mean NPV.

Supported (everything examples/corporate-ld.toml uses, and a little more):
segments with growth; logistic adoption fitted through the milestones, with a
ceiling, an optional launch and an uncertain delay; one-off costs; recurring
costs (monthly or annually in advance) and staff with yearly escalation;
vendor contracts (credentials or recipient seats, graduated or all-units
tiers with flat fees, per contract year, monthly increment of the cumulative
tier cost); quality reviews on their cycle; staff time per credential;
contingency; every benefit kind with lag, ramp and attribution; end- or
start-of-month discounting; the budget per fiscal year (annual with
escalation and pro-rating, by_fiscal_year, extension per earner and per
credential, cap; used by --outputs full only). Not supported (an error says
so): Bass adoption and the normal, lognormal, beta and discrete
distributions.

Distributions: uniform (rng.uniform), triangular (rng.triangular), PERT as
lo + (hi - lo) * Beta(alpha, beta) with alpha = 1 + lambda (m - a)/(b - a),
beta = 1 + lambda (b - m)/(b - a), lambda = 4 (rng.beta), risk events (happen
with probability p, then the impact is drawn). Inputs named in
[[correlations]] are drawn through a Gaussian copula instead: correlated
standard normals (Cholesky of P_ij = 2 sin(pi rho_s / 6)), Phi, then the
input's inverse CDF. Base values (no sampling): the mode of a triangular or
PERT, the median otherwise (a risk event's median is 0 when p <= 0.5), or the
distribution's `base` key.

BLAS runs on one thread (OPENBLAS_NUM_THREADS etc. default to 1 here): the
comparison is per thread. (Debian's NumPy here links the reference netlib
BLAS; --outputs full uses a few matrix products (present values, the IRR grid).)

Usage (always with Debian's /usr/bin/python3, which has NumPy):

  numpy_model.py run FILE --trials N [--seed S] [--outputs npv|full] [--no-correlations] [--chunk C]
      one JSON line: seconds (sampling + model + every metric and summary of
      the mode; not the file reading), trials_per_second, phase_seconds,
      npv_mean, npv_sd, npv_se, peak_rss_kib; with --outputs full also
      irr_mean, irr_sd, irr_count, irr_none_fraction, prob_npv_positive,
      payback_p50, prob_shortfall, a few band values (--all-summaries: every
      metric's summary)
  numpy_model.py check-base FILE [--credroi BIN] [--outputs npv|full]
      base case against `credroi run FILE --format json` (1e-6 relative):
      the NPV; with full every metric and each fiscal year's net/shortfall
  numpy_model.py check-trials FILE [--credroi BIN] [--trials N] [--outputs npv|full]
      per-trial metrics at credroi's own sampled inputs (`credroi run
      --samples`): max relative difference per metric (money relative to
      max(|credroi|, 1)) and trials where a metric (IRR, payback, ...) exists
      on one side only
"""
from __future__ import annotations

import argparse
import csv
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
import tomllib

# One thread for BLAS too (the matrix products of --outputs full): the comparison is per thread.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402 (after the thread settings)

try:  # Phi and its inverse for the copula; scipy is what a notebook would use
    from scipy.special import ndtr as _ndtr, ndtri as _ndtri, betaincinv as _betaincinv
except ImportError:  # pragma: no cover - scipy is installed with Debian's numpy stack here
    _ndtr = _ndtri = _betaincinv = None

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DEFAULT_SCENARIO = os.path.join(ROOT, "examples", "corporate-ld.toml")
DEFAULT_CREDROI = os.path.join(ROOT, "build", "bench", "credroi")


# ---------------------------------------------------------------------------
# Scenario: a flat table of inputs keyed by credroi's own key paths
# ---------------------------------------------------------------------------

def month_number(text: str) -> int:
    y, m = text.split("-")
    return int(y) * 12 + int(m) - 1


KINDS = ("fixed", "uniform", "triangular", "pert", "risk")


def dist_kind(spec: dict) -> str:
    kinds = [k for k in spec if k not in ("base", "lambda", "impact")]
    if len(kinds) != 1 or kinds[0] not in KINDS:
        raise NotImplementedError(f"distribution {spec!r}: the NumPy model supports {', '.join(KINDS)}")
    return kinds[0]


def quantile(spec, u):
    """Inverse CDF at u (array); used for copula-coupled inputs and base values."""
    if not isinstance(spec, dict):
        return np.full_like(u, float(spec))
    kind = dist_kind(spec)
    v = spec[kind]
    if kind == "fixed":
        return np.full_like(u, float(v))
    if kind == "uniform":
        lo, hi = v
        return lo + u * (hi - lo)
    if kind == "triangular":
        a, c, b = v
        fc = (c - a) / (b - a)
        return np.where(u <= fc, a + (b - a) * np.sqrt(u * fc), b - (b - a) * np.sqrt((1 - u) * (1 - fc)))
    if kind == "pert":
        a, m, b = v
        lam = spec.get("lambda", 4.0)
        if _betaincinv is None:
            raise NotImplementedError("a correlated PERT needs scipy.special.betaincinv")
        return a + (b - a) * _betaincinv(1 + lam * (m - a) / (b - a), 1 + lam * (b - m) / (b - a), u)
    # risk with an impact >= 0: 0 below 1 - p, else the impact at (u - (1 - p)) / p
    p = float(v)
    hit = u > 1 - p
    w = np.where(hit, (u - (1 - p)) / max(p, 1e-300), 0.5)
    return np.where(hit, quantile(spec["impact"], np.clip(w, 0.0, 1.0)), 0.0)


def base_value(spec) -> float:
    if not isinstance(spec, dict):
        return float(spec)
    if "base" in spec:
        return float(spec["base"])
    kind = dist_kind(spec)
    if kind in ("triangular", "pert"):
        return float(spec[kind][1])
    return float(quantile(spec, np.array([0.5]))[0])  # the median


def draw(spec, n: int, rng: np.random.Generator):
    """n independent draws with NumPy's own samplers (what a notebook does)."""
    if not isinstance(spec, dict):
        return float(spec)
    kind = dist_kind(spec)
    v = spec[kind]
    if kind == "fixed":
        return float(v)
    if kind == "uniform":
        return rng.uniform(v[0], v[1], n)
    if kind == "triangular":
        return rng.triangular(v[0], v[1], v[2], n)
    if kind == "pert":
        a, m, b = v
        lam = spec.get("lambda", 4.0)
        return a + (b - a) * rng.beta(1 + lam * (m - a) / (b - a), 1 + lam * (b - m) / (b - a), n)
    p = float(v)  # risk event
    impact = draw(spec["impact"], n, rng)
    return np.where(rng.random(n) < p, impact, 0.0)


class Scenario:
    """The scenario file read with tomllib; inputs[path] = number or distribution table."""

    def __init__(self, path: str):
        with open(path, "rb") as f:
            d = tomllib.load(f)
        self.doc = d
        self.inputs: dict[str, object] = {}
        s = d["scenario"]
        self.H = int(s.get("horizon_months", 60))
        self.start = month_number(s["start"])
        self.at_start = s.get("cash_flow_timing", "end") == "start"
        self.add("scenario.discount_rate", s.get("discount_rate", 0.08))

        self.segments = []
        for k, g in enumerate(d["segments"]):
            p = f"segments[{k}]"
            self.segments.append({key: self.add(f"{p}.{key}", g.get(key, dflt)) for key, dflt in (
                ("headcount", None), ("annual_growth", 0.0), ("annual_attrition", 0.0), ("annual_salary", 0.0),
                ("replacement_cost_share", 0.0), ("eligible_share", 1.0))})

        a = d["adoption"]
        if a.get("model", "logistic") != "logistic":
            raise NotImplementedError("the NumPy model implements logistic adoption only")
        self.ceiling = float(a.get("ceiling", 1.0))
        u = np.array([self.offset(m["date"]) + 1.0 for m in a["milestones"]])
        y = np.array([math.log(m["share"] / (self.ceiling - m["share"])) for m in a["milestones"]])
        # ordinary least squares of the logit on the month: y = k (u - t0)
        self.k = float(((u - u.mean()) * (y - y.mean())).sum() / ((u - u.mean()) ** 2).sum())
        self.t0 = float(u.mean() - y.mean() / self.k)
        self.launch = self.offset(a["launch"]) if "launch" in a else None
        self.delay = self.add("adoption.delay_months", a.get("delay_months", 0.0))
        self.cred_per_earner = self.add("issuing.credentials_per_earner_per_year",
                                        d.get("issuing", {}).get("credentials_per_earner_per_year", 1.0))

        c = d.get("costs", {})
        self.one_off = []
        for k, o in enumerate(c.get("one_off", [])):
            p = f"costs.one_off[{k}]"
            self.one_off.append((self.offset(o["date"]), self.add(f"{p}.amount", o["amount"]),
                                 self.add(f"{p}.quantity", o.get("quantity", 1.0))))
        self.recurring = []  # (annual, factor or None, escalation, annual billing?, start, end)
        for k, o in enumerate(c.get("recurring", [])):
            p = f"costs.recurring[{k}]"
            self.recurring.append((self.add(f"{p}.annual", o["annual"]), None,
                                   self.add(f"{p}.annual_escalation", o.get("annual_escalation", 0.0)),
                                   o.get("billing", "monthly") == "annually_in_advance",
                                   self.offset(o["start"]) if "start" in o else 0,
                                   self.offset(o["end"]) if "end" in o else self.H - 1))
        for k, o in enumerate(c.get("staff", [])):
            p = f"costs.staff[{k}]"
            self.recurring.append((self.add(f"{p}.annual_loaded_cost", o["annual_loaded_cost"]),
                                   self.add(f"{p}.fte", o["fte"]),
                                   self.add(f"{p}.annual_escalation", o.get("annual_escalation", 0.0)), False,
                                   self.offset(o["start"]) if "start" in o else 0,
                                   self.offset(o["end"]) if "end" in o else self.H - 1))
        self.vendors = []
        for k, o in enumerate(c.get("vendors", [])):
            p = f"costs.vendors[{k}]"
            tiers = o["tiers"]
            upper = np.array([t.get("up_to", np.inf) for t in tiers], dtype=float)
            self.vendors.append(dict(
                start=self.offset(o["contract_start"]),
                end=self.offset(o["end"]) if "end" in o else self.H - 1,
                recipients=o.get("unit", "credentials") == "recipients",
                graduated=o.get("pricing", "graduated") == "graduated",
                upper=upper, lower=np.concatenate([[0.0], upper[:-1]]),
                price=np.array([t.get("unit_price", 0.0) for t in tiers], dtype=float),
                fee=np.array([t.get("flat_fee", 0.0) for t in tiers], dtype=float),
                escalation=self.add(f"{p}.annual_escalation", o.get("annual_escalation", 0.0)),
                multiplier=self.add(f"{p}.price_multiplier", o.get("price_multiplier", 1.0)),
                discount=self.add(f"{p}.discount_share", o.get("discount_share", 0.0))))
        self.quality = []
        for k, o in enumerate(c.get("quality_reviews", [])):
            p = f"costs.quality_reviews[{k}]"
            self.quality.append((self.offset(o["first_date"]), self.add(f"{p}.initial", o["initial"]),
                                 self.add(f"{p}.surveillance", o.get("surveillance", 0.0)),
                                 self.add(f"{p}.recertification", o.get("recertification", 0.0)),
                                 int(o.get("cycle_years", 3)),
                                 self.add(f"{p}.annual_escalation", o.get("annual_escalation", 0.0))))
        st = c.get("staff_time")
        self.staff_time = None if st is None else (
            self.add("costs.staff_time.minutes_per_credential", st.get("minutes_per_credential", 0.0)),
            self.add("costs.staff_time.hourly_cost", st.get("hourly_cost", 0.0)))
        self.contingency = self.add("costs.contingency_share", c.get("contingency_share", 0.0))

        b = d.get("benefits", {})
        fields = {
            "paper": (("certificates_per_year", None), ("print_cost", 0.0), ("postage_cost", 0.0),
                      ("handling_minutes", 0.0), ("hourly_cost", 0.0), ("reissue_share", 0.0)),
            "verification": (("requests_per_year", None), ("minutes_per_request", 0.0), ("hourly_cost", 0.0)),
            "retention": (("relative_attrition_reduction", None),),
            "productivity": (("uplift_share_of_salary", None),),
            "internal_mobility": (("internal_fills_per_100_earners_per_year", None), ("saving_per_internal_fill", None)),
            "onboarding": (("days_saved_per_hire", None), ("working_days_per_year", 220.0)),
            "credential_fees": (("fee_per_credential", None), ("paying_share", 1.0)),
            "member_retention": (("renewal_rate_uplift", None), ("value_per_retained_member", None)),
            "enrolments": (("enrolments_per_100_earners_per_year", None), ("net_revenue_per_enrolment", None)),
        }
        self.benefits = []  # (kind, timing, values)
        for kind, keys in fields.items():
            if kind in b:
                p = f"benefits.{kind}"
                timing = self.timing(p, b[kind])
                self.benefits.append((kind, timing, {key: self.add(f"{p}.{key}", b[kind].get(key, dflt))
                                                     for key, dflt in keys}))
        for k, o in enumerate(b.get("other", [])):
            p = f"benefits.other[{k}]"
            timing = self.timing(p, o)
            self.benefits.append(("other", timing, {"annual": self.add(f"{p}.annual", o["annual"]),
                                                    "scales": bool(o.get("scales_with_adoption", True))}))

        self.correlations = [(tuple(r["inputs"]), float(r["rank"])) for r in d.get("correlations", [])]

        # metrics beyond the NPV (--outputs full): MIRR's reinvestment rate, fiscal years, budget
        self.reinvestment = (self.add("scenario.reinvestment_rate", s["reinvestment_rate"])
                             if "reinvestment_rate" in s else "scenario.discount_rate")
        fy = d.get("fiscal_year", {})
        first_month = int(fy.get("start_month", 1))
        by_end = fy.get("named_by", "end") == "end" and first_month != 1
        self.fiscal_years = []  # (label, first month index, month count), in time order
        for i in range(self.H):
            year, month = divmod(self.start + i, 12)
            start_year = year if month + 1 >= first_month else year - 1
            label = f"FY{start_year + 1 if by_end else start_year}"
            if self.fiscal_years and self.fiscal_years[-1][0] == label:
                self.fiscal_years[-1][2] += 1
            else:
                self.fiscal_years.append([label, i, 1])
        g = d.get("budget")
        self.budget = None
        if g is not None:
            labels = [f[0] for f in self.fiscal_years]
            fixed = g.get("by_fiscal_year", {})
            for label in fixed:
                if label not in labels:
                    raise KeyError(f"budget.by_fiscal_year.{label}: no such fiscal year in the horizon")
            self.budget = dict(
                annual=self.add("budget.annual", g["annual"]) if "annual" in g else None,
                escalation=self.add("budget.annual_escalation", g.get("annual_escalation", 0.0)),
                per_earner=self.add("budget.extension_per_earner", g.get("extension_per_earner", 0.0)),
                per_credential=self.add("budget.extension_per_credential", g.get("extension_per_credential", 0.0)),
                cap=self.add("budget.extension_cap", g["extension_cap"]) if "extension_cap" in g else None,
                fixed={label: float(x) for label, x in fixed.items()})

    def offset(self, text: str) -> int:
        return month_number(text) - self.start

    def add(self, path: str, value):
        if value is None:
            raise KeyError(f"{path} is required")
        self.inputs[path] = value
        return path

    def timing(self, p: str, t: dict):
        return (self.add(f"{p}.lag_months", t.get("lag_months", 0.0)),
                self.add(f"{p}.ramp_months", t.get("ramp_months", 0.0)),
                self.add(f"{p}.attribution_share", t.get("attribution_share", 1.0)))

    # ---- input values -------------------------------------------------------

    def base_values(self) -> dict:
        return {p: base_value(v) for p, v in self.inputs.items()}

    def sample(self, n: int, rng: np.random.Generator, correlations: bool = True) -> dict:
        values = {}
        coupled = []
        if correlations and self.correlations:
            for pair, _ in self.correlations:
                for p in pair:
                    if p not in coupled:
                        coupled.append(p)
            rho = np.eye(len(coupled))
            for (a, b), r in self.correlations:
                i, j = coupled.index(a), coupled.index(b)
                rho[i, j] = rho[j, i] = 2 * math.sin(math.pi * r / 6)  # Spearman -> Pearson of the normals
            z = rng.standard_normal((n, len(coupled))) @ np.linalg.cholesky(rho).T
            for j, p in enumerate(coupled):
                values[p] = quantile(self.inputs[p], _phi(z[:, j]))
        for p, spec in self.inputs.items():
            if p not in values:
                values[p] = draw(spec, n, rng)
        return values

    # ---- the model ------------------------------------------------------------

    def npv(self, v: dict, n: int) -> np.ndarray:
        """NPV per trial; v[path] is a number or an array of n values."""
        costs, benefits, _, _, df = self.flows(v, n)
        return ((benefits - costs) * df).sum(axis=1)

    def flows(self, v: dict, n: int):
        """Monthly (trials x months) costs, benefits, earners and credentials, and the discount factors."""
        H = self.H

        def col(p):  # an input as a column, so that it broadcasts against (n, H)
            x = v[p]
            return x[:, None] if isinstance(x, np.ndarray) else x

        i = np.arange(H, dtype=float)  # month index
        t = i + 1.0  # end of the month

        # drivers
        a = self.ceiling / (1.0 + np.exp(-self.k * (t - self.t0 - col(self.delay))))
        if self.launch is not None:
            a = np.where(t > self.launch + col(self.delay), a, 0.0)
        a = np.broadcast_to(a, (n, H))
        pops, earns = [], []
        for g in self.segments:
            pop = col(g["headcount"]) * (1.0 + col(g["annual_growth"])) ** (i / 12.0)
            pops.append(pop)
            earns.append(a * pop * col(g["eligible_share"]))
        earners = sum(earns)
        cred = earners * col(self.cred_per_earner) / 12.0

        # costs
        costs = np.zeros((n, H))
        for month, amount, quantity in self.one_off:
            costs[:, month] += np.broadcast_to(v[amount] * v[quantity], n)
        for annual, factor, esc, annual_billing, S, E in self.recurring:
            m = np.arange(max(S, 0), min(E, H - 1) + 1)
            if annual_billing:
                m = m[(m - S) % 12 == 0]
            years = ((m - S) // 12).astype(float)
            amount = col(annual) * (1.0 + col(esc)) ** years * (1.0 if annual_billing else 1.0 / 12.0)
            if factor is not None:
                amount = amount * col(factor)
            costs[:, m] += amount
        for vd in self.vendors:
            C, E = vd["start"], min(vd["end"], H - 1)
            first = max(C, 0)
            while first <= E:  # one contract year (or the part of it inside the horizon) at a time
                last = min(E, C + ((first - C) // 12 + 1) * 12 - 1)
                y = (first - C) // 12
                if vd["recipients"]:
                    volume = np.maximum.accumulate(earners[:, first:last + 1], axis=1)  # seats
                else:
                    volume = np.cumsum(cred[:, first:last + 1], axis=1)
                tier_cost = tiered_cost(volume, vd)
                monthly = np.diff(tier_cost, axis=1, prepend=0.0)
                costs[:, first:last + 1] += (monthly * col(vd["multiplier"]) * (1.0 - col(vd["discount"]))
                                             * (1.0 + col(vd["escalation"])) ** y)
                first = last + 1
        for F, initial, surveillance, recert, cycle, esc in self.quality:
            for m in range(max(F, 0), H):
                if (m - F) % 12 == 0:
                    y = (m - F) // 12
                    amount = initial if y == 0 else (recert if y % cycle == 0 else surveillance)
                    costs[:, m] += np.broadcast_to(v[amount] * (1.0 + v[esc]) ** y, n)
        if self.staff_time:
            minutes, hourly = self.staff_time
            costs += cred * col(minutes) / 60.0 * col(hourly)
        costs += costs * col(self.contingency)

        # benefits
        benefits = np.zeros((n, H))
        for kind, (lag, ramp, attribution), x in self.benefits:
            lg, rp = col(lag), col(ramp)
            T = np.where(rp > 0, np.clip((t - lg) / np.maximum(rp, 1e-300), 0.0, 1.0), (t - lg > 0) * 1.0)
            T = T * col(attribution)
            c = {key: col(p) for key, p in x.items() if key != "scales"}
            if kind == "paper":
                line = c["certificates_per_year"] / 12.0 * a * (
                    c["print_cost"] + c["postage_cost"] + c["handling_minutes"] / 60.0 * c["hourly_cost"]
                    + c["reissue_share"] * (c["print_cost"] + c["postage_cost"]))
            elif kind == "verification":
                line = c["requests_per_year"] / 12.0 * a * c["minutes_per_request"] / 60.0 * c["hourly_cost"]
            elif kind == "retention":
                line = c["relative_attrition_reduction"] * sum(
                    e * col(g["annual_attrition"]) / 12.0 * col(g["replacement_cost_share"]) * col(g["annual_salary"])
                    for e, g in zip(earns, self.segments))
            elif kind == "productivity":
                line = c["uplift_share_of_salary"] * sum(
                    e * col(g["annual_salary"]) / 12.0 for e, g in zip(earns, self.segments))
            elif kind == "internal_mobility":
                line = earners * c["internal_fills_per_100_earners_per_year"] / 1200.0 * c["saving_per_internal_fill"]
            elif kind == "onboarding":
                hires = sum(pop * (col(g["annual_attrition"]) / 12.0
                                   + np.maximum((1.0 + col(g["annual_growth"])) ** (1.0 / 12.0) - 1.0, 0.0))
                            * col(g["eligible_share"]) * col(g["annual_salary"])
                            for pop, g in zip(pops, self.segments))
                line = a * c["days_saved_per_hire"] / c["working_days_per_year"] * hires
            elif kind == "credential_fees":
                line = cred * c["fee_per_credential"] * c["paying_share"]
            elif kind == "member_retention":
                line = earners * c["renewal_rate_uplift"] / 12.0 * c["value_per_retained_member"]
            elif kind == "enrolments":
                line = earners * c["enrolments_per_100_earners_per_year"] / 1200.0 * c["net_revenue_per_enrolment"]
            else:  # other
                line = c["annual"] / 12.0 * (a if x["scales"] else 1.0)
            benefits += line * T

        # discounting: end of month i at t = i + 1 (or its start)
        df = (1.0 + col("scenario.discount_rate")) ** (-(i if self.at_start else t) / 12.0)
        return costs, benefits, earners, cred, df


# ---------------------------------------------------------------------------
# Every metric credroi reports per trial (--outputs full)
# ---------------------------------------------------------------------------

METRICS = ("npv", "irr", "mirr", "roi", "bcr", "payback_months", "discounted_payback_months",
           "cost_per_credential", "total_shortfall")
MONEY = ("npv", "total_shortfall")  # plus "net FY..." and "shortfall FY...": relative differences floored at 1


def _rate_column(x):
    return x[:, None] if isinstance(x, np.ndarray) else x


def trial_metrics(scn: "Scenario", v: dict, n: int, times: dict | None = None):
    """Every per-trial metric of credroi's simulate(), vectorised across trials.

    Returns (metrics, cumulative net (trials x months)); metrics maps credroi's
    metric names (npv, irr, ..., "net FY2027", "shortfall FY2027") to arrays of
    n values, NaN where the metric does not exist. `times` collects seconds per
    phase (model, irr, other metrics) when given.
    """
    times = {} if times is None else times
    clock = time.perf_counter()

    def lap(name):
        nonlocal clock
        now = time.perf_counter()
        times[name] = times.get(name, 0.0) + now - clock
        clock = now

    H, shift = scn.H, 0 if scn.at_start else 1
    costs, benefits, earners, cred, df = scn.flows(v, n)
    lap("model")
    nan = np.nan
    out = {}
    # discounted sums; df is (months,) when the discount rate is fixed, else (trials x months)
    pv_costs, pv_benefits = (costs @ df, benefits @ df) if df.ndim == 1 else ((costs * df).sum(1), (benefits * df).sum(1))
    out["npv"] = pv_benefits - pv_costs
    with np.errstate(divide="ignore", invalid="ignore"):
        out["roi"] = np.where(pv_costs > 0, (pv_benefits - pv_costs) / pv_costs, nan)
        out["bcr"] = np.where(pv_costs > 0, pv_benefits / pv_costs, nan)
        total_costs, credentials = costs.sum(1), cred.sum(1)
        out["cost_per_credential"] = np.where(credentials > 0, total_costs / credentials, nan)
    net = benefits - costs
    rate = v["scenario.discount_rate"]
    monthly = np.expm1(np.log1p(rate) / 12.0)  # r_m, finance.hpp's monthly_rate_from_annual
    lap("metrics")

    # IRR: monthly root of the flows, annualised as (1 + x)^12 - 1
    u = irr_log(net, monthly)  # ln(1 + monthly IRR), NaN when there is none
    out["irr"] = np.expm1(12.0 * u)
    lap("irr")

    # MIRR on the timed series (a zero flow at t = 0 with end-of-month flows): T = H + shift periods
    rho = np.expm1(np.log1p(v[scn.reinvestment]) / 12.0)
    growth = (1.0 + _rate_column(rho)) ** np.arange(H - 1, -1, -1, dtype=float)  # to t = T - 1
    neg, pos = np.minimum(net, 0.0), np.maximum(net, 0.0)
    pv_negative = neg @ df if df.ndim == 1 else (neg * df).sum(1)
    fv_positive = pos @ growth if growth.ndim == 1 else (pos * growth).sum(1)
    del neg, pos
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where((pv_negative != 0) & (fv_positive != 0), fv_positive / -pv_negative, nan)
        out["mirr"] = np.expm1(12.0 / (H + shift - 1) * np.log(ratio))
    lap("mirr")

    # payback and discounted payback (months from the model start, linear inside the month)
    out["payback_months"] = payback(net, shift)
    out["discounted_payback_months"] = payback(net * df, shift)
    lap("payback")

    # fiscal years: net, and against the budget the shortfall
    b = scn.budget
    total_shortfall = np.zeros(n)
    shortfalls = {}
    for f, (label, first, count) in enumerate(scn.fiscal_years):
        c_f = costs[:, first:first + count].sum(1)
        out[f"net {label}"] = benefits[:, first:first + count].sum(1) - c_f
        if b is not None:
            if label in b["fixed"]:
                base = b["fixed"][label]
            elif b["annual"] is not None:
                base = v[b["annual"]] * (count / 12.0) * (1.0 + v[b["escalation"]]) ** f
            else:
                base = 0.0
            extension = (v[b["per_earner"]] * earners[:, first:first + count].max(1)
                         + v[b["per_credential"]] * cred[:, first:first + count].sum(1))
            if b["cap"] is not None:
                extension = np.minimum(extension, v[b["cap"]])
            shortfalls[f"shortfall {label}"] = short = np.maximum(0.0, c_f - (base + extension))
            total_shortfall += short
    out["total_shortfall"] = total_shortfall
    out.update(shortfalls)
    del costs, benefits, earners, cred
    cumulative = np.cumsum(net, axis=1)
    lap("metrics")
    return out, cumulative


def irr_log(net: np.ndarray, monthly_rate) -> np.ndarray:
    """ln(1 + x) of the monthly IRR x of each row of flows, NaN where there is none.

    Rows without a sign change (zeros skipped) have no IRR. The others: the NPV
    is evaluated at 21 points of u = ln(1 + x) in [-ln 1e12, ln 1e12] (credroi's
    range) with one matrix product (present value for u >= 0, future value at
    the last month for u < 0: same sign, no overflow); a sign change between
    grid points brackets a root, polished by a safeguarded Newton iteration
    (bisection when a step leaves the bracket) on all such rows at once. A row
    whose flows change sign but whose grid shows none has no root found (NaN);
    with several brackets the root closest to the monthly discount rate is kept
    (credroi's multiple_roots rule). Two roots within one grid step (a factor 4 in u) are missed.
    """
    n, H = net.shape
    result = np.full(n, np.nan)
    # sign changes with zeros skipped: compare each month's sign with the last nonzero one before it
    sign = np.sign(net)
    if (sign != 0).all():
        changes = (sign[:, 1:] != sign[:, :-1]).any(1)
    else:
        last = np.where(sign != 0, np.arange(H), 0)
        np.maximum.accumulate(last, axis=1, out=last)
        last = np.take_along_axis(sign, last, axis=1)
        changes = (sign[:, 1:] * last[:, :-1] < 0).any(1)
    del sign
    rows = np.flatnonzero(changes)
    if rows.size == 0:
        return result
    flows = net[rows]
    bound = math.log(1e12)
    half = np.geomspace(1e-4, bound, 10)  # steps of a factor 4 in u
    grid = np.concatenate([-half[::-1], [0.0], half])  # ascending u
    i = np.arange(H, dtype=float)[:, None]
    basis = np.where(grid >= 0, np.exp(-np.maximum(grid, 0) * i), np.exp(np.minimum(grid, 0) * (H - 1 - i)))
    values = flows @ basis  # (rows x grid): the NPV's sign at each grid point
    crossing = np.signbit(values[:, :-1]) != np.signbit(values[:, 1:])
    crossing &= (values[:, :-1] != 0)  # a grid point that is exactly a root is handled below
    exact = (values == 0)
    count = crossing.sum(1)
    # one bracket per row: the only one, or the one whose interpolated root is closest to the discount rate
    k = crossing.argmax(1)
    many = np.flatnonzero(count > 1)
    if many.size:
        lo, hi = values[many, :-1], values[many, 1:]
        with np.errstate(divide="ignore", invalid="ignore"):
            guess_u = grid[:-1] - lo * (grid[1:] - grid[:-1]) / (hi - lo)
        target = monthly_rate[rows[many]] if isinstance(monthly_rate, np.ndarray) else monthly_rate
        distance = np.where(crossing[many], np.abs(np.expm1(guess_u) - _rate_column(target)), np.inf)
        k[many] = distance.argmin(1)
    found = count > 0
    hit = exact.any(1) & ~found  # a root exactly on the grid (and no bracket)
    if hit.any():
        result[rows[hit]] = grid[exact[hit].argmax(1)]
    r = np.flatnonzero(found)
    k = k[r]
    ua, ub = grid[k], grid[k + 1]
    fa, fb = values[r, k], values[r, k + 1]
    del values, crossing
    upper = ua >= 0  # the bracket lies on one side of u = 0 (a grid point)
    # polynomial in w = exp(-u) (u >= 0: sum v_i w^i) or w = exp(u) (u < 0: sum v_(H-1-i) w^i);
    # coefficients as (months x rows), so that Horner reads contiguous rows
    coef = np.ascontiguousarray(flows[r].T)
    if not upper.all():
        lower = np.flatnonzero(~upper)
        coef[:, lower] = flows[r[lower], ::-1].T
    wa = np.where(upper, np.exp(-ua), np.exp(ua))
    wb = np.where(upper, np.exp(-ub), np.exp(ub))
    # start: regula falsi on the grid bracket
    u0 = ua - fa * (ub - ua) / (fb - fa)
    w = np.where(upper, np.exp(-u0), np.exp(u0))
    w_neg = np.where(fa < 0, wa, wb)  # bracket ends where the polynomial is < 0 and > 0
    w_pos = np.where(fa < 0, wb, wa)
    active = np.arange(r.size)
    root = np.empty(r.size)
    for _ in range(100):
        c = coef[:, active] if active.size < r.size else coef
        x = w[active]
        p = c[H - 1].copy()
        dp = np.zeros_like(p)
        for j in range(H - 2, -1, -1):
            dp *= x
            dp += p
            p *= x
            p += c[j]
        below = p < 0
        wn, wp = np.where(below, x, w_neg[active]), np.where(below, w_pos[active], x)
        with np.errstate(divide="ignore", invalid="ignore"):
            delta = p / dp
        step = x - delta
        inside = (step - wn) * (step - wp) <= 0
        new = np.where(inside, step, 0.5 * (wn + wp))
        # a Newton step this small leaves an error of its square: x - delta is the root to rounding
        small = np.abs(delta) <= 1e-10 * x
        done = small | (p == 0) | (np.abs(wp - wn) <= 4e-16 * x)
        root[active[done]] = np.where(small[done], step[done], x[done])
        keep = ~done
        active = active[keep]
        if active.size == 0:
            break
        w[active], w_neg[active], w_pos[active] = new[keep], wn[keep], wp[keep]
    else:
        root[active] = np.nan  # no convergence: no root found
    result[rows[r]] = np.where(upper, -np.log(root), np.log(root))
    return result


def payback(x: np.ndarray, shift: int) -> np.ndarray:
    """credroi's payback on flows x[:, i] standing at t = i + shift months (finance.hpp payback_of):
    the first time the cumulative sum turns >= 0 after having been negative, linear inside the
    month; 0 if it is never negative; NaN if it never recovers. Within 32 ulp of the gross flows
    so far counts as zero."""
    n, H = x.shape
    cumulative = np.cumsum(x, axis=1)
    negative = cumulative < -32.0 * np.finfo(float).eps * np.cumsum(np.abs(x), axis=1)
    seen = np.logical_or.accumulate(negative, axis=1)
    recovered = ~negative[:, 1:] & seen[:, :-1]
    has = recovered.any(1)
    j = recovered.argmax(1) + 1  # the month of the recovery
    t = np.arange(n)
    before, after = cumulative[t, j - 1], cumulative[t, j]
    with np.errstate(divide="ignore", invalid="ignore"):
        fraction = np.minimum(1.0, -before / (after - before))
    return np.where(has, j - 1 + shift + fraction, np.where(seen[:, -1], np.nan, 0.0))


PERCENTILES = (5, 10, 50, 90, 95)
BANDS = (5, 10, 25, 50, 75, 90, 95)


def summarise(metrics: dict, cumulative: np.ndarray, n: int, times: dict | None = None) -> dict:
    """The summaries credroi's simulate() reports, from per-trial metrics (NaN = does not exist)."""
    times = {} if times is None else times
    t0 = time.perf_counter()
    summary = {}
    for name, x in metrics.items():
        ok = x[~np.isnan(x)]
        s = {"count": int(ok.size)}
        if ok.size:
            s["mean"] = float(ok.mean())
            s["sd"] = float(ok.std(ddof=1)) if ok.size > 1 else 0.0
            s["min"], s["max"] = float(ok.min()), float(ok.max())
            for q, value in zip(PERCENTILES, np.percentile(ok, PERCENTILES)):
                s[f"p{q}"] = float(value)
        summary[name] = s
    t1 = time.perf_counter()
    bands = np.percentile(cumulative, BANDS, axis=0)  # bands x months (linear, credroi's exact method)
    t2 = time.perf_counter()
    times["summaries"] = times.get("summaries", 0.0) + t1 - t0
    times["bands"] = times.get("bands", 0.0) + t2 - t1
    npv = metrics["npv"]
    return {
        "metrics": summary, "bands": bands,
        "probability_npv_positive": float((npv > 0).mean()),
        "probability_payback_within_horizon": float((~np.isnan(metrics["payback_months"])).mean()),
        "probability_irr_exists": float((~np.isnan(metrics["irr"])).mean()),
        "probability_shortfall": {k.split(" ", 1)[1]: float((x > 0).mean())
                                  for k, x in metrics.items() if k.startswith("shortfall ")},
        "npv_mean_standard_error": summary["npv"]["sd"] / math.sqrt(n),
    }


def tiered_cost(volume: np.ndarray, vd: dict) -> np.ndarray:
    """Price of a contract-year volume (any shape) under the vendor's tiers."""
    tier = np.searchsorted(vd["upper"], volume, side="left")  # first tier with volume <= up_to
    tier = np.minimum(tier, len(vd["upper"]) - 1)
    if vd["graduated"]:
        cost = np.zeros_like(volume)
        for lo, hi, price in zip(vd["lower"], vd["upper"], vd["price"]):
            if price:
                cost += price * np.clip(volume - lo, 0.0, hi - lo)
        return cost + vd["fee"][tier]
    return volume * vd["price"][tier] + vd["fee"][tier]


def _phi(z):
    if _ndtr is not None:
        return _ndtr(z)
    return 0.5 * (1.0 + np.vectorize(math.erf)(z / math.sqrt(2.0)))


# ---------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------

def peak_rss_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


def current_rss_kib() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def cmd_run(args) -> int:
    scn = Scenario(args.file)
    rss_before = current_rss_kib()
    n, chunk = args.trials, args.chunk or args.trials
    full = args.outputs == "full"
    times: dict[str, float] = {}
    t0 = time.perf_counter()
    rng = np.random.default_rng(args.seed)
    done, mean, m2 = 0, 0.0, 0.0
    parts: dict[str, list] = {}
    cumulative = np.empty((n, scn.H)) if full and chunk < n else None
    while done < n:  # the whole run at once unless --chunk is given
        m = min(chunk, n - done)
        t = time.perf_counter()
        values = scn.sample(m, rng, not args.no_correlations)
        times["sampling"] = times.get("sampling", 0.0) + time.perf_counter() - t
        if full:
            metrics, cum = trial_metrics(scn, values, m, times)
            for k, x in metrics.items():
                parts.setdefault(k, []).append(x)
            if cumulative is None:
                cumulative = cum
            else:
                cumulative[done:done + m] = cum
            del cum
        else:
            t = time.perf_counter()
            npv = scn.npv(values, m)
            times["model"] = times.get("model", 0.0) + time.perf_counter() - t
            cm = float(npv.mean())
            cm2 = float(((npv - cm) ** 2).sum())
            delta = cm - mean  # Chan et al.'s merge of (count, mean, sum of squared deviations)
            mean += delta * m / (done + m)
            m2 += cm2 + delta * delta * done * m / (done + m)
        done += m
    result = {}
    if full:
        metrics = {k: (x[0] if len(x) == 1 else np.concatenate(x)) for k, x in parts.items()}
        summary = summarise(metrics, cumulative, n, times)
        mean, sd = summary["metrics"]["npv"]["mean"], summary["metrics"]["npv"]["sd"]
    else:
        sd = math.sqrt(m2 / (n - 1)) if n > 1 else 0.0
    seconds = time.perf_counter() - t0
    if full:
        ms = summary["metrics"]
        irr = ms["irr"]
        result = {
            "irr_mean": irr.get("mean"), "irr_sd": irr.get("sd"), "irr_count": irr["count"],
            "irr_none_fraction": 1.0 - irr["count"] / n,
            "irr_p50": irr.get("p50"), "mirr_mean": ms["mirr"].get("mean"), "roi_mean": ms["roi"].get("mean"),
            "bcr_mean": ms["bcr"].get("mean"), "payback_mean": ms["payback_months"].get("mean"),
            "payback_p50": ms["payback_months"].get("p50"),
            "discounted_payback_p50": ms["discounted_payback_months"].get("p50"),
            "cost_per_credential_mean": ms["cost_per_credential"].get("mean"),
            "npv_p5": ms["npv"]["p5"], "npv_p50": ms["npv"]["p50"], "npv_p95": ms["npv"]["p95"],
            "prob_npv_positive": summary["probability_npv_positive"],
            "prob_payback_within_horizon": summary["probability_payback_within_horizon"],
            "prob_shortfall": summary["probability_shortfall"],
            "band_p50_last_month": float(summary["bands"][3, -1]),
            "band_p5_month_12": float(summary["bands"][0, min(11, scn.H - 1)]),
            "band_p95_last_month": float(summary["bands"][6, -1]),
            "metric_summaries": ms if args.all_summaries else None,
        }
    print(json.dumps({
        "program": "numpy_model.py", "scenario": args.file, "trials": n, "seed": args.seed,
        "outputs": args.outputs, "correlations": not args.no_correlations, "chunk": args.chunk,
        "numpy": np.__version__, "seconds": seconds, "trials_per_second": n / seconds,
        "phase_seconds": times, "npv_mean": mean, "npv_sd": sd, "npv_se": sd / math.sqrt(n), **result,
        "rss_before_kib": rss_before, "peak_rss_kib": peak_rss_kib()}))
    return 0


def credroi_json(binary: str, file: str, *extra: str) -> dict:
    out = subprocess.run([binary, "run", file, "--format", "json", *extra], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def compare_metric(name: str, ours: np.ndarray, theirs: np.ndarray) -> dict:
    """Max relative difference where both exist (money: relative to max(|credroi|, 1));
    and the trials where one exists and the other does not."""
    ours, theirs = np.atleast_1d(np.asarray(ours, float)), np.atleast_1d(np.asarray(theirs, float))
    both = ~np.isnan(ours) & ~np.isnan(theirs)
    floor = 1.0 if (name in MONEY or " " in name) else 1e-12
    rel = np.abs(ours[both] - theirs[both]) / np.maximum(np.abs(theirs[both]), floor)
    k = int(np.flatnonzero(both)[rel.argmax()]) if rel.size else None
    return {"max_relative_difference": float(rel.max()) if rel.size else 0.0, "worst": k,
            "numpy": None if k is None else float(ours[k]), "credroi": None if k is None else float(theirs[k]),
            "exists_disagree": int((np.isnan(ours) != np.isnan(theirs)).sum()),
            "exists_numpy": int((~np.isnan(ours)).sum()), "exists_credroi": int((~np.isnan(theirs)).sum())}


def check_ok(results: dict, tolerance: float) -> bool:
    return all(r["max_relative_difference"] <= tolerance and r["exists_disagree"] == 0 for r in results.values())


def cmd_check_base(args) -> int:
    scn = Scenario(args.file)
    values = scn.base_values()
    ours = float(scn.npv(values, 1)[0])
    out = credroi_json(args.credroi, args.file)
    theirs = out["metrics"]["npv"]
    rel = abs(ours - theirs) / abs(theirs)
    ok = rel <= 1e-6
    result = {"check": "base", "outputs": args.outputs, "numpy_npv": ours, "credroi_npv": theirs,
              "relative_difference": rel, "tolerance": 1e-6}
    if args.outputs == "full":
        mine, _ = trial_metrics(scn, values, 1)
        m = out["metrics"]
        theirs_all = {k: m[k] for k in METRICS}
        for y in out["fiscal_years"]:
            theirs_all[f"net {y['label']}"] = y["net"]
            if scn.budget is not None:
                theirs_all[f"shortfall {y['label']}"] = y["shortfall"]
        missing = sorted(set(theirs_all) ^ set(mine))
        if missing:
            raise SystemExit(f"check-base: metrics on one side only: {missing}")
        per = {k: compare_metric(k, mine[k], np.nan if theirs_all[k] is None else theirs_all[k]) for k in theirs_all}
        result["metrics"] = {k: {"numpy": float(mine[k][0]), "credroi": theirs_all[k],
                                 "relative_difference": r["max_relative_difference"],
                                 "exists_disagree": r["exists_disagree"]} for k, r in per.items()}
        result["max_relative_difference"] = max(r["max_relative_difference"] for r in per.values())
        ok = ok and check_ok(per, 1e-6)
    result["ok"] = ok
    print(json.dumps(result))
    return 0 if ok else 1


def cmd_check_trials(args) -> int:
    scn = Scenario(args.file)
    with tempfile.TemporaryDirectory() as tmp:
        samples = os.path.join(tmp, "samples.csv")
        credroi_json(args.credroi, args.file, "--trials", str(args.trials), "--seed", str(args.seed),
                     "--samples", samples, "--threads", "1")
        with open(samples, newline="") as f:
            rows = list(csv.DictReader(f))
    n = len(rows)
    values = scn.base_values()
    sampled = [p for p in rows[0] if p in scn.inputs]
    for p in sampled:
        values[p] = np.array([float(r[p]) for r in rows])

    def column(name):
        return np.array([float(r[name]) if r[name] not in ("", "nan", "NaN") else np.nan for r in rows])

    ours = scn.npv(values, n)
    theirs = column("npv")
    rel = np.abs(ours - theirs) / np.maximum(np.abs(theirs), 1.0)
    k = int(rel.argmax())
    ok = bool(rel.max() <= 1e-6)
    result = {"check": "trials", "outputs": args.outputs, "trials": n, "inputs": sampled,
              "max_relative_difference": float(rel.max()), "worst_trial": k, "numpy_npv": float(ours[k]),
              "credroi_npv": float(theirs[k]), "tolerance": 1e-6}
    if args.outputs == "full":
        mine, _ = trial_metrics(scn, values, n)
        names = [c for c in rows[0] if c in METRICS or c.startswith(("net ", "shortfall "))]
        missing = sorted(set(names) ^ set(mine))
        if missing:
            raise SystemExit(f"check-trials: metrics on one side only: {missing}")
        per = {c: compare_metric(c, mine[c], column(c)) for c in names}
        result["metrics"] = per
        result["irr_exists_disagree"] = per["irr"]["exists_disagree"]
        result["max_relative_difference_all"] = max(r["max_relative_difference"] for r in per.values())
        ok = ok and check_ok(per, 1e-6)
    result["ok"] = ok
    print(json.dumps(result))
    return 0 if ok else 1


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run", help="time a Monte Carlo run; prints one JSON line")
    r.add_argument("file", nargs="?", default=DEFAULT_SCENARIO)
    r.add_argument("--trials", type=int, default=100000)
    r.add_argument("--seed", type=int, default=1)
    r.add_argument("--no-correlations", action="store_true", help="draw every input independently")
    r.add_argument("--chunk", type=int, default=0, help="trials per chunk (default: all at once)")
    r.add_argument("--outputs", choices=["npv", "full"], default="npv",
                   help="npv: NPV mean and sd only (default); full: every metric and summary credroi reports")
    r.add_argument("--all-summaries", action="store_true", help="with --outputs full: print every metric's summary")
    b = sub.add_parser("check-base", help="base-case NPV against credroi's")
    b.add_argument("file", nargs="?", default=DEFAULT_SCENARIO)
    b.add_argument("--credroi", default=DEFAULT_CREDROI)
    b.add_argument("--outputs", choices=["npv", "full"], default="npv",
                   help="full: also IRR, MIRR, ROI, BCR, paybacks, cost per credential, fiscal-year nets and shortfalls")
    c = sub.add_parser("check-trials", help="per-trial NPV at credroi's sampled inputs")
    c.add_argument("file", nargs="?", default=DEFAULT_SCENARIO)
    c.add_argument("--credroi", default=DEFAULT_CREDROI)
    c.add_argument("--outputs", choices=["npv", "full"], default="npv",
                   help="full: also IRR, MIRR, ROI, BCR, paybacks, cost per credential, fiscal-year nets and shortfalls")
    c.add_argument("--trials", type=int, default=2000)
    c.add_argument("--seed", type=int, default=3)
    args = ap.parse_args(argv)
    return {"run": cmd_run, "check-base": cmd_check_base, "check-trials": cmd_check_trials}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
