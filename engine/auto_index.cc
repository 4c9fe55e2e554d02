#include "engine/auto_index.h"

#include <algorithm>
#include <optional>

#include "schema/key_encoding.h"

namespace hearth::engine {

AutoIndexConfig::AutoIndexConfig(const schema::IndexConfig& config, const std::string& group, bool enabled)
    : enabled_(enabled) {
  for (const auto& o : config.field_overrides) {
    if (o.collection_group != group) continue;
    AutoModes m{false, false, false, false};
    for (const auto& i : o.indexes) {
      bool contains = i.mode == schema::FieldMode::kContains;
      bool group_scope = i.scope == schema::QueryScope::kCollectionGroup;
      (group_scope ? (contains ? m.group_contains : m.group_value) : (contains ? m.contains : m.value)) = true;
    }
    overrides_.emplace_back(o.field.segments(), m);
  }
  // Longest paths first, so the first prefix match is the nearest ancestor.
  std::sort(overrides_.begin(), overrides_.end(),
            [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  for (const auto& [path, modes] : overrides_)
    if (path.size() == 1 && !modes.any() && !HasOverrideBelow(path)) exempt_top_level_.push_back(path[0]);
  std::sort(exempt_top_level_.begin(), exempt_top_level_.end());
}


AutoModes AutoIndexConfig::ModesFor(const std::vector<std::string>& field) const {
  for (const auto& [path, modes] : overrides_)
    if (path.size() <= field.size() && std::equal(path.begin(), path.end(), field.begin())) return modes;
  return AutoModes{};
}

bool AutoIndexConfig::HasOverrideBelow(const std::vector<std::string>& field) const {
  for (const auto& [path, modes] : overrides_)
    if (path.size() > field.size() && std::equal(field.begin(), field.end(), path.begin())) return true;
  return false;
}

std::string AutoIndexConfig::Fingerprint() const {
  if (!enabled_) return "off";
  auto sorted = overrides_;
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string f = "v1";
  for (const auto& [path, m] : sorted) {
    f += ";" + schema::FieldPath(path).ToString() + "=";
    f += m.value ? 'v' : '-';
    f += m.contains ? 'c' : '-';
    f += m.group_value ? 'V' : '-';
    f += m.group_contains ? 'C' : '-';
  }
  return f;
}

std::string AutoKeyPrefix(bool group_scope, const schema::ResourcePath& collection, char kind,
                          const schema::FieldPath& field) {
  std::string k;
  k.push_back(group_scope ? kAutoGroupScope : kAutoCollectionScope);
  if (!group_scope) schema::AppendCollectionPrefix(&k, collection);
  k.push_back(kind);
  const auto& segs = field.segments();
  for (size_t i = 0; i < segs.size(); i++) schema::AppendEscaped(&k, segs[i], i + 1 == segs.size() ? 1 : 2);
  return k;
}

namespace {

struct Emitter {
  const AutoIndexConfig& config;
  const schema::DocumentPath& path;
  schema::ResourcePath collection;
  std::string id_suffix, path_suffix;
  std::vector<std::string>* keys;

  void Field(std::vector<std::string>& field, const Value& v) {
    AutoModes m = config.ModesFor(field);
    // An exempted map's subfields are exempted too, unless an override
    // names one of them: most documents' bulk is skipped here.
    if (v.type() == Value::Type::kMap && (m.any() || config.HasOverrideBelow(field))) {
      for (const auto& [k, sub] : v.map()) {
        field.push_back(k);
        Field(field, sub);
        field.pop_back();
      }
    }
    if (!m.any()) return;
    schema::FieldPath fp(field);
    if (m.value || m.group_value) {
      std::string enc = schema::EncodeValue(v);
      if (m.value) keys->push_back(AutoKeyPrefix(false, collection, kAutoValue, fp) + enc + id_suffix);
      if (m.group_value) keys->push_back(AutoKeyPrefix(true, collection, kAutoValue, fp) + enc + path_suffix);
    }
    if ((m.contains || m.group_contains) && v.type() == Value::Type::kArray && !v.array().empty()) {
      std::vector<std::string> elems;
      for (const auto& e : v.array()) elems.push_back(schema::EncodeValue(e));
      std::sort(elems.begin(), elems.end());
      elems.erase(std::unique(elems.begin(), elems.end()), elems.end());
      std::string cp = m.contains ? AutoKeyPrefix(false, collection, kAutoContains, fp) : "";
      std::string gp = m.group_contains ? AutoKeyPrefix(true, collection, kAutoContains, fp) : "";
      for (const auto& e : elems) {
        if (m.contains) keys->push_back(cp + e + id_suffix);
        if (m.group_contains) keys->push_back(gp + e + path_suffix);
      }
    }
  }
};

}  // namespace

void AppendAutoEntries(const AutoIndexConfig& config, const schema::DocumentPath& path, const MapValue& fields,
                       std::vector<std::string>* keys) {
  if (!config.enabled()) return;
  // Made for the first field that may have entries: a document whose fields
  // are all exempted (the snapshots' case) costs a lookup per field.
  std::optional<Emitter> e;
  std::vector<std::string> field;
  // The fields and the exempted names are both in byte order: one merge.
  const std::vector<std::string>& exempt = config.exempt_top_level();
  auto x = exempt.begin();
  for (const auto& [k, v] : fields) {
    while (x != exempt.end() && *x < k) ++x;
    if (x != exempt.end() && *x == k) continue;
    if (!e) {
      auto segs = path.path.segments();
      segs.pop_back();
      e.emplace(config, path, schema::ResourcePath(std::move(segs)), std::string(), std::string(), keys);
      schema::AppendEscaped(&e->id_suffix, path.id(), 1);
      schema::AppendDocumentPath(&e->path_suffix, path.path);
    }
    field.assign(1, k);
    e->Field(field, v);
  }
}

}  // namespace hearth::engine
