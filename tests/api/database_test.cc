// The Database contract, run against every backend (in-memory and on-disk).
#include "hearth/database.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "schema/time_format.h"
#include "tests/test_util.h"

namespace hearth::testing {
namespace {

class DatabaseContract : public DatabaseTest {
 protected:
  uint64_t IndexEntries() {
    auto r = db_->Check();
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_TRUE(r->ok()) << (r->problems.empty() ? "" : r->problems[0]);
    return r->EntriesWithPrefix("idx.");  // composite entries
  }
  uint64_t AutomaticEntries() {
    auto r = db_->Check();
    EXPECT_TRUE(r.ok() && r->ok());
    return r->EntriesWithPrefix("auto.");
  }
  uint64_t Documents(const std::string& collection) {
    auto st = db_->GetStats();
    EXPECT_TRUE(st.ok());
    for (const auto& c : st->collections)
      if (c.id == collection) return c.documents;
    return 0;
  }
  std::vector<std::string> ScanPaths(const std::string& collection) {
    std::vector<std::string> paths;
    Status s = db_->Scan(collection, [&](const Document& d) {
      paths.push_back(d.path);
      return true;
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return paths;
  }
  MapValue Monitor(const std::string& user, const std::string& status) {
    return FieldsFor("monitors", R"({"user_id":")" + user + R"(","status":")" + status +
                                     R"(","created_at":"2026-01-01T00:00:00Z","next_check":"2026-01-02T00:00:00Z"})");
  }
  MapValue Snapshot(const std::string& monitor, const std::string& time, double revenue = 1) {
    return FieldsFor("snapshots", R"({"monitor_id":")" + monitor + R"(","timestamp":")" + time +
                                      R"(","financial_metrics":{"revenue":)" + std::to_string(revenue) + "}}");
  }
};

TEST_P(DatabaseContract, SetThenGetReturnsTheDocument) {
  MapValue f = Fields(R"({"company":"Tesla","n":5,"d":5.0,"tags":["a","b"],"m":{"x":null}})");
  auto t = db_->Set("monitors/m1", f);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  auto d = db_->Get("monitors/m1");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->path, "monitors/m1");
  EXPECT_EQ(d->fields, f);
  EXPECT_EQ(d->create_time, *t);
  EXPECT_EQ(d->update_time, *t);
  EXPECT_EQ(db_->Get("monitors/missing").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(db_->Get("alerts/a1").status().code(), StatusCode::kNotFound);  // collection never written
}

TEST_P(DatabaseContract, SetOverwritesWholeDocumentAndKeepsCreateTime) {
  auto t1 = db_->Set("monitors/m1", Fields(R"({"a":1,"b":2})"));
  auto t2 = db_->Set("monitors/m1", Fields(R"({"a":3})"));
  ASSERT_TRUE(t1.ok() && t2.ok());
  EXPECT_LT(*t1, *t2);
  auto d = db_->Get("monitors/m1");
  EXPECT_EQ(d->fields, Fields(R"({"a":3})"));
  EXPECT_EQ(d->create_time, *t1);
  EXPECT_EQ(d->update_time, *t2);
}

TEST_P(DatabaseContract, CreateFailsWhenTheDocumentExists) {
  ASSERT_TRUE(db_->Create("monitors/m1", Fields(R"({"a":1})")).ok());
  auto again = db_->Create("monitors/m1", Fields(R"({"a":2})"));
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists);
  EXPECT_NE(again.status().message().find("monitors/m1"), std::string::npos);
  EXPECT_EQ(db_->Get("monitors/m1")->fields, Fields(R"({"a":1})"));
}

TEST_P(DatabaseContract, UpdateMergesFieldsAndFailsWhenMissing) {
  EXPECT_EQ(db_->Update("monitors/m1", Fields(R"({"a":1})")).status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(db_->Set("monitors/m1", Fields(R"({"a":1,"config":{"frequency":"daily","threshold":0.7}})")).ok());
  ASSERT_TRUE(db_->Update("monitors/m1", Fields(R"({"b":2})")).ok());
  EXPECT_EQ(db_->Get("monitors/m1")->fields,
            Fields(R"({"a":1,"b":2,"config":{"frequency":"daily","threshold":0.7}})"));
  // A mask sets nested fields from `fields` and removes masked fields it lacks.
  ASSERT_TRUE(db_->Update("monitors/m1", Fields(R"({"config":{"frequency":"hourly"}})"), {"config.frequency", "a"}).ok());
  EXPECT_EQ(db_->Get("monitors/m1")->fields, Fields(R"({"b":2,"config":{"frequency":"hourly","threshold":0.7}})"));
}

TEST_P(DatabaseContract, MergeCreatesAMissingDocumentAndMergesIntoAnExistingOne) {
  WriteBatch create;
  create.Merge("monitors/m1", Fields(R"({"config":{"frequency":"daily"},"ignored":1})"), {"config.frequency", "gone"});
  ASSERT_TRUE(db_->Write(create).ok());
  // Only the masked paths, nested as the mask says; a masked path absent from `fields` is not set.
  EXPECT_EQ(db_->Get("monitors/m1")->fields, Fields(R"({"config":{"frequency":"daily"}})"));
  WriteBatch merge;
  merge.Merge("monitors/m1", Fields(R"({"b":2})"));
  ASSERT_TRUE(db_->Write(merge).ok());
  EXPECT_EQ(db_->Get("monitors/m1")->fields, Fields(R"({"b":2,"config":{"frequency":"daily"}})"));
  // After a delete in the same batch, a merge starts from an empty document.
  WriteBatch again;
  again.Delete("monitors/m1");
  again.Merge("monitors/m1", Fields(R"({"c":3})"));
  ASSERT_TRUE(db_->Write(again).ok());
  EXPECT_EQ(db_->Get("monitors/m1")->fields, Fields(R"({"c":3})"));
  // A merged document is validated like any other write.
  WriteBatch bad;
  bad.Merge("monitors/m2", Fields(R"({"__reserved__":1})"));
  EXPECT_EQ(db_->Write(bad).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(db_->Get("monitors/m2").status().code(), StatusCode::kNotFound);
}

TEST_P(DatabaseContract, DeleteRemovesAndSucceedsWhenMissing) {
  ASSERT_TRUE(db_->Set("monitors/m1", Fields(R"({"a":1})")).ok());
  ASSERT_TRUE(db_->Delete("monitors/m1").ok());
  EXPECT_EQ(db_->Get("monitors/m1").status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(db_->Delete("monitors/m1").ok());
  EXPECT_EQ(Documents("monitors"), 0u);
}

TEST_P(DatabaseContract, AFailingBatchWritesNothing) {
  ASSERT_TRUE(db_->Set("monitors/existing", Fields(R"({"v":0})")).ok());
  WriteBatch b;
  b.Set("monitors/a", Monitor("u1", "active"));
  b.Set("monitors/b", Monitor("u1", "active"));
  b.Create("monitors/existing", Fields(R"({"v":1})"));
  auto r = db_->Write(b);
  EXPECT_EQ(r.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(db_->Get("monitors/a").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(db_->Get("monitors/b").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(Documents("monitors"), 1u);
  EXPECT_EQ(IndexEntries(), 0u);

  WriteBatch oversize;
  oversize.Set("monitors/c", Monitor("u1", "active"));
  oversize.Set("monitors/d", Fields(R"({"blob":")" + std::string(1100000, 'x') + R"("})"));
  auto r2 = db_->Write(oversize);
  EXPECT_EQ(r2.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r2.status().message().find("monitors/d"), std::string::npos);
  EXPECT_EQ(db_->Get("monitors/c").status().code(), StatusCode::kNotFound);
}

// A batch large enough to be shared with helper threads (Options::
// write_helper_threads) is checked as one thread would: the first bad
// document in batch order names the error, whichever thread found which,
// and nothing is written; a good batch is written whole.
TEST_P(DatabaseContract, ALargeBatchReportsItsFirstBadDocumentWithAnyNumberOfHelpers) {
  for (size_t helpers : {0, 1, 3}) {
    SCOPED_TRACE("helpers " + std::to_string(helpers));
    Options o;
    o.write_helper_threads = helpers;
    Reopen(o);
    const std::string tag = "h" + std::to_string(helpers) + "_";
    auto snapshot_path = [&](int i) { return "snapshots/" + tag + "m_" + std::to_string(1767225600 + 3600 * i); };
    auto snapshot_at = [&](int i) {
      return Snapshot(tag + "m", schema::FormatRfc3339(Timestamp{1767225600 + 3600 * int64_t{i}, 0}), i);
    };
    for (int round = 0; round < 5; round++) {
      WriteBatch bad;
      for (int i = 0; i < 400; i++) {
        if (i == 150 + round) {
          bad.Set(snapshot_path(i), Fields(R"({"monitor_id":"m","timestamp":"not a time"})"));  // declared a timestamp
        } else if (i == 300 - round) {
          bad.Set(snapshot_path(i), Fields(R"({"__bad__":1})"));  // a reserved field name
        } else {
          bad.Set(snapshot_path(i), snapshot_at(i));
        }
      }
      auto r = db_->Write(bad);
      ASSERT_EQ(r.status().code(), StatusCode::kInvalidArgument);
      EXPECT_NE(r.status().message().find(snapshot_path(150 + round)), std::string::npos) << r.status().ToString();
      EXPECT_EQ(ScanPaths("snapshots").size(), 0u);
    }
    WriteBatch good;
    for (int i = 0; i < 400; i++) good.Set(snapshot_path(i), snapshot_at(i));
    ASSERT_TRUE(db_->Write(good).ok());
    std::vector<std::string> paths = ScanPaths("snapshots");
    ASSERT_EQ(paths.size(), 400u);
    for (int i : {0, 17, 399}) {
      auto d = db_->Get(snapshot_path(i));
      ASSERT_TRUE(d.ok()) << d.status().ToString();
      EXPECT_EQ(d->fields.at("financial_metrics").map().at("revenue").AsDouble(), i);
    }
    for (int i = 0; i < 400; i++) ASSERT_TRUE(db_->Delete(snapshot_path(i)).ok());
  }
}

TEST_P(DatabaseContract, ABatchSeesItsOwnEarlierWrites) {
  WriteBatch b;
  b.Set("monitors/m1", Fields(R"({"a":1})"));
  b.Update("monitors/m1", Fields(R"({"b":2})"));
  b.Create("monitors/m2", Monitor("u", "active"));
  b.Delete("monitors/m2");
  b.Set("monitors/m3", Fields(R"({"a":1})"));
  b.Update("monitors/m3", Fields(R"({"b":2})"));
  b.Set("monitors/m3", Fields(R"({"c":3})"));
  b.Set("monitors/m4", Fields(R"({"a":1})"));
  b.Delete("monitors/m4");
  b.Set("monitors/m4", Fields(R"({"d":4})"));
  b.Update("monitors/m4", Fields(R"({"e":5})"));
  ASSERT_TRUE(db_->Write(b).ok());
  EXPECT_EQ(db_->Get("monitors/m1")->fields, Fields(R"({"a":1,"b":2})"));
  EXPECT_EQ(db_->Get("monitors/m2").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(db_->Get("monitors/m3")->fields, Fields(R"({"c":3})"));
  EXPECT_EQ(db_->Get("monitors/m4")->fields, Fields(R"({"d":4,"e":5})"));
  EXPECT_EQ(Documents("monitors"), 3u);
  EXPECT_EQ(IndexEntries(), 0u);
}

TEST_P(DatabaseContract, IndexEntriesFollowOverwritesAndDeletes) {
  // monitors has three composite indexes: (user_id, status, created_at), (user_id, next_check)
  // and (user_id, created_at).
  ASSERT_TRUE(db_->Set("monitors/m1", Monitor("u1", "active")).ok());
  ASSERT_TRUE(db_->Set("monitors/m2", Monitor("u2", "paused")).ok());
  EXPECT_EQ(IndexEntries(), 6u);
  ASSERT_TRUE(db_->Set("monitors/m1", Monitor("u1", "paused")).ok());  // entry moves
  EXPECT_EQ(IndexEntries(), 6u);
  MapValue no_next = Monitor("u1", "active");
  no_next.erase("next_check");  // a document lacking a field has no entry in that index
  ASSERT_TRUE(db_->Set("monitors/m1", no_next).ok());
  EXPECT_EQ(IndexEntries(), 5u);
  ASSERT_TRUE(db_->Delete("monitors/m2").ok());
  EXPECT_EQ(IndexEntries(), 2u);
  ASSERT_TRUE(db_->Update("monitors/m1", Fields(R"({"user_id":"u9"})")).ok());
  EXPECT_EQ(IndexEntries(), 2u);
}

TEST_P(DatabaseContract, TimeSeriesOverwriteWithANewTimeMovesThePrimaryKey) {
  ASSERT_TRUE(db_->Set("snapshots/s1", Snapshot("m1", "2026-01-01T00:00:00Z")).ok());
  ASSERT_TRUE(db_->Set("snapshots/s0", Snapshot("m1", "2026-01-01T05:00:00Z")).ok());
  EXPECT_EQ(ScanPaths("snapshots"), (std::vector<std::string>{"snapshots/s1", "snapshots/s0"}));
  ASSERT_TRUE(db_->Set("snapshots/s1", Snapshot("m1", "2026-01-01T09:00:00Z")).ok());
  EXPECT_EQ(ScanPaths("snapshots"), (std::vector<std::string>{"snapshots/s0", "snapshots/s1"}));
  EXPECT_EQ(db_->Get("snapshots/s1")->fields.at("timestamp"), Value::Time({1767258000, 0}));
  EXPECT_EQ(Documents("snapshots"), 2u);
  IndexEntries();  // check passes
}

TEST_P(DatabaseContract, TimeSeriesDocumentsNeedTheirPartitionAndTime) {
  auto r = db_->Set("snapshots/x", Fields(R"({"timestamp":null})"));
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("monitor_id"), std::string::npos) << r.status().message();
  auto r2 = db_->Set("snapshots/x", Fields(R"({"monitor_id":"m1"})"));
  EXPECT_NE(r2.status().message().find("\"timestamp\" holding a timestamp"), std::string::npos) << r2.status().message();
}

TEST_P(DatabaseContract, DeclaredTimestampFieldsHoldTimestampsOrNull) {
  auto r = db_->Set("monitors/m1", Fields(R"({"created_at":"2026-01-01"})"));
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("\"created_at\" is declared a timestamp"), std::string::npos);
  EXPECT_TRUE(db_->Set("monitors/m1", Fields(R"({"last_check":null})")).ok());
}

TEST_P(DatabaseContract, UndeclaredCollectionsAreRejectedUnlessAllowed) {
  auto r = db_->Set("monitorz/m1", Fields("{}"));
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("unknown collection \"monitorz\""), std::string::npos);
  if (GetParam() == Backend::kOnDisk) {
    Options o;
    o.allow_undeclared_collections = true;
    Reopen(o);
    EXPECT_TRUE(db_->Set("monitorz/m1", Fields("{}")).ok());
    Reopen();  // a collection that exists stays writable
    EXPECT_TRUE(db_->Set("monitorz/m2", Fields("{}")).ok());
  }
}

TEST_P(DatabaseContract, ScanOrdersByPartitionThenTimeWithoutMixingPrefixes) {
  // mon-1 must not swallow mon-10; times are inserted out of order.
  ASSERT_TRUE(db_->Set("snapshots/c", Snapshot("mon-10", "2026-01-01T00:00:00Z")).ok());
  ASSERT_TRUE(db_->Set("snapshots/b", Snapshot("mon-1", "2026-01-02T00:00:00Z")).ok());
  ASSERT_TRUE(db_->Set("snapshots/a", Snapshot("mon-1", "2026-01-01T00:00:00Z")).ok());
  ASSERT_TRUE(db_->Set("snapshots/d", Snapshot("mon-", "2026-01-03T00:00:00Z")).ok());
  EXPECT_EQ(ScanPaths("snapshots"),
            (std::vector<std::string>{"snapshots/d", "snapshots/a", "snapshots/b", "snapshots/c"}));
}

TEST_P(DatabaseContract, NestedCollectionsAreSeparateFromRootOnes) {
  ASSERT_TRUE(db_->Set("monitors/m1/snapshots/s1", Snapshot("m1", "2026-01-01T00:00:00Z")).ok());
  ASSERT_TRUE(db_->Set("snapshots/s1", Snapshot("m1", "2026-01-01T00:00:00Z")).ok());
  ASSERT_TRUE(db_->Set("monitors/m1", Fields(R"({"a":1})")).ok());
  ASSERT_TRUE(db_->Set("monitors/m1/monitors/x", Fields(R"({"deep":true})")).ok());
  EXPECT_EQ(ScanPaths("monitors/m1/snapshots"), (std::vector<std::string>{"monitors/m1/snapshots/s1"}));
  EXPECT_EQ(ScanPaths("snapshots"), (std::vector<std::string>{"snapshots/s1"}));
  EXPECT_EQ(ScanPaths("monitors"), (std::vector<std::string>{"monitors/m1"}));
  EXPECT_EQ(ScanPaths("monitors/m1/monitors"), (std::vector<std::string>{"monitors/m1/monitors/x"}));
  EXPECT_TRUE(db_->Get("monitors/m1/snapshots/s1").ok());
  EXPECT_EQ(Documents("snapshots"), 2u);
  IndexEntries();
}

TEST_P(DatabaseContract, StatsCountDocumentsBytesAndChangeRecords) {
  ASSERT_TRUE(db_->Set("monitors/m1", Monitor("u", "active")).ok());
  ASSERT_TRUE(db_->Set("monitors/m2", Monitor("u", "active")).ok());
  ASSERT_TRUE(db_->Set("monitors/m2", Monitor("v", "active")).ok());
  ASSERT_TRUE(db_->Delete("monitors/m1").ok());
  auto st = db_->GetStats();
  ASSERT_TRUE(st.ok());
  ASSERT_EQ(st->collections.size(), 1u);
  EXPECT_EQ(st->collections[0].documents, 1u);
  EXPECT_GT(st->collections[0].stored_bytes, 50u);
  EXPECT_LT(st->collections[0].stored_bytes, 1000u);
  EXPECT_EQ(st->collections[0].indexes.size(), 3u);
  EXPECT_EQ(st->change_log_records, 4u);
}

TEST_P(DatabaseContract, ConcurrentWritersKeepDocumentsAndIndexesConsistent) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; t++) {
    threads.emplace_back([this, t] {
      for (int i = 0; i < 300; i++) {
        std::string path = "monitors/m" + std::to_string((i * 7 + t) % 50);
        if (i % 5 == 4) {
          EXPECT_TRUE(db_->Delete(path).ok());
        } else {
          EXPECT_TRUE(db_->Set(path, Monitor("u" + std::to_string(t), i % 2 ? "active" : "paused")).ok());
        }
        std::string snap = "snapshots/t" + std::to_string(t) + "_" + std::to_string(i % 40);
        EXPECT_TRUE(db_->Set(snap, Snapshot("m" + std::to_string(t), "2026-01-01T00:00:0" + std::to_string(i % 10) + "Z"))
                        .ok());
      }
    });
  }
  for (auto& th : threads) th.join();
  uint64_t entries = IndexEntries();
  uint64_t monitors = Documents("monitors");
  EXPECT_EQ(entries, 3 * monitors);  // one entry in each of monitors' three indexes
  EXPECT_EQ(ScanPaths("monitors").size(), monitors);
  EXPECT_EQ(ScanPaths("snapshots").size(), Documents("snapshots"));
  EXPECT_EQ(Documents("snapshots"), 160u);
}

TEST_P(DatabaseContract, EveryFieldGetsAutomaticEntriesUnlessExempted) {
  // user_id, tags (whole array), config (whole map), config.freq: 4 value entries;
  // tags' distinct elements "a" and "b": 2 array-contains entries.
  ASSERT_TRUE(db_->Set("monitors/m1", Fields(R"({"user_id":"u","tags":["a","b","a"],"config":{"freq":"daily"}})")).ok());
  EXPECT_EQ(AutomaticEntries(), 6u);
  ASSERT_TRUE(db_->Set("monitors/m1", Fields(R"({"user_id":"u"})")).ok());
  EXPECT_EQ(AutomaticEntries(), 1u);
  ASSERT_TRUE(db_->Delete("monitors/m1").ok());
  EXPECT_EQ(AutomaticEntries(), 0u);
}

TEST_P(DatabaseContract, ExpiredDocumentsVanishFromReadsAndRetentionDeletesThem) {
  Options o;
  // emplace: assigning a literal here trips a GCC 12 -Wmaybe-uninitialized false positive
  o.indexes_json.emplace(R"({"indexes":[],"fieldOverrides":[
      {"collectionGroup":"alerts","fieldPath":"expire_at","ttl":true,"indexes":[]},
      {"collectionGroup":"snapshots","fieldPath":"expire_at","ttl":true,"indexes":[]}]})");
  Reopen(o);
  const int64_t past = Timestamp::Now().seconds - 60, future = Timestamp::Now().seconds + 3600;
  auto alert = [&](int64_t expire) {
    return MapValue{{"monitor_id", Value::String("m1")}, {"expire_at", Value::Time({expire, 0})}};
  };
  ASSERT_TRUE(db_->Set("alerts/old", alert(past)).ok());
  ASSERT_TRUE(db_->Set("alerts/new", alert(future)).ok());
  ASSERT_TRUE(db_->Set("alerts/text", MapValue{{"monitor_id", Value::String("m1")}, {"expire_at", Value::String("yesterday")}}).ok());
  EXPECT_EQ(db_->Get("alerts/old").status().code(), StatusCode::kNotFound);  // hidden at once
  EXPECT_TRUE(db_->Get("alerts/new").ok());
  EXPECT_TRUE(db_->Get("alerts/text").ok());  // only a timestamp expires a document
  EXPECT_EQ(ScanPaths("alerts"), (std::vector<std::string>{"alerts/new", "alerts/text"}));
  Query q;
  q.collection_id = "alerts";
  q.where = Filter::Field("monitor_id", FilterOp::kEqual, Value::String("m1"));
  std::vector<std::string> found;
  ASSERT_TRUE(db_->RunQuery(q, [&](const Document& d) { return found.push_back(d.path), true; }).ok());
  EXPECT_EQ(found, (std::vector<std::string>{"alerts/new", "alerts/text"}));
  MapValue snap{{"monitor_id", Value::String("m1")}, {"timestamp", Value::Time({1767225600, 0})},
                {"expire_at", Value::Time({past, 0})}};
  ASSERT_TRUE(db_->Set("snapshots/s1", snap).ok());
  size_t series = 0;
  ASSERT_TRUE(db_->ScanSeries(SeriesScan{"snapshots", Value::String("m1"), {}, {}, false, {}, 0},
                              [&](const DocumentView&) { return ++series, true; })
                  .ok());
  EXPECT_EQ(series, 0u);
  EXPECT_EQ(*db_->DeleteExpired("alerts", true), 1u);
  EXPECT_EQ(Documents("alerts"), 3u);  // a dry run deletes nothing
  EXPECT_EQ(*db_->DeleteExpired("alerts"), 1u);
  EXPECT_EQ(*db_->DeleteExpired("snapshots"), 1u);
  EXPECT_EQ(Documents("alerts"), 2u);
  EXPECT_EQ(Documents("snapshots"), 0u);
  IndexEntries();  // check passes
}

// Behaviour across a close and reopen: the on-disk backend only.
class PersistentDatabase : public DatabaseContract {};

TEST_P(PersistentDatabase, ReopenKeepsDocumentsIndexesAndChangeLog) {
  ASSERT_TRUE(db_->Set("monitors/m1", Monitor("u", "active")).ok());
  ASSERT_TRUE(db_->Set("snapshots/s1", Snapshot("m1", "2026-01-01T00:00:00Z")).ok());
  Reopen();
  EXPECT_EQ(db_->Get("monitors/m1")->fields, Monitor("u", "active"));
  EXPECT_TRUE(db_->Get("snapshots/s1").ok());
  EXPECT_EQ(IndexEntries(), 3u);
  ASSERT_TRUE(db_->Set("monitors/m2", Monitor("u", "active")).ok());
  EXPECT_EQ(db_->GetStats()->change_log_records, 3u);
}

TEST_P(PersistentDatabase, ChangingTheIndexConfigurationBuildsNewIndexesAndDropsRemovedOnes) {
  for (int i = 0; i < 10; i++)
    ASSERT_TRUE(db_->Set("alerts/a" + std::to_string(i),
                         FieldsFor("alerts", R"({"monitor_id":"m1","read":false,"severity":)" + std::to_string(i) +
                                                 R"(,"created_at":"2026-01-01T00:00:00Z"})"))
                    .ok());
  EXPECT_EQ(IndexEntries(), 20u);  // the two domain alert indexes
  Options o;
  o.indexes_json = R"({"indexes":[{"collectionGroup":"alerts","fields":[
      {"fieldPath":"monitor_id","order":"ASCENDING"},{"fieldPath":"severity","order":"DESCENDING"}]}]})";
  std::vector<Progress> seen;
  o.progress = [&](const Progress& p) { seen.push_back(p); };
  Reopen(o);
  // The new index is built (the automatic entries are rebuilt too: the
  // domain's alert overrides are gone with the file).
  auto built = std::find_if(seen.rbegin(), seen.rend(), [](const Progress& p) {
    return p.task.find("idx.alerts.collection.monitor_id:asc,severity:desc") != std::string::npos;
  });
  ASSERT_NE(built, seen.rend());
  EXPECT_EQ(built->done, 10u);
  EXPECT_EQ(built->total, 10u);
  EXPECT_EQ(IndexEntries(), 10u);
  auto st = db_->GetStats();
  for (const auto& c : st->collections) {
    if (c.id == "alerts") {
      EXPECT_EQ(c.indexes, (std::vector<std::string>{"idx.alerts.collection.monitor_id:asc,severity:desc"}));
    }
  }
  for (const auto& cf : st->column_families) EXPECT_EQ(cf.name.find("idx.monitors"), std::string::npos) << cf.name;
  // Reopening without options keeps the recorded configuration and builds nothing.
  seen.clear();
  Reopen();
  EXPECT_TRUE(seen.empty());
  EXPECT_EQ(IndexEntries(), 10u);
}

TEST_P(PersistentDatabase, AnInvalidIndexConfigurationFailsOpenNamingTheEntry) {
  ASSERT_TRUE(db_->Close().ok());
  db_.reset();
  Options o;
  o.indexes_json = R"({"indexes":[{"collectionGroup":"a","fields":[{"fieldPath":"x"}]}]})";
  auto db = Database::Open(o, dir_.path() + "/db");
  ASSERT_FALSE(db.ok());
  EXPECT_NE(db.status().message().find("indexes[0] (collectionGroup \"a\")"), std::string::npos)
      << db.status().message();
}

TEST_P(PersistentDatabase, FieldOverridesAndTheAutomaticSwitchRebuildEntriesAtOpen) {
  ASSERT_TRUE(db_->Set("monitors/m1", Fields(R"({"user_id":"u","tags":["a","b"],"config":{"freq":"daily"}})")).ok());
  EXPECT_EQ(AutomaticEntries(), 6u);
  Options o;
  // An exemption applies to the field and, inherited, to its subfields; a
  // subfield's own override wins over its parent's.
  o.indexes_json = R"({"indexes":[],"fieldOverrides":[
      {"collectionGroup":"monitors","fieldPath":"config","indexes":[]},
      {"collectionGroup":"monitors","fieldPath":"tags","indexes":[{"arrayConfig":"CONTAINS","queryScope":"COLLECTION"}]}]})";
  std::vector<Progress> seen;
  o.progress = [&](const Progress& p) { seen.push_back(p); };
  Reopen(o);
  EXPECT_EQ(AutomaticEntries(), 3u);  // user_id; tags contains a, b
  ASSERT_FALSE(seen.empty());
  EXPECT_NE(seen.back().task.find("automatic indexes of monitors"), std::string::npos);
  o.indexes_json = R"({"indexes":[],"fieldOverrides":[
      {"collectionGroup":"monitors","fieldPath":"config","indexes":[]},
      {"collectionGroup":"monitors","fieldPath":"config.freq","indexes":[{"order":"ASCENDING","queryScope":"COLLECTION"}]}]})";
  Reopen(o);
  EXPECT_EQ(AutomaticEntries(), 6u - 1u);  // config itself stays exempt
  Options off;
  off.automatic_indexes = false;
  Reopen(off);
  EXPECT_EQ(AutomaticEntries(), 0u);
  ASSERT_TRUE(db_->Set("monitors/m2", Fields(R"({"user_id":"u"})")).ok());
  EXPECT_EQ(AutomaticEntries(), 0u);
  Reopen();
  EXPECT_EQ(AutomaticEntries(), 5u + 1u);
}

TEST_P(PersistentDatabase, RetentionPoliciesSurviveAReopen) {
  ASSERT_TRUE(db_->SetRetentionDays("snapshots", 30).ok());
  ASSERT_TRUE(db_->SetRetentionDays("aggregations", 365).ok());
  Reopen();
  auto p = db_->RetentionPolicies();
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(*p, (std::map<std::string, int>{{"aggregations", 365}, {"snapshots", 30}}));
}

// The nice value of every RocksDB pool thread of this process, by pool
// ("low": compactions, "high": flushes), from /proc (Linux).
std::map<std::string, std::vector<int>> RocksDbThreadNiceness() {
  std::map<std::string, std::vector<int>> out;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    std::string comm, stat;
    std::getline(std::ifstream(task.path() / "comm"), comm);
    if (comm.rfind("rocksdb:", 0) != 0) continue;
    std::getline(std::ifstream(task.path() / "stat"), stat);
    // Fields after the parenthesised name: state is the 3rd field, nice the 19th.
    std::istringstream rest(stat.substr(stat.rfind(')') + 2));
    std::string field;
    for (int i = 3; i < 19; i++) rest >> field;
    int nice = 0;
    rest >> nice;
    out[comm.substr(8, comm.find_first_of("0123456789", 8) - 8)].push_back(nice);
  }
  return out;
}

TEST_P(DatabaseContract, CompactionsRunAtTheLowestCpuPriorityAndFlushesDoNot) {
  ASSERT_TRUE(db_->Set("monitors/m1", Monitor("u1", "active")).ok());
  ASSERT_TRUE(db_->Compact().ok());  // a flush (high pool), then a compaction (low pool)
  auto threads = RocksDbThreadNiceness();
  ASSERT_FALSE(threads["low"].empty());
  // A pool thread takes the priority when it starts its next job: the one
  // that ran the compaction has it.
  EXPECT_NE(std::count(threads["low"].begin(), threads["low"].end(), 19), 0);
  for (int nice : threads["high"]) EXPECT_EQ(nice, 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, DatabaseContract, ::testing::Values(Backend::kInMemory, Backend::kOnDisk),
                         BackendName);
INSTANTIATE_TEST_SUITE_P(Reopen, PersistentDatabase, ::testing::Values(Backend::kOnDisk), BackendName);

}  // namespace
}  // namespace hearth::testing
