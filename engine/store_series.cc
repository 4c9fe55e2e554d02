// Store: time-series primitives on the time-ordered primary key
// (prefix(collection) enc(partition) enc(time) id), without query planning.
#include <limits>

#include "engine/bounded_iterator.h"
#include "engine/collection_counters.h"
#include "engine/keys.h"
#include "engine/rocks_status.h"
#include "engine/store.h"
#include "schema/document_codec.h"

namespace hearth::engine {

namespace {

StatusOr<const CollectionState*> SeriesCollection(Store* store, const schema::CollectionPath& cp) {
  auto c = store->ResolveCollection(cp.collection_id(), false);
  if (!c.ok()) {
    if (c.status().code() == StatusCode::kNotFound) return static_cast<const CollectionState*>(nullptr);
    return c.status();
  }
  if (!(*c)->time_series())
    return Status::FailedPrecondition("collection \"" + cp.collection_id() + "\" is not a time series");
  return *c;
}

// The id at the end of a primary key of this partition, after its time.
bool IdOf(std::string_view key, size_t prefix_len, std::string* id) {
  // A time is a fixed size (schema/key_encoding.h); an id without 00 or FF
  // bytes is itself followed by 00 01. Anything else is decoded in full.
  std::string_view rest = key.substr(prefix_len);
  constexpr size_t kTimeBytes = schema::kEncodedTimestampBytes;
  if (rest.size() > kTimeBytes + 2 && static_cast<uint8_t>(rest[0]) == schema::label::kTimestamp) {
    std::string_view tail = rest.substr(kTimeBytes);
    std::string_view plain = tail.substr(0, tail.size() - 2);
    if (tail.substr(tail.size() - 2) == std::string_view("\0\x01", 2) &&
        plain.find_first_of(std::string_view("\0\xff", 2)) == std::string_view::npos) {
      id->assign(plain);
      return true;
    }
  }
  Value time;
  bool last;
  return schema::DecodeValue(&rest, schema::Direction::kAscending, &time) &&
         schema::DecodeSegment(&rest, schema::Direction::kAscending, id, &last) && last && rest.empty();
}

}  // namespace

Status Store::ScanSeries(const SeriesScan& scan, const std::function<bool(const DocumentView&)>& visit) {
  HEARTH_ASSIGN_OR_RETURN(schema::CollectionPath cp, schema::ParseCollectionPath(scan.collection));
  HEARTH_ASSIGN_OR_RETURN(const CollectionState* c, SeriesCollection(this, cp));
  if (c == nullptr) return Status::OK();
  if (scan.projection && c->projection == nullptr)
    return Status::FailedPrecondition("collection \"" + cp.collection_id() + "\" keeps no projection");
  // Whole documents, or their projections (the same keys).
  rocksdb::ColumnFamilyHandle* const source = scan.projection ? c->projection : c->docs;
  const std::string prefix = TimeSeriesPartitionPrefix(cp.path, scan.partition);
  std::string lower = scan.start ? TimeSeriesTimeKey(prefix, *scan.start) : prefix;
  std::string upper = scan.end ? TimeSeriesTimeKey(prefix, *scan.end) : schema::PrefixSuccessor(prefix);
  if (scan.after) {
    std::string k = TimeSeriesTimeKey(prefix, scan.after->first);
    schema::AppendEscaped(&k, scan.after->second, 1);
    if (scan.newest_first) {
      if (k < upper) upper = k;
    } else {
      std::string next = schema::PrefixSuccessor(k);
      if (next > lower) lower = next;
    }
  }
  if (!(lower < upper)) return Status::OK();
  const std::string coll = cp.ToString() + "/";
  const Timestamp now = Timestamp::Now();
  size_t n = 0;
  DocumentViewArena arena;
  // Hands one document to `visit` unless its TTL has passed; false when the scan is over.
  auto emit_view = [&](const DocumentView& v) {
    if (c->ttl_field) {
      std::optional<Value> t = v.Get(*c->ttl_field);
      if (t && t->type() == Value::Type::kTimestamp && t->timestamp() <= now) return true;  // expired (TTL)
    }
    return visit(v) && !(scan.limit && ++n >= scan.limit);
  };
  // A view of stored document `id`, checked, its bytes copied into the arena.
  auto view_of = [&](const std::string& id, const rocksdb::Slice& value) -> StatusOr<DocumentView> {
    std::string path = coll + id;
    HEARTH_ASSIGN_OR_RETURN(schema::StoredDocument sd,
                            schema::StoredDocument::Parse(std::string_view(value.data(), value.size()), path,
                                                          schema::Verification::kChecksum, c->dictionaries));
    return DocumentView::OverVerifiedBody(std::move(path), sd.version(), sd.body(), &arena);
  };
  std::string id;
  // The partition's newest document alone: from the in-memory table when it
  // knows it, else the backward scan below finds it and installs it.
  const bool latest_only = scan.newest_first && !scan.start && !scan.end && !scan.after && scan.limit == 1 &&
                           !scan.projection && latest_.enabled();
  uint64_t generation = 0;
  bool install = false;  // a miss: record what the scan finds
  if (latest_only) {
    std::optional<LatestDocuments::Entry> e = latest_.Get(prefix);
    if (e && IdOf(e->pk, prefix.size(), &id)) {
      std::string path = coll + id;
      const std::string& stored = *e->stored;
      HEARTH_ASSIGN_OR_RETURN(schema::StoredDocument sd,
                              schema::StoredDocument::Parse(stored, path, schema::Verification::kChecksum,
                                                            c->dictionaries));
      const std::string_view body = sd.body();
      // An uncompressed body lies inside the entry's value: share it, no copy.
      const bool inside = body.data() >= stored.data() && body.data() + body.size() <= stored.data() + stored.size();
      DocumentView v = inside ? DocumentView::OverSharedBody(std::move(path), sd.version(),
                                                             std::shared_ptr<const char[]>(e->stored, body.data()),
                                                             body.size())
                              : DocumentView::OverVerifiedBody(std::move(path), sd.version(), body);
      if (!emit_view(v)) return Status::OK();
      // Its TTL has passed: the scan below looks for the newest live one.
    } else {
      generation = latest_.Generation(prefix);
      install = true;
    }
  }
  if (scan.newest_first && scan.start) {
    // RocksDB steps forward faster than backward, and memory is read fastest
    // in order. A bounded span that holds not many more documents than the
    // limit is read forward in one pass (checksum and copy of each document
    // as its bytes stream by) and handed out from its end; a larger one is
    // abandoned after a bounded look and read backward below. Reading ahead
    // costs at most ~4x the limit in documents not handed out.
    constexpr size_t kMaxAhead = 1024;
    const size_t cap = std::min(kMaxAhead, scan.limit ? 4 * scan.limit + 64 : kMaxAhead);
    BoundedIterator fwd(db_.get(), source, lower, upper);
    std::vector<DocumentView> views;
    for (fwd->SeekToFirst(); fwd->Valid() && views.size() <= cap; fwd->Next()) {
      std::string_view key(fwd->key().data(), fwd->key().size());
      if (!IdOf(key, prefix.size(), &id)) continue;
      HEARTH_ASSIGN_OR_RETURN(DocumentView v, view_of(id, fwd->value()));
      views.push_back(std::move(v));
    }
    HEARTH_RETURN_IF_ERROR(FromRocks(fwd->status(), "scanning " + cp.ToString()));
    if (views.size() <= cap) {
      for (auto v = views.rbegin(); v != views.rend() && emit_view(*v); ++v) {
      }
      return Status::OK();
    }
  }
  BoundedIterator it(db_.get(), source, lower, upper);
  for (scan.newest_first ? it->SeekToLast() : it->SeekToFirst(); it->Valid();
       scan.newest_first ? it->Prev() : it->Next()) {
    std::string_view key(it->key().data(), it->key().size());
    if (!IdOf(key, prefix.size(), &id)) continue;  // a deeper collection's key (not this partition's)
    if (install) {  // the newest stored document, live or not
      latest_.Install(prefix, generation, std::string(key), it->value().ToString());
      install = false;
    }
    HEARTH_ASSIGN_OR_RETURN(DocumentView v, view_of(id, it->value()));
    if (!emit_view(v)) return Status::OK();
  }
  return FromRocks(it->status(), "scanning " + cp.ToString());
}

Status Store::LearnNewest(const CollectionState& c, std::string_view prefix) {
  const std::string p(prefix);
  const uint64_t generation = latest_.Generation(p);
  BoundedIterator it(db_.get(), c.docs, p, schema::PrefixSuccessor(p));
  std::string id;
  for (it->SeekToLast(); it->Valid(); it->Prev()) {
    std::string_view key(it->key().data(), it->key().size());
    if (!IdOf(key, p.size(), &id)) continue;  // a deeper collection's key
    latest_.Install(p, generation, std::string(key), it->value().ToString());
    break;
  }
  return FromRocks(it->status(), "reading the newest document of " + DescribeKeyPrefix(cf::Docs(c.def.id), p));
}

Status Store::DeletePartitionRange(const CollectionState& c, const schema::ResourcePath& collection,
                                   const Value& partition, Timestamp before, bool dry_run, uint64_t* count) {
  HEARTH_RETURN_IF_ERROR(FoldLedgerJournal());  // the ledger keys say it all
  const std::string prefix = TimeSeriesPartitionPrefix(collection, partition);
  const std::string range_end = TimeSeriesTimeKey(prefix, before);
  // Whole days before the cutoff's day are counted from the series ledger;
  // only the cutoff's own day is read (at most a day of documents, keys and
  // headers only). No document is parsed, and the secondary entries are left
  // for PurgeRetiredSpans (readers skip them: InRetiredSpan says why).
  const int64_t day = DayStart(before.seconds);
  const std::string ledger_begin = meta::Ledger(c.def.id, prefix), ledger_end = meta::LedgerDay(c.def.id, prefix, day);
  CounterDelta whole_days, partial_day;
  {
    BoundedIterator it(db_.get(), meta_, ledger_begin, ledger_end);
    for (it->SeekToFirst(); it->Valid(); it->Next())
      whole_days += CounterDelta::Decoded(std::string_view(it->value().data(), it->value().size())).Negated();
    HEARTH_RETURN_IF_ERROR(FromRocks(it->status(), "reading the series ledger of " + c.def.id));
  }
  {
    BoundedIterator it(db_.get(), c.docs, TimeSeriesTimeKey(prefix, Timestamp{day, 0}), range_end, /*fill_cache=*/false);
    schema::ResourcePath p;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      std::string_view key(it->key().data(), it->key().size());
      if (DocumentPathFromKey(key, true, &p)) partial_day.Add(-1, std::string_view(it->value().data(), it->value().size()));
    }
    HEARTH_RETURN_IF_ERROR(FromRocks(it->status(), "scanning " + cf::Docs(c.def.id)));
  }
  CounterDelta removed = whole_days;
  removed += partial_day;
  *count += static_cast<uint64_t>(-removed.documents);
  if (dry_run || removed.documents == 0) return Status::OK();
  // The span is retired before the documents go, so a reader that finds an
  // entry without its document always knows why.
  const std::optional<std::string> previous = retired_->Retire(c.def.id, prefix, range_end);
  rocksdb::WriteBatch wb;
  wb.DeleteRange(c.docs, prefix, range_end);
  if (c.projection) wb.DeleteRange(c.projection, prefix, range_end);
  wb.DeleteRange(meta_, ledger_begin, ledger_end);
  if (!partial_day.zero()) wb.Merge(meta_, ledger_end, partial_day.Encoded());
  if (!previous || *previous < range_end) wb.Put(meta_, meta::Retired(c.def.id, prefix), range_end);
  removed.MergeInto(&wb, meta_, c.def.id);
  if (options_.change_log)
    wb.Put(log_, LogKey(next_log_seq_++),
           DeleteRangeRecord(NextCommitTime(), collection.ToString(), *c.def.time_series, partition, before));
  rocksdb::WriteOptions wo;
  wo.sync = options_.sync_writes;
  Status s = FromRocks(db_->Write(wo, &wb), "deleting from " + cf::Docs(c.def.id));
  if (!s.ok()) {
    retired_->Restore(c.def.id, prefix, previous);
    return s;
  }
  latest_.RemovedRange(prefix, prefix, range_end);
  return Status::OK();
}

Status Store::LoadRetiredSpans() {
  const std::string prefix(meta::kRetiredPrefix);
  BoundedIterator it(db_.get(), meta_, prefix, schema::PrefixSuccessor(prefix));
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    std::string_view key(it->key().data(), it->key().size()), id, partition;
    if (!meta::ParseRetired(key, &id, &partition)) return Status::DataLoss("malformed " + DescribeKey(cf::kMeta, key));
    retired_->Retire(std::string(id), std::string(partition), it->value().ToString());
  }
  return FromRocks(it->status(), "reading retired spans");
}

Status Store::PurgeRetiredSpans(const CollectionState& c) {
  if (!retired_->Any(c.def.id)) return Status::OK();
  std::vector<std::pair<std::string, rocksdb::ColumnFamilyHandle*>> sources = {{cf::Names(c.def.id), c.names}};
  if (c.auto_cf != nullptr) sources.emplace_back(cf::Auto(c.def.id), c.auto_cf);
  for (const IndexState* idx : c.indexes) sources.emplace_back(idx->def.Name(), idx->cf);
  rocksdb::WriteOptions wo;
  wo.sync = options_.sync_writes;
  for (const auto& [name, cf] : sources) {
    if (cf == nullptr) continue;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), cf));
    rocksdb::WriteBatch wb;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      if (!InRetiredSpan(std::string_view(it->value().data(), it->value().size()))) continue;
      wb.Delete(cf, it->key());
      if (wb.Count() >= 10000) {
        HEARTH_RETURN_IF_ERROR(FromRocks(db_->Write(wo, &wb), "purging " + name));
        wb.Clear();
      }
    }
    HEARTH_RETURN_IF_ERROR(FromRocks(it->status(), "purging " + name));
    HEARTH_RETURN_IF_ERROR(FromRocks(db_->Write(wo, &wb), "purging " + name));
  }
  rocksdb::WriteBatch wb;
  for (const auto& prefix : retired_->Prefixes(c.def.id)) wb.Delete(meta_, meta::Retired(c.def.id, prefix));
  HEARTH_RETURN_IF_ERROR(FromRocks(db_->Write(wo, &wb), "forgetting retired spans of " + c.def.id));
  retired_->Forget(c.def.id);
  return Status::OK();
}

Status Store::PurgeAllRetiredSpans() {
  for (const auto& id : retired_->Collections()) {
    HEARTH_ASSIGN_OR_RETURN(const CollectionState* c, ResolveCollection(id, false));
    std::lock_guard lock(write_mu_);
    HEARTH_RETURN_IF_ERROR(PurgeRetiredSpans(*c));
  }
  return Status::OK();
}

StatusOr<std::vector<Value>> Store::SeriesPartitions(std::string_view collection_path) {
  HEARTH_ASSIGN_OR_RETURN(schema::CollectionPath cp, schema::ParseCollectionPath(collection_path));
  HEARTH_ASSIGN_OR_RETURN(const CollectionState* c, SeriesCollection(this, cp));
  std::vector<Value> partitions;
  if (c == nullptr) return partitions;
  // Skip from one partition's prefix to the next.
  std::string coll_prefix;
  schema::AppendCollectionPrefix(&coll_prefix, cp.path);
  BoundedIterator it(db_.get(), c->docs, coll_prefix, schema::PrefixSuccessor(coll_prefix));
  for (it->Seek(coll_prefix); it->Valid();) {
    std::string_view rest(it->key().data() + coll_prefix.size(), it->key().size() - coll_prefix.size());
    Value partition;
    if (!schema::DecodeValue(&rest, schema::Direction::kAscending, &partition)) {
      it->Next();  // a deeper collection's key
      continue;
    }
    partitions.push_back(partition);
    it->Seek(schema::PrefixSuccessor(TimeSeriesPartitionPrefix(cp.path, partition)));
  }
  HEARTH_RETURN_IF_ERROR(FromRocks(it->status(), "listing partitions of " + cp.ToString()));
  return partitions;
}

StatusOr<uint64_t> Store::DeleteSeries(const SeriesDeletion& d) {
  HEARTH_ASSIGN_OR_RETURN(schema::CollectionPath cp, schema::ParseCollectionPath(d.collection));
  HEARTH_ASSIGN_OR_RETURN(const CollectionState* c, SeriesCollection(this, cp));
  uint64_t count = 0;
  if (c == nullptr) return count;
  std::vector<Value> partitions;
  if (d.partition) {
    partitions.push_back(*d.partition);
  } else {
    HEARTH_ASSIGN_OR_RETURN(partitions, SeriesPartitions(d.collection));
  }
  for (const auto& partition : partitions) {
    // Writers wait while a partition is deleted, so none lands in the span.
    std::lock_guard lock(write_mu_);
    HEARTH_RETURN_IF_ERROR(DeletePartitionRange(*c, cp.path, partition, d.before, d.dry_run, &count));
    if (!d.dry_run) NotifySeries(SeriesChange{c->def.id, partition, std::nullopt});
  }
  return count;
}

StatusOr<uint64_t> Store::DeleteExpired(const std::string& collection_path, bool dry_run) {
  HEARTH_ASSIGN_OR_RETURN(schema::CollectionPath cp, schema::ParseCollectionPath(collection_path));
  auto coll = ResolveCollection(cp.collection_id(), false);
  if (!coll.ok()) return coll.status().code() == StatusCode::kNotFound ? StatusOr<uint64_t>(uint64_t{0}) : coll.status();
  const CollectionState* c = *coll;
  uint64_t count = 0;
  if (!c->ttl_field) return count;
  // Every collection with this id holds its documents in doc.<id>; delete in
  // batches through the ordinary write path, so index entries go too.
  const Timestamp now = Timestamp::Now();
  rocksdb::ReadOptions ro;
  ro.fill_cache = false;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, c->docs));
  WriteBatch batch;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    schema::ResourcePath p;
    std::string_view key(it->key().data(), it->key().size());
    if (!DocumentPathFromKey(key, c->time_series(), &p)) continue;
    auto sd = schema::StoredDocument::Parse(std::string_view(it->value().data(), it->value().size()), p.ToString(),
                                            schema::Verification::kChecksum, c->dictionaries);
    if (!sd.ok() || !c->Expired(*sd, now)) continue;
    count++;
    if (!dry_run) batch.Delete(p.ToString());
    if (batch.size() == 1000) {
      HEARTH_RETURN_IF_ERROR(Write(batch).status());
      batch.Clear();
    }
  }
  HEARTH_RETURN_IF_ERROR(FromRocks(it->status(), "scanning " + cf::Docs(c->def.id)));
  if (!batch.empty()) HEARTH_RETURN_IF_ERROR(Write(batch).status());
  return count;
}

Status Store::SetRetentionDays(const std::string& collection_id, std::optional<int> days) {
  if (days) {
    if (*days < 0) return Status::InvalidArgument("retention days must not be negative");
    std::optional<CollectionDef> def = Collection(collection_id);
    if (!def || !def->time_series)
      return Status::FailedPrecondition("collection \"" + collection_id + "\" is not a time series; retention " +
                                        "policies apply to time-series collections");
    return FromRocks(db_->Put(rocksdb::WriteOptions(), meta_, meta::Retention(collection_id), std::to_string(*days)),
                     "storing the retention policy");
  }
  return FromRocks(db_->Delete(rocksdb::WriteOptions(), meta_, meta::Retention(collection_id)),
                   "removing the retention policy");
}

StatusOr<std::map<std::string, int>> Store::RetentionPolicies() {
  std::map<std::string, int> out;
  const std::string prefix = meta::Retention("");
  BoundedIterator it(db_.get(), meta_, prefix, schema::PrefixSuccessor(prefix));
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    std::string id = it->key().ToString().substr(prefix.size());
    try {
      out[id] = std::stoi(it->value().ToString());
    } catch (...) {
      return Status::DataLoss("retention policy of " + id + " is not a number");
    }
  }
  HEARTH_RETURN_IF_ERROR(FromRocks(it->status(), "reading retention policies"));
  return out;
}

uint64_t Store::AddSeriesListener(std::function<void(const SeriesChange&)> listener) {
  std::lock_guard lock(listeners_mu_);
  listeners_[next_listener_] = std::move(listener);
  return next_listener_++;
}

void Store::RemoveSeriesListener(uint64_t id) {
  std::lock_guard lock(listeners_mu_);
  listeners_.erase(id);
}

void Store::NotifySeries(const SeriesChange& change) {
  std::lock_guard lock(listeners_mu_);
  for (const auto& [id, l] : listeners_) l(change);
}

}  // namespace hearth::engine
