// A RocksDB merge operator that adds signed 64-bit integers, so per-collection
// document counts and byte totals change in the same WriteBatch as the
// documents, without reading them first.
#pragma once

#include <rocksdb/merge_operator.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace hearth::engine {

// Counter values: 8 bytes, little-endian two's complement.
std::string EncodeCounter(int64_t v);
int64_t DecodeCounter(std::string_view s);  // 0 for malformed input

// A vector of counters: 8 bytes each, as above. Merging adds lane by lane
// (a shorter value counts as zeros beyond its end), so a single counter is a
// vector of one and both kinds share the operator.
std::string EncodeCounters(const std::vector<int64_t>& v);
std::vector<int64_t> DecodeCounters(std::string_view s);  // empty for malformed input

std::shared_ptr<rocksdb::MergeOperator> NewCounterMergeOperator();

}  // namespace hearth::engine
