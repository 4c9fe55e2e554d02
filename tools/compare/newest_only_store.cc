#include "tools/compare/newest_only_store.h"

namespace hearth::compare {

namespace {

class NewestOnlyStore : public SnapshotStore {
 public:
  NewestOnlyStore(std::unique_ptr<SnapshotStore> inner, int64_t from, std::string name)
      : inner_(std::move(inner)), from_(from), name_(std::move(name)) {}

  std::string name() const override { return name_; }
  const std::string& dir() const override { return inner_->dir(); }
  bool local() const override { return inner_->local(); }
  bool writes_on_calling_thread() const override { return inner_->writes_on_calling_thread(); }

  void Prepare(const SnapshotBatch& b) override {
    kept_ = SnapshotBatch();
    for (size_t i = 0; i < b.size(); i++) {
      if (b.seconds[i] < from_) continue;
      kept_.fields.push_back(b.fields[i]);
      kept_.json.push_back(b.json[i]);
      kept_.monitor.push_back(b.monitor[i]);
      kept_.seconds.push_back(b.seconds[i]);
      kept_.json_bytes += b.json[i].size();
    }
    if (kept_.size() > 0) inner_->Prepare(kept_);
  }
  const SnapshotBatch& Kept(const SnapshotBatch&) const override { return kept_; }
  Status Ingest(const SnapshotBatch&) override { return kept_.size() > 0 ? inner_->Ingest(kept_) : Status::OK(); }

  Status Settle() override { return inner_->Settle(); }
  Status DeleteBefore(int64_t cutoff) override { return inner_->DeleteBefore(cutoff); }
  StatusOr<std::unique_ptr<SnapshotReader>> NewReader() override { return inner_->NewReader(); }
  Status Close() override { return inner_->Close(); }

 private:
  std::unique_ptr<SnapshotStore> inner_;
  int64_t from_;
  std::string name_;
  SnapshotBatch kept_;  // the prepared batch's snapshots this store keeps
};

}  // namespace

std::unique_ptr<SnapshotStore> NewestOnly(std::unique_ptr<SnapshotStore> inner, int64_t from_seconds,
                                          std::string name) {
  return std::make_unique<NewestOnlyStore>(std::move(inner), from_seconds, std::move(name));
}

}  // namespace hearth::compare
