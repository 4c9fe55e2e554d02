#include "engine/retired_spans.h"

#include <mutex>

namespace hearth::engine {

std::optional<std::string> RetiredSpans::Retire(const std::string& id, const std::string& prefix,
                                                const std::string& cutoff) {
  std::unique_lock lock(mu_);
  auto& spans = spans_[id];
  std::optional<std::string> previous;
  auto at = spans.find(prefix);
  if (at != spans.end()) previous = at->second;
  if (!previous || *previous < cutoff) spans[prefix] = cutoff;
  return previous;
}

void RetiredSpans::Restore(const std::string& id, const std::string& prefix, const std::optional<std::string>& previous) {
  std::unique_lock lock(mu_);
  if (previous) {
    spans_[id][prefix] = *previous;
  } else {
    spans_[id].erase(prefix);
  }
}

bool RetiredSpans::InSpan(std::string_view pk) const {
  std::shared_lock lock(mu_);
  for (const auto& [id, spans] : spans_) {
    // The greatest prefix not above pk is the only one that can hold it.
    auto it = spans.upper_bound(pk);
    if (it == spans.begin()) continue;
    --it;
    if (pk.substr(0, it->first.size()) == it->first) return pk < std::string_view(it->second);
  }
  return false;
}

bool RetiredSpans::Any(const std::string& id) const {
  std::shared_lock lock(mu_);
  auto it = spans_.find(id);
  return it != spans_.end() && !it->second.empty();
}

std::vector<std::string> RetiredSpans::Collections() const {
  std::shared_lock lock(mu_);
  std::vector<std::string> out;
  for (const auto& [id, spans] : spans_)
    if (!spans.empty()) out.push_back(id);
  return out;
}

std::vector<std::string> RetiredSpans::Prefixes(const std::string& id) const {
  std::shared_lock lock(mu_);
  std::vector<std::string> out;
  auto it = spans_.find(id);
  if (it != spans_.end())
    for (const auto& [prefix, cutoff] : it->second) out.push_back(prefix);
  return out;
}

void RetiredSpans::Forget(const std::string& id) {
  std::unique_lock lock(mu_);
  spans_.erase(id);
}

namespace {

class RetiredEntryFilter : public rocksdb::CompactionFilter {
 public:
  explicit RetiredEntryFilter(std::shared_ptr<const RetiredSpans> spans) : spans_(std::move(spans)) {}
  bool Filter(int, const rocksdb::Slice&, const rocksdb::Slice& value, std::string*, bool*) const override {
    return !value.empty() && spans_->InSpan(std::string_view(value.data(), value.size()));
  }
  const char* Name() const override { return "hearth.RetiredEntryFilter"; }

 private:
  std::shared_ptr<const RetiredSpans> spans_;
};

class RetiredEntryFilterFactory : public rocksdb::CompactionFilterFactory {
 public:
  explicit RetiredEntryFilterFactory(std::shared_ptr<const RetiredSpans> spans) : spans_(std::move(spans)) {}
  std::unique_ptr<rocksdb::CompactionFilter> CreateCompactionFilter(const rocksdb::CompactionFilter::Context&) override {
    return std::make_unique<RetiredEntryFilter>(spans_);
  }
  const char* Name() const override { return "hearth.RetiredEntryFilterFactory"; }

 private:
  std::shared_ptr<const RetiredSpans> spans_;
};

}  // namespace

std::shared_ptr<rocksdb::CompactionFilterFactory> NewRetiredEntryFilterFactory(
    std::shared_ptr<const RetiredSpans> spans) {
  return std::make_shared<RetiredEntryFilterFactory>(std::move(spans));
}

}  // namespace hearth::engine
