#pragma once
// How every Python entry point that runs the Monte Carlo engine runs it: with
// the GIL released, Ctrl-C and the caller's progress callback handled from the
// calling thread (the engine calls `progress` there every 100 ms). Shared by
// Scenario.simulate, Scenario.report_html and credroi.compare.
#include "bindings.hpp"

#include <credroi/simulation.hpp>

#include <atomic>
#include <cstdint>
#include <optional>
#include <utility>

namespace credroi::python {

/// Sets `options.progress` and `options.cancel` (SimulationOptions or
/// ReportOptions) and returns run() with the GIL released. A Python error in
/// the callback, or a KeyboardInterrupt, stops the run (through `cancel`) and
/// is raised once the engine's workers are done, never dropped.
template <class Options, class Run>
auto run_interruptible(Options& options, const py::object& progress, Run&& run) {
    std::atomic<bool> cancel{false};
    std::optional<py::error_already_set> python_error;
    options.cancel = &cancel;
    options.progress = [&](std::uint64_t done, std::uint64_t total) {
        py::gil_scoped_acquire gil;
        if (python_error) return;
        try {
            if (PyErr_CheckSignals() != 0) throw py::error_already_set();
            if (!progress.is_none()) progress(done, total);
        } catch (py::error_already_set& e) {
            python_error.emplace(std::move(e));
            cancel = true;
        }
    };
    try {
        auto result = [&] {
            py::gil_scoped_release release;
            return std::forward<Run>(run)();
        }();
        // The engine's last call (with done == total) comes after its workers
        // are done: an error there has nothing left to stop, but is raised all the same.
        if (python_error) throw std::move(*python_error);
        return result;
    } catch (const Cancelled&) {
        if (python_error) throw std::move(*python_error);  // KeyboardInterrupt, or the callback's own error
        throw;
    }
}

/// SimulationOptions from the keyword arguments every simulating entry point
/// shares; ParameterError naming the argument for anything out of range.
SimulationOptions simulation_options(const py::object& trials, const py::object& seed, const std::string& sampler,
                                     const py::object& threads);

}  // namespace credroi::python
