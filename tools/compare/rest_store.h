// A store reached over Firestore's REST API (tools/compare/firestore_store.cc):
// what the 'firestore' store (the emulator or Cloud Firestore) and the
// 'hearth-rest' store (hearth served in this process) share.
#pragma once

#include <memory>
#include <string>

#include "sync/firestore_rest_client.h"
#include "tools/compare/snapshot_store.h"

namespace hearth::compare {

// What serves the endpoint when the run owns it (hearth-rest): settled
// and closed with the store. None for an endpoint run by someone else.
class RestBackend {
 public:
  virtual ~RestBackend() = default;
  virtual Status Settle() = 0;
  virtual Status Close() = 0;
};

// Snapshots under hearth-compare/{run}/snapshots at `endpoint`, named `name`.
// With a backend the store is local (its disk use is `dir`'s) and closing
// it closes the backend; without, closing deletes what the run wrote.
StatusOr<std::unique_ptr<SnapshotStore>> OpenRestStore(std::string name, std::string dir,
                                                       sync::FirestoreEndpoint endpoint,
                                                       std::unique_ptr<RestBackend> backend);

}  // namespace hearth::compare
