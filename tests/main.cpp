// The only test runner: every tests/*.test.cpp links against this main.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
