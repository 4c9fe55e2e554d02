// Document paths, collection paths and field paths, with Firestore's limits
// (reference/firestore.md §4): ids of at most 1,500 bytes of valid UTF-8, no
// '/', not "." or "..", not matching __.*__; at most 100 nested collections.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "hearth/status.h"
#include "hearth/value.h"

namespace hearth::schema {

constexpr size_t kMaxIdBytes = 1500;
constexpr size_t kMaxFieldNameBytes = 1500;
constexpr size_t kMaxFieldPathBytes = 1500;
constexpr size_t kMaxDocumentNameBytes = 6 * 1024;
constexpr size_t kMaxCollectionDepth = 100;

bool IsValidUtf8(std::string_view s);
// The length of the well-formed UTF-8 sequence starting at s[i] (a lead byte
// of 0x80 or above), or 0 when it is malformed, overlong, a surrogate or
// beyond U+10FFFF.
size_t Utf8SequenceLength(std::string_view s, size_t i);

// Checks one collection or document id. `what` names it in the error.
Status ValidateId(std::string_view id, std::string_view what);

// A path of alternating collection ids and document ids.
class ResourcePath {
 public:
  ResourcePath() = default;
  explicit ResourcePath(std::vector<std::string> segments) : segments_(std::move(segments)) {}

  const std::vector<std::string>& segments() const { return segments_; }
  size_t size() const { return segments_.size(); }
  bool empty() const { return segments_.empty(); }
  const std::string& operator[](size_t i) const { return segments_[i]; }
  std::string ToString() const;  // segments joined with '/'
  bool operator==(const ResourcePath&) const = default;

 private:
  std::vector<std::string> segments_;
};

// "monitors/m1/snapshots/s1": an even number of segments.
struct DocumentPath {
  ResourcePath path;
  const std::string& collection_id() const { return path[path.size() - 2]; }
  const std::string& id() const { return path[path.size() - 1]; }
  std::string ToString() const { return path.ToString(); }
};

// "monitors/m1/snapshots": an odd number of segments.
struct CollectionPath {
  ResourcePath path;
  const std::string& collection_id() const { return path[path.size() - 1]; }
  std::string ToString() const { return path.ToString(); }
  DocumentPath Child(std::string id) const;
};

StatusOr<DocumentPath> ParseDocumentPath(std::string_view text);
StatusOr<CollectionPath> ParseCollectionPath(std::string_view text);

// A field path: "a.b" or "a.`x.y`". Segments are field names.
class FieldPath {
 public:
  FieldPath() = default;
  explicit FieldPath(std::vector<std::string> segments) : segments_(std::move(segments)) {}
  static FieldPath Name() { return FieldPath({"__name__"}); }

  const std::vector<std::string>& segments() const { return segments_; }
  bool IsName() const { return segments_.size() == 1 && segments_[0] == "__name__"; }
  // Canonical form: simple segments bare, others in backticks.
  std::string ToString() const;
  bool operator==(const FieldPath&) const = default;
  bool operator<(const FieldPath& o) const { return segments_ < o.segments_; }

 private:
  std::vector<std::string> segments_;
};

StatusOr<FieldPath> ParseFieldPath(std::string_view text);

// The value `path` names in `fields`, or null when a segment is missing or
// a parent on the way is not a map.
const Value* FindField(const MapValue& fields, const FieldPath& path);
// Sets the value `path` names in `fields`, making missing or non-map
// parents empty maps.
void SetField(MapValue* fields, const FieldPath& path, Value v);

// Checks a field name (one segment of a field path).
Status ValidateFieldName(std::string_view name);
// Whether a name matches the pattern Firestore reserves, __.*__.
bool IsReservedName(std::string_view name);

}  // namespace hearth::schema
