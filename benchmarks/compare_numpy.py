#!/usr/bin/python3
"""credroi against a straightforward NumPy implementation of the same model.

Runs, in this one script and on the same scenario (examples/corporate-ld.toml
by default):

1. the equivalence checks of numpy_model.py with --outputs full: the base
   case against `credroi run --format json` and every per-trial metric (NPV,
   IRR, MIRR, ROI, BCR, both paybacks, cost per credential, each fiscal
   year's net and shortfall) at credroi's own sampled inputs (`credroi run
   --samples`), 1e-6 relative, and the trials whose IRR exists on one side
   only (must be 0);
2. at 10k, 100k and 1M trials: credroi's simulate() on 1 and on 2 threads,
   and on 1 thread without IRR and MIRR (SimulationOptions::irr = false)
   (build/bench/benchmarks/credroi_bench_simulate: file reading, model
   compilation and output excluded), and numpy_model.py in both modes (file
   reading excluded): `--outputs full`, which computes every per-trial metric
   and every summary credroi's simulate() reports (the like-for-like
   comparison, the headline ratio "credroi 1 thread / NumPy same outputs"),
   and `--outputs npv`, the NPV and its mean only (NumPy then does much less
   work than credroi; that ratio is kept for transparency). Each runs in its
   own process, REPEATS times, interleaved, best time kept. Peak memory of
   each process is measured from outside with /usr/bin/time -f %M and from
   inside with getrusage (both report it);
3. agreement within Monte Carlo error (credroi's summaries come from one
   untimed `credroi run --trials N --format json` with the same seed and
   sampler, which gives the driver's bits): mean NPV,
   |credroi - NumPy| < 4 x sqrt(se_c^2 + se_np^2) (se = sd/sqrt(n),
   conservative for credroi's Latin hypercube); mean IRR over the trials that
   have one, the same with se = sd/sqrt(count); P(NPV > 0), with binomial
   standard errors around the pooled proportion; that both NumPy modes give
   the same mean NPV; and that 1 and 2 threads give the same mean bit for bit;
4. a memory check: credroi with summary-only statistics (no per-trial rows:
   --exact-percentile-limit 0) at 100k and at 10M trials (3M when 10M would
   take more than about 3 minutes; the script says so).

Prints a Markdown table and writes every measurement as JSON (--json-out).
Always run with Debian's /usr/bin/python3 (it has NumPy):

  /usr/bin/python3 benchmarks/compare_numpy.py                # full run, ~15 min
  /usr/bin/python3 benchmarks/compare_numpy.py --quick        # 10k and 100k, 1 repeat
"""
from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PY = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable


def sh(cmd: list[str]) -> str:
    try:
        return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def load() -> str:
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def machine() -> dict:
    cpu = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = ""
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) // 1024} MiB"
    return {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "nproc": os.cpu_count(), "nproc_cmd": sh(["nproc"]), "cpu": cpu, "memory": mem,
            "kernel": platform.release(), "load_at_start": load(),
            "compiler": sh(["c++", "--version"]).splitlines()[0] if sh(["c++", "--version"]) else "",
            "numpy": sh([PY, "-c", "import numpy; print(numpy.__version__)"]),
            "python": sh([PY, "-c", "import sys; print(sys.version.split()[0])"]),
            "git_commit": sh(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"]),
            "git_dirty": bool(sh(["git", "-C", ROOT, "status", "--short", "--untracked-files=no"]))}


def timed(cmd: list[str]) -> dict:
    """Runs cmd under /usr/bin/time -f %M; returns its JSON line plus time_peak_rss_kib."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        full = (["/usr/bin/time", "-f", "%M", "-o", tf.name] if os.path.exists("/usr/bin/time") else []) + cmd
        out = subprocess.run(full, capture_output=True, text=True)
        if out.returncode != 0:
            raise SystemExit(f"failed ({out.returncode}): {' '.join(cmd)}\n{out.stderr}")
        result = json.loads(out.stdout.strip().splitlines()[-1])
        tf.seek(0)
        text = tf.read().strip().splitlines()
        result["time_peak_rss_kib"] = int(text[-1]) if text and text[-1].isdigit() else None
    result["load"] = load()
    return result


def credroi_summary(cli: str, scenario: str, n: int, seed: int, sampler: str) -> dict:
    """credroi's simulation summaries from the CLI (one thread; not timed)."""
    out = subprocess.run([cli, "run", scenario, "--trials", str(n), "--seed", str(seed), "--sampler", sampler,
                          "--threads", "1", "--format", "json"], capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"credroi run failed ({out.returncode}):\n{out.stderr}")
    sim = json.loads(out.stdout)["simulation"]
    return {"irr": sim["metrics"]["irr"], "npv": sim["metrics"]["npv"],
            "payback_months": sim["metrics"]["payback_months"],
            "probability_npv_positive": sim["probability_npv_positive"],
            "probability_payback_within_horizon": sim["probability_payback_within_horizon"],
            "probability_irr_exists": sim["probability_irr_exists"],
            "probability_shortfall": sim["probability_shortfall"]}


def best(runs: list[dict]) -> dict:
    b = dict(min(runs, key=lambda r: r["seconds"]))
    b["all_seconds"] = [r["seconds"] for r in runs]
    b["max_peak_rss_kib"] = max((r.get("time_peak_rss_kib") or r["peak_rss_kib"]) for r in runs)
    return b


def mib(kib) -> str:
    return "—" if kib is None else f"{kib / 1024:,.0f} MiB" if kib >= 10240 else f"{kib / 1024:,.1f} MiB"


def rate(x: float) -> str:
    return f"{x / 1e6:,.2f} M/s" if x >= 1e6 else f"{x / 1e3:,.0f} k/s"


MEMORY_SMALL_TRIALS = 100_000  # the memory check's small run, against which the large one is compared


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("scenario", nargs="?", default=os.path.join(ROOT, "examples", "corporate-ld.toml"))
    ap.add_argument("--build", default=os.path.join(ROOT, "build", "bench"), help="the benchmark build directory")
    ap.add_argument("--trials", default="10000,100000,1000000", help="comma-separated trial counts")
    ap.add_argument("--repeats", type=int, default=3, help="runs of each measurement; the best time is kept")
    ap.add_argument("--seed", type=int, default=20260401)
    ap.add_argument("--sampler", default="lhs", choices=["lhs", "mc", "sobol"], help="credroi's sampler")
    ap.add_argument("--memory-trials", type=int, default=10_000_000,
                    help=f"large run of the memory check (above {MEMORY_SMALL_TRIALS:,}, the small run); 0 skips the check")
    ap.add_argument("--memory-budget-seconds", type=float, default=180.0,
                    help="use 3M trials in the memory check if the large run would take longer than this")
    ap.add_argument("--skip-memory", action="store_true")
    ap.add_argument("--skip-no-irr", action="store_true", help="do not time credroi without IRR/MIRR")
    ap.add_argument("--quick", action="store_true", help="10k and 100k trials, 1 repeat, no 10M memory check")
    ap.add_argument("--json-out", default=None, help="default: BUILD/compare_numpy.json")
    args = ap.parse_args()
    if args.quick:
        args.trials, args.repeats, args.memory_trials = "10000,100000", 1, 1_000_000
    if args.memory_trials == 0:
        args.skip_memory = True
    elif args.memory_trials <= MEMORY_SMALL_TRIALS:
        ap.error(f"--memory-trials {args.memory_trials}: expected more than {MEMORY_SMALL_TRIALS:,} "
                 "(the memory check's small run), or 0 to skip the check")

    driver = os.path.join(args.build, "benchmarks", "credroi_bench_simulate")
    cli = os.path.join(args.build, "credroi")
    for exe in (driver, cli):
        if not os.access(exe, os.X_OK):
            raise SystemExit(f"{exe} not found: build with -DCREDROI_BENCHMARKS=ON (see benchmarks/README.md)")
    numpy_model = os.path.join(HERE, "numpy_model.py")
    trials = [int(t) for t in args.trials.split(",")]
    info = machine()
    # Which build of credroi runs: the driver runs the newest CPU variant this
    # machine has (src/cpu_variant.hpp; CREDROI_CPU caps it), as NumPy picks
    # its SIMD loops at run time.
    probe = subprocess.run([driver, args.scenario, "--trials", "1000", "--threads", "1"], capture_output=True, text=True)
    info["credroi_cpu"] = (json.loads(probe.stdout.strip().splitlines()[-1]).get("cpu", "baseline")
                           if probe.returncode == 0 and probe.stdout.strip() else "unknown")
    print(f"# credroi vs NumPy — {info['date']}")
    print(f"machine: {info['nproc']} CPUs ({info['cpu']}), {info['memory']}; load {info['load_at_start']}; "
          f"git {info['git_commit']}{' (dirty tree)' if info['git_dirty'] else ''}; NumPy {info['numpy']}; "
          f"credroi build {info['credroi_cpu']}")
    print(f"scenario: {os.path.relpath(args.scenario, ROOT)}; credroi sampler {args.sampler}; seed {args.seed}; "
          f"best of {args.repeats}\n")

    # 1. the NumPy model is the same model
    checks = {}
    for name in ("check-base", "check-trials"):
        out = subprocess.run([PY, numpy_model, name, args.scenario, "--credroi", cli, "--outputs", "full"],
                             capture_output=True, text=True)
        if not out.stdout.strip():
            raise SystemExit(f"numpy_model.py {name} failed:\n{out.stderr}")
        checks[name] = json.loads(out.stdout.strip().splitlines()[-1])
    cb, ct = checks["check-base"], checks["check-trials"]
    print(f"base-case NPV: NumPy {cb['numpy_npv']:,.6f}, credroi {cb['credroi_npv']:,.6f}, "
          f"relative difference {cb['relative_difference']:.1e}; every metric: max relative difference "
          f"{cb['max_relative_difference']:.1e} -> {'OK' if cb['ok'] else 'MISMATCH'} (tolerance 1e-6)")
    print(f"per-trial metrics at credroi's {ct['trials']} sampled input rows (tolerance 1e-6; money relative to "
          f"max(|x|, 1)) -> {'OK' if ct['ok'] else 'MISMATCH'}; trials whose IRR exists on one side only: "
          f"{ct['irr_exists_disagree']}")
    print("| metric | max relative difference | exists on one side only | trials where it exists |")
    print("| --- | ---: | ---: | ---: |")
    for name, m in ct["metrics"].items():
        print(f"| {name} | {m['max_relative_difference']:.1e} | {m['exists_disagree']} | {m['exists_credroi']:,} |")
    print()

    # 2. throughput and memory, interleaved repeats
    rows = []
    for n in trials:
        c1, c2, c0, npy, npf = [], [], [], [], []
        for _ in range(args.repeats):
            common = [args.scenario, "--trials", str(n), "--seed", str(args.seed), "--sampler", args.sampler]
            numpy_run = [PY, numpy_model, "run", args.scenario, "--trials", str(n), "--seed", str(args.seed)]
            c1.append(timed([driver, *common, "--threads", "1"]))
            c2.append(timed([driver, *common, "--threads", "2"]))
            npf.append(timed([*numpy_run, "--outputs", "full"]))
            npy.append(timed([*numpy_run, "--outputs", "npv"]))
            if not args.skip_no_irr:
                c0.append(timed([driver, *common, "--threads", "1", "--no-irr"]))
        # credroi's own summaries (IRR, P(NPV > 0)) for the agreement check: the driver prints the
        # NPV only, so the CLI runs the same simulation (same seed, sampler, trials: same bits) once, untimed
        summary = credroi_summary(cli, args.scenario, n, args.seed, args.sampler)
        r = {"trials": n, "credroi_1t": best(c1), "credroi_2t": best(c2), "numpy": best(npy),
             "numpy_full": best(npf), "credroi_1t_no_irr": best(c0) if c0 else None, "credroi_summary": summary}
        a, b, f = r["credroi_1t"], r["numpy"], r["numpy_full"]
        combined = math.sqrt(a["npv_se"] ** 2 + b["npv_se"] ** 2)
        r["mean_difference"] = a["npv_mean"] - b["npv_mean"]
        r["combined_se"] = combined
        r["agree"] = abs(r["mean_difference"]) < 4 * combined
        r["numpy_modes_same_npv_mean"] = abs(b["npv_mean"] - f["npv_mean"]) <= 1e-9 * abs(b["npv_mean"])
        # mean IRR over the trials that have one: standard errors sd / sqrt(count)
        irr_c = summary["irr"]
        irr_se = math.sqrt(irr_c["sd"] ** 2 / irr_c["count"] + f["irr_sd"] ** 2 / f["irr_count"])
        r["irr_mean_difference"] = irr_c["mean"] - f["irr_mean"]
        r["irr_combined_se"] = irr_se
        r["irr_agree"] = abs(r["irr_mean_difference"]) < 4 * irr_se
        # P(NPV > 0): binomial standard errors around the pooled proportion (never below one trial in n)
        pc, pn = summary["probability_npv_positive"], f["prob_npv_positive"]
        pooled = (pc + pn) / 2
        prob_se = math.sqrt(max(pooled * (1 - pooled), 1.0 / n) * 2.0 / n)
        r["prob_npv_positive_difference"] = pc - pn
        r["prob_npv_positive_combined_se"] = prob_se
        r["prob_agree"] = abs(pc - pn) < 4 * prob_se
        r["threads_same_bits"] = r["credroi_1t"]["npv_mean"] == r["credroi_2t"]["npv_mean"]
        # like for like: NumPy computing every metric and summary credroi computes
        r["speedup_vs_numpy_same_outputs_1t"] = a["trials_per_second"] / f["trials_per_second"]
        r["speedup_vs_numpy_same_outputs_2t"] = r["credroi_2t"]["trials_per_second"] / f["trials_per_second"]
        # NumPy computing the NPV and its mean only (less work than credroi)
        r["speedup_vs_numpy_1t"] = a["trials_per_second"] / b["trials_per_second"]
        r["speedup_vs_numpy_2t"] = r["credroi_2t"]["trials_per_second"] / b["trials_per_second"]
        r["scaling_2t"] = r["credroi_2t"]["trials_per_second"] / a["trials_per_second"]
        if c0:
            r["speedup_vs_numpy_1t_no_irr"] = r["credroi_1t_no_irr"]["trials_per_second"] / b["trials_per_second"]
        rows.append(r)
        print(f"  {n:>9,} trials done (load {load()})", file=sys.stderr)

    print("| trials | credroi 1 thread | credroi 2 threads | NumPy, same outputs | NumPy, NPV only "
          "| **credroi 1t / NumPy same outputs** | credroi 1t / NumPy NPV only | 2t / 1t "
          "| credroi 1t, no IRR/MIRR (/ NumPy NPV only) "
          "| peak RSS credroi 1t / 2t | peak RSS NumPy same outputs / NPV only |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        a, b, c, f, z = r["credroi_1t"], r["credroi_2t"], r["numpy"], r["numpy_full"], r["credroi_1t_no_irr"]
        no_irr = (f"{rate(z['trials_per_second'])} ({r['speedup_vs_numpy_1t_no_irr']:.2f}x)" if z else "—")
        print(f"| {r['trials']:,} | {rate(a['trials_per_second'])} ({a['seconds']:.2f} s) "
              f"| {rate(b['trials_per_second'])} ({b['seconds']:.2f} s) "
              f"| {rate(f['trials_per_second'])} ({f['seconds']:.2f} s) "
              f"| {rate(c['trials_per_second'])} ({c['seconds']:.2f} s) "
              f"| **{r['speedup_vs_numpy_same_outputs_1t']:.2f}x** | {r['speedup_vs_numpy_1t']:.2f}x "
              f"| {r['scaling_2t']:.2f}x | {no_irr} "
              f"| {mib(a['max_peak_rss_kib'])} / {mib(b['max_peak_rss_kib'])} "
              f"| {mib(f['max_peak_rss_kib'])} / {mib(c['max_peak_rss_kib'])} |")
    print("\n\"NumPy, same outputs\" (numpy_model.py run --outputs full) computes per trial what credroi's simulate() "
          "computes (NPV, IRR, MIRR, ROI, BCR, both paybacks, cost per credential, each fiscal year's net and "
          "shortfall) and the same summaries (mean, sd, min, max, P5-P95 of each, probabilities, the percentile "
          "bands of cumulative net cash flow per month): the like-for-like ratio. \"NumPy, NPV only\" (--outputs npv) "
          "computes the NPV and its mean and sd only, much less work than credroi does; its ratio is shown for "
          "transparency. NumPy time by phase at the largest count (same outputs): "
          + ", ".join(f"{k} {v:.2f} s" for k, v in max(rows, key=lambda r: r["trials"])["numpy_full"]["phase_seconds"].items()))
    print()
    print("agreement (credroi 1 thread vs NumPy; different random numbers, so within Monte Carlo error):")
    print("| trials | mean NPV credroi | mean NPV NumPy | diff / SE | mean IRR credroi | mean IRR NumPy | diff / SE "
          "| P(NPV > 0) credroi | P(NPV > 0) NumPy | diff / SE | trials without IRR credroi / NumPy |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        a, f, sm = r["credroi_1t"], r["numpy_full"], r["credroi_summary"]
        c = r["numpy"]
        print(f"| {r['trials']:,} | {a['npv_mean']:,.0f} ± {a['npv_se']:,.0f} | {c['npv_mean']:,.0f} ± {c['npv_se']:,.0f} "
              f"| {r['mean_difference'] / r['combined_se']:+.2f} {'ok' if r['agree'] else 'DISAGREE'} "
              f"| {sm['irr']['mean']:.4f} | {f['irr_mean']:.4f} "
              f"| {r['irr_mean_difference'] / r['irr_combined_se']:+.2f} {'ok' if r['irr_agree'] else 'DISAGREE'} "
              f"| {sm['probability_npv_positive']:.5f} | {f['prob_npv_positive']:.5f} "
              f"| {r['prob_npv_positive_difference'] / r['prob_npv_positive_combined_se']:+.2f} "
              f"{'ok' if r['prob_agree'] else 'DISAGREE'} "
              f"| {r['trials'] - sm['irr']['count']:,} / {r['trials'] - f['irr_count']:,} |")
    print()

    # 3. targets
    big = max(rows, key=lambda r: r["trials"])
    targets = {
        "credroi_1t_at_least_20x_numpy_same_outputs": big["speedup_vs_numpy_same_outputs_1t"] >= 20.0,
        "credroi_1t_at_least_20x_numpy_npv_only (NumPy does less work)": big["speedup_vs_numpy_1t"] >= 20.0,
        "credroi_2t_at_least_1.8x_1t": big["scaling_2t"] >= 1.8,
        "means_agree_within_4_se": all(r["agree"] for r in rows),
        "irr_means_agree_within_4_se": all(r["irr_agree"] for r in rows),
        "prob_npv_positive_agree_within_4_se": all(r["prob_agree"] for r in rows),
        "numpy_modes_same_npv_mean": all(r["numpy_modes_same_npv_mean"] for r in rows),
        "same_bits_at_1_and_2_threads": all(r["threads_same_bits"] for r in rows),
        "checks_pass": bool(cb["ok"] and ct["ok"]),
    }

    # 4. memory: summary-only statistics at 100k and at the large count
    memory = None
    if not args.skip_memory:
        per_second = big["credroi_2t"]["trials_per_second"]
        large = args.memory_trials
        note = ""
        if large / per_second > args.memory_budget_seconds and large > 3_000_000:
            note = (f"{large:,} trials would take about {large / per_second:,.0f} s at "
                    f"{rate(per_second)}; measured at 3,000,000 instead")
            large = 3_000_000
        memory = {"note": note, "runs": []}
        for n in (MEMORY_SMALL_TRIALS, large):
            for limit, label in (("0", "summary only"), (None, "default")):
                if label == "default" and n > MEMORY_SMALL_TRIALS:
                    continue  # above the exact-percentile limit the default is summary-only anyway
                cmd = [driver, args.scenario, "--trials", str(n), "--seed", str(args.seed), "--threads", "2",
                       "--sampler", args.sampler]
                if limit is not None:
                    cmd += ["--exact-percentile-limit", limit]
                run = timed(cmd)
                run["label"] = label
                memory["runs"].append(run)
        summary = [m for m in memory["runs"] if m["label"] == "summary only"]
        small, large_run = summary[0], summary[-1]
        growth = (large_run["time_peak_rss_kib"] or large_run["peak_rss_kib"]) - (
            small["time_peak_rss_kib"] or small["peak_rss_kib"])
        memory["growth_kib"] = growth
        # "does not grow": within 10 % (and 8 MiB) of the 100k run's peak
        targets["summary_memory_flat"] = growth <= max(8192, 0.10 * small["peak_rss_kib"])
        print("memory check (credroi_bench_simulate, 2 threads):")
        print("| trials | statistics | time | peak RSS (/usr/bin/time) | peak RSS (getrusage) |")
        print("| ---: | --- | ---: | ---: | ---: |")
        for m in memory["runs"]:
            stats = "exact percentiles (per-trial rows kept)" if m["exact_percentiles"] else "summary only (sketches)"
            print(f"| {m['trials']:,} | {stats} | {m['seconds']:.1f} s | {mib(m['time_peak_rss_kib'])} "
                  f"| {mib(m['peak_rss_kib'])} |")
        if note:
            print(f"note: {note}")
        print(f"summary-only growth from 100k to {large_run['trials']:,} trials: {growth / 1024:+.1f} MiB\n")

    print("targets:")
    for k, ok in targets.items():
        print(f"  {'PASS' if ok else 'MISS'}  {k}")
    info["load_at_end"] = load()
    print(f"\nload at start {info['load_at_start']}, at end {info['load_at_end']}")

    out = args.json_out or os.path.join(args.build, "compare_numpy.json")
    with open(out, "w") as f:
        json.dump({"machine": info, "args": vars(args), "checks": checks, "rows": rows, "memory": memory,
                   "targets": targets}, f, indent=1)
    print(f"measurements: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
