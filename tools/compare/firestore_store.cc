// A Firestore endpoint as a compared store, through its REST API: what a
// Firestore user's program does. Snapshots are documents of the collection
// hearth-compare/{run}/snapshots (ids as hearth's: monitor_seconds), a
// collection of this run's own, written with
// documents:commit (a batch is one atomic commit); every
// question is one or two runQuery calls with the filters and order the
// snapshots' composite indexes serve. Monthly summaries are computed from
// the month's documents on the client, because Firestore's aggregation
// queries have no min or max. Retention queries each monitor's old names and
// deletes them in commits of kDeletesPerCommit.
//
// On the emulator each run also has a project of its own, cleared on Close;
// on Cloud Firestore Close deletes what the run wrote. Its disk use is the
// endpoint's business: not measured.
#include <unistd.h>

#include <chrono>
#include <set>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "schema/json.h"
#include "sync/firestore_rest_client.h"
#include "tools/compare/rest_store.h"

namespace hearth::compare {

namespace {

constexpr char kCollection[] = "snapshots";
// Deletes per commit in retention: Firestore's former limit, a request of ~100 KB.
constexpr size_t kDeletesPerCommit = 500;

// One bound on "timestamp": the operator and epoch seconds.
struct TimeBound {
  const char* op;  // "GREATER_THAN_OR_EQUAL", "LESS_THAN", ...
  int64_t seconds;
};

// The StructuredQuery for "monitor_id == monitor AND every bound, ordered by
// timestamp": what the composite indexes (monitor_id, timestamp ±) serve.
std::string SnapshotQuery(const std::string& project, const std::string& monitor, std::vector<TimeBound> bounds,
                          bool newest_first, int limit, bool names_only) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  auto field_filter = [&](const char* field, const char* op, const Value& v) {
    w.StartObject();
    w.Key("fieldFilter");
    w.StartObject();
    w.Key("field");
    w.StartObject();
    w.Key("fieldPath");
    w.String(field);
    w.EndObject();
    w.Key("op");
    w.String(op);
    w.Key("value");
    const std::string json = schema::RestValueJson(v, project);
    w.RawValue(json.data(), json.size(), rapidjson::kObjectType);
    w.EndObject();
    w.EndObject();
  };
  w.StartObject();
  w.Key("from");
  w.StartArray();
  w.StartObject();
  w.Key("collectionId");
  w.String(kCollection);
  w.EndObject();
  w.EndArray();
  if (names_only) {
    w.Key("select");
    w.StartObject();
    w.Key("fields");
    w.StartArray();
    w.StartObject();
    w.Key("fieldPath");
    w.String("__name__");
    w.EndObject();
    w.EndArray();
    w.EndObject();
  }
  w.Key("where");
  w.StartObject();
  w.Key("compositeFilter");
  w.StartObject();
  w.Key("op");
  w.String("AND");
  w.Key("filters");
  w.StartArray();
  field_filter("monitor_id", "EQUAL", Value::String(monitor));
  for (const TimeBound& b : bounds) field_filter("timestamp", b.op, Value::Time(Timestamp{b.seconds, 0}));
  w.EndArray();
  w.EndObject();
  w.EndObject();
  w.Key("orderBy");
  w.StartArray();
  w.StartObject();
  w.Key("field");
  w.StartObject();
  w.Key("fieldPath");
  w.String("timestamp");
  w.EndObject();
  w.Key("direction");
  w.String(newest_first ? "DESCENDING" : "ASCENDING");
  w.EndObject();
  w.EndArray();
  if (limit > 0) {
    w.Key("limit");
    w.Int(limit);
  }
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

// Adds the numbers of one snapshot to `summary` (what the other stores sum:
// financial_metrics' numbers and news_sentiment).
void AddMetrics(const MapValue& fields, SummaryBuilder* summary) {
  summary->AddSnapshot();
  auto fm = fields.find("financial_metrics");
  if (fm != fields.end() && fm->second.type() == Value::Type::kMap)
    for (const auto& [name, v] : fm->second.map())
      if (v.is_number()) summary->AddNumber(name, v.AsDouble());
  auto ns = fields.find("news_sentiment");
  if (ns != fields.end() && ns->second.is_number()) summary->AddNumber("news_sentiment", ns->second.AsDouble());
}

class FirestoreReader : public SnapshotReader {
 public:
  FirestoreReader(std::unique_ptr<sync::FirestoreRestClient> client, std::string parent)
      : client_(std::move(client)), parent_(std::move(parent)) {}

  Status Latest(const std::string& monitor, ReadResult* out) override {
    return Texts(Query(monitor, {}, true, 1), out);
  }

  Status Range(const std::string& monitor, int64_t from, int64_t to, ReadResult* out) override {
    return Texts(Query(monitor, {{"GREATER_THAN_OR_EQUAL", from}, {"LESS_THAN", to}}, true, 0), out);
  }

  Status AtTime(const std::string& monitor, int64_t t, int64_t tolerance, ReadResult* out) override {
    HEARTH_ASSIGN_OR_RETURN(
        auto before, Query(monitor, {{"GREATER_THAN_OR_EQUAL", t - tolerance}, {"LESS_THAN_OR_EQUAL", t}}, true, 1));
    HEARTH_ASSIGN_OR_RETURN(auto after,
                            Query(monitor, {{"GREATER_THAN", t}, {"LESS_THAN_OR_EQUAL", t + tolerance}}, false, 1));
    auto time_of = [](const schema::ParsedDocument& d) {
      auto it = d.fields.find("timestamp");
      return it != d.fields.end() && it->second.type() == Value::Type::kTimestamp ? it->second.timestamp().seconds : 0;
    };
    const schema::ParsedDocument* pick = nullptr;
    if (!before.empty() && (after.empty() || t - time_of(before[0]) <= time_of(after[0]) - t)) pick = &before[0];
    else if (!after.empty()) pick = &after[0];
    if (pick) out->texts.push_back(schema::PlainDocumentJson(pick->fields));
    return Status::OK();
  }

  Status MonthlySummary(const std::string& monitor, const Window& month, ReadResult* out) override {
    HEARTH_ASSIGN_OR_RETURN(
        auto docs,
        Query(monitor, {{"GREATER_THAN_OR_EQUAL", month.start.seconds}, {"LESS_THAN", month.end.seconds}}, false, 0));
    SummaryBuilder summary;
    for (const schema::ParsedDocument& d : docs) AddMetrics(d.fields, &summary);
    out->summary = summary.Finish();
    return Status::OK();
  }

 private:
  StatusOr<std::vector<schema::ParsedDocument>> Query(const std::string& monitor, std::vector<TimeBound> bounds,
                                                      bool newest_first, int limit) {
    return client_->RunQuery(
        parent_, SnapshotQuery(client_->endpoint().project_id, monitor, std::move(bounds), newest_first, limit, false));
  }
  // The documents as plain JSON text, the form the other peers hand out.
  static Status Texts(StatusOr<std::vector<schema::ParsedDocument>> docs, ReadResult* out) {
    HEARTH_RETURN_IF_ERROR(docs.status());
    for (const schema::ParsedDocument& d : *docs) out->texts.push_back(schema::PlainDocumentJson(d.fields));
    return Status::OK();
  }

  std::unique_ptr<sync::FirestoreRestClient> client_;
  std::string parent_;
};

class FirestoreStore : public SnapshotStore {
 public:
  FirestoreStore(std::string name, std::string dir, sync::FirestoreEndpoint endpoint,
                 std::unique_ptr<sync::FirestoreRestClient> client, std::string parent,
                 std::unique_ptr<RestBackend> backend)
      : name_(std::move(name)),
        dir_(std::move(dir)),
        endpoint_(std::move(endpoint)),
        client_(std::move(client)),
        parent_(std::move(parent)),
        backend_(std::move(backend)) {}
  ~FirestoreStore() override { (void)Close(); }

  std::string name() const override { return name_; }
  const std::string& dir() const override { return dir_; }
  bool local() const override { return backend_ != nullptr; }
  bool writes_on_calling_thread() const override { return false; }

  void Prepare(const SnapshotBatch& b) override {
    writes_.clear();
    for (size_t i = 0; i < b.size(); i++)
      writes_.push_back(
          {parent_ + "/" + kCollection + "/" + b.monitor[i] + "_" + std::to_string(b.seconds[i]), b.fields[i]});
  }

  Status Ingest(const SnapshotBatch& b) override {
    for (const std::string& m : b.monitor) monitors_.insert(m);
    return client_->Commit(writes_);
  }

  Status Settle() override { return backend_ ? backend_->Settle() : Status::OK(); }

  Status DeleteBefore(int64_t cutoff) override {
    for (const std::string& m : monitors_)
      HEARTH_RETURN_IF_ERROR(DeleteMatching(SnapshotQuery(endpoint_.project_id, m, {{"LESS_THAN", cutoff}}, false, 0, true)));
    return Status::OK();
  }

  StatusOr<std::unique_ptr<SnapshotReader>> NewReader() override {
    HEARTH_ASSIGN_OR_RETURN(auto client, sync::FirestoreRestClient::Open(endpoint_));
    return std::unique_ptr<SnapshotReader>(new FirestoreReader(std::move(client), parent_));
  }

  // Removes what the run wrote: the emulator's project, or on Cloud
  // Firestore every document of the run's collection; a backend of the run's
  // own is closed instead (its directory goes with the run's).
  Status Close() override {
    if (!client_) return Status::OK();
    if (backend_) {
      client_.reset();
      Status s = backend_->Close();
      backend_.reset();
      return s;
    }
    Status s = endpoint_.emulator()
                   ? client_->ClearEmulatorDatabase()
                   : DeleteMatching(R"({"from":[{"collectionId":")" + std::string(kCollection) +
                                    R"("}],"select":{"fields":[{"fieldPath":"__name__"}]}})");
    client_.reset();
    return s;
  }

 private:
  // Deletes the documents of the run's collection that `query` (names only) finds.
  Status DeleteMatching(const std::string& query) {
    HEARTH_ASSIGN_OR_RETURN(auto found, client_->RunQuery(parent_, query));
    std::vector<sync::RestWrite> deletes;
    for (const schema::ParsedDocument& d : found) {
      if (!d.name) return Status::Internal("a runQuery result without a name");
      deletes.push_back({*d.name, std::nullopt});
      if (deletes.size() == kDeletesPerCommit) {
        HEARTH_RETURN_IF_ERROR(client_->Commit(deletes));
        deletes.clear();
      }
    }
    return deletes.empty() ? Status::OK() : client_->Commit(deletes);
  }

  std::string name_;
  std::string dir_;
  sync::FirestoreEndpoint endpoint_;
  std::unique_ptr<sync::FirestoreRestClient> client_;
  std::string parent_;  // the run's document, parent of its collection
  std::unique_ptr<RestBackend> backend_;
  std::vector<sync::RestWrite> writes_;
  std::set<std::string> monitors_;
};

// A name for this run: its collection (and on the emulator its project).
std::string RunId() {
  return std::to_string(getpid()) + "-" +
         std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count());
}

}  // namespace

StatusOr<std::unique_ptr<SnapshotStore>> OpenRestStore(std::string name, std::string dir,
                                                       sync::FirestoreEndpoint endpoint,
                                                       std::unique_ptr<RestBackend> backend) {
  HEARTH_ASSIGN_OR_RETURN(auto client, sync::FirestoreRestClient::Open(endpoint));
  const std::string parent = "hearth-compare/" + RunId();
  // Fail now, not after generating the workload, when nothing answers.
  HEARTH_RETURN_IF_ERROR(client->RunQuery(parent, SnapshotQuery(endpoint.project_id, "none", {}, true, 1, true))
                             .status()
                             .WithContext("the Firestore endpoint at " + endpoint.base_url));
  return std::unique_ptr<SnapshotStore>(new FirestoreStore(std::move(name), std::move(dir), std::move(endpoint),
                                                           std::move(client), parent, std::move(backend)));
}

StatusOr<std::unique_ptr<SnapshotStore>> OpenFirestoreStore(const std::string& dir) {
  // A project of this run's own on the emulator: nothing another run left is seen.
  auto endpoint = sync::FirestoreEndpoint::FromEnvironment("hearth-compare-" + RunId());
  if (endpoint.status().code() == StatusCode::kNotFound)
    return Status::InvalidArgument(
        "the 'firestore' store needs FIRESTORE_EMULATOR_HOST=host:port of a running Firestore emulator, or "
        "GOOGLE_APPLICATION_CREDENTIALS naming a service-account key file for Cloud Firestore");
  HEARTH_RETURN_IF_ERROR(endpoint.status());
  return OpenRestStore("firestore", dir, std::move(*endpoint), nullptr);
}

}  // namespace hearth::compare
