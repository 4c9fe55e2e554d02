// Automatic single-field indexes, as Firestore keeps them: for every field
// (and every subfield of a map) an ascending entry of its value, and for an
// array one array-contains entry per distinct element, unless
// firestore.indexes.json's fieldOverrides say otherwise for the field or its
// nearest overridden ancestor. Descending order is served by scanning the
// ascending entries backwards, so each value is stored once.
//
// Column family auto.<collection id>, key format version 1:
//   collection scope: 01 prefix(collection) kind field value id 00 01
//   group scope:      02 kind field value path(document)
//   kind  := 'v' (the field's value) | 'c' (one element of an array field)
//   field := the field path's segments, escaped, 00 02 between, 00 01 after the last
//   value := enc(value), ascending (schema/key_encoding.h)
// The entry's value is the primary key for time-series collections, else empty.
#pragma once

#include <string>
#include <vector>

#include "hearth/value.h"
#include "schema/index_config.h"
#include "schema/path.h"

namespace hearth::engine {

constexpr char kAutoCollectionScope = 0x01;
constexpr char kAutoGroupScope = 0x02;
constexpr char kAutoValue = 'v';
constexpr char kAutoContains = 'c';

// Which automatic entries a field gets.
struct AutoModes {
  bool value = true;            // ascending (and so descending) at collection scope
  bool contains = true;         // array-contains at collection scope
  bool group_value = false;     // the same at collection-group scope (off unless overridden)
  bool group_contains = false;
  bool operator==(const AutoModes&) const = default;
  bool any() const { return value || contains || group_value || group_contains; }
};

// The automatic-index settings of one collection group.
class AutoIndexConfig {
 public:
  AutoIndexConfig() = default;
  AutoIndexConfig(const schema::IndexConfig& config, const std::string& collection_group, bool enabled);

  bool enabled() const { return enabled_; }
  // Settings of the nearest override at or above `field`, else the defaults.
  AutoModes ModesFor(const std::vector<std::string>& field) const;
  // Whether an override names a field inside `field` (and so may index a
  // subfield of an exempted map).
  bool HasOverrideBelow(const std::vector<std::string>& field) const;
  // The top-level fields that, with everything inside them, have no
  // automatic entries (an override exempts each and none names a subfield),
  // in byte order: the write path skips them without walking or copying them.
  const std::vector<std::string>& exempt_top_level() const { return exempt_top_level_; }
  // A canonical description; a change means the entries must be rebuilt.
  std::string Fingerprint() const;

 private:
  bool enabled_ = false;
  std::vector<std::pair<std::vector<std::string>, AutoModes>> overrides_;
  std::vector<std::string> exempt_top_level_;  // sorted
};

// The start of the keys of one field's entries of one kind.
std::string AutoKeyPrefix(bool group_scope, const schema::ResourcePath& collection, char kind,
                          const schema::FieldPath& field);

// Appends the keys of every automatic entry of the document at `path`.
void AppendAutoEntries(const AutoIndexConfig& config, const schema::DocumentPath& path, const MapValue& fields,
                       std::vector<std::string>* keys);

}  // namespace hearth::engine
