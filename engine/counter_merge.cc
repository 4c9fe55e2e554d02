#include "engine/counter_merge.h"

namespace hearth::engine {

std::string EncodeCounter(int64_t v) {
  std::string s(8, '\0');
  auto u = static_cast<uint64_t>(v);
  for (int i = 0; i < 8; i++) s[i] = static_cast<char>((u >> (8 * i)) & 0xFF);
  return s;
}

int64_t DecodeCounter(std::string_view s) {
  if (s.size() != 8) return 0;
  uint64_t u = 0;
  for (int i = 0; i < 8; i++) u |= static_cast<uint64_t>(static_cast<uint8_t>(s[i])) << (8 * i);
  return static_cast<int64_t>(u);
}

namespace {

class CounterMergeOperator final : public rocksdb::AssociativeMergeOperator {
 public:
  bool Merge(const rocksdb::Slice&, const rocksdb::Slice* existing, const rocksdb::Slice& value,
             std::string* new_value, rocksdb::Logger*) const override {
    int64_t base = existing ? DecodeCounter(std::string_view(existing->data(), existing->size())) : 0;
    uint64_t sum = static_cast<uint64_t>(base) +
                   static_cast<uint64_t>(DecodeCounter(std::string_view(value.data(), value.size())));
    *new_value = EncodeCounter(static_cast<int64_t>(sum));
    return true;
  }
  const char* Name() const override { return "hearth.CounterAdd"; }
};

}  // namespace

std::shared_ptr<rocksdb::MergeOperator> NewCounterMergeOperator() {
  return std::make_shared<CounterMergeOperator>();
}

}  // namespace hearth::engine
