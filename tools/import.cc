#include "tools/import.h"

#include <chrono>
#include <cstdio>
#include <random>

#include "schema/json.h"
#include "schema/path.h"

namespace hearth::tools {

namespace {

std::string EpochText(const Timestamp& t) {
  std::string s = std::to_string(t.seconds);
  if (t.nanos != 0) {
    char buf[16];
    std::snprintf(buf, sizeof buf, ".%09d", t.nanos);
    std::string frac(buf);
    while (frac.back() == '0') frac.pop_back();
    s += frac;
  }
  return s;
}

StatusOr<std::string> IdText(const Value& v, const std::string& field) {
  if (v.type() == Value::Type::kString) return v.string();
  if (v.type() == Value::Type::kInteger) return std::to_string(v.integer());
  return Status::InvalidArgument("field \"" + field + "\" must be a string or integer to serve as the document id, not a " +
                                 std::string(TypeName(v.type())));
}

}  // namespace

std::string RandomDocumentId() {
  static const char kChars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  thread_local std::mt19937_64 rng(std::random_device{}());
  std::string id(20, ' ');
  for (auto& c : id) c = kChars[rng() % 62];
  return id;
}

StatusOr<std::string> DocumentIdFor(const CollectionDef* def, const MapValue& fields, const std::string& id_field) {
  if (!id_field.empty()) {
    auto it = fields.find(id_field);
    if (it == fields.end()) return Status::InvalidArgument("missing id field \"" + id_field + "\"");
    return IdText(it->second, id_field);
  }
  if (def != nullptr && def->time_series && def->id_rule != IdRule::kRandom) {
    const auto& ts = *def->time_series;
    auto part = fields.find(ts.partition_field);
    auto time = fields.find(ts.time_field);
    if (part == fields.end()) return Status::InvalidArgument("missing field \"" + ts.partition_field + "\"");
    if (time == fields.end() || time->second.type() != Value::Type::kTimestamp)
      return Status::InvalidArgument("field \"" + ts.time_field + "\" must hold a timestamp");
    HEARTH_ASSIGN_OR_RETURN(std::string p, IdText(part->second, ts.partition_field));
    if (def->id_rule == IdRule::kPartitionPeriodAndTime) {
      auto period = fields.find("period");
      if (period == fields.end() || period->second.type() != Value::Type::kString)
        return Status::InvalidArgument("field \"period\" must hold a string");
      return p + "_" + period->second.string() + "_" + std::to_string(time->second.timestamp().seconds);
    }
    return p + "_" + EpochText(time->second.timestamp());
  }
  return RandomDocumentId();
}

StatusOr<ImportResult> ImportJsonLines(Database& db, std::istream& in, const ImportOptions& options,
                                       uint64_t* written) {
  *written = 0;
  auto start = std::chrono::steady_clock::now();
  HEARTH_ASSIGN_OR_RETURN(schema::CollectionPath coll, schema::ParseCollectionPath(options.collection));
  std::optional<CollectionDef> def = db.Collection(coll.collection_id());
  const CollectionDef* defp = def ? &*def : nullptr;
  const size_t batch_size = options.batch_size == 0 ? 1000 : options.batch_size;

  ImportResult result;
  WriteBatch batch;
  uint64_t bytes = 0;
  uint64_t first_line_of_batch = 1;
  std::string line;
  std::vector<uint64_t> batch_lines;  // input line of each write in the batch
  auto flush = [&]() -> Status {
    if (batch.empty()) return Status::OK();
    auto r = db.Write(batch);
    if (!r.ok()) {
      // Name the line whose document the error is about, when it names one.
      const std::string& m = r.status().message();
      for (size_t i = 0; i < batch.size(); i++) {
        std::string named = "document " + batch.ops()[i].path;
        for (size_t at = m.find(named); at != std::string::npos; at = m.find(named, at + 1)) {
          size_t end = at + named.size();
          if (end == m.size() || m[end] == ' ' || m[end] == ':')
            return r.status().WithContext("line " + std::to_string(batch_lines[i]));
        }
      }
      return r.status().WithContext("lines " + std::to_string(first_line_of_batch) + "-" + std::to_string(result.lines));
    }
    batch_lines.clear();
    result.documents += batch.size();
    *written = result.documents;
    batch.Clear();
    first_line_of_batch = result.lines + 1;
    if (options.progress) options.progress(result.lines, bytes);
    return Status::OK();
  };
  while (std::getline(in, line)) {
    result.lines++;
    bytes += line.size() + 1;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto where = [&](const Status& s) { return s.WithContext("line " + std::to_string(result.lines)); };
    auto doc = schema::ParsePlainDocument(line, defp);
    if (!doc.ok()) return where(doc.status());
    std::string path;
    if (doc->name) {
      auto p = schema::ParseDocumentPath(*doc->name);
      if (!p.ok()) return where(p.status());
      auto parent = p->path.segments();
      parent.pop_back();
      if (schema::ResourcePath(parent) != coll.path)
        return where(Status::InvalidArgument("\"__name__\" " + *doc->name + " is not in collection " + coll.ToString()));
      path = p->ToString();
    } else {
      auto id = DocumentIdFor(defp, doc->fields, options.id_field);
      if (!id.ok()) return where(id.status());
      Status valid = schema::ValidateId(*id, "document id");
      if (!valid.ok()) return where(valid);
      path = coll.ToString() + "/" + *id;
    }
    batch.Set(std::move(path), std::move(doc->fields));
    batch_lines.push_back(result.lines);
    if (batch.size() >= batch_size) HEARTH_RETURN_IF_ERROR(flush());
  }
  if (in.bad()) return Status::Unavailable("reading input failed after line " + std::to_string(result.lines));
  HEARTH_RETURN_IF_ERROR(flush());
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace hearth::tools
