#include "engine/ledger_journal.h"

#include <google/protobuf/wire_format_lite.h>

#include "schema/varint.h"

namespace hearth::engine {

namespace {
using google::protobuf::internal::WireFormatLite;

void AppendSigned(int64_t v, std::string* out) { schema::AppendVarint(WireFormatLite::ZigZagEncode64(v), out); }

bool ReadSigned(std::string_view b, size_t* pos, int64_t* v) {
  uint64_t u;
  if (!schema::ReadVarint(b, pos, 10, &u)) return false;
  *v = WireFormatLite::ZigZagDecode64(u);
  return true;
}
}  // namespace

std::string EncodeLedgerJournal(const std::map<std::string, CounterDelta>& deltas) {
  std::string out;
  std::string_view previous;
  for (const auto& [key, d] : deltas) {
    if (d.zero()) continue;
    if (out.empty()) out.push_back(static_cast<char>(kLedgerJournalFormat));
    size_t shared = 0;
    while (shared < previous.size() && shared < key.size() && previous[shared] == key[shared]) shared++;
    schema::AppendVarint(shared, &out);
    schema::AppendVarint(key.size() - shared, &out);
    out.append(key, shared, std::string::npos);
    AppendSigned(d.documents, &out);
    AppendSigned(d.stored_bytes, &out);
    AppendSigned(d.json_bytes, &out);
    AppendSigned(d.json_documents, &out);
    previous = key;
  }
  return out;
}

bool DecodeLedgerJournal(std::string_view record, LedgerSums* sums) {
  if (record.empty() || static_cast<uint8_t>(record[0]) != kLedgerJournalFormat) return false;
  size_t pos = 1;
  std::string key;
  while (pos < record.size()) {
    uint64_t shared, rest;
    if (!schema::ReadVarint(record, &pos, 10, &shared) || shared > key.size() ||
        !schema::ReadVarint(record, &pos, 10, &rest) || rest > record.size() - pos)
      return false;
    key.resize(shared);
    key.append(record.substr(pos, rest));
    pos += rest;
    CounterDelta d;
    if (!ReadSigned(record, &pos, &d.documents) || !ReadSigned(record, &pos, &d.stored_bytes) ||
        !ReadSigned(record, &pos, &d.json_bytes) || !ReadSigned(record, &pos, &d.json_documents))
      return false;
    (*sums)[key] += d;
  }
  return true;
}

}  // namespace hearth::engine
