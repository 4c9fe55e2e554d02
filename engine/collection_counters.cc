#include "engine/collection_counters.h"

#include "engine/counter_merge.h"
#include "engine/keys.h"
#include "schema/document_codec.h"

namespace hearth::engine {

void CounterDelta::Add(int sign, std::string_view stored) { Add(sign, stored.size(), schema::PeekJsonSize(stored)); }

void CounterDelta::Add(int sign, size_t stored_size, uint64_t json_size) {
  documents += sign;
  stored_bytes += sign * static_cast<int64_t>(stored_size);
  json_bytes += sign * static_cast<int64_t>(json_size);
  json_documents += json_size ? sign : 0;
}

void CounterDelta::MergeInto(rocksdb::WriteBatch* wb, rocksdb::ColumnFamilyHandle* meta,
                             std::string_view collection_id) const {
  if (documents) wb->Merge(meta, meta::DocumentCount(collection_id), EncodeCounter(documents));
  if (stored_bytes) wb->Merge(meta, meta::StoredBytes(collection_id), EncodeCounter(stored_bytes));
  if (json_bytes) wb->Merge(meta, meta::JsonBytes(collection_id), EncodeCounter(json_bytes));
  if (json_documents) wb->Merge(meta, meta::JsonDocuments(collection_id), EncodeCounter(json_documents));
}

std::string CounterDelta::Encoded() const {
  return EncodeCounters({documents, stored_bytes, json_bytes, json_documents});
}

CounterDelta CounterDelta::Decoded(std::string_view value) {
  std::vector<int64_t> v = DecodeCounters(value);
  v.resize(4, 0);
  return CounterDelta{v[0], v[1], v[2], v[3]};
}

CounterDelta& CounterDelta::operator+=(const CounterDelta& o) {
  documents += o.documents;
  stored_bytes += o.stored_bytes;
  json_bytes += o.json_bytes;
  json_documents += o.json_documents;
  return *this;
}

CounterDelta CounterDelta::Negated() const { return CounterDelta{-documents, -stored_bytes, -json_bytes, -json_documents}; }

}  // namespace hearth::engine
