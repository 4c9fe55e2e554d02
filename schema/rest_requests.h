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

#include "hearth/field_transform.h"
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
  std::optional<bool> exists;          // currentDocument.exists
  std::optional<Timestamp> update_time;  // currentDocument.updateTime
  std::vector<FieldTransform> transforms;  // updateTransforms, in order
};

struct RestCommitRequest {
  std::vector<RestWriteRequest> writes;
  std::string transaction;  // "transaction" (base64, as sent); empty: none
};

// The body of documents:commit or documents:batchWrite ("labels" ignored).
// INVALID_ARGUMENT naming the write and member that is wrong.
StatusOr<RestCommitRequest> ParseRestCommitRequest(std::string_view json);

// How a read takes part in a transaction: the read-consistency members of
// batchGet, runQuery and runAggregationQuery.
struct RestReadConsistency {
  std::string transaction;            // "transaction": read in this one (base64, as sent)
  std::optional<bool> new_read_only;  // "newTransaction": begin one (readOnly: true)
  bool read_time = false;             // "readTime" (or newTransaction.readOnly.readTime) was given
};

struct RestBatchGetRequest {
  std::vector<std::string> paths;  // relative document paths, in request order
  std::vector<std::string> names;  // the resource names as sent (for "missing")
  RestReadConsistency consistency;
};

// The body of documents:batchGet ("mask" is ignored: whole documents are returned).
StatusOr<RestBatchGetRequest> ParseRestBatchGetRequest(std::string_view json);

// The read-consistency members of a runQuery or runAggregationQuery body
// (the query itself is parsed elsewhere).
StatusOr<RestReadConsistency> ParseRestReadConsistency(std::string_view json);

// The body of documents:beginTransaction ({"options"?: {"readOnly": {...}} |
// {"readWrite": {...}}}): true for a read-only transaction.
struct RestBeginTransactionRequest {
  bool read_only = false;
  bool read_time = false;  // options.readOnly.readTime was given
};
StatusOr<RestBeginTransactionRequest> ParseRestBeginTransactionRequest(std::string_view json);

// The body of documents:listCollectionIds: empty or a JSON object
// ({"pageSize"?, "pageToken"?}; every id fits one page, so neither changes
// the answer).
Status CheckRestListCollectionIdsRequest(std::string_view json);

// The body of documents:rollback ({"transaction": "<base64>"}).
StatusOr<std::string> ParseRestRollbackRequest(std::string_view json);

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
