// Store: the series ledger (engine/keys.h meta::Ledger): its journal, folded
// into the ledger keys, and building the ledger of a time-series collection
// written before the ledger existed. From then on every write, recompress and
// retention keeps it in step with the documents.
#include "engine/bounded_iterator.h"
#include "engine/collection_counters.h"
#include "engine/keys.h"
#include "engine/ledger_journal.h"
#include "engine/rocks_status.h"
#include "engine/store.h"

namespace hearth::engine {

namespace {
// A write folds the journal once it holds this many records, or its sums this
// many ledger keys: at 500 snapshots a batch, one merge per partition and day
// every 128,000 snapshots instead of one per snapshot, with at most a few MB
// of sums in memory.
constexpr uint64_t kFoldAfterRecords = 256;
constexpr size_t kFoldAfterKeys = 16384;
}  // namespace

Status Store::LoadLedgerJournal() {
  const std::string begin(meta::kLedgerJournalPrefix);
  BoundedIterator it(db_.get(), meta_, begin, schema::PrefixSuccessor(begin));
  std::vector<std::string> damaged;
  uint64_t first = 0, last = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    std::string_view key(it->key().data(), it->key().size());
    uint64_t seq = 0;
    if (!meta::ParseLedgerJournal(key, &seq) ||
        !DecodeLedgerJournal(std::string_view(it->value().data(), it->value().size()), &journal_sums_)) {
      damaged.emplace_back(key);
      continue;
    }
    if (first == 0) first = seq;
    last = seq;
  }
  HEARTH_RETURN_IF_ERROR(FromRocks(it->status(), "reading the series ledger journal"));
  if (!damaged.empty()) {
    // The ledger is derived from the documents: rebuild every collection's
    // (Open calls BuildLedger for each) rather than trust a part of it.
    rocksdb::WriteBatch wb;
    wb.DeleteRange(meta_, begin, schema::PrefixSuccessor(begin));
    const std::string ready = meta::LedgerReady("");
    wb.DeleteRange(meta_, ready, schema::PrefixSuccessor(ready));
    HEARTH_RETURN_IF_ERROR(FromRocks(db_->Write(rocksdb::WriteOptions(), &wb),
                                     "discarding the series ledger journal (" + DescribeKey(cf::kMeta, damaged[0]) +
                                         " is damaged) to rebuild the ledgers"));
    journal_sums_.clear();
    journal_first_ = journal_next_ = 1;
    return Status::OK();
  }
  if (first != 0) {
    journal_first_ = first;
    journal_next_ = last + 1;
  }
  return FoldLedgerJournal();
}

Status Store::FoldLedgerJournal() {
  if (journal_first_ == journal_next_) return Status::OK();
  // One WriteBatch: every key's sum merged in, every record deleted; a crash
  // leaves the records (to fold again) or the sums, never both or neither.
  rocksdb::WriteBatch wb;
  for (const auto& [key, d] : journal_sums_)
    if (!d.zero()) wb.Merge(meta_, key, d.Encoded());
  for (uint64_t seq = journal_first_; seq < journal_next_; seq++) wb.Delete(meta_, meta::LedgerJournal(seq));
  rocksdb::WriteOptions wo;
  wo.sync = options_.sync_writes;
  HEARTH_RETURN_IF_ERROR(FromRocks(db_->Write(wo, &wb), "folding the series ledger journal"));
  journal_sums_.clear();
  journal_first_ = journal_next_;
  return Status::OK();
}

void Store::MaybeFoldLedgerJournal() {
  if (journal_next_ - journal_first_ < kFoldAfterRecords && journal_sums_.size() < kFoldAfterKeys) return;
  // A failure leaves the records stored and summed: the next fold, or the
  // next reader of the ledger (which reports it), tries again.
  (void)FoldLedgerJournal();
}

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
