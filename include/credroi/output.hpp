#pragma once
// Output formats of a result (compiled into credroi::io): JSON for tools,
// a table for people, CSV for spreadsheets; and the atomic file write every
// output goes through. The JSON schema is in docs/output-format.md.
#include <credroi/model.hpp>
#include <credroi/simulation.hpp>

#include <functional>
#include <ostream>
#include <string>

namespace credroi {

/// The JSON document `credroi run --format json` prints (docs/output-format.md);
/// with a simulation it gains a `simulation` object.
std::string to_json(const Evaluation& e, const Scenario& s, const SimulationResult* simulation = nullptr, int indent = 2);

/// The human-readable table: metrics first (with their distribution when
/// simulated), then one row per fiscal year.
std::string to_table(const Evaluation& e, const Scenario& s, const SimulationResult* simulation = nullptr);

/// One row per trial: trial number, every uncertain input, every metric
/// (empty where a metric does not exist in that trial). Needs keep_trials.
std::string samples_to_csv(const SimulationResult& r);
/// The same CSV, written to `os` as it is formatted (a million trials make
/// about half a gigabyte of text, which need not be held in memory).
void write_samples_csv(const SimulationResult& r, std::ostream& os);

/// One row per month: totals, drivers and every line by name.
std::string to_csv(const Evaluation& e);

/// Writes `content` to a temporary file beside `path`, then renames it over
/// `path`, so a reader never sees a half-written file. Throws IoError.
void write_file_atomically(const std::string& path, const std::string& content);
/// The same for content produced by `write` as it goes; if `write` throws,
/// the temporary file is removed and `path` is left as it was.
void write_file_atomically(const std::string& path, const std::function<void(std::ostream&)>& write);

/// Version of the library, e.g. "0.1.0".
const char* version();

}  // namespace credroi
