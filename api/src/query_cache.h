// The time-series read cache: LRU, bounded by entries and bytes, entries
// expire after a TTL, and every write to a monitor drops that monitor's
// entries. A read that started before such a write cannot store its (now
// stale) result: results are stamped with the monitor's write generation
// taken before the read.
#pragma once

#include <chrono>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "hearth/document_view.h"
#include "hearth/timeseries.h"

namespace hearth::api {

struct CachedResult {
  std::vector<DocumentView> documents;
  std::string next_page_token;
  std::vector<TrendPoint> points;
  size_t Bytes() const;
};

class QueryCache {
 public:
  using Clock = std::chrono::steady_clock;
  QueryCache(std::chrono::seconds ttl, size_t max_entries, size_t max_bytes)
      : ttl_(ttl), max_entries_(max_entries), max_bytes_(max_bytes) {}

  // The monitor's write generation, to pass to Put for a read about to start.
  uint64_t Generation(const std::string& monitor);
  std::shared_ptr<const CachedResult> Get(const std::string& monitor, const std::string& key);
  void Put(const std::string& monitor, const std::string& key, uint64_t generation,
           std::shared_ptr<const CachedResult> value);
  // A write to the monitor: its entries go and its generation advances.
  void Invalidate(const std::string& monitor);

  uint64_t entries() const;
  uint64_t bytes() const;
  uint64_t hits() const;
  uint64_t misses() const;

 private:
  struct Entry {
    std::string monitor, key;
    std::shared_ptr<const CachedResult> value;
    size_t bytes;
    Clock::time_point stored;
  };
  void EraseLocked(std::list<Entry>::iterator it);

  const std::chrono::seconds ttl_;
  const size_t max_entries_, max_bytes_;
  mutable std::mutex mu_;
  std::list<Entry> lru_;  // most recently used first
  std::unordered_map<std::string, std::list<Entry>::iterator> by_key_;  // monitor + '\0' + key
  std::unordered_map<std::string, std::vector<std::string>> keys_by_monitor_;
  std::unordered_map<std::string, uint64_t> generations_;
  size_t bytes_ = 0;
  uint64_t hits_ = 0, misses_ = 0;
};

}  // namespace hearth::api
