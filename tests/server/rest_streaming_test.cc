// runQuery answers are streamed: large ones arrive whole and in order, a
// client that leaves stops the query, and damage found mid-stream ends the
// array with an error item.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "schema/json.h"
#include "server/rest_server.h"
#include "server/rest_service.h"
#include "sync/firestore_rest_client.h"
#include "sync/http_client.h"
#include "tests/engine/raw_rocks.h"
#include "tests/test_util.h"

namespace hearth::server {
namespace {

using hearth::testing::Fields;
using hearth::testing::TempDir;

constexpr char kQuery[] =
    R"({"structuredQuery":{"from":[{"collectionId":"monitors"}],"orderBy":[{"field":{"fieldPath":"__name__"}}]}})";

std::unique_ptr<Database> OpenAt(const std::string& path) {
  auto db = Database::Open(Options(), path);
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  return db.ok() ? std::move(*db) : nullptr;
}

TEST(RestStreaming, ALargeAnswerArrivesWholeAndInOrderOverHttp) {
  TempDir dir;
  auto db = OpenAt(dir.path() + "/db");
  WriteBatch b;
  constexpr int kDocs = 3000;  // ~1 MB of REST JSON: many pieces
  for (int i = 0; i < kDocs; i++) {
    char id[16];
    std::snprintf(id, sizeof id, "m%05d", i);
    b.Set(std::string("monitors/") + id, Fields(R"({"user_id":"u","note":")" + std::string(200, 'x') + R"("})"));
  }
  ASSERT_TRUE(db->Write(b).ok());
  auto server = RestServer::Start(db.get(), RestServerOptions{});
  ASSERT_TRUE(server.ok());
  {
    sync::FirestoreEndpoint e;
    e.base_url = (*server)->base_url();
    e.project_id = "demo";
    auto client = sync::FirestoreRestClient::Open(e);
    auto docs = (*client)->RunQuery("", R"({"from":[{"collectionId":"monitors"}],"orderBy":[{"field":{"fieldPath":"__name__"}}]})");
    ASSERT_TRUE(docs.ok()) << docs.status().ToString();
    ASSERT_EQ(docs->size(), static_cast<size_t>(kDocs));
    EXPECT_EQ(*docs->front().name, "monitors/m00000");
    EXPECT_EQ(*docs->back().name, "monitors/m02999");
  }
  (*server)->Stop();
  ASSERT_TRUE(db->Close().ok());
}

TEST(RestStreaming, AClientThatLeavesStopsTheQuery) {
  TempDir dir;
  auto db = OpenAt(dir.path() + "/db");
  WriteBatch b;
  for (int i = 0; i < 2000; i++)
    b.Set("monitors/m" + std::to_string(i), Fields(R"({"note":")" + std::string(100, 'y') + R"("})"));
  ASSERT_TRUE(db->Write(b).ok());
  RestService service(db.get());
  RestResponse r = service.RunQuery("demo", "", kQuery);
  ASSERT_TRUE(r.stream);
  int pieces = 0;
  r.stream([&](std::string_view) { return ++pieces < 1; });  // refuses after the first piece
  EXPECT_EQ(pieces, 1);
  ASSERT_TRUE(db->Close().ok());
}

TEST(RestStreaming, DamageFoundMidStreamEndsTheArrayWithAnErrorItem) {
  TempDir dir;
  const std::string path = dir.path() + "/db";
  {
    auto db = OpenAt(path);
    ASSERT_TRUE(db->Set("monitors/a", Fields(R"({"user_id":"u"})")).ok());
    ASSERT_TRUE(db->Set("monitors/b", Fields(R"({"user_id":"u"})")).ok());
    ASSERT_TRUE(db->Close().ok());
  }
  hearth::testing::DamageStoredDocument(path, "monitors/b");
  auto db = OpenAt(path);
  RestService service(db.get());
  RestResponse r = service.RunQuery("demo", "", kQuery);
  EXPECT_EQ(r.http_status, 200);  // the first document went out before the damage was found
  const std::string text = r.Text();
  rapidjson::Document d;
  d.Parse(text.c_str());
  ASSERT_FALSE(d.HasParseError()) << text;
  ASSERT_EQ(d.Size(), 2u) << text;
  EXPECT_TRUE(d[0].HasMember("document"));
  ASSERT_TRUE(d[1].HasMember("error")) << text;
  EXPECT_STREQ(d[1]["error"]["status"].GetString(), "DATA_LOSS");
  EXPECT_NE(std::string(d[1]["error"]["message"].GetString()).find("monitors/b"), std::string::npos);
  // A client reading it gets the status, not the documents before it.
  auto parsed = schema::ParseRunQueryResponse(text);
  EXPECT_EQ(parsed.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(parsed.status().message().find("after 1 documents"), std::string::npos) << parsed.status().ToString();
  ASSERT_TRUE(db->Close().ok());
}

TEST(RestStreaming, ACollectionListingIsStreamedAndBrokenOffAtDamage) {
  TempDir dir;
  const std::string path = dir.path() + "/db";
  {
    auto db = OpenAt(path);
    WriteBatch b;
    for (int i = 0; i < 1500; i++) {
      char id[16];
      std::snprintf(id, sizeof id, "m%05d", i);
      b.Set(std::string("monitors/") + id, Fields(R"({"note":")" + std::string(100, 'z') + R"("})"));
    }
    ASSERT_TRUE(db->Write(b).ok());
    RestService service(db.get());
    RestResponse list = service.Get("demo", "monitors");
    ASSERT_TRUE(list.stream);
    rapidjson::Document d;
    const std::string text = list.Text();
    d.Parse(text.c_str());
    ASSERT_FALSE(d.HasParseError());
    EXPECT_EQ(d["documents"].Size(), 1500u);
    EXPECT_EQ(service.Get("demo", "monitors/m1/").http_status, 400);  // not a collection path
    ASSERT_TRUE(db->Close().ok());
  }
  hearth::testing::DamageStoredDocument(path, "monitors/m01000");
  auto db = OpenAt(path);
  auto server = RestServer::Start(db.get(), RestServerOptions{});
  ASSERT_TRUE(server.ok());
  {
    // The listing breaks off at the damaged document: the client sees a
    // failed transfer, never a complete-looking partial list.
    sync::HttpClient http;
    auto r = http.Send("GET", (*server)->base_url() + "/v1/projects/demo/databases/(default)/documents/monitors", {}, "");
    EXPECT_FALSE(r.ok()) << "HTTP " << r->status << ", " << r->body.size() << " bytes";
  }
  (*server)->Stop();
  ASSERT_TRUE(db->Close().ok());
}

}  // namespace
}  // namespace hearth::server
