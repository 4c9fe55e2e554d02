// Firestore's total order of values (reference/firestore.md §3.1), written
// directly from the rules: the reference comparator the key encoding and the
// query engine are tested against.
//
// null < boolean < number (integers and doubles interleaved, compared exactly;
// NaN below -Infinity) < timestamp < string (UTF-8 bytes) < bytes < reference
// (segment by segment) < geo point (latitude, then longitude) < array
// (element-wise, shorter first) < map (sorted keys, key then value, then size).
#pragma once

#include <cstdint>

#include "hearth/value.h"

namespace hearth::schema {

// <0, 0 or >0. Integer 1 and double 1.0 compare equal; -0.0 equals 0.0.
int CompareValues(const Value& a, const Value& b);

// Compares an int64 with a double exactly (no rounding of the integer).
int CompareIntDouble(int64_t i, double d);

// The rank of a value's type in the order above (NaN shares the number rank).
int TypeRank(const Value& v);

}  // namespace hearth::schema
