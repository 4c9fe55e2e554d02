#include "engine/ledger_changes.h"

#include "engine/keys.h"

namespace hearth::engine {

CounterDelta& LedgerChanges::For(std::string_view collection_id, std::string_view pk, std::string_view partition) {
  const std::optional<int64_t> day = LedgerDayOf(pk, partition);
  if (!day) return by_key_[std::string()];  // LedgerKeyOf's empty key
  auto [it, added] = last_day_.try_emplace(partition, *day, nullptr);
  if (added || it->second.first != *day) {
    it->second = {*day, &by_key_[meta::LedgerDay(collection_id, partition, *day)]};
  }
  return *it->second.second;
}

}  // namespace hearth::engine
