#include "tools/cli_serve.h"

#include <signal.h>

#include <cstdio>

#include "server/rest_server.h"

namespace hearth::tools {

namespace {

struct ServeArgs {
  server::RestServerOptions server;
  bool allow_undeclared = false;
};

int Serve(const Globals& g, const ServeArgs& a) {
  const server::RestServerOptions& o = a.server;
  // Block the stop signals in every thread (the server's inherit the mask),
  // so that this thread takes them with sigwait and stops cleanly.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);
  auto db = OpenDb(g, true, a.allow_undeclared);
  if (!db.ok()) return Fail(db.status());
  auto server = server::RestServer::Start(db->get(), o);
  if (!server.ok()) return Fail(server.status());
  std::fprintf(stderr,
               "hearth serve: %s on %s (point a Firestore client at it with FIRESTORE_EMULATOR_HOST=%s:%d); "
               "Ctrl-C stops\n",
               g.db.c_str(), (*server)->base_url().c_str(), o.host.c_str(), (*server)->port());
  int sig = 0;
  sigwait(&stop, &sig);
  if (!g.quiet) std::fprintf(stderr, "hearth serve: stopping (signal %d)\n", sig);
  (*server)->Stop();
  server->reset();
  Status closed = (*db)->Close();
  if (!closed.ok()) return Fail(closed);
  return 0;
}

}  // namespace

Command AddServeCommand(CLI::App& app, const Globals& g) {
  auto a = std::make_shared<ServeArgs>();
  server::RestServerOptions* o = &a->server;
  o->port = 8080;
  auto* serve = app.add_subcommand(
      "serve",
      "serve the store over Firestore's REST API (v1: commit, batchWrite, batchGet, runQuery, runAggregationQuery, "
      "and GET/PATCH/DELETE of documents) until Ctrl-C; no access control, so it listens on loopback unless --host "
      "says otherwise");
  serve->add_option("--host", o->host, "address to listen on")->capture_default_str();
  serve->add_option("--port", o->port, "port to listen on (0: any free one, printed on stderr)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  serve->add_option("--threads", o->threads, "connections served at once")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  serve->add_flag("--allow-undeclared-collections", a->allow_undeclared,
                  "accept writes to any collection, as Firestore does (default: only the domain's collections and "
                  "those firestore.indexes.json names)");
  return {serve, [&g, a] { return Serve(g, *a); }};
}

}  // namespace hearth::tools
