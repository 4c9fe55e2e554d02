// A RocksDB iterator over [lower, upper) of one column family. RocksDB keeps
// pointers to the bounds, so they live in this object, which therefore
// cannot be copied or moved.
#pragma once

#include <rocksdb/db.h>

#include <memory>
#include <string>

namespace hearth::engine {

class BoundedIterator {
 public:
  // An empty `upper` means no upper bound.
  BoundedIterator(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf, std::string lower, std::string upper,
                  bool fill_cache = true, bool pin_data = false)
      : lower_(std::move(lower)), upper_(std::move(upper)), lower_slice_(lower_), upper_slice_(upper_) {
    rocksdb::ReadOptions ro;
    ro.fill_cache = fill_cache;
    ro.pin_data = pin_data;  // values stay valid until the iterator is gone
    ro.iterate_lower_bound = &lower_slice_;
    if (!upper_.empty()) ro.iterate_upper_bound = &upper_slice_;
    it_.reset(db->NewIterator(ro, cf));
  }
  BoundedIterator(const BoundedIterator&) = delete;
  BoundedIterator& operator=(const BoundedIterator&) = delete;

  rocksdb::Iterator* operator->() const { return it_.get(); }
  const std::string& lower() const { return lower_; }
  const std::string& upper() const { return upper_; }

 private:
  std::string lower_, upper_;
  rocksdb::Slice lower_slice_, upper_slice_;
  std::unique_ptr<rocksdb::Iterator> it_;
};

}  // namespace hearth::engine
