// Query planning: which index serves each conjunction of a query, and which
// key ranges of it hold the answer.
//
// An index "shape" lists its fields (each ascending, descending or
// array-contains) and the direction of the trailing __name__. A shape serves
// a conjunction when its leading fields are exactly the conjunction's
// equality fields (==, in, is-null, is-nan, and the array-contains field),
// and its remaining fields followed by __name__ are the query's ordering
// with the equality fields left out — all in the index's directions (a
// forward scan) or all reversed (a backward scan). Shapes come from the
// composite indexes, the automatic single-field indexes, the time-series
// primary key and document-name order. Equality-only conjunctions that no
// single shape serves are answered by intersecting single-field indexes in
// document-name order (a zig-zag merge), as Firestore does.
#pragma once

#include <rocksdb/db.h>

#include <optional>
#include <string>
#include <vector>

#include "hearth/status.h"
#include "schema/index_config.h"
#include "schema/key_encoding.h"
#include "schema/query_rules.h"

namespace hearth::engine {

struct CollectionState;

// How to get from a key of the scanned column family to its document.
struct EntryLayout {
  enum Kind {
    kDocument,  // a document column family: the value is the document
    kName,      // name.<collection>: the key is the path, the value the primary key
    kEntry,     // an index entry: value = primary key (time series), else the path is in the key
  };
  Kind kind = kDocument;
  bool time_series = false;
  // kEntry on a plain collection: the key is prefix(prefix_len bytes),
  // values (one per direction), then the document id (collection scope,
  // under `collection`) or full path, in `name_direction`.
  size_t prefix_len = 0;
  std::vector<schema::Direction> value_directions;
  bool full_path = false;
  schema::ResourcePath collection;
  schema::Direction name_direction = schema::Direction::kAscending;
};

struct KeyRange {
  std::string lower;  // inclusive
  std::string upper;  // exclusive
};

// One ordered scan: each range yields rows in the query's order.
struct ScanSource {
  rocksdb::ColumnFamilyHandle* cf = nullptr;
  std::string cf_name;
  bool reverse = false;
  std::vector<KeyRange> ranges;
  EntryLayout layout;
};

struct ConjunctionPlan {
  std::string index;  // the index in words, for --explain
  // One source normally; several sources intersected by document id (zig-zag).
  std::vector<ScanSource> sources;
  bool zigzag = false;
  // Every filter of the conjunction is checked again on each document read.
  std::vector<schema::QueryFilter> filters;
};

struct QueryPlan {
  std::vector<ConjunctionPlan> conjunctions;  // results are merged in order, duplicates dropped
  std::string Explain() const;
};

// Plans `q` on collection `c` (null when the collection has no documents
// yet). A query no index serves fails with FAILED_PRECONDITION naming the
// composite index to add (and Firestore's console link for `project`).
StatusOr<QueryPlan> PlanQuery(const schema::NormalizedQuery& q, const CollectionState* c,
                              const std::vector<schema::FieldOverride>& overrides, const std::string& project);

}  // namespace hearth::engine
