// `hearth serve`: a Firestore REST v1 endpoint over a hearth Database
// (DESIGN.md, "server/"), on HTTP/1.1 with keep-alive, as the Firestore
// emulator serves it: the same paths (/v1/projects/{p}/databases/(default)/
// documents...), numeric or named enums, `%28default%29` decoded, any
// `Authorization` accepted (there is no access control: listen on loopback).
// What each request does is server/rest_service.h.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <thread>

#include "hearth/database.h"
#include "server/rest_service.h"

namespace httplib {
class Server;
}

namespace hearth::server {

struct RestServerOptions {
  // Address to listen on. Default: loopback only.
  std::string host = "127.0.0.1";
  // Port; 0 (the default) picks a free one (see RestServer::port()).
  int port = 0;
  // Connections served at once (a thread each; an idle keep-alive
  // connection holds its thread until keep_alive_seconds pass). Default: 16.
  int threads = 16;
  // How long an idle connection is kept open. Default: 5 s.
  int keep_alive_seconds = 5;
  // Largest request body taken; a larger one is answered 413 without being
  // read. Default: 32 MiB (Cloud Firestore takes 10 MiB per request).
  size_t max_request_bytes = size_t{32} << 20;
};

class RestServer {
 public:
  // Listens and starts serving `db` (which must outlive the server) on
  // background threads. UNAVAILABLE when the address cannot be bound.
  static StatusOr<std::unique_ptr<RestServer>> Start(Database* db, const RestServerOptions& options);
  ~RestServer();  // Stop()
  RestServer(const RestServer&) = delete;
  RestServer& operator=(const RestServer&) = delete;

  int port() const { return port_; }
  // "http://host:port"
  std::string base_url() const;
  // Stops accepting, finishes the requests in progress, and returns once
  // every connection has closed: an idle keep-alive connection is waited for
  // until its keep_alive_seconds pass. Idempotent; call from one thread.
  void Stop();

 private:
  RestServer(Database* db, RestServerOptions options);
  void Route();

  RestService service_;
  RestServerOptions options_;
  std::unique_ptr<httplib::Server> http_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace hearth::server
