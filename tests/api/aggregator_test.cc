// The rollup service (hearth/aggregator.h) over a store, on every backend.
#include "hearth/aggregator.h"

#include <gtest/gtest.h>

#include "hearth/timeseries.h"
#include "tests/test_util.h"

namespace hearth::testing {
namespace {

constexpr int64_t kT0 = 1704067200;  // 2024-01-01T00:00:00Z, a Monday
constexpr int64_t kHour = 3600, kDay = 86400;

MapValue Snap(const std::string& monitor, int64_t seconds, double revenue) {
  return MapValue{{"monitor_id", Value::String(monitor)},
                  {"timestamp", Value::Time({seconds, 0})},
                  {"competitive_forces", Value::Map({{"supplier_power", Value::String("Medium")}})},
                  {"market_trends", Value::Array({Value::String("EV adoption")})},
                  {"financial_metrics", Value::Map({{"revenue", Value::Double(revenue)},
                                                    {"employees", Value::Integer(100)},
                                                    {"public", Value::Boolean(true)},
                                                    {"currency", Value::String("USD")}})}};
}

class AggregatorTest : public DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    OpenAggregator({});
  }
  void TearDown() override {
    agg_.reset();
    DatabaseTest::TearDown();
  }
  void OpenAggregator(AggregatorOptions o) {
    agg_.reset();
    o.clock = [this] { return now_; };
    auto a = Aggregator::Open(db_.get(), o);
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    agg_ = std::move(a).value();
  }
  // Hourly snapshots of `monitor` for `days` days from kT0; revenue = the hour's index.
  void StoreHourly(const std::string& monitor, int days) {
    WriteBatch b;
    for (int h = 0; h < days * 24; h++)
      b.Set("snapshots/" + monitor + "_" + std::to_string(kT0 + h * kHour), Snap(monitor, kT0 + h * kHour, h));
    ASSERT_TRUE(db_->Write(b).ok());
  }
  int64_t StoredRollups() {
    int64_t n = 0;
    EXPECT_TRUE(db_->Scan("aggregations", [&](const Document&) { return ++n > 0; }).ok());
    return n;
  }
  Timestamp now_{kT0 + 400 * kDay, 0};
  std::unique_ptr<Aggregator> agg_;
};

TEST_P(AggregatorTest, GetComputesStoresAndThenServesTheStoredRollup) {
  StoreHourly("m1", 3);
  auto a = agg_->Get("m1", Period::kDaily, {kT0 + kDay + 5 * kHour, 0});  // any time in the day names it
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_TRUE(a->has_value());
  EXPECT_EQ((*a)->Id(), "m1_daily_" + std::to_string(kT0 + kDay));
  EXPECT_EQ((*a)->snapshot_count, 24);
  EXPECT_EQ((*a)->metrics_summary.at("revenue").min, 24);
  EXPECT_EQ((*a)->metrics_summary.at("revenue").max, 47);
  EXPECT_EQ((*a)->metrics_summary.at("employees").count, 24);  // integers are metrics
  EXPECT_FALSE((*a)->metrics_summary.count("public"));         // booleans and strings are not
  EXPECT_FALSE((*a)->metrics_summary.count("currency"));
  EXPECT_EQ((*a)->trends.at("revenue"), "stable");  // +1 an hour is under 5% of the mean (35.5)
  auto doc = db_->Get("aggregations/m1_daily_" + std::to_string(kT0 + kDay));
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  EXPECT_EQ(doc->fields.at("snapshot_count"), Value::Integer(24));
  // Complete (computed after the day ended): later reads serve it as stored.
  ASSERT_TRUE(db_->Set("snapshots/m1_late", Snap("m1", kT0 + kDay + 30, 1000)).ok());
  EXPECT_EQ((*agg_->Get("m1", Period::kDaily, {kT0 + kDay, 0}))->snapshot_count, 24);
  EXPECT_EQ((*agg_->Compute("m1", Period::kDaily, {kT0 + kDay, 0}))->snapshot_count, 25);
  EXPECT_FALSE(agg_->Get("m1", Period::kDaily, {kT0 + 9 * kDay, 0})->has_value());  // no snapshots
  EXPECT_FALSE(agg_->Get("nobody", Period::kMonthly, {kT0, 0})->has_value());
}

TEST_P(AggregatorTest, ARollupComputedBeforeItsWindowEndedIsRecomputed) {
  StoreHourly("m1", 1);
  now_ = {kT0 + 12 * kHour, 0};  // the day is half over
  EXPECT_EQ((*agg_->Get("m1", Period::kDaily, {kT0, 0}))->snapshot_count, 24);
  ASSERT_TRUE(db_->Set("snapshots/m1_x", Snap("m1", kT0 + 23 * kHour + 60, 5)).ok());
  EXPECT_EQ((*agg_->Get("m1", Period::kDaily, {kT0, 0}))->snapshot_count, 25);  // partial: recomputed
  now_ = {kT0 + 2 * kDay, 0};
  EXPECT_EQ((*agg_->Get("m1", Period::kDaily, {kT0, 0}))->snapshot_count, 25);
  EXPECT_TRUE((*agg_->Get("m1", Period::kDaily, {kT0, 0}))->Complete());
}

TEST_P(AggregatorTest, BackfillFillsWhatIsMissingAndItsDryRunCountsTheSame) {
  StoreHourly("m1", 10);
  StoreHourly("m2", 3);
  BackfillRequest r;
  r.from = {kT0, 0};
  r.to = {kT0 + 10 * kDay, 0};
  r.dry_run = true;
  auto dry = agg_->Backfill(r);
  ASSERT_TRUE(dry.ok()) << dry.status().ToString();
  EXPECT_EQ(StoredRollups(), 0);
  EXPECT_EQ(dry->monitors, 2u);
  EXPECT_EQ(dry->periods.at(Period::kDaily), (BackfillReport::Counts{13, 0, 0, 0, 7}));  // m2 has 3 of 10 days
  EXPECT_EQ(dry->periods.at(Period::kWeekly), (BackfillReport::Counts{3, 0, 0, 0, 1}));  // weeks of Jan 1 and 8
  EXPECT_EQ(dry->periods.at(Period::kMonthly), (BackfillReport::Counts{2, 0, 0, 0, 0}));
  r.dry_run = false;
  auto real = agg_->Backfill(r);
  ASSERT_TRUE(real.ok());
  EXPECT_EQ(real->periods, dry->periods);
  EXPECT_EQ(real->written(), 18u);
  EXPECT_EQ(StoredRollups(), 18);
  // Again: everything is there and complete.
  auto again = agg_->Backfill(r);
  EXPECT_EQ(again->periods.at(Period::kDaily), (BackfillReport::Counts{0, 0, 0, 13, 7}));
  EXPECT_EQ(again->written(), 0u);
  // A snapshot changed: recompute finds the one day, week and month that differ.
  ASSERT_TRUE(db_->Set("snapshots/m1_" + std::to_string(kT0 + 2 * kDay), Snap("m1", kT0 + 2 * kDay, -5)).ok());
  r.recompute = true;
  r.dry_run = true;
  auto redo_dry = agg_->Backfill(r);
  r.dry_run = false;
  auto redo = agg_->Backfill(r);
  EXPECT_EQ(redo->periods, redo_dry->periods);
  EXPECT_EQ(redo->periods.at(Period::kDaily).updated, 8u);  // day 2, and the 7-day average of days 3..9
  EXPECT_EQ(redo->periods.at(Period::kWeekly).updated, 2u);  // its week, and the next week's 30-day average
  EXPECT_EQ(redo->periods.at(Period::kMonthly), (BackfillReport::Counts{0, 1, 1, 0, 0}));
  EXPECT_EQ((*agg_->Get("m1", Period::kDaily, {kT0 + 2 * kDay, 0}))->metrics_summary.at("revenue").min, -5);
  // One monitor, one period.
  BackfillRequest one;
  one.monitor_id = "m3";
  one.from = {kT0, 0};
  one.to = {kT0 + kDay, 0};
  one.periods = {Period::kMonthly};
  auto none = agg_->Backfill(one);
  EXPECT_EQ(none->periods.at(Period::kMonthly), (BackfillReport::Counts{0, 0, 0, 0, 1}));
  one.to = one.from;
  EXPECT_EQ(agg_->Backfill(one).status().code(), StatusCode::kInvalidArgument);
}

TEST_P(AggregatorTest, ListReturnsAMonitorsStoredRollupsOldestFirst) {
  StoreHourly("m1", 3);
  BackfillRequest r;
  r.from = {kT0, 0};
  r.to = {kT0 + 3 * kDay, 0};
  ASSERT_TRUE(agg_->Backfill(r).ok());
  auto all = agg_->List("m1", {kT0, 0}, {kT0 + 3 * kDay, 0});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 5u);  // 3 days, 1 week, 1 month
  auto days = agg_->List("m1", {kT0 + kDay, 0}, {kT0 + 3 * kDay, 0}, Period::kDaily);
  ASSERT_EQ(days->size(), 2u);
  EXPECT_EQ((*days)[0].window.start.seconds, kT0 + kDay);
  EXPECT_EQ((*days)[1].window.start.seconds, kT0 + 2 * kDay);
}

TEST_P(AggregatorTest, KeptCurrentAsSnapshotsArriveButNotUndoneByRetention) {
  AggregatorOptions o;
  o.keep_current = true;
  o.keep_current_delay = std::chrono::milliseconds(10);
  OpenAggregator(o);
  auto ts = TimeSeries::Open(db_.get());
  ASSERT_TRUE(ts.ok());
  for (int h = 0; h < 48; h++) ASSERT_TRUE((*ts)->Store(Snap("m1", kT0 + h * kHour, h)).ok());
  ASSERT_TRUE(agg_->Flush().ok());
  EXPECT_EQ(StoredRollups(), 4);  // two days, their week and month
  auto day1 = db_->Get("aggregations/m1_daily_" + std::to_string(kT0 + kDay));
  ASSERT_TRUE(day1.ok());
  EXPECT_EQ(day1->fields.at("snapshot_count"), Value::Integer(24));
  // A deletion recomputes; a day left empty loses its rollup.
  ASSERT_TRUE(db_->Delete("snapshots/m1_" + std::to_string(kT0 + 30 * kHour)).ok());
  ASSERT_TRUE(agg_->Flush().ok());
  EXPECT_EQ(db_->Get("aggregations/m1_daily_" + std::to_string(kT0 + kDay))->fields.at("snapshot_count"),
            Value::Integer(23));
  // Retention deletes the raw snapshots; the rollups stay.
  EXPECT_EQ(*(*ts)->DeleteBefore({kT0 + 2 * kDay, 0}), 47u);
  ASSERT_TRUE(agg_->Flush().ok());
  EXPECT_EQ(StoredRollups(), 4);
  EXPECT_EQ(db_->Get("aggregations/m1_weekly_" + std::to_string(kT0))->fields.at("snapshot_count"),
            Value::Integer(47));
  // Background passes run without Flush too.
  ASSERT_TRUE((*ts)->Store(Snap("m1", kT0 + 40 * kDay, 1)).ok());
  const std::string path = "aggregations/m1_daily_" + std::to_string(kT0 + 40 * kDay);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!db_->Get(path).ok() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_TRUE(db_->Get(path).ok());
}

TEST_P(AggregatorTest, OnlyTimeSeriesCollectionsAreAccepted) {
  AggregatorOptions o;
  o.snapshots = "monitors";
  EXPECT_EQ(Aggregator::Open(db_.get(), o).status().code(), StatusCode::kFailedPrecondition);
}

INSTANTIATE_TEST_SUITE_P(Backends, AggregatorTest, ::testing::Values(Backend::kInMemory, Backend::kOnDisk),
                         BackendName);

}  // namespace
}  // namespace hearth::testing
