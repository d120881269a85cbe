#pragma once
// Runs a program as its build for a newer x86-64 level when the CPU has one.
//
// The library is header-only: it is compiled for whatever CPU its user
// targets. The programs built here (the command line, the benchmark driver)
// are built for the x86-64 baseline, which every x86-64 machine runs, and,
// next to it, for x86-64-v3 (AVX2) and x86-64-v4 (AVX-512) as
// `NAME-x86-64-v3` and `NAME-x86-64-v4`: the Monte Carlo kernels are written
// for vectors as wide as the target has (about 1.5 times faster with AVX-512
// than with SSE2, docs/performance.md). The baseline program, first thing in
// main(), replaces itself (execv) with the newest sibling this CPU can run.
// Each variant is a whole program, so code built for one CPU is never
// reached from another's (as it could be if inline functions compiled for
// several targets met in one binary). The Python package does the same with
// its compiled core (credroi/_x86_64_v4/_core...so), asking best_level()
// through its small `_cpu` module, so a notebook and the command line run
// the same build on one machine.
//
// CREDROI_CPU=baseline, x86-64-v3 or x86-64-v4 caps the level. The same seed
// gives the same bits at any thread count within one variant; between
// variants the results agree to rounding (Eigen's reductions and products
// change order with the vector width).
#include <cstdlib>
#include <stdexcept>
#include <string>

#if defined(__x86_64__) && defined(__GNUC__)
#define CREDROI_CPU_DETECT 1
#endif
#if defined(CREDROI_CPU_VARIANTS) && defined(CREDROI_CPU_DETECT) && defined(__linux__) && !defined(CREDROI_CPU_LEVEL)
#include <climits>
#include <unistd.h>
#define CREDROI_CPU_DISPATCH 1
#endif

namespace credroi_cpu {

/// The level this program was built for: "baseline", "x86-64-v3" or "x86-64-v4".
inline const char* built_for() {
#if defined(CREDROI_CPU_LEVEL)
    return CREDROI_CPU_LEVEL;
#else
    return "baseline";
#endif
}

/// The newest level this CPU (and operating system) runs, at most the one
/// CREDROI_CPU names: "x86-64-v4", "x86-64-v3" or "baseline". Throws
/// std::invalid_argument for a CREDROI_CPU it does not know. The one test
/// behind the command line's choice and the Python package's, so that both
/// doors run the same build on one machine (and give the same bits).
inline std::string best_level() {
    const char* cap_text = std::getenv("CREDROI_CPU");
    const std::string cap = cap_text ? cap_text : "";
    int cap_level = 4;
    if (cap == "baseline")
        cap_level = 1;
    else if (cap == "x86-64-v3")
        cap_level = 3;
    else if (!cap.empty() && cap != "x86-64-v4")
        throw std::invalid_argument("CREDROI_CPU: expected baseline, x86-64-v3 or x86-64-v4, found '" + cap + "'");
#if defined(CREDROI_CPU_DETECT)
    __builtin_cpu_init();
    // What -march=x86-64-v3 and -v4 let the compiler use (asked feature by
    // feature: GCC 12 and Clang 14 alike know these names); libgcc also checks
    // that the operating system saves the AVX and AVX-512 registers.
    const bool v3 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("bmi") &&
                    __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("avx") && __builtin_cpu_supports("popcnt");
    const bool v4 = v3 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                    __builtin_cpu_supports("avx512cd") && __builtin_cpu_supports("avx512dq") &&
                    __builtin_cpu_supports("avx512vl");
    if (v4 && cap_level >= 4) return "x86-64-v4";
    if (v3 && cap_level >= 3) return "x86-64-v3";
#else
    (void)cap_level;
#endif
    return "baseline";
}

/// Checks CREDROI_CPU; then, in the baseline build of a program that has
/// variants, execs the newest variant best_level() allows that exists beside
/// it (returning only if there is none, or it cannot be started). Returns an
/// error message for a CREDROI_CPU it does not know, else an empty string.
inline std::string run_best_variant(char** argv) {
    std::string level;
    try {
        level = best_level();
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
#if defined(CREDROI_CPU_DISPATCH)
    char self[PATH_MAX];
    const ssize_t length = ::readlink("/proc/self/exe", self, sizeof self - 1);
    if (length <= 0) return {};
    self[length] = '\0';
    for (const char* candidate : {"x86-64-v4", "x86-64-v3"}) {
        if (level == "baseline" || (level == "x86-64-v3" && std::string(candidate) == "x86-64-v4")) continue;
        const std::string path = std::string(self) + "-" + candidate;
        if (::access(path.c_str(), X_OK) != 0) continue;
        ::execv(path.c_str(), argv);  // returns only when it failed: try the next, then run as we are
    }
#else
    (void)argv;
#endif
    return {};
}

}  // namespace credroi_cpu
