// Service-account credentials: the key file, the signed JWT (checked with
// the key's public half), and the token exchange and bearer header against a
// local stand-in for Google's token endpoint and Firestore
// (tests/sync/fake_google.py). Cloud Firestore itself is not reached here.
#include "sync/service_account.h"

#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <rapidjson/document.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "schema/base64.h"
#include "sync/firestore_rest_client.h"
#include "tests/test_util.h"

namespace hearth::sync {
namespace {

using Key = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

Key NewRsaKey() { return Key(EVP_RSA_gen(2048), EVP_PKEY_free); }

std::string PrivatePem(EVP_PKEY* k) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  PEM_write_bio_PrivateKey(bio.get(), k, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

std::string FromBase64Url(std::string s) {
  for (char& c : s) c = c == '-' ? '+' : c == '_' ? '/' : c;
  while (s.size() % 4) s.push_back('=');
  auto d = schema::Base64Decode(s);
  EXPECT_TRUE(d.ok()) << s;
  return d.ok() ? *d : "";
}

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out(1);
  for (char c : s) {
    if (c == sep) out.emplace_back();
    else out.back().push_back(c);
  }
  return out;
}

// The assertion's signature, checked with `k`'s public key.
bool Verifies(EVP_PKEY* k, const std::string& assertion) {
  const size_t dot = assertion.rfind('.');
  const std::string input = assertion.substr(0, dot), sig = FromBase64Url(assertion.substr(dot + 1));
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  return EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, k) == 1 &&
         EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                          reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
}

ServiceAccountKey TestKey(EVP_PKEY* k, const std::string& token_uri) {
  return ServiceAccountKey{"loader@demo.iam.gserviceaccount.com", PrivatePem(k), token_uri, "demo"};
}

TEST(ServiceAccountKey, ReadsAKeyFileAndNamesWhatIsMissing) {
  auto k = ServiceAccountKey::FromJson(
      R"({"type":"service_account","project_id":"demo","private_key":"-----BEGIN PRIVATE KEY-----\n...",
          "client_email":"a@demo.iam.gserviceaccount.com","token_uri":"https://oauth2.googleapis.com/token"})",
      "key.json");
  ASSERT_TRUE(k.ok()) << k.status().ToString();
  EXPECT_EQ(k->client_email, "a@demo.iam.gserviceaccount.com");
  EXPECT_EQ(k->project_id, "demo");
  EXPECT_EQ(k->token_uri, "https://oauth2.googleapis.com/token");

  auto no_email = ServiceAccountKey::FromJson(R"({"private_key":"x"})", "key.json");
  ASSERT_EQ(no_email.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(no_email.status().message().find("key.json has no \"client_email\""), std::string::npos);
  auto user = ServiceAccountKey::FromJson(R"({"type":"authorized_user","client_email":"a","private_key":"x"})", "k");
  ASSERT_FALSE(user.ok());
  EXPECT_NE(user.status().message().find("only service-account keys"), std::string::npos);
  EXPECT_FALSE(ServiceAccountKey::FromJson("[1]", "k").ok());
  EXPECT_FALSE(ServiceAccountKey::FromFile("/nonexistent/key.json").ok());
}

TEST(ServiceAccount, SignsAJwtTheKeysPublicHalfVerifies) {
  Key k = NewRsaKey();
  ASSERT_TRUE(k);
  auto a = SignedAssertion(TestKey(k.get(), "https://oauth2.googleapis.com/token"), 1767225600);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  std::vector<std::string> parts = Split(*a, '.');
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(FromBase64Url(parts[0]), R"({"alg":"RS256","typ":"JWT"})");
  rapidjson::Document claims;
  claims.Parse(FromBase64Url(parts[1]).c_str());
  ASSERT_TRUE(claims.IsObject());
  EXPECT_STREQ(claims["iss"].GetString(), "loader@demo.iam.gserviceaccount.com");
  EXPECT_STREQ(claims["scope"].GetString(), "https://www.googleapis.com/auth/datastore");
  EXPECT_STREQ(claims["aud"].GetString(), "https://oauth2.googleapis.com/token");
  EXPECT_EQ(claims["iat"].GetInt64(), 1767225600);
  EXPECT_EQ(claims["exp"].GetInt64(), 1767225600 + 3600);
  for (const std::string& p : parts) EXPECT_EQ(p.find_first_of("+/="), std::string::npos) << "base64url: " << p;
  EXPECT_TRUE(Verifies(k.get(), *a));
  Key other = NewRsaKey();
  EXPECT_FALSE(Verifies(other.get(), *a));

  ServiceAccountKey bad = TestKey(k.get(), "t");
  bad.private_key_pem = "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n";
  EXPECT_EQ(SignedAssertion(bad, 0).status().code(), StatusCode::kInvalidArgument);
}

// tests/sync/fake_google.py, running until destroyed.
class FakeGoogle {
 public:
  explicit FakeGoogle(const std::string& log) {
    int in[2], out[2];
    if (pipe(in) != 0 || pipe(out) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(in[0], 0);
      dup2(out[1], 1);
      close(in[1]);
      close(out[0]);
      const std::string script = std::string(HEARTH_SOURCE_DIR) + "/tests/sync/fake_google.py";
      execlp("python3", "python3", script.c_str(), log.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    close(in[0]);
    close(out[1]);
    stdin_ = in[1];
    stdout_ = out[0];  // kept open while the server runs: it may still write
    std::string line;
    char c;
    while (read(stdout_, &c, 1) == 1 && c != '\n') line.push_back(c);
    port_ = std::atoi(line.c_str());
  }
  ~FakeGoogle() {
    if (stdin_ >= 0) close(stdin_);
    if (pid_ > 0) waitpid(pid_, nullptr, 0);
    if (stdout_ >= 0) close(stdout_);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int port() const { return port_; }

 private:
  pid_t pid_ = -1;
  int stdin_ = -1, stdout_ = -1;
  int port_ = 0;
};

std::vector<std::string> Lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

TEST(ServiceAccount, ExchangesTheJwtForATokenAndSendsItAsBearer) {
  testing::TempDir dir;
  const std::string log = dir.path() + "/requests.jsonl";
  FakeGoogle fake(log);
  ASSERT_GT(fake.port(), 0) << "tests/sync/fake_google.py did not start";
  Key k = NewRsaKey();
  auto tokens = std::make_shared<AccessTokens>(TestKey(k.get(), fake.url() + "/token"));

  FirestoreEndpoint e;
  e.base_url = fake.url();
  e.project_id = "demo";
  e.credentials = tokens;
  auto c = FirestoreRestClient::Open(e);
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE((*c)->Commit({{"c/a", MapValue{{"n", Value::Integer(1)}}}}).ok());
  ASSERT_TRUE((*c)->Commit({{"c/b", MapValue{}}}).ok());

  // One token request (the token is kept), then both commits carry it.
  std::vector<std::string> requests = Lines(log);
  ASSERT_EQ(requests.size(), 3u);
  rapidjson::Document token_request;
  token_request.Parse(requests[0].c_str());
  EXPECT_STREQ(token_request["path"].GetString(), "/token");
  EXPECT_STREQ(token_request["content_type"].GetString(), "application/x-www-form-urlencoded");
  const std::string body = token_request["body"].GetString();
  const std::string assertion = body.substr(body.find("assertion=") + 10);
  EXPECT_TRUE(Verifies(k.get(), assertion));
  for (int i : {1, 2}) {
    rapidjson::Document commit;
    commit.Parse(requests[i].c_str());
    EXPECT_STREQ(commit["path"].GetString(), "/v1/projects/demo/databases/(default)/documents:commit");
    EXPECT_STREQ(commit["authorization"].GetString(), "Bearer token-1");
  }
  EXPECT_EQ((*c)->ClearEmulatorDatabase().code(), StatusCode::kFailedPrecondition);
}

TEST(FirestoreRestClient, SendsAgainWhatTheEndpointCouldNotTakeAndGivesUpAfterMaxAttempts) {
  testing::TempDir dir;
  const std::string log = dir.path() + "/requests.jsonl";
  FakeGoogle fake(log);
  ASSERT_GT(fake.port(), 0);
  Key k = NewRsaKey();
  FirestoreEndpoint e;
  e.base_url = fake.url();
  e.credentials = std::make_shared<AccessTokens>(TestKey(k.get(), fake.url() + "/token"));
  e.retry.initial_backoff = std::chrono::milliseconds(1);

  e.project_id = "flaky";  // 503 twice, then fine
  auto flaky = FirestoreRestClient::Open(e);
  ASSERT_TRUE(flaky.ok());
  Status s = (*flaky)->Commit({{"c/a", MapValue{}}});
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(Lines(log).size(), 1u + 3u);  // the token, three commits

  e.project_id = "broken";  // 503 always
  e.retry.max_attempts = 4;
  auto broken = FirestoreRestClient::Open(e);
  ASSERT_TRUE(broken.ok());
  s = (*broken)->Commit({{"c/a", MapValue{}}});
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_NE(s.message().find("after 4 attempts"), std::string::npos) << s.message();
  EXPECT_EQ(Lines(log).size(), 1u + 3u + 4u);

  e.project_id = "demo";  // a 404 is not sent again
  auto wrong = FirestoreRestClient::Open(e);
  ASSERT_TRUE(wrong.ok());
  EXPECT_EQ((*wrong)->RunQuery("", "{}").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(Lines(log).size(), 1u + 3u + 4u + 1u);
}

TEST(ServiceAccount, ARefusedAssertionIsUnauthenticated) {
  testing::TempDir dir;
  FakeGoogle fake(dir.path() + "/requests.jsonl");
  ASSERT_GT(fake.port(), 0);
  Key k = NewRsaKey();
  AccessTokens tokens(TestKey(k.get(), fake.url() + "/not-the-token-path"));
  auto t = tokens.Get();
  ASSERT_EQ(t.status().code(), StatusCode::kUnauthenticated) << t.status().ToString();
  EXPECT_NE(t.status().message().find("HTTP 404"), std::string::npos) << t.status().message();
}

}  // namespace
}  // namespace hearth::sync
