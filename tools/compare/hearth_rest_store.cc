// hearth over its REST server as a compared store: a Database in the store's
// directory, served by `hearth serve`'s RestServer on a free loopback port in
// this process, and driven by the same REST client and requests as the
// Firestore peer (tools/compare/firestore_store.cc). What this adds to the
// embedded 'hearth' store's numbers is the price of HTTP and JSON.
#include "server/rest_server.h"
#include "tools/compare/rest_store.h"

namespace hearth::compare {

namespace {

class ServedHearth : public RestBackend {
 public:
  ServedHearth(std::unique_ptr<Database> db, std::unique_ptr<server::RestServer> server)
      : db_(std::move(db)), server_(std::move(server)) {}
  ~ServedHearth() override { (void)Close(); }

  Status Settle() override { return db_->Compact(); }

  Status Close() override {
    if (!db_) return Status::OK();
    server_->Stop();
    server_.reset();
    Status s = db_->Close();
    db_.reset();
    return s;
  }

 private:
  std::unique_ptr<Database> db_;
  std::unique_ptr<server::RestServer> server_;
};

}  // namespace

StatusOr<std::unique_ptr<SnapshotStore>> OpenHearthRestStore(const std::string& dir, size_t cache_bytes) {
  Options o;
  o.block_cache_bytes = cache_bytes;
  HEARTH_ASSIGN_OR_RETURN(auto db, Database::Open(o, dir));
  server::RestServerOptions so;  // loopback, a free port
  HEARTH_ASSIGN_OR_RETURN(auto server, server::RestServer::Start(db.get(), so));
  sync::FirestoreEndpoint endpoint;
  endpoint.base_url = server->base_url();
  endpoint.project_id = "hearth-compare";
  auto backend = std::make_unique<ServedHearth>(std::move(db), std::move(server));
  return OpenRestStore("hearth-rest", dir, std::move(endpoint), std::move(backend));
}

}  // namespace hearth::compare
