#include "bench/bench_util.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <thread>

#include "tools/snapshot_generator.h"

namespace hearth::bench {

RangeRequest RandomWindow(std::mt19937_64& rng, int64_t t0, int64_t t_end, int days) {
  const int64_t span = int64_t{days} * 86400;
  const int64_t first_end = std::min(t_end, t0 + span);
  const int64_t end = first_end + static_cast<int64_t>(rng() % static_cast<uint64_t>(t_end - first_end + 1));
  RangeRequest r;
  r.start = {end - span, 0};
  r.end = {end, 0};
  r.limit = 10000;
  return r;
}

void ReadEverySnapshot(TimeSeries& ts, int monitors, int64_t t0, int64_t t_end) {
  for (int m = 0; m < monitors; m++) {
    RangeRequest r;
    r.start = {t0, 0};
    r.end = {t_end, 0};
    r.limit = 1000000;
    CheckOk(ts.Range(tools::SnapshotGenerator::MonitorId(m), r).status());
  }
}

void ReportLatency(const char* what, const std::vector<double>& us, double documents) {
  std::printf("%-44s p50 %9.1f us   p99 %9.1f us", what, Percentile(us, 0.5), Percentile(us, 0.99));
  if (documents > 0) std::printf("   (%.0f documents)", documents);
  std::printf("\n");
}

void CheckOk(const Status& s) {
  if (!s.ok()) {
    std::fprintf(stderr, "%s\n", s.ToString().c_str());
    std::exit(1);
  }
}

namespace {

// Generates and writes the workload in batches of 500, then compacts.
void Ingest(Database& db, const tools::GeneratorOptions& g) {
  tools::SnapshotGenerator gen(g);
  Stopwatch ingest;
  WriteBatch batch;
  MapValue s;
  uint64_t n = 0;
  while (gen.Next(&s)) {
    std::string path =
        "snapshots/" + s.at("monitor_id").string() + "_" + std::to_string(s.at("timestamp").timestamp().seconds);
    batch.Set(std::move(path), std::move(s));
    if (batch.size() == 500) {
      CheckOk(db.Write(batch).status());
      n += batch.size();
      batch.Clear();
    }
  }
  if (!batch.empty()) {
    CheckOk(db.Write(batch).status());
    n += batch.size();
  }
  double secs = ingest.Seconds();
  std::printf("ingest: %llu snapshots in %.1f s (%.0f/s, generation included)\n", static_cast<unsigned long long>(n),
              secs, static_cast<double>(n) / secs);
  Stopwatch compact;
  CheckOk(db.Compact());
  std::printf("compaction: %.1f s\n", compact.Seconds());
}

}  // namespace

std::string PrepareSnapshotStore(const Options& o, const tools::GeneratorOptions& g, const std::string& keep,
                                 const ScratchDir& scratch) {
  const std::string ingested = keep.empty() ? scratch.path() + "/db" : keep;
  if (std::filesystem::exists(ingested + "/CURRENT")) {
    std::printf("ingest: reusing the store in %s\n", ingested.c_str());
  } else {
    auto db = Database::Open(o, ingested);
    CheckOk(db.status());
    Ingest(**db, g);
    CheckOk((*db)->Close());
  }
  if (keep.empty()) return ingested;
  const std::string copy = scratch.path() + "/copy";
  std::filesystem::copy(ingested, copy, std::filesystem::copy_options::recursive);
  return copy;
}

namespace {

std::string MadeScratchDir(const std::string& name) {
  auto made = compare::MakeScratchDir("hearth-bench-" + name);
  CheckOk(made.status());
  return *made;
}

}  // namespace

ScratchDir::ScratchDir(const std::string& name) : path_(MadeScratchDir(name)) {}

}  // namespace hearth::bench
