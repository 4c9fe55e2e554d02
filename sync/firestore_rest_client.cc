#include "sync/firestore_rest_client.h"

#include <curl/curl.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdlib>
#include <mutex>

namespace hearth::sync {

namespace {

// gRPC status names as Firestore's REST errors spell them.
constexpr std::pair<std::string_view, StatusCode> kCodes[] = {
    {"CANCELLED", StatusCode::kCancelled},
    {"UNKNOWN", StatusCode::kUnknown},
    {"INVALID_ARGUMENT", StatusCode::kInvalidArgument},
    {"DEADLINE_EXCEEDED", StatusCode::kDeadlineExceeded},
    {"NOT_FOUND", StatusCode::kNotFound},
    {"ALREADY_EXISTS", StatusCode::kAlreadyExists},
    {"PERMISSION_DENIED", StatusCode::kPermissionDenied},
    {"RESOURCE_EXHAUSTED", StatusCode::kResourceExhausted},
    {"FAILED_PRECONDITION", StatusCode::kFailedPrecondition},
    {"ABORTED", StatusCode::kAborted},
    {"OUT_OF_RANGE", StatusCode::kOutOfRange},
    {"UNIMPLEMENTED", StatusCode::kUnimplemented},
    {"INTERNAL", StatusCode::kInternal},
    {"UNAVAILABLE", StatusCode::kUnavailable},
    {"DATA_LOSS", StatusCode::kDataLoss},
    {"UNAUTHENTICATED", StatusCode::kUnauthenticated},
};

// What an HTTP status means when the body names no gRPC status.
StatusCode FromHttp(long http) {
  switch (http) {
    case 400: return StatusCode::kInvalidArgument;
    case 401: return StatusCode::kUnauthenticated;
    case 403: return StatusCode::kPermissionDenied;
    case 404: return StatusCode::kNotFound;
    case 409: return StatusCode::kAborted;
    case 429: return StatusCode::kResourceExhausted;
    case 501: return StatusCode::kUnimplemented;
    case 503: return StatusCode::kUnavailable;
    case 504: return StatusCode::kDeadlineExceeded;
    default: return StatusCode::kUnknown;
  }
}

size_t AppendBody(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

Status RestErrorStatus(long http_code, std::string_view body, std::string_view what) {
  StatusCode code = FromHttp(http_code);
  std::string message;
  rapidjson::Document d;
  d.Parse(body.data(), body.size());
  if (!d.HasParseError() && d.IsObject()) {
    auto e = d.FindMember("error");
    if (e != d.MemberEnd() && e->value.IsObject()) {
      auto m = e->value.FindMember("message");
      if (m != e->value.MemberEnd() && m->value.IsString()) message = m->value.GetString();
      auto st = e->value.FindMember("status");
      if (st != e->value.MemberEnd() && st->value.IsString())
        for (const auto& [name, c] : kCodes)
          if (name == st->value.GetString()) code = c;
    }
  }
  if (message.empty()) message = std::string(body.substr(0, 200));
  return Status(code, std::string(what) + ": HTTP " + std::to_string(http_code) + ": " + message);
}

StatusOr<FirestoreEndpoint> FirestoreEndpoint::FromEnvironment(std::string project_id) {
  const char* host = std::getenv("FIRESTORE_EMULATOR_HOST");
  if (host == nullptr || *host == '\0') return Status::NotFound("FIRESTORE_EMULATOR_HOST is not set");
  std::string h = host;
  if (h.find("://") != std::string::npos || h.find(':') == std::string::npos || h.back() == ':')
    return Status::InvalidArgument("FIRESTORE_EMULATOR_HOST must be host:port (like 127.0.0.1:8080), not '" + h + "'");
  FirestoreEndpoint e;
  e.base_url = "http://" + h;
  e.project_id = std::move(project_id);
  return e;
}

std::string FirestoreEndpoint::DocumentsRoot() const {
  return "projects/" + project_id + "/databases/" + database_id + "/documents";
}

std::string FirestoreEndpoint::ResourceName(std::string_view path) const {
  return DocumentsRoot() + "/" + std::string(path);
}

struct FirestoreRestClient::Curl {
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  ~Curl() {
    curl_slist_free_all(headers);
    if (easy) curl_easy_cleanup(easy);
  }
};

FirestoreRestClient::FirestoreRestClient(FirestoreEndpoint endpoint)
    : endpoint_(std::move(endpoint)), curl_(std::make_unique<Curl>()) {}

FirestoreRestClient::~FirestoreRestClient() = default;

StatusOr<std::unique_ptr<FirestoreRestClient>> FirestoreRestClient::Open(FirestoreEndpoint endpoint) {
  if (endpoint.project_id.empty()) return Status::InvalidArgument("a Firestore endpoint needs a project id");
  GlobalInit();
  std::unique_ptr<FirestoreRestClient> c(new FirestoreRestClient(std::move(endpoint)));
  c->curl_->easy = curl_easy_init();
  if (c->curl_->easy == nullptr) return Status::Internal("curl_easy_init failed");
  c->curl_->headers = curl_slist_append(nullptr, "Content-Type: application/json");
  // The emulator's admin identity: security rules do not apply.
  c->curl_->headers = curl_slist_append(c->curl_->headers, "Authorization: Bearer owner");
  return c;
}

StatusOr<std::string> FirestoreRestClient::Send(const char* method, const std::string& url, const std::string& body) {
  CURL* e = curl_->easy;
  std::string response;
  curl_easy_reset(e);
  curl_easy_setopt(e, CURLOPT_URL, url.c_str());
  curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, curl_->headers);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, 300000L);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, AppendBody);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &response);
  if (!body.empty()) {
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }
  const CURLcode rc = curl_easy_perform(e);
  if (rc != CURLE_OK)
    return Status::Unavailable(std::string(method) + " " + url + ": " + curl_easy_strerror(rc));
  long http = 0;
  curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &http);
  if (http != 200) return RestErrorStatus(http, response, std::string(method) + " " + url);
  return response;
}

Status FirestoreRestClient::Commit(const std::vector<RestWrite>& writes) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("writes");
  w.StartArray();
  for (const RestWrite& write : writes) {
    const std::string name = endpoint_.ResourceName(write.path);
    w.StartObject();
    if (write.fields) {
      w.Key("update");
      w.StartObject();
      w.Key("name");
      w.String(name.data(), static_cast<rapidjson::SizeType>(name.size()));
      w.Key("fields");
      const std::string fields = schema::RestFieldsJson(*write.fields, endpoint_.project_id);
      w.RawValue(fields.data(), fields.size(), rapidjson::kObjectType);
      w.EndObject();
    } else {
      w.Key("delete");
      w.String(name.data(), static_cast<rapidjson::SizeType>(name.size()));
    }
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return Send("POST", endpoint_.base_url + "/v1/" + endpoint_.DocumentsRoot() + ":commit",
              std::string(buf.GetString(), buf.GetSize()))
      .status();
}

StatusOr<std::vector<schema::ParsedDocument>> FirestoreRestClient::RunQuery(std::string_view parent,
                                                                            std::string_view structured_query_json) {
  std::string url = endpoint_.base_url + "/v1/" + endpoint_.DocumentsRoot();
  if (!parent.empty()) url += "/" + std::string(parent);
  url += ":runQuery";
  std::string body = "{\"structuredQuery\":";
  body.append(structured_query_json);
  body += "}";
  HEARTH_ASSIGN_OR_RETURN(std::string response, Send("POST", url, body));
  auto docs = schema::ParseRunQueryResponse(response);
  if (!docs.ok()) return docs.status().WithContext("reading the response of " + url);
  return docs;
}

Status FirestoreRestClient::ClearEmulatorDatabase() {
  return Send("DELETE", endpoint_.base_url + "/emulator/v1/" + endpoint_.DocumentsRoot(), "").status();
}

}  // namespace hearth::sync
