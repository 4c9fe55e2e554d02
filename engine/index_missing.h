// The FAILED_PRECONDITION error for a query no index serves, in the form of
// Firestore's "The query requires an index" error: it names the composite
// index to add to firestore.indexes.json (ready to paste) and gives the link
// the Firebase console would offer to create it.
#pragma once

#include <string>
#include <vector>

#include "hearth/status.h"
#include "schema/index_config.h"
#include "schema/query_rules.h"

namespace hearth::engine {

// The composite index that serves conjunction `conj` of `q`.
schema::IndexDef NeededIndex(const schema::NormalizedQuery& q, const std::vector<schema::QueryFilter>& conj);

// Firestore's console link for creating `index` in `project`:
// https://console.firebase.google.com/v1/r/project/P/firestore/indexes?create_composite=T
// where T is the unpadded base64url of the serialized google.firestore.admin.v1.Index.
std::string ConsoleLink(const schema::IndexDef& index, const std::string& project);

// The index entry as it would stand in firestore.indexes.json.
std::string IndexJson(const schema::IndexDef& index);

Status MissingIndexError(const schema::NormalizedQuery& q, const std::vector<schema::QueryFilter>& conj,
                         const std::vector<schema::FieldOverride>& overrides, const std::string& project);

}  // namespace hearth::engine
