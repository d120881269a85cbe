#pragma once
// Sobol' sequence: 64-bit direction numbers from the Joe-Kuo tables that ship
// with Boost.Random, a random linear matrix scramble with digital shift, and
// Gray-code stepping. Boost's own engine is not used for generation because it
// skips the origin (point 0), which breaks the balance of the first 2^m points
// (Owen, "On dropping the first Sobol' point", 2022), and it cannot scramble.
#include <credroi/detail/random.hpp>

#include <boost/random/detail/sobol_table.hpp>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace credroi::detail {

/// Number of direction numbers per dimension: one per bit of the 64-bit
/// integer coordinate, enough for 2^64 - 1 points.
inline constexpr int sobol_bits = 64;

/// Dimensions available from the table: 3667 (Joe and Kuo, "Constructing Sobol
/// sequences with better two-dimensional projections", SIAM J. Sci. Comput. 30,
/// 2635-2654, 2008; file new-joe-kuo-6.21201, cut at 3667 by Boost).
inline constexpr std::size_t sobol_max_dimensions = boost::random::detail::qrng_tables::sobol::max_dimension;

/// Writes the 64 direction numbers of dimension `dim` (0-based) to v[0..63]:
/// v[k] = m_{k+1} * 2^(63-k), so the coordinate of point i is the XOR of the
/// v[k] for the bits k set in i (natural order) or in gray(i) (Gray-code
/// order), read as a binary fraction of 64 bits. The recurrence is the
/// Bratley-Fox one (ACM TOMS 14, 88-100, 1988), as in Boost's sobol_lattice,
/// whose outputs the tests compare against.
inline void sobol_directions(std::size_t dim, std::uint64_t* v) {
    using table = boost::random::detail::qrng_tables::sobol;
    std::uint64_t m[sobol_bits];
    if (dim == 0) {
        // First coordinate: van der Corput sequence, all m_k = 1.
        for (int k = 0; k < sobol_bits; ++k) m[k] = 1;
    } else {
        const std::uint64_t poly = table::polynomial(dim - 1);
        int degree = 0;
        while ((poly >> (degree + 1)) != 0) ++degree;  // integer log2
        for (int k = 0; k < degree; ++k) m[k] = table::minit(dim - 1, static_cast<std::size_t>(k));
        for (int j = degree; j < sobol_bits; ++j) {
            std::uint64_t p = poly;
            std::uint64_t mj = m[j - degree];
            for (int k = 0; k < degree; ++k, p >>= 1) {
                const int shift = degree - k;
                if (p & 1u) mj ^= m[j - shift] << shift;
            }
            m[j] = mj;
        }
    }
    for (int k = 0; k < sobol_bits; ++k) v[k] = m[k] << (sobol_bits - 1 - k);
}

/// Unscrambled 64-bit integer coordinate of point `index` (natural order;
/// index 0 is the origin) in dimension `dim`. Slow (recomputes the
/// directions); for tests and documentation.
inline std::uint64_t sobol_integer(std::uint64_t index, std::size_t dim) {
    std::uint64_t v[sobol_bits];
    sobol_directions(dim, v);
    std::uint64_t x = 0;
    for (int k = 0; index != 0; ++k, index >>= 1)
        if (index & 1u) x ^= v[k];
    return x;
}

/// Scrambled direction numbers and shifts for `dimensions` coordinates.
///
/// Scramble: Matousek's random linear scramble with digital shift
/// ("On the L2-discrepancy for anchored boxes", J. Complexity 14, 1998):
/// x' = L x XOR e over the binary digits of x, with L a random lower
/// triangular 64 x 64 matrix over GF(2) with unit diagonal and e a random
/// 64-bit shift. L is nonsingular and lower triangular, so every elementary
/// interval of the unscrambled net maps onto an elementary interval of the same
/// shape: the (t, m, s)-net and (t, s)-sequence properties survive. The shift
/// makes every point uniformly distributed, so estimates are unbiased. Because
/// x = XOR of direction numbers and L is linear, scrambling the direction
/// numbers once, v'_k = L v_k, scrambles every point at no cost per point.
/// L and e depend on (seed, dimension) only, so all batches share one
/// scrambled sequence.
struct ScrambledSobol {
    std::vector<std::uint64_t> directions;  ///< dimensions x 64, row = dimension
    std::vector<std::uint64_t> shifts;      ///< one digital shift per dimension

    ScrambledSobol() = default;
    ScrambledSobol(std::uint64_t seed, std::size_t dimensions, bool scramble)
        : directions(dimensions * sobol_bits), shifts(dimensions, 0) {
        for (std::size_t d = 0; d < dimensions; ++d) {
            std::uint64_t* v = directions.data() + d * sobol_bits;
            sobol_directions(d, v);
            if (!scramble) continue;
            Xoshiro256pp rng(stream_key(seed, StreamDomain::sobol_scramble, d, 0));
            // Column b of L (input bit b, 63 = most significant digit): bit b
            // itself plus random bits below it, i.e. output digits that come
            // after input digit b. Lower triangular with unit diagonal.
            std::uint64_t column[sobol_bits];
            for (int b = 0; b < sobol_bits; ++b) {
                const std::uint64_t below = b == 0 ? 0 : (std::uint64_t{1} << b) - 1;
                column[b] = (std::uint64_t{1} << b) | (rng() & below);
            }
            for (int k = 0; k < sobol_bits; ++k) {
                std::uint64_t in = v[k];
                std::uint64_t out = 0;
                while (in != 0) {
                    const int b = count_trailing_zeros(in);
                    out ^= column[b];
                    in &= in - 1;
                }
                v[k] = out;
            }
            shifts[d] = rng();
        }
    }

    /// Integer coordinate of point `index` in Gray-code order in dimension d:
    /// shift XOR the directions of the bits set in gray(index) = index ^ (index >> 1).
    std::uint64_t gray_point(std::uint64_t index, std::size_t d) const noexcept {
        const std::uint64_t* v = directions.data() + d * sobol_bits;
        std::uint64_t gray = index ^ (index >> 1);
        std::uint64_t x = shifts[d];
        for (int k = 0; gray != 0; ++k, gray >>= 1)
            if (gray & 1u) x ^= v[k];
        return x;
    }

    /// Fills out[0..n) with dimension d of points first, first+1, ... in
    /// Gray-code order: going from point i-1 to i flips the direction number
    /// of the lowest set bit of i, one XOR per value.
    void fill(std::uint64_t first, std::size_t d, double* out, std::size_t n) const noexcept {
        if (n == 0) return;
        const std::uint64_t* v = directions.data() + d * sobol_bits;
        std::uint64_t x = gray_point(first, d);
        out[0] = unit_open(x);
        std::uint64_t i = first;
        for (std::size_t r = 1; r < n; ++r) {
            ++i;
            x ^= v[count_trailing_zeros(i)];
            out[r] = unit_open(x);
        }
    }
};

}  // namespace credroi::detail
