#include "schema/document_body_fb.h"

#include "document_generated.h"

namespace hearth::schema {

namespace {

using FbValueOffset = flatbuffers::Offset<fb::Value>;
using FbFieldOffset = flatbuffers::Offset<fb::Field>;

FbValueOffset BuildValue(flatbuffers::FlatBufferBuilder& b, const Value& v);

flatbuffers::Offset<flatbuffers::Vector<FbFieldOffset>> BuildFields(flatbuffers::FlatBufferBuilder& b,
                                                                   const MapValue& m) {
  std::vector<FbFieldOffset> fields;
  fields.reserve(m.size());
  for (const auto& [k, v] : m) {  // std::map iterates in byte order
    auto val = BuildValue(b, v);
    auto name = b.CreateString(k);
    fields.push_back(fb::CreateField(b, name, val));
  }
  return b.CreateVector(fields);
}

FbValueOffset BuildValue(flatbuffers::FlatBufferBuilder& b, const Value& v) {
  auto type = static_cast<fb::ValueType>(v.type());
  switch (v.type()) {
    case Value::Type::kNull: return fb::CreateValue(b, type);
    case Value::Type::kBoolean: return fb::CreateValue(b, type, v.boolean() ? 1 : 0);
    case Value::Type::kInteger: return fb::CreateValue(b, type, v.integer());
    case Value::Type::kDouble: {
      // FlatBuffers omits a field equal to its default, and -0.0 == 0.0:
      // force it, so the sign of zero survives.
      fb::ValueBuilder vb(b);
      vb.add_type(type);
      b.ForceDefaults(v.dbl() == 0);
      vb.add_double_value(v.dbl());
      b.ForceDefaults(false);
      return vb.Finish();
    }
    case Value::Type::kTimestamp:
      return fb::CreateValue(b, type, v.timestamp().seconds, v.timestamp().nanos);
    case Value::Type::kString: {
      auto s = b.CreateString(v.string());
      return fb::CreateValue(b, type, 0, 0, 0, 0, s);
    }
    case Value::Type::kReference: {
      auto s = b.CreateString(v.reference());
      return fb::CreateValue(b, type, 0, 0, 0, 0, s);
    }
    case Value::Type::kBytes: {
      auto bytes = b.CreateVector(reinterpret_cast<const uint8_t*>(v.bytes().data()), v.bytes().size());
      return fb::CreateValue(b, type, 0, 0, 0, 0, 0, bytes);
    }
    case Value::Type::kGeoPoint:
      return fb::CreateValue(b, type, 0, 0, v.geo().latitude, v.geo().longitude);
    case Value::Type::kArray: {
      std::vector<FbValueOffset> elems;
      elems.reserve(v.array().size());
      for (const auto& e : v.array()) elems.push_back(BuildValue(b, e));
      auto vec = b.CreateVector(elems);
      return fb::CreateValue(b, type, 0, 0, 0, 0, 0, 0, vec);
    }
    case Value::Type::kMap: {
      auto fields = BuildFields(b, v.map());
      return fb::CreateValue(b, type, 0, 0, 0, 0, 0, 0, 0, fields);
    }
  }
  return fb::CreateValue(b);
}

Value ToValue(const fb::Value* v) {
  if (v == nullptr) return Value::Null();
  switch (v->type()) {
    case fb::ValueType::Null: return Value::Null();
    case fb::ValueType::Boolean: return Value::Boolean(v->int_value() != 0);
    case fb::ValueType::Integer: return Value::Integer(v->int_value());
    case fb::ValueType::Double: return Value::Double(v->double_value());
    case fb::ValueType::Timestamp: return Value::Time(Timestamp{v->int_value(), v->nanos()});
    case fb::ValueType::String: return Value::String(v->string_value() ? v->string_value()->str() : "");
    case fb::ValueType::Reference: return Value::Ref(v->string_value() ? v->string_value()->str() : "");
    case fb::ValueType::Bytes:
      return Value::BytesValue(v->bytes_value() ? std::string(reinterpret_cast<const char*>(v->bytes_value()->data()),
                                                              v->bytes_value()->size())
                                                : std::string());
    case fb::ValueType::GeoPoint: return Value::Geo(v->double_value(), v->double_value2());
    case fb::ValueType::Array: {
      ArrayValue a;
      if (v->array_value()) {
        a.reserve(v->array_value()->size());
        for (const auto* e : *v->array_value()) a.push_back(ToValue(e));
      }
      return Value::Array(std::move(a));
    }
    case fb::ValueType::Map: {
      MapValue m;
      if (v->map_value())
        for (const auto* f : *v->map_value()) m.emplace(f->name() ? f->name()->str() : "", ToValue(f->value()));
      return Value::Map(std::move(m));
    }
  }
  return Value::Null();
}

// Binary search of a name-sorted field vector.
const fb::Field* FindField(const flatbuffers::Vector<flatbuffers::Offset<fb::Field>>* fields, std::string_view name) {
  if (fields == nullptr) return nullptr;
  size_t lo = 0, hi = fields->size();
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    const fb::Field* f = fields->Get(mid);
    std::string_view n = f->name() ? f->name()->string_view() : std::string_view();
    int c = n.compare(name);
    if (c == 0) return f;
    if (c < 0) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return nullptr;
}

const fb::Document* Root(std::string_view bytes) { return fb::GetDocument(bytes.data()); }

}  // namespace

std::string EncodeFlatBuffersBody(const MapValue& fields, Timestamp create_time, Timestamp update_time) {
  flatbuffers::FlatBufferBuilder b(512);
  auto fv = BuildFields(b, fields);
  auto doc = fb::CreateDocument(b, fv, create_time.seconds, create_time.nanos, update_time.seconds, update_time.nanos);
  b.Finish(doc);
  return std::string(reinterpret_cast<const char*>(b.GetBufferPointer()), b.GetSize());
}

Timestamp FlatBuffersBody::create_time() const {
  const fb::Document* r = Root(bytes_);
  return {r->create_seconds(), r->create_nanos()};
}
Timestamp FlatBuffersBody::update_time() const {
  const fb::Document* r = Root(bytes_);
  return {r->update_seconds(), r->update_nanos()};
}

std::optional<Value> FlatBuffersBody::Field(std::string_view name) const {
  const fb::Field* f = FindField(Root(bytes_)->fields(), name);
  if (f == nullptr) return std::nullopt;
  return ToValue(f->value());
}

void FlatBuffersBody::ReadFields(std::span<const FieldRead> reads) const {
  for (const FieldRead& r : reads) {
    std::optional<Value> v = Field(r.name);
    if (!v) continue;
    if (r.value) {
      r.value(*v);
    } else if (r.numbers && v->type() == Value::Type::kMap) {
      for (const auto& [k, x] : v->map())
        if (x.is_number()) r.numbers(k, x.AsDouble());
    } else if (r.strings && v->type() == Value::Type::kArray) {
      for (const Value& x : v->array())
        if (x.type() == Value::Type::kString) r.strings(x.string());
    }
  }
}

std::optional<Value> FlatBuffersBody::FieldAt(const std::vector<std::string>& segments) const {
  if (segments.empty()) return std::nullopt;
  const fb::Field* f = FindField(Root(bytes_)->fields(), segments[0]);
  for (size_t i = 1; i < segments.size(); i++) {
    if (f == nullptr || f->value() == nullptr || f->value()->type() != fb::ValueType::Map) return std::nullopt;
    f = FindField(f->value()->map_value(), segments[i]);
  }
  if (f == nullptr) return std::nullopt;
  return ToValue(f->value());
}

MapValue FlatBuffersBody::Fields() const {
  MapValue m;
  if (const auto* fields = Root(bytes_)->fields())
    for (const auto* f : *fields) m.emplace(f->name() ? f->name()->str() : "", ToValue(f->value()));
  return m;
}

Status FlatBuffersBody::Validate() const {
  flatbuffers::Verifier verifier(reinterpret_cast<const uint8_t*>(bytes_.data()), bytes_.size());
  if (!fb::VerifyDocumentBuffer(verifier)) return Status::DataLoss("body does not verify");
  return Status::OK();
}

}  // namespace hearth::schema
