// Firestore's document limits (reference/firestore.md §4): 1 MiB per
// document by Firestore's storage-size rules, field names valid and not
// reserved, maps and arrays nested at most 20 deep, no array directly inside
// an array, strings valid UTF-8, timestamps in range.
#pragma once

#include <cstddef>

#include "hearth/status.h"
#include "hearth/value.h"
#include "schema/path.h"

namespace hearth::schema {

constexpr size_t kMaxDocumentBytes = 1048576;
constexpr int kMaxNestingDepth = 20;

// Firestore's storage size of a document: name size + sum of field sizes + 32
// (https://firebase.google.com/docs/firestore/storage-size).
size_t DocumentStorageSize(const DocumentPath& path, const MapValue& fields);
size_t ValueStorageSize(const Value& v);

// What ValidateDocument measures on its way through a valid document.
struct DocumentSizes {
  size_t storage = 0;     // DocumentStorageSize
  size_t plain_json = 0;  // PlainDocumentJsonSize (schema/json.h)
};

// Checks every limit above; the error names the field path at fault. When
// `sizes` is given it receives both sizes of a valid document, measured in
// the same walk (the write path needs both; walking twice costs a write ~5%).
Status ValidateDocument(const DocumentPath& path, const MapValue& fields, DocumentSizes* sizes = nullptr);

}  // namespace hearth::schema
