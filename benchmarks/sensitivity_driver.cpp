// credroi_bench_sensitivity: error and time of credroi::sobol_indices() on test
// functions whose Sobol' indices are known exactly. Used by
// sensitivity_openturns.py (side by side with OpenTURNS) and to make the
// convergence table of docs/sensitivity.md.
//
//   credroi_bench_sensitivity --function ishigami|gfunction [--n N ...]
//       [--seeds K] [--first-seed S] [--bootstrap B] [--threads T] [--repeat R]
//       [--table]
//
// For each N (a power of two; several may follow --n) and each of K seeds it
// runs sobol_indices and measures the largest absolute error over all first-
// and total-order indices against the analytic values, and the wall time of
// the call (design, evaluations, estimators and bootstrap; with --repeat R the
// best of R runs). One JSON object per N is printed on standard output, or
// with --table one Markdown table for all N (mean over seeds of the largest
// error of S and of ST, and how often the bootstrap intervals held the exact
// value).
//
// Build (plain -O2, as the benchmark comparison states):
//   g++ -std=c++17 -O2 -DNDEBUG -Iinclude -I/usr/include/eigen3 benchmarks/sensitivity_driver.cpp
//       -o /tmp/credroi_bench_sensitivity -pthread
#include <credroi/sensitivity.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

constexpr double pi = 3.14159265358979323846;

struct TestFunction {
    std::string name;
    std::vector<credroi::Distribution> inputs;
    credroi::BatchFunction f;
    Eigen::ArrayXd first, total;  // analytic indices
};

// Ishigami & Homma (1990), a = 7, b = 0.1; indices from the analytic variances
// (Saltelli et al., Global Sensitivity Analysis: The Primer, 2008, 4.8).
TestFunction ishigami() {
    TestFunction t;
    t.name = "ishigami";
    t.inputs.assign(3, credroi::Distribution(credroi::Uniform(-pi, pi)));
    t.f = [](const Eigen::Ref<const Eigen::ArrayXXd>& x, Eigen::Ref<Eigen::ArrayXd> y) {
        y = x.col(0).sin() + 7.0 * x.col(1).sin().square() + 0.1 * x.col(2).square().square() * x.col(0).sin();
    };
    const double a = 7, b = 0.1;
    const double v1 = 0.5 * std::pow(1 + b * std::pow(pi, 4) / 5, 2);
    const double v2 = a * a / 8;
    const double v13 = b * b * std::pow(pi, 8) * (1.0 / 18 - 1.0 / 50);
    const double v = v1 + v2 + v13;
    t.first.resize(3);
    t.total.resize(3);
    t.first << v1 / v, v2 / v, 0.0;
    t.total << (v1 + v13) / v, v2 / v, v13 / v;
    return t;
}

// Sobol' G-function, a = (0, 1, 4.5, 9, 99, 99, 99, 99): V_i = 1 / (3 (1 + a_i)^2),
// V = prod (1 + V_j) - 1, S_i = V_i / V, ST_i = V_i prod_{j != i} (1 + V_j) / V.
TestFunction g_function() {
    static const std::vector<double> a = {0, 1, 4.5, 9, 99, 99, 99, 99};
    TestFunction t;
    t.name = "gfunction";
    t.inputs.assign(a.size(), credroi::Distribution(credroi::Uniform(0.0, 1.0)));
    t.f = [](const Eigen::Ref<const Eigen::ArrayXXd>& x, Eigen::Ref<Eigen::ArrayXd> y) {
        y.setOnes();
        for (Eigen::Index i = 0; i < x.cols(); ++i) {
            const double ai = a[static_cast<std::size_t>(i)];
            y *= ((4.0 * x.col(i) - 2.0).abs() + ai) / (1.0 + ai);
        }
    };
    const auto d = static_cast<Eigen::Index>(a.size());
    Eigen::ArrayXd vi(d);
    for (Eigen::Index i = 0; i < d; ++i) vi[i] = 1.0 / (3.0 * std::pow(1.0 + a[static_cast<std::size_t>(i)], 2));
    const double prod = (1.0 + vi).prod();
    t.first = vi / (prod - 1.0);
    t.total = vi * (prod / (1.0 + vi)) / (prod - 1.0);
    return t;
}

[[noreturn]] void usage(const char* why) {
    std::cerr << "credroi_bench_sensitivity: " << why
              << "\nusage: credroi_bench_sensitivity --function ishigami|gfunction [--n N ...] [--seeds K]"
                 " [--first-seed S] [--bootstrap B] [--threads T] [--repeat R] [--table]\n";
    std::exit(2);
}

std::string json_list(const std::vector<double>& v) {
    std::ostringstream os;
    os.precision(6);
    os << '[';
    for (std::size_t i = 0; i < v.size(); ++i) os << (i ? ", " : "") << v[i];
    os << ']';
    return os.str();
}

double mean(const std::vector<double>& v) {
    double s = 0;
    for (double x : v) s += x;
    return v.empty() ? 0.0 : s / static_cast<double>(v.size());
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n == 0 ? 0.0 : n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

}  // namespace

int main(int argc, char** argv) {
    std::string function = "ishigami";
    std::vector<std::uint64_t> ns;
    std::uint64_t seeds = 1, first_seed = 1, bootstrap = 0;
    unsigned threads = 1;
    int repeat = 1;
    bool table = false;
    for (int k = 1; k < argc; ++k) {
        const std::string a = argv[k];
        auto value = [&]() -> std::string {
            if (k + 1 >= argc) usage(("missing value after " + a).c_str());
            return argv[++k];
        };
        if (a == "--function") function = value();
        else if (a == "--n") {
            ns.push_back(std::strtoull(value().c_str(), nullptr, 10));
            while (k + 1 < argc && argv[k + 1][0] != '-') ns.push_back(std::strtoull(argv[++k], nullptr, 10));
        } else if (a == "--seeds") seeds = std::strtoull(value().c_str(), nullptr, 10);
        else if (a == "--first-seed") first_seed = std::strtoull(value().c_str(), nullptr, 10);
        else if (a == "--bootstrap") bootstrap = std::strtoull(value().c_str(), nullptr, 10);
        else if (a == "--threads") threads = static_cast<unsigned>(std::strtoul(value().c_str(), nullptr, 10));
        else if (a == "--repeat") repeat = std::max(1, std::atoi(value().c_str()));
        else if (a == "--table") table = true;
        else usage(("unknown argument " + a).c_str());
    }
    if (ns.empty()) ns = {1024};
    TestFunction t;
    if (function == "ishigami") t = ishigami();
    else if (function == "gfunction") t = g_function();
    else usage("--function must be ishigami or gfunction");

    if (table) {
        std::printf("| N | evaluations | mean max error S | mean max error ST | worst max error | intervals holding the exact value | seconds (median) |\n");
        std::printf("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    }
    try {
        for (std::uint64_t n : ns) {
            std::vector<double> err_s, err_t, err, seconds;
            std::uint64_t covered = 0, intervals = 0;
            for (std::uint64_t s = first_seed; s < first_seed + seeds; ++s) {
                credroi::SobolOptions o;
                o.n = n;
                o.seed = s;
                o.bootstrap = bootstrap;
                o.threads = threads;
                double best = 1e300;
                credroi::SobolIndices r;
                for (int rep = 0; rep < repeat; ++rep) {
                    const auto start = std::chrono::steady_clock::now();
                    r = credroi::sobol_indices(t.f, t.inputs, {}, o);
                    const auto stop = std::chrono::steady_clock::now();
                    best = std::min(best, std::chrono::duration<double>(stop - start).count());
                }
                seconds.push_back(best);
                err_s.push_back((r.first_order - t.first).abs().maxCoeff());
                err_t.push_back((r.total_order - t.total).abs().maxCoeff());
                err.push_back(std::max(err_s.back(), err_t.back()));
                if (bootstrap > 0)
                    for (Eigen::Index i = 0; i < t.first.size(); ++i) {
                        covered += r.first_order_interval(i, 0) <= t.first[i] && t.first[i] <= r.first_order_interval(i, 1);
                        covered += r.total_order_interval(i, 0) <= t.total[i] && t.total[i] <= r.total_order_interval(i, 1);
                        intervals += 2;
                    }
            }
            const std::uint64_t evaluations = n * static_cast<std::uint64_t>(t.inputs.size() + 2);
            if (table) {
                std::printf("| 2^%d | %llu | %.5f | %.5f | %.5f | %s | %.4f |\n", static_cast<int>(std::log2(static_cast<double>(n))),
                            static_cast<unsigned long long>(evaluations), mean(err_s), mean(err_t),
                            *std::max_element(err.begin(), err.end()),
                            intervals ? (std::to_string(covered) + " of " + std::to_string(intervals)).c_str() : "-",
                            median(seconds));
            } else {
                std::printf(
                    "{\"library\": \"credroi\", \"function\": \"%s\", \"n\": %llu, \"evaluations\": %llu, \"seeds\": %llu, "
                    "\"bootstrap\": %llu, \"threads\": %u, \"max_abs_error\": %s, \"mean_max_abs_error\": %.6g, "
                    "\"seconds\": %s, \"median_seconds\": %.6g}\n",
                    t.name.c_str(), static_cast<unsigned long long>(n), static_cast<unsigned long long>(evaluations),
                    static_cast<unsigned long long>(seeds), static_cast<unsigned long long>(bootstrap), threads,
                    json_list(err).c_str(), mean(err), json_list(seconds).c_str(), median(seconds));
            }
            std::fflush(stdout);
        }
    } catch (const credroi::Error& e) {
        std::cerr << "credroi_bench_sensitivity: " << e.what() << '\n';
        return 1;
    }
    return 0;
}
