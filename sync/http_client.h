// One HTTP connection (libcurl, kept alive between requests): what the
// Firestore REST client and the OAuth2 token exchange send their requests
// through. Use from one thread at a time.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "hearth/status.h"

namespace hearth::sync {

struct HttpResponse {
  long status = 0;  // HTTP status code
  std::string body;
};

class HttpClient {
 public:
  HttpClient();
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends `body` (none when empty) with `headers` ("Name: value"). Any
  // answer is returned, whatever its status; UNAVAILABLE naming the URL when
  // none came (connection refused, 10 s to connect, 300 s in all).
  StatusOr<HttpResponse> Send(const char* method, const std::string& url, const std::vector<std::string>& headers,
                              const std::string& body);

 private:
  void* easy_;  // CURL*
};

}  // namespace hearth::sync
