// Rollups stored in the aggregations collection: computed on demand, kept
// current as snapshots arrive (an option), and backfilled over a period.
// The computation is in hearth/aggregation.h. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hearth/aggregation.h"
#include "hearth/database.h"
#include "hearth/options.h"
#include "hearth/status.h"

namespace hearth {

struct AggregatorOptions {
  // Time-series collection of snapshots, partitioned by monitor id.
  // Default: "snapshots".
  std::string snapshots = "snapshots";
  // Time-series collection the rollups are stored in (partition monitor_id,
  // time start_time). Default: "aggregations".
  std::string aggregations = "aggregations";
  // Recompute, in the background, the daily, weekly and monthly rollups of
  // every window a written or deleted snapshot falls in, once
  // `keep_current_delay` has passed since the first such change (changes
  // meanwhile join the same pass). A window left without snapshots loses its
  // rollup. Retention's range deletions leave rollups alone: they outlive
  // the raw data. Default: false.
  bool keep_current = false;
  // Default: 1 s.
  std::chrono::milliseconds keep_current_delay{1000};
  // "Now": the rollups' created_at, and whether their window has ended.
  // Default: the system clock.
  std::function<Timestamp()> clock;
};

struct BackfillRequest {
  // One monitor, or (unset) every monitor that has snapshots.
  std::optional<std::string> monitor_id;
  // The windows that overlap [from, to).
  Timestamp from;
  Timestamp to;
  std::vector<Period> periods = {Period::kDaily, Period::kWeekly, Period::kMonthly};
  // Also recompute rollups already stored whose window had ended when they
  // were computed (by default those are kept: after retention their
  // snapshots may be gone).
  bool recompute = false;
  // Count exactly what a real run would write, write nothing.
  bool dry_run = false;
  // Called as monitors are done. Default: none.
  std::function<void(const Progress&)> progress;
};

struct BackfillReport {
  struct Counts {
    uint64_t created = 0;    // no rollup was stored: written
    uint64_t updated = 0;    // a stored rollup differed (or was computed before its window ended): rewritten
    uint64_t unchanged = 0;  // recomputed (recompute) and equal to the stored one: not written
    uint64_t kept = 0;       // a complete stored rollup, not recomputed
    uint64_t empty = 0;      // no snapshot in the window: nothing stored
    bool operator==(const Counts&) const = default;
  };
  uint64_t monitors = 0;
  std::map<Period, Counts> periods;
  uint64_t written() const;  // created + updated over all periods
};

class Aggregator {
 public:
  // A service over `db` (which must outlive it). FAILED_PRECONDITION when
  // either collection is not a time series.
  static StatusOr<std::unique_ptr<Aggregator>> Open(Database* db, AggregatorOptions options = {});
  ~Aggregator();  // finishes a pending keep-current pass
  Aggregator(const Aggregator&) = delete;
  Aggregator& operator=(const Aggregator&) = delete;

  // The rollup of the `period` window holding `t`, computed from the stored
  // snapshots; nullopt when the window holds none. Stores nothing.
  StatusOr<std::optional<Aggregation>> Compute(const std::string& monitor_id, Period period, Timestamp t);
  // The stored rollup of the `period` window holding `t` (any `t` inside the
  // window names it). Computed and stored when missing, or when it was
  // computed before its window ended; nullopt when the window holds no
  // snapshot.
  StatusOr<std::optional<Aggregation>> Get(const std::string& monitor_id, Period period, Timestamp t);
  // Stored rollups of a monitor whose window starts in [from, to), oldest
  // first; all periods unless one is given.
  StatusOr<std::vector<Aggregation>> List(const std::string& monitor_id, Timestamp from, Timestamp to,
                                          std::optional<Period> period = std::nullopt);
  // Fills in the rollups of every window overlapping [from, to) that is
  // missing (or was computed before its window ended), reading each
  // monitor's snapshots once.
  StatusOr<BackfillReport> Backfill(const BackfillRequest& request);
  // keep_current: runs the pending recomputation now; its first error.
  Status Flush();

 private:
  class Impl;
  explicit Aggregator(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace hearth
