#include "engine/sorted_write_batch.h"

#include <algorithm>
#include <numeric>

namespace hearth::engine {

void SortedWriteBatch::Add(Type type, rocksdb::ColumnFamilyHandle* cf, std::string_view key, std::string_view value) {
  Op op{cf, cf->GetID(), type, bytes_.size(), key.size(), 0, value.size(), nullptr};
  bytes_.append(key);
  op.value_at = bytes_.size();
  bytes_.append(value);
  ops_.push_back(op);
}

void SortedWriteBatch::Clear(size_t keep_bytes) {
  if (bytes_.capacity() > keep_bytes) {
    std::string().swap(bytes_);
    std::vector<Op>().swap(ops_);
  }
  bytes_.clear();
  ops_.clear();
}

void SortedWriteBatch::AppendTo(rocksdb::WriteBatch* wb) const {
  std::vector<uint32_t> order(ops_.size());
  std::iota(order.begin(), order.end(), 0);
  const std::string_view all(bytes_);
  auto key = [&](const Op& op) { return all.substr(op.key_at, op.key_size); };
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    const Op &x = ops_[a], &y = ops_[b];
    if (x.cf_id != y.cf_id) return x.cf_id < y.cf_id;
    return key(x) < key(y);
  });
  for (uint32_t i : order) {
    const Op& op = ops_[i];
    const rocksdb::Slice k(bytes_.data() + op.key_at, op.key_size);
    const rocksdb::Slice v(op.borrowed != nullptr ? op.borrowed : bytes_.data() + op.value_at, op.value_size);
    switch (op.type) {
      case kPut: wb->Put(op.cf, k, v); break;
      case kDelete: wb->Delete(op.cf, k); break;
      case kMerge: wb->Merge(op.cf, k, v); break;
    }
  }
}

}  // namespace hearth::engine
