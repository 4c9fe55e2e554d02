#include "engine/perf_counters_off.h"

#include <gtest/gtest.h>
#include <rocksdb/perf_context.h>

#include "tests/test_util.h"

namespace hearth::testing {
namespace {

TEST(PerfCountersOff, TurnsTheThreadsCountersOffAndRestoresItsLevel) {
  for (rocksdb::PerfLevel level : {rocksdb::PerfLevel::kEnableCount, rocksdb::PerfLevel::kEnableTime,
                                   rocksdb::PerfLevel::kDisable}) {
    rocksdb::SetPerfLevel(level);
    {
      engine::PerfCountersOff off;
      EXPECT_EQ(rocksdb::GetPerfLevel(), rocksdb::PerfLevel::kDisable);
    }
    EXPECT_EQ(rocksdb::GetPerfLevel(), level);
  }
  rocksdb::SetPerfLevel(rocksdb::PerfLevel::kEnableCount);
}

class PerfLevelStore : public DatabaseTest {};

// A write does not count into the caller's perf context, and leaves the
// caller's level as it found it, so the caller's own counting goes on.
TEST_P(PerfLevelStore, AWriteLeavesTheCallersPerfLevelAndCountsNothingIntoIt) {
  ASSERT_TRUE(db_->Set("reports/first", MapValue{{"x", Value::Integer(0)}}).ok());  // makes the collection
  rocksdb::SetPerfLevel(rocksdb::PerfLevel::kEnableTime);  // times WAL and memtable writes
  rocksdb::get_perf_context()->Reset();
  WriteBatch b;
  for (int i = 0; i < 10; i++) b.Set("reports/r" + std::to_string(i), MapValue{{"x", Value::Integer(i)}});
  auto written = db_->Write(b);
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  EXPECT_EQ(rocksdb::GetPerfLevel(), rocksdb::PerfLevel::kEnableTime);
  EXPECT_EQ(rocksdb::get_perf_context()->write_memtable_time, 0u);
  EXPECT_EQ(rocksdb::get_perf_context()->write_wal_time, 0u);
  // Reads are not switched: they still count (here, the document read).
  ASSERT_TRUE(db_->Get("reports/r3").ok());
  EXPECT_GT(rocksdb::get_perf_context()->get_read_bytes + rocksdb::get_perf_context()->get_from_memtable_count, 0u);
  rocksdb::SetPerfLevel(rocksdb::PerfLevel::kEnableCount);  // RocksDB's default
}

INSTANTIATE_TEST_SUITE_P(Backends, PerfLevelStore, ::testing::Values(Backend::kInMemory, Backend::kOnDisk),
                         BackendName);

}  // namespace
}  // namespace hearth::testing
