#include "engine/insert_hint.h"

#include <rocksdb/slice_transform.h>

#include "engine/keys.h"
#include "schema/key_encoding.h"

namespace hearth::engine {

namespace {

// escaped(s) writes 00 as 00 FF and FF as FF 00; 00 01 ends a string or a
// path's last segment, 00 02 a segment with more after it.
constexpr char kZero = '\x00';
constexpr char kFF = '\xff';
constexpr char kLast = '\x01';
constexpr char kSegment = '\x02';

// Walks escaped bytes from `from`: calls on_segment(end) after each 00 02 and
// returns the position just past the first 00 01, or 0 when there is none.
template <typename OnSegment>
size_t PastFirstTerminator(std::string_view k, size_t from, OnSegment on_segment) {
  for (size_t i = from; i + 1 < k.size(); i++) {
    if (k[i] == kFF) {
      i++;  // FF 00
    } else if (k[i] == kZero) {
      if (k[i + 1] == kLast) return i + 2;
      if (k[i + 1] == kSegment) on_segment(i + 2);
      i++;  // 00 FF or 00 02
    }
  }
  return 0;
}

// A SliceTransform over one of the prefix functions above.
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

}  // namespace

std::string_view DocumentHintPrefix(std::string_view k) {
  // prefix(collection) holds only 00 02 terminators, so the first 00 01 ends
  // the partition when it is a string: the byte after the last segment end
  // must be the string label, and the time's label must follow.
  size_t segment_end = 0;
  const size_t end = PastFirstTerminator(k, 0, [&](size_t e) { segment_end = e; });
  const bool string_partition = segment_end > 0 && static_cast<uint8_t>(k[segment_end]) == schema::label::kString;
  const bool time_follows = end > 0 && end < k.size() && static_cast<uint8_t>(k[end]) == schema::label::kTimestamp;
  return string_partition && time_follows ? k.substr(0, end) : std::string_view();
}

std::string_view AutoEntryHintPrefix(std::string_view k) {
  // scope(1) prefix(collection) kind field value ...: the field path is the
  // first part ending in 00 01.
  const size_t field_end = PastFirstTerminator(k, 1, [](size_t) {});
  return field_end == 0 ? std::string_view() : k.substr(0, field_end);
}

std::string_view LedgerHintPrefix(std::string_view k) {
  // The ledger layout is meta::ParseLedger's to know: the key up to the end
  // of its partition prefix.
  std::string_view id, partition;
  int64_t day;
  if (!meta::ParseLedger(k, &id, &partition, &day)) return {};
  return k.substr(0, static_cast<size_t>(partition.data() + partition.size() - k.data()));
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

}  // namespace hearth::engine
