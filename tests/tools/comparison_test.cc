// The side-by-side comparison: every store answers the same questions alike,
// a store that answers differently is caught and not compared, and the
// reports say what was measured.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <filesystem>

#include "schema/json.h"
#include "tests/test_util.h"
#include "tools/compare/comparison.h"
#include "tools/compare/machine.h"
#include "tools/compare/newest_only_store.h"
#include "tools/compare/report.h"
#include "tools/snapshot_generator.h"

namespace hearth::testing {
namespace {

using compare::ComparisonResult;
using compare::Measure;
using compare::ReadResult;
using compare::SnapshotReader;
using compare::SnapshotStore;
using compare::WorkloadOptions;
using compare::WorkloadResult;

WorkloadOptions Tiny() {
  WorkloadOptions o = WorkloadOptions::Smoke();
  o.monitors = 6;
  o.hours = 80;
  o.batch_size = 100;
  o.latest_queries = 20;
  o.range_queries = 8;
  o.at_time_queries = 20;
  o.aggregation_queries = 4;
  o.mixed_hours = 3;
  return o;
}

// Each store in its own directory under `dir`.
std::vector<std::unique_ptr<SnapshotStore>> OpenAll(const std::string& dir) {
  std::vector<std::unique_ptr<SnapshotStore>> out;
  for (const char* name : {"hearth", "rocksdb", "sqlite"}) {
    auto s = compare::OpenStoreNamed(name, dir + "/" + name, 8 << 20);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    if (s.ok()) out.push_back(std::move(*s));
  }
  return out;
}

// Every snapshot of `monitors` x `hours` from the generator, in one batch.
compare::SnapshotBatch GeneratedBatch(int monitors, int hours) {
  tools::GeneratorOptions g;
  g.monitors = monitors;
  g.hours = hours;
  tools::SnapshotGenerator gen(g);
  compare::SnapshotBatch batch;
  for (MapValue m; gen.Next(&m);) batch.Add(std::move(m));
  return batch;
}

std::vector<SnapshotStore*> Pointers(const std::vector<std::unique_ptr<SnapshotStore>>& v) {
  std::vector<SnapshotStore*> out;
  for (const auto& s : v) out.push_back(s.get());
  return out;
}

TEST(Comparison, EveryStoreAnswersEveryWorkloadAlike) {
  TempDir dir;
  auto stores = OpenAll(dir.path());
  ASSERT_EQ(stores.size(), 3u);
  compare::Comparison c(Pointers(stores), Tiny());
  ASSERT_TRUE(c.RunAll().ok());
  const ComparisonResult& r = c.result();
  EXPECT_TRUE(r.AllAgree());
  EXPECT_EQ(r.snapshots, 6u * 80u);
  EXPECT_GT(r.json_bytes, r.snapshots * 500);
  for (const char* name : {"ingest", "settle", "disk", "latest", "range 7d", "range 30d", "range 90d", "at-time",
                           "monthly aggregation", "mixed: writes", "mixed: reads", "retention"}) {
    const WorkloadResult* w = r.Find(name);
    ASSERT_NE(w, nullptr) << name;
    ASSERT_EQ(w->stores.size(), 3u) << name;
    for (const Measure& m : w->stores) {
      EXPECT_TRUE(m.agrees) << name << " " << m.store;
      EXPECT_GT(m.operations, 0u) << name << " " << m.store;
    }
  }
  // Each store took every batch and every query.
  for (const Measure& m : r.Find("ingest")->stores) EXPECT_EQ(m.operations, 480u);
  // The writer's own CPU is measured for every store that writes on the
  // calling thread (all three here); it cannot exceed the wall time by more
  // than the clocks' granularity.
  const WorkloadResult* cpu = r.Find("ingest CPU");
  ASSERT_NE(cpu, nullptr);
  for (size_t s = 0; s < cpu->stores.size(); s++) {
    EXPECT_TRUE(cpu->stores[s].measured) << cpu->stores[s].store;
    EXPECT_EQ(cpu->stores[s].operations, 480u);
    EXPECT_GT(cpu->stores[s].seconds, 0) << cpu->stores[s].store;
    EXPECT_LE(cpu->stores[s].seconds, r.Find("ingest")->stores[s].seconds + 0.05) << cpu->stores[s].store;
  }
  for (const Measure& m : r.Find("latest")->stores) EXPECT_EQ(m.latencies_us.size(), 20u);
  for (const Measure& m : r.Find("mixed: writes")->stores) EXPECT_EQ(m.operations, 6u * 3u);
  for (auto& s : stores) EXPECT_TRUE(s->Close().ok());
}

// The raw RocksDB store without its WAL holds and answers what the one with
// it does, and writes nothing to its log.
TEST(Comparison, RawRocksDbWithoutItsWalAnswersAlikeAndLogsNothing) {
  TempDir dir;
  std::vector<std::unique_ptr<SnapshotStore>> stores;
  for (const char* name : {"rocksdb", "rocksdb-nowal"}) {
    auto s = compare::OpenStoreNamed(name, dir.path() + "/" + name, 8 << 20);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    EXPECT_EQ((*s)->name(), name);
    stores.push_back(std::move(*s));
  }
  WorkloadOptions o = Tiny();
  o.mixed_hours = 0;
  compare::Comparison c(Pointers(stores), o);
  ASSERT_TRUE(c.Ingest().ok());
  ASSERT_TRUE(c.Queries().ok());
  EXPECT_TRUE(c.result().AllAgree());
  // The comparison settled both (their logs are gone with the flush); one
  // more batch each, left in the memtables.
  const compare::SnapshotBatch batch = GeneratedBatch(6, 10);
  for (auto& s : stores) ASSERT_TRUE(s->Ingest(batch).ok()) << s->name();
  auto log_bytes = [&](const std::string& name) {
    uintmax_t n = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir.path() + "/" + name))
      if (e.path().extension() == ".log") n += e.file_size();
    return n;
  };
  EXPECT_GT(log_bytes("rocksdb"), batch.json_bytes);  // every snapshot's JSON went through the WAL
  EXPECT_EQ(log_bytes("rocksdb-nowal"), 0u);
  for (auto& s : stores) EXPECT_TRUE(s->Close().ok());
}

// A workload asked zero times is left out: no row of zeros, no target
// judged on nothing, no retention run when none is asked for.
// Each store's ingest again into a fresh store of its kind, alone: every
// snapshot reaches it (what the fresh store holds says so), reported as its
// own row; a store of another kind is refused.
TEST(Comparison, IngestAloneWritesEverySnapshotIntoAFreshStoreOfEachKind) {
  TempDir dir;
  auto stores = OpenAll(dir.path());
  ASSERT_EQ(stores.size(), 3u);
  WorkloadOptions o = Tiny();
  o.latest_queries = o.range_queries = o.at_time_queries = o.aggregation_queries = 0;
  o.mixed_hours = o.retention_days = 0;
  compare::Comparison c(Pointers(stores), o);
  ASSERT_TRUE(c.Ingest().ok());
  EXPECT_EQ(c.result().Find("ingest alone"), nullptr);  // only when asked for
  const std::vector<std::string> kinds = {"hearth", "rocksdb", "sqlite"};
  for (size_t i = 0; i < kinds.size(); i++) {
    auto fresh = compare::OpenStoreNamed(kinds[i], dir.path() + "/alone-" + kinds[i], 8 << 20);
    ASSERT_TRUE(fresh.ok()) << fresh.status().ToString();
    EXPECT_EQ(c.IngestAlone((i + 1) % kinds.size(), fresh->get()).code(), StatusCode::kInvalidArgument);
    ASSERT_TRUE(c.IngestAlone(i, fresh->get()).ok()) << kinds[i];
    // The fresh store holds the series the compared one does.
    auto fresh_reader = (*fresh)->NewReader();
    auto reader = stores[i]->NewReader();
    ASSERT_TRUE(fresh_reader.ok() && reader.ok());
    const std::string m = tools::SnapshotGenerator::MonitorId(3);
    ReadResult a, b;
    const int64_t end = o.start_seconds + int64_t{o.hours} * 3600;
    ASSERT_TRUE((*fresh_reader)->Range(m, o.start_seconds, end, &a).ok());
    ASSERT_TRUE((*reader)->Range(m, o.start_seconds, end, &b).ok());
    EXPECT_EQ(a.documents(), 80u) << kinds[i];
    std::string why;
    EXPECT_TRUE(compare::SameAnswer(a, b, &why)) << kinds[i] << ": " << why;
    ASSERT_TRUE((*fresh)->Close().ok());
  }
  const WorkloadResult* alone = c.result().Find("ingest alone");
  ASSERT_NE(alone, nullptr);
  ASSERT_EQ(alone->stores.size(), 3u);
  for (const Measure& m : alone->stores) {
    EXPECT_EQ(m.operations, 480u) << m.store;
    EXPECT_GT(m.seconds, 0) << m.store;
  }
}

TEST(Comparison, WorkloadsAskedZeroTimesAreLeftOut) {
  TempDir dir;
  auto stores = OpenAll(dir.path());
  ASSERT_EQ(stores.size(), 3u);
  WorkloadOptions o = Tiny();
  o.latest_queries = 0;
  o.range_queries = 0;
  o.retention_days = 0;
  compare::Comparison c(Pointers(stores), o);
  ASSERT_TRUE(c.RunAll().ok());
  const ComparisonResult& r = c.result();
  for (const char* name : {"latest", "range 7d", "range 30d", "range 90d", "retention"})
    EXPECT_EQ(r.Find(name), nullptr) << name;
  for (const char* name : {"ingest", "at-time", "monthly aggregation"}) EXPECT_NE(r.Find(name), nullptr) << name;
  for (const auto& t : compare::CheckTargets(r)) EXPECT_EQ(t.name.find("latest"), std::string::npos) << t.name;
  // One range query asked for still gets one of each length.
  o.range_queries = 1;
  o.at_time_queries = 0;
  compare::Comparison one(Pointers(stores), o);
  ASSERT_TRUE(one.Queries().ok());
  for (const char* name : {"range 7d", "range 30d", "range 90d"}) {
    ASSERT_NE(one.result().Find(name), nullptr) << name;
    EXPECT_EQ(one.result().Find(name)->stores[0].latencies_us.size(), 1u) << name;
  }
  EXPECT_EQ(one.result().Find("at-time"), nullptr);
  for (auto& s : stores) EXPECT_TRUE(s->Close().ok());
}

TEST(Comparison, StoresReturnTheSameDocumentsForTheSameQuestion) {
  TempDir dir;
  auto stores = OpenAll(dir.path());
  compare::Comparison c(Pointers(stores), Tiny());
  ASSERT_TRUE(c.Ingest().ok());
  std::vector<std::unique_ptr<SnapshotReader>> readers;
  for (auto& s : stores) {
    auto r = s->NewReader();
    ASSERT_TRUE(r.ok());
    readers.push_back(std::move(*r));
  }
  const int64_t t0 = Tiny().start_seconds;
  std::vector<ReadResult> range(3), at(3), none(3), summary(3);
  for (size_t i = 0; i < 3; i++) {
    ASSERT_TRUE(readers[i]->Range("mon-0002", t0 + 3600 * 10, t0 + 3600 * 20, &range[i]).ok());
    ASSERT_TRUE(readers[i]->AtTime("mon-0002", t0 + 3600 * 5 + 1800, 1800, &at[i]).ok());  // a tie: the earlier
    ASSERT_TRUE(readers[i]->Latest("mon-9999", &none[i]).ok());
    ASSERT_TRUE(readers[i]->MonthlySummary("mon-0002", WindowOf(Period::kMonthly, Timestamp{t0, 0}), &summary[i]).ok());
  }
  for (size_t i = 0; i < 3; i++) {
    EXPECT_EQ(range[i].documents(), 10u);
    EXPECT_EQ(at[i].documents(), 1u);
    EXPECT_EQ(none[i].documents(), 0u);
    EXPECT_EQ(summary[i].summary.snapshots, 80);
    EXPECT_GE(summary[i].summary.metrics.size(), 10u);
    std::string why;
    EXPECT_TRUE(compare::SameAnswer(range[0], range[i], &why)) << why;
    EXPECT_TRUE(compare::SameAnswer(at[0], at[i], &why)) << why;
    EXPECT_TRUE(compare::SameAnswer(summary[0], summary[i], &why)) << why;
  }
  // Newest first, and the tie at-time picked the earlier snapshot (hour 5).
  auto time_of = [](const std::string& json) {
    auto d = schema::ParsePlainDocument(json, nullptr);
    return d->fields.at("timestamp").string();
  };
  ASSERT_EQ(range[1].texts.size(), 10u);
  EXPECT_GT(time_of(range[1].texts.front()), time_of(range[1].texts.back()));
  EXPECT_EQ(at[2].texts.size(), 1u);
  auto d = schema::ParsePlainDocument(at[2].texts[0], nullptr);
  EXPECT_EQ(d->fields.at("timestamp").string(), "2026-01-01T05:00:00Z");
  for (auto& r : readers) r.reset();
  for (auto& s : stores) EXPECT_TRUE(s->Close().ok());
}

// A store that loses the oldest document of every range.
class LossyReader : public SnapshotReader {
 public:
  explicit LossyReader(std::unique_ptr<SnapshotReader> inner) : inner_(std::move(inner)) {}
  Status Latest(const std::string& m, ReadResult* out) override { return inner_->Latest(m, out); }
  Status Range(const std::string& m, int64_t from, int64_t to, ReadResult* out) override {
    HEARTH_RETURN_IF_ERROR(inner_->Range(m, from, to, out));
    if (!out->texts.empty()) out->texts.pop_back();
    return Status::OK();
  }
  Status AtTime(const std::string& m, int64_t t, int64_t tol, ReadResult* out) override {
    return inner_->AtTime(m, t, tol, out);
  }
  Status MonthlySummary(const std::string& m, const Window& w, ReadResult* out) override {
    HEARTH_RETURN_IF_ERROR(inner_->MonthlySummary(m, w, out));
    if (!out->summary.metrics.empty()) out->summary.metrics.begin()->second.max += 1;
    return Status::OK();
  }

 private:
  std::unique_ptr<SnapshotReader> inner_;
};

class LossyStore : public SnapshotStore {
 public:
  explicit LossyStore(std::unique_ptr<SnapshotStore> inner) : inner_(std::move(inner)) {}
  std::string name() const override { return "lossy"; }
  const std::string& dir() const override { return inner_->dir(); }
  Status Ingest(const compare::SnapshotBatch& b) override { return inner_->Ingest(b); }
  Status Settle() override { return inner_->Settle(); }
  Status DeleteBefore(int64_t cutoff) override { return inner_->DeleteBefore(cutoff); }
  StatusOr<std::unique_ptr<SnapshotReader>> NewReader() override {
    HEARTH_ASSIGN_OR_RETURN(auto r, inner_->NewReader());
    return std::unique_ptr<SnapshotReader>(new LossyReader(std::move(r)));
  }
  Status Close() override { return inner_->Close(); }

 private:
  std::unique_ptr<SnapshotStore> inner_;
};

// hearth's write helpers work for its writes, so their CPU counts in its
// "ingest CPU": the store reports it, and only with helpers.
TEST(Comparison, HearthReportsTheCpuOfItsWriteHelpers) {
  for (size_t helpers : {0, 1}) {
    TempDir dir;
    compare::HearthSettings settings;
    settings.write_helper_threads = helpers;
    auto store = compare::OpenStoreNamed("hearth", dir.path() + "/hearth", 8 << 20, settings);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    compare::SnapshotBatch batch = GeneratedBatch(50, 8);
    const double before = (*store)->WriteHelperCpuSeconds();
    (*store)->Prepare(batch);
    ASSERT_TRUE((*store)->Ingest(batch).ok());
    const double used = (*store)->WriteHelperCpuSeconds() - before;
    if (helpers == 0) {
      EXPECT_EQ(used, 0.0);
    } else {
      EXPECT_GT(used, 0.0);  // 400 documents, 25 chunks: the helper takes some
    }
    ASSERT_TRUE((*store)->Close().ok());
  }
}

TEST(Comparison, AStoreThatAnswersDifferentlyIsCaughtAndNotCompared) {
  TempDir dir;
  auto hearth_store = compare::OpenStoreNamed("hearth", dir.path() + "/hearth", 8 << 20);
  auto sqlite_store = compare::OpenStoreNamed("sqlite", dir.path() + "/sqlite", 8 << 20);
  ASSERT_TRUE(hearth_store.ok() && sqlite_store.ok());
  LossyStore lossy(std::move(*sqlite_store));
  WorkloadOptions o = Tiny();
  o.mixed_hours = 0;
  compare::Comparison c({hearth_store->get(), &lossy}, o);
  ASSERT_TRUE(c.RunAll().ok());
  const ComparisonResult& r = c.result();
  EXPECT_FALSE(r.AllAgree());
  const WorkloadResult* range = r.Find("range 7d");
  ASSERT_NE(range, nullptr);
  EXPECT_FALSE(range->Of("lossy")->agrees);
  EXPECT_FALSE(range->disagreements.empty());
  EXPECT_EQ(compare::AdvantageWords(*range, "hearth", "lossy"), "disagrees");
  EXPECT_FALSE(compare::Advantage(*range, "hearth", "lossy").has_value());
  EXPECT_FALSE(r.Find("monthly aggregation")->Of("lossy")->agrees);
  EXPECT_FALSE(r.Find("retention")->Of("lossy")->agrees);  // what is left is read as ranges
  // Questions it answers right are still compared.
  EXPECT_TRUE(r.Find("latest")->Of("lossy")->agrees);
  EXPECT_TRUE(compare::Advantage(*r.Find("latest"), "hearth", "lossy").has_value());
  EXPECT_NE(compare::TerminalTable(r).find("DISAGREEMENT in range 7d"), std::string::npos);
  EXPECT_TRUE((*hearth_store)->Close().ok());
  EXPECT_TRUE(lossy.Close().ok());
}

TEST(Comparison, SameAnswerComparesDocumentsInOrderAndSummariesWithinRounding) {
  ReadResult a, b;
  a.texts = {"{\"x\":1}", "{\"x\":2}"};
  b.texts = {"{\"x\":1}", "{\"x\":2}"};
  std::string why;
  EXPECT_TRUE(compare::SameAnswer(a, b, &why));
  std::swap(b.texts[0], b.texts[1]);
  EXPECT_FALSE(compare::SameAnswer(a, b, &why));
  EXPECT_NE(why.find("document 0 differs"), std::string::npos);
  // Where they differ, with what comes before it.
  b.texts = {"{\"x\":1}", std::string(200, ' ') + "{\"x\":3}"};
  a.texts[1] = std::string(200, ' ') + "{\"x\":2}";
  EXPECT_FALSE(compare::SameAnswer(a, b, &why));
  EXPECT_NE(why.find("document 1 differs at byte 205: ..."), std::string::npos) << why;
  EXPECT_NE(why.find("{\"x\":2} against ..."), std::string::npos) << why;
  // -0.0 is 0.0 (also nested); 1 is not 1.0.
  a.texts = {R"({"x":-0.0,"m":{"y":[0.0]}})"};
  b.texts = {R"({"x":0.0,"m":{"y":[-0.0]}})"};
  EXPECT_TRUE(compare::SameAnswer(a, b, &why)) << why;
  b.texts = {R"({"x":0,"m":{"y":[-0.0]}})"};
  EXPECT_FALSE(compare::SameAnswer(a, b, &why));
  a.texts = {"{\"x\":1}", "{\"x\":2}"};
  b.texts = {"{\"x\":1}"};
  EXPECT_FALSE(compare::SameAnswer(a, b, &why));
  EXPECT_EQ(why, "2 documents against 1");

  ReadResult s, t;
  s.summary.snapshots = t.summary.snapshots = 3;
  s.summary.metrics["m"] = {3, 1.0, 5.0, 2.0};
  t.summary.metrics["m"] = {3, 1.0, 5.0, 2.0 * (1 + 1e-12)};  // summation order
  EXPECT_TRUE(compare::SameAnswer(s, t, &why)) << why;
  t.summary.metrics["m"].mean = 2.0001;
  EXPECT_FALSE(compare::SameAnswer(s, t, &why));
  t.summary.metrics["m"].mean = 2.0;
  t.summary.metrics["m"].count = 2;
  EXPECT_FALSE(compare::SameAnswer(s, t, &why));
}

// A result of two stores with chosen figures.
ComparisonResult TwoStores(double hearth_docs_per_s, double sqlite_docs_per_s) {
  ComparisonResult r;
  r.machine = "test machine";
  r.command = "test";
  r.stores = {"hearth", "sqlite"};
  r.json_bytes = 1000;
  WorkloadResult ingest;
  ingest.name = "ingest";
  ingest.kind = WorkloadResult::Kind::kThroughput;
  ingest.stores = {Measure{"hearth", true, 1000, 1000 / hearth_docs_per_s, 0, {}},
                   Measure{"sqlite", true, 1000, 1000 / sqlite_docs_per_s, 0, {}}};
  WorkloadResult latest;
  latest.name = "latest";
  latest.kind = WorkloadResult::Kind::kLatency;
  latest.stores = {Measure{"hearth", true, 4, 0, 0, {1, 2, 30, 40}}, Measure{"sqlite", true, 4, 0, 0, {4, 6, 8, 9}}};
  WorkloadResult disk;
  disk.name = "disk";
  disk.kind = WorkloadResult::Kind::kBytes;
  disk.stores = {Measure{"hearth", true, 100, 0, 0, {}}, Measure{"sqlite", true, 1300, 0, 0, {}}};
  for (Measure& m : disk.stores) m.json_bytes = r.json_bytes;
  r.workloads = {ingest, latest, disk};
  return r;
}

// A scale run: the first store holds every hour, the reference only the
// newest ones, and the questions are about those.
TEST(Comparison, AScaleRunAsksBothStoresAboutTheNewestHoursOnly) {
  TempDir dir;
  WorkloadOptions o = Tiny();
  o.mixed_hours = 0;
  o.retention_days = 0;
  constexpr int kNewest = 30;
  auto open_pair = [&](const std::string& sub) {
    std::vector<std::unique_ptr<SnapshotStore>> out;
    auto large = compare::OpenStoreNamed("hearth", dir.path() + "/" + sub + "-large", 8 << 20);
    auto small = compare::OpenStoreNamed("hearth", dir.path() + "/" + sub + "-small", 8 << 20);
    EXPECT_TRUE(large.ok() && small.ok());
    out.push_back(std::move(*large));
    out.push_back(compare::NewestOnly(std::move(*small), o.start_seconds + int64_t{o.hours - kNewest} * 3600,
                                      "hearth-newest"));
    return out;
  };
  auto stores = open_pair("scale");
  o.query_hours = kNewest;
  compare::Comparison c(Pointers(stores), o);
  c.result().scale_reference = "hearth-newest";
  ASSERT_TRUE(c.RunAll().ok());
  const ComparisonResult& r = c.result();
  EXPECT_TRUE(r.AllAgree());
  EXPECT_EQ(r.Find("ingest")->Of("hearth")->operations, 6u * 80u);
  EXPECT_EQ(r.Find("ingest")->Of("hearth-newest")->operations, 6u * kNewest);
  const Measure& small_disk = *r.Find("disk")->Of("hearth-newest");
  EXPECT_GT(small_disk.json_bytes, 0u);
  EXPECT_LT(small_disk.json_bytes, r.Find("disk")->Of("hearth")->json_bytes / 2);
  EXPECT_FALSE(r.Find("disk")->ratios);  // different amounts of data: not compared
  std::vector<std::string> scale_targets;
  for (const auto& t : compare::CheckTargets(r))
    if (t.name.find("within 10% of the hearth-newest store") != std::string::npos) scale_targets.push_back(t.name);
  EXPECT_EQ(scale_targets.size(), 4u);  // latest and the three ranges
  for (auto& s : stores) EXPECT_TRUE(s->Close().ok());

  // Asked about every hour, the reference lacks the older ones: caught.
  auto again = open_pair("whole-span");
  o.query_hours = 0;
  compare::Comparison whole(Pointers(again), o);
  ASSERT_TRUE(whole.Ingest().ok());
  ASSERT_TRUE(whole.Queries().ok());
  EXPECT_FALSE(whole.result().AllAgree());
  for (auto& s : again) EXPECT_TRUE(s->Close().ok());
}

TEST(ComparisonReport, RatiosSayHowMuchBetterTheSubjectDid) {
  ComparisonResult r = TwoStores(30000, 10000);
  EXPECT_DOUBLE_EQ(*compare::Advantage(*r.Find("ingest"), "hearth", "sqlite"), 3.0);
  EXPECT_EQ(compare::AdvantageWords(*r.Find("ingest"), "hearth", "sqlite"), "3.00x faster");
  // Latency compares medians (2 against 6).
  EXPECT_DOUBLE_EQ(*compare::Advantage(*r.Find("latest"), "hearth", "sqlite"), 3.0);
  EXPECT_DOUBLE_EQ(*compare::Advantage(*r.Find("disk"), "hearth", "sqlite"), 13.0);
  EXPECT_EQ(compare::AdvantageWords(*r.Find("disk"), "hearth", "sqlite"), "13x smaller");
  ComparisonResult slow = TwoStores(5000, 10000);
  EXPECT_EQ(compare::AdvantageWords(*slow.Find("ingest"), "hearth", "sqlite"), "0.50x (slower)");
}

TEST(ComparisonReport, TargetsAreCheckedAsRatiosOfOneRun) {
  auto met = [](const ComparisonResult& r, const std::string& name) {
    for (const auto& t : compare::CheckTargets(r))
      if (t.name == name) return std::optional<bool>(t.met);
    return std::optional<bool>();
  };
  ComparisonResult r = TwoStores(30000, 10000);
  EXPECT_EQ(met(r, "ingest >= 10x SQLite"), false);
  EXPECT_EQ(met(r, "bytes on disk <= 1/5 of SQLite's"), true);
  EXPECT_EQ(met(r, "latest p99 <= 20 us"), false);  // p99 of {1, 2, 30, 40}: 30 (nearest rank below)
  EXPECT_FALSE(met(r, "ingest >= 0.5x raw RocksDB").has_value());  // RocksDB took no part
  EXPECT_EQ(met(TwoStores(100001, 10000), "ingest >= 10x SQLite"), true);
}

// Raw RocksDB's rates against SQLite's, with and without its WAL, frame the
// ingest target; they are reported beside the targets, never as one.
TEST(ComparisonReport, EngineCeilingsSayHowFastRawRocksDbIngestedAgainstSqlite) {
  ComparisonResult r = TwoStores(30000, 10000);
  EXPECT_TRUE(compare::EngineCeilings(r).empty());  // no raw RocksDB in the run
  r.stores = {"hearth", "rocksdb", "rocksdb-nowal", "sqlite"};
  WorkloadResult& ingest = r.workloads[0];
  ingest.stores.insert(ingest.stores.begin() + 1, Measure{"rocksdb", true, 1000, 1000 / 70000.0, 0, {}});
  ingest.stores.insert(ingest.stores.begin() + 2, Measure{"rocksdb-nowal", true, 1000, 1000 / 80000.0, 0, {}});
  const auto ceilings = compare::EngineCeilings(r);
  ASSERT_EQ(ceilings.size(), 2u);
  EXPECT_EQ(ceilings[0].name, "raw RocksDB ingests Nx SQLite's rate");
  EXPECT_DOUBLE_EQ(ceilings[0].value, 7.0);
  EXPECT_EQ(ceilings[1].name, "raw RocksDB without its WAL ingests Nx SQLite's rate");
  EXPECT_EQ(ceilings[1].measured, "8.00");
  for (const auto& t : compare::CheckTargets(r)) EXPECT_EQ(t.name.find("ingests"), std::string::npos) << t.name;
  EXPECT_NE(compare::TerminalTable(r).find(
                "engine ceiling: raw RocksDB without its WAL ingests Nx SQLite's rate (N = 8.00)"),
            std::string::npos);
  EXPECT_NE(compare::MarkdownTable(r).find("| raw RocksDB ingests Nx SQLite's rate | 7.00 |"), std::string::npos);
  rapidjson::Document d;
  d.Parse(compare::ResultJson(r).c_str());
  ASSERT_TRUE(d.HasMember("engine_ceilings"));
  ASSERT_EQ(d["engine_ceilings"].Size(), 2u);
  EXPECT_DOUBLE_EQ(d["engine_ceilings"][1]["value"].GetDouble(), 8.0);
}

TEST(ComparisonReport, JsonMarkdownAndTableCarryTheFiguresAndTheMachine) {
  ComparisonResult r = TwoStores(30000, 10000);
  rapidjson::Document d;
  const std::string json = compare::ResultJson(r);
  d.Parse(json.c_str());
  ASSERT_FALSE(d.HasParseError()) << json;
  EXPECT_STREQ(d["machine"].GetString(), "test machine");
  EXPECT_STREQ(d["command"].GetString(), "test");
  ASSERT_EQ(d["workloads"].Size(), 3u);
  EXPECT_STREQ(d["workloads"][0]["name"].GetString(), "ingest");
  EXPECT_DOUBLE_EQ(d["workloads"][0]["stores"][0]["per_second"].GetDouble(), 30000);
  EXPECT_DOUBLE_EQ(d["workloads"][1]["stores"][1]["p50_us"].GetDouble(), 6);
  const std::string md = compare::MarkdownTable(r);
  EXPECT_NE(md.find("| ingest | 30,000/s | 10,000/s | 3.00x faster |"), std::string::npos) << md;
  EXPECT_NE(md.find("Machine: test machine"), std::string::npos);
  const std::string table = compare::TerminalTable(r);
  EXPECT_NE(table.find("hearth vs sqlite"), std::string::npos);
  EXPECT_NE(table.find("0.00 MB (10.0% of JSON)"), std::string::npos) << table;  // 100 of 1000 bytes
}

TEST(ComparisonReport, QueriesThatReadFromTheDiskSaySoPerQuery) {
  ComparisonResult r = TwoStores(30000, 10000);
  r.workloads[1].stores[1].device_read_bytes = 8000;  // sqlite's 4 latest queries
  const std::string md = compare::MarkdownTable(r);
  EXPECT_NE(md.find("| p50 2.0 / p99 30 µs | p50 6.0 / p99 8.0 µs (2.0 KB/query from disk) |"), std::string::npos)
      << md;
  rapidjson::Document d;
  d.Parse(compare::ResultJson(r).c_str());
  ASSERT_FALSE(d.HasParseError());
  EXPECT_EQ(d["workloads"][1]["stores"][0]["device_read_bytes"].GetUint64(), 0u);
  EXPECT_EQ(d["workloads"][1]["stores"][1]["device_read_bytes"].GetUint64(), 8000u);
  EXPECT_FALSE(d["workloads"][0]["stores"][0].HasMember("device_read_bytes"));  // ingest: not measured
  // On Linux the counter exists and only grows.
  auto before = compare::DeviceReadBytes();
  ASSERT_TRUE(before.has_value());
  EXPECT_GE(*compare::DeviceReadBytes(), *before);
}

TEST(ComparisonReport, PlotsAreDrawnWithGnuplot) {
  if (std::system("command -v gnuplot >/dev/null 2>&1") != 0) GTEST_SKIP() << "gnuplot is not installed";
  TempDir dir;
  ASSERT_TRUE(compare::WritePlots(TwoStores(30000, 10000), dir.path()).ok());
  for (const char* f : {"throughput.png", "latency-latest.png", "plots.gp", "latency-latest-sqlite.dat"})
    EXPECT_GT(std::filesystem::file_size(dir.path() + "/" + f), 0u) << f;
}

}  // namespace
}  // namespace hearth::testing
