#include "sync/http_client.h"

#include <curl/curl.h>

#include <mutex>

namespace hearth::sync {

namespace {

size_t AppendBody(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

CURL* NewEasy() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  return curl_easy_init();
}

}  // namespace

HttpClient::HttpClient() : easy_(NewEasy()) {}

HttpClient::~HttpClient() {
  if (easy_) curl_easy_cleanup(static_cast<CURL*>(easy_));
}

StatusOr<HttpResponse> HttpClient::Send(const char* method, const std::string& url,
                                        const std::vector<std::string>& headers, const std::string& body) {
  CURL* e = static_cast<CURL*>(easy_);
  if (e == nullptr) return Status::Internal("curl_easy_init failed");
  HttpResponse response;
  curl_slist* list = nullptr;
  for (const std::string& h : headers) list = curl_slist_append(list, h.c_str());
  curl_easy_reset(e);
  curl_easy_setopt(e, CURLOPT_URL, url.c_str());
  curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, 300000L);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, AppendBody);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &response.body);
  if (!body.empty()) {
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }
  const CURLcode rc = curl_easy_perform(e);
  curl_slist_free_all(list);
  if (rc != CURLE_OK) return Status::Unavailable(std::string(method) + " " + url + ": " + curl_easy_strerror(rc));
  curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

}  // namespace hearth::sync
