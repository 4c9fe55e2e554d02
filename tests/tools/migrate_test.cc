// `hearth migrate` as a library call (tools/migrate.h).
#include "tools/migrate.h"

#include <gtest/gtest.h>

#include "tests/test_util.h"

namespace hearth::testing {
namespace {

constexpr int64_t kT0 = 1767225600;  // 2026-01-01T00:00:00Z
constexpr int64_t kDay = 86400;

class Migrate : public DatabaseTest {
 protected:
  void StoreDaily(const std::string& monitor, int days) {
    WriteBatch b;
    for (int d = 0; d < days; d++)
      b.Set("snapshots/" + monitor + "_" + std::to_string(kT0 + d * kDay),
            MapValue{{"monitor_id", Value::String(monitor)},
                     {"timestamp", Value::Time({kT0 + d * kDay, 0})},
                     {"financial_metrics", Value::Map({{"revenue", Value::Double(d)}})},
                     {"strategic_position", Value::String(std::string(600, 'x'))}});  // zstd shrinks it
    ASSERT_TRUE(db_->Write(b).ok());
  }
  StatusOr<tools::MigrateReport> Run(tools::MigrateRequest r) {
    auto agg = Aggregator::Open(db_.get());
    EXPECT_TRUE(agg.ok());
    return tools::Migrate(*db_, **agg, r);
  }
};

TEST_P(Migrate, ReencodesAndBackfillsEveryMonitorAndItsDryRunSaysExactlyThat) {
  if (GetParam() == Backend::kInMemory) GTEST_SKIP() << "needs a reopen with another codec";
  StoreDaily("m1", 20);
  StoreDaily("m2", 20);
  // m2's monitor was created on day 15: its window starts there.
  ASSERT_TRUE(db_->Set("monitors/m2", MapValue{{"user_id", Value::String("u")},
                                               {"created_at", Value::Time({kT0 + 15 * kDay, 0})}}).ok());
  // From now on snapshots are stored with zstd: the stored ones are not yet.
  Options zstd;
  zstd.collections.push_back(*db_->Collection("snapshots"));
  zstd.collections[0].compression = DocumentCompression::kZstd;
  Reopen(zstd);
  tools::MigrateRequest r;
  r.days = 10;
  r.end = {kT0 + 20 * kDay, 0};  // days 10..19
  r.dry_run = true;
  auto dry = Run(r);
  ASSERT_TRUE(dry.ok()) << dry.status().ToString();
  EXPECT_EQ(dry->monitors, 2u);
  EXPECT_EQ(dry->snapshots, 15u);  // m1: days 10..19; m2: days 15..19
  EXPECT_EQ(dry->reencoded, 15u);
  EXPECT_EQ(dry->rollups.periods.at(Period::kDaily).created, 15u);
  EXPECT_TRUE(dry->errors.empty());
  r.dry_run = false;
  auto real = Run(r);
  ASSERT_TRUE(real.ok());
  EXPECT_EQ(real->snapshots, dry->snapshots);
  EXPECT_EQ(real->reencoded, dry->reencoded);
  EXPECT_EQ(real->rollups.periods, dry->rollups.periods);
  auto again = Run(r);
  EXPECT_EQ(again->reencoded, 0u);
  EXPECT_EQ(again->rollups.written(), 0u);
  EXPECT_TRUE(db_->Get("aggregations/m1_daily_" + std::to_string(kT0 + 10 * kDay)).ok());
  EXPECT_FALSE(db_->Get("aggregations/m1_daily_" + std::to_string(kT0 + 9 * kDay)).ok());  // before the window
  EXPECT_FALSE(db_->Get("aggregations/m2_daily_" + std::to_string(kT0 + 14 * kDay)).ok());  // before its creation
  auto check = db_->Check();
  ASSERT_TRUE(check.ok());
  EXPECT_TRUE(check->ok()) << check->problems[0];
  // One monitor; an unknown one is an error, not an empty success.
  r.monitor_id = "m1";
  EXPECT_EQ(Run(r)->monitors, 1u);
  r.monitor_id = "m9";
  EXPECT_EQ(Run(r).status().code(), StatusCode::kNotFound);
  r.days = 0;
  EXPECT_EQ(Run(r).status().code(), StatusCode::kInvalidArgument);
}

INSTANTIATE_TEST_SUITE_P(Backends, Migrate, ::testing::Values(Backend::kInMemory, Backend::kOnDisk), BackendName);

}  // namespace
}  // namespace hearth::testing
