#include <credroi/sampling.hpp>
#include <credroi/distributions.hpp>
#include <credroi/simulation.hpp>
int main() { return 0; }
