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

Status ValidateValue(const Value& v, int depth, const std::string& where) {
  switch (v.type()) {
    case Value::Type::kString:
      if (!IsValidUtf8(v.string())) return Status::InvalidArgument("field " + where + ": string is not valid UTF-8");
      return Status::OK();
    case Value::Type::kTimestamp:
      if (!v.timestamp().IsValid())
        return Status::InvalidArgument("field " + where + ": timestamp outside 0001-01-01..9999-12-31");
      return Status::OK();
    case Value::Type::kGeoPoint: {
      const GeoPoint& g = v.geo();
      if (!(g.latitude >= -90 && g.latitude <= 90 && g.longitude >= -180 && g.longitude <= 180))
        return Status::InvalidArgument("field " + where + ": geo point outside latitude [-90, 90], longitude [-180, 180]");
      return Status::OK();
    }
    case Value::Type::kReference: {
      auto p = ParseDocumentPath(v.reference());
      if (!p.ok()) return p.status().WithContext("field " + where + ": reference");
      return Status::OK();
    }
    case Value::Type::kArray:
      if (depth + 1 > kMaxNestingDepth)
        return Status::InvalidArgument("field " + where + ": maps and arrays nest deeper than the limit of 20");
      for (size_t i = 0; i < v.array().size(); i++) {
        const Value& e = v.array()[i];
        std::string w = where + "[" + std::to_string(i) + "]";
        if (e.type() == Value::Type::kArray)
          return Status::InvalidArgument("field " + w + ": an array cannot directly contain an array");
        HEARTH_RETURN_IF_ERROR(ValidateValue(e, depth + 1, w));
      }
      return Status::OK();
    case Value::Type::kMap:
      if (depth + 1 > kMaxNestingDepth)
        return Status::InvalidArgument("field " + where + ": maps and arrays nest deeper than the limit of 20");
      for (const auto& [k, e] : v.map()) {
        std::string w = where + "." + k;
        Status s = ValidateFieldName(k);
        if (!s.ok()) return s.WithContext("field " + w);
        HEARTH_RETURN_IF_ERROR(ValidateValue(e, depth + 1, w));
      }
      return Status::OK();
    default:
      return Status::OK();
  }
}

}  // namespace

Status ValidateDocument(const DocumentPath& path, const MapValue& fields) {
  for (const auto& [k, v] : fields) {
    Status s = ValidateFieldName(k);
    if (!s.ok()) return s.WithContext("document " + path.ToString());
    s = ValidateValue(v, 0, k);
    if (!s.ok()) return s.WithContext("document " + path.ToString());
  }
  size_t size = DocumentStorageSize(path, fields);
  if (size > kMaxDocumentBytes)
    return Status::InvalidArgument("document " + path.ToString() + " is " + std::to_string(size) +
                                   " bytes; documents are limited to 1 MiB (1,048,576 bytes)");
  return Status::OK();
}

}  // namespace hearth::schema
