// Raw RocksDB as a compared store: only a key and the JSON value, no index,
// no checksum of ours, no change log: the ceiling of what hearth's engine
// could do. Configured as hearth's documents column family is (LZ4 above,
// zstd at the bottom, 16 KiB blocks, the same block cache), without hearth's
// trained dictionaries. In the runner's process it shares hearth's hardware
// CRC32C for its WAL (engine/rocksdb_crc32c.h): the ceiling as a RocksDB
// built for this CPU would have it, not Debian's portable one.
// "rocksdb-nowal" is the same store writing no WAL: what RocksDB takes in
// when it makes nothing durable, the ceiling of any store built on it.
#include <rapidjson/document.h>
#include <rocksdb/db.h>
#include <rocksdb/env.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include "engine/perf_counters_off.h"
#include "tools/compare/snapshot_store.h"

namespace hearth::compare {

namespace {

Status FromRocks(const rocksdb::Status& s, const char* what) {
  if (s.ok()) return Status::OK();
  return Status::Internal(std::string("rocksdb ") + what + ": " + s.ToString());
}

// monitor id, NUL, big-endian seconds: one monitor's keys in time order.
std::string Key(const std::string& monitor, int64_t seconds) {
  std::string k = monitor;
  k.push_back('\0');
  uint64_t u = static_cast<uint64_t>(seconds) ^ (uint64_t{1} << 63);  // negative times sort first
  for (int i = 7; i >= 0; i--) k.push_back(static_cast<char>((u >> (8 * i)) & 0xff));
  return k;
}

int64_t SecondsOf(const rocksdb::Slice& key) {
  uint64_t u = 0;
  for (size_t i = key.size() - 8; i < key.size(); i++) u = (u << 8) | static_cast<uint8_t>(key[i]);
  return static_cast<int64_t>(u ^ (uint64_t{1} << 63));
}

// Adds the numbers of one JSON snapshot to `summary` (a rapidjson parse:
// what a user of a raw key-value store would write).
void AddMetrics(const rocksdb::Slice& json, SummaryBuilder* summary) {
  summary->AddSnapshot();
  rapidjson::Document d;
  d.Parse(json.data(), json.size());
  if (d.HasParseError() || !d.IsObject()) return;
  auto fm = d.FindMember("financial_metrics");
  if (fm != d.MemberEnd() && fm->value.IsObject())
    for (auto& m : fm->value.GetObject())
      if (m.value.IsNumber()) summary->AddNumber(m.name.GetString(), m.value.GetDouble());
  auto ns = d.FindMember("news_sentiment");
  if (ns != d.MemberEnd() && ns->value.IsNumber()) summary->AddNumber("news_sentiment", ns->value.GetDouble());
}

class RocksReader : public SnapshotReader {
 public:
  explicit RocksReader(rocksdb::DB* db) : db_(db) {}

  Status Latest(const std::string& monitor, ReadResult* out) override {
    return Scan(monitor, INT64_MIN, INT64_MAX, true, 1, [&](const rocksdb::Slice&, const rocksdb::Slice& v) {
      out->texts.emplace_back(v.data(), v.size());
    });
  }

  Status Range(const std::string& monitor, int64_t from, int64_t to, ReadResult* out) override {
    return Scan(monitor, from, to, true, SIZE_MAX, [&](const rocksdb::Slice&, const rocksdb::Slice& v) {
      out->texts.emplace_back(v.data(), v.size());
    });
  }

  Status AtTime(const std::string& monitor, int64_t t, int64_t tolerance, ReadResult* out) override {
    std::string before, after;
    int64_t tb = 0, ta = 0;
    HEARTH_RETURN_IF_ERROR(
        Scan(monitor, t - tolerance, t + 1, true, 1, [&](const rocksdb::Slice& k, const rocksdb::Slice& v) {
          tb = SecondsOf(k);
          before.assign(v.data(), v.size());
        }));
    HEARTH_RETURN_IF_ERROR(
        Scan(monitor, t + 1, t + tolerance + 1, false, 1, [&](const rocksdb::Slice& k, const rocksdb::Slice& v) {
          ta = SecondsOf(k);
          after.assign(v.data(), v.size());
        }));
    if (!before.empty() && (after.empty() || t - tb <= ta - t)) out->texts.push_back(std::move(before));
    else if (!after.empty()) out->texts.push_back(std::move(after));
    return Status::OK();
  }

  Status MonthlySummary(const std::string& monitor, const Window& month, ReadResult* out) override {
    SummaryBuilder summary;
    HEARTH_RETURN_IF_ERROR(Scan(monitor, month.start.seconds, month.end.seconds, false, SIZE_MAX,
                                [&](const rocksdb::Slice&, const rocksdb::Slice& v) { AddMetrics(v, &summary); }));
    out->summary = summary.Finish();
    return Status::OK();
  }

 private:
  // Visits the monitor's entries with from <= time < to, newest first when
  // `backwards`, at most `limit`.
  template <typename F>
  Status Scan(const std::string& monitor, int64_t from, int64_t to, bool backwards, size_t limit, F&& visit) {
    const std::string lo = Key(monitor, from), hi = Key(monitor, to);
    rocksdb::Slice lo_s(lo), hi_s(hi);
    rocksdb::ReadOptions ro;
    ro.iterate_lower_bound = &lo_s;
    ro.iterate_upper_bound = &hi_s;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro));
    size_t n = 0;
    if (backwards) {
      for (it->SeekToLast(); it->Valid() && n < limit; it->Prev(), n++) visit(it->key(), it->value());
    } else {
      for (it->SeekToFirst(); it->Valid() && n < limit; it->Next(), n++) visit(it->key(), it->value());
    }
    return FromRocks(it->status(), "scan");
  }

  rocksdb::DB* db_;
};

class RocksStore : public SnapshotStore {
 public:
  RocksStore(std::string dir, rocksdb::DB* db, bool write_ahead_log) : dir_(std::move(dir)), db_(db) {
    write_.disableWAL = !write_ahead_log;
  }
  ~RocksStore() override { (void)Close(); }

  std::string name() const override { return write_.disableWAL ? "rocksdb-nowal" : "rocksdb"; }
  const std::string& dir() const override { return dir_; }

  Status Ingest(const SnapshotBatch& b) override {
    rocksdb::WriteBatch wb;
    for (size_t i = 0; i < b.size(); i++) wb.Put(Key(b.monitor[i], b.seconds[i]), b.json[i]);
    // The engine's ceiling: with the perf counters off, as hearth's writes have them.
    engine::PerfCountersOff off;
    return FromRocks(db_->Write(write_, &wb), "write");
  }

  Status Settle() override {
    rocksdb::CompactRangeOptions c;
    c.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForceOptimized;
    return FromRocks(db_->CompactRange(c, nullptr, nullptr), "compact");
  }

  Status DeleteBefore(int64_t cutoff) override {
    // One range deletion per monitor; monitors are found by skipping from
    // one monitor's first key to the next.
    rocksdb::WriteBatch wb;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
    for (it->SeekToFirst(); it->Valid();) {
      rocksdb::Slice k = it->key();
      std::string monitor(k.data(), k.size() - 9);
      wb.DeleteRange(Key(monitor, INT64_MIN), Key(monitor, cutoff));
      it->Seek(Key(monitor, INT64_MAX) + '\xff');
    }
    HEARTH_RETURN_IF_ERROR(FromRocks(it->status(), "scan"));
    return FromRocks(db_->Write(write_, &wb), "delete range");
  }

  StatusOr<std::unique_ptr<SnapshotReader>> NewReader() override {
    return std::unique_ptr<SnapshotReader>(new RocksReader(db_.get()));
  }

  Status Close() override {
    if (!db_) return Status::OK();
    Status s = FromRocks(db_->Close(), "close");
    db_.reset();
    return s;
  }

 private:
  std::string dir_;
  std::unique_ptr<rocksdb::DB> db_;
  rocksdb::WriteOptions write_;  // every write's: without the WAL for "rocksdb-nowal"
};

}  // namespace

StatusOr<std::unique_ptr<SnapshotStore>> OpenRocksDbStore(const std::string& dir, size_t cache_bytes,
                                                          bool write_ahead_log) {
  rocksdb::Options o;
  o.create_if_missing = true;
  o.max_background_jobs = 4;
  // As hearth does by default (Options::low_priority_compactions); the pools
  // are the process's, so in one run both stores share the setting anyway.
  o.env->LowerThreadPoolCPUPriority(rocksdb::Env::LOW);
  o.compression = rocksdb::kLZ4Compression;
  o.bottommost_compression = rocksdb::kZSTD;
  o.level_compaction_dynamic_level_bytes = true;
  o.write_buffer_size = 64 << 20;
  rocksdb::BlockBasedTableOptions t;
  t.block_size = 16 << 10;
  t.block_cache = rocksdb::NewLRUCache(cache_bytes);
  t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  rocksdb::DB* db = nullptr;
  HEARTH_RETURN_IF_ERROR(FromRocks(rocksdb::DB::Open(o, dir, &db), "open"));
  return std::unique_ptr<SnapshotStore>(new RocksStore(dir, db, write_ahead_log));
}

}  // namespace hearth::compare
