// A batch's writes handed to RocksDB in (column family, key) order.
//
// Why: RocksDB applies a WriteBatch to the memtable in batch order, and its
// skip list keeps a "splice" from the previous insert. A time-major batch of
// snapshots touches hundreds of partitions and as many index entries in
// random key order, so each insert searches the list from the top; sorted,
// consecutive inserts land next to each other and reuse the splice.
// Reordering is safe because the batch commits atomically: only writes to
// the same key depend on their order, and the sort is stable.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

namespace hearth::engine {

class SortedWriteBatch {
 public:
  void Put(rocksdb::ColumnFamilyHandle* cf, std::string_view key, std::string_view value) {
    Add(kPut, cf, key, value);
  }
  // Put without copying `value`, which must stay unchanged until AppendTo
  // (a stored document: the largest value of a write, copied once less).
  void PutBorrowed(rocksdb::ColumnFamilyHandle* cf, std::string_view key, std::string_view value) {
    Add(kPut, cf, key, {});
    ops_.back().borrowed = value.data();
    ops_.back().value_size = value.size();
  }
  void Delete(rocksdb::ColumnFamilyHandle* cf, std::string_view key) { Add(kDelete, cf, key, {}); }
  void Merge(rocksdb::ColumnFamilyHandle* cf, std::string_view key, std::string_view value) {
    Add(kMerge, cf, key, value);
  }
  // Appends every write to `wb`, ordered by column family id, then key.
  void AppendTo(rocksdb::WriteBatch* wb) const;
  // Forgets every write; keeps the memory for the next batch unless it grew
  // past `keep_bytes`.
  void Clear(size_t keep_bytes);

 private:
  enum Type : uint8_t { kPut, kDelete, kMerge };
  struct Op {
    rocksdb::ColumnFamilyHandle* cf;
    uint32_t cf_id;
    Type type;
    size_t key_at, key_size, value_at, value_size;
    const char* borrowed = nullptr;  // the value, when not in bytes_
  };
  void Add(Type type, rocksdb::ColumnFamilyHandle* cf, std::string_view key, std::string_view value);
  std::string bytes_;  // keys and values, back to back
  std::vector<Op> ops_;
};

}  // namespace hearth::engine
