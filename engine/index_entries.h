// The index entries a document has: pure computation, no storage.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "hearth/value.h"
#include "schema/document_codec.h"
#include "schema/index_config.h"
#include "schema/path.h"

namespace hearth::engine {

// Reads a document's field values, whether it is in memory or still stored.
class FieldSource {
 public:
  virtual ~FieldSource() = default;
  virtual std::optional<Value> Get(const schema::FieldPath& field) const = 0;
};

class MapFieldSource final : public FieldSource {
 public:
  explicit MapFieldSource(const MapValue& fields) : fields_(fields) {}
  std::optional<Value> Get(const schema::FieldPath& field) const override;

 private:
  const MapValue& fields_;
};

class StoredFieldSource final : public FieldSource {
 public:
  explicit StoredFieldSource(const schema::StoredDocument& doc) : doc_(doc) {}
  std::optional<Value> Get(const schema::FieldPath& field) const override {
    return doc_.FieldAt(field.segments());
  }

 private:
  const schema::StoredDocument& doc_;
};

// Appends the keys of `def`'s entries for the document at `path`: none when
// the document lacks an indexed field (Firestore indexes a document only if
// it has every field), one per distinct element of an array-contains field,
// else one.
void AppendIndexEntries(const schema::IndexDef& def, const schema::DocumentPath& path, const FieldSource& doc,
                        std::vector<std::string>* keys);

}  // namespace hearth::engine
