// hearth: an embedded, Firestore-compatible time-series document store.
//
// A Database holds a Firestore project's collections and composite indexes
// in one RocksDB database. It is safe for concurrent use by many threads
// without external synchronization. Every method reports failure through its
// returned Status; none throws.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hearth/document.h"
#include "hearth/document_view.h"
#include "hearth/field_transform.h"
#include "hearth/options.h"
#include "hearth/query.h"
#include "hearth/status.h"
#include "hearth/value.h"

namespace hearth {

// A group of writes applied atomically: documents, their index entries and
// their change records land together or not at all.
class WriteBatch {
 public:
  enum class Kind { kSet, kCreate, kUpdate, kDelete, kMerge, kCheck };
  // What a document must be, as the batch finds it (after the batch's
  // earlier writes), for the write to apply; otherwise the whole batch fails:
  // NOT_FOUND when it must exist and does not, ALREADY_EXISTS when it must
  // not and does, FAILED_PRECONDITION when its update time differs (a
  // document written earlier in the same batch has no update time yet, so
  // such a check fails). kCheck fails with ABORTED instead (see Check).
  struct Precondition {
    std::optional<bool> exists;
    std::optional<Timestamp> update_time;  // implies it exists
    bool empty() const { return !exists && !update_time; }
  };
  struct Op {
    Kind kind;
    std::string path;
    MapValue fields;
    // For kUpdate and kMerge: the dotted field paths to set (taken from `fields`) or,
    // when absent from `fields`, to remove. Empty means the top-level keys of
    // `fields` (a merge of those fields).
    std::vector<std::string> update_mask;
    Precondition precondition;
    // Applied after the write's fields (not for kDelete and kCheck).
    std::vector<FieldTransform> transforms;
  };

  // Create or overwrite the document with exactly these fields.
  void Set(std::string path, MapValue fields);
  // Create the document; the batch fails with ALREADY_EXISTS if it exists.
  void Create(std::string path, MapValue fields);
  // Merge into an existing document; fails with NOT_FOUND if it is missing.
  void Update(std::string path, MapValue fields, std::vector<std::string> update_mask = {});
  // Merge as Update does, into an empty document when it is missing
  // (Firestore's set with merge, and PATCH with an update mask).
  void Merge(std::string path, MapValue fields, std::vector<std::string> update_mask = {});
  // Remove the document; succeeds when it does not exist.
  void Delete(std::string path);
  // Writes nothing; the batch fails with ABORTED unless the document is as
  // `expected` says: what an optimistic transaction commits with, one check
  // per document it read (missing: exists = false; else its update time).
  void Check(std::string path, Precondition expected);
  // Any of the above with a precondition and field transforms.
  void Add(Op op);

  const std::vector<Op>& ops() const { return ops_; }
  size_t size() const { return ops_.size(); }
  bool empty() const { return ops_.empty(); }
  void Clear() { ops_.clear(); }

 private:
  std::vector<Op> ops_;
};

// One partition of a time-series collection, in time order.
struct SeriesScan {
  std::string collection;           // collection path: "snapshots", "monitors/m1/snapshots"
  Value partition;                  // the partition field's value: "mon-0001"
  std::optional<Timestamp> start;   // inclusive; unset: from the first
  std::optional<Timestamp> end;     // exclusive; unset: to the last
  bool newest_first = false;
  // Resume strictly after the document with this time and id, in scan order.
  std::optional<std::pair<Timestamp, std::string>> after;
  size_t limit = 0;                 // 0: no limit
  // Read the collection's projection (CollectionDef::projection) instead of
  // whole documents: the views hold only the projected fields, and a scan
  // touches a fraction of the bytes. FAILED_PRECONDITION when the collection
  // keeps none.
  bool projection = false;
};

// A change to one partition of a time-series collection, as series
// listeners are told after each commit.
struct SeriesChange {
  std::string collection;  // collection id
  Value partition;         // the partition field's value
  // The time of the document written or removed (a write that moves a
  // document tells both times); unset when retention deleted a range of the
  // partition (DeleteSeries).
  std::optional<Timestamp> time;
};

// Which documents of a time-series collection to delete.
struct SeriesDeletion {
  std::string collection;          // collection path
  std::optional<Value> partition;  // unset: every partition
  Timestamp before;                // documents whose time is earlier are deleted
  bool dry_run = false;            // count exactly what would be deleted, delete nothing
};

// What `Check()` found.
struct CheckReport {
  uint64_t documents = 0;
  uint64_t index_entries = 0;  // all index column families together
  // Entries per index column family ("idx.<index>" composite, "auto.<collection>" automatic).
  std::map<std::string, uint64_t> entries_by_index;
  uint64_t EntriesWithPrefix(std::string_view prefix) const {
    uint64_t n = 0;
    for (const auto& [name, count] : entries_by_index)
      if (name.compare(0, prefix.size(), prefix) == 0) n += count;
    return n;
  }
  // Name and index entries of documents that retention deleted with a range
  // tombstone: skipped by every read, removed by Compact() or by the next
  // write into their span. Not problems.
  uint64_t entries_awaiting_purge = 0;
  std::vector<std::string> problems;  // empty when the store is consistent
  bool ok() const { return problems.empty(); }
};

struct ColumnFamilyStats {
  std::string name;
  uint64_t live_sst_bytes = 0;   // bytes in SST files
  uint64_t memtable_bytes = 0;   // bytes still in memtables
  uint64_t estimated_keys = 0;   // RocksDB's estimate
};

struct CollectionStats {
  std::string id;
  bool time_series = false;
  uint64_t documents = 0;        // exact
  uint64_t stored_bytes = 0;     // exact sum of stored document values (after hearth's codec,
                                 // before RocksDB's block compression)
  uint64_t json_bytes = 0;       // exact sum of the documents' plain-JSON sizes (the logical
                                 // size; documents written before format version 3 count 0)
  uint64_t json_documents = 0;   // documents json_bytes covers (all but those written before
                                 // format version 3; `hearth recompress` rewrites them)
  uint64_t disk_bytes = 0;       // SST bytes of its documents' column family (RocksDB's
                                 // estimate; data still in memtables is not on disk yet)
  uint64_t index_disk_bytes = 0;  // SST bytes of its name, automatic and composite index entries
  std::vector<std::string> indexes;  // column families of its composite indexes
  // Time series: no name entries are written yet, because every document's id
  // spells its own partition and time; the first query in name order (or
  // write of another id) builds them. False for plain collections.
  bool name_entries_deferred = false;
};

// What Recompress() should do.
struct RecompressRequest {
  std::string collection;  // collection id; empty: every collection
  // When set, the collection's compression from now on (the store remembers
  // it; it overrides CollectionDef::compression). Needs `collection`.
  std::optional<DocumentCompression> compression;
  // With kZstdDictionary: train a fresh dictionary from the stored documents
  // first (older dictionaries are kept for documents still using them).
  // Always done when the collection has no dictionary yet.
  bool retrain = false;
  bool dry_run = false;  // count and size exactly what would change, change nothing
  // Only the documents of this partition of the time-series collection
  // `collection` (at the root), and with `from`/`to` only those whose time
  // lies in [from, to). Needs `collection`. Default: every document.
  std::optional<Value> partition;
  std::optional<Timestamp> from;
  std::optional<Timestamp> to;
};

struct RecompressReport {
  struct Collection {
    std::string id;
    std::string compression;       // "none", "zlib", "zstd", "zstd-dict"
    uint32_t dictionary = 0;       // the dictionary new documents use (0: none)
    uint64_t documents = 0;        // documents read
    uint64_t reencoded = 0;        // documents whose stored bytes changed
    uint64_t bytes_before = 0;     // stored bytes of the documents read
    uint64_t bytes_after = 0;      // ... after re-encoding
  };
  std::vector<Collection> collections;
};

struct Stats {
  std::vector<CollectionStats> collections;
  std::vector<ColumnFamilyStats> column_families;
  // Records in the change log: one per write or batch (a batch of many
  // documents is one record), one per partition retention deleted from.
  uint64_t change_log_records = 0;
  // What computes RocksDB's CRC32C checksums (of WAL and MANIFEST records)
  // in this process: "ISA-L" (hardware, hearth's) or "RocksDB" (its own).
  std::string checksums;
};

class Database {
 public:
  // Opens (or, with options.create_if_missing, creates) the store in
  // directory `path` (ignored with options.in_memory). Builds indexes that the
  // options' index configuration adds and drops removed ones before returning.
  static StatusOr<std::unique_ptr<Database>> Open(const Options& options, const std::string& path);

  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  virtual ~Database() = default;

  // The document at `path`, or NOT_FOUND. A stored document that fails its
  // checksum is reported as DATA_LOSS naming the document.
  virtual StatusOr<Document> Get(std::string_view path) = 0;

  // Single-document writes; each is an atomic batch of one. They return the
  // commit time on success.
  virtual StatusOr<Timestamp> Set(std::string_view path, MapValue fields) = 0;
  virtual StatusOr<Timestamp> Create(std::string_view path, MapValue fields) = 0;
  virtual StatusOr<Timestamp> Update(std::string_view path, MapValue fields,
                                     std::vector<std::string> update_mask = {}) = 0;
  virtual StatusOr<Timestamp> Delete(std::string_view path) = 0;

  // Applies every write of `batch` or none. A failing precondition (create on
  // an existing document, update on a missing one) or an invalid document
  // fails the whole batch with a message naming the document. When
  // `transform_results` is given it receives, for each write's field
  // transforms in order, the field's value after the transform (null for
  // kAppendMissing and kRemoveAll, as Firestore answers).
  virtual StatusOr<Timestamp> Write(const WriteBatch& batch, std::vector<Value>* transform_results = nullptr) = 0;

  // Calls `visit` for each document directly in the collection at
  // `collection_path` ("snapshots", "monitors/m1/snapshots") in primary-key
  // order until it returns false. The order is by document name for plain
  // collections and by (partition, time, id) for time-series collections.
  virtual Status Scan(std::string_view collection_path,
                      const std::function<bool(const Document&)>& visit) = 0;

  // Runs a Firestore query, calling `visit` for each result in order until it
  // returns false. The query runs only on an index that serves it; otherwise
  // it fails with FAILED_PRECONDITION naming the index to add. Invalid
  // queries fail with INVALID_ARGUMENT. The work done grows with the results
  // read, not with the collection's size.
  // When `stats` is given it receives what the query read.
  virtual Status RunQuery(const Query& query, const std::function<bool(const Document&)>& visit,
                          QueryStats* stats = nullptr) = 0;

  // The plan for `query` in words: the index chosen and the key ranges scanned.
  virtual StatusOr<std::string> ExplainQuery(const Query& query) = 0;

  // Reads a time-series partition straight from its time-ordered primary
  // key, calling `visit` until it returns false. FAILED_PRECONDITION if the
  // collection is not a time series.
  virtual Status ScanSeries(const SeriesScan& scan, const std::function<bool(const DocumentView&)>& visit) = 0;

  // Deletes (or with dry_run, counts) the documents of a time-series
  // collection older than a cutoff, with their index entries; the documents
  // themselves go with one range deletion per partition. Returns the count.
  virtual StatusOr<uint64_t> DeleteSeries(const SeriesDeletion& deletion) = 0;

  // Deletes (or with dry_run, counts) the documents of every collection with
  // this collection path's id whose TTL field (fieldOverrides "ttl": true)
  // holds a time now past. Reads hide such documents from the moment they
  // expire; this removes them and their index entries. Returns the count.
  virtual StatusOr<uint64_t> DeleteExpired(const std::string& collection_path, bool dry_run = false) = 0;

  // A collection's retention policy: keep `days` days of documents (by the
  // time-series time field); unset removes the policy. Stored in the store.
  virtual Status SetRetentionDays(const std::string& collection_id, std::optional<int> days) = 0;
  // Every collection id with a policy, and its days.
  virtual StatusOr<std::map<std::string, int>> RetentionPolicies() = 0;

  // Every partition value of a time-series collection that holds documents,
  // in key order (Firestore's value order).
  virtual StatusOr<std::vector<Value>> SeriesPartitions(std::string_view collection_path) = 0;

  // Calls `listener` after every committed change to a time-series
  // collection: each document written or removed, and each partition range
  // retention deleted. Returns an id for removal.
  virtual uint64_t AddSeriesListener(std::function<void(const SeriesChange&)> listener) = 0;
  virtual void RemoveSeriesListener(uint64_t id) = 0;

  // Verifies that every index entry matches a stored document and every
  // document has all of its entries.
  virtual StatusOr<CheckReport> Check() = 0;

  virtual StatusOr<Stats> GetStats() = 0;

  // Rewrites every column family fully compacted: reads touch fewer files
  // and space held by deleted or overwritten data is returned. Takes time
  // proportional to the store's size; reads and writes continue meanwhile.
  virtual Status Compact() = 0;

  // Re-encodes stored documents with their collection's current compression
  // (format version 3, the current dictionary), in batches, reporting
  // progress through Options::progress. Reads and writes continue
  // meanwhile; a document written during the run keeps its newer version.
  // Documents and index entries are unchanged in content (no change records).
  virtual StatusOr<RecompressReport> Recompress(const RecompressRequest& request) = 0;

  // The collection definition hearth applies to collection id `id`, if any.
  virtual std::optional<CollectionDef> Collection(std::string_view id) const = 0;

  // Flushes memtables and closes. Further calls fail. The destructor closes
  // too, ignoring errors.
  virtual Status Close() = 0;

 protected:
  Database() = default;
};

}  // namespace hearth
