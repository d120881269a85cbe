// The credroi command line: parse arguments, call the library, print. No model
// logic lives here.
#include <credroi/model.hpp>
#include <credroi/output.hpp>
#include <credroi/scenario_file.hpp>

#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>
#include <string>
#include <sys/stat.h>

namespace {

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
    CLI::App app{"credroi: will a digital badge or credential programme pay off, when, and how sure are we?"};
    app.set_version_flag("--version", std::string("credroi ") + credroi::version());
    app.require_subcommand(1);

    std::string file, format = "table", output;
    auto* run = app.add_subcommand("run", "Evaluate a scenario file: metrics, fiscal years, monthly cash flows");
    run->add_option("FILE", file, "Scenario file (TOML); see docs/scenario-format.md")->required();
    run->add_option("--format", format, "Output format")->check(CLI::IsMember({"table", "json", "csv"}))->capture_default_str();
    run->add_option("-o,--output", output, "Write to this file (atomically) instead of standard output");

    auto* validate = app.add_subcommand("validate", "Check a scenario file and report the first problem");
    validate->add_option("FILE", file, "Scenario file (TOML)")->required();

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }

    try {
        const credroi::Scenario scenario = credroi::read_scenario_file(file);
        if (*validate) {
            const credroi::Model model(scenario);
            std::cout << file << ": valid (" << scenario.name << ", " << model.inputs().size() << " inputs, "
                      << scenario.horizon_months << " months)\n";
            return 0;
        }
        const credroi::Evaluation result = credroi::Model(scenario).evaluate();
        std::string content;
        if (format == "json")
            content = credroi::to_json(result, scenario);
        else if (format == "csv")
            content = credroi::to_csv(result);
        else
            content = credroi::to_table(result, scenario);
        emit(content, output, file);
        return 0;
    } catch (const credroi::Error& e) {
        std::cerr << "credroi: error: " << e.what() << "\n";
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "credroi: internal error: " << e.what() << "\n";
        return 3;
    }
}
