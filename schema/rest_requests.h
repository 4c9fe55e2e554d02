// Firestore REST v1 request bodies that a server reads (reference/firestore.md
// §5.2 and the official client's captures in §8.3): the writes of
// documents:commit and documents:batchWrite, and the names of
// documents:batchGet. Parsing only: what a write means for a store is the
// server's business (server/rest_service.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hearth/status.h"
#include "hearth/value.h"

namespace hearth::schema {

// One Write message: {update: Document, updateMask?, updateTransforms?,
// currentDocument?} or {delete: name, currentDocument?}.
struct RestWriteRequest {
  enum class Kind { kUpdate, kDelete };
  Kind kind = Kind::kUpdate;
  std::string path;  // relative document path ("events/e1"), from the resource name
  MapValue fields;   // kUpdate: the document's fields
  // updateMask.fieldPaths: set only these paths (taken from `fields`, or
  // removed when absent there). Unset: replace the whole document.
  std::optional<std::vector<std::string>> update_mask;
  std::optional<bool> exists;         // currentDocument.exists
  bool update_time_precondition = false;  // currentDocument.updateTime was given
  size_t transforms = 0;              // how many updateTransforms
};

struct RestCommitRequest {
  std::vector<RestWriteRequest> writes;
  bool transaction = false;  // "transaction" was given
};

// The body of documents:commit or documents:batchWrite ("labels" ignored).
// INVALID_ARGUMENT naming the write and member that is wrong.
StatusOr<RestCommitRequest> ParseRestCommitRequest(std::string_view json);

struct RestBatchGetRequest {
  std::vector<std::string> paths;  // relative document paths, in request order
  std::vector<std::string> names;  // the resource names as sent (for "missing")
  bool transaction = false;        // "transaction", "newTransaction" or "readTime" was given
};

// The body of documents:batchGet ("mask" is ignored: whole documents are returned).
StatusOr<RestBatchGetRequest> ParseRestBatchGetRequest(std::string_view json);

// One aggregation of a runAggregationQuery: count(), sum(field) or avg(field).
struct RestAggregation {
  enum class Kind { kCount, kSum, kAvg };
  Kind kind = Kind::kCount;
  std::string alias;  // the result's name ("aggregate_0" from the official client)
  std::string field;  // kSum, kAvg: the field path
  std::optional<int64_t> up_to;  // kCount: count at most this many
};

struct RestAggregationRequest {
  std::vector<RestAggregation> aggregations;
  std::string structured_query;  // the StructuredQuery object's JSON text
};

// The body of documents:runAggregationQuery ({"structuredAggregationQuery":
// {"aggregations": [...], "structuredQuery": {...}}}). Aliases default to
// "field_1", "field_2", ... as Firestore names unnamed aggregations.
StatusOr<RestAggregationRequest> ParseRestAggregationRequest(std::string_view json);

}  // namespace hearth::schema
