#include "engine/latest_documents.h"

#include <atomic>

namespace hearth::engine {

namespace {

// A stored value as the table holds it: a string made non-const, so that
// Wrote may rewrite one no reader holds.
std::shared_ptr<const std::string> MakeValue(std::string value) {
  return std::make_shared<std::string>(std::move(value));
}
std::shared_ptr<const std::string> MakeValue(std::string_view value) { return MakeValue(std::string(value)); }

}  // namespace

LatestDocuments::LatestDocuments(size_t capacity_bytes, size_t shards) : capacity_(capacity_bytes) {
  if (shards == 0) shards = 1;
  for (size_t i = 0; i < shards; i++) {
    shards_.push_back(std::make_unique<Shard>());
    shards_.back()->capacity = capacity_bytes / shards;
  }
}

LatestDocuments::Place LatestDocuments::PlaceOf(std::string_view partition_prefix) const {
  const size_t h = std::hash<std::string_view>()(partition_prefix);
  return Place{shards_[h % shards_.size()].get(), (h / shards_.size()) % kGenerationBuckets};
}

template <typename Read>
auto LatestDocuments::ReadEntry(std::string_view partition_prefix, Read read)
    -> std::optional<decltype(read(std::declval<const Entry&>()))> {
  if (!enabled()) return std::nullopt;
  Shard& s = *PlaceOf(partition_prefix).shard;
  std::lock_guard lock(s.mu);
  auto it = s.slots.find(partition_prefix);
  if (it == s.slots.end()) return std::nullopt;
  s.lru.splice(s.lru.begin(), s.lru, it->second.lru);
  return read(it->second.entry);
}

std::optional<LatestDocuments::Entry> LatestDocuments::Get(std::string_view partition_prefix) {
  return ReadEntry(partition_prefix, [](const Entry& e) { return e; });
}

std::optional<bool> LatestDocuments::After(std::string_view partition_prefix, std::string_view pk) {
  return ReadEntry(partition_prefix, [&](const Entry& e) { return pk > e.pk; });
}

uint64_t LatestDocuments::Generation(std::string_view partition_prefix) const {
  const Place p = PlaceOf(partition_prefix);
  std::lock_guard lock(p.shard->mu);
  return p.shard->generations[p.bucket];
}

bool LatestDocuments::HasRoom(std::string_view partition_prefix) const {
  if (!enabled()) return false;
  const Shard& s = *PlaceOf(partition_prefix).shard;
  std::lock_guard lock(s.mu);
  return s.bytes < s.capacity / 8 * 7;
}

void LatestDocuments::Install(std::string_view partition_prefix, uint64_t generation, std::string pk,
                              std::string stored) {
  if (!enabled()) return;
  const Place p = PlaceOf(partition_prefix);
  std::shared_ptr<const std::string> value = MakeValue(std::move(stored));
  std::lock_guard lock(p.shard->mu);
  if (p.shard->generations[p.bucket] != generation) return;  // a write came in between
  p.shard->PutLocked(partition_prefix, Entry{std::move(pk), std::move(value)});
}

void LatestDocuments::Wrote(std::string_view partition_prefix, const std::string& pk, std::string_view stored) {
  Replace(
      partition_prefix, pk, [&](std::string& held) { held.assign(stored); }, [&] { return MakeValue(stored); });
}

void LatestDocuments::Wrote(std::string_view partition_prefix, const std::string& pk, std::string* stored) {
  Replace(
      partition_prefix, pk, [&](std::string& held) { held.swap(*stored); },
      [&] { return MakeValue(std::move(*stored)); });
}

template <typename Put, typename Make>
void LatestDocuments::Replace(std::string_view partition_prefix, const std::string& pk, Put put, Make make) {
  if (!enabled()) return;
  const Place p = PlaceOf(partition_prefix);
  Shard& s = *p.shard;
  std::lock_guard lock(s.mu);
  s.generations[p.bucket]++;
  auto it = s.slots.find(partition_prefix);
  // Unknown partition: its newest document is unknown too (it may be older
  // or newer than this one), so nothing to record.
  if (it == s.slots.end() || pk < it->second.entry.pk) return;
  // Replaced in place: the partition keeps its slot and its place in the LRU
  // order (a write is not a read).
  Entry& e = it->second.entry;
  s.bytes -= Cost(it->first, e);
  e.pk = pk;
  if (e.stored.use_count() == 1) {
    // No reader holds the old value, and none can take it: readers copy an
    // entry only under s.mu, held here. The fence orders the last reader's
    // reads (its release of the count) before this write. Every value is
    // made a non-const string (MakeValue), so writing to it is allowed.
    std::atomic_thread_fence(std::memory_order_acquire);
    put(const_cast<std::string&>(*e.stored));
  } else {
    e.stored = make();
  }
  s.bytes += Cost(it->first, e);
  while (s.bytes > s.capacity && !s.lru.empty()) s.EraseLocked(s.slots.find(s.lru.back()));
}

void LatestDocuments::Removed(std::string_view partition_prefix, std::string_view pk) {
  if (!enabled()) return;
  const Place p = PlaceOf(partition_prefix);
  std::lock_guard lock(p.shard->mu);
  p.shard->generations[p.bucket]++;
  auto it = p.shard->slots.find(partition_prefix);
  if (it != p.shard->slots.end() && it->second.entry.pk == pk) p.shard->EraseLocked(it);
}

void LatestDocuments::RemovedRange(std::string_view partition_prefix, std::string_view begin, std::string_view end) {
  if (!enabled()) return;
  const Place p = PlaceOf(partition_prefix);
  std::lock_guard lock(p.shard->mu);
  p.shard->generations[p.bucket]++;
  auto it = p.shard->slots.find(partition_prefix);
  if (it != p.shard->slots.end() && it->second.entry.pk >= begin && it->second.entry.pk < end)
    p.shard->EraseLocked(it);
}

size_t LatestDocuments::bytes() const {
  size_t total = 0;
  for (const auto& s : shards_) {
    std::lock_guard lock(s->mu);
    total += s->bytes;
  }
  return total;
}

void LatestDocuments::Shard::PutLocked(std::string_view partition_prefix, Entry e) {
  auto it = slots.find(partition_prefix);
  if (it != slots.end()) EraseLocked(it);
  const std::string prefix(partition_prefix);
  const size_t cost = Cost(prefix, e);
  if (cost > capacity) return;
  while (bytes + cost > capacity && !lru.empty()) EraseLocked(slots.find(lru.back()));
  lru.push_front(prefix);
  bytes += cost;
  slots.emplace(prefix, Slot{std::move(e), lru.begin()});
}

void LatestDocuments::Shard::EraseLocked(Map::iterator it) {
  bytes -= Cost(it->first, it->second.entry);
  lru.erase(it->second.lru);
  slots.erase(it);
}

}  // namespace hearth::engine
