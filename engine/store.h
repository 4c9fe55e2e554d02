// The storage engine: hearth's documents, index entries and change log in one
// RocksDB database, one column family per role (engine/keys.h).
//
// Thread-safety: all methods may be called concurrently. Writes are
// serialized by one mutex (they read the previous version of each document
// to remove its index entries); reads never take it.
#pragma once

#include <rocksdb/db.h>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "hearth/collection.h"
#include "hearth/database.h"
#include "hearth/document.h"
#include "hearth/options.h"
#include "engine/auto_index.h"
#include "engine/collection_counters.h"
#include "engine/buffer_pool.h"
#include "engine/latest_documents.h"
#include "engine/ledger_journal.h"
#include "engine/retired_spans.h"
#include "engine/sorted_write_batch.h"
#include "engine/work_sharing.h"
#include "hearth/status.h"
#include "schema/document_codec.h"
#include "schema/index_config.h"
#include "schema/path.h"

namespace hearth::engine {

struct IndexState {
  schema::IndexDef def;
  std::string name;                          // def.Name(), also the column family
  rocksdb::ColumnFamilyHandle* cf = nullptr;  // null when served by the primary key
};

struct CollectionState {
  CollectionDef def;
  rocksdb::ColumnFamilyHandle* docs = nullptr;
  rocksdb::ColumnFamilyHandle* names = nullptr;  // time series only
  std::vector<const IndexState*> indexes;        // stored composite indexes
  std::vector<const IndexState*> primary_indexes;  // composite indexes the primary key serves
  rocksdb::ColumnFamilyHandle* auto_cf = nullptr;  // automatic single-field entries
  // Time series with a projection (CollectionDef::projection): its column
  // family, and the top-level fields it keeps (the time field, the listed
  // ones, the TTL field).
  rocksdb::ColumnFamilyHandle* projection = nullptr;
  std::vector<std::string> projected;
  // The TTL field (fieldOverrides "ttl": true): a timestamp there in the past
  // hides the document from every read until it is deleted.
  std::optional<std::vector<std::string>> ttl_field;
  bool Expired(const schema::StoredDocument& d, const Timestamp& now) const;
  AutoIndexConfig auto_config;
  // The store's dictionaries, for reading documents compressed with one.
  const schema::Dictionaries* dictionaries = nullptr;
  // How new documents are compressed: the codec chosen (def.compression
  // unless `hearth recompress` set another) with, for zstd-dict, the current
  // dictionary; and the bodies sampled to train the first dictionary.
  // Guarded by the store's write mutex.
  mutable schema::Compression compression;
  mutable std::vector<std::string> dictionary_samples;
  // zstd-dict before its first dictionary: each document written is a
  // sample, and the one that completes the samples changes the codec of the
  // documents after it.
  bool SamplingForDictionary() const {
    return compression.codec == schema::Codec::kZstdDictionary && !compression.dictionary;
  }
  // Time series: false while every stored document is self-named (keys.h),
  // so a self-named path's document can only be at its SelfNamedPrimaryKey.
  // Loaded from meta::Ids; the first write of another id makes it true for
  // good. Guarded by the write mutex.
  mutable bool other_ids = true;
  // Time series: true while its name entries are deferred (meta::NameEntries):
  // then other_ids is false, and a path's document is at its
  // SelfNamedPrimaryKey. Written under the write mutex, read without it.
  mutable std::atomic<bool> names_deferred{false};
  bool time_series() const { return def.time_series.has_value(); }
};

// What meta::Projection records of a collection's projection: its fields.
std::string ProjectionFingerprint(const CollectionState& c);

class Store {
 public:
  static StatusOr<std::unique_ptr<Store>> Open(const Options& options, const std::string& path);
  ~Store();

  StatusOr<Document> Get(std::string_view path);
  StatusOr<Timestamp> Write(const WriteBatch& batch, std::vector<Value>* transform_results = nullptr);
  Status Scan(std::string_view collection_path, const std::function<bool(const Document&)>& visit);
  Status RunQuery(const Query& query, const std::function<bool(const Document&)>& visit, QueryStats* stats = nullptr);
  StatusOr<std::string> ExplainQuery(const Query& query);
  Status ScanSeries(const SeriesScan& scan, const std::function<bool(const DocumentView&)>& visit);
  StatusOr<uint64_t> DeleteSeries(const SeriesDeletion& deletion);
  StatusOr<std::vector<Value>> SeriesPartitions(std::string_view collection_path);
  uint64_t AddSeriesListener(std::function<void(const SeriesChange&)> listener);
  void RemoveSeriesListener(uint64_t id);
  Status SetRetentionDays(const std::string& collection_id, std::optional<int> days);
  StatusOr<std::map<std::string, int>> RetentionPolicies();
  StatusOr<uint64_t> DeleteExpired(const std::string& collection_path, bool dry_run);
  StatusOr<CheckReport> Check();
  StatusOr<Stats> GetStats();
  Status Compact();
  StatusOr<RecompressReport> Recompress(const RecompressRequest& request);
  std::optional<CollectionDef> Collection(std::string_view id) const;
  const schema::IndexConfig& index_config() const { return index_config_; }
  Status Close();

  // The collection state for `id`, creating its column families when the
  // collection is declared (or undeclared collections are allowed).
  StatusOr<const CollectionState*> ResolveCollection(const std::string& id, bool create);

 private:
  explicit Store(const Options& options) : options_(options), latest_(options.latest_documents_bytes) {}

  Status OpenDb(const std::string& path);
  Status LoadFormat();
  Status ApplyIndexConfig();
  Status BuildIndex(const IndexState& index);
  // Rebuilds a collection's automatic entries when their configuration changed.
  Status SyncAutoIndex(const std::string& collection_id);
  // Calls `write` for every stored document of a collection (its path,
  // primary key and stored form) to add what it derives to the batch,
  // written every few thousand documents; reports progress as `task`.
  Status Backfill(const CollectionState& c, const std::string& task,
                  const std::function<void(const schema::DocumentPath&, std::string_view,
                                           const schema::StoredDocument&, rocksdb::WriteBatch*)>& write);
  // Backfill writing into `target` the entry keys `entries_of` gives (valued
  // with the primary key for time series, empty otherwise).
  Status BackfillEntries(const CollectionState& c, const std::string& task, rocksdb::ColumnFamilyHandle* target,
                         const std::function<void(const schema::DocumentPath&, const schema::StoredDocument&,
                                                  std::vector<std::string>*)>& entries_of);
  // Rebuilds a time series' projection when its fields changed.
  Status SyncProjection(const std::string& collection_id);
  std::vector<std::string> RegisteredCollections();
  StatusOr<rocksdb::ColumnFamilyHandle*> CreateCf(const std::string& name);
  rocksdb::ColumnFamilyOptions CfOptions(std::string_view name) const;
  std::optional<CollectionDef> DefinitionFor(std::string_view id) const;
  StatusOr<uint64_t> ReadCounter(const std::string& key);
  // The collection a query reads: null when it has never been declared or written.
  StatusOr<const CollectionState*> QueryCollection(const std::string& id);
  Timestamp NextCommitTime();

  Options options_;
  std::unique_ptr<rocksdb::Env> mem_env_;  // in-memory mode only; outlives db_
  std::shared_ptr<rocksdb::Cache> block_cache_;
  std::shared_ptr<rocksdb::WriteBufferManager> write_buffers_;
  std::unique_ptr<rocksdb::DB> db_;
  std::map<std::string, rocksdb::ColumnFamilyHandle*> cfs_;  // guarded by collections_mu_
  rocksdb::ColumnFamilyHandle* meta_ = nullptr;
  rocksdb::ColumnFamilyHandle* log_ = nullptr;

  schema::IndexConfig index_config_;
  std::vector<std::unique_ptr<IndexState>> indexes_;  // fixed after Open

  mutable std::shared_mutex collections_mu_;
  std::map<std::string, std::unique_ptr<CollectionState>, std::less<>> collections_;

  // Deletes the documents of one partition of `collection` before `before`
  // with one range tombstone and retires the span (its secondary entries are
  // purged later); counts into *count from the series ledger. Caller holds write_mu_.
  Status DeletePartitionRange(const CollectionState& c, const schema::ResourcePath& collection, const Value& partition,
                              Timestamp before, bool dry_run, uint64_t* count);
  class Problems;  // what Check found (engine/store_check.cc)
  // Compares c's series ledger with what its documents add up to.
  Status CheckLedger(const CollectionState& c, const std::map<std::string, CounterDelta>& expected,
                     Problems* problems);
  // Compares the projection of document `path` (at `pk`) with what `doc` says it should be.
  Status CheckProjection(const CollectionState& c, const schema::DocumentPath& path, std::string_view pk,
                         const schema::StoredDocument& doc, Problems* problems);
  // Builds the series ledger of a time-series collection that has none (a
  // store written before it existed), with progress.
  Status BuildLedger(const std::string& collection_id);
  // Reads the ledger's journal (engine/ledger_journal.h) at open and folds
  // it; a damaged record makes every ledger rebuild from its documents.
  Status LoadLedgerJournal();
  // Folds the journal's records into the ledger keys. Caller holds write_mu_
  // (or owns the store alone: Open, Close).
  Status FoldLedgerJournal();
  // After a write added a record: folds when the journal has grown past its
  // bounds (engine/store_ledger.cc). Caller holds write_mu_.
  void MaybeFoldLedgerJournal();
  Status LoadRetiredSpans();
  // Records the newest stored document of c's partition `prefix` in latest_
  // when the table does not know it (nothing when the partition is empty).
  Status LearnNewest(const CollectionState& c, std::string_view prefix);
  // True when primary key `pk` lies in a retired span: its document is gone
  // and entries naming it are waiting to be purged.
  bool InRetiredSpan(std::string_view pk) const { return retired_->InSpan(pk); }
  // Deletes every name, automatic and composite entry of `c` that points into
  // a retired span, then forgets the spans. Caller holds write_mu_.
  Status PurgeRetiredSpans(const CollectionState& c);
  // Writes the name entry of every stored document of `c`, whose entries were
  // deferred (meta::NameEntries). Call with the write mutex held; the caller
  // then records them complete (deletes meta::NameEntries) in its own write.
  Status WriteDeferredNames(const CollectionState& c);
  // WriteDeferredNames, then records them complete in a write of its own.
  // Call with the write mutex held (or before `c` is published); the caller
  // clears c.names_deferred.
  Status CompleteDeferredNames(const CollectionState& c);
  // Builds `c`'s deferred name entries, if they are, for a reader about to
  // scan them (takes the write mutex).
  Status EnsureNames(const CollectionState& c);
  // PurgeRetiredSpans for every collection that has retired spans.
  Status PurgeAllRetiredSpans();
  void NotifySeries(const SeriesChange& change);
  // Dictionaries (engine/store_compression.cc).
  Status LoadDictionaries();
  // Sets c.compression from its definition and current dictionary.
  Status LoadCollectionCompression(CollectionState& c);
  // Trains a dictionary for `c` from `samples`, records it in meta and makes
  // it the one new documents use. Caller holds write_mu_ (or owns c alone).
  Status InstallDictionary(const CollectionState& c, const std::vector<std::string>& samples);
  // The second half of InstallDictionary: records `bytes`. Caller holds write_mu_.
  Status InstallTrainedDictionary(const CollectionState& c, std::string bytes);
  // Before writing `fields` to `c`: samples it for the first dictionary, and
  // trains one when enough samples are in. Caller holds write_mu_.
  Status SampleForDictionary(const CollectionState& c, const MapValue& fields);
  // Up to `n` bodies spread evenly over c's stored documents.
  StatusOr<std::vector<std::string>> SampleStoredBodies(const CollectionState& c, size_t n);
  StatusOr<RecompressReport::Collection> RecompressCollection(const CollectionState& c,
                                                              const RecompressRequest& request);

  std::mutex listeners_mu_;
  std::map<uint64_t, std::function<void(const SeriesChange&)>> listeners_;  // guarded by listeners_mu_
  uint64_t next_listener_ = 1;

  // The newest document of each time-series partition (engine/latest_documents.h).
  LatestDocuments latest_;

  // Spans deleted by retention (engine/retired_spans.h); shared with the
  // compaction filters of the entry column families.
  std::shared_ptr<RetiredSpans> retired_ = std::make_shared<RetiredSpans>();

  // zstd dictionaries stored documents name (schema/compression.h).
  schema::Dictionaries dictionaries_;

  std::mutex write_mu_;
  uint64_t next_log_seq_ = 1;              // guarded by write_mu_
  // Write()'s buffers, kept between batches (guarded by write_mu_): a fresh
  // megabyte-sized buffer per batch costs page faults and regrowth copies.
  SortedWriteBatch write_ops_;
  rocksdb::WriteBatch write_batch_;
  // The documents' encoded fields and stored forms, buffers reused from
  // batch to batch (engine/buffer_pool.h; thread-safe: fields are encoded
  // before write_mu_ is taken).
  BufferPool document_buffers_{size_t{16} << 20};
  // Share a batch's per-operation steps (engine/work_sharing.h): parsing
  // paths this many operations at a time, and checking and encoding
  // documents this many at a time (~10 us each).
  static constexpr size_t kOperationsPerChunk = 64;
  static constexpr size_t kDocumentsPerChunk = 16;
  WorkSharing encode_helpers_{options_.write_helper_threads, Options::kWriteHelperThreadName};
  // The ledger journal's stored records are [journal_first_, journal_next_);
  // journal_sums_ is what they add up to, by ledger key (guarded by write_mu_).
  uint64_t journal_first_ = 1;
  uint64_t journal_next_ = 1;
  LedgerSums journal_sums_;
  std::atomic<int64_t> last_commit_nanos_{0};
  std::atomic<bool> closed_{false};  // set under write_mu_
};

}  // namespace hearth::engine
