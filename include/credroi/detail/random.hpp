#pragma once
// Small, fast pseudo-random generators for the samplers: SplitMix64 (seeding and
// hashing) and xoshiro256++ (the bulk generator), both by Blackman and Vigna,
// transcribed from the public-domain reference code at https://prng.di.unimi.it/
// (splitmix64.c, xoshiro256plusplus.c). They are written out here rather than
// taken from <random> because the standard engines' outputs are not tied to one
// algorithm across library versions, and bit-identical results across machines
// and thread counts are a promise credroi makes.
#include <cstdint>

#if defined(_MSC_VER) && !defined(__clang__)
#include <intrin.h>
#endif

namespace credroi::detail {

/// SplitMix64 output function (Stafford's "Mix13" variant): a bijection on
/// 64-bit words with full avalanche. Used to hash seeds into stream keys.
inline std::uint64_t mix64(std::uint64_t z) noexcept {
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/// The golden-ratio increment of SplitMix64, 2^64 / phi rounded to odd.
inline constexpr std::uint64_t golden_gamma = UINT64_C(0x9e3779b97f4a7c15);

/// SplitMix64: a Weyl sequence passed through mix64. Period 2^64. Only used to
/// expand a 64-bit key into the 256-bit state of xoshiro256++, as Vigna
/// recommends, so that nearby keys give unrelated states.
class SplitMix64 {
public:
    explicit SplitMix64(std::uint64_t state) noexcept : state_(state) {}
    std::uint64_t operator()() noexcept {
        state_ += golden_gamma;
        return mix64(state_);
    }

private:
    std::uint64_t state_;
};

/// xoshiro256++ 1.0: 256-bit state, period 2^256 - 1, about 1 ns per 64-bit
/// output, passes BigCrush and PractRand.
class Xoshiro256pp {
public:
    using result_type = std::uint64_t;

    /// State expanded from `key` by four SplitMix64 outputs. The four outputs
    /// are mix64 of four distinct words and mix64 is a bijection, so at most one
    /// of them is zero and the forbidden all-zero state cannot arise.
    explicit Xoshiro256pp(std::uint64_t key) noexcept {
        SplitMix64 sm(key);
        for (auto& word : s_) word = sm();
    }
    /// Raw state, for known-answer tests against the reference implementation.
    Xoshiro256pp(std::uint64_t s0, std::uint64_t s1, std::uint64_t s2, std::uint64_t s3) noexcept
        : s_{s0, s1, s2, s3} {}

    std::uint64_t operator()() noexcept {
        const std::uint64_t result = rotl(s_[0] + s_[3], 23) + s_[0];
        const std::uint64_t t = s_[1] << 17;
        s_[2] ^= s_[0];
        s_[3] ^= s_[1];
        s_[1] ^= s_[2];
        s_[0] ^= s_[3];
        s_[2] ^= t;
        s_[3] = rotl(s_[3], 45);
        return result;
    }

private:
    static std::uint64_t rotl(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }
    std::uint64_t s_[4];
};

/// Domains keep the streams of different uses of one seed apart.
enum class StreamDomain : std::uint64_t { monte_carlo = 1, latin_hypercube = 2, sobol_scramble = 3 };

/// Key of the stream for (seed, domain, a, b), e.g. (seed, monte_carlo, batch,
/// column). Each word is absorbed through mix64 with its own offset, so keys
/// differ whenever any component differs (up to 64-bit hash collisions,
/// probability about 2^-64 per pair).
inline std::uint64_t stream_key(std::uint64_t seed, StreamDomain domain, std::uint64_t a, std::uint64_t b) noexcept {
    std::uint64_t h = mix64(seed + golden_gamma);
    h = mix64(h ^ mix64(static_cast<std::uint64_t>(domain) + 2 * golden_gamma));
    h = mix64(h ^ mix64(a + 3 * golden_gamma));
    h = mix64(h ^ mix64(b + 4 * golden_gamma));
    return h;
}

/// Double strictly inside (0, 1) from the top 52 bits of `x`: the centre of
/// one of 2^52 equal cells, ((x >> 12) + 0.5) * 2^-52. Every value is exact;
/// the smallest is 2^-53 and the largest 1 - 2^-53, and the set is symmetric
/// about 1/2. (With 53 bits, (x >> 11) + 0.5 is not representable above 2^52
/// and rounds to even: the top word would give exactly 1.0.)
inline double unit_open(std::uint64_t x) noexcept {
    // Through int64: x >> 12 < 2^52 fits, and signed conversion is one instruction.
    return (static_cast<double>(static_cast<std::int64_t>(x >> 12)) + 0.5) * 0x1p-52;
}

/// Smallest and largest values unit_open can return.
inline constexpr double unit_open_min = 0x1p-53;
inline constexpr double unit_open_max = 1.0 - 0x1p-53;

/// Uniform integer in [0, range), range >= 1, without bias: Lemire's
/// multiply-and-reject method ("Fast random integer generation in an
/// interval", ACM TOMACS 29(1), 2019) on the top 32 bits of each draw.
template <class Engine>
inline std::uint32_t bounded_uint32(Engine& engine, std::uint32_t range) noexcept {
    std::uint64_t m = (engine() >> 32) * static_cast<std::uint64_t>(range);
    auto low = static_cast<std::uint32_t>(m);
    if (low < range) {
        const std::uint32_t threshold = static_cast<std::uint32_t>(0u - range) % range;
        while (low < threshold) {
            m = (engine() >> 32) * static_cast<std::uint64_t>(range);
            low = static_cast<std::uint32_t>(m);
        }
    }
    return static_cast<std::uint32_t>(m >> 32);
}

/// Number of trailing zero bits of x != 0.
inline int count_trailing_zeros(std::uint64_t x) noexcept {
#if defined(_MSC_VER) && !defined(__clang__)
    unsigned long index;
    _BitScanForward64(&index, x);
    return static_cast<int>(index);
#else
    return __builtin_ctzll(x);
#endif
}

}  // namespace credroi::detail
