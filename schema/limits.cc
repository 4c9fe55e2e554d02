#include "schema/limits.h"

#include <array>
#include <cmath>

#include "schema/json.h"

namespace hearth::schema {

size_t ValueStorageSize(const Value& v) {
  switch (v.type()) {
    case Value::Type::kNull:
    case Value::Type::kBoolean: return 1;
    case Value::Type::kInteger:
    case Value::Type::kDouble:
    case Value::Type::kTimestamp: return 8;
    case Value::Type::kGeoPoint: return 16;
    case Value::Type::kString: return v.string().size() + 1;
    case Value::Type::kBytes: return v.bytes().size();
    case Value::Type::kReference: {
      // A document name's size: each segment's string size, plus 16.
      size_t n = 16;
      size_t start = 0;
      const std::string& p = v.reference();
      while (start <= p.size()) {
        size_t slash = p.find('/', start);
        if (slash == std::string::npos) slash = p.size();
        n += slash - start + 1;
        start = slash + 1;
      }
      return n;
    }
    case Value::Type::kArray: {
      size_t n = 0;
      for (const auto& e : v.array()) n += ValueStorageSize(e);
      return n;
    }
    case Value::Type::kMap: {
      size_t n = 0;
      for (const auto& [k, e] : v.map()) n += k.size() + 1 + ValueStorageSize(e);
      return n;
    }
  }
  return 0;
}

namespace {

// A document's storage size without its fields: the name's size (each
// segment's string size, plus 16) and 32 more.
size_t DocumentOverheadSize(const DocumentPath& path) {
  size_t n = 16 + 32;
  for (const auto& s : path.path.segments()) n += s.size() + 1;
  return n;
}

}  // namespace

size_t DocumentStorageSize(const DocumentPath& path, const MapValue& fields) {
  size_t n = DocumentOverheadSize(path);
  for (const auto& [k, v] : fields) n += k.size() + 1 + ValueStorageSize(v);
  return n;
}

namespace {

// The path to the value being checked, as segments; turned into text
// ("m.x[0]") only when there is an error to report.
class Where {
 public:
  void PushKey(const std::string* k) { segs_[size_++] = {k, 0}; }
  void PushIndex(size_t i) { segs_[size_++] = {nullptr, i}; }
  void Pop() { size_--; }
  std::string Text() const {
    std::string w;
    for (size_t i = 0; i < size_; i++) {
      const Seg& s = segs_[i];
      if (s.key) {
        if (!w.empty()) w += '.';
        w += *s.key;
      } else {
        w += "[" + std::to_string(s.index) + "]";
      }
    }
    return w;
  }

 private:
  struct Seg {
    const std::string* key;
    size_t index;
  };
  // A value at depth d is d + 1 segments deep, and ValidateValue refuses a
  // map or array before its children would pass the nesting limit: no
  // allocation for the path of every value checked.
  std::array<Seg, kMaxNestingDepth + 1> segs_;
  size_t size_ = 0;
};

Status Bad(const Where& where, const std::string& why) {
  return Status::InvalidArgument("field " + where.Text() + ": " + why);
}

// Checks a map key as ValidateFieldName does and adds its part of both
// sizes (its string; quoted, escaped, and a colon). Its UTF-8 is checked by
// the scan that measures it; ValidateFieldName runs only to name a problem.
Status CheckKey(const std::string& k, DocumentSizes& sizes) {
  const size_t quoted = QuotedJsonSizeIfUtf8(k);  // 0: not UTF-8
  if (quoted == 0 || k.empty() || k.size() > kMaxFieldNameBytes || IsReservedName(k))
    HEARTH_RETURN_IF_ERROR(ValidateFieldName(k));
  sizes.storage += k.size() + 1;
  sizes.plain_json += quoted + 1;
  return Status::OK();
}

// Checks `v` and adds its storage and plain JSON sizes to `sizes`.
Status ValidateValue(const Value& v, int depth, Where& where, DocumentSizes& sizes) {
  switch (v.type()) {
    case Value::Type::kString: {
      const size_t quoted = QuotedJsonSizeIfUtf8(v.string());
      if (quoted == 0) return Bad(where, "string is not valid UTF-8");
      sizes.storage += v.string().size() + 1;
      sizes.plain_json += quoted;
      return Status::OK();
    }
    case Value::Type::kTimestamp:
      if (!v.timestamp().IsValid()) return Bad(where, "timestamp outside 0001-01-01..9999-12-31");
      break;
    case Value::Type::kGeoPoint: {
      const GeoPoint& g = v.geo();
      if (!(g.latitude >= -90 && g.latitude <= 90 && g.longitude >= -180 && g.longitude <= 180))
        return Bad(where, "geo point outside latitude [-90, 90], longitude [-180, 180]");
      break;
    }
    case Value::Type::kReference: {
      auto p = ParseDocumentPath(v.reference());
      if (!p.ok()) return p.status().WithContext("field " + where.Text() + ": reference");
      break;
    }
    case Value::Type::kArray: {
      if (depth + 1 > kMaxNestingDepth) return Bad(where, "maps and arrays nest deeper than the limit of 20");
      const ArrayValue& a = v.array();
      sizes.plain_json += JsonPunctuationSize(a.size());
      for (size_t i = 0; i < a.size(); i++) {
        const Value& e = a[i];
        where.PushIndex(i);
        if (e.type() == Value::Type::kArray) return Bad(where, "an array cannot directly contain an array");
        HEARTH_RETURN_IF_ERROR(ValidateValue(e, depth + 1, where, sizes));
        where.Pop();
      }
      return Status::OK();
    }
    case Value::Type::kMap: {
      if (depth + 1 > kMaxNestingDepth) return Bad(where, "maps and arrays nest deeper than the limit of 20");
      const MapValue& m = v.map();
      sizes.plain_json += JsonPunctuationSize(m.size());
      for (const auto& [k, e] : m) {
        where.PushKey(&k);
        Status s = CheckKey(k, sizes);
        if (!s.ok()) return s.WithContext("field " + where.Text());
        HEARTH_RETURN_IF_ERROR(ValidateValue(e, depth + 1, where, sizes));
        where.Pop();
      }
      return Status::OK();
    }
    default:
      break;
  }
  sizes.storage += ValueStorageSize(v);
  sizes.plain_json += PlainValueJsonSize(v);
  return Status::OK();
}

}  // namespace

Status ValidateDocument(const DocumentPath& path, const MapValue& fields, DocumentSizes* sizes) {
  Where where;
  DocumentSizes measured;
  measured.storage = DocumentOverheadSize(path);
  measured.plain_json = JsonPunctuationSize(fields.size());
  for (const auto& [k, v] : fields) {
    Status s = CheckKey(k, measured);
    if (!s.ok()) return s.WithContext("document " + path.ToString());
    where.PushKey(&k);
    s = ValidateValue(v, 0, where, measured);
    if (!s.ok()) return s.WithContext("document " + path.ToString());
    where.Pop();
  }
  if (measured.storage > kMaxDocumentBytes)
    return Status::InvalidArgument("document " + path.ToString() + " is " + std::to_string(measured.storage) +
                                   " bytes; documents are limited to 1 MiB (1,048,576 bytes)");
  if (sizes != nullptr) *sizes = measured;
  return Status::OK();
}

}  // namespace hearth::schema
