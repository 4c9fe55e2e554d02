// The series ledger's journal (engine/keys.h meta::LedgerJournal): a write
// batch records every (partition, day) change of the ledger as one journal
// record in its own WriteBatch, instead of one merge per ledger key. A
// snapshot batch of 500 then costs one RocksDB entry, not 500 (measured in
// bench/README.md, "Session 16"). The store folds the journal into the ledger
// keys in bulk every so often, before anything reads the ledger, and when it
// opens or closes (engine/store_ledger.cc).
//
// Record (journal format 1):
//   0x01, then for each ledger key, in ascending key order:
//     shared(varint: bytes shared with the previous key) rest(varint size +
//     bytes) and the four counters of CounterDelta (documents, stored bytes,
//     JSON bytes, documents with a known JSON size), each a zigzag varint.
// Keys share long prefixes (collection, partition), so an entry is ~20 bytes.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <unordered_map>

#include "engine/collection_counters.h"

namespace hearth::engine {

constexpr uint8_t kLedgerJournalFormat = 1;

// The record of `deltas` (ledger key -> change), leaving out zero changes;
// empty when every change is zero.
std::string EncodeLedgerJournal(const std::map<std::string, CounterDelta>& deltas);

// Journal records added up, by ledger key: what the store keeps until it
// folds them. Unordered: each batch adds ~500 keys to thousands (1,000
// partitions a batch), and only the fold walks them, in any order.
using LedgerSums = std::unordered_map<std::string, CounterDelta>;

// Adds the changes of `record` to *sums; false (with *sums partly updated)
// when `record` is not a journal record this hearth reads.
bool DecodeLedgerJournal(std::string_view record, LedgerSums* sums);

}  // namespace hearth::engine
