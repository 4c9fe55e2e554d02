// Store: running and explaining queries.
#include "engine/query_exec.h"
#include "engine/query_plan.h"
#include "engine/store.h"

namespace hearth::engine {

StatusOr<const CollectionState*> Store::QueryCollection(const std::string& id) {
  // A declared collection answers (and enforces its index needs) even before
  // its first write; an unknown one is simply empty, as in Firestore.
  auto c = ResolveCollection(id, DefinitionFor(id).has_value());
  if (!c.ok()) {
    if (c.status().code() == StatusCode::kNotFound) return static_cast<const CollectionState*>(nullptr);
    return c.status();
  }
  return *c;
}

Status Store::RunQuery(const Query& query, const std::function<bool(const Document&)>& visit, QueryStats* stats) {
  HEARTH_ASSIGN_OR_RETURN(schema::NormalizedQuery q, schema::Normalize(query));
  HEARTH_ASSIGN_OR_RETURN(const CollectionState* c, QueryCollection(q.collection_id));
  HEARTH_ASSIGN_OR_RETURN(QueryPlan plan, PlanQuery(q, c, index_config_.field_overrides, options_.project_id));
  if (c == nullptr) return Status::OK();
  for (const ConjunctionPlan& conjunction : plan.conjunctions)
    for (const ScanSource& source : conjunction.sources)
      if (source.layout.kind == EntryLayout::kName) HEARTH_RETURN_IF_ERROR(EnsureNames(*c));
  QueryStats local;
  return ExecuteQuery(db_.get(), *c, q, plan, visit, stats ? stats : &local);
}

StatusOr<std::string> Store::ExplainQuery(const Query& query) {
  HEARTH_ASSIGN_OR_RETURN(schema::NormalizedQuery q, schema::Normalize(query));
  HEARTH_ASSIGN_OR_RETURN(const CollectionState* c, QueryCollection(q.collection_id));
  HEARTH_ASSIGN_OR_RETURN(QueryPlan plan, PlanQuery(q, c, index_config_.field_overrides, options_.project_id));
  return plan.Explain();
}

}  // namespace hearth::engine
