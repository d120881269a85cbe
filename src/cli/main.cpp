// The credroi command line: parse arguments, call the library, print. No model
// logic lives here.
#include <credroi/comparison.hpp>
#include <credroi/model.hpp>
#include <credroi/output.hpp>
#include <credroi/report.hpp>
#include <credroi/scenario_file.hpp>
#include <credroi/sensitivity.hpp>
#include <credroi/sensitivity_report.hpp>

#include <CLI/CLI.hpp>

#include "../cpu_variant.hpp"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>
#include <sys/stat.h>
#include <unistd.h>

namespace {

std::atomic<bool> interrupted{false};
extern "C" void on_interrupt(int) { interrupted = true; }

/// A progress bar on stderr, only for a person watching a long run.
class ProgressBar {
public:
    explicit ProgressBar(bool enabled) : enabled_(enabled && ::isatty(STDERR_FILENO)), start_(std::chrono::steady_clock::now()) {}
    void operator()(std::uint64_t done, std::uint64_t total) {
        if (!enabled_) return;
        const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
        if (elapsed < 1.0 && done < total) return;  // short runs stay quiet
        const int width = 40;
        const int filled = total ? static_cast<int>(static_cast<double>(done) / static_cast<double>(total) * width) : width;
        std::fprintf(stderr, "\r[%s%s] %3d %% %llu/%llu trials", std::string(static_cast<std::size_t>(filled), '#').c_str(),
                     std::string(static_cast<std::size_t>(width - filled), ' ').c_str(),
                     static_cast<int>(total ? 100.0 * static_cast<double>(done) / static_cast<double>(total) : 100.0),
                     static_cast<unsigned long long>(done), static_cast<unsigned long long>(total));
        shown_ = true;
    }
    ~ProgressBar() {
        if (shown_) std::fprintf(stderr, "\r%s\r", std::string(80, ' ').c_str());
    }

private:
    bool enabled_;
    bool shown_ = false;
    std::chrono::steady_clock::time_point start_;
};

/// Whole numbers are read by CLI11 with strtoll/strtoull in base 0: a value
/// beyond the type's range is clamped without a word (two different seeds
/// would give the same run), and "010" is octal. This check, run on the text
/// before CLI11 converts it, lets through only decimal digits whose value fits
/// `max`, and hands CLI11 the number written without leading zeros.
CLI::Validator decimal_up_to(std::uint64_t max) {
    return CLI::Validator(
        [max](std::string& text) -> std::string {
            std::uint64_t v = 0;
            const char* end = text.data() + text.size();
            const auto parsed = std::from_chars(text.data(), end, v);
            if (text.empty() || parsed.ec != std::errc() || parsed.ptr != end || v > max)
                return "expected a whole number from 0 to " + std::to_string(max) + " in decimal digits, found '" + text + "'";
            text = std::to_string(v);  // without leading zeros, which CLI11 would read as octal
            return {};
        },
        "0.." + std::to_string(max));
}

credroi::NumericError naming_file(const std::string& file, const char* stage, const std::string& message) {
    return credroi::NumericError(file + ": " + stage + ": " + message);
}

/// f(), whose errors name the scenario file and the stage (one of
/// credroi::stage): an error there (a cash flow that overflows in some
/// trial, say) has no line of the file to point at, but it has a file.
template <class F>
auto in_file(const std::string& file, const char* stage, F&& f) -> decltype(f()) {
    try {
        return f();
    } catch (const credroi::Cancelled&) {
        throw;
    } catch (const credroi::ScenarioError&) {
        throw;
    } catch (const credroi::Error& e) {
        throw naming_file(file, stage, e.what());
    }
}

template <class F>
auto in_trials_of(const std::string& file, F&& f) -> decltype(f()) {
    return in_file(file, credroi::stage::monte_carlo_trials, std::forward<F>(f));
}

bool same_file(const std::string& a, const std::string& b) {
    struct stat sa {}, sb {};
    if (::stat(a.c_str(), &sa) != 0 || ::stat(b.c_str(), &sb) != 0) return false;
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

void emit(const std::string& content, const std::string& output, const std::string& input) {
    if (output.empty() || output == "-") {
        std::cout << content;
        std::cout.flush();
        if (!std::cout) throw credroi::IoError("cannot write to standard output");
        return;
    }
    if (same_file(output, input))
        throw credroi::IoError("refusing to write the output over the scenario file '" + input + "'");
    credroi::write_file_atomically(output, content);
}

}  // namespace

int main(int argc, char** argv) {
    if (const std::string problem = credroi_cpu::run_best_variant(argv); !problem.empty()) {
        std::cerr << "credroi: " << problem << "\n";
        return 2;
    }
    CLI::App app{"credroi: will a digital badge or credential programme pay off, when, and how sure are we?"};
    const std::string build = credroi_cpu::built_for();
    app.set_version_flag("--version", std::string("credroi ") + credroi::version() + (build == "baseline" ? "" : " (" + build + ")"));
    app.require_subcommand(1);

    std::string file, format = "table", output;
    auto* run = app.add_subcommand("run", "Evaluate a scenario file: metrics, fiscal years, monthly cash flows");
    run->add_option("FILE", file, "Scenario file (TOML); see docs/scenario-format.md")->required();
    run->add_option("--format", format, "Output format")->check(CLI::IsMember({"table", "json", "csv"}))->capture_default_str();
    run->add_option("-o,--output", output, "Write to this file (atomically) instead of standard output");
    std::int64_t trials = 0;
    std::uint64_t seed = 1;
    const CLI::Validator seed_check = decimal_up_to(std::numeric_limits<std::uint64_t>::max());
    unsigned threads = 0;
    std::string sampler = "lhs", samples;
    // simulate()'s limit, checked as the option's: an error from inside the
    // run would be reported against the scenario file.
    const CLI::Validator trials_check = decimal_up_to(credroi::max_trials);
    run->add_option("--trials", trials, "Monte Carlo trials (0: the base case only)")->transform(trials_check);
    run->add_option("--seed", seed, "Random seed; the same seed gives the same results at any thread count")
        ->transform(seed_check)
        ->capture_default_str();
    run->add_option("--sampler", sampler, "Sampling design")->check(CLI::IsMember({"lhs", "mc", "sobol"}))->capture_default_str();
    run->add_option("--threads", threads, "Threads (0: every core)")->check(CLI::Range(0u, 1024u))->capture_default_str();
    run->add_option("--samples", samples, "Write every trial's uncertain inputs and metrics to this CSV file");

    auto* sensitivity = app.add_subcommand("sensitivity", "What a metric depends on: tornado, spider, rank correlation or Sobol' indices");
    std::string metric = "npv", method = "tornado";
    std::int64_t sens_trials = 0;
    sensitivity->add_option("FILE", file, "Scenario file (TOML)")->required();
    sensitivity->add_option("--metric", metric, "npv, irr, roi, bcr, payback_months, ..., 'net FY2027', 'shortfall FY2027'")
        ->capture_default_str();
    sensitivity->add_option("--method", method, "Method")->check(CLI::IsMember({"tornado", "spider", "rank", "sobol"}))->capture_default_str();
    sensitivity->add_option("--trials", sens_trials,
                            "rank: Monte Carlo trials (default 10000); sobol: base sample size N, a power of two (default 4096)")
        ->transform(trials_check);
    sensitivity->add_option("--seed", seed, "Random seed (rank, sobol)")->transform(seed_check)->capture_default_str();
    sensitivity->add_option("--threads", threads, "Threads (0: every core)")->check(CLI::Range(0u, 1024u));
    sensitivity->add_option("--format", format, "Output format")->check(CLI::IsMember({"table", "json", "csv"}))->capture_default_str();
    sensitivity->add_option("-o,--output", output, "Write to this file (atomically) instead of standard output");

    auto* validate = app.add_subcommand("validate", "Check a scenario file and report the first problem");
    validate->add_option("FILE", file, "Scenario file (TOML)")->required();

    auto* report = app.add_subcommand("report", "Write the business case for a sponsor: one self-contained HTML file with charts");
    std::int64_t report_trials = 10000;
    std::string report_output = "report.html";
    report->add_option("FILE", file, "Scenario file (TOML)")->required();
    report->add_option("--trials", report_trials, "Monte Carlo trials")
        ->transform(trials_check)
        ->check(CLI::Range(std::int64_t{1}, static_cast<std::int64_t>(credroi::max_trials)))
        ->capture_default_str();
    report->add_option("--seed", seed, "Random seed (printed in the report)")->transform(seed_check)->capture_default_str();
    report->add_option("--sampler", sampler, "Sampling design")->check(CLI::IsMember({"lhs", "mc", "sobol"}))->capture_default_str();
    report->add_option("--threads", threads, "Threads (0: every core)")->check(CLI::Range(0u, 1024u))->capture_default_str();
    report->add_option("-o,--output", report_output, "HTML file to write (atomically); '-' for standard output")->capture_default_str();

    auto* compare = app.add_subcommand("compare", "Compare scenarios side by side, with common random numbers");
    std::vector<std::string> files;
    std::string compare_report;
    compare->add_option("FILES", files, "Two or more scenario files; each is compared with the first")->required();
    compare->add_option("--trials", report_trials, "Monte Carlo trials per scenario")
        ->transform(trials_check)
        ->check(CLI::Range(std::int64_t{1}, static_cast<std::int64_t>(credroi::max_trials)))
        ->capture_default_str();
    compare->add_option("--seed", seed, "Random seed, the same for every scenario")->transform(seed_check)->capture_default_str();
    compare->add_option("--sampler", sampler, "Sampling design (lhs and mc give common random numbers)")
        ->check(CLI::IsMember({"lhs", "mc", "sobol"}))
        ->capture_default_str();
    compare->add_option("--threads", threads, "Threads (0: every core)")->check(CLI::Range(0u, 1024u))->capture_default_str();
    compare->add_option("--format", format, "Output format")->check(CLI::IsMember({"table", "json", "csv"}))->capture_default_str();
    compare->add_option("-o,--output", output, "Write to this file (atomically) instead of standard output");
    compare->add_option("--report", compare_report, "Also write a comparison report (HTML) to this file");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }

    // What every simulating command shares: the options it was given, and a
    // clean stop (nothing written, exit 130) on Ctrl-C or SIGTERM.
    auto simulation_options = [&](std::int64_t n) {
        credroi::SimulationOptions o;
        o.trials = static_cast<std::uint64_t>(n);
        o.seed = seed;
        o.sampler = credroi::parse_sampler(sampler);
        o.threads = threads;
        o.cancel = &interrupted;
        std::signal(SIGINT, on_interrupt);
        std::signal(SIGTERM, on_interrupt);
        return o;
    };

    try {
        if (*compare) {
            if (files.size() < 2)
                throw credroi::ParameterError("FILES", "compare needs at least two scenario files, found " + std::to_string(files.size()));
            std::vector<credroi::Model> models;
            for (const std::string& f : files) models.emplace_back(credroi::read_scenario_file(f));
            for (const std::string& target : {output, compare_report})
                for (const std::string& f : files)
                    if (!target.empty() && target != "-" && same_file(target, f))
                        throw credroi::IoError("refusing to write over the scenario file '" + f + "'");
            credroi::ComparisonResult result = [&] {
                try {
                    return credroi::compare(models, simulation_options(report_trials));
                } catch (const credroi::ComparisonTrialsError& e) {
                    throw naming_file(files.at(e.scenario()), credroi::stage::monte_carlo_trials, e.message());
                }
            }();
            // Two files may carry the same scenario name; the file tells them apart.
            for (std::size_t k = 0; k < result.names.size(); ++k)
                if (std::count(result.names.begin(), result.names.end(), models[k].scenario().name) > 1)
                    for (std::size_t j = 0; j < result.names.size(); ++j)
                        if (models[j].scenario().name == models[k].scenario().name) result.names[j] = models[j].scenario().name + " (" + files[j] + ")";
            const std::string content = format == "json" ? credroi::comparison_json(result)
                                        : format == "csv" ? credroi::comparison_csv(result)
                                                          : credroi::comparison_table(result);
            std::string html;
            if (!compare_report.empty()) {
                credroi::ReportOptions ro;
                std::string command = "credroi compare";
                for (const std::string& f : files) command += " " + f;
                ro.source = command + " --trials " + std::to_string(report_trials) + " --seed " + std::to_string(seed) +
                            (sampler != "lhs" ? " --sampler " + sampler : "");
                html = credroi::comparison_report_html(result, ro);
            }
            if (interrupted) throw credroi::Cancelled();
            if (!compare_report.empty()) credroi::write_file_atomically(compare_report, html);
            emit(content, output, files.front());
            return 0;
        }
        if (*report) {
            const credroi::Model model(credroi::read_scenario_file(file));
            if (report_output != "-" && same_file(report_output, file))
                throw credroi::IoError("refusing to write the report over the scenario file '" + file + "'");
            credroi::ReportOptions ro;
            ro.trials = static_cast<std::uint64_t>(report_trials);
            ro.seed = seed;
            ro.sampler = credroi::parse_sampler(sampler);
            ro.threads = threads;
            ro.source = file;
            ro.cancel = &interrupted;
            ProgressBar bar(true);
            ro.progress = [&bar](std::uint64_t done, std::uint64_t total) { bar(done, total); };
            std::signal(SIGINT, on_interrupt);
            std::signal(SIGTERM, on_interrupt);
            const std::string html = in_trials_of(file, [&] { return credroi::report_html(model, ro); });
            if (interrupted) throw credroi::Cancelled();
            emit(html, report_output, file);
            if (report_output != "-") std::cerr << "credroi: wrote " << report_output << "\n";
            return 0;
        }
        const credroi::Scenario scenario = credroi::read_scenario_file(file);
        if (*validate) {
            const credroi::Model model(scenario);
            std::cout << file << ": valid (" << scenario.name << ", " << model.inputs().size() << " inputs, "
                      << scenario.horizon_months << " months)\n";
            return 0;
        }
        const credroi::Model model(scenario);
        if (*sensitivity) {
            const auto names = credroi::metric_names(model);
            if (std::find(names.begin(), names.end(), metric) == names.end()) {
                std::string list;
                for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
                throw credroi::ParameterError("--metric", "no metric '" + metric + "'; choose one of: " + list);
            }
            if (method == "sobol" && sens_trials > 0) credroi::check_sobol_sample_size(static_cast<std::uint64_t>(sens_trials), "--trials");
            const credroi::SensitivityInputs in = credroi::model_inputs(model);
            if (in.names.empty())
                throw credroi::ParameterError("FILE", "the scenario has no uncertain inputs; write some as distributions, "
                                                      "e.g. { pert = [lo, mode, hi] } (docs/scenario-format.md)");
            if (in.correlated && method != "rank")
                std::cerr << "credroi: note: the " << method << " method treats the inputs as independent; "
                          << "the scenario's [[correlations]] are ignored (the rank method keeps them)\n";
            std::string content;
            auto render = [&](const auto& r) {
                content = format == "json" ? credroi::sensitivity_json(r) : format == "csv" ? credroi::sensitivity_csv(r)
                                                                                            : credroi::sensitivity_table(r);
            };
            const credroi::BatchFunction f = method == "rank" ? credroi::BatchFunction{} : credroi::metric_function(model, metric);
            // The options are checked above: what fails from here on is the
            // scenario's, in its evaluation at the method's points.
            auto analysis = [&](auto&& g) { return in_file(file, credroi::stage::sensitivity_analysis, g); };
            if (method == "tornado") {
                credroi::TornadoOptions o;
                o.output_name = metric;
                render(analysis([&] { return credroi::tornado(f, in.distributions, in.names, in.base, o); }));
            } else if (method == "spider") {
                credroi::SpiderOptions o;
                o.output_name = metric;
                render(analysis([&] { return credroi::spider(f, in.distributions, in.names, in.base, o); }));
            } else if (method == "sobol") {
                credroi::SobolOptions o;
                o.n = sens_trials > 0 ? static_cast<std::uint64_t>(sens_trials) : 4096;
                o.seed = seed;
                o.threads = threads;
                o.output_name = metric;
                render(analysis([&] { return credroi::sobol_indices(f, in.distributions, in.names, o); }));
            } else {
                credroi::SimulationOptions o = simulation_options(sens_trials > 0 ? sens_trials : 10000);
                o.keep_trials = true;
                const credroi::SimulationResult sim = in_trials_of(file, [&] { return credroi::simulate(model, o); });
                render(analysis([&] { return credroi::rank_sensitivity(sim, metric); }));
            }
            emit(content, output, file);
            return 0;
        }
        const credroi::Evaluation result = model.evaluate();
        std::optional<credroi::SimulationResult> sim;
        if (!samples.empty() && trials == 0) throw credroi::ParameterError("--samples", "needs --trials N (N >= 1)");
        if (trials > 0) {
            credroi::SimulationOptions o = simulation_options(trials);
            o.keep_trials = !samples.empty();
            ProgressBar bar(true);
            o.progress = [&bar](std::uint64_t done, std::uint64_t total) { bar(done, total); };
            sim = in_trials_of(file, [&] { return credroi::simulate(model, o); });
            if (!sim->correlation_warning.empty() && format != "table")
                std::cerr << "credroi: warning: " << sim->correlation_warning << "\n";
        }
        const credroi::SimulationResult* simulation = sim ? &*sim : nullptr;
        std::string content;
        if (format == "json")
            content = credroi::to_json(result, scenario, simulation);
        else if (format == "csv")
            content = credroi::to_csv(result);
        else
            content = credroi::to_table(result, scenario, simulation);
        // The result is complete in memory before anything is written, and each
        // file is written atomically; the samples, which can run to gigabytes of
        // text, are streamed into their temporary file rather than held in memory.
        if (!samples.empty() && same_file(samples, file))
            throw credroi::IoError("refusing to write the samples over the scenario file '" + file + "'");
        if (interrupted) throw credroi::Cancelled();
        if (!samples.empty())
            credroi::write_file_atomically(samples, [&](std::ostream& os) { credroi::write_samples_csv(*sim, os); });
        emit(content, output, file);
        return 0;
    } catch (const credroi::Cancelled& e) {
        std::cerr << "credroi: " << e.what() << "\n";
        return 130;
    } catch (const credroi::Error& e) {
        std::cerr << "credroi: error: " << e.what() << "\n";
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "credroi: internal error: " << e.what() << "\n";
        return 3;
    }
}
