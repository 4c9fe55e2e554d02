// Rollup arithmetic (hearth/aggregation.h): windows, statistics, trends,
// moving averages, significant changes, with exact expected numbers.
#include "hearth/aggregation.h"

#include <gtest/gtest.h>

#include <cmath>

#include "schema/time_format.h"

namespace hearth {
namespace {

Timestamp T(const char* rfc3339) {
  auto t = schema::ParseRfc3339(rfc3339);
  EXPECT_TRUE(t.ok()) << rfc3339;
  return *t;
}

std::string S(Timestamp t) { return schema::FormatRfc3339(t); }

// One point per value, `step` seconds apart from `start`, metric `name`.
std::vector<SnapshotPoint> Series(Timestamp start, int64_t step, const std::vector<double>& values,
                                  const std::string& name = "revenue") {
  std::vector<SnapshotPoint> out;
  for (size_t i = 0; i < values.size(); i++)
    out.push_back({Timestamp{start.seconds + static_cast<int64_t>(i) * step, 0}, {{name, values[i]}}, {}});
  return out;
}

Aggregation Daily(const std::vector<SnapshotPoint>& points, Timestamp day) {
  auto a = Aggregate("m1", Period::kDaily, WindowOf(Period::kDaily, day), points, T("2030-01-01T00:00:00Z"));
  EXPECT_TRUE(a.has_value());
  return a.value_or(Aggregation{});
}

TEST(Windows, DaysWeeksAndMonthsAreHalfOpenInUtc) {
  Window d = WindowOf(Period::kDaily, T("2024-01-01T23:59:59.999999999Z"));
  EXPECT_EQ(S(d.start), "2024-01-01T00:00:00Z");
  EXPECT_EQ(S(d.end), "2024-01-02T00:00:00Z");
  EXPECT_EQ(S(WindowOf(Period::kDaily, T("2024-01-02T00:00:00Z")).start), "2024-01-02T00:00:00Z");  // midnight: the new day
  // Weeks start on Monday; 2024-01-01 was a Monday.
  for (const char* t : {"2024-01-01T00:00:00Z", "2024-01-03T12:00:00Z", "2024-01-07T23:59:59Z"}) {
    Window w = WindowOf(Period::kWeekly, T(t));
    EXPECT_EQ(S(w.start), "2024-01-01T00:00:00Z") << t;
    EXPECT_EQ(S(w.end), "2024-01-08T00:00:00Z") << t;
  }
  EXPECT_EQ(S(WindowOf(Period::kWeekly, T("2024-01-08T00:00:00Z")).start), "2024-01-08T00:00:00Z");
  EXPECT_EQ(S(WindowOf(Period::kWeekly, T("1969-12-28T10:00:00Z")).start), "1969-12-22T00:00:00Z");  // before 1970
  // Months: leap years, the 30th/31st, December into January.
  auto month = [](const char* t) {
    Window m = WindowOf(Period::kMonthly, T(t));
    return S(m.start) + " " + S(m.end);
  };
  EXPECT_EQ(month("2024-02-29T23:00:00Z"), "2024-02-01T00:00:00Z 2024-03-01T00:00:00Z");
  EXPECT_EQ(month("2023-02-28T23:00:00Z"), "2023-02-01T00:00:00Z 2023-03-01T00:00:00Z");
  EXPECT_EQ(month("2024-12-31T23:59:59Z"), "2024-12-01T00:00:00Z 2025-01-01T00:00:00Z");
  EXPECT_EQ(month("2024-04-30T12:00:00Z"), "2024-04-01T00:00:00Z 2024-05-01T00:00:00Z");
  EXPECT_EQ(month("2024-03-01T00:00:00Z"), "2024-03-01T00:00:00Z 2024-04-01T00:00:00Z");
  EXPECT_EQ(WindowOf(Period::kMonthly, T("2000-02-10T00:00:00Z")).end.seconds -
                WindowOf(Period::kMonthly, T("2000-02-10T00:00:00Z")).start.seconds,
            29 * 86400);  // 2000 is a leap year
  EXPECT_EQ(WindowOf(Period::kMonthly, T("2100-02-10T00:00:00Z")).end.seconds -
                WindowOf(Period::kMonthly, T("2100-02-10T00:00:00Z")).start.seconds,
            28 * 86400);  // 2100 is not
}

TEST(Windows, OverlappingAPeriodAsTheOriginalsBackfillExample) {
  // 2024-01-01 09:00 to 2024-01-03: two days, one week, one month.
  const Timestamp from = T("2024-01-01T09:00:00Z"), to = T("2024-01-03T00:00:00Z");
  auto days = WindowsOverlapping(Period::kDaily, from, to);
  ASSERT_EQ(days.size(), 2u);
  EXPECT_EQ(days[0].start.seconds, 1704067200);
  EXPECT_EQ(days[1].start.seconds, 1704153600);
  EXPECT_EQ(WindowsOverlapping(Period::kWeekly, from, to).size(), 1u);
  EXPECT_EQ(WindowsOverlapping(Period::kMonthly, from, to).size(), 1u);
  EXPECT_TRUE(WindowsOverlapping(Period::kDaily, to, from).empty());
  auto months = WindowsOverlapping(Period::kMonthly, T("2023-11-15T00:00:00Z"), T("2024-02-01T00:00:00Z"));
  ASSERT_EQ(months.size(), 3u);  // November, December, January; February starts at `to`
  EXPECT_EQ(S(months[2].start), "2024-01-01T00:00:00Z");
}

TEST(Periods, ParseByName) {
  EXPECT_EQ(*ParsePeriod("weekly"), Period::kWeekly);
  EXPECT_EQ(ParsePeriod("hourly").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(*ParsePeriods("monthly,daily"), (std::vector<Period>{Period::kMonthly, Period::kDaily}));
  EXPECT_EQ(ParsePeriods("daily,daily").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParsePeriods("").status().code(), StatusCode::kInvalidArgument);
}

TEST(Aggregate, StatisticsAreExact) {
  auto a = Daily(Series(T("2024-01-01T00:00:00Z"), 3600, {10, 20, 30, 40, 50}), T("2024-01-01T00:00:00Z"));
  EXPECT_EQ(a.snapshot_count, 5);
  const MetricSummary& m = a.metrics_summary.at("revenue");
  EXPECT_EQ(m.min, 10);
  EXPECT_EQ(m.max, 50);
  EXPECT_EQ(m.avg, 30);
  EXPECT_EQ(m.count, 5);
  EXPECT_EQ(m.stddev, std::sqrt(250.0));  // sample: (400 + 100 + 0 + 100 + 400) / 4
  auto one = Daily(Series(T("2024-01-01T05:00:00Z"), 3600, {42}), T("2024-01-01T00:00:00Z"));
  EXPECT_EQ(one.metrics_summary.at("revenue"), (MetricSummary{42, 42, 42, 1, 0}));
  EXPECT_FALSE(one.trends.count("revenue"));  // one value has no trend
  // A compensated sum: a plain running sum would lose the 1 and say 0.
  EXPECT_EQ(Daily(Series(T("2024-01-01T00:00:00Z"), 3600, {1e16, 1, -1e16}), T("2024-01-01T00:00:00Z"))
                .metrics_summary.at("revenue")
                .avg,
            1.0 / 3);
}

TEST(Aggregate, OnlyFiniteNumbersAreMetricsAndCountsAreIntegers) {
  SnapshotPoint p{T("2024-01-01T01:00:00Z"), {{"revenue", 5}, {"news_sentiment", 0.5}}, {"EV"}};
  auto a = Daily({p}, p.time);
  EXPECT_EQ(a.metrics_summary.size(), 2u);
  MapValue f = a.ToFields();
  EXPECT_EQ(f.at("metrics_summary").map().at("revenue").map().at("count"), Value::Integer(1));
  EXPECT_EQ(f.at("snapshot_count"), Value::Integer(1));
}

TEST(Aggregate, TrendsFollowTimeOrder) {
  const Timestamp day = T("2024-01-01T00:00:00Z");
  auto trend = [&](const std::vector<double>& v) { return Daily(Series(day, 3600, v), day).trends.at("revenue"); };
  EXPECT_EQ(trend({10, 15, 20, 25, 30}), "up");
  EXPECT_EQ(trend({30, 25, 20, 15, 10}), "down");
  EXPECT_EQ(trend({20, 20.5, 19.8, 20.2, 20.1}), "stable");
  EXPECT_EQ(trend({10, 12, 11, 14, 13, 16, 15, 18}), "up");
  // A slope of 5% of the mean is not enough (strict), just above is.
  EXPECT_EQ(trend({95, 100, 105}), "stable");  // slope 5, mean 100
  EXPECT_EQ(trend({94.9, 100, 105.1}), "up");
  // A zero mean compares with 0.01.
  EXPECT_EQ(trend({-1, 1}), "up");
  EXPECT_EQ(trend({0.004, -0.004}), "stable");
}

TEST(Aggregate, MovingAveragesAreTrailingMeansAtTheWindowEnd) {
  // Hourly from 2024-01-01, each day's value is its day number (0, 1, ...).
  std::vector<SnapshotPoint> points;
  for (int d = 0; d < 40; d++)
    for (int h = 0; h < 24; h++)
      points.push_back({Timestamp{T("2024-01-01T00:00:00Z").seconds + d * 86400 + h * 3600, 0},
                        {{"revenue", static_cast<double>(d)}}, {}});
  auto day10 = Daily(points, T("2024-01-11T12:00:00Z"));
  EXPECT_EQ(day10.metrics_summary.at("revenue").avg, 10);
  EXPECT_EQ(day10.moving_averages.at("revenue_ma_7d"), 7);   // days 4..10
  EXPECT_EQ(day10.moving_averages.at("revenue_ma_30d"), 5);  // days 0..10: the data starts there
  auto day35 = Daily(points, T("2024-02-05T00:00:00Z"));
  EXPECT_EQ(day35.moving_averages.at("revenue_ma_30d"), 20.5);  // days 6..35
  auto week = Aggregate("m1", Period::kWeekly, WindowOf(Period::kWeekly, T("2024-01-15T00:00:00Z")), points,
                        T("2030-01-01T00:00:00Z"));
  EXPECT_EQ(week->moving_averages.at("revenue_ma_7d"), week->metrics_summary.at("revenue").avg);  // the week itself
  EXPECT_EQ(week->moving_averages.at("revenue_ma_7d"), 17);  // days 14..20
}

TEST(Aggregate, ASnapshotAtMidnightBelongsToOneDayOnly) {
  auto points = Series(T("2024-01-01T00:00:00Z"), 6 * 3600, {1, 2, 3, 4, 5, 6, 7, 8, 9});  // 6-hourly
  EXPECT_EQ(Daily(points, T("2024-01-01T00:00:00Z")).snapshot_count, 4);
  EXPECT_EQ(Daily(points, T("2024-01-02T00:00:00Z")).snapshot_count, 4);
  EXPECT_EQ(Daily(points, T("2024-01-03T00:00:00Z")).snapshot_count, 1);
  EXPECT_FALSE(Aggregate("m1", Period::kDaily, WindowOf(Period::kDaily, T("2024-01-04T00:00:00Z")), points,
                         T("2030-01-01T00:00:00Z")));
}

TEST(Aggregate, MonthsCountTheirOwnDays) {
  auto daily_from = [](const char* start, int days) {
    return Series(T(start), 86400, std::vector<double>(static_cast<size_t>(days), 1.0));
  };
  auto count = [](const std::vector<SnapshotPoint>& p, const char* at) {
    return Aggregate("m1", Period::kMonthly, WindowOf(Period::kMonthly, T(at)), p, T("2030-01-01T00:00:00Z"))
        ->snapshot_count;
  };
  EXPECT_EQ(count(daily_from("2024-01-15T12:00:00Z", 60), "2024-02-10T00:00:00Z"), 29);
  EXPECT_EQ(count(daily_from("2023-01-15T12:00:00Z", 60), "2023-02-10T00:00:00Z"), 28);
  EXPECT_EQ(count(daily_from("2024-11-20T12:00:00Z", 60), "2024-12-31T23:00:00Z"), 31);
}

TEST(Aggregate, SignificantChangesAreTheTenLargestInTimeOrder) {
  // Jumps of 25% .. 80% alternating with returns, and moves of exactly 20% (not significant).
  std::vector<double> v = {100, 120, 100};  // +20%, then -16.7%: none
  for (int i = 0; i < 12; i++) {
    v.push_back(100 * (1.25 + 0.05 * i));  // +25%, +30%, ... +80%
    v.push_back(100);                       // back: -20% .. -44.4%
  }
  auto a = Daily(Series(T("2024-01-01T00:00:00Z"), 60, v), T("2024-01-01T00:00:00Z"));
  ASSERT_EQ(a.significant_changes.size(), 10u);
  for (size_t i = 1; i < a.significant_changes.size(); i++)
    EXPECT_LT(a.significant_changes[i - 1].time, a.significant_changes[i].time);
  // The ten largest are the rises of +45% .. +80% and the returns from 175
  // and 180 (-42.9%, -44.4%); the first kept is the rise to 145.
  EXPECT_EQ(a.significant_changes[0].change_pct, 45.0);
  EXPECT_EQ(a.significant_changes[0].previous, 100);
  EXPECT_EQ(a.significant_changes[0].current, 145);
  EXPECT_EQ(a.significant_changes[0].index, 11);
  EXPECT_EQ(a.significant_changes[1].change_pct, 50.0);
  EXPECT_EQ(a.significant_changes[7].change_pct, 42.9);  // 175 -> 100, rounded to 0.1
  EXPECT_EQ(a.significant_changes[7].previous, 175);
  EXPECT_EQ(a.significant_changes[7].current, 100);
  EXPECT_EQ(a.significant_changes[9].change_pct, 44.4);  // 180 -> 100
  EXPECT_EQ(a.significant_changes[9].previous_time.seconds + 60, a.significant_changes[9].time.seconds);
  auto small = Daily(Series(T("2024-01-01T00:00:00Z"), 60, {100, 101, 102}), T("2024-01-01T00:00:00Z"));
  EXPECT_TRUE(small.significant_changes.empty());
  auto from_zero = Daily(Series(T("2024-01-01T00:00:00Z"), 60, {0, 50}), T("2024-01-01T00:00:00Z"));
  EXPECT_TRUE(from_zero.significant_changes.empty());  // no percentage of zero
  auto third = Daily(Series(T("2024-01-01T00:00:00Z"), 60, {3, 4}), T("2024-01-01T00:00:00Z"));
  EXPECT_EQ(third.significant_changes[0].change_pct, 33.3);
}

TEST(Aggregate, MostCommonMarketTrendsCountAndKeepFirstSeenOrderOnTies) {
  std::vector<SnapshotPoint> p;
  const int64_t t0 = T("2024-01-01T00:00:00Z").seconds;
  const std::vector<std::vector<std::string>> trends = {
      {"b", "a"}, {"c", "a"}, {"d", "e", "f"}, {"a", "c"}, {"g"}};
  for (size_t i = 0; i < trends.size(); i++)
    p.push_back({Timestamp{t0 + static_cast<int64_t>(i) * 60, 0}, {}, trends[i]});
  auto a = Daily(p, Timestamp{t0, 0});
  EXPECT_EQ(a.most_common_market_trends, (std::vector<std::string>{"a", "c", "b", "d", "e"}));
  EXPECT_TRUE(a.metrics_summary.empty());
}

TEST(Aggregation, FieldsRoundTripAndTheOriginalsShapeIsRead) {
  std::vector<SnapshotPoint> points = Series(T("2024-01-01T00:00:00Z"), 3600, {10, 30, 20});
  points[1].market_trends = {"EV adoption"};
  auto a = Daily(points, T("2024-01-01T00:00:00Z"));
  EXPECT_EQ(a.Id(), "m1_daily_1704067200");
  auto back = Aggregation::FromFields(a.ToFields());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->ToFields(), a.ToFields());
  EXPECT_TRUE(back->Complete());
  // As the original system stored it: count as a double, one "_ma" average.
  MapValue original = a.ToFields();
  original["metrics_summary"].map()["revenue"].map()["count"] = Value::Double(3.0);
  original["moving_averages"] = Value::Map({{"revenue_ma", Value::Double(20)}});
  auto old = Aggregation::FromFields(original);
  ASSERT_TRUE(old.ok()) << old.status().ToString();
  EXPECT_EQ(old->metrics_summary.at("revenue").count, 3);
  EXPECT_EQ(old->moving_averages.at("revenue_ma"), 20);
  MapValue broken = a.ToFields();
  broken.erase("start_time");
  auto bad = Aggregation::FromFields(broken);
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("start_time"), std::string::npos);
}

}  // namespace
}  // namespace hearth
