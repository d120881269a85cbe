// credroi_bench_simulate: times credroi::simulate() alone on a scenario file.
//
// The scenario is read and the Model built (validated, compiled) before the
// clock starts; no output format is produced. One JSON object is printed on
// standard output, for compare_numpy.py and for people:
//
//   credroi_bench_simulate [FILE] [--trials N] [--threads T] [--seed S]
//       [--sampler lhs|mc|sobol] [--repeat R] [--exact-percentile-limit N]
//       [--no-correlations] [--no-irr] [--batch-size B]
//
// FILE defaults to examples/corporate-ld.toml. With --repeat R the run is
// repeated R times in this process and "seconds" is the best (the others are
// in "all_seconds"). peak_rss_kib is getrusage(RUSAGE_SELF).ru_maxrss of the
// whole process (scenario reading included), rss_before_kib the resident set
// size just before the first simulate() call.
#include <credroi/model.hpp>
#include <credroi/scenario_file.hpp>
#include <credroi/simulation.hpp>

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "../src/cpu_variant.hpp"

namespace {

long peak_rss_kib() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss;  // KiB on Linux
}

long current_rss_kib() {
    std::ifstream f("/proc/self/status");
    std::string line;
    while (std::getline(f, line))
        if (line.rfind("VmRSS:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
    return -1;
}

[[noreturn]] void usage(const char* why) {
    std::cerr << "credroi_bench_simulate: " << why
              << "\nusage: credroi_bench_simulate [FILE] [--trials N] [--threads T] [--seed S] [--sampler lhs|mc|sobol]"
                 " [--repeat R] [--exact-percentile-limit N] [--no-correlations] [--no-irr] [--batch-size B]\n";
    std::exit(2);
}

std::string json_number(double x) {
    if (!std::isfinite(x)) return "null";
    std::ostringstream os;
    os.precision(17);
    os << x;
    return os.str();
}

}  // namespace

int main(int argc, char** argv) {
    if (const std::string problem = credroi_cpu::run_best_variant(argv); !problem.empty()) {
        std::cerr << "credroi_bench_simulate: " << problem << "\n";
        return 2;
    }
    std::string file = CREDROI_BENCH_SCENARIO;
    credroi::SimulationOptions o;
    o.trials = 100000;
    o.threads = 1;
    int repeat = 1;
    bool correlations = true;
    std::string sampler = "lhs";
    for (int k = 1; k < argc; ++k) {
        const std::string a = argv[k];
        auto value = [&]() -> std::string {
            if (k + 1 >= argc) usage(("missing value after " + a).c_str());
            return argv[++k];
        };
        try {
            if (a == "--trials")
                o.trials = std::stoull(value());
            else if (a == "--threads")
                o.threads = static_cast<unsigned>(std::stoul(value()));
            else if (a == "--seed")
                o.seed = std::stoull(value());
            else if (a == "--sampler")
                sampler = value();
            else if (a == "--repeat")
                repeat = std::max(1, std::stoi(value()));
            else if (a == "--exact-percentile-limit")
                o.exact_percentile_limit = std::stoull(value());
            else if (a == "--batch-size")
                o.batch_size = static_cast<Eigen::Index>(std::stol(value()));
            else if (a == "--no-correlations")
                correlations = false;
            else if (a == "--no-irr")  // SimulationOptions::irr: skip IRR and MIRR per trial
                o.irr = false;
            else if (a == "-h" || a == "--help")
                usage("times credroi::simulate() on a scenario file");
            else if (!a.empty() && a[0] == '-')
                usage(("unknown option " + a).c_str());
            else
                file = a;
        } catch (const std::logic_error&) {
            usage(("bad value for " + a).c_str());
        }
    }

    try {
        o.sampler = credroi::parse_sampler(sampler);
        credroi::Scenario scenario = credroi::read_scenario_file(file);
        if (!correlations) scenario.correlations.clear();
        const credroi::Model model(scenario);
        const double base_npv = model.evaluate().metrics.npv;
        const long rss_before = current_rss_kib();

        std::vector<double> seconds;
        credroi::SimulationResult r;
        for (int k = 0; k < repeat; ++k) {
            const auto t0 = std::chrono::steady_clock::now();
            r = credroi::simulate(model, o);
            const auto t1 = std::chrono::steady_clock::now();
            seconds.push_back(std::chrono::duration<double>(t1 - t0).count());
        }
        const double best = *std::min_element(seconds.begin(), seconds.end());
        const credroi::MetricSummary& npv = r.metric("npv");

        std::ostringstream os;
        os << "{\"program\": \"credroi_bench_simulate\", \"cpu\": \"" << credroi_cpu::built_for() << "\", \"scenario\": \"" << file << "\""
           << ", \"trials\": " << o.trials << ", \"threads_requested\": " << o.threads << ", \"threads\": " << r.threads
           << ", \"sampler\": \"" << credroi::to_string(o.sampler) << "\", \"seed\": " << o.seed
           << ", \"batch_size\": " << o.batch_size << ", \"correlations\": " << (correlations ? "true" : "false")
           << ", \"uncertain_inputs\": " << model.uncertain_inputs().size()
           << ", \"exact_percentiles\": " << (r.exact_percentiles ? "true" : "false")
           << ", \"irr\": " << (o.irr ? "true" : "false")
           << ", \"seconds\": " << json_number(best) << ", \"all_seconds\": [";
        for (std::size_t k = 0; k < seconds.size(); ++k) os << (k ? ", " : "") << json_number(seconds[k]);
        os << "], \"trials_per_second\": " << json_number(static_cast<double>(o.trials) / best)
           << ", \"npv_mean\": " << json_number(npv.mean) << ", \"npv_sd\": " << json_number(npv.standard_deviation)
           << ", \"npv_se\": " << json_number(r.npv_mean_standard_error) << ", \"npv_base\": " << json_number(base_npv)
           << ", \"npv_p5\": " << json_number(npv.p5) << ", \"npv_p50\": " << json_number(npv.p50)
           << ", \"npv_p95\": " << json_number(npv.p95) << ", \"rss_before_kib\": " << rss_before
           << ", \"peak_rss_kib\": " << peak_rss_kib() << "}\n";
        std::cout << os.str();
        return 0;
    } catch (const credroi::Error& e) {
        std::cerr << "credroi_bench_simulate: error: " << e.what() << "\n";
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "credroi_bench_simulate: internal error: " << e.what() << "\n";
        return 3;
    }
}
