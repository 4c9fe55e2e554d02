#include "engine/index_missing.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <algorithm>

#include "schema/base64.h"
#include "schema/json.h"

namespace hearth::engine {

namespace {

bool IsContainsOp(FilterOp op) { return op == FilterOp::kArrayContains || op == FilterOp::kArrayContainsAny; }

// google.firestore.admin.v1 field numbers and enum values (reference/firestore.md §1.3).
constexpr int kIndexName = 1, kIndexQueryScope = 2, kIndexFields = 3;
constexpr int kFieldPath = 1, kFieldOrder = 2, kFieldArrayConfig = 3;
constexpr int kScopeCollection = 1, kScopeCollectionGroup = 2;
constexpr int kOrderAscending = 1, kOrderDescending = 2, kArrayContains = 1;
constexpr uint32_t kVarint = 0, kLengthDelimited = 2;  // protobuf wire types
constexpr uint32_t Tag(int number, uint32_t wire_type) { return (static_cast<uint32_t>(number) << 3) | wire_type; }

std::string SerializeField(const std::string& path, int number, int value) {
  std::string out;
  {
    google::protobuf::io::StringOutputStream stream(&out);
    google::protobuf::io::CodedOutputStream w(&stream);
    w.WriteTag(Tag(kFieldPath, kLengthDelimited));
    w.WriteVarint32(static_cast<uint32_t>(path.size()));
    w.WriteString(path);
    w.WriteTag(Tag(number, kVarint));
    w.WriteVarint32(static_cast<uint32_t>(value));
  }
  return out;
}

}  // namespace

schema::IndexDef NeededIndex(const schema::NormalizedQuery& q, const std::vector<schema::QueryFilter>& conj) {
  schema::IndexDef def;
  def.collection_group = q.collection_id;
  def.scope = q.all_descendants ? schema::QueryScope::kCollectionGroup : schema::QueryScope::kCollection;
  std::vector<schema::FieldPath> fixed;
  for (const auto& f : conj) {
    if (!(f.IsEquality() || IsContainsOp(f.op))) continue;
    schema::FieldMode mode = IsContainsOp(f.op) ? schema::FieldMode::kContains : schema::FieldMode::kAscending;
    bool dup = false;
    for (const auto& x : def.fields) dup |= x.field == f.field && x.mode == mode;
    if (!dup) def.fields.push_back({f.field, mode});
    if (f.IsEquality()) fixed.push_back(f.field);
  }
  for (const auto& o : q.order) {
    if (o.field.IsName()) {
      def.name_direction = o.direction;
      continue;
    }
    if (std::find(fixed.begin(), fixed.end(), o.field) != fixed.end()) continue;
    def.fields.push_back({o.field, o.direction == schema::Direction::kDescending ? schema::FieldMode::kDescending
                                                                                 : schema::FieldMode::kAscending});
  }
  return def;
}

std::string ConsoleLink(const schema::IndexDef& index, const std::string& project) {
  std::string msg;
  {
    google::protobuf::io::StringOutputStream stream(&msg);
    google::protobuf::io::CodedOutputStream w(&stream);
    std::string name = "projects/" + project + "/databases/(default)/collectionGroups/" + index.collection_group +
                       "/indexes/_";
    w.WriteTag(Tag(kIndexName, kLengthDelimited));
    w.WriteVarint32(static_cast<uint32_t>(name.size()));
    w.WriteString(name);
    w.WriteTag(Tag(kIndexQueryScope, kVarint));
    w.WriteVarint32(index.scope == schema::QueryScope::kCollection ? kScopeCollection : kScopeCollectionGroup);
    std::vector<std::string> fields;
    for (const auto& f : index.fields) {
      if (f.mode == schema::FieldMode::kContains) {
        fields.push_back(SerializeField(f.field.ToString(), kFieldArrayConfig, kArrayContains));
      } else {
        fields.push_back(SerializeField(f.field.ToString(), kFieldOrder,
                                        f.mode == schema::FieldMode::kDescending ? kOrderDescending : kOrderAscending));
      }
    }
    fields.push_back(SerializeField("__name__", kFieldOrder,
                                    index.name_direction == schema::Direction::kDescending ? kOrderDescending
                                                                                           : kOrderAscending));
    for (const auto& f : fields) {
      w.WriteTag(Tag(kIndexFields, kLengthDelimited));
      w.WriteVarint32(static_cast<uint32_t>(f.size()));
      w.WriteString(f);
    }
  }
  std::string token = schema::Base64Encode(msg);
  for (auto& c : token) c = c == '+' ? '-' : c == '/' ? '_' : c;
  while (!token.empty() && token.back() == '=') token.pop_back();
  return "https://console.firebase.google.com/v1/r/project/" + project +
         "/firestore/indexes?create_composite=" + token;
}

std::string IndexJson(const schema::IndexDef& index) {
  std::string out = "{\"collectionGroup\": " + schema::PlainValueJson(Value::String(index.collection_group)) +
                    ", \"queryScope\": \"" +
                    (index.scope == schema::QueryScope::kCollection ? "COLLECTION" : "COLLECTION_GROUP") +
                    "\", \"fields\": [";
  for (size_t i = 0; i < index.fields.size(); i++) {
    const auto& f = index.fields[i];
    out += (i ? ", " : "") + std::string("{\"fieldPath\": ") + schema::PlainValueJson(Value::String(f.field.ToString()));
    out += f.mode == schema::FieldMode::kContains      ? ", \"arrayConfig\": \"CONTAINS\"}"
           : f.mode == schema::FieldMode::kDescending ? ", \"order\": \"DESCENDING\"}"
                                                      : ", \"order\": \"ASCENDING\"}";
  }
  out += "]}";
  return out;
}

Status MissingIndexError(const schema::NormalizedQuery& q, const std::vector<schema::QueryFilter>& conj,
                         const std::vector<schema::FieldOverride>& overrides, const std::string& project) {
  schema::IndexDef need = NeededIndex(q, conj);
  std::string m = "The query requires an index. ";
  if (need.fields.size() == 1) {
    // A single field: the automatic index would serve it, so it is exempted.
    std::string why = "automatic indexing is off";
    for (const auto& o : overrides) {
      const auto& segs = o.field.segments();
      const auto& want = need.fields[0].field.segments();
      if (o.collection_group == q.collection_id && segs.size() <= want.size() &&
          std::equal(segs.begin(), segs.end(), want.begin()))
        why = "fieldOverrides in firestore.indexes.json exempt \"" + o.field.ToString() + "\" from automatic indexing";
    }
    return Status::FailedPrecondition(m + "Field \"" + need.fields[0].field.ToString() + "\" of collection group \"" +
                                      q.collection_id + "\" has no single-field index: " + why +
                                      ". Remove the exemption and reopen the store to build it.");
  }
  m += "Add it to firestore.indexes.json and reopen the store: " + IndexJson(need) +
       " (in Cloud Firestore, you can create it here: " + ConsoleLink(need, project) + ")";
  return Status::FailedPrecondition(m);
}

}  // namespace hearth::engine
