// credroi._cpu: which build of the compiled core this CPU runs (see
// src/cpu_variant.hpp). A module of its own, built for the x86-64 baseline,
// because it is asked before any build of _core is loaded (two builds of
// _core cannot both be loaded: their classes would be registered twice).
#include <pybind11/pybind11.h>

#include "../../../src/cpu_variant.hpp"

PYBIND11_MODULE(_cpu, m) {
    m.doc() = "Which build of credroi's compiled core this CPU runs (private).";
    m.def("best_level", &credroi_cpu::best_level,
          "The newest x86-64 level this CPU runs, at most CREDROI_CPU: 'x86-64-v4', 'x86-64-v3' or 'baseline'. "
          "ValueError for a CREDROI_CPU it does not know.");
}
