// libFuzzer target: arbitrary bytes through the whole scenario path. TOML (or,
// for text starting with '{', JSON) is parsed and validated; a scenario that
// validates is evaluated once, simulated on one and on two threads, and
// rendered as JSON and CSV. A credroi::Error is the expected answer to bad
// input; anything else is a bug and aborts: a crash, a sanitizer report,
// another exception escaping, results that differ between thread counts, a
// NaN or infinity in a result, or JSON output that does not parse.
//
// Built two ways (tests/fuzz/CMakeLists.txt): with clang and -fsanitize=fuzzer
// for fuzzing (-DCREDROI_FUZZ=ON), and with any compiler beside
// replay_main.cpp, which replays tests/fuzz/corpus/ as the ctest test
// fuzz.corpus_replay.
#include <credroi/model.hpp>
#include <credroi/output.hpp>
#include <credroi/scenario_file.hpp>
#include <credroi/simulation.hpp>

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

namespace {

[[noreturn]] void fail(const std::string& what) {
    std::fprintf(stderr, "fuzz_scenario: BUG: %s\n", what.c_str());
    std::fflush(stderr);
    std::abort();
}

void check_finite(double x, const std::string& what) {
    if (!std::isfinite(x)) fail(what + " is not finite: " + credroi::detail::describe(x));
}

void check_finite(const std::optional<double>& x, const std::string& what) {
    if (x) check_finite(*x, what);
}

void check_finite(const std::vector<double>& v, const std::string& what) {
    for (std::size_t i = 0; i < v.size(); ++i) check_finite(v[i], what + "[" + std::to_string(i) + "]");
}

void check_evaluation(const credroi::Model& model, const credroi::Evaluation& e) {
    const auto H = static_cast<std::size_t>(model.horizon_months());
    if (e.months.size() != H || e.costs.size() != H || e.net.size() != H) fail("evaluation has the wrong length");
    check_finite(e.costs, "costs");
    check_finite(e.benefits, "benefits");
    check_finite(e.net, "net");
    check_finite(e.cumulative_net, "cumulative_net");
    check_finite(e.discount_factors, "discount_factors");
    check_finite(e.population, "population");
    check_finite(e.adoption, "adoption");
    check_finite(e.earners, "earners");
    check_finite(e.credentials, "credentials");
    for (const auto& l : e.cost_lines) check_finite(l.monthly, "cost line " + l.name);
    for (const auto& l : e.benefit_lines) check_finite(l.monthly, "benefit line " + l.name);
    for (const auto& y : e.fiscal_years) {
        check_finite(y.costs, y.label + " costs");
        check_finite(y.benefits, y.label + " benefits");
        check_finite(y.cumulative_net, y.label + " cumulative net");
        check_finite(y.budget, y.label + " budget");
        check_finite(y.shortfall, y.label + " shortfall");
    }
    const credroi::Metrics& m = e.metrics;
    check_finite(m.npv, "npv");
    check_finite(m.pv_costs, "pv_costs");
    check_finite(m.pv_benefits, "pv_benefits");
    check_finite(m.roi, "roi");
    check_finite(m.bcr, "bcr");
    check_finite(m.irr, "irr");
    check_finite(m.irr_all, "irr_all");
    check_finite(m.mirr, "mirr");
    check_finite(m.payback_months, "payback_months");
    check_finite(m.discounted_payback_months, "discounted_payback_months");
    check_finite(m.total_costs, "total_costs");
    check_finite(m.total_benefits, "total_benefits");
    check_finite(m.total_credentials, "total_credentials");
    check_finite(m.cost_per_credential, "cost_per_credential");
    check_finite(m.cost_per_earner, "cost_per_earner");
    check_finite(m.total_shortfall, "total_shortfall");
    if (m.payback_months && (*m.payback_months < 0 || *m.payback_months > static_cast<double>(H) + 1))
        fail("payback outside the horizon: " + credroi::detail::describe(*m.payback_months));
}

void check_simulation(const credroi::SimulationResult& r, std::uint64_t trials) {
    for (const auto& s : r.metrics) {
        if (s.count > trials) fail(s.name + ": count above the trials");
        if (s.count == 0) continue;  // NaN summaries stand for "never exists", reported as such
        for (double v : {s.mean, s.standard_deviation, s.min, s.max, s.p5, s.p10, s.p50, s.p90, s.p95})
            check_finite(v, "simulated " + s.name);
        if (!(s.min <= s.p5 && s.p5 <= s.p50 && s.p50 <= s.p95 && s.p95 <= s.max)) fail(s.name + ": percentiles out of order");
    }
    for (double p : {r.probability_npv_positive, r.probability_payback_within_horizon, r.probability_irr_exists})
        if (!(p >= 0 && p <= 1)) fail("a probability outside [0, 1]");
    for (Eigen::Index k = 0; k < r.cumulative_net_bands.size(); ++k)
        check_finite(r.cumulative_net_bands.data()[k], "cumulative net band");
    check_finite(r.correlation_max_change, "correlation_max_change");
}

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

void run(const credroi::Scenario& scenario, std::size_t size) {
    const credroi::Model model(scenario);
    const credroi::Evaluation e = model.evaluate();
    check_evaluation(model, e);

    // A small simulation: 48 trials in 3 batches of 16, so two threads share the work.
    credroi::SimulationOptions o;
    o.trials = 48;
    o.batch_size = 16;
    o.seed = 7;
    o.threads = 1;
    o.keep_trials = size % 2 == 0;
    const credroi::SimulationResult r1 = credroi::simulate(model, o);
    check_simulation(r1, o.trials);
    if (size % 4 == 0) {
        // The same seed must give the same bits at any thread count.
        o.threads = 2;
        const credroi::SimulationResult r2 = credroi::simulate(model, o);
        for (std::size_t m = 0; m < r1.metrics.size(); ++m)
            if (!same_bits(r1.metrics[m].mean, r2.metrics[m].mean) || !same_bits(r1.metrics[m].p50, r2.metrics[m].p50))
                fail(r1.metrics[m].name + " differs between 1 and 2 threads");
    }

    const std::string json = credroi::to_json(e, scenario, &r1);
    if (!nlohmann::json::accept(json)) fail("to_json wrote text that is not JSON");
    (void)credroi::to_csv(e);
    (void)credroi::to_table(e, scenario, &r1);
    if (o.keep_trials) (void)credroi::samples_to_csv(r1);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // Scenario files are a few kilobytes; megabytes only make the fuzzer slow.
    if (size > 64 * 1024) return 0;
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        const credroi::Scenario scenario = text.size() > 0 && text[0] == '{'
                                               ? credroi::read_scenario_json(text, "<fuzz>")
                                               : credroi::read_scenario_string(text, "<fuzz>");
        run(scenario, size);
    } catch (const credroi::Error& e) {
        // Expected for bad input; the message must say something.
        if (std::strlen(e.what()) == 0) fail("an error with an empty message");
    }
    return 0;
}
