#include "engine/latest_documents.h"

#include <gtest/gtest.h>

#include <atomic>
#include <optional>
#include <thread>
#include <vector>

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

TEST(LatestDocuments, AfterComparesAKeyWithThePartitionsNewest) {
  LatestDocuments t(1 << 20);
  EXPECT_EQ(t.After(Prefix("m1"), Key("m1", 60)), std::nullopt);  // unknown partition
  t.Install(Prefix("m1"), t.Generation(Prefix("m1")), Key("m1", 50), "v50");
  EXPECT_EQ(t.After(Prefix("m1"), Key("m1", 60)), true);
  EXPECT_EQ(t.After(Prefix("m1"), Key("m1", 50)), false);  // the newest itself
  EXPECT_EQ(t.After(Prefix("m1"), Key("m1", 40)), false);
  EXPECT_EQ(t.After(Prefix("m10"), Key("m10", 60)), std::nullopt);  // a neighbouring partition
  LatestDocuments off(0);
  EXPECT_EQ(off.After(Prefix("m1"), Key("m1", 60)), std::nullopt);
}

// A value a reader holds never changes under it: the write makes a new one.
// A value no one holds is rewritten in place (a write allocates nothing).
TEST(LatestDocuments, AWriteRewritesAValueInPlaceOnlyWhenNoReaderHoldsIt) {
  LatestDocuments t(1 << 20);
  t.Install(Prefix("m1"), t.Generation(Prefix("m1")), Key("m1", 50), std::string(100, 'a'));
  std::optional<LatestDocuments::Entry> held = t.Get(Prefix("m1"));
  ASSERT_TRUE(held);
  const std::string* first = held->stored.get();
  t.Wrote(Prefix("m1"), Key("m1", 60), std::string(100, 'b'));
  EXPECT_EQ(*held->stored, std::string(100, 'a'));  // unchanged for its reader
  EXPECT_EQ(held->pk, Key("m1", 50));
  const std::string* second = t.Get(Prefix("m1"))->stored.get();
  EXPECT_NE(second, first);
  held.reset();
  t.Wrote(Prefix("m1"), Key("m1", 70), std::string(100, 'c'));
  auto now = t.Get(Prefix("m1"));
  EXPECT_EQ(now->stored.get(), second);  // no one held it: the same value, rewritten
  EXPECT_EQ(*now->stored, std::string(100, 'c'));
  EXPECT_EQ(now->pk, Key("m1", 70));
  EXPECT_EQ(t.bytes(), Prefix("m1").size() + Key("m1", 70).size() + 100 + 64);
}

// The write path hands its buffer over: taken by a swap when no reader
// holds the replaced value (the caller gets that value's buffer back),
// moved into a new value when one does (the reader's stays as it was).
TEST(LatestDocuments, AWriteCanTakeTheCallersBytes) {
  LatestDocuments t(1 << 20);
  t.Install(Prefix("m1"), t.Generation(Prefix("m1")), Key("m1", 50), std::string(100, 'a'));
  std::optional<LatestDocuments::Entry> held = t.Get(Prefix("m1"));
  std::string bytes(100, 'b');
  t.Wrote(Prefix("m1"), Key("m1", 60), &bytes);
  EXPECT_EQ(*held->stored, std::string(100, 'a'));  // unchanged for its reader
  EXPECT_EQ(*t.Get(Prefix("m1"))->stored, std::string(100, 'b'));
  held.reset();
  bytes.assign(100, 'c');
  const char* given = bytes.data();
  t.Wrote(Prefix("m1"), Key("m1", 70), &bytes);
  auto now = t.Get(Prefix("m1"));
  EXPECT_EQ(*now->stored, std::string(100, 'c'));
  EXPECT_EQ(now->stored->data(), given);  // taken, not copied
  EXPECT_EQ(bytes, std::string(100, 'b'));  // the replaced value's buffer, back to the caller
  std::string older(10, 'd');
  t.Wrote(Prefix("m1"), Key("m1", 65), &older);  // older: nothing taken
  EXPECT_EQ(older, std::string(10, 'd'));
  EXPECT_EQ(*t.Get(Prefix("m1"))->stored, std::string(100, 'c'));
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
  LatestDocuments t(3 * one, /*shards=*/1);
  for (int m = 1; m <= 3; m++)
    t.Install(Prefix("m" + std::to_string(m)), 0, Key("m" + std::to_string(m), 1), std::string(1000, 'x'));
  EXPECT_EQ(t.bytes(), 3 * one);
  ASSERT_NE(Newest(t, "m1"), "(unknown)");  // m1 read: m2 is now the least recent
  t.Install(Prefix("m4"), 0, Key("m4", 1), std::string(1000, 'x'));
  EXPECT_EQ(Newest(t, "m2"), "(unknown)");
  EXPECT_NE(Newest(t, "m1"), "(unknown)");
  EXPECT_NE(Newest(t, "m4"), "(unknown)");
  EXPECT_LE(t.bytes(), 3 * one);
  ASSERT_NE(Newest(t, "m1"), "(unknown)");
  ASSERT_NE(Newest(t, "m3"), "(unknown)");  // m4 is now the least recently read
  t.Wrote(Prefix("m4"), Key("m4", 2), std::string(1000, 'y'));  // a write is not a read
  t.Install(Prefix("m5"), t.Generation(Prefix("m5")), Key("m5", 1), std::string(1000, 'x'));
  EXPECT_EQ(Newest(t, "m4"), "(unknown)");
  EXPECT_NE(Newest(t, "m5"), "(unknown)");
  EXPECT_NE(Newest(t, "m1"), "(unknown)");
  EXPECT_LE(t.bytes(), 3 * one);
  LatestDocuments off(0);
  off.Install(Prefix("m1"), 0, Key("m1", 1), "v");
  EXPECT_FALSE(off.enabled());
  EXPECT_EQ(Newest(off, "m1"), "(unknown)");
}

TEST(LatestDocuments, HasRoomUntilSevenEighthsFull) {
  const size_t one = Prefix("m1").size() + Key("m1", 1).size() + 1000 + 64;
  LatestDocuments t(8 * one, /*shards=*/1);
  for (int m = 1; m <= 6; m++) {
    EXPECT_TRUE(t.HasRoom(Prefix("m9"))) << m;
    t.Install(Prefix("m" + std::to_string(m)), 0, Key("m" + std::to_string(m), 1), std::string(1000, 'x'));
  }
  EXPECT_TRUE(t.HasRoom(Prefix("m9")));  // 6/8
  t.Install(Prefix("m7"), 0, Key("m7", 1), std::string(1000, 'x'));
  EXPECT_FALSE(t.HasRoom(Prefix("m9")));  // 7/8
  t.Removed(Prefix("m7"), Key("m7", 1));
  EXPECT_TRUE(t.HasRoom(Prefix("m9")));
  EXPECT_FALSE(LatestDocuments(0).HasRoom(Prefix("m1")));
}

// Each shard holds its share of the capacity; together they stay within it.
TEST(LatestDocuments, ShardsTogetherStayWithinTheCapacity) {
  const size_t one = Prefix("m100").size() + Key("m100", 1).size() + 1000 + 64;
  LatestDocuments t(64 * one, 16);
  for (int m = 100; m < 400; m++)
    t.Install(Prefix("m" + std::to_string(m)), 0, Key("m" + std::to_string(m), 1), std::string(1000, 'x'));
  EXPECT_LE(t.bytes(), 64 * one);
  EXPECT_GE(t.bytes(), 16 * one);  // every shard holds what fits in its share
  int known = 0;
  for (int m = 100; m < 400; m++) known += Newest(t, "m" + std::to_string(m)) != "(unknown)";
  EXPECT_EQ(known * one, t.bytes());
}

// Readers on several threads and the writer: what a reader finds is never
// older than what was written before it looked.
TEST(LatestDocuments, ReadersNeverSeeAnOlderDocumentThanTheWriterWrote) {
  LatestDocuments t(1 << 20);
  constexpr int kMonitors = 8, kWrites = 2000;
  std::vector<std::atomic<int>> written(kMonitors);
  for (int m = 0; m < kMonitors; m++) {
    const std::string id = "m" + std::to_string(m);
    t.Install(Prefix(id), t.Generation(Prefix(id)), Key(id, 0), "0");
  }
  std::atomic<bool> done{false};
  std::atomic<int> stale{0}, torn{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; r++)
    readers.emplace_back([&, r] {
      for (int i = r; !done.load(); i++) {
        const int m = i % kMonitors;
        const int before = written[m].load();
        auto e = t.Get(Prefix("m" + std::to_string(m)));
        if (!e) continue;
        const std::string seen = *e->stored;
        if (std::stoi(seen) < before) stale++;
        // What a reader holds is one document, and stays it while held
        // (a write rewrites a value in place only when no one holds it).
        if (e->pk != Key("m" + std::to_string(m), std::stoi(seen))) torn++;
        std::this_thread::yield();
        if (*e->stored != seen) torn++;
      }
    });
  for (int w = 1; w <= kWrites; w++) {
    const int m = w % kMonitors;
    const std::string id = "m" + std::to_string(m);
    t.Wrote(Prefix(id), Key(id, w), std::to_string(w));
    written[m].store(w);
  }
  done = true;
  for (auto& th : readers) th.join();
  EXPECT_EQ(stale.load(), 0);
  EXPECT_EQ(torn.load(), 0);
  for (int m = 0; m < kMonitors; m++) EXPECT_EQ(Newest(t, "m" + std::to_string(m)), std::to_string(written[m].load()));
}

}  // namespace
}  // namespace hearth::engine
