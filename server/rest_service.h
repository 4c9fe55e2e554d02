// What `hearth serve` answers: Firestore REST v1 requests (reference/firestore.md
// §5.2, §8) carried out on a hearth Database, without HTTP. Every method takes
// the request's parts and returns the HTTP status and JSON body to send, so
// the server (server/rest_server.h) only routes, and tests can call it
// directly.
//
// Supported: documents:commit (atomic) and documents:batchWrite (each write
// on its own), with Firestore's preconditions (currentDocument exists or
// updateTime) and field transforms (server time, increment, maximum,
// minimum, array union and removal, with their transformResults);
// documents:batchGet, documents:runQuery (with `select`),
// documents:runAggregationQuery (count, sum, avg), documents:listCollectionIds; transactions
// (documents:beginTransaction, newTransaction or transaction on the reads,
// commit, documents:rollback) as server/transactions.h describes: optimistic,
// a commit whose reads changed fails with ABORTED; and GET / PATCH / DELETE
// of one document and GET of a collection's documents.
// Refused with UNIMPLEMENTED, saying what: reads at a past time (readTime).
//
// Errors are Firestore's: {"error": {"code": HTTP status, "message", "status":
// canonical gRPC name}}, as the official client reads them (§8.4).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "hearth/database.h"
#include "server/transactions.h"

namespace hearth::server {

struct RestResponse {
  int http_status = 200;
  std::string body;  // JSON
  // When set, the body is this instead, produced piece by piece (a large
  // answer is never held whole): it calls `write` with each piece in order
  // and stops early when `write` returns false (the client left). It
  // returns false when the answer broke off unfinished (the server then
  // cuts the connection, so a client never takes it for a whole one).
  std::function<bool(const std::function<bool(std::string_view)>& write)> stream;

  // The whole body, running the stream when there is one (for tests and
  // small answers).
  std::string Text() const;
};

class RestService {
 public:
  // `db` must outlive the service. Safe for concurrent use (Database is).
  explicit RestService(Database* db, TransactionOptions transactions = {});

  // `project` names the resource names of the answer; the database must be
  // "(default)" (checked by the server's routing).
  RestResponse Commit(std::string_view project, std::string_view body);
  RestResponse BatchWrite(std::string_view project, std::string_view body);
  RestResponse BatchGet(std::string_view project, std::string_view body);
  // `parent`: the parent document's path ("" for the root). The answer is
  // streamed: the query is checked (parsed, planned) first, so its errors
  // come with their own status; one after the first document (a stored
  // document failing its checksum) ends the array with an {"error": ...}
  // item, as a streamed gRPC answer ends with a status.
  RestResponse RunQuery(std::string_view project, std::string_view parent, std::string_view body);
  // count(), sum() and avg() over a query's results, computed here from the
  // documents it reads (one pass, nothing kept).
  RestResponse RunAggregationQuery(std::string_view project, std::string_view parent, std::string_view body);
  // `path` with an even number of segments: that document; odd: the
  // collection's documents ({"documents": [...]}, streamed; a document found
  // damaged part-way breaks the answer off).
  RestResponse Get(std::string_view project, std::string_view path);
  // Sets the document to the body's fields, or with `update_mask` given
  // (updateMask.fieldPaths of the URL) sets those paths, creating the
  // document when missing (Firestore's UpdateDocument). Answers the document.
  RestResponse Patch(std::string_view project, std::string_view path, std::string_view body,
                     const std::vector<std::string>& update_mask);
  RestResponse Delete(std::string_view project, std::string_view path);
  // documents:listCollectionIds under `parent` (a document path, "" for the
  // root): {"collectionIds": [...]}, sorted, the ids of the collections
  // holding a document directly under it, in one page.
  RestResponse ListCollectionIds(std::string_view parent, std::string_view body);
  // documents:beginTransaction: {"transaction": "<id>"}.
  RestResponse BeginTransaction(std::string_view body);
  // documents:rollback: forgets the transaction; {} (also when it is gone).
  RestResponse Rollback(std::string_view body);

  // Transactions open now (for tests and the server's status).
  size_t open_transactions() const { return txns_.open(); }

  // The error response for `s` (not OK).
  static RestResponse Error(const Status& s);
  // The HTTP status Firestore answers `code` with.
  static int HttpStatusOf(StatusCode code);

 private:
  Database* db_;
  Transactions txns_;
};

}  // namespace hearth::server
