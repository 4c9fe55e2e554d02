// Store: a time-series collection's deferred name entries (keys.h,
// meta::NameEntries).
//
// Why deferred: while every document of a collection is self-named, its
// path spells its primary key, so reads and writes by path need no name
// entry; only a scan in document-name order does. Not writing one saves a
// memtable insert, WAL bytes and a column family's flushes for every
// snapshot. The first scan that needs the names, or the first write of a
// document whose id does not spell its key, builds them all, once; from
// then on every write keeps them.
#include "engine/keys.h"
#include "engine/rocks_status.h"
#include "engine/store.h"

namespace hearth::engine {

Status Store::WriteDeferredNames(const CollectionState& c) {
  return Backfill(c, "building the name entries of " + c.def.id,
                  [&](const schema::DocumentPath& path, std::string_view pk, const schema::StoredDocument&,
                      rocksdb::WriteBatch* wb) { wb->Put(c.names, PlainDocumentKey(path), pk); });
}

Status Store::CompleteDeferredNames(const CollectionState& c) {
  HEARTH_RETURN_IF_ERROR(WriteDeferredNames(c));
  rocksdb::WriteOptions wo;
  wo.sync = options_.sync_writes;
  return FromRocks(db_->Delete(wo, meta_, meta::NameEntries(c.def.id)),
                   "recording the name entries of " + c.def.id + " complete");
}

Status Store::EnsureNames(const CollectionState& c) {
  if (!c.names_deferred.load(std::memory_order_acquire)) return Status::OK();
  std::lock_guard lock(write_mu_);
  if (closed_) return Status::FailedPrecondition("the store is closed");
  if (!c.names_deferred.load(std::memory_order_relaxed)) return Status::OK();  // built while this one waited
  HEARTH_RETURN_IF_ERROR(CompleteDeferredNames(c));
  c.names_deferred.store(false, std::memory_order_release);
  return Status::OK();
}

}  // namespace hearth::engine
