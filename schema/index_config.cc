#include "schema/index_config.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace hearth::schema {

namespace {

std::string ModeName(FieldMode m) {
  switch (m) {
    case FieldMode::kAscending: return "asc";
    case FieldMode::kDescending: return "desc";
    case FieldMode::kContains: return "contains";
  }
  return "?";
}

std::string Json(const rapidjson::Value& v) {
  rapidjson::StringBuffer b;
  rapidjson::Writer<rapidjson::StringBuffer> w(b);
  v.Accept(w);
  std::string s(b.GetString(), b.GetSize());
  return s.size() > 200 ? s.substr(0, 200) + "..." : s;
}

const rapidjson::Value* Member(const rapidjson::Value& obj, const char* name) {
  auto it = obj.FindMember(name);
  return it == obj.MemberEnd() ? nullptr : &it->value;
}

StatusOr<QueryScope> ParseScope(const rapidjson::Value& obj) {
  const rapidjson::Value* s = Member(obj, "queryScope");
  if (s == nullptr) return QueryScope::kCollection;  // the CLI's default
  std::string_view v = s->IsString() ? std::string_view(s->GetString(), s->GetStringLength()) : "";
  if (v == "COLLECTION") return QueryScope::kCollection;
  if (v == "COLLECTION_GROUP") return QueryScope::kCollectionGroup;
  return Status::InvalidArgument("Field \"queryScope\" must be one of COLLECTION, COLLECTION_GROUP: " + Json(obj));
}

StatusOr<FieldMode> ParseMode(const rapidjson::Value& f) {
  const rapidjson::Value* order = Member(f, "order");
  const rapidjson::Value* array = Member(f, "arrayConfig");
  const rapidjson::Value* mode = Member(f, "mode");  // legacy v1beta1 form
  int present = (order != nullptr) + (array != nullptr) + (Member(f, "vectorConfig") != nullptr) +
                (Member(f, "searchConfig") != nullptr) + (mode != nullptr);
  if (present != 1)
    return Status::InvalidArgument(
        "Must contain exactly one of \"order,arrayConfig,vectorConfig,searchConfig\": " + Json(f));
  if (Member(f, "vectorConfig") || Member(f, "searchConfig"))
    return Status::Unimplemented("vector and search indexes are not supported by hearth: " + Json(f));
  const rapidjson::Value* v = order ? order : array ? array : mode;
  std::string_view s = v->IsString() ? std::string_view(v->GetString(), v->GetStringLength()) : "";
  if (order || mode) {
    if (s == "ASCENDING") return FieldMode::kAscending;
    if (s == "DESCENDING") return FieldMode::kDescending;
    if (mode && s == "ARRAY_CONTAINS") return FieldMode::kContains;
    return Status::InvalidArgument("Field \"order\" must be one of ASCENDING, DESCENDING: " + Json(f));
  }
  if (s == "CONTAINS") return FieldMode::kContains;
  return Status::InvalidArgument("Field \"arrayConfig\" must be one of CONTAINS: " + Json(f));
}

StatusOr<std::string> CollectionGroup(const rapidjson::Value& obj) {
  const rapidjson::Value* cg = Member(obj, "collectionGroup");
  if (cg == nullptr) cg = Member(obj, "collectionId");  // legacy v1beta1 form
  if (cg == nullptr || !cg->IsString() || cg->GetStringLength() == 0)
    return Status::InvalidArgument("Must contain \"collectionGroup\": " + Json(obj));
  std::string name(cg->GetString(), cg->GetStringLength());
  HEARTH_RETURN_IF_ERROR(ValidateId(name, "collectionGroup"));
  return name;
}

StatusOr<FieldPath> FieldPathOf(const rapidjson::Value& obj) {
  const rapidjson::Value* fp = Member(obj, "fieldPath");
  if (fp == nullptr || !fp->IsString()) return Status::InvalidArgument("Must contain \"fieldPath\": " + Json(obj));
  return ParseFieldPath(std::string_view(fp->GetString(), fp->GetStringLength()));
}

StatusOr<IndexDef> ParseIndex(const rapidjson::Value& obj) {
  if (!obj.IsObject()) return Status::InvalidArgument("an index must be an object: " + Json(obj));
  IndexDef def;
  HEARTH_ASSIGN_OR_RETURN(def.collection_group, CollectionGroup(obj));
  HEARTH_ASSIGN_OR_RETURN(def.scope, ParseScope(obj));
  if (Member(obj, "unique")) return Status::InvalidArgument("The `unique` index configuration is not supported yet.");
  const rapidjson::Value* fields = Member(obj, "fields");
  if (fields == nullptr || !fields->IsArray() || fields->Empty())
    return Status::InvalidArgument("Must contain \"fields\": " + Json(obj));
  bool has_array = false;
  bool explicit_name = false;
  for (rapidjson::SizeType i = 0; i < fields->Size(); i++) {
    const rapidjson::Value& f = (*fields)[i];
    if (!f.IsObject()) return Status::InvalidArgument("fields[" + std::to_string(i) + "] must be an object");
    auto path = FieldPathOf(f);
    if (!path.ok()) return path.status().WithContext("fields[" + std::to_string(i) + "]");
    auto mode = ParseMode(f);
    if (!mode.ok()) return mode.status().WithContext("fields[" + std::to_string(i) + "]");
    if (path->IsName()) {
      if (i + 1 != fields->Size())
        return Status::InvalidArgument("fields[" + std::to_string(i) + "]: __name__ may only be the last field");
      if (*mode == FieldMode::kContains)
        return Status::InvalidArgument("fields[" + std::to_string(i) + "]: __name__ cannot be an array field");
      def.name_direction = *mode == FieldMode::kDescending ? Direction::kDescending : Direction::kAscending;
      explicit_name = true;
      continue;
    }
    for (const auto& prev : def.fields)
      if (prev.field == *path)
        return Status::InvalidArgument("fields[" + std::to_string(i) + "]: field \"" + path->ToString() +
                                       "\" appears twice");
    if (*mode == FieldMode::kContains) {
      if (has_array) return Status::InvalidArgument("an index may contain at most one array field");
      has_array = true;
    } else {
      def.name_direction = *mode == FieldMode::kDescending ? Direction::kDescending : Direction::kAscending;
    }
    def.fields.push_back(IndexField{std::move(*path), *mode});
  }
  if (def.fields.empty()) return Status::InvalidArgument("an index needs at least one field besides __name__");
  if (def.fields.size() + (explicit_name ? 1 : 0) < 2)
    return Status::InvalidArgument(
        "a composite index needs at least 2 fields; single-field indexes are configured in fieldOverrides");
  return def;
}

StatusOr<FieldOverride> ParseOverride(const rapidjson::Value& obj) {
  if (!obj.IsObject()) return Status::InvalidArgument("a field override must be an object: " + Json(obj));
  FieldOverride o;
  HEARTH_ASSIGN_OR_RETURN(o.collection_group, CollectionGroup(obj));
  HEARTH_ASSIGN_OR_RETURN(o.field, FieldPathOf(obj));
  if (const rapidjson::Value* ttl = Member(obj, "ttl")) {
    if (!ttl->IsBool()) return Status::InvalidArgument("Property \"ttl\" must be of type boolean");
    o.ttl = ttl->GetBool();
  }
  const rapidjson::Value* idx = Member(obj, "indexes");
  if (idx == nullptr || !idx->IsArray()) return Status::InvalidArgument("Must contain \"indexes\": " + Json(obj));
  for (rapidjson::SizeType i = 0; i < idx->Size(); i++) {
    const rapidjson::Value& f = (*idx)[i];
    if (!f.IsObject()) return Status::InvalidArgument("indexes[" + std::to_string(i) + "] must be an object");
    FieldIndexConfig c;
    auto scope = ParseScope(f);
    if (!scope.ok()) return scope.status().WithContext("indexes[" + std::to_string(i) + "]");
    c.scope = *scope;
    int present = (Member(f, "order") != nullptr) + (Member(f, "arrayConfig") != nullptr);
    if (present != 1)
      return Status::InvalidArgument("indexes[" + std::to_string(i) + "]: Must contain exactly one of \"order,arrayConfig\": " +
                                     Json(f));
    auto mode = ParseMode(f);
    if (!mode.ok()) return mode.status().WithContext("indexes[" + std::to_string(i) + "]");
    c.mode = *mode;
    o.indexes.push_back(c);
  }
  return o;
}

}  // namespace

std::string IndexDef::Name() const {
  std::string n = "idx." + collection_group + (scope == QueryScope::kCollection ? ".collection." : ".group.");
  for (size_t i = 0; i < fields.size(); i++) {
    if (i) n += ',';
    n += fields[i].field.ToString() + ":" + ModeName(fields[i].mode);
  }
  // The __name__ direction is implied by the last ordered field unless given.
  Direction implied = Direction::kAscending;
  for (const auto& f : fields)
    if (f.mode != FieldMode::kContains)
      implied = f.mode == FieldMode::kDescending ? Direction::kDescending : Direction::kAscending;
  if (name_direction != implied) n += name_direction == Direction::kDescending ? ",__name__:desc" : ",__name__:asc";
  return n;
}

StatusOr<IndexConfig> ParseIndexConfig(std::string_view json, std::string_view source) {
  auto ctx = [&](const Status& s, const std::string& where) {
    return s.WithContext(std::string(source) + ": " + where);
  };
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseCommentsFlag | rapidjson::kParseTrailingCommasFlag>(json.data(), json.size());
  if (doc.HasParseError())
    return Status::InvalidArgument("Parse Error in " + std::string(source) + ": offset " +
                                   std::to_string(doc.GetErrorOffset()) + ": " +
                                   rapidjson::GetParseError_En(doc.GetParseError()));
  if (!doc.IsObject()) return Status::InvalidArgument(std::string(source) + ": the top level must be an object");
  const rapidjson::Value* indexes = Member(doc, "indexes");
  if (indexes == nullptr || !indexes->IsArray())
    return Status::InvalidArgument(std::string(source) + ": Must contain \"indexes\" (an array)");
  IndexConfig cfg;
  for (rapidjson::SizeType i = 0; i < indexes->Size(); i++) {
    std::string where = "indexes[" + std::to_string(i) + "]";
    if (const auto* cg = (*indexes)[i].IsObject() ? Member((*indexes)[i], "collectionGroup") : nullptr;
        cg && cg->IsString())
      where += " (collectionGroup \"" + std::string(cg->GetString()) + "\")";
    auto def = ParseIndex((*indexes)[i]);
    if (!def.ok()) return ctx(def.status(), where);
    for (const auto& prev : cfg.indexes)
      if (prev.Name() == def->Name()) return ctx(Status::InvalidArgument("duplicate of an earlier index"), where);
    cfg.indexes.push_back(std::move(*def));
  }
  if (const rapidjson::Value* fo = Member(doc, "fieldOverrides")) {
    if (!fo->IsArray()) return Status::InvalidArgument(std::string(source) + ": \"fieldOverrides\" must be an array");
    for (rapidjson::SizeType i = 0; i < fo->Size(); i++) {
      std::string where = "fieldOverrides[" + std::to_string(i) + "]";
      auto o = ParseOverride((*fo)[i]);
      if (!o.ok()) return ctx(o.status(), where);
      for (const auto& prev : cfg.field_overrides) {
        if (prev.collection_group == o->collection_group && prev.field == o->field)
          return ctx(Status::InvalidArgument("a second override for the same field"), where);
        if (o->ttl && prev.ttl && prev.collection_group == o->collection_group)
          return ctx(Status::InvalidArgument("only one TTL field per collection group"), where);
      }
      cfg.field_overrides.push_back(std::move(*o));
    }
  }
  return cfg;
}

}  // namespace hearth::schema
