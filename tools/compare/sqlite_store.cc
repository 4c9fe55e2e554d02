// SQLite 3 as a compared store, set up as a careful user would: WAL,
// synchronous=NORMAL, the document as JSON text beside its monitor id and
// time, and one index on (monitor_id, timestamp) serving both of the
// snapshots' composite indexes in firestore.indexes.json (SQLite scans an
// index in either direction). It gets no automatic single-field indexes,
// which favours it. Summaries are SQL over json_each.
#include <sqlite3.h>

#include <filesystem>

#include "tools/compare/snapshot_store.h"

namespace hearth::compare {

namespace {

Status SqlError(sqlite3* db, const std::string& what) {
  return Status::Internal("sqlite " + what + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
}

// A prepared statement, reset after each use.
class Statement {
 public:
  Statement() = default;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement() { Finalize(); }
  void Finalize() {
    sqlite3_finalize(stmt_);
    stmt_ = nullptr;
  }
  Status Prepare(sqlite3* db, const char* sql) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) return SqlError(db, std::string("prepare ") + sql);
    return Status::OK();
  }
  sqlite3_stmt* get() { return stmt_; }
  void BindText(int i, const std::string& s) { sqlite3_bind_text(stmt_, i, s.data(), static_cast<int>(s.size()), SQLITE_STATIC); }
  void BindInt(int i, int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
  std::string Text(int col) {
    return std::string(reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col)),
                       static_cast<size_t>(sqlite3_column_bytes(stmt_, col)));
  }
  // Steps through every row, calling `row` for each; resets.
  template <typename F>
  Status Each(sqlite3* db, F&& row) {
    int rc;
    while ((rc = sqlite3_step(stmt_)) == SQLITE_ROW) row();
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    return rc == SQLITE_DONE ? Status::OK() : SqlError(db, "step");
  }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

Status Exec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    Status s = Status::Internal(std::string("sqlite ") + sql + ": " + (err ? err : "?"));
    sqlite3_free(err);
    return s;
  }
  return Status::OK();
}

StatusOr<sqlite3*> Connect(const std::string& file, size_t cache_bytes) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr) !=
      SQLITE_OK) {
    Status s = SqlError(db, "open " + file);
    sqlite3_close(db);
    return s;
  }
  sqlite3_busy_timeout(db, 60000);
  std::string pragmas = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-" +
                        std::to_string(cache_bytes >> 10) + ";";
  Status s = Exec(db, pragmas.c_str());
  if (!s.ok()) {
    sqlite3_close(db);
    return s;
  }
  return db;
}

class SqliteReader : public SnapshotReader {
 public:
  explicit SqliteReader(sqlite3* db) : db_(db) {}
  ~SqliteReader() override {
    for (Statement* s : {&latest_, &range_, &before_, &after_, &metrics_, &sentiment_}) s->Finalize();
    sqlite3_close(db_);
  }

  Status Init() {
    HEARTH_RETURN_IF_ERROR(
        latest_.Prepare(db_, "SELECT doc FROM snapshots WHERE monitor_id = ? ORDER BY timestamp DESC LIMIT 1"));
    HEARTH_RETURN_IF_ERROR(range_.Prepare(
        db_, "SELECT doc FROM snapshots WHERE monitor_id = ? AND timestamp >= ? AND timestamp < ? ORDER BY timestamp DESC"));
    HEARTH_RETURN_IF_ERROR(before_.Prepare(db_,
                                           "SELECT timestamp, doc FROM snapshots WHERE monitor_id = ? AND timestamp <= ? "
                                           "AND timestamp >= ? ORDER BY timestamp DESC LIMIT 1"));
    HEARTH_RETURN_IF_ERROR(after_.Prepare(db_,
                                          "SELECT timestamp, doc FROM snapshots WHERE monitor_id = ? AND timestamp > ? "
                                          "AND timestamp <= ? ORDER BY timestamp ASC LIMIT 1"));
    HEARTH_RETURN_IF_ERROR(metrics_.Prepare(
        db_,
        "SELECT j.key, count(*), min(j.value), max(j.value), avg(j.value) FROM snapshots s, "
        "json_each(s.doc, '$.financial_metrics') j WHERE s.monitor_id = ? AND s.timestamp >= ? AND s.timestamp < ? "
        "AND j.type IN ('integer', 'real') GROUP BY j.key"));
    return sentiment_.Prepare(
        db_,
        "SELECT count(*), count(v), min(v), max(v), avg(v) FROM (SELECT CASE WHEN json_type(doc, '$.news_sentiment') "
        "IN ('integer', 'real') THEN json_extract(doc, '$.news_sentiment') END AS v FROM snapshots "
        "WHERE monitor_id = ? AND timestamp >= ? AND timestamp < ?)");
  }

  Status Latest(const std::string& monitor, ReadResult* out) override {
    latest_.BindText(1, monitor);
    return latest_.Each(db_, [&] { out->texts.push_back(latest_.Text(0)); });
  }

  Status Range(const std::string& monitor, int64_t from, int64_t to, ReadResult* out) override {
    range_.BindText(1, monitor);
    range_.BindInt(2, from);
    range_.BindInt(3, to);
    return range_.Each(db_, [&] { out->texts.push_back(range_.Text(0)); });
  }

  Status AtTime(const std::string& monitor, int64_t t, int64_t tolerance, ReadResult* out) override {
    std::optional<std::pair<int64_t, std::string>> before, after;
    before_.BindText(1, monitor);
    before_.BindInt(2, t);
    before_.BindInt(3, t - tolerance);
    HEARTH_RETURN_IF_ERROR(before_.Each(db_, [&] {
      before.emplace(sqlite3_column_int64(before_.get(), 0), before_.Text(1));
    }));
    after_.BindText(1, monitor);
    after_.BindInt(2, t);
    after_.BindInt(3, t + tolerance);
    HEARTH_RETURN_IF_ERROR(after_.Each(db_, [&] {
      after.emplace(sqlite3_column_int64(after_.get(), 0), after_.Text(1));
    }));
    if (before && (!after || t - before->first <= after->first - t)) out->texts.push_back(std::move(before->second));
    else if (after) out->texts.push_back(std::move(after->second));
    return Status::OK();
  }

  Status MonthlySummary(const std::string& monitor, const Window& month, ReadResult* out) override {
    for (Statement* s : {&metrics_, &sentiment_}) {
      s->BindText(1, monitor);
      s->BindInt(2, month.start.seconds);
      s->BindInt(3, month.end.seconds);
    }
    HEARTH_RETURN_IF_ERROR(metrics_.Each(db_, [&] {
      sqlite3_stmt* s = metrics_.get();
      out->summary.metrics[metrics_.Text(0)] = MetricTotals{sqlite3_column_int64(s, 1), sqlite3_column_double(s, 2),
                                                            sqlite3_column_double(s, 3), sqlite3_column_double(s, 4)};
    }));
    return sentiment_.Each(db_, [&] {
      sqlite3_stmt* s = sentiment_.get();
      out->summary.snapshots = sqlite3_column_int64(s, 0);
      if (sqlite3_column_int64(s, 1) > 0)
        out->summary.metrics["news_sentiment"] = MetricTotals{sqlite3_column_int64(s, 1), sqlite3_column_double(s, 2),
                                                              sqlite3_column_double(s, 3), sqlite3_column_double(s, 4)};
    });
  }

 private:
  sqlite3* db_;
  Statement latest_, range_, before_, after_, metrics_, sentiment_;
};

class SqliteStore : public SnapshotStore {
 public:
  SqliteStore(std::string dir, std::string file, size_t cache_bytes, sqlite3* db)
      : dir_(std::move(dir)), file_(std::move(file)), cache_bytes_(cache_bytes), db_(db) {}
  ~SqliteStore() override { (void)Close(); }

  Status Init() {
    HEARTH_RETURN_IF_ERROR(
        Exec(db_,
             "CREATE TABLE IF NOT EXISTS snapshots (id TEXT PRIMARY KEY, monitor_id TEXT NOT NULL, "
             "timestamp INTEGER NOT NULL, doc TEXT NOT NULL);"
             "CREATE INDEX IF NOT EXISTS snapshots_monitor_time ON snapshots (monitor_id, timestamp);"));
    return insert_.Prepare(db_, "INSERT OR REPLACE INTO snapshots (id, monitor_id, timestamp, doc) VALUES (?, ?, ?, ?)");
  }

  std::string name() const override { return "sqlite"; }
  const std::string& dir() const override { return dir_; }

  Status Ingest(const SnapshotBatch& b) override {
    HEARTH_RETURN_IF_ERROR(Exec(db_, "BEGIN"));
    for (size_t i = 0; i < b.size(); i++) {
      const std::string id = b.monitor[i] + "_" + std::to_string(b.seconds[i]);
      insert_.BindText(1, id);
      insert_.BindText(2, b.monitor[i]);
      insert_.BindInt(3, b.seconds[i]);
      insert_.BindText(4, b.json[i]);
      Status s = insert_.Each(db_, [] {});
      if (!s.ok()) {
        (void)Exec(db_, "ROLLBACK");
        return s;
      }
    }
    return Exec(db_, "COMMIT");
  }

  Status Settle() override { return Exec(db_, "PRAGMA wal_checkpoint(TRUNCATE)"); }

  Status DeleteBefore(int64_t cutoff) override {
    // One indexed delete per monitor, in one transaction (a single
    // "timestamp < ?" would scan the whole table: there is no index on time).
    std::vector<std::string> monitors;
    Statement list, del;
    HEARTH_RETURN_IF_ERROR(list.Prepare(db_, "SELECT DISTINCT monitor_id FROM snapshots"));
    HEARTH_RETURN_IF_ERROR(list.Each(db_, [&] { monitors.push_back(list.Text(0)); }));
    HEARTH_RETURN_IF_ERROR(del.Prepare(db_, "DELETE FROM snapshots WHERE monitor_id = ? AND timestamp < ?"));
    HEARTH_RETURN_IF_ERROR(Exec(db_, "BEGIN"));
    for (const std::string& m : monitors) {
      del.BindText(1, m);
      del.BindInt(2, cutoff);
      Status s = del.Each(db_, [] {});
      if (!s.ok()) {
        (void)Exec(db_, "ROLLBACK");
        return s;
      }
    }
    return Exec(db_, "COMMIT");
  }

  StatusOr<std::unique_ptr<SnapshotReader>> NewReader() override {
    HEARTH_ASSIGN_OR_RETURN(sqlite3 * db, Connect(file_, cache_bytes_));
    auto reader = std::make_unique<SqliteReader>(db);
    HEARTH_RETURN_IF_ERROR(reader->Init());
    return std::unique_ptr<SnapshotReader>(std::move(reader));
  }

  Status Close() override {
    if (!db_) return Status::OK();
    insert_.Finalize();
    int rc = sqlite3_close(db_);
    db_ = nullptr;
    return rc == SQLITE_OK ? Status::OK() : Status::Internal("sqlite close: busy (a reader is still open)");
  }

 private:
  std::string dir_, file_;
  size_t cache_bytes_;
  sqlite3* db_;
  Statement insert_;
};

}  // namespace

StatusOr<std::unique_ptr<SnapshotStore>> OpenSqliteStore(const std::string& dir, size_t cache_bytes) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::InvalidArgument("cannot create " + dir + ": " + ec.message());
  const std::string file = dir + "/snapshots.db";
  HEARTH_ASSIGN_OR_RETURN(sqlite3 * db, Connect(file, cache_bytes));
  auto store = std::make_unique<SqliteStore>(dir, file, cache_bytes, db);
  HEARTH_RETURN_IF_ERROR(store->Init());
  return std::unique_ptr<SnapshotStore>(std::move(store));
}

}  // namespace hearth::compare
