// Query cost against collection size: the same limit-10 queries on a
// 10,000-document and a 1,000,000-document collection, in one run. The
// ratio of latencies (large / small) should stay near 1: a query's cost
// grows with what it returns, not with the collection.
//
//   build/bench/hearth_bench_query_scaling [--small N] [--large N] [--queries Q] [--cache-mb M]
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "bench/bench_util.h"
#include "hearth/database.h"

using namespace hearth;

namespace {

const char* kIndexes = R"({"indexes":[{"collectionGroup":"items","fields":[
    {"fieldPath":"group","order":"ASCENDING"},{"fieldPath":"n","order":"DESCENDING"}]}]})";

size_t g_cache_mb = 64;

std::unique_ptr<Database> Fill(const std::string& dir, int docs) {
  Options o;
  o.block_cache_bytes = g_cache_mb << 20;
  o.indexes_json = kIndexes;
  auto db = Database::Open(o, dir);
  if (!db.ok()) {
    std::fprintf(stderr, "%s\n", db.status().ToString().c_str());
    std::exit(1);
  }
  WriteBatch b;
  for (int i = 0; i < docs; i++) {
    char id[16];
    std::snprintf(id, sizeof id, "i%08d", i);
    b.Set(std::string("items/") + id, MapValue{{"n", Value::Integer(i)},
                                                {"group", Value::Integer(i % 100)},
                                                {"name", Value::String("item number " + std::to_string(i))}});
    if (b.size() == 1000) {
      if (!(*db)->Write(b).ok()) std::exit(1);
      b.Clear();
    }
  }
  if (!b.empty() && !(*db)->Write(b).ok()) std::exit(1);
  return std::move(db).value();
}

struct Shape {
  const char* name;
  std::function<Query(std::mt19937_64&, int docs)> make;
};

// Reads every document and every index entry once, so both stores are
// measured with their blocks cached (a long-running store's steady state).
void Warm(Database& db) {
  Query all;
  all.collection_id = "items";
  all.where = Filter::Field("n", FilterOp::kGreaterThanOrEqual, Value::Integer(0));
  (void)db.RunQuery(all, [](const Document&) { return true; });
  for (int g = 0; g < 100; g++) {
    Query q;
    q.collection_id = "items";
    q.where = Filter::Field("group", FilterOp::kEqual, Value::Integer(g));
    q.order_by = {{"n", SortDirection::kDescending}};
    (void)db.RunQuery(q, [](const Document&) { return true; });
  }
  (void)db.Scan("items", [](const Document&) { return true; });
}


void Measure(Database& db_small, Database& db_large, int small, int large, int queries);

}  // namespace

int main(int argc, char** argv) {
  int small = 10000, large = 1000000, queries = 2000;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--small") small = std::atoi(argv[i + 1]);
    if (a == "--large") large = std::atoi(argv[i + 1]);
    if (a == "--queries") queries = std::atoi(argv[i + 1]);
    if (a == "--cache-mb") g_cache_mb = static_cast<size_t>(std::atoi(argv[i + 1]));
  }
  std::printf("machine: %s\nblock cache: %zu MiB per store\n", bench::MachineDescription().c_str(), g_cache_mb);
  bench::ScratchDir dir_small("scaling-small"), dir_large("scaling-large");
  bench::Stopwatch fill;
  auto db_small = Fill(dir_small.path(), small);
  auto db_large = Fill(dir_large.path(), large);
  std::printf("filled %d and %d documents in %.1f s\n", small, large, fill.Seconds());
  for (bool compacted : {false, true}) {
    if (compacted) {
      bench::Stopwatch c;
      if (!db_small->Compact().ok() || !db_large->Compact().ok()) return 1;
      Warm(*db_small);
      Warm(*db_large);
      std::printf("\nafter a full compaction (%.1f s) and a read of everything (caches warm): the steady state\n",
                  c.Seconds());
    } else {
      std::printf("\nright after loading (data still in memtables and level-0 files)\n");
    }
    Measure(*db_small, *db_large, small, large, queries);
  }
  return 0;
}

namespace {
void Measure(Database& db_small_ref, Database& db_large_ref, int small, int large, int queries) {

  std::vector<Shape> shapes = {
      {"group == g order by n desc limit 10 (composite)",
       [](std::mt19937_64& r, int) {
         Query q;
         q.collection_id = "items";
         q.where = Filter::Field("group", FilterOp::kEqual, Value::Integer(static_cast<int64_t>(r() % 100)));
         q.order_by = {{"n", SortDirection::kDescending}};
         q.limit = 10;
         return q;
       }},
      {"n >= x limit 10 (automatic index)",
       [](std::mt19937_64& r, int docs) {
         Query q;
         q.collection_id = "items";
         q.where = Filter::Field("n", FilterOp::kGreaterThanOrEqual, Value::Integer(static_cast<int64_t>(r() % docs)));
         q.limit = 10;
         return q;
       }},
      {"order by __name__ start after id limit 10",
       [](std::mt19937_64& r, int docs) {
         Query q;
         q.collection_id = "items";
         char id[16];
         std::snprintf(id, sizeof id, "i%08d", static_cast<int>(r() % docs));
         q.start_at = Cursor{{Value::String(id)}, false};
         q.limit = 10;
         return q;
       }},
  };
  std::printf("%-48s %12s %12s %12s %12s %8s\n", "query", "small p50 us", "small p99 us", "large p50 us",
              "large p99 us", "ratio");
  std::mt19937_64 rng(7);
  for (const auto& shape : shapes) {
    std::vector<double> t_small, t_large;
    for (int i = 0; i < queries; i++) {
      for (int which = 0; which < 2; which++) {  // interleaved, so noise hits both alike
        Database& db = which == 0 ? db_small_ref : db_large_ref;
        Query q = shape.make(rng, which == 0 ? small : large);
        size_t n = 0;
        bench::Stopwatch sw;
        Status s = db.RunQuery(q, [&](const Document&) { return ++n, true; });
        double us = sw.Seconds() * 1e6;
        if (!s.ok()) {
          std::fprintf(stderr, "%s\n", s.ToString().c_str());
          std::exit(1);
        }
        (which == 0 ? t_small : t_large).push_back(us);
      }
    }
    double ps = bench::Percentile(t_small, 0.5), pl = bench::Percentile(t_large, 0.5);
    std::printf("%-48s %12.1f %12.1f %12.1f %12.1f %8.2f\n", shape.name, ps, bench::Percentile(t_small, 0.99), pl,
                bench::Percentile(t_large, 0.99), pl / ps);
  }
}
}  // namespace
