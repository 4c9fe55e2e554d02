// hearth embedded as a compared store.
#include <chrono>

#include "tools/compare/hearth_store.h"

#include "tools/compare/machine.h"

namespace hearth::compare {

namespace {

constexpr char kCollection[] = "snapshots";

class HearthReader : public SnapshotReader {
 public:
  HearthReader(TimeSeries* ts, Aggregator* agg) : ts_(ts), agg_(agg) {}

  Status Latest(const std::string& monitor, ReadResult* out) override {
    HEARTH_ASSIGN_OR_RETURN(auto doc, ts_->Latest(monitor));
    if (doc) out->views.push_back(std::move(*doc));
    return Status::OK();
  }

  Status Range(const std::string& monitor, int64_t from, int64_t to, ReadResult* out) override {
    RangeRequest req;
    req.start = Timestamp{from, 0};
    req.end = Timestamp{to, 0};
    req.limit = 10000;  // pages of this many, read to the end
    do {
      HEARTH_ASSIGN_OR_RETURN(RangePage page, ts_->Range(monitor, req));
      for (DocumentView& v : page.documents) out->views.push_back(std::move(v));
      req.page_token = std::move(page.next_page_token);
    } while (!req.page_token.empty());
    return Status::OK();
  }

  Status AtTime(const std::string& monitor, int64_t t, int64_t tolerance, ReadResult* out) override {
    HEARTH_ASSIGN_OR_RETURN(auto doc, ts_->AtTime(monitor, Timestamp{t, 0}, std::chrono::seconds(tolerance)));
    if (doc) out->views.push_back(std::move(*doc));
    return Status::OK();
  }

  Status MonthlySummary(const std::string& monitor, const Window& month, ReadResult* out) override {
    HEARTH_ASSIGN_OR_RETURN(auto rollup, agg_->Compute(monitor, Period::kMonthly, month.start));
    if (!rollup) return Status::OK();
    out->summary.snapshots = rollup->snapshot_count;
    for (const auto& [name, m] : rollup->metrics_summary)
      out->summary.metrics[name] = MetricTotals{m.count, m.min, m.max, m.avg};
    return Status::OK();
  }

 private:
  TimeSeries* ts_;
  Aggregator* agg_;
};

}  // namespace

HearthStore::HearthStore(std::string dir, std::unique_ptr<Database> db, std::unique_ptr<TimeSeries> ts,
                         std::unique_ptr<Aggregator> agg)
    : dir_(std::move(dir)), db_(std::move(db)), ts_(std::move(ts)), agg_(std::move(agg)) {}

HearthStore::~HearthStore() { (void)Close(); }

void HearthStore::Prepare(const SnapshotBatch& b) {
  batch_.Clear();
  for (size_t i = 0; i < b.size(); i++)
    batch_.Set(std::string(kCollection) + "/" + b.monitor[i] + "_" + std::to_string(b.seconds[i]), b.fields[i]);
}

Status HearthStore::Ingest(const SnapshotBatch&) { return db_->Write(batch_).status(); }

double HearthStore::WriteHelperCpuSeconds() const { return NamedThreadsCpuSeconds(Options::kWriteHelperThreadName); }

Status HearthStore::Settle() { return db_->Compact(); }

Status HearthStore::DeleteBefore(int64_t cutoff) { return ts_->DeleteBefore(Timestamp{cutoff, 0}).status(); }

StatusOr<std::unique_ptr<SnapshotReader>> HearthStore::NewReader() {
  return std::unique_ptr<SnapshotReader>(new HearthReader(ts_.get(), agg_.get()));
}

Status HearthStore::Close() {
  if (!db_) return Status::OK();
  agg_.reset();
  Status s = ts_->Close();
  ts_.reset();
  Status c = db_->Close();
  db_.reset();
  return s.ok() ? c : s;
}

StatusOr<std::unique_ptr<HearthStore>> HearthStore::Open(const std::string& dir, size_t cache_bytes,
                                                         const HearthSettings& settings) {
  Options o;
  o.block_cache_bytes = cache_bytes;
  if (settings.sst_dictionary_bytes) o.document_sst_dictionary_bytes = *settings.sst_dictionary_bytes;
  if (settings.write_helper_threads) o.write_helper_threads = *settings.write_helper_threads;
  HEARTH_ASSIGN_OR_RETURN(auto db, Database::Open(o, dir));
  TimeSeriesOptions t;
  t.collection = kCollection;
  t.cache_max_entries = 0;  // answer every question again, as the other stores do
  HEARTH_ASSIGN_OR_RETURN(auto ts, TimeSeries::Open(db.get(), t));
  HEARTH_ASSIGN_OR_RETURN(auto agg, Aggregator::Open(db.get()));
  return std::unique_ptr<HearthStore>(new HearthStore(dir, std::move(db), std::move(ts), std::move(agg)));
}

StatusOr<std::unique_ptr<SnapshotStore>> OpenHearthStore(const std::string& dir, size_t cache_bytes,
                                                         const HearthSettings& settings) {
  HEARTH_ASSIGN_OR_RETURN(auto s, HearthStore::Open(dir, cache_bytes, settings));
  return std::unique_ptr<SnapshotStore>(std::move(s));
}

}  // namespace hearth::compare
