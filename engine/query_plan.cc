#include "engine/query_plan.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "engine/auto_index.h"
#include "engine/index_missing.h"
#include "engine/keys.h"
#include "engine/store.h"
#include "schema/json.h"

namespace hearth::engine {

namespace {

using schema::Direction;
using schema::FieldMode;
using schema::FieldPath;
using schema::QueryFilter;

struct Shape {
  std::string description;
  std::vector<std::pair<FieldPath, FieldMode>> fields;
  Direction name_direction = Direction::kAscending;
  rocksdb::ColumnFamilyHandle* cf = nullptr;
  std::string cf_name;
  std::string prefix;  // every key of this query's entries starts with it
  EntryLayout layout;
  bool single_field = false;  // an automatic index (usable in a zig-zag merge)
};

bool IsContainsOp(FilterOp op) { return op == FilterOp::kArrayContains || op == FilterOp::kArrayContainsAny; }

// The values an equality-like filter fixes its field to.
std::vector<Value> FixedValues(const QueryFilter& f) {
  switch (f.op) {
    case FilterOp::kIsNull: return {Value::Null()};
    case FilterOp::kIsNan: return {Value::Double(NAN)};
    case FilterOp::kIn:
    case FilterOp::kArrayContainsAny: return f.values;
    default: return {f.value};
  }
}

// ---- positions in value order, and their key bytes ----

struct Pos {
  std::string s;       // an ascending encoding (or a type label)
  bool after = false;  // just after every key starting with s, else just before
};

std::string AscKey(const Pos& p) { return p.after ? schema::PrefixSuccessor(p.s) : p.s; }
std::string Invert(std::string s) {
  for (auto& c : s) c = static_cast<char>(~c);
  return s;
}
std::string DescKey(const Pos& p) {
  return p.after ? Invert(p.s) : schema::PrefixSuccessor(Invert(p.s));
}

struct Interval {
  std::optional<Pos> lo, hi;  // [lo, hi); unset is unbounded
};

uint8_t Label(const Value& v) { return static_cast<uint8_t>(schema::EncodeValue(v)[0]); }
Pos Before(const Value& v) { return Pos{schema::EncodeValue(v), false}; }
Pos After(const Value& v) { return Pos{schema::EncodeValue(v), true}; }
Pos TypeStart(const Value& v) { return Pos{std::string(1, static_cast<char>(Label(v))), false}; }
Pos TypeEnd(const Value& v) { return Pos{std::string(1, static_cast<char>(Label(v) + 1)), false}; }

std::vector<Interval> Complement(std::vector<Value> points) {
  // Everything present and non-null except the points.
  std::sort(points.begin(), points.end(),
            [](const Value& a, const Value& b) { return schema::EncodeValue(a) < schema::EncodeValue(b); });
  std::vector<Interval> out;
  Pos lo = After(Value::Null());
  for (const auto& p : points) {
    if (p.is_null()) continue;
    out.push_back({lo, Before(p)});
    lo = After(p);
  }
  out.push_back({lo, std::nullopt});
  return out;
}

std::vector<Interval> IntervalsOf(const QueryFilter& f) {
  switch (f.op) {
    case FilterOp::kLessThan: return {{TypeStart(f.value), Before(f.value)}};
    case FilterOp::kLessThanOrEqual: return {{TypeStart(f.value), After(f.value)}};
    case FilterOp::kGreaterThan: return {{After(f.value), TypeEnd(f.value)}};
    case FilterOp::kGreaterThanOrEqual: return {{Before(f.value), TypeEnd(f.value)}};
    case FilterOp::kNotEqual: return Complement({f.value});
    case FilterOp::kNotIn: return Complement(f.values);
    case FilterOp::kIsNotNull: return Complement({});
    case FilterOp::kIsNotNan: return Complement({Value::Double(NAN)});
    default: return {{std::nullopt, std::nullopt}};
  }
}

std::vector<Interval> Intersect(const std::vector<Interval>& a, const std::vector<Interval>& b) {
  auto lo_key = [](const std::optional<Pos>& p) { return p ? AscKey(*p) : std::string(); };
  std::vector<Interval> out;
  for (const auto& x : a)
    for (const auto& y : b) {
      Interval r;
      r.lo = !x.lo ? y.lo : !y.lo ? x.lo : (AscKey(*x.lo) >= AscKey(*y.lo) ? x.lo : y.lo);
      r.hi = !x.hi ? y.hi : !y.hi ? x.hi : (AscKey(*x.hi) <= AscKey(*y.hi) ? x.hi : y.hi);
      if (r.lo && r.hi && lo_key(r.lo) >= AscKey(*r.hi)) continue;  // empty
      out.push_back(r);
    }
  return out;
}

// ---- shapes ----

std::vector<Shape> ShapesFor(const schema::NormalizedQuery& q, const CollectionState& c,
                             const std::vector<FieldPath>& fields) {
  std::vector<Shape> shapes;
  const bool group = q.all_descendants;
  const schema::ResourcePath coll = q.CollectionPath();
  std::string coll_prefix;
  schema::AppendCollectionPrefix(&coll_prefix, coll);
  std::string parent_prefix;
  schema::AppendCollectionPrefix(&parent_prefix, q.parent);  // every segment + 00 02: a path prefix

  for (const IndexState* idx : c.indexes) {
    if ((idx->def.scope == schema::QueryScope::kCollectionGroup) != group) continue;
    Shape s;
    s.description = "composite index " + idx->name;
    for (const auto& f : idx->def.fields) s.fields.emplace_back(f.field, f.mode);
    s.name_direction = idx->def.name_direction;
    s.cf = idx->cf;
    s.cf_name = idx->name;
    s.prefix = group ? std::string() : coll_prefix;
    s.layout.kind = EntryLayout::kEntry;
    s.layout.time_series = c.time_series();
    s.layout.prefix_len = s.prefix.size();
    for (const auto& f : idx->def.fields)
      s.layout.value_directions.push_back(f.mode == FieldMode::kDescending ? Direction::kDescending
                                                                           : Direction::kAscending);
    s.layout.full_path = group;
    s.layout.collection = coll;
    s.layout.name_direction = idx->def.name_direction;
    shapes.push_back(std::move(s));
  }
  if (c.time_series() && !group) {
    Shape s;
    const auto& ts = *c.def.time_series;
    s.description = "time-series primary key (" + ts.partition_field + ", " + ts.time_field + ")";
    s.fields = {{FieldPath({ts.partition_field}), FieldMode::kAscending},
                {FieldPath({ts.time_field}), FieldMode::kAscending}};
    s.cf = c.docs;
    s.cf_name = cf::Docs(c.def.id);
    s.prefix = coll_prefix;
    s.layout.kind = EntryLayout::kDocument;
    s.layout.time_series = true;
    shapes.push_back(std::move(s));
  }
  {
    Shape s;
    s.description = "document names";
    s.cf = c.time_series() ? c.names : c.docs;
    s.cf_name = c.time_series() ? cf::Names(c.def.id) : cf::Docs(c.def.id);
    s.prefix = group ? parent_prefix : coll_prefix;
    s.layout.kind = c.time_series() ? EntryLayout::kName : EntryLayout::kDocument;
    s.layout.time_series = c.time_series();
    shapes.push_back(std::move(s));
  }
  if (c.auto_config.enabled()) {
    for (const auto& f : fields) {
      if (f.IsName()) continue;
      AutoModes m = c.auto_config.ModesFor(f.segments());
      for (char kind : {kAutoValue, kAutoContains}) {
        bool on = kind == kAutoValue ? (group ? m.group_value : m.value) : (group ? m.group_contains : m.contains);
        if (!on) continue;
        Shape s;
        s.description = std::string("automatic index on ") + f.ToString() +
                        (kind == kAutoValue ? "" : " (array-contains)") + (group ? " (collection group)" : "");
        s.fields = {{f, kind == kAutoValue ? FieldMode::kAscending : FieldMode::kContains}};
        s.cf = c.auto_cf;
        s.cf_name = cf::Auto(c.def.id);
        s.prefix = AutoKeyPrefix(group, coll, kind, f);
        s.layout.kind = EntryLayout::kEntry;
        s.layout.time_series = c.time_series();
        s.layout.prefix_len = s.prefix.size();
        s.layout.value_directions = {Direction::kAscending};
        s.layout.full_path = group;
        s.layout.collection = coll;
        s.single_field = true;
        shapes.push_back(std::move(s));
      }
    }
  }
  return shapes;
}

struct Needs {
  std::vector<const QueryFilter*> equalities;  // ==, in, is-null, is-nan, array-contains(-any)
  std::vector<schema::OrderTerm> order;        // the ordering without fields fixed by equalities
};

Needs NeedsOf(const schema::NormalizedQuery& q, const std::vector<QueryFilter>& conj) {
  Needs n;
  std::vector<FieldPath> fixed;
  for (const auto& f : conj)
    if (f.IsEquality() || IsContainsOp(f.op)) {
      bool dup = false;
      for (const auto* e : n.equalities) dup |= e->field == f.field && IsContainsOp(e->op) == IsContainsOp(f.op);
      if (!dup) n.equalities.push_back(&f);
      if (f.IsEquality()) fixed.push_back(f.field);
    }
  for (const auto& o : q.order)
    if (std::find(fixed.begin(), fixed.end(), o.field) == fixed.end() || o.field.IsName()) n.order.push_back(o);
  return n;
}

// Forward (false) or backward (true) when the shape serves these needs.
std::optional<bool> Serves(const Shape& s, const Needs& n) {
  const size_t k = n.equalities.size();
  if (s.fields.size() < k) return std::nullopt;
  for (size_t i = 0; i < k; i++) {
    bool found = false;
    for (const auto* e : n.equalities) {
      if (e->field != s.fields[i].first) continue;
      bool contains_field = s.fields[i].second == FieldMode::kContains;
      if (contains_field == IsContainsOp(e->op)) found = true;
    }
    if (!found) return std::nullopt;
  }
  // The rest of the shape, then __name__, against the ordering.
  std::vector<std::pair<FieldPath, Direction>> rest;
  for (size_t i = k; i < s.fields.size(); i++) {
    if (s.fields[i].second == FieldMode::kContains) return std::nullopt;
    rest.emplace_back(s.fields[i].first,
                      s.fields[i].second == FieldMode::kDescending ? Direction::kDescending : Direction::kAscending);
  }
  rest.emplace_back(FieldPath::Name(), s.name_direction);
  if (rest.size() != n.order.size()) return std::nullopt;
  bool same = true, flipped = true;
  for (size_t i = 0; i < rest.size(); i++) {
    if (rest[i].first != n.order[i].field) return std::nullopt;
    same &= rest[i].second == n.order[i].direction;
    flipped &= rest[i].second != n.order[i].direction;
  }
  if (same) return false;
  if (flipped) return true;
  return std::nullopt;
}

// The cursor's values as a key prefix of the components after the equality
// prefix: the shape's ordered fields, then __name__. `complete` is false
// when only some leading values could be encoded (the bound is then kept
// inclusive). Empty when the cursor does not align with the key.
std::string CursorKey(const Cursor& cursor, const schema::NormalizedQuery& q, const Shape& s, const Needs& n,
                      bool* complete) {
  *complete = false;
  const size_t k = n.equalities.size();
  std::string out;
  size_t component = k;  // index into s.fields, then s.fields.size() for __name__
  for (size_t i = 0; i < cursor.values.size(); i++) {
    const schema::OrderTerm& term = q.order[i];
    bool fixed = std::find_if(n.order.begin(), n.order.end(),
                              [&](const schema::OrderTerm& o) { return o.field == term.field; }) == n.order.end();
    if (fixed) return std::string();  // a value for a field fixed by an equality: no seek
    const Value& v = cursor.values[i];
    if (component < s.fields.size()) {
      Direction d = s.fields[component].second == FieldMode::kDescending ? Direction::kDescending : Direction::kAscending;
      schema::AppendValue(&out, v, d);
    } else {
      if (v.type() != Value::Type::kReference) return out;
      auto path = schema::ParseDocumentPath(v.reference());
      if (!path.ok()) return out;
      bool full = s.layout.full_path || (s.layout.kind != EntryLayout::kEntry && q.all_descendants) ||
                  s.layout.kind == EntryLayout::kName;
      if (full) {
        schema::AppendDocumentPath(&out, path->path, s.name_direction);
      } else {
        auto parent = path->path.segments();
        parent.pop_back();
        if (schema::ResourcePath(parent) != q.CollectionPath()) return out;
        std::string id;
        schema::AppendEscaped(&id, path->id(), 1);
        if (s.name_direction == Direction::kDescending) id = Invert(id);
        out += id;
      }
      *complete = i + 1 == cursor.values.size();
      return out;
    }
    component++;
  }
  *complete = true;
  return out;
}

// Narrows [lower, upper) of the range under `prefix` to the cursors' span.
void ApplyCursors(const schema::NormalizedQuery& q, const Shape& s, const Needs& n, bool reverse,
                  const std::string& prefix, KeyRange* r) {
  auto raise_lower = [&](const std::string& b) {
    if (b > r->lower) r->lower = b;
  };
  auto drop_upper = [&](const std::string& b) {
    if (!b.empty() && (r->upper.empty() || b < r->upper)) r->upper = b;
  };
  for (bool start : {true, false}) {
    const std::optional<Cursor>& c = start ? q.start : q.end;
    if (!c || c->values.empty()) continue;
    bool complete;
    std::string key = CursorKey(*c, q, s, n, &complete);
    if (key.empty()) continue;
    key = prefix + key;
    // Whether rows equal to the cursor's prefix are excluded from this side.
    bool exclusive = complete && (start ? !c->before : c->before);
    const bool low_side = start != reverse;  // a start cursor bounds the low keys on a forward scan
    if (low_side) {
      raise_lower(exclusive ? schema::PrefixSuccessor(key) : key);
    } else {
      drop_upper(exclusive ? key : schema::PrefixSuccessor(key));
    }
  }
}

std::vector<KeyRange> RangesFor(const Shape& s, const std::vector<QueryFilter>& conj, const Needs& n,
                                const schema::NormalizedQuery& q, bool reverse) {
  std::vector<std::string> prefixes = {s.prefix};
  const size_t k = n.equalities.size();
  for (size_t i = 0; i < k; i++) {
    const QueryFilter* e = nullptr;
    for (const auto* x : n.equalities)
      if (x->field == s.fields[i].first && IsContainsOp(x->op) == (s.fields[i].second == FieldMode::kContains)) e = x;
    Direction d = s.fields[i].second == FieldMode::kDescending ? Direction::kDescending : Direction::kAscending;
    std::vector<std::string> next;
    for (const auto& p : prefixes)
      for (const auto& v : FixedValues(*e)) next.push_back(p + schema::EncodeValue(v, d));
    std::sort(next.begin(), next.end());
    next.erase(std::unique(next.begin(), next.end()), next.end());
    prefixes = std::move(next);
  }
  std::vector<Interval> intervals = {{std::nullopt, std::nullopt}};
  Direction d = Direction::kAscending;
  if (k < s.fields.size()) {
    const FieldPath& f = s.fields[k].first;
    d = s.fields[k].second == FieldMode::kDescending ? Direction::kDescending : Direction::kAscending;
    for (const auto& filter : conj)
      if (filter.field == f && filter.IsInequality()) intervals = Intersect(intervals, IntervalsOf(filter));
  }
  std::vector<KeyRange> ranges;
  for (const auto& p : prefixes) {
    const std::string end = schema::PrefixSuccessor(p);
    for (const auto& iv : intervals) {
      KeyRange r;
      if (d == Direction::kAscending) {
        r.lower = iv.lo ? p + AscKey(*iv.lo) : p;
        r.upper = iv.hi ? p + AscKey(*iv.hi) : end;
      } else {
        r.lower = iv.hi ? p + DescKey(*iv.hi) : p;
        r.upper = iv.lo ? p + DescKey(*iv.lo) : end;
      }
      ApplyCursors(q, s, n, reverse, p, &r);
      if (r.upper.empty() || r.lower < r.upper) ranges.push_back(std::move(r));
    }
  }
  return ranges;
}

ScanSource SourceOf(const Shape& s, bool reverse, std::vector<KeyRange> ranges) {
  ScanSource src;
  src.cf = s.cf;
  src.cf_name = s.cf_name;
  src.reverse = reverse;
  src.ranges = std::move(ranges);
  src.layout = s.layout;
  return src;
}

// Equality-only conjunctions in name order: intersect single-field indexes.
std::optional<ConjunctionPlan> ZigZag(const std::vector<Shape>& shapes, const Needs& n, bool group) {
  if (group || n.equalities.size() < 2 || n.order.size() != 1) return std::nullopt;
  ConjunctionPlan plan;
  plan.zigzag = true;
  const bool reverse = n.order[0].direction == Direction::kDescending;
  std::string names;
  for (const QueryFilter* e : n.equalities) {
    if (FixedValues(*e).size() != 1) return std::nullopt;  // `in` and -any: several ranges per field
    const Shape* found = nullptr;
    for (const auto& s : shapes)
      if (s.single_field && s.fields[0].first == e->field &&
          (s.fields[0].second == FieldMode::kContains) == IsContainsOp(e->op))
        found = &s;
    if (found == nullptr) return std::nullopt;
    std::string p = found->prefix + schema::EncodeValue(FixedValues(*e)[0]);
    plan.sources.push_back(SourceOf(*found, reverse, {KeyRange{p, schema::PrefixSuccessor(p)}}));
    names += (names.empty() ? "" : " and ") + found->description;
  }
  plan.index = "zig-zag merge of " + names;
  return plan;
}

}  // namespace

StatusOr<QueryPlan> PlanQuery(const schema::NormalizedQuery& q, const CollectionState* c,
                              const std::vector<schema::FieldOverride>& overrides, const std::string& project) {
  QueryPlan plan;
  for (const auto& conj : q.disjuncts) {
    Needs n = NeedsOf(q, conj);
    std::vector<FieldPath> fields;
    for (const auto& f : conj) fields.push_back(f.field);
    for (const auto& o : q.order) fields.push_back(o.field);
    std::optional<ConjunctionPlan> chosen;
    if (c != nullptr) {
      std::vector<Shape> shapes = ShapesFor(q, *c, fields);
      for (const auto& s : shapes) {
        std::optional<bool> reverse = Serves(s, n);
        if (!reverse) continue;
        ConjunctionPlan cp;
        cp.index = s.description;
        cp.sources.push_back(SourceOf(s, *reverse, RangesFor(s, conj, n, q, *reverse)));
        chosen = std::move(cp);
        break;
      }
      if (!chosen) chosen = ZigZag(shapes, n, q.all_descendants);
    }
    if (!chosen) {
      if (c == nullptr) {
        chosen = ConjunctionPlan{"none (the collection holds no documents)", {}, false, {}};
      } else {
        return MissingIndexError(q, conj, overrides, project);
      }
    }
    chosen->filters = conj;
    plan.conjunctions.push_back(std::move(*chosen));
  }
  return plan;
}

std::string QueryPlan::Explain() const {
  std::string out;
  for (size_t i = 0; i < conjunctions.size(); i++) {
    const auto& c = conjunctions[i];
    if (conjunctions.size() > 1) out += "disjunct " + std::to_string(i + 1) + ":\n";
    out += "  index: " + c.index + "\n";
    for (const auto& s : c.sources) {
      out += "  scan " + s.cf_name + (s.reverse ? " backwards" : " forwards") + ", " +
             std::to_string(s.ranges.size()) + (s.ranges.size() == 1 ? " range" : " ranges") + "\n";
      for (const auto& r : s.ranges)
        out += "    from " + DescribeKeyPrefix(s.cf_name, r.lower) + "\n      to " +
               (r.upper.empty() ? std::string("the end") : DescribeKeyPrefix(s.cf_name, r.upper)) + "\n";
    }
    std::string fs;
    for (const auto& f : c.filters) fs += (fs.empty() ? "" : ", ") + schema::DescribeFilter(f);
    out += "  filters checked on each document: " + (fs.empty() ? std::string("none") : fs) + "\n";
  }
  return out;
}

}  // namespace hearth::engine
