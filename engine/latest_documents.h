// The newest stored document of each time-series partition, kept in memory,
// so "latest" is a hash lookup instead of a backward seek through RocksDB's
// index and data blocks (at 2 M snapshots that seek was 13-18 us p50, most
// of it cache misses in the index binary search; bench/README.md).
//
// Exact, never stale: a reader that misses scans RocksDB and installs what
// it found only if no write touched the partition meanwhile (generation
// check); the write path, after each commit, replaces the entry with a newer
// document, drops it when its document is deleted or moved, and drops it when
// a range deletion covers it. Bounded by bytes (least recently used go).
// Thread-safe.
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace hearth::engine {

class LatestDocuments {
 public:
  // Holds at most `capacity_bytes` of keys and values; 0 disables the table.
  // Partitions are spread over `shards` by hash, each with its own lock and
  // its own share of the capacity (as RocksDB's LRUCache shards), so readers
  // of different partitions, and the writer, rarely wait for one another.
  explicit LatestDocuments(size_t capacity_bytes, size_t shards = kDefaultShards);

  // Default shard count: with one lock for 2 readers and the writer, the
  // readers' p99 in a mixed load was about twice what 16 give (bench/README.md).
  static constexpr size_t kDefaultShards = 16;

  struct Entry {
    std::string pk;                             // the document's primary key
    std::shared_ptr<const std::string> stored;  // its stored value
  };

  bool enabled() const { return capacity_ > 0; }

  // The newest document of the partition whose primary keys start with
  // `partition_prefix`, when the table knows it.
  std::optional<Entry> Get(std::string_view partition_prefix);
  // Whether primary key `pk` sorts after that newest document's, when the
  // table knows the partition (nullopt when not): what a write asks of each
  // document it appends, without copying the entry as Get does.
  std::optional<bool> After(std::string_view partition_prefix, std::string_view pk);
  // Whether the partition's shard is below 7/8 of its share of the capacity,
  // so that learning one more partition is unlikely to evict another (the
  // write path learns partitions only then: past it, a workload with more
  // partitions than fit would evict and re-learn on every write).
  bool HasRoom(std::string_view partition_prefix) const;
  // Read before scanning RocksDB for a partition; pass it to Install.
  uint64_t Generation(std::string_view partition_prefix) const;
  // Records the newest document a scan found, unless the partition changed
  // since `generation`.
  void Install(std::string_view partition_prefix, uint64_t generation, std::string pk, std::string stored);

  // The write path, after commit (callers serialize these):
  // document `pk` of the partition now holds `stored` (recorded only when the
  // table knows the partition; copied into the value it replaces when no
  // reader holds that one, so a write allocates nothing).
  void Wrote(std::string_view partition_prefix, const std::string& pk, std::string_view stored);
  // The same, taking the bytes of *stored instead of copying them. When the
  // write is recorded, *stored is left holding the replaced value's bytes (no
  // reader held them: the buffers are swapped) or nothing (a reader holds
  // them); otherwise it is unchanged. The write path's stored forms are
  // buffers it reuses: a swap saves copying 3 KB into a cold buffer per
  // snapshot (LatestDocuments::Wrote was 5.6% of a write at 2.16 M).
  void Wrote(std::string_view partition_prefix, const std::string& pk, std::string* stored);
  // document `pk` of the partition is gone (deleted, or moved to another key).
  void Removed(std::string_view partition_prefix, std::string_view pk);
  // every document of the partition with a key in [begin, end) is gone.
  void RemovedRange(std::string_view partition_prefix, std::string_view begin, std::string_view end);

  // Keys and values held, over every shard.
  size_t bytes() const;

 private:
  // Get's and After's common part: read(entry) under the shard's lock, the
  // partition marked recently read; nullopt when the table does not know it.
  template <typename Read>
  auto ReadEntry(std::string_view partition_prefix, Read read)
      -> std::optional<decltype(read(std::declval<const Entry&>()))>;
  // Wrote's common part: put(held) writes the new bytes into the replaced
  // value when no reader holds it; make() makes a new value otherwise.
  template <typename Put, typename Make>
  void Replace(std::string_view partition_prefix, const std::string& pk, Put put, Make make);
  struct Slot {
    Entry entry;
    std::list<std::string>::iterator lru;  // position in lru (front = most recent)
  };
  static size_t Cost(const std::string& prefix, const Entry& e) {
    return prefix.size() + e.pk.size() + e.stored->size() + 64;
  }
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  using Map = std::unordered_map<std::string, Slot, Hash, std::equal_to<>>;
  // Generations are per hash bucket, not per partition: bounded memory, and a
  // collision only makes an Install give up.
  static constexpr size_t kGenerationBuckets = 256;  // per shard
  struct Shard {
    mutable std::mutex mu;
    size_t capacity = 0;
    Map slots;                  // guarded by mu
    std::list<std::string> lru;  // guarded by mu
    size_t bytes = 0;           // guarded by mu
    std::vector<uint64_t> generations = std::vector<uint64_t>(kGenerationBuckets, 0);  // guarded by mu
    void PutLocked(std::string_view partition_prefix, Entry e);
    void EraseLocked(Map::iterator it);
  };
  // A partition's shard, and its generation bucket there.
  struct Place {
    Shard* shard;
    size_t bucket;
  };
  Place PlaceOf(std::string_view partition_prefix) const;

  const size_t capacity_;
  std::vector<std::unique_ptr<Shard>> shards_;
};

}  // namespace hearth::engine
