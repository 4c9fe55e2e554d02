// Document ids for documents that arrive without one.
#pragma once

#include <string>

#include "hearth/collection.h"
#include "hearth/status.h"
#include "hearth/value.h"

namespace hearth::schema {

// The field `id_field` when given, else the collection's rule (snapshots:
// "{monitor_id}_{epoch seconds[.fraction]}", so two snapshots in one second
// never collide; aggregations: "{monitor_id}_{period}_{start epoch}"), else a
// Firestore-style random id.
StatusOr<std::string> DocumentIdFor(const CollectionDef* def, const MapValue& fields, const std::string& id_field);

// A Firestore-style random id: 20 characters from [A-Za-z0-9].
std::string RandomDocumentId();

}  // namespace hearth::schema
