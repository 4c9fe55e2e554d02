// The stored form of a document: a small header, then the body, compressed
// or not.
//
// Format version 3 (written since 2026-11-25; DO NOT CHANGE, add a version):
//
//   stored   := version(1 byte = 3) codec(1 byte) dict_id(varint32)
//               json_size(varint64) checksum(8 bytes, little-endian) payload
//   checksum := XXH3-64 over payload (the bytes as stored), seeded with the
//               XXH3-64 of the header bytes before the checksum
//   payload  := body                                  (codec none)
//             | body_size(varint) compressed(body)     (other codecs, schema/compression.h)
//   body     := protobuf wire form of google.firestore.v1.Document (schema/document_body.h)
//
// dict_id names the zstd dictionary of codec zstd-dict (0 for the others).
// json_size is the length of the document's plain JSON (schema/json.h): the
// logical size stats compare stored bytes with, known without decoding, so
// retention can account for what it deletes from the header alone.
//
// Versions 1 and 2 (still read, no longer written): the same header with
// codec none, a FlatBuffers body (schema/document_body_fb.h) and a 32-bit
// (v1) or 64-bit (v2) checksum.
//
// Reads check the header and the checksum: the checksum covers the bytes as
// stored, so a corrupted value is caught before it is decompressed or
// parsed. `hearth check` (Verification::kFull) also decodes the whole body.
// Version 1 values, whose 32-bit checksum is weaker, are always verified in
// full. A value that fails any check is DATA_LOSS naming the document.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hearth/document.h"
#include "hearth/document_view.h"
#include "hearth/status.h"
#include "hearth/value.h"
#include "schema/compression.h"

namespace hearth::schema {

constexpr uint8_t kDocumentFormatVersion = 3;

// How new documents are compressed. kZstdDictionary uses `dictionary`, and
// writes plain zstd while there is none (before one is trained). When
// compression does not make a document smaller it is stored with codec none
// (reading it then costs nothing extra).
struct Compression {
  Codec codec = Codec::kNone;
  std::shared_ptr<const Dictionary> dictionary;
  // The codec documents are written with.
  Codec written() const { return codec == Codec::kZstdDictionary && !dictionary ? Codec::kZstd : codec; }
};

// Encodes fields and times into the stored form.
std::string EncodeStoredDocument(const MapValue& fields, Timestamp create_time, Timestamp update_time,
                                 const Compression& compression = {});
// The same, given PlainDocumentJsonSize(fields) measured already (the write
// path has it from ValidateDocument's walk).
std::string EncodeStoredDocument(const MapValue& fields, Timestamp create_time, Timestamp update_time,
                                 const Compression& compression, uint64_t plain_json_size);
// The same bytes from the fields encoded beforehand by EncodeDocumentFields
// (document_body.h), as the write path does before it takes its lock, into
// *out: what it held is replaced, its capacity reused (the write path's
// buffers come from engine/buffer_pool.h).
void EncodeStoredDocumentFromFields(std::string_view encoded_fields, Timestamp create_time, Timestamp update_time,
                                    const Compression& compression, uint64_t plain_json_size, std::string* out);

// The uncompressed stored form in two steps, as the write path makes it:
// before its lock, BeginStoredDocument replaces *out with the header and
// the fields (all but the times and the checksum; capacity reused) and
// starts the checksum in *sum; under it, once the commit time is known,
// FinishStoredDocument appends the times and fills in the checksum. The
// result is byte for byte EncodeStoredDocument(fields, create_time,
// update_time, {}, plain_json_size): no 3 KB copy from a fields buffer into
// the stored one, and only the times are summed under the lock.
class RunningChecksum {
 public:
  RunningChecksum();  // leaves the 576-byte state uninitialized until Begin

 private:
  friend void BeginStoredDocument(const MapValue&, uint64_t, std::string*, RunningChecksum*);
  friend void FinishStoredDocument(Timestamp, Timestamp, std::string*, RunningChecksum*);
  alignas(64) unsigned char state_[576];  // an XXH3_state_t (checked in document_codec.cc)
};
void BeginStoredDocument(const MapValue& fields, uint64_t plain_json_size, std::string* out, RunningChecksum* sum);
void FinishStoredDocument(Timestamp create_time, Timestamp update_time, std::string* begun, RunningChecksum* sum);
// The fields part of a value BeginStoredDocument made (what
// EncodeDocumentFields appends), for storing it with a codec instead.
std::string_view BegunFields(std::string_view begun);

// The top-level `names` of `fields` alone: a document's projection.
MapValue ProjectedFields(const MapValue& fields, std::span<const std::string> names);
// The stored form (uncompressed, no JSON size) of that projection.
std::string EncodeStoredProjection(const MapValue& fields, std::span<const std::string> names, Timestamp create_time,
                                   Timestamp update_time);

// A header and checksum around a payload (also writes older versions, for
// tests; they have no json_size).
std::string WrapStoredPayload(uint8_t version, Codec codec, uint32_t dict_id, std::string_view payload,
                              uint64_t json_size = 0);

// How much of a stored value a read checks.
enum class Verification {
  kChecksum,  // header and checksum (reads)
  kFull,      // also decodes the whole body (hearth check)
};

// What a stored value's header says.
struct StoredHeader {
  uint8_t version = 0;
  Codec codec = Codec::kNone;
  uint32_t dict_id = 0;
  uint64_t json_size = 0;  // 0 in versions 1 and 2 (not recorded)
  size_t payload_offset = 0;
};

// The json_size a stored value's header records, read without checking the
// checksum (statistics only); 0 when the value has none or is malformed.
uint64_t PeekJsonSize(std::string_view stored);

// A verified view of a stored document. Reading one field decodes only that
// field; the rest of the document stays as bytes.
class StoredDocument {
 public:
  // Checks the header and checksum, decompresses (with a dictionary from
  // `dictionaries` when the codec needs one). `what` names the document in
  // errors. An uncompressed body is borrowed from `bytes`: keep them alive
  // while using the view.
  static StatusOr<StoredDocument> Parse(std::string_view bytes, std::string_view what,
                                        Verification verification = Verification::kChecksum,
                                        const Dictionaries* dictionaries = nullptr);
  // The checked header of a stored value (checksum included).
  static StatusOr<StoredHeader> ReadHeader(std::string_view bytes, std::string_view what);
  // A view over a body that came out of Parse (body() and version()).
  static StoredDocument OverVerifiedBody(uint8_t version, std::string_view body) {
    return StoredDocument(version, body, nullptr);
  }

  uint8_t version() const { return version_; }
  // The uncompressed body.
  std::string_view body() const { return body_; }

  Timestamp create_time() const;
  Timestamp update_time() const;
  // The value at a top-level field, or nullopt when absent.
  std::optional<Value> Field(std::string_view name) const;
  // The value at a field path (map segments), or nullopt when absent.
  std::optional<Value> FieldAt(const std::vector<std::string>& segments) const;
  // Several top-level fields in one pass (DocumentView::ReadFields).
  void ReadFields(std::span<const FieldRead> reads) const;
  MapValue Fields() const;
  // The whole document, named `path`.
  Document ToDocument(std::string path) const;

 private:
  StoredDocument(uint8_t version, std::string_view body, std::shared_ptr<const std::string> owned)
      : version_(version), body_(body), owned_(std::move(owned)) {}
  uint8_t version_;
  std::string_view body_;
  std::shared_ptr<const std::string> owned_;  // a decompressed body
};

// Decodes a whole document.
StatusOr<Document> DecodeStoredDocument(std::string_view bytes, std::string path,
                                        const Dictionaries* dictionaries = nullptr);

}  // namespace hearth::schema
