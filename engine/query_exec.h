// Query execution: streams a plan's key ranges from RocksDB iterators with
// bounds set, in the query's order. Each range is already ordered; ranges
// and disjuncts are merged by the rows' order values and duplicates dropped,
// then offset and limit apply. The work is proportional to the rows read,
// never to the collection's size.
#pragma once

#include <rocksdb/db.h>

#include <functional>

#include "engine/query_plan.h"
#include "hearth/document.h"
#include "hearth/query.h"
#include "hearth/status.h"

namespace hearth::engine {

Status ExecuteQuery(rocksdb::DB* db, const CollectionState& c, const schema::NormalizedQuery& q,
                    const QueryPlan& plan, const std::function<bool(const Document&)>& visit, QueryStats* stats);

}  // namespace hearth::engine
