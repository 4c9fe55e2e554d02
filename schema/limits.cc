#include "schema/limits.h"

#include <cmath>

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

size_t DocumentStorageSize(const DocumentPath& path, const MapValue& fields) {
  size_t n = 16;
  for (const auto& s : path.path.segments()) n += s.size() + 1;
  for (const auto& [k, v] : fields) n += k.size() + 1 + ValueStorageSize(v);
  return n + 32;
}

namespace {

// The path to the value being checked, as segments; turned into text
// ("m.x[0]") only when there is an error to report.
class Where {
 public:
  void PushKey(const std::string* k) { segs_.push_back({k, 0}); }
  void PushIndex(size_t i) { segs_.push_back({nullptr, i}); }
  void Pop() { segs_.pop_back(); }
  std::string Text() const {
    std::string w;
    for (const auto& s : segs_) {
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
  std::vector<Seg> segs_;
};

Status Bad(const Where& where, const std::string& why) {
  return Status::InvalidArgument("field " + where.Text() + ": " + why);
}

Status ValidateValue(const Value& v, int depth, Where& where) {
  switch (v.type()) {
    case Value::Type::kString:
      if (!IsValidUtf8(v.string())) return Bad(where, "string is not valid UTF-8");
      return Status::OK();
    case Value::Type::kTimestamp:
      if (!v.timestamp().IsValid()) return Bad(where, "timestamp outside 0001-01-01..9999-12-31");
      return Status::OK();
    case Value::Type::kGeoPoint: {
      const GeoPoint& g = v.geo();
      if (!(g.latitude >= -90 && g.latitude <= 90 && g.longitude >= -180 && g.longitude <= 180))
        return Bad(where, "geo point outside latitude [-90, 90], longitude [-180, 180]");
      return Status::OK();
    }
    case Value::Type::kReference: {
      auto p = ParseDocumentPath(v.reference());
      if (!p.ok()) return p.status().WithContext("field " + where.Text() + ": reference");
      return Status::OK();
    }
    case Value::Type::kArray:
      if (depth + 1 > kMaxNestingDepth) return Bad(where, "maps and arrays nest deeper than the limit of 20");
      for (size_t i = 0; i < v.array().size(); i++) {
        const Value& e = v.array()[i];
        where.PushIndex(i);
        if (e.type() == Value::Type::kArray) return Bad(where, "an array cannot directly contain an array");
        HEARTH_RETURN_IF_ERROR(ValidateValue(e, depth + 1, where));
        where.Pop();
      }
      return Status::OK();
    case Value::Type::kMap:
      if (depth + 1 > kMaxNestingDepth) return Bad(where, "maps and arrays nest deeper than the limit of 20");
      for (const auto& [k, e] : v.map()) {
        where.PushKey(&k);
        Status s = ValidateFieldName(k);
        if (!s.ok()) return s.WithContext("field " + where.Text());
        HEARTH_RETURN_IF_ERROR(ValidateValue(e, depth + 1, where));
        where.Pop();
      }
      return Status::OK();
    default:
      return Status::OK();
  }
}

}  // namespace

Status ValidateDocument(const DocumentPath& path, const MapValue& fields) {
  Where where;
  for (const auto& [k, v] : fields) {
    Status s = ValidateFieldName(k);
    if (!s.ok()) return s.WithContext("document " + path.ToString());
    where.PushKey(&k);
    s = ValidateValue(v, 0, where);
    if (!s.ok()) return s.WithContext("document " + path.ToString());
    where.Pop();
  }
  size_t size = DocumentStorageSize(path, fields);
  if (size > kMaxDocumentBytes)
    return Status::InvalidArgument("document " + path.ToString() + " is " + std::to_string(size) +
                                   " bytes; documents are limited to 1 MiB (1,048,576 bytes)");
  return Status::OK();
}

}  // namespace hearth::schema
