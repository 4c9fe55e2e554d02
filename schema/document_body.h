// The body of a stored document, format version 3: the protobuf wire encoding
// of Firestore's own google.firestore.v1.Document, written field by field
// with protobuf's coded streams (no message objects are built).
//
//   Document  := fields(2: MapEntry)*          entries in key byte order
//                create_time(3: Timestamp) update_time(4: Timestamp)
//   MapEntry  := key(1: string) value(2: Value)
//   Value     := one of boolean_value(1) integer_value(2, int64 varint)
//                double_value(3, fixed64) reference_value(5) map_value(6: MapValue)
//                geo_point_value(8: LatLng) array_value(9: ArrayValue)
//                timestamp_value(10: Timestamp) null_value(11, varint 0)
//                string_value(17) bytes_value(18)
//   MapValue  := fields(1: MapEntry)*          entries in key byte order
//   ArrayValue:= values(1: Value)*
//   Timestamp := seconds(1, int64) nanos(2, int32), zero fields omitted
//   LatLng    := latitude(1, double) longitude(2, double), zero fields omitted
//
// Why this and not FlatBuffers (format versions 1 and 2): it is about the
// size of the document's plain JSON instead of 1.6x (the benchmarks'
// snapshot, mostly prose: 3,008 bytes against 2,861, since a string's tags
// and lengths cost a little more than JSON's quotes; numbers cost less),
// and it has no absolute offsets, so a field that did not change between
// two snapshots is the same bytes in both: compression across snapshots
// (RocksDB blocks, dictionaries) finds them. A field is
// still read without decoding the others: entries are length-prefixed and
// skipped.
//
// The times come last (written so since 2026-12-03; bodies written before
// have them first, and are read alike): the fields, nearly all of a body,
// are encoded before a write knows its commit time, straight into the
// buffer that becomes the stored value, and the times are appended to it
// under the write lock (document_codec.h, BeginStoredDocument). Reading a
// time skips the top-level entries before it (a tag and a length each).
//
// DO NOT CHANGE the layout otherwise; it is stored. Decoding accepts any
// field order and unknown fields are an error (hearth wrote every body it
// reads).
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

// Appends the body of a document to *out.
void EncodeDocumentBody(const MapValue& fields, Timestamp create_time, Timestamp update_time, std::string* out);
// The same body in two steps, so the fields (nearly all of it) can be
// encoded before the times are known (the write path does it off its lock):
// EncodeDocumentFields appends the fields' part, EncodeDocumentBodyFromFields
// appends the body made of that part and the times, byte for byte what
// EncodeDocumentBody appends; AppendDocumentTimes appends the times alone,
// to a body's fields part already in place.
void EncodeDocumentFields(const MapValue& fields, std::string* out);
// The same part written at offset `at` of *out, which is resized to end
// right after it (the bytes before `at` are left as they were; zeros where
// *out was shorter). A reused buffer is zero-filled only where it grows.
void EncodeDocumentFieldsAt(const MapValue& fields, size_t at, std::string* out);
void EncodeDocumentBodyFromFields(std::string_view encoded_fields, Timestamp create_time, Timestamp update_time,
                                  std::string* out);
void AppendDocumentTimes(Timestamp create_time, Timestamp update_time, std::string* out);
// The most bytes AppendDocumentTimes appends (two tagged Timestamps).
constexpr size_t kMaxTimesBytes = 2 * (2 + 1 + 10 + 1 + 10);

// A read-only view over body bytes (not copied; keep them alive). The bytes
// are trusted to be well formed (checksummed); malformed input yields empty
// results, never a crash. Validate() checks the whole body.
class DocumentBody {
 public:
  explicit DocumentBody(std::string_view bytes) : bytes_(bytes) {}

  Timestamp create_time() const;
  Timestamp update_time() const;
  std::optional<Value> Field(std::string_view name) const;
  std::optional<Value> FieldAt(const std::vector<std::string>& segments) const;
  // Several top-level fields in one pass (DocumentView::ReadFields).
  void ReadFields(std::span<const FieldRead> reads) const;
  MapValue Fields() const;
  // Decodes everything, reporting what is malformed (hearth check).
  Status Validate() const;

 private:
  std::string_view bytes_;
};

}  // namespace hearth::schema
