#include "tools/compare/snapshot_store.h"

#include <cmath>
#include <filesystem>
#include <sstream>

#include "schema/json.h"

namespace hearth::compare {

void SnapshotBatch::Add(MapValue snapshot) {
  monitor.push_back(snapshot.at("monitor_id").string());
  seconds.push_back(snapshot.at("timestamp").timestamp().seconds);
  json.push_back(schema::PlainDocumentJson(snapshot));
  json_bytes += json.back().size();
  fields.push_back(std::move(snapshot));
}

void SummaryBuilder::AddNumber(const std::string& metric, double v) {
  auto [it, fresh] = totals_.try_emplace(metric);
  MetricTotals& t = it->second.first;
  if (fresh || v < t.min) t.min = v;
  if (fresh || v > t.max) t.max = v;
  t.count++;
  it->second.second += v;
}

WindowSummary SummaryBuilder::Finish() const {
  WindowSummary s;
  s.snapshots = snapshots_;
  for (const auto& [name, t] : totals_) {
    MetricTotals m = t.first;
    m.mean = t.second / static_cast<double>(m.count);
    s.metrics[name] = m;
  }
  return s;
}

void ReadResult::Clear() {
  views.clear();
  texts.clear();
  summary = {};
}

namespace {

std::vector<std::string> DocumentsJson(const ReadResult& r) {
  std::vector<std::string> out = r.texts;
  for (const DocumentView& v : r.views) out.push_back(schema::PlainDocumentJson(v.Fields()));
  return out;
}

// Where two texts first differ, with some context of each.
std::string FirstDifference(const std::string& a, const std::string& b) {
  size_t i = 0;
  while (i < a.size() && i < b.size() && a[i] == b[i]) i++;
  const size_t from = i > 60 ? i - 60 : 0;
  return "at byte " + std::to_string(i) + ": ..." + a.substr(from, 120) + " against ..." + b.substr(from, 120);
}

// Value::operator== (5 is not 5.0, NaN is NaN), except that -0.0 is 0.0:
// the Firestore emulator hands -0.0 back as 0.0.
bool SameValue(const Value& a, const Value& b) {
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case Value::Type::kDouble:
      return (a.dbl() == 0 && b.dbl() == 0) || a == b;
    case Value::Type::kArray: {
      const ArrayValue &x = a.array(), &y = b.array();
      if (x.size() != y.size()) return false;
      for (size_t i = 0; i < x.size(); i++)
        if (!SameValue(x[i], y[i])) return false;
      return true;
    }
    case Value::Type::kMap: {
      const MapValue &x = a.map(), &y = b.map();
      if (x.size() != y.size()) return false;
      for (auto i = x.begin(), j = y.begin(); i != x.end(); ++i, ++j)
        if (i->first != j->first || !SameValue(i->second, j->second)) return false;
      return true;
    }
    default:
      return a == b;
  }
}

// The same document: the same text, or the same values by SameValue.
bool SameDocument(const std::string& a, const std::string& b) {
  if (a == b) return true;
  auto x = schema::ParsePlainDocument(a, nullptr), y = schema::ParsePlainDocument(b, nullptr);
  return x.ok() && y.ok() && SameValue(Value::Map(std::move(x->fields)), Value::Map(std::move(y->fields)));
}

bool Near(double a, double b) { return a == b || std::fabs(a - b) <= 1e-9 * std::max(std::fabs(a), std::fabs(b)); }

}  // namespace

bool SameAnswer(const ReadResult& a, const ReadResult& b, std::string* why) {
  std::vector<std::string> da = DocumentsJson(a), db = DocumentsJson(b);
  if (da.size() != db.size()) {
    *why = std::to_string(da.size()) + " documents against " + std::to_string(db.size());
    return false;
  }
  for (size_t i = 0; i < da.size(); i++)
    if (!SameDocument(da[i], db[i])) {
      *why = "document " + std::to_string(i) + " differs " + FirstDifference(da[i], db[i]);
      return false;
    }
  if (a.summary.snapshots != b.summary.snapshots) {
    *why = "summaries of " + std::to_string(a.summary.snapshots) + " against " + std::to_string(b.summary.snapshots) +
           " snapshots";
    return false;
  }
  if (a.summary.metrics.size() != b.summary.metrics.size()) {
    *why = std::to_string(a.summary.metrics.size()) + " metrics summarized against " +
           std::to_string(b.summary.metrics.size());
    return false;
  }
  for (const auto& [name, x] : a.summary.metrics) {
    auto it = b.summary.metrics.find(name);
    if (it == b.summary.metrics.end()) {
      *why = "metric " + name + " missing";
      return false;
    }
    const MetricTotals& y = it->second;
    if (x.count != y.count || !Near(x.min, y.min) || !Near(x.max, y.max) || !Near(x.mean, y.mean)) {
      *why = "metric " + name + ": count/min/max/mean " + std::to_string(x.count) + "/" + std::to_string(x.min) + "/" +
             std::to_string(x.max) + "/" + std::to_string(x.mean) + " against " + std::to_string(y.count) + "/" +
             std::to_string(y.min) + "/" + std::to_string(y.max) + "/" + std::to_string(y.mean);
      return false;
    }
  }
  return true;
}

uint64_t DirectoryBytes(const std::string& dir) {
  uint64_t total = 0;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code fec;
    if (it->is_regular_file(fec)) total += it->file_size(fec);
  }
  return total;
}

std::vector<std::string> StoreNames(const std::string& list) {
  std::vector<std::string> out;
  std::stringstream in(list);
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty() && item != "none") out.push_back(item);
  return out;
}

StatusOr<std::unique_ptr<SnapshotStore>> OpenStoreNamed(const std::string& name, const std::string& dir,
                                                        size_t cache_bytes, const HearthSettings& hearth) {
  if (name == "hearth") return OpenHearthStore(dir, cache_bytes, hearth);
  if (name == "rocksdb") return OpenRocksDbStore(dir, cache_bytes);
  if (name == "rocksdb-nowal") return OpenRocksDbStore(dir, cache_bytes, /*write_ahead_log=*/false);
  if (name == "sqlite") return OpenSqliteStore(dir, cache_bytes);
  if (name == "hearth-rest") return OpenHearthRestStore(dir, cache_bytes);
  if (name == "firestore") return OpenFirestoreStore(dir);
  return Status::InvalidArgument("unknown store '" + name +
                                 "' (choose from hearth, rocksdb, rocksdb-nowal, sqlite, hearth-rest, firestore)");
}

}  // namespace hearth::compare
