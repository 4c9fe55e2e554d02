#include "engine/ledger_changes.h"

#include "engine/keys.h"

namespace hearth::engine {

CounterDelta& LedgerChanges::For(std::string_view collection_id, std::string_view pk, std::string_view partition) {
  const std::optional<int64_t> day = LedgerDayOf(pk, partition);
  if (!day) return by_key_[std::string()];  // LedgerKeyOf's empty key
  auto [it, added] = last_day_.try_emplace(partition, *day, nullptr);
  if (added || it->second.first != *day) {
    std::string key = meta::LedgerDay(collection_id, partition, *day);
    // A batch's documents come in path order, so its partitions (and their
    // keys) mostly ascend: a key after the last one goes in at the end
    // without a search.
    const bool last = !by_key_.empty() && by_key_.rbegin()->first < key;
    auto at = last ? by_key_.emplace_hint(by_key_.end(), std::move(key), CounterDelta{})
                   : by_key_.try_emplace(std::move(key)).first;
    it->second = {*day, &at->second};
  }
  return *it->second.second;
}

}  // namespace hearth::engine
