#include "hearth/aggregator.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include "schema/path.h"

namespace hearth {

namespace {

constexpr size_t kBatchOps = 400;

// The rollup's content: everything but when it was computed.
MapValue Content(const Aggregation& a) {
  MapValue f = a.ToFields();
  f.erase("created_at");
  return f;
}

}  // namespace

uint64_t BackfillReport::written() const {
  uint64_t n = 0;
  for (const auto& [p, c] : periods) n += c.created + c.updated;
  return n;
}

class Aggregator::Impl {
 public:
  Impl(Database* db, AggregatorOptions options, std::string snapshots_id, bool projected)
      : db_(db), options_(std::move(options)), snapshots_id_(std::move(snapshots_id)), projected_(projected) {
    if (!options_.keep_current) return;
    listener_ = db_->AddSeriesListener([this](const SeriesChange& c) { Changed(c); });
    worker_ = std::thread([this] { KeepCurrentLoop(); });
  }
  ~Impl() {
    if (!options_.keep_current) return;
    db_->RemoveSeriesListener(listener_);
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    worker_.join();
    (void)RunPending();
  }

  Timestamp Now() const { return options_.clock ? options_.clock() : Timestamp::Now(); }
  std::string PathOf(const std::string& monitor, Period period, const Window& w) const {
    return options_.aggregations + "/" + AggregationId(monitor, period, w.start);
  }

  // The snapshots of `monitor` in [from, to), oldest first, as aggregation reads them.
  StatusOr<std::vector<SnapshotPoint>> Points(const std::string& monitor, Timestamp from, Timestamp to) {
    SeriesScan scan;
    scan.collection = options_.snapshots;
    scan.partition = Value::String(monitor);
    scan.start = from;
    scan.end = to;
    scan.projection = projected_;
    std::vector<SnapshotPoint> points;
    HEARTH_RETURN_IF_ERROR(db_->ScanSeries(scan, [&](const DocumentView& v) {
      if (std::optional<SnapshotPoint> p = PointOf(v)) points.push_back(std::move(*p));
      return true;
    }));
    return points;
  }

  // The snapshots the rollups of `windows` need: each window and the 30 days
  // before its end.
  StatusOr<std::vector<SnapshotPoint>> PointsFor(const std::string& monitor, const std::vector<Window>& windows) {
    Timestamp from = windows.front().start, to = windows.front().end;
    for (const Window& w : windows) {
      from = std::min({from, w.start, Timestamp{w.end.seconds - kLongestMovingAverageSeconds, w.end.nanos}});
      to = std::max(to, w.end);
    }
    return Points(monitor, from, to);
  }

  StatusOr<std::optional<Aggregation>> Compute(const std::string& monitor, Period period, Timestamp t) {
    const Window w = WindowOf(period, t);
    HEARTH_ASSIGN_OR_RETURN(auto points, PointsFor(monitor, {w}));
    return Aggregate(monitor, period, w, points, Now());
  }

  // Stored rollups of `monitor` whose window starts in [from, to), by id; a
  // document that is not a readable rollup maps to nullopt.
  StatusOr<std::map<std::string, std::optional<Aggregation>>> Stored(const std::string& monitor, Timestamp from,
                                                                     Timestamp to) {
    SeriesScan scan;
    scan.collection = options_.aggregations;
    scan.partition = Value::String(monitor);
    scan.start = from;
    scan.end = to;
    std::map<std::string, std::optional<Aggregation>> out;
    HEARTH_RETURN_IF_ERROR(db_->ScanSeries(scan, [&](const DocumentView& v) {
      auto a = Aggregation::FromFields(v.Fields());
      out[std::string(v.id())] = a.ok() ? std::optional<Aggregation>(std::move(*a)) : std::nullopt;
      return true;
    }));
    return out;
  }

  // Computes the rollups of `windows` of `monitor` from one read of its
  // snapshots and writes those that are missing or stale, counting into
  // *report. `recompute` also recomputes complete stored rollups;
  // `drop_empty` deletes the stored rollup of a window left empty.
  Status Reconcile(const std::string& monitor, const std::vector<std::pair<Period, Window>>& windows, bool recompute,
                   bool dry_run, bool drop_empty, BackfillReport* report) {
    if (windows.empty()) return Status::OK();
    std::vector<Window> spans;
    Timestamp first_start = windows.front().second.start, last_start = first_start;
    for (const auto& [p, w] : windows) {
      spans.push_back(w);
      first_start = std::min(first_start, w.start);
      last_start = std::max(last_start, w.start);
    }
    HEARTH_ASSIGN_OR_RETURN(auto points, PointsFor(monitor, spans));
    HEARTH_ASSIGN_OR_RETURN(auto stored, Stored(monitor, first_start, Timestamp{last_start.seconds + 1, 0}));
    const Timestamp now = Now();
    const PointIndex index(points);
    WriteBatch batch;
    for (const auto& [period, w] : windows) {
      BackfillReport::Counts& counts = report->periods[period];
      std::optional<Aggregation> a = index.Aggregate(monitor, period, w, now);
      auto s = stored.find(AggregationId(monitor, period, w.start));
      if (!a) {
        counts.empty++;
        if (drop_empty && s != stored.end()) batch.Delete(PathOf(monitor, period, w));
      } else if (s == stored.end()) {
        counts.created++;
        batch.Set(PathOf(monitor, period, w), a->ToFields());
      } else if (s->second && s->second->Complete() && !recompute) {
        counts.kept++;
      } else if (s->second && Content(*s->second) == Content(*a) && (s->second->Complete() || !a->Complete())) {
        counts.unchanged++;
      } else {
        counts.updated++;
        batch.Set(PathOf(monitor, period, w), a->ToFields());
      }
      if (batch.size() >= kBatchOps) {
        if (!dry_run) HEARTH_RETURN_IF_ERROR(db_->Write(batch).status());
        batch.Clear();
      }
    }
    if (!dry_run && !batch.empty()) HEARTH_RETURN_IF_ERROR(db_->Write(batch).status());
    return Status::OK();
  }

  StatusOr<std::optional<Aggregation>> Get(const std::string& monitor, Period period, Timestamp t) {
    const std::string path = PathOf(monitor, period, WindowOf(period, t));
    auto doc = db_->Get(path);
    if (doc.ok()) {
      auto stored = Aggregation::FromFields(doc->fields);
      if (stored.ok() && stored->Complete()) return std::optional<Aggregation>(std::move(*stored));
    } else if (doc.status().code() != StatusCode::kNotFound) {
      return doc.status();
    }
    HEARTH_ASSIGN_OR_RETURN(std::optional<Aggregation> a, Compute(monitor, period, t));
    if (a) {
      HEARTH_RETURN_IF_ERROR(db_->Set(path, a->ToFields()).status());
    } else if (doc.ok()) {
      HEARTH_RETURN_IF_ERROR(db_->Delete(path).status());  // its snapshots are gone
    }
    return a;
  }

  StatusOr<BackfillReport> Backfill(const BackfillRequest& r) {
    if (!(r.from < r.to)) return Status::InvalidArgument("backfill needs --from before --to");
    if (r.periods.empty()) return Status::InvalidArgument("backfill needs at least one period");
    std::vector<std::string> monitors;
    if (r.monitor_id) {
      monitors.push_back(*r.monitor_id);
    } else {
      HEARTH_ASSIGN_OR_RETURN(auto partitions, db_->SeriesPartitions(options_.snapshots));
      for (const Value& v : partitions)
        if (v.type() == Value::Type::kString) monitors.push_back(v.string());
    }
    std::vector<std::pair<Period, Window>> windows;
    for (Period p : r.periods)
      for (const Window& w : WindowsOverlapping(p, r.from, r.to)) windows.emplace_back(p, w);
    BackfillReport report;
    for (Period p : r.periods) report.periods[p];
    Progress progress{"backfilling rollups", 0, monitors.size()};
    for (const auto& m : monitors) {
      HEARTH_RETURN_IF_ERROR(Reconcile(m, windows, r.recompute, r.dry_run, false, &report).WithContext("monitor " + m));
      report.monitors++;
      progress.done++;
      if (r.progress) r.progress(progress);
    }
    return report;
  }

  // keep_current: a snapshot of a monitor changed at `time`.
  void Changed(const SeriesChange& c) {
    if (c.collection != snapshots_id_ || !c.time || c.partition.type() != Value::Type::kString) return;
    std::lock_guard lock(mu_);
    auto& windows = dirty_[c.partition.string()];
    for (Period p : {Period::kDaily, Period::kWeekly, Period::kMonthly}) windows.insert({p, WindowOf(p, *c.time)});
    if (!due_) due_ = std::chrono::steady_clock::now() + options_.keep_current_delay;
    cv_.notify_all();
  }

  void KeepCurrentLoop() {
    std::unique_lock lock(mu_);
    while (!stop_) {
      if (!due_) {
        cv_.wait(lock);
        continue;
      }
      if (cv_.wait_until(lock, *due_, [&] { return stop_; })) break;
      lock.unlock();
      Status s = RunPending();
      lock.lock();
      if (!s.ok() && last_error_.ok()) last_error_ = s;
    }
  }

  // Recomputes every window changed so far.
  Status RunPending() {
    std::lock_guard run(run_mu_);
    std::map<std::string, std::set<std::pair<Period, Window>, WindowLess>> work;
    {
      std::lock_guard lock(mu_);
      work.swap(dirty_);
      due_.reset();
    }
    Status first;
    BackfillReport ignored;
    for (const auto& [monitor, windows] : work) {
      Status s = Reconcile(monitor, {windows.begin(), windows.end()}, true, false, true, &ignored);
      if (!s.ok() && first.ok()) first = s.WithContext("keeping the rollups of monitor " + monitor + " current");
    }
    return first;
  }

  Status Flush() {
    Status s = RunPending();
    std::lock_guard lock(mu_);
    Status earlier = last_error_;
    last_error_ = Status::OK();
    return earlier.ok() ? s : earlier;
  }

  struct WindowLess {
    bool operator()(const std::pair<Period, Window>& a, const std::pair<Period, Window>& b) const {
      if (a.first != b.first) return a.first < b.first;
      return a.second.start < b.second.start;
    }
  };

  Database* db_;
  AggregatorOptions options_;
  std::string snapshots_id_;
  // The snapshots keep a projection of every field a rollup reads: scans read it.
  bool projected_ = false;
  uint64_t listener_ = 0;
  std::mutex run_mu_;  // one recomputation at a time
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, std::set<std::pair<Period, Window>, WindowLess>> dirty_;  // guarded by mu_
  std::optional<std::chrono::steady_clock::time_point> due_;                      // guarded by mu_
  bool stop_ = false;                                                             // guarded by mu_
  Status last_error_;                                                             // guarded by mu_
  std::thread worker_;
};

Aggregator::Aggregator(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Aggregator::~Aggregator() = default;

StatusOr<std::unique_ptr<Aggregator>> Aggregator::Open(Database* db, AggregatorOptions options) {
  std::string snapshots_id;
  bool projected = false;
  for (std::string* path : {&options.snapshots, &options.aggregations}) {
    HEARTH_ASSIGN_OR_RETURN(schema::CollectionPath cp, schema::ParseCollectionPath(*path));
    std::optional<CollectionDef> def = db->Collection(cp.collection_id());
    if (!def || !def->time_series)
      return Status::FailedPrecondition("collection \"" + cp.collection_id() + "\" is not a time-series collection");
    *path = cp.ToString();
    if (path != &options.snapshots) continue;
    snapshots_id = cp.collection_id();
    projected = true;
    for (std::string_view f : kRollupFields)
      projected &= std::find(def->projection.begin(), def->projection.end(), f) != def->projection.end();
  }
  return std::unique_ptr<Aggregator>(
      new Aggregator(std::make_unique<Impl>(db, std::move(options), std::move(snapshots_id), projected)));
}

StatusOr<std::optional<Aggregation>> Aggregator::Compute(const std::string& monitor_id, Period period, Timestamp t) {
  return impl_->Compute(monitor_id, period, t);
}

StatusOr<std::optional<Aggregation>> Aggregator::Get(const std::string& monitor_id, Period period, Timestamp t) {
  return impl_->Get(monitor_id, period, t);
}

StatusOr<std::vector<Aggregation>> Aggregator::List(const std::string& monitor_id, Timestamp from, Timestamp to,
                                                    std::optional<Period> period) {
  HEARTH_ASSIGN_OR_RETURN(auto stored, impl_->Stored(monitor_id, from, to));
  std::vector<Aggregation> out;
  for (auto& [id, a] : stored)
    if (a && (!period || a->period == *period)) out.push_back(std::move(*a));
  std::stable_sort(out.begin(), out.end(), [](const Aggregation& x, const Aggregation& y) {
    return x.window.start < y.window.start;
  });
  return out;
}

StatusOr<BackfillReport> Aggregator::Backfill(const BackfillRequest& request) { return impl_->Backfill(request); }

Status Aggregator::Flush() { return impl_->Flush(); }

}  // namespace hearth
