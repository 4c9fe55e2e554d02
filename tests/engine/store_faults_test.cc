// Damage injected below hearth (straight into RocksDB) is reported, never
// crashes and never returns garbage.
#include <algorithm>

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include "engine/counter_merge.h"
#include "engine/keys.h"
#include "schema/document_body_fb.h"
#include "schema/document_codec.h"
#include "schema/key_encoding.h"
#include "tests/engine/raw_rocks.h"
#include "tests/test_util.h"

namespace hearth::testing {
namespace {

class StoreFaults : public ::testing::Test {
 protected:
  std::string Path() { return dir_.path() + "/db"; }
  void WithRocks(const std::function<void(rocksdb::DB*, ColumnFamilies&)>& f) { WithRawRocks(Path(), f); }
  std::unique_ptr<Database> OpenDb() {
    auto db = Database::Open(Options(), Path());
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    return std::move(db).value();
  }
  TempDir dir_;
};

TEST_F(StoreFaults, ACorruptedDocumentIsDataLossNamingIt) {
  {
    auto db = OpenDb();
    ASSERT_TRUE(db->Set("monitors/m1", Fields(R"({"user_id":"u","next_check":null})")).ok());
    ASSERT_TRUE(db->Close().ok());
  }
  DamageStoredDocument(Path(), "monitors/m1");
  auto db = OpenDb();
  auto d = db->Get("monitors/m1");
  EXPECT_EQ(d.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(d.status().message().find("monitors/m1"), std::string::npos);
  auto scan = db->Scan("monitors", [](const Document&) { return true; });
  EXPECT_EQ(scan.code(), StatusCode::kDataLoss);
  auto check = db->Check();
  ASSERT_TRUE(check.ok());
  ASSERT_FALSE(check->ok());
  EXPECT_NE(check->problems[0].find("monitors/m1"), std::string::npos) << check->problems[0];
  // Overwriting a corrupted document is refused rather than guessing its index entries.
  EXPECT_EQ(db->Set("monitors/m1", Fields("{}")).status().code(), StatusCode::kDataLoss);
}

// A store written before the series ledger existed: no ledger, no marker.
TEST_F(StoreFaults, AStoreWithoutASeriesLedgerBuildsItWhenOpened) {
  {
    auto db = OpenDb();
    WriteBatch b;
    for (int h = 0; h < 60; h++)
      b.Set("snapshots/m1_" + std::to_string(h),
            FieldsFor("snapshots", R"({"monitor_id":"m1","timestamp":)" + std::to_string(1767225600 + h * 3600) + "}"));
    ASSERT_TRUE(db->Write(b).ok());
    ASSERT_TRUE(db->Close().ok());
  }
  WithRocks([](rocksdb::DB* raw, auto& cfs) {
    const std::string all = engine::meta::Ledger("snapshots", "");
    ASSERT_TRUE(raw->DeleteRange(rocksdb::WriteOptions(), cfs["meta"], all, schema::PrefixSuccessor(all)).ok());
    ASSERT_TRUE(raw->Delete(rocksdb::WriteOptions(), cfs["meta"], engine::meta::LedgerReady("snapshots")).ok());
  });
  std::vector<std::string> tasks;
  auto db = OpenRecordingTasks(Path(), &tasks);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  EXPECT_NE(std::find(tasks.begin(), tasks.end(), "building the series ledger of snapshots"), tasks.end());
  auto check = (*db)->Check();
  ASSERT_TRUE(check.ok());
  EXPECT_TRUE(check->ok()) << check->problems[0];
  SeriesDeletion d;
  d.collection = "snapshots";
  d.before = {1767225600 + 50 * 3600 + 60, 0};  // two whole days and 3 hours of the third
  EXPECT_EQ(*(*db)->DeleteSeries(d), 51u);
  EXPECT_TRUE((*db)->Check()->ok());
}

TEST_F(StoreFaults, ASeriesLedgerThatDisagreesWithTheDocumentsIsReported) {
  {
    auto db = OpenDb();
    ASSERT_TRUE(db->Set("snapshots/m1_1", FieldsFor("snapshots", R"({"monitor_id":"m1","timestamp":1767225600})")).ok());
    ASSERT_TRUE(db->Close().ok());
  }
  WithRocks([](rocksdb::DB* raw, auto& cfs) {
    const std::string all = engine::meta::Ledger("snapshots", "");
    std::unique_ptr<rocksdb::Iterator> it(raw->NewIterator(rocksdb::ReadOptions(), cfs["meta"]));
    it->Seek(all);
    ASSERT_TRUE(it->Valid() && it->key().starts_with(all));
    ASSERT_TRUE(raw->Merge(rocksdb::WriteOptions(), cfs["meta"], it->key(), engine::EncodeCounters({1})).ok());
  });
  auto db = OpenDb();
  auto check = db->Check();
  ASSERT_TRUE(check.ok());
  ASSERT_FALSE(check->ok());
  EXPECT_NE(check->problems[0].find("series ledger of collection snapshots"), std::string::npos) << check->problems[0];
  EXPECT_NE(check->problems[0].find("says 2 documents"), std::string::npos) << check->problems[0];
}

// Options whose monitors collection compresses with `c`.
Options Compressed(DocumentCompression c) {
  Options o;
  for (const auto& d : MonitoringDomainCollections())
    if (d.id == "monitors") o.collections.push_back(d);
  o.collections[0].compression = c;
  o.dictionary_training_documents = 20;
  return o;
}

MapValue Monitor(int i) {
  std::string prose;
  for (int k = 0; k < 40; k++) prose += "the company grew its market share in region " + std::to_string(k % 7) + ". ";
  return Fields(R"({"user_id":"u)" + std::to_string(i) + R"(","status":"active","notes":")" + prose + "\"}");
}

TEST_F(StoreFaults, ACorruptedCompressedDocumentIsDataLossNamingIt) {
  {
    auto db = Database::Open(Compressed(DocumentCompression::kZstd), Path());
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Set("monitors/m1", Monitor(1)).ok());
    ASSERT_TRUE((*db)->Close().ok());
  }
  WithRocks([](rocksdb::DB* raw, auto& cfs) {
    std::string key = engine::PlainDocumentKey(*schema::ParseDocumentPath("monitors/m1"));
    std::string v;
    ASSERT_TRUE(raw->Get(rocksdb::ReadOptions(), cfs["doc.monitors"], key, &v).ok());
    ASSERT_EQ(v[1], 2);  // codec zstd
    v[v.size() / 2] ^= 0x10;
    ASSERT_TRUE(raw->Put(rocksdb::WriteOptions(), cfs["doc.monitors"], key, v).ok());
  });
  auto db = Database::Open(Compressed(DocumentCompression::kZstd), Path());
  ASSERT_TRUE(db.ok());
  auto d = (*db)->Get("monitors/m1");
  EXPECT_EQ(d.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(d.status().message().find("monitors/m1"), std::string::npos);
  auto check = (*db)->Check();
  ASSERT_TRUE(check.ok());
  EXPECT_FALSE(check->ok());
}

TEST_F(StoreFaults, ALostDictionaryFailsOnlyTheDocumentsThatNeedIt) {
  {
    auto db = Database::Open(Compressed(DocumentCompression::kZstdDictionary), Path());
    ASSERT_TRUE(db.ok());
    for (int i = 0; i < 30; i++) ASSERT_TRUE((*db)->Set("monitors/m" + std::to_string(i), Monitor(i)).ok());
    ASSERT_TRUE((*db)->Close().ok());
  }
  WithRocks([](rocksdb::DB* raw, auto& cfs) {
    ASSERT_TRUE(raw->Delete(rocksdb::WriteOptions(), cfs["meta"], "dict/1").ok());
  });

  auto db = Database::Open(Compressed(DocumentCompression::kZstdDictionary), Path());
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  EXPECT_TRUE((*db)->Get("monitors/m0").ok());  // written before the dictionary, plain zstd
  auto d = (*db)->Get("monitors/m29");
  EXPECT_EQ(d.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(d.status().message().find("monitors/m29"), std::string::npos) << d.status().message();
  EXPECT_NE(d.status().message().find("dictionary 1"), std::string::npos) << d.status().message();
  ASSERT_TRUE((*db)->Set("monitors/new", Monitor(99)).ok());
  EXPECT_EQ((*db)->Get("monitors/new")->fields, Monitor(99));
}

TEST_F(StoreFaults, DocumentsInFormatVersion2AreReadAndRecompressUpgradesThem) {
  MapValue fields = Monitor(7);
  {
    auto db = OpenDb();
    ASSERT_TRUE(db->Set("monitors/old", fields).ok());
    ASSERT_TRUE(db->Close().ok());
  }
  // Rewrite the stored value as format version 2 (FlatBuffers body) wrote it.
  WithRocks([&](rocksdb::DB* raw, auto& cfs) {
    std::string key = engine::PlainDocumentKey(*schema::ParseDocumentPath("monitors/old"));
    std::string v;
    ASSERT_TRUE(raw->Get(rocksdb::ReadOptions(), cfs["doc.monitors"], key, &v).ok());
    auto sd = schema::StoredDocument::Parse(v, "monitors/old");
    ASSERT_TRUE(sd.ok());
    std::string v2 = schema::WrapStoredPayload(
        2, schema::Codec::kNone, 0, schema::EncodeFlatBuffersBody(sd->Fields(), sd->create_time(), sd->update_time()));
    ASSERT_TRUE(raw->Put(rocksdb::WriteOptions(), cfs["doc.monitors"], key, v2).ok());
  });
  auto db = OpenDb();
  auto d = db->Get("monitors/old");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->fields, fields);
  RecompressRequest r;
  r.collection = "monitors";
  auto report = db->Recompress(r);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->collections[0].reencoded, 1u);
  EXPECT_EQ(db->Get("monitors/old")->fields, fields);
  EXPECT_EQ(db->Get("monitors/old")->create_time, d->create_time);
  EXPECT_TRUE(db->Check()->ok());
}

TEST_F(StoreFaults, CheckFindsMissingAndStrayIndexEntries) {
  {
    auto db = OpenDb();
    for (int i = 0; i < 5; i++)
      ASSERT_TRUE(db->Set("monitors/m" + std::to_string(i), FieldsFor("monitors", R"({"user_id":"u","status":"active",
          "created_at":"2026-01-01T00:00:00Z"})"))
                      .ok());
    ASSERT_TRUE(db->Check()->ok());
    ASSERT_TRUE(db->Close().ok());
  }
  const std::string idx = "idx.monitors.collection.user_id:asc,status:asc,created_at:desc";
  WithRocks([&](rocksdb::DB* raw, auto& cfs) {
    std::unique_ptr<rocksdb::Iterator> it(raw->NewIterator(rocksdb::ReadOptions(), cfs[idx]));
    it->SeekToFirst();
    ASSERT_TRUE(it->Valid());
    ASSERT_TRUE(raw->Delete(rocksdb::WriteOptions(), cfs[idx], it->key()).ok());
    std::string stray = it->key().ToString();
    stray.insert(stray.size() - 3, "zz");  // an entry for a document id that does not exist
    ASSERT_TRUE(raw->Put(rocksdb::WriteOptions(), cfs[idx], stray, "").ok());
    ASSERT_TRUE(raw->Put(rocksdb::WriteOptions(), cfs[idx], stray + "x", "").ok());
  });
  auto db = OpenDb();
  auto check = db->Check();
  ASSERT_TRUE(check.ok());
  ASSERT_FALSE(check->ok());
  std::string all;
  for (const auto& p : check->problems) all += p + "\n";
  EXPECT_NE(all.find("lacks its index entry"), std::string::npos) << all;
  EXPECT_NE(all.find("matches no stored document"), std::string::npos) << all;
}

TEST_F(StoreFaults, AnUnknownFormatVersionRefusesToOpen) {
  { auto db = OpenDb(); }
  WithRocks([](rocksdb::DB* raw, auto& cfs) {
    ASSERT_TRUE(raw->Put(rocksdb::WriteOptions(), cfs["meta"], "format_version", "99").ok());
  });
  auto db = Database::Open(Options(), Path());
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(db.status().message().find("format version 99"), std::string::npos);
}

TEST_F(StoreFaults, OpeningAMissingStoreWithoutCreateSaysHowToMakeOne) {
  Options o;
  o.create_if_missing = false;
  auto db = Database::Open(o, Path());
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), StatusCode::kNotFound);
  EXPECT_NE(db.status().message().find("hearth init"), std::string::npos);
}

TEST_F(StoreFaults, ASecondOpenOfTheSameStoreIsRefused) {
  auto db = OpenDb();
  auto second = Database::Open(Options(), Path());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(second.status().message().find("in use"), std::string::npos) << second.status().message();
}

}  // namespace
}  // namespace hearth::testing
