// Memtable insert hints: RocksDB's memtable_insert_with_hint_prefix_extractor.
//
// A memtable is a skip list; inserting a key normally searches it from the
// top, a cache miss per level (at 2 M snapshots ~2 us of an insert). With a
// hint extractor, RocksDB keeps the last insert position of each distinct
// "prefix" and starts the next insert of that prefix there. Snapshots arrive
// in time order per monitor, so the next key of a partition lands right after
// the last one: the search is a few comparisons instead of a descent.
//
// Hints only choose where the search starts; any prefix gives correct
// results. Each distinct prefix costs the memtable one search position
// (~200 bytes), so every extractor here yields few distinct prefixes:
//
// - documents of a time series, string partition values:
//     prefix(collection) enc(partition)   (one hint per partition;
//     other partition types get none)
// - automatic index entries: scope, collection, kind and field path, without
//     the value (one hint per field; a time field appends at its end)
// - meta ledger keys (meta::LedgerDay): the key without its day
//     (one hint per partition; other meta keys get none)
// - name entries (an encoded document path): the path of the document's
//     collection (one hint per collection), and for an id shaped like a
//     self-named one, "{partition}_{digits[.digits]}", the id up to its
//     underscore too (one hint per partition). A batch reaches RocksDB sorted
//     (engine/sorted_write_batch.h), so its names arrive in ascending order
//     and each starts a short way after the last; without the hint every name
//     was a descent through the whole memtable (skip-list insert samples
//     of a write -30% in perf). With one hint per collection, a batch's
//     first name of each partition still searched from the last partition's
//     (instructions in Store::Write -1.3% with the partition's own hint).
//
// The extractors read key layouts defined in engine/keys.h and
// engine/auto_index.h; their names are not persisted (the option lives only
// in memory), so changing them needs no format change.
#pragma once

#include <memory>
#include <string_view>

namespace rocksdb {
class SliceTransform;
}

namespace hearth::engine {

// The hint prefix of each kind of key, or an empty view when the key gets no
// hint. Exposed for tests; RocksDB calls them through the extractors below.
std::string_view DocumentHintPrefix(std::string_view time_series_pk);
std::string_view AutoEntryHintPrefix(std::string_view auto_key);
std::string_view LedgerHintPrefix(std::string_view meta_key);
std::string_view NameHintPrefix(std::string_view name_key);

std::shared_ptr<const rocksdb::SliceTransform> NewDocumentInsertHint();
std::shared_ptr<const rocksdb::SliceTransform> NewAutoEntryInsertHint();
std::shared_ptr<const rocksdb::SliceTransform> NewLedgerInsertHint();
std::shared_ptr<const rocksdb::SliceTransform> NewNameInsertHint();

}  // namespace hearth::engine
