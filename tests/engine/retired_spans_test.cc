#include "engine/retired_spans.h"

#include <gtest/gtest.h>

#include "engine/keys.h"
#include "schema/key_encoding.h"
#include "schema/path.h"

namespace hearth::engine {
namespace {

std::string Prefix(const std::string& collection, const std::string& monitor) {
  return TimeSeriesPartitionPrefix(schema::ParseCollectionPath(collection)->path, Value::String(monitor));
}

std::string Key(const std::string& collection, const std::string& monitor, int64_t seconds) {
  std::string k = Prefix(collection, monitor);
  schema::AppendValue(&k, Value::Time({seconds, 0}));
  schema::AppendEscaped(&k, monitor + "_" + std::to_string(seconds), 1);
  return k;
}

std::string Cutoff(const std::string& collection, const std::string& monitor, int64_t seconds) {
  std::string k = Prefix(collection, monitor);
  schema::AppendValue(&k, Value::Time({seconds, 0}));
  return k;
}

TEST(RetiredSpans, HoldExactlyTheKeysBelowTheirCutoffInTheirOwnPartition) {
  RetiredSpans spans;
  spans.Retire("snapshots", Prefix("snapshots", "mon-1"), Cutoff("snapshots", "mon-1", 100));
  EXPECT_TRUE(spans.InSpan(Key("snapshots", "mon-1", 99)));
  EXPECT_FALSE(spans.InSpan(Key("snapshots", "mon-1", 100)));  // the cutoff itself stays
  EXPECT_FALSE(spans.InSpan(Key("snapshots", "mon-10", 50)));  // a neighbouring partition
  EXPECT_FALSE(spans.InSpan(Key("snapshots", "mon-0", 50)));
  EXPECT_FALSE(spans.InSpan(Key("monitors/m/snapshots", "mon-1", 50)));  // a nested collection
  EXPECT_FALSE(spans.InSpan(""));
}

TEST(RetiredSpans, KeepTheLargerCutoffAndRestoreOnFailure) {
  RetiredSpans spans;
  const std::string p = Prefix("snapshots", "m");
  EXPECT_FALSE(spans.Retire("snapshots", p, Cutoff("snapshots", "m", 200)).has_value());
  auto previous = spans.Retire("snapshots", p, Cutoff("snapshots", "m", 100));
  ASSERT_TRUE(previous.has_value());
  EXPECT_TRUE(spans.InSpan(Key("snapshots", "m", 150)));  // still 200
  previous = spans.Retire("snapshots", p, Cutoff("snapshots", "m", 300));
  spans.Restore("snapshots", p, previous);
  EXPECT_FALSE(spans.InSpan(Key("snapshots", "m", 250)));
  EXPECT_EQ(spans.Collections(), std::vector<std::string>{"snapshots"});
  spans.Forget("snapshots");
  EXPECT_FALSE(spans.Any("snapshots"));
  EXPECT_FALSE(spans.InSpan(Key("snapshots", "m", 150)));
}

TEST(RetiredSpans, TheCompactionFilterDropsOnlyEntriesNamingARetiredDocument) {
  auto spans = std::make_shared<RetiredSpans>();
  spans->Retire("snapshots", Prefix("snapshots", "m"), Cutoff("snapshots", "m", 100));
  auto factory = NewRetiredEntryFilterFactory(spans);
  rocksdb::CompactionFilter::Context context;
  auto filter = factory->CreateCompactionFilter(context);
  std::string unused;
  bool changed = false;
  auto drops = [&](const std::string& value) { return filter->Filter(0, "entry", value, &unused, &changed); };
  EXPECT_TRUE(drops(Key("snapshots", "m", 10)));
  EXPECT_FALSE(drops(Key("snapshots", "m", 100)));
  EXPECT_FALSE(drops(""));  // plain collections' entries carry no primary key
  spans->Forget("snapshots");
  EXPECT_FALSE(drops(Key("snapshots", "m", 10)));  // purged and forgotten: nothing is stale any more
}

}  // namespace
}  // namespace hearth::engine
