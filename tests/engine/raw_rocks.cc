#include "tests/engine/raw_rocks.h"

#include <memory>
#include <vector>

#include <gtest/gtest.h>

#include "engine/counter_merge.h"
#include "engine/keys.h"
#include "schema/path.h"

namespace hearth::testing {

void WithRawRocks(const std::string& path, const std::function<void(rocksdb::DB*, ColumnFamilies&)>& f) {
  std::vector<std::string> names;
  ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), path, &names).ok());
  std::vector<rocksdb::ColumnFamilyDescriptor> descs;
  // The counters in meta are merge operands: without their operator the
  // log's replay would stop at the first one and drop what follows.
  rocksdb::ColumnFamilyOptions meta;
  meta.merge_operator = engine::NewCounterMergeOperator();
  for (const auto& n : names) descs.emplace_back(n, n == "meta" ? meta : rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(rocksdb::DBOptions(), path, descs, &handles, &raw).ok());
  ColumnFamilies cfs;
  for (size_t i = 0; i < names.size(); i++) cfs[names[i]] = handles[i];
  f(raw, cfs);
  for (auto* h : handles) raw->DestroyColumnFamilyHandle(h);
  delete raw;
}

void DamageStoredDocument(const std::string& path, const std::string& doc) {
  auto parsed = schema::ParseDocumentPath(doc);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  WithRawRocks(path, [&](rocksdb::DB* raw, ColumnFamilies& cfs) {
    const std::string key = engine::PlainDocumentKey(*parsed);
    rocksdb::ColumnFamilyHandle* cf = cfs["doc." + parsed->collection_id()];
    ASSERT_NE(cf, nullptr);
    std::string v;
    ASSERT_TRUE(raw->Get(rocksdb::ReadOptions(), cf, key, &v).ok());
    v[v.size() - 3] ^= 0x40;
    ASSERT_TRUE(raw->Put(rocksdb::WriteOptions(), cf, key, v).ok());
  });
}

}  // namespace hearth::testing
