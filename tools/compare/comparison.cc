#include "tools/compare/comparison.h"

#include <atomic>
#include <chrono>
#include <random>
#include <thread>

#include "tools/compare/machine.h"
#include "tools/snapshot_generator.h"

namespace hearth::compare {

namespace {

constexpr int64_t kDay = 86400;
constexpr size_t kMaxDisagreements = 5;  // kept per workload, in words

// Generated snapshots cut into batches.
class Batches {
 public:
  explicit Batches(const tools::GeneratorOptions& g, size_t batch_size) : gen_(g), batch_size_(batch_size) {}
  bool Next(SnapshotBatch* b) {
    *b = {};
    MapValue s;
    while (b->size() < batch_size_ && gen_.Next(&s)) b->Add(std::move(s));
    return b->size() > 0;
  }

 private:
  tools::SnapshotGenerator gen_;
  size_t batch_size_;
};

// The snapshots every store ingests: `o.hours` of `o.monitors` from `t0`.
tools::GeneratorOptions IngestedSnapshots(const WorkloadOptions& o, int64_t t0) {
  tools::GeneratorOptions g;
  g.monitors = o.monitors;
  g.hours = o.hours;
  g.seed = o.seed;
  g.start = Timestamp{t0, 0};
  return g;
}

// Hands `b` to `store` (prepared untimed) and adds the write's time and the
// snapshots the store kept to `wall`, and to `cpu` with the CPU time of the
// calling thread and of the store's write helpers when given. Returns the
// write's status; a failed write's time counts, its snapshots do not.
// `*json_bytes`, when given, grows by the plain JSON of the kept snapshots.
Status TimedIngest(SnapshotStore& store, const SnapshotBatch& b, Measure& wall, Measure* cpu = nullptr,
                   uint64_t* json_bytes = nullptr) {
  store.Prepare(b);
  const double helpers0 = cpu != nullptr ? store.WriteHelperCpuSeconds() : 0;
  const double cpu0 = cpu != nullptr ? ThreadCpuSeconds() : 0;
  Stopwatch sw;
  Status st = store.Ingest(b);
  wall.seconds += sw.Seconds();
  if (cpu != nullptr) cpu->seconds += ThreadCpuSeconds() - cpu0 + store.WriteHelperCpuSeconds() - helpers0;
  if (!st.ok()) return st;
  const SnapshotBatch& kept = store.Kept(b);
  wall.operations += kept.size();
  if (cpu != nullptr) cpu->operations += kept.size();
  if (json_bytes != nullptr) *json_bytes += kept.json_bytes;
  return st;
}

}  // namespace

WorkloadOptions WorkloadOptions::Smoke() {
  WorkloadOptions o;
  o.monitors = 20;
  o.hours = 200;
  o.batch_size = 250;
  o.latest_queries = 100;
  o.range_queries = 20;
  o.at_time_queries = 100;
  o.aggregation_queries = 10;
  o.mixed_hours = 6;
  o.mixed_readers = 2;
  return o;
}

double Measure::Percentile(double p) const { return compare::Percentile(latencies_us, p); }

Measure* WorkloadResult::Of(const std::string& store) {
  for (Measure& m : stores)
    if (m.store == store) return &m;
  return nullptr;
}
const Measure* WorkloadResult::Of(const std::string& store) const {
  return const_cast<WorkloadResult*>(this)->Of(store);
}

bool ComparisonResult::AllAgree() const {
  for (const WorkloadResult& w : workloads)
    if (!w.disagreements.empty()) return false;
  return true;
}

const WorkloadResult* ComparisonResult::Find(const std::string& name) const {
  for (const WorkloadResult& w : workloads)
    if (w.name == name) return &w;
  return nullptr;
}

Comparison::Comparison(std::vector<SnapshotStore*> stores, WorkloadOptions options, ProgressFn progress)
    : stores_(std::move(stores)), options_(options), progress_(std::move(progress)) {
  result_.machine = MachineDescription();
  result_.options = options_;
  for (SnapshotStore* s : stores_) result_.stores.push_back(s->name());
  t0_ = options_.start_seconds;
  t_end_ = t0_ + int64_t{options_.hours} * 3600;
}

void Comparison::Progress(const std::string& task, uint64_t done, uint64_t total) {
  if (progress_) progress_(task, done, total);
}

WorkloadResult& Comparison::Add(std::string name, WorkloadResult::Kind kind, std::string detail) {
  WorkloadResult w;
  w.name = std::move(name);
  w.kind = kind;
  w.detail = std::move(detail);
  for (SnapshotStore* s : stores_) {
    Measure m;
    m.store = s->name();
    w.stores.push_back(std::move(m));
  }
  result_.workloads.push_back(std::move(w));
  return result_.workloads.back();
}

void Comparison::Compare(WorkloadResult& w, const std::vector<ReadResult>& answers, const std::string& question) {
  for (size_t s = 1; s < answers.size(); s++) {
    std::string why;
    if (SameAnswer(answers[0], answers[s], &why)) continue;
    w.stores[s].agrees = false;
    if (w.disagreements.size() < kMaxDisagreements)
      w.disagreements.push_back(stores_[s]->name() + " answered " + question + " unlike " + stores_[0]->name() + ": " +
                                why);
  }
}

Status Comparison::Ingest() {
  WorkloadResult& ingest = Add("ingest", WorkloadResult::Kind::kThroughput,
                               "snapshots in atomic batches of " + std::to_string(options_.batch_size));
  // The writer's own CPU (its thread's, and its helpers' where the store
  // shares a batch out): less disturbed by what else runs on the cores
  // (background compactions, other processes) than wall time, so it says
  // what a write costs the store; not a target.
  WorkloadResult& cpu = Add("ingest CPU", WorkloadResult::Kind::kThroughput,
                            "snapshots per CPU-second of the writing thread and the store's write helpers (wall time aside)");
  for (size_t s = 0; s < stores_.size(); s++) cpu.stores[s].measured = stores_[s]->writes_on_calling_thread();
  Batches batches(IngestedSnapshots(options_, t0_), options_.batch_size);
  const uint64_t total = uint64_t(options_.monitors) * uint64_t(options_.hours);
  SnapshotBatch b;
  std::vector<uint64_t> json_bytes(stores_.size());  // what each store was given
  size_t turn = 0;
  while (batches.Next(&b)) {
    for (size_t j = 0; j < stores_.size(); j++) {
      const size_t s = (turn + j) % stores_.size();
      Status st = TimedIngest(*stores_[s], b, ingest.stores[s], &cpu.stores[s], &json_bytes[s]);
      if (!st.ok()) return st.WithContext(stores_[s]->name() + " ingest");
    }
    turn++;
    result_.snapshots += b.size();
    result_.json_bytes += b.json_bytes;
    Progress("ingest", result_.snapshots, total);
  }
  WorkloadResult& settle = Add("settle", WorkloadResult::Kind::kDuration,
                               "compaction (RocksDB stores) or WAL checkpoint (SQLite) after ingest; not compared: "
                               "the work differs");
  settle.ratios = false;
  WorkloadResult& disk = Add("disk", WorkloadResult::Kind::kBytes, "bytes of the store's directory after settling");
  // A scale run's stores hold different amounts: their sizes say nothing of each other.
  disk.ratios = result_.scale_reference.empty();
  for (size_t s = 0; s < stores_.size(); s++) {
    Progress("settle " + stores_[s]->name(), s, stores_.size());
    Stopwatch sw;
    HEARTH_RETURN_IF_ERROR(stores_[s]->Settle());
    settle.stores[s].seconds = sw.Seconds();
    settle.stores[s].operations = 1;
    disk.stores[s].json_bytes = json_bytes[s];
    if (stores_[s]->local()) disk.stores[s].operations = DirectoryBytes(stores_[s]->dir());
    else disk.stores[s].measured = false;
  }
  return Status::OK();
}

Status Comparison::OpenReaders() {
  if (!readers_.empty()) return Status::OK();
  for (SnapshotStore* s : stores_) {
    HEARTH_ASSIGN_OR_RETURN(auto r, s->NewReader());
    readers_.push_back(std::move(r));
  }
  return Status::OK();
}

Status Comparison::Verify(WorkloadResult& w, const std::string& question,
                          const std::function<Status(SnapshotReader&, ReadResult*)>& ask) {
  HEARTH_RETURN_IF_ERROR(OpenReaders());
  std::vector<ReadResult> answers(stores_.size());
  for (size_t s = 0; s < stores_.size(); s++) HEARTH_RETURN_IF_ERROR(ask(*readers_[s], &answers[s]));
  Compare(w, answers, question);
  return Status::OK();
}

template <typename Query>
Status Comparison::RunQueries(const std::string& name, const std::string& detail, int count, Query&& query) {
  if (count <= 0) return Status::OK();  // not asked for: no row, no target
  HEARTH_RETURN_IF_ERROR(OpenReaders());
  if (!warm_) {
    // A running service has touched its monitors before: read each one's
    // newest snapshot once, untimed, so the first query of a monitor is not
    // what the percentiles measure. With --warm every snapshot is read
    // first: the newest go last, or a large store's full reads would have
    // pushed them out of a small cache again, and each monitor's first
    // latest question would pay for it (at 10 M snapshots, 40 monitors and
    // 2,000 latest questions, those 40 cold reads were the p99).
    ReadResult scratch;
    auto each_monitor = [&](const std::string& what, auto&& read) -> Status {
      for (auto& r : readers_)
        for (int m = 0; m < options_.monitors; m++) {
          scratch.Clear();
          HEARTH_RETURN_IF_ERROR(read(*r, tools::SnapshotGenerator::MonitorId(m)));
          Progress("warming up (" + what + ")", static_cast<uint64_t>(m + 1), static_cast<uint64_t>(options_.monitors));
        }
      return Status::OK();
    };
    if (options_.warm_all)
      HEARTH_RETURN_IF_ERROR(each_monitor("every snapshot", [&](SnapshotReader& r, const std::string& id) {
        return r.Range(id, t0_, t_end_, &scratch);
      }));
    HEARTH_RETURN_IF_ERROR(
        each_monitor("newest", [&](SnapshotReader& r, const std::string& id) { return r.Latest(id, &scratch); }));
    warm_ = true;
  }
  WorkloadResult& w = Add(name, WorkloadResult::Kind::kLatency, detail);
  std::mt19937_64 rng(options_.seed * 7919 + result_.workloads.size());
  std::vector<ReadResult> answers(stores_.size());
  uint64_t documents = 0;
  for (int i = 0; i < count; i++) {
    // The question: a function of the generator, asked of every store.
    std::string question;
    auto ask = query(rng, &question);
    for (size_t j = 0; j < stores_.size(); j++) {
      const size_t s = (static_cast<size_t>(i) + j) % stores_.size();
      answers[s].Clear();
      const std::optional<uint64_t> read_before = DeviceReadBytes();
      Stopwatch sw;
      Status st = ask(*readers_[s], &answers[s]);
      const double us = sw.Seconds() * 1e6;
      const std::optional<uint64_t> read_after = DeviceReadBytes();
      if (read_before && read_after) w.stores[s].device_read_bytes += *read_after - *read_before;
      if (!st.ok()) return st.WithContext(stores_[s]->name() + " " + name);
      w.stores[s].latencies_us.push_back(us);
      w.stores[s].seconds += us / 1e6;
      w.stores[s].operations++;
    }
    documents += answers[0].documents() + static_cast<uint64_t>(answers[0].summary.snapshots);
    Compare(w, answers, question);
    Progress(name, static_cast<uint64_t>(i + 1), static_cast<uint64_t>(count));
  }
  if (count > 0 && w.detail.find("%docs") != std::string::npos)
    w.detail.replace(w.detail.find("%docs"), 5, std::to_string(documents / static_cast<uint64_t>(count)));
  return Status::OK();
}

Status Comparison::Queries() {
  // The span the questions are about: the newest query_hours, or everything.
  const int64_t q0 =
      options_.query_hours > 0 ? std::max(t0_, t_end_ - int64_t{options_.query_hours} * 3600) : t0_;
  const int monitors = options_.monitors;
  auto monitor_of = [monitors](std::mt19937_64& rng) {
    return tools::SnapshotGenerator::MonitorId(static_cast<int>(rng() % static_cast<uint64_t>(monitors)));
  };
  HEARTH_RETURN_IF_ERROR(RunQueries("latest", "the newest snapshot of a random monitor", options_.latest_queries,
                                    [&](std::mt19937_64& rng, std::string* q) {
                                      std::string m = monitor_of(rng);
                                      *q = "latest of " + m;
                                      return [m](SnapshotReader& r, ReadResult* out) { return r.Latest(m, out); };
                                    }));
  struct RangeWorkload {
    int days;
    int count;
  };
  // Fewer of the longer ranges, but at least one of each when any are asked for.
  auto share = [&](int divisor) { return options_.range_queries > 0 ? std::max(1, options_.range_queries / divisor) : 0; };
  for (RangeWorkload rw : {RangeWorkload{7, share(1)}, RangeWorkload{30, share(2)}, RangeWorkload{90, share(4)}}) {
    const int64_t span = std::min<int64_t>(rw.days * kDay, t_end_ - q0);
    std::string detail = std::to_string(rw.days) + " days of a random monitor, newest first (%docs snapshots)";
    if (span < rw.days * kDay)
      detail = "all " + std::to_string(span / 3600) + " hours of a random monitor (the data is shorter than " +
               std::to_string(rw.days) + " days), newest first (%docs snapshots)";
    HEARTH_RETURN_IF_ERROR(RunQueries(
        "range " + std::to_string(rw.days) + "d", detail, rw.count,
        [&, span](std::mt19937_64& rng, std::string* q) {
          std::string m = monitor_of(rng);
          const int64_t end = q0 + span + static_cast<int64_t>(rng() % static_cast<uint64_t>(t_end_ - q0 - span + 1));
          *q = "range of " + m + " [" + std::to_string(end - span) + ", " + std::to_string(end) + ")";
          return [m, end, span](SnapshotReader& r, ReadResult* out) { return r.Range(m, end - span, end, out); };
        }));
  }
  HEARTH_RETURN_IF_ERROR(RunQueries("at-time", "the snapshot nearest a random second, within 30 minutes",
                                    options_.at_time_queries, [&](std::mt19937_64& rng, std::string* q) {
                                      std::string m = monitor_of(rng);
                                      const int64_t t =
                                          q0 + static_cast<int64_t>(rng() % static_cast<uint64_t>(t_end_ - q0));
                                      *q = "at-time of " + m + " at " + std::to_string(t);
                                      return [m, t](SnapshotReader& r, ReadResult* out) {
                                        return r.AtTime(m, t, 1800, out);
                                      };
                                    }));
  return RunQueries("monthly aggregation",
                    "count, min, max and mean of every metric over a calendar month (%docs snapshots; hearth "
                    "computes its whole rollup)",
                    options_.aggregation_queries, [&](std::mt19937_64& rng, std::string* q) {
                      std::string m = monitor_of(rng);
                      Window month = WindowOf(
                          Period::kMonthly,
                          Timestamp{q0 + static_cast<int64_t>(rng() % static_cast<uint64_t>(t_end_ - q0)), 0});
                      // Questions about the newest hours alone ask of months
                      // that start within them.
                      if (q0 > t0_ && month.start.seconds < q0) month = WindowOf(Period::kMonthly, month.end);
                      *q = "monthly summary of " + m + " from " + std::to_string(month.start.seconds);
                      return [m, month](SnapshotReader& r, ReadResult* out) { return r.MonthlySummary(m, month, out); };
                    });
}

Status Comparison::MixedLoad() {
  if (options_.mixed_hours <= 0) return Status::OK();
  WorkloadResult& writes = Add("mixed: writes", WorkloadResult::Kind::kThroughput,
                               "one writer adding " + std::to_string(options_.mixed_hours) + " hours of snapshots");
  WorkloadResult& reads = Add("mixed: reads", WorkloadResult::Kind::kLatency,
                              "latest of a random monitor, " + std::to_string(options_.mixed_readers) +
                                  " reader threads during the writes");
  tools::GeneratorOptions g;
  g.monitors = options_.monitors;
  g.hours = options_.mixed_hours;
  g.seed = options_.seed + 1;
  g.start = Timestamp{t_end_, 0};
  std::vector<SnapshotBatch> batches;
  Batches gen(g, options_.batch_size);
  for (SnapshotBatch b; gen.Next(&b);) batches.push_back(std::move(b));
  for (size_t s = 0; s < stores_.size(); s++) {
    Progress("mixed load " + stores_[s]->name(), s, stores_.size());
    std::vector<std::unique_ptr<SnapshotReader>> rs;
    for (int i = 0; i < options_.mixed_readers; i++) {
      HEARTH_ASSIGN_OR_RETURN(auto r, stores_[s]->NewReader());
      rs.push_back(std::move(r));
    }
    std::atomic<bool> done{false};
    std::atomic<size_t> started{0};
    std::vector<std::vector<double>> lat(rs.size());
    std::vector<Status> errors(rs.size());
    std::vector<std::thread> threads;
    Stopwatch wall;
    for (size_t i = 0; i < rs.size(); i++)
      threads.emplace_back([&, i] {
        std::mt19937_64 rng(options_.seed + i);
        ReadResult out;
        started++;
        do {
          out.Clear();
          const std::string m =
              tools::SnapshotGenerator::MonitorId(static_cast<int>(rng() % static_cast<uint64_t>(options_.monitors)));
          Stopwatch sw;
          Status st = rs[i]->Latest(m, &out);
          lat[i].push_back(sw.Seconds() * 1e6);
          if (!st.ok()) {
            errors[i] = st;
            return;
          }
        } while (!done.load(std::memory_order_relaxed));
      });
    // The writer starts once every reader reads.
    while (started.load() < rs.size()) std::this_thread::yield();
    Status written;
    for (const SnapshotBatch& b : batches) {
      written = TimedIngest(*stores_[s], b, writes.stores[s]);
      if (!written.ok()) break;
    }
    done = true;
    for (std::thread& t : threads) t.join();
    const double elapsed = wall.Seconds();
    HEARTH_RETURN_IF_ERROR(written.WithContext(stores_[s]->name() + " mixed-load writer"));
    for (const Status& e : errors) HEARTH_RETURN_IF_ERROR(e.WithContext(stores_[s]->name() + " mixed-load reader"));
    Measure& m = reads.stores[s];
    for (const auto& l : lat) m.latencies_us.insert(m.latencies_us.end(), l.begin(), l.end());
    m.operations = m.latencies_us.size();
    m.seconds = elapsed;  // reads per second of wall-clock time, all readers together
    m.wall_seconds = elapsed;
    writes.stores[s].wall_seconds = elapsed;
  }
  t_end_ += int64_t{options_.mixed_hours} * 3600;
  // Every store now holds the same snapshots: their newest must agree.
  for (int i = 0; i < std::min(options_.monitors, 100); i++) {
    const std::string m = tools::SnapshotGenerator::MonitorId(i);
    HEARTH_RETURN_IF_ERROR(Verify(writes, "latest of " + m + " after the mixed load",
                                  [&](SnapshotReader& r, ReadResult* out) { return r.Latest(m, out); }));
  }
  return Status::OK();
}

Status Comparison::Retention() {
  if (options_.retention_days <= 0) return Status::OK();
  int64_t keep_from = t0_ + int64_t{options_.retention_days} * kDay;
  std::string detail = "delete the oldest " + std::to_string(options_.retention_days) + " days of every monitor";
  if (keep_from >= t_end_) {
    keep_from = t0_ + (t_end_ - t0_) / 3;
    detail = "delete the oldest third of every monitor's snapshots";
  }
  WorkloadResult& w = Add("retention", WorkloadResult::Kind::kDuration, detail);
  for (size_t s = 0; s < stores_.size(); s++) {
    Progress("retention " + stores_[s]->name(), s, stores_.size());
    Stopwatch sw;
    HEARTH_RETURN_IF_ERROR(stores_[s]->DeleteBefore(keep_from).WithContext(stores_[s]->name() + " retention"));
    w.stores[s].seconds = sw.Seconds();
    w.stores[s].operations = 1;
  }
  // What is left must agree: each sampled monitor's whole remaining series.
  const int sample = std::min(options_.monitors, 20);
  for (int i = 0; i < sample; i++) {
    const std::string m = tools::SnapshotGenerator::MonitorId(i * options_.monitors / sample);
    HEARTH_RETURN_IF_ERROR(Verify(w, "the snapshots of " + m + " left after retention",
                                  [&](SnapshotReader& r, ReadResult* out) { return r.Range(m, t0_, t_end_, out); }));
  }
  return Status::OK();
}

Status Comparison::IngestAlone(size_t index, SnapshotStore* fresh) {
  if (index >= stores_.size() || fresh->name() != stores_[index]->name())
    return Status::InvalidArgument("ingest alone: store " + std::to_string(index) + " is not a " + fresh->name());
  if (alone_ == nullptr)
    alone_ = &Add("ingest alone", WorkloadResult::Kind::kThroughput,
                  "the same batches into a fresh store of each kind, one store after another, the others closed");
  Batches batches(IngestedSnapshots(options_, t0_), options_.batch_size);
  const uint64_t total = uint64_t(options_.monitors) * uint64_t(options_.hours);
  uint64_t done = 0;
  SnapshotBatch b;
  while (batches.Next(&b)) {
    Status st = TimedIngest(*fresh, b, alone_->stores[index]);
    if (!st.ok()) return st.WithContext(fresh->name() + " ingest alone");
    done += b.size();
    Progress("ingest alone: " + fresh->name(), done, total);
  }
  return Status::OK();
}

Status Comparison::RunAll() {
  HEARTH_RETURN_IF_ERROR(Ingest());
  HEARTH_RETURN_IF_ERROR(Queries());
  HEARTH_RETURN_IF_ERROR(MixedLoad());
  return Retention();
}

}  // namespace hearth::compare
