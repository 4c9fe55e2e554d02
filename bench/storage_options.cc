// What each storage configuration costs and saves, side by side in one run on
// the same generated snapshots: bytes on disk against the raw JSON, ingest
// rate against the same store with compression off, and the latest and
// 7-day-range latencies with a warm block cache that holds everything (no
// block is decompressed: the cost of hearth's own decoding) and with a small
// one (blocks come from the page cache and are decompressed).
//
//   build/bench/hearth_bench_storage [--monitors N (100)] [--hours H (500)] [--queries Q (500)]
//                                    [--fresh-prose] [--only NAME]
#include <cstdio>
#include <functional>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "bench/bench_util.h"
#include "bench/json_baselines.h"
#include "hearth/database.h"
#include "hearth/timeseries.h"
#include "tools/snapshot_generator.h"

using namespace hearth;

namespace {

struct Config {
  std::string name;
  std::function<void(Options*)> tune;
  DocumentCompression compression = DocumentCompression::kNone;
};

// Block size and RocksDB's per-SST dictionary; 0 bytes: none.
std::function<void(Options*)> Blocks(size_t block_kib, size_t dict_kib) {
  return [=](Options* o) {
    o->document_block_bytes = block_kib << 10;
    o->document_sst_dictionary_bytes = dict_kib << 10;
  };
}

std::vector<Config> Configs() {
  return {
      {"off (no compression at all)", [](Options* o) { o->document_block_compression = false; }},
      {"blocks 16K", Blocks(16, 0)},
      {"blocks 32K", Blocks(32, 0)},
      {"blocks 64K", Blocks(64, 0)},
      {"blocks 16K + sst dict 64K", Blocks(16, 64)},
      {"blocks 32K + sst dict 64K (default)", Blocks(32, 64)},
      {"blocks 64K + sst dict 64K", Blocks(64, 64)},
      {"zstd/doc + default blocks", [](Options*) {}, DocumentCompression::kZstd},
      {"zstd-dict/doc + default blocks", [](Options*) {}, DocumentCompression::kZstdDictionary},
  };
}

struct Corpus {
  std::vector<std::pair<std::string, MapValue>> docs;  // path, fields, time-major
  int monitors = 0;
  int64_t t0 = 0, t_end = 0;
};

Options OptionsFor(const Config& c, size_t cache_bytes) {
  Options o;
  o.block_cache_bytes = cache_bytes;
  CollectionDef snapshots = MonitoringDomainCollections()[0];
  snapshots.compression = c.compression;
  o.collections = {snapshots};
  c.tune(&o);
  return o;
}

void Reads(const Corpus& corpus, Database* db, int queries, const char* label) {
  TimeSeriesOptions tso;
  tso.cache_max_entries = 0;  // measure the store, not the query cache
  auto ts = TimeSeries::Open(db, tso);
  bench::CheckOk(ts.status());
  std::mt19937_64 rng(3);
  auto monitor = [&] { return tools::SnapshotGenerator::MonitorId(static_cast<int>(rng() % corpus.monitors)); };
  auto latest = bench::TimeEach(queries * 4, [&](int) { (void)(*ts)->Latest(monitor()); });
  size_t docs = 0;
  auto range = bench::TimeEach(queries, [&](int) {
    docs = (*ts)->Range(monitor(), bench::RandomWindow(rng, corpus.t0, corpus.t_end, 7))->documents.size();
  });
  std::printf("    %-18s latest p50 %7.1f p99 %7.1f us   7-day range (%zu docs) p50 %8.1f p99 %8.1f us\n", label,
              bench::Percentile(latest, 0.5), bench::Percentile(latest, 0.99), docs, bench::Percentile(range, 0.5),
              bench::Percentile(range, 0.99));
}

void Run(const Config& c, const Corpus& corpus, int queries, double* off_rate) {
  bench::ScratchDir dir("storage");
  double rate = 0;
  {
    auto db = Database::Open(OptionsFor(c, size_t{1} << 30), dir.path());
    bench::CheckOk(db.status());
    bench::Stopwatch sw;
    WriteBatch batch;
    for (const auto& [path, fields] : corpus.docs) {
      batch.Set(path, fields);
      if (batch.size() == 500) {
        bench::CheckOk((*db)->Write(batch).status());
        batch.Clear();
      }
    }
    if (!batch.empty()) bench::CheckOk((*db)->Write(batch).status());
    rate = static_cast<double>(corpus.docs.size()) / sw.Seconds();
    bench::CheckOk((*db)->Compact());
    auto st = (*db)->GetStats();
    bench::CheckOk(st.status());
    for (const auto& cs : st->collections) {
      if (cs.id != "snapshots") continue;
      if (*off_rate == 0) *off_rate = rate;
      std::printf("%-36s ingest %7.0f/s (%3.0f%% of off)   JSON %6.1f MB  values %6.1f MB  disk %6.1f MB = %5.2f%% of JSON\n",
                  c.name.c_str(), rate, 100 * rate / *off_rate, static_cast<double>(cs.json_bytes) / 1e6,
                  static_cast<double>(cs.stored_bytes) / 1e6, static_cast<double>(cs.disk_bytes) / 1e6,
                  100.0 * static_cast<double>(cs.disk_bytes) / static_cast<double>(cs.json_bytes));
    }
    // Warm: every document read once, so every block is in the cache.
    {
      auto ts = TimeSeries::Open(db->get(), TimeSeriesOptions{});
      bench::CheckOk(ts.status());
      bench::ReadEverySnapshot(**ts, corpus.monitors, corpus.t0, corpus.t_end);
    }
    Reads(corpus, db->get(), queries, "cache 1 GiB:");
    bench::CheckOk((*db)->Close());
  }
  auto db = Database::Open(OptionsFor(c, size_t{8} << 20), dir.path());
  bench::CheckOk(db.status());
  Reads(corpus, db->get(), queries, "cache 8 MiB:");
}

}  // namespace

int main(int argc, char** argv) {
  tools::GeneratorOptions g;
  g.monitors = 100;
  g.hours = 500;
  int queries = 500;
  std::string only;
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    if (a == "--monitors" && i + 1 < argc) g.monitors = std::atoi(argv[++i]);
    else if (a == "--hours" && i + 1 < argc) g.hours = std::atoi(argv[++i]);
    else if (a == "--queries" && i + 1 < argc) queries = std::atoi(argv[++i]);
    else if (a == "--only" && i + 1 < argc) only = argv[++i];
    else if (a == "--fresh-prose") g.fresh_prose = true;
    else {
      std::fprintf(stderr,
                   "usage: %s [--monitors N (100)] [--hours H (500)] [--queries Q (500)] [--fresh-prose] "
                   "[--only NAME-PREFIX]\n",
                   argv[0]);
      return 2;
    }
  }
  std::printf("machine: %s\ncorpus: %d monitors x %d hourly snapshots, %s prose\n",
              bench::MachineDescription().c_str(), g.monitors, g.hours, g.fresh_prose ? "fresh" : "slowly evolving");
  Corpus corpus;
  corpus.monitors = g.monitors;
  {
    tools::SnapshotGenerator gen(g);
    MapValue s;
    while (gen.Next(&s)) {
      std::string path = "snapshots/" + s.at("monitor_id").string() + "_" +
                         std::to_string(s.at("timestamp").timestamp().seconds);
      corpus.docs.emplace_back(std::move(path), std::move(s));
    }
  }
  {
    std::map<std::string, std::vector<MapValue>> grouped;
    for (const auto& [path, fields] : corpus.docs) grouped[fields.at("monitor_id").string()].push_back(fields);
    std::vector<std::vector<MapValue>> by_monitor;
    for (auto& [id, docs] : grouped) by_monitor.push_back(std::move(docs));
    bench::PrintJsonBaselines(bench::MeasureJsonBaselines(by_monitor), static_cast<double>(corpus.docs.size()));
  }
  corpus.t0 = g.start.seconds;
  corpus.t_end = g.start.seconds + int64_t{g.hours} * 3600;
  double off_rate = 0;
  for (const Config& c : Configs()) {
    if (!only.empty() && c.name.rfind(only, 0) != 0 && c.name.rfind("off", 0) != 0) continue;
    Run(c, corpus, queries, &off_rate);
  }
  return 0;
}
