// The stored form of a document: a small header and a FlatBuffers body.
//
// Format version 2 (written since 2026-11; DO NOT CHANGE, add a version):
//
//   stored   := version(1 byte = 2) codec(1 byte) dict_id(varint32)
//               checksum(8 bytes, little-endian) body
//   checksum := XXH3-64 over body (the bytes as stored)
//   body     := codec-compressed hearth.fb.Document (schema/document.fbs)
//
// Format version 1 (still read, no longer written): the same, but the
// checksum is the low 32 bits of XXH3-64 in 4 bytes.
//
// Codec 0 stores the FlatBuffer as it is. Reads check the header and the
// checksum: a 64-bit checksum over bytes that hearth's own encoder produced
// leaves nothing for the FlatBuffers verifier to find but deliberate forgery,
// and skipping it halves the cost of reading a document. `hearth check`
// (Verification::kFull) runs the verifier too. Version 1 values, whose 32-bit
// checksum is weaker, are always verified in full. A value that fails any
// check is DATA_LOSS, never decoded.
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

constexpr uint8_t kDocumentFormatVersion = 2;

// Codec ids. DO NOT CHANGE: they are stored in every document header.
enum class Codec : uint8_t { kNone = 0 };

// Encodes fields and times into the stored form.
std::string EncodeStoredDocument(const MapValue& fields, Timestamp create_time, Timestamp update_time);

// How much of a stored value a read checks.
enum class Verification {
  kChecksum,  // header and checksum (reads)
  kFull,      // also the FlatBuffers verifier (hearth check)
};

// A verified view of a stored document. Reading one field decodes only that
// field; the rest of the document stays as bytes.
class StoredDocument {
 public:
  // Checks the header, checksum and FlatBuffer. `what` names the document in
  // errors. The view borrows `bytes`; keep them alive while using it.
  static StatusOr<StoredDocument> Parse(std::string_view bytes, std::string_view what,
                                        Verification verification = Verification::kChecksum);
  // Where the FlatBuffers body starts in verified stored bytes.
  static StatusOr<size_t> BodyOffset(std::string_view bytes, std::string_view what,
                                     Verification verification = Verification::kChecksum);
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
