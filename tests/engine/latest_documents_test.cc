#include "engine/latest_documents.h"

#include <gtest/gtest.h>

#include "engine/keys.h"
#include "schema/key_encoding.h"
#include "schema/path.h"

namespace hearth::engine {
namespace {

std::string Prefix(const std::string& monitor) {
  return TimeSeriesPartitionPrefix(schema::ParseCollectionPath("snapshots")->path, Value::String(monitor));
}

std::string Key(const std::string& monitor, int64_t seconds) {
  std::string k = Prefix(monitor);
  schema::AppendValue(&k, Value::Time({seconds, 0}));
  schema::AppendEscaped(&k, monitor + "_" + std::to_string(seconds), 1);
  return k;
}

std::string Newest(LatestDocuments& t, const std::string& monitor) {
  auto e = t.Get(Prefix(monitor));
  return e ? *e->stored : "(unknown)";
}

TEST(TimeSeriesPartitionOf, StripsTheTimeAndTheEscapedId) {
  EXPECT_EQ(TimeSeriesPartitionOf(Key("m1", 100), "m1_100"), Prefix("m1"));
  std::string odd_id = std::string("a\0b\xff", 4);
  std::string k = Prefix("m1");
  schema::AppendValue(&k, Value::Time({5, 0}));
  schema::AppendEscaped(&k, odd_id, 1);
  EXPECT_EQ(TimeSeriesPartitionOf(k, odd_id), Prefix("m1"));
  EXPECT_EQ(TimeSeriesPartitionOf("short", "m1_100"), "");
}

TEST(LatestDocuments, AWriteReplacesTheEntryOnlyWithANewerDocument) {
  LatestDocuments t(1 << 20);
  EXPECT_EQ(Newest(t, "m1"), "(unknown)");
  t.Wrote(Prefix("m1"), Key("m1", 50), "v50");  // unknown partition: nothing learned
  EXPECT_EQ(Newest(t, "m1"), "(unknown)");
  t.Install(Prefix("m1"), t.Generation(Prefix("m1")), Key("m1", 50), "v50");
  EXPECT_EQ(Newest(t, "m1"), "v50");
  t.Wrote(Prefix("m1"), Key("m1", 40), "v40");  // older
  EXPECT_EQ(Newest(t, "m1"), "v50");
  t.Wrote(Prefix("m1"), Key("m1", 50), "v50b");  // the same document rewritten
  EXPECT_EQ(Newest(t, "m1"), "v50b");
  t.Wrote(Prefix("m1"), Key("m1", 60), "v60");
  EXPECT_EQ(Newest(t, "m1"), "v60");
  EXPECT_EQ(Newest(t, "m10"), "(unknown)");  // a neighbouring partition
}

TEST(LatestDocuments, RemovingTheNewestDocumentForgetsThePartition) {
  LatestDocuments t(1 << 20);
  t.Install(Prefix("m1"), t.Generation(Prefix("m1")), Key("m1", 50), "v50");
  t.Removed(Prefix("m1"), Key("m1", 40));  // an older one
  EXPECT_EQ(Newest(t, "m1"), "v50");
  t.Removed(Prefix("m1"), Key("m1", 50));
  EXPECT_EQ(Newest(t, "m1"), "(unknown)");
  t.Install(Prefix("m1"), t.Generation(Prefix("m1")), Key("m1", 50), "v50");
  t.RemovedRange(Prefix("m1"), Prefix("m1"), Key("m1", 50));  // [start, 50): 50 stays
  EXPECT_EQ(Newest(t, "m1"), "v50");
  t.RemovedRange(Prefix("m1"), Prefix("m1"), Key("m1", 51));
  EXPECT_EQ(Newest(t, "m1"), "(unknown)");
}

TEST(LatestDocuments, AScanDoesNotInstallWhatAWriteChangedMeanwhile) {
  LatestDocuments t(1 << 20);
  for (int change = 0; change < 3; change++) {
    const uint64_t g = t.Generation(Prefix("m1"));
    if (change == 0) t.Wrote(Prefix("m1"), Key("m1", 60), "v60");
    if (change == 1) t.Removed(Prefix("m1"), Key("m1", 50));
    if (change == 2) t.RemovedRange(Prefix("m1"), Prefix("m1"), Key("m1", 70));
    t.Install(Prefix("m1"), g, Key("m1", 50), "stale");
    EXPECT_EQ(Newest(t, "m1"), "(unknown)") << "change " << change;
  }
}

TEST(LatestDocuments, StaysWithinItsBytesDroppingTheLeastRecentlyRead) {
  const size_t one = Prefix("m1").size() + Key("m1", 1).size() + 1000 + 64;
  LatestDocuments t(3 * one);
  for (int m = 1; m <= 3; m++)
    t.Install(Prefix("m" + std::to_string(m)), 0, Key("m" + std::to_string(m), 1), std::string(1000, 'x'));
  EXPECT_EQ(t.bytes(), 3 * one);
  ASSERT_NE(Newest(t, "m1"), "(unknown)");  // m1 read: m2 is now the least recent
  t.Install(Prefix("m4"), 0, Key("m4", 1), std::string(1000, 'x'));
  EXPECT_EQ(Newest(t, "m2"), "(unknown)");
  EXPECT_NE(Newest(t, "m1"), "(unknown)");
  EXPECT_NE(Newest(t, "m4"), "(unknown)");
  EXPECT_LE(t.bytes(), 3 * one);
  LatestDocuments off(0);
  off.Install(Prefix("m1"), 0, Key("m1", 1), "v");
  EXPECT_FALSE(off.enabled());
  EXPECT_EQ(Newest(off, "m1"), "(unknown)");
}

}  // namespace
}  // namespace hearth::engine
