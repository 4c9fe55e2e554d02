// Store: building the series ledger (engine/keys.h meta::Ledger) of a
// time-series collection written before the ledger existed. From then on
// every write, recompress and retention keeps it in step with the documents.
#include "engine/bounded_iterator.h"
#include "engine/collection_counters.h"
#include "engine/keys.h"
#include "engine/rocks_status.h"
#include "engine/store.h"

namespace hearth::engine {

Status Store::BuildLedger(const std::string& id) {
  HEARTH_ASSIGN_OR_RETURN(const CollectionState* c, ResolveCollection(id, false));
  if (!c->time_series()) return Status::OK();
  std::string ready;
  rocksdb::Status rs = db_->Get(rocksdb::ReadOptions(), meta_, meta::LedgerReady(id), &ready);
  if (rs.ok()) return Status::OK();
  if (!rs.IsNotFound()) return FromRocks(rs, "reading the series ledger state of " + id);
  HEARTH_ASSIGN_OR_RETURN(uint64_t total, ReadCounter(meta::DocumentCount(id)));
  Progress progress{"building the series ledger of " + id, 0, total};
  if (options_.progress) options_.progress(progress);
  // Documents are in (partition, time) order, so each day's documents are
  // adjacent: one running sum, written when the day changes.
  const std::string all = meta::Ledger(id, "");
  rocksdb::WriteBatch wb;
  wb.DeleteRange(meta_, all, schema::PrefixSuccessor(all));  // what an interrupted build left
  std::string day_key;
  CounterDelta day;
  rocksdb::ReadOptions ro;
  ro.fill_cache = false;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, c->docs));
  schema::ResourcePath p;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    std::string_view key(it->key().data(), it->key().size());
    if (!DocumentPathFromKey(key, true, &p)) continue;
    std::string k = LedgerKeyOf(id, key, p[p.size() - 1]);
    if (k != day_key) {
      if (!day.zero()) wb.Put(meta_, day_key, day.Encoded());
      day_key = std::move(k);
      day = CounterDelta{};
    }
    day.Add(+1, std::string_view(it->value().data(), it->value().size()));
    if (++progress.done % 65536 == 0 && options_.progress) options_.progress(progress);
  }
  HEARTH_RETURN_IF_ERROR(FromRocks(it->status(), "scanning " + cf::Docs(id)));
  if (!day.zero()) wb.Put(meta_, day_key, day.Encoded());
  wb.Put(meta_, meta::LedgerReady(id), "");
  HEARTH_RETURN_IF_ERROR(FromRocks(db_->Write(rocksdb::WriteOptions(), &wb), "writing the series ledger of " + id));
  if (options_.progress) options_.progress(progress);
  return Status::OK();
}

}  // namespace hearth::engine
