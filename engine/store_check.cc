// Store: the consistency check (`hearth check`) and statistics.
#include <chrono>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "engine/auto_index.h"
#include "engine/bounded_iterator.h"
#include "engine/collection_counters.h"
#include "engine/counter_merge.h"
#include "engine/index_entries.h"
#include "engine/keys.h"
#include "engine/rocks_status.h"
#include "engine/rocksdb_crc32c.h"
#include "engine/store.h"
#include "schema/document_codec.h"

namespace hearth::engine {

namespace {
constexpr size_t kMaxListedProblems = 100;
}  // namespace

class Store::Problems {
 public:
  explicit Problems(CheckReport* r) : r_(r) {}
  void Add(std::string p) {
    if (r_->problems.size() < kMaxListedProblems) {
      r_->problems.push_back(std::move(p));
    } else {
      extra_++;
    }
  }
  void Finish() {
    if (extra_) r_->problems.push_back("... and " + std::to_string(extra_) + " more problems");
  }

 private:
  CheckReport* r_;
  uint64_t extra_ = 0;
};

Status Store::CheckLedger(const CollectionState& c, const std::map<std::string, CounterDelta>& expected,
                          Problems* problems) {
  const std::string all = meta::Ledger(c.def.id, "");
  BoundedIterator it(db_.get(), meta_, all, schema::PrefixSuccessor(all));
  std::map<std::string, CounterDelta> stored;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    CounterDelta d = CounterDelta::Decoded(std::string_view(it->value().data(), it->value().size()));
    if (!d.zero()) stored.emplace(it->key().ToString(), d);
  }
  HEARTH_RETURN_IF_ERROR(FromRocks(it->status(), "reading the series ledger of " + c.def.id));
  auto describe = [](const CounterDelta& d) {
    return std::to_string(d.documents) + " documents, " + std::to_string(d.stored_bytes) + " stored bytes, " +
           std::to_string(d.json_bytes) + " JSON bytes";
  };
  for (const auto& [key, want] : expected) {
    auto s = stored.find(key);
    CounterDelta got = s == stored.end() ? CounterDelta{} : s->second;
    if (!(got == want))
      problems->Add(DescribeKey(cf::kMeta, key) + " says " + describe(got) + "; the documents are " + describe(want));
  }
  for (const auto& [key, got] : stored)
    if (!expected.count(key)) problems->Add(DescribeKey(cf::kMeta, key) + " says " + describe(got) + " of no document");
  return Status::OK();
}

Status Store::CheckProjection(const CollectionState& c, const schema::DocumentPath& path, std::string_view pk,
                              const schema::StoredDocument& doc, Problems* problems) {
  rocksdb::ReadOptions ro;
  ro.fill_cache = false;
  std::string stored;
  rocksdb::Status s = db_->Get(ro, c.projection, pk, &stored);
  if (s.IsNotFound()) {
    problems->Add("document " + path.ToString() + " has no projection in " + cf::Projection(c.def.id));
    return Status::OK();
  }
  HEARTH_RETURN_IF_ERROR(FromRocks(s, "reading " + cf::Projection(c.def.id)));
  auto projection = schema::StoredDocument::Parse(stored, "the projection of " + path.ToString(),
                                                  schema::Verification::kFull);
  if (!projection.ok()) {
    problems->Add(projection.status().message());
    return Status::OK();
  }
  if (projection->Fields() != schema::ProjectedFields(doc.Fields(), c.projected))
    problems->Add("the projection of document " + path.ToString() + " in " + cf::Projection(c.def.id) +
                  " differs from the document");
  return Status::OK();
}

std::vector<std::string> Store::RegisteredCollections() {
  std::vector<std::string> ids;
  std::string prefix = meta::Collection("");
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), meta_));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next())
    ids.push_back(it->key().ToString().substr(prefix.size()));
  return ids;
}

StatusOr<CheckReport> Store::Check() {
  CheckReport report;
  Problems problems(&report);
  {
    std::lock_guard lock(write_mu_);
    HEARTH_RETURN_IF_ERROR(FoldLedgerJournal());  // CheckLedger reads the ledger keys alone
  }
  rocksdb::ReadOptions ro;
  ro.fill_cache = false;
  std::vector<const CollectionState*> colls;
  for (const auto& id : RegisteredCollections()) {
    HEARTH_ASSIGN_OR_RETURN(const CollectionState* c, ResolveCollection(id, false));
    colls.push_back(c);
  }
  // An index-like column family and the keys each document should have in it.
  struct Source {
    rocksdb::ColumnFamilyHandle* cf;
    std::string name;
    std::function<void(const schema::DocumentPath&, const schema::StoredDocument&, std::vector<std::string>*)> keys_of;
    uint64_t expected = 0;
  };
  for (const CollectionState* c : colls) {
    std::vector<Source> sources;
    for (const IndexState* idx : c->indexes)
      sources.push_back({idx->cf, idx->name, [idx](const auto& path, const auto& sd, auto* keys) {
                           AppendIndexEntries(idx->def, path, StoredFieldSource(sd), keys);
                         }});
    sources.push_back({c->auto_cf, cf::Auto(c->def.id), [c](const auto& path, const auto& sd, auto* keys) {
                         AppendAutoEntries(c->auto_config, path, sd.Fields(), keys);
                       }});
    const std::string docs_cf = cf::Docs(c->def.id);
    // Read once: Check runs beside writers, and a concurrent build changes it.
    const bool deferred = c->names_deferred.load(std::memory_order_acquire);
    uint64_t count = 0;
    std::map<std::string, CounterDelta> ledger;  // time series: what the series ledger should say
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, c->docs));
    std::vector<std::string> keys;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      std::string_view key(it->key().data(), it->key().size());
      count++;
      schema::ResourcePath p;
      if (!DocumentPathFromKey(key, c->time_series(), &p)) {
        problems.Add("malformed " + DescribeKey(docs_cf, key));
        continue;
      }
      schema::DocumentPath path{p};
      auto sd = schema::StoredDocument::Parse(std::string_view(it->value().data(), it->value().size()), path.ToString(),
                                              schema::Verification::kFull, c->dictionaries);
      if (!sd.ok()) {
        problems.Add(sd.status().message());
        continue;
      }
      if (c->projection) HEARTH_RETURN_IF_ERROR(CheckProjection(*c, path, key, *sd, &problems));
      if (c->time_series()) {
        ledger[LedgerKeyOf(c->def.id, key, path.id())].Add(+1, std::string_view(it->value().data(), it->value().size()));
        std::string pk;
        rocksdb::Status s = db_->Get(ro, c->names, PlainDocumentKey(path), &pk);
        if (!deferred && (!s.ok() || pk != key))
          problems.Add("document " + path.ToString() + " has no matching name entry");
        if (deferred && s.ok() && pk != key)
          problems.Add("document " + path.ToString() + "'s name entry names another key");
        if (deferred && SelfNamedPrimaryKey(*c->def.time_series, path) != key)
          problems.Add("document " + path.ToString() + " is not self-named, but " + meta::NameEntries(c->def.id) +
                       " says its collection's name entries are deferred");
      }
      for (Source& src : sources) {
        keys.clear();
        src.keys_of(path, *sd, &keys);
        for (const auto& k : keys) {
          src.expected++;
          std::string v;
          rocksdb::Status s = db_->Get(ro, src.cf, k, &v);
          if (s.IsNotFound()) {
            problems.Add("document " + path.ToString() + " lacks its " + DescribeKey(src.name, k));
          } else if (!s.ok()) {
            return FromRocks(s, "reading " + src.name);
          } else if (c->time_series() && v != key) {
            problems.Add(DescribeKey(src.name, k) + " does not point at document " + path.ToString());
          }
        }
      }
    }
    HEARTH_RETURN_IF_ERROR(FromRocks(it->status(), "scanning " + docs_cf));
    report.documents += count;
    HEARTH_ASSIGN_OR_RETURN(uint64_t counted, ReadCounter(meta::DocumentCount(c->def.id)));
    if (counted != count)
      problems.Add("collection " + c->def.id + " holds " + std::to_string(count) + " documents but its counter says " +
                   std::to_string(counted));
    if (c->time_series()) HEARTH_RETURN_IF_ERROR(CheckLedger(*c, ledger, &problems));
    if (c->projection) {
      uint64_t projections = 0;
      std::unique_ptr<rocksdb::Iterator> pi(db_->NewIterator(ro, c->projection));
      for (pi->SeekToFirst(); pi->Valid(); pi->Next()) projections++;
      HEARTH_RETURN_IF_ERROR(FromRocks(pi->status(), "scanning " + cf::Projection(c->def.id)));
      if (projections != count)
        problems.Add(cf::Projection(c->def.id) + " holds " + std::to_string(projections) + " projections for " +
                     std::to_string(count) + " documents");
    }
    // Name and index entries of documents retention deleted (time-series
    // entries hold the primary key they name).
    auto retired = [&](const rocksdb::Iterator& i) {
      return c->time_series() && InRetiredSpan(std::string_view(i.value().data(), i.value().size()));
    };
    if (c->time_series()) {
      uint64_t names = 0;
      std::unique_ptr<rocksdb::Iterator> ni(db_->NewIterator(ro, c->names));
      for (ni->SeekToFirst(); ni->Valid(); ni->Next()) {
        if (retired(*ni)) {
          report.entries_awaiting_purge++;
          continue;
        }
        names++;
      }
      HEARTH_RETURN_IF_ERROR(FromRocks(ni->status(), "scanning " + cf::Names(c->def.id)));
      // Deferred, an unfinished build may have written some of them.
      if (deferred ? names > count : names != count)
        problems.Add(cf::Names(c->def.id) + " holds " + std::to_string(names) + " name entries for " +
                     std::to_string(count) + " documents");
    }
    // Entries no document accounts for: count them, and on a mismatch list them.
    for (Source& src : sources) {
      uint64_t entries = 0;
      std::unique_ptr<rocksdb::Iterator> ii(db_->NewIterator(ro, src.cf));
      for (ii->SeekToFirst(); ii->Valid(); ii->Next()) {
        if (retired(*ii)) {
          report.entries_awaiting_purge++;
          continue;
        }
        entries++;
      }
      HEARTH_RETURN_IF_ERROR(FromRocks(ii->status(), "scanning " + src.name));
      report.index_entries += entries;
      report.entries_by_index[src.name] += entries;
      if (entries == src.expected) continue;
      std::unordered_set<std::string> expected;
      std::unique_ptr<rocksdb::Iterator> di(db_->NewIterator(ro, c->docs));
      for (di->SeekToFirst(); di->Valid(); di->Next()) {
        schema::ResourcePath p;
        if (!DocumentPathFromKey(std::string_view(di->key().data(), di->key().size()), c->time_series(), &p)) continue;
        schema::DocumentPath path{p};
        auto sd = schema::StoredDocument::Parse(std::string_view(di->value().data(), di->value().size()),
                                                path.ToString(), schema::Verification::kChecksum, c->dictionaries);
        if (!sd.ok()) continue;
        keys.clear();
        src.keys_of(path, *sd, &keys);
        expected.insert(keys.begin(), keys.end());
      }
      for (ii->SeekToFirst(); ii->Valid(); ii->Next())
        if (!retired(*ii) && !expected.count(ii->key().ToString()))
          problems.Add(DescribeKey(src.name, std::string_view(ii->key().data(), ii->key().size())) +
                       " matches no stored document");
    }
  }
  problems.Finish();
  return report;
}

Status Store::Compact() {
  HEARTH_RETURN_IF_ERROR(PurgeAllRetiredSpans());
  std::vector<std::pair<std::string, rocksdb::ColumnFamilyHandle*>> cfs;
  {
    std::shared_lock lock(collections_mu_);
    cfs.assign(cfs_.begin(), cfs_.end());
  }
  rocksdb::CompactRangeOptions o;
  o.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForceOptimized;
  for (const auto& [name, h] : cfs)
    HEARTH_RETURN_IF_ERROR(FromRocks(db_->CompactRange(o, h, nullptr, nullptr), "compacting " + name));
  // CompactRange can return while its compaction's thread still deletes the
  // files it replaced (the caller wakes on any background signal; the count
  // of running compactions falls only after the deletion). So that the space
  // is free when Compact returns, wait for running compactions and flushes,
  // at most kSettleWait: concurrent writers may keep starting new ones.
  constexpr auto kSettleWait = std::chrono::seconds(30);
  const auto give_up = std::chrono::steady_clock::now() + kSettleWait;
  while (std::chrono::steady_clock::now() < give_up) {
    uint64_t compactions = 0, flushes = 0;
    if (!db_->GetIntProperty(rocksdb::DB::Properties::kNumRunningCompactions, &compactions) ||
        !db_->GetIntProperty(rocksdb::DB::Properties::kNumRunningFlushes, &flushes) || compactions + flushes == 0)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return Status::OK();
}

StatusOr<Stats> Store::GetStats() {
  Stats stats;
  stats.checksums = RocksDbCrc32cImplementation();
  for (const auto& id : RegisteredCollections()) {
    HEARTH_ASSIGN_OR_RETURN(const CollectionState* c, ResolveCollection(id, false));
    CollectionStats cs;
    cs.id = id;
    cs.time_series = c->time_series();
    cs.name_entries_deferred = c->names_deferred.load(std::memory_order_acquire);
    HEARTH_ASSIGN_OR_RETURN(cs.documents, ReadCounter(meta::DocumentCount(id)));
    HEARTH_ASSIGN_OR_RETURN(cs.stored_bytes, ReadCounter(meta::StoredBytes(id)));
    HEARTH_ASSIGN_OR_RETURN(cs.json_bytes, ReadCounter(meta::JsonBytes(id)));
    HEARTH_ASSIGN_OR_RETURN(cs.json_documents, ReadCounter(meta::JsonDocuments(id)));
    auto sst = [&](rocksdb::ColumnFamilyHandle* h) {
      uint64_t v = 0;
      return h != nullptr && db_->GetIntProperty(h, "rocksdb.live-sst-files-size", &v) ? v : 0;
    };
    cs.disk_bytes = sst(c->docs);
    cs.index_disk_bytes = sst(c->names) + sst(c->auto_cf) + sst(c->projection);
    for (const IndexState* idx : c->indexes) {
      cs.indexes.push_back(idx->name);
      cs.index_disk_bytes += sst(idx->cf);
    }
    stats.collections.push_back(std::move(cs));
  }
  std::shared_lock lock(collections_mu_);
  for (const auto& [name, h] : cfs_) {
    ColumnFamilyStats s;
    s.name = name;
    uint64_t v = 0;
    if (db_->GetIntProperty(h, "rocksdb.live-sst-files-size", &v)) s.live_sst_bytes = v;
    if (db_->GetIntProperty(h, "rocksdb.cur-size-all-mem-tables", &v)) s.memtable_bytes = v;
    if (db_->GetIntProperty(h, "rocksdb.estimate-num-keys", &v)) s.estimated_keys = v;
    stats.column_families.push_back(std::move(s));
  }
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), log_));
  it->SeekToFirst();
  if (it->Valid()) {
    std::string first = it->key().ToString();
    it->SeekToLast();
    auto seq = [](const std::string& k) {
      uint64_t s = 0;
      for (unsigned char ch : k) s = (s << 8) | ch;
      return s;
    };
    stats.change_log_records = seq(it->key().ToString()) - seq(first) + 1;
  }
  return stats;
}

}  // namespace hearth::engine
