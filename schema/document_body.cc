#include "schema/document_body.h"

#include <google/protobuf/io/coded_stream.h>

#include <bit>
#include <cstring>

namespace hearth::schema {

namespace {

using google::protobuf::io::CodedInputStream;
using google::protobuf::io::CodedOutputStream;

// Protobuf wire types and the field numbers of google.firestore.v1.
enum WireType : uint32_t { kVarint = 0, kFixed64 = 1, kLengthDelimited = 2 };
constexpr uint32_t Tag(uint32_t field, WireType type) { return (field << 3) | type; }

namespace document {
constexpr uint32_t kFields = 2, kCreateTime = 3, kUpdateTime = 4;
}
namespace entry {
constexpr uint32_t kKey = 1, kValue = 2;
}
namespace value {
constexpr uint32_t kBoolean = 1, kInteger = 2, kDouble = 3, kReference = 5, kMap = 6, kGeoPoint = 8, kArray = 9,
                   kTimestamp = 10, kNull = 11, kString = 17, kBytes = 18;
}
constexpr uint32_t kMapFields = 1;    // MapValue.fields
constexpr uint32_t kArrayValues = 1;  // ArrayValue.values

size_t VarintSize(uint64_t v) { return CodedOutputStream::VarintSize64(v); }
size_t TagSize(uint32_t field) { return CodedOutputStream::VarintSize32(Tag(field, kVarint)); }
// Tag, length and payload of a length-delimited field.
size_t DelimitedSize(uint32_t field, size_t payload) { return TagSize(field) + VarintSize(payload) + payload; }

size_t TimestampSize(Timestamp t) {
  return (t.seconds != 0 ? 1 + VarintSize(static_cast<uint64_t>(t.seconds)) : 0) +
         (t.nanos != 0 ? 1 + VarintSize(static_cast<uint64_t>(static_cast<int64_t>(t.nanos))) : 0);
}
// Zero coordinates are omitted, as proto3 does; -0.0 is kept (its bits are not zero).
bool Present(double d) { return std::bit_cast<uint64_t>(d) != 0; }
size_t GeoSize(GeoPoint g) { return (Present(g.latitude) ? 9 : 0) + (Present(g.longitude) ? 9 : 0); }

// Two passes, as protobuf serializes: Measure records the payload size of
// every map and array in pre-order, Write consumes them in the same order
// to write each length before its payload.
class BodyWriter {
 public:
  size_t MeasureEntries(const MapValue& m) {
    size_t total = 0;
    for (const auto& [k, v] : m) total += DelimitedSize(1, EntrySize(k, Measure(v)));
    return total;
  }

  uint8_t* WriteTimestamp(uint32_t field, Timestamp t, uint8_t* p) {
    p = CodedOutputStream::WriteTagToArray(Tag(field, kLengthDelimited), p);
    p = CodedOutputStream::WriteVarint32ToArray(static_cast<uint32_t>(TimestampSize(t)), p);
    if (t.seconds != 0) {
      p = CodedOutputStream::WriteTagToArray(Tag(1, kVarint), p);
      p = CodedOutputStream::WriteVarint64ToArray(static_cast<uint64_t>(t.seconds), p);
    }
    if (t.nanos != 0) {
      p = CodedOutputStream::WriteTagToArray(Tag(2, kVarint), p);
      p = CodedOutputStream::WriteVarint64ToArray(static_cast<uint64_t>(static_cast<int64_t>(t.nanos)), p);
    }
    return p;
  }

  uint8_t* WriteEntries(const MapValue& m, uint32_t field, uint8_t* p) {
    for (const auto& [k, v] : m) {
      size_t c = SizeAtCursor(v);
      p = CodedOutputStream::WriteTagToArray(Tag(field, kLengthDelimited), p);
      p = CodedOutputStream::WriteVarint32ToArray(static_cast<uint32_t>(EntrySize(k, c)), p);
      p = WriteBytes(entry::kKey, k, p);
      p = CodedOutputStream::WriteTagToArray(Tag(entry::kValue, kLengthDelimited), p);
      p = CodedOutputStream::WriteVarint32ToArray(static_cast<uint32_t>(c), p);
      p = WriteValue(v, p);
    }
    return p;
  }

 private:
  static size_t EntrySize(const std::string& key, size_t value_size) {
    return DelimitedSize(entry::kKey, key.size()) + DelimitedSize(entry::kValue, value_size);
  }

  // The size of a Value message whose maps and arrays are already measured.
  static size_t ScalarSize(const Value& v) {
    switch (v.type()) {
      case Value::Type::kNull: return TagSize(value::kNull) + 1;
      case Value::Type::kBoolean: return TagSize(value::kBoolean) + 1;
      case Value::Type::kInteger: return TagSize(value::kInteger) + VarintSize(static_cast<uint64_t>(v.integer()));
      case Value::Type::kDouble: return TagSize(value::kDouble) + 8;
      case Value::Type::kTimestamp: return DelimitedSize(value::kTimestamp, TimestampSize(v.timestamp()));
      case Value::Type::kString: return DelimitedSize(value::kString, v.string().size());
      case Value::Type::kBytes: return DelimitedSize(value::kBytes, v.bytes().size());
      case Value::Type::kReference: return DelimitedSize(value::kReference, v.reference().size());
      case Value::Type::kGeoPoint: return DelimitedSize(value::kGeoPoint, GeoSize(v.geo()));
      case Value::Type::kArray:
      case Value::Type::kMap: break;
    }
    return 0;
  }

  // A slot for the payload size of the map or array being measured.
  size_t NewSlot() {
    // One allocation for a typical document's maps and arrays, not one per doubling.
    if (sizes_.capacity() == 0) sizes_.reserve(32);
    sizes_.push_back(0);
    return sizes_.size() - 1;
  }

  size_t Measure(const Value& v) {
    if (v.type() == Value::Type::kArray) {
      const size_t slot = NewSlot();
      size_t a = 0;
      for (const auto& e : v.array()) a += DelimitedSize(kArrayValues, Measure(e));
      sizes_[slot] = a;
      return DelimitedSize(value::kArray, a);
    }
    if (v.type() == Value::Type::kMap) {
      const size_t slot = NewSlot();
      size_t m = MeasureEntries(v.map());
      sizes_[slot] = m;
      return DelimitedSize(value::kMap, m);
    }
    return ScalarSize(v);
  }

  // The size of the next value to write: a map's or array's own slot is the
  // next one in pre-order.
  size_t SizeAtCursor(const Value& v) const {
    if (v.type() == Value::Type::kArray) return DelimitedSize(value::kArray, sizes_[cursor_]);
    if (v.type() == Value::Type::kMap) return DelimitedSize(value::kMap, sizes_[cursor_]);
    return ScalarSize(v);
  }

  static uint8_t* WriteBytes(uint32_t field, std::string_view s, uint8_t* p) {
    p = CodedOutputStream::WriteTagToArray(Tag(field, kLengthDelimited), p);
    p = CodedOutputStream::WriteVarint32ToArray(static_cast<uint32_t>(s.size()), p);
    std::memcpy(p, s.data(), s.size());
    return p + s.size();
  }
  static uint8_t* WriteDouble(uint32_t field, double d, uint8_t* p) {
    p = CodedOutputStream::WriteTagToArray(Tag(field, kFixed64), p);
    return CodedOutputStream::WriteLittleEndian64ToArray(std::bit_cast<uint64_t>(d), p);
  }

  uint8_t* WriteValue(const Value& v, uint8_t* p) {
    switch (v.type()) {
      case Value::Type::kNull:
        p = CodedOutputStream::WriteTagToArray(Tag(value::kNull, kVarint), p);
        return CodedOutputStream::WriteVarint32ToArray(0, p);
      case Value::Type::kBoolean:
        p = CodedOutputStream::WriteTagToArray(Tag(value::kBoolean, kVarint), p);
        return CodedOutputStream::WriteVarint32ToArray(v.boolean() ? 1 : 0, p);
      case Value::Type::kInteger:
        p = CodedOutputStream::WriteTagToArray(Tag(value::kInteger, kVarint), p);
        return CodedOutputStream::WriteVarint64ToArray(static_cast<uint64_t>(v.integer()), p);
      case Value::Type::kDouble: return WriteDouble(value::kDouble, v.dbl(), p);
      case Value::Type::kTimestamp: return WriteTimestamp(value::kTimestamp, v.timestamp(), p);
      case Value::Type::kString: return WriteBytes(value::kString, v.string(), p);
      case Value::Type::kBytes: return WriteBytes(value::kBytes, v.bytes(), p);
      case Value::Type::kReference: return WriteBytes(value::kReference, v.reference(), p);
      case Value::Type::kGeoPoint: {
        p = CodedOutputStream::WriteTagToArray(Tag(value::kGeoPoint, kLengthDelimited), p);
        p = CodedOutputStream::WriteVarint32ToArray(static_cast<uint32_t>(GeoSize(v.geo())), p);
        if (Present(v.geo().latitude)) p = WriteDouble(1, v.geo().latitude, p);
        if (Present(v.geo().longitude)) p = WriteDouble(2, v.geo().longitude, p);
        return p;
      }
      case Value::Type::kArray: {
        p = CodedOutputStream::WriteTagToArray(Tag(value::kArray, kLengthDelimited), p);
        p = CodedOutputStream::WriteVarint32ToArray(static_cast<uint32_t>(sizes_[cursor_++]), p);
        for (const auto& e : v.array()) {
          size_t c = SizeAtCursor(e);
          p = CodedOutputStream::WriteTagToArray(Tag(kArrayValues, kLengthDelimited), p);
          p = CodedOutputStream::WriteVarint32ToArray(static_cast<uint32_t>(c), p);
          p = WriteValue(e, p);
        }
        return p;
      }
      case Value::Type::kMap:
        p = CodedOutputStream::WriteTagToArray(Tag(value::kMap, kLengthDelimited), p);
        p = CodedOutputStream::WriteVarint32ToArray(static_cast<uint32_t>(sizes_[cursor_++]), p);
        return WriteEntries(v.map(), kMapFields, p);
    }
    return p;
  }

  std::vector<size_t> sizes_;
  size_t cursor_ = 0;
};

// ---- Reading -------------------------------------------------------------

// A length-delimited payload at the stream's position.
bool ReadDelimited(CodedInputStream& in, std::string_view whole, std::string_view* out) {
  uint32_t len;
  if (!in.ReadVarint32(&len)) return false;
  const size_t at = static_cast<size_t>(in.CurrentPosition());
  if (len > whole.size() - at) return false;
  *out = whole.substr(at, len);
  return in.Skip(static_cast<int>(len));
}

CodedInputStream Input(std::string_view b) {
  return CodedInputStream(reinterpret_cast<const uint8_t*>(b.data()), static_cast<int>(b.size()));
}

// Skips a field of a wire type hearth writes; false for any other.
bool SkipField(CodedInputStream& in, std::string_view whole, uint32_t tag) {
  uint64_t v;
  std::string_view s;
  switch (tag & 7) {
    case kVarint: return in.ReadVarint64(&v);
    case kFixed64: return in.ReadLittleEndian64(&v);
    case kLengthDelimited: return ReadDelimited(in, whole, &s);
    default: return false;
  }
}

// Walks the fields of message `b`: f(tag, in) reads the field's value from
// `in` and returns false when it is malformed. False when a field is, or
// when bytes are left that are no field.
template <class F>
bool ForEachField(std::string_view b, F&& f) {
  CodedInputStream in = Input(b);
  while (uint32_t tag = in.ReadTag())
    if (!f(tag, in)) return false;
  return in.CurrentPosition() == static_cast<int>(b.size());
}

// Calls f(key, value bytes) for every entry with `field` in `b`; f returns
// false to stop. Other fields are skipped. False when `b` is malformed.
template <class F>
bool ForEachEntry(std::string_view b, uint32_t field, F&& f) {
  bool stopped = false;
  bool parsed = ForEachField(b, [&](uint32_t tag, CodedInputStream& in) {
    if (tag != Tag(field, kLengthDelimited)) return SkipField(in, b, tag);
    // The entry's own fields are read from the same stream (one stream per
    // map, not one per entry: entries are most of what a read walks).
    uint32_t len;
    if (!in.ReadVarint32(&len)) return false;
    const size_t end = static_cast<size_t>(in.CurrentPosition()) + len;
    if (end > b.size()) return false;
    std::string_view key, val;
    while (static_cast<size_t>(in.CurrentPosition()) < end) {
      const uint32_t etag = in.ReadTag();
      if (etag == Tag(entry::kKey, kLengthDelimited)) {
        if (!ReadDelimited(in, b, &key)) return false;
      } else if (etag == Tag(entry::kValue, kLengthDelimited)) {
        if (!ReadDelimited(in, b, &val)) return false;
      } else {
        return false;
      }
    }
    if (static_cast<size_t>(in.CurrentPosition()) != end) return false;  // a field ran past the entry
    stopped = !f(key, val);
    return !stopped;
  });
  return stopped || parsed;
}

bool DecodeTimestamp(std::string_view b, Timestamp* t) {
  *t = Timestamp{};
  return ForEachField(b, [&](uint32_t tag, CodedInputStream& in) {
    uint64_t v;
    if (!in.ReadVarint64(&v)) return false;
    if (tag == Tag(1, kVarint)) {
      t->seconds = static_cast<int64_t>(v);
    } else if (tag == Tag(2, kVarint)) {
      t->nanos = static_cast<int32_t>(static_cast<int64_t>(v));
    } else {
      return false;
    }
    return true;
  });
}

bool DecodeMap(std::string_view b, MapValue* m);

// Decodes a Value message.
bool DecodeValue(std::string_view b, Value* out) {
  CodedInputStream in = Input(b);
  const uint32_t tag = in.ReadTag();
  uint64_t v = 0;
  std::string_view s;
  bool ok = true;
  switch (tag) {
    case Tag(value::kNull, kVarint):
      ok = in.ReadVarint64(&v) && v == 0;
      *out = Value::Null();
      break;
    case Tag(value::kBoolean, kVarint):
      ok = in.ReadVarint64(&v) && v <= 1;
      *out = Value::Boolean(v != 0);
      break;
    case Tag(value::kInteger, kVarint):
      ok = in.ReadVarint64(&v);
      *out = Value::Integer(static_cast<int64_t>(v));
      break;
    case Tag(value::kDouble, kFixed64):
      ok = in.ReadLittleEndian64(&v);
      *out = Value::Double(std::bit_cast<double>(v));
      break;
    case Tag(value::kString, kLengthDelimited):
      ok = ReadDelimited(in, b, &s);
      *out = Value::String(std::string(s));
      break;
    case Tag(value::kBytes, kLengthDelimited):
      ok = ReadDelimited(in, b, &s);
      *out = Value::BytesValue(std::string(s));
      break;
    case Tag(value::kReference, kLengthDelimited):
      ok = ReadDelimited(in, b, &s);
      *out = Value::Ref(std::string(s));
      break;
    case Tag(value::kTimestamp, kLengthDelimited): {
      Timestamp t;
      ok = ReadDelimited(in, b, &s) && DecodeTimestamp(s, &t);
      *out = Value::Time(t);
      break;
    }
    case Tag(value::kGeoPoint, kLengthDelimited): {
      GeoPoint g;
      ok = ReadDelimited(in, b, &s) && ForEachField(s, [&](uint32_t gtag, CodedInputStream& gin) {
             uint64_t x;
             if (!gin.ReadLittleEndian64(&x)) return false;
             if (gtag == Tag(1, kFixed64)) {
               g.latitude = std::bit_cast<double>(x);
             } else if (gtag == Tag(2, kFixed64)) {
               g.longitude = std::bit_cast<double>(x);
             } else {
               return false;
             }
             return true;
           });
      *out = Value::Geo(g.latitude, g.longitude);
      break;
    }
    case Tag(value::kArray, kLengthDelimited): {
      ArrayValue a;
      ok = ReadDelimited(in, b, &s) && ForEachField(s, [&](uint32_t atag, CodedInputStream& ain) {
             std::string_view e;
             return atag == Tag(kArrayValues, kLengthDelimited) && ReadDelimited(ain, s, &e) &&
                    DecodeValue(e, &a.emplace_back());
           });
      *out = Value::Array(std::move(a));
      break;
    }
    case Tag(value::kMap, kLengthDelimited): {
      MapValue m;
      ok = ReadDelimited(in, b, &s) && DecodeMap(s, &m);
      *out = Value::Map(std::move(m));
      break;
    }
    default: return false;
  }
  // Exactly one field: a Value is a oneof.
  return ok && in.CurrentPosition() == static_cast<int>(b.size());
}

bool DecodeMap(std::string_view b, MapValue* m) {
  bool ok = true;
  bool parsed = ForEachEntry(b, kMapFields, [&](std::string_view k, std::string_view v) {
    ok = DecodeValue(v, &(*m)[std::string(k)]);
    return ok;
  });
  return parsed && ok;
}

// The payload of a map_value, or nullopt when `v` is not a map.
std::optional<std::string_view> MapPayload(std::string_view v) {
  CodedInputStream in = Input(v);
  std::string_view s;
  if (in.ReadTag() != Tag(value::kMap, kLengthDelimited) || !ReadDelimited(in, v, &s)) return std::nullopt;
  return s;
}

// The bytes of the value of entry `name` among `field` entries of `b`.
std::optional<std::string_view> FindEntry(std::string_view b, uint32_t field, std::string_view name) {
  std::optional<std::string_view> found;
  ForEachEntry(b, field, [&](std::string_view k, std::string_view v) {
    if (k == name) found = v;
    return k < name;  // entries are in key order: past `name`, it is absent
  });
  return found;
}

std::optional<Value> Decoded(std::optional<std::string_view> bytes) {
  if (!bytes) return std::nullopt;
  Value v;
  if (!DecodeValue(*bytes, &v)) return std::nullopt;
  return v;
}

// The timestamp in top-level field `field` (written first, so found at once).
Timestamp TopLevelTime(std::string_view b, uint32_t field) {
  CodedInputStream in = Input(b);
  while (uint32_t tag = in.ReadTag()) {
    if (tag == Tag(field, kLengthDelimited)) {
      std::string_view s;
      Timestamp t;
      if (ReadDelimited(in, b, &s) && DecodeTimestamp(s, &t)) return t;
      return {};
    }
    if (!SkipField(in, b, tag)) break;
  }
  return {};
}

}  // namespace

void EncodeDocumentFields(const MapValue& fields, std::string* out) { EncodeDocumentFieldsAt(fields, out->size(), out); }

void EncodeDocumentFieldsAt(const MapValue& fields, size_t at, std::string* out) {
  BodyWriter w;
  const size_t size = w.MeasureEntries(fields);
  out->resize(at + size);
  w.WriteEntries(fields, document::kFields, reinterpret_cast<uint8_t*>(out->data() + at));
}

void EncodeDocumentBody(const MapValue& fields, Timestamp create_time, Timestamp update_time, std::string* out) {
  EncodeDocumentFields(fields, out);
  AppendDocumentTimes(create_time, update_time, out);
}

void EncodeDocumentBodyFromFields(std::string_view encoded_fields, Timestamp create_time, Timestamp update_time,
                                  std::string* out) {
  out->reserve(out->size() + encoded_fields.size() + kMaxTimesBytes);
  out->append(encoded_fields);
  AppendDocumentTimes(create_time, update_time, out);
}

void AppendDocumentTimes(Timestamp create_time, Timestamp update_time, std::string* out) {
  BodyWriter w;
  const size_t size = DelimitedSize(document::kCreateTime, TimestampSize(create_time)) +
                      DelimitedSize(document::kUpdateTime, TimestampSize(update_time));
  const size_t start = out->size();
  out->resize(start + size);
  uint8_t* p = reinterpret_cast<uint8_t*>(out->data() + start);
  p = w.WriteTimestamp(document::kCreateTime, create_time, p);
  w.WriteTimestamp(document::kUpdateTime, update_time, p);
}

Timestamp DocumentBody::create_time() const { return TopLevelTime(bytes_, document::kCreateTime); }
Timestamp DocumentBody::update_time() const { return TopLevelTime(bytes_, document::kUpdateTime); }

std::optional<Value> DocumentBody::Field(std::string_view name) const {
  return Decoded(FindEntry(bytes_, document::kFields, name));
}

std::optional<Value> DocumentBody::FieldAt(const std::vector<std::string>& segments) const {
  if (segments.empty()) return std::nullopt;
  std::optional<std::string_view> v = FindEntry(bytes_, document::kFields, segments[0]);
  for (size_t i = 1; i < segments.size() && v; i++) {
    std::optional<std::string_view> m = MapPayload(*v);
    v = m ? FindEntry(*m, kMapFields, segments[i]) : std::nullopt;
  }
  return Decoded(v);
}

void DocumentBody::ReadFields(std::span<const FieldRead> reads) const {
  uint64_t done = 0;  // reads handled, by bit
  size_t left = std::min<size_t>(reads.size(), 64);
  ForEachEntry(bytes_, document::kFields, [&](std::string_view k, std::string_view v) {
    for (size_t i = 0; i < reads.size() && i < 64; i++) {
      if ((done >> i & 1) || reads[i].name != k) continue;
      done |= uint64_t{1} << i;
      left--;
      const FieldRead& r = reads[i];
      if (r.value) {
        if (std::optional<Value> x = Decoded(v)) r.value(*x);
      } else if (r.numbers) {
        std::optional<std::string_view> m = MapPayload(v);
        if (m) ForEachEntry(*m, kMapFields, [&](std::string_view key, std::string_view bytes) {
            uint64_t x;
            if (bytes.size() == 9 && static_cast<uint8_t>(bytes[0]) == Tag(value::kDouble, kFixed64)) {
              CodedInputStream::ReadLittleEndian64FromArray(reinterpret_cast<const uint8_t*>(bytes.data() + 1), &x);
              r.numbers(key, std::bit_cast<double>(x));
              return true;
            }
            CodedInputStream in = Input(bytes);
            if (in.ReadTag() == Tag(value::kInteger, kVarint) && in.ReadVarint64(&x) &&
                in.CurrentPosition() == static_cast<int>(bytes.size()))
              r.numbers(key, static_cast<double>(static_cast<int64_t>(x)));
            return true;
          });
      } else if (r.strings) {
        CodedInputStream in = Input(v);
        std::string_view a;
        if (in.ReadTag() != Tag(value::kArray, kLengthDelimited) || !ReadDelimited(in, v, &a)) continue;
        ForEachField(a, [&](uint32_t tag, CodedInputStream& ain) {
          std::string_view e, text;
          if (tag != Tag(kArrayValues, kLengthDelimited) || !ReadDelimited(ain, a, &e)) return false;
          CodedInputStream ein = Input(e);
          if (ein.ReadTag() == Tag(value::kString, kLengthDelimited) && ReadDelimited(ein, e, &text)) r.strings(text);
          return true;
        });
      }
    }
    return left > 0;
  });
}

MapValue DocumentBody::Fields() const {
  MapValue m;
  ForEachEntry(bytes_, document::kFields, [&](std::string_view k, std::string_view v) {
    if (!DecodeValue(v, &m[std::string(k)])) m.erase(std::string(k));
    return true;
  });
  return m;
}

Status DocumentBody::Validate() const {
  MapValue m;
  bool ok = true;
  std::string_view previous;
  bool first = true;
  bool parsed = ForEachEntry(bytes_, document::kFields, [&](std::string_view k, std::string_view v) {
    ok = (first || previous < k) && DecodeValue(v, &m[std::string(k)]);
    previous = k;
    first = false;
    return ok;
  });
  if (!parsed || !ok) return Status::DataLoss("malformed document body");
  // Only the fields hearth writes, each time once.
  std::string why = "malformed document body";
  int create_times = 0, update_times = 0;
  bool walked = ForEachField(bytes_, [&](uint32_t tag, CodedInputStream& in) {
    std::string_view s;
    Timestamp t;
    const bool create = tag == Tag(document::kCreateTime, kLengthDelimited);
    if (create || tag == Tag(document::kUpdateTime, kLengthDelimited)) {
      if (!ReadDelimited(in, bytes_, &s) || !DecodeTimestamp(s, &t)) {
        why = "malformed time";
        return false;
      }
      (create ? create_times : update_times)++;
      return true;
    }
    if (tag != Tag(document::kFields, kLengthDelimited) || !ReadDelimited(in, bytes_, &s)) {
      why = "unknown field in document body";
      return false;
    }
    return true;
  });
  if (!walked || create_times != 1 || update_times != 1) return Status::DataLoss(why);
  return Status::OK();
}

}  // namespace hearth::schema
