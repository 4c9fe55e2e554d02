// Options for opening a hearth database. Every option documents its default.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "hearth/collection.h"

namespace hearth {

// Reported during long work (index builds at open, imports).
struct Progress {
  std::string task;      // "building index idx.monitors.user_id:a,status:a"
  uint64_t done = 0;     // units done so far
  uint64_t total = 0;    // 0 when unknown
};

struct Options {
  // Keep the whole store in memory (RocksDB over an in-memory Env). Behaviour
  // is identical to the on-disk store; nothing survives Close().
  // Default: false.
  bool in_memory = false;

  // Create the store when the directory holds none. Default: true.
  bool create_if_missing = true;

  // Path of a firestore.indexes.json file. When set, Open reads it and
  // compares it with the indexes the store has: indexes that are new are built
  // from the stored documents (reporting progress), removed ones are dropped.
  // The store remembers the path, and a later Open without index options
  // re-reads the file if it still exists, so edits to it take effect at the
  // next open, as a Firestore deploy would apply them.
  // Default: "" (use indexes_json, else the remembered file, else the
  // configuration the store recorded; a new store starts with the monitoring
  // domain's firestore.indexes.json).
  std::string indexes_file;

  // Contents of a firestore.indexes.json, used instead of indexes_file.
  // Default: unset.
  std::optional<std::string> indexes_json;

  // Collection definitions in addition to MonitoringDomainCollections(); a
  // definition here replaces a domain one of the same id. Default: none.
  std::vector<CollectionDef> collections;

  // Accept writes to collections that are neither defined nor named in the
  // index configuration (as Firestore does). When false such a write fails
  // with INVALID_ARGUMENT naming the collection, so a typo cannot create a
  // collection. Default: false.
  bool allow_undeclared_collections = false;

  // Keep Firestore's automatic single-field indexes (an ascending and an
  // array-contains entry for every field, subject to fieldOverrides). Without
  // them only composite indexes, the primary key and __name__ serve queries.
  // Changing it rebuilds or removes the entries at the next open.
  // Default: true.
  bool automatic_indexes = true;

  // Append a change record for every write to the change log (the outbox the
  // Firestore sync adapter reads). Default: true.
  bool change_log = true;

  // fsync the write-ahead log before a write returns. Without it a write is
  // durable against a process crash but not against power loss.
  // Default: false.
  bool sync_writes = false;

  // Project id used where Firestore names one: REST resource names and the
  // console link in a missing-index error. Default: "hearth-local".
  std::string project_id = "hearth-local";

  // RocksDB block cache shared by all column families; it holds blocks
  // uncompressed, so sizing it to the hot documents' JSON size keeps reads
  // from decompressing. With a cache of several GiB, link the application
  // with jemalloc (hearth's own programs do): glibc's malloc slows every
  // allocation several-fold once the cache has fragmented its heap.
  // Default: 64 MiB.
  size_t block_cache_bytes = size_t{64} << 20;

  // Memory for the newest document of each time-series partition, which
  // answers a partition's "latest" read with a hash lookup instead of a seek
  // through RocksDB (engine/latest_documents.h); kept exact by every write.
  // At ~3 KB a snapshot the default holds the latest of ~20,000 monitors;
  // the least recently read go first. Partitions are spread by hash over 16
  // shards holding a 16th each, so a document larger than a 16th is not
  // kept (read through RocksDB instead). 0 turns it off.
  // Default: 64 MiB.
  size_t latest_documents_bytes = size_t{64} << 20;

  // RocksDB data block size of the documents' column families. Larger blocks
  // compress better (a block holds consecutive snapshots of one partition,
  // which share most of their bytes) but a read that misses the block cache
  // decompresses a whole block. Default: 32 KiB.
  size_t document_block_bytes = size_t{32} << 10;
  // RocksDB compresses the documents' blocks (LZ4 on upper levels, zstd
  // level 9 on the bottommost). Turning it off is for measuring what it costs.
  // Default: true.
  bool document_block_compression = true;
  // Size of the zstd dictionary RocksDB trains for each bottommost-level SST
  // file of documents (where nearly all data ends up); 0 for none. Costs
  // compaction time, and reads that miss the block cache: RocksDB 7.8 (Debian
  // 12) loads the file's dictionary for every block it decompresses, so with a
  // small cache over a large store a query pays ~10-20 us to bring a cold one
  // in (bench/README.md, 10 M snapshots). 0 stores the documents ~1.6x larger.
  // Default: 64 KiB.
  size_t document_sst_dictionary_bytes = size_t{64} << 10;
  // Collections compressed with DocumentCompression::kZstdDictionary train
  // their first dictionary once this many documents have been written
  // (until then they use plain zstd). Default: 1000.
  size_t dictionary_training_documents = 1000;
  // Largest dictionary trained. Default: 64 KiB.
  size_t dictionary_bytes = size_t{64} << 10;
  // Upper bound on memory used by all memtables together. Default: 256 MiB.
  size_t write_buffer_bytes = size_t{256} << 20;
  // Run RocksDB's compactions at the lowest CPU priority (nice 19), so that
  // on a machine with few cores they take what writers and readers leave
  // instead of preempting them; flushes keep their priority, so memtables
  // still drain, and RocksDB slows writes down if compactions fall too far
  // behind. On 2 cores it raised ingest by 16-31% (bench/README.md). RocksDB's
  // thread pools belong to the process (Env::Default()), so this lowers them
  // for every RocksDB database in it, and is not undone at Close.
  // Default: true.
  bool low_priority_compactions = true;

  // Threads besides the writer's own that share the per-document work of a
  // write batch: parsing paths, checking limits, encoding fields and index
  // entries before the write lock, and the stored forms under it (each
  // document on its own; about half of what a snapshot costs to write).
  // Batches of at most 16 documents are not shared, and the helpers sleep
  // between batches. On 2 cores, beside raw RocksDB in the same run, one
  // helper raised ingest of 500-snapshot batches by 0-15% (most on small
  // stores) for up to 10% more CPU per snapshot (bench/README.md "Session
  // 21"); with more cores than
  // RocksDB's flushes and compactions keep busy, more helpers can help.
  // 0: the writer's thread does it all (on a one-core machine, choose 0).
  // Default: 1.
  size_t write_helper_threads = 1;
  // The helpers' thread name (what top -H and /proc/self/task/*/comm show).
  static constexpr char kWriteHelperThreadName[] = "hearth:write";

  // Called during long work. Default: none.
  std::function<void(const Progress&)> progress;
};

}  // namespace hearth
