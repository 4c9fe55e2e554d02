// JSON forms of documents and values.
//
// Plain JSON: objects are maps, integral numbers are integers (int64),
// numbers with a fraction or exponent are doubles, NaN/Infinity allowed.
// Top-level fields a collection declares as timestamps are read from RFC 3339
// strings (no zone = UTC) or epoch seconds and written back as RFC 3339 UTC.
// Plain output is lossy only for bytes (base64 text), references (path text)
// and geo points ({"latitude","longitude"}); the REST form is exact.
//
// Firestore REST JSON: {"integerValue":"5"}, {"timestampValue":"..."},
// {"mapValue":{"fields":{...}}} ... (reference/firestore.md §5.1).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hearth/collection.h"
#include "hearth/document.h"
#include "hearth/status.h"
#include "hearth/value.h"

namespace hearth::schema {

// A document read from a JSON line: its fields and, when the line carries
// one ("__name__" in plain JSON, "name" in REST JSON), its path.
struct ParsedDocument {
  std::optional<std::string> name;
  MapValue fields;
};

// Plain JSON object -> document. `def` (may be null) declares timestamp fields.
StatusOr<ParsedDocument> ParsePlainDocument(std::string_view json, const CollectionDef* def);
// Plain JSON value (for query values on the command line).
StatusOr<Value> ParsePlainValue(std::string_view json);

// Document -> plain JSON object; `name` (when non-empty) is written first as
// "__name__" so an export line says which document it is.
std::string PlainDocumentJson(const MapValue& fields, std::string_view name = {});
std::string PlainValueJson(const Value& v);
// PlainDocumentJson(fields).size(), without keeping the text: the logical
// size `hearth stats` compares stored bytes with.
size_t PlainDocumentJsonSize(const MapValue& fields);
// The plain JSON size of one value, and of a string once quoted and escaped
// (a map key, a string value): the parts PlainDocumentJsonSize adds up, for a
// walk over a document that measures it on its way (ValidateDocument).
size_t PlainValueJsonSize(const Value& v);
size_t QuotedJsonSize(std::string_view s);
// What a map or array of `entries` adds beyond them: braces or brackets, commas.
size_t JsonPunctuationSize(size_t entries);
// QuotedJsonSize(s) when s is valid UTF-8, else 0 (a quoted string takes at
// least 2 bytes): both checks of a string value in one pass over it.
size_t QuotedJsonSizeIfUtf8(std::string_view s);

// Firestore REST Document JSON ({"name"?, "fields": {...}}) -> document. The
// name may be a full resource name ("projects/p/databases/d/documents/...")
// or a relative path.
StatusOr<ParsedDocument> ParseRestDocument(std::string_view json);
StatusOr<Value> ParseRestValue(std::string_view json);
// The body of a runQuery response (a JSON array of {"document"?, "readTime",
// ...}) -> its documents in order; items without a document are skipped. An
// {"error": {"status", "message"}} item (a streamed answer that failed
// part-way) is that status: a partial answer is never taken for a whole one.
StatusOr<std::vector<ParsedDocument>> ParseRunQueryResponse(std::string_view json);

// Document -> REST JSON with name "projects/{project}/databases/(default)/documents/{path}".
std::string RestDocumentJson(const Document& doc, std::string_view project);
std::string RestValueJson(const Value& v, std::string_view project);
// A REST document's "fields" object: {"name": {"stringValue": ...}, ...}.
std::string RestFieldsJson(const MapValue& fields, std::string_view project);

// Strips "projects/{p}/databases/{d}/documents/" from a resource name.
std::string_view RelativeDocumentPath(std::string_view resource_name);

}  // namespace hearth::schema
