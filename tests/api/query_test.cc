// Firestore query semantics on hearth's indexes, on every backend.
#include <gtest/gtest.h>

#include <cmath>

#include "tests/test_util.h"

namespace hearth::testing {
namespace {

Filter Where(const std::string& field, FilterOp op, Value v = Value()) { return Filter::Field(field, op, std::move(v)); }
Value Ints(std::initializer_list<int64_t> xs) {
  ArrayValue a;
  for (auto x : xs) a.push_back(Value::Integer(x));
  return Value::Array(a);
}
Value Strs(std::initializer_list<const char*> xs) {
  ArrayValue a;
  for (auto x : xs) a.push_back(Value::String(x));
  return Value::Array(a);
}

class QueryTest : public DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    // "items" is declared by an index configuration with one composite index.
    Options o;
    o.allow_undeclared_collections = true;  // for "things"
    o.indexes_json = R"({"indexes":[
      {"collectionGroup":"items","fields":[{"fieldPath":"kind","order":"ASCENDING"},{"fieldPath":"n","order":"DESCENDING"}]},
      {"collectionGroup":"items","queryScope":"COLLECTION_GROUP","fields":[{"fieldPath":"kind","order":"ASCENDING"},
                                                                          {"fieldPath":"n","order":"ASCENDING"}]}
    ]})";
    Reopen(o);
    Put("items/a", R"({"kind":"x","n":1,"tags":["red","blue"],"s":"apple"})");
    Put("items/b", R"({"kind":"x","n":2.5,"tags":["red"],"s":"banana"})");
    Put("items/c", R"({"kind":"y","n":3,"tags":[],"s":null})");
    Put("items/d", R"({"kind":"y","n":"three","s":"cherry"})");
    Put("items/e", R"({"kind":"x","n":null})");
    Put("items/f", R"({"kind":"z","tags":["blue","green"]})");
    Put("items/g", R"({"kind":"x","n":-7,"s":"date"})");
    ASSERT_TRUE(db_->Set("items/h", MapValue{{"kind", Value::String("z")}, {"n", Value::Double(NAN)}}).ok());
  }
  void Put(const std::string& path, const std::string& json) {
    auto r = db_->Set(path, Fields(json));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  Query Items() {
    Query q;
    q.collection_id = "items";
    return q;
  }
  // The ids of the results, in order.
  std::vector<std::string> Ids(const Query& q) {
    std::vector<std::string> ids;
    Status s = db_->RunQuery(q, [&](const Document& d) {
      ids.push_back(d.path.substr(d.path.rfind('/') + 1));
      return true;
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return ids;
  }
  Status Error(const Query& q) {
    return db_->RunQuery(q, [](const Document&) { return true; });
  }
  using V = std::vector<std::string>;
};

TEST_P(QueryTest, NoFilterReturnsEveryDocumentByName) {
  EXPECT_EQ(Ids(Items()), (V{"a", "b", "c", "d", "e", "f", "g", "h"}));
}

TEST_P(QueryTest, EqualityIsTypeAwareAndNumeric) {
  Query q = Items();
  q.where = Where("kind", FilterOp::kEqual, Value::String("x"));
  EXPECT_EQ(Ids(q), (V{"a", "b", "e", "g"}));
  q.where = Where("n", FilterOp::kEqual, Value::Double(1.0));  // integer 1 == 1.0
  EXPECT_EQ(Ids(q), (V{"a"}));
  q.where = Where("n", FilterOp::kEqual, Value::String("1"));
  EXPECT_EQ(Ids(q), V{});
}

TEST_P(QueryTest, RangeFiltersOnlyMatchTheirTypeAndOrderByTheField) {
  Query q = Items();
  q.where = Where("n", FilterOp::kGreaterThan, Value::Double(1.5));
  EXPECT_EQ(Ids(q), (V{"b", "c"}));  // not the string "three", not NaN, not null
  q.where = Where("n", FilterOp::kLessThanOrEqual, Value::Integer(1));
  EXPECT_EQ(Ids(q), (V{"g", "a"}));
  q.where = Where("n", FilterOp::kGreaterThanOrEqual, Value::String(""));
  EXPECT_EQ(Ids(q), (V{"d"}));
  q.order_by = {{"n", SortDirection::kDescending}};
  q.where = Where("n", FilterOp::kLessThan, Value::Integer(100));
  EXPECT_EQ(Ids(q), (V{"c", "b", "a", "g"}));
}

TEST_P(QueryTest, OrderingFollowsFirestoresTypeOrderAndExcludesMissingFields) {
  Query q = Items();
  q.order_by = {{"n", SortDirection::kAscending}};
  // null < NaN < numbers < strings; f lacks n.
  EXPECT_EQ(Ids(q), (V{"e", "h", "g", "a", "b", "c", "d"}));
  q.order_by = {{"n", SortDirection::kDescending}};
  EXPECT_EQ(Ids(q), (V{"d", "c", "b", "a", "g", "h", "e"}));
}

TEST_P(QueryTest, NotEqualAndNotInMatchPresentNonNullValuesOfAnyType) {
  Query q = Items();
  q.where = Where("n", FilterOp::kNotEqual, Value::Integer(1));
  EXPECT_EQ(Ids(q), (V{"h", "g", "b", "c", "d"}));  // ordered by n; e (null) and f (missing) excluded
  q.where = Where("n", FilterOp::kNotIn, Ints({1, 3}));
  EXPECT_EQ(Ids(q), (V{"h", "g", "b", "d"}));
  q.where = Where("n", FilterOp::kNotIn, Value::Array({Value::Integer(1), Value::Null()}));
  EXPECT_EQ(Ids(q), V{});  // a null in not-in matches nothing
}

TEST_P(QueryTest, InArrayContainsAndArrayContainsAny) {
  Query q = Items();
  q.where = Where("n", FilterOp::kIn, Value::Array({Value::Integer(3), Value::String("three"), Value::Double(-7)}));
  EXPECT_EQ(Ids(q), (V{"c", "d", "g"}));
  q.where = Where("tags", FilterOp::kArrayContains, Value::String("blue"));
  EXPECT_EQ(Ids(q), (V{"a", "f"}));
  q.where = Where("tags", FilterOp::kArrayContainsAny, Strs({"red", "green"}));
  EXPECT_EQ(Ids(q), (V{"a", "b", "f"}));  // each document once
}

TEST_P(QueryTest, UnaryNullAndNanFilters) {
  Query q = Items();
  q.where = Where("n", FilterOp::kEqual, Value::Null());
  EXPECT_EQ(Ids(q), (V{"e"}));
  q.where = Where("n", FilterOp::kEqual, Value::Double(NAN));
  EXPECT_EQ(Ids(q), (V{"h"}));
  q.where = Where("s", FilterOp::kNotEqual, Value::Null());
  EXPECT_EQ(Ids(q), (V{"a", "b", "d", "g"}));
  q.where = Where("n", FilterOp::kNotEqual, Value::Double(NAN));
  EXPECT_EQ(Ids(q), (V{"g", "a", "b", "c", "d"}));
}

TEST_P(QueryTest, CompositeIndexServesEqualityWithOrdering) {
  Query q = Items();
  q.where = Where("kind", FilterOp::kEqual, Value::String("x"));
  q.order_by = {{"n", SortDirection::kDescending}};
  EXPECT_EQ(Ids(q), (V{"b", "a", "g", "e"}));
  q.order_by = {{"n", SortDirection::kAscending}};  // the same index, scanned backwards
  EXPECT_EQ(Ids(q), (V{"e", "g", "a", "b"}));
  auto plan = db_->ExplainQuery(q);
  ASSERT_TRUE(plan.ok());
  EXPECT_NE(plan->find("idx.items.collection.kind:asc,n:desc"), std::string::npos) << *plan;
  EXPECT_NE(plan->find("backwards"), std::string::npos) << *plan;
  q.where = Where("kind", FilterOp::kIn, Strs({"x", "y"}));
  q.order_by = {{"n", SortDirection::kDescending}};
  EXPECT_EQ(Ids(q), (V{"d", "c", "b", "a", "g", "e"}));  // ranges merged in order
}

TEST_P(QueryTest, CursorsLimitAndOffset) {
  Query q = Items();
  q.order_by = {{"n", SortDirection::kAscending}};
  q.where = Where("n", FilterOp::kGreaterThan, Value::Integer(-100));  // g a b c
  q.start_at = Cursor{{Value::Integer(1)}, true};
  EXPECT_EQ(Ids(q), (V{"a", "b", "c"}));
  q.start_at = Cursor{{Value::Integer(1)}, false};  // startAfter
  EXPECT_EQ(Ids(q), (V{"b", "c"}));
  q.start_at.reset();
  q.end_at = Cursor{{Value::Double(2.5)}, false};  // endAt
  EXPECT_EQ(Ids(q), (V{"g", "a", "b"}));
  q.end_at = Cursor{{Value::Double(2.5)}, true};  // endBefore
  EXPECT_EQ(Ids(q), (V{"g", "a"}));
  q.end_at.reset();
  q.limit = 2;
  EXPECT_EQ(Ids(q), (V{"g", "a"}));
  q.offset = 1;
  EXPECT_EQ(Ids(q), (V{"a", "b"}));
  q.limit = 0;
  EXPECT_EQ(Ids(q), V{});
  // A cursor on __name__ takes a document id or reference.
  Query byname = Items();
  byname.start_at = Cursor{{Value::String("f")}, false};
  EXPECT_EQ(Ids(byname), (V{"g", "h"}));
  byname.start_at = Cursor{{Value::Ref("items/f")}, true};
  EXPECT_EQ(Ids(byname), (V{"f", "g", "h"}));
}

TEST_P(QueryTest, OrQueriesMergeDisjunctsWithoutDuplicates) {
  Query q = Items();
  q.where = Filter::Or({Where("kind", FilterOp::kEqual, Value::String("z")),
                        Where("tags", FilterOp::kArrayContains, Value::String("red"))});
  EXPECT_EQ(Ids(q), (V{"a", "b", "f", "h"}));
  q.where = Filter::Or({Where("s", FilterOp::kEqual, Value::String("apple")), Where("n", FilterOp::kEqual, Value::Integer(1))});
  EXPECT_EQ(Ids(q), (V{"a"}));
}

TEST_P(QueryTest, EqualityOnlyQueriesMergeSingleFieldIndexes) {
  Query q = Items();
  q.where = Filter::And({Where("kind", FilterOp::kEqual, Value::String("x")),
                         Where("tags", FilterOp::kArrayContains, Value::String("red"))});
  EXPECT_EQ(Ids(q), (V{"a", "b"}));
  auto plan = db_->ExplainQuery(q);
  EXPECT_NE(plan->find("zig-zag"), std::string::npos) << *plan;
  q.order_by = {{"__name__", SortDirection::kDescending}};
  EXPECT_EQ(Ids(q), (V{"b", "a"}));
}

TEST_P(QueryTest, ACollectionGroupQueryReadsEveryCollectionWithTheId) {
  Put("shops/s1/items/a", R"({"kind":"x","n":5})");
  Put("shops/s2/items/z", R"({"kind":"x","n":0})");
  Query q = Items();
  q.all_descendants = true;
  q.where = Where("kind", FilterOp::kEqual, Value::String("x"));
  q.order_by = {{"n", SortDirection::kAscending}};
  std::vector<std::string> paths;
  ASSERT_TRUE(db_->RunQuery(q, [&](const Document& d) {
                   paths.push_back(d.path);
                   return true;
                 }).ok());
  EXPECT_EQ(paths, (V{"items/e", "items/g", "shops/s2/items/z", "items/a", "items/b", "shops/s1/items/a"}));
  Query nested;
  nested.parent = "shops/s1";
  nested.collection_id = "items";
  EXPECT_EQ(Ids(nested), (V{"a"}));
}

TEST_P(QueryTest, TimeSeriesQueriesUseThePrimaryKey) {
  for (int h = 0; h < 5; h++)
    for (const char* m : {"m1", "m10"})
      ASSERT_TRUE(db_->Set("snapshots/" + std::string(m) + "_" + std::to_string(h),
                           FieldsFor("snapshots", R"({"monitor_id":")" + std::string(m) + R"(","timestamp":"2026-01-01T0)" +
                                                      std::to_string(h) + R"(:00:00Z"})"))
                      .ok());
  Query q;
  q.collection_id = "snapshots";
  q.where = Where("monitor_id", FilterOp::kEqual, Value::String("m1"));
  q.order_by = {{"timestamp", SortDirection::kDescending}};
  q.limit = 1;
  EXPECT_EQ(Ids(q), (V{"m1_4"}));
  auto plan = db_->ExplainQuery(q);
  EXPECT_NE(plan->find("time-series primary key"), std::string::npos) << *plan;
  q.limit.reset();
  q.where = Filter::And({Where("monitor_id", FilterOp::kEqual, Value::String("m1")),
                         Where("timestamp", FilterOp::kGreaterThanOrEqual, Value::Time({1767229200, 0})),
                         Where("timestamp", FilterOp::kLessThan, Value::Time({1767236400, 0}))});
  EXPECT_EQ(Ids(q), (V{"m1_2", "m1_1"}));
  q.order_by = {{"timestamp", SortDirection::kAscending}};
  EXPECT_EQ(Ids(q), (V{"m1_1", "m1_2"}));
}

TEST_P(QueryTest, QueriesWithoutAServingIndexNameTheIndexToAdd) {
  Query q = Items();
  q.where = Where("kind", FilterOp::kEqual, Value::String("x"));
  q.order_by = {{"s", SortDirection::kDescending}};
  Status s = Error(q);
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("The query requires an index."), std::string::npos) << s.message();
  EXPECT_NE(s.message().find(R"({"collectionGroup": "items", "queryScope": "COLLECTION", "fields": [{"fieldPath": "kind", "order": "ASCENDING"}, {"fieldPath": "s", "order": "DESCENDING"}]})"),
            std::string::npos)
      << s.message();
  EXPECT_NE(s.message().find("https://console.firebase.google.com/v1/r/project/hearth-local/firestore/indexes?create_composite="),
            std::string::npos);
  // Two inequality fields need a composite index too.
  q.where = Filter::And({Where("n", FilterOp::kGreaterThan, Value::Integer(0)),
                         Where("s", FilterOp::kGreaterThan, Value::String(""))});
  q.order_by.clear();
  EXPECT_EQ(Error(q).code(), StatusCode::kFailedPrecondition);
}

TEST_P(QueryTest, InvalidQueriesFailWithFirestoresMessages) {
  auto expect = [&](const Query& q, const std::string& needle) {
    Status s = Error(q);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << needle;
    EXPECT_NE(s.message().find(needle), std::string::npos) << s.message();
  };
  Query q = Items();
  q.where = Filter::And({Where("n", FilterOp::kNotEqual, Value::Integer(1)), Where("s", FilterOp::kNotEqual, Value::String("a"))});
  expect(q, "more than one '!='");
  q.where = Filter::And({Where("n", FilterOp::kNotIn, Ints({1})), Where("s", FilterOp::kNotEqual, Value::String("a"))});
  expect(q, "'not-in' filters with '!='");
  q.where = Where("n", FilterOp::kNotIn, Ints({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}));
  expect(q, "maximum of 10 elements");
  q.where = Where("n", FilterOp::kIn, Value::Array({}));
  expect(q, "non-empty array");
  q.where = Filter::And({Where("a", FilterOp::kIn, Ints({1, 2, 3, 4, 5, 6})), Where("b", FilterOp::kIn, Ints({1, 2, 3, 4, 5, 6}))});
  expect(q, "36 disjunctions");
  q.where = Where("n", FilterOp::kGreaterThan, Value::Null());
  expect(q, "Null only supports");
  q.where.reset();
  q.order_by = {{"n", SortDirection::kAscending}, {"n", SortDirection::kDescending}};
  expect(q, "appears more than once");
  q.order_by = {{"n", SortDirection::kAscending}};
  q.start_at = Cursor{{Value::Integer(1), Value::String("a"), Value::Integer(3)}, true};
  expect(q, "Too many arguments provided to startAt()");
  q.start_at.reset();
  q.limit = -1;
  expect(q, "limit");
}

TEST_P(QueryTest, ArraysAndMapsOrderAsFirestoreOrdersThem) {
  Put("things/p", R"({"v":[1,2,3]})");
  Put("things/q", R"({"v":[1,2,3,1]})");
  Put("things/r", R"({"v":[2]})");
  Put("things/s", R"({"v":{"a":1}})");
  Put("things/t", R"({"v":{"a":1,"b":0}})");
  Put("things/u", R"({"v":{"b":0}})");
  Put("things/w", R"({"v":[1.5]})");
  Put("things/x", R"({"v":-0.0})");
  Put("things/y", R"({"v":0})");
  Query q;
  q.collection_id = "things";
  q.order_by = {{"v", SortDirection::kAscending}};
  // Numbers (-0.0 == 0, then by name), arrays element-wise shorter first, maps by key then value then size.
  EXPECT_EQ(Ids(q), (V{"x", "y", "p", "q", "w", "r", "s", "t", "u"}));
  q.where = Where("v", FilterOp::kGreaterThan, Ints({1, 2, 3}));  // arrays compare with arrays only
  EXPECT_EQ(Ids(q), (V{"q", "w", "r"}));
  q.where = Where("v", FilterOp::kEqual, Value::Map({{"a", Value::Integer(1)}}));
  EXPECT_EQ(Ids(q), (V{"s"}));
}

INSTANTIATE_TEST_SUITE_P(Backends, QueryTest, ::testing::Values(Backend::kInMemory, Backend::kOnDisk), BackendName);

}  // namespace
}  // namespace hearth::testing
