#!/usr/bin/python3
"""Sobol' indices: credroi against OpenTURNS, error and time.

On the Ishigami function (a = 7, b = 0.1) and the Sobol' G-function
(a = 0, 1, 4.5, 9, 99, 99, 99, 99), whose indices are known exactly, for base
sample sizes N = 2^8 .. 2^18 and several seeds, this measures

* credroi: sobol_indices() (Saltelli 2010 first order, Jansen total order, on
  scrambled Sobol' points), timed inside the C++ driver
  benchmarks/sensitivity_driver.cpp (one thread, no bootstrap);
* OpenTURNS: SaltelliSensitivityAlgorithm with its default design,
  SobolIndicesExperiment on Monte Carlo points, timed from generating the
  design to getFirstOrderIndices() and getTotalOrderIndices() (TBB limited to
  one thread).

The error of one run is the largest absolute error over all first- and
total-order indices; the tables give its mean over the seeds. Then, for each
function, the accuracy OpenTURNS reaches at N = 2^18 is the target, and the
smallest N at which credroi's mean error is at or below it gives credroi's
time to the same accuracy.

Run with Debian's python3-openturns (apt-get install -y python3-openturns) and
the system interpreter, from the repository root:

    /usr/bin/python3 benchmarks/sensitivity_openturns.py [--seeds 10]
        [--min-exp 8] [--max-exp 18] [--driver /tmp/credroi_bench_sensitivity]
        [--json /tmp/sensitivity_openturns.json]

The driver is built with plain -O2 if it is missing (command in
sensitivity_driver.cpp).
"""
import argparse
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time

import openturns as ot

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PI = math.pi
G_A = [0, 1, 4.5, 9, 99, 99, 99, 99]


def ishigami_exact():
    a, b = 7.0, 0.1
    v1 = 0.5 * (1 + b * PI**4 / 5) ** 2
    v2 = a * a / 8
    v13 = b * b * PI**8 * (1 / 18 - 1 / 50)
    v = v1 + v2 + v13
    return [v1 / v, v2 / v, 0.0], [(v1 + v13) / v, v2 / v, v13 / v]


def g_exact():
    vi = [1 / (3 * (1 + a) ** 2) for a in G_A]
    prod = math.prod(1 + v for v in vi)
    return [v / (prod - 1) for v in vi], [v * prod / (1 + v) / (prod - 1) for v in vi]


def ot_problem(name):
    if name == "ishigami":
        names = ["x1", "x2", "x3"]
        f = ot.SymbolicFunction(names, ["sin(x1) + 7 * sin(x2)^2 + 0.1 * x3^4 * sin(x1)"])
        dist = ot.ComposedDistribution([ot.Uniform(-PI, PI)] * 3)
        return f, dist, ishigami_exact()
    names = ["x%d" % (i + 1) for i in range(len(G_A))]
    terms = ["(abs(4 * %s - 2) + %g) / (1 + %g)" % (n, a, a) for n, a in zip(names, G_A)]
    f = ot.SymbolicFunction(names, [" * ".join(terms)])
    dist = ot.ComposedDistribution([ot.Uniform(0.0, 1.0)] * len(G_A))
    return f, dist, g_exact()


def ot_run(name, n, seed):
    f, dist, (s_exact, t_exact) = ot_problem(name)
    ot.RandomGenerator.SetSeed(seed)
    start = time.perf_counter()
    x = ot.SobolIndicesExperiment(dist, n).generate()
    y = f(x)
    alg = ot.SaltelliSensitivityAlgorithm(x, y, n)
    s = alg.getFirstOrderIndices()
    t = alg.getTotalOrderIndices()
    seconds = time.perf_counter() - start
    err = max(max(abs(s[i] - s_exact[i]) for i in range(len(s_exact))),
              max(abs(t[i] - t_exact[i]) for i in range(len(t_exact))))
    return err, seconds


def credroi_runs(driver, name, ns, seeds):
    out = subprocess.run([driver, "--function", name, "--n", *map(str, ns), "--seeds", str(seeds),
                          "--bootstrap", "0", "--threads", "1", "--repeat", "3"],
                         check=True, capture_output=True, text=True).stdout
    return {r["n"]: r for r in map(json.loads, out.splitlines())}


def credroi_bootstrap_time(driver, name, n, seeds):
    out = subprocess.run([driver, "--function", name, "--n", str(n), "--seeds", str(seeds), "--bootstrap", "1000",
                          "--threads", "1"], check=True, capture_output=True, text=True).stdout
    return json.loads(out.splitlines()[0])["median_seconds"]


def build_driver(path):
    cmd = ["g++", "-std=c++17", "-O2", "-DNDEBUG", "-I" + os.path.join(REPO, "include"), "-I/usr/include/eigen3",
           os.path.join(REPO, "benchmarks", "sensitivity_driver.cpp"), "-o", path, "-pthread"]
    print("building the driver:", " ".join(cmd), file=sys.stderr)
    subprocess.run(cmd, check=True)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seeds", type=int, default=10)
    p.add_argument("--min-exp", type=int, default=8)
    p.add_argument("--max-exp", type=int, default=18)
    p.add_argument("--driver", default="/tmp/credroi_bench_sensitivity")
    p.add_argument("--json", default=None)
    p.add_argument("--functions", default="ishigami,gfunction")
    args = p.parse_args()
    if not os.path.exists(args.driver):
        build_driver(args.driver)
    ot.TBB.SetThreadsNumber(1)
    ns = [2**k for k in range(args.min_exp, args.max_exp + 1)]
    report = {"date": time.strftime("%Y-%m-%d"), "machine": platform.processor() or platform.machine(),
              "openturns": ot.__version__, "seeds": args.seeds, "functions": {}}
    for name in args.functions.split(","):
        cr = credroi_runs(args.driver, name, ns, args.seeds)
        rows = []
        for n in ns:
            runs = [ot_run(name, n, seed) for seed in range(1, args.seeds + 1)]
            rows.append({"n": n,
                         "openturns_error": statistics.mean(e for e, _ in runs),
                         "openturns_seconds": statistics.median(s for _, s in runs),
                         "credroi_error": cr[n]["mean_max_abs_error"],
                         "credroi_seconds": cr[n]["median_seconds"]})
        target = rows[-1]["openturns_error"]
        ot_time = rows[-1]["openturns_seconds"]
        reach = next((r for r in rows if r["credroi_error"] <= target), None)
        summary = {"target_error": target, "openturns_n": ns[-1], "openturns_seconds": ot_time}
        if reach:
            summary.update(credroi_n=reach["n"], credroi_seconds=reach["credroi_seconds"],
                           speedup=ot_time / reach["credroi_seconds"],
                           credroi_seconds_with_bootstrap_1000=credroi_bootstrap_time(args.driver, name, reach["n"],
                                                                                      args.seeds))
        report["functions"][name] = {"rows": rows, "summary": summary}

        print("\n### %s (mean over %d seeds of the largest error of any S_i or ST_i)\n" % (name, args.seeds))
        print("| N | evaluations | credroi error | credroi seconds | OpenTURNS error | OpenTURNS seconds |")
        print("| ---: | ---: | ---: | ---: | ---: | ---: |")
        d = 3 if name == "ishigami" else len(G_A)
        for r in rows:
            print("| 2^%d | %d | %.5f | %.5f | %.5f | %.4f |" % (int(math.log2(r["n"])), r["n"] * (d + 2),
                  r["credroi_error"], r["credroi_seconds"], r["openturns_error"], r["openturns_seconds"]))
        if reach:
            print("\nOpenTURNS at N = 2^%d: error %.5f in %.3f s. credroi reaches it at N = 2^%d (error %.5f) in "
                  "%.4f s (%.4f s with 1000 bootstrap resamples): %.0f times faster; target 20 times: %s." % (
                      int(math.log2(ns[-1])), target, ot_time, int(math.log2(reach["n"])), reach["credroi_error"],
                      reach["credroi_seconds"], summary["credroi_seconds_with_bootstrap_1000"], summary["speedup"],
                      "met" if summary["speedup"] >= 20 else "MISSED"))
        else:
            print("\ncredroi does not reach OpenTURNS's error at 2^%d within the sizes run: MISSED" % ns[-1])
        sys.stdout.flush()
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=1)


if __name__ == "__main__":
    main()
