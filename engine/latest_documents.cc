#include "engine/latest_documents.h"

namespace hearth::engine {

std::optional<LatestDocuments::Entry> LatestDocuments::Get(std::string_view partition_prefix) {
  if (!enabled()) return std::nullopt;
  std::lock_guard lock(mu_);
  auto it = slots_.find(partition_prefix);
  if (it == slots_.end()) return std::nullopt;
  lru_.splice(lru_.begin(), lru_, it->second.lru);
  return it->second.entry;
}

uint64_t LatestDocuments::Generation(std::string_view partition_prefix) const {
  std::lock_guard lock(mu_);
  return generations_[Bucket(partition_prefix)];
}

void LatestDocuments::Install(std::string_view partition_prefix, uint64_t generation, std::string pk,
                              std::string stored) {
  if (!enabled()) return;
  std::lock_guard lock(mu_);
  if (generations_[Bucket(partition_prefix)] != generation) return;  // a write came in between
  PutLocked(partition_prefix, Entry{std::move(pk), std::make_shared<const std::string>(std::move(stored))});
}

void LatestDocuments::Wrote(std::string_view partition_prefix, const std::string& pk, const std::string& stored) {
  if (!enabled()) return;
  std::lock_guard lock(mu_);
  BumpLocked(partition_prefix);
  auto it = slots_.find(partition_prefix);
  // Unknown partition: its newest document is unknown too (it may be older
  // or newer than this one), so nothing to record.
  if (it == slots_.end() || pk < it->second.entry.pk) return;
  PutLocked(partition_prefix, Entry{pk, std::make_shared<const std::string>(stored)});
}

void LatestDocuments::Removed(std::string_view partition_prefix, std::string_view pk) {
  if (!enabled()) return;
  std::lock_guard lock(mu_);
  BumpLocked(partition_prefix);
  auto it = slots_.find(partition_prefix);
  if (it != slots_.end() && it->second.entry.pk == pk) EraseLocked(it);
}

void LatestDocuments::RemovedRange(std::string_view partition_prefix, std::string_view begin, std::string_view end) {
  if (!enabled()) return;
  std::lock_guard lock(mu_);
  BumpLocked(partition_prefix);
  auto it = slots_.find(partition_prefix);
  if (it != slots_.end() && it->second.entry.pk >= begin && it->second.entry.pk < end) EraseLocked(it);
}

size_t LatestDocuments::bytes() const {
  std::lock_guard lock(mu_);
  return bytes_;
}

void LatestDocuments::PutLocked(std::string_view partition_prefix, Entry e) {
  auto it = slots_.find(partition_prefix);
  if (it != slots_.end()) EraseLocked(it);
  const std::string prefix(partition_prefix);
  const size_t cost = Cost(prefix, e);
  if (cost > capacity_) return;
  while (bytes_ + cost > capacity_ && !lru_.empty()) EraseLocked(slots_.find(lru_.back()));
  lru_.push_front(prefix);
  bytes_ += cost;
  slots_.emplace(prefix, Slot{std::move(e), lru_.begin()});
}

void LatestDocuments::EraseLocked(Map::iterator it) {
  bytes_ -= Cost(it->first, it->second.entry);
  lru_.erase(it->second.lru);
  slots_.erase(it);
}

}  // namespace hearth::engine
