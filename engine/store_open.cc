// Store: opening the database, column families and collection definitions.
#include <rocksdb/cache.h>
#include <rocksdb/env.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>
#include <rocksdb/write_buffer_manager.h>

#include "engine/counter_merge.h"
#include "engine/insert_hint.h"
#include "engine/keys.h"
#include "engine/rocks_status.h"
#include "engine/rocksdb_crc32c.h"
#include "engine/store.h"

namespace hearth::engine {

namespace {

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

std::string RegistrationOf(const CollectionDef& def) {
  if (!def.time_series) return "plain";
  return "ts " + def.time_series->partition_field + " " + def.time_series->time_field;
}

}  // namespace

StatusOr<std::unique_ptr<Store>> Store::Open(const Options& options, const std::string& path) {
  HEARTH_RETURN_IF_ERROR(CheckRocksDbCrc32c());
  std::unique_ptr<Store> store(new Store(options));
  HEARTH_RETURN_IF_ERROR(store->OpenDb(path));
  HEARTH_RETURN_IF_ERROR(store->LoadFormat());
  HEARTH_RETURN_IF_ERROR(store->LoadLedgerJournal());
  HEARTH_RETURN_IF_ERROR(store->LoadRetiredSpans());
  HEARTH_RETURN_IF_ERROR(store->LoadDictionaries());
  HEARTH_RETURN_IF_ERROR(store->ApplyIndexConfig());
  for (const auto& id : store->RegisteredCollections()) {
    HEARTH_RETURN_IF_ERROR(store->BuildLedger(id));
    HEARTH_RETURN_IF_ERROR(store->SyncProjection(id));
  }
  // Resume the change log's sequence after its last record.
  std::unique_ptr<rocksdb::Iterator> it(store->db_->NewIterator(rocksdb::ReadOptions(), store->log_));
  it->SeekToLast();
  uint64_t seq = 0;
  if (it->Valid() && ParseLogKey(std::string_view(it->key().data(), it->key().size()), &seq))
    store->next_log_seq_ = seq + 1;
  HEARTH_RETURN_IF_ERROR(FromRocks(it->status(), "reading the change log"));
  return store;
}

rocksdb::ColumnFamilyOptions Store::CfOptions(std::string_view name) const {
  rocksdb::ColumnFamilyOptions o;
  rocksdb::BlockBasedTableOptions t;
  t.block_cache = block_cache_;
  t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  t.format_version = 5;
  // Documents and their projections (the same keys, in the same runs).
  const bool docs = StartsWith(name, cf::kDocPrefix) || StartsWith(name, cf::kProjectionPrefix);
  // Documents are read in time-ordered runs: larger blocks give zstd more
  // context, a dictionary per SST file carries what blocks share, and the
  // bottommost level (nearly all data, written by background compaction)
  // affords zstd level 9, which decodes as fast as level 3. Measured in
  // bench/README.md ("Storage options").
  t.block_size = docs ? options_.document_block_bytes : 4 * 1024;
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  o.compression = rocksdb::kLZ4Compression;
  o.bottommost_compression = rocksdb::kZSTD;
  if (docs && !options_.document_block_compression) {
    o.compression = rocksdb::kNoCompression;
    o.bottommost_compression = rocksdb::kNoCompression;
  } else if (docs) {
    o.bottommost_compression_opts.enabled = true;
    o.bottommost_compression_opts.level = 9;
  }
  if (docs && options_.document_block_compression && options_.document_sst_dictionary_bytes > 0) {
    o.bottommost_compression_opts.max_dict_bytes = static_cast<uint32_t>(options_.document_sst_dictionary_bytes);
    o.bottommost_compression_opts.zstd_max_train_bytes =
        static_cast<uint32_t>(100 * options_.document_sst_dictionary_bytes);
  }
  // Where each memtable insert starts its search (engine/insert_hint.h).
  if (docs) o.memtable_insert_with_hint_prefix_extractor = NewDocumentInsertHint();
  if (StartsWith(name, cf::kAutoPrefix)) o.memtable_insert_with_hint_prefix_extractor = NewAutoEntryInsertHint();
  if (name == cf::kMeta) o.memtable_insert_with_hint_prefix_extractor = NewLedgerInsertHint();
  // Every time-series write looks its document's name up first, and a new
  // document's name is absent: a whole-key bloom filter over the memtable says
  // so without searching it (writer CPU per snapshot -9% at 300,000).
  if (StartsWith(name, cf::kNamePrefix)) {
    o.memtable_insert_with_hint_prefix_extractor = NewNameInsertHint();
    o.memtable_whole_key_filtering = true;
    o.memtable_prefix_bloom_size_ratio = 0.05;
  }
  o.level_compaction_dynamic_level_bytes = true;
  o.write_buffer_size = docs ? (64 << 20) : (16 << 20);
  // Name entries are small (~100 bytes in the memtable) and a time-major
  // batch scatters them across every partition: in a 16 MiB memtable each
  // insert (its skip-list splice and its bloom bit) missed the CPU caches.
  // 4 MiB keeps both near the cache (ingest +6-9% at 300,000 snapshots,
  // bench/README.md "Session 17"); its flushes are small and cheap.
  if (StartsWith(name, cf::kNamePrefix)) o.write_buffer_size = 4 << 20;
  if (name == cf::kMeta) o.merge_operator = NewCounterMergeOperator();
  // Entries of documents deleted by retention go as RocksDB compacts.
  if (StartsWith(name, cf::kNamePrefix) || StartsWith(name, cf::kAutoPrefix) || StartsWith(name, cf::kIndexPrefix))
    o.compaction_filter_factory = NewRetiredEntryFilterFactory(retired_);
  return o;
}

Status Store::OpenDb(const std::string& path_in) {
  std::string path = path_in;
  rocksdb::DBOptions dbo;
  dbo.create_if_missing = options_.create_if_missing;
  dbo.create_missing_column_families = true;
  dbo.max_open_files = -1;  // DeleteRange and periodic compaction want it
  dbo.max_background_jobs = 4;
  dbo.bytes_per_sync = 1 << 20;
  dbo.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  dbo.keep_log_file_num = 3;
  if (options_.in_memory) {
    mem_env_.reset(rocksdb::NewMemEnv(rocksdb::Env::Default()));
    dbo.env = mem_env_.get();
    path = "/hearth-in-memory";
  }
  // Compactions run in the LOW pool, flushes in HIGH (max_background_jobs
  // splits them); the pool threads take the priority at their next job.
  if (options_.low_priority_compactions) dbo.env->LowerThreadPoolCPUPriority(rocksdb::Env::LOW);
  block_cache_ = rocksdb::NewLRUCache(options_.block_cache_bytes);
  write_buffers_ = std::make_shared<rocksdb::WriteBufferManager>(options_.write_buffer_bytes);
  dbo.write_buffer_manager = write_buffers_;

  std::vector<std::string> names;
  rocksdb::Status ls = rocksdb::DB::ListColumnFamilies(dbo, path, &names);
  if (!ls.ok()) {
    if (!options_.create_if_missing)
      return Status::NotFound("no hearth store at " + path + " (create one with `hearth init`)");
    names = {rocksdb::kDefaultColumnFamilyName};
  }
  for (std::string_view required : {cf::kMeta, cf::kLog})
    if (std::find(names.begin(), names.end(), required) == names.end()) names.emplace_back(required);

  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const auto& n : names) descriptors.emplace_back(n, CfOptions(n));
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(dbo, path, descriptors, &handles, &raw);
  if (!s.ok()) {
    if (s.IsIOError() && s.ToString().find("lock") != std::string::npos)
      return Status::Unavailable("the store at " + path + " is in use by another process: " + s.ToString());
    return FromRocks(s, "opening the store at " + path);
  }
  db_.reset(raw);
  for (size_t i = 0; i < names.size(); i++) cfs_[names[i]] = handles[i];
  meta_ = cfs_[std::string(cf::kMeta)];
  log_ = cfs_[std::string(cf::kLog)];
  return Status::OK();
}

Status Store::LoadFormat() {
  std::string v;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), meta_, meta::kFormatVersion, &v);
  if (s.IsNotFound()) {  // a new store
    return FromRocks(db_->Put(rocksdb::WriteOptions(), meta_, meta::kFormatVersion, std::to_string(kKeyFormatVersion)),
                     "writing the format version");
  }
  HEARTH_RETURN_IF_ERROR(FromRocks(s, "reading the format version"));
  for (uint32_t older = kOldestKeyFormatVersion; older < kKeyFormatVersion; older++)
    if (v == std::to_string(older))  // every older layout is still read as it is (keys.h)
      return FromRocks(db_->Put(rocksdb::WriteOptions(), meta_, meta::kFormatVersion, std::to_string(kKeyFormatVersion)),
                       "upgrading the format version from " + v);
  if (v != std::to_string(kKeyFormatVersion))
    return Status::FailedPrecondition("the store has format version " + v + "; this hearth reads versions " +
                                      std::to_string(kOldestKeyFormatVersion) + " to " +
                                      std::to_string(kKeyFormatVersion) + " (a newer hearth wrote it?)");
  return Status::OK();
}

std::optional<CollectionDef> Store::DefinitionFor(std::string_view id) const {
  for (const auto& d : options_.collections)
    if (d.id == id) return d;
  for (const auto& d : MonitoringDomainCollections())
    if (d.id == id) return d;
  for (const auto& idx : index_config_.indexes)
    if (idx.collection_group == id) return CollectionDef{std::string(id), {}, std::nullopt, IdRule::kRandom};
  for (const auto& o : index_config_.field_overrides)
    if (o.collection_group == id) return CollectionDef{std::string(id), {}, std::nullopt, IdRule::kRandom};
  return std::nullopt;
}

std::optional<CollectionDef> Store::Collection(std::string_view id) const {
  {
    std::shared_lock lock(collections_mu_);
    auto it = collections_.find(id);
    if (it != collections_.end()) return it->second->def;
  }
  return DefinitionFor(id);
}

std::string ProjectionFingerprint(const CollectionState& c) {
  std::string f;
  for (const auto& name : c.projected) f += (f.empty() ? "" : "\n") + name;
  return f;
}

bool CollectionState::Expired(const schema::StoredDocument& d, const Timestamp& now) const {
  if (!ttl_field) return false;
  std::optional<Value> v = d.FieldAt(*ttl_field);
  // Only a timestamp expires a document (any other value, or none, disables it).
  return v && v->type() == Value::Type::kTimestamp && v->timestamp() <= now;
}

StatusOr<rocksdb::ColumnFamilyHandle*> Store::CreateCf(const std::string& name) {
  auto it = cfs_.find(name);
  if (it != cfs_.end()) return it->second;
  rocksdb::ColumnFamilyHandle* h = nullptr;
  HEARTH_RETURN_IF_ERROR(FromRocks(db_->CreateColumnFamily(CfOptions(name), name, &h), "creating " + name));
  cfs_[name] = h;
  return h;
}

StatusOr<const CollectionState*> Store::ResolveCollection(const std::string& id, bool create) {
  {
    std::shared_lock lock(collections_mu_);
    auto it = collections_.find(id);
    if (it != collections_.end()) return it->second.get();
  }
  std::unique_lock lock(collections_mu_);
  auto it = collections_.find(id);
  if (it != collections_.end()) return it->second.get();

  // What the store recorded when the collection was first written.
  std::string registered;
  rocksdb::Status rs = db_->Get(rocksdb::ReadOptions(), meta_, meta::Collection(id), &registered);
  if (!rs.ok() && !rs.IsNotFound()) return FromRocks(rs, "reading collection " + id);
  const bool exists = rs.ok();

  std::optional<CollectionDef> def = DefinitionFor(id);
  if (!def && exists) {
    def = CollectionDef{id, {}, std::nullopt, IdRule::kRandom};
    if (registered.substr(0, 3) == "ts ") {
      size_t sp = registered.find(' ', 3);
      def->time_series = hearth::TimeSeriesKey{registered.substr(3, sp - 3), registered.substr(sp + 1)};
    }
  }
  if (!def) {
    if (!create) return Status::NotFound("no collection \"" + id + "\"");
    if (!options_.allow_undeclared_collections)
      return Status::InvalidArgument(
          "unknown collection \"" + id +
          "\": hearth writes only to declared collections (the monitoring domain's snapshots, aggregations, "
          "monitors, alerts, reports, and every collectionGroup in firestore.indexes.json); add it to "
          "firestore.indexes.json or allow undeclared collections");
    def = CollectionDef{id, {}, std::nullopt, IdRule::kRandom};
  }
  if (exists && registered != RegistrationOf(*def))
    return Status::FailedPrecondition("collection \"" + id + "\" was created as \"" + registered +
                                      "\" but is now declared \"" + RegistrationOf(*def) +
                                      "\"; its stored keys cannot change layout in place");
  if (!exists && !create) return Status::NotFound("no collection \"" + id + "\"");

  auto state = std::make_unique<CollectionState>();
  state->dictionaries = &dictionaries_;
  state->def = *def;
  HEARTH_RETURN_IF_ERROR(LoadCollectionCompression(*state));
  HEARTH_ASSIGN_OR_RETURN(state->docs, CreateCf(cf::Docs(id)));
  if (state->time_series()) {
    HEARTH_ASSIGN_OR_RETURN(state->names, CreateCf(cf::Names(id)));
    std::string ids;
    rocksdb::Status is = db_->Get(rocksdb::ReadOptions(), meta_, meta::Ids(id), &ids);
    if (!is.ok() && !is.IsNotFound()) return FromRocks(is, "reading " + meta::Ids(id));
    state->other_ids = exists && ids != meta::kSelfNamedIds;
    std::string names;
    rocksdb::Status ns = db_->Get(rocksdb::ReadOptions(), meta_, meta::NameEntries(id), &names);
    if (!ns.ok() && !ns.IsNotFound()) return FromRocks(ns, "reading " + meta::NameEntries(id));
    const bool deferred = !exists || names == meta::kNamesDeferred;  // a new collection begins without them
    if (exists && deferred && state->other_ids) {
      // Other ids need the names to be found by path: a store that says both
      // (edited by hand) builds them now, before anyone can look.
      HEARTH_RETURN_IF_ERROR(CompleteDeferredNames(*state));
    } else {
      state->names_deferred = deferred;
    }
  }
  HEARTH_ASSIGN_OR_RETURN(state->auto_cf, CreateCf(cf::Auto(id)));
  state->auto_config = AutoIndexConfig(index_config_, id, options_.automatic_indexes);
  for (const auto& o : index_config_.field_overrides)
    if (o.ttl && o.collection_group == id) state->ttl_field = o.field.segments();
  if (state->time_series() && !def->projection.empty()) {
    HEARTH_ASSIGN_OR_RETURN(state->projection, CreateCf(cf::Projection(id)));
    auto keep = [&](const std::string& f) {
      if (std::find(state->projected.begin(), state->projected.end(), f) == state->projected.end())
        state->projected.push_back(f);
    };
    keep(def->time_series->time_field);
    for (const auto& f : def->projection) keep(f);
    if (state->ttl_field) keep((*state->ttl_field)[0]);
  }
  if (!exists) {
    rocksdb::WriteBatch wb;
    wb.Put(meta_, meta::Collection(id), RegistrationOf(*def));
    wb.Put(meta_, meta::AutoConfig(id), state->auto_config.Fingerprint());
    if (def->time_series) {
      wb.Put(meta_, meta::LedgerReady(id), "");  // no documents yet: the ledger is complete
      wb.Put(meta_, meta::Ids(id), meta::kSelfNamedIds);  // and none has another id
      wb.Put(meta_, meta::NameEntries(id), meta::kNamesDeferred);  // nor needs a name entry yet
    }
    if (state->projection) wb.Put(meta_, meta::Projection(id), ProjectionFingerprint(*state));  // and so is this
    HEARTH_RETURN_IF_ERROR(FromRocks(db_->Write(rocksdb::WriteOptions(), &wb), "registering collection " + id));
  }
  for (const auto& idx : indexes_) {
    if (idx->def.collection_group != id) continue;
    (idx->cf != nullptr ? state->indexes : state->primary_indexes).push_back(idx.get());
  }
  const CollectionState* out = state.get();
  collections_[id] = std::move(state);
  return out;
}

StatusOr<uint64_t> Store::ReadCounter(const std::string& key) {
  std::string v;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), meta_, key, &v);
  if (s.IsNotFound()) return uint64_t{0};
  HEARTH_RETURN_IF_ERROR(FromRocks(s, "reading " + key));
  int64_t n = DecodeCounter(v);
  return static_cast<uint64_t>(n < 0 ? 0 : n);
}

Timestamp Store::NextCommitTime() {
  int64_t now = Timestamp::Now().ToNanos();
  int64_t last = last_commit_nanos_.load();
  int64_t next;
  do {
    next = now > last ? now : last + 1;
  } while (!last_commit_nanos_.compare_exchange_weak(last, next));
  return Timestamp::FromNanos(next);
}

Status Store::Close() {
  if (closed_) return Status::OK();
  Status result;
  {
    // A closed store leaves no journal for the next open to fold.
    std::lock_guard lock(write_mu_);
    closed_ = true;
    result = FoldLedgerJournal();
  }
  // An in-memory store has nothing to make durable (and its Env cannot sync).
  if (!options_.in_memory) {
    Status synced = FromRocks(db_->SyncWAL(), "syncing the write-ahead log");
    if (result.ok()) result = synced;
  }
  for (auto& [name, h] : cfs_) {
    rocksdb::Status s = db_->DestroyColumnFamilyHandle(h);
    if (!s.ok() && result.ok()) result = FromRocks(s, "closing " + name);
  }
  cfs_.clear();
  rocksdb::Status s = db_->Close();
  if (!s.ok() && result.ok()) result = FromRocks(s, "closing the store");
  db_.reset();
  return result;
}

Store::~Store() {
  if (!closed_ && db_) (void)Close();
}

}  // namespace hearth::engine
