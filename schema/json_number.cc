#include "schema/json_number.h"

#include <fmt/format.h>

#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace hearth::schema {

namespace {

// A finite, nonzero, positive double as digits × 10^exponent, the digits as
// few as read back to it. fmt's Dragonbox lives in fmt::detail; Debian 12's
// libfmt 9.1 exports it (FMT_API), and the tests pin the output.
struct Decimal {
  uint64_t digits;
  int exponent;
};
Decimal ShortestDecimal(double d) {
  auto dec = fmt::detail::dragonbox::to_decimal(d);
  return {dec.significand, dec.exponent};
}

// Decimal digits of v > 0: log10 from the bit width (1233/4096 ~ log10 2),
// corrected by one comparison.
int DigitCount(uint64_t v) {
  static constexpr auto kPow10 = [] {
    std::array<uint64_t, 20> p{};
    p[0] = 1;
    for (size_t i = 1; i < p.size(); i++) p[i] = p[i - 1] * 10;
    return p;
  }();
  const int t = std::bit_width(v) * 1233 >> 12;
  return t + (v >= kPow10[t] ? 1 : 0);
}

// The size of a written exponent: its sign, when negative, and its digits
// (never 0: the exponent layouts are for points past 21 or before -6).
int ExponentSize(int e) { return (e < 0 ? 1 : 0) + DigitCount(static_cast<uint64_t>(std::abs(e))); }

// The layout of `length` digits times 10^k, as rapidjson's Prettify (the
// same cases, in the same order); kk is the position of the decimal point.
enum class Layout { kInteger, kPointInside, kLeadingZeros, kOneDigitExponent, kExponent };
Layout LayoutOf(int length, int k) {
  const int kk = length + k;
  if (k >= 0 && kk <= 21) return Layout::kInteger;           // 1234e7 -> 12340000000.0
  if (kk > 0 && kk <= 21) return Layout::kPointInside;       // 1234e-2 -> 12.34
  if (kk > -6 && kk <= 0) return Layout::kLeadingZeros;      // 1234e-6 -> 0.001234
  if (length == 1) return Layout::kOneDigitExponent;         // 1e30
  return Layout::kExponent;                                  // 1234e30 -> 1.234e33
}

size_t FiniteNonzeroSize(int length, int k) {
  const int kk = length + k;
  switch (LayoutOf(length, k)) {
    case Layout::kInteger: return static_cast<size_t>(kk + 2);
    case Layout::kPointInside: return static_cast<size_t>(length + 1);
    case Layout::kLeadingZeros: return static_cast<size_t>(length + 2 - kk);
    case Layout::kOneDigitExponent: return static_cast<size_t>(2 + ExponentSize(kk - 1));
    case Layout::kExponent: return static_cast<size_t>(length + 2 + ExponentSize(kk - 1));
  }
  return 0;
}

char* WriteExponent(int e, char* p) { return std::to_chars(p, p + 5, e).ptr; }

}  // namespace

size_t WriteJsonDouble(double d, char* out) {
  char* p = out;
  if (std::isnan(d)) {
    std::memcpy(p, "NaN", 3);
    return 3;
  }
  if (std::signbit(d)) *p++ = '-';
  if (std::isinf(d)) {
    std::memcpy(p, "Infinity", 8);
    return static_cast<size_t>(p + 8 - out);
  }
  if (d == 0) {
    std::memcpy(p, "0.0", 3);
    return static_cast<size_t>(p + 3 - out);
  }
  const Decimal dec = ShortestDecimal(std::fabs(d));
  char digits[20];
  const int length = static_cast<int>(std::to_chars(digits, digits + sizeof digits, dec.digits).ptr - digits);
  const int k = dec.exponent, kk = length + k;
  switch (LayoutOf(length, k)) {
    case Layout::kInteger:
      std::memcpy(p, digits, length);
      std::memset(p + length, '0', kk - length);
      p += kk;
      *p++ = '.';
      *p++ = '0';
      break;
    case Layout::kPointInside:
      std::memcpy(p, digits, kk);
      p[kk] = '.';
      std::memcpy(p + kk + 1, digits + kk, length - kk);
      p += length + 1;
      break;
    case Layout::kLeadingZeros:
      *p++ = '0';
      *p++ = '.';
      std::memset(p, '0', -kk);
      std::memcpy(p - kk, digits, length);
      p += length - kk;
      break;
    case Layout::kOneDigitExponent:
      *p++ = digits[0];
      *p++ = 'e';
      p = WriteExponent(kk - 1, p);
      break;
    case Layout::kExponent:
      *p++ = digits[0];
      *p++ = '.';
      std::memcpy(p, digits + 1, length - 1);
      p += length - 1;
      *p++ = 'e';
      p = WriteExponent(kk - 1, p);
      break;
  }
  return static_cast<size_t>(p - out);
}

size_t JsonDoubleSize(double d) {
  if (std::isnan(d)) return 3;
  const size_t sign = std::signbit(d) ? 1 : 0;
  if (std::isinf(d)) return sign + 8;
  if (d == 0) return sign + 3;
  const Decimal dec = ShortestDecimal(std::fabs(d));
  return sign + FiniteNonzeroSize(DigitCount(dec.digits), dec.exponent);
}

}  // namespace hearth::schema
