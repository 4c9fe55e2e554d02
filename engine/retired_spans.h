// Retired spans: the time-series primary-key ranges that retention deleted
// with one range tombstone each (engine/keys.h meta::Retired holds them on
// disk). The name, automatic and composite entries of those documents are
// left behind; readers skip them because InSpan says their document is gone,
// a compaction filter drops them as RocksDB compacts, and Store purges them
// at once before anything is written into a span again.
#pragma once

#include <rocksdb/compaction_filter.h>

#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

namespace hearth::engine {

class RetiredSpans {
 public:
  // Records that [partition_prefix, cutoff) of collection `id` was deleted,
  // keeping the larger cutoff; returns the one it had before.
  std::optional<std::string> Retire(const std::string& id, const std::string& partition_prefix,
                                    const std::string& cutoff);
  // Puts back what Retire returned (when the deletion failed).
  void Restore(const std::string& id, const std::string& partition_prefix, const std::optional<std::string>& previous);
  // True when primary key `pk` lies in a retired span. Partition prefixes
  // start with their collection's path and are prefix-free, so the key alone
  // decides, whatever the collection.
  bool InSpan(std::string_view pk) const;
  bool Any(const std::string& id) const;
  std::vector<std::string> Collections() const;
  // The partition prefixes of `id`'s spans.
  std::vector<std::string> Prefixes(const std::string& id) const;
  void Forget(const std::string& id);

 private:
  mutable std::shared_mutex mu_;
  std::map<std::string, std::map<std::string, std::string, std::less<>>> spans_;  // id -> prefix -> cutoff
};

// A compaction filter factory for name.*, auto.* and idx.* column families:
// drops the entries whose value (a time-series primary key) lies in a
// retired span. Entries of plain collections have empty values and stay.
std::shared_ptr<rocksdb::CompactionFilterFactory> NewRetiredEntryFilterFactory(
    std::shared_ptr<const RetiredSpans> spans);

}  // namespace hearth::engine
