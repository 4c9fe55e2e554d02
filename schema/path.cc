#include "schema/path.h"

#include <cstdint>
#include <cstring>

#include "schema/ascii_blocks.h"

namespace hearth::schema {

size_t Utf8SequenceLength(std::string_view s, size_t i) {
  const unsigned char c = static_cast<unsigned char>(s[i]);
  size_t len;
  uint32_t cp;
  if ((c & 0xE0) == 0xC0) {
    len = 2;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (size_t k = 1; k < len; k++) {
    const unsigned char cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3F);
  }
  if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
      (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  return len;
}

bool IsValidUtf8(std::string_view s) {
  if (AllAscii(s)) return true;
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    // ASCII runs a block, then 8 bytes, at a time.
    if (i + kAsciiBlockBytes <= n && AsciiBlock(s.data() + i)) {
      i += kAsciiBlockBytes;
      continue;
    }
    uint64_t w;
    if (i + 8 <= n && (std::memcpy(&w, s.data() + i, 8), (w & 0x8080808080808080ULL) == 0)) {
      i += 8;
      continue;
    }
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      i++;
      continue;
    }
    const size_t len = Utf8SequenceLength(s, i);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

bool IsReservedName(std::string_view s) {
  return s.size() >= 4 && s.substr(0, 2) == "__" && s.substr(s.size() - 2) == "__";
}

Status ValidateId(std::string_view id, std::string_view what) {
  auto bad = [&](std::string_view why) {
    return Status::InvalidArgument(std::string(what) + " \"" + std::string(id.substr(0, 80)) +
                                   (id.size() > 80 ? "..." : "") + "\" " + std::string(why));
  };
  if (id.empty()) return Status::InvalidArgument(std::string(what) + " is empty");
  if (id.size() > kMaxIdBytes)
    return bad("is " + std::to_string(id.size()) + " bytes; ids are limited to 1,500 bytes");
  if (!IsValidUtf8(id)) return bad("is not valid UTF-8");
  if (id.find('/') != std::string_view::npos) return bad("contains '/'");
  if (id == "." || id == "..") return bad("may not be \".\" or \"..\"");
  if (IsReservedName(id)) return bad("matches the reserved pattern __.*__");
  return Status::OK();
}

std::string ResourcePath::ToString() const {
  std::string out;
  for (size_t i = 0; i < segments_.size(); i++) {
    if (i) out += '/';
    out += segments_[i];
  }
  return out;
}

DocumentPath CollectionPath::Child(std::string id) const {
  auto segs = path.segments();
  segs.push_back(std::move(id));
  return DocumentPath{ResourcePath(std::move(segs))};
}

namespace {

StatusOr<ResourcePath> SplitPath(std::string_view text, std::string_view what) {
  std::string_view t = text;
  while (!t.empty() && t.front() == '/') t.remove_prefix(1);
  while (!t.empty() && t.back() == '/') t.remove_suffix(1);
  if (t.empty()) return Status::InvalidArgument(std::string(what) + " is empty");
  std::vector<std::string> segs;
  size_t start = 0;
  while (true) {
    size_t slash = t.find('/', start);
    std::string_view seg = t.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    bool is_collection = segs.size() % 2 == 0;
    Status s = ValidateId(seg, is_collection ? "collection id" : "document id");
    if (!s.ok()) return s.WithContext(std::string(what) + " \"" + std::string(text.substr(0, 200)) + "\"");
    segs.emplace_back(seg);
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  if (segs.size() > 2 * kMaxCollectionDepth)
    return Status::InvalidArgument(std::string(what) + " nests more than 100 collections");
  ResourcePath p(std::move(segs));
  size_t name_bytes = 0;
  for (const auto& s : p.segments()) name_bytes += s.size() + 1;
  if (name_bytes > kMaxDocumentNameBytes)
    return Status::InvalidArgument(std::string(what) + " is longer than the 6 KiB document name limit");
  return p;
}

}  // namespace

StatusOr<DocumentPath> ParseDocumentPath(std::string_view text) {
  HEARTH_ASSIGN_OR_RETURN(ResourcePath p, SplitPath(text, "document path"));
  if (p.size() % 2 != 0)
    return Status::InvalidArgument("document path \"" + std::string(text) +
                                   "\" names a collection; a document path has an even number of segments "
                                   "(collection/id)");
  return DocumentPath{std::move(p)};
}

StatusOr<CollectionPath> ParseCollectionPath(std::string_view text) {
  HEARTH_ASSIGN_OR_RETURN(ResourcePath p, SplitPath(text, "collection path"));
  if (p.size() % 2 != 1)
    return Status::InvalidArgument("collection path \"" + std::string(text) +
                                   "\" names a document; a collection path has an odd number of segments");
  return CollectionPath{std::move(p)};
}

namespace {
bool IsSimpleSegment(std::string_view s) {
  if (s.empty()) return false;
  auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  if (!alpha(s[0])) return false;
  for (char c : s)
    if (!alpha(c) && !(c >= '0' && c <= '9')) return false;
  return true;
}
}  // namespace

std::string FieldPath::ToString() const {
  std::string out;
  for (size_t i = 0; i < segments_.size(); i++) {
    if (i) out += '.';
    const std::string& s = segments_[i];
    if (IsSimpleSegment(s)) {
      out += s;
    } else {
      out += '`';
      for (char c : s) {
        if (c == '`' || c == '\\') out += '\\';
        out += c;
      }
      out += '`';
    }
  }
  return out;
}

Status ValidateFieldName(std::string_view name) {
  if (name.empty()) return Status::InvalidArgument("field name is empty");
  if (name.size() > kMaxFieldNameBytes)
    return Status::InvalidArgument("field name \"" + std::string(name.substr(0, 80)) +
                                   "...\" is longer than 1,500 bytes");
  if (!IsValidUtf8(name)) return Status::InvalidArgument("field name is not valid UTF-8");
  if (IsReservedName(name))
    return Status::InvalidArgument("field name \"" + std::string(name) + "\" matches the reserved pattern __.*__");
  return Status::OK();
}

StatusOr<FieldPath> ParseFieldPath(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return Status::InvalidArgument("invalid field path \"" + std::string(text) + "\": " + std::string(why));
  };
  if (text.empty()) return bad("empty");
  if (text.size() > kMaxFieldPathBytes) return bad("longer than 1,500 bytes");
  if (text == "__name__") return FieldPath::Name();
  std::vector<std::string> segs;
  size_t i = 0;
  while (i <= text.size()) {
    std::string seg;
    if (i < text.size() && text[i] == '`') {
      i++;
      bool closed = false;
      while (i < text.size()) {
        char c = text[i++];
        if (c == '\\') {
          if (i >= text.size()) return bad("dangling escape");
          seg += text[i++];
        } else if (c == '`') {
          closed = true;
          break;
        } else {
          seg += c;
        }
      }
      if (!closed) return bad("unterminated backtick");
      if (seg.empty()) return bad("empty quoted segment");
    } else {
      size_t dot = text.find('.', i);
      seg = std::string(text.substr(i, dot == std::string_view::npos ? std::string_view::npos : dot - i));
      if (seg.empty()) return bad("empty segment");
      if (seg.find('`') != std::string::npos) return bad("backtick inside an unquoted segment");
      i = dot == std::string_view::npos ? text.size() : dot;
    }
    segs.push_back(std::move(seg));
    if (i >= text.size()) break;
    if (text[i] != '.') return bad("expected '.' between segments");
    i++;
    if (i == text.size()) return bad("ends with '.'");
  }
  for (const auto& s : segs) {
    Status st = ValidateFieldName(s);
    if (!st.ok()) return st.WithContext("field path \"" + std::string(text) + "\"");
  }
  return FieldPath(std::move(segs));
}

const Value* FindField(const MapValue& fields, const FieldPath& path) {
  const MapValue* m = &fields;
  const auto& segs = path.segments();
  for (size_t i = 0; i < segs.size(); i++) {
    auto it = m->find(segs[i]);
    if (it == m->end()) return nullptr;
    if (i + 1 == segs.size()) return &it->second;
    if (it->second.type() != Value::Type::kMap) return nullptr;
    m = &it->second.map();
  }
  return nullptr;
}

void SetField(MapValue* fields, const FieldPath& path, Value v) {
  MapValue* m = fields;
  const auto& segs = path.segments();
  for (size_t i = 0; i + 1 < segs.size(); i++) {
    Value& slot = (*m)[segs[i]];
    if (slot.type() != Value::Type::kMap) slot = Value::Map({});
    m = &slot.map();
  }
  (*m)[segs.back()] = std::move(v);
}

}  // namespace hearth::schema
