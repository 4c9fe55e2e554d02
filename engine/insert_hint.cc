#include "engine/insert_hint.h"

#include <rocksdb/slice_transform.h>

#include "engine/keys.h"
#include "schema/key_encoding.h"

namespace hearth::engine {

namespace {

// A SliceTransform over one of the prefix functions (insert_hint.h).
template <std::string_view (*Prefix)(std::string_view)>
class HintExtractor final : public rocksdb::SliceTransform {
 public:
  explicit HintExtractor(const char* name) : name_(name) {}
  const char* Name() const override { return name_; }
  rocksdb::Slice Transform(const rocksdb::Slice& key) const override {
    std::string_view p = Prefix(std::string_view(key.data(), key.size()));
    return rocksdb::Slice(p.data(), p.size());
  }
  bool InDomain(const rocksdb::Slice& key) const override {
    return !Prefix(std::string_view(key.data(), key.size())).empty();
  }

 private:
  const char* name_;
};

// A key's leading collection path: the parts ending 00 02. Returns its
// length; `rest` is left after the part that follows it, whose terminator
// is returned in `terminator` (1 for a part ending 00 01).
size_t CollectionPathLength(std::string_view k, std::string_view* rest, uint8_t* terminator) {
  *rest = k;
  size_t length = 0;
  while ((*terminator = schema::SkipEscaped(rest)) == 2) length = k.size() - rest->size();
  return length;
}

// Where "_{digits[.digits]}" ends `id` (the position of its underscore), or
// npos when it does not.
size_t DecimalSuffix(std::string_view id) {
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  size_t i = id.size();
  while (i > 0 && digit(id[i - 1])) i--;
  if (i == id.size()) return std::string_view::npos;
  if (i > 0 && id[i - 1] == '.') {
    const size_t point = --i;
    while (i > 0 && digit(id[i - 1])) i--;
    if (i == point) return std::string_view::npos;
  }
  return i > 0 && id[i - 1] == '_' ? i - 1 : std::string_view::npos;
}

}  // namespace

std::string_view DocumentHintPrefix(std::string_view k) {
  // prefix(collection) is segments ending 00 02; a string partition is then
  // a run (its label and bytes) ending 00 01, and the time's label follows.
  std::string_view rest;
  uint8_t terminator;
  const size_t segment_end = CollectionPathLength(k, &rest, &terminator);
  if (terminator != 1 || segment_end == 0) return {};
  const size_t end = k.size() - rest.size();
  const bool string_partition = static_cast<uint8_t>(k[segment_end]) == schema::label::kString;
  const bool time_follows = !rest.empty() && static_cast<uint8_t>(rest[0]) == schema::label::kTimestamp;
  return string_partition && time_follows ? k.substr(0, end) : std::string_view();
}

std::string_view AutoEntryHintPrefix(std::string_view k) {
  // scope(1) prefix(collection) kind field value ...: the field path is the
  // first part ending in 00 01 (every part before it ends in 00 02).
  if (k.empty()) return {};
  std::string_view rest = k.substr(1);
  uint8_t terminator;
  while ((terminator = schema::SkipEscaped(&rest)) == 2) {
  }
  return terminator == 1 ? k.substr(0, k.size() - rest.size()) : std::string_view();
}

std::string_view LedgerHintPrefix(std::string_view k) {
  // The ledger layout is meta::ParseLedger's to know: the key up to the end
  // of its partition prefix.
  std::string_view id, partition;
  int64_t day;
  if (!meta::ParseLedger(k, &id, &partition, &day)) return {};
  return k.substr(0, static_cast<size_t>(partition.data() + partition.size() - k.data()));
}

std::string_view NameHintPrefix(std::string_view k) {
  // Collection segments end 00 02, the document's id ends 00 01. A zero
  // byte inside a segment is escaped as 00 FF, so the id starts after the
  // last 00 02: found from the end, without decoding the collection path.
  const size_t n = k.size();
  if (n < 4 || k[n - 2] != '\0' || k[n - 1] != '\1') return {};
  size_t segment_end = n - 2;
  while (segment_end >= 2 && !(k[segment_end - 2] == '\0' && k[segment_end - 1] == '\2')) segment_end--;
  if (segment_end < 2) return {};
  // An id shaped like a self-named one, "{partition}_{digits[.digits]}",
  // hints by its partition: a partition's next name lands right after its
  // last one, not somewhere among every other partition's.
  const size_t underscore = DecimalSuffix(k.substr(segment_end, k.size() - 2 - segment_end));
  return k.substr(0, underscore == std::string_view::npos ? segment_end : segment_end + underscore + 1);
}

std::shared_ptr<const rocksdb::SliceTransform> NewDocumentInsertHint() {
  return std::make_shared<HintExtractor<DocumentHintPrefix>>("hearth.DocumentInsertHint");
}
std::shared_ptr<const rocksdb::SliceTransform> NewAutoEntryInsertHint() {
  return std::make_shared<HintExtractor<AutoEntryHintPrefix>>("hearth.AutoEntryInsertHint");
}
std::shared_ptr<const rocksdb::SliceTransform> NewLedgerInsertHint() {
  return std::make_shared<HintExtractor<LedgerHintPrefix>>("hearth.LedgerInsertHint");
}
std::shared_ptr<const rocksdb::SliceTransform> NewNameInsertHint() {
  return std::make_shared<HintExtractor<NameHintPrefix>>("hearth.NameInsertHint");
}

}  // namespace hearth::engine
