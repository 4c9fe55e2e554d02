// The side-by-side workload: the same generated snapshots and the same
// questions for every store, interleaved (each batch and each query goes to
// every store in turn, the first rotating) so the machine's noise falls on
// all alike. Every answer is compared with the first store's outside the
// timed part; a store that answers differently is marked and its speed is
// not compared.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <vector>

#include "hearth/status.h"
#include "tools/compare/snapshot_store.h"

namespace hearth::compare {

struct WorkloadOptions {
  int monitors = 1000;     // monitor ids mon-0000 ...
  int hours = 90 * 24;     // hourly snapshots per monitor
  int64_t start_seconds = 1767225600;  // the first snapshot's time (2026-01-01T00:00:00Z)
  uint64_t seed = 1;       // of the snapshot generator
  size_t batch_size = 500;  // snapshots per atomic write
  int latest_queries = 2000;
  int range_queries = 200;  // of 7 days; half as many of 30 days, a quarter of 90 days
  int at_time_queries = 1000;
  int aggregation_queries = 100;  // monthly summaries
  int mixed_hours = 24;    // hours of new snapshots the mixed load's writer adds (0: no mixed load)
  int mixed_readers = 2;   // reader threads of the mixed load (latest of random monitors)
  int retention_days = 30;  // retention deletes the oldest this many days (a third of the span when shorter)
  // Before the queries, read every snapshot once (untimed), so they measure a
  // steady state with the data in the caches rather than first reads.
  // Default: only each monitor's newest snapshot.
  bool warm_all = false;
  // The queries ask about the newest this many hours only (a scale run's
  // reference store holds no more). Default: 0, the whole span.
  int query_hours = 0;

  // A few thousand snapshots per store and a few queries: CI's smoke run.
  static WorkloadOptions Smoke();
};

// One store's figures on one workload.
struct Measure {
  std::string store;
  bool agrees = true;        // answered as the first store did
  uint64_t operations = 0;   // queries or documents written; bytes for "bytes" workloads
  double seconds = 0;        // summed time of the timed operations
  double wall_seconds = 0;   // mixed load: the phase's wall-clock time
  std::vector<double> latencies_us;  // per query
  // Query workloads: bytes read from the storage device during this store's
  // queries (the process-wide counter, sampled around each query, untimed):
  // what the page cache did not hold. Where a larger run is slower, this
  // says whether it waited for the disk.
  uint64_t device_read_bytes = 0;
  // "disk": the plain JSON of the snapshots the store was given.
  uint64_t json_bytes = 0;
  // False where the figure could not be taken (the disk use of a store
  // behind a network endpoint): shown as such, never compared.
  bool measured = true;
  double Percentile(double p) const;
  double PerSecond() const { return seconds > 0 ? static_cast<double>(operations) / seconds : 0; }
};

struct WorkloadResult {
  enum class Kind { kThroughput, kLatency, kDuration, kBytes };
  std::string name;
  Kind kind = Kind::kLatency;
  std::string detail;  // what one operation is
  bool ratios = true;  // false: shown for information, not compared (unlike work)
  std::vector<Measure> stores;
  std::vector<std::string> disagreements;  // the first few, in words
  Measure* Of(const std::string& store);
  const Measure* Of(const std::string& store) const;
};

struct ComparisonResult {
  std::string machine;  // cores, memory, CPU
  std::string command;  // what reproduces it
  std::string date;     // UTC, RFC 3339
  WorkloadOptions options;
  std::vector<std::string> stores;
  uint64_t snapshots = 0;   // ingested (before the mixed load)
  uint64_t json_bytes = 0;  // their plain JSON
  // A scale run: the store holding only the newest hours, which the first
  // store's latencies are held against (empty in other runs).
  std::string scale_reference;
  std::deque<WorkloadResult> workloads;  // a deque: adding one keeps references to the others valid
  bool AllAgree() const;
  const WorkloadResult* Find(const std::string& name) const;
};

using ProgressFn = std::function<void(const std::string& task, uint64_t done, uint64_t total)>;

class Comparison {
 public:
  // `stores` must outlive the comparison; the first is the reference every
  // other store's answers are compared with.
  Comparison(std::vector<SnapshotStore*> stores, WorkloadOptions options, ProgressFn progress = {});

  // Generates the snapshots, ingests every batch into every store, settles
  // each store (timed) and measures its directory.
  Status Ingest();
  // latest, 7-, 30- and 90-day ranges, at-time, monthly aggregation.
  Status Queries();
  // One writer adding mixed_hours of snapshots while mixed_readers threads
  // read the latest of random monitors; each store alone.
  Status MixedLoad();
  // Deletes the oldest retention_days of every monitor; then compares what
  // is left.
  Status Retention();
  // All of the above in order.
  Status RunAll();
  // Ingests the same batches again into `fresh`, a new, empty store of the
  // kind of compared store `index`, timed as Ingest times them: the "ingest
  // alone" row (no target reads it). The caller closes the compared stores
  // first and each fresh store before opening the next, so no other store's
  // writes or background work share the machine with it; in the interleaved
  // ingest each store's flushes and compactions also slow the others.
  Status IngestAlone(size_t index, SnapshotStore* fresh);

  const ComparisonResult& result() const { return result_; }
  ComparisonResult& result() { return result_; }

 private:
  template <typename Query>
  Status RunQueries(const std::string& name, const std::string& detail, int count, Query&& query);
  void Compare(WorkloadResult& w, const std::vector<ReadResult>& answers, const std::string& question);
  // One reader per store (made once, used by every phase's questions).
  Status OpenReaders();
  // Asks every store `question` untimed and records whether they agree.
  Status Verify(WorkloadResult& w, const std::string& question,
                const std::function<Status(SnapshotReader&, ReadResult*)>& ask);
  WorkloadResult& Add(std::string name, WorkloadResult::Kind kind, std::string detail);
  void Progress(const std::string& task, uint64_t done, uint64_t total);

  std::vector<SnapshotStore*> stores_;
  std::vector<std::unique_ptr<SnapshotReader>> readers_;
  WorkloadOptions options_;
  ProgressFn progress_;
  ComparisonResult result_;
  int64_t t0_ = 0, t_end_ = 0;  // the snapshots' span [t0, t_end)
  WorkloadResult* alone_ = nullptr;  // "ingest alone", once IngestAlone ran
  bool warm_ = false;
};

}  // namespace hearth::compare
