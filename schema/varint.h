// Base-128 varints (protobuf's encoding) in stored headers and records,
// written and read with protobuf's coded streams.
#pragma once

#include <google/protobuf/io/coded_stream.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace hearth::schema {

inline void AppendVarint(uint64_t v, std::string* out) {
  uint8_t buf[10];
  uint8_t* end = google::protobuf::io::CodedOutputStream::WriteVarint64ToArray(v, buf);
  out->append(reinterpret_cast<char*>(buf), static_cast<size_t>(end - buf));
}

// Reads the varint at *pos and moves past it; false when it is truncated or
// longer than `max_bytes` (at most 10).
inline bool ReadVarint(std::string_view b, size_t* pos, size_t max_bytes, uint64_t* v) {
  if (*pos > b.size()) return false;
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(b.data() + *pos),
                                            static_cast<int>(b.size() - *pos));
  if (!in.ReadVarint64(v)) return false;
  const size_t used = static_cast<size_t>(in.CurrentPosition());
  if (used > max_bytes) return false;
  *pos += used;
  return true;
}

}  // namespace hearth::schema
