// Opens a closed hearth store with plain RocksDB, below hearth, for tests
// that inspect or damage what hearth stored.
#pragma once

#include <functional>
#include <map>
#include <string>

#include <rocksdb/db.h>

namespace hearth::testing {

using ColumnFamilies = std::map<std::string, rocksdb::ColumnFamilyHandle*>;

// Runs `f` on the store at `path` (which no one else has open) with every
// column family by name; fails the test if it cannot open it.
void WithRawRocks(const std::string& path, const std::function<void(rocksdb::DB*, ColumnFamilies&)>& f);

// Flips a bit near the end of the stored value of `doc` ("monitors/m1", a
// plain, not time-series, collection) in the closed store at `path`, so
// that reading it fails its checksum.
void DamageStoredDocument(const std::string& path, const std::string& doc);

}  // namespace hearth::testing
