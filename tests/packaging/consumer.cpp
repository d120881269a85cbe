// An outside program using credroi: the header-first engine and the compiled
// scenario-file reader.
#include <credroi/credroi.hpp>
#include <credroi/scenario_file.hpp>

#include <cmath>
#include <cstdio>

int main() {
    // npv(10 %, {-100, 110}) = -100 + 110/1.1 = 0
    if (std::fabs(credroi::npv(0.10, {-100.0, 110.0})) > 1e-9) return 1;
    const credroi::Scenario s = credroi::read_scenario_string(R"(
[scenario]
name = "consumer"
start = "2026-01"
horizon_months = 12
discount_rate = 0.0
[[segments]]
headcount = 100
[adoption]
milestones = [ { date = "2026-03", share = 0.1 }, { date = "2026-09", share = 0.5 } ]
[[costs.one_off]]
amount = 1200
date = "2026-01"
)");
    const credroi::Evaluation e = credroi::evaluate(s);
    // one cost of 1200 at a zero discount rate: NPV = -1200
    if (std::fabs(e.metrics.npv + 1200.0) > 1e-9) return 2;
    std::printf("npv ok\n");
    return 0;
}
