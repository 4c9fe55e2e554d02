// The series ledger's journal: its record format, and a store that stopped
// before folding it (a crash, or records left by hand) recovers the ledger.
#include "engine/ledger_journal.h"

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "engine/keys.h"
#include "schema/key_encoding.h"
#include "tests/engine/raw_rocks.h"
#include "tests/test_util.h"

namespace hearth::testing {
namespace {

using engine::CounterDelta;

TEST(LedgerJournalRecord, SumsWhatItWasGivenAndLeavesOutZeros) {
  std::map<std::string, CounterDelta> deltas{
      {"ledger/s/abc\x01", {1, 300, 900, 1}},
      {"ledger/s/abc\x02", {-2, -70000, 0, -1}},  // a day lost documents
      {"ledger/s/abd\x01", {}},                    // zero: not written
      {"ledger/t/", {INT64_MAX, INT64_MIN, 5, 0}},
  };
  const std::string record = engine::EncodeLedgerJournal(deltas);
  engine::LedgerSums sums{{"ledger/s/abc\x01", {10, 10, 10, 10}}};
  ASSERT_TRUE(engine::DecodeLedgerJournal(record, &sums));
  EXPECT_EQ(sums.size(), 3u);
  EXPECT_EQ(sums["ledger/s/abc\x01"], (CounterDelta{11, 310, 910, 11}));
  EXPECT_EQ(sums["ledger/s/abc\x02"], (CounterDelta{-2, -70000, 0, -1}));
  EXPECT_EQ(sums["ledger/t/"], (CounterDelta{INT64_MAX, INT64_MIN, 5, 0}));
  EXPECT_EQ(sums.count("ledger/s/abd\x01"), 0u);
}

TEST(LedgerJournalRecord, NothingToRecordIsAnEmptyRecord) {
  EXPECT_EQ(engine::EncodeLedgerJournal({}), "");
  EXPECT_EQ(engine::EncodeLedgerJournal({{"ledger/s/a", {}}}), "");
}

TEST(LedgerJournalRecord, SharedKeyPrefixesAreStoredOnce) {
  std::map<std::string, CounterDelta> deltas;
  const std::string partition(40, 'p');
  for (int i = 0; i < 100; i++) deltas["ledger/snapshots/" + partition + std::to_string(1000 + i)] = {1, 3000, 9000, 1};
  const std::string record = engine::EncodeLedgerJournal(deltas);
  EXPECT_LT(record.size(), 100u * 16);  // each key is 61 bytes; written in full it would be > 6,100
  engine::LedgerSums sums;
  ASSERT_TRUE(engine::DecodeLedgerJournal(record, &sums));
  EXPECT_EQ(sums, engine::LedgerSums(deltas.begin(), deltas.end()));
}

TEST(LedgerJournalRecord, ADamagedRecordIsRefused) {
  const std::string record = engine::EncodeLedgerJournal({{"ledger/s/a", {1, 2, 3, 4}}, {"ledger/s/b", {1, 2, 3, 4}}});
  engine::LedgerSums sums;
  EXPECT_FALSE(engine::DecodeLedgerJournal("", &sums));
  EXPECT_FALSE(engine::DecodeLedgerJournal("\x02" + record.substr(1), &sums));  // an unknown journal format
  // A cut after the format byte or between the two entries is a shorter,
  // valid record; anywhere else it is refused.
  const size_t first_entry_end = engine::EncodeLedgerJournal({{"ledger/s/a", {1, 2, 3, 4}}}).size();
  for (size_t cut = 1; cut < record.size(); cut++) {
    sums.clear();
    const bool valid = engine::DecodeLedgerJournal(record.substr(0, cut), &sums);
    EXPECT_EQ(valid, cut == 1 || cut == first_entry_end) << cut;
    if (valid) {
      EXPECT_EQ(sums.size(), cut == 1 ? 0u : 1u) << cut;
    }
  }
  std::string bad_shared = record;
  bad_shared[1] = 5;  // the first key shares 5 bytes with no previous key
  EXPECT_FALSE(engine::DecodeLedgerJournal(bad_shared, &sums));
}

class LedgerJournalStore : public ::testing::Test {
 protected:
  std::string Path() { return dir_.path() + "/db"; }
  static constexpr int64_t kStart = 1767225600;  // 2026-01-01T00:00:00Z
  // Hour `h` of monitor `m`, in one batch per hour.
  static void WriteHours(Database* db, int monitors, int hours) {
    for (int h = 0; h < hours; h++) {
      WriteBatch b;
      for (int m = 0; m < monitors; m++)
        b.Set("snapshots/m" + std::to_string(m) + "_" + std::to_string(h),
              FieldsFor("snapshots", R"({"monitor_id":"m)" + std::to_string(m) + R"(","timestamp":)" +
                                         std::to_string(kStart + h * 3600) + "}"));
      ASSERT_TRUE(db->Write(b).ok());
    }
  }
  // A store holding WriteHours(monitors, hours), closed.
  void WriteHoursAndClose(int monitors, int hours) {
    auto db = Database::Open(Options(), Path());
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    WriteHours(db->get(), monitors, hours);
    ASSERT_TRUE((*db)->Close().ok());
  }
  // The journal records and ledger keys stored now, below hearth.
  std::pair<size_t, size_t> Stored() {
    size_t records = 0, ledger = 0;
    WithRawRocks(Path(), [&](rocksdb::DB* raw, ColumnFamilies& cfs) {
      std::unique_ptr<rocksdb::Iterator> it(raw->NewIterator(rocksdb::ReadOptions(), cfs["meta"]));
      for (it->SeekToFirst(); it->Valid(); it->Next()) {
        const std::string_view k(it->key().data(), it->key().size());
        records += k.starts_with(engine::meta::kLedgerJournalPrefix);
        ledger += k.starts_with(engine::meta::kLedgerPrefix);
      }
    });
    return {records, ledger};
  }
  // Retention of whole days from the start, then hearth check.
  static void ExpectLedgerRight(Database* db, int monitors, int days_deleted) {
    auto check = db->Check();
    ASSERT_TRUE(check.ok()) << check.status().ToString();
    EXPECT_TRUE(check->ok()) << check->problems[0];
    SeriesDeletion d;
    d.collection = "snapshots";
    d.before = {kStart + days_deleted * 86400, 0};
    d.dry_run = true;
    auto n = db->DeleteSeries(d);
    ASSERT_TRUE(n.ok()) << n.status().ToString();
    EXPECT_EQ(*n, static_cast<uint64_t>(monitors * days_deleted * 24));
  }
  TempDir dir_;
};

TEST_F(LedgerJournalStore, AClosedStoreHasFoldedItsJournal) {
  WriteHoursAndClose(3, 50);
  EXPECT_EQ(Stored(), (std::pair<size_t, size_t>{0, 3 * 3}));  // 3 monitors x 3 days (50 hours)
}

// Records the store had not folded when it stopped: the next open folds them.
TEST_F(LedgerJournalStore, RecordsLeftUnfoldedAreFoldedWhenTheStoreOpens) {
  WriteHoursAndClose(4, 72);
  // Turn the folded ledger back into two journal records (each key's counts
  // split between them), as a store that stopped before folding leaves it.
  WithRawRocks(Path(), [](rocksdb::DB* raw, ColumnFamilies& cfs) {
    std::map<std::string, CounterDelta> first, second;
    std::unique_ptr<rocksdb::Iterator> it(raw->NewIterator(rocksdb::ReadOptions(), cfs["meta"]));
    const std::string all(engine::meta::kLedgerPrefix);
    for (it->Seek(all); it->Valid() && it->key().starts_with(all); it->Next()) {
      const CounterDelta d = CounterDelta::Decoded(std::string_view(it->value().data(), it->value().size()));
      first[it->key().ToString()] = {1, 100, 300, 1};
      second[it->key().ToString()] = {d.documents - 1, d.stored_bytes - 100, d.json_bytes - 300, d.json_documents - 1};
    }
    ASSERT_EQ(first.size(), 4u * 3);
    rocksdb::WriteBatch wb;
    wb.DeleteRange(cfs["meta"], all, schema::PrefixSuccessor(all));
    wb.Put(cfs["meta"], engine::meta::LedgerJournal(41), engine::EncodeLedgerJournal(first));
    wb.Put(cfs["meta"], engine::meta::LedgerJournal(42), engine::EncodeLedgerJournal(second));
    ASSERT_TRUE(raw->Write(rocksdb::WriteOptions(), &wb).ok());
  });
  {
    auto db = Database::Open(Options(), Path());
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    ExpectLedgerRight(db->get(), 4, 2);
    WriteHours(db->get(), 4, 1);  // overwrites hour 0: the journal goes on after the folded records
    ExpectLedgerRight(db->get(), 4, 2);
  }
  EXPECT_EQ(Stored().first, 0u);
}

TEST_F(LedgerJournalStore, ADamagedRecordRebuildsTheLedgerFromTheDocuments) {
  WriteHoursAndClose(2, 48);
  WithRawRocks(Path(), [](rocksdb::DB* raw, ColumnFamilies& cfs) {
    ASSERT_TRUE(raw->Put(rocksdb::WriteOptions(), cfs["meta"], engine::meta::LedgerJournal(9), "\x01\x07").ok());
  });
  std::vector<std::string> tasks;
  auto db = OpenRecordingTasks(Path(), &tasks);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  EXPECT_NE(std::find(tasks.begin(), tasks.end(), "building the series ledger of snapshots"), tasks.end());
  ExpectLedgerRight(db->get(), 2, 1);
}

// A process that dies while writing: the journal records it wrote are the
// ledger's part the keys lack; none is lost, and the journal stayed bounded.
TEST_F(LedgerJournalStore, AProcessThatDiesMidIngestLosesNoLedgerAndKeptItsJournalBounded) {
  // The child process runs this test again from its start, in a new
  // temporary directory: it is told the parent's.
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  const char* inherited = std::getenv("HEARTH_TEST_DYING_STORE");
  const std::string path = inherited ? inherited : Path();
  ASSERT_EQ(setenv("HEARTH_TEST_DYING_STORE", path.c_str(), 1), 0);
  EXPECT_EXIT(
      {
        std::filesystem::remove_all(dir_.path());  // the child's own directory, unused
        auto db = Database::Open(Options(), path);
        if (!db.ok()) std::_Exit(2);
        WriteHours(db->get(), 3, 600);  // 600 records: more than one fold's worth
        std::_Exit(0);                  // no Close: nothing folds on the way out
      },
      ::testing::ExitedWithCode(0), "");
  unsetenv("HEARTH_TEST_DYING_STORE");
  const auto [records, ledger] = Stored();
  EXPECT_GT(records, 0u);    // the newest records were still unfolded
  EXPECT_LT(records, 300u);  // older ones were folded while writing
  EXPECT_GT(ledger, 0u);
  auto db = Database::Open(Options(), Path());
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  ExpectLedgerRight(db->get(), 3, 20);
}

TEST_F(LedgerJournalStore, AVersionOneStoreOpensAndBecomesTheCurrentVersion) {
  { ASSERT_TRUE(Database::Open(Options(), Path()).ok()); }
  WithRawRocks(Path(), [](rocksdb::DB* raw, ColumnFamilies& cfs) {
    ASSERT_TRUE(raw->Put(rocksdb::WriteOptions(), cfs["meta"], "format_version", "1").ok());
  });
  {
    auto db = Database::Open(Options(), Path());
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    WriteHours(db->get(), 1, 30);
    ExpectLedgerRight(db->get(), 1, 1);
  }
  WithRawRocks(Path(), [](rocksdb::DB* raw, ColumnFamilies& cfs) {
    std::string v;
    ASSERT_TRUE(raw->Get(rocksdb::ReadOptions(), cfs["meta"], "format_version", &v).ok());
    EXPECT_EQ(v, std::to_string(engine::kKeyFormatVersion));
  });
}

}  // namespace
}  // namespace hearth::testing
