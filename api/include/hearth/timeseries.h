// The time-series layer: monitoring snapshots stored, read by latest, range,
// at-time and trend, cached, and retained — the original TimeSeriesOptimizer
// (reference/consultantos-spec.md §3) with its defects fixed:
//  - a batched store reports its real outcome (a handle says when the write
//    is durable or why it failed); batches flush at a size, after a delay,
//    on Flush() and on Close(); nothing is dropped;
//  - ranges are half-open [start, end), newest first by default, and paged
//    with opaque tokens (keyset cursors: every snapshot exactly once, also
//    while new ones arrive);
//  - at-time finds the nearest snapshot however many lie in the window;
//  - trends are oldest first;
//  - the cache is LRU, bounded by entries and bytes, expires entries after
//    a TTL, and is invalidated by every write to the same monitor;
//  - a dry-run retention counts exactly what the real one deletes.
// Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hearth/database.h"
#include "hearth/document_view.h"
#include "hearth/status.h"
#include "hearth/value.h"

namespace hearth {

struct TimeSeriesOptions {
  // Collection path of the series; it must be a time-series collection
  // (partition field = the monitor id). Default: "snapshots".
  std::string collection = "snapshots";
  // A batched store's batch is written when it holds this many snapshots.
  // Default: 500.
  size_t batch_size = 500;
  // ... or when its oldest snapshot has waited this long. Default: 1 s.
  std::chrono::milliseconds batch_delay{1000};
  // Cached reads expire after this. Default: 300 s.
  std::chrono::seconds cache_ttl{300};
  // The cache holds at most this many results ... Default: 1000.
  size_t cache_max_entries = 1000;
  // ... of at most this many bytes together. Default: 64 MiB.
  size_t cache_max_bytes = size_t{64} << 20;
  // How often a background thread applies the collection's stored retention
  // policy (Database::SetRetentionDays); zero runs none. Default: 0.
  std::chrono::milliseconds retention_interval{0};
};

// The outcome of a batched store, known once its batch has been written.
class WriteHandle {
 public:
  struct State;
  explicit WriteHandle(std::shared_ptr<State> state) : state_(std::move(state)) {}
  // Blocks until the snapshot is durable (OK) or its batch failed (the error).
  Status Wait() const;
  bool done() const;
  // The document path the snapshot is stored under.
  const std::string& path() const;

 private:
  std::shared_ptr<State> state_;
};

struct RangeRequest {
  Timestamp start;  // inclusive
  Timestamp end;    // exclusive
  size_t limit = 100;
  std::string page_token;  // from a previous page; empty for the first
  bool oldest_first = false;
};

struct RangePage {
  std::vector<DocumentView> documents;
  std::string next_page_token;  // empty when there are no more
};

struct TrendPoint {
  Timestamp time;
  Value value;
};

struct TimeSeriesStats {
  uint64_t pending_writes = 0;  // batched stores not yet written
  uint64_t cache_entries = 0;
  uint64_t cache_bytes = 0;
  uint64_t cache_hits = 0;
  uint64_t cache_misses = 0;
  double cache_hit_rate = 0;    // hits / (hits + misses)
  uint64_t documents = 0;
  uint64_t stored_bytes = 0;    // document values as stored
  uint64_t disk_bytes = 0;      // SST files of the collection's column families
};

class TimeSeries {
 public:
  // A service over `db` (which must outlive it).
  static StatusOr<std::unique_ptr<TimeSeries>> Open(Database* db, TimeSeriesOptions options = {});
  ~TimeSeries();  // flushes pending batched stores
  TimeSeries(const TimeSeries&) = delete;
  TimeSeries& operator=(const TimeSeries&) = delete;

  // Stores a snapshot durably now; returns its document path
  // ("{collection}/{monitor_id}_{epoch seconds[.fraction]}").
  StatusOr<std::string> Store(MapValue snapshot);
  // Queues a snapshot for the batch writer. An invalid snapshot's handle
  // fails at once; a valid one's reports its batch's outcome.
  WriteHandle StoreBatched(MapValue snapshot);
  // Writes every queued snapshot; the first error among them, if any.
  Status Flush();

  StatusOr<std::optional<DocumentView>> Latest(const std::string& monitor_id);
  StatusOr<RangePage> Range(const std::string& monitor_id, const RangeRequest& request);
  // The snapshot nearest to `t` within +-tolerance (the earlier one on a tie).
  StatusOr<std::optional<DocumentView>> AtTime(const std::string& monitor_id, Timestamp t,
                                               std::chrono::nanoseconds tolerance);
  // The metric's values over the `days` days before `end` (default: now),
  // oldest first. A metric is a key of financial_metrics, or a top-level
  // field (news_sentiment); snapshots without it are left out.
  StatusOr<std::vector<TrendPoint>> Trend(const std::string& monitor_id, const std::string& metric, int days,
                                          std::optional<Timestamp> end = std::nullopt);
  // Deletes snapshots older than `cutoff` (of one monitor, or all), with
  // their index entries; a dry run counts exactly the same documents.
  StatusOr<uint64_t> DeleteBefore(Timestamp cutoff, std::optional<std::string> monitor_id = std::nullopt,
                                  bool dry_run = false);

  // Applies the collection's stored retention policy now (deleting what is
  // older than its days); 0 when the collection has none.
  StatusOr<uint64_t> ApplyRetention();

  StatusOr<TimeSeriesStats> Stats();
  // Flushes and stops the batch writer; further stores fail.
  Status Close();

 private:
  class Impl;
  explicit TimeSeries(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace hearth
