#include <credroi/sampling.hpp>

#include <doctest/doctest.h>

#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wold-style-cast"
#pragma GCC diagnostic ignored "-Wconversion"
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wdouble-promotion"
#endif
#include <boost/math/distributions/normal.hpp>
#include <boost/random/sobol.hpp>
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <set>
#include <string>
#include <thread>
#include <vector>

using credroi::NumericError;
using credroi::ParameterError;
using credroi::Sampler;

namespace {

bool same_bits(const Eigen::ArrayXXd& a, const Eigen::ArrayXXd& b) {
    return a.rows() == b.rows() && a.cols() == b.cols() &&
           std::memcmp(a.data(), b.data(), static_cast<std::size_t>(a.size()) * sizeof(double)) == 0;
}

std::string path_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const ParameterError& e) {
        return e.path();
    }
    return "<no ParameterError>";
}

std::string message_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const credroi::Error& e) {
        return e.what();
    }
    return "<no Error>";
}

// Columns of `u` as stratum numbers floor(u * n) must be a permutation of 0..n-1.
bool one_per_stratum(const Eigen::Ref<const Eigen::ArrayXd>& u) {
    const auto n = u.size();
    std::vector<int> hits(static_cast<std::size_t>(n), 0);
    for (Eigen::Index r = 0; r < n; ++r) {
        const double scaled = u[r] * static_cast<double>(n);
        if (!(u[r] > 0.0 && u[r] < 1.0)) return false;
        const auto k = static_cast<std::size_t>(scaled);
        if (k >= hits.size() || hits[k]++ != 0) return false;
    }
    return true;
}

}  // namespace

TEST_CASE("sampling: generators match the reference implementations") {
    SUBCASE("splitmix64 from state 0") {
        // Outputs of Vigna's splitmix64.c (https://prng.di.unimi.it/splitmix64.c)
        // seeded with 0, as published in many ports' test vectors.
        credroi::detail::SplitMix64 sm(0);
        CHECK(sm() == UINT64_C(0xe220a8397b1dcdaf));
        CHECK(sm() == UINT64_C(0x6e789e6aa1b965f4));
        CHECK(sm() == UINT64_C(0x06c45d188009454f));
        CHECK(sm() == UINT64_C(0xf88bb8a8724c81ec));
    }
    SUBCASE("xoshiro256++ from state {1, 2, 3, 4}") {
        // Produced with the reference xoshiro256plusplus.c; quoted in the test
        // of rust-random/rngs, rand_xoshiro/src/xoshiro256plusplus.rs. The first
        // by hand: rotl(1 + 4, 23) + 1 = 5 * 2^23 + 1 = 41943041.
        credroi::detail::Xoshiro256pp g(1, 2, 3, 4);
        const std::uint64_t expected[] = {41943041u,
                                          58720359u,
                                          UINT64_C(3588806011781223),
                                          UINT64_C(3591011842654386),
                                          UINT64_C(9228616714210784205),
                                          UINT64_C(9973669472204895162),
                                          UINT64_C(14011001112246962877),
                                          UINT64_C(12406186145184390807),
                                          UINT64_C(15849039046786891736),
                                          UINT64_C(10450023813501588000)};
        for (std::uint64_t e : expected) CHECK(g() == e);
    }
    SUBCASE("unit_open is strictly inside (0, 1) and symmetric") {
        using credroi::detail::unit_open;
        CHECK(unit_open(0) == 0x1p-53);                        // (0 + 0.5) * 2^-52
        CHECK(unit_open(~std::uint64_t{0}) == 1.0 - 0x1p-53);  // (2^52 - 1 + 0.5) * 2^-52
        CHECK(unit_open(~std::uint64_t{0}) < 1.0);
        CHECK(unit_open(std::uint64_t{1} << 63) == 0.5 + 0x1p-53);  // cell 2^51, centre
        CHECK(unit_open(0x123456789abcdef0u) == 1.0 - unit_open(~UINT64_C(0x123456789abcdef0)));
        // The brief's 53-bit form, ((x >> 11) + 0.5) * 2^-53, rounds to exactly
        // 1.0 at the top word; this is why 52 bits are used.
        CHECK((static_cast<double>(~std::uint64_t{0} >> 11) + 0.5) * 0x1p-53 == 1.0);
    }
    SUBCASE("bounded_uint32 is in range and hits every value") {
        credroi::detail::Xoshiro256pp g(7);
        std::vector<int> counts(7, 0);
        for (int i = 0; i < 7000; ++i) {
            const auto k = credroi::detail::bounded_uint32(g, 7);
            REQUIRE(k < 7u);
            ++counts[k];
        }
        // Each count is Binomial(7000, 1/7): mean 1000, sd sqrt(7000/7*6/7) = 29.3; 5 sd = 146.
        for (int c : counts) CHECK(std::abs(c - 1000) < 146);
        CHECK(credroi::detail::bounded_uint32(g, 1) == 0u);
    }
    SUBCASE("stream keys differ in every component") {
        using credroi::detail::stream_key;
        using credroi::detail::StreamDomain;
        const auto k = stream_key(1, StreamDomain::monte_carlo, 2, 3);
        CHECK(k == stream_key(1, StreamDomain::monte_carlo, 2, 3));
        CHECK(k != stream_key(0, StreamDomain::monte_carlo, 2, 3));
        CHECK(k != stream_key(1, StreamDomain::latin_hypercube, 2, 3));
        CHECK(k != stream_key(1, StreamDomain::monte_carlo, 3, 3));
        CHECK(k != stream_key(1, StreamDomain::monte_carlo, 2, 2));
        CHECK(k != stream_key(1, StreamDomain::monte_carlo, 3, 2));  // (a, b) is ordered
    }
}

TEST_CASE("sampling: sampler names") {
    CHECK(credroi::to_string(Sampler::monte_carlo) == "mc");
    CHECK(credroi::to_string(Sampler::latin_hypercube) == "lhs");
    CHECK(credroi::to_string(Sampler::sobol) == "sobol");
    for (Sampler s : {Sampler::monte_carlo, Sampler::latin_hypercube, Sampler::sobol})
        CHECK(credroi::parse_sampler(credroi::to_string(s)) == s);
    CHECK_THROWS_AS(credroi::parse_sampler("LHS"), ParameterError);
    CHECK(path_of([] { credroi::parse_sampler("halton"); }) == "sampler");
    CHECK(message_of([] { credroi::parse_sampler("halton"); }) ==
          "sampler: expected one of mc, lhs, sobol, found \"halton\"");
}

TEST_CASE("sampling: batches are reproducible and independent of threading") {
    for (Sampler s : {Sampler::monte_carlo, Sampler::latin_hypercube, Sampler::sobol}) {
        CAPTURE(credroi::to_string(s));
        const credroi::UniformDesign design(s, 20240601, 5);
        SUBCASE("same seed and batch give the same bits") {
            const Eigen::ArrayXXd a = design.generate(3, 300, 100);
            const Eigen::ArrayXXd b = credroi::UniformDesign(s, 20240601, 5).generate(3, 300, 100);
            CHECK(same_bits(a, b));
            CHECK(same_bits(a, credroi::uniform_design(s, 20240601, 3, 300, 100, 5)));
            Eigen::ArrayXXd c(100, 5);
            credroi::uniform_design(s, 20240601, 3, 300, c);
            CHECK(same_bits(a, c));
        }
        SUBCASE("another batch or seed gives other values") {
            const Eigen::ArrayXXd a = design.generate(3, 300, 100);
            CHECK(!same_bits(a, design.generate(4, 400, 100)));
            CHECK(!same_bits(a, credroi::UniformDesign(s, 20240602, 5).generate(3, 300, 100)));
            // Columns are not copies of one another.
            CHECK((a.col(0) != a.col(1)).any());
        }
        SUBCASE("filling batches from several threads changes nothing") {
            constexpr Eigen::Index batch = 64;
            constexpr int batches = 16;
            Eigen::ArrayXXd sequential(batch * batches, 5);
            for (int b = 0; b < batches; ++b)
                design.fill(static_cast<std::uint64_t>(b), static_cast<std::uint64_t>(b * batch),
                            sequential.middleRows(b * batch, batch));
            Eigen::ArrayXXd parallel(batch * batches, 5);
            std::vector<std::thread> threads;
            for (int t = 0; t < 4; ++t)
                threads.emplace_back([&, t] {
                    // Thread t takes batches t, t + 4, ... in reverse order.
                    for (int b = batches - 4 + t; b >= 0; b -= 4)
                        design.fill(static_cast<std::uint64_t>(b), static_cast<std::uint64_t>(b * batch),
                                    parallel.middleRows(b * batch, batch));
                });
            for (auto& th : threads) th.join();
            CHECK(same_bits(sequential, parallel));
        }
    }
}

TEST_CASE("sampling: Monte Carlo uniforms") {
    constexpr Eigen::Index n = 100000;
    const Eigen::ArrayXXd u = credroi::UniformDesign(Sampler::monte_carlo, 42, 3).generate(0, 0, n);
    CHECK(u.minCoeff() > 0.0);
    CHECK(u.maxCoeff() < 1.0);
    // Mean of n uniforms: sd sqrt(1/12/n) = 0.000913; 4 sd = 0.00365.
    // Variance: sd of the sample variance ~ sqrt((1/80 - 1/144)/n) = 0.000236; 4 sd = 0.00095.
    for (Eigen::Index j = 0; j < 3; ++j) {
        const double mean = u.col(j).mean();
        const double var = (u.col(j) - mean).square().mean();
        CHECK(std::fabs(mean - 0.5) < 0.00365);
        CHECK(std::fabs(var - 1.0 / 12.0) < 0.00095);
    }
    // Independent columns: Spearman correlation ~ N(0, 1/(n-1)); 4 sd = 0.0126.
    CHECK(std::fabs(credroi::spearman(u.col(0), u.col(1))) < 0.0126);
}

TEST_CASE("sampling: stream ids give common random numbers") {
    // Design A has inputs (x, y), design B has (z, y, x): with ids from the
    // paths, x and y get the same uniforms in both, whatever their column.
    const std::uint64_t x = credroi::stream_id("costs.x"), y = credroi::stream_id("benefits.y"),
                        z = credroi::stream_id("costs.z");
    // FNV-1a 64 of "a" is 0xaf63dc4c8601ec8c (the published test vector of
    // Fowler, Noll and Vo).
    CHECK(credroi::stream_id("a") == 0xaf63dc4c8601ec8cULL);
    CHECK(x != y);
    for (const Sampler s : {Sampler::monte_carlo, Sampler::latin_hypercube}) {
        CAPTURE(credroi::to_string(s));
        const Eigen::ArrayXXd a = credroi::UniformDesign(s, 7, std::vector<std::uint64_t>{x, y}).generate(2, 0, 64);
        const Eigen::ArrayXXd b = credroi::UniformDesign(s, 7, std::vector<std::uint64_t>{z, y, x}).generate(2, 0, 64);
        CHECK((a.col(0) == b.col(2)).all());
        CHECK((a.col(1) == b.col(1)).all());
        CHECK(!(b.col(0) == b.col(2)).all());
        // Ids 0..d-1 reproduce the plain design bit for bit.
        const Eigen::ArrayXXd plain = credroi::UniformDesign(s, 7, 2).generate(2, 0, 64);
        CHECK((credroi::UniformDesign(s, 7, std::vector<std::uint64_t>{0, 1}).generate(2, 0, 64) == plain).all());
    }
    CHECK_THROWS_AS(credroi::UniformDesign(Sampler::monte_carlo, 7, std::vector<std::uint64_t>{x, x}),
                    credroi::ParameterError);
}

TEST_CASE("sampling: Latin hypercube puts one point in each stratum") {
    for (Eigen::Index n : {Eigen::Index{1}, Eigen::Index{2}, Eigen::Index{7}, Eigen::Index{1000}, Eigen::Index{4096}}) {
        CAPTURE(n);
        const credroi::UniformDesign design(Sampler::latin_hypercube, 99, 4);
        for (std::uint64_t batch : {0u, 1u, 17u}) {
            const Eigen::ArrayXXd u = design.generate(batch, batch * static_cast<std::uint64_t>(n), n);
            for (Eigen::Index j = 0; j < 4; ++j) {
                CHECK(one_per_stratum(u.col(j)));
                // sum_k (k + jitter_k) / n over k = 0..n-1, so the mean is
                // (n - 1) / (2n) + mean(jitter) / n, within 1/(2n) of 1/2.
                CHECK(std::fabs(u.col(j).mean() - 0.5) <= 0.5 / static_cast<double>(n));
            }
            if (n >= 7) CHECK((u.col(0) != u.col(1)).any());  // columns shuffled independently
        }
    }
    SUBCASE("the shuffle is not the identity") {
        const Eigen::ArrayXXd u = credroi::UniformDesign(Sampler::latin_hypercube, 5, 1).generate(0, 0, 1000);
        int in_order = 0;
        for (Eigen::Index r = 0; r < 1000; ++r) in_order += static_cast<int>(u(r, 0) * 1000.0) == r;
        CHECK(in_order < 10);  // a random permutation has 1 fixed point on average
    }
}

TEST_CASE("sampling: unscrambled Sobol' matches the published sequence and Boost") {
    using credroi::detail::ScrambledSobol;
    using credroi::detail::sobol_integer;
    SUBCASE("natural order, first two dimensions") {
        // x_i in dimension 1 is the van der Corput sequence: 0, 1/2, 1/4, 3/4, 1/8.
        // Dimension 2 (m = 1, 3, 5, ...): 0, 1/2, 3/4, 1/4, 5/8. Joe and Kuo (2008).
        const double d1[] = {0.0, 0.5, 0.25, 0.75, 0.125};
        const double d2[] = {0.0, 0.5, 0.75, 0.25, 0.625};
        for (std::uint64_t i = 0; i < 5; ++i) {
            CHECK(static_cast<double>(sobol_integer(i, 0)) * 0x1p-64 == d1[i]);
            CHECK(static_cast<double>(sobol_integer(i, 1)) * 0x1p-64 == d2[i]);
        }
    }
    SUBCASE("Gray-code order as in Boost's documentation") {
        // boost/random/sobol.hpp: "0.5, 0.5, 0.75, 0.25, 0.25, 0.75, 0.375, 0.375,
        // 0.875, 0.875", the points after the origin in Gray-code order.
        const ScrambledSobol plain(0, 2, false);
        const double expected[][2] = {{0.0, 0.0},   {0.5, 0.5},     {0.75, 0.25},
                                      {0.25, 0.75}, {0.375, 0.375}, {0.875, 0.875}};
        for (std::uint64_t i = 0; i < 6; ++i)
            for (std::size_t d = 0; d < 2; ++d)
                CHECK(static_cast<double>(plain.gray_point(i, d)) * 0x1p-64 == expected[i][d]);
        // The doubles written are cell centres: 0.5 becomes 0.5 + 2^-53.
        double out[6];
        plain.fill(0, 1, out, 6);
        CHECK(out[0] == 0x1p-53);
        CHECK(out[1] == 0.5 + 0x1p-53);
        CHECK(out[2] == 0.25 + 0x1p-53);
    }
    SUBCASE("bit for bit equal to boost::random::sobol in 64 bits") {
        constexpr std::size_t dims = 40;
        const ScrambledSobol plain(0, dims, false);
        boost::random::sobol engine(dims);  // 64-bit words; skips the origin
        for (std::uint64_t i = 1; i <= 2000; ++i)
            for (std::size_t d = 0; d < dims; ++d) {
                const std::uint64_t b = engine();
                if (plain.gray_point(i, d) != b) {
                    FAIL_CHECK("point " << i << " dimension " << d);
                    return;
                }
            }
        // The last dimension of the table, after a skip-ahead.
        const std::size_t last = credroi::detail::sobol_max_dimensions - 1;
        boost::random::sobol wide(last + 1);
        wide.discard(static_cast<boost::uintmax_t>(999) * (last + 1));  // points 1..999
        const ScrambledSobol plain_wide(0, last + 1, false);
        for (std::size_t d = 0; d < last + 1; ++d) {
            const std::uint64_t b = wide();
            if (d == last) CHECK(plain_wide.gray_point(1000, d) == b);
        }
    }
}

TEST_CASE("sampling: scrambled Sobol'") {
    const credroi::UniformDesign design(Sampler::sobol, 12345, 8);
    SUBCASE("batches tile one sequence") {
        const Eigen::ArrayXXd whole = design.generate(0, 0, 300);
        Eigen::ArrayXXd tiled(300, 8);
        for (int b = 0; b < 3; ++b)
            design.fill(static_cast<std::uint64_t>(b), static_cast<std::uint64_t>(100 * b),
                        tiled.middleRows(100 * b, 100));
        CHECK(same_bits(whole, tiled));
        // The batch index plays no part: the point index is first_trial + r.
        CHECK(same_bits(design.generate(7, 100, 50), whole.middleRows(100, 50)));
    }
    SUBCASE("each aligned block of 2^m points is a (0, m, 2)-net in the first two dimensions") {
        // The first two Sobol' coordinates have t = 0, and the linear scramble
        // with digital shift preserves nets: every box [a 2^-k, (a+1) 2^-k) x
        // [b 2^-(m-k), (b+1) 2^-(m-k)) holds exactly one point. An upper
        // triangular (wrong) scramble or a wrong direction number breaks this.
        constexpr int m = 10;
        constexpr Eigen::Index n = Eigen::Index{1} << m;
        for (std::uint64_t first : {std::uint64_t{0}, std::uint64_t{n}, std::uint64_t{5 * n}}) {
            const Eigen::ArrayXXd u = design.generate(0, first, n);
            for (int k = 0; k <= m; ++k) {
                std::set<std::pair<long, long>> boxes;
                for (Eigen::Index r = 0; r < n; ++r)
                    boxes.emplace(static_cast<long>(std::ldexp(u(r, 0), k)),
                                  static_cast<long>(std::ldexp(u(r, 1), m - k)));
                CHECK(boxes.size() == static_cast<std::size_t>(n));
            }
            // Every one-dimensional projection is stratified like a Latin hypercube.
            for (Eigen::Index j = 0; j < 8; ++j) CHECK(one_per_stratum(u.col(j)));
        }
    }
    SUBCASE("the scramble depends on the seed and changes the points") {
        const Eigen::ArrayXXd a = design.generate(0, 0, 64);
        CHECK(!same_bits(a, credroi::UniformDesign(Sampler::sobol, 12346, 8).generate(0, 0, 64)));
        const credroi::detail::ScrambledSobol plain(0, 8, false);
        Eigen::ArrayXd unscrambled(64);
        plain.fill(0, 3, unscrambled.data(), 64);
        CHECK((a.col(3) != unscrambled).any());
        CHECK(a.minCoeff() > 0.0);
        CHECK(a.maxCoeff() < 1.0);
    }
    SUBCASE("integrates a smooth function far better than Monte Carlo") {
        // f(u) = prod_j (1 + (u_j - 1/2)), exact integral 1. Monte Carlo with
        // n = 4096 has sd sqrt((13/12)^8 - 1) / 64 = 0.0148; randomised QMC
        // errors here are O(n^-1.5 log n), about 1e-5.
        constexpr Eigen::Index n = 4096;
        const Eigen::ArrayXXd u = design.generate(0, 0, n);
        const double estimate = (1.0 + (u - 0.5)).rowwise().prod().mean();
        CHECK(std::fabs(estimate - 1.0) < 1e-3);
    }
}

TEST_CASE("sampling: uniform design preconditions") {
    CHECK_THROWS_AS(credroi::UniformDesign(Sampler::monte_carlo, 1, -1), ParameterError);
    CHECK(path_of([] { credroi::UniformDesign(Sampler::monte_carlo, 1, -1); }) == "dimensions");
    CHECK_THROWS_AS(credroi::UniformDesign(Sampler::sobol, 1, credroi::sobol_max_dimensions + 1), ParameterError);
    CHECK(path_of([] { credroi::UniformDesign(Sampler::sobol, 1, 3668); }) == "dimensions");
    CHECK_NOTHROW(credroi::UniformDesign(Sampler::monte_carlo, 1, 5000));

    const credroi::UniformDesign mc(Sampler::monte_carlo, 1, 3);
    Eigen::ArrayXXd wrong(10, 2);
    CHECK_THROWS_AS(mc.fill(0, 0, wrong), ParameterError);
    CHECK(path_of([&] { mc.fill(0, 0, wrong); }) == "out");
    CHECK_THROWS_AS(mc.generate(0, 0, -1), ParameterError);
    CHECK(path_of([&] { mc.generate(0, 0, -1); }) == "trials");

    const credroi::UniformDesign sobol(Sampler::sobol, 1, 2);
    Eigen::ArrayXXd out(10, 2);
    const std::uint64_t top = std::numeric_limits<std::uint64_t>::max();
    CHECK_THROWS_AS(sobol.fill(0, top - 8, out), ParameterError);  // last index would be 2^64
    CHECK(path_of([&] { sobol.fill(0, top - 8, out); }) == "first_trial");
    CHECK_NOTHROW(sobol.fill(0, top - 9, out));  // last index 2^64 - 1

    // More than 2^32 - 1 rows for LHS: with zero columns no memory is touched.
    const credroi::UniformDesign lhs0(Sampler::latin_hypercube, 1, 0);
    double dummy = 0.0;
    Eigen::Map<Eigen::ArrayXXd> huge(&dummy, Eigen::Index{1} << 32, 0);
    CHECK_THROWS_AS(lhs0.fill(0, 0, huge), ParameterError);
    CHECK(path_of([&] { lhs0.fill(0, 0, huge); }) == "out");

    // Zero rows or zero columns are fine and write nothing.
    Eigen::ArrayXXd empty(0, 3);
    CHECK_NOTHROW(credroi::UniformDesign(Sampler::latin_hypercube, 1, 3).fill(0, 0, empty));
}

TEST_CASE("sampling: ranks and Spearman correlation") {
    SUBCASE("average ranks for ties") {
        Eigen::ArrayXd x(4);
        x << 10, 20, 20, 5;
        const Eigen::ArrayXd r = credroi::ranks(x);
        CHECK(r[0] == 2.0);
        CHECK(r[1] == 3.5);
        CHECK(r[2] == 3.5);
        CHECK(r[3] == 1.0);
    }
    SUBCASE("hand-checked value") {
        // x ranks 1..5, y = {5, 6, 7, 8, 7} ranks {1, 2, 3.5, 5, 3.5}.
        // Centred: dx = {-2, -1, 0, 1, 2}, dy = {-2, -1, 0.5, 2, 0.5}.
        // sum dx dy = 4 + 1 + 0 + 2 + 1 = 8; sum dx^2 = 10; sum dy^2 = 9.5.
        // rho = 8 / sqrt(95) = 0.820782681668123.
        Eigen::ArrayXd x(5), y(5);
        x << 1, 2, 3, 4, 5;
        y << 5, 6, 7, 8, 7;
        CHECK(credroi::spearman(x, y) == doctest::Approx(0.820782681668123).epsilon(1e-14));
        CHECK(credroi::spearman(x, -y) == doctest::Approx(-0.820782681668123).epsilon(1e-14));
        CHECK(credroi::spearman(x, x.exp()) == 1.0);  // any increasing map
        CHECK(credroi::spearman(x, -x) == -1.0);
    }
    SUBCASE("errors") {
        Eigen::ArrayXd x(3), y(2), flat(3), bad(3);
        x << 1, 2, 3;
        y << 1, 2;
        flat << 4, 4, 4;
        bad << 1, std::nan(""), 3;
        CHECK_THROWS_AS(credroi::spearman(x, y), ParameterError);
        CHECK(path_of([&] { credroi::spearman(x, y); }) == "y");
        CHECK_THROWS_AS(credroi::spearman(x.head(1), x.head(1)), ParameterError);
        CHECK(path_of([&] { credroi::spearman(x.head(1), x.head(1)); }) == "x");
        CHECK_THROWS_AS(credroi::spearman(flat, x), NumericError);
        CHECK_THROWS_AS(credroi::spearman(x, flat), NumericError);
        CHECK(path_of([&] { credroi::spearman(bad, x); }) == "x");
        CHECK(path_of([&] { credroi::spearman(x, bad); }) == "y");
        CHECK_THROWS_AS(credroi::ranks(bad), ParameterError);
    }
}

TEST_CASE("sampling: Spearman to Pearson conversion") {
    // 2 sin(pi * 0.5 / 6) = 2 sin(pi / 12) = 2 * 0.25881904510252076 = 0.5176380902050415.
    CHECK(credroi::pearson_from_spearman(0.5) == doctest::Approx(0.5176380902050415).epsilon(1e-15));
    CHECK(credroi::pearson_from_spearman(1.0) == doctest::Approx(1.0).epsilon(1e-15));
    CHECK(credroi::pearson_from_spearman(-1.0) == doctest::Approx(-1.0).epsilon(1e-15));
    CHECK(credroi::pearson_from_spearman(0.0) == 0.0);
    for (double s : {-0.9, -0.3, 0.2, 0.57, 0.99})
        CHECK(credroi::spearman_from_pearson(credroi::pearson_from_spearman(s)) == doctest::Approx(s).epsilon(1e-14));
    CHECK_THROWS_AS(credroi::pearson_from_spearman(1.01), ParameterError);
    CHECK(path_of([] { credroi::pearson_from_spearman(std::nan("")); }) == "rho_s");
    CHECK_THROWS_AS(credroi::spearman_from_pearson(-1.5), ParameterError);
    CHECK(path_of([] { credroi::spearman_from_pearson(-1.5); }) == "rho");
}

TEST_CASE("sampling: correlation matrices are validated with names") {
    const std::vector<std::string> names{"attrition", "salary", "uptake"};
    Eigen::MatrixXd good(3, 3);
    good << 1, 0.3, -0.2, 0.3, 1, 0.1, -0.2, 0.1, 1;
    CHECK_NOTHROW(credroi::validate_correlation_matrix(good, names));

    Eigen::MatrixXd m = good;
    m(0, 1) = m(1, 0) = 1.2;
    CHECK_THROWS_AS(credroi::validate_correlation_matrix(m, names), ParameterError);
    CHECK(path_of([&] { credroi::validate_correlation_matrix(m, names); }) == "correlations[attrition, salary]");
    CHECK(message_of([&] { credroi::validate_correlation_matrix(m, names); }) ==
          "correlations[attrition, salary]: expected a correlation in [-1, 1], found 1.2");
    CHECK(path_of([&] { credroi::validate_correlation_matrix(m); }) == "correlations[0, 1]");
    CHECK(path_of([&] { credroi::validate_correlation_matrix(m, names, "inputs.rank"); }) ==
          "inputs.rank[attrition, salary]");

    m = good;
    m(2, 1) = 0.15;  // asymmetric; reported at the lower entry
    CHECK(path_of([&] { credroi::validate_correlation_matrix(m, names); }) == "correlations[uptake, salary]");
    CHECK(message_of([&] {
              credroi::validate_correlation_matrix(m, names);
          }).find("correlations[salary, uptake] = 0.1") != std::string::npos);
    m(2, 1) = 0.1 + 1e-13;  // within 1e-12
    CHECK_NOTHROW(credroi::validate_correlation_matrix(m, names));

    m = good;
    m(1, 1) = 0.99;
    CHECK(path_of([&] { credroi::validate_correlation_matrix(m, names); }) == "correlations[salary, salary]");
    m = good;
    m(2, 0) = m(0, 2) = std::nan("");
    CHECK(path_of([&] { credroi::validate_correlation_matrix(m, names); }) == "correlations[attrition, uptake]");

    CHECK(path_of([] { credroi::validate_correlation_matrix(Eigen::MatrixXd::Identity(2, 3)); }) == "correlations");
    CHECK(path_of([] { credroi::validate_correlation_matrix(Eigen::MatrixXd(0, 0)); }) == "correlations");
    CHECK(path_of([&] { credroi::validate_correlation_matrix(good, {"a", "b"}); }) == "names");
    CHECK_THROWS_AS(credroi::RankCorrelation(Eigen::MatrixXd::Identity(2, 3)), ParameterError);
}

TEST_CASE("sampling: nearest correlation matrix (Higham 2002)") {
    SUBCASE("Higham's example") {
        // Higham (2002), section 4: the nearest correlation matrix to
        // [[1, 1, 0], [1, 1, 1], [0, 1, 1]] is
        // [[1, 0.7607, 0.1573], [0.7607, 1, 0.7607], [0.1573, 0.7607, 1]].
        Eigen::MatrixXd a(3, 3);
        a << 1, 1, 0, 1, 1, 1, 0, 1, 1;
        const credroi::CorrelationRepair r = credroi::repair_correlation(a);
        CHECK(r.repaired);
        CHECK(r.iterations > 0);
        CHECK(r.matrix(0, 1) == doctest::Approx(0.7607).epsilon(1e-4));
        CHECK(r.matrix(1, 2) == doctest::Approx(0.7607).epsilon(1e-4));
        CHECK(r.matrix(0, 2) == doctest::Approx(0.1573).epsilon(1e-3));
        CHECK(r.matrix.diagonal().isOnes(0.0));
        CHECK((r.matrix - r.matrix.transpose()).cwiseAbs().maxCoeff() == 0.0);
        // Largest change: 1 -> 0.7607 at (0, 1) and (1, 2) alike (the problem
        // is symmetric under reversing the order), |change| = 0.2393.
        CHECK(r.max_abs_change == doctest::Approx(1.0 - r.matrix(0, 1)).epsilon(1e-12));
        CHECK(r.max_abs_change == doctest::Approx(0.2393).epsilon(1e-3));
        CHECK(r.col == r.row + 1);
        CHECK(r.row <= 1);
        Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(r.matrix);
        CHECK(es.eigenvalues().minCoeff() > 0.0);
        // The iterates converge: a tighter tolerance moves the answer by less than 1e-8.
        credroi::NearestCorrelationOptions tight;
        tight.tolerance = 1e-14;
        CHECK((credroi::nearest_correlation(a, tight).matrix - r.matrix).cwiseAbs().maxCoeff() < 1e-8);
    }
    SUBCASE("positive definite input is left alone") {
        Eigen::MatrixXd a(2, 2);
        a << 1, 0.5, 0.5, 1;
        const auto r = credroi::repair_correlation(a);
        CHECK(!r.repaired);
        CHECK(r.max_abs_change == 0.0);
        CHECK(r.iterations == 0);
        CHECK(r.matrix == a);
        // nearest_correlation itself returns (almost) the same matrix.
        CHECK(credroi::nearest_correlation(a).max_abs_change < 1e-9);
    }
    SUBCASE("a singular matrix is nudged by about the eigenvalue floor") {
        Eigen::MatrixXd a(2, 2);
        a << 1, 1, 1, 1;  // eigenvalues 0 and 2; Cholesky fails on the zero pivot
        const auto r = credroi::repair_correlation(a);
        CHECK(r.repaired);
        CHECK(r.max_abs_change > 0.0);
        CHECK(r.max_abs_change < 1e-7);
        CHECK(Eigen::LLT<Eigen::MatrixXd>(r.matrix).info() == Eigen::Success);
    }
    SUBCASE("errors") {
        Eigen::MatrixXd a(2, 2);
        a << 1, 0.5, 0.4, 1;
        CHECK_THROWS_AS(credroi::nearest_correlation(a), ParameterError);
        CHECK(path_of([&] { credroi::nearest_correlation(a); }) == "matrix");
        CHECK(path_of([&] { credroi::repair_correlation(a); }) == "matrix");
        CHECK(path_of([] { credroi::nearest_correlation(Eigen::MatrixXd::Ones(2, 3)); }) == "matrix");
        CHECK(path_of([] { credroi::repair_correlation(Eigen::MatrixXd::Ones(2, 3)); }) == "matrix");
        a(1, 0) = a(0, 1) = std::numeric_limits<double>::infinity();
        CHECK(path_of([&] { credroi::nearest_correlation(a); }) == "matrix");
        CHECK(path_of([&] { credroi::repair_correlation(a); }) == "matrix");
        Eigen::MatrixXd h(3, 3);
        h << 1, 1, 0, 1, 1, 1, 0, 1, 1;
        credroi::NearestCorrelationOptions o;
        o.max_iterations = 2;
        CHECK_THROWS_AS(credroi::nearest_correlation(h, o), NumericError);
        o = {};
        o.eigenvalue_floor = -1e-3;
        CHECK(path_of([&] { credroi::nearest_correlation(h, o); }) == "eigenvalue_floor");
        o = {};
        o.tolerance = 0.0;
        CHECK(path_of([&] { credroi::nearest_correlation(h, o); }) == "tolerance");
        o = {};
        o.max_iterations = 0;
        CHECK(path_of([&] { credroi::nearest_correlation(h, o); }) == "max_iterations");
    }
}

TEST_CASE("sampling: the Gaussian copula reaches the target rank correlations") {
    const std::vector<std::string> names{"attrition", "salary", "uptake"};
    constexpr Eigen::Index n = 100000;
    // For independent columns the sample Spearman correlation has variance
    // exactly 1/(n - 1); for correlated normals it is smaller. So the standard
    // error is at most about 1/sqrt(n - 1) = 0.00316, and 4 SE = 0.0126.
    const double tolerance = 4.0 / std::sqrt(static_cast<double>(n - 1));

    SUBCASE("positive definite target") {
        Eigen::MatrixXd s(3, 3);
        s << 1, 0.7, -0.3, 0.7, 1, 0.2, -0.3, 0.2, 1;
        const credroi::RankCorrelation rc(s, names);
        CHECK(!rc.repaired());
        CHECK(rc.repair_message().empty());
        CHECK(rc.dimension() == 3);
        CHECK(rc.normal_correlation()(0, 1) ==
              doctest::Approx(2.0 * std::sin(3.14159265358979323846 * 0.7 / 6.0)).epsilon(1e-15));
        const Eigen::MatrixXd l = rc.cholesky_factor();
        CHECK((l * l.transpose() - rc.normal_correlation()).cwiseAbs().maxCoeff() < 1e-14);
        CHECK((rc.spearman_achieved() - s).cwiseAbs().maxCoeff() < 1e-14);

        Eigen::ArrayXXd u = credroi::UniformDesign(Sampler::monte_carlo, 7, 3).generate(0, 0, n);
        rc.apply(u);
        for (Eigen::Index i = 0; i < 3; ++i) {
            for (Eigen::Index j = i + 1; j < 3; ++j) {
                CAPTURE(i);
                CAPTURE(j);
                CHECK(std::fabs(credroi::spearman(u.col(i), u.col(j)) - s(i, j)) < tolerance);
            }
            // Marginals stay uniform: mean within 4 sd = 4 sqrt(1/12/n) = 0.00365.
            CHECK(std::fabs(u.col(i).mean() - 0.5) < 0.00365);
            CHECK(u.col(i).minCoeff() > 0.0);
            CHECK(u.col(i).maxCoeff() < 1.0);
        }
    }
    SUBCASE("selected columns of a wider design; the others keep their strata") {
        Eigen::MatrixXd s(2, 2);
        s << 1, -0.6, -0.6, 1;
        const credroi::RankCorrelation rc(s, {"a", "b"});
        Eigen::ArrayXXd u = credroi::UniformDesign(Sampler::latin_hypercube, 3, 4).generate(0, 0, n);
        const Eigen::ArrayXXd before = u;
        rc.apply(u, {3, 1});
        CHECK(same_bits(u.col(0), before.col(0)));
        CHECK(same_bits(u.col(2), before.col(2)));
        CHECK(one_per_stratum(u.col(0)));
        CHECK(std::fabs(credroi::spearman(u.col(3), u.col(1)) - (-0.6)) < tolerance);
        // Column 3 is input 0, so it is Phi(Phi^-1(u)) = u up to rounding.
        CHECK((u.col(3) - before.col(3)).abs().maxCoeff() < 1e-12);
    }
    SUBCASE("a target that is not positive definite is repaired and reported") {
        // P = 2 sin(pi S / 6) = [[1, .908, .908], [.908, 1, -.518], [.908, -.518, 1]]
        // has determinant 1 - 2(.908^2)(.518) - 2(.908^2) - .518^2 < 0.
        Eigen::MatrixXd s(3, 3);
        s << 1, 0.9, 0.9, 0.9, 1, -0.5, 0.9, -0.5, 1;
        const credroi::RankCorrelation rc(s, names);
        CHECK(rc.repaired());
        CHECK(rc.repair().max_abs_change > 0.05);
        CHECK(rc.max_abs_change_spearman() > 0.05);
        const Eigen::MatrixXd achieved = rc.spearman_achieved();
        CHECK((achieved - s).cwiseAbs().maxCoeff() == doctest::Approx(rc.max_abs_change_spearman()).epsilon(1e-12));
        const auto entry = rc.max_change_entry();
        CHECK(std::fabs(achieved(entry.first, entry.second) - s(entry.first, entry.second)) ==
              doctest::Approx(rc.max_abs_change_spearman()).epsilon(1e-12));
        const std::string message = rc.repair_message();
        CHECK(message.find("correlations: not positive definite") == 0);
        CHECK(message.find("correlations[") != std::string::npos);
        CHECK((message.find("attrition") != std::string::npos || message.find("uptake") != std::string::npos));

        Eigen::ArrayXXd u = credroi::UniformDesign(Sampler::monte_carlo, 11, 3).generate(0, 0, n);
        rc.apply(u);
        for (Eigen::Index i = 0; i < 3; ++i)
            for (Eigen::Index j = i + 1; j < 3; ++j)
                CHECK(std::fabs(credroi::spearman(u.col(i), u.col(j)) - achieved(i, j)) < tolerance);
    }
    SUBCASE("apply preconditions") {
        Eigen::MatrixXd s(2, 2);
        s << 1, 0.5, 0.5, 1;
        const credroi::RankCorrelation rc(s);
        Eigen::ArrayXXd u = Eigen::ArrayXXd::Constant(4, 3, 0.5);
        CHECK_THROWS_AS(rc.apply(u), ParameterError);
        CHECK(path_of([&] { rc.apply(u); }) == "u");
        CHECK(path_of([&] { rc.apply(u, {0}); }) == "columns");
        CHECK(path_of([&] { rc.apply(u, {0, 3}); }) == "columns");
        CHECK(path_of([&] { rc.apply(u, {-1, 0}); }) == "columns");
        CHECK(path_of([&] { rc.apply(u, {1, 1}); }) == "columns");
        u(2, 1) = 1.0;
        CHECK_THROWS_AS(rc.apply(u, {0, 1}), ParameterError);
        CHECK(path_of([&] { rc.apply(u, {0, 1}); }) == "u");
        CHECK(path_of([] { credroi::RankCorrelation(Eigen::MatrixXd::Identity(2, 2), {"only one"}); }) == "names");
    }
}

TEST_CASE("sampling: normal quantile (AS 241) agrees with Boost.Math") {
    using credroi::detail::normal_cdf;
    using credroi::detail::normal_quantile;
    const boost::math::normal_distribution<double> normal;
    double worst = 0.0;
    // p from 1e-300 to 1/2 (log-spaced) and the mirror images 1 - p.
    for (int i = 0; i <= 3000; ++i) {
        const double p = std::pow(10.0, -300.0 + 300.0 * i / 3000.0) * 0.5;
        for (double q : {p, 1.0 - p}) {
            if (!(q > 0.0 && q < 1.0)) continue;
            const double expected = boost::math::quantile(normal, q);
            const double got = normal_quantile(q);
            const double err = expected == 0.0 ? std::fabs(got) : std::fabs(got / expected - 1.0);
            worst = std::max(worst, err);
        }
    }
    CAPTURE(worst);
    CHECK(worst < 1e-14);  // Wichura quotes about 1e-16
    CHECK(normal_quantile(0.5) == 0.0);
    CHECK(normal_quantile(0.975) == doctest::Approx(1.959963984540054).epsilon(1e-15));
    CHECK(normal_cdf(1.959963984540054) == doctest::Approx(0.975).epsilon(1e-15));
    CHECK(normal_cdf(-8.0) == doctest::Approx(6.22096057427178e-16).epsilon(1e-13));  // Phi(-8)
    for (double p : {0x1p-53, 1e-10, 0.02, 0.3, 0.7, 0.999})
        CHECK(normal_cdf(normal_quantile(p)) == doctest::Approx(p).epsilon(1e-13));
}
