#include "hearth/timeseries.h"

#include <condition_variable>
#include <mutex>
#include <thread>

#include "api/src/batch_writer.h"
#include "api/src/query_cache.h"
#include "schema/base64.h"
#include "schema/document_ids.h"
#include "schema/json.h"
#include "schema/limits.h"
#include "schema/path.h"

namespace hearth {

namespace {

Timestamp Plus(Timestamp t, int64_t nanos) {
  int64_t s = t.seconds + nanos / 1000000000;
  int64_t n = t.nanos + nanos % 1000000000;
  if (n < 0) {
    n += 1000000000;
    s--;
  } else if (n >= 1000000000) {
    n -= 1000000000;
    s++;
  }
  return Timestamp{s, static_cast<int32_t>(n)};
}

__int128 NanosBetween(Timestamp a, Timestamp b) {
  return (static_cast<__int128>(b.seconds) - a.seconds) * 1000000000 + (b.nanos - a.nanos);
}

// Page tokens: base64url of "seconds.nanos/id" of the last document returned.
std::string EncodeToken(Timestamp t, std::string_view id) {
  std::string s = schema::Base64Encode(std::to_string(t.seconds) + "." + std::to_string(t.nanos) + "/" + std::string(id));
  for (auto& c : s) c = c == '+' ? '-' : c == '/' ? '_' : c;
  return s;
}

StatusOr<std::pair<Timestamp, std::string>> DecodeToken(std::string token) {
  for (auto& c : token) c = c == '-' ? '+' : c == '_' ? '/' : c;
  auto raw = schema::Base64Decode(token);
  auto bad = Status::InvalidArgument("invalid page token (use the next_page_token of a previous page)");
  if (!raw.ok()) return bad;
  size_t dot = raw->find('.'), slash = raw->find('/');
  if (dot == std::string::npos || slash == std::string::npos || slash < dot) return bad;
  try {
    Timestamp t{std::stoll(raw->substr(0, dot)), static_cast<int32_t>(std::stol(raw->substr(dot + 1, slash - dot - 1)))};
    if (!t.IsValid()) return bad;
    return std::make_pair(t, raw->substr(slash + 1));
  } catch (...) {
    return bad;
  }
}

std::string MonitorKey(const Value& partition) {
  return partition.type() == Value::Type::kString ? partition.string() : schema::PlainValueJson(partition);
}

}  // namespace

class TimeSeries::Impl {
 public:
  Impl(Database* db, TimeSeriesOptions options, CollectionDef def)
      : db_(db),
        options_(std::move(options)),
        def_(std::move(def)),
        cache_(options_.cache_ttl, options_.cache_max_entries, options_.cache_max_bytes),
        writer_(db, options_.batch_size, options_.batch_delay) {
    listener_ = db_->AddSeriesListener([this](const SeriesChange& change) {
      if (change.collection == def_.id) cache_.Invalidate(MonitorKey(change.partition));
    });
    if (options_.retention_interval.count() > 0) retention_thread_ = std::thread([this] { RetentionLoop(); });
  }
  ~Impl() {
    StopRetention();
    (void)writer_.Close();
    db_->RemoveSeriesListener(listener_);
  }

  StatusOr<uint64_t> ApplyRetention() {
    HEARTH_ASSIGN_OR_RETURN(auto policies, db_->RetentionPolicies());
    auto it = policies.find(def_.id);
    if (it == policies.end()) return uint64_t{0};
    Timestamp now = Timestamp::Now();
    SeriesDeletion d;
    d.collection = options_.collection;
    d.before = Timestamp{now.seconds - int64_t{it->second} * 86400, now.nanos};
    return db_->DeleteSeries(d);
  }

  void RetentionLoop() {
    std::unique_lock lock(retention_mu_);
    while (!stop_retention_) {
      if (retention_cv_.wait_for(lock, options_.retention_interval, [&] { return stop_retention_; })) break;
      lock.unlock();
      auto r = ApplyRetention();
      lock.lock();
      last_retention_ = r.ok() ? Status::OK() : r.status();
      if (r.ok()) retention_deleted_ += *r;
    }
  }

  void StopRetention() {
    {
      std::lock_guard lock(retention_mu_);
      stop_retention_ = true;
    }
    retention_cv_.notify_all();
    if (retention_thread_.joinable()) retention_thread_.join();
  }

  StatusOr<std::string> PathFor(const MapValue& snapshot) {
    auto id = schema::DocumentIdFor(&def_, snapshot, "");
    if (!id.ok()) return id.status().WithContext("snapshot");
    HEARTH_RETURN_IF_ERROR(schema::ValidateId(*id, "document id"));
    return options_.collection + "/" + *id;
  }

  const std::string& time_field() const { return def_.time_series->time_field; }

  // Reads a partition; `limit` 0 is unlimited.
  StatusOr<std::vector<DocumentView>> Scan(const std::string& monitor, std::optional<Timestamp> start,
                                           std::optional<Timestamp> end, bool newest_first, size_t limit,
                                           std::optional<std::pair<Timestamp, std::string>> after = std::nullopt) {
    SeriesScan s;
    s.collection = options_.collection;
    s.partition = Value::String(monitor);
    s.start = start;
    s.end = end;
    s.newest_first = newest_first;
    s.limit = limit;
    s.after = std::move(after);
    std::vector<DocumentView> out;
    HEARTH_RETURN_IF_ERROR(db_->ScanSeries(s, [&](const DocumentView& v) {
      out.push_back(v);
      return true;
    }));
    return out;
  }

  // A cached read: `compute` runs on a miss and its result is kept. When the
  // cache did not keep it (it is off, or the result is too large), the
  // caller holds the only reference and may take its contents (Take).
  StatusOr<std::shared_ptr<const api::CachedResult>> Cached(
      const std::string& monitor, const std::string& key,
      const std::function<StatusOr<api::CachedResult>()>& compute) {
    if (auto hit = cache_.Get(monitor, key)) return hit;
    uint64_t generation = cache_.Generation(monitor);
    HEARTH_ASSIGN_OR_RETURN(api::CachedResult r, compute());
    // Created non-const, so Take may move out of it.
    std::shared_ptr<const api::CachedResult> shared = std::make_shared<api::CachedResult>(std::move(r));
    cache_.Put(monitor, key, generation, shared);
    return shared;
  }

  // The documents of a result from Cached: moved out when nothing else
  // holds it, copied otherwise.
  static std::vector<DocumentView> Take(const std::shared_ptr<const api::CachedResult>& r) {
    if (r.use_count() == 1) return std::move(const_cast<api::CachedResult&>(*r).documents);
    return r->documents;
  }

  Database* db_;
  TimeSeriesOptions options_;
  CollectionDef def_;
  api::QueryCache cache_;
  api::BatchWriter writer_;
  uint64_t listener_ = 0;
  std::mutex retention_mu_;
  std::condition_variable retention_cv_;
  bool stop_retention_ = false;
  Status last_retention_;          // guarded by retention_mu_
  uint64_t retention_deleted_ = 0;  // guarded by retention_mu_
  std::thread retention_thread_;
};

TimeSeries::TimeSeries(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TimeSeries::~TimeSeries() = default;

StatusOr<std::unique_ptr<TimeSeries>> TimeSeries::Open(Database* db, TimeSeriesOptions options) {
  HEARTH_ASSIGN_OR_RETURN(schema::CollectionPath cp, schema::ParseCollectionPath(options.collection));
  std::optional<CollectionDef> def = db->Collection(cp.collection_id());
  if (!def || !def->time_series)
    return Status::FailedPrecondition("collection \"" + cp.collection_id() +
                                      "\" is not a time-series collection (declare its partition and time fields)");
  options.collection = cp.ToString();
  return std::unique_ptr<TimeSeries>(new TimeSeries(std::make_unique<Impl>(db, std::move(options), std::move(*def))));
}

StatusOr<std::string> TimeSeries::Store(MapValue snapshot) {
  HEARTH_ASSIGN_OR_RETURN(std::string path, impl_->PathFor(snapshot));
  HEARTH_RETURN_IF_ERROR(impl_->db_->Set(path, std::move(snapshot)).status());
  return path;
}

WriteHandle TimeSeries::StoreBatched(MapValue snapshot) {
  auto state = std::make_shared<WriteHandle::State>();
  WriteHandle handle(state);
  auto path = impl_->PathFor(snapshot);
  if (!path.ok()) {
    state->Finish(path.status());
    return handle;
  }
  state->path = *path;
  // Checked now, so one bad snapshot cannot fail the batch it would join.
  auto doc_path = schema::ParseDocumentPath(*path);
  Status valid = doc_path.ok() ? schema::ValidateDocument(*doc_path, snapshot) : doc_path.status();
  if (!valid.ok()) {
    state->Finish(valid);
    return handle;
  }
  impl_->writer_.Enqueue(*path, std::move(snapshot), state);
  return handle;
}

Status TimeSeries::Flush() { return impl_->writer_.Flush(); }

StatusOr<std::optional<DocumentView>> TimeSeries::Latest(const std::string& monitor_id) {
  HEARTH_ASSIGN_OR_RETURN(auto r, impl_->Cached(monitor_id, "latest", [&]() -> StatusOr<api::CachedResult> {
    api::CachedResult c;
    HEARTH_ASSIGN_OR_RETURN(c.documents, impl_->Scan(monitor_id, std::nullopt, std::nullopt, true, 1));
    return c;
  }));
  if (r->documents.empty()) return std::optional<DocumentView>();
  return std::optional<DocumentView>(r->documents[0]);
}

StatusOr<RangePage> TimeSeries::Range(const std::string& monitor_id, const RangeRequest& req) {
  if (NanosBetween(req.start, req.end) < 0)
    return Status::InvalidArgument("range start is after its end");
  if (req.limit == 0) return Status::InvalidArgument("range limit must be positive");
  std::optional<std::pair<Timestamp, std::string>> after;
  if (!req.page_token.empty()) {
    HEARTH_ASSIGN_OR_RETURN(after, DecodeToken(req.page_token));
  }
  std::string key = "range|" + std::to_string(req.start.seconds) + "." + std::to_string(req.start.nanos) + "|" +
                    std::to_string(req.end.seconds) + "." + std::to_string(req.end.nanos) + "|" +
                    std::to_string(req.limit) + "|" + req.page_token + (req.oldest_first ? "|asc" : "|desc");
  HEARTH_ASSIGN_OR_RETURN(auto r, impl_->Cached(monitor_id, key, [&]() -> StatusOr<api::CachedResult> {
    api::CachedResult c;
    HEARTH_ASSIGN_OR_RETURN(c.documents,
                            impl_->Scan(monitor_id, req.start, req.end, !req.oldest_first, req.limit + 1, after));
    if (c.documents.size() > req.limit) {
      c.documents.pop_back();
      const DocumentView& last = c.documents.back();
      auto t = last.Get(impl_->time_field());
      if (t && t->type() == Value::Type::kTimestamp) c.next_page_token = EncodeToken(t->timestamp(), last.id());
    }
    return c;
  }));
  return RangePage{Impl::Take(r), r->next_page_token};
}

StatusOr<std::optional<DocumentView>> TimeSeries::AtTime(const std::string& monitor_id, Timestamp t,
                                                         std::chrono::nanoseconds tolerance) {
  if (tolerance.count() < 0) return Status::InvalidArgument("tolerance must not be negative");
  std::string key = "at|" + std::to_string(t.seconds) + "." + std::to_string(t.nanos) + "|" +
                    std::to_string(tolerance.count());
  HEARTH_ASSIGN_OR_RETURN(auto r, impl_->Cached(monitor_id, key, [&]() -> StatusOr<api::CachedResult> {
    // The last snapshot at or before t, and the first after it.
    HEARTH_ASSIGN_OR_RETURN(auto before, impl_->Scan(monitor_id, Plus(t, -tolerance.count()), Plus(t, 1), true, 1));
    HEARTH_ASSIGN_OR_RETURN(auto after, impl_->Scan(monitor_id, Plus(t, 1), Plus(t, tolerance.count() + 1), false, 1));
    api::CachedResult c;
    auto distance = [&](const DocumentView& v) {
      auto x = v.Get(impl_->time_field());
      __int128 d = NanosBetween(t, x->timestamp());
      return d < 0 ? -d : d;
    };
    if (!before.empty() && (after.empty() || distance(before[0]) <= distance(after[0]))) {
      c.documents.push_back(before[0]);
    } else if (!after.empty()) {
      c.documents.push_back(after[0]);
    }
    return c;
  }));
  if (r->documents.empty()) return std::optional<DocumentView>();
  return std::optional<DocumentView>(r->documents[0]);
}

StatusOr<std::vector<TrendPoint>> TimeSeries::Trend(const std::string& monitor_id, const std::string& metric, int days,
                                                    std::optional<Timestamp> end) {
  if (days <= 0) return Status::InvalidArgument("trend days must be positive");
  auto compute = [&, end]() -> StatusOr<api::CachedResult> {
    Timestamp stop = end.value_or(Timestamp::Now());
    api::CachedResult c;
    HEARTH_ASSIGN_OR_RETURN(auto docs, impl_->Scan(monitor_id, Plus(stop, -int64_t{days} * 86400 * 1000000000), stop,
                                                   false, 0));
    for (const auto& d : docs) {
      std::optional<Value> v = d.Get({"financial_metrics", metric});
      if (!v) v = d.Get(metric);
      auto t = d.Get(impl_->time_field());
      if (v && t && t->type() == Value::Type::kTimestamp) c.points.push_back({t->timestamp(), std::move(*v)});
    }
    return c;
  };
  if (!end) {  // "now" moves: nothing to reuse
    HEARTH_ASSIGN_OR_RETURN(api::CachedResult c, compute());
    return c.points;
  }
  std::string key = "trend|" + metric + "|" + std::to_string(days) + "|" + std::to_string(end->seconds) + "." +
                    std::to_string(end->nanos);
  HEARTH_ASSIGN_OR_RETURN(auto r, impl_->Cached(monitor_id, key, compute));
  return r->points;
}

StatusOr<uint64_t> TimeSeries::DeleteBefore(Timestamp cutoff, std::optional<std::string> monitor_id, bool dry_run) {
  SeriesDeletion d;
  d.collection = impl_->options_.collection;
  if (monitor_id) d.partition = Value::String(*monitor_id);
  d.before = cutoff;
  d.dry_run = dry_run;
  return impl_->db_->DeleteSeries(d);
}

StatusOr<uint64_t> TimeSeries::ApplyRetention() { return impl_->ApplyRetention(); }

StatusOr<TimeSeriesStats> TimeSeries::Stats() {
  TimeSeriesStats s;
  s.pending_writes = impl_->writer_.pending();
  s.cache_entries = impl_->cache_.entries();
  s.cache_bytes = impl_->cache_.bytes();
  s.cache_hits = impl_->cache_.hits();
  s.cache_misses = impl_->cache_.misses();
  s.cache_hit_rate = s.cache_hits + s.cache_misses
                         ? static_cast<double>(s.cache_hits) / static_cast<double>(s.cache_hits + s.cache_misses)
                         : 0;
  HEARTH_ASSIGN_OR_RETURN(hearth::Stats db, impl_->db_->GetStats());
  const std::string& id = impl_->def_.id;
  for (const auto& c : db.collections)
    if (c.id == id) {
      s.documents = c.documents;
      s.stored_bytes = c.stored_bytes;
    }
  for (const auto& cf : db.column_families) {
    const std::string& n = cf.name;
    if (n == "doc." + id || n == "name." + id || n == "auto." + id || n.rfind("idx." + id + ".", 0) == 0)
      s.disk_bytes += cf.live_sst_bytes;
  }
  return s;
}

Status TimeSeries::Close() {
  impl_->StopRetention();
  return impl_->writer_.Close();
}

}  // namespace hearth
