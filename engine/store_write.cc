// Store: reads and the write path. A batch reads the previous version of each
// document it touches, then writes documents, removed and added index
// entries, name entries, counters and change records in one RocksDB
// WriteBatch, so a crash leaves the old state or the new one.
#include <algorithm>
#include <deque>
#include <memory>
#include <unordered_map>
#include <unordered_set>

#include "engine/auto_index.h"
#include "engine/bounded_iterator.h"
#include "engine/collection_counters.h"
#include "engine/index_entries.h"
#include "engine/keys.h"
#include "engine/ledger_changes.h"
#include "engine/ledger_journal.h"
#include "engine/perf_counters_off.h"
#include "engine/rocks_status.h"
#include "engine/sorted_write_batch.h"
#include "engine/store.h"
#include "schema/document_body.h"
#include "schema/document_codec.h"
#include "schema/field_transforms.h"
#include "schema/legacy_compressed.h"
#include "schema/limits.h"
#include "schema/time_format.h"

namespace hearth::engine {

namespace {

Status CheckDeclaredTypes(const CollectionDef& def, const schema::DocumentPath& p, const MapValue& fields) {
  for (const auto& f : def.timestamp_fields) {
    auto it = fields.find(f);
    if (it == fields.end() || it->second.is_null() || it->second.type() == Value::Type::kTimestamp) continue;
    return Status::InvalidArgument("document " + p.ToString() + ": field \"" + f + "\" is declared a timestamp in " +
                                   "collection \"" + def.id + "\" but holds a " +
                                   std::string(TypeName(it->second.type())));
  }
  return Status::OK();
}

void RemoveAt(MapValue* doc, const schema::FieldPath& path) {
  MapValue* m = doc;
  const auto& segs = path.segments();
  for (size_t i = 0; i + 1 < segs.size(); i++) {
    auto it = m->find(segs[i]);
    if (it == m->end() || it->second.type() != Value::Type::kMap) return;
    m = &it->second.map();
  }
  m->erase(segs.back());
}

Status ApplyUpdate(MapValue* doc, const MapValue& fields, const std::vector<std::string>& mask) {
  std::vector<schema::FieldPath> paths;
  if (mask.empty()) {
    for (const auto& [k, v] : fields) paths.emplace_back(std::vector<std::string>{k});
  } else {
    for (const auto& m : mask) {
      HEARTH_ASSIGN_OR_RETURN(schema::FieldPath p, schema::ParseFieldPath(m));
      paths.push_back(std::move(p));
    }
  }
  MapFieldSource source(fields);
  for (const auto& p : paths) {
    std::optional<Value> v = source.Get(p);
    if (v.has_value()) {
      schema::SetField(doc, p, std::move(*v));
    } else {
      RemoveAt(doc, p);
    }
  }
  return Status::OK();
}

struct Entry {
  rocksdb::ColumnFamilyHandle* cf;
  std::string key;
  bool operator==(const Entry& o) const { return cf == o.cf && key == o.key; }
};

struct EntryHash {
  size_t operator()(const Entry& e) const { return std::hash<std::string>()(e.key) ^ reinterpret_cast<uintptr_t>(e.cf); }
};

// One document touched by a batch: its state before the batch and now.
struct Touched {
  const CollectionState* coll = nullptr;
  const schema::DocumentPath* path = nullptr;  // the batch's parsed path
  std::string_view path_str;                   // and its text, both alive for the batch
  std::string name_key;  // encoded path: the plain primary key / the name CF key
  // The primary key the path's id spells (keys.h, self-named), when the
  // lookup computed it; empty when it did not. Equal to the new primary key
  // whenever the written fields agree with the id (IsSelfNamed).
  std::string self_pk;
  bool had = false;
  std::string old_pk;
  std::string old_bytes;
  Timestamp old_create;
  Timestamp old_update;
  std::optional<Value> old_partition;  // time series: the stored version's partition value
  std::vector<Entry> old_entries;
  bool has = false;
  // A write of this batch (not a check) touched it: it is rewritten, and
  // has no update time until the batch commits.
  bool written = false;
  // The current fields: borrowed from the batch for set/create, owned after
  // an update (which merges into a copy), and their plain JSON size
  // (measured when they were validated).
  const MapValue* fields = nullptr;
  MapValue owned;
  uint64_t json_size = 0;
  // The set or create whose fields *fields are, unchanged since, when there
  // is one: its fields were encoded before the lock.
  std::optional<size_t> encoded_op;
  // Once encoded: the new primary key (a plain collection's is name_key) and
  // stored value (a buffer of the batch's lease), and, time series, the
  // partition and time fields of *fields (found once; nullptr: absent).
  std::string new_pk;
  std::string* new_bytes = nullptr;
  std::string_view new_partition;    // time series: new_pk's partition prefix (TimeSeriesPartitionOf)
  bool newest_of_partition = false;  // no document of the batch is newer in its partition
  const Value* partition = nullptr;
  const Value* time = nullptr;
};

// Composite entries from `src`; automatic ones from `all` (every field).
void AppendEntries(const CollectionState& c, const schema::DocumentPath& path, const FieldSource& src,
                   const MapValue& all, std::vector<Entry>* out) {
  std::vector<std::string> keys;
  for (const IndexState* idx : c.indexes) {
    keys.clear();
    AppendIndexEntries(idx->def, path, src, &keys);
    for (auto& k : keys) out->push_back(Entry{idx->cf, std::move(k)});
  }
  if (c.auto_config.enabled()) {
    keys.clear();
    AppendAutoEntries(c.auto_config, path, all, &keys);
    for (auto& k : keys) out->push_back(Entry{c.auto_cf, std::move(k)});
  }
}

// A time-series document's partition and time fields in `fields`
// (nullptr where absent).
void FindSeriesFields(const TimeSeriesKey& ts, const MapValue& fields, const Value** partition, const Value** time) {
  auto p = fields.find(ts.partition_field);
  auto t = fields.find(ts.time_field);
  *partition = p == fields.end() ? nullptr : &p->second;
  *time = t == fields.end() ? nullptr : &t->second;
}

// Whether `t`, as the batch has it so far, is what `op` requires.
Status CheckPrecondition(const Touched& t, const WriteBatch::Op& op) {
  const WriteBatch::Precondition& pre = op.precondition;
  if (pre.empty()) return Status::OK();
  const bool check = op.kind == WriteBatch::Kind::kCheck;
  // A document this batch wrote has no update time before it commits.
  const std::optional<Timestamp> updated =
      t.has && !t.written ? std::optional<Timestamp>(t.old_update) : std::nullopt;
  std::string why;
  StatusCode code = StatusCode::kOk;
  if (pre.exists == true && !t.has) {
    why = "does not exist";
    code = StatusCode::kNotFound;
  } else if (pre.exists == false && t.has) {
    why = "already exists";
    code = StatusCode::kAlreadyExists;
  } else if (pre.update_time && updated != pre.update_time) {
    why = !t.has ? "does not exist" : !updated ? "was written earlier in this batch" : "was updated at " + schema::FormatRfc3339(*updated);
    why += " (the write requires update time " + schema::FormatRfc3339(*pre.update_time) + ")";
    code = StatusCode::kFailedPrecondition;
  }
  if (code == StatusCode::kOk) return Status::OK();
  const std::string what = "document " + std::string(t.path_str);
  if (check) return Status(StatusCode::kAborted, what + " changed since it was read: it " + why);
  return Status(code, what + " " + why);
}

}  // namespace

StatusOr<Document> Store::Get(std::string_view path_text) {
  HEARTH_ASSIGN_OR_RETURN(schema::DocumentPath path, schema::ParseDocumentPath(path_text));
  auto coll = ResolveCollection(path.collection_id(), false);
  if (!coll.ok()) {
    if (coll.status().code() == StatusCode::kNotFound)
      return Status::NotFound("document " + path.ToString() + " not found");
    return coll.status();
  }
  const CollectionState* c = *coll;
  std::string key;
  std::string value;
  rocksdb::ReadOptions ro;
  const bool deferred = c->names_deferred.load(std::memory_order_acquire);
  if (deferred) {  // every document is self-named: its path spells its key
    std::optional<std::string> pk = SelfNamedPrimaryKey(*c->def.time_series, path);
    if (!pk) return Status::NotFound("document " + path.ToString() + " not found");
    key = std::move(*pk);
  } else {
    key = PlainDocumentKey(path);
    if (c->time_series()) {  // the name entry holds the primary key
      std::string pk;
      rocksdb::Status s = db_->Get(ro, c->names, key, &pk);
      if (s.IsNotFound()) return Status::NotFound("document " + path.ToString() + " not found");
      HEARTH_RETURN_IF_ERROR(FromRocks(s, "reading " + path.ToString()));
      key = std::move(pk);
    }
  }
  rocksdb::Status s = db_->Get(ro, c->docs, key, &value);
  if (s.IsNotFound()) {
    if (c->time_series() && !deferred && !InRetiredSpan(key))
      return Status::DataLoss("document " + path.ToString() + " has a name entry but no stored document");
    return Status::NotFound("document " + path.ToString() + " not found");
  }
  HEARTH_RETURN_IF_ERROR(FromRocks(s, "reading " + path.ToString()));
  HEARTH_ASSIGN_OR_RETURN(schema::StoredDocument sd, schema::StoredDocument::Parse(value, path.ToString(), schema::Verification::kChecksum,
                                                                                  c->dictionaries));
  if (c->Expired(sd, Timestamp::Now())) return Status::NotFound("document " + path.ToString() + " not found (expired)");
  return sd.ToDocument(path.ToString());
}

StatusOr<Timestamp> Store::Write(const WriteBatch& batch, std::vector<Value>* transform_results) {
  if (closed_) return Status::FailedPrecondition("the store is closed");
  // Checks that need no lock: paths, collections, document limits. Each
  // operation's own steps are shared with the helper threads (they touch
  // nothing shared); where several operations fail, the first in batch
  // order names the error, as one thread would find it.
  const size_t n = batch.size();
  std::vector<schema::DocumentPath> paths(n);
  std::vector<std::string> path_strs(n);
  std::vector<const CollectionState*> colls;
  std::vector<schema::DocumentSizes> sizes(n);
  colls.reserve(n);
  std::vector<Status> bad_path(n);
  std::vector<uint8_t> marked(n, 0);  // fields carry the original system's compression markers
  encode_helpers_.Run(n, kOperationsPerChunk, [&](size_t i) {
    const auto& op = batch.ops()[i];
    if (auto p = schema::ParseDocumentPath(op.path); p.ok()) {
      paths[i] = std::move(*p);
      path_strs[i] = paths[i].ToString();
    } else {
      bad_path[i] = p.status();
    }
    for (const auto& [k, v] : op.fields) {
      if (!schema::IsCompressedMarker(v)) continue;
      marked[i] = 1;
      break;
    }
  });
  // Documents that carried the original system's compressed fields, expanded.
  std::map<size_t, MapValue> expanded;
  for (size_t i = 0; i < n; i++) {
    if (!marked[i]) continue;
    const auto& op = batch.ops()[i];
    MapValue copy = op.fields;
    HEARTH_RETURN_IF_ERROR(schema::ExpandCompressedFields(&copy).WithContext("document " + op.path));
    expanded.emplace(i, std::move(copy));
  }
  auto fields_of = [&](size_t i) -> const MapValue& {
    auto it = expanded.find(i);
    return it == expanded.end() ? batch.ops()[i].fields : it->second;
  };
  // Each write's transformed field paths, parsed; sized only once a write
  // has transforms (most batches have none).
  std::vector<std::vector<schema::FieldPath>> transform_paths;
  for (size_t i = 0; i < n; i++) {
    const auto& op = batch.ops()[i];
    HEARTH_RETURN_IF_ERROR(std::move(bad_path[i]));
    const schema::DocumentPath& p = paths[i];
    if (!op.transforms.empty()) {
      if (op.kind == WriteBatch::Kind::kDelete || op.kind == WriteBatch::Kind::kCheck)
        return Status::InvalidArgument("document " + op.path + ": a delete or a check takes no field transforms");
      auto tp = schema::CheckTransforms(op.transforms);
      if (!tp.ok()) return tp.status().WithContext("document " + op.path);
      transform_paths.resize(batch.size());
      transform_paths[i] = std::move(*tp);
    }
    if (op.kind == WriteBatch::Kind::kCheck) {
      // A check writes nothing, so it makes no collection: one that does not
      // exist (nullptr here) holds no document.
      auto c = ResolveCollection(p.collection_id(), false);
      if (!c.ok() && c.status().code() != StatusCode::kNotFound) return c.status();
      colls.push_back(c.ok() ? *c : nullptr);
      continue;
    }
    HEARTH_ASSIGN_OR_RETURN(const CollectionState* c, ResolveCollection(p.collection_id(), true));
    colls.push_back(c);
  }
  // The documents that sets and creates write: checked, measured, their
  // stored forms begun (all but the times and the checksum's last step) and
  // their index entries made before the lock (nearly all of a write's own
  // work; other writers wait only for the rest), shared with the helper
  // threads. encoded_fields[i] becomes op i's stored value when it is
  // stored uncompressed, as begun.
  BufferPool::Lease encoded_fields = document_buffers_.Take(n);
  std::unique_ptr<schema::RunningChecksum[]> sums(new schema::RunningChecksum[n]);  // uninitialized: Begin sets each
  std::vector<std::vector<Entry>> entries_of(n);  // of the fields as written
  std::vector<size_t> documents;
  for (size_t i = 0; i < n; i++) {
    const auto kind = batch.ops()[i].kind;
    if (kind == WriteBatch::Kind::kSet || kind == WriteBatch::Kind::kCreate) documents.push_back(i);
  }
  // What the locked steps need of each such document that follows from its
  // path and fields alone, found here rather than under the lock.
  struct Prepared {
    bool done = false;
    std::string name_key;                 // PlainDocumentKey
    std::optional<std::string> self_pk;   // time series: SelfNamedPrimaryKey
    const Value* partition = nullptr;     // time series: the fields' partition and time (nullptr: absent)
    const Value* time = nullptr;
  };
  std::vector<Prepared> prepared(n);
  std::vector<Status> failed(documents.size());
  encode_helpers_.Run(documents.size(), kDocumentsPerChunk, [&](size_t d) {
    const size_t i = documents[d];
    const MapValue& fields = fields_of(i);
    Status s = schema::ValidateDocument(paths[i], fields, &sizes[i]);
    if (s.ok()) s = CheckDeclaredTypes(colls[i]->def, paths[i], fields);
    if (!s.ok()) {
      failed[d] = std::move(s);
      return;
    }
    schema::BeginStoredDocument(fields, sizes[i].plain_json, &encoded_fields[i], &sums[i]);
    AppendEntries(*colls[i], paths[i], MapFieldSource(fields), fields, &entries_of[i]);
    Prepared& p = prepared[i];
    p.name_key = PlainDocumentKey(paths[i]);
    if (colls[i]->time_series()) {
      const TimeSeriesKey& ts = *colls[i]->def.time_series;
      p.self_pk = SelfNamedPrimaryKey(ts, paths[i]);
      FindSeriesFields(ts, fields, &p.partition, &p.time);
    }
    p.done = true;
  });
  for (Status& s : failed) HEARTH_RETURN_IF_ERROR(std::move(s));

  std::lock_guard lock(write_mu_);
  if (closed_) return Status::FailedPrecondition("the store is closed");
  std::deque<Touched> touched;  // stable addresses: Touched::fields may point into an element
  std::unordered_map<std::string_view, size_t> by_path;  // views of path_strs
  by_path.reserve(n);
  rocksdb::ReadOptions ro;

  auto touch = [&](size_t i) -> StatusOr<Touched*> {
    auto it = by_path.find(path_strs[i]);
    if (it != by_path.end()) return &touched[it->second];
    Touched t;
    t.path_str = path_strs[i];
    const std::string& ps = path_strs[i];
    t.coll = colls[i];
    t.path = &paths[i];
    Prepared& p = prepared[i];
    t.name_key = p.done ? std::move(p.name_key) : PlainDocumentKey(paths[i]);
    rocksdb::Status s;
    // While every stored document is self-named (keys.h), a self-named path's
    // document can only be at its own primary key, and none is there when
    // that key is newer than its partition's newest document: an append
    // needs no read at all.
    std::optional<std::string> self_pk;
    if (t.coll->time_series() && !t.coll->other_ids)
      self_pk = p.done ? std::move(p.self_pk) : SelfNamedPrimaryKey(*t.coll->def.time_series, *t.path);
    if (self_pk) {
      const std::string_view partition = TimeSeriesPartitionOf(*self_pk, t.path->id());
      std::optional<bool> after_newest = latest_.After(partition, *self_pk);
      if (!after_newest && latest_.HasRoom(partition)) {
        HEARTH_RETURN_IF_ERROR(LearnNewest(*t.coll, partition));
        after_newest = latest_.After(partition, *self_pk);
      }
      if (after_newest == true) {
        s = rocksdb::Status::NotFound();
      } else {
        s = db_->Get(ro, t.coll->docs, *self_pk, &t.old_bytes);
        if (s.ok()) t.old_pk = *self_pk;
      }
      t.self_pk = std::move(*self_pk);
    } else if (t.coll->time_series()) {
      s = db_->Get(ro, t.coll->names, t.name_key, &t.old_pk);
      if (s.ok()) {
        s = db_->Get(ro, t.coll->docs, t.old_pk, &t.old_bytes);
        // A name entry of a document deleted by retention: not there.
        if (s.IsNotFound() && !InRetiredSpan(t.old_pk))
          return Status::DataLoss("document " + ps + " has a name entry but no stored document");
      }
    } else {
      t.old_pk = t.name_key;
      s = db_->Get(ro, t.coll->docs, t.old_pk, &t.old_bytes);
    }
    if (!s.ok() && !s.IsNotFound()) return FromRocks(s, "reading " + ps);
    t.had = s.ok();
    if (t.had) {
      HEARTH_ASSIGN_OR_RETURN(schema::StoredDocument sd, schema::StoredDocument::Parse(t.old_bytes, ps, schema::Verification::kChecksum,
                                                                                    t.coll->dictionaries));
      t.old_create = sd.create_time();
      t.old_update = sd.update_time();
      if (t.coll->time_series()) t.old_partition = sd.Field(t.coll->def.time_series->partition_field);
      AppendEntries(*t.coll, *t.path, StoredFieldSource(sd), t.coll->auto_config.enabled() ? sd.Fields() : MapValue{},
                    &t.old_entries);
    }
    t.has = t.had;
    touched.push_back(std::move(t));
    by_path.emplace(touched.back().path_str, touched.size() - 1);
    return &touched.back();
  };
  // Makes t->owned hold the current fields, for an update to merge into.
  auto own_fields = [](Touched* t) -> Status {
    t->encoded_op.reset();  // the caller changes them
    if (t->fields == &t->owned) return Status::OK();
    if (t->fields != nullptr) {
      t->owned = *t->fields;
    } else {
      HEARTH_ASSIGN_OR_RETURN(schema::StoredDocument sd, schema::StoredDocument::Parse(
                                                     t->old_bytes, t->path_str, schema::Verification::kChecksum, t->coll->dictionaries));
      t->owned = sd.Fields();
    }
    t->fields = &t->owned;
    return Status::OK();
  };

  // Server timestamps of field transforms are the commit time, known here.
  const Timestamp commit = NextCommitTime();
  if (transform_results != nullptr) transform_results->clear();
  // Apply the operations in order to each document's current state.
  for (size_t i = 0; i < batch.size(); i++) {
    const auto& op = batch.ops()[i];
    if (colls[i] == nullptr) {  // a check in a collection that does not exist
      Touched missing;
      missing.path_str = path_strs[i];
      HEARTH_RETURN_IF_ERROR(CheckPrecondition(missing, op));
      continue;
    }
    HEARTH_ASSIGN_OR_RETURN(Touched * t, touch(i));
    HEARTH_RETURN_IF_ERROR(CheckPrecondition(*t, op));
    if (op.kind == WriteBatch::Kind::kCheck) continue;
    t->written = true;
    switch (op.kind) {
      case WriteBatch::Kind::kCreate:
        if (t->has) return Status::AlreadyExists("document " + std::string(t->path_str) + " already exists");
        [[fallthrough]];
      case WriteBatch::Kind::kSet:
        t->has = true;
        t->fields = &fields_of(i);
        t->json_size = sizes[i].plain_json;
        t->encoded_op = i;
        break;
      case WriteBatch::Kind::kUpdate:
      case WriteBatch::Kind::kMerge: {
        if (!t->has && op.kind == WriteBatch::Kind::kUpdate)
          return Status::NotFound("document " + std::string(t->path_str) +
                                  " does not exist; update needs an existing document (set creates one)");
        if (t->has) {
          HEARTH_RETURN_IF_ERROR(own_fields(t));
        } else {  // a merge into a missing document starts from an empty one
          t->owned.clear();
          t->fields = &t->owned;
          t->encoded_op.reset();
          t->has = true;
        }
        HEARTH_RETURN_IF_ERROR(ApplyUpdate(&t->owned, fields_of(i), op.update_mask).WithContext("document " + std::string(t->path_str)));
        schema::DocumentSizes updated;
        HEARTH_RETURN_IF_ERROR(schema::ValidateDocument(*t->path, t->owned, &updated));
        HEARTH_RETURN_IF_ERROR(CheckDeclaredTypes(t->coll->def, *t->path, t->owned));
        t->json_size = updated.plain_json;
        break;
      }
      case WriteBatch::Kind::kDelete:
        t->has = false;
        t->fields = nullptr;
        t->encoded_op.reset();
        t->owned.clear();
        break;
      case WriteBatch::Kind::kCheck: break;
    }
    if (op.transforms.empty()) continue;
    HEARTH_RETURN_IF_ERROR(own_fields(t));
    for (size_t k = 0; k < op.transforms.size(); k++) {
      Value r = schema::ApplyTransform(&t->owned, transform_paths[i][k], op.transforms[k], commit);
      if (transform_results != nullptr) transform_results->push_back(std::move(r));
    }
    schema::DocumentSizes transformed;
    HEARTH_RETURN_IF_ERROR(schema::ValidateDocument(*t->path, t->owned, &transformed));
    HEARTH_RETURN_IF_ERROR(CheckDeclaredTypes(t->coll->def, *t->path, t->owned));
    t->json_size = transformed.plain_json;
  }

  // Write's buffers are reused from batch to batch (write_mu_ is held).
  constexpr size_t kKeepBufferBytes = size_t{64} << 20;
  SortedWriteBatch& wb = write_ops_;
  wb.Clear(kKeepBufferBytes);
  std::map<std::string, CounterDelta> deltas;  // by collection
  LedgerChanges ledger;  // time series
  std::vector<Entry> new_entries;
  // The stored forms, each document on its own. An uncompressed set or
  // create was begun before the lock (BeginStoredDocument): its times and
  // checksum finish it in place, here. The others (compressed, or fields
  // changed under the lock) are encoded whole, shared with the helper
  // threads, but for a collection sampling for its first dictionary, whose
  // documents are sampled and stored in batch order (a sample can change the
  // codec of the documents after it).
  auto created_of = [&](const Touched& t) { return t.had ? t.old_create : commit; };
  auto store_form = [&](Touched& t) {
    const Timestamp created = created_of(t);
    if (t.encoded_op) {
      schema::EncodeStoredDocumentFromFields(schema::BegunFields(encoded_fields[*t.encoded_op]), created, commit,
                                             t.coll->compression, t.json_size, t.new_bytes);
    } else {
      *t.new_bytes = schema::EncodeStoredDocument(*t.fields, created, commit, t.coll->compression, t.json_size);
    }
  };
  std::vector<Touched*> whole;  // the others, in batch order
  for (Touched& t : touched) {
    if (!t.written || !t.has) continue;
    if (t.encoded_op && t.coll->compression.written() == schema::Codec::kNone) {
      t.new_bytes = &encoded_fields[*t.encoded_op];
      schema::FinishStoredDocument(created_of(t), commit, t.new_bytes, &sums[*t.encoded_op]);
      continue;
    }
    whole.push_back(&t);
  }
  BufferPool::Lease stored = document_buffers_.Take(whole.size());  // their stored forms
  std::vector<Touched*> to_store;
  for (size_t k = 0; k < whole.size(); k++) {
    Touched& t = *whole[k];
    t.new_bytes = &stored[k];
    if (!t.coll->SamplingForDictionary()) {
      to_store.push_back(&t);
      continue;
    }
    HEARTH_RETURN_IF_ERROR(SampleForDictionary(*t.coll, *t.fields));
    store_form(t);
  }
  encode_helpers_.Run(to_store.size(), kDocumentsPerChunk, [&](size_t k) { store_form(*to_store[k]); });
  const CollectionState* delta_of = nullptr;  // the collection `delta` counts for
  CounterDelta* delta = nullptr;
  // Time-series collections whose first document of another id this batch
  // writes: they hold other ids, and keep name entries, once it commits.
  std::vector<const CollectionState*> now_other;
  for (Touched& t : touched) {
    if (!t.written) continue;  // only checked
    const CollectionState& c = *t.coll;
    if (&c != delta_of) {  // a batch's documents are nearly always of one collection
      delta = &deltas[c.def.id];
      delta_of = &c;
    }
    std::string& pk = t.new_pk;
    bool self_named = false;  // time series: the id spells the written partition and time
    new_entries.clear();
    if (t.has) {
      const MapValue& fields = *t.fields;
      const Timestamp created = created_of(t);
      const std::string& bytes = *t.new_bytes;  // lives until the batch is written: borrowed below
      if (c.time_series()) {
        const auto& ts = *c.def.time_series;
        if (t.encoded_op) {  // found with the fields, before the lock
          t.partition = prepared[*t.encoded_op].partition;
          t.time = prepared[*t.encoded_op].time;
        } else {
          FindSeriesFields(ts, fields, &t.partition, &t.time);
        }
        self_named = t.partition != nullptr && t.time != nullptr && IsSelfNamed(t.path->id(), *t.partition, *t.time);
        if (self_named && !t.self_pk.empty()) {
          pk = std::move(t.self_pk);  // the same key, already built for the lookup
        } else {
          HEARTH_ASSIGN_OR_RETURN(pk, TimeSeriesPrimaryKey(ts, *t.path, t.partition, t.time));
        }
      } else {
        pk = t.name_key;
      }
      // Writing into a span retention deleted: first purge the entries still
      // pointing into it, or they would name the new document.
      if (c.time_series() && InRetiredSpan(pk)) HEARTH_RETURN_IF_ERROR(PurgeRetiredSpans(c));
      wb.PutBorrowed(c.docs, pk, bytes);
      if (t.had && t.old_pk != pk) wb.Delete(c.docs, t.old_pk);
      if (c.projection) {
        wb.Put(c.projection, pk,
               schema::EncodeStoredProjection(fields, c.projected, created, commit));
        if (t.had && t.old_pk != pk) wb.Delete(c.projection, t.old_pk);
      }
      if (c.time_series() && !c.other_ids && !self_named &&
          std::find(now_other.begin(), now_other.end(), &c) == now_other.end()) {
        now_other.push_back(&c);  // from the commit on, lookups go through the names
        wb.Put(meta_, meta::Ids(c.def.id), meta::kOtherIds);
      }
      if (c.time_series() && !c.names_deferred && (!t.had || t.old_pk != pk)) wb.Put(c.names, t.name_key, pk);
      if (t.encoded_op) {
        new_entries.swap(entries_of[*t.encoded_op]);  // made with the fields, before the lock
      } else {
        AppendEntries(c, *t.path, MapFieldSource(fields), fields, &new_entries);
      }
      CounterDelta added, removed;  // each counted once, for the collection and the ledger
      added.Add(+1, bytes.size(), t.json_size);  // the JSON size its header records
      if (t.had) removed.Add(-1, t.old_bytes);
      *delta += added;
      *delta += removed;
      if (c.time_series()) {
        t.new_partition = TimeSeriesPartitionOf(t.new_pk, t.path->id());
        ledger.For(c.def.id, t.new_pk, t.new_partition) += added;
        if (t.had) ledger.For(c.def.id, t.old_pk, TimeSeriesPartitionOf(t.old_pk, t.path->id())) += removed;
      }
    } else if (t.had) {
      wb.Delete(c.docs, t.old_pk);
      if (c.time_series()) {
        wb.Delete(c.names, t.name_key);  // deferred too: an unfinished build may have written it
        if (c.projection) wb.Delete(c.projection, t.old_pk);
        ledger.For(c.def.id, t.old_pk, TimeSeriesPartitionOf(t.old_pk, t.path->id())).Add(-1, t.old_bytes);
      }
      delta->Add(-1, t.old_bytes);
    }
    // Index entries: remove what the old version had and the new lacks, add
    // the rest (all of them when a time-series primary key moved, since the
    // entry values point at it).
    const bool pk_moved = t.had && t.has && t.old_pk != pk;
    const std::string_view entry_value = c.time_series() ? std::string_view(pk) : std::string_view();
    // A new document has no old entries: no sets to build (the common case).
    std::unordered_set<Entry, EntryHash> fresh, stale;
    if (!t.old_entries.empty()) {
      fresh.insert(new_entries.begin(), new_entries.end());
      stale.insert(t.old_entries.begin(), t.old_entries.end());
    }
    for (const Entry& e : t.old_entries)
      if (!fresh.count(e)) wb.Delete(e.cf, e.key);
    for (const Entry& e : new_entries)
      if (pk_moved || !stale.count(e)) wb.Put(e.cf, e.key, entry_value);
  }
  // A collection this batch gives other ids needs every name entry before
  // the batch commits: those of the stored documents first (the batch then
  // deletes or moves its own), and those of the batch's documents with it.
  for (const CollectionState* c : now_other) {
    if (!c->names_deferred) continue;
    HEARTH_RETURN_IF_ERROR(WriteDeferredNames(*c));
    for (const Touched& t : touched)
      if (t.coll == c && t.written && t.has) wb.Put(c->names, t.name_key, t.new_pk);
    wb.Delete(meta_, meta::NameEntries(c->def.id));
  }
  // The ledger's changes: one journal record for the batch (ledger_journal.h).
  const std::string journal = EncodeLedgerJournal(ledger.by_key());
  if (!journal.empty()) wb.PutBorrowed(meta_, meta::LedgerJournal(journal_next_), journal);
  uint64_t seq = next_log_seq_;
  // The writes (checks change nothing and are not recorded).
  std::vector<size_t> writes;
  for (size_t i = 0; i < batch.size(); i++)
    if (batch.ops()[i].kind != WriteBatch::Kind::kCheck) writes.push_back(i);
  if (writes.empty()) return commit;  // only checks, and they held
  if (options_.change_log) {
    auto op_of = [&](size_t i) {
      return batch.ops()[i].kind == WriteBatch::Kind::kDelete ? ChangeOp::kDelete : ChangeOp::kSet;
    };
    // One record per batch (keys.h, op 5); a single write keeps op 1 or 2.
    std::string record;
    if (writes.size() == 1) {
      record = ChangeRecord(op_of(writes[0]), commit, path_strs[writes[0]]);
    } else {
      record = ChangeRecord(ChangeOp::kBatch, commit, {});
      for (size_t i : writes) AppendBatchChange(&record, op_of(i), path_strs[i]);
    }
    wb.Put(log_, LogKey(seq++), record);
  }
  rocksdb::WriteBatch& rwb = write_batch_;
  if (rwb.GetDataSize() > kKeepBufferBytes) rwb = rocksdb::WriteBatch();
  rwb.Clear();
  for (const auto& [id, d] : deltas) d.MergeInto(&rwb, meta_, id);
  wb.AppendTo(&rwb);
  rocksdb::WriteOptions wo;
  wo.sync = options_.sync_writes;
  rocksdb::Status written;
  {
    PerfCountersOff off;
    written = db_->Write(wo, &rwb);
  }
  HEARTH_RETURN_IF_ERROR(FromRocks(written, "writing a batch of " + std::to_string(batch.size())));
  next_log_seq_ = seq;
  for (const CollectionState* c : now_other) {
    c->other_ids = true;
    c->names_deferred.store(false, std::memory_order_release);
  }
  if (!journal.empty()) {
    journal_next_++;
    for (const auto& [key, d] : ledger.by_key())
      if (!d.zero()) journal_sums_[key] += d;
    MaybeFoldLedgerJournal();
  }
  // Keep each partition's newest document exact, and tell time-series
  // listeners (query caches, rollups) what changed. Only the batch's newest
  // document of each partition is offered to latest_: the others would be
  // replaced at once (a batch of 5 hours of each monitor paid 5 copies and
  // frees of 3 KB for one kept).
  // Grouped by a hash of the partition, then by primary key: a partition's
  // documents are one run whatever the hash (a partition prefixes its keys),
  // and comparing integers costs less than comparing the prefixes.
  struct Newest {
    size_t hash;
    Touched* t;
  };
  std::vector<Newest> by_partition;
  for (Touched& t : touched) {
    if (!t.written || !t.has || !t.coll->time_series()) continue;
    by_partition.push_back(Newest{std::hash<std::string_view>()(t.new_partition), &t});
  }
  std::sort(by_partition.begin(), by_partition.end(), [](const Newest& a, const Newest& b) {
    return a.hash != b.hash ? a.hash < b.hash : a.t->new_pk < b.t->new_pk;
  });
  for (size_t i = 0; i < by_partition.size(); i++)
    by_partition[i].t->newest_of_partition =
        i + 1 == by_partition.size() || by_partition[i + 1].t->new_partition != by_partition[i].t->new_partition;
  for (Touched& t : touched) {
    if (!t.written || !t.coll->time_series()) continue;
    if (t.has) {
      if (t.newest_of_partition)
        latest_.Wrote(t.new_partition, t.new_pk, t.new_bytes);  // takes the bytes: read no more below
      NotifySeries(SeriesChange{t.coll->def.id, *t.partition, t.time->timestamp()});  // both checked by the key
    }
    if (!t.had || (t.has && t.old_pk == t.new_pk)) continue;
    // The old version is gone from its key (deleted, or moved).
    const std::string_view old_partition = TimeSeriesPartitionOf(t.old_pk, t.path->id());
    latest_.Removed(old_partition, t.old_pk);
    Timestamp old_time;
    if (t.old_partition && TimeSeriesTimeOf(t.old_pk, old_partition.size(), &old_time))
      NotifySeries(SeriesChange{t.coll->def.id, *t.old_partition, old_time});
  }
  return commit;
}

Status Store::Scan(std::string_view collection_path, const std::function<bool(const Document&)>& visit) {
  HEARTH_ASSIGN_OR_RETURN(schema::CollectionPath cp, schema::ParseCollectionPath(collection_path));
  auto coll = ResolveCollection(cp.collection_id(), false);
  if (!coll.ok()) return coll.status().code() == StatusCode::kNotFound ? Status::OK() : coll.status();
  const CollectionState* c = *coll;
  std::string prefix;
  schema::AppendCollectionPrefix(&prefix, cp.path);
  BoundedIterator it(db_.get(), c->docs, prefix, schema::PrefixSuccessor(prefix));
  const Timestamp now = Timestamp::Now();
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    schema::ResourcePath p;
    std::string_view key(it->key().data(), it->key().size());
    if (!DocumentPathFromKey(key, c->time_series(), &p))
      return Status::DataLoss("malformed " + DescribeKey(cf::Docs(c->def.id), key));
    if (p.size() != cp.path.size() + 1) continue;  // a deeper collection with the same id
    std::string path = p.ToString();
    HEARTH_ASSIGN_OR_RETURN(schema::StoredDocument sd,
                            schema::StoredDocument::Parse(std::string_view(it->value().data(), it->value().size()), path,
                                                          schema::Verification::kChecksum, c->dictionaries));
    if (c->Expired(sd, now)) continue;
    if (!visit(sd.ToDocument(std::move(path)))) break;
  }
  return FromRocks(it->status(), "scanning " + cp.ToString());
}

}  // namespace hearth::engine
