// The side-by-side comparison runner: the same snapshot workload against
// hearth embedded, raw RocksDB (key + JSON), SQLite 3 (WAL, composite
// index), hearth over its REST server (`hearth serve`, in this process) and,
// when FIRESTORE_EMULATOR_HOST names one, a Firestore emulator over REST, in
// one run, with every answer checked against hearth's.
//
//   build/bench/hearth_compare [--smoke] [--stores hearth,rocksdb,sqlite[,hearth-rest]]
//       [--monitors N] [--hours H] [--json FILE] [--markdown FILE] [--plots DIR] ...
//
// Exit status 1 when a store answered differently (or failed), 2 on bad
// arguments. `--help` lists every option.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string_view>

#include "schema/time_format.h"
#include "tools/cli_common.h"
#include "tools/compare/comparison.h"
#include "tools/compare/machine.h"
#include "tools/compare/newest_only_store.h"
#include "tools/compare/report.h"

using namespace hearth;
using namespace hearth::compare;

namespace {

int Fail(const Status& s) {
  std::fprintf(stderr, "hearth_compare: %s\n", s.ToString().c_str());
  return 1;
}



}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "Runs one snapshot workload against hearth embedded, raw RocksDB (key + JSON value), SQLite 3 (WAL, index "
      "on (monitor_id, timestamp)) and Firestore over REST (the emulator when FIRESTORE_EMULATOR_HOST is set) side "
      "by side: batched ingest, latest, 7/30/90-day ranges, at-time, monthly "
      "aggregation, a mixed load (one writer, several readers) and retention of the oldest days. Every answer is "
      "compared with the first store's; speed is compared only between stores that agree. Prints a table and the "
      "targets as ratios; --json, --markdown and --plots write the results.",
      "hearth_compare"};
  // --smoke changes the defaults; options given explicitly still win.
  bool smoke = std::any_of(argv + 1, argv + argc, [](const char* a) { return std::string_view(a) == "--smoke"; });
  WorkloadOptions o = smoke ? WorkloadOptions::Smoke() : WorkloadOptions{};
  bool keep = false;
  bool ingest_alone = false;
  std::string stores_arg = "hearth,rocksdb,sqlite", dir, json_file, markdown_file, plots_dir;
  size_t cache_mb = 64;
  int64_t dictionary_kb = -1;  // hearth's default
  int64_t write_helpers = -1;  // hearth's default
  int scale_hours = 0;
  app.add_flag("--smoke", smoke, "a small run (20 monitors x 200 hours, a few queries): what CI runs");
  const char* emulator = std::getenv("FIRESTORE_EMULATOR_HOST");
  if (emulator && !*emulator) emulator = nullptr;
  auto* stores_opt = app.add_option("--stores", stores_arg,
                                    "stores to compare, the first is the reference: hearth, rocksdb, sqlite, "
                                    "rocksdb-nowal (raw RocksDB writing no WAL, so nothing durable until a flush: "
                                    "the ceiling of any store on RocksDB; not by default), "
                                    "hearth-rest (hearth served over Firestore's REST API on a loopback port, asked "
                                    "what the firestore store is asked; not by default, because a server's requests "
                                    "in the same run slow the embedded stores' reads: bench/README.md), and "
                                    "firestore (the Firestore emulator at FIRESTORE_EMULATOR_HOST, added by default "
                                    "when that is set; else Cloud Firestore with the service-account key file named "
                                    "by GOOGLE_APPLICATION_CREDENTIALS, writing under hearth-compare/{run} and "
                                    "deleting it afterwards)")
                         ->capture_default_str();
  app.add_option("--monitors", o.monitors, "monitors")->capture_default_str()->check(tools::AtLeast(1));
  app.add_option("--hours", o.hours, "hourly snapshots per monitor")->capture_default_str()->check(tools::AtLeast(1));
  app.add_option("--seed", o.seed, "generator seed")->capture_default_str();
  app.add_option("--batch", o.batch_size, "snapshots per atomic write")->capture_default_str()->check(tools::AtLeast(1));
  app.add_option("--latest", o.latest_queries, "latest queries (0: none)")->capture_default_str();
  app.add_option("--ranges", o.range_queries, "7-day range queries (30-day: half, 90-day: a quarter, at least one each; 0: none)")
      ->capture_default_str();
  app.add_option("--at-time", o.at_time_queries, "at-time queries (0: none)")->capture_default_str();
  app.add_option("--aggregations", o.aggregation_queries, "monthly aggregations (0: none)")->capture_default_str();
  auto* mixed_opt = app.add_option("--mixed-hours", o.mixed_hours, "hours of snapshots the mixed load writes (0: none)")
      ->capture_default_str();
  app.add_option("--readers", o.mixed_readers, "reader threads of the mixed load")->capture_default_str();
  auto* retention_opt = app.add_option("--retention-days", o.retention_days, "retention deletes the oldest days (0: no retention)")->capture_default_str();
  app.add_flag("--warm", o.warm_all,
               "read every snapshot once before the queries, so they measure the cached steady state (default: "
               "each monitor's newest only)");
  app.add_option("--cache-mb", cache_mb, "block/page cache of each store, MiB")->capture_default_str();
  app.add_option("--hearth-sst-dictionary-kb", dictionary_kb,
                 "hearth's zstd dictionary per SST file at the bottommost level, KiB (0: none; default: hearth's "
                 "default, Options::document_sst_dictionary_bytes)")
      ->check(tools::AtLeast(0));
  app.add_option("--hearth-write-helpers", write_helpers,
                 "threads besides the writer's own that check and encode hearth's batches (0: none; default: "
                 "hearth's default, Options::write_helper_threads)")
      ->check(tools::AtLeast(0));
  app.add_option("--scale-reference-hours", scale_hours,
                 "a scale run: add a second store of the first store's kind holding only the newest this many hours "
                 "of the same snapshots, ask both the same questions about those hours (interleaved, so the "
                 "machine's noise falls on both), and check the first store's latest and range medians are within "
                 "10% of it; no mixed load or retention (the two hold different spans)")
      ->check(tools::AtLeast(1));
  app.add_flag("--ingest-alone", ingest_alone,
               "after the comparison, close its stores and ingest the same snapshots again into a fresh store of "
               "each kind, one at a time (\"ingest alone\": each writer with the machine to itself; in the "
               "interleaved ingest every store's flushes and compactions slow the others too); as long again as "
               "the ingest, not with --scale-reference-hours");
  app.add_option("--dir", dir, "where the stores are made (default: a fresh directory under $TMPDIR, removed after)");
  app.add_flag("--keep", keep, "keep the stores' directories");
  app.add_option("--json", json_file, "write the results as JSON");
  app.add_option("--markdown", markdown_file, "write the results as a markdown table");
  app.add_option("--plots", plots_dir, "draw throughput and latency plots (PNG, gnuplot) into this directory");
  CLI11_PARSE(app, argc, argv);
  if (scale_hours > 0 && ingest_alone)
    return Fail(Status::InvalidArgument(
        "--ingest-alone compares stores holding the same snapshots; a scale run's two stores hold different spans"));
  if (scale_hours > 0) {
    if ((mixed_opt->count() > 0 && o.mixed_hours > 0) || (retention_opt->count() > 0 && o.retention_days > 0))
      return Fail(Status::InvalidArgument(
          "--scale-reference-hours runs no mixed load or retention (the two stores hold different spans); "
          "leave out --mixed-hours and --retention-days or give them 0"));
    if (scale_hours >= o.hours)
      return Fail(Status::InvalidArgument("--scale-reference-hours " + std::to_string(scale_hours) +
                                          " must be fewer than --hours " + std::to_string(o.hours)));
  }
  const bool stores_given = stores_opt->count() > 0;

  if (!stores_given && emulator) {
    stores_arg += ",firestore";
    std::fprintf(stderr, "hearth_compare: FIRESTORE_EMULATOR_HOST is set: comparing the Firestore emulator at %s too\n",
                 emulator);
  }

  const bool temporary = dir.empty();
  if (temporary) {
    auto scratch = MakeScratchDir("hearth-compare");
    if (!scratch.ok()) return Fail(scratch.status());
    dir = *scratch;
  }
  std::error_code ec;
  if (std::filesystem::exists(dir) && !std::filesystem::is_empty(dir, ec))
    return Fail(Status::InvalidArgument("--dir " + dir + " is not empty; give an empty or new directory"));
  std::filesystem::create_directories(dir, ec);
  if (ec) return Fail(Status::InvalidArgument("cannot create --dir " + dir + ": " + ec.message()));
  // A temporary directory goes on every way out, a refusal too (a store that
  // cannot open).
  const RemovedAtExit scratch(temporary && !keep ? dir : std::string());

  HearthSettings hearth;
  if (dictionary_kb >= 0) hearth.sst_dictionary_bytes = size_t(dictionary_kb) << 10;
  if (write_helpers >= 0) hearth.write_helper_threads = size_t(write_helpers);
  std::vector<std::unique_ptr<SnapshotStore>> owned;
  std::vector<SnapshotStore*> stores;
  const std::vector<std::string> names = StoreNames(stores_arg);
  for (const std::string& name : names) {
    auto s = OpenStoreNamed(name, dir + "/" + name, cache_mb << 20, hearth);
    if (!s.ok()) return Fail(s.status());
    stores.push_back(s->get());
    owned.push_back(std::move(*s));
  }
  if (stores.empty()) return Fail(Status::InvalidArgument("--stores names no store"));
  std::string scale_reference;
  if (scale_hours > 0) {
    const std::string kind = stores[0]->name();
    scale_reference = kind + "-newest-" + std::to_string(scale_hours) + "h";
    auto s = OpenStoreNamed(kind, dir + "/" + scale_reference, cache_mb << 20, hearth);
    if (!s.ok()) return Fail(s.status());
    owned.push_back(NewestOnly(std::move(*s), o.start_seconds + int64_t{o.hours - scale_hours} * 3600, scale_reference));
    stores.push_back(owned.back().get());
    o.query_hours = scale_hours;
    o.mixed_hours = 0;
    o.retention_days = 0;
  }

  std::string command;
  for (int i = 0; i < argc; i++) command += (i ? " " : "") + std::string(argv[i]);
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  tools::ProgressLine progress_line(true);
  Comparison c(stores, o, [&](const std::string& task, uint64_t done, uint64_t total) {
    progress_line.Show(task, done, total);
  });
  c.result().command = command;
  c.result().date = schema::FormatRfc3339(Timestamp::Now());
  c.result().scale_reference = scale_reference;
  std::printf("machine: %s\ncommand: %s\nworkload: %d monitors x %d hourly snapshots, batches of %zu, %s\n",
              c.result().machine.c_str(), command.c_str(), o.monitors, o.hours, o.batch_size, dir.c_str());
  if (std::find(names.begin(), names.end(), "hearth") != names.end())
    std::printf("hearth: %zu write helper thread(s)\n", hearth.write_helper_threads.value_or(Options{}.write_helper_threads));
  Status run = c.RunAll();
  for (auto& s : owned) {
    Status closed = s->Close();
    if (run.ok() && !closed.ok()) run = closed;
  }
  for (size_t i = 0; ingest_alone && run.ok() && i < names.size(); i++) {
    const std::string alone_dir = dir + "/alone-" + names[i];
    auto s = OpenStoreNamed(names[i], alone_dir, cache_mb << 20, hearth);
    if (!s.ok()) {
      run = s.status();
      break;
    }
    run = c.IngestAlone(i, s->get());
    Status closed = (*s)->Close();
    if (run.ok() && !closed.ok()) run = closed;
    if (!keep) std::filesystem::remove_all(alone_dir, ec);
  }
  if (!run.ok()) return Fail(run);

  const ComparisonResult& r = c.result();
  std::printf("\n%s", TerminalTable(r).c_str());
  Status out;
  if (!json_file.empty() && out.ok()) out = WriteTextFile(json_file, ResultJson(r));
  if (!markdown_file.empty() && out.ok()) out = WriteTextFile(markdown_file, MarkdownTable(r));
  if (!plots_dir.empty() && out.ok()) out = WritePlots(r, plots_dir);
  if (!out.ok()) return Fail(out);
  if (!r.AllAgree()) {
    std::fprintf(stderr, "hearth_compare: the stores did not all return the same results (see DISAGREEMENT above)\n");
    return 1;
  }
  std::printf("every store returned the same results for the same questions\n");
  return 0;
}
