// Every key layout hearth writes to RocksDB, in one place.
//
// Column families and their keys (format version 1; schema/key_encoding.h
// defines enc(), path() and the escaped segments):
//
//   meta                      fixed names below                -> small values
//   doc.<collection id>       plain:  path(document)           -> stored document
//                             time series:
//                               prefix(collection) enc(partition) enc(time) id 00 01
//                                                              -> stored document
//   name.<collection id>      path(document)                   -> primary key (time series only;
//                                                                 may be deferred: meta::NameEntries)
//   idx.<index name>          collection scope:
//                               prefix(collection) enc±(f1)..enc±(fn) id±
//                             collection-group scope:
//                               enc±(f1)..enc±(fn) path±(document)
//                                                              -> primary key (time series) or empty
//   auto.<collection id>      automatic single-field entries (engine/auto_index.h)
//   proj.<collection id>      time series with a projection: the primary key
//                                                              -> stored document of the projected fields
//   log                       sequence (8 bytes, big-endian)   -> change record
//
// prefix(collection) is every segment of the collection path followed by
// 00 02, so the keys of one collection are one contiguous range; ± means the
// component is bit-inverted for a descending field (the id and path follow
// the direction of the last ordered field, Firestore's __name__ rule).
//
// Change record := op(1 byte: 1 set, 2 delete) update_seconds(8, BE, sign
// flipped) update_nanos(4, BE) path(rest, UTF-8). The record names the
// document; the sync adapter sends the document's current state.
// Op 3 (delete many, written by retention before op 4 existed; still read)
// names many documents of one collection: op(1) update time(12) then,
// repeated, varint32 length + path.
// Op 4 (delete range, written by retention) says that every document of one
// time-series partition before a time is gone: op(1) update time(12), then
// varint32 length + bytes of each of: the collection path, the partition
// field, the time field, enc(partition value); then enc(cutoff timestamp).
// The sync adapter deletes the same documents remotely with the query
// "partition field == value AND time field < cutoff".
// Op 5 (batch, written since 2026-12-01 for a batch of more than one write)
// names every document of one atomic batch, in the batch's order, under one
// update time: op(1) update time(12) then, repeated, op(1 byte: 1 set,
// 2 delete) + varint32 length + path. One record per batch rather than per
// document: a snapshot batch of 500 costs one log insert, not 500.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hearth/collection.h"
#include "hearth/status.h"
#include "hearth/value.h"
#include "schema/key_encoding.h"
#include "schema/path.h"

namespace hearth::engine {

// Bump when any layout above changes meaning; stored in meta.
// 2: the series ledger may have journal records (meta::LedgerJournal), which
//    version 1 would not read. A version-1 store opens as version 2 (it has
//    no journal); a version-2 store refuses an older hearth.
// 3: meta::Ids says whether every document of a time-series collection is
//    self-named; version 2 would write other ids without saying so. Stores
//    of versions 1 and 2 have no such key: their collections count as
//    holding other ids.
// 4: a time-series collection's name entries may be deferred
//    (meta::NameEntries); version 3 would read a missing entry as a missing
//    document. Older stores have no such key: every entry is there.
constexpr uint32_t kKeyFormatVersion = 4;
// The oldest version this hearth opens (and upgrades).
constexpr uint32_t kOldestKeyFormatVersion = 1;

namespace cf {
constexpr std::string_view kMeta = "meta";
constexpr std::string_view kLog = "log";
constexpr std::string_view kDocPrefix = "doc.";
constexpr std::string_view kNamePrefix = "name.";
constexpr std::string_view kIndexPrefix = "idx.";
constexpr std::string_view kAutoPrefix = "auto.";
constexpr std::string_view kProjectionPrefix = "proj.";
std::string Docs(std::string_view collection_id);
std::string Names(std::string_view collection_id);
std::string Auto(std::string_view collection_id);
std::string Projection(std::string_view collection_id);
}  // namespace cf

namespace meta {
constexpr std::string_view kFormatVersion = "format_version";
constexpr std::string_view kIndexConfig = "index_config";          // firestore.indexes.json text
constexpr std::string_view kIndexConfigSource = "index_config_source";  // where it came from, for messages
constexpr std::string_view kIndexConfigFile = "index_config_file";      // absolute path, re-read at open
std::string IndexState(std::string_view index_name);   // "ready" | "building"
std::string Collection(std::string_view collection_id);  // "plain" | "ts <partition> <time>"
std::string DocumentCount(std::string_view collection_id);  // int64 counter (merge add)
std::string StoredBytes(std::string_view collection_id);    // int64 counter (merge add)
std::string JsonBytes(std::string_view collection_id);      // int64 counter: plain-JSON size of the documents
std::string JsonDocuments(std::string_view collection_id);  // int64 counter: documents whose JSON size is known
std::string AutoConfig(std::string_view collection_id);     // AutoIndexConfig::Fingerprint() of its entries
std::string Retention(std::string_view collection_id);      // retention policy: days to keep (decimal)
std::string Compression(std::string_view collection_id);    // the collection's codec name, set by recompress
std::string Projection(std::string_view collection_id);     // the fields its proj.<id> holds, one per line
constexpr std::string_view kDictionaryPrefix = "dict/";
std::string Dictionary(uint32_t id);                        // a zstd dictionary's bytes ("dict/" + decimal id)
std::string CollectionDictionary(std::string_view collection_id);  // decimal id of the dictionary new documents use
// A retired span: the documents of one time-series partition below a cutoff
// were deleted with one range tombstone, and the secondary entries (name,
// automatic, composite) that point into it are waiting to be purged.
// Key: "retired/<collection id>/" + the partition's primary-key prefix;
// value: the exclusive upper bound (a primary key) of the deleted span.
constexpr std::string_view kRetiredPrefix = "retired/";
std::string Retired(std::string_view collection_id, std::string_view partition_prefix);
// Splits a Retired key into its collection id and partition prefix; false when malformed.
bool ParseRetired(std::string_view key, std::string_view* collection_id, std::string_view* partition_prefix);
// The series ledger: for each time-series partition and UTC day, the
// counters of the documents stored there (CounterDelta's four, in its
// Encoded() form: documents, stored bytes, JSON bytes, documents with a
// known JSON size), merged by adding in the same WriteBatch as the
// documents. Retention sums whole days from it instead of reading every
// document it deletes.
// Key: "ledger/<collection id>/" + the partition's primary-key prefix +
// enc(the day's start as a timestamp).
constexpr std::string_view kLedgerPrefix = "ledger/";
// Every ledger key of the partition starts with this.
std::string Ledger(std::string_view collection_id, std::string_view partition_prefix);
std::string LedgerDay(std::string_view collection_id, std::string_view partition_prefix, int64_t day_start_seconds);
bool ParseLedger(std::string_view key, std::string_view* collection_id, std::string_view* partition_prefix,
                 int64_t* day_start_seconds);
// Present once the collection's ledger covers every stored document (a
// store written before the ledger existed builds it when opened).
std::string LedgerReady(std::string_view collection_id);
// Time series: "self-named" while every document written to the collection
// was self-named (SelfNamedPrimaryKey below), "other" from the first one that
// was not (written in that batch); absent in stores older than version 3,
// which counts as "other".
std::string Ids(std::string_view collection_id);
constexpr std::string_view kSelfNamedIds = "self-named";
constexpr std::string_view kOtherIds = "other";
// Time series (format version 4 on): "deferred" while the collection's name
// entries are not written. A collection begins so when it is created;
// absent means every document has its name entry (so every collection of a
// store older than version 4). While deferred, every stored document is
// self-named (Ids says "self-named"): a path's document is found at its
// SelfNamedPrimaryKey, and a name entry there may exist (from a build that
// did not finish) but never names another key. The first query that scans
// the names, or the first write of another id, builds every entry and
// deletes this key (engine/store_names.cc).
std::string NameEntries(std::string_view collection_id);
constexpr std::string_view kNamesDeferred = "deferred";
// The ledger's journal (engine/ledger_journal.h; format version 2 on): a
// write records its ledger changes as one record here, in the same
// WriteBatch as its documents; the store folds the records into the
// LedgerDay keys above (one merge per key, records deleted, in one
// WriteBatch) before the ledger is read. The ledger is the LedgerDay keys
// plus the journal.
// Key: "ledger_journal/" + sequence (8 bytes, big-endian: LogKey's form).
constexpr std::string_view kLedgerJournalPrefix = "ledger_journal/";
std::string LedgerJournal(uint64_t sequence);
// The sequence of a LedgerJournal key; false when malformed.
bool ParseLedgerJournal(std::string_view key, uint64_t* sequence);
}  // namespace meta

// Seconds of the start of the UTC day holding `seconds`.
inline int64_t DayStart(int64_t seconds) {
  int64_t d = seconds / 86400;
  if (seconds % 86400 < 0) d--;
  return d * 86400;
}

// Primary key of a plain collection's document.
std::string PlainDocumentKey(const schema::DocumentPath& path);
// Primary key of a time-series document from its partition and time values
// (nullptr: the document lacks the field); INVALID_ARGUMENT naming the field
// when the partition is missing or the time is not a timestamp.
StatusOr<std::string> TimeSeriesPrimaryKey(const hearth::TimeSeriesKey& ts, const schema::DocumentPath& path,
                                           const Value* partition, const Value* time);
// Self-named time-series documents: a document whose id is
// "{partition}_{epoch seconds[.fraction]}" (schema::DocumentIdFor's rule for
// snapshots) naming its own string partition and time. Its primary key
// follows from its path: SelfNamedPrimaryKey gives it for any path whose id
// has that form (nullopt otherwise), and IsSelfNamed says whether the
// document's fields agree. Nothing stored changes; the write path uses it to
// skip a lookup (engine/store_write.cc).
std::optional<std::string> SelfNamedPrimaryKey(const hearth::TimeSeriesKey& ts, const schema::DocumentPath& path);
bool IsSelfNamed(std::string_view id, const Value& partition, const Value& time);
// The range of primary keys of one partition of a time-series collection.
std::string TimeSeriesPartitionPrefix(const schema::ResourcePath& collection, const Value& partition);

// The first primary key of a partition (prefix) at or after time `t`: a
// range bound for the partition's documents from `t` on.
std::string TimeSeriesTimeKey(std::string_view partition_prefix, Timestamp t);

// The partition prefix of primary key `pk` of the time-series document
// whose id is `id`: the key without its time and id; empty when `pk` is too
// short to be such a key.
std::string_view TimeSeriesPartitionOf(std::string_view pk, std::string_view id);
// The time in primary key `pk` after its partition prefix (of
// `partition_size` bytes); false when no timestamp is there.
bool TimeSeriesTimeOf(std::string_view pk, size_t partition_size, Timestamp* time);

// The ledger key (meta::LedgerDay) of the day holding time-series document
// `pk` (whose id is `id`) of collection `collection_id`; empty when `pk` is
// not such a key.
std::string LedgerKeyOf(std::string_view collection_id, std::string_view pk, std::string_view id);
// LedgerKeyOf's day: the start of the UTC day of time-series document `pk`,
// whose partition prefix is `partition` (TimeSeriesPartitionOf); nullopt
// when `partition` is empty or no time follows it in `pk`.
std::optional<int64_t> LedgerDayOf(std::string_view pk, std::string_view partition);

// Recovers the document path from a primary key of the collection at
// `collection` (time series or plain).
bool DocumentPathFromKey(std::string_view key, bool time_series, schema::ResourcePath* out);

enum class ChangeOp : uint8_t { kSet = 1, kDelete = 2, kDeleteMany = 3, kDeleteRange = 4, kBatch = 5 };
std::string LogKey(uint64_t sequence);
// The sequence of a LogKey; false when `key` is not 8 bytes.
bool ParseLogKey(std::string_view key, uint64_t* sequence);
std::string ChangeRecord(ChangeOp op, Timestamp update_time, std::string_view path);
// Appends one document's write (kSet or kDelete) to a kBatch record begun
// with ChangeRecord(ChangeOp::kBatch, time, {}).
void AppendBatchChange(std::string* record, ChangeOp op, std::string_view path);
// A kDeleteRange record.
std::string DeleteRangeRecord(Timestamp update_time, std::string_view collection_path, const TimeSeriesKey& ts,
                              const Value& partition, Timestamp cutoff);

// A change record, decoded.
struct Change {
  ChangeOp op = ChangeOp::kSet;
  Timestamp update_time;
  std::vector<std::string> paths;  // kSet and kDelete: one; kDeleteMany: each deleted document; kBatch: each written
  std::vector<ChangeOp> path_ops;  // kBatch: what happened to each of `paths` (kSet or kDelete)
  // kDeleteRange: the documents of `collection` whose `series.partition_field`
  // equals `partition` and whose `series.time_field` is before `cutoff`.
  std::string collection;
  TimeSeriesKey series;
  Value partition;
  Timestamp cutoff;
};
// DATA_LOSS naming what is wrong when `record` is not a change record.
StatusOr<Change> ParseChangeRecord(std::string_view record);

// Any key of any column family in words, for logs and `hearth check`.
std::string DescribeKey(std::string_view column_family, std::string_view key);
// A range bound (a key prefix) in words: its values and path segments.
std::string DescribeKeyPrefix(std::string_view column_family, std::string_view prefix);

}  // namespace hearth::engine
