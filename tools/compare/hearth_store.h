// hearth embedded as a compared store (OpenHearthStore in snapshot_store.h),
// with its database and rollup service at hand for `hearth demo`.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "hearth/aggregator.h"
#include "hearth/database.h"
#include "hearth/timeseries.h"
#include "tools/compare/snapshot_store.h"

namespace hearth::compare {

class HearthStore : public SnapshotStore {
 public:
  // Opens (creating) the store in `dir` with a block cache of `cache_bytes`.
  // `settings` override hearth's Options where given (HearthSettings).
  static StatusOr<std::unique_ptr<HearthStore>> Open(const std::string& dir, size_t cache_bytes,
                                                     const HearthSettings& settings = {});
  ~HearthStore() override;

  Database* database() { return db_.get(); }
  Aggregator* aggregator() { return agg_.get(); }

  std::string name() const override { return "hearth"; }
  const std::string& dir() const override { return dir_; }
  void Prepare(const SnapshotBatch& b) override;
  Status Ingest(const SnapshotBatch&) override;
  double WriteHelperCpuSeconds() const override;
  Status Settle() override;
  Status DeleteBefore(int64_t cutoff) override;
  StatusOr<std::unique_ptr<SnapshotReader>> NewReader() override;
  Status Close() override;

 private:
  HearthStore(std::string dir, std::unique_ptr<Database> db, std::unique_ptr<TimeSeries> ts,
              std::unique_ptr<Aggregator> agg);
  std::string dir_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<TimeSeries> ts_;
  std::unique_ptr<Aggregator> agg_;
  WriteBatch batch_;
};

}  // namespace hearth::compare
