// The `hearth query` command line: --where 'FIELD OP VALUE', --order-by
// 'FIELD [asc|desc]', cursors as JSON values, turned into a Query.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "hearth/collection.h"
#include "hearth/query.h"
#include "hearth/status.h"

namespace hearth::tools {

struct QueryArgs {
  std::string collection;  // "snapshots" or "monitors/m1/snapshots"
  std::vector<std::string> where;
  std::vector<std::string> order_by;
  std::optional<int64_t> limit;
  int64_t offset = 0;
  std::string start_at, start_after, end_at, end_before;  // "VALUE[,VALUE...]" JSON
  bool collection_group = false;
};

// Builds the query. VALUEs are JSON; a string compared with (or a cursor on)
// a field the collection declares a timestamp is read as an RFC 3339 time.
StatusOr<Query> BuildQuery(const QueryArgs& args, const CollectionDef* def);

}  // namespace hearth::tools
