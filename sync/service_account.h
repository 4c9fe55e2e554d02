// Google service-account credentials: the OAuth2 access token Cloud
// Firestore's REST API wants in "Authorization: Bearer ...", obtained the way
// Google's client libraries do for a service-account key file
// (GOOGLE_APPLICATION_CREDENTIALS): a JWT signed with the key's RS256
// private key, exchanged at the key's token_uri
// (grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "hearth/status.h"

namespace hearth::sync {

// The fields of a service-account key file hearth uses.
struct ServiceAccountKey {
  std::string client_email;
  std::string private_key_pem;  // "-----BEGIN PRIVATE KEY-----..."
  std::string token_uri;        // "https://oauth2.googleapis.com/token"
  std::string project_id;

  // Reads a key file (JSON, "type": "service_account"); INVALID_ARGUMENT
  // naming the file and the missing or malformed field.
  static StatusOr<ServiceAccountKey> FromFile(const std::string& path);
  static StatusOr<ServiceAccountKey> FromJson(std::string_view json, std::string_view what);
};

// The OAuth2 scope of Cloud Firestore (and Datastore).
constexpr char kDatastoreScope[] = "https://www.googleapis.com/auth/datastore";

// The signed JWT assertion for `key`, issued at `now_seconds`, valid for an
// hour: base64url(header).base64url(claims).base64url(RS256 signature).
StatusOr<std::string> SignedAssertion(const ServiceAccountKey& key, int64_t now_seconds,
                                      const std::string& scope = kDatastoreScope);

// Access tokens for one key, fetched from its token_uri when there is none
// or the one held expires within a minute. Safe to share between threads.
class AccessTokens {
 public:
  explicit AccessTokens(ServiceAccountKey key) : key_(std::move(key)) {}
  const ServiceAccountKey& key() const { return key_; }
  // A token valid for at least a minute more; UNAUTHENTICATED with the token
  // endpoint's answer when it refuses the assertion.
  StatusOr<std::string> Get();

 private:
  ServiceAccountKey key_;
  std::mutex mu_;
  std::string token_;
  int64_t expires_at_ = 0;  // epoch seconds
};

}  // namespace hearth::sync
