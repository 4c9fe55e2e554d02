// A query's work grows with what it returns, not with the collection's size:
// counted in keys and documents read (QueryStats), not in time.
#include <gtest/gtest.h>

#include "tests/test_util.h"

namespace hearth::testing {
namespace {

class QueryCost : public DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    Options o;
    o.indexes_json = R"({"indexes":[{"collectionGroup":"items","fields":[
        {"fieldPath":"group","order":"ASCENDING"},{"fieldPath":"n","order":"DESCENDING"}]}]})";
    Reopen(o);
    WriteBatch b;
    for (int i = 0; i < 2000; i++) {
      char id[16];
      std::snprintf(id, sizeof id, "i%05d", i);
      b.Set(std::string("items/") + id,
            MapValue{{"n", Value::Integer(i)}, {"group", Value::Integer(i % 10)}, {"odd", Value::Boolean(i % 2)}});
      b.Set("snapshots/s" + std::to_string(i),
            MapValue{{"monitor_id", Value::String("m" + std::to_string(i % 20))},
                     {"timestamp", Value::Time({1767225600 + i * 60, 0})}});
    }
    ASSERT_TRUE(db_->Write(b).ok());
  }
  QueryStats Run(const Query& q, size_t expect_results) {
    QueryStats st;
    size_t n = 0;
    Status s = db_->RunQuery(q, [&](const Document&) { return ++n, true; }, &st);
    EXPECT_TRUE(s.ok()) << s.ToString();
    EXPECT_EQ(n, expect_results);
    EXPECT_EQ(st.results, expect_results);
    return st;
  }
};

TEST_P(QueryCost, LimitedQueriesReadOnlyWhatTheyReturn) {
  Query q;
  q.collection_id = "items";
  q.limit = 10;
  q.order_by = {{"n", SortDirection::kDescending}};
  EXPECT_LE(Run(q, 10).keys_read, 11u);  // one row of look-ahead
  q.where = Filter::Field("n", FilterOp::kGreaterThanOrEqual, Value::Integer(1500));
  q.order_by.clear();
  EXPECT_LE(Run(q, 10).documents_read, 11u);
  q.where = Filter::Field("group", FilterOp::kEqual, Value::Integer(3));
  q.order_by = {{"n", SortDirection::kDescending}};
  EXPECT_LE(Run(q, 10).keys_read, 11u);
  // A range reads its matches, not the collection.
  q.limit.reset();
  q.where = Filter::And({Filter::Field("group", FilterOp::kEqual, Value::Integer(3)),
                         Filter::Field("n", FilterOp::kLessThan, Value::Integer(100))});
  EXPECT_LE(Run(q, 10).keys_read, 11u);
  // != splits into two ranges around the excluded value.
  Query ne;
  ne.collection_id = "items";
  ne.where = Filter::Field("group", FilterOp::kNotEqual, Value::Integer(0));
  ne.limit = 5;
  EXPECT_LE(Run(ne, 5).keys_read, 5u + 2u);
}

TEST_P(QueryCost, CursorsSeekInsteadOfScanning) {
  Query q;
  q.collection_id = "items";
  q.order_by = {{"n", SortDirection::kAscending}};
  q.start_at = Cursor{{Value::Integer(1900)}, false};  // startAfter 1900
  q.limit = 10;
  EXPECT_LE(Run(q, 10).keys_read, 11u);
  q.order_by = {{"n", SortDirection::kDescending}};
  q.start_at = Cursor{{Value::Integer(100), Value::Ref("items/i00100")}, false};
  EXPECT_LE(Run(q, 10).keys_read, 11u);
  q.end_at = Cursor{{Value::Integer(95)}, true};  // endBefore 95: 99..96
  EXPECT_LE(Run(q, 4).keys_read, 5u);
  Query by_name;
  by_name.collection_id = "items";
  by_name.start_at = Cursor{{Value::String("i01990")}, true};
  EXPECT_LE(Run(by_name, 10).keys_read, 11u);
}

TEST_P(QueryCost, LatestAndTimeRangesOnTheTimeSeriesKey) {
  Query q;
  q.collection_id = "snapshots";
  q.where = Filter::Field("monitor_id", FilterOp::kEqual, Value::String("m7"));
  q.order_by = {{"timestamp", SortDirection::kDescending}};
  q.limit = 1;
  EXPECT_LE(Run(q, 1).keys_read, 2u);
  q.limit.reset();
  q.where = Filter::And({Filter::Field("monitor_id", FilterOp::kEqual, Value::String("m7")),
                         Filter::Field("timestamp", FilterOp::kGreaterThanOrEqual, Value::Time({1767225600 + 600 * 60, 0})),
                         Filter::Field("timestamp", FilterOp::kLessThan, Value::Time({1767225600 + 1000 * 60, 0}))});
  EXPECT_LE(Run(q, 20).keys_read, 21u);
}

INSTANTIATE_TEST_SUITE_P(Backends, QueryCost, ::testing::Values(Backend::kInMemory, Backend::kOnDisk), BackendName);

}  // namespace
}  // namespace hearth::testing
