// The time-series layer, on every backend.
#include "hearth/timeseries.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <set>
#include <thread>

#include "tests/test_util.h"

namespace hearth::testing {
namespace {

constexpr int64_t kT0 = 1767225600;  // 2026-01-01T00:00:00Z

MapValue Snap(const std::string& monitor, int64_t seconds, double revenue = 1, int32_t nanos = 0) {
  return MapValue{{"monitor_id", Value::String(monitor)},
                  {"timestamp", Value::Time({seconds, nanos})},
                  {"news_sentiment", Value::Double(revenue / 10)},
                  {"financial_metrics", Value::Map({{"revenue", Value::Double(revenue)}})}};
}

// [kT0 + from, kT0 + to) in seconds.
RangeRequest Window(int64_t from, int64_t to, size_t limit = 100, bool oldest_first = false) {
  RangeRequest r;
  r.start = {kT0 + from, 0};
  r.end = {kT0 + to, 0};
  r.limit = limit;
  r.oldest_first = oldest_first;
  return r;
}

class TimeSeriesTest : public DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    OpenSeries({});
  }
  void TearDown() override {
    ts_.reset();
    DatabaseTest::TearDown();
  }
  // Reopens empty with Firestore's automatic indexes on every field (the
  // domain's firestore.indexes.json exempts the snapshots' fields), for
  // tests of the entries a time-series document has besides its key.
  static Options SnapshotFieldsIndexed() {
    Options o;
    o.indexes_json = R"({"indexes": [], "fieldOverrides": []})";
    return o;
  }
  void OpenWithSnapshotFieldsIndexed() {
    ts_.reset();
    Reopen(SnapshotFieldsIndexed());
    OpenSeries({});
  }
  void OpenSeries(TimeSeriesOptions o) {
    ts_.reset();
    auto ts = TimeSeries::Open(db_.get(), o);
    ASSERT_TRUE(ts.ok()) << ts.status().ToString();
    ts_ = std::move(ts).value();
  }
  void Store(const MapValue& s) {
    auto r = ts_->Store(s);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  // Times (seconds after kT0) of documents.
  static std::vector<int64_t> Times(const std::vector<DocumentView>& docs) {
    std::vector<int64_t> out;
    for (const auto& d : docs) out.push_back(d.Get("timestamp")->timestamp().seconds - kT0);
    return out;
  }
  std::unique_ptr<TimeSeries> ts_;
};

TEST_P(TimeSeriesTest, StoreNamesSnapshotsByMonitorAndFullPrecisionTime) {
  auto a = ts_->Store(Snap("m1", kT0, 1, 0));
  auto b = ts_->Store(Snap("m1", kT0, 2, 500000000));  // the same second: no collision
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, "snapshots/m1_1767225600");
  EXPECT_EQ(*b, "snapshots/m1_1767225600.5");
  auto latest = ts_->Latest("m1");
  ASSERT_TRUE(latest.ok() && latest->has_value());
  EXPECT_EQ((*latest)->path(), *b);
  EXPECT_EQ(*(*latest)->Get(std::vector<std::string>{"financial_metrics", "revenue"}), Value::Double(2));
  EXPECT_FALSE(ts_->Latest("nobody")->has_value());
  auto bad = ts_->Store(MapValue{{"monitor_id", Value::String("m1")}});
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("timestamp"), std::string::npos);
}

TEST_P(TimeSeriesTest, RangesAreHalfOpenAndNewestFirstByDefault) {
  for (int h = 0; h < 10; h++) Store(Snap("m1", kT0 + h * 3600));
  Store(Snap("m10", kT0 + 3 * 3600));  // a neighbouring partition never leaks in
  RangeRequest r = Window(2 * 3600, 5 * 3600);
  auto page = ts_->Range("m1", r);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(Times(page->documents), (std::vector<int64_t>{4 * 3600, 3 * 3600, 2 * 3600}));  // 5h is outside
  EXPECT_TRUE(page->next_page_token.empty());
  r.oldest_first = true;
  EXPECT_EQ(Times(ts_->Range("m1", r)->documents), (std::vector<int64_t>{2 * 3600, 3 * 3600, 4 * 3600}));
  r.start = {kT0 + 6 * 3600, 0};
  EXPECT_EQ(ts_->Range("m1", r).status().code(), StatusCode::kInvalidArgument);
}

TEST_P(TimeSeriesTest, NewestFirstPagesAreTheSameWhateverTheSpanAndLimit) {
  // Small spans are read forward and handed out from the end, large ones
  // backward: the pages must not tell the difference.
  WriteBatch batch;
  for (int i = 0; i < 1500; i++) {
    MapValue s = Snap("m1", kT0 + i * 60);
    batch.Set("snapshots/m1_" + std::to_string(kT0 + i * 60), std::move(s));
  }
  ASSERT_TRUE(db_->Write(batch).ok());
  for (size_t limit : {size_t{1}, size_t{5}, size_t{64}, size_t{400}, size_t{2000}}) {
    for (int64_t span : {int64_t{30 * 60}, int64_t{1500 * 60}}) {
      RangeRequest r = Window(100 * 60, 100 * 60 + span, limit);
      std::vector<int64_t> seen;
      while (true) {
        auto page = ts_->Range("m1", r);
        ASSERT_TRUE(page.ok()) << page.status().ToString();
        ASSERT_LE(page->documents.size(), limit);
        for (auto t : Times(page->documents)) seen.push_back(t);
        if (page->next_page_token.empty()) break;
        r.page_token = page->next_page_token;
      }
      std::vector<int64_t> expected;
      for (int i = 1499; i >= 100; i--)
        if (i * 60 < 100 * 60 + span) expected.push_back(i * 60);
      EXPECT_EQ(seen, expected) << "limit " << limit << ", span " << span;
    }
  }
}

TEST_P(TimeSeriesTest, PagingVisitsEverySnapshotOnceWhileNewOnesArrive) {
  for (int i = 0; i < 25; i++) Store(Snap("m1", kT0 + i * 60));
  for (bool oldest_first : {false, true}) {
    RangeRequest r = Window(0, 86400, 7, oldest_first);
    std::vector<int64_t> seen;
    int pages = 0;
    while (true) {
      auto page = ts_->Range("m1", r);
      ASSERT_TRUE(page.ok()) << page.status().ToString();
      for (auto t : Times(page->documents)) seen.push_back(t);
      pages++;
      // New snapshots arrive between pages, newer than all the others.
      Store(Snap("m1", kT0 + 3000 + pages * 60 + (oldest_first ? 1000 : 0)));
      if (page->next_page_token.empty()) break;
      r.page_token = page->next_page_token;
    }
    std::set<int64_t> unique(seen.begin(), seen.end());
    EXPECT_EQ(unique.size(), seen.size()) << "a snapshot was returned twice";
    for (int i = 0; i < 25; i++) EXPECT_TRUE(unique.count(i * 60)) << "missed " << i;
    EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end(), [&](int64_t a, int64_t b) { return oldest_first ? a < b : a > b; }));
  }
  RangeRequest garbage = Window(0, 1, 5);
  garbage.page_token = "garbage!";
  EXPECT_EQ(ts_->Range("m1", garbage).status().code(), StatusCode::kInvalidArgument);
}

TEST_P(TimeSeriesTest, AtTimeFindsTheNearestHoweverManyLieInTheWindow) {
  // The original took the newest 10 of the window and answered 12:50 here.
  for (int m = 0; m < 60; m++) Store(Snap("m1", kT0 + 12 * 3600 + m * 60));
  auto at = ts_->AtTime("m1", {kT0 + 12 * 3600, 0}, std::chrono::hours(2));
  ASSERT_TRUE(at.ok() && at->has_value());
  EXPECT_EQ(Times({**at}), (std::vector<int64_t>{12 * 3600}));
  at = ts_->AtTime("m1", {kT0 + 12 * 3600 + 30 * 60 + 20, 0}, std::chrono::hours(2));
  EXPECT_EQ(Times({**at}), (std::vector<int64_t>{12 * 3600 + 30 * 60}));
  at = ts_->AtTime("m1", {kT0 + 12 * 3600 + 30 * 60 + 40, 0}, std::chrono::hours(2));
  EXPECT_EQ(Times({**at}), (std::vector<int64_t>{12 * 3600 + 31 * 60}));
  at = ts_->AtTime("m1", {kT0 + 12 * 3600 + 30 * 60 + 30, 0}, std::chrono::hours(2));  // a tie: the earlier
  EXPECT_EQ(Times({**at}), (std::vector<int64_t>{12 * 3600 + 30 * 60}));
  at = ts_->AtTime("m1", {kT0 + 10 * 3600, 0}, std::chrono::minutes(30));  // nothing within 30 min
  EXPECT_FALSE(at->has_value());
  at = ts_->AtTime("m1", {kT0 + 11 * 3600 + 59 * 60, 0}, std::chrono::minutes(1));  // just within
  EXPECT_EQ(Times({**at}), (std::vector<int64_t>{12 * 3600}));
}

TEST_P(TimeSeriesTest, TrendsAreOldestFirst) {
  for (int d = 0; d < 10; d++) Store(Snap("m1", kT0 + d * 86400, 100 + d));
  auto t = ts_->Trend("m1", "revenue", 3, Timestamp{kT0 + 9 * 86400 + 1, 0});
  ASSERT_TRUE(t.ok());
  ASSERT_EQ(t->size(), 3u);  // days 7, 8, 9
  EXPECT_EQ((*t)[0].value, Value::Double(107));
  EXPECT_EQ((*t)[2].value, Value::Double(109));
  EXPECT_LT((*t)[0].time, (*t)[1].time);
  auto s = ts_->Trend("m1", "news_sentiment", 30, Timestamp{kT0 + 30 * 86400, 0});
  EXPECT_EQ(s->size(), 10u);
  EXPECT_TRUE(ts_->Trend("m1", "no_such_metric", 30, Timestamp{kT0 + 30 * 86400, 0})->empty());
}

TEST_P(TimeSeriesTest, TheCacheNeverServesDataOlderThanTheLastWrite) {
  Store(Snap("m1", kT0));
  Store(Snap("m2", kT0));
  RangeRequest r = Window(0, 86400);
  EXPECT_EQ(ts_->Range("m1", r)->documents.size(), 1u);
  EXPECT_EQ(ts_->Range("m1", r)->documents.size(), 1u);
  EXPECT_EQ(ts_->Stats()->cache_hits, 1u);
  Store(Snap("m1", kT0 + 60));  // through the service
  EXPECT_EQ(ts_->Range("m1", r)->documents.size(), 2u);
  ASSERT_TRUE(db_->Set("snapshots/direct", Snap("m1", kT0 + 120)).ok());  // straight to the database
  EXPECT_EQ(ts_->Range("m1", r)->documents.size(), 3u);
  ASSERT_TRUE(db_->Delete("snapshots/direct").ok());
  EXPECT_EQ(ts_->Range("m1", r)->documents.size(), 2u);
  uint64_t hits = ts_->Stats()->cache_hits;
  Store(Snap("m2", kT0 + 60));  // another monitor: m1's entry stays
  EXPECT_EQ(ts_->Range("m1", r)->documents.size(), 2u);
  EXPECT_EQ(ts_->Stats()->cache_hits, hits + 1);
  ASSERT_TRUE(ts_->DeleteBefore({kT0 + 30, 0}, std::string("m1")).ok());
  EXPECT_EQ(ts_->Range("m1", r)->documents.size(), 1u);
}

TEST_P(TimeSeriesTest, TheCacheIsLeastRecentlyUsedAndBounded) {
  TimeSeriesOptions o;
  o.cache_max_entries = 2;
  OpenSeries(o);
  Store(Snap("m1", kT0));
  auto read = [&](int64_t end) { (void)ts_->Range("m1", Window(0, end)); };
  read(10);
  read(20);
  read(10);  // hit: 10 is now the most recent
  read(30);  // evicts 20, not 10
  auto before = ts_->Stats();
  read(10);
  EXPECT_EQ(ts_->Stats()->cache_hits, before->cache_hits + 1);
  read(20);
  EXPECT_EQ(ts_->Stats()->cache_misses, before->cache_misses + 1);
  EXPECT_EQ(ts_->Stats()->cache_entries, 2u);
  o.cache_max_bytes = 200;  // smaller than any result: nothing is kept
  OpenSeries(o);
  read(10);
  EXPECT_EQ(ts_->Stats()->cache_entries, 0u);
}

TEST_P(TimeSeriesTest, CachedResultsExpireAfterTheTtl) {
  TimeSeriesOptions o;
  o.cache_ttl = std::chrono::seconds(1);
  OpenSeries(o);
  Store(Snap("m1", kT0));
  ASSERT_TRUE(ts_->Latest("m1").ok());
  ASSERT_TRUE(ts_->Latest("m1").ok());
  EXPECT_EQ(ts_->Stats()->cache_hits, 1u);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  ASSERT_TRUE(ts_->Latest("m1").ok());
  EXPECT_EQ(ts_->Stats()->cache_hits, 1u);
  EXPECT_EQ(ts_->Stats()->cache_misses, 2u);
}

TEST_P(TimeSeriesTest, BatchedStoresReportTheirRealOutcome) {
  TimeSeriesOptions o;
  o.batch_size = 3;
  o.batch_delay = std::chrono::hours(1);
  OpenSeries(o);
  WriteHandle a = ts_->StoreBatched(Snap("m1", kT0));
  WriteHandle b = ts_->StoreBatched(Snap("m1", kT0 + 1));
  WriteHandle bad = ts_->StoreBatched(MapValue{{"monitor_id", Value::String("m1")}});
  EXPECT_TRUE(bad.done());
  EXPECT_EQ(bad.Wait().code(), StatusCode::kInvalidArgument);  // rejected at once, not in a batch
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(a.done());
  EXPECT_EQ(ts_->Stats()->pending_writes, 2u);
  EXPECT_FALSE(ts_->Latest("m1")->has_value());
  WriteHandle c = ts_->StoreBatched(Snap("m1", kT0 + 2));  // the third fills the batch
  EXPECT_TRUE(c.Wait().ok());
  EXPECT_TRUE(a.Wait().ok() && b.Wait().ok());
  EXPECT_EQ(a.path(), "snapshots/m1_1767225600");
  EXPECT_EQ(ts_->Range("m1", Window(0, 10))->documents.size(), 3u);
  WriteHandle d = ts_->StoreBatched(Snap("m1", kT0 + 3));
  EXPECT_TRUE(ts_->Flush().ok());  // an explicit flush
  EXPECT_TRUE(d.done());
  WriteHandle e = ts_->StoreBatched(Snap("m1", kT0 + 4));
  EXPECT_TRUE(ts_->Close().ok());  // close flushes
  EXPECT_TRUE(e.Wait().ok());
  EXPECT_EQ(ts_->StoreBatched(Snap("m1", kT0 + 5)).Wait().code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE(db_->Get("snapshots/m1_1767225604").ok());
}

TEST_P(TimeSeriesTest, ABatchIsWrittenAfterItsDelay) {
  TimeSeriesOptions o;
  o.batch_size = 1000;
  o.batch_delay = std::chrono::milliseconds(50);
  OpenSeries(o);
  auto start = std::chrono::steady_clock::now();
  WriteHandle a = ts_->StoreBatched(Snap("m1", kT0));
  EXPECT_TRUE(a.Wait().ok());
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(45));
  EXPECT_TRUE(db_->Get(a.path()).ok());
}

TEST_P(TimeSeriesTest, RetentionDeletesExactlyWhatTheDryRunCounts) {
  for (int m = 0; m < 5; m++)
    for (int h = 0; h < 20; h++) Store(Snap("mon-" + std::to_string(m), kT0 + h * 3600));
  Timestamp cutoff{kT0 + 8 * 3600, 0};  // hours 0..7 go; the one exactly at the cutoff stays
  auto dry = ts_->DeleteBefore(cutoff, std::nullopt, true);
  ASSERT_TRUE(dry.ok());
  EXPECT_EQ(*dry, 40u);
  EXPECT_EQ(ts_->Stats()->documents, 100u);
  auto one = ts_->DeleteBefore(cutoff, std::string("mon-1"));
  EXPECT_EQ(*one, 8u);
  auto rest = ts_->DeleteBefore(cutoff);
  EXPECT_EQ(*rest, 32u);
  EXPECT_EQ(*ts_->DeleteBefore(cutoff, std::nullopt, true), 0u);
  EXPECT_EQ(ts_->Stats()->documents, 60u);
  auto first = ts_->Range("mon-3", Window(0, 86400, 100, true));
  EXPECT_EQ(Times(first->documents).front(), 8 * 3600);
  EXPECT_EQ(db_->Get("snapshots/mon-3_1767225600").status().code(), StatusCode::kNotFound);
  auto check = db_->Check();
  ASSERT_TRUE(check.ok());
  EXPECT_TRUE(check->ok()) << check->problems[0];
  EXPECT_EQ(check->documents, 60u);
}

TEST_P(TimeSeriesTest, RetentionCountsExactlyAtEveryCutoffAcrossDays) {
  // Every 5 hours for 6 days, two monitors: cutoffs fall inside days, on
  // midnight, on a snapshot, before and after everything.
  std::vector<int64_t> times;
  for (int64_t t = 0; t < 6 * 86400; t += 5 * 3600) times.push_back(t);
  for (const char* m : {"m1", "m2"})
    for (int64_t t : times) Store(Snap(m, kT0 + t, static_cast<double>(t)));
  auto stored_below = [&](int64_t cutoff) {
    return static_cast<uint64_t>(std::count_if(times.begin(), times.end(), [&](int64_t t) { return t < cutoff; }));
  };
  uint64_t remaining = 2 * times.size(), deleted_so_far = 0;
  for (int64_t cutoff : {-3600L, 3 * 3600L, 86400L, 86400L + 7 * 3600L, 2 * 86400L + 1800L, 3 * 86400L + 5 * 3600L,
                         5 * 86400L + 3 * 3600L, 7 * 86400L}) {
    const Timestamp at{kT0 + cutoff, 0};
    const uint64_t want_m1 = stored_below(cutoff) - deleted_so_far;
    EXPECT_EQ(*ts_->DeleteBefore(at, std::string("m1"), true), want_m1) << "dry run, cutoff " << cutoff;
    EXPECT_EQ(*ts_->DeleteBefore(at, std::nullopt, true), 2 * want_m1) << "dry run, cutoff " << cutoff;
    EXPECT_EQ(*ts_->DeleteBefore(at, std::string("m1")), want_m1) << "cutoff " << cutoff;
    EXPECT_EQ(*ts_->DeleteBefore(at, std::string("m2")), want_m1) << "cutoff " << cutoff;
    deleted_so_far += want_m1;
    remaining -= 2 * want_m1;
    auto stats = db_->GetStats();
    ASSERT_TRUE(stats.ok());
    for (const auto& c : stats->collections)
      if (c.id == "snapshots") {
        EXPECT_EQ(c.documents, remaining) << "cutoff " << cutoff;
      }
    auto check = db_->Check();
    ASSERT_TRUE(check.ok());
    EXPECT_TRUE(check->ok()) << "cutoff " << cutoff << ": " << check->problems[0];
    auto rest = ts_->Range("m1", Window(-86400, 8 * 86400, 1000, true));
    ASSERT_TRUE(rest.ok());
    EXPECT_EQ(rest->documents.size(), remaining / 2);
    if (!rest->documents.empty()) {
      EXPECT_GE(Times(rest->documents).front(), cutoff);
    }
  }
  EXPECT_EQ(remaining, 0u);
}

TEST_P(TimeSeriesTest, TheDomainIndexesNoSnapshotFieldOnItsOwn) {
  for (int h = 0; h < 3; h++) Store(Snap("m1", kT0 + h * 3600, 100 + h));
  auto check = db_->Check();
  ASSERT_TRUE(check.ok());
  EXPECT_TRUE(check->ok());
  EXPECT_EQ(check->documents, 3u);
  EXPECT_EQ(check->EntriesWithPrefix("auto.snapshots"), 0u);  // the key and the name entry only
  // The domain's own query: one monitor, by time (the primary key).
  Query by_monitor;
  by_monitor.collection_id = "snapshots";
  by_monitor.where = Filter::Field("monitor_id", FilterOp::kEqual, Value::String("m1"));
  by_monitor.order_by = {{"timestamp", SortDirection::kDescending}};
  int n = 0;
  EXPECT_TRUE(db_->RunQuery(by_monitor, [&](const Document&) { return ++n > 0; }).ok());
  EXPECT_EQ(n, 3);
  // Any other field fails as Firestore does for an exempted field.
  Query by_sentiment;
  by_sentiment.collection_id = "snapshots";
  by_sentiment.where = Filter::Field("news_sentiment", FilterOp::kLessThan, Value::Double(10.45));
  Status s = db_->RunQuery(by_sentiment, [](const Document&) { return true; });
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition) << s.ToString();
  EXPECT_NE(s.message().find("news_sentiment"), std::string::npos) << s.message();
}

// Entries (name, automatic, composite) of the documents retention deleted.
uint64_t AwaitingPurge(Database* db) {
  auto check = db->Check();
  EXPECT_TRUE(check.ok());
  EXPECT_TRUE(check->ok()) << check->problems[0];
  return check->entries_awaiting_purge;
}

TEST_P(TimeSeriesTest, RetentionLeavesNoEntryThatAnyReadCanSee) {
  OpenWithSnapshotFieldsIndexed();
  for (int m = 0; m < 3; m++)
    for (int h = 0; h < 10; h++) Store(Snap("mon-" + std::to_string(m), kT0 + h * 3600, 100 + h));
  const uint64_t log_before = db_->GetStats()->change_log_records;
  EXPECT_EQ(*ts_->DeleteBefore({kT0 + 4 * 3600, 0}), 12u);
  // One change record per partition names the range deleted.
  EXPECT_EQ(db_->GetStats()->change_log_records, log_before + 3);
  EXPECT_GT(AwaitingPurge(db_.get()), 12u);  // at least the 12 name entries
  EXPECT_EQ(db_->Get("snapshots/mon-1_1767225600").status().code(), StatusCode::kNotFound);
  // Queries through automatic indexes skip the deleted documents.
  Query q;
  q.collection_id = "snapshots";
  q.where = Filter::Field("news_sentiment", FilterOp::kLessThan, Value::Double(10.45));
  std::vector<std::string> found;
  ASSERT_TRUE(db_->RunQuery(q, [&](const Document& d) {
                   found.push_back(d.path);
                   return true;
                 }).ok());
  EXPECT_EQ(found.size(), 3u);  // hour 4 of each monitor; hours 0..3 (10.0..10.3) were deleted
  ts_.reset();
  Reopen(SnapshotFieldsIndexed());
  OpenSeries({});
  if (GetParam() == Backend::kOnDisk) {
    EXPECT_EQ(db_->Get("snapshots/mon-1_1767225600").status().code(), StatusCode::kNotFound);
    EXPECT_GT(AwaitingPurge(db_.get()), 12u);
    ASSERT_TRUE(db_->Compact().ok());
    EXPECT_EQ(AwaitingPurge(db_.get()), 0u);
    EXPECT_EQ(db_->Check()->documents, 18u);
  }
}

TEST_P(TimeSeriesTest, WritingIntoARetiredSpanFirstPurgesItsStaleEntries) {
  OpenWithSnapshotFieldsIndexed();
  for (int h = 0; h < 6; h++) Store(Snap("m1", kT0 + h * 3600, 100 + h));
  EXPECT_EQ(*ts_->DeleteBefore({kT0 + 3 * 3600, 0}), 3u);
  EXPECT_GT(AwaitingPurge(db_.get()), 0u);
  // The same snapshot id again, with other values: the old entries must not name it.
  Store(Snap("m1", kT0, 500));
  EXPECT_EQ(AwaitingPurge(db_.get()), 0u);
  auto count = [&](double v) {
    Query q;
    q.collection_id = "snapshots";
    q.where = Filter::Field("news_sentiment", FilterOp::kEqual, Value::Double(v));
    int n = 0;
    EXPECT_TRUE(db_->RunQuery(q, [&](const Document&) { return ++n > 0; }).ok());
    return n;
  };
  EXPECT_EQ(count(10.0), 0);  // the deleted version's value
  EXPECT_EQ(count(50.0), 1);
  EXPECT_EQ(Times(ts_->Range("m1", Window(0, 86400, 100, true))->documents),
            (std::vector<int64_t>{0, 3 * 3600, 4 * 3600, 5 * 3600}));
}

TEST_P(TimeSeriesTest, StoredRetentionPoliciesApplyOnDemandAndInTheBackground) {
  const int64_t now = Timestamp::Now().seconds;
  for (int d = 0; d < 10; d++) Store(Snap("m1", now - d * 86400 - 60));  // 0..9 days old
  EXPECT_EQ(*ts_->ApplyRetention(), 0u);  // no policy yet
  EXPECT_EQ(db_->SetRetentionDays("monitors", 5).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(db_->SetRetentionDays("snapshots", -1).code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(db_->SetRetentionDays("snapshots", 7).ok());
  EXPECT_EQ(db_->RetentionPolicies()->at("snapshots"), 7);
  EXPECT_EQ(*ts_->ApplyRetention(), 3u);  // 7, 8 and 9 days old
  ASSERT_TRUE(db_->SetRetentionDays("snapshots", 2).ok());
  TimeSeriesOptions o;
  o.retention_interval = std::chrono::milliseconds(20);
  OpenSeries(o);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (ts_->Stats()->documents > 2 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(ts_->Stats()->documents, 2u);  // 0 and 1 day old remain
  ASSERT_TRUE(db_->SetRetentionDays("snapshots", std::nullopt).ok());
  EXPECT_TRUE(db_->RetentionPolicies()->empty());
  EXPECT_TRUE(ts_->Close().ok());
}

TEST_P(TimeSeriesTest, WritersAndReadersRunConcurrently) {
  TimeSeriesOptions o;
  o.batch_delay = std::chrono::milliseconds(2);  // each batched store below waits for its outcome
  OpenSeries(o);
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int w = 0; w < 2; w++)
    threads.emplace_back([&, w] {
      for (int i = 0; i < 200; i++) {
        if (w == 0) {
          if (!ts_->Store(Snap("m" + std::to_string(i % 4), kT0 + i)).ok()) failures++;
        } else if (!ts_->StoreBatched(Snap("m" + std::to_string(i % 4), kT0 + 100000 + i)).Wait().ok()) {
          failures++;
        }
      }
    });
  for (int r = 0; r < 2; r++)
    threads.emplace_back([&] {
      for (int i = 0; i < 300; i++) {
        auto page = ts_->Range("m" + std::to_string(i % 4), Window(0, 200000, 50));
        if (!page.ok()) failures++;
        auto latest = ts_->Latest("m1");
        if (!latest.ok()) failures++;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  ASSERT_TRUE(ts_->Flush().ok());
  EXPECT_EQ(ts_->Stats()->documents, 400u);
  size_t total = 0;
  for (int m = 0; m < 4; m++)
    total += ts_->Range("m" + std::to_string(m), Window(0, 200000, 1000))->documents.size();
  EXPECT_EQ(total, 400u);
  EXPECT_TRUE(db_->Check()->ok());
}

// The newest snapshot by a bounded newest-first range, which never consults
// the in-memory table of newest documents: the oracle for Latest.
std::optional<int64_t> NewestByRange(TimeSeries& ts, const std::string& monitor) {
  auto page = ts.Range(monitor, Window(-10 * 86400, 10 * 86400, 1));
  EXPECT_TRUE(page.ok()) << page.status().ToString();
  if (!page.ok() || page->documents.empty()) return std::nullopt;
  return page->documents[0].Get("timestamp")->timestamp().seconds - kT0;
}

TEST_P(TimeSeriesTest, LatestStaysExactThroughEveryKindOfChange) {
  TimeSeriesOptions o;
  o.cache_max_entries = 0;  // every read goes to the store
  OpenSeries(o);
  auto latest = [&](const std::string& m) -> std::optional<int64_t> {
    auto l = ts_->Latest(m);
    EXPECT_TRUE(l.ok()) << l.status().ToString();
    if (!l.ok() || !l->has_value()) return std::nullopt;
    return (*l)->Get("timestamp")->timestamp().seconds - kT0;
  };
  auto revenue = [&](const std::string& m) {
    return (*ts_->Latest(m))->Get(std::vector<std::string>{"financial_metrics", "revenue"})->dbl();
  };
  auto expect = [&](const char* step, std::optional<int64_t> want) {
    EXPECT_EQ(latest("m1"), want) << step;
    EXPECT_EQ(latest("m1"), want) << step << " (read again)";
    EXPECT_EQ(NewestByRange(*ts_, "m1"), want) << step << " (oracle)";
  };
  expect("empty", std::nullopt);
  for (int h = 1; h <= 3; h++) Store(Snap("m1", kT0 + h * 3600, h));
  Store(Snap("m10", kT0 + 9 * 3600));  // a neighbouring partition
  expect("three stored", 3 * 3600);
  Store(Snap("m1", kT0));
  expect("an older one stored", 3 * 3600);
  Store(Snap("m1", kT0 + 5 * 3600, 5));
  expect("a newer one stored", 5 * 3600);
  Store(Snap("m1", kT0 + 5 * 3600, 55));
  expect("the newest rewritten", 5 * 3600);
  EXPECT_EQ(revenue("m1"), 55);
  ASSERT_TRUE(db_->Delete("snapshots/m1_" + std::to_string(kT0 + 5 * 3600)).ok());
  expect("the newest deleted", 3 * 3600);
  // The newest document moved back in time (same path, older timestamp).
  ASSERT_TRUE(db_->Set("snapshots/m1_" + std::to_string(kT0 + 3 * 3600), Snap("m1", kT0 + 1800)).ok());
  expect("the newest moved back", 2 * 3600);
  // Another partition's document moved into this one.
  ASSERT_TRUE(db_->Set("snapshots/m10_" + std::to_string(kT0 + 9 * 3600), Snap("m1", kT0 + 7 * 3600, 7)).ok());
  expect("a document moved in", 7 * 3600);
  EXPECT_EQ(latest("m10"), std::nullopt);
  RecompressRequest zstd;
  zstd.collection = "snapshots";
  zstd.compression = DocumentCompression::kZstd;
  ASSERT_TRUE(db_->Recompress(zstd).ok());
  expect("recompressed", 7 * 3600);
  EXPECT_EQ(revenue("m1"), 7);
  EXPECT_EQ(*ts_->DeleteBefore({kT0 + 2 * 3600, 0}, std::string("m1")), 3u);
  expect("retention below the newest", 7 * 3600);
  EXPECT_EQ(*ts_->DeleteBefore({kT0 + 8 * 3600, 0}, std::string("m1")), 2u);
  expect("retention of everything", std::nullopt);
  Store(Snap("m1", kT0 + 4 * 3600, 4));
  expect("stored after retention", 4 * 3600);
  // One batch holding several documents of the partition, the newest neither
  // first nor last, and a neighbour's: the newest of them is the newest.
  auto batch_of = [&](std::initializer_list<int> hours) {
    WriteBatch b;
    for (int h : hours) b.Set("snapshots/m1_" + std::to_string(kT0 + h * 3600), Snap("m1", kT0 + h * 3600, h));
    b.Set("snapshots/m10_" + std::to_string(kT0 + 20 * 3600), Snap("m10", kT0 + 20 * 3600));
    return db_->Write(b).status();
  };
  ASSERT_TRUE(batch_of({6, 9, 7}).ok());
  expect("a batch of three", 9 * 3600);
  EXPECT_EQ(revenue("m1"), 9);
  ASSERT_TRUE(batch_of({8, 5}).ok());
  expect("a batch older than the newest", 9 * 3600);
  auto check = db_->Check();
  ASSERT_TRUE(check.ok());
  EXPECT_TRUE(check->ok()) << check->problems[0];
  ts_.reset();
  Reopen();
  OpenSeries(o);
  if (GetParam() == Backend::kOnDisk) expect("reopened", 9 * 3600);
}

TEST_P(TimeSeriesTest, LatestIsNeverOlderThanAnAcknowledgedWrite) {
  TimeSeriesOptions o;
  o.cache_max_entries = 0;
  OpenSeries(o);
  std::atomic<int64_t> acknowledged{-1};
  std::atomic<int> stale{0};
  std::thread writer([&] {
    for (int i = 0; i < 400; i++) {
      if (ts_->Store(Snap("m1", kT0 + i)).ok()) acknowledged = i;
      if (i % 50 == 0) (void)ts_->DeleteBefore({kT0 + i - 10, 0}, std::string("m1"));
    }
  });
  std::thread reader([&] {
    while (acknowledged.load() < 399) {
      const int64_t before = acknowledged.load();
      auto l = ts_->Latest("m1");
      const int64_t got = l.ok() && l->has_value() ? (*l)->Get("timestamp")->timestamp().seconds - kT0 : -1;
      if (got < before) stale++;
    }
  });
  writer.join();
  reader.join();
  EXPECT_EQ(stale.load(), 0);
  EXPECT_EQ(NewestByRange(*ts_, "m1"), 399);
}

INSTANTIATE_TEST_SUITE_P(Backends, TimeSeriesTest, ::testing::Values(Backend::kInMemory, Backend::kOnDisk),
                         BackendName);

}  // namespace
}  // namespace hearth::testing
