#include "schema/structured_query.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "schema/json.h"

namespace hearth::schema {

namespace {

using J = rapidjson::Value;

Status Bad(const std::string& m) { return Status::InvalidArgument("structured query: " + m); }

const J* Member(const J& o, const char* name) {
  if (!o.IsObject()) return nullptr;
  auto it = o.FindMember(name);
  return it == o.MemberEnd() ? nullptr : &it->value;
}

std::string Text(const J& v) {
  rapidjson::StringBuffer b;
  rapidjson::Writer<rapidjson::StringBuffer> w(b);
  v.Accept(w);
  return std::string(b.GetString(), b.GetSize());
}

StatusOr<Value> RestValue(const J& v) { return ParseRestValue(Text(v)); }

StatusOr<std::string> FieldPathOf(const J* ref, const char* where) {
  const J* fp = ref ? Member(*ref, "fieldPath") : nullptr;
  if (fp == nullptr || !fp->IsString()) return Bad(std::string(where) + " needs field.fieldPath");
  return std::string(fp->GetString(), fp->GetStringLength());
}

// An enum by name or number.
StatusOr<int> EnumOf(const J* v, std::initializer_list<std::pair<const char*, int>> names, const char* what) {
  if (v != nullptr && v->IsInt()) return v->GetInt();
  if (v != nullptr && v->IsString()) {
    std::string_view s(v->GetString(), v->GetStringLength());
    for (const auto& [n, i] : names)
      if (s == n) return i;
  }
  return Bad(std::string("unknown ") + what + (v ? " " + Text(*v) : std::string()));
}

StatusOr<Filter> ParseFilter(const J& f, int depth) {
  if (depth > 20) return Bad("filters nest too deeply");
  if (const J* ff = Member(f, "fieldFilter")) {
    HEARTH_ASSIGN_OR_RETURN(std::string field, FieldPathOf(Member(*ff, "field"), "fieldFilter"));
    HEARTH_ASSIGN_OR_RETURN(int op, EnumOf(Member(*ff, "op"),
                                           {{"LESS_THAN", 1}, {"LESS_THAN_OR_EQUAL", 2}, {"GREATER_THAN", 3},
                                            {"GREATER_THAN_OR_EQUAL", 4}, {"EQUAL", 5}, {"NOT_EQUAL", 6},
                                            {"ARRAY_CONTAINS", 7}, {"IN", 8}, {"ARRAY_CONTAINS_ANY", 9},
                                            {"NOT_IN", 10}},
                                           "field filter operator"));
    if (op < 1 || op > 10) return Bad("unknown field filter operator " + std::to_string(op));
    const J* value = Member(*ff, "value");
    if (value == nullptr) return Bad("fieldFilter needs a value");
    HEARTH_ASSIGN_OR_RETURN(Value v, RestValue(*value));
    return Filter::Field(std::move(field), static_cast<FilterOp>(op), std::move(v));
  }
  if (const J* uf = Member(f, "unaryFilter")) {
    HEARTH_ASSIGN_OR_RETURN(std::string field, FieldPathOf(Member(*uf, "field"), "unaryFilter"));
    HEARTH_ASSIGN_OR_RETURN(int op, EnumOf(Member(*uf, "op"),
                                           {{"IS_NAN", 2}, {"IS_NULL", 3}, {"IS_NOT_NAN", 4}, {"IS_NOT_NULL", 5}},
                                           "unary filter operator"));
    if (op < 2 || op > 5) return Bad("unknown unary filter operator " + std::to_string(op));
    return Filter::Field(std::move(field), static_cast<FilterOp>(op + 20));
  }
  if (const J* cf = Member(f, "compositeFilter")) {
    HEARTH_ASSIGN_OR_RETURN(int op, EnumOf(Member(*cf, "op"), {{"AND", 1}, {"OR", 2}}, "composite filter operator"));
    if (op != 1 && op != 2) return Bad("unknown composite filter operator " + std::to_string(op));
    const J* filters = Member(*cf, "filters");
    if (filters == nullptr || !filters->IsArray()) return Bad("compositeFilter needs filters");
    std::vector<Filter> subs;
    for (const auto& s : filters->GetArray()) {
      HEARTH_ASSIGN_OR_RETURN(Filter sub, ParseFilter(s, depth + 1));
      subs.push_back(std::move(sub));
    }
    return op == 1 ? Filter::And(std::move(subs)) : Filter::Or(std::move(subs));
  }
  return Bad("a filter is one of fieldFilter, unaryFilter, compositeFilter: " + Text(f));
}

StatusOr<Cursor> ParseCursor(const J& c) {
  Cursor out;
  if (const J* values = Member(c, "values")) {
    if (!values->IsArray()) return Bad("cursor values must be an array");
    for (const auto& v : values->GetArray()) {
      HEARTH_ASSIGN_OR_RETURN(Value x, RestValue(v));
      out.values.push_back(std::move(x));
    }
  }
  if (const J* before = Member(c, "before")) {
    if (!before->IsBool()) return Bad("cursor before must be a boolean");
    out.before = before->GetBool();
  }
  return out;
}

StatusOr<int64_t> IntOf(const J& v, const char* what) {
  const J* x = &v;
  if (v.IsObject()) x = Member(v, "value");  // Int32Value wrapper
  if (x && x->IsInt64()) return x->GetInt64();
  if (x && x->IsString()) {
    try {
      return std::stoll(x->GetString());
    } catch (...) {
    }
  }
  return Bad(std::string(what) + " must be an integer");
}

}  // namespace

StatusOr<Query> ParseStructuredQuery(std::string_view json, const std::string& parent,
                                     std::optional<std::vector<std::string>>* select) {
  rapidjson::Document doc;
  // Full precision: a double in a filter or cursor must keep its exact value.
  doc.Parse<rapidjson::kParseFullPrecisionFlag | rapidjson::kParseNanAndInfFlag>(json.data(), json.size());
  if (doc.HasParseError())
    return Bad(std::string("malformed JSON at offset ") + std::to_string(doc.GetErrorOffset()) + ": " +
               rapidjson::GetParseError_En(doc.GetParseError()));
  const J* sq = Member(doc, "structuredQuery");
  if (sq == nullptr) sq = &doc;
  if (!sq->IsObject()) return Bad("must be a JSON object");
  Query q;
  q.parent = parent;
  const J* from = Member(*sq, "from");
  if (from == nullptr || !from->IsArray() || from->Size() != 1)
    return Bad("\"from\" must name exactly one collection");
  const J& sel = (*from)[0];
  const J* id = Member(sel, "collectionId");
  if (id == nullptr || !id->IsString()) return Bad("from[0] needs a collectionId");
  q.collection_id = id->GetString();
  if (const J* all = Member(sel, "allDescendants")) q.all_descendants = all->IsBool() && all->GetBool();
  if (const J* where = Member(*sq, "where")) {
    HEARTH_ASSIGN_OR_RETURN(q.where, ParseFilter(*where, 0));
  }
  if (const J* order = Member(*sq, "orderBy")) {
    if (!order->IsArray()) return Bad("orderBy must be an array");
    for (const auto& o : order->GetArray()) {
      HEARTH_ASSIGN_OR_RETURN(std::string field, FieldPathOf(Member(o, "field"), "orderBy"));
      SortDirection dir = SortDirection::kAscending;
      if (const J* d = Member(o, "direction")) {
        HEARTH_ASSIGN_OR_RETURN(int n, EnumOf(d, {{"ASCENDING", 1}, {"DESCENDING", 2}}, "direction"));
        dir = n == 2 ? SortDirection::kDescending : SortDirection::kAscending;
      }
      q.order_by.push_back({std::move(field), dir});
    }
  }
  if (const J* s = Member(*sq, "startAt")) {
    HEARTH_ASSIGN_OR_RETURN(q.start_at, ParseCursor(*s));
  }
  if (const J* e = Member(*sq, "endAt")) {
    HEARTH_ASSIGN_OR_RETURN(q.end_at, ParseCursor(*e));
  }
  if (const J* l = Member(*sq, "limit")) {
    HEARTH_ASSIGN_OR_RETURN(q.limit, IntOf(*l, "limit"));
  }
  if (const J* o = Member(*sq, "offset")) {
    HEARTH_ASSIGN_OR_RETURN(q.offset, IntOf(*o, "offset"));
  }
  if (const J* sel = Member(*sq, "select")) {
    if (select == nullptr) return Status::Unimplemented("structured query: select (projections) is not supported here");
    if (!sel->IsObject()) return Bad("select must be an object");
    select->emplace();
    if (const J* fields = Member(*sel, "fields")) {
      if (!fields->IsArray()) return Bad("select.fields must be an array");
      for (const auto& f : fields->GetArray()) {
        HEARTH_ASSIGN_OR_RETURN(std::string field, FieldPathOf(&f, "select"));
        (*select)->push_back(std::move(field));
      }
    }
  }
  if (Member(*sq, "findNearest")) return Status::Unimplemented("structured query: findNearest is not supported");
  return q;
}

}  // namespace hearth::schema
