// Rollups on monitors x hourly snapshots: a month's aggregation against
// reading the same snapshots (the floor it cannot beat), a day's (which reads
// the 30 days before it for the moving average), a stored rollup read back,
// and a backfill of every monitor's daily, weekly and monthly rollups.
//
//   build/bench/hearth_bench_rollups [--monitors N] [--hours H] [--queries Q] [--cache-mb M] [--store DIR]
//                                    [--backfill-days D] [--projection]
//
// --store DIR keeps the ingested store (the same one hearth_bench_timeseries
// keeps) and measures a copy of it. --projection declares the snapshots with
// a projection of the fields rollups read (CollectionDef::projection; built
// at open when the store has none) and warms it too.
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

#include "bench/bench_util.h"
#include "hearth/aggregator.h"
#include "hearth/database.h"
#include "hearth/timeseries.h"
#include "tools/snapshot_generator.h"

using namespace hearth;

int main(int argc, char** argv) {
  int monitors = 1000, hours = 2000, queries = 500, backfill_days = 90;
  size_t cache_mb = 1024;
  std::string store;
  bool projection = false;
  for (int i = 1; i < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--projection") {
      projection = true;
      i--;
    } else if (i + 1 < argc && a == "--monitors") monitors = std::atoi(argv[i + 1]);
    else if (i + 1 < argc && a == "--hours") hours = std::atoi(argv[i + 1]);
    else if (i + 1 < argc && a == "--queries") queries = std::atoi(argv[i + 1]);
    else if (i + 1 < argc && a == "--cache-mb") cache_mb = std::strtoul(argv[i + 1], nullptr, 10);
    else if (i + 1 < argc && a == "--store") store = argv[i + 1];
    else if (i + 1 < argc && a == "--backfill-days") backfill_days = std::atoi(argv[i + 1]);
    else {
      std::fprintf(stderr,
                   "usage: %s [--monitors N (1000)] [--hours H (2000)] [--queries Q (500)] [--cache-mb M (1024)] "
                   "[--store DIR (keep the ingested store there and reuse it)] [--backfill-days D (90)] "
                   "[--projection]\n",
                   argv[0]);
      return 2;
    }
  }
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  std::printf("machine: %s\nworkload: %d monitors x %d hourly snapshots\n", bench::MachineDescription().c_str(),
              monitors, hours);
  bench::ScratchDir dir("rollups");
  Options o;
  o.block_cache_bytes = cache_mb << 20;
  if (projection) {
    for (const auto& d : MonitoringDomainCollections())
      if (d.id == "snapshots") o.collections.push_back(d);
    o.collections[0].projection.assign(std::begin(kRollupFields), std::end(kRollupFields));
  }
  std::printf("snapshots: %s\n", projection ? "with a projection of the rollup fields" : "whole documents only");
  tools::GeneratorOptions g;
  g.monitors = monitors;
  g.hours = hours;
  auto db = Database::Open(o, bench::PrepareSnapshotStore(o, g, store, dir));
  bench::CheckOk(db.status());
  TimeSeriesOptions tso;
  tso.cache_max_entries = 0;
  auto ts = TimeSeries::Open(db->get(), tso);
  bench::CheckOk(ts.status());
  auto agg = Aggregator::Open(db->get());
  bench::CheckOk(agg.status());
  const int64_t t0 = g.start.seconds, t_end = t0 + int64_t{hours} * 3600;
  bench::Stopwatch warm;
  bench::ReadEverySnapshot(**ts, monitors, t0, t_end);
  for (int m = 0; m < monitors && projection; m++) {
    SeriesScan scan;
    scan.collection = "snapshots";
    scan.partition = Value::String(tools::SnapshotGenerator::MonitorId(m));
    scan.projection = true;
    bench::CheckOk((*db)->ScanSeries(scan, [](const DocumentView&) { return true; }));
  }
  std::printf("warm-up (every snapshot%s read once): %.1f s\n", projection ? " and projection" : "", warm.Seconds());
  std::mt19937_64 rng(5);
  auto monitor = [&] { return tools::SnapshotGenerator::MonitorId(static_cast<int>(rng() % monitors)); };

  // The first month of the workload (January 2026: 744 hourly snapshots).
  const Window month = WindowOf(Period::kMonthly, g.start);
  if (month.end.seconds > t_end) {
    std::fprintf(stderr, "the workload must cover its first month (%d hours at least)\n",
                 static_cast<int>((month.end.seconds - t0) / 3600));
    return 2;
  }
  size_t docs = 0;
  auto read = bench::TimeEach(queries, [&](int) {
    RangeRequest r;
    r.start = month.start;
    r.end = month.end;
    r.limit = 100000;
    r.oldest_first = true;
    docs = (*ts)->Range(monitor(), r)->documents.size();
  });
  bench::ReportLatency("read the month's snapshots (views)", read, static_cast<double>(docs));
  auto monthly = bench::TimeEach(queries, [&](int) {
    auto a = (*agg)->Compute(monitor(), Period::kMonthly, month.start);
    bench::CheckOk(a.status());
    docs = static_cast<size_t>((*a)->snapshot_count);
  });
  bench::ReportLatency("monthly aggregation, computed", monthly, static_cast<double>(docs));
  std::printf("  aggregation / reading the same snapshots: %.2f (p50)\n",
              bench::Percentile(monthly, 0.5) / bench::Percentile(read, 0.5));
  // Where the time goes: the scan with field extraction, and the arithmetic.
  std::vector<SnapshotPoint> points;
  auto extract = bench::TimeEach(queries, [&](int) {
    SeriesScan scan;
    scan.collection = "snapshots";
    scan.partition = Value::String(monitor());
    scan.start = month.start;
    scan.end = month.end;
    scan.projection = projection;  // as the aggregator reads them
    points.clear();
    bench::CheckOk((*db)->ScanSeries(scan, [&](const DocumentView& v) {
      points.push_back(*PointOf(v));
      return true;
    }));
  });
  bench::ReportLatency(projection ? "  of which: scan the projections, extract" : "  of which: scan, extract the fields",
                       extract, static_cast<double>(points.size()));
  bench::ReportLatency("  of which: the arithmetic", bench::TimeEach(queries, [&](int) {
                         (void)Aggregate("m", Period::kMonthly, month, points, Timestamp{});
                       }));
  const Timestamp day{t0 + 40 * 86400, 0};
  bench::ReportLatency("daily aggregation, computed (30 days read)", bench::TimeEach(queries, [&](int) {
                         bench::CheckOk((*agg)->Compute(monitor(), Period::kDaily, day).status());
                       }));
  for (int m = 0; m < monitors; m++)
    bench::CheckOk((*agg)->Get(tools::SnapshotGenerator::MonitorId(m), Period::kMonthly, month.start).status());
  bench::ReportLatency("monthly rollup read back (stored)", bench::TimeEach(queries * 4, [&](int) {
                         bench::CheckOk((*agg)->Get(monitor(), Period::kMonthly, month.start).status());
                       }));

  BackfillRequest r;
  r.from = g.start;
  r.to = {t0 + int64_t{backfill_days} * 86400, 0};
  bench::Stopwatch backfill;
  auto report = (*agg)->Backfill(r);
  bench::CheckOk(report.status());
  const double secs = backfill.Seconds();
  std::printf("backfill of %d days for all %d monitors: %llu rollups written in %.1f s (%.1f ms per monitor)\n",
              backfill_days, monitors, static_cast<unsigned long long>(report->written()), secs,
              1000 * secs / monitors);
  for (const auto& [p, c] : report->periods)
    std::printf("  %-8s created %llu, kept %llu, empty %llu\n", std::string(PeriodName(p)).c_str(),
                static_cast<unsigned long long>(c.created), static_cast<unsigned long long>(c.kept),
                static_cast<unsigned long long>(c.empty));
  return 0;
}
