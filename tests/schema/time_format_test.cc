#include "schema/time_format.h"

#include <gtest/gtest.h>

#include "tests/printers.h"

namespace hearth::schema {
namespace {

Timestamp Parse(const std::string& s) {
  auto t = ParseRfc3339(s);
  EXPECT_TRUE(t.ok()) << s << ": " << t.status().ToString();
  return t.ok() ? *t : Timestamp{};
}

TEST(TimeFormat, ParsesZonesAndNaiveTimesAsUtc) {
  EXPECT_EQ(Parse("2026-01-01T00:00:00Z"), (Timestamp{1767225600, 0}));
  EXPECT_EQ(Parse("2026-01-01T02:00:00+02:00"), (Timestamp{1767225600, 0}));
  EXPECT_EQ(Parse("2025-12-31T19:30:00-04:30"), (Timestamp{1767225600, 0}));
  EXPECT_EQ(Parse("2026-01-01T00:00:00"), (Timestamp{1767225600, 0}));   // no zone: UTC
  EXPECT_EQ(Parse("2026-01-01 00:00:00"), (Timestamp{1767225600, 0}));   // Python str()
  EXPECT_EQ(Parse("2024-01-01T12:00:00.770517"), (Timestamp{1704110400, 770517000}));
  EXPECT_EQ(Parse("2026-01-01"), (Timestamp{1767225600, 0}));
  EXPECT_EQ(Parse("1970-01-01T00:00:00.000000001Z"), (Timestamp{0, 1}));
  EXPECT_EQ(Parse("1969-12-31T23:59:59.5Z"), (Timestamp{-1, 500000000}));
}

TEST(TimeFormat, LeapDaysAndMonthEnds) {
  EXPECT_EQ(Parse("2024-02-29T00:00:00Z").seconds, 1709164800);
  EXPECT_FALSE(ParseRfc3339("2023-02-29T00:00:00Z").ok());
  EXPECT_FALSE(ParseRfc3339("2026-04-31T00:00:00Z").ok());
  EXPECT_EQ(Parse("2000-02-29T00:00:00Z").seconds, 951782400);
  EXPECT_FALSE(ParseRfc3339("1900-02-29T00:00:00Z").ok());
}

TEST(TimeFormat, RejectsMalformedTextWithAClearMessage) {
  for (const char* bad : {"", "2026", "2026-13-01T00:00:00Z", "2026-01-01T24:00:00Z", "2026-01-01T00:00:00.Z",
                          "2026-01-01T00:00:00.1234567890Z", "2026-01-01T00:00:00Zjunk", "yesterday",
                          "2026-01-01T00:60:00Z"}) {
    auto t = ParseRfc3339(bad);
    ASSERT_FALSE(t.ok()) << bad;
    EXPECT_EQ(t.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(t.status().message().find("invalid timestamp"), std::string::npos);
  }
}

TEST(TimeFormat, FormatsUtcWithMinimalFractionGroups) {
  EXPECT_EQ(FormatRfc3339({1767225600, 0}), "2026-01-01T00:00:00Z");
  EXPECT_EQ(FormatRfc3339({1767225600, 123000000}), "2026-01-01T00:00:00.123Z");
  EXPECT_EQ(FormatRfc3339({1767225600, 123456000}), "2026-01-01T00:00:00.123456Z");
  EXPECT_EQ(FormatRfc3339({1767225600, 123456789}), "2026-01-01T00:00:00.123456789Z");
  EXPECT_EQ(FormatRfc3339({-1, 500000000}), "1969-12-31T23:59:59.500Z");
  EXPECT_EQ(FormatRfc3339({Timestamp::kMinSeconds, 0}), "0001-01-01T00:00:00Z");
  EXPECT_EQ(FormatRfc3339({Timestamp::kMaxSeconds, 999999999}), "9999-12-31T23:59:59.999999999Z");
}

TEST(TimeFormat, FormatThenParseRoundTrips) {
  for (int64_t s : {int64_t{0}, int64_t{-86401}, int64_t{951782400}, int64_t{253402300799}, int64_t{-62135596800}})
    for (int32_t n : {0, 1, 999999999, 500000}) {
      Timestamp t{s, n};
      EXPECT_EQ(Parse(FormatRfc3339(t)), t);
    }
}

TEST(TimeFormat, SizeIsTheFormattedLength) {
  for (int64_t s : {int64_t{0}, int64_t{-86401}, int64_t{951782400}, int64_t{253402300799}, int64_t{-62135596800},
                    Timestamp::kMaxSeconds + 1, Timestamp::kMinSeconds - 86400 * 366})
    for (int32_t n : {0, 1, 10, 999999999, 500000, 120000000, 7000, 999000000}) {
      Timestamp t{s, n};
      EXPECT_EQ(Rfc3339Size(t), FormatRfc3339(t).size()) << FormatRfc3339(t);
    }
}

TEST(TimeFormat, EpochSeconds) {
  EXPECT_EQ(*FromEpochSeconds(int64_t{1767225600}), (Timestamp{1767225600, 0}));
  EXPECT_EQ(*FromEpochSeconds(1767225600.25), (Timestamp{1767225600, 250000000}));
  EXPECT_EQ(*FromEpochSeconds(-0.5), (Timestamp{-1, 500000000}));
  EXPECT_FALSE(FromEpochSeconds(1e20).ok());
}

}  // namespace
}  // namespace hearth::schema
