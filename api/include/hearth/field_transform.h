// Firestore's field transforms: changes a write makes to a field from the
// value it holds when the write applies (server timestamps, increments,
// maximum and minimum, array union and removal).
#pragma once

#include <string>

#include "hearth/value.h"

namespace hearth {

// A change a write makes to one field from the value the field holds when
// the batch is applied (Firestore's FieldTransform). Applied after the
// write's own fields, in order; the field is created where missing.
struct FieldTransform {
  enum class Kind {
    kServerTime,     // the batch's commit time
    kIncrement,      // add `operand` (a number); a non-number field becomes `operand`.
                     // Integers stay integers, saturating at the int64 range;
                     // with a double either side the sum is a double
    kMaximum,        // the larger of the field and `operand` (numbers; a
                     // non-number field becomes `operand`; equal values keep the field)
    kMinimum,        // the smaller, likewise
    kAppendMissing,  // append the elements of `operand` (an array) the field's
                     // array lacks; a non-array field becomes an empty array first
    kRemoveAll,      // remove every element equal to one of `operand`'s (an array)
  };
  std::string field_path;  // dotted field path ("stats.count", "`a.b`")
  Kind kind = Kind::kServerTime;
  Value operand;
};

}  // namespace hearth
