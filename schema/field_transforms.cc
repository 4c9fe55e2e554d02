#include "schema/field_transforms.h"

#include <cmath>
#include <limits>
#include <set>

#include "schema/value_order.h"

namespace hearth::schema {

namespace {

const char* NameOf(FieldTransform::Kind k) {
  switch (k) {
    case FieldTransform::Kind::kServerTime: return "setToServerValue";
    case FieldTransform::Kind::kIncrement: return "increment";
    case FieldTransform::Kind::kMaximum: return "maximum";
    case FieldTransform::Kind::kMinimum: return "minimum";
    case FieldTransform::Kind::kAppendMissing: return "appendMissingElements";
    case FieldTransform::Kind::kRemoveAll: return "removeAllFromArray";
  }
  return "?";
}

bool IsNaN(const Value& v) { return v.type() == Value::Type::kDouble && std::isnan(v.dbl()); }

Value Increment(const Value& current, const Value& by) {
  if (!current.is_number()) return by;
  if (current.type() == Value::Type::kInteger && by.type() == Value::Type::kInteger) {
    int64_t sum;
    if (!__builtin_add_overflow(current.integer(), by.integer(), &sum)) return Value::Integer(sum);
    return Value::Integer(by.integer() > 0 ? std::numeric_limits<int64_t>::max() : std::numeric_limits<int64_t>::min());
  }
  return Value::Double(current.AsDouble() + by.AsDouble());
}

// kMaximum (`larger`) or kMinimum: equal values keep the field; NaN wins.
Value Extreme(const Value& current, const Value& operand, bool larger) {
  if (!current.is_number()) return operand;
  if (IsNaN(current)) return current;
  if (IsNaN(operand)) return operand;
  const int c = CompareValues(operand, current);
  return (larger ? c > 0 : c < 0) ? operand : current;
}

bool Contains(const ArrayValue& a, const Value& v) {
  for (const Value& e : a)
    if (CompareValues(e, v) == 0) return true;
  return false;
}

}  // namespace

StatusOr<std::vector<FieldPath>> CheckTransforms(const std::vector<FieldTransform>& transforms) {
  std::vector<FieldPath> paths;
  std::set<std::string> seen;
  for (size_t i = 0; i < transforms.size(); i++) {
    const FieldTransform& t = transforms[i];
    const std::string where = std::string("field transform ") + std::to_string(i) + " (" + NameOf(t.kind) + " of \"" +
                              t.field_path + "\")";
    auto p = ParseFieldPath(t.field_path);
    if (!p.ok()) return p.status().WithContext(where);
    if (p->IsName()) return Status::InvalidArgument(where + ": __name__ is not a field");
    if (!seen.insert(p->ToString()).second)
      return Status::InvalidArgument(where + ": a write may transform a field only once");
    switch (t.kind) {
      case FieldTransform::Kind::kServerTime: break;
      case FieldTransform::Kind::kIncrement:
      case FieldTransform::Kind::kMaximum:
      case FieldTransform::Kind::kMinimum:
        if (!t.operand.is_number()) return Status::InvalidArgument(where + ": the operand must be a number");
        break;
      case FieldTransform::Kind::kAppendMissing:
      case FieldTransform::Kind::kRemoveAll:
        if (t.operand.type() != Value::Type::kArray)
          return Status::InvalidArgument(where + ": the operand must be an array");
        break;
    }
    paths.push_back(std::move(*p));
  }
  return paths;
}

Value ApplyTransform(MapValue* fields, const FieldPath& path, const FieldTransform& t, Timestamp commit_time) {
  const Value* found = FindField(*fields, path);
  const Value current = found ? *found : Value::Null();
  Value next;
  Value result;
  switch (t.kind) {
    case FieldTransform::Kind::kServerTime: next = Value::Time(commit_time); result = next; break;
    case FieldTransform::Kind::kIncrement: next = Increment(current, t.operand); result = next; break;
    case FieldTransform::Kind::kMaximum: next = Extreme(current, t.operand, true); result = next; break;
    case FieldTransform::Kind::kMinimum: next = Extreme(current, t.operand, false); result = next; break;
    case FieldTransform::Kind::kAppendMissing: {
      ArrayValue a = current.type() == Value::Type::kArray ? current.array() : ArrayValue{};
      for (const Value& e : t.operand.array())
        if (!Contains(a, e)) a.push_back(e);
      next = Value::Array(std::move(a));
      break;
    }
    case FieldTransform::Kind::kRemoveAll: {
      ArrayValue kept;
      if (current.type() == Value::Type::kArray)
        for (const Value& e : current.array())
          if (!Contains(t.operand.array(), e)) kept.push_back(e);
      next = Value::Array(std::move(kept));
      break;
    }
  }
  SetField(fields, path, std::move(next));
  return result;
}

}  // namespace hearth::schema
