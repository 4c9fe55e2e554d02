// The monitoring domain's collection definitions (reference: the original
// system's models, consultantos-spec.md §1).
#include "hearth/collection.h"

namespace hearth {

const std::vector<CollectionDef>& MonitoringDomainCollections() {
  static const std::vector<CollectionDef> kDefs = {
      {"snapshots", {"timestamp"}, TimeSeriesKey{"monitor_id", "timestamp"}, IdRule::kPartitionAndTime},
      {"aggregations",
       {"start_time", "end_time", "created_at"},
       TimeSeriesKey{"monitor_id", "start_time"},
       IdRule::kPartitionPeriodAndTime},
      {"monitors", {"created_at", "last_check", "next_check"}, std::nullopt, IdRule::kRandom},
      {"alerts", {"created_at", "read_at"}, std::nullopt, IdRule::kRandom},
      {"reports", {"created_at"}, std::nullopt, IdRule::kRandom},
  };
  return kDefs;
}

}  // namespace hearth
