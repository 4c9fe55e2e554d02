// firestore.indexes.json: composite indexes and field overrides, parsed in
// the format the Firebase CLI deploys (reference/firestore.md §1), `//` and
// `/* */` comments allowed.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "hearth/status.h"
#include "schema/key_encoding.h"
#include "schema/path.h"

namespace hearth::schema {

enum class QueryScope { kCollection, kCollectionGroup };
enum class FieldMode { kAscending, kDescending, kContains };

struct IndexField {
  FieldPath field;
  FieldMode mode;
  bool operator==(const IndexField&) const = default;
};

struct IndexDef {
  std::string collection_group;
  QueryScope scope = QueryScope::kCollection;
  std::vector<IndexField> fields;  // without the implicit __name__
  // Direction of the implicit trailing __name__: that of the last ordered
  // field, or as given by an explicit trailing __name__ entry.
  Direction name_direction = Direction::kAscending;

  // Stable identity, also the column family name:
  // "idx.<group>.<collection|group>.<field>:<asc|desc|contains>,...[,__name__:desc]"
  std::string Name() const;
  bool operator==(const IndexDef&) const = default;
};

struct FieldIndexConfig {
  QueryScope scope = QueryScope::kCollection;
  FieldMode mode = FieldMode::kAscending;
  bool operator==(const FieldIndexConfig&) const = default;
};

struct FieldOverride {
  std::string collection_group;
  FieldPath field;
  bool ttl = false;
  // The single-field indexes kept for this field; empty exempts the field
  // from automatic indexing.
  std::vector<FieldIndexConfig> indexes;
  bool operator==(const FieldOverride&) const = default;
};

struct IndexConfig {
  std::vector<IndexDef> indexes;
  std::vector<FieldOverride> field_overrides;
};

// Parses the file's text; `source` names it in errors. An invalid entry is
// rejected with its position and collection group named.
StatusOr<IndexConfig> ParseIndexConfig(std::string_view json, std::string_view source);

// The monitoring domain's firestore.indexes.json (the file at the repository
// root, compiled in), used when a new store is given no index file.
std::string_view DefaultIndexConfigJson();

}  // namespace hearth::schema
