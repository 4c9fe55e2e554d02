// The stores the comparison runner (bench/compare_stores.cc) and `hearth
// demo` measure side by side: one interface over hearth embedded, raw RocksDB
// holding a key and the JSON value (the engine's ceiling), SQLite 3 in WAL
// mode with the snapshots' composite index (what most people embed), and a
// Firestore endpoint through its REST API (the emulator, when one is given).
//
// Every store gets the same snapshots and answers the same questions; a
// ReadResult keeps what the store handed out untouched, and SameAnswer
// compares results across stores outside the timed part.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hearth/aggregation.h"
#include "hearth/document_view.h"
#include "hearth/status.h"
#include "hearth/value.h"

namespace hearth::compare {

// One batch of snapshots in every form a store takes, made before timing.
struct SnapshotBatch {
  std::vector<MapValue> fields;      // hearth's input
  std::vector<std::string> json;     // the peers' input: the plain JSON of `fields`
  std::vector<std::string> monitor;  // monitor_id
  std::vector<int64_t> seconds;      // timestamp, epoch seconds
  uint64_t json_bytes = 0;
  size_t size() const { return fields.size(); }
  void Add(MapValue snapshot);
};

// Per metric over a window: what every store computes for "monthly
// aggregation" (hearth computes its whole rollup; these are the parts the
// others compute too).
struct MetricTotals {
  int64_t count = 0;
  double min = 0, max = 0, mean = 0;
};
struct WindowSummary {
  int64_t snapshots = 0;
  std::map<std::string, MetricTotals> metrics;  // financial_metrics' numbers and news_sentiment
};

// Builds a WindowSummary on the client, one snapshot's numbers at a time
// (the peers that cannot summarize inside the store).
class SummaryBuilder {
 public:
  void AddSnapshot() { snapshots_++; }
  void AddNumber(const std::string& metric, double v);
  WindowSummary Finish() const;

 private:
  int64_t snapshots_ = 0;
  std::map<std::string, std::pair<MetricTotals, double>> totals_;  // and the sum
};

// What a read returned, as the store handed it out: documents the caller can
// read fields from (hearth's views; the others' JSON text, not parsed, which
// favours them), or a window summary.
struct ReadResult {
  std::vector<DocumentView> views;
  std::vector<std::string> texts;
  WindowSummary summary;
  void Clear();
  size_t documents() const { return views.size() + texts.size(); }
};

// True when `a` and `b` hold the same documents in the same order (by their
// plain JSON: the same text, or the same values where -0.0 counts as 0.0,
// because the Firestore emulator hands -0.0 back as 0.0) and the same
// summary (means within 1e-9 relative); otherwise false with the first
// difference in `why`.
bool SameAnswer(const ReadResult& a, const ReadResult& b, std::string* why);

// Reads. A reader is used by one thread at a time; several readers of one
// store may run in parallel with its writer. Times are epoch seconds.
class SnapshotReader {
 public:
  virtual ~SnapshotReader() = default;
  // The monitor's newest snapshot (none when it has none).
  virtual Status Latest(const std::string& monitor, ReadResult* out) = 0;
  // The monitor's snapshots with from <= time < to, newest first.
  virtual Status Range(const std::string& monitor, int64_t from, int64_t to, ReadResult* out) = 0;
  // The snapshot nearest to t within +-tolerance (the earlier on a tie).
  virtual Status AtTime(const std::string& monitor, int64_t t, int64_t tolerance, ReadResult* out) = 0;
  // count, min, max and mean of every metric over the calendar month `month`.
  virtual Status MonthlySummary(const std::string& monitor, const Window& month, ReadResult* out) = 0;
};

class SnapshotStore {
 public:
  virtual ~SnapshotStore() = default;
  virtual std::string name() const = 0;
  // The directory holding everything the store wrote (its size is its disk use).
  virtual const std::string& dir() const = 0;
  // False for a store behind a network endpoint, whose disk use is not in
  // dir() and is not measured.
  virtual bool local() const { return true; }
  // False where Ingest hands the work to another thread or process (a
  // server), so the calling thread's CPU time is not what a write costs.
  virtual bool writes_on_calling_thread() const { return true; }
  // CPU seconds the store's own helper threads for writes have used so far
  // (hearth's write helpers, Options::write_helper_threads): counted with
  // the calling thread's as what a write costs.
  virtual double WriteHelperCpuSeconds() const { return 0; }
  // Untimed work before Ingest(batch): what a caller does anyway to build its
  // write (hearth: the WriteBatch of document paths and fields).
  virtual void Prepare(const SnapshotBatch&) {}
  // The part of the prepared batch Ingest writes: all of it, but for a
  // store that keeps only part of the stream (newest_only_store.h).
  virtual const SnapshotBatch& Kept(const SnapshotBatch& batch) const { return batch; }
  // Writes the batch atomically (Set semantics: a snapshot stored again replaces it).
  virtual Status Ingest(const SnapshotBatch& batch) = 0;
  // Brings the files to their steady state (compaction, WAL checkpoint), so
  // sizes on disk compare fairly.
  virtual Status Settle() = 0;
  // Deletes every monitor's snapshots older than `cutoff`.
  virtual Status DeleteBefore(int64_t cutoff) = 0;
  virtual StatusOr<std::unique_ptr<SnapshotReader>> NewReader() = 0;
  virtual Status Close() = 0;
};

// The bytes of every file under `dir`.
uint64_t DirectoryBytes(const std::string& dir);

// hearth embedded: Database::Write for batches, TimeSeries for reads (its
// query cache off, so repeated questions are answered again), Aggregator's
// monthly rollup for the summary.
// Settings of the compared hearth; each nullopt keeps hearth's default.
struct HearthSettings {
  // Options::document_sst_dictionary_bytes, for measuring what the
  // dictionaries cost a read.
  std::optional<size_t> sst_dictionary_bytes;
  // Options::write_helper_threads, for measuring what the helpers bring.
  std::optional<size_t> write_helper_threads;
};
StatusOr<std::unique_ptr<SnapshotStore>> OpenHearthStore(const std::string& dir, size_t cache_bytes,
                                                         const HearthSettings& settings = {});
// RocksDB with key = monitor id, NUL, big-endian seconds; value = the JSON.
// Without `write_ahead_log` ("rocksdb-nowal") no write is durable until a
// flush: a ceiling to measure against, not a store anyone would keep data in.
StatusOr<std::unique_ptr<SnapshotStore>> OpenRocksDbStore(const std::string& dir, size_t cache_bytes,
                                                          bool write_ahead_log = true);
// SQLite: snapshots(id TEXT PRIMARY KEY, monitor_id, timestamp, doc TEXT)
// with index (monitor_id, timestamp), WAL, synchronous=NORMAL.
StatusOr<std::unique_ptr<SnapshotStore>> OpenSqliteStore(const std::string& dir, size_t cache_bytes);

// "hearth,sqlite" -> {"hearth", "sqlite"}; "none" and empty items are left out.
std::vector<std::string> StoreNames(const std::string& list);

// A Firestore endpoint over its REST API: the emulator FIRESTORE_EMULATOR_HOST
// names (INVALID_ARGUMENT saying so when it is unset), in a project of this
// run's own that Close() clears. `dir` stays empty.
StatusOr<std::unique_ptr<SnapshotStore>> OpenFirestoreStore(const std::string& dir);

// hearth over its REST server (`hearth serve`, started in this process on a
// free loopback port), asked the same REST requests as the Firestore peer.
StatusOr<std::unique_ptr<SnapshotStore>> OpenHearthRestStore(const std::string& dir, size_t cache_bytes);

// One of the above by its name ("hearth", "rocksdb", "rocksdb-nowal", "sqlite", "hearth-rest", "firestore");
// INVALID_ARGUMENT naming the choices for any other. `hearth` goes to
// OpenHearthStore (the other stores have no such settings).
StatusOr<std::unique_ptr<SnapshotStore>> OpenStoreNamed(const std::string& name, const std::string& dir,
                                                        size_t cache_bytes, const HearthSettings& hearth = {});

}  // namespace hearth::compare
