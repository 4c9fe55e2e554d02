#include "server/rest_server.h"

#include <httplib.h>

#include <chrono>
#include <limits>

namespace hearth::server {

namespace {

// /v1/projects/{project}/databases/{database}/documents{rest}
const char kDocumentsRoute[] = R"(/v1/projects/([^/]+)/databases/([^/]+)/documents(.*))";

void Send(httplib::Response& res, const RestResponse& r) {
  res.status = r.http_status;
  if (!r.stream) return res.set_content(r.body, "application/json; charset=UTF-8");
  // Streamed in chunks as the answer is produced.
  res.set_chunked_content_provider("application/json; charset=UTF-8",
                                   [stream = r.stream](size_t, httplib::DataSink& sink) {
                                     const bool whole = stream([&](std::string_view piece) {
                                       return sink.write(piece.data(), piece.size());
                                     });
                                     // Unfinished: no closing chunk; httplib drops the connection.
                                     if (!whole) return false;
                                     sink.done();
                                     return true;
                                   });
}

// The parts of a documents route, or an error response already sent.
struct Target {
  std::string project;
  std::string rest;  // after ".../documents": "", ":commit", "/a/b", "/a/b:runQuery"
};

bool Resolve(const httplib::Request& req, httplib::Response& res, Target* t) {
  const std::string database = req.matches[2];
  if (database != "(default)" && database != "%28default%29") {
    Send(res, RestService::Error(Status::NotFound("database " + database +
                                                  " does not exist: hearth serves the (default) database only")));
    return false;
  }
  t->project = req.matches[1];
  t->rest = req.matches[3];
  return true;
}

// "/a/b" -> "a/b"; refuses an empty path.
bool DocumentPathOf(const std::string& rest, httplib::Response& res, std::string* path) {
  if (rest.size() < 2 || rest[0] != '/') {
    Send(res, RestService::Error(Status::InvalidArgument("the URL names no document or collection")));
    return false;
  }
  *path = rest.substr(1);
  return true;
}

// True when `rest` is "[/parent/path]" + `method`; the parent path goes to `parent`.
bool MethodUnder(const std::string& rest, std::string_view method, std::string* parent) {
  if (rest.size() < method.size() || rest.compare(rest.size() - method.size(), method.size(), method) != 0)
    return false;
  *parent = rest.substr(0, rest.size() - method.size());
  if (!parent->empty() && (*parent)[0] == '/') parent->erase(0, 1);
  return true;
}

}  // namespace

RestServer::RestServer(Database* db, RestServerOptions options)
    : service_(db), options_(std::move(options)), http_(std::make_unique<httplib::Server>()) {}

RestServer::~RestServer() { Stop(); }

std::string RestServer::base_url() const { return "http://" + options_.host + ":" + std::to_string(port_); }

void RestServer::Route() {
  httplib::Server& s = *http_;
  const int threads = options_.threads > 0 ? options_.threads : 1;
  s.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  // A client keeps its connection for every request (the default closes it after 5).
  s.set_keep_alive_max_count(std::numeric_limits<size_t>::max());
  s.set_keep_alive_timeout(options_.keep_alive_seconds);
  s.set_tcp_nodelay(true);
  s.set_payload_max_length(options_.max_request_bytes);
  // SO_REUSEADDR only: httplib's default adds SO_REUSEPORT, which would let a
  // second server bind a port in use and share its connections silently.
  s.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, reinterpret_cast<const void*>(&yes), sizeof yes);
  });
  s.Post(kDocumentsRoute, [this](const httplib::Request& req, httplib::Response& res) {
    Target t;
    if (!Resolve(req, res, &t)) return;
    if (t.rest == ":commit") return Send(res, service_.Commit(t.project, req.body));
    if (t.rest == ":batchWrite") return Send(res, service_.BatchWrite(t.project, req.body));
    if (t.rest == ":batchGet") return Send(res, service_.BatchGet(t.project, req.body));
    if (t.rest == ":beginTransaction") return Send(res, service_.BeginTransaction(req.body));
    if (t.rest == ":rollback") return Send(res, service_.Rollback(req.body));
    std::string parent;
    if (MethodUnder(t.rest, ":runAggregationQuery", &parent))
      return Send(res, service_.RunAggregationQuery(t.project, parent, req.body));
    if (MethodUnder(t.rest, ":runQuery", &parent)) return Send(res, service_.RunQuery(t.project, parent, req.body));
    if (MethodUnder(t.rest, ":listCollectionIds", &parent))
      return Send(res, service_.ListCollectionIds(parent, req.body));
    const size_t colon = t.rest.rfind(':');
    const std::string method = colon == std::string::npos ? "POST" : t.rest.substr(colon + 1);
    Send(res, RestService::Error(Status::Unimplemented("documents " + method + " is not supported by hearth serve")));
  });
  s.Get(kDocumentsRoute, [this](const httplib::Request& req, httplib::Response& res) {
    Target t;
    std::string path;
    if (!Resolve(req, res, &t) || !DocumentPathOf(t.rest, res, &path)) return;
    Send(res, service_.Get(t.project, path));
  });
  s.Patch(kDocumentsRoute, [this](const httplib::Request& req, httplib::Response& res) {
    Target t;
    std::string path;
    if (!Resolve(req, res, &t) || !DocumentPathOf(t.rest, res, &path)) return;
    std::vector<std::string> mask;
    auto range = req.params.equal_range("updateMask.fieldPaths");
    for (auto it = range.first; it != range.second; ++it) mask.push_back(it->second);
    Send(res, service_.Patch(t.project, path, req.body, mask));
  });
  s.Delete(kDocumentsRoute, [this](const httplib::Request& req, httplib::Response& res) {
    Target t;
    std::string path;
    if (!Resolve(req, res, &t) || !DocumentPathOf(t.rest, res, &path)) return;
    Send(res, service_.Delete(t.project, path));
  });
  // Anything else: Firestore's error form, not httplib's empty page.
  s.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    Status st(StatusCode::kInvalidArgument, "HTTP " + std::to_string(res.status));
    if (res.status == 404) st = Status::NotFound("no such resource: " + req.method + " " + req.path);
    if (res.status == 413)
      st = Status(StatusCode::kInvalidArgument, "the request is larger than the server takes (hearth serve's limit)");
    const RestResponse r = RestService::Error(st);
    res.set_content(r.body, "application/json; charset=UTF-8");
  });
}

StatusOr<std::unique_ptr<RestServer>> RestServer::Start(Database* db, const RestServerOptions& options) {
  std::unique_ptr<RestServer> server(new RestServer(db, options));
  server->Route();
  if (options.port == 0) {
    server->port_ = server->http_->bind_to_any_port(options.host);
    if (server->port_ <= 0) return Status::Unavailable("cannot listen on " + options.host + " (any port)");
  } else {
    if (!server->http_->bind_to_port(options.host, options.port))
      return Status::Unavailable("cannot listen on " + options.host + ":" + std::to_string(options.port) +
                                 " (in use, or not an address of this machine)");
    server->port_ = options.port;
  }
  httplib::Server* http = server->http_.get();
  server->thread_ = std::thread([http] { http->listen_after_bind(); });
  // Serving before returning: httplib's stop() does nothing to a server not
  // yet in its accept loop, so a Stop() right after Start() would hang.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!http->is_running()) {
    if (std::chrono::steady_clock::now() > deadline)
      return Status::Unavailable("the server on " + server->base_url() + " did not start within 10 s");
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return server;
}

void RestServer::Stop() {
  if (http_) http_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace hearth::server
