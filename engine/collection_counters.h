// A change to a collection's counters in meta (meta::DocumentCount,
// StoredBytes, JsonBytes, JsonDocuments): every path that adds, removes or
// rewrites stored documents (writes, retention, recompress) accumulates one
// and merges it in the same WriteBatch as the documents.
#pragma once

#include <rocksdb/db.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace hearth::engine {

struct CounterDelta {
  int64_t documents = 0;
  int64_t stored_bytes = 0;
  int64_t json_bytes = 0;      // from each value's header (schema::PeekJsonSize)
  int64_t json_documents = 0;  // values whose header records a JSON size

  // Counts stored value `stored` in (sign +1) or out (sign -1).
  void Add(int sign, std::string_view stored);
  // The same, given the value's size and the JSON size its header records
  // (a write has both at hand: reading the header back cost ~1% of a write).
  void Add(int sign, size_t stored_size, uint64_t json_size);
  // Merges the counters that changed into *wb for collection `collection_id`.
  void MergeInto(rocksdb::WriteBatch* wb, rocksdb::ColumnFamilyHandle* meta, std::string_view collection_id) const;

  // The four counters as one value (engine/counter_merge.h's vector form,
  // in the order above), as the series ledger stores them.
  std::string Encoded() const;
  static CounterDelta Decoded(std::string_view value);  // zeros for malformed input
  CounterDelta& operator+=(const CounterDelta& o);
  CounterDelta Negated() const;
  bool zero() const { return !documents && !stored_bytes && !json_bytes && !json_documents; }
  bool operator==(const CounterDelta&) const = default;
};

}  // namespace hearth::engine
