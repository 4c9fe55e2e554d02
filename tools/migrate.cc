#include "tools/migrate.h"

#include <algorithm>
#include <set>

namespace hearth::tools {

namespace {

// Every monitor: those with a monitor document and those with snapshots.
StatusOr<std::vector<std::string>> AllMonitors(Database& db) {
  std::set<std::string> ids;
  HEARTH_ASSIGN_OR_RETURN(std::vector<Value> partitions, db.SeriesPartitions("snapshots"));
  for (const Value& v : partitions)
    if (v.type() == Value::Type::kString) ids.insert(v.string());
  HEARTH_RETURN_IF_ERROR(db.Scan("monitors", [&](const Document& d) {
    ids.insert(d.path.substr(d.path.rfind('/') + 1));
    return true;
  }));
  return std::vector<std::string>(ids.begin(), ids.end());
}

void Add(BackfillReport::Counts* to, const BackfillReport::Counts& c) {
  to->created += c.created;
  to->updated += c.updated;
  to->unchanged += c.unchanged;
  to->kept += c.kept;
  to->empty += c.empty;
}

// One monitor's snapshots in [start, end): stored again where their format or
// codec differs, and their rollups backfilled; counted into *report.
Status MigrateWindow(Database& db, Aggregator& aggregator, const std::string& id, Timestamp start, Timestamp end,
                     bool dry_run, MigrateReport* report) {
  RecompressRequest rc;
  rc.collection = "snapshots";
  rc.partition = Value::String(id);
  rc.from = start;
  rc.to = end;
  rc.dry_run = dry_run;
  HEARTH_ASSIGN_OR_RETURN(RecompressReport recompressed, db.Recompress(rc));
  for (const auto& c : recompressed.collections) {
    report->snapshots += c.documents;
    report->reencoded += c.reencoded;
  }
  BackfillRequest b;
  b.monitor_id = id;
  b.from = start;
  b.to = end;
  b.dry_run = dry_run;
  HEARTH_ASSIGN_OR_RETURN(BackfillReport rollups, aggregator.Backfill(b));
  for (const auto& [p, c] : rollups.periods) Add(&report->rollups.periods[p], c);
  report->rollups.monitors++;
  return Status::OK();
}

}  // namespace

StatusOr<MigrateReport> Migrate(Database& db, Aggregator& aggregator, const MigrateRequest& r) {
  if (r.days <= 0) return Status::InvalidArgument("--days must be positive");
  std::vector<std::string> monitors;
  if (r.monitor_id) {
    monitors.push_back(*r.monitor_id);
  } else {
    HEARTH_ASSIGN_OR_RETURN(monitors, AllMonitors(db));
  }
  MigrateReport report;
  Progress progress{"migrating monitors", 0, monitors.size()};
  for (const std::string& id : monitors) {
    auto fail = [&](const Status& s) { report.errors.push_back("monitor " + id + ": " + s.ToString()); };
    Timestamp start{r.end.seconds - int64_t{r.days} * 86400, r.end.nanos};
    auto monitor = db.Get("monitors/" + id);
    if (monitor.ok()) {
      auto created = monitor->fields.find("created_at");
      if (created != monitor->fields.end() && created->second.type() == Value::Type::kTimestamp &&
          start < created->second.timestamp())
        start = created->second.timestamp();
    } else if (monitor.status().code() != StatusCode::kNotFound) {
      fail(monitor.status());
      continue;
    } else if (r.monitor_id) {
      // A single monitor named on the command line must exist somewhere.
      auto partitions = db.SeriesPartitions("snapshots");
      if (!partitions.ok()) return partitions.status();
      if (std::find(partitions->begin(), partitions->end(), Value::String(id)) == partitions->end())
        return Status::NotFound("monitor " + id + " has neither a monitor document nor snapshots");
    }
    report.monitors++;
    if (start < r.end)
      if (Status s = MigrateWindow(db, aggregator, id, start, r.end, r.dry_run, &report); !s.ok()) fail(s);
    progress.done++;
    if (r.progress) r.progress(progress);
  }
  return report;
}

}  // namespace hearth::tools
