// Projections of time-series documents (CollectionDef::projection), on
// every backend.
#include <gtest/gtest.h>

#include <algorithm>

#include "hearth/aggregator.h"
#include "tests/test_util.h"

namespace hearth::testing {
namespace {

constexpr int64_t kT0 = 1767225600;  // 2026-01-01T00:00:00Z

MapValue Snap(const std::string& monitor, int64_t seconds, double revenue) {
  return MapValue{{"monitor_id", Value::String(monitor)},
                  {"timestamp", Value::Time({seconds, 0})},
                  {"company", Value::String("Tesla")},
                  {"news_sentiment", Value::Double(revenue / 100)},
                  {"market_trends", Value::Array({Value::String("EV")})},
                  {"financial_metrics", Value::Map({{"revenue", Value::Double(revenue)}})}};
}

Options Projecting(std::vector<std::string> fields) {
  Options o;
  for (const auto& d : MonitoringDomainCollections())
    if (d.id == "snapshots") o.collections.push_back(d);
  o.collections[0].projection = std::move(fields);
  return o;
}

class Projection : public DatabaseTest {
 protected:
  void SetUp() override { Open(Projecting({"financial_metrics", "news_sentiment"})); }
  // (seconds after kT0, revenue, field names) of m1's projections, oldest first.
  std::vector<std::string> Projected(const std::string& monitor = "m1") {
    std::vector<std::string> out;
    SeriesScan scan;
    scan.collection = "snapshots";
    scan.partition = Value::String(monitor);
    scan.projection = true;
    Status s = db_->ScanSeries(scan, [&](const DocumentView& v) {
      std::string names;
      for (const auto& [k, x] : v.Fields()) names += k + ",";
      auto revenue = v.Get(std::vector<std::string>{"financial_metrics", "revenue"});
      out.push_back(std::to_string(v.Get("timestamp")->timestamp().seconds - kT0) + " " +
                    (revenue ? std::to_string(static_cast<int>(revenue->dbl())) : "-") + " " + names);
      return true;
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return out;
  }
  void ExpectConsistent() {
    auto check = db_->Check();
    ASSERT_TRUE(check.ok());
    EXPECT_TRUE(check->ok()) << check->problems[0];
  }
};

TEST_P(Projection, HoldsTheProjectedFieldsAndFollowsEveryChange) {
  for (int h = 0; h < 4; h++) ASSERT_TRUE(db_->Set("snapshots/m1_" + std::to_string(h), Snap("m1", kT0 + h * 3600, h)).ok());
  ASSERT_TRUE(db_->Set("snapshots/m10_0", Snap("m10", kT0, 99)).ok());
  const std::string fields = "financial_metrics,news_sentiment,timestamp,";  // with the time field, nothing else
  EXPECT_EQ(Projected(), (std::vector<std::string>{"0 0 " + fields, "3600 1 " + fields, "7200 2 " + fields,
                                                   "10800 3 " + fields}));
  ExpectConsistent();
  ASSERT_TRUE(db_->Set("snapshots/m1_1", Snap("m1", kT0 + 3600, 50)).ok());       // rewritten
  ASSERT_TRUE(db_->Set("snapshots/m1_2", Snap("m1", kT0 + 5 * 3600, 20)).ok());   // moved in time
  ASSERT_TRUE(db_->Delete("snapshots/m1_3").ok());                                 // deleted
  EXPECT_EQ(Projected(), (std::vector<std::string>{"0 0 " + fields, "3600 50 " + fields, "18000 20 " + fields}));
  ExpectConsistent();
  SeriesDeletion d;
  d.collection = "snapshots";
  d.before = {kT0 + 2 * 3600, 0};
  EXPECT_EQ(*db_->DeleteSeries(d), 3u);  // m1 at 0 and 1 h, m10 at 0
  EXPECT_EQ(Projected(), (std::vector<std::string>{"18000 20 " + fields}));
  EXPECT_TRUE(Projected("m10").empty());
  ExpectConsistent();
}

TEST_P(Projection, ChangingTheFieldsRebuildsItAndNoneForgetsIt) {
  if (GetParam() == Backend::kInMemory) GTEST_SKIP() << "needs a reopen";
  for (int h = 0; h < 3; h++) ASSERT_TRUE(db_->Set("snapshots/m1_" + std::to_string(h), Snap("m1", kT0 + h * 3600, h)).ok());
  Options other = Projecting({"company"});
  std::vector<std::string> tasks;
  other.progress = [&](const Progress& p) { tasks.push_back(p.task); };
  Reopen(other);
  EXPECT_NE(std::find(tasks.begin(), tasks.end(), "building the projection of snapshots"), tasks.end());
  EXPECT_EQ(Projected(), (std::vector<std::string>{"0 - company,timestamp,", "3600 - company,timestamp,",
                                                   "7200 - company,timestamp,"}));
  ExpectConsistent();
  Reopen();  // the domain's snapshots keep no projection
  SeriesScan scan;
  scan.collection = "snapshots";
  scan.partition = Value::String("m1");
  scan.projection = true;
  EXPECT_EQ(db_->ScanSeries(scan, [](const DocumentView&) { return true; }).code(), StatusCode::kFailedPrecondition);
  ASSERT_TRUE(db_->Set("snapshots/m1_9", Snap("m1", kT0 + 9 * 3600, 9)).ok());  // written without a projection
  tasks.clear();
  Reopen(other);  // the same fields as before, but the old copy is stale: rebuilt
  EXPECT_NE(std::find(tasks.begin(), tasks.end(), "building the projection of snapshots"), tasks.end());
  EXPECT_EQ(Projected().size(), 4u);
  ExpectConsistent();
}

TEST_P(Projection, RollupsReadItAndComputeTheSame) {
  for (int h = 0; h < 48; h++)
    ASSERT_TRUE(db_->Set("snapshots/m1_" + std::to_string(h), Snap("m1", kT0 + h * 3600, 100 + (h % 7) * 10)).ok());
  auto clock = [] { return Timestamp{kT0 + 400 * 86400, 0}; };
  AggregatorOptions o;
  o.clock = clock;
  auto with = Aggregator::Open(db_.get(), o);  // the projection lacks market_trends: whole documents are read
  ASSERT_TRUE(with.ok());
  auto whole = (*with)->Compute("m1", Period::kDaily, {kT0, 0});
  ASSERT_TRUE(whole.ok() && whole->has_value());
  with->reset();
  if (GetParam() == Backend::kInMemory) return;
  Reopen(Projecting({"financial_metrics", "news_sentiment", "market_trends"}));
  auto projected = Aggregator::Open(db_.get(), o);
  ASSERT_TRUE(projected.ok());
  auto from_projection = (*projected)->Compute("m1", Period::kDaily, {kT0, 0});
  ASSERT_TRUE(from_projection.ok() && from_projection->has_value());
  EXPECT_EQ((*from_projection)->ToFields(), (*whole)->ToFields());
  EXPECT_EQ((*from_projection)->most_common_market_trends, std::vector<std::string>{"EV"});
}

INSTANTIATE_TEST_SUITE_P(Backends, Projection, ::testing::Values(Backend::kInMemory, Backend::kOnDisk), BackendName);

}  // namespace
}  // namespace hearth::testing
