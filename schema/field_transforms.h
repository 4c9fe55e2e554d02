// Applying Firestore's field transforms (hearth/field_transform.h) to a
// document's fields, with Firestore's rules for mixed numbers, NaN and
// array equality (reference/firestore.md §5.2; Firestore's FieldTransform
// reference).
#pragma once

#include <vector>

#include "hearth/field_transform.h"
#include "hearth/status.h"
#include "hearth/value.h"
#include "schema/path.h"

namespace hearth::schema {

// The parsed field path of each transform of one write, in order.
// INVALID_ARGUMENT naming the transform when a path does not parse, names
// a field twice, or an operand has the wrong type (a number for increment,
// maximum and minimum; an array for the array transforms).
StatusOr<std::vector<FieldPath>> CheckTransforms(const std::vector<FieldTransform>& transforms);

// Applies `t` at `path` of `fields` (a path CheckTransforms accepted; maps
// on the way are created, and a non-map on the way is replaced by one) and
// returns the transform's result: the field's new value, or null for the
// array transforms, as Firestore's transformResults say.
Value ApplyTransform(MapValue* fields, const FieldPath& path, const FieldTransform& t, Timestamp commit_time);

}  // namespace hearth::schema
