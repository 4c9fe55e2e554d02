// hearth::Database over the engine's Store.
#include "hearth/database.h"

#include "engine/store.h"

namespace hearth {

namespace {

WriteBatch::Op MakeOp(WriteBatch::Kind kind, std::string path, MapValue fields = {},
                      std::vector<std::string> update_mask = {}) {
  WriteBatch::Op op;
  op.kind = kind;
  op.path = std::move(path);
  op.fields = std::move(fields);
  op.update_mask = std::move(update_mask);
  return op;
}

}  // namespace

void WriteBatch::Set(std::string path, MapValue fields) { ops_.push_back(MakeOp(Kind::kSet, std::move(path), std::move(fields))); }
void WriteBatch::Create(std::string path, MapValue fields) {
  ops_.push_back(MakeOp(Kind::kCreate, std::move(path), std::move(fields)));
}
void WriteBatch::Update(std::string path, MapValue fields, std::vector<std::string> update_mask) {
  ops_.push_back(MakeOp(Kind::kUpdate, std::move(path), std::move(fields), std::move(update_mask)));
}
void WriteBatch::Merge(std::string path, MapValue fields, std::vector<std::string> update_mask) {
  ops_.push_back(MakeOp(Kind::kMerge, std::move(path), std::move(fields), std::move(update_mask)));
}
void WriteBatch::Delete(std::string path) { ops_.push_back(MakeOp(Kind::kDelete, std::move(path))); }
void WriteBatch::Check(std::string path, Precondition expected) {
  Op op = MakeOp(Kind::kCheck, std::move(path));
  op.precondition = expected;
  ops_.push_back(std::move(op));
}
void WriteBatch::Add(Op op) { ops_.push_back(std::move(op)); }

namespace {

class DatabaseImpl final : public Database {
 public:
  explicit DatabaseImpl(std::unique_ptr<engine::Store> store) : store_(std::move(store)) {}

  StatusOr<Document> Get(std::string_view path) override { return store_->Get(path); }

  StatusOr<Timestamp> Set(std::string_view path, MapValue fields) override {
    WriteBatch b;
    b.Set(std::string(path), std::move(fields));
    return store_->Write(b);
  }
  StatusOr<Timestamp> Create(std::string_view path, MapValue fields) override {
    WriteBatch b;
    b.Create(std::string(path), std::move(fields));
    return store_->Write(b);
  }
  StatusOr<Timestamp> Update(std::string_view path, MapValue fields, std::vector<std::string> mask) override {
    WriteBatch b;
    b.Update(std::string(path), std::move(fields), std::move(mask));
    return store_->Write(b);
  }
  StatusOr<Timestamp> Delete(std::string_view path) override {
    WriteBatch b;
    b.Delete(std::string(path));
    return store_->Write(b);
  }
  StatusOr<Timestamp> Write(const WriteBatch& batch, std::vector<Value>* transform_results) override {
    if (transform_results != nullptr) transform_results->clear();
    if (batch.empty()) return Timestamp::Now();
    return store_->Write(batch, transform_results);
  }
  Status Scan(std::string_view collection_path, const std::function<bool(const Document&)>& visit) override {
    return store_->Scan(collection_path, visit);
  }
  Status RunQuery(const Query& query, const std::function<bool(const Document&)>& visit, QueryStats* stats) override {
    return store_->RunQuery(query, visit, stats);
  }
  StatusOr<std::string> ExplainQuery(const Query& query) override { return store_->ExplainQuery(query); }
  Status ScanSeries(const SeriesScan& scan, const std::function<bool(const DocumentView&)>& visit) override {
    return store_->ScanSeries(scan, visit);
  }
  StatusOr<uint64_t> DeleteSeries(const SeriesDeletion& deletion) override { return store_->DeleteSeries(deletion); }
  StatusOr<uint64_t> DeleteExpired(const std::string& collection_path, bool dry_run) override {
    return store_->DeleteExpired(collection_path, dry_run);
  }
  Status SetRetentionDays(const std::string& collection_id, std::optional<int> days) override {
    return store_->SetRetentionDays(collection_id, days);
  }
  StatusOr<std::map<std::string, int>> RetentionPolicies() override { return store_->RetentionPolicies(); }
  StatusOr<std::vector<Value>> SeriesPartitions(std::string_view collection_path) override {
    return store_->SeriesPartitions(collection_path);
  }
  uint64_t AddSeriesListener(std::function<void(const SeriesChange&)> listener) override {
    return store_->AddSeriesListener(std::move(listener));
  }
  void RemoveSeriesListener(uint64_t id) override { store_->RemoveSeriesListener(id); }
  StatusOr<CheckReport> Check() override { return store_->Check(); }
  StatusOr<Stats> GetStats() override { return store_->GetStats(); }
  Status Compact() override { return store_->Compact(); }
  StatusOr<RecompressReport> Recompress(const RecompressRequest& request) override {
    return store_->Recompress(request);
  }
  std::optional<CollectionDef> Collection(std::string_view id) const override { return store_->Collection(id); }
  Status Close() override { return store_->Close(); }

 private:
  std::unique_ptr<engine::Store> store_;
};

}  // namespace

StatusOr<std::unique_ptr<Database>> Database::Open(const Options& options, const std::string& path) {
  HEARTH_ASSIGN_OR_RETURN(std::unique_ptr<engine::Store> store, engine::Store::Open(options, path));
  return std::unique_ptr<Database>(new DatabaseImpl(std::move(store)));
}

}  // namespace hearth
