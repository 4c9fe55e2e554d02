#include "engine/index_entries.h"

#include <algorithm>

namespace hearth::engine {

std::optional<Value> MapFieldSource::Get(const schema::FieldPath& field) const {
  const Value* v = schema::FindField(fields_, field);
  return v ? std::optional<Value>(*v) : std::nullopt;
}

void AppendIndexEntries(const schema::IndexDef& def, const schema::DocumentPath& path, const FieldSource& doc,
                        std::vector<std::string>* keys) {
  std::string prefix;
  if (def.scope == schema::QueryScope::kCollection) schema::AppendParentCollectionPrefix(&prefix, path.path);
  // Encoded components; the array-contains field (at most one) fans out.
  std::vector<std::string> heads = {prefix};
  for (const auto& f : def.fields) {
    std::optional<Value> v = doc.Get(f.field);
    if (!v.has_value()) return;
    if (f.mode == schema::FieldMode::kContains) {
      if (v->type() != Value::Type::kArray || v->array().empty()) return;
      std::vector<std::string> elems;
      for (const auto& e : v->array()) elems.push_back(schema::EncodeValue(e));
      std::sort(elems.begin(), elems.end());
      elems.erase(std::unique(elems.begin(), elems.end()), elems.end());
      std::vector<std::string> next;
      for (const auto& h : heads)
        for (const auto& e : elems) next.push_back(h + e);
      heads = std::move(next);
    } else {
      auto dir = f.mode == schema::FieldMode::kDescending ? schema::Direction::kDescending
                                                          : schema::Direction::kAscending;
      std::string enc = schema::EncodeValue(*v, dir);
      for (auto& h : heads) h += enc;
    }
  }
  std::string suffix;
  if (def.scope == schema::QueryScope::kCollection) {
    schema::AppendEscaped(&suffix, path.id(), 1);
    if (def.name_direction == schema::Direction::kDescending)
      for (auto& c : suffix) c = static_cast<char>(~c);
  } else {
    schema::AppendDocumentPath(&suffix, path.path, def.name_direction);
  }
  for (auto& h : heads) keys->push_back(h + suffix);
}

}  // namespace hearth::engine
