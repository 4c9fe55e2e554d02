// SortedWriteBatch hands a batch to RocksDB ordered by (column family, key),
// keeping the order of writes to one key.
#include "engine/sorted_write_batch.h"

#include <gtest/gtest.h>

#include "tests/test_util.h"

namespace hearth::testing {
namespace {

// Records what a RocksDB WriteBatch holds, in order.
struct Recorder : rocksdb::WriteBatch::Handler {
  std::vector<std::string> seen;
  rocksdb::Status PutCF(uint32_t cf, const rocksdb::Slice& k, const rocksdb::Slice& v) override {
    seen.push_back("put " + std::to_string(cf) + " " + k.ToString() + "=" + v.ToString());
    return rocksdb::Status::OK();
  }
  rocksdb::Status DeleteCF(uint32_t cf, const rocksdb::Slice& k) override {
    seen.push_back("delete " + std::to_string(cf) + " " + k.ToString());
    return rocksdb::Status::OK();
  }
  rocksdb::Status MergeCF(uint32_t cf, const rocksdb::Slice& k, const rocksdb::Slice& v) override {
    seen.push_back("merge " + std::to_string(cf) + " " + k.ToString() + "=" + v.ToString());
    return rocksdb::Status::OK();
  }
};

TEST(SortedWriteBatch, OrdersByColumnFamilyThenKeyAndKeepsEachKeysOrder) {
  TempDir dir;
  rocksdb::Options o;
  o.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(o, dir.path() + "/db", &raw).ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  rocksdb::ColumnFamilyHandle* second = nullptr;
  ASSERT_TRUE(db->CreateColumnFamily(rocksdb::ColumnFamilyOptions(), "second", &second).ok());
  rocksdb::ColumnFamilyHandle* first = db->DefaultColumnFamily();
  const std::string second_id = std::to_string(second->GetID());

  engine::SortedWriteBatch b;
  std::string doc = "document";
  b.Put(second, "k2", "a");
  b.PutBorrowed(first, "k9", doc);
  b.Put(first, "k1", "b");
  b.Delete(second, "k2");  // after the put of the same key: must stay after it
  b.Merge(second, "k0", "+1");
  b.Put(second, "k2", "c");
  doc[0] = 'D';  // a borrowed value is read when the batch is appended, not copied at Put
  rocksdb::WriteBatch wb;
  b.AppendTo(&wb);
  Recorder r;
  ASSERT_TRUE(wb.Iterate(&r).ok());
  EXPECT_EQ(r.seen, (std::vector<std::string>{"put 0 k1=b", "put 0 k9=Document", "merge " + second_id + " k0=+1",
                                              "put " + second_id + " k2=a", "delete " + second_id + " k2",
                                              "put " + second_id + " k2=c"}));

  // Cleared, it starts empty and can be filled again.
  b.Clear(0);
  rocksdb::WriteBatch empty;
  b.AppendTo(&empty);
  EXPECT_EQ(empty.Count(), 0u);
  ASSERT_TRUE(db->DestroyColumnFamilyHandle(second).ok());
}

}  // namespace
}  // namespace hearth::testing
