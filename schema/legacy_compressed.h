// The original system's compressed fields: a map {"_compressed": true,
// "data": "<base64 of gzip of the field's JSON>"} standing for the field's
// value (reference/consultantos-spec.md §3). hearth expands them when a
// document is written, so stored documents and every read hold the real
// fields. A marker wrapped in another (the original could compress twice)
// is expanded until no marker is left.
#pragma once

#include "hearth/status.h"
#include "hearth/value.h"

namespace hearth::schema {

bool IsCompressedMarker(const Value& v);

// Expands every top-level marker in place; INVALID_ARGUMENT names the field
// whose data is not base64, not gzip, or not JSON.
Status ExpandCompressedFields(MapValue* fields);

}  // namespace hearth::schema
