// Rollups of a monitor's snapshots over daily, weekly and monthly windows:
// the original SnapshotAggregator (reference/consultantos-spec.md §4) with
// its defects fixed:
//  - windows are half-open [start, end) in UTC (a snapshot at midnight
//    belongs to one day only); weeks start on Monday, months on the 1st;
//  - values are taken oldest first, so trends and significant changes point
//    the right way;
//  - count is an integer; booleans and non-finite numbers are not metrics;
//  - moving averages are the 7-day and 30-day trailing means at the end of
//    the window (they may reach before its start);
//  - significant changes are the 10 largest, reported in time order.
// This header holds the computation, which needs no store; Aggregator
// (hearth/aggregator.h) reads snapshots and stores the results.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hearth/document_view.h"
#include "hearth/status.h"
#include "hearth/value.h"

namespace hearth {

enum class Period { kDaily, kWeekly, kMonthly };
std::string_view PeriodName(Period period);  // "daily", "weekly", "monthly"
StatusOr<Period> ParsePeriod(std::string_view name);
// Parses "daily,weekly,monthly" (any non-empty subset, no repeats).
StatusOr<std::vector<Period>> ParsePeriods(std::string_view names);

struct Window {
  Timestamp start;  // inclusive
  Timestamp end;    // exclusive
  bool Contains(Timestamp t) const { return !(t < start) && t < end; }
};
// The window of `period` holding `t`.
Window WindowOf(Period period, Timestamp t);
// The windows of `period` that overlap [from, to), oldest first.
std::vector<Window> WindowsOverlapping(Period period, Timestamp from, Timestamp to);

// The longest trailing mean an aggregation reports: it reads snapshots from
// this long before its window's end.
constexpr int64_t kLongestMovingAverageSeconds = 30 * 86400;

// The snapshot fields aggregation reads besides the time: a snapshots
// collection whose projection (CollectionDef::projection) holds them all is
// read through it.
inline constexpr std::string_view kRollupFields[] = {"financial_metrics", "news_sentiment", "market_trends"};

// What aggregation takes from one snapshot.
struct SnapshotPoint {
  Timestamp time;
  // Every finite integer or double of financial_metrics, then news_sentiment
  // when it is a finite number.
  std::vector<std::pair<std::string, double>> metrics;
  std::vector<std::string> market_trends;
};
// Reads those fields of a stored snapshot; the prose fields are not decoded.
// nullopt when its time field ("timestamp") is not a timestamp.
std::optional<SnapshotPoint> PointOf(const DocumentView& snapshot);

struct MetricSummary {
  double min = 0;
  double max = 0;
  double avg = 0;
  int64_t count = 0;
  double stddev = 0;  // sample standard deviation (n - 1); 0 for one value
  bool operator==(const MetricSummary&) const = default;
};

struct SignificantChange {
  std::string metric;
  double change_pct = 0;  // |current - previous| / |previous| in percent, rounded to 0.1 (halves away from 0)
  double previous = 0;
  double current = 0;
  Timestamp previous_time;
  Timestamp time;         // of the current value
  int64_t index = 0;      // position of the current value among the metric's values in the window, from 0
  bool operator==(const SignificantChange&) const = default;
};

// "{monitor_id}_{period}_{start epoch seconds}": the id of a rollup, the original's.
std::string AggregationId(const std::string& monitor_id, Period period, Timestamp start);

struct Aggregation {
  std::string monitor_id;
  Period period = Period::kDaily;
  Window window;
  int64_t snapshot_count = 0;
  std::map<std::string, MetricSummary> metrics_summary;
  // "up", "down" or "stable" for metrics with at least two values: the
  // least-squares slope of the values against their position 0..n-1 (oldest
  // first) compared with 5% of |mean| (0.01 when the mean is 0).
  std::map<std::string, std::string> trends;
  // "<metric>_ma_7d" and "<metric>_ma_30d": the metric's mean over the 7 and
  // 30 days before the window's end (absent when it has no value there).
  std::map<std::string, double> moving_averages;
  // Changes of more than 20% between consecutive values of a metric: the 10
  // largest, in time order.
  std::vector<SignificantChange> significant_changes;
  // The 5 most frequent market trends (ties: first seen first).
  std::vector<std::string> most_common_market_trends;
  Timestamp created_at;

  std::string Id() const { return AggregationId(monitor_id, period, window.start); }
  // The stored document's fields, and back (INVALID_ARGUMENT naming the field
  // that is missing or of the wrong type).
  MapValue ToFields() const;
  static StatusOr<Aggregation> FromFields(const MapValue& fields);
  // True when it was computed after its window ended (later snapshots of the
  // window are not expected).
  bool Complete() const { return !(created_at < window.end); }
};

// A monitor's snapshot points arranged for aggregating many windows (a
// backfill): each metric's values in time order, built once.
class PointIndex {
 public:
  // `points` are oldest first; they are kept by reference.
  explicit PointIndex(std::span<const SnapshotPoint> points);
  // Aggregates the points of `window`; those up to kLongestMovingAverageSeconds
  // before its end feed the moving averages. nullopt when no point lies in it.
  std::optional<Aggregation> Aggregate(const std::string& monitor_id, Period period, Window window,
                                       Timestamp created_at) const;

 private:
  struct Series {
    std::string name;
    std::vector<double> values;
    std::vector<Timestamp> times;
  };
  std::span<const SnapshotPoint> points_;
  std::vector<Series> series_;  // in name order
};

// One window: PointIndex(points).Aggregate(...).
std::optional<Aggregation> Aggregate(const std::string& monitor_id, Period period, Window window,
                                     std::span<const SnapshotPoint> points, Timestamp created_at);

}  // namespace hearth
