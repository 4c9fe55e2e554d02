#include "tools/query_args.h"

#include <algorithm>

#include "schema/json.h"
#include "schema/path.h"
#include "schema/time_format.h"

namespace hearth::tools {

namespace {

bool Declared(const CollectionDef* def, const std::string& field) {
  return def != nullptr &&
         std::find(def->timestamp_fields.begin(), def->timestamp_fields.end(), field) != def->timestamp_fields.end();
}

// Strings become timestamps for declared fields (also inside arrays, for in/not-in).
StatusOr<Value> Coerce(Value v, bool timestamp) {
  if (!timestamp) return v;
  if (v.type() == Value::Type::kString) {
    HEARTH_ASSIGN_OR_RETURN(Timestamp t, schema::ParseRfc3339(v.string()));
    return Value::Time(t);
  }
  if (v.type() == Value::Type::kArray) {
    ArrayValue out;
    for (auto& e : v.array()) {
      HEARTH_ASSIGN_OR_RETURN(Value c, Coerce(e, true));
      out.push_back(std::move(c));
    }
    return Value::Array(std::move(out));
  }
  return v;
}

StatusOr<FilterOp> OpOf(const std::string& s) {
  static const std::pair<const char*, FilterOp> kOps[] = {
      {"==", FilterOp::kEqual},          {"!=", FilterOp::kNotEqual},
      {"<", FilterOp::kLessThan},        {"<=", FilterOp::kLessThanOrEqual},
      {">", FilterOp::kGreaterThan},     {">=", FilterOp::kGreaterThanOrEqual},
      {"in", FilterOp::kIn},             {"not-in", FilterOp::kNotIn},
      {"array-contains", FilterOp::kArrayContains}, {"array-contains-any", FilterOp::kArrayContainsAny},
      {"is-null", FilterOp::kIsNull},    {"is-nan", FilterOp::kIsNan},
      {"is-not-null", FilterOp::kIsNotNull}, {"is-not-nan", FilterOp::kIsNotNan}};
  for (const auto& [name, op] : kOps)
    if (s == name) return op;
  return Status::InvalidArgument("unknown operator \"" + s +
                                 "\" (use ==, !=, <, <=, >, >=, in, not-in, array-contains, array-contains-any, "
                                 "is-null, is-nan, is-not-null, is-not-nan)");
}

StatusOr<Filter> ParseWhere(const std::string& text, const CollectionDef* def) {
  auto bad = [&](const std::string& why) {
    return Status::InvalidArgument("--where '" + text + "': " + why + " (expected 'FIELD OP VALUE')");
  };
  size_t a = text.find_first_not_of(' ');
  if (a == std::string::npos) return bad("empty");
  size_t b = text.find(' ', a);
  if (b == std::string::npos) return bad("missing operator");
  std::string field = text.substr(a, b - a);
  size_t c = text.find_first_not_of(' ', b);
  if (c == std::string::npos) return bad("missing operator");
  size_t d = text.find(' ', c);
  std::string op_text = text.substr(c, d == std::string::npos ? std::string::npos : d - c);
  auto op = OpOf(op_text);
  if (!op.ok()) return bad(op.status().message());
  std::string rest = d == std::string::npos ? "" : text.substr(d + 1);
  bool unary = *op == FilterOp::kIsNull || *op == FilterOp::kIsNan || *op == FilterOp::kIsNotNull ||
               *op == FilterOp::kIsNotNan;
  if (unary) {
    if (rest.find_first_not_of(' ') != std::string::npos) return bad(op_text + " takes no value");
    return Filter::Field(field, *op);
  }
  if (rest.find_first_not_of(' ') == std::string::npos) return bad("missing value");
  auto v = schema::ParsePlainValue(rest);
  if (!v.ok()) return bad("VALUE is not JSON: " + v.status().message());
  auto coerced = Coerce(std::move(*v), Declared(def, field));
  if (!coerced.ok()) return bad(coerced.status().message());
  return Filter::Field(field, *op, std::move(*coerced));
}

StatusOr<std::optional<Cursor>> ParseCursor(const std::string& text, bool before, const std::vector<Order>& order,
                                            const CollectionDef* def, const char* flag) {
  if (text.empty()) return std::optional<Cursor>();
  auto v = schema::ParsePlainValue("[" + text + "]");
  if (!v.ok()) return Status::InvalidArgument(std::string(flag) + " '" + text + "': values are not JSON: " +
                                              v.status().message());
  Cursor c;
  c.before = before;
  for (size_t i = 0; i < v->array().size(); i++) {
    bool ts = i < order.size() && Declared(def, order[i].field);
    auto x = Coerce(v->array()[i], ts);
    if (!x.ok()) return x.status().WithContext(flag);
    c.values.push_back(std::move(*x));
  }
  return std::optional<Cursor>(std::move(c));
}

}  // namespace

StatusOr<Query> BuildQuery(const QueryArgs& args, const CollectionDef* def) {
  Query q;
  HEARTH_ASSIGN_OR_RETURN(schema::CollectionPath coll, schema::ParseCollectionPath(args.collection));
  auto parent = coll.path.segments();
  parent.pop_back();
  q.parent = schema::ResourcePath(parent).ToString();
  q.collection_id = coll.collection_id();
  q.all_descendants = args.collection_group;
  std::vector<Filter> filters;
  for (const auto& w : args.where) {
    HEARTH_ASSIGN_OR_RETURN(Filter f, ParseWhere(w, def));
    filters.push_back(std::move(f));
  }
  if (filters.size() == 1) q.where = std::move(filters[0]);
  if (filters.size() > 1) q.where = Filter::And(std::move(filters));
  for (const auto& o : args.order_by) {
    std::string field = o, dir = "asc";
    size_t sp = o.find(' ');
    if (sp != std::string::npos) {
      field = o.substr(0, sp);
      dir = o.substr(o.find_first_not_of(' ', sp));
    }
    if (dir != "asc" && dir != "desc")
      return Status::InvalidArgument("--order-by '" + o + "': direction must be asc or desc");
    q.order_by.push_back({field, dir == "desc" ? SortDirection::kDescending : SortDirection::kAscending});
  }
  if (!args.start_at.empty() && !args.start_after.empty())
    return Status::InvalidArgument("--start-at and --start-after exclude each other");
  if (!args.end_at.empty() && !args.end_before.empty())
    return Status::InvalidArgument("--end-at and --end-before exclude each other");
  HEARTH_ASSIGN_OR_RETURN(q.start_at, ParseCursor(args.start_at, true, q.order_by, def, "--start-at"));
  if (!q.start_at) {
    HEARTH_ASSIGN_OR_RETURN(q.start_at, ParseCursor(args.start_after, false, q.order_by, def, "--start-after"));
  }
  HEARTH_ASSIGN_OR_RETURN(q.end_at, ParseCursor(args.end_at, false, q.order_by, def, "--end-at"));
  if (!q.end_at) {
    HEARTH_ASSIGN_OR_RETURN(q.end_at, ParseCursor(args.end_before, true, q.order_by, def, "--end-before"));
  }
  q.limit = args.limit;
  q.offset = args.offset;
  return q;
}

}  // namespace hearth::tools
