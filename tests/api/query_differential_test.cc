// Differential test: random documents and random valid queries; hearth's
// results must equal a brute-force evaluation written directly from
// Firestore's rules (the filter tree evaluated as given, every document
// checked, then sorted) with no index, no RocksDB and no code shared with the
// query engine except the value order (itself property-tested against the
// key encoding).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "schema/json.h"
#include "schema/value_order.h"
#include "tests/test_util.h"

namespace hearth::testing {
namespace {

// ---- the oracle ----

int TypeRankOf(const Value& v) { return schema::TypeRank(v); }
bool IsNaN(const Value& v) { return v.type() == Value::Type::kDouble && std::isnan(v.dbl()); }
bool Eq(const Value& a, const Value& b) { return TypeRankOf(a) == TypeRankOf(b) && schema::CompareValues(a, b) == 0; }

std::optional<Value> Lookup(const Document& d, const std::string& field) {
  if (field == "__name__") return Value::Ref(d.path);
  auto it = d.fields.find(field);
  if (it == d.fields.end()) return std::nullopt;
  return it->second;
}

bool OracleMatches(const FieldFilter& f, const Document& d) {
  std::optional<Value> v = Lookup(d, f.field);
  const Value& x = f.value;
  switch (f.op) {
    case FilterOp::kEqual:
      if (x.is_null()) return v && v->is_null();
      if (IsNaN(x)) return v && IsNaN(*v);
      return v && !IsNaN(*v) && Eq(*v, x);
    case FilterOp::kNotEqual:
      if (!v || v->is_null()) return false;
      if (IsNaN(x)) return !IsNaN(*v);
      return schema::CompareValues(*v, x) != 0;
    case FilterOp::kLessThan:
    case FilterOp::kLessThanOrEqual:
    case FilterOp::kGreaterThan:
    case FilterOp::kGreaterThanOrEqual: {
      if (!v || TypeRankOf(*v) != TypeRankOf(x) || IsNaN(*v)) return false;
      int c = schema::CompareValues(*v, x);
      if (f.op == FilterOp::kLessThan) return c < 0;
      if (f.op == FilterOp::kLessThanOrEqual) return c <= 0;
      if (f.op == FilterOp::kGreaterThan) return c > 0;
      return c >= 0;
    }
    case FilterOp::kIn:
      if (!v) return false;
      for (const auto& e : x.array())
        if (Eq(*v, e)) return true;
      return false;
    case FilterOp::kNotIn:
      if (!v || v->is_null()) return false;
      for (const auto& e : x.array())
        if (e.is_null() || schema::CompareValues(*v, e) == 0) return false;
      return true;
    case FilterOp::kArrayContains:
      if (!v || v->type() != Value::Type::kArray) return false;
      for (const auto& e : v->array())
        if (Eq(e, x)) return true;
      return false;
    case FilterOp::kArrayContainsAny:
      if (!v || v->type() != Value::Type::kArray) return false;
      for (const auto& e : v->array())
        for (const auto& y : x.array())
          if (Eq(e, y)) return true;
      return false;
    default:
      return false;
  }
}

bool OracleMatches(const Filter& f, const Document& d) {
  switch (f.kind) {
    case Filter::Kind::kField: return OracleMatches(f.field, d);
    case Filter::Kind::kAnd:
      for (const auto& s : f.filters)
        if (!OracleMatches(s, d)) return false;
      return true;
    case Filter::Kind::kOr:
      for (const auto& s : f.filters)
        if (OracleMatches(s, d)) return true;
      return false;
  }
  return false;
}

void InequalityFields(const Filter& f, std::vector<std::string>* out) {
  if (f.kind != Filter::Kind::kField) {
    for (const auto& s : f.filters) InequalityFields(s, out);
    return;
  }
  switch (f.field.op) {
    case FilterOp::kLessThan:
    case FilterOp::kLessThanOrEqual:
    case FilterOp::kGreaterThan:
    case FilterOp::kGreaterThanOrEqual:
    case FilterOp::kNotEqual:
    case FilterOp::kNotIn:
      if (std::find(out->begin(), out->end(), f.field.field) == out->end()) out->push_back(f.field.field);
      break;
    default:
      break;
  }
}

std::vector<std::string> OracleRun(const Query& q, const std::vector<Document>& all) {
  std::vector<Order> order = q.order_by;
  SortDirection last = order.empty() ? SortDirection::kAscending : order.back().direction;
  std::vector<std::string> ineq;
  if (q.where) InequalityFields(*q.where, &ineq);
  std::sort(ineq.begin(), ineq.end());
  for (const auto& f : ineq) {
    bool have = false;
    for (const auto& o : order) have |= o.field == f;
    if (!have) order.push_back({f, last});
  }
  order.push_back({"__name__", last});
  struct Row {
    const Document* d;
    std::vector<Value> values;
  };
  std::vector<Row> rows;
  for (const auto& d : all) {
    if (q.where && !OracleMatches(*q.where, d)) continue;
    Row r{&d, {}};
    bool complete = true;
    for (const auto& o : order) {
      auto v = Lookup(d, o.field);
      if (!v) complete = false;
      if (v) r.values.push_back(*v);
    }
    if (complete) rows.push_back(std::move(r));
  }
  auto cmp = [&](const std::vector<Value>& a, const std::vector<Value>& b, size_t n) {
    for (size_t i = 0; i < n; i++) {
      int c = schema::CompareValues(a[i], b[i]);
      if (c) return order[i].direction == SortDirection::kDescending ? -c : c;
    }
    return 0;
  };
  std::sort(rows.begin(), rows.end(), [&](const Row& a, const Row& b) { return cmp(a.values, b.values, order.size()) < 0; });
  std::vector<std::string> out;
  int64_t skipped = 0;
  for (const auto& r : rows) {
    if (q.start_at) {
      int c = cmp(q.start_at->values, r.values, q.start_at->values.size());
      if (q.start_at->before ? c > 0 : c >= 0) continue;
    }
    if (q.end_at) {
      int c = cmp(q.end_at->values, r.values, q.end_at->values.size());
      if (q.end_at->before ? c <= 0 : c < 0) continue;
    }
    if (skipped < q.offset) {
      skipped++;
      continue;
    }
    if (q.limit && static_cast<int64_t>(out.size()) >= *q.limit) break;
    out.push_back(r.d->path);
  }
  return out;
}

// ---- random data and queries ----

class Random {
 public:
  explicit Random(uint64_t seed) : rng_(seed) {}
  size_t Below(size_t n) { return static_cast<size_t>(rng_() % n); }
  bool Chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  Value A() {  // mixed types
    switch (Below(9)) {
      case 0: return Value::Null();
      case 1: return Value::Boolean(Below(2));
      case 2: return Value::Double(NAN);
      case 3: return Value::Double(static_cast<double>(Below(7)) - 3 + (Below(2) ? 0.5 : 0));
      case 4: return Value::String(std::string(1, static_cast<char>('p' + Below(4))));
      case 5: return Value::Time({static_cast<int64_t>(Below(4)), 0});
      default: return Value::Integer(static_cast<int64_t>(Below(7)) - 3);
    }
  }
  Value B() { return Value::Integer(static_cast<int64_t>(Below(5))); }
  Value Tag() { return Value::String(std::string(1, static_cast<char>('t' + Below(4)))); }
  Value Tags() {
    ArrayValue a;
    size_t n = Below(4);
    for (size_t i = 0; i < n; i++) a.push_back(Tag());
    return Value::Array(a);
  }
  Value ListOf(Value (Random::*gen)(), size_t max) {
    ArrayValue a;
    size_t n = 1 + Below(max);
    for (size_t i = 0; i < n; i++) a.push_back((this->*gen)());
    return Value::Array(a);
  }

 private:
  std::mt19937_64 rng_;
};

const char* kIndexes = R"({"indexes":[
  {"collectionGroup":"items","fields":[{"fieldPath":"a","order":"ASCENDING"},{"fieldPath":"b","order":"DESCENDING"}]},
  {"collectionGroup":"items","fields":[{"fieldPath":"b","order":"ASCENDING"},{"fieldPath":"a","order":"ASCENDING"}]},
  {"collectionGroup":"items","fields":[{"fieldPath":"tags","arrayConfig":"CONTAINS"},{"fieldPath":"a","order":"ASCENDING"}]}
]})";

Filter F(const char* field, FilterOp op, Value v) { return Filter::Field(field, op, std::move(v)); }

FilterOp AnyComparison(Random& r) {
  static const FilterOp ops[] = {FilterOp::kLessThan, FilterOp::kLessThanOrEqual, FilterOp::kGreaterThan,
                                 FilterOp::kGreaterThanOrEqual, FilterOp::kEqual, FilterOp::kNotEqual};
  return ops[r.Below(6)];
}

// A random query that some index of kIndexes (or an automatic one) serves.
Query RandomQuery(Random& r) {
  Query q;
  q.collection_id = "items";
  SortDirection d = r.Below(2) ? SortDirection::kDescending : SortDirection::kAscending;
  switch (r.Below(9)) {
    case 0: {  // one comparison on a, maybe ordered by a
      FilterOp op = AnyComparison(r);
      Value v = r.A();
      if ((op != FilterOp::kEqual && op != FilterOp::kNotEqual) && (v.is_null() || (v.type() == Value::Type::kDouble && std::isnan(v.dbl()))))
        v = Value::Integer(0);
      q.where = F("a", op, v);
      if (op != FilterOp::kEqual && r.Below(2)) q.order_by = {{"a", d}};
      break;
    }
    case 1:  // a == v ordered by b: index (a asc, b desc), either direction
      q.where = F("a", FilterOp::kEqual, r.A());
      q.order_by = {{"b", d}};
      break;
    case 2:  // b in [...] ordered by a: index (b, a), ranges merged
      q.where = F("b", FilterOp::kIn, r.ListOf(&Random::B, 3));
      q.order_by = {{"a", SortDirection::kAscending}};
      break;
    case 3:  // array-contains ordered by a
      q.where = F("tags", FilterOp::kArrayContains, r.Tag());
      q.order_by = {{"a", SortDirection::kAscending}};
      break;
    case 4:  // equality only on two fields: a zig-zag merge
      q.where = Filter::And({F("b", FilterOp::kEqual, r.B()), F("tags", FilterOp::kArrayContains, r.Tag())});
      if (r.Below(2)) q.order_by = {{"__name__", d}};
      break;
    case 5:  // OR of single-field filters
      q.where = Filter::Or({F("b", FilterOp::kEqual, r.B()), F("tags", FilterOp::kArrayContainsAny, r.ListOf(&Random::Tag, 2))});
      break;
    case 6:  // not-in / != on b, ordered by b
      q.where = r.Below(2) ? F("b", FilterOp::kNotIn, r.ListOf(&Random::B, 3)) : F("b", FilterOp::kNotEqual, r.B());
      if (r.Below(2)) q.order_by = {{"b", d}};
      break;
    case 7:  // b == v with a range on a: index (b, a)
      q.where = Filter::And({F("b", FilterOp::kEqual, r.B()), F("a", r.Below(2) ? FilterOp::kGreaterThan : FilterOp::kLessThanOrEqual, Value::Integer(static_cast<int64_t>(r.Below(5)) - 2))});
      break;
    default:  // ordering only
      q.order_by = {{r.Below(2) ? "a" : "b", d}};
      break;
  }
  // Cursors on the first ordering value, limit and offset.
  if (r.Chance(0.3)) {
    Value v = q.order_by.empty() || q.order_by[0].field == "__name__" ? Value::Null() : r.A();
    if (!q.order_by.empty() && q.order_by[0].field == "b") v = r.B();
    if (!v.is_null() || (!q.order_by.empty() && q.order_by[0].field != "__name__")) {
      Cursor c{{v}, r.Below(2) == 0};
      // Sometimes also a document, to position among equal values.
      if (!q.order_by.empty() && q.order_by[0].field != "__name__" && r.Below(2)) {
        char id[16];
        std::snprintf(id, sizeof id, "d%03d", static_cast<int>(r.Below(1000)));
        c.values.push_back(Value::Ref(std::string("items/") + id));
      }
      if (r.Below(2)) {
        q.start_at = c;
      } else {
        q.end_at = c;
      }
    }
  }
  if (r.Chance(0.4)) q.limit = static_cast<int64_t>(r.Below(6));
  if (r.Chance(0.2)) q.offset = static_cast<int64_t>(r.Below(4));
  return q;
}

std::string Describe(const Query& q) {
  std::string s = "query on items";
  std::function<void(const Filter&)> walk = [&](const Filter& f) {
    if (f.kind == Filter::Kind::kField) {
      s += " [" + f.field.field + " " + FilterOpName(f.field.op) + " " + schema::PlainValueJson(f.field.value) + "]";
    } else {
      s += f.kind == Filter::Kind::kAnd ? " AND(" : " OR(";
      for (const auto& x : f.filters) walk(x);
      s += ")";
    }
  };
  if (q.where) walk(*q.where);
  for (const auto& o : q.order_by) s += " orderBy " + o.field + (o.direction == SortDirection::kDescending ? " desc" : "");
  if (q.start_at)
    s += std::string(q.start_at->before ? " startAt " : " startAfter ") + schema::PlainValueJson(Value::Array(q.start_at->values));
  if (q.end_at)
    s += std::string(q.end_at->before ? " endBefore " : " endAt ") + schema::PlainValueJson(Value::Array(q.end_at->values));
  if (q.limit) s += " limit " + std::to_string(*q.limit);
  if (q.offset) s += " offset " + std::to_string(q.offset);
  return s;
}

class QueryDifferential : public DatabaseTest {};

TEST_P(QueryDifferential, RandomQueriesMatchABruteForceEvaluator) {
  Options o;
  o.indexes_json = kIndexes;
  Reopen(o);
  Random r(GetParam() == Backend::kInMemory ? 1234 : 5678);
  std::vector<Document> docs;
  WriteBatch batch;
  for (int i = 0; i < 150; i++) {
    MapValue f;
    if (r.Chance(0.85)) f["a"] = r.A();
    if (r.Chance(0.8)) f["b"] = r.B();
    if (r.Chance(0.6)) f["tags"] = r.Tags();
    char id[16];
    std::snprintf(id, sizeof id, "d%03d", static_cast<int>(r.Below(1000)));
    std::string path = std::string("items/") + id;
    docs.erase(std::remove_if(docs.begin(), docs.end(), [&](const Document& d) { return d.path == path; }), docs.end());
    docs.push_back(Document{path, f, {}, {}});
    batch.Set(path, f);
  }
  ASSERT_TRUE(db_->Write(batch).ok());
  int checked = 0, nonempty = 0;
  for (int i = 0; i < 800; i++) {
    Query q = RandomQuery(r);
    std::vector<std::string> got;
    Status s = db_->RunQuery(q, [&](const Document& d) {
      got.push_back(d.path);
      return true;
    });
    ASSERT_TRUE(s.ok()) << Describe(q) << ": " << s.ToString();
    std::vector<std::string> want = OracleRun(q, docs);
    ASSERT_EQ(got, want) << Describe(q);
    checked++;
    nonempty += !want.empty();
  }
  EXPECT_EQ(checked, 800);
  EXPECT_GT(nonempty, 400);  // the queries are not trivially empty
}

INSTANTIATE_TEST_SUITE_P(Backends, QueryDifferential, ::testing::Values(Backend::kInMemory, Backend::kOnDisk),
                         BackendName);

}  // namespace
}  // namespace hearth::testing
