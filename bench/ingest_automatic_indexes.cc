// Ingest with and without Firestore's automatic single-field indexes, in the
// same run (the machines are shared and noisy: compare the ratio).
//
//   build/bench/hearth_bench_ingest_auto [--monitors N] [--hours H] [--rounds R] [--only on|off]
//
// Snapshots are generated in memory first (time-major, as a live system
// receives them) and written through the public API in batches of 500 into a
// fresh on-disk store, with the repository's firestore.indexes.json (prose
// fields exempted) and automatic indexing on, then off; R rounds alternate.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench/bench_util.h"
#include "hearth/database.h"
#include "tools/snapshot_generator.h"

using namespace hearth;

namespace {

double Ingest(const std::vector<MapValue>& docs, bool automatic, uint64_t* auto_entries) {
  bench::ScratchDir dir(automatic ? "auto-on" : "auto-off");
  Options o;
  o.automatic_indexes = automatic;
  auto db = Database::Open(o, dir.path());
  if (!db.ok()) {
    std::fprintf(stderr, "%s\n", db.status().ToString().c_str());
    std::exit(1);
  }
  // Batches are built before the clock starts: only the store is measured.
  std::vector<WriteBatch> batches;
  for (size_t i = 0; i < docs.size(); i++) {
    if (i % 500 == 0) batches.emplace_back();
    const MapValue& d = docs[i];
    batches.back().Set(
        "snapshots/" + d.at("monitor_id").string() + "_" + std::to_string(d.at("timestamp").timestamp().seconds), d);
  }
  bench::Stopwatch sw;
  for (const auto& batch : batches) {
    auto r = (*db)->Write(batch);
    if (!r.ok()) {
      std::fprintf(stderr, "%s\n", r.status().ToString().c_str());
      std::exit(1);
    }
  }
  double secs = sw.Seconds();
  auto report = (*db)->Check();
  *auto_entries = report.ok() ? report->EntriesWithPrefix("auto.") : 0;
  (void)(*db)->Close();
  return secs;
}

}  // namespace

int main(int argc, char** argv) {
  int monitors = 100, hours = 500, rounds = 2;
  std::string only;  // "on" or "off" runs one configuration (for profiling)
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--monitors") monitors = std::atoi(argv[i + 1]);
    if (a == "--hours") hours = std::atoi(argv[i + 1]);
    if (a == "--rounds") rounds = std::atoi(argv[i + 1]);
    if (a == "--only") only = argv[i + 1];
  }
  tools::GeneratorOptions g;
  g.monitors = monitors;
  g.hours = hours;
  tools::SnapshotGenerator gen(g);
  std::vector<MapValue> docs;
  MapValue s;
  while (gen.Next(&s)) docs.push_back(s);
  std::printf("machine: %s\n", bench::MachineDescription().c_str());
  std::printf("workload: %zu snapshots (%d monitors x %d hours), batches of 500, on-disk store\n", docs.size(),
              monitors, hours);
  double best_on = 1e9, best_off = 1e9;
  uint64_t entries_on = 0, entries_off = 0;
  for (int r = 0; r < rounds; r++) {
    if (only != "on") best_off = std::min(best_off, Ingest(docs, false, &entries_off));
    if (only != "off") best_on = std::min(best_on, Ingest(docs, true, &entries_on));
  }
  double n = static_cast<double>(docs.size());
  std::printf("%-34s %12s %14s\n", "configuration", "docs/s", "auto entries");
  std::printf("%-34s %12.0f %14llu\n", "automatic indexes off", n / best_off, static_cast<unsigned long long>(entries_off));
  std::printf("%-34s %12.0f %14llu\n", "automatic indexes on (default)", n / best_on,
              static_cast<unsigned long long>(entries_on));
  std::printf("ratio on/off: %.2f (best of %d rounds each)\n", best_off / best_on, rounds);
  return 0;
}
