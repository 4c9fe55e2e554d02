// RocksDB's per-thread perf context (rocksdb/perf_context.h) counts, by
// default (PerfLevel kEnableCount), what every memtable insert, WAL append and
// read does, each count a thread-local access through librocksdb.so's
// __tls_get_addr. hearth reads none of those counts, so its writes run with
// them off: 3% of the instructions of a snapshot's write (callgrind,
// bench/README.md "Session 19"). The calling thread's level is restored
// afterwards, so an application that reads the perf context for its own
// RocksDB work on the same thread keeps it.
#pragma once

#include <rocksdb/perf_level.h>

namespace hearth::engine {

class PerfCountersOff {
 public:
  PerfCountersOff() : saved_(rocksdb::GetPerfLevel()) { rocksdb::SetPerfLevel(rocksdb::PerfLevel::kDisable); }
  ~PerfCountersOff() { rocksdb::SetPerfLevel(saved_); }
  PerfCountersOff(const PerfCountersOff&) = delete;
  PerfCountersOff& operator=(const PerfCountersOff&) = delete;

 private:
  rocksdb::PerfLevel saved_;
};

}  // namespace hearth::engine
