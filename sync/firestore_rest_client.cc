#include "sync/firestore_rest_client.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cstdlib>
#include <thread>

namespace hearth::sync {

namespace {

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

// What is worth sending again: no answer, throttling, a busy or timed-out
// backend, a transaction that lost a race.
bool Transient(const Status& s) {
  switch (s.code()) {
    case StatusCode::kUnavailable:
    case StatusCode::kResourceExhausted:
    case StatusCode::kAborted:
    case StatusCode::kDeadlineExceeded:
      return true;
    default:
      return false;
  }
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
      // Firestore spells the gRPC status as StatusCodeName does.
      if (st != e->value.MemberEnd() && st->value.IsString()) {
        const StatusCode named = StatusCodeFromName(st->value.GetString());
        if (named != StatusCode::kUnknown) code = named;
      }
    }
  }
  if (message.empty()) message = std::string(body.substr(0, 200));
  return Status(code, std::string(what) + ": HTTP " + std::to_string(http_code) + ": " + message);
}

StatusOr<FirestoreEndpoint> FirestoreEndpoint::FromEnvironment(std::string emulator_project_id) {
  const char* host = std::getenv("FIRESTORE_EMULATOR_HOST");
  if (host != nullptr && *host != '\0') {
    std::string h = host;
    if (h.find("://") != std::string::npos || h.find(':') == std::string::npos || h.back() == ':')
      return Status::InvalidArgument("FIRESTORE_EMULATOR_HOST must be host:port (like 127.0.0.1:8080), not '" + h +
                                     "'");
    FirestoreEndpoint e;
    e.base_url = "http://" + h;
    e.project_id = std::move(emulator_project_id);
    return e;
  }
  const char* key_file = std::getenv("GOOGLE_APPLICATION_CREDENTIALS");
  if (key_file == nullptr || *key_file == '\0')
    return Status::NotFound("neither FIRESTORE_EMULATOR_HOST nor GOOGLE_APPLICATION_CREDENTIALS is set");
  HEARTH_ASSIGN_OR_RETURN(ServiceAccountKey key, ServiceAccountKey::FromFile(key_file));
  FirestoreEndpoint e;
  e.base_url = "https://firestore.googleapis.com";
  const char* project = std::getenv("GOOGLE_CLOUD_PROJECT");
  e.project_id = project != nullptr && *project != '\0' ? std::string(project) : key.project_id;
  if (e.project_id.empty())
    return Status::InvalidArgument(std::string(key_file) + " names no project_id; set GOOGLE_CLOUD_PROJECT");
  e.credentials = std::make_shared<AccessTokens>(std::move(key));
  return e;
}

std::string FirestoreEndpoint::DocumentsRoot() const {
  return "projects/" + project_id + "/databases/" + database_id + "/documents";
}

std::string FirestoreEndpoint::ResourceName(std::string_view path) const {
  return DocumentsRoot() + "/" + std::string(path);
}

FirestoreRestClient::FirestoreRestClient(FirestoreEndpoint endpoint) : endpoint_(std::move(endpoint)) {}

FirestoreRestClient::~FirestoreRestClient() = default;

StatusOr<std::unique_ptr<FirestoreRestClient>> FirestoreRestClient::Open(FirestoreEndpoint endpoint) {
  if (endpoint.project_id.empty()) return Status::InvalidArgument("a Firestore endpoint needs a project id");
  return std::unique_ptr<FirestoreRestClient>(new FirestoreRestClient(std::move(endpoint)));
}

StatusOr<std::string> FirestoreRestClient::Send(const char* method, const std::string& url, const std::string& body) {
  std::vector<std::string> headers = {"Content-Type: application/json"};
  if (endpoint_.credentials) {
    HEARTH_ASSIGN_OR_RETURN(std::string token, endpoint_.credentials->Get());
    headers.push_back("Authorization: Bearer " + token);
  } else {
    headers.push_back("Authorization: Bearer owner");  // the emulator's admin: security rules do not apply
  }
  std::chrono::milliseconds pause = endpoint_.retry.initial_backoff;
  for (int attempt = 1;; attempt++) {
    auto r = http_.Send(method, url, headers, body);
    if (r.ok() && r->status == 200) return std::move(r->body);
    Status s = r.ok() ? RestErrorStatus(r->status, r->body, std::string(method) + " " + url) : r.status();
    if (!Transient(s) || attempt >= endpoint_.retry.max_attempts)
      return attempt > 1 ? s.WithContext("after " + std::to_string(attempt) + " attempts") : s;
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, endpoint_.retry.max_backoff);
  }
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
  if (!endpoint_.emulator()) return Status::FailedPrecondition("only an emulator's database can be cleared");
  return Send("DELETE", endpoint_.base_url + "/emulator/v1/" + endpoint_.DocumentsRoot(), "").status();
}

}  // namespace hearth::sync
