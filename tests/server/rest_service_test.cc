// The REST service's answers, without HTTP, on every backend.
#include "server/rest_service.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "schema/json.h"
#include "schema/time_format.h"
#include "tests/test_util.h"

namespace hearth::server {
namespace {

using hearth::testing::Backend;
using hearth::testing::Fields;

constexpr char kProject[] = "demo";
constexpr char kRoot[] = "projects/demo/databases/(default)/documents/";

rapidjson::Document Json(const std::string& text) {
  rapidjson::Document d;
  d.Parse<rapidjson::kParseFullPrecisionFlag>(text.c_str());
  EXPECT_FALSE(d.HasParseError()) << text;
  return d;
}

// {"update": {"name": ..., "fields": REST fields of `plain_json`}, extra...}
std::string Update(const std::string& path, const std::string& plain_json, const std::string& extra = "") {
  return R"({"update":{"name":")" + std::string(kRoot) + path + R"(","fields":)" +
         schema::RestFieldsJson(Fields(plain_json), kProject) + "}" + extra + "}";
}

std::string Commit(const std::vector<std::string>& writes) {
  std::string body = R"({"writes":[)";
  for (size_t i = 0; i < writes.size(); i++) body += (i ? "," : "") + writes[i];
  return body + "]}";
}

class RestServiceTest : public hearth::testing::DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    Options o;
    o.allow_undeclared_collections = true;
    Reopen(o);
    service_ = std::make_unique<RestService>(db_.get());
  }
  // The error's canonical status name, checking the body's form.
  std::string ErrorStatus(const RestResponse& r) {
    auto d = Json(r.Text());
    EXPECT_TRUE(d.HasMember("error")) << r.Text();
    if (!d.HasMember("error")) return "";
    EXPECT_EQ(d["error"]["code"].GetInt(), r.http_status);
    EXPECT_TRUE(d["error"]["message"].IsString());
    return d["error"]["status"].GetString();
  }
  std::unique_ptr<RestService> service_;
};

TEST_P(RestServiceTest, CommitAppliesEveryKindOfWriteAndAnswersATimeForEach) {
  ASSERT_TRUE(db_->Set("events/old", Fields(R"({"n":0})")).ok());
  ASSERT_TRUE(db_->Set("events/upd", Fields(R"({"n":1,"m":{"a":1,"b":2}})")).ok());
  RestResponse r = service_->Commit(
      kProject, Commit({Update("events/set", R"({"n":5})"),
                        Update("events/new", R"({"n":6})", R"(,"currentDocument":{"exists":false})"),
                        Update("events/upd", R"({"m":{"a":9}})",
                               R"(,"updateMask":{"fieldPaths":["m.a"]},"currentDocument":{"exists":true})"),
                        Update("events/merged", R"({"k":{"x":1},"skip":2})", R"(,"updateMask":{"fieldPaths":["k.x"]})"),
                        R"({"delete":")" + std::string(kRoot) + R"(events/old"})"}));
  ASSERT_EQ(r.http_status, 200) << r.Text();
  auto d = Json(r.Text());
  ASSERT_EQ(d["writeResults"].Size(), 5u);
  EXPECT_STREQ(d["writeResults"][0]["updateTime"].GetString(), d["commitTime"].GetString());
  EXPECT_EQ(db_->Get("events/set")->fields, Fields(R"({"n":5})"));
  EXPECT_EQ(db_->Get("events/new")->fields, Fields(R"({"n":6})"));
  EXPECT_EQ(db_->Get("events/upd")->fields, Fields(R"({"n":1,"m":{"a":9,"b":2}})"));
  EXPECT_EQ(db_->Get("events/merged")->fields, Fields(R"({"k":{"x":1}})"));
  EXPECT_EQ(db_->Get("events/old").status().code(), StatusCode::kNotFound);
}

TEST_P(RestServiceTest, AFailedCommitWritesNothingAndSaysWhyInFirestoresErrorForm) {
  ASSERT_TRUE(db_->Set("events/e1", Fields(R"({"n":1})")).ok());
  RestResponse exists = service_->Commit(
      kProject, Commit({Update("events/a", R"({"n":2})"),
                        Update("events/e1", R"({"n":3})", R"(,"currentDocument":{"exists":false})")}));
  EXPECT_EQ(exists.http_status, 409);
  EXPECT_EQ(ErrorStatus(exists), "ALREADY_EXISTS");
  EXPECT_NE(exists.Text().find("events/e1"), std::string::npos);
  EXPECT_EQ(db_->Get("events/a").status().code(), StatusCode::kNotFound);

  RestResponse missing = service_->Commit(
      kProject, Commit({Update("events/zz", R"({"n":2})",
                               R"(,"updateMask":{"fieldPaths":["n"]},"currentDocument":{"exists":true})")}));
  EXPECT_EQ(missing.http_status, 404);
  EXPECT_EQ(ErrorStatus(missing), "NOT_FOUND");

  RestResponse malformed = service_->Commit(kProject, "{\"writes\":[");
  EXPECT_EQ(malformed.http_status, 400);
  EXPECT_EQ(ErrorStatus(malformed), "INVALID_ARGUMENT");
  EXPECT_NE(malformed.Text().find("malformed JSON"), std::string::npos);

  RestResponse both = service_->Commit(kProject, R"({"writes":[{"delete":"a/b","update":{"name":"a/b"}}]})");
  EXPECT_EQ(ErrorStatus(both), "INVALID_ARGUMENT");
  EXPECT_NE(both.Text().find("exactly one"), std::string::npos);
  EXPECT_EQ(db_->Get("events/e1")->fields, Fields(R"({"n":1})"));
}

TEST_P(RestServiceTest, TransformsApplyAndAnswerTheirResults) {
  ASSERT_TRUE(db_->Set("events/t", Fields(R"({"n":5,"tags":["a"]})")).ok());
  RestResponse r = service_->Commit(
      kProject, Commit({Update("events/t", R"({"k":1})",
                               R"(,"updateMask":{"fieldPaths":["k"]},"updateTransforms":[{"fieldPath":"at","setToServerValue":1},)"
                               R"({"fieldPath":"n","increment":{"integerValue":"2"}},)"
                               R"({"fieldPath":"tags","appendMissingElements":{"values":[{"stringValue":"a"},{"stringValue":"b"}]}}])")}));
  ASSERT_EQ(r.http_status, 200) << r.Text();
  auto d = Json(r.Text());
  const auto& results = d["writeResults"][0]["transformResults"];
  ASSERT_EQ(results.Size(), 3u) << r.Text();
  EXPECT_EQ(std::string(results[0]["timestampValue"].GetString()), d["commitTime"].GetString());
  EXPECT_EQ(std::string(results[1]["integerValue"].GetString()), "7");
  EXPECT_TRUE(results[2].HasMember("nullValue"));
  auto doc = db_->Get("events/t");
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(doc->fields.at("n"), Value::Integer(7));
  EXPECT_EQ(doc->fields.at("k"), Value::Integer(1));
  EXPECT_EQ(doc->fields.at("at"), Value::Time(doc->update_time));
  EXPECT_EQ(doc->fields.at("tags"), Value::Array({Value::String("a"), Value::String("b")}));
}

TEST_P(RestServiceTest, PreconditionsGateTheCommitWithFirestoresCodes) {
  auto first = db_->Set("events/t", Fields(R"({"n":1})"));
  ASSERT_TRUE(first.ok());
  const std::string stale = R"(,"currentDocument":{"updateTime":"2020-01-01T00:00:00Z"})";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {Commit({Update("events/t", R"({"n":2})", stale)}), "FAILED_PRECONDITION"},
      {Commit({Update("events/none", R"({"n":2})", R"(,"currentDocument":{"exists":true})")}), "NOT_FOUND"},
      {Commit({R"({"delete":")" + std::string(kRoot) + R"(events/none","currentDocument":{"exists":true}})"}), "NOT_FOUND"},
      {Commit({Update("events/ok", R"({"n":2})"), Update("events/t", R"({"n":2})", R"(,"currentDocument":{"exists":false})")}),
       "ALREADY_EXISTS"},
  };
  for (const auto& [body, status] : cases) {
    RestResponse r = service_->Commit(kProject, body);
    EXPECT_EQ(ErrorStatus(r), status) << body;
  }
  EXPECT_EQ(db_->Get("events/ok").status().code(), StatusCode::kNotFound);  // an atomic commit wrote nothing
  EXPECT_EQ(db_->Get("events/t")->fields, Fields(R"({"n":1})"));
  const std::string current = R"(,"currentDocument":{"updateTime":")" + schema::FormatRfc3339(*first) + R"("})";
  RestResponse ok = service_->Commit(kProject, Commit({Update("events/t", R"({"n":3})", current)}));
  ASSERT_EQ(ok.http_status, 200) << ok.Text();
  EXPECT_EQ(db_->Get("events/t")->fields, Fields(R"({"n":3})"));
  RestResponse past = service_->BatchGet(kProject, R"({"documents":[],"readTime":"2026-01-01T00:00:00Z"})");
  EXPECT_EQ(ErrorStatus(past), "UNIMPLEMENTED");
  EXPECT_NE(past.Text().find("readTime"), std::string::npos);
}

TEST_P(RestServiceTest, BatchWriteAppliesEachWriteOnItsOwn) {
  ASSERT_TRUE(db_->Set("events/e1", Fields(R"({"n":1})")).ok());
  RestResponse r = service_->BatchWrite(
      kProject, Commit({Update("events/a", R"({"n":2})", R"(,"updateTransforms":[{"fieldPath":"n","increment":{"integerValue":"5"}}])"),
                        Update("events/e1", R"({"n":3})", R"(,"currentDocument":{"exists":false})")}));
  ASSERT_EQ(r.http_status, 200) << r.Text();
  auto d = Json(r.Text());
  ASSERT_EQ(d["status"].Size(), 2u);
  EXPECT_FALSE(d["status"][0].HasMember("code"));
  EXPECT_EQ(d["status"][1]["code"].GetInt(), static_cast<int>(StatusCode::kAlreadyExists));
  EXPECT_TRUE(d["writeResults"][0].HasMember("updateTime"));
  EXPECT_EQ(std::string(d["writeResults"][0]["transformResults"][0]["integerValue"].GetString()), "7") << r.Text();
  EXPECT_FALSE(d["writeResults"][1].HasMember("updateTime"));
  EXPECT_EQ(db_->Get("events/a")->fields, Fields(R"({"n":7})"));
  EXPECT_EQ(db_->Get("events/e1")->fields, Fields(R"({"n":1})"));
}

TEST_P(RestServiceTest, RunQueryAnswersInOrderWithNumericEnumsAndSelect) {
  for (int i = 1; i <= 3; i++)
    ASSERT_TRUE(db_->Set("events/e" + std::to_string(i), Fields(R"({"n":)" + std::to_string(i) + R"(,"m":{"a":1,"b":2}})"))
                    .ok());
  RestResponse r = service_->RunQuery(
      kProject, "",
      R"({"structuredQuery":{"from":[{"collectionId":"events"}],"orderBy":[{"field":{"fieldPath":"n"},"direction":2}],)"
      R"("where":{"fieldFilter":{"field":{"fieldPath":"n"},"op":1,"value":{"integerValue":"3"}}},"limit":5}})");
  ASSERT_EQ(r.http_status, 200) << r.Text();
  auto d = Json(r.Text());
  ASSERT_EQ(d.Size(), 2u);
  EXPECT_EQ(std::string(d[0]["document"]["name"].GetString()), std::string(kRoot) + "events/e2");
  EXPECT_EQ(std::string(d[1]["document"]["name"].GetString()), std::string(kRoot) + "events/e1");
  EXPECT_TRUE(d[0].HasMember("readTime"));
  auto parsed = schema::ParseRunQueryResponse(r.Text());
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ((*parsed)[0].fields, Fields(R"({"n":2,"m":{"a":1,"b":2}})"));

  RestResponse sel = service_->RunQuery(
      kProject, "", R"({"structuredQuery":{"from":[{"collectionId":"events"}],"select":{"fields":[{"fieldPath":"m.b"}]}}})");
  auto selected = schema::ParseRunQueryResponse(sel.Text());
  ASSERT_TRUE(selected.ok()) << sel.Text();
  ASSERT_EQ(selected->size(), 3u);
  EXPECT_EQ((*selected)[0].fields, Fields(R"({"m":{"b":2}})"));
  RestResponse names = service_->RunQuery(
      kProject, "", R"({"structuredQuery":{"from":[{"collectionId":"events"}],"select":{"fields":[{"fieldPath":"__name__"}]}}})");
  auto named = schema::ParseRunQueryResponse(names.Text());
  ASSERT_TRUE(named.ok());
  ASSERT_EQ(named->size(), 3u);
  EXPECT_TRUE((*named)[0].fields.empty());
  EXPECT_EQ(*(*named)[0].name, "events/e1");

  // A bad path in select is the query's error, answered with its status before any document.
  RestResponse bad_select = service_->RunQuery(
      kProject, "", R"({"structuredQuery":{"from":[{"collectionId":"events"}],"select":{"fields":[{"fieldPath":"m..b"}]}}})");
  EXPECT_EQ(bad_select.http_status, 400) << bad_select.Text();
  EXPECT_EQ(ErrorStatus(bad_select), "INVALID_ARGUMENT");

  // Nothing found: one item with only a read time, as Firestore answers.
  RestResponse none = service_->RunQuery(kProject, "", R"({"structuredQuery":{"from":[{"collectionId":"nothing"}]}})");
  auto empty = Json(none.Text());
  ASSERT_EQ(empty.Size(), 1u);
  EXPECT_FALSE(empty[0].HasMember("document"));
  EXPECT_TRUE(empty[0].HasMember("readTime"));
}

TEST_P(RestServiceTest, AQueryDoubleKeepsItsExactValue) {
  WriteBatch b;
  b.Set("events/a", MapValue{{"x", Value::Double(0.1 + 0.2)}});
  b.Set("events/b", MapValue{{"x", Value::Double(0.3)}});
  ASSERT_TRUE(db_->Write(b).ok());
  const std::vector<std::pair<std::string, std::string>> cases = {{"0.30000000000000004", "events/a"},
                                                                   {"0.3", "events/b"}};
  for (const auto& [value, expected] : cases) {
    RestResponse r = service_->RunQuery(kProject, "",
                                        R"({"structuredQuery":{"from":[{"collectionId":"events"}],"where":{"fieldFilter":)"
                                        R"({"field":{"fieldPath":"x"},"op":"EQUAL","value":{"doubleValue":)" + value + "}}}}}");
    auto docs = schema::ParseRunQueryResponse(r.Text());
    ASSERT_TRUE(docs.ok()) << r.Text();
    ASSERT_EQ(docs->size(), 1u) << value << ": " << r.Text();
    EXPECT_EQ(*(*docs)[0].name, expected);
  }
}

TEST_P(RestServiceTest, RunQueryUnderAParentDocumentReadsItsSubcollection) {
  ASSERT_TRUE(db_->Set("rooms/r1/messages/m1", Fields(R"({"t":1})")).ok());
  ASSERT_TRUE(db_->Set("rooms/r2/messages/m2", Fields(R"({"t":2})")).ok());
  RestResponse r = service_->RunQuery(kProject, "rooms/r1", R"({"structuredQuery":{"from":[{"collectionId":"messages"}]}})");
  auto docs = schema::ParseRunQueryResponse(r.Text());
  ASSERT_TRUE(docs.ok()) << r.Text();
  ASSERT_EQ(docs->size(), 1u);
  EXPECT_EQ(*(*docs)[0].name, "rooms/r1/messages/m1");
}

TEST_P(RestServiceTest, AQueryWithoutItsIndexFailsWithFailedPrecondition) {
  RestResponse r = service_->RunQuery(
      kProject, "",
      R"({"structuredQuery":{"from":[{"collectionId":"monitors"}],"where":{"compositeFilter":{"op":"AND","filters":[)"
      R"({"fieldFilter":{"field":{"fieldPath":"user_id"},"op":"EQUAL","value":{"stringValue":"u"}}},)"
      R"({"fieldFilter":{"field":{"fieldPath":"zz"},"op":"EQUAL","value":{"stringValue":"x"}}}]}},)"
      R"("orderBy":[{"field":{"fieldPath":"qq"}}]}})");
  EXPECT_EQ(r.http_status, 400) << r.Text();
  EXPECT_EQ(ErrorStatus(r), "FAILED_PRECONDITION");
}

TEST_P(RestServiceTest, AggregationsCountSumAndAverageAsFirestoreDoes) {
  ASSERT_TRUE(db_->Set("events/a", Fields(R"({"n":1,"m":{"x":1.5}})")).ok());
  ASSERT_TRUE(db_->Set("events/b", Fields(R"({"n":2,"m":{"x":"text"}})")).ok());
  ASSERT_TRUE(db_->Set("events/c", Fields(R"({"n":4})")).ok());
  auto run = [&](const std::string& aggregations, const std::string& query = R"({"from":[{"collectionId":"events"}]})") {
    RestResponse r = service_->RunAggregationQuery(
        kProject, "", R"({"structuredAggregationQuery":{"aggregations":)" + aggregations + R"(,"structuredQuery":)" + query + "}}");
    EXPECT_EQ(r.http_status, 200) << r.Text();
    auto d = Json(r.Text());
    EXPECT_TRUE(d.IsArray() && d.Size() == 1 && d[0].HasMember("readTime")) << r.Text();
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    d[0]["result"]["aggregateFields"].Accept(w);
    return std::string(buf.GetString(), buf.GetSize());
  };
  EXPECT_EQ(run(R"([{"alias":"aggregate_0","count":{}}])"), R"({"aggregate_0":{"integerValue":"3"}})");
  EXPECT_EQ(run(R"([{"count":{"upTo":"2"}}])"), R"({"field_1":{"integerValue":"2"}})");
  // Integers sum to an integer; a double makes the sum a double; other types are skipped.
  EXPECT_EQ(run(R"([{"alias":"s","sum":{"field":{"fieldPath":"n"}}},{"alias":"x","sum":{"field":{"fieldPath":"m.x"}}}])"),
            R"({"s":{"integerValue":"7"},"x":{"doubleValue":1.5}})");
  auto avg = Json(run(R"([{"alias":"a","avg":{"field":{"fieldPath":"n"}}},{"alias":"none","avg":{"field":{"fieldPath":"zz"}}}])"));
  EXPECT_EQ(avg["a"]["doubleValue"].GetDouble(), 7.0 / 3);  // the same double, however it is spelled
  EXPECT_TRUE(avg["none"]["nullValue"].IsNull());
  // The query's filters apply.
  EXPECT_EQ(run(R"([{"alias":"c","count":{}}])",
                R"({"from":[{"collectionId":"events"}],"where":{"fieldFilter":{"field":{"fieldPath":"n"},"op":"GREATER_THAN","value":{"integerValue":"1"}}}})"),
            R"({"c":{"integerValue":"2"}})");
  RestResponse bad = service_->RunAggregationQuery(kProject, "", R"({"structuredAggregationQuery":{"aggregations":[{"max":{}}],"structuredQuery":{"from":[]}}})");
  EXPECT_EQ(ErrorStatus(bad), "INVALID_ARGUMENT");
  EXPECT_NE(bad.Text().find("max"), std::string::npos);
}

TEST_P(RestServiceTest, BatchGetAnswersFoundAndMissingInRequestOrder) {
  ASSERT_TRUE(db_->Set("events/e1", Fields(R"({"n":1})")).ok());
  RestResponse r = service_->BatchGet(kProject, R"({"documents":[")" + std::string(kRoot) + R"(events/zz",")" +
                                                    std::string(kRoot) + R"(events/e1"]})");
  ASSERT_EQ(r.http_status, 200) << r.Text();
  auto d = Json(r.Text());
  ASSERT_EQ(d.Size(), 2u);
  EXPECT_EQ(std::string(d[0]["missing"].GetString()), std::string(kRoot) + "events/zz");
  EXPECT_EQ(std::string(d[1]["found"]["name"].GetString()), std::string(kRoot) + "events/e1");
}

// batchGet (or runQuery) with newTransaction begins one and answers its id
// first; the commit naming it applies only if what it read is unchanged.
TEST_P(RestServiceTest, TransactionsCommitWhenTheirReadsHeldAndAbortWhenTheyChanged) {
  ASSERT_TRUE(db_->Set("events/e1", Fields(R"({"n":1})")).ok());
  const std::string names = R"("documents":[")" + std::string(kRoot) + R"(events/e1",")" + std::string(kRoot) + R"(events/zz"])";
  auto begin_by_get = [&]() {
    RestResponse r = service_->BatchGet(kProject, "{" + names + R"(,"newTransaction":{"readWrite":{}}})");
    EXPECT_EQ(r.http_status, 200) << r.Text();
    auto d = Json(r.Text());
    EXPECT_EQ(d.Size(), 3u) << r.Text();
    EXPECT_TRUE(d[0].HasMember("transaction")) << r.Text();
    EXPECT_TRUE(d[1].HasMember("found")) << r.Text();
    return std::string(d[0]["transaction"].GetString());
  };
  auto commit_in = [&](const std::string& txn, const std::string& write) {
    return service_->Commit(kProject, R"({"writes":[)" + write + R"(],"transaction":")" + txn + R"("})");
  };
  // Unchanged reads: the commit applies.
  std::string txn = begin_by_get();
  EXPECT_EQ(service_->open_transactions(), 1u);
  RestResponse ok = commit_in(txn, Update("events/e1", R"({"n":2})"));
  ASSERT_EQ(ok.http_status, 200) << ok.Text();
  EXPECT_EQ(db_->Get("events/e1")->fields, Fields(R"({"n":2})"));
  EXPECT_EQ(service_->open_transactions(), 0u);
  EXPECT_EQ(ErrorStatus(commit_in(txn, Update("events/e1", R"({"n":9})"))), "INVALID_ARGUMENT");  // ended
  // A read document changed, or a missing one appeared: ABORTED, nothing written.
  txn = begin_by_get();
  ASSERT_TRUE(db_->Set("events/e1", Fields(R"({"n":3})")).ok());
  RestResponse changed = commit_in(txn, Update("events/out", R"({"n":1})"));
  EXPECT_EQ(changed.http_status, 409);
  EXPECT_EQ(ErrorStatus(changed), "ABORTED");
  EXPECT_NE(changed.Text().find("events/e1 changed since it was read"), std::string::npos) << changed.Text();
  txn = begin_by_get();
  ASSERT_TRUE(db_->Set("events/zz", Fields("{}")).ok());
  EXPECT_EQ(ErrorStatus(commit_in(txn, Update("events/out", R"({"n":1})"))), "ABORTED");
  EXPECT_EQ(db_->Get("events/out").status().code(), StatusCode::kNotFound);
  // A query's documents count as read.
  RestResponse q = service_->RunQuery(
      kProject, "", R"({"structuredQuery":{"from":[{"collectionId":"events"}]},"newTransaction":{"readWrite":{}}})");
  ASSERT_EQ(q.http_status, 200);
  auto qd = Json(q.Text());
  ASSERT_TRUE(qd[0].HasMember("transaction")) << q.Text();
  txn = qd[0]["transaction"].GetString();
  EXPECT_EQ(qd.Size(), 3u) << q.Text();  // the transaction item, e1, zz
  ASSERT_TRUE(db_->Set("events/zz", Fields(R"({"n":5})")).ok());
  EXPECT_EQ(ErrorStatus(commit_in(txn, Update("events/out", R"({"n":1})"))), "ABORTED");
  // Read-only transactions cannot write; rolled-back ones are gone.
  RestResponse ro = service_->BeginTransaction(R"({"options":{"readOnly":{}}})");
  ASSERT_EQ(ro.http_status, 200) << ro.Text();
  txn = Json(ro.Text())["transaction"].GetString();
  EXPECT_EQ(ErrorStatus(commit_in(txn, Update("events/out", R"({"n":1})"))), "INVALID_ARGUMENT");
  RestResponse rw = service_->BeginTransaction("");
  txn = Json(rw.Text())["transaction"].GetString();
  EXPECT_EQ(service_->Rollback(R"({"transaction":")" + txn + R"("})").Text(), "{}");
  EXPECT_EQ(ErrorStatus(commit_in(txn, Update("events/out", R"({"n":1})"))), "INVALID_ARGUMENT");
  EXPECT_EQ(db_->Get("events/out").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(service_->open_transactions(), 0u);
}

TEST_P(RestServiceTest, ListCollectionIdsNamesTheCollectionsUnderAParent) {
  ASSERT_TRUE(db_->Set("events/e1", Fields(R"({"n":1})")).ok());
  ASSERT_TRUE(db_->Set("events/e1/notes/a", Fields(R"({"n":1})")).ok());
  ASSERT_TRUE(db_->Set("events/e2/likes/b", Fields(R"({"n":1})")).ok());
  ASSERT_TRUE(db_->Set("people/p1/notes/c", Fields(R"({"n":1})")).ok());
  auto ids = [&](const std::string& parent) {
    RestResponse r = service_->ListCollectionIds(parent, "{}");
    EXPECT_EQ(r.http_status, 200) << r.Text();
    std::vector<std::string> out;
    auto d = Json(r.Text());
    for (const auto& v : d["collectionIds"].GetArray()) out.emplace_back(v.GetString());
    return out;
  };
  EXPECT_EQ(ids(""), (std::vector<std::string>{"events"}));  // "people" holds no document of its own
  EXPECT_EQ(ids("events/e1"), (std::vector<std::string>{"notes"}));
  EXPECT_EQ(ids("events/e2"), (std::vector<std::string>{"likes"}));
  EXPECT_EQ(ids("people/p1"), (std::vector<std::string>{"notes"}));
  EXPECT_TRUE(ids("events/none").empty());
  EXPECT_EQ(ErrorStatus(service_->ListCollectionIds("events", "{}")), "INVALID_ARGUMENT");  // not a document
  EXPECT_EQ(ErrorStatus(service_->ListCollectionIds("", "{\"pageSize\":")), "INVALID_ARGUMENT");  // malformed
  EXPECT_EQ(service_->ListCollectionIds("", "").http_status, 200);  // no body
}

TEST_P(RestServiceTest, DocumentVerbsGetPatchAndDelete) {
  const std::string body = R"({"fields":)" + schema::RestFieldsJson(Fields(R"({"n":1,"m":{"a":1}})"), kProject) + "}";
  RestResponse set = service_->Patch(kProject, "events/p", body, {});
  ASSERT_EQ(set.http_status, 200) << set.Text();
  auto doc = schema::ParseRestDocument(set.Text());
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(doc->fields, Fields(R"({"n":1,"m":{"a":1}})"));
  // With a mask: only those paths, and a missing document is created.
  const std::string masked = R"({"fields":)" + schema::RestFieldsJson(Fields(R"({"m":{"b":2},"x":0})"), kProject) + "}";
  ASSERT_EQ(service_->Patch(kProject, "events/p", masked, {"m.b"}).http_status, 200);
  EXPECT_EQ(db_->Get("events/p")->fields, Fields(R"({"n":1,"m":{"a":1,"b":2}})"));
  ASSERT_EQ(service_->Patch(kProject, "events/q", masked, {"m.b"}).http_status, 200);
  EXPECT_EQ(db_->Get("events/q")->fields, Fields(R"({"m":{"b":2}})"));
  RestResponse wrong = service_->Patch(kProject, "events/p", R"({"name":"events/other","fields":{}})", {});
  EXPECT_EQ(ErrorStatus(wrong), "INVALID_ARGUMENT");

  RestResponse got = service_->Get(kProject, "events/p");
  ASSERT_EQ(got.http_status, 200);
  EXPECT_EQ(std::string(Json(got.Text())["name"].GetString()), std::string(kRoot) + "events/p");
  RestResponse list = service_->Get(kProject, "events");
  EXPECT_EQ(Json(list.Text())["documents"].Size(), 2u);

  EXPECT_EQ(service_->Delete(kProject, "events/p").http_status, 200);
  RestResponse gone = service_->Get(kProject, "events/p");
  EXPECT_EQ(gone.http_status, 404);
  EXPECT_EQ(ErrorStatus(gone), "NOT_FOUND");
}

TEST(RestServiceStatus, EveryCodeRoundTripsThroughItsName) {
  for (int c = 0; c <= static_cast<int>(StatusCode::kUnauthenticated); c++)
    EXPECT_EQ(StatusCodeFromName(StatusCodeName(static_cast<StatusCode>(c))), static_cast<StatusCode>(c));
  EXPECT_EQ(StatusCodeFromName("NOT_A_CODE"), StatusCode::kUnknown);
  // What an error answer carries is what the client reads back.
  RestResponse r = RestService::Error(Status::FailedPrecondition("needs an index"));
  EXPECT_NE(r.body.find(R"("status":"FAILED_PRECONDITION")"), std::string::npos) << r.body;
}

TEST(RestServiceStatus, FirestoreHttpCodesForEachStatus) {
  EXPECT_EQ(RestService::HttpStatusOf(StatusCode::kInvalidArgument), 400);
  EXPECT_EQ(RestService::HttpStatusOf(StatusCode::kFailedPrecondition), 400);
  EXPECT_EQ(RestService::HttpStatusOf(StatusCode::kNotFound), 404);
  EXPECT_EQ(RestService::HttpStatusOf(StatusCode::kAlreadyExists), 409);
  EXPECT_EQ(RestService::HttpStatusOf(StatusCode::kAborted), 409);
  EXPECT_EQ(RestService::HttpStatusOf(StatusCode::kResourceExhausted), 429);
  EXPECT_EQ(RestService::HttpStatusOf(StatusCode::kUnimplemented), 501);
  EXPECT_EQ(RestService::HttpStatusOf(StatusCode::kUnavailable), 503);
  EXPECT_EQ(RestService::HttpStatusOf(StatusCode::kDataLoss), 500);
}

INSTANTIATE_TEST_SUITE_P(Backends, RestServiceTest, ::testing::Values(Backend::kInMemory, Backend::kOnDisk),
                         hearth::testing::BackendName);

}  // namespace
}  // namespace hearth::server
