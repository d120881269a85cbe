#!/usr/bin/python3
"""An independent, straightforward NumPy implementation of the credroi model.

This is what an analyst would otherwise write in a notebook: read the scenario
file with tomllib, draw every uncertain input with NumPy's own samplers, and
evaluate the model for all trials at once on (trials x months) arrays. It
shares no code with credroi; it follows docs/model.md (and, where that is
silent, include/credroi/detail/model_eval.hpp), and it computes the NPV per
trial only (credroi also computes IRR, MIRR, payback, fiscal years, budget
shortfalls and percentile bands per trial: the comparison favours NumPy).

Supported (everything examples/corporate-ld.toml uses, and a little more):
segments with growth; logistic adoption fitted through the milestones, with a
ceiling, an optional launch and an uncertain delay; one-off costs; recurring
costs (monthly or annually in advance) and staff with yearly escalation;
vendor contracts (credentials or recipient seats, graduated or all-units
tiers with flat fees, per contract year, monthly increment of the cumulative
tier cost); quality reviews on their cycle; staff time per credential;
contingency; every benefit kind with lag, ramp and attribution; end- or
start-of-month discounting. Not supported (an error says so): Bass adoption
and the normal, lognormal, beta and discrete distributions. The budget does
not enter the NPV and is ignored.

Distributions: uniform (rng.uniform), triangular (rng.triangular), PERT as
lo + (hi - lo) * Beta(alpha, beta) with alpha = 1 + lambda (m - a)/(b - a),
beta = 1 + lambda (b - m)/(b - a), lambda = 4 (rng.beta), risk events (happen
with probability p, then the impact is drawn). Inputs named in
[[correlations]] are drawn through a Gaussian copula instead: correlated
standard normals (Cholesky of P_ij = 2 sin(pi rho_s / 6)), Phi, then the
input's inverse CDF. Base values (no sampling): the mode of a triangular or
PERT, the median otherwise (a risk event's median is 0 when p <= 0.5), or the
distribution's `base` key.

Usage (always with Debian's /usr/bin/python3, which has NumPy):

  numpy_model.py run FILE --trials N [--seed S] [--no-correlations] [--chunk C]
      one JSON line: seconds (sampling + model + mean; not the file reading),
      trials_per_second, npv_mean, npv_sd, npv_se, peak_rss_kib
  numpy_model.py check-base FILE [--credroi BIN]
      base-case NPV against `credroi run FILE --format json` (1e-6 relative)
  numpy_model.py check-trials FILE [--credroi BIN] [--trials N]
      per-trial NPV at credroi's own sampled inputs (`credroi run --samples`)
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

import numpy as np

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
        return ((benefits - costs) * df).sum(axis=1)


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
    t0 = time.perf_counter()
    rng = np.random.default_rng(args.seed)
    done, mean, m2 = 0, 0.0, 0.0
    while done < n:  # the whole run at once unless --chunk is given
        m = min(chunk, n - done)
        npv = scn.npv(scn.sample(m, rng, not args.no_correlations), m)
        cm = float(npv.mean())
        cm2 = float(((npv - cm) ** 2).sum())
        delta = cm - mean  # Chan et al.'s merge of (count, mean, sum of squared deviations)
        mean += delta * m / (done + m)
        m2 += cm2 + delta * delta * done * m / (done + m)
        done += m
    sd = math.sqrt(m2 / (n - 1)) if n > 1 else 0.0
    seconds = time.perf_counter() - t0
    print(json.dumps({
        "program": "numpy_model.py", "scenario": args.file, "trials": n, "seed": args.seed,
        "correlations": not args.no_correlations, "chunk": args.chunk, "numpy": np.__version__,
        "seconds": seconds, "trials_per_second": n / seconds,
        "npv_mean": mean, "npv_sd": sd, "npv_se": sd / math.sqrt(n),
        "rss_before_kib": rss_before, "peak_rss_kib": peak_rss_kib()}))
    return 0


def credroi_json(binary: str, file: str, *extra: str) -> dict:
    out = subprocess.run([binary, "run", file, "--format", "json", *extra], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def cmd_check_base(args) -> int:
    scn = Scenario(args.file)
    ours = float(scn.npv(scn.base_values(), 1)[0])
    theirs = credroi_json(args.credroi, args.file)["metrics"]["npv"]
    rel = abs(ours - theirs) / abs(theirs)
    ok = rel <= 1e-6
    print(json.dumps({"check": "base", "numpy_npv": ours, "credroi_npv": theirs, "relative_difference": rel,
                      "tolerance": 1e-6, "ok": ok}))
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
    ours = scn.npv(values, n)
    theirs = np.array([float(r["npv"]) for r in rows])
    rel = np.abs(ours - theirs) / np.maximum(np.abs(theirs), 1.0)
    k = int(rel.argmax())
    ok = bool(rel.max() <= 1e-6)
    print(json.dumps({"check": "trials", "trials": n, "inputs": sampled, "max_relative_difference": float(rel.max()),
                      "worst_trial": k, "numpy_npv": float(ours[k]), "credroi_npv": float(theirs[k]),
                      "tolerance": 1e-6, "ok": ok}))
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
    b = sub.add_parser("check-base", help="base-case NPV against credroi's")
    b.add_argument("file", nargs="?", default=DEFAULT_SCENARIO)
    b.add_argument("--credroi", default=DEFAULT_CREDROI)
    c = sub.add_parser("check-trials", help="per-trial NPV at credroi's sampled inputs")
    c.add_argument("file", nargs="?", default=DEFAULT_SCENARIO)
    c.add_argument("--credroi", default=DEFAULT_CREDROI)
    c.add_argument("--trials", type=int, default=2000)
    c.add_argument("--seed", type=int, default=3)
    args = ap.parse_args(argv)
    return {"run": cmd_run, "check-base": cmd_check_base, "check-trials": cmd_check_trials}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
