#pragma once
// Everything of the header-first engine in one include. Scenario files and
// output formats are in the compiled credroi::io (scenario_file.hpp, output.hpp).
#include <credroi/version.hpp>
#include <credroi/error.hpp>
#include <credroi/calendar.hpp>
#include <credroi/finance.hpp>
#include <credroi/adoption.hpp>
#include <credroi/pricing.hpp>
#include <credroi/scenario.hpp>
#include <credroi/status_quo.hpp>
#include <credroi/results.hpp>
#include <credroi/model.hpp>
#include <credroi/distributions.hpp>
#include <credroi/sampling.hpp>
#include <credroi/simulation.hpp>
#include <credroi/sensitivity.hpp>
#include <credroi/comparison.hpp>
