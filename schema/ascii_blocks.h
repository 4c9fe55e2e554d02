// Tests on whole blocks of bytes for the string scans of every write: each
// string is checked for valid UTF-8 and measured as escaped JSON, and most
// of a document's bytes are plain ASCII prose that needs neither a decode
// nor an escape. 16 bytes at a time with SSE2 (every x86-64 has it), two
// 8-byte words at a time elsewhere.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace hearth::schema {

constexpr size_t kAsciiBlockBytes = 16;

// Whether any of the 8 bytes in `w` is below 0x20, '"' or '\\' (word-at-a-
// time tests: a byte's high bit survives only where the test holds).
inline bool MayNeedJsonEscape(uint64_t w) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL, kHigh = 0x8080808080808080ULL;
  auto has_zero = [](uint64_t x) { return (x - kOnes) & ~x & kHigh; };
  const uint64_t below_space = (w - kOnes * 0x20) & ~w & kHigh;
  return (below_space | has_zero(w ^ (kOnes * '"')) | has_zero(w ^ (kOnes * '\\'))) != 0;
}

#if defined(__SSE2__)
namespace internal {
// Lanes with the high bit set where a byte of the 16 at `p` fails AsciiBlock's
// test (kJson false) or PlainJsonBlock's (true).
template <bool kJson>
[[gnu::always_inline]] inline __m128i FailingLanes(const char* p) {
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  if constexpr (!kJson) return v;
  // Signed compare: bytes from 0x80 up are negative, so "below 0x20" too.
  return _mm_or_si128(_mm_cmplt_epi8(v, _mm_set1_epi8(0x20)),
                      _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))));
}
}  // namespace internal
#endif

// Whether the 16 bytes at `p` are all ASCII (below 0x80).
inline bool AsciiBlock(const char* p) {
#if defined(__SSE2__)
  return _mm_movemask_epi8(internal::FailingLanes<false>(p)) == 0;
#else
  uint64_t a, b;
  std::memcpy(&a, p, 8);
  std::memcpy(&b, p + 8, 8);
  return ((a | b) & 0x8080808080808080ULL) == 0;
#endif
}

// Whether the 16 bytes at `p` are ASCII from 0x20 up, none '"' or '\\':
// written into JSON as they are.
inline bool PlainJsonBlock(const char* p) {
#if defined(__SSE2__)
  return _mm_movemask_epi8(internal::FailingLanes<true>(p)) == 0;
#else
  uint64_t a, b;
  std::memcpy(&a, p, 8);
  std::memcpy(&b, p + 8, 8);
  return ((a | b) & 0x8080808080808080ULL) == 0 && !MayNeedJsonEscape(a) && !MayNeedJsonEscape(b);
#endif
}

namespace internal {

inline uint64_t Load8(const char* p) {
  uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}

inline uint64_t Load4(const char* p) {
  uint32_t w;
  std::memcpy(&w, p, 4);
  return w;
}

// The word test of AllAscii (kJson false) or AllPlainJson (true).
template <bool kJson>
[[gnu::always_inline]] inline bool PlainWord(uint64_t w) {
  return (w & 0x8080808080808080ULL) == 0 && (!kJson || !MayNeedJsonEscape(w));
}

template <bool kJson>
bool AllPlain(std::string_view s) {
  const char* p = s.data();
  const size_t n = s.size();
  if (n >= kAsciiBlockBytes) {
#if defined(__SSE2__)
    // Every block's failing lanes gathered, one test at the end: no branch
    // per block (nearly every string passes).
    __m128i failing = FailingLanes<kJson>(p + n - kAsciiBlockBytes);
    for (size_t i = 0; i + kAsciiBlockBytes <= n; i += kAsciiBlockBytes)
      failing = _mm_or_si128(failing, FailingLanes<kJson>(p + i));
    return _mm_movemask_epi8(failing) == 0;
#else
    size_t i = 0;
    for (; i + kAsciiBlockBytes <= n; i += kAsciiBlockBytes)
      if (!(kJson ? PlainJsonBlock(p + i) : AsciiBlock(p + i))) return false;
    return i == n || (kJson ? PlainJsonBlock(p + n - kAsciiBlockBytes) : AsciiBlock(p + n - kAsciiBlockBytes));
#endif
  }
  if (n >= 8) return PlainWord<kJson>(Load8(p)) && PlainWord<kJson>(Load8(p + n - 8));
  if (n >= 4) return PlainWord<kJson>(Load4(p) | Load4(p + n - 4) << 32);
  uint64_t w = 0x2020202020202020ULL;  // spaces: plain in both senses
  for (size_t i = 0; i < n; i++) w = (w << 8) | static_cast<unsigned char>(p[i]);
  return PlainWord<kJson>(w);
}

}  // namespace internal

// Whole strings, the common case of every scan: true when every byte of `s`
// passes AsciiBlock's / PlainJsonBlock's test. Strings of 4 bytes and more
// are read in blocks or words, the last one overlapping the one before, so
// nothing outside `s` is read and no byte is tested one at a time; a false
// answer sends the caller to its byte-by-byte scan.
inline bool AllAscii(std::string_view s) { return internal::AllPlain<false>(s); }
inline bool AllPlainJson(std::string_view s) { return internal::AllPlain<true>(s); }

}  // namespace hearth::schema
