// `hearth demo`: the main job on an embedded store, next to SQLite.
#include "tools/cli_demo.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "schema/time_format.h"
#include "tools/compare/comparison.h"
#include "tools/compare/hearth_store.h"
#include "tools/compare/machine.h"
#include "tools/compare/report.h"

namespace hearth::tools {

namespace {

// The file that marks a store as the demo's own, which a later demo replaces.
constexpr char kDemoMarker[] = "HEARTH-DEMO";

struct DemoArgs {
  int monitors = 1000;
  int days = 90;
  uint64_t seed = 1;
  std::string compare = "sqlite";
  std::string peers_dir;
  bool keep_peers = false, replace = false;
  std::string json, markdown, plots;
  size_t cache_mb = 64;
};

// Makes `dir` ready for a fresh demo store: absent or empty is fine, a
// previous demo's store is removed, anything else needs --replace.
Status ClearStoreDir(const std::string& dir, bool replace) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(dir, ec) || fs::is_empty(dir, ec)) return Status::OK();
  if (!fs::is_directory(dir, ec)) return Status::InvalidArgument("--db " + dir + " is a file, not a directory");
  if (!replace && !fs::exists(fs::path(dir) / kDemoMarker, ec))
    return Status::FailedPrecondition("--db " + dir +
                                      " holds data that hearth demo did not create; give another --db or --replace "
                                      "to delete it");
  fs::remove_all(dir, ec);
  if (ec) return Status::Internal("cannot remove " + dir + ": " + ec.message());
  return Status::OK();
}



int RunDemo(const Globals& g, const DemoArgs& a, const std::string& command) {
  namespace fs = std::filesystem;
  compare::WorkloadOptions o;
  o.monitors = a.monitors;
  o.hours = a.days * 24;
  o.seed = a.seed;
  o.mixed_hours = 0;  // the mixed load is the comparison runner's (bench/)
  // Snapshots up to the current hour, so the store looks like a live one
  // and its retention policy applies to it from now on.
  const int64_t now = Timestamp::Now().seconds;
  o.start_seconds = now - now % 3600 - int64_t{o.hours} * 3600;
  if (a.days <= o.retention_days) o.retention_days = std::max(1, a.days / 3);

  if (Status s = ClearStoreDir(g.db, a.replace); !s.ok()) return Fail(s);
  auto hearth_store = compare::HearthStore::Open(g.db, a.cache_mb << 20);
  if (!hearth_store.ok()) return Fail(hearth_store.status());
  if (Status s = compare::WriteTextFile((fs::path(g.db) / kDemoMarker).string(),
                           "This store was made by `hearth demo`; the next demo replaces it.\n");
      !s.ok())
    return Fail(s);

  const bool temporary = a.peers_dir.empty();
  std::string peers_dir = a.peers_dir;
  if (temporary) {
    auto scratch = compare::MakeScratchDir("hearth-demo-peers");
    if (!scratch.ok()) return Fail(scratch.status());
    peers_dir = *scratch;
  }
  // The temporary peers' directory goes on every way out, a peer that cannot
  // open too.
  const compare::RemovedAtExit peers_scratch(temporary && !a.keep_peers ? peers_dir : std::string());
  std::vector<std::unique_ptr<compare::SnapshotStore>> peers;
  std::vector<compare::SnapshotStore*> stores = {hearth_store->get()};
  for (const std::string& name : compare::StoreNames(a.compare)) {
    if (name == "hearth") continue;
    auto s = compare::OpenStoreNamed(name, peers_dir + "/" + name, a.cache_mb << 20);
    if (!s.ok()) return Fail(s.status());
    stores.push_back(s->get());
    peers.push_back(std::move(*s));
  }

  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  const uint64_t snapshots = uint64_t(o.monitors) * uint64_t(o.hours);
  std::printf("hearth demo: %d monitors x %d days of hourly snapshots (%llu) into %s", o.monitors, a.days,
              static_cast<unsigned long long>(snapshots), g.db.c_str());
  if (stores.size() > 1) {
    std::printf(", the same workload into");
    for (size_t i = 1; i < stores.size(); i++) std::printf(" %s", stores[i]->name().c_str());
    std::printf(" (%s) in the same run", peers_dir.c_str());
  }
  std::printf("\n");

  ProgressLine progress(!g.quiet);
  compare::Comparison c(stores, o, [&](const std::string& task, uint64_t done, uint64_t total) {
    progress.Show(task, done, total);
  });
  c.result().command = command;
  c.result().date = schema::FormatRfc3339(Timestamp::Now());
  compare::Stopwatch sw;
  Status run = c.Ingest();
  std::string rollups;
  if (run.ok()) {
    // Rollups: hearth's own (the others have no such thing; their monthly
    // aggregation is measured among the queries).
    BackfillRequest req;
    req.from = Timestamp{o.start_seconds, 0};
    req.to = Timestamp{o.start_seconds + int64_t{o.hours} * 3600, 0};
    req.progress = [&](const Progress& p) { progress.Show("rollups", p.done, p.total); };
    compare::Stopwatch rs;
    auto report = (*hearth_store)->aggregator()->Backfill(req);
    if (report.ok()) {
      uint64_t n = 0;
      std::string per;
      for (const auto& [period, counts] : report->periods) {
        n += counts.created + counts.updated;
        per += (per.empty() ? "" : ", ") + std::to_string(counts.created + counts.updated) + " " +
               std::string(PeriodName(period));
      }
      char buf[256];
      std::snprintf(buf, sizeof buf, "rollups: %llu stored (%s) in %.1f s\n", static_cast<unsigned long long>(n),
                    per.c_str(), rs.Seconds());
      rollups = buf;
    } else {
      run = report.status();
    }
  }
  if (run.ok()) run = c.Queries();
  if (run.ok()) run = c.Retention();
  if (run.ok())
    // From now on the store keeps what the demo kept: `hearth retention`
    // (or TimeSeriesOptions::retention_interval) applies the policy.
    run = (*hearth_store)->database()->SetRetentionDays("snapshots", a.days - o.retention_days);
  for (auto& p : peers) {
    Status closed = p->Close();
    if (run.ok() && !closed.ok()) run = closed;
  }
  Status closed = (*hearth_store)->Close();
  if (run.ok() && !closed.ok()) run = closed;
  progress.Done();
  if (!run.ok()) return Fail(run);

  const compare::ComparisonResult& r = c.result();
  std::printf("\n%s%s", rollups.c_str(), compare::TerminalTable(r).c_str());
  std::printf("machine: %s; demo took %.0f s\n", r.machine.c_str(), sw.Seconds());
  Status out;
  if (!a.json.empty()) out = compare::WriteTextFile(a.json, compare::ResultJson(r));
  if (out.ok() && !a.markdown.empty()) out = compare::WriteTextFile(a.markdown, compare::MarkdownTable(r));
  if (out.ok() && !a.plots.empty()) out = compare::WritePlots(r, a.plots);
  if (!out.ok()) return Fail(out);
  if (!r.AllAgree()) {
    std::fprintf(stderr, "hearth: the stores did not all return the same results (see DISAGREEMENT above)\n");
    return 1;
  }
  // The program as the user ran it (build/hearth from the repository root).
  const std::string program = command.substr(0, command.find(' '));
  const std::string db = program + (g.db == "./hearth-data" ? "" : " --db " + g.db);
  std::printf(
      "\nThe store stays in %s with a %d-day retention policy. Try:\n"
      "  %s snapshots latest mon-0000\n"
      "  %s aggregate mon-0000 --period monthly --at %s\n"
      "  %s query snapshots --where 'monitor_id == \"mon-0001\"' --order-by 'timestamp desc' --limit 3\n"
      "  %s stats\n",
      g.db.c_str(), a.days - o.retention_days, db.c_str(), db.c_str(),
      schema::FormatRfc3339(Timestamp{now, 0}).c_str(), db.c_str(), db.c_str());
  return 0;
}

}  // namespace

Command AddDemoCommand(CLI::App& app, const Globals& g, const std::string& command) {
  auto a = std::make_shared<DemoArgs>();
  auto* demo = app.add_subcommand(
      "demo",
      "the main job: generate monitoring snapshots (default 1,000 monitors x 90 days, hourly, up to now), ingest them "
      "into --db with progress, build the daily/weekly/monthly rollups, run latest, range, at-time and monthly "
      "aggregation queries, apply retention to the oldest 30 days, and print a summary next to the same workload on "
      "SQLite measured in the same run (ratios). Every answer is checked against SQLite's. Replaces a previous demo "
      "store in --db; refuses other data there unless --replace");
  demo->add_option("--monitors", a->monitors, "monitors")->capture_default_str()->check(AtLeast(1));
  demo->add_option("--days", a->days, "days of hourly snapshots per monitor")
      ->capture_default_str()
      ->check(CLI::Range(2, 3650));
  demo->add_option("--seed", a->seed, "generator seed (the same seed gives the same snapshots)")->capture_default_str();
  demo->add_option("--compare", a->compare,
                   "stores measured beside hearth: sqlite, rocksdb (raw key + JSON), both (sqlite,rocksdb) or none")
      ->capture_default_str();
  demo->add_option("--peers-dir", a->peers_dir,
                   "where the compared stores are made (default: a directory under $TMPDIR, removed after)");
  demo->add_flag("--keep-peers", a->keep_peers, "keep the compared stores' directory");
  demo->add_flag("--replace", a->replace, "delete whatever --db holds first");
  demo->add_option("--cache-mb", a->cache_mb, "block/page cache of each store, MiB")->capture_default_str();
  demo->add_option("--json", a->json, "also write the results as JSON");
  demo->add_option("--markdown", a->markdown, "also write the results as a markdown table");
  demo->add_option("--plots", a->plots, "also draw throughput and latency plots (PNG, gnuplot) into this directory");
  return {demo, [&g, a, command] { return RunDemo(g, *a, command); }};
}

}  // namespace hearth::tools
