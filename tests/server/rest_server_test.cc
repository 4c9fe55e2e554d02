// hearth serve's HTTP side: routing, Firestore's paths and errors, the
// official client's URL forms, concurrency, start and stop.
#include "server/rest_server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <thread>

#include "schema/json.h"
#include "sync/firestore_rest_client.h"
#include "sync/http_client.h"
#include "tests/test_util.h"

namespace hearth::server {
namespace {

using hearth::testing::Fields;

class RestServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Options o;
    o.in_memory = true;
    o.allow_undeclared_collections = true;
    auto db = Database::Open(o, "");
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(*db);
    auto server = RestServer::Start(db_.get(), RestServerOptions{});
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(*server);
  }
  void TearDown() override {
    http_.reset();  // an idle keep-alive connection would hold Stop() until it times out
    server_.reset();
    if (db_) {
      ASSERT_TRUE(db_->Close().ok());
    }
  }
  sync::FirestoreEndpoint Endpoint() const {
    sync::FirestoreEndpoint e;
    e.base_url = server_->base_url();
    e.project_id = "demo";
    e.retry.max_attempts = 1;
    return e;
  }
  sync::HttpResponse Send(const char* method, const std::string& path, const std::string& body = "") {
    auto r = http_->Send(method, server_->base_url() + path, {"Authorization: Bearer owner"}, body);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : sync::HttpResponse{};
  }
  std::unique_ptr<Database> db_;
  std::unique_ptr<RestServer> server_;
  std::unique_ptr<sync::HttpClient> http_ = std::make_unique<sync::HttpClient>();
};

TEST_F(RestServerTest, TheRestClientCommitsAndQueriesThroughIt) {
  auto client = sync::FirestoreRestClient::Open(Endpoint());
  ASSERT_TRUE(client.ok());
  std::vector<sync::RestWrite> writes;
  for (int i = 0; i < 3; i++)
    writes.push_back({"rooms/r1/messages/m" + std::to_string(i), Fields(R"({"n":)" + std::to_string(i) + "}")});
  ASSERT_TRUE((*client)->Commit(writes).ok());
  EXPECT_EQ(db_->Get("rooms/r1/messages/m2")->fields, Fields(R"({"n":2})"));
  auto docs = (*client)->RunQuery(
      "rooms/r1", R"({"from":[{"collectionId":"messages"}],"orderBy":[{"field":{"fieldPath":"n"},"direction":"DESCENDING"}]})");
  ASSERT_TRUE(docs.ok()) << docs.status().ToString();
  ASSERT_EQ(docs->size(), 3u);
  EXPECT_EQ(*(*docs)[0].name, "rooms/r1/messages/m2");
  // Errors come back as the client's statuses, with the server's message.
  auto bad = (*client)->Commit({{"rooms", Fields("{}")}});
  EXPECT_EQ(bad.code(), StatusCode::kInvalidArgument) << bad.ToString();
}

TEST_F(RestServerTest, TakesTheOfficialClientsUrlForms) {
  ASSERT_TRUE(db_->Set("events/e1", Fields(R"({"n":1})")).ok());
  // Node client v9 percent-encodes "(default)"; every request carries $alt.
  auto r = Send("GET", "/v1/projects/demo/databases/%28default%29/documents/events/e1?$alt=json%3Benum-encoding=int");
  EXPECT_EQ(r.status, 200) << r.body;
  auto doc = schema::ParseRestDocument(r.body);
  ASSERT_TRUE(doc.ok()) << r.body;
  EXPECT_EQ(doc->fields, Fields(R"({"n":1})"));
  auto q = Send("POST", "/v1/projects/demo/databases/(default)/documents:runQuery?$alt=json%3Benum-encoding=int",
                R"({"structuredQuery":{"from":[{"collectionId":"events"}],"limit":1}})");
  EXPECT_EQ(q.status, 200) << q.body;
  EXPECT_NE(q.body.find("events/e1"), std::string::npos);
}

TEST_F(RestServerTest, UnknownPlacesAnswerInFirestoresErrorForm) {
  auto db = Send("GET", "/v1/projects/demo/databases/other/documents/events/e1");
  EXPECT_EQ(db.status, 404);
  EXPECT_NE(db.body.find("\"status\":\"NOT_FOUND\""), std::string::npos) << db.body;
  EXPECT_NE(db.body.find("(default)"), std::string::npos);
  auto route = Send("GET", "/v2/whatever");
  EXPECT_EQ(route.status, 404);
  EXPECT_NE(route.body.find("\"status\":\"NOT_FOUND\""), std::string::npos) << route.body;
  auto partition = Send("POST", "/v1/projects/demo/databases/(default)/documents:partitionQuery", "{}");
  EXPECT_EQ(partition.status, 501);
  EXPECT_NE(partition.body.find("partitionQuery"), std::string::npos) << partition.body;
  auto root = Send("GET", "/v1/projects/demo/databases/(default)/documents");
  EXPECT_EQ(root.status, 400) << root.body;
}

TEST_F(RestServerTest, ARequestOverTheLimitIsRefusedWhole) {
  RestServerOptions small;
  small.max_request_bytes = 1024;
  auto limited = RestServer::Start(db_.get(), small);
  ASSERT_TRUE(limited.ok());
  sync::HttpClient http;
  const std::string big = R"({"writes":[{"update":{"name":"events/big","fields":{"s":{"stringValue":")" +
                          std::string(4096, 'x') + R"("}}}}]})";
  auto r = http.Send("POST", (*limited)->base_url() + "/v1/projects/demo/databases/(default)/documents:commit", {}, big);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 413);
  EXPECT_NE(r->body.find("larger than the server takes"), std::string::npos) << r->body;
  EXPECT_EQ(db_->Get("events/big").status().code(), StatusCode::kNotFound);
}

TEST_F(RestServerTest, ServesClientsInParallel) {
  constexpr int kThreads = 4, kCommits = 25;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; t++) {
    threads.emplace_back([&, t] {
      auto client = sync::FirestoreRestClient::Open(Endpoint());
      if (!client.ok()) return (void)failures++;
      const std::string parent = "threads/t" + std::to_string(t);
      for (int i = 0; i < kCommits; i++) {
        char id[8];
        std::snprintf(id, sizeof id, "e%03d", i);
        if (!(*client)->Commit({{parent + "/events/" + id, Fields(R"({"t":)" + std::to_string(t) + "}")}}).ok())
          failures++;
        // Each thread reads its own newest write back.
        auto newest = (*client)->RunQuery(
            parent, R"({"from":[{"collectionId":"events"}],"orderBy":[{"field":{"fieldPath":"__name__"},"direction":2}],"limit":1})");
        if (!newest.ok() || newest->size() != 1 || *(*newest)[0].name != parent + "/events/" + id) {
          ADD_FAILURE() << (newest.ok() ? std::to_string(newest->size()) + " found" : newest.status().ToString());
          failures++;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  for (int t = 0; t < kThreads; t++) {
    size_t n = 0;
    ASSERT_TRUE(db_->Scan("threads/t" + std::to_string(t) + "/events", [&](const Document&) { return ++n > 0; }).ok());
    EXPECT_EQ(n, static_cast<size_t>(kCommits));
  }
}

TEST_F(RestServerTest, ABusyPortIsRefusedAndStopEndsServing) {
  RestServerOptions same;
  same.port = server_->port();
  auto second = RestServer::Start(db_.get(), same);
  EXPECT_EQ(second.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(second.status().message().find(std::to_string(server_->port())), std::string::npos);
  const std::string url = server_->base_url();
  server_->Stop();
  server_->Stop();  // idempotent
  sync::HttpClient fresh;
  auto r = fresh.Send("GET", url + "/v1/projects/demo/databases/(default)/documents/events/e1", {}, "");
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace hearth::server
