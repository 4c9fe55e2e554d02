// A write batch's changes to the series ledger (keys.h, meta::LedgerDay), by
// ledger key: what the batch's journal record holds (ledger_journal.h).
//
// Every time-series document written or removed counts into the ledger key
// of its partition and day. A batch writes several documents of most
// partitions, nearly always of one day, so the last day's entry of each
// partition is remembered: its key is built and looked up once, not once
// per document (building and finding it was ~1,500 instructions of a
// 3 KB snapshot's write).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "engine/collection_counters.h"

namespace hearth::engine {

class LedgerChanges {
 public:
  // The entry of time-series document `pk` of collection `collection_id`,
  // whose partition prefix is `partition` (TimeSeriesPartitionOf, which the
  // caller has at hand): LedgerKeyOf's key. `partition` must outlive this
  // object.
  CounterDelta& For(std::string_view collection_id, std::string_view pk, std::string_view partition);

  const std::map<std::string, CounterDelta>& by_key() const { return by_key_; }

 private:
  std::map<std::string, CounterDelta> by_key_;
  // By partition prefix: the last day counted, and its entry.
  std::unordered_map<std::string_view, std::pair<int64_t, CounterDelta*>> last_day_;
};

}  // namespace hearth::engine
