#pragma once
// Errors. Every failure credroi reports is a credroi::Error; the subclasses say
// what kind of input was wrong so callers (the CLI, the Python bindings) can
// map them without parsing messages.
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

namespace credroi {

/// Base of every exception credroi throws.
class Error : public std::runtime_error {
public:
    explicit Error(const std::string& what) : std::runtime_error(what) {}
};

/// A parameter is outside its domain. `path()` names it in the scenario's own
/// key syntax (`costs.recurring[0].annual`), or the argument name for free
/// functions (`rate`).
class ParameterError : public Error {
public:
    ParameterError(std::string path, const std::string& message)
        : Error(path.empty() ? message : path + ": " + message), path_(std::move(path)), message_(message) {}
    const std::string& path() const noexcept { return path_; }
    /// The message without the path prefix.
    const std::string& message() const noexcept { return message_; }

private:
    std::string path_;
    std::string message_;
};

/// A scenario file could not be read: syntax, unknown key, wrong type, or a
/// ParameterError traced back to where the value stands in the file.
class ScenarioError : public Error {
public:
    ScenarioError(std::string file, int line, int column, std::string path, const std::string& message)
        : Error(format(file, line, column, path, message)),
          file_(std::move(file)), line_(line), column_(column), path_(std::move(path)) {}
    const std::string& file() const noexcept { return file_; }
    int line() const noexcept { return line_; }      ///< 1-based; 0 when unknown
    int column() const noexcept { return column_; }  ///< 1-based; 0 when unknown
    const std::string& path() const noexcept { return path_; }

private:
    static std::string format(const std::string& file, int line, int column, const std::string& path,
                              const std::string& message) {
        std::ostringstream os;
        os << file;
        if (line > 0) os << ':' << line;
        if (column > 0) os << ':' << column;
        os << ": ";
        if (!path.empty()) os << path << ": ";
        os << message;
        return os.str();
    }
    std::string file_;
    int line_;
    int column_;
    std::string path_;
};

/// A numerical method did not converge or a result does not exist where the
/// caller required one.
class NumericError : public Error {
public:
    explicit NumericError(const std::string& what) : Error(what) {}
};

/// Where an error arose after a scenario was read, for messages that have no
/// line of the file to point at: "FILE: in the Monte Carlo trials: ...".
namespace stage {
inline constexpr const char* monte_carlo_trials = "in the Monte Carlo trials";
inline constexpr const char* sensitivity_analysis = "in the sensitivity analysis";
}  // namespace stage

/// Reading or writing a file failed.
class IoError : public Error {
public:
    explicit IoError(const std::string& what) : Error(what) {}
};

namespace detail {
inline std::string describe(double x) {
    std::ostringstream os;
    os.precision(15);
    os << x;
    return os.str();
}
}  // namespace detail

}  // namespace credroi

/// Precondition check: throws credroi::ParameterError(path, message) when cond is false.
/// `message` may use stream syntax: CREDROI_REQUIRE(x >= 0, "rate", "expected >= 0, found " << x).
#define CREDROI_REQUIRE(cond, path, message)                      \
    do {                                                          \
        if (!(cond)) {                                            \
            std::ostringstream credroi_require_os_;               \
            credroi_require_os_ << message;                       \
            throw ::credroi::ParameterError((path), credroi_require_os_.str()); \
        }                                                         \
    } while (false)
