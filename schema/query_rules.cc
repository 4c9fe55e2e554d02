#include "schema/query_rules.h"

#include <algorithm>
#include <cmath>

#include "schema/json.h"
#include "schema/value_order.h"

namespace hearth {

const char* FilterOpName(FilterOp op) {
  switch (op) {
    case FilterOp::kLessThan: return "<";
    case FilterOp::kLessThanOrEqual: return "<=";
    case FilterOp::kGreaterThan: return ">";
    case FilterOp::kGreaterThanOrEqual: return ">=";
    case FilterOp::kEqual: return "==";
    case FilterOp::kNotEqual: return "!=";
    case FilterOp::kArrayContains: return "array-contains";
    case FilterOp::kIn: return "in";
    case FilterOp::kArrayContainsAny: return "array-contains-any";
    case FilterOp::kNotIn: return "not-in";
    case FilterOp::kIsNan: return "is-nan";
    case FilterOp::kIsNull: return "is-null";
    case FilterOp::kIsNotNan: return "is-not-nan";
    case FilterOp::kIsNotNull: return "is-not-null";
  }
  return "?";
}

}  // namespace hearth

namespace hearth::schema {

namespace {

Status Invalid(const std::string& m) { return Status::InvalidArgument("Invalid query. " + m); }

bool IsNan(const Value& v) { return v.type() == Value::Type::kDouble && std::isnan(v.dbl()); }

bool SameTypeOrder(const Value& a, const Value& b) { return TypeRank(a) == TypeRank(b); }

bool ValuesEqual(const Value& a, const Value& b) { return SameTypeOrder(a, b) && CompareValues(a, b) == 0; }

// A __name__ filter or cursor value: a reference, or a plain id in the queried collection.
StatusOr<Value> NameValue(const Value& v, const NormalizedQuery& q, const char* what) {
  if (v.type() == Value::Type::kReference) {
    HEARTH_RETURN_IF_ERROR(ParseDocumentPath(v.reference()).status().WithContext(what));
    return v;
  }
  if (v.type() == Value::Type::kString && !q.all_descendants) {
    HEARTH_RETURN_IF_ERROR(ValidateId(v.string(), "document id").WithContext(what));
    auto c = q.CollectionPath().segments();
    c.push_back(v.string());
    return Value::Ref(ResourcePath(c).ToString());
  }
  return Invalid(std::string(what) + " on __name__ needs a document reference" +
                 (q.all_descendants ? "" : " or a document id"));
}

StatusOr<QueryFilter> ConvertFieldFilter(const FieldFilter& in, const NormalizedQuery& q) {
  QueryFilter f;
  HEARTH_ASSIGN_OR_RETURN(f.field, ParseFieldPath(in.field));
  f.op = in.op;
  const std::string op = FilterOpName(in.op);
  switch (in.op) {
    case FilterOp::kEqual:
    case FilterOp::kNotEqual:
      if (in.value.is_null()) {
        f.op = in.op == FilterOp::kEqual ? FilterOp::kIsNull : FilterOp::kIsNotNull;
        return f;
      }
      if (IsNan(in.value)) {
        f.op = in.op == FilterOp::kEqual ? FilterOp::kIsNan : FilterOp::kIsNotNan;
        return f;
      }
      [[fallthrough]];
    case FilterOp::kLessThan:
    case FilterOp::kLessThanOrEqual:
    case FilterOp::kGreaterThan:
    case FilterOp::kGreaterThanOrEqual:
    case FilterOp::kArrayContains:
      if (in.op != FilterOp::kArrayContains && in.value.is_null())
        return Invalid("Null only supports '==' and '!=' comparisons.");
      if (in.op != FilterOp::kArrayContains && IsNan(in.value))
        return Invalid("NaN only supports '==' and '!=' comparisons.");
      f.value = in.value;
      if (f.field.IsName()) {
        if (in.op == FilterOp::kArrayContains) return Invalid("'array-contains' cannot be used on __name__.");
        HEARTH_ASSIGN_OR_RETURN(f.value, NameValue(in.value, q, "a filter"));
      }
      return f;
    case FilterOp::kIn:
    case FilterOp::kNotIn:
    case FilterOp::kArrayContainsAny: {
      if (in.value.type() != Value::Type::kArray || in.value.array().empty())
        return Invalid("A non-empty array is required for '" + op + "' filters.");
      if (in.op == FilterOp::kNotIn && in.value.array().size() > kMaxNotInValues)
        return Invalid("'not-in' filters support a maximum of 10 elements in the value array.");
      if (in.value.array().size() > kMaxDisjunctions)
        return Invalid("'" + op + "' filters support a maximum of 30 elements in the value array.");
      for (const auto& v : in.value.array()) {
        if (f.field.IsName()) {
          if (in.op == FilterOp::kArrayContainsAny)
            return Invalid("'array-contains-any' cannot be used on __name__.");
          HEARTH_ASSIGN_OR_RETURN(Value n, NameValue(v, q, "a filter"));
          f.values.push_back(std::move(n));
        } else {
          f.values.push_back(v);
        }
      }
      return f;
    }
    case FilterOp::kIsNan:
    case FilterOp::kIsNull:
    case FilterOp::kIsNotNan:
    case FilterOp::kIsNotNull:
      return f;
  }
  return Invalid("unknown operator");
}

// Disjunctive normal form: AND distributes over OR.
StatusOr<std::vector<std::vector<QueryFilter>>> ToDnf(const Filter& f, const NormalizedQuery& q, int depth) {
  if (depth > 20) return Invalid("filters nest too deeply.");
  switch (f.kind) {
    case Filter::Kind::kField: {
      HEARTH_ASSIGN_OR_RETURN(QueryFilter qf, ConvertFieldFilter(f.field, q));
      return std::vector<std::vector<QueryFilter>>{{std::move(qf)}};
    }
    case Filter::Kind::kOr: {
      std::vector<std::vector<QueryFilter>> out;
      for (const auto& sub : f.filters) {
        HEARTH_ASSIGN_OR_RETURN(auto d, ToDnf(sub, q, depth + 1));
        for (auto& c : d) out.push_back(std::move(c));
        if (out.size() > 4 * kMaxDisjunctions) return Invalid("the filter has more than 30 disjunctions.");
      }
      if (f.filters.empty()) return Invalid("an OR filter needs at least one filter.");
      return out;
    }
    case Filter::Kind::kAnd: {
      std::vector<std::vector<QueryFilter>> out = {{}};
      for (const auto& sub : f.filters) {
        HEARTH_ASSIGN_OR_RETURN(auto d, ToDnf(sub, q, depth + 1));
        std::vector<std::vector<QueryFilter>> next;
        for (const auto& a : out)
          for (const auto& b : d) {
            auto c = a;
            c.insert(c.end(), b.begin(), b.end());
            next.push_back(std::move(c));
          }
        out = std::move(next);
        if (out.size() > 4 * kMaxDisjunctions) return Invalid("the filter has more than 30 disjunctions.");
      }
      return out;
    }
  }
  return Invalid("unknown filter kind");
}

Status ValidateFilters(const NormalizedQuery& q, bool has_or) {
  size_t not_equal = 0, not_in = 0, disjunctions = 0;
  bool has_in = false, has_any = false;
  for (const auto& conj : q.disjuncts) {
    size_t width = 1, contains = 0, contains_any = 0;
    for (const auto& f : conj) {
      if (f.op == FilterOp::kNotEqual || f.op == FilterOp::kIsNotNull || f.op == FilterOp::kIsNotNan) not_equal++;
      if (f.op == FilterOp::kNotIn) not_in++;
      if (f.op == FilterOp::kIn) has_in = true;
      if (f.op == FilterOp::kArrayContains) contains++;
      if (f.op == FilterOp::kArrayContainsAny) {
        contains_any++;
        has_any = true;
      }
      if (f.op == FilterOp::kIn || f.op == FilterOp::kArrayContainsAny) width *= f.values.size();
    }
    if (contains > 1) return Invalid("You cannot use more than one 'array-contains' filter.");
    if (contains && contains_any)
      return Invalid("You cannot use 'array-contains-any' filters with 'array-contains' filters.");
    if (contains_any > 1) return Invalid("You cannot use more than one 'array-contains-any' filter.");
    disjunctions += width;
  }
  // Counted across disjuncts: the same != in several disjuncts is one filter.
  if (q.disjuncts.size() > 1) {
    not_equal = not_equal ? (not_equal + q.disjuncts.size() - 1) / q.disjuncts.size() : 0;
    not_in = not_in ? (not_in + q.disjuncts.size() - 1) / q.disjuncts.size() : 0;
  }
  if (not_equal > 1) return Invalid("You cannot use more than one '!=' filter.");
  if (not_in > 1) return Invalid("You cannot use more than one 'not-in' filter.");
  if (not_equal && not_in) return Invalid("You cannot use 'not-in' filters with '!=' filters.");
  if (not_in && has_in) return Invalid("You cannot use 'not-in' filters with 'in' filters.");
  if (not_in && has_any) return Invalid("You cannot use 'not-in' filters with 'array-contains-any' filters.");
  if (not_in && has_or) return Invalid("You cannot use 'not-in' filters with 'or' filters.");
  if (disjunctions > kMaxDisjunctions)
    return Invalid("The query has " + std::to_string(disjunctions) +
                   " disjunctions in disjunctive normal form; at most 30 are allowed.");
  return Status::OK();
}

bool ContainsOr(const Filter& f) {
  if (f.kind == Filter::Kind::kOr && f.filters.size() > 1) return true;
  for (const auto& s : f.filters)
    if (ContainsOr(s)) return true;
  return false;
}

StatusOr<Cursor> NormalizeCursor(const Cursor& c, const NormalizedQuery& q, const char* what) {
  if (c.values.size() > q.order.size())
    return Invalid(std::string("Too many arguments provided to ") + what +
                   "(). The number of arguments must be less than or equal to the number of orderBy() clauses.");
  Cursor out = c;
  for (size_t i = 0; i < c.values.size(); i++)
    if (q.order[i].field.IsName()) {
      HEARTH_ASSIGN_OR_RETURN(out.values[i], NameValue(c.values[i], q, what));
    }
  return out;
}

}  // namespace

bool QueryFilter::IsInequality() const {
  switch (op) {
    case FilterOp::kLessThan:
    case FilterOp::kLessThanOrEqual:
    case FilterOp::kGreaterThan:
    case FilterOp::kGreaterThanOrEqual:
    case FilterOp::kNotEqual:
    case FilterOp::kNotIn:
    case FilterOp::kIsNotNull:
    case FilterOp::kIsNotNan:
      return true;
    default:
      return false;
  }
}

bool QueryFilter::IsEquality() const {
  return op == FilterOp::kEqual || op == FilterOp::kIn || op == FilterOp::kIsNull || op == FilterOp::kIsNan;
}

ResourcePath NormalizedQuery::CollectionPath() const {
  auto segs = parent.segments();
  segs.push_back(collection_id);
  return ResourcePath(std::move(segs));
}

StatusOr<NormalizedQuery> Normalize(const Query& in) {
  NormalizedQuery q;
  if (!in.parent.empty()) {
    HEARTH_ASSIGN_OR_RETURN(DocumentPath p, ParseDocumentPath(in.parent));
    q.parent = p.path;
  }
  HEARTH_RETURN_IF_ERROR(ValidateId(in.collection_id, "collection id"));
  q.collection_id = in.collection_id;
  q.all_descendants = in.all_descendants;
  if (in.where) {
    HEARTH_ASSIGN_OR_RETURN(q.disjuncts, ToDnf(*in.where, q, 0));
  } else {
    q.disjuncts = {{}};
  }
  HEARTH_RETURN_IF_ERROR(ValidateFilters(q, in.where && ContainsOr(*in.where)));

  // Explicit orders, then the inequality fields not yet ordered (by field
  // path), then __name__, each in the direction of the last explicit order.
  Direction last = Direction::kAscending;
  for (const auto& o : in.order_by) {
    HEARTH_ASSIGN_OR_RETURN(FieldPath f, ParseFieldPath(o.field));
    for (const auto& prev : q.order) {
      if (prev.field == f) return Invalid("orderBy() on field \"" + f.ToString() + "\" appears more than once.");
      if (prev.field.IsName()) return Invalid("orderBy() on __name__ must be the last ordering.");
    }
    last = o.direction == SortDirection::kDescending ? Direction::kDescending : Direction::kAscending;
    q.order.push_back(OrderTerm{std::move(f), last});
  }
  std::vector<FieldPath> inequality;
  for (const auto& conj : q.disjuncts)
    for (const auto& f : conj)
      if (f.IsInequality() && std::find(inequality.begin(), inequality.end(), f.field) == inequality.end())
        inequality.push_back(f.field);
  std::sort(inequality.begin(), inequality.end(),
            [](const FieldPath& a, const FieldPath& b) { return a.ToString() < b.ToString(); });
  for (const auto& f : inequality) {
    bool present = false;
    for (const auto& o : q.order) present |= o.field == f;
    if (!present && !f.IsName()) q.order.push_back(OrderTerm{f, last});
  }
  bool has_name = !q.order.empty() && q.order.back().field.IsName();
  if (!has_name) q.order.push_back(OrderTerm{FieldPath::Name(), last});

  size_t filters = 0;
  for (const auto& conj : q.disjuncts) filters += conj.size();
  if (filters + q.order.size() + (q.parent.empty() ? 0 : 1) > kMaxFiltersAndOrders)
    return Invalid("The sum of filters, sort orders and parent path cannot exceed 100.");
  if (in.start_at) {
    HEARTH_ASSIGN_OR_RETURN(q.start, NormalizeCursor(*in.start_at, q, "startAt"));
  }
  if (in.end_at) {
    HEARTH_ASSIGN_OR_RETURN(q.end, NormalizeCursor(*in.end_at, q, "endAt"));
  }
  if (in.limit && *in.limit < 0) return Invalid("limit must be non-negative.");
  if (in.offset < 0) return Invalid("offset must be non-negative.");
  q.limit = in.limit;
  q.offset = in.offset;
  return q;
}

bool Matches(const QueryFilter& f, const std::optional<Value>& v) {
  switch (f.op) {
    case FilterOp::kIsNull: return v && v->is_null();
    case FilterOp::kIsNan: return v && IsNan(*v);
    case FilterOp::kIsNotNull: return v && !v->is_null();
    case FilterOp::kIsNotNan: return v && !v->is_null() && !IsNan(*v);
    case FilterOp::kNotEqual: return v && !v->is_null() && CompareValues(*v, f.value) != 0;
    case FilterOp::kNotIn:
      if (!v || v->is_null()) return false;
      for (const auto& x : f.values)
        if (x.is_null() || CompareValues(*v, x) == 0) return false;
      return true;
    case FilterOp::kIn:
      if (!v) return false;
      for (const auto& x : f.values)
        if (ValuesEqual(*v, x)) return true;
      return false;
    case FilterOp::kArrayContains:
      if (!v || v->type() != Value::Type::kArray) return false;
      for (const auto& e : v->array())
        if (ValuesEqual(e, f.value)) return true;
      return false;
    case FilterOp::kArrayContainsAny:
      if (!v || v->type() != Value::Type::kArray) return false;
      for (const auto& e : v->array())
        for (const auto& x : f.values)
          if (ValuesEqual(e, x)) return true;
      return false;
    default: {
      if (!v || !SameTypeOrder(*v, f.value)) return false;
      if (IsNan(*v) || IsNan(f.value)) return false;  // NaN is neither less nor greater, nor == via these ops
      int c = CompareValues(*v, f.value);
      switch (f.op) {
        case FilterOp::kEqual: return c == 0;
        case FilterOp::kLessThan: return c < 0;
        case FilterOp::kLessThanOrEqual: return c <= 0;
        case FilterOp::kGreaterThan: return c > 0;
        case FilterOp::kGreaterThanOrEqual: return c >= 0;
        default: return false;
      }
    }
  }
}

bool MatchesConjunction(const std::vector<QueryFilter>& filters, const FieldReader& read) {
  for (const auto& f : filters)
    if (!Matches(f, read(f.field))) return false;
  return true;
}

std::optional<std::vector<Value>> OrderValues(const NormalizedQuery& q, const FieldReader& read) {
  std::vector<Value> out;
  out.reserve(q.order.size());
  for (const auto& o : q.order) {
    std::optional<Value> v = read(o.field);
    if (!v) return std::nullopt;
    out.push_back(std::move(*v));
  }
  return out;
}

int CompareRows(const NormalizedQuery& q, const std::vector<Value>& a, const std::vector<Value>& b) {
  for (size_t i = 0; i < q.order.size() && i < a.size() && i < b.size(); i++) {
    int c = CompareValues(a[i], b[i]);
    if (c) return q.order[i].direction == Direction::kDescending ? -c : c;
  }
  return 0;
}

namespace {
// The cursor position compared with a row: <0 cursor sorts before the row.
int CompareCursor(const NormalizedQuery& q, const Cursor& c, const std::vector<Value>& row) {
  for (size_t i = 0; i < c.values.size() && i < row.size(); i++) {
    int cmp = CompareValues(c.values[i], row[i]);
    if (cmp) return q.order[i].direction == Direction::kDescending ? -cmp : cmp;
  }
  return 0;
}
}  // namespace

bool AfterStart(const NormalizedQuery& q, const std::vector<Value>& row) {
  if (!q.start) return true;
  int c = CompareCursor(q, *q.start, row);
  return q.start->before ? c <= 0 : c < 0;
}

bool BeforeEnd(const NormalizedQuery& q, const std::vector<Value>& row) {
  if (!q.end) return true;
  int c = CompareCursor(q, *q.end, row);
  return q.end->before ? c > 0 : c >= 0;
}

std::string DescribeFilter(const QueryFilter& f) {
  std::string s = f.field.ToString() + " " + FilterOpName(f.op);
  switch (f.op) {
    case FilterOp::kIsNan:
    case FilterOp::kIsNull:
    case FilterOp::kIsNotNan:
    case FilterOp::kIsNotNull:
      return s;
    case FilterOp::kIn:
    case FilterOp::kNotIn:
    case FilterOp::kArrayContainsAny:
      return s + " " + PlainValueJson(Value::Array(f.values));
    default:
      return s + " " + PlainValueJson(f.value);
  }
}

}  // namespace hearth::schema
