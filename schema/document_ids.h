// Document ids for documents that arrive without one.
#pragma once

#include <string>
#include <string_view>

#include "hearth/collection.h"
#include "hearth/status.h"
#include "hearth/value.h"

namespace hearth::schema {

// The field `id_field` when given, else the collection's rule (snapshots:
// "{monitor_id}_{epoch seconds[.fraction]}", so two snapshots in one second
// never collide; aggregations: "{monitor_id}_{period}_{start epoch}"), else a
// Firestore-style random id.
StatusOr<std::string> DocumentIdFor(const CollectionDef* def, const MapValue& fields, const std::string& id_field);

// The time part of a "{partition}_{epoch seconds[.fraction]}" id: the
// seconds, and the nanoseconds as a fraction without trailing zeros.
std::string EpochIdText(const Timestamp& t);
// The time `text` is the EpochIdText of; false when it is not exactly such
// a text (no sign but '-', no leading zeros, no trailing zeros in the fraction).
bool ParseEpochIdText(std::string_view text, Timestamp* t);

// A Firestore-style random id: 20 characters from [A-Za-z0-9].
std::string RandomDocumentId();

}  // namespace hearth::schema
