// A Firestore REST v1 client: the calls the comparison runner makes
// against a Firestore endpoint, and the transport the sync adapter will push
// changes through (DESIGN.md, "Sync").
//
// It talks to the Firestore emulator (FIRESTORE_EMULATOR_HOST: no
// credentials, admin access) or to Cloud Firestore with a service account's
// OAuth2 tokens (GOOGLE_APPLICATION_CREDENTIALS, sync/service_account.h).
// Requests the endpoint could not take (no answer, 429, 503, 504, ABORTED)
// are sent again after a growing pause (RetryPolicy): every call is safe to
// repeat, since writes set whole documents.
//
// One client owns one HTTP connection (kept alive between calls): use it
// from one thread at a time, and make one client per thread.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hearth/status.h"
#include "hearth/value.h"
#include "schema/json.h"
#include "sync/http_client.h"
#include "sync/service_account.h"

namespace hearth::sync {

// How often and how patiently a request is sent again.
struct RetryPolicy {
  // Attempts in all, the first included. Default: 6.
  int max_attempts = 6;
  // Pause before the first retry, doubled before each next one up to
  // max_backoff. Defaults: 100 ms, 5 s.
  std::chrono::milliseconds initial_backoff{100};
  std::chrono::milliseconds max_backoff{5000};
};

// Where the documents live.
struct FirestoreEndpoint {
  // "http://host:port" of the emulator or "https://firestore.googleapis.com",
  // no trailing slash.
  std::string base_url;
  std::string project_id;
  // Default: "(default)".
  std::string database_id = "(default)";
  // Where requests get their bearer token; none: the emulator's admin
  // identity ("Bearer owner").
  std::shared_ptr<AccessTokens> credentials;
  RetryPolicy retry;

  bool emulator() const { return credentials == nullptr; }

  // From the environment, as Google's client libraries read it:
  // - FIRESTORE_EMULATOR_HOST ("host:port"): that emulator, for
  //   `emulator_project_id`;
  // - else GOOGLE_APPLICATION_CREDENTIALS (a service-account key file): Cloud
  //   Firestore, for GOOGLE_CLOUD_PROJECT or else the key's project_id.
  // NOT_FOUND when neither is set; INVALID_ARGUMENT naming what is wrong.
  static StatusOr<FirestoreEndpoint> FromEnvironment(std::string emulator_project_id);

  // "projects/{project}/databases/{database}/documents"
  std::string DocumentsRoot() const;
  // DocumentsRoot() + "/" + path: a document's resource name.
  std::string ResourceName(std::string_view path) const;
};

// One write of a commit: a whole document set (`fields` given) or deleted.
struct RestWrite {
  std::string path;  // relative: "snapshots/m1_1767225600"
  std::optional<MapValue> fields;
};

class FirestoreRestClient {
 public:
  // Makes a client; no request is sent until the first call.
  static StatusOr<std::unique_ptr<FirestoreRestClient>> Open(FirestoreEndpoint endpoint);
  ~FirestoreRestClient();
  FirestoreRestClient(const FirestoreRestClient&) = delete;
  FirestoreRestClient& operator=(const FirestoreRestClient&) = delete;

  const FirestoreEndpoint& endpoint() const { return endpoint_; }

  // documents:commit: the writes applied atomically, or none. (Firestore
  // dropped its 500-writes-per-commit limit on 2023-03-29; the emulator
  // takes more too. A commit's request is still limited to 10 MiB.)
  Status Commit(const std::vector<RestWrite>& writes);

  // documents:runQuery under `parent` (a document path, "" for the root)
  // with `structured_query_json` (a StructuredQuery object): the documents
  // in the order the endpoint returned them.
  StatusOr<std::vector<schema::ParsedDocument>> RunQuery(std::string_view parent,
                                                         std::string_view structured_query_json);

  // Emulator only: deletes every document of the endpoint's database
  // (DELETE /emulator/v1/projects/{p}/databases/{d}/documents);
  // FAILED_PRECONDITION against Cloud Firestore.
  Status ClearEmulatorDatabase();

 private:
  explicit FirestoreRestClient(FirestoreEndpoint endpoint);
  // Sends one request; the response body on HTTP 200, else the endpoint's
  // error as a status (gRPC code from the body's "status", else from HTTP).
  StatusOr<std::string> Send(const char* method, const std::string& url, const std::string& body);

  FirestoreEndpoint endpoint_;
  HttpClient http_;
};

// The status for a Firestore REST error response: its HTTP code and body
// ({"error": {"code", "message", "status"}}). Exposed for tests.
Status RestErrorStatus(long http_code, std::string_view body, std::string_view what);

}  // namespace hearth::sync
