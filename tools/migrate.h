// `hearth migrate`: the original scripts/migrate_timeseries.py
// (reference/consultantos-spec.md §7) with its defects fixed: --all really
// processes every monitor, a dry run reports exactly what the real run
// changes, and nothing is silently skipped (each monitor's error is reported
// and the run goes on to the next).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "hearth/aggregator.h"
#include "hearth/database.h"

namespace hearth::tools {

struct MigrateRequest {
  // One monitor, or (unset) every monitor: each monitor document and every
  // monitor that has snapshots.
  std::optional<std::string> monitor_id;
  // The window: the `days` days before `end`, starting no earlier than the
  // monitor's created_at when it has a monitor document.
  int days = 90;
  Timestamp end;
  bool dry_run = false;
  // Called after each monitor. Default: none.
  std::function<void(const Progress&)> progress;
};

struct MigrateReport {
  uint64_t monitors = 0;
  uint64_t snapshots = 0;         // snapshots read in the windows
  uint64_t reencoded = 0;         // snapshots stored again in the collection's current format and codec
  BackfillReport rollups;         // rollups filled in (counts summed over monitors)
  std::vector<std::string> errors;  // "monitor X: problem"
};

StatusOr<MigrateReport> Migrate(Database& db, Aggregator& aggregator, const MigrateRequest& request);

}  // namespace hearth::tools
