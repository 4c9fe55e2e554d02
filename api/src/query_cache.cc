#include "api/src/query_cache.h"

#include <algorithm>

namespace hearth::api {

size_t CachedResult::Bytes() const {
  size_t n = sizeof(CachedResult) + next_page_token.size();
  for (const auto& d : documents) n += d.ByteSize() + sizeof(DocumentView);
  n += points.size() * (sizeof(TrendPoint) + 16);
  return n;
}

uint64_t QueryCache::Generation(const std::string& monitor) {
  std::lock_guard lock(mu_);
  return generations_[monitor];
}

std::shared_ptr<const CachedResult> QueryCache::Get(const std::string& monitor, const std::string& key) {
  std::lock_guard lock(mu_);
  auto it = by_key_.find(monitor + '\0' + key);
  if (it == by_key_.end()) {
    misses_++;
    return nullptr;
  }
  if (Clock::now() - it->second->stored >= ttl_) {
    EraseLocked(it->second);
    misses_++;
    return nullptr;
  }
  lru_.splice(lru_.begin(), lru_, it->second);  // a hit refreshes its place
  hits_++;
  return lru_.front().value;
}

void QueryCache::Put(const std::string& monitor, const std::string& key, uint64_t generation,
                     std::shared_ptr<const CachedResult> value) {
  std::lock_guard lock(mu_);
  if (generations_[monitor] != generation) return;  // written meanwhile: the result may be stale
  size_t bytes = value->Bytes() + key.size() + monitor.size();
  if (bytes > max_bytes_ || max_entries_ == 0) return;
  std::string full = monitor + '\0' + key;
  if (auto it = by_key_.find(full); it != by_key_.end()) EraseLocked(it->second);
  lru_.push_front(Entry{monitor, key, std::move(value), bytes, Clock::now()});
  by_key_[full] = lru_.begin();
  keys_by_monitor_[monitor].push_back(key);
  bytes_ += bytes;
  while (!lru_.empty() && (lru_.size() > max_entries_ || bytes_ > max_bytes_)) EraseLocked(std::prev(lru_.end()));
}

void QueryCache::Invalidate(const std::string& monitor) {
  std::lock_guard lock(mu_);
  generations_[monitor]++;
  auto keys = keys_by_monitor_.find(monitor);
  if (keys == keys_by_monitor_.end()) return;
  std::vector<std::string> ks = std::move(keys->second);
  keys_by_monitor_.erase(keys);
  for (const auto& k : ks)
    if (auto it = by_key_.find(monitor + '\0' + k); it != by_key_.end()) EraseLocked(it->second);
}

void QueryCache::EraseLocked(std::list<Entry>::iterator it) {
  bytes_ -= it->bytes;
  by_key_.erase(it->monitor + '\0' + it->key);
  auto mk = keys_by_monitor_.find(it->monitor);
  if (mk != keys_by_monitor_.end()) {
    auto& v = mk->second;
    v.erase(std::remove(v.begin(), v.end(), it->key), v.end());
    if (v.empty()) keys_by_monitor_.erase(mk);
  }
  lru_.erase(it);
}

uint64_t QueryCache::entries() const {
  std::lock_guard lock(mu_);
  return lru_.size();
}
uint64_t QueryCache::bytes() const {
  std::lock_guard lock(mu_);
  return bytes_;
}
uint64_t QueryCache::hits() const {
  std::lock_guard lock(mu_);
  return hits_;
}
uint64_t QueryCache::misses() const {
  std::lock_guard lock(mu_);
  return misses_;
}

}  // namespace hearth::api
