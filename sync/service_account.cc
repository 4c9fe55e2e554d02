#include "sync/service_account.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include "schema/base64.h"
#include "sync/http_client.h"

namespace hearth::sync {

namespace {

std::string Base64Url(std::string_view data) {
  std::string s = schema::Base64Encode(data);
  while (!s.empty() && s.back() == '=') s.pop_back();
  for (char& c : s) c = c == '+' ? '-' : c == '/' ? '_' : c;
  return s;
}

// RS256: RSASSA-PKCS1-v1_5 with SHA-256 over `data`.
StatusOr<std::string> SignRs256(const std::string& private_key_pem, std::string_view data) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(private_key_pem.data(), static_cast<int>(private_key_pem.size())), BIO_free);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> pkey(
      bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr, EVP_PKEY_free);
  if (!pkey) return Status::InvalidArgument("the service account's private_key is not a PEM private key");
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  size_t size = 0;
  const auto* in = reinterpret_cast<const unsigned char*>(data.data());
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, pkey.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &size, in, data.size()) != 1)
    return Status::Internal("cannot sign with the service account's key");
  std::string sig(size, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &size, in, data.size()) != 1)
    return Status::Internal("cannot sign with the service account's key");
  sig.resize(size);
  return sig;
}

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// "a=b&c=d" with each value percent-encoded (the assertion is base64url and
// dots, which need none).
std::string TokenRequestBody(const std::string& assertion) {
  return "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=" + assertion;
}

}  // namespace

StatusOr<ServiceAccountKey> ServiceAccountKey::FromJson(std::string_view json, std::string_view what) {
  rapidjson::Document d;
  d.Parse(json.data(), json.size());
  if (d.HasParseError() || !d.IsObject())
    return Status::InvalidArgument(std::string(what) + " is not a JSON object (a service-account key file)");
  auto text = [&](const char* name) -> std::string {
    auto m = d.FindMember(name);
    return m != d.MemberEnd() && m->value.IsString() ? std::string(m->value.GetString(), m->value.GetStringLength())
                                                     : std::string();
  };
  const std::string type = text("type");
  if (!type.empty() && type != "service_account")
    return Status::InvalidArgument(std::string(what) + " is a \"" + type +
                                   "\" credential; only service-account keys are supported");
  ServiceAccountKey k;
  k.client_email = text("client_email");
  k.private_key_pem = text("private_key");
  k.token_uri = text("token_uri");
  k.project_id = text("project_id");
  if (k.token_uri.empty()) k.token_uri = "https://oauth2.googleapis.com/token";
  for (auto [field, value] : {std::pair{"client_email", &k.client_email}, {"private_key", &k.private_key_pem}})
    if (value->empty()) return Status::InvalidArgument(std::string(what) + " has no \"" + field + "\"");
  return k;
}

StatusOr<ServiceAccountKey> ServiceAccountKey::FromFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::InvalidArgument("cannot read the service-account key file " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return FromJson(ss.str(), path);
}

StatusOr<std::string> SignedAssertion(const ServiceAccountKey& key, int64_t now_seconds, const std::string& scope) {
  rapidjson::StringBuffer claims;
  rapidjson::Writer<rapidjson::StringBuffer> w(claims);
  w.StartObject();
  w.Key("iss");
  w.String(key.client_email.c_str());
  w.Key("scope");
  w.String(scope.c_str());
  w.Key("aud");
  w.String(key.token_uri.c_str());
  w.Key("iat");
  w.Int64(now_seconds);
  w.Key("exp");
  w.Int64(now_seconds + 3600);
  w.EndObject();
  const std::string signing_input = Base64Url(R"({"alg":"RS256","typ":"JWT"})") + "." +
                                    Base64Url(std::string_view(claims.GetString(), claims.GetSize()));
  HEARTH_ASSIGN_OR_RETURN(std::string sig, SignRs256(key.private_key_pem, signing_input));
  return signing_input + "." + Base64Url(sig);
}

StatusOr<std::string> AccessTokens::Get() {
  std::lock_guard<std::mutex> lock(mu_);
  const int64_t now = NowSeconds();
  if (!token_.empty() && expires_at_ - now > 60) return token_;
  HEARTH_ASSIGN_OR_RETURN(std::string assertion, SignedAssertion(key_, now));
  HttpClient http;
  HEARTH_ASSIGN_OR_RETURN(
      HttpResponse r,
      http.Send("POST", key_.token_uri, {"Content-Type: application/x-www-form-urlencoded"}, TokenRequestBody(assertion)));
  const std::string what = "the token endpoint " + key_.token_uri + " for " + key_.client_email;
  if (r.status != 200)
    return Status(StatusCode::kUnauthenticated, what + " answered HTTP " + std::to_string(r.status) + ": " + r.body.substr(0, 300));
  rapidjson::Document d;
  d.Parse(r.body.data(), r.body.size());
  auto token = d.IsObject() ? d.FindMember("access_token") : d.MemberEnd();
  if (d.HasParseError() || !d.IsObject() || token == d.MemberEnd() || !token->value.IsString())
    return Status(StatusCode::kUnauthenticated, what + " gave no access_token: " + r.body.substr(0, 300));
  auto expires = d.FindMember("expires_in");
  token_ = token->value.GetString();
  expires_at_ = now + (expires != d.MemberEnd() && expires->value.IsInt64() ? expires->value.GetInt64() : 3600);
  return token_;
}

}  // namespace hearth::sync
