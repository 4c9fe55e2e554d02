// A RocksDB merge operator that adds signed 64-bit integers, so per-collection
// document counts and byte totals change in the same WriteBatch as the
// documents, without reading them first.
#pragma once

#include <rocksdb/merge_operator.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace hearth::engine {

// Counter values: 8 bytes, little-endian two's complement.
std::string EncodeCounter(int64_t v);
int64_t DecodeCounter(std::string_view s);  // 0 for malformed input

std::shared_ptr<rocksdb::MergeOperator> NewCounterMergeOperator();

}  // namespace hearth::engine
