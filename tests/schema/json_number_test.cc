#include "schema/json_number.h"

#include <gtest/gtest.h>

#include <rapidjson/internal/dtoa.h>

#include <bit>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <random>
#include <string>

namespace hearth::schema {
namespace {

std::string Json(double d) {
  char buf[kMaxJsonDoubleBytes];
  return std::string(buf, WriteJsonDouble(d, buf));
}

TEST(JsonNumber, EachLayoutAsRapidjsonWritesIt) {
  const std::pair<double, const char*> cases[] = {
      {0.0, "0.0"},
      {-0.0, "-0.0"},
      {1.0, "1.0"},
      {-3.0, "-3.0"},
      {1000.0, "1000.0"},
      {0.1, "0.1"},
      {12.34, "12.34"},
      {-12.34, "-12.34"},
      {1e20, "100000000000000000000.0"},
      {1.5e20, "150000000000000000000.0"},
      {123456789012345678901.0, "123456789012345680000.0"},
      {1e21, "1e21"},
      {1.5e21, "1.5e21"},
      {0.001234, "0.001234"},
      {0.000001, "0.000001"},
      {1e-7, "1e-7"},
      {1.5e-7, "1.5e-7"},
      {1.2345e-100, "1.2345e-100"},
      {5e-324, "5e-324"},
      {std::numeric_limits<double>::max(), "1.7976931348623157e308"},
      {std::numeric_limits<double>::min(), "2.2250738585072014e-308"},
      {std::nan(""), "NaN"},
      {INFINITY, "Infinity"},
      {-INFINITY, "-Infinity"},
  };
  for (const auto& [d, text] : cases) {
    EXPECT_EQ(Json(d), text);
    EXPECT_EQ(JsonDoubleSize(d), std::string(text).size()) << text;
  }
}

// Grisu2 (rapidjson's) misses the shortest form now and then; this writes it.
TEST(JsonNumber, TheShortestFormEvenWhereRapidjsonMissesIt) {
  EXPECT_EQ(Json(64654712189.5639), "64654712189.5639");
  char buf[64];
  EXPECT_EQ(std::string(buf, rapidjson::internal::dtoa(64654712189.5639, buf) - buf), "64654712189.563907");
}

// Significant digits of a number's text.
int SignificantDigits(const std::string& text) {
  int n = 0;
  bool leading = true;
  for (char c : text) {
    if (c == 'e') break;
    if (c < '0' || c > '9') continue;
    if (leading && c == '0') continue;
    leading = false;
    n++;
  }
  return n;
}

// Random bit patterns cover every layout and exponent: each is read back as
// the same double, its size is counted right, it is never longer than
// rapidjson's text, and where rapidjson's is as short and has at most 15
// digits it is the same text (up to 15 digits, no two decimals read back as
// one double, so the shortest form is unique; with 16 or 17, several may,
// and the two pick different last digits).
TEST(JsonNumber, AnyDoubleReadsBackAndItsSizeIsCounted) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 200000; i++) {
    uint64_t bits = rng();
    if (i % 4 == 1) bits = std::bit_cast<uint64_t>(std::round(std::ldexp(static_cast<double>(bits >> 11), -53) * 1e6 * 1e4) / 1e4);
    const double d = std::bit_cast<double>(bits);
    if (std::isnan(d)) continue;
    const std::string text = Json(d);
    ASSERT_EQ(JsonDoubleSize(d), text.size()) << text;
    if (std::isfinite(d)) {
      ASSERT_EQ(std::strtod(text.c_str(), nullptr), d) << text;
      ASSERT_EQ(std::signbit(std::strtod(text.c_str(), nullptr)), std::signbit(d)) << text;
    }
    char buf[64];
    const std::string rj(buf, rapidjson::internal::dtoa(d, buf) - buf);
    if (!std::isfinite(d)) continue;
    ASSERT_LE(text.size(), rj.size()) << text << " " << rj;
    if (text.size() == rj.size() && SignificantDigits(text) <= 15) {
      ASSERT_EQ(text, rj);
    }
  }
}

}  // namespace
}  // namespace hearth::schema
