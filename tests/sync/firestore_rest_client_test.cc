// The Firestore REST client. The tests that talk to a Firestore emulator
// run when FIRESTORE_EMULATOR_HOST names one (CTest's
// firestore_rest_client_with_emulator starts one through
// scripts/with-firestore-emulator) and are skipped otherwise.
#include "sync/firestore_rest_client.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <cmath>
#include <fstream>

#include "tests/test_util.h"


namespace hearth::sync {
namespace {

// Sets an environment variable for one scope, restoring what was there.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = getenv(name)) old_ = old;
    if (value) setenv(name, value, 1);
    else unsetenv(name);
  }
  ~ScopedEnv() {
    if (old_) setenv(name_, old_->c_str(), 1);
    else unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST(FirestoreEndpoint, ComesFromFirestoreEmulatorHost) {
  {
    ScopedEnv env("FIRESTORE_EMULATOR_HOST", "127.0.0.1:8080");
    auto e = FirestoreEndpoint::FromEnvironment("p1");
    ASSERT_TRUE(e.ok()) << e.status().ToString();
    EXPECT_EQ(e->base_url, "http://127.0.0.1:8080");
    EXPECT_EQ(e->DocumentsRoot(), "projects/p1/databases/(default)/documents");
    EXPECT_EQ(e->ResourceName("snapshots/a"), "projects/p1/databases/(default)/documents/snapshots/a");
  }
  {
    ScopedEnv env("FIRESTORE_EMULATOR_HOST", nullptr), creds("GOOGLE_APPLICATION_CREDENTIALS", nullptr);
    EXPECT_EQ(FirestoreEndpoint::FromEnvironment("p1").status().code(), StatusCode::kNotFound);
  }
  {
    // Without an emulator, a service-account key file means Cloud Firestore.
    testing::TempDir dir;
    const std::string key = dir.path() + "/key.json";
    std::ofstream(key) << R"({"type":"service_account","project_id":"from-key","client_email":"a@b","private_key":"k"})";
    ScopedEnv env("FIRESTORE_EMULATOR_HOST", ""), creds("GOOGLE_APPLICATION_CREDENTIALS", key.c_str()),
        project("GOOGLE_CLOUD_PROJECT", nullptr);
    auto e = FirestoreEndpoint::FromEnvironment("p1");
    ASSERT_TRUE(e.ok()) << e.status().ToString();
    EXPECT_EQ(e->base_url, "https://firestore.googleapis.com");
    EXPECT_EQ(e->project_id, "from-key");
    EXPECT_FALSE(e->emulator());
    ScopedEnv override_project("GOOGLE_CLOUD_PROJECT", "chosen");
    EXPECT_EQ(FirestoreEndpoint::FromEnvironment("p1")->project_id, "chosen");
    ScopedEnv missing("GOOGLE_APPLICATION_CREDENTIALS", "/nonexistent/key.json");
    EXPECT_EQ(FirestoreEndpoint::FromEnvironment("p1").status().code(), StatusCode::kInvalidArgument);
  }
  for (const char* bad : {"localhost", "http://localhost:8080", "localhost:"}) {
    ScopedEnv env("FIRESTORE_EMULATOR_HOST", bad);
    auto e = FirestoreEndpoint::FromEnvironment("p1");
    ASSERT_EQ(e.status().code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(e.status().message().find("host:port"), std::string::npos) << e.status().message();
  }
}

TEST(RestErrorStatus, TakesTheCodeAndMessageFromTheBody) {
  Status s = RestErrorStatus(
      400, R"({"error":{"code":400,"message":"inequality filter on two fields","status":"INVALID_ARGUMENT"}})", "runQuery");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("inequality filter on two fields"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("runQuery: HTTP 400"), std::string::npos) << s.message();
  // The body's status wins over the HTTP code; without one the HTTP code says.
  EXPECT_EQ(RestErrorStatus(409, R"({"error":{"status":"ABORTED","message":"contention"}})", "commit").code(),
            StatusCode::kAborted);
  EXPECT_EQ(RestErrorStatus(429, "slow down", "commit").code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(RestErrorStatus(503, "", "commit").code(), StatusCode::kUnavailable);
  EXPECT_NE(RestErrorStatus(500, "<html>oops</html>", "commit").message().find("oops"), std::string::npos);
}

TEST(FirestoreRestClient, AnEndpointThatDoesNotAnswerIsUnavailable) {
  // Nothing listens on port 9 (discard) of 127.0.0.1.
  FirestoreEndpoint e;
  e.base_url = "http://127.0.0.1:9";
  e.project_id = "p1";
  e.retry.initial_backoff = std::chrono::milliseconds(1);
  auto c = FirestoreRestClient::Open(e);
  ASSERT_TRUE(c.ok());
  Status s = (*c)->Commit({{"c/d", MapValue{}}});
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_NE(s.message().find("after 6 attempts"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("http://127.0.0.1:9/v1/projects/p1/databases/(default)/documents:commit"),
            std::string::npos)
      << s.message();
  EXPECT_EQ((*c)->RunQuery("", "{}").status().code(), StatusCode::kUnavailable);
}

// Against the emulator: a project of the test's own, cleared afterwards.
class FirestoreEmulator : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string project =
        "hearth-test-" + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
    auto e = FirestoreEndpoint::FromEnvironment(project);
    if (!e.ok()) GTEST_SKIP() << "no Firestore emulator (FIRESTORE_EMULATOR_HOST unset)";
    auto c = FirestoreRestClient::Open(*e);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    client_ = std::move(*c);
  }
  void TearDown() override {
    if (client_) {
      EXPECT_TRUE(client_->ClearEmulatorDatabase().ok());
    }
  }
  std::vector<schema::ParsedDocument> All(const std::string& collection) {
    auto docs = client_->RunQuery("", R"({"from":[{"collectionId":")" + collection + R"("}]})");
    EXPECT_TRUE(docs.ok()) << docs.status().ToString();
    return docs.ok() ? *docs : std::vector<schema::ParsedDocument>{};
  }
  std::unique_ptr<FirestoreRestClient> client_;
};

TEST_F(FirestoreEmulator, StoresEveryKindOfValueExactly) {
  const MapValue fields{
      {"null", Value::Null()},
      {"bool", Value::Boolean(true)},
      {"int", Value::Integer(INT64_MIN)},
      {"int max", Value::Integer(INT64_MAX)},
      {"double", Value::Double(-2.5e-300)},  // not -0.0: Firestore keeps it as 0.0
      {"nan", Value::Double(std::nan(""))},
      {"inf", Value::Double(-INFINITY)},
      {"time", Value::Time(Timestamp{-62135596800, 999999000})},  // year 1, microseconds (Firestore's precision)
      {"string", Value::String(std::string("caf\xc3\xa9 \xf0\x9f\x94\xa5 nul:\0.", 19))},
      {"bytes", Value::BytesValue(std::string("\x00\xff\x01", 3))},
      {"ref", Value::Ref("monitors/m1/snapshots/s1")},
      {"geo", Value::Geo(-90, 180)},
      {"array", Value::Array({Value::Integer(1), Value::String("a"), Value::Map({{"x", Value::Null()}})})},
      {"map", Value::Map({{"nested", Value::Map({{"deeper", Value::Array({Value::Double(0.5)})}})}, {"x y", Value::Null()}})},
  };
  Status committed = client_->Commit({{"kinds/all", fields}});
  ASSERT_TRUE(committed.ok()) << committed.ToString();
  auto docs = All("kinds");
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(*docs[0].name, "kinds/all");
  for (const auto& [k, v] : fields) {
    auto it = docs[0].fields.find(k);
    ASSERT_NE(it, docs[0].fields.end()) << k;
    EXPECT_EQ(it->second, v) << k;
  }
  EXPECT_EQ(docs[0].fields.size(), fields.size());
}

TEST_F(FirestoreEmulator, CommitsReplaceAndDelete) {
  ASSERT_TRUE(client_->Commit({{"c/a", MapValue{{"n", Value::Integer(1)}, {"old", Value::Boolean(true)}}},
                               {"c/b", MapValue{{"n", Value::Integer(2)}}}})
                  .ok());
  ASSERT_TRUE(client_->Commit({{"c/a", MapValue{{"n", Value::Integer(3)}}}, {"c/b", std::nullopt}}).ok());
  auto docs = All("c");
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(*docs[0].name, "c/a");
  EXPECT_EQ(docs[0].fields, (MapValue{{"n", Value::Integer(3)}}));  // a set replaces the whole document
}

TEST_F(FirestoreEmulator, ACommitMayHoldMoreThan500Writes) {
  std::vector<RestWrite> writes;
  for (int i = 0; i < 1200; i++) writes.push_back({"many/d" + std::to_string(i), MapValue{{"i", Value::Integer(i)}}});
  Status s = client_->Commit(writes);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(All("many").size(), 1200u);
}

TEST_F(FirestoreEmulator, QueriesFilterOrderAndLimit) {
  std::vector<RestWrite> writes;
  for (int i = 0; i < 10; i++)
    writes.push_back({"q/d" + std::to_string(i), MapValue{{"g", Value::String(i % 2 ? "odd" : "even")},
                                                          {"t", Value::Time(Timestamp{1767225600 + i * 3600, 0})}}});
  ASSERT_TRUE(client_->Commit(writes).ok());
  auto docs = client_->RunQuery("", R"({"from":[{"collectionId":"q"}],
      "where":{"compositeFilter":{"op":"AND","filters":[
        {"fieldFilter":{"field":{"fieldPath":"g"},"op":"EQUAL","value":{"stringValue":"odd"}}},
        {"fieldFilter":{"field":{"fieldPath":"t"},"op":"GREATER_THAN","value":{"timestampValue":"2026-01-01T01:00:00Z"}}}]}},
      "orderBy":[{"field":{"fieldPath":"t"},"direction":"DESCENDING"}],"limit":3})");
  ASSERT_TRUE(docs.ok()) << docs.status().ToString();
  std::vector<std::string> names;
  for (const auto& d : *docs) names.push_back(*d.name);
  EXPECT_EQ(names, (std::vector<std::string>{"q/d9", "q/d7", "q/d5"}));
}

TEST_F(FirestoreEmulator, ABadQueryIsInvalidArgumentWithTheEndpointsMessage) {
  auto docs = client_->RunQuery("", R"({"from":[{"collectionId":"q"}],
      "where":{"fieldFilter":{"field":{"fieldPath":"g"},"op":"NO_SUCH_OPERATOR","value":{"stringValue":"x"}}}})");
  ASSERT_FALSE(docs.ok());
  EXPECT_EQ(docs.status().code(), StatusCode::kInvalidArgument) << docs.status().ToString();
  EXPECT_NE(docs.status().message().find("HTTP 400"), std::string::npos) << docs.status().message();
}

TEST_F(FirestoreEmulator, AFailedCommitWritesNothing) {
  // The last write names a collection, not a document: the commit fails as a whole.
  std::vector<RestWrite> writes;
  for (int i = 0; i < 3; i++) writes.push_back({"atomic/x" + std::to_string(i), MapValue{{"n", Value::Integer(i)}}});
  writes.push_back({"atomic/x0/sub", MapValue{}});
  Status s = client_->Commit(writes);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(All("atomic").empty());
}

}  // namespace
}  // namespace hearth::sync
