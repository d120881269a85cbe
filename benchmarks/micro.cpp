// Micro-benchmarks of the Monte Carlo engine's parts (Google Benchmark).
//
//   build/bench/benchmarks/credroi_bench_micro                      # everything
//   build/bench/benchmarks/credroi_bench_micro --benchmark_filter=Fill
//
// The model benchmarks use examples/corporate-ld.toml (the path is compiled
// in; set CREDROI_BENCH_SCENARIO to use another file). Rates are reported as
// items per second, where an item is one trial (model, metrics, simulate), one
// uniform (samplers) or one input value (quantiles, copula).
#include <credroi/distributions.hpp>
#include <credroi/finance.hpp>
#include <credroi/model.hpp>
#include <credroi/sampling.hpp>
#include <credroi/scenario_file.hpp>
#include <credroi/simulation.hpp>

#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

namespace {

constexpr Eigen::Index batch = 1024;  // simulate()'s default batch size

const credroi::Model& corporate() {
    static const std::unique_ptr<credroi::Model> model = [] {
        const char* env = std::getenv("CREDROI_BENCH_SCENARIO");
        const std::string file = env && *env ? env : CREDROI_BENCH_SCENARIO;
        return std::make_unique<credroi::Model>(credroi::read_scenario_file(file));
    }();
    return *model;
}

/// One batch of sampled input rows, drawn exactly as simulate() draws them:
/// uniforms (Latin hypercube), the rank-correlation copula, then each input's quantile function.
void sample_inputs(const credroi::Model& model, const credroi::UniformDesign& design, std::uint64_t batch_index,
                   Eigen::ArrayXXd& u, Eigen::ArrayXXd& x) {
    const auto& inputs = model.inputs();
    const auto& uncertain = model.uncertain_inputs();
    const Eigen::ArrayXXd base = model.base_inputs();
    u.resize(batch, static_cast<Eigen::Index>(uncertain.size()));
    design.fill(batch_index, batch_index * static_cast<std::uint64_t>(batch), u);
    if (const credroi::RankCorrelation* c = model.correlation()) c->apply(u, model.correlated_columns());
    x.resize(batch, base.cols());
    for (Eigen::Index k = 0; k < base.cols(); ++k) x.col(k).setConstant(base(0, k));
    for (std::size_t j = 0; j < uncertain.size(); ++j) {
        const auto k = static_cast<std::size_t>(uncertain[j]);
        credroi::quantiles(*inputs[k].distribution, u.col(static_cast<Eigen::Index>(j)).data(),
                           x.col(static_cast<Eigen::Index>(k)).data(), static_cast<std::size_t>(batch));
    }
}

// ---- samplers: UniformDesign::fill of one batch (1024 rows x dims) ----------

void BM_UniformDesignFill(benchmark::State& state, credroi::Sampler sampler) {
    const Eigen::Index dims = state.range(0);
    const credroi::UniformDesign design(sampler, 42, dims);
    Eigen::ArrayXXd u(batch, dims);
    std::uint64_t b = 0;
    for (auto _ : state) {
        design.fill(b, b * static_cast<std::uint64_t>(batch), u);
        benchmark::DoNotOptimize(u.data());
        benchmark::ClobberMemory();
        ++b;
    }
    state.SetItemsProcessed(state.iterations() * batch * dims);  // uniforms
    state.SetLabel("1024 rows; items = uniforms");
}
BENCHMARK_CAPTURE(BM_UniformDesignFill, mc, credroi::Sampler::monte_carlo)->Arg(6)->Arg(20);
BENCHMARK_CAPTURE(BM_UniformDesignFill, lhs, credroi::Sampler::latin_hypercube)->Arg(6)->Arg(20);
BENCHMARK_CAPTURE(BM_UniformDesignFill, sobol, credroi::Sampler::sobol)->Arg(6)->Arg(20);

// ---- inverse CDFs: quantiles() of 1024 uniforms -----------------------------

void BM_Quantiles(benchmark::State& state, const credroi::Distribution& d) {
    const credroi::UniformDesign design(credroi::Sampler::monte_carlo, 7, 1);
    Eigen::ArrayXXd u(batch, 1);
    design.fill(0, 0, u);
    std::vector<double> out(static_cast<std::size_t>(batch));
    for (auto _ : state) {
        credroi::quantiles(d, u.data(), out.data(), out.size());
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(state.iterations() * batch);
    state.SetLabel(credroi::describe(d));
}
// The distributions of examples/corporate-ld.toml.
BENCHMARK_CAPTURE(BM_Quantiles, uniform, credroi::Distribution(credroi::Uniform(2, 4)));
BENCHMARK_CAPTURE(BM_Quantiles, triangular, credroi::Distribution(credroi::Triangular(10, 40, 60)));
BENCHMARK_CAPTURE(BM_Quantiles, pert, credroi::Distribution(credroi::Pert(20000, 30000, 60000)));
BENCHMARK_CAPTURE(BM_Quantiles, pert_small, credroi::Distribution(credroi::Pert(0.0, 0.01, 0.025)));
BENCHMARK_CAPTURE(BM_Quantiles, risk_triangular,
                  credroi::Distribution(credroi::RiskEvent(0.25, credroi::Triangular(10000, 20000, 50000))));

// ---- the Gaussian copula of the corporate example on one batch --------------

void BM_CorrelationApply(benchmark::State& state) {
    const credroi::Model& model = corporate();
    const credroi::RankCorrelation* c = model.correlation();
    if (!c) {
        state.SkipWithError("the scenario has no [[correlations]]");
        return;
    }
    const auto d = static_cast<Eigen::Index>(model.uncertain_inputs().size());
    const credroi::UniformDesign design(credroi::Sampler::latin_hypercube, 42, d);
    Eigen::ArrayXXd fresh(batch, d), u(batch, d);
    design.fill(0, 0, fresh);
    for (auto _ : state) {
        state.PauseTiming();
        u = fresh;
        state.ResumeTiming();
        c->apply(u, model.correlated_columns());
        benchmark::DoNotOptimize(u.data());
    }
    state.SetItemsProcessed(state.iterations() * batch * c->dimension());
    state.SetLabel("items = correlated input values");
}
BENCHMARK(BM_CorrelationApply);

// ---- all inputs of one batch: fill + copula + quantiles (per trial) ---------

void BM_SampleInputs(benchmark::State& state) {
    const credroi::Model& model = corporate();
    const credroi::UniformDesign design(credroi::Sampler::latin_hypercube, 42,
                                        static_cast<Eigen::Index>(model.uncertain_inputs().size()));
    Eigen::ArrayXXd u, x;
    std::uint64_t b = 0;
    for (auto _ : state) {
        sample_inputs(model, design, b++, u, x);
        benchmark::DoNotOptimize(x.data());
    }
    state.SetItemsProcessed(state.iterations() * batch);
    state.SetLabel("corporate-ld, lhs; items = trials");
}
BENCHMARK(BM_SampleInputs);

// ---- Model::evaluate_batch on 1024 trials of the corporate example ----------

void BM_EvaluateBatch(benchmark::State& state) {
    const credroi::Model& model = corporate();
    const credroi::UniformDesign design(credroi::Sampler::latin_hypercube, 42,
                                        static_cast<Eigen::Index>(model.uncertain_inputs().size()));
    Eigen::ArrayXXd u, x;
    sample_inputs(model, design, 0, u, x);
    credroi::BatchResult out;
    const bool keep_lines = state.range(0) != 0;
    for (auto _ : state) {
        model.evaluate_batch(x, out, keep_lines);
        benchmark::DoNotOptimize(out.costs.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(state.iterations() * batch);
    state.SetLabel(keep_lines ? "keep_lines; items = trials" : "items = trials");
}
BENCHMARK(BM_EvaluateBatch)->ArgName("keep_lines")->Arg(0)->Arg(1);

// ---- Model::metrics per trial (NPV, IRR, MIRR, payback, ...) ----------------

void BM_Metrics(benchmark::State& state) {
    const credroi::Model& model = corporate();
    const credroi::UniformDesign design(credroi::Sampler::latin_hypercube, 42,
                                        static_cast<Eigen::Index>(model.uncertain_inputs().size()));
    Eigen::ArrayXXd u, x;
    sample_inputs(model, design, 0, u, x);
    credroi::BatchResult out;
    model.evaluate_batch(x, out, false);
    for (auto _ : state) {
        for (Eigen::Index t = 0; t < batch; ++t) {
            credroi::Metrics m = model.metrics(out, t);
            benchmark::DoNotOptimize(m);
        }
    }
    state.SetItemsProcessed(state.iterations() * batch);
    state.SetLabel("items = trials");
}
BENCHMARK(BM_Metrics);

// The IRR alone, on the same trials' net flows: the part of metrics() known to be hot.
void BM_Irr(benchmark::State& state) {
    const credroi::Model& model = corporate();
    const credroi::UniformDesign design(credroi::Sampler::latin_hypercube, 42,
                                        static_cast<Eigen::Index>(model.uncertain_inputs().size()));
    Eigen::ArrayXXd u, x;
    sample_inputs(model, design, 0, u, x);
    credroi::BatchResult out;
    model.evaluate_batch(x, out, false);
    const int H = model.horizon_months();
    std::vector<std::vector<double>> nets(static_cast<std::size_t>(batch), std::vector<double>(static_cast<std::size_t>(H)));
    for (Eigen::Index t = 0; t < batch; ++t)
        for (int i = 0; i < H; ++i)
            nets[static_cast<std::size_t>(t)][static_cast<std::size_t>(i)] = out.benefits(t, i) - out.costs(t, i);
    const double monthly = credroi::monthly_rate_from_annual(out.discount_rate(0));
    for (auto _ : state) {
        for (const auto& net : nets) {
            credroi::IrrResult r = credroi::irr(net, monthly);
            benchmark::DoNotOptimize(r);
        }
    }
    state.SetItemsProcessed(state.iterations() * batch);
    state.SetLabel("items = trials");
}
BENCHMARK(BM_Irr);

// What simulate() runs instead of the two above: every metric of the batch
// column-wise (detail::batch_metric_rows), and its IRR part alone
// (detail::irr_columns: Newton across trials where a single root is proven).
void BM_BatchMetrics(benchmark::State& state) {
    const credroi::Model& model = corporate();
    const credroi::UniformDesign design(credroi::Sampler::latin_hypercube, 42,
                                        static_cast<Eigen::Index>(model.uncertain_inputs().size()));
    Eigen::ArrayXXd u, x, rows;
    sample_inputs(model, design, 0, u, x);
    credroi::BatchResult out;
    model.evaluate_batch(x, out, false);
    credroi::detail::BatchMetricsWorkspace ws;
    for (auto _ : state) {
        credroi::detail::batch_metric_rows(model, out, rows, ws, state.range(0) != 0);
        benchmark::DoNotOptimize(rows.data());
    }
    state.SetItemsProcessed(state.iterations() * batch);
    state.SetLabel(state.range(0) ? "items = trials" : "no IRR/MIRR; items = trials");
}
BENCHMARK(BM_BatchMetrics)->ArgName("irr")->Arg(1)->Arg(0);

void BM_IrrColumns(benchmark::State& state) {
    const credroi::Model& model = corporate();
    const credroi::UniformDesign design(credroi::Sampler::latin_hypercube, 42,
                                        static_cast<Eigen::Index>(model.uncertain_inputs().size()));
    Eigen::ArrayXXd u, x;
    sample_inputs(model, design, 0, u, x);
    credroi::BatchResult out;
    model.evaluate_batch(x, out, false);
    const Eigen::ArrayXXd net = out.benefits - out.costs;
    const Eigen::ArrayXd guess = Eigen::ArrayXd::Constant(batch, credroi::monthly_rate_from_annual(out.discount_rate(0)));
    Eigen::ArrayXd rate;
    credroi::detail::IrrColumnsWorkspace ws;
    for (auto _ : state) {
        credroi::detail::irr_columns(net, guess, rate, ws);
        benchmark::DoNotOptimize(rate.data());
    }
    state.SetItemsProcessed(state.iterations() * batch);
    state.SetLabel("items = trials");
}
BENCHMARK(BM_IrrColumns);

// ---- the whole simulate() per trial ------------------------------------------

void BM_Simulate(benchmark::State& state) {
    const credroi::Model& model = corporate();
    credroi::SimulationOptions o;
    o.trials = static_cast<std::uint64_t>(state.range(0));
    o.threads = static_cast<unsigned>(state.range(1));
    o.irr = state.range(2) != 0;
    o.seed = 42;
    for (auto _ : state) {
        credroi::SimulationResult r = credroi::simulate(model, o);
        benchmark::DoNotOptimize(r.metrics.data());
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
    state.SetLabel(o.irr ? "corporate-ld, lhs; items = trials" : "corporate-ld, lhs, no IRR/MIRR; items = trials");
}
// 16384 trials keep exact percentiles (rows kept, <= 100k), 131072 uses the
// sketches; irr:0 skips IRR and MIRR (SimulationOptions::irr = false).
BENCHMARK(BM_Simulate)
    ->ArgNames({"trials", "threads", "irr"})
    ->Args({16384, 1, 1})
    ->Args({16384, 2, 1})
    ->Args({131072, 1, 1})
    ->Args({131072, 2, 1})
    ->Args({131072, 1, 0})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
