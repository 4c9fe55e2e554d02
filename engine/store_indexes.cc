// Store: applying firestore.indexes.json at open. Indexes that are new are
// built from the stored documents (with progress); removed ones are dropped.
// An index is marked "building" before its backfill and "ready" after, so a
// crash during a build rebuilds it at the next open.
#include <filesystem>
#include <fstream>
#include <set>

#include "engine/auto_index.h"
#include "engine/index_entries.h"
#include "engine/keys.h"
#include "engine/rocks_status.h"
#include "engine/store.h"
#include "schema/document_codec.h"

namespace hearth::engine {

namespace {

constexpr std::string_view kReady = "ready";
constexpr std::string_view kBuilding = "building";

// A composite index exactly (partition ASC, time ASC|DESC) of a time-series
// collection is the primary key's own order (scanned forwards or backwards):
// it is not stored twice.
bool ServedByPrimaryKey(const schema::IndexDef& def, const std::optional<CollectionDef>& coll) {
  if (!coll || !coll->time_series || def.scope != schema::QueryScope::kCollection || def.fields.size() != 2)
    return false;
  const auto& ts = *coll->time_series;
  const auto& f0 = def.fields[0];
  const auto& f1 = def.fields[1];
  if (f0.field.segments() != std::vector<std::string>{ts.partition_field} || f0.mode != schema::FieldMode::kAscending)
    return false;
  if (f1.field.segments() != std::vector<std::string>{ts.time_field} || f1.mode == schema::FieldMode::kContains)
    return false;
  auto dir = f1.mode == schema::FieldMode::kDescending ? schema::Direction::kDescending : schema::Direction::kAscending;
  return def.name_direction == dir;
}

}  // namespace

Status Store::ApplyIndexConfig() {
  rocksdb::ReadOptions ro;
  std::string stored_json, remembered_file;
  rocksdb::Status s = db_->Get(ro, meta_, meta::kIndexConfig, &stored_json);
  if (!s.ok() && !s.IsNotFound()) return FromRocks(s, "reading the index configuration");
  const bool has_stored = s.ok();
  s = db_->Get(ro, meta_, meta::kIndexConfigFile, &remembered_file);
  if (!s.ok() && !s.IsNotFound()) return FromRocks(s, "reading the index configuration");
  std::string json, source, file;
  if (options_.indexes_json) {
    json = *options_.indexes_json;
    source = "the given index configuration";
  } else if (!options_.indexes_file.empty() ||
             (!remembered_file.empty() && std::filesystem::exists(remembered_file))) {
    file = options_.indexes_file.empty() ? remembered_file : options_.indexes_file;
    std::ifstream in(file, std::ios::binary);
    if (!in) return Status::NotFound("cannot read index file " + file);
    json.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    source = file;
    std::error_code ec;
    auto abs = std::filesystem::absolute(file, ec);
    if (!ec) file = abs.string();
  } else if (has_stored) {
    json = stored_json;
    source = "the store's recorded index configuration";
  } else {
    json = std::string(schema::DefaultIndexConfigJson());
    source = "hearth's built-in firestore.indexes.json";
  }
  HEARTH_ASSIGN_OR_RETURN(index_config_, schema::ParseIndexConfig(json, source));

  std::set<std::string> wanted;
  for (const auto& def : index_config_.indexes) {
    auto state = std::make_unique<IndexState>();
    state->def = def;
    state->name = def.Name();
    if (!ServedByPrimaryKey(def, DefinitionFor(def.collection_group))) wanted.insert(state->name);
    indexes_.push_back(std::move(state));
  }
  // Drop indexes the configuration no longer names.
  std::vector<std::string> existing;
  for (const auto& [name, h] : cfs_)
    if (name.substr(0, cf::kIndexPrefix.size()) == cf::kIndexPrefix) existing.push_back(name);
  for (const auto& name : existing) {
    if (wanted.count(name)) continue;
    HEARTH_RETURN_IF_ERROR(FromRocks(db_->DropColumnFamily(cfs_[name]), "dropping index " + name));
    HEARTH_RETURN_IF_ERROR(FromRocks(db_->DestroyColumnFamilyHandle(cfs_[name]), "dropping index " + name));
    cfs_.erase(name);
    HEARTH_RETURN_IF_ERROR(FromRocks(db_->Delete(rocksdb::WriteOptions(), meta_, meta::IndexState(name)),
                                     "dropping index " + name));
  }
  // Create the column family of every wanted index first, so collection
  // states resolved during the builds see all of them.
  std::vector<IndexState*> to_build;
  for (auto& idx : indexes_) {
    if (!wanted.count(idx->name)) continue;
    std::string st;
    rocksdb::Status gs = db_->Get(ro, meta_, meta::IndexState(idx->name), &st);
    if (!gs.ok() && !gs.IsNotFound()) return FromRocks(gs, "reading index state");
    auto it = cfs_.find(idx->name);
    if (it != cfs_.end() && gs.ok() && st == kReady) {
      idx->cf = it->second;
      continue;
    }
    if (it != cfs_.end()) {  // a build that did not finish: start over
      HEARTH_RETURN_IF_ERROR(FromRocks(db_->DropColumnFamily(it->second), "dropping index " + idx->name));
      HEARTH_RETURN_IF_ERROR(FromRocks(db_->DestroyColumnFamilyHandle(it->second), "dropping index " + idx->name));
      cfs_.erase(it);
    }
    HEARTH_RETURN_IF_ERROR(FromRocks(db_->Put(rocksdb::WriteOptions(), meta_, meta::IndexState(idx->name), kBuilding),
                                     "marking index " + idx->name));
    HEARTH_ASSIGN_OR_RETURN(idx->cf, CreateCf(idx->name));
    to_build.push_back(idx.get());
  }
  for (IndexState* idx : to_build) {
    HEARTH_RETURN_IF_ERROR(BuildIndex(*idx));
    HEARTH_RETURN_IF_ERROR(FromRocks(db_->Put(rocksdb::WriteOptions(), meta_, meta::IndexState(idx->name), kReady),
                                     "marking index " + idx->name));
  }
  for (const auto& id : RegisteredCollections()) HEARTH_RETURN_IF_ERROR(SyncAutoIndex(id));
  rocksdb::WriteBatch wb;
  wb.Put(meta_, meta::kIndexConfig, json);
  wb.Put(meta_, meta::kIndexConfigSource, source);
  if (!file.empty()) {
    wb.Put(meta_, meta::kIndexConfigFile, file);
  } else if (options_.indexes_json) {
    wb.Delete(meta_, meta::kIndexConfigFile);
  }
  return FromRocks(db_->Write(rocksdb::WriteOptions(), &wb), "recording the index configuration");
}

Status Store::Backfill(const CollectionState& c, const std::string& task,
                       const std::function<void(const schema::DocumentPath&, std::string_view,
                                                const schema::StoredDocument&, rocksdb::WriteBatch*)>& write) {
  HEARTH_ASSIGN_OR_RETURN(uint64_t total, ReadCounter(meta::DocumentCount(c.def.id)));
  Progress progress{task, 0, total};
  if (options_.progress) options_.progress(progress);
  rocksdb::ReadOptions ro;
  ro.fill_cache = false;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, c.docs));
  rocksdb::WriteBatch wb;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    std::string_view key(it->key().data(), it->key().size());
    schema::ResourcePath p;
    if (!DocumentPathFromKey(key, c.time_series(), &p))
      return Status::DataLoss(task + ": malformed " + DescribeKey(cf::Docs(c.def.id), key));
    schema::DocumentPath path{p};
    HEARTH_ASSIGN_OR_RETURN(schema::StoredDocument sd, schema::StoredDocument::Parse(
                                                           std::string_view(it->value().data(), it->value().size()),
                                                           path.ToString(), schema::Verification::kChecksum,
                                                           c.dictionaries));
    write(path, key, sd, &wb);
    progress.done++;
    if (progress.done % 4096 == 0) {
      HEARTH_RETURN_IF_ERROR(FromRocks(db_->Write(rocksdb::WriteOptions(), &wb), task));
      wb.Clear();
      if (options_.progress) options_.progress(progress);
    }
  }
  HEARTH_RETURN_IF_ERROR(FromRocks(it->status(), task));
  HEARTH_RETURN_IF_ERROR(FromRocks(db_->Write(rocksdb::WriteOptions(), &wb), task));
  if (options_.progress) options_.progress(progress);
  return Status::OK();
}

Status Store::BackfillEntries(const CollectionState& c, const std::string& task, rocksdb::ColumnFamilyHandle* target,
                              const std::function<void(const schema::DocumentPath&, const schema::StoredDocument&,
                                                       std::vector<std::string>*)>& entries_of) {
  std::vector<std::string> keys;
  return Backfill(c, task, [&](const schema::DocumentPath& path, std::string_view pk, const schema::StoredDocument& sd,
                               rocksdb::WriteBatch* wb) {
    keys.clear();
    entries_of(path, sd, &keys);
    for (const auto& k : keys) wb->Put(target, k, c.time_series() ? std::string(pk) : std::string());
  });
}

Status Store::SyncProjection(const std::string& id) {
  HEARTH_ASSIGN_OR_RETURN(const CollectionState* c, ResolveCollection(id, false));
  std::string recorded;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), meta_, meta::Projection(id), &recorded);
  if (!s.ok() && !s.IsNotFound()) return FromRocks(s, "reading " + meta::Projection(id));
  // Every primary key starts with a collection id's first byte, never FF in UTF-8.
  auto clear = [&](rocksdb::ColumnFamilyHandle* handle) {
    return FromRocks(db_->DeleteRange(rocksdb::WriteOptions(), handle, std::string(), std::string(1, '\xff')),
                     "clearing " + cf::Projection(id));
  };
  if (c->projection == nullptr) {
    // No projection any more: forget the old one, so one declared again is rebuilt.
    std::shared_lock lock(collections_mu_);
    auto cf = cfs_.find(cf::Projection(id));
    if (cf != cfs_.end()) HEARTH_RETURN_IF_ERROR(clear(cf->second));
    return s.ok() ? FromRocks(db_->Delete(rocksdb::WriteOptions(), meta_, meta::Projection(id)),
                              "forgetting " + cf::Projection(id))
                  : Status::OK();
  }
  const std::string wanted = ProjectionFingerprint(*c);
  if (s.ok() && recorded == wanted) return Status::OK();
  HEARTH_RETURN_IF_ERROR(clear(c->projection));
  HEARTH_RETURN_IF_ERROR(Backfill(*c, "building the projection of " + id,
                                  [&](const schema::DocumentPath&, std::string_view pk, const schema::StoredDocument& sd,
                                      rocksdb::WriteBatch* wb) {
                                    wb->Put(c->projection, pk,
                                            schema::EncodeStoredProjection(sd.Fields(), c->projected, sd.create_time(),
                                                                           sd.update_time()));
                                  }));
  return FromRocks(db_->Put(rocksdb::WriteOptions(), meta_, meta::Projection(id), wanted),
                   "marking " + cf::Projection(id));
}

Status Store::BuildIndex(const IndexState& index) {
  auto coll = ResolveCollection(index.def.collection_group, false);
  if (!coll.ok()) return coll.status().code() == StatusCode::kNotFound ? Status::OK() : coll.status();
  return BackfillEntries(**coll, "building index " + index.name, index.cf,
                  [&](const schema::DocumentPath& path, const schema::StoredDocument& sd, std::vector<std::string>* keys) {
                    AppendIndexEntries(index.def, path, StoredFieldSource(sd), keys);
                  });
}

Status Store::SyncAutoIndex(const std::string& id) {
  HEARTH_ASSIGN_OR_RETURN(const CollectionState* c, ResolveCollection(id, false));
  std::string recorded;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), meta_, meta::AutoConfig(id), &recorded);
  if (!s.ok() && !s.IsNotFound()) return FromRocks(s, "reading " + meta::AutoConfig(id));
  const std::string wanted = c->auto_config.Fingerprint();
  if (s.ok() && recorded == wanted) return Status::OK();
  // Every automatic key starts with a scope byte, 01 or 02.
  HEARTH_RETURN_IF_ERROR(FromRocks(db_->DeleteRange(rocksdb::WriteOptions(), c->auto_cf, std::string(1, '\0'),
                                                    std::string(1, '\x03')),
                                   "clearing " + cf::Auto(id)));
  HEARTH_RETURN_IF_ERROR(FromRocks(db_->Put(rocksdb::WriteOptions(), meta_, meta::AutoConfig(id), "building"),
                                   "marking " + cf::Auto(id)));
  if (c->auto_config.enabled()) {
    HEARTH_RETURN_IF_ERROR(BackfillEntries(*c, "building automatic indexes of " + id, c->auto_cf,
                                    [&](const schema::DocumentPath& path, const schema::StoredDocument& sd,
                                        std::vector<std::string>* keys) {
                                      AppendAutoEntries(c->auto_config, path, sd.Fields(), keys);
                                    }));
  }
  return FromRocks(db_->Put(rocksdb::WriteOptions(), meta_, meta::AutoConfig(id), wanted), "marking " + cf::Auto(id));
}

}  // namespace hearth::engine
