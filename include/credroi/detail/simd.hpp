#pragma once
// The vector type of the engine's hand-vectorised passes (IRR classification
// and root bounds, quantile sketch keys, tiered prices): as wide as the build's widest registers, through
// GCC/Clang vector extensions, so that one source takes two doubles per
// operation with SSE2, four with AVX (x86-64-v3) and eight with AVX-512
// (x86-64-v4). Each lane does the IEEE operations of the scalar code in its
// order, so results have the same bits at any width. Compiled only where
// CREDROI_SIMD is defined; callers keep a scalar loop for the rest.
#include <cstdint>
#include <cstring>
#include <limits>

#if defined(__GNUC__) && defined(__SSE2__)
#define CREDROI_SIMD 1

namespace credroi::detail::simd {

#if defined(__AVX512F__)
inline constexpr int width = 8;
#elif defined(__AVX__)
inline constexpr int width = 4;
#else
inline constexpr int width = 2;
#endif
typedef double pack __attribute__((vector_size(width * sizeof(double))));
typedef std::int64_t mask __attribute__((vector_size(width * sizeof(double))));  // a comparison's result: -1 or 0
typedef std::uint64_t word __attribute__((vector_size(width * sizeof(double))));  // for logical shifts

inline pack load(const double* p) {
    pack v;
    std::memcpy(&v, p, sizeof v);
    return v;
}
inline void store(double* p, const pack& v) { std::memcpy(p, &v, sizeof v); }
inline pack bits(const mask& m) { return reinterpret_cast<pack>(m); }
inline mask bits(const pack& v) { return reinterpret_cast<mask>(v); }

/// A comparison's result as plain bits. GCC otherwise treats it as a vector
/// of booleans and turns `mask & value`, `mask | mask`, ~mask into per-lane
/// choices, which SSE2 (no 64-bit integer compare before SSE4.1) carries out
/// lane by lane in scalar code; hidden from it, they stay one instruction.
inline mask opaque(mask m) {
#if !defined(__SSE4_1__)
    __asm__("" : "+x"(m));
#endif
    return m;
}
inline mask less(const pack& a, const pack& b) { return opaque(a < b); }
inline mask less_equal(const pack& a, const pack& b) { return opaque(a <= b); }
inline mask equal(const pack& a, const pack& b) { return opaque(a == b); }
inline mask unordered(const pack& a) { return opaque(a != a); }  // NaN

/// m ? a : b per lane
inline pack select(const mask& m, const pack& a, const pack& b) { return bits((m & bits(a)) | (~m & bits(b))); }
inline mask select(const mask& m, const mask& a, const mask& b) { return (m & a) | (~m & b); }
/// m ? a : 0 per lane
inline pack keep(const mask& m, const pack& a) { return bits(m & bits(a)); }
/// |x|, exactly (the sign bit cleared)
inline pack magnitude(const pack& x) { return bits(bits(x) & (mask{} + std::numeric_limits<std::int64_t>::max())); }

}  // namespace credroi::detail::simd

#endif
