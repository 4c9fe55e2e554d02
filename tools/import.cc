#include "tools/import.h"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <cstdio>
#include <random>

#include "schema/document_ids.h"
#include "schema/json.h"
#include "schema/path.h"

namespace hearth::tools {

namespace {

// One batch as the parser thread hands it to the writer.
struct ParsedBatch {
  WriteBatch batch;
  std::vector<uint64_t> lines;  // input line of each write
  uint64_t first_line = 0, last_line = 0, bytes_read = 0;
  Status error;                 // a line that could not be parsed ends the input here
  bool end = false;             // no more batches follow
};

// A queue of at most `capacity` batches between the two threads.
class BatchQueue {
 public:
  explicit BatchQueue(size_t capacity) : capacity_(capacity) {}
  // False when the consumer has stopped.
  bool Push(ParsedBatch b) {
    std::unique_lock lock(mu_);
    not_full_.wait(lock, [&] { return q_.size() < capacity_ || stopped_; });
    if (stopped_) return false;
    q_.push_back(std::move(b));
    not_empty_.notify_one();
    return true;
  }
  ParsedBatch Pop() {
    std::unique_lock lock(mu_);
    not_empty_.wait(lock, [&] { return !q_.empty(); });
    ParsedBatch b = std::move(q_.front());
    q_.pop_front();
    not_full_.notify_one();
    return b;
  }
  void Stop() {
    std::lock_guard lock(mu_);
    stopped_ = true;
    not_full_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable not_full_, not_empty_;
  std::deque<ParsedBatch> q_;
  size_t capacity_;
  bool stopped_ = false;
};

void ParseLines(std::istream& in, const schema::CollectionPath& coll, const CollectionDef* def,
                const ImportOptions& options, size_t batch_size, BatchQueue& queue) {
  ParsedBatch cur;
  uint64_t line_no = 0, bytes = 0;
  cur.first_line = 1;
  auto finish = [&](bool end) {
    cur.last_line = line_no;
    cur.bytes_read = bytes;
    cur.end = end;
    bool ok = queue.Push(std::move(cur));
    cur = ParsedBatch();
    cur.first_line = line_no + 1;
    return ok;
  };
  std::string line;
  while (std::getline(in, line)) {
    line_no++;
    bytes += line.size() + 1;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto fail = [&](const Status& s) {
      cur.error = s.WithContext("line " + std::to_string(line_no));
      finish(true);
    };
    auto doc = schema::ParsePlainDocument(line, def);
    if (!doc.ok()) return fail(doc.status());
    std::string path;
    if (doc->name) {
      auto p = schema::ParseDocumentPath(*doc->name);
      if (!p.ok()) return fail(p.status());
      auto parent = p->path.segments();
      parent.pop_back();
      if (schema::ResourcePath(parent) != coll.path)
        return fail(Status::InvalidArgument("\"__name__\" " + *doc->name + " is not in collection " + coll.ToString()));
      path = p->ToString();
    } else {
      auto id = schema::DocumentIdFor(def, doc->fields, options.id_field);
      if (!id.ok()) return fail(id.status());
      Status valid = schema::ValidateId(*id, "document id");
      if (!valid.ok()) return fail(valid);
      path = coll.ToString() + "/" + *id;
    }
    cur.batch.Set(std::move(path), std::move(doc->fields));
    cur.lines.push_back(line_no);
    if (cur.batch.size() >= batch_size && !finish(false)) return;
  }
  if (in.bad()) {
    cur.error = Status::Unavailable("reading input failed after line " + std::to_string(line_no));
  }
  finish(true);
}

// The input line whose document a store error names, when it names one.
std::optional<uint64_t> LineNamedBy(const Status& s, const ParsedBatch& b) {
  const std::string& m = s.message();
  for (size_t i = 0; i < b.batch.size(); i++) {
    std::string named = "document " + b.batch.ops()[i].path;
    for (size_t at = m.find(named); at != std::string::npos; at = m.find(named, at + 1)) {
      size_t end = at + named.size();
      if (end == m.size() || m[end] == ' ' || m[end] == ':') return b.lines[i];
    }
  }
  return std::nullopt;
}

}  // namespace

StatusOr<ImportResult> ImportJsonLines(Database& db, std::istream& in, const ImportOptions& options,
                                       uint64_t* written) {
  *written = 0;
  auto start = std::chrono::steady_clock::now();
  HEARTH_ASSIGN_OR_RETURN(schema::CollectionPath coll, schema::ParseCollectionPath(options.collection));
  std::optional<CollectionDef> def = db.Collection(coll.collection_id());
  const size_t batch_size = options.batch_size == 0 ? 1000 : options.batch_size;

  // Parsing runs on its own thread, a batch or two ahead of the writes.
  BatchQueue queue(2);
  std::thread parser(ParseLines, std::ref(in), std::cref(coll), def ? &*def : nullptr, std::cref(options),
                     batch_size, std::ref(queue));
  ImportResult result;
  Status failure;
  while (true) {
    ParsedBatch b = queue.Pop();
    if (!b.error.ok()) {
      failure = b.error;
      break;
    }
    if (!b.batch.empty()) {
      auto r = db.Write(b.batch);
      if (!r.ok()) {
        auto line = LineNamedBy(r.status(), b);
        failure = r.status().WithContext(line ? "line " + std::to_string(*line)
                                              : "lines " + std::to_string(b.first_line) + "-" +
                                                    std::to_string(b.last_line));
        break;
      }
      result.documents += b.batch.size();
      *written = result.documents;
    }
    result.lines = b.last_line;
    if (options.progress) options.progress(b.last_line, b.bytes_read);
    if (b.end) break;
  }
  queue.Stop();
  parser.join();
  if (!failure.ok()) return failure;
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace hearth::tools
