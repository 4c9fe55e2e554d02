// Reading the REST request bodies a server gets, and a query's select.
#include "schema/rest_requests.h"

#include <gtest/gtest.h>

#include "schema/structured_query.h"
#include "tests/test_util.h"

namespace hearth::schema {
namespace {

using hearth::testing::Fields;

TEST(RestRequests, CommitWritesKeepTheirKindMaskAndPreconditions) {
  auto r = ParseRestCommitRequest(
      R"({"writes":[{"update":{"name":"projects/p/databases/(default)/documents/a/b","fields":{"n":{"integerValue":"1"}}},)"
      R"("updateMask":{"fieldPaths":["n","m.x"]},"currentDocument":{"exists":true}},)"
      R"({"delete":"projects/p/databases/(default)/documents/a/c"},)"
      R"({"update":{"name":"a/d","fields":{}},"updateTransforms":[{"fieldPath":"at","setToServerValue":1},)"
      R"({"fieldPath":"n","increment":{"integerValue":"2"}},{"fieldPath":"m","maximum":{"doubleValue":1.5}},)"
      R"({"fieldPath":"k","minimum":{"integerValue":"-1"}},{"fieldPath":"t","appendMissingElements":{"values":[{"stringValue":"x"}]}},)"
      R"({"fieldPath":"u","removeAllFromArray":{}},{"fieldPath":"v","setToServerValue":"REQUEST_TIME"}],)"
      R"("currentDocument":{"updateTime":"2026-01-01T00:00:00.123456789Z"}}],)"
      R"("labels":{}})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->writes.size(), 3u);
  EXPECT_TRUE(r->transaction.empty());
  const RestWriteRequest& u = r->writes[0];
  EXPECT_EQ(u.kind, RestWriteRequest::Kind::kUpdate);
  EXPECT_EQ(u.path, "a/b");
  EXPECT_EQ(u.fields, Fields(R"({"n":1})"));
  EXPECT_EQ(*u.update_mask, (std::vector<std::string>{"n", "m.x"}));
  EXPECT_EQ(u.exists, std::optional<bool>(true));
  EXPECT_EQ(r->writes[1].kind, RestWriteRequest::Kind::kDelete);
  EXPECT_EQ(r->writes[1].path, "a/c");
  EXPECT_FALSE(r->writes[1].update_mask.has_value());
  const std::vector<FieldTransform>& t = r->writes[2].transforms;
  ASSERT_EQ(t.size(), 7u);
  EXPECT_EQ(t[0].kind, FieldTransform::Kind::kServerTime);
  EXPECT_EQ(t[0].field_path, "at");
  EXPECT_EQ(t[1].kind, FieldTransform::Kind::kIncrement);
  EXPECT_EQ(t[1].operand, Value::Integer(2));
  EXPECT_EQ(t[2].kind, FieldTransform::Kind::kMaximum);
  EXPECT_EQ(t[2].operand, Value::Double(1.5));
  EXPECT_EQ(t[3].kind, FieldTransform::Kind::kMinimum);
  EXPECT_EQ(t[3].operand, Value::Integer(-1));
  EXPECT_EQ(t[4].kind, FieldTransform::Kind::kAppendMissing);
  EXPECT_EQ(t[4].operand, Value::Array({Value::String("x")}));
  EXPECT_EQ(t[5].kind, FieldTransform::Kind::kRemoveAll);
  EXPECT_EQ(t[5].operand, Value::Array({}));
  EXPECT_EQ(t[6].kind, FieldTransform::Kind::kServerTime);
  EXPECT_EQ(r->writes[2].update_time, (Timestamp{1767225600, 123456789}));
  EXPECT_FALSE(r->writes[2].exists.has_value());
  EXPECT_EQ(ParseRestCommitRequest(R"({"writes":[],"transaction":"dHgx"})")->transaction, "dHgx");
}

TEST(RestRequests, BadCommitsNameTheWriteAndMember) {
  auto expect_error = [](const std::string& body, const std::string& says) {
    auto r = ParseRestCommitRequest(body);
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << body;
    EXPECT_NE(r.status().message().find(says), std::string::npos) << r.status().ToString();
  };
  expect_error(R"({"writes":{}})", "\"writes\" must be an array");
  expect_error(R"({"writes":[{"update":{"fields":{}}}]})", "write 0: \"update\" needs the document's \"name\"");
  expect_error(R"({"writes":[{"delete":"a/b"},{"upsert":{}}]})", "write 1: unknown member \"upsert\"");
  expect_error(R"({"writes":[{"delete":"a/b","updateMask":{"fieldPaths":[]}}]})", "a delete takes no");
  expect_error(R"({"writes":[{"update":{"name":"a/b","fields":{"n":{"bogusValue":1}}}}]})", "write 0");
  expect_error(R"({"writes":[],"extra":1})", "unknown member \"extra\"");
  expect_error(R"({"writes":[{"delete":"a/b","currentDocument":{"exists":"yes"}}]})", "currentDocument.exists");
  expect_error(R"({"writes":[{"delete":"a/b","currentDocument":{"updateTime":"yesterday"}}]})",
               "currentDocument.updateTime");
  expect_error(R"({"writes":[{"update":{"name":"a/b"},"updateTransforms":[{"increment":{"integerValue":"1"}}]}]})",
               "updateTransforms[0] needs a \"fieldPath\"");
  expect_error(R"({"writes":[{"update":{"name":"a/b"},"updateTransforms":[{"fieldPath":"n"}]}]})",
               "updateTransforms[0] needs exactly one transform");
  expect_error(R"({"writes":[{"update":{"name":"a/b"},"updateTransforms":[{"fieldPath":"n","setToServerValue":2}]}]})",
               "must be REQUEST_TIME");
  expect_error(R"({"writes":[{"update":{"name":"a/b"},"updateTransforms":[{"fieldPath":"n","multiply":{}}]}]})",
               "unknown member \"multiply\"");
}

TEST(RestRequests, BatchGetKeepsNamesInOrderAndNotesTransactions) {
  auto r = ParseRestBatchGetRequest(
      R"({"documents":["projects/p/databases/(default)/documents/a/2","projects/p/databases/(default)/documents/a/1"],"mask":{}})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->paths, (std::vector<std::string>{"a/2", "a/1"}));
  EXPECT_EQ(r->names[0], "projects/p/databases/(default)/documents/a/2");
  EXPECT_TRUE(r->consistency.transaction.empty());
  EXPECT_FALSE(r->consistency.new_read_only.has_value());
  auto rw = ParseRestBatchGetRequest(R"({"documents":[],"newTransaction":{"readWrite":{}}})");
  ASSERT_TRUE(rw.ok()) << rw.status().ToString();
  EXPECT_EQ(rw->consistency.new_read_only, std::optional<bool>(false));
  auto ro = ParseRestBatchGetRequest(R"({"documents":[],"newTransaction":{"readOnly":{}}})");
  EXPECT_EQ(ro->consistency.new_read_only, std::optional<bool>(true));
  EXPECT_EQ(ParseRestBatchGetRequest(R"({"documents":[],"transaction":"dHgx"})")->consistency.transaction, "dHgx");
  EXPECT_TRUE(ParseRestBatchGetRequest(R"({"documents":[],"readTime":"2026-01-01T00:00:00Z"})")->consistency.read_time);
  EXPECT_EQ(ParseRestBatchGetRequest(R"({"documents":[],"newTransaction":{"sometimes":{}}})").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseRestBatchGetRequest(R"({"documents":[1]})").status().code(), StatusCode::kInvalidArgument);
}

TEST(RestRequests, AggregationsKeepTheirAliasFieldAndLimit) {
  auto r = ParseRestAggregationRequest(
      R"({"structuredAggregationQuery":{"aggregations":[{"alias":"n","count":{"upTo":"5"}},{"sum":{"field":{"fieldPath":"a.b"}}},)"
      R"({"alias":"m","avg":{"field":{"fieldPath":"c"}}}],"structuredQuery":{"from":[{"collectionId":"e"}],"limit":3}}})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->aggregations.size(), 3u);
  EXPECT_EQ(r->aggregations[0].kind, RestAggregation::Kind::kCount);
  EXPECT_EQ(r->aggregations[0].up_to, std::optional<int64_t>(5));
  EXPECT_EQ(r->aggregations[1].alias, "field_2");
  EXPECT_EQ(r->aggregations[1].field, "a.b");
  EXPECT_EQ(r->aggregations[2].kind, RestAggregation::Kind::kAvg);
  EXPECT_EQ(r->structured_query, R"({"from":[{"collectionId":"e"}],"limit":3})");
  for (const char* bad : {R"({"structuredAggregationQuery":{"aggregations":[],"structuredQuery":{}}})",
                          R"({"structuredAggregationQuery":{"aggregations":[{"count":{},"sum":{}}],"structuredQuery":{}}})",
                          R"({"structuredAggregationQuery":{"aggregations":[{"sum":{}}],"structuredQuery":{}}})",
                          R"({"structuredAggregationQuery":{"aggregations":[{"count":{"upTo":"0"}}],"structuredQuery":{}}})",
                          R"({"aggregations":[]})"})
    EXPECT_EQ(ParseRestAggregationRequest(bad).status().code(), StatusCode::kInvalidArgument) << bad;
}

TEST(StructuredQuerySelect, ReportedWhenAskedForAndRefusedOtherwise) {
  const std::string q = R"({"from":[{"collectionId":"c"}],"select":{"fields":[{"fieldPath":"a.b"},{"fieldPath":"__name__"}]}})";
  std::optional<std::vector<std::string>> select;
  ASSERT_TRUE(ParseStructuredQuery(q, "", &select).ok());
  ASSERT_TRUE(select.has_value());
  EXPECT_EQ(*select, (std::vector<std::string>{"a.b", "__name__"}));
  // A caller that cannot project must not get whole documents for a select.
  EXPECT_EQ(ParseStructuredQuery(q, "").status().code(), StatusCode::kUnimplemented);
  std::optional<std::vector<std::string>> none;
  ASSERT_TRUE(ParseStructuredQuery(R"({"from":[{"collectionId":"c"}]})", "", &none).ok());
  EXPECT_FALSE(none.has_value());
}

}  // namespace
}  // namespace hearth::schema
