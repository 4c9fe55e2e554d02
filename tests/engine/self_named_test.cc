// Self-named time-series documents (engine/keys.h): ids that spell their own
// partition and time, which let an append skip its lookup. Whatever the ids,
// a write finds the document its path names: an overwrite keeps its create
// time and never makes a second document.
#include <gtest/gtest.h>
#include <functional>
#include <rocksdb/db.h>

#include "engine/keys.h"
#include "schema/document_ids.h"
#include "tests/engine/raw_rocks.h"
#include "tests/engine/self_named_docs.h"
#include "tests/test_util.h"

namespace hearth::testing {
namespace {

constexpr int64_t kT0 = kSelfNamedT0;

TEST(EpochIdText, ReadsBackOnlyTheSpellingItWrites) {
  for (Timestamp t : {Timestamp{kT0, 0}, Timestamp{kT0, 500000000}, Timestamp{kT0, 1}, Timestamp{0, 0},
                      Timestamp{-86400, 250000000}}) {
    Timestamp back;
    ASSERT_TRUE(schema::ParseEpochIdText(schema::EpochIdText(t), &back)) << schema::EpochIdText(t);
    EXPECT_EQ(back, t);
  }
  EXPECT_EQ(schema::EpochIdText({kT0, 500000000}), "1767225600.5");
  Timestamp t;
  for (const char* other : {"", "01", "-0", "+5", "12a", "1.", "1.50", "1.0000000001", "1767225600 ", "1_2"})
    EXPECT_FALSE(schema::ParseEpochIdText(other, &t)) << other;
}

TEST(SelfNamed, AnIdSpellingItsPartitionAndTimeNamesItsPrimaryKey) {
  const TimeSeriesKey ts{"monitor_id", "timestamp"};
  auto path = schema::ParseDocumentPath("snapshots/m_1_" + std::to_string(kT0) + ".25");
  ASSERT_TRUE(path.ok());
  const Value partition = Value::String("m_1"), time = Value::Time({kT0, 250000000});
  auto pk = engine::SelfNamedPrimaryKey(ts, *path);
  ASSERT_TRUE(pk.has_value());
  EXPECT_EQ(*pk, *engine::TimeSeriesPrimaryKey(ts, *path, &partition, &time));
  EXPECT_TRUE(engine::IsSelfNamed(path->id(), partition, time));
  EXPECT_FALSE(engine::IsSelfNamed(path->id(), Value::String("m"), time));
  EXPECT_FALSE(engine::IsSelfNamed(path->id(), partition, Value::Time({kT0, 0})));
  EXPECT_FALSE(engine::IsSelfNamed("1_" + std::to_string(kT0), Value::Integer(1), Value::Time({kT0, 0})));
  for (const char* id : {"m1", "m1_", "m1_x", "m1_0100", "AbCdEfGhIjKlMnOpQrSt"})
    EXPECT_FALSE(engine::SelfNamedPrimaryKey(ts, *schema::ParseDocumentPath(std::string("snapshots/") + id)))
        << id;
}

class SelfNamedStore : public DatabaseTest {
 protected:
  static MapValue Snap(const std::string& monitor, int64_t seconds, double v = 1) {
    return SelfNamedSnap(monitor, seconds, v);
  }
  static std::string Path(const std::string& monitor, int64_t seconds) { return SelfNamedPath(monitor, seconds); }
  // Documents stored, after hearth check found nothing wrong.
  uint64_t CheckedDocuments() {
    auto check = db_->Check();
    EXPECT_TRUE(check.ok()) << check.status().ToString();
    if (!check.ok()) return 0;
    EXPECT_TRUE(check->ok()) << check->problems[0];
    return check->documents;
  }
  // Stores a document whose id spells a time a day after the one it holds,
  // runs `between`, and writes the same path again: that must overwrite it
  // (same create time, still one document).
  void ExpectDisagreeingIdOverwrittenAfter(const std::function<void()>& between) {
    const std::string odd = Path("m1", kT0 + 86400);
    ASSERT_TRUE(db_->Set(odd, Snap("m1", kT0)).ok());
    const Timestamp created = Created(odd);
    between();
    ASSERT_TRUE(db_->Set(odd, Snap("m1", kT0, 4)).ok());
    EXPECT_EQ(Created(odd), created);
    EXPECT_EQ(CheckedDocuments(), 1u);
  }
  Timestamp Created(const std::string& path) {
    auto d = db_->Get(path);
    EXPECT_TRUE(d.ok()) << path << ": " << d.status().ToString();
    return d.ok() ? d->create_time : Timestamp{};
  }
};

TEST_P(SelfNamedStore, AppendsOverwritesAndOlderWritesFindTheirDocuments) {
  for (int h = 0; h < 10; h++) {
    WriteBatch b;
    for (const char* m : {"m1", "m2"}) b.Set(Path(m, kT0 + h * 3600), Snap(m, kT0 + h * 3600));
    ASSERT_TRUE(db_->Write(b).ok());
  }
  const Timestamp newest = Created(Path("m1", kT0 + 9 * 3600)), older = Created(Path("m1", kT0 + 3 * 3600));
  if (GetParam() == Backend::kOnDisk) Reopen();  // it still knows every id is self-named
  ASSERT_TRUE(db_->Set(Path("m1", kT0 + 9 * 3600), Snap("m1", kT0 + 9 * 3600, 2)).ok());  // the newest again
  ASSERT_TRUE(db_->Set(Path("m1", kT0 + 3 * 3600), Snap("m1", kT0 + 3 * 3600, 2)).ok());  // an older one
  EXPECT_EQ(Created(Path("m1", kT0 + 9 * 3600)), newest);
  EXPECT_EQ(Created(Path("m1", kT0 + 3 * 3600)), older);
  EXPECT_EQ(db_->Get(Path("m1", kT0 + 3 * 3600))->fields.at("news_sentiment"), Value::Double(2));
  ASSERT_TRUE(db_->Set(Path("m1", kT0 + 3 * 3600 + 1800), Snap("m1", kT0 + 3 * 3600 + 1800)).ok());  // between two
  ASSERT_TRUE(db_->Delete(Path("m2", kT0 + 5 * 3600)).ok());
  EXPECT_EQ(db_->Get(Path("m2", kT0 + 5 * 3600)).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(CheckedDocuments(), 20u);
}

// An id that looks self-named but disagrees with its fields: its document is
// not at the key the id spells, and a later write of the same path must
// still find it.
TEST_P(SelfNamedStore, AnIdThatDisagreesWithItsFieldsIsStillFound) {
  ASSERT_TRUE(db_->Set(Path("m1", kT0), Snap("m1", kT0)).ok());
  const std::string odd = Path("m1", kT0 + 86400);  // holds the time kT0 + 60
  ASSERT_TRUE(db_->Set(odd, Snap("m1", kT0 + 60)).ok());
  const Timestamp created = Created(odd);
  ASSERT_TRUE(db_->Set(odd, Snap("m1", kT0 + 60, 3)).ok());
  EXPECT_EQ(Created(odd), created);
  ASSERT_TRUE(db_->Set(Path("m1", kT0 + 120), Snap("m1", kT0 + 120)).ok());
  EXPECT_EQ(CheckedDocuments(), 3u);
  ASSERT_TRUE(db_->Delete(odd).ok());
  EXPECT_EQ(CheckedDocuments(), 2u);
}

TEST_P(SelfNamedStore, AReopenedStoreStillFindsADisagreeingIdItHolds) {
  if (GetParam() == Backend::kInMemory) GTEST_SKIP() << "nothing survives a reopen in memory";
  ExpectDisagreeingIdOverwrittenAfter([&] { Reopen(); });
}

// A store from before meta::Ids (format version 2 or older) says nothing
// about its ids: they count as other ids, and every write looks its name up.
TEST_P(SelfNamedStore, AStoreThatDoesNotSayWhatIdsItHoldsIsTreatedAsHoldingOthers) {
  if (GetParam() == Backend::kInMemory) GTEST_SKIP() << "nothing survives a reopen in memory";
  ExpectDisagreeingIdOverwrittenAfter([&] {
    ASSERT_TRUE(db_->Close().ok());
    db_.reset();
    WithRawRocks(dir_.path() + "/db", [](rocksdb::DB* raw, ColumnFamilies& cfs) {
      ASSERT_TRUE(raw->Delete(rocksdb::WriteOptions(), cfs["meta"], engine::meta::Ids("snapshots")).ok());
    });
    Open();
  });
}

TEST_P(SelfNamedStore, WithoutTheLatestTableEveryWriteStillFindsItsDocument) {
  Options o;
  o.latest_documents_bytes = 0;
  Reopen(o);
  for (int round = 0; round < 2; round++)
    for (int h = 0; h < 5; h++) ASSERT_TRUE(db_->Set(Path("m1", kT0 + h * 60), Snap("m1", kT0 + h * 60, round)).ok());
  EXPECT_EQ(CheckedDocuments(), 5u);
}

INSTANTIATE_TEST_SUITE_P(Backends, SelfNamedStore, ::testing::Values(Backend::kInMemory, Backend::kOnDisk),
                         BackendName);

}  // namespace
}  // namespace hearth::testing
