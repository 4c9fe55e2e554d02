// The stored form of a document: a small header and a FlatBuffers body.
//
// Format version 1 (DO NOT CHANGE; add a version instead):
//
//   stored   := version(1 byte = 1) codec(1 byte) dict_id(varint32)
//               checksum(4 bytes, little-endian) body
//   checksum := low 32 bits of XXH3-64 over body
//   body     := codec-compressed hearth.fb.Document (schema/document.fbs)
//
// Codec 0 stores the FlatBuffer as it is. A stored value that fails its
// checksum, names an unknown version or codec, or holds a FlatBuffer that does
// not verify is reported as DATA_LOSS, never decoded.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "hearth/document.h"
#include "hearth/status.h"
#include "hearth/value.h"

namespace hearth::fb {
struct Document;
struct Value;
}  // namespace hearth::fb

namespace hearth::schema {

constexpr uint8_t kDocumentFormatVersion = 1;

// Codec ids. DO NOT CHANGE: they are stored in every document header.
enum class Codec : uint8_t { kNone = 0 };

// Encodes fields and times into the stored form.
std::string EncodeStoredDocument(const MapValue& fields, Timestamp create_time, Timestamp update_time);

// A verified view of a stored document. Reading one field decodes only that
// field; the rest of the document stays as bytes.
class StoredDocument {
 public:
  // Checks the header, checksum and FlatBuffer. `what` names the document in
  // errors. The view borrows `bytes`; keep them alive while using it.
  static StatusOr<StoredDocument> Parse(std::string_view bytes, std::string_view what);
  // Where the FlatBuffers body starts in verified stored bytes.
  static StatusOr<size_t> BodyOffset(std::string_view bytes, std::string_view what);
  // A view over a body already verified (BodyOffset on the same bytes).
  static StoredDocument OverVerifiedBody(const void* body);

  Timestamp create_time() const;
  Timestamp update_time() const;
  // The value at a top-level field, or nullopt when absent.
  std::optional<Value> Field(std::string_view name) const;
  // The value at a field path (map segments), or nullopt when absent.
  std::optional<Value> FieldAt(const std::vector<std::string>& segments) const;
  MapValue Fields() const;

 private:
  explicit StoredDocument(const fb::Document* root) : root_(root) {}
  const fb::Document* root_;
};

// Decodes a whole document.
StatusOr<Document> DecodeStoredDocument(std::string_view bytes, std::string path);

}  // namespace hearth::schema
