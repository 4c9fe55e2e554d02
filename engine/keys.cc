#include "engine/keys.h"

#include "schema/document_ids.h"
#include "schema/time_format.h"
#include "schema/json.h"
#include "schema/varint.h"

namespace hearth::engine {

namespace cf {
std::string Docs(std::string_view id) { return std::string(kDocPrefix) + std::string(id); }
std::string Names(std::string_view id) { return std::string(kNamePrefix) + std::string(id); }
std::string Auto(std::string_view id) { return std::string(kAutoPrefix) + std::string(id); }
std::string Projection(std::string_view id) { return std::string(kProjectionPrefix) + std::string(id); }
}  // namespace cf

namespace meta {
std::string IndexState(std::string_view n) { return "index_state/" + std::string(n); }
std::string Collection(std::string_view id) { return "collection/" + std::string(id); }
std::string DocumentCount(std::string_view id) { return "count/" + std::string(id); }
std::string StoredBytes(std::string_view id) { return "bytes/" + std::string(id); }
std::string JsonBytes(std::string_view id) { return "json_bytes/" + std::string(id); }
std::string JsonDocuments(std::string_view id) { return "json_documents/" + std::string(id); }
std::string Dictionary(uint32_t id) { return std::string(kDictionaryPrefix) + std::to_string(id); }
std::string Compression(std::string_view id) { return "compression/" + std::string(id); }
std::string Projection(std::string_view id) { return "projection/" + std::string(id); }
std::string CollectionDictionary(std::string_view id) { return "dict_of/" + std::string(id); }
std::string AutoConfig(std::string_view id) { return "auto_config/" + std::string(id); }
std::string Retention(std::string_view id) { return "retention/" + std::string(id); }
std::string Retired(std::string_view id, std::string_view partition_prefix) {
  return std::string(kRetiredPrefix) + std::string(id) + "/" + std::string(partition_prefix);
}
bool ParseRetired(std::string_view key, std::string_view* id, std::string_view* partition_prefix) {
  if (key.substr(0, kRetiredPrefix.size()) != kRetiredPrefix) return false;
  key.remove_prefix(kRetiredPrefix.size());
  size_t slash = key.find('/');
  if (slash == std::string_view::npos) return false;
  *id = key.substr(0, slash);
  *partition_prefix = key.substr(slash + 1);
  return true;
}
std::string Ledger(std::string_view id, std::string_view partition_prefix) {
  std::string k;
  // Room for a day too (LedgerDay): one allocation per key, written on every time-series write.
  k.reserve(kLedgerPrefix.size() + id.size() + 1 + partition_prefix.size() + schema::kEncodedTimestampBytes);
  k.append(kLedgerPrefix).append(id).append(1, '/').append(partition_prefix);
  return k;
}
std::string LedgerDay(std::string_view id, std::string_view partition_prefix, int64_t day_start_seconds) {
  std::string k = Ledger(id, partition_prefix);
  schema::AppendValue(&k, Value::Time({day_start_seconds, 0}));
  return k;
}
bool ParseLedger(std::string_view key, std::string_view* id, std::string_view* partition_prefix,
                 int64_t* day_start_seconds) {
  constexpr size_t kTimeBytes = schema::kEncodedTimestampBytes;
  if (key.substr(0, kLedgerPrefix.size()) != kLedgerPrefix) return false;
  key.remove_prefix(kLedgerPrefix.size());
  size_t slash = key.find('/');
  if (slash == std::string_view::npos || key.size() < slash + 1 + kTimeBytes) return false;
  *id = key.substr(0, slash);
  std::string_view rest = key.substr(slash + 1);
  *partition_prefix = rest.substr(0, rest.size() - kTimeBytes);
  std::string_view day = rest.substr(rest.size() - kTimeBytes);
  Value v;
  if (!schema::DecodeValue(&day, schema::Direction::kAscending, &v) || !day.empty() ||
      v.type() != Value::Type::kTimestamp)
    return false;
  *day_start_seconds = v.timestamp().seconds;
  return true;
}
std::string LedgerReady(std::string_view id) { return "ledger_ready/" + std::string(id); }
std::string Ids(std::string_view id) { return "ids/" + std::string(id); }
std::string NameEntries(std::string_view id) { return "names/" + std::string(id); }
std::string LedgerJournal(uint64_t sequence) { return std::string(kLedgerJournalPrefix) + LogKey(sequence); }
bool ParseLedgerJournal(std::string_view key, uint64_t* sequence) {
  return key.substr(0, kLedgerJournalPrefix.size()) == kLedgerJournalPrefix &&
         ParseLogKey(key.substr(kLedgerJournalPrefix.size()), sequence);
}
}  // namespace meta

std::string PlainDocumentKey(const schema::DocumentPath& path) {
  std::string k;
  schema::AppendDocumentPath(&k, path.path);
  return k;
}

StatusOr<std::string> TimeSeriesPrimaryKey(const hearth::TimeSeriesKey& ts, const schema::DocumentPath& path,
                                           const Value* partition, const Value* time) {
  if (partition == nullptr)
    return Status::InvalidArgument("document " + path.ToString() + " lacks field \"" + ts.partition_field +
                                   "\", which partitions time-series collection \"" + path.collection_id() + "\"");
  if (time == nullptr || time->type() != Value::Type::kTimestamp)
    return Status::InvalidArgument("document " + path.ToString() + ": time-series collection \"" +
                                   path.collection_id() + "\" needs field \"" + ts.time_field +
                                   "\" holding a timestamp (" +
                                   (time != nullptr ? "it holds a " + std::string(TypeName(time->type())) : "it is missing") +
                                   ")");
  std::string k;
  k.reserve(64);
  schema::AppendParentCollectionPrefix(&k, path.path);
  schema::AppendValue(&k, *partition);
  schema::AppendValue(&k, *time);
  schema::AppendEscaped(&k, path.id(), 1);
  return k;
}

std::optional<std::string> SelfNamedPrimaryKey(const hearth::TimeSeriesKey& ts, const schema::DocumentPath& path) {
  const std::string_view id = path.id();
  const size_t underscore = id.rfind('_');
  Timestamp t;
  if (underscore == std::string_view::npos || !schema::ParseEpochIdText(id.substr(underscore + 1), &t))
    return std::nullopt;
  const Value partition = Value::String(std::string(id.substr(0, underscore))), time = Value::Time(t);
  auto pk = TimeSeriesPrimaryKey(ts, path, &partition, &time);
  if (!pk.ok()) return std::nullopt;
  return std::move(*pk);
}

bool IsSelfNamed(std::string_view id, const Value& partition, const Value& time) {
  if (partition.type() != Value::Type::kString || time.type() != Value::Type::kTimestamp) return false;
  const std::string& p = partition.string();
  return id.size() > p.size() && id.substr(0, p.size()) == p && id[p.size()] == '_' &&
         id.substr(p.size() + 1) == schema::EpochIdText(time.timestamp());
}

std::string TimeSeriesPartitionPrefix(const schema::ResourcePath& collection, const Value& partition) {
  std::string k;
  schema::AppendCollectionPrefix(&k, collection);
  schema::AppendValue(&k, partition);
  return k;
}

std::string TimeSeriesTimeKey(std::string_view partition_prefix, Timestamp t) {
  std::string k(partition_prefix);
  schema::AppendValue(&k, Value::Time(t));
  return k;
}

std::string_view TimeSeriesPartitionOf(std::string_view pk, std::string_view id) {
  size_t suffix = schema::kEncodedTimestampBytes + id.size() + 2;
  for (char ch : id) suffix += (ch == '\0' || ch == '\xff');
  return pk.size() < suffix ? std::string_view() : pk.substr(0, pk.size() - suffix);
}

bool TimeSeriesTimeOf(std::string_view pk, size_t partition_size, Timestamp* time) {
  if (pk.size() < partition_size) return false;
  std::string_view rest = pk.substr(partition_size);
  Value v;
  if (!schema::DecodeValue(&rest, schema::Direction::kAscending, &v) || v.type() != Value::Type::kTimestamp)
    return false;
  *time = v.timestamp();
  return true;
}

std::optional<int64_t> LedgerDayOf(std::string_view pk, std::string_view partition) {
  Timestamp t;
  if (partition.empty() || !TimeSeriesTimeOf(pk, partition.size(), &t)) return std::nullopt;
  return DayStart(t.seconds);
}

std::string LedgerKeyOf(std::string_view collection_id, std::string_view pk, std::string_view id) {
  const std::string_view partition = TimeSeriesPartitionOf(pk, id);
  const std::optional<int64_t> day = LedgerDayOf(pk, partition);
  return day ? meta::LedgerDay(collection_id, partition, *day) : std::string();
}

bool DocumentPathFromKey(std::string_view key, bool time_series, schema::ResourcePath* out) {
  if (!time_series) {
    return schema::DecodeDocumentPath(&key, schema::Direction::kAscending, out) && key.empty();
  }
  // prefix(collection) has an odd number of 00 02-terminated segments; try to
  // read partition, time and the id after each candidate collection path.
  std::vector<std::string> segs;
  while (true) {
    const int more = segs.empty() ? 1 : 2;  // the collection id, or a document id and a collection id
    for (int i = 0; i < more; i++) {
      std::string seg;
      bool last;
      if (!schema::DecodeSegment(&key, schema::Direction::kAscending, &seg, &last) || last) return false;
      segs.push_back(std::move(seg));
    }
    std::string_view probe = key;
    Value partition, time;
    std::string id;
    bool last = false;
    if (schema::DecodeValue(&probe, schema::Direction::kAscending, &partition) &&
        schema::DecodeValue(&probe, schema::Direction::kAscending, &time) &&
        schema::DecodeSegment(&probe, schema::Direction::kAscending, &id, &last) && last && probe.empty()) {
      segs.push_back(std::move(id));
      *out = schema::ResourcePath(std::move(segs));
      return true;
    }
  }
}

std::string LogKey(uint64_t seq) {
  std::string k(8, '\0');
  for (int i = 0; i < 8; i++) k[i] = static_cast<char>((seq >> (8 * (7 - i))) & 0xFF);
  return k;
}

bool ParseLogKey(std::string_view key, uint64_t* seq) {
  if (key.size() != 8) return false;
  *seq = 0;
  for (unsigned char c : key) *seq = (*seq << 8) | c;
  return true;
}

std::string ChangeRecord(ChangeOp op, Timestamp t, std::string_view path) {
  std::string r;
  r.push_back(static_cast<char>(op));
  uint64_t s = static_cast<uint64_t>(t.seconds) ^ (uint64_t{1} << 63);
  for (int i = 7; i >= 0; i--) r.push_back(static_cast<char>((s >> (8 * i)) & 0xFF));
  for (int i = 3; i >= 0; i--) r.push_back(static_cast<char>((static_cast<uint32_t>(t.nanos) >> (8 * i)) & 0xFF));
  r.append(path);
  return r;
}

namespace {
void AppendLengthPrefixed(std::string* record, std::string_view bytes) {
  schema::AppendVarint(bytes.size(), record);
  record->append(bytes);
}
}  // namespace

std::string DeleteRangeRecord(Timestamp t, std::string_view collection_path, const TimeSeriesKey& ts,
                              const Value& partition, Timestamp cutoff) {
  std::string r = ChangeRecord(ChangeOp::kDeleteRange, t, {});
  AppendLengthPrefixed(&r, collection_path);
  AppendLengthPrefixed(&r, ts.partition_field);
  AppendLengthPrefixed(&r, ts.time_field);
  AppendLengthPrefixed(&r, schema::EncodeValue(partition));
  schema::AppendValue(&r, Value::Time(cutoff));
  return r;
}

void AppendBatchChange(std::string* record, ChangeOp op, std::string_view path) {
  record->push_back(static_cast<char>(op));
  AppendLengthPrefixed(record, path);
}

StatusOr<Change> ParseChangeRecord(std::string_view record) {
  auto bad = [](const std::string& what) { return Status::DataLoss("malformed change record: " + what); };
  constexpr size_t kHeader = 13;
  if (record.size() < kHeader) return bad("shorter than its header");
  Change c;
  const uint8_t op = static_cast<uint8_t>(record[0]);
  if (op < 1 || op > 5) return bad("unknown operation " + std::to_string(op));
  c.op = static_cast<ChangeOp>(op);
  uint64_t s = 0;
  uint32_t n = 0;
  for (int i = 1; i <= 8; i++) s = (s << 8) | static_cast<uint8_t>(record[i]);
  for (int i = 9; i <= 12; i++) n = (n << 8) | static_cast<uint8_t>(record[i]);
  c.update_time = Timestamp{static_cast<int64_t>(s ^ (uint64_t{1} << 63)), static_cast<int32_t>(n)};
  std::string_view rest = record.substr(kHeader);
  if (c.op == ChangeOp::kSet || c.op == ChangeOp::kDelete) {
    c.paths.emplace_back(rest);
    return c;
  }
  size_t pos = 0;
  auto next = [&](std::string_view* out) {
    uint64_t len;
    if (!schema::ReadVarint(rest, &pos, 5, &len) || len > rest.size() - pos) return false;
    *out = rest.substr(pos, len);
    pos += len;
    return true;
  };
  std::string_view part;
  if (c.op == ChangeOp::kBatch) {
    while (pos < rest.size()) {
      const uint8_t each = static_cast<uint8_t>(rest[pos++]);
      if (each != static_cast<uint8_t>(ChangeOp::kSet) && each != static_cast<uint8_t>(ChangeOp::kDelete))
        return bad("unknown operation " + std::to_string(each) + " in a batch");
      if (!next(&part)) return bad("truncated batch");
      c.path_ops.push_back(static_cast<ChangeOp>(each));
      c.paths.emplace_back(part);
    }
    return c;
  }
  if (c.op == ChangeOp::kDeleteMany) {
    while (pos < rest.size()) {
      if (!next(&part)) return bad("truncated path list");
      c.paths.emplace_back(part);
    }
    return c;
  }
  std::string_view collection, partition_field, time_field, partition;
  if (!next(&collection) || !next(&partition_field) || !next(&time_field) || !next(&partition))
    return bad("truncated range");
  c.collection = collection;
  c.series = TimeSeriesKey{std::string(partition_field), std::string(time_field)};
  Value cutoff;
  std::string_view tail = rest.substr(pos);
  if (!schema::DecodeValue(&partition, schema::Direction::kAscending, &c.partition) || !partition.empty() ||
      !schema::DecodeValue(&tail, schema::Direction::kAscending, &cutoff) || !tail.empty() ||
      cutoff.type() != Value::Type::kTimestamp)
    return bad("bad partition value or cutoff");
  c.cutoff = cutoff.timestamp();
  return c;
}

namespace {

std::string Hex(std::string_view s) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

// Text with control bytes shown as \xNN, so a key's structure stays visible.
std::string Printable(std::string_view s) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string DescribeValues(std::string_view rest) {
  // Decodes as many values as possible in either direction, then shows the
  // remainder in hex.
  std::string out;
  while (!rest.empty()) {
    Value v;
    std::string_view asc = rest, desc = rest;
    if (schema::DecodeValue(&asc, schema::Direction::kAscending, &v)) {
      out += (out.empty() ? "" : ", ") + schema::PlainValueJson(v);
      rest = asc;
    } else if (schema::DecodeValue(&desc, schema::Direction::kDescending, &v)) {
      out += (out.empty() ? "" : ", ") + std::string("desc ") + schema::PlainValueJson(v);
      rest = desc;
    } else {
      std::string seg;
      bool last;
      std::string_view a = rest, d = rest;
      if (schema::DecodeSegment(&a, schema::Direction::kAscending, &seg, &last)) {
        out += (out.empty() ? "" : ", ") + std::string("segment \"") + Printable(seg) + "\"";
        rest = a;
      } else if (schema::DecodeSegment(&d, schema::Direction::kDescending, &seg, &last)) {
        out += (out.empty() ? "" : ", ") + std::string("desc segment \"") + Printable(seg) + "\"";
        rest = d;
      } else {
        out += (out.empty() ? "" : ", ") + std::string("bytes ") + Hex(rest);
        break;
      }
    }
  }
  return out;
}

}  // namespace

std::string DescribeKeyPrefix(std::string_view column_family, std::string_view prefix) {
  std::string_view body = prefix;
  std::string scope;
  if (column_family.substr(0, cf::kAutoPrefix.size()) == cf::kAutoPrefix && !body.empty()) {
    scope = body[0] == 0x02 ? "collection-group " : "";
    body.remove_prefix(1);
  }
  return scope + "key prefix (" + (body.empty() ? std::string("start") : DescribeValues(body)) + ") in " +
         std::string(column_family);
}

std::string DescribeKey(std::string_view column_family, std::string_view key) {
  std::string cfn(column_family);
  if (column_family == cf::kMeta) {
    std::string_view id, partition;
    if (meta::ParseRetired(key, &id, &partition))
      return "retired span of collection " + std::string(id) + ", partition (" + DescribeValues(partition) + ")";
    int64_t day;
    if (meta::ParseLedger(key, &id, &partition, &day))
      return "series ledger of collection " + std::string(id) + ", partition (" + DescribeValues(partition) +
             "), day " + schema::PlainValueJson(Value::Time({day, 0}));
    uint64_t sequence;
    if (meta::ParseLedgerJournal(key, &sequence)) return "series ledger journal record #" + std::to_string(sequence);
    return "meta key \"" + std::string(key) + "\"";
  }
  if (column_family == cf::kLog) {
    uint64_t seq = 0;
    if (!ParseLogKey(key, &seq)) return "malformed log key " + Hex(key);
    return "change record #" + std::to_string(seq);
  }
  if (column_family.substr(0, cf::kNamePrefix.size()) == cf::kNamePrefix) {
    schema::ResourcePath p;
    std::string_view k = key;
    if (schema::DecodeDocumentPath(&k, schema::Direction::kAscending, &p) && k.empty())
      return "name entry of document " + p.ToString() + " in " + cfn;
    return "key prefix (" + DescribeValues(key) + ") in " + cfn;
  }
  if (column_family.substr(0, cf::kDocPrefix.size()) == cf::kDocPrefix) {
    schema::ResourcePath p;
    if (DocumentPathFromKey(key, true, &p))
      return "document " + Printable(p.ToString()) + " (time-series key " + DescribeValues(key) + " in " + cfn + ")";
    if (DocumentPathFromKey(key, false, &p)) return "document " + Printable(p.ToString()) + " (key in " + cfn + ")";
    return "key prefix (" + DescribeValues(key) + ") in " + cfn;  // a range bound, or damage
  }
  if (column_family.substr(0, cf::kProjectionPrefix.size()) == cf::kProjectionPrefix) {
    schema::ResourcePath p;
    if (DocumentPathFromKey(key, true, &p))
      return "projection of document " + Printable(p.ToString()) + " (time-series key " + DescribeValues(key) +
             " in " + cfn + ")";
    return "key prefix (" + DescribeValues(key) + ") in " + cfn;
  }
  if (column_family.substr(0, cf::kIndexPrefix.size()) == cf::kIndexPrefix)
    return "index entry (" + DescribeValues(key) + ") in " + cfn;
  if (column_family.substr(0, cf::kAutoPrefix.size()) == cf::kAutoPrefix && !key.empty())
    return std::string(key[0] == 0x02 ? "collection-group " : "") + "automatic index entry (" +
           DescribeValues(key.substr(1)) + ") in " + cfn;
  return "key " + Hex(key) + " in " + cfn;
}

}  // namespace hearth::engine
