#include "engine/counter_merge.h"

namespace hearth::engine {

std::string EncodeCounter(int64_t v) { return EncodeCounters({v}); }

int64_t DecodeCounter(std::string_view s) {
  if (s.size() != 8) return 0;
  return DecodeCounters(s)[0];
}

std::string EncodeCounters(const std::vector<int64_t>& v) {
  std::string s(8 * v.size(), '\0');
  for (size_t lane = 0; lane < v.size(); lane++) {
    const auto u = static_cast<uint64_t>(v[lane]);
    for (int i = 0; i < 8; i++) s[8 * lane + i] = static_cast<char>((u >> (8 * i)) & 0xFF);
  }
  return s;
}

std::vector<int64_t> DecodeCounters(std::string_view s) {
  if (s.size() % 8 != 0) return {};
  std::vector<int64_t> out(s.size() / 8);
  for (size_t lane = 0; lane < out.size(); lane++) {
    uint64_t u = 0;
    for (int i = 0; i < 8; i++) u |= static_cast<uint64_t>(static_cast<uint8_t>(s[8 * lane + i])) << (8 * i);
    out[lane] = static_cast<int64_t>(u);
  }
  return out;
}

namespace {

class CounterMergeOperator final : public rocksdb::AssociativeMergeOperator {
 public:
  bool Merge(const rocksdb::Slice&, const rocksdb::Slice* existing, const rocksdb::Slice& value,
             std::string* new_value, rocksdb::Logger*) const override {
    std::vector<int64_t> sum =
        existing ? DecodeCounters(std::string_view(existing->data(), existing->size())) : std::vector<int64_t>{};
    const std::vector<int64_t> add = DecodeCounters(std::string_view(value.data(), value.size()));
    if (sum.size() < add.size()) sum.resize(add.size(), 0);
    for (size_t i = 0; i < add.size(); i++)
      sum[i] = static_cast<int64_t>(static_cast<uint64_t>(sum[i]) + static_cast<uint64_t>(add[i]));  // wraps, no UB
    *new_value = EncodeCounters(sum);
    return true;
  }
  const char* Name() const override { return "hearth.CounterAdd"; }
};

}  // namespace

std::shared_ptr<rocksdb::MergeOperator> NewCounterMergeOperator() {
  return std::make_shared<CounterMergeOperator>();
}

}  // namespace hearth::engine
