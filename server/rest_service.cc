#include "server/rest_service.h"

#include <algorithm>
#include <span>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "schema/json.h"
#include "schema/path.h"
#include "schema/rest_requests.h"
#include "schema/structured_query.h"
#include "schema/time_format.h"

namespace hearth::server {

namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void WriteString(JsonWriter& w, std::string_view s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }

std::string Text(const rapidjson::StringBuffer& buf) { return std::string(buf.GetString(), buf.GetSize()); }

// A streamed answer's text, handed to `write` in pieces of about 64 KB;
// once `write` refuses (the client left), nothing more is taken.
class Pieces {
 public:
  explicit Pieces(const std::function<bool(std::string_view)>& write) : write_(write) {}
  std::string& text() { return piece_; }
  // Sends what has gathered when it is a piece's worth, or when `last`.
  // False once the client has left.
  bool Flush(bool last) {
    constexpr size_t kPieceBytes = size_t{64} << 10;
    if (open_ && (last || piece_.size() >= kPieceBytes)) {
      open_ = write_(piece_);
      piece_.clear();
    }
    return open_;
  }

 private:
  const std::function<bool(std::string_view)>& write_;
  std::string piece_;
  bool open_ = true;
};

// A whole (not streamed) answer.
RestResponse Answer(int http_status, std::string body) {
  RestResponse r;
  r.http_status = http_status;
  r.body = std::move(body);
  return r;
}

// The engine's write for `w`: a replace (kSet) or, with a mask, a merge
// (kMerge), or a delete; Firestore's currentDocument as the precondition.
WriteBatch::Op OpOf(schema::RestWriteRequest& w) {
  WriteBatch::Op op;
  op.path = std::move(w.path);
  if (w.kind == schema::RestWriteRequest::Kind::kDelete) {
    op.kind = WriteBatch::Kind::kDelete;
  } else {
    op.kind = w.update_mask ? WriteBatch::Kind::kMerge : WriteBatch::Kind::kSet;
    op.fields = std::move(w.fields);
    if (w.update_mask) op.update_mask = std::move(*w.update_mask);
    op.transforms = std::move(w.transforms);
  }
  op.precondition.exists = w.exists;
  op.precondition.update_time = w.update_time;
  return op;
}

// A select's field paths, parsed once for the whole answer ("__name__"
// selects no field).
StatusOr<std::vector<schema::FieldPath>> SelectedFields(const std::vector<std::string>& select) {
  std::vector<schema::FieldPath> out;
  for (const std::string& f : select) {
    if (f == "__name__") continue;
    HEARTH_ASSIGN_OR_RETURN(schema::FieldPath p, schema::ParseFieldPath(f));
    out.push_back(std::move(p));
  }
  return out;
}

// The document with only the selected fields.
MapValue Project(const MapValue& fields, const std::vector<schema::FieldPath>& selected) {
  MapValue out;
  for (const schema::FieldPath& p : selected)
    if (const Value* v = schema::FindField(fields, p)) schema::SetField(&out, p, *v);
  return out;
}

// One WriteResult: {"updateTime", "transformResults"? (the write's
// transforms' results, when it had any)}.
void AppendWriteResult(JsonWriter& w, const std::string& update_time, std::span<const Value> results,
                       std::string_view project) {
  w.StartObject();
  w.Key("updateTime");
  WriteString(w, update_time);
  if (!results.empty()) {
    w.Key("transformResults");
    w.StartArray();
    for (const Value& r : results) {
      const std::string v = schema::RestValueJson(r, project);
      w.RawValue(v.data(), v.size(), rapidjson::kObjectType);
    }
    w.EndArray();
  }
  w.EndObject();
}

// A commit's answer: the commit time for each write (with its transforms'
// results: `transforms[i]` of `results`, in order) and for the commit.
std::string WriteResults(const std::vector<size_t>& transforms, const std::vector<Value>& results, Timestamp commit,
                         std::string_view project) {
  const std::string t = schema::FormatRfc3339(commit);
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key("writeResults");
  w.StartArray();
  size_t next = 0;
  for (size_t n : transforms) {
    const size_t take = std::min(n, results.size() - next);
    AppendWriteResult(w, t, std::span<const Value>(results).subspan(next, take), project);
    next += take;
  }
  w.EndArray();
  w.Key("commitTime");
  WriteString(w, t);
  w.EndObject();
  return Text(buf);
}

Status ReadTimeRefused() {
  return Status::Unimplemented("reading at a past time (readTime) is not supported by hearth serve");
}

// Where a read of a request takes part in a transaction: none, the one
// named, or one it begins (`begun`: its id, for the answer's first item).
struct TransactionRead {
  std::string id;
  bool begun = false;
  // Notes that the transaction (if any) read `path` as it was at
  // `update_time` (nullopt: missing).
  Status Record(Transactions& txns, const std::string& path, std::optional<Timestamp> update_time) const {
    return id.empty() ? Status::OK() : txns.Read(id, path, update_time);
  }
};

StatusOr<TransactionRead> JoinTransaction(Transactions& txns, const schema::RestReadConsistency& c) {
  if (c.read_time) return ReadTimeRefused();
  TransactionRead r;
  if (c.new_read_only) {
    HEARTH_ASSIGN_OR_RETURN(r.id, txns.Begin(*c.new_read_only));
    r.begun = true;
  } else if (!c.transaction.empty()) {
    HEARTH_RETURN_IF_ERROR(txns.CheckOpen(c.transaction));
    r.id = c.transaction;
  }
  return r;
}

// The first item of a read's answer that begins a transaction.
std::string TransactionItem(const std::string& id, const std::string& read_time) {
  return "{\"transaction\":\"" + id + "\",\"readTime\":\"" + read_time + "\"}";
}

}  // namespace

RestService::RestService(Database* db, TransactionOptions transactions) : db_(db), txns_(transactions) {}

int RestService::HttpStatusOf(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return 200;
    case StatusCode::kCancelled: return 499;
    case StatusCode::kInvalidArgument:
    case StatusCode::kFailedPrecondition:
    case StatusCode::kOutOfRange: return 400;
    case StatusCode::kUnauthenticated: return 401;
    case StatusCode::kPermissionDenied: return 403;
    case StatusCode::kNotFound: return 404;
    case StatusCode::kAlreadyExists:
    case StatusCode::kAborted: return 409;
    case StatusCode::kResourceExhausted: return 429;
    case StatusCode::kUnimplemented: return 501;
    case StatusCode::kUnavailable: return 503;
    case StatusCode::kDeadlineExceeded: return 504;
    default: return 500;
  }
}

RestResponse RestService::Error(const Status& s) {
  const int http = HttpStatusOf(s.code());
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key("error");
  w.StartObject();
  w.Key("code");
  w.Int(http);
  w.Key("message");
  WriteString(w, s.message());
  w.Key("status");
  WriteString(w, StatusCodeName(s.code()));
  w.EndObject();
  w.EndObject();
  return Answer(http, Text(buf));
}

RestResponse RestService::Commit(std::string_view project, std::string_view body) {
  auto req = schema::ParseRestCommitRequest(body);
  if (!req.ok()) return Error(req.status().WithContext("commit"));
  WriteBatch batch;
  if (!req->transaction.empty()) {
    auto ended = txns_.End(req->transaction);
    if (!ended.ok()) return Error(ended.status());
    if (ended->read_only && !req->writes.empty())
      return Error(Status::InvalidArgument("transaction " + req->transaction + " is read-only and cannot write"));
    // What it read must still be as it was, or the commit aborts.
    for (const auto& [path, updated] : ended->reads) {
      WriteBatch::Precondition expected;
      if (updated) expected.update_time = *updated;
      else expected.exists = false;
      batch.Check(path, expected);
    }
  }
  std::vector<size_t> transforms;
  for (schema::RestWriteRequest& w : req->writes) {
    transforms.push_back(w.transforms.size());
    batch.Add(OpOf(w));
  }
  std::vector<Value> results;
  auto commit = db_->Write(batch, &results);
  if (!commit.ok()) return Error(commit.status());
  return Answer(200, WriteResults(transforms, results, *commit, project));
}

RestResponse RestService::BatchWrite(std::string_view project, std::string_view body) {
  auto req = schema::ParseRestCommitRequest(body);
  if (!req.ok()) return Error(req.status().WithContext("batchWrite"));
  // Each write on its own: a status per write, an update time for those done.
  std::vector<Status> statuses;
  std::vector<Timestamp> times;
  std::vector<std::vector<Value>> results(req->writes.size());
  if (!req->transaction.empty()) return Error(Status::InvalidArgument("batchWrite takes no transaction"));
  for (size_t i = 0; i < req->writes.size(); i++) {
    Status s;
    Timestamp t;
    WriteBatch one;
    one.Add(OpOf(req->writes[i]));
    auto r = db_->Write(one, &results[i]);
    if (r.ok()) t = *r;
    else s = r.status();
    statuses.push_back(s);
    times.push_back(t);
  }
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key("writeResults");
  w.StartArray();
  for (size_t i = 0; i < statuses.size(); i++) {
    if (statuses[i].ok()) {
      AppendWriteResult(w, schema::FormatRfc3339(times[i]), results[i], project);
    } else {
      w.StartObject();
      w.EndObject();
    }
  }
  w.EndArray();
  w.Key("status");
  w.StartArray();
  for (const Status& s : statuses) {
    w.StartObject();
    if (!s.ok()) {
      w.Key("code");
      w.Int(static_cast<int>(s.code()));
      w.Key("message");
      WriteString(w, s.message());
    }
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return Answer(200, Text(buf));
}

RestResponse RestService::BatchGet(std::string_view project, std::string_view body) {
  auto req = schema::ParseRestBatchGetRequest(body);
  if (!req.ok()) return Error(req.status().WithContext("batchGet"));
  auto txn = JoinTransaction(txns_, req->consistency);
  if (!txn.ok()) return Error(txn.status());
  const std::string read_time = schema::FormatRfc3339(Timestamp::Now());
  std::string out = "[";
  if (txn->begun) out += TransactionItem(txn->id, read_time);
  for (size_t i = 0; i < req->paths.size(); i++) {
    auto doc = db_->Get(req->paths[i]);
    if (!doc.ok() && doc.status().code() != StatusCode::kNotFound) return Error(doc.status());
    Status s = txn->Record(txns_, req->paths[i], doc.ok() ? std::optional<Timestamp>(doc->update_time) : std::nullopt);
    if (!s.ok()) return Error(s);
    if (i > 0 || txn->begun) out += ',';
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    w.StartObject();
    if (doc.ok()) {
      w.Key("found");
      const std::string d = schema::RestDocumentJson(*doc, project);
      w.RawValue(d.data(), d.size(), rapidjson::kObjectType);
    } else {
      w.Key("missing");
      WriteString(w, req->names[i]);
    }
    w.Key("readTime");
    WriteString(w, read_time);
    w.EndObject();
    out += Text(buf);
  }
  out += "]";
  return Answer(200, std::move(out));
}

RestResponse RestService::RunQuery(std::string_view project, std::string_view parent, std::string_view body) {
  std::optional<std::vector<std::string>> select;
  auto q = schema::ParseStructuredQuery(body, std::string(parent), &select);
  if (!q.ok()) return Error(q.status());
  // Planning finds what would fail the whole query (no index serves it)
  // while a status can still be sent.
  auto plan = db_->ExplainQuery(*q);
  if (!plan.ok()) return Error(plan.status());
  std::optional<std::vector<schema::FieldPath>> selected;
  if (select) {
    auto fields = SelectedFields(*select);
    if (!fields.ok()) return Error(fields.status().WithContext("select"));
    selected = std::move(*fields);
  }
  auto consistency = schema::ParseRestReadConsistency(body);
  if (!consistency.ok()) return Error(consistency.status());
  auto txn = JoinTransaction(txns_, *consistency);
  if (!txn.ok()) return Error(txn.status());
  RestResponse r;
  r.stream = [db = db_, txns = &txns_, txn = std::move(*txn), query = std::move(*q), selected = std::move(selected),
              project = std::string(project)](const std::function<bool(std::string_view)>& write) {
    const std::string read_time = schema::FormatRfc3339(Timestamp::Now());
    Pieces out(write);
    std::string& piece = out.text();
    piece = "[";
    bool any = false;
    if (txn.begun) {
      piece += TransactionItem(txn.id, read_time);
      any = true;
    }
    Status recorded;
    Status s = db->RunQuery(query, [&](const Document& d) {
      recorded = txn.Record(*txns, d.path, d.update_time);
      if (!recorded.ok()) return false;
      const std::string json =
          selected ? schema::RestDocumentJson(
                         Document{d.path, Project(d.fields, *selected), d.create_time, d.update_time}, project)
                   : schema::RestDocumentJson(d, project);
      if (any) piece += ',';
      any = true;
      piece += "{\"document\":";
      piece += json;
      piece += ",\"readTime\":\"" + read_time + "\"}";
      return out.Flush(false);
    });
    if (s.ok()) s = recorded;
    if (!s.ok()) {
      if (any) piece += ',';
      piece += Error(s).body;
    } else if (!any) {
      piece += "{\"readTime\":\"" + read_time + "\"}";
    }
    piece += "]";
    out.Flush(true);
    return true;  // a failure is reported in the answer, as gRPC ends a stream with a status
  };
  return r;
}

std::string RestResponse::Text() const {
  if (!stream) return body;
  std::string out;
  if (!stream([&](std::string_view piece) {
        out.append(piece);
        return true;
      }))
    out += "\n(the answer broke off here)";
  return out;
}

namespace {

// One aggregation's running state, as Firestore computes it: count counts
// documents; sum adds numbers (an integer while every value is one and no
// sum overflows, else a double; other types are skipped); avg is a double,
// null when no number was seen.
struct Accumulator {
  schema::RestAggregation def;
  schema::FieldPath field;
  int64_t count = 0;
  int64_t int_sum = 0;
  double double_sum = 0;
  bool as_double = false;
  int64_t numbers = 0;

  void Add(const MapValue& fields) {
    if (def.kind == schema::RestAggregation::Kind::kCount) {
      count++;
      return;
    }
    const Value* v = schema::FindField(fields, field);
    if (v == nullptr || !v->is_number()) return;
    numbers++;
    double_sum += v->AsDouble();
    if (v->type() == Value::Type::kDouble || __builtin_add_overflow(int_sum, v->integer(), &int_sum)) as_double = true;
  }
  Value Result() const {
    switch (def.kind) {
      case schema::RestAggregation::Kind::kCount:
        return Value::Integer(def.up_to ? std::min(count, *def.up_to) : count);
      case schema::RestAggregation::Kind::kSum:
        return as_double ? Value::Double(double_sum) : Value::Integer(int_sum);
      case schema::RestAggregation::Kind::kAvg:
        return numbers == 0 ? Value::Null() : Value::Double(double_sum / static_cast<double>(numbers));
    }
    return Value::Null();
  }
};

}  // namespace

RestResponse RestService::RunAggregationQuery(std::string_view project, std::string_view parent,
                                              std::string_view body) {
  auto req = schema::ParseRestAggregationRequest(body);
  if (!req.ok()) return Error(req.status().WithContext("runAggregationQuery"));
  auto q = schema::ParseStructuredQuery(req->structured_query, std::string(parent));
  if (!q.ok()) return Error(q.status());
  std::vector<Accumulator> accs;
  std::optional<int64_t> stop_after;  // every aggregation a count with upTo: read no further
  bool counts_only = true;
  for (const schema::RestAggregation& a : req->aggregations) {
    Accumulator acc{a, {}};
    if (a.kind != schema::RestAggregation::Kind::kCount) {
      auto p = schema::ParseFieldPath(a.field);
      if (!p.ok()) return Error(p.status().WithContext("aggregation " + a.alias));
      acc.field = std::move(*p);
      counts_only = false;
    } else if (a.up_to) {
      stop_after = std::max(stop_after.value_or(0), *a.up_to);
    } else {
      counts_only = false;
    }
    accs.push_back(std::move(acc));
  }
  if (!counts_only) stop_after.reset();
  auto consistency = schema::ParseRestReadConsistency(body);
  if (!consistency.ok()) return Error(consistency.status());
  auto txn = JoinTransaction(txns_, *consistency);
  if (!txn.ok()) return Error(txn.status());
  int64_t read = 0;
  Status recorded;
  Status s = db_->RunQuery(*q, [&](const Document& d) {
    // In a transaction, every document aggregated counts as read.
    recorded = txn->Record(txns_, d.path, d.update_time);
    if (!recorded.ok()) return false;
    for (Accumulator& a : accs) a.Add(d.fields);
    return !stop_after || ++read < *stop_after;
  });
  if (s.ok()) s = recorded;
  if (!s.ok()) return Error(s);
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartArray();
  w.StartObject();
  if (txn->begun) {
    w.Key("transaction");
    WriteString(w, txn->id);
  }
  w.Key("result");
  w.StartObject();
  w.Key("aggregateFields");
  w.StartObject();
  for (const Accumulator& a : accs) {
    w.Key(a.def.alias.data(), static_cast<rapidjson::SizeType>(a.def.alias.size()));
    const std::string v = schema::RestValueJson(a.Result(), project);
    w.RawValue(v.data(), v.size(), rapidjson::kObjectType);
  }
  w.EndObject();
  w.EndObject();
  w.Key("readTime");
  WriteString(w, schema::FormatRfc3339(Timestamp::Now()));
  w.EndObject();
  w.EndArray();
  return Answer(200, Text(buf));
}

RestResponse RestService::ListCollectionIds(std::string_view parent, std::string_view body) {
  Status request = schema::CheckRestListCollectionIdsRequest(body);
  if (!request.ok()) return Error(request.WithContext("listCollectionIds"));
  if (!parent.empty()) {
    auto p = schema::ParseDocumentPath(parent);
    if (!p.ok()) return Error(p.status().WithContext("listCollectionIds"));
  }
  auto stats = db_->GetStats();
  if (!stats.ok()) return Error(stats.status());
  std::vector<std::string> ids;
  for (const CollectionStats& c : stats->collections) {
    if (c.documents == 0) continue;
    // Holds a document directly under `parent` (a collection id is shared by
    // every parent's collection of that name).
    bool found = false;
    Status s = db_->Scan(parent.empty() ? c.id : std::string(parent) + "/" + c.id, [&](const Document&) {
      found = true;
      return false;
    });
    if (!s.ok()) return Error(s);
    if (found) ids.push_back(c.id);
  }
  std::sort(ids.begin(), ids.end());
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key("collectionIds");
  w.StartArray();
  for (const std::string& id : ids) WriteString(w, id);
  w.EndArray();
  w.EndObject();
  return Answer(200, Text(buf));
}

RestResponse RestService::BeginTransaction(std::string_view body) {
  auto req = schema::ParseRestBeginTransactionRequest(body);
  if (!req.ok()) return Error(req.status().WithContext("beginTransaction"));
  if (req->read_time) return Error(ReadTimeRefused());
  auto id = txns_.Begin(req->read_only);
  if (!id.ok()) return Error(id.status());
  return Answer(200, "{\"transaction\":\"" + *id + "\"}");
}

RestResponse RestService::Rollback(std::string_view body) {
  auto id = schema::ParseRestRollbackRequest(body);
  if (!id.ok()) return Error(id.status().WithContext("rollback"));
  // Rolling back one already gone (committed, expired) is not an error: the
  // client rolls back after a failed commit.
  txns_.Rollback(*id);
  return Answer(200, "{}");
}

RestResponse RestService::Get(std::string_view project, std::string_view path) {
  const size_t segments = static_cast<size_t>(std::count(path.begin(), path.end(), '/')) + 1;
  if (segments % 2 == 1) {
    // A collection: its documents in name order, streamed.
    auto collection = schema::ParseCollectionPath(path);
    if (!collection.ok()) return Error(collection.status());
    RestResponse r;
    r.stream = [db = db_, path = std::string(path),
                project = std::string(project)](const std::function<bool(std::string_view)>& write) {
      Pieces out(write);
      out.text() = "{\"documents\":[";
      bool first = true;
      Status s = db->Scan(path, [&](const Document& d) {
        if (!first) out.text() += ',';
        first = false;
        out.text() += schema::RestDocumentJson(d, project);
        return out.Flush(false);
      });
      if (!s.ok()) return false;  // no way to say it inside a list: break the answer off
      out.text() += "]}";
      out.Flush(true);
      return true;
    };
    return r;
  }
  auto doc = db_->Get(path);
  if (!doc.ok()) return Error(doc.status());
  return Answer(200, schema::RestDocumentJson(*doc, project));
}

RestResponse RestService::Patch(std::string_view project, std::string_view path, std::string_view body,
                                const std::vector<std::string>& update_mask) {
  auto doc = schema::ParseRestDocument(body);
  if (!doc.ok()) return Error(doc.status().WithContext("document " + std::string(path)));
  if (doc->name && *doc->name != path)
    return Error(Status::InvalidArgument("the body names document " + *doc->name + ", the URL " + std::string(path)));
  // With a mask, PATCH merges and creates a missing document, as Firestore's.
  WriteBatch batch;
  if (update_mask.empty()) batch.Set(std::string(path), std::move(doc->fields));
  else batch.Merge(std::string(path), std::move(doc->fields), update_mask);
  auto written = db_->Write(batch);
  if (!written.ok()) return Error(written.status());
  return Get(project, path);
}

RestResponse RestService::Delete(std::string_view, std::string_view path) {
  auto deleted = db_->Delete(path);
  if (!deleted.ok()) return Error(deleted.status());
  return Answer(200, "{}");
}

}  // namespace hearth::server
