// Ingest with the default block compression against the same store with
// compression off, in one run: both stores receive the same batches,
// alternately, so the machine's noise falls on both alike. Then each is
// compacted and its documents' bytes on disk are compared with the JSON.
//
//   build/bench/hearth_bench_ingest_compression [--monitors N (1000)] [--hours H (2000)]
#include <cstdio>
#include <cstdlib>
#include <string>

#include "bench/bench_util.h"
#include "hearth/database.h"
#include "tools/snapshot_generator.h"

using namespace hearth;

int main(int argc, char** argv) {
  int monitors = 1000, hours = 2000;
  for (int i = 1; i < argc; i += 2) {
    std::string a = argv[i];
    if (i + 1 < argc && a == "--monitors") monitors = std::atoi(argv[i + 1]);
    else if (i + 1 < argc && a == "--hours") hours = std::atoi(argv[i + 1]);
    else {
      std::fprintf(stderr, "usage: %s [--monitors N (1000)] [--hours H (2000)]\n", argv[0]);
      return 2;
    }
  }
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  std::printf("machine: %s\nworkload: %d monitors x %d hourly snapshots, batches of 500, time-major\n",
              bench::MachineDescription().c_str(), monitors, hours);
  bench::ScratchDir dir("ingest-compression");
  struct Store {
    const char* name;
    std::unique_ptr<Database> db;
    double seconds = 0;
  };
  Store stores[2] = {{"default (blocks compressed)", nullptr}, {"compression off", nullptr}};
  for (int k = 0; k < 2; k++) {
    Options o;
    o.document_block_compression = k == 0;
    auto db = Database::Open(o, dir.path() + "/" + std::to_string(k));
    bench::CheckOk(db.status());
    stores[k].db = std::move(*db);
  }
  tools::GeneratorOptions g;
  g.monitors = monitors;
  g.hours = hours;
  tools::SnapshotGenerator gen(g);
  WriteBatch batch;
  MapValue s;
  uint64_t n = 0;
  int turn = 0;
  auto write = [&] {
    // Each batch goes to both stores, the first one alternating.
    for (int j = 0; j < 2; j++) {
      Store& st = stores[(turn + j) % 2];
      bench::Stopwatch sw;
      bench::CheckOk(st.db->Write(batch).status());
      st.seconds += sw.Seconds();
    }
    turn ^= 1;
    n += batch.size();
    batch.Clear();
  };
  while (gen.Next(&s)) {
    std::string path =
        "snapshots/" + s.at("monitor_id").string() + "_" + std::to_string(s.at("timestamp").timestamp().seconds);
    batch.Set(std::move(path), std::move(s));
    if (batch.size() == 500) write();
  }
  if (!batch.empty()) write();
  for (const Store& st : stores)
    std::printf("%-30s %9.0f snapshots/s (writes only, generation excluded)\n", st.name,
                static_cast<double>(n) / st.seconds);
  std::printf("ingest with compression / without: %.2f\n", stores[1].seconds / stores[0].seconds);
  for (Store& st : stores) {
    bench::Stopwatch sw;
    bench::CheckOk(st.db->Compact());
    auto stats = st.db->GetStats();
    bench::CheckOk(stats.status());
    for (const auto& c : stats->collections)
      if (c.id == "snapshots")
        std::printf("%-30s compacted in %.0f s: %.1f MB on disk = %.2f%% of %.1f MB of JSON\n", st.name, sw.Seconds(),
                    static_cast<double>(c.disk_bytes) / 1e6,
                    100.0 * static_cast<double>(c.disk_bytes) / static_cast<double>(c.json_bytes),
                    static_cast<double>(c.json_bytes) / 1e6);
  }
  return 0;
}
