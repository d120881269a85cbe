#pragma once
// Scenario files (TOML; the format is in docs/scenario-format.md). Compiled
// into credroi::io, so only tools that read files pay for the TOML parser.
#include <credroi/error.hpp>
#include <credroi/scenario.hpp>

#include <string>

namespace credroi {

/// Reads and validates a scenario file. Any problem, from a TOML syntax error
/// to a value out of range, throws ScenarioError naming the file, line,
/// column and key path; unknown keys are errors with a "did you mean".
Scenario read_scenario_file(const std::string& path);

/// The same for TOML text held in memory; `source_name` stands for the file
/// name in messages.
Scenario read_scenario_string(const std::string& toml_text, const std::string& source_name = "<string>");

/// The same for JSON text with the same schema as the TOML files (used by the
/// Python bindings' Scenario.from_dict).
Scenario read_scenario_json(const std::string& json_text, const std::string& source_name = "<dict>");

}  // namespace credroi
