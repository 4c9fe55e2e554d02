// The time-series layer's reads on monitors x hourly snapshots.
//
//   build/bench/hearth_bench_timeseries [--monitors N] [--hours H] [--queries Q] [--cache-mb M] [--store DIR]
//
// Ingests generated snapshots (time-major, batches of 500), compacts, warms
// the block cache by reading everything once, then measures with the query cache off (every
// read goes to the store): latest, 7/30/90-day ranges (zero-copy views, and
// fully built documents), at-time, a 30-day trend, and finally the retention
// of the oldest 30 days for every monitor.
//
// With --store DIR the ingested and compacted store is kept in DIR, and a
// later run with the same DIR (and workload) skips ingest: each run measures
// a copy of it, so DIR stays as ingested (retention deletes from the copy).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "bench/bench_util.h"
#include "hearth/database.h"
#include "hearth/timeseries.h"
#include "tools/snapshot_generator.h"

using namespace hearth;

int main(int argc, char** argv) {
  int monitors = 1000, hours = 2000, queries = 2000;
  size_t cache_mb = 1024;
  std::string store, only;
  for (int i = 1; i < argc; i += 2) {
    std::string a = argv[i];
    if (i + 1 < argc && a == "--monitors") monitors = std::atoi(argv[i + 1]);
    else if (i + 1 < argc && a == "--hours") hours = std::atoi(argv[i + 1]);
    else if (i + 1 < argc && a == "--queries") queries = std::atoi(argv[i + 1]);
    else if (i + 1 < argc && a == "--cache-mb") cache_mb = std::strtoul(argv[i + 1], nullptr, 10);
    else if (i + 1 < argc && a == "--store") store = argv[i + 1];
    else if (i + 1 < argc && a == "--only") only = argv[i + 1];
    else {
      std::fprintf(stderr,
                   "usage: %s [--monitors N (1000)] [--hours H (2000)] [--queries Q (2000)] [--cache-mb M (1024)] "
                   "[--store DIR (keep the ingested store there and reuse it)] [--only latest|range|at|trend|retention]\n",
                   argv[0]);
      return 2;
    }
  }
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // lines appear as measured, also in a file
  auto want = [&](const char* what) { return only.empty() || only == what; };
  std::printf("machine: %s\nworkload: %d monitors x %d hourly snapshots\n", bench::MachineDescription().c_str(),
              monitors, hours);
  bench::ScratchDir dir("timeseries");
  Options o;
  o.block_cache_bytes = cache_mb << 20;
  tools::GeneratorOptions g;
  g.monitors = monitors;
  g.hours = hours;
  const std::string measured = bench::PrepareSnapshotStore(o, g, store, dir);
  auto db = Database::Open(o, measured);
  bench::CheckOk(db.status());
  auto st = (*db)->GetStats();
  bench::CheckOk(st.status());
  for (const auto& c : st->collections)
    if (c.id == "snapshots")
      std::printf("stored: %.1f MB of JSON, %.1f MB on disk (%.2f%%), block cache %zu MiB\n",
                  static_cast<double>(c.json_bytes) / 1e6, static_cast<double>(c.disk_bytes) / 1e6,
                  100.0 * static_cast<double>(c.disk_bytes) / static_cast<double>(c.json_bytes), cache_mb);

  TimeSeriesOptions tso;
  tso.cache_max_entries = 0;  // measure the store, not the cache
  auto ts = TimeSeries::Open(db->get(), tso);
  bench::CheckOk(ts.status());
  std::mt19937_64 rng(3);
  auto monitor = [&] { return tools::SnapshotGenerator::MonitorId(static_cast<int>(rng() % monitors)); };
  const int64_t t0 = g.start.seconds, t_end = t0 + int64_t{hours} * 3600;
  bench::Stopwatch warm;
  bench::ReadEverySnapshot(**ts, monitors, t0, t_end);
  std::printf("warm-up (every snapshot read once): %.1f s\n", warm.Seconds());

  // Steady state for latest: every monitor's read once (a first read seeks
  // RocksDB and fills the newest-document table; later writes keep it exact).
  for (int m = 0; m < monitors; m++) (void)(*ts)->Latest(tools::SnapshotGenerator::MonitorId(m));
  if (want("latest"))
    bench::ReportLatency("latest (newest-document table on)", bench::TimeEach(queries * 5, [&](int) { (void)(*ts)->Latest(monitor()); }));
  for (int days : {7, 30, 90}) {
    if (!want("range")) break;
    size_t docs = 0;
    auto us = bench::TimeEach(queries, [&](int) {
      docs = (*ts)->Range(monitor(), bench::RandomWindow(rng, t0, t_end, days))->documents.size();
    });
    std::string what = std::to_string(days) + "-day range (views)";
    bench::ReportLatency(what.c_str(), us, static_cast<double>(docs));
  }
  if (want("range")) {
    size_t docs = 0;
    auto us = bench::TimeEach(queries / 4, [&](int) {
      RangeRequest r;
      r.start = {t_end - 7 * 86400, 0};
      r.end = {t_end, 0};
      r.limit = 10000;
      auto page = (*ts)->Range(monitor(), r);
      docs = 0;
      for (const auto& d : page->documents) docs += d.ToDocument().fields.size() > 0;
    });
    bench::ReportLatency("7-day range, every document fully built", us, static_cast<double>(docs));
  }
  if (want("at"))
    bench::ReportLatency("at-time (+-1 h)", bench::TimeEach(queries * 2, [&](int) {
           Timestamp t{t0 + static_cast<int64_t>(rng() % static_cast<uint64_t>(t_end - t0)), 0};
           (void)(*ts)->AtTime(monitor(), t, std::chrono::hours(1));
         }));
  if (want("trend"))
    bench::ReportLatency("30-day trend of one metric", bench::TimeEach(queries, [&](int) {
           (void)(*ts)->Trend(monitor(), "revenue", 30, Timestamp{t_end, 0});
         }));
  if (want("retention")) {
    // As a policy of "keep 30 days" run at 13:30 would: the cutoff is not
    // on a day boundary, so each monitor's last day is partly deleted.
    bench::Stopwatch retention;
    auto deleted = (*ts)->DeleteBefore({t0 + 30 * 86400 + 13 * 3600 + 1800, 0});
    bench::CheckOk(deleted.status());
    std::printf("retention of the oldest 30.5 days of all %d monitors: %llu documents in %.2f s\n", monitors,
                static_cast<unsigned long long>(*deleted), retention.Seconds());
    bench::ReportLatency("latest after retention",
                         bench::TimeEach(queries, [&](int) { (void)(*ts)->Latest(monitor()); }));
  }
  if (want("latest")) {
    // The same reads through RocksDB alone: reopened without the in-memory
    // newest-document table (the block cache starts empty, so every
    // monitor's latest is read once first). After retention when it ran.
    ts->reset();
    bench::CheckOk((*db)->Close());
    db->reset();
    Options off = o;
    off.latest_documents_bytes = 0;
    db = Database::Open(off, measured);
    bench::CheckOk(db.status());
    ts = TimeSeries::Open(db->get(), tso);
    bench::CheckOk(ts.status());
    for (int m = 0; m < monitors; m++) (void)(*ts)->Latest(tools::SnapshotGenerator::MonitorId(m));
    bench::ReportLatency("latest, newest-document table off",
                         bench::TimeEach(queries * 5, [&](int) { (void)(*ts)->Latest(monitor()); }));
  }
  return 0;
}
