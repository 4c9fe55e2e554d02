// Deferred name entries (engine/keys.h, meta::NameEntries): a new
// time-series collection writes none while every document is self-named,
// and builds them all, once, when a query scans in name order or a write
// stores another id. Whatever the state, by-path reads, name-ordered
// queries and `hearth check` agree with what was written.
#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <algorithm>
#include <string>
#include <vector>

#include "engine/keys.h"
#include "tests/engine/raw_rocks.h"
#include "tests/engine/self_named_docs.h"
#include "tests/test_util.h"

namespace hearth::testing {
namespace {

constexpr int64_t kT0 = kSelfNamedT0;
constexpr std::string_view kBuildTask = "building the name entries of snapshots";

class DeferredNames : public DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    Reopen(Recording());
  }
  Options Recording() {
    Options o;
    o.progress = [this](const Progress& p) {
      if (p.task == kBuildTask && p.done == 0) builds_++;
    };
    return o;
  }
  static MapValue Snap(const std::string& monitor, int64_t seconds, double v = 1) {
    return SelfNamedSnap(monitor, seconds, v);
  }
  static std::string Path(const std::string& monitor, int64_t seconds) { return SelfNamedPath(monitor, seconds); }
  // Hours 0..hours-1 of monitors m1 and m2, one batch per hour.
  void WriteHours(int hours) {
    for (int h = 0; h < hours; h++) {
      WriteBatch b;
      for (const char* m : {"m1", "m2"}) b.Set(Path(m, kT0 + h * 3600), Snap(m, kT0 + h * 3600));
      ASSERT_TRUE(db_->Write(b).ok());
    }
  }
  // Every snapshot's path, in the order a query without an ordering returns
  // them (document name).
  std::vector<std::string> ByName() {
    Query q;
    q.collection_id = "snapshots";
    std::vector<std::string> paths;
    Status s = db_->RunQuery(q, [&](const Document& d) { return paths.push_back(d.path), true; });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return paths;
  }
  static std::vector<std::string> Sorted(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
  }
  void ExpectCheckFinds(uint64_t documents) {
    auto check = db_->Check();
    ASSERT_TRUE(check.ok()) << check.status().ToString();
    EXPECT_TRUE(check->ok()) << check->problems[0];
    EXPECT_EQ(check->documents, documents);
  }
  // Closes the store and counts its name entries with RocksDB alone.
  size_t NameEntriesOnDisk() {
    EXPECT_TRUE(db_->Close().ok());
    db_.reset();
    size_t n = 0;
    WithRawRocks(dir_.path() + "/db", [&](rocksdb::DB* raw, ColumnFamilies& cfs) {
      std::unique_ptr<rocksdb::Iterator> it(raw->NewIterator(rocksdb::ReadOptions(), cfs["name.snapshots"]));
      for (it->SeekToFirst(); it->Valid(); it->Next()) n++;
    });
    return n;
  }
  int builds_ = 0;
};

TEST_P(DeferredNames, SelfNamedWritesReadsAndDeletesNeedNoNameEntry) {
  WriteHours(6);
  ASSERT_TRUE(db_->Set(Path("m1", kT0 + 3600), Snap("m1", kT0 + 3600, 2)).ok());  // an overwrite
  ASSERT_TRUE(db_->Delete(Path("m2", kT0)).ok());
  auto d = db_->Get(Path("m1", kT0 + 3600));
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->fields.at("news_sentiment"), Value::Double(2));
  EXPECT_EQ(db_->Get(Path("m2", kT0)).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(db_->Get("snapshots/m1").status().code(), StatusCode::kNotFound);  // an id spelling no key
  EXPECT_EQ(db_->Get(Path("m3", kT0)).status().code(), StatusCode::kNotFound);
  ExpectCheckFinds(11);
  EXPECT_EQ(builds_, 0);
  if (GetParam() == Backend::kOnDisk) {
    EXPECT_EQ(NameEntriesOnDisk(), 0u);
  }
}

TEST_P(DeferredNames, TheFirstNameOrderedQueryBuildsThemOnceAndWritesKeepThemAfter) {
  WriteHours(3);
  ASSERT_TRUE(db_->Delete(Path("m2", kT0)).ok());
  const std::vector<std::string> first = ByName();
  EXPECT_EQ(builds_, 1);
  EXPECT_EQ(first.size(), 5u);
  EXPECT_EQ(first, Sorted(first));
  EXPECT_EQ(std::count(first.begin(), first.end(), Path("m2", kT0)), 0);
  WriteHours(4);  // hour 3 is new, and m2's hour 0 is back
  ASSERT_TRUE(db_->Delete(Path("m1", kT0 + 3600)).ok());
  const std::vector<std::string> second = ByName();
  EXPECT_EQ(builds_, 1);
  EXPECT_EQ(second.size(), 7u);
  EXPECT_EQ(second, Sorted(second));
  EXPECT_EQ(std::count(second.begin(), second.end(), Path("m1", kT0 + 3600)), 0);
  ExpectCheckFinds(7);
  if (GetParam() == Backend::kInMemory) return;
  Reopen(Recording());  // built stays built
  EXPECT_EQ(ByName(), second);
  EXPECT_EQ(builds_, 1);
  EXPECT_EQ(NameEntriesOnDisk(), 7u);
}

TEST_P(DeferredNames, AReopenedStoreStillDefersThem) {
  if (GetParam() == Backend::kInMemory) GTEST_SKIP() << "nothing survives a reopen in memory";
  WriteHours(2);
  Reopen(Recording());
  EXPECT_TRUE(db_->Get(Path("m2", kT0 + 3600)).ok());
  EXPECT_EQ(builds_, 0);
  EXPECT_EQ(ByName().size(), 4u);
  EXPECT_EQ(builds_, 1);
}

// A document whose id spells another partition and time than it holds is
// not at the key its path spells: its write builds every entry first, in
// the same batch gives its own and the batch's others theirs, and from then
// on writes go through the names.
TEST_P(DeferredNames, AWriteOfAnotherIdBuildsThemBeforeItCommits) {
  WriteHours(2);
  WriteBatch b;
  b.Set(Path("m1", kT0 + 7200), Snap("m1", kT0 + 7200));
  b.Set(Path("m1", kT0 + 86400), Snap("m1", kT0 + 60));  // spells a day later
  b.Set(Path("m2", kT0 + 7200), Snap("m2", kT0 + 7200));
  b.Delete(Path("m2", kT0));
  ASSERT_TRUE(db_->Write(b).ok());
  EXPECT_EQ(builds_, 1);
  for (const std::string& p : {Path("m1", kT0), Path("m1", kT0 + 7200), Path("m1", kT0 + 86400), Path("m2", kT0 + 7200)})
    EXPECT_TRUE(db_->Get(p).ok()) << p;
  EXPECT_EQ(db_->Get(Path("m2", kT0)).status().code(), StatusCode::kNotFound);
  const Timestamp created = db_->Get(Path("m1", kT0 + 86400))->create_time;
  ASSERT_TRUE(db_->Set(Path("m1", kT0 + 86400), Snap("m1", kT0 + 60, 5)).ok());  // found, not a second document
  EXPECT_EQ(db_->Get(Path("m1", kT0 + 86400))->create_time, created);
  EXPECT_EQ(ByName().size(), 6u);
  EXPECT_EQ(builds_, 1);
  ExpectCheckFinds(6);
  if (GetParam() == Backend::kOnDisk) {
    EXPECT_EQ(NameEntriesOnDisk(), 6u);
  }
}

// A build that stopped half way (a crash) left some entries: while the
// names are still deferred they are never read, `hearth check` accepts
// them, and a delete removes its document's entry, so the next build makes
// exactly one per document.
TEST_P(DeferredNames, EntriesOfAnUnfinishedBuildAreHarmless) {
  if (GetParam() == Backend::kInMemory) GTEST_SKIP() << "the store is edited below hearth";
  WriteHours(3);
  ASSERT_TRUE(db_->Close().ok());
  db_.reset();
  WithRawRocks(dir_.path() + "/db", [&](rocksdb::DB* raw, ColumnFamilies& cfs) {
    std::unique_ptr<rocksdb::Iterator> it(raw->NewIterator(rocksdb::ReadOptions(), cfs["doc.snapshots"]));
    it->SeekToFirst();
    for (int k = 0; k < 2 && it->Valid(); k++, it->Next()) {  // the first two documents: m1's hours 0 and 1
      schema::ResourcePath p;
      ASSERT_TRUE(engine::DocumentPathFromKey(std::string_view(it->key().data(), it->key().size()), true, &p));
      ASSERT_TRUE(raw->Put(rocksdb::WriteOptions(), cfs["name.snapshots"],
                           engine::PlainDocumentKey(schema::DocumentPath{p}), it->key())
                      .ok());
    }
  });
  Reopen(Recording());
  ExpectCheckFinds(6);
  ASSERT_TRUE(db_->Delete(Path("m1", kT0)).ok());
  EXPECT_EQ(ByName().size(), 5u);
  EXPECT_EQ(builds_, 1);
  ExpectCheckFinds(5);
}

// Both "other ids" and "deferred" can only come from an edit by hand; the
// store builds the names when it opens the collection, before any lookup.
TEST_P(DeferredNames, AStoreSayingOtherIdsAndDeferredBuildsThemAtOnce) {
  if (GetParam() == Backend::kInMemory) GTEST_SKIP() << "the store is edited below hearth";
  WriteHours(2);
  ASSERT_TRUE(db_->Close().ok());
  db_.reset();
  WithRawRocks(dir_.path() + "/db", [](rocksdb::DB* raw, ColumnFamilies& cfs) {
    ASSERT_TRUE(raw->Put(rocksdb::WriteOptions(), cfs["meta"], engine::meta::Ids("snapshots"),
                         std::string(engine::meta::kOtherIds))
                    .ok());
  });
  Reopen(Recording());
  ASSERT_TRUE(db_->Set(Path("m1", kT0), Snap("m1", kT0, 3)).ok());  // looked up by name: found
  EXPECT_EQ(builds_, 1);
  ExpectCheckFinds(4);
}

INSTANTIATE_TEST_SUITE_P(Backends, DeferredNames, ::testing::Values(Backend::kInMemory, Backend::kOnDisk),
                         BackendName);

}  // namespace
}  // namespace hearth::testing
