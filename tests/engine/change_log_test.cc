// The change log (the sync adapter's outbox): what a write appends to it.
#include <gtest/gtest.h>

#include "engine/keys.h"
#include "tests/engine/raw_rocks.h"
#include "tests/test_util.h"

namespace hearth::testing {
namespace {

using engine::ChangeOp;

class ChangeLog : public ::testing::Test {
 protected:
  std::string Path() { return dir_.path() + "/db"; }
  // Every record of the closed store's log, decoded, in sequence order.
  std::vector<engine::Change> Records() {
    std::vector<engine::Change> out;
    WithRawRocks(Path(), [&](rocksdb::DB* raw, ColumnFamilies& cfs) {
      std::unique_ptr<rocksdb::Iterator> it(raw->NewIterator(rocksdb::ReadOptions(), cfs["log"]));
      for (it->SeekToFirst(); it->Valid(); it->Next()) {
        auto c = engine::ParseChangeRecord(it->value().ToString());
        ASSERT_TRUE(c.ok()) << c.status().ToString();
        out.push_back(std::move(*c));
      }
    });
    return out;
  }
  TempDir dir_;
};

TEST_F(ChangeLog, ABatchIsOneRecordNamingEachWriteInOrder) {
  Timestamp single, batched;
  {
    auto db = Database::Open(Options(), Path());
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    single = *(*db)->Set("monitors/m0", Fields(R"({"user_id":"u"})"));
    WriteBatch b;
    b.Set("monitors/m1", Fields(R"({"user_id":"u"})"));
    b.Set("monitors/m2", Fields(R"({"user_id":"v"})"));
    b.Delete("monitors/m0");
    b.Update("monitors/m1", Fields(R"({"status":"active"})"));
    auto t = (*db)->Write(b);
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    batched = *t;
    EXPECT_EQ((*db)->GetStats()->change_log_records, 2u);
    ASSERT_TRUE((*db)->Close().ok());
  }
  std::vector<engine::Change> log = Records();
  ASSERT_EQ(log.size(), 2u);
  // A lone write keeps the one-document record.
  EXPECT_EQ(log[0].op, ChangeOp::kSet);
  EXPECT_EQ(log[0].update_time, single);
  EXPECT_EQ(log[0].paths, std::vector<std::string>{"monitors/m0"});
  EXPECT_TRUE(log[0].path_ops.empty());
  EXPECT_EQ(log[1].op, ChangeOp::kBatch);
  EXPECT_EQ(log[1].update_time, batched);
  EXPECT_EQ(log[1].paths, (std::vector<std::string>{"monitors/m1", "monitors/m2", "monitors/m0", "monitors/m1"}));
  EXPECT_EQ(log[1].path_ops, (std::vector<ChangeOp>{ChangeOp::kSet, ChangeOp::kSet, ChangeOp::kDelete, ChangeOp::kSet}));
}

TEST_F(ChangeLog, AFailedBatchAppendsNothing) {
  {
    auto db = Database::Open(Options(), Path());
    ASSERT_TRUE(db.ok());
    WriteBatch b;
    b.Set("monitors/m1", Fields(R"({"user_id":"u"})"));
    b.Update("monitors/missing", Fields(R"({"status":"active"})"));
    EXPECT_EQ((*db)->Write(b).status().code(), StatusCode::kNotFound);
    EXPECT_EQ((*db)->GetStats()->change_log_records, 0u);
    ASSERT_TRUE((*db)->Close().ok());
  }
  EXPECT_TRUE(Records().empty());
}

TEST(ChangeRecords, ABatchRecordDecodesBackAndRejectsDamage) {
  const Timestamp t{1767225600, 7};
  std::string r = engine::ChangeRecord(ChangeOp::kBatch, t, {});
  engine::AppendBatchChange(&r, ChangeOp::kSet, "snapshots/a");
  engine::AppendBatchChange(&r, ChangeOp::kDelete, std::string(300, 'b'));  // a two-byte length
  auto c = engine::ParseChangeRecord(r);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->update_time, t);
  EXPECT_EQ(c->paths, (std::vector<std::string>{"snapshots/a", std::string(300, 'b')}));
  EXPECT_EQ(c->path_ops, (std::vector<ChangeOp>{ChangeOp::kSet, ChangeOp::kDelete}));

  std::string truncated = r.substr(0, r.size() - 1);
  EXPECT_EQ(engine::ParseChangeRecord(truncated).status().code(), StatusCode::kDataLoss);
  std::string bad_op = engine::ChangeRecord(ChangeOp::kBatch, t, {});
  engine::AppendBatchChange(&bad_op, ChangeOp::kDeleteRange, "snapshots/a");
  auto bad = engine::ParseChangeRecord(bad_op);
  EXPECT_EQ(bad.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(bad.status().message().find("unknown operation 4 in a batch"), std::string::npos) << bad.status().ToString();
}

}  // namespace
}  // namespace hearth::testing
