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

}  // namespace hearth::testing
