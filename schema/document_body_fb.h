// The FlatBuffers body of stored format versions 1 and 2 (schema/document.fbs).
// No longer written by the store; still read, so stores written before
// format version 3 keep working (`hearth recompress` rewrites them).
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hearth/document_view.h"
#include "hearth/status.h"
#include "hearth/value.h"

namespace hearth::schema {

// The FlatBuffers body of a document, as versions 1 and 2 stored it. Kept
// for tests and measurements that need values in the old format.
std::string EncodeFlatBuffersBody(const MapValue& fields, Timestamp create_time, Timestamp update_time);

// A view over a FlatBuffers body (not copied). Accessors trust the bytes:
// call Validate first unless they passed a checksum written with them.
class FlatBuffersBody {
 public:
  explicit FlatBuffersBody(std::string_view bytes) : bytes_(bytes) {}

  Timestamp create_time() const;
  Timestamp update_time() const;
  std::optional<Value> Field(std::string_view name) const;
  std::optional<Value> FieldAt(const std::vector<std::string>& segments) const;
  void ReadFields(std::span<const FieldRead> reads) const;
  MapValue Fields() const;
  // Runs the FlatBuffers verifier.
  Status Validate() const;

 private:
  std::string_view bytes_;
};

}  // namespace hearth::schema
