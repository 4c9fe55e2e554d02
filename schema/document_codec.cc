#include "schema/document_codec.h"

#include <xxhash.h>

#include <algorithm>
#include <cstring>

#include "document_generated.h"
#include "hearth/document_view.h"

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

uint64_t Checksum(std::string_view body) { return XXH3_64bits(body.data(), body.size()); }

constexpr uint8_t kFormatVersion1 = 1;
constexpr size_t kChecksumBytes[] = {0, 4, 8};  // by format version

}  // namespace

std::string EncodeStoredDocument(const MapValue& fields, Timestamp create_time, Timestamp update_time) {
  flatbuffers::FlatBufferBuilder b(512);
  auto fv = BuildFields(b, fields);
  auto doc = fb::CreateDocument(b, fv, create_time.seconds, create_time.nanos, update_time.seconds, update_time.nanos);
  b.Finish(doc);
  std::string_view body(reinterpret_cast<const char*>(b.GetBufferPointer()), b.GetSize());
  std::string out;
  out.reserve(11 + body.size());
  out.push_back(static_cast<char>(kDocumentFormatVersion));
  out.push_back(static_cast<char>(Codec::kNone));
  out.push_back(0);  // dictionary id 0 (varint)
  uint64_t sum = Checksum(body);
  for (int i = 0; i < 8; i++) out.push_back(static_cast<char>((sum >> (8 * i)) & 0xFF));
  out.append(body);
  return out;
}

StatusOr<StoredDocument> StoredDocument::Parse(std::string_view bytes, std::string_view what,
                                               Verification verification) {
  HEARTH_ASSIGN_OR_RETURN(size_t offset, BodyOffset(bytes, what, verification));
  return StoredDocument(fb::GetDocument(bytes.data() + offset));
}

StoredDocument StoredDocument::OverVerifiedBody(const void* body) { return StoredDocument(fb::GetDocument(body)); }

StatusOr<size_t> StoredDocument::BodyOffset(std::string_view bytes, std::string_view what,
                                            Verification verification) {
  auto corrupt = [&](std::string_view why) {
    return Status::DataLoss("stored document " + std::string(what) + " is corrupted: " + std::string(why));
  };
  if (bytes.size() < 7) return corrupt("shorter than its header");
  const uint8_t version = static_cast<uint8_t>(bytes[0]);
  if (version != kDocumentFormatVersion && version != kFormatVersion1)
    return corrupt("unknown format version " + std::to_string(version));
  if (static_cast<uint8_t>(bytes[1]) != static_cast<uint8_t>(Codec::kNone))
    return corrupt("unknown codec " + std::to_string(static_cast<uint8_t>(bytes[1])));
  size_t pos = 2;
  uint32_t dict = 0;
  for (int shift = 0;; shift += 7) {
    if (pos >= bytes.size() || shift > 28) return corrupt("bad dictionary id");
    uint8_t c = static_cast<uint8_t>(bytes[pos++]);
    dict |= static_cast<uint32_t>(c & 0x7F) << shift;
    if (!(c & 0x80)) break;
  }
  if (dict != 0) return corrupt("unexpected dictionary id for codec none");
  const size_t sum_bytes = kChecksumBytes[version];
  if (pos + sum_bytes > bytes.size()) return corrupt("truncated header");
  uint64_t sum = 0;
  for (size_t i = 0; i < sum_bytes; i++) sum |= static_cast<uint64_t>(static_cast<uint8_t>(bytes[pos + i])) << (8 * i);
  pos += sum_bytes;
  std::string_view body = bytes.substr(pos);
  uint64_t actual = Checksum(body);
  if (version == kFormatVersion1) actual &= 0xFFFFFFFFu;
  if (actual != sum) return corrupt("checksum mismatch");
  if (verification == Verification::kFull || version == kFormatVersion1) {
    flatbuffers::Verifier verifier(reinterpret_cast<const uint8_t*>(body.data()), body.size());
    if (!fb::VerifyDocumentBuffer(verifier)) return corrupt("body does not verify");
  }
  return pos;
}

Timestamp StoredDocument::create_time() const { return {root_->create_seconds(), root_->create_nanos()}; }
Timestamp StoredDocument::update_time() const { return {root_->update_seconds(), root_->update_nanos()}; }

std::optional<Value> StoredDocument::Field(std::string_view name) const {
  const fb::Field* f = FindField(root_->fields(), name);
  if (f == nullptr) return std::nullopt;
  return ToValue(f->value());
}

std::optional<Value> StoredDocument::FieldAt(const std::vector<std::string>& segments) const {
  if (segments.empty()) return std::nullopt;
  const fb::Field* f = FindField(root_->fields(), segments[0]);
  for (size_t i = 1; i < segments.size(); i++) {
    if (f == nullptr || f->value() == nullptr || f->value()->type() != fb::ValueType::Map) return std::nullopt;
    f = FindField(f->value()->map_value(), segments[i]);
  }
  if (f == nullptr) return std::nullopt;
  return ToValue(f->value());
}

MapValue StoredDocument::Fields() const {
  MapValue m;
  if (root_->fields())
    for (const auto* f : *root_->fields()) m.emplace(f->name() ? f->name()->str() : "", ToValue(f->value()));
  return m;
}

StatusOr<Document> DecodeStoredDocument(std::string_view bytes, std::string path) {
  HEARTH_ASSIGN_OR_RETURN(StoredDocument sd, StoredDocument::Parse(bytes, path));
  Document d;
  d.path = std::move(path);
  d.fields = sd.Fields();
  d.create_time = sd.create_time();
  d.update_time = sd.update_time();
  return d;
}

}  // namespace hearth::schema

namespace hearth {

StatusOr<DocumentView> DocumentView::FromStored(std::string path, std::string_view stored, DocumentViewArena* arena) {
  HEARTH_ASSIGN_OR_RETURN(size_t offset, schema::StoredDocument::BodyOffset(stored, path));
  if (arena != nullptr) return DocumentView(std::move(path), arena->Copy(stored), stored.size(), offset);
  // One allocation holds the bytes and the shared count.
  std::shared_ptr<char[]> bytes = std::make_shared_for_overwrite<char[]>(stored.size());
  std::memcpy(bytes.get(), stored.data(), stored.size());
  return DocumentView(std::move(path), std::move(bytes), stored.size(), offset);
}

std::shared_ptr<const char[]> DocumentViewArena::Copy(std::string_view bytes) {
  constexpr size_t kMinBlock = 4096, kMaxBlock = 65536;
  if (!block_ || block_size_ - used_ < bytes.size()) {
    block_size_ = std::max(bytes.size(), std::clamp(2 * block_size_, kMinBlock, kMaxBlock));
    block_ = std::make_shared_for_overwrite<char[]>(block_size_);
    used_ = 0;
  }
  char* at = block_.get() + used_;
  std::memcpy(at, bytes.data(), bytes.size());
  used_ += (bytes.size() + 7) & ~size_t{7};  // the next copy starts 8-byte aligned
  if (used_ > block_size_) used_ = block_size_;
  return std::shared_ptr<const char[]>(block_, at);  // shares the block's count
}

const void* DocumentView::Root() const { return stored_.get() + body_offset_; }

std::string_view DocumentView::id() const {
  std::string_view p = path_;
  size_t slash = p.rfind('/');
  return slash == std::string_view::npos ? p : p.substr(slash + 1);
}

Timestamp DocumentView::create_time() const { return schema::StoredDocument::OverVerifiedBody(Root()).create_time(); }
Timestamp DocumentView::update_time() const { return schema::StoredDocument::OverVerifiedBody(Root()).update_time(); }

std::optional<Value> DocumentView::Get(std::string_view field) const {
  return schema::StoredDocument::OverVerifiedBody(Root()).Field(field);
}

std::optional<Value> DocumentView::Get(const std::vector<std::string>& segments) const {
  return schema::StoredDocument::OverVerifiedBody(Root()).FieldAt(segments);
}

MapValue DocumentView::Fields() const { return schema::StoredDocument::OverVerifiedBody(Root()).Fields(); }

Document DocumentView::ToDocument() const {
  auto sd = schema::StoredDocument::OverVerifiedBody(Root());
  return Document{path_, sd.Fields(), sd.create_time(), sd.update_time()};
}

}  // namespace hearth
