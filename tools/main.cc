// The `hearth` command-line program.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <map>
#include <iostream>
#include <sstream>

#include "hearth/database.h"
#include "hearth/timeseries.h"
#include "schema/json.h"
#include "schema/path.h"
#include "schema/structured_query.h"
#include "schema/time_format.h"
#include "tools/cli_common.h"
#include "tools/cli_demo.h"
#include "tools/cli_serve.h"
#include "tools/cli_monitoring.h"
#include "tools/cli_rollups.h"
#include "tools/import.h"
#include "tools/query_args.h"
#include "tools/snapshot_generator.h"

namespace {

using hearth::Status;
using namespace hearth::tools;

int CmdInit(const Globals& g) {
  auto db = OpenDb(g, true);
  if (!db.ok()) return Fail(db.status());
  auto stats = (*db)->GetStats();
  if (!stats.ok()) return Fail(stats.status());
  std::cout << "hearth store ready at " << g.db << "\n";
  Status c = (*db)->Close();
  return c.ok() ? 0 : Fail(c);
}

int CmdPut(const Globals& g, const std::string& path, const std::string& json_arg, const std::string& format,
           bool create, bool update) {
  std::string json = json_arg;
  if (json.empty()) {
    auto all = ReadAll("-");
    if (!all.ok()) return Fail(all.status());
    json = *all;
  }
  auto db = OpenDb(g, true);
  if (!db.ok()) return Fail(db.status());
  auto p = hearth::schema::ParseDocumentPath(path);
  if (!p.ok()) return Fail(p.status());
  auto def = (*db)->Collection(p->collection_id());
  auto doc = format == "rest" ? hearth::schema::ParseRestDocument(json)
                              : hearth::schema::ParsePlainDocument(json, def ? &*def : nullptr);
  if (!doc.ok()) return Fail(doc.status().WithContext("input"));
  hearth::StatusOr<hearth::Timestamp> r = create   ? (*db)->Create(path, std::move(doc->fields))
                                          : update ? (*db)->Update(path, std::move(doc->fields))
                                                   : (*db)->Set(path, std::move(doc->fields));
  if (!r.ok()) return Fail(r.status());
  if (!g.quiet) std::cout << "wrote " << p->ToString() << " at " << hearth::schema::FormatRfc3339(*r) << "\n";
  Status c = (*db)->Close();
  return c.ok() ? 0 : Fail(c);
}

int CmdGet(const Globals& g, const std::string& path, const std::string& format, const std::string& project) {
  auto db = OpenDb(g, false);
  if (!db.ok()) return Fail(db.status());
  auto d = (*db)->Get(path);
  if (!d.ok()) return Fail(d.status());
  if (format == "rest") {
    std::cout << hearth::schema::RestDocumentJson(*d, project) << "\n";
  } else {
    std::cout << hearth::schema::PlainDocumentJson(d->fields, d->path) << "\n";
  }
  return 0;
}

int CmdDelete(const Globals& g, const std::string& path) {
  auto db = OpenDb(g, false);
  if (!db.ok()) return Fail(db.status());
  auto r = (*db)->Delete(path);
  if (!r.ok()) return Fail(r.status());
  if (!g.quiet) std::cout << "deleted " << path << "\n";
  Status c = (*db)->Close();
  return c.ok() ? 0 : Fail(c);
}

int CmdImport(const Globals& g, const std::string& collection, const std::string& file, const std::string& id_field,
              size_t batch_size) {
  auto db = OpenDb(g, true);
  if (!db.ok()) return Fail(db.status());
  std::ifstream fin;
  std::istream* in = &std::cin;
  uint64_t total_bytes = 0;
  if (file != "-") {
    fin.open(file, std::ios::binary);
    if (!fin) return Fail(Status::NotFound("cannot read " + file));
    fin.seekg(0, std::ios::end);
    total_bytes = static_cast<uint64_t>(fin.tellg());
    fin.seekg(0);
    in = &fin;
  }
  ProgressLine progress(!g.quiet);
  hearth::tools::ImportOptions o;
  o.collection = collection;
  o.id_field = id_field;
  o.batch_size = batch_size;
  o.progress = [&](uint64_t lines, uint64_t bytes) {
    if (total_bytes) {
      progress.Show("importing", bytes, total_bytes);
    } else {
      progress.Show("importing, lines:", lines, 0);
    }
  };
  uint64_t written = 0;
  auto r = hearth::tools::ImportJsonLines(**db, *in, o, &written);
  if (!r.ok()) {
    std::cerr << "hearth: import stopped: " << r.status().ToString() << "\n"
              << "hearth: " << written << " documents from earlier batches were written; nothing from the failing batch\n";
    return 1;
  }
  Status c = (*db)->Close();
  if (!c.ok()) return Fail(c);
  std::printf("imported %llu documents into %s in %.2f s (%.0f documents/s)\n",
              static_cast<unsigned long long>(r->documents), collection.c_str(), r->seconds,
              r->seconds > 0 ? static_cast<double>(r->documents) / r->seconds : 0.0);
  return 0;
}

int CmdExport(const Globals& g, const std::string& collection) {
  auto db = OpenDb(g, false);
  if (!db.ok()) return Fail(db.status());
  LineWriter out;
  Status s = (*db)->Scan(collection, [&](const hearth::Document& d) {
    out.Line(hearth::schema::PlainDocumentJson(d.fields, d.path));
    return true;
  });
  out.Flush();
  if (!s.ok()) return Fail(s);
  return 0;
}

int CmdQuery(const Globals& g, hearth::tools::QueryArgs args, const std::string& structured, const std::string& parent,
             bool explain, const std::string& format, const std::string& project) {
  auto db = OpenDb(g, false);
  if (!db.ok()) return Fail(db.status());
  hearth::StatusOr<hearth::Query> q = hearth::Status::InvalidArgument("no query");
  if (!structured.empty()) {
    auto text = ReadAll(structured);
    if (!text.ok()) return Fail(text.status());
    q = hearth::schema::ParseStructuredQuery(*text, parent);
  } else {
    if (args.collection.empty()) return Fail(hearth::Status::InvalidArgument("name a COLLECTION or --structured-query"));
    auto coll = hearth::schema::ParseCollectionPath(args.collection);
    if (!coll.ok()) return Fail(coll.status());
    auto def = (*db)->Collection(coll->collection_id());
    q = hearth::tools::BuildQuery(args, def ? &*def : nullptr);
  }
  if (!q.ok()) return Fail(q.status());
  if (explain) {
    auto plan = (*db)->ExplainQuery(*q);
    if (!plan.ok()) return Fail(plan.status());
    std::cout << *plan;
    return 0;
  }
  LineWriter out;
  hearth::Status s = (*db)->RunQuery(*q, [&](const hearth::Document& d) {
    out.Line(format == "rest" ? hearth::schema::RestDocumentJson(d, project)
                              : hearth::schema::PlainDocumentJson(d.fields, d.path));
    return true;
  });
  out.Flush();
  if (!s.ok()) return Fail(s);
  return 0;
}

struct SnapshotArgs {
  std::string monitor, from, to, page_token, time, metric, end, format = "plain", project = "hearth-local";
  size_t limit = 100;
  bool asc = false;
  double tolerance_hours = 1;
  int days = 30;
};

int CmdSnapshots(const Globals& g, const std::string& what, const SnapshotArgs& a) {
  auto db = OpenDb(g, false);
  if (!db.ok()) return Fail(db.status());
  auto ts = hearth::TimeSeries::Open(db->get());
  if (!ts.ok()) return Fail(ts.status());
  LineWriter out;
  auto print = [&](const hearth::DocumentView& v) {
    out.Line(a.format == "rest" ? hearth::schema::RestDocumentJson(v.ToDocument(), a.project)
                                : hearth::schema::PlainDocumentJson(v.Fields(), v.path()));
  };
  if (what == "latest") {
    auto r = (*ts)->Latest(a.monitor);
    if (!r.ok()) return Fail(r.status());
    if (!*r) return Fail(Status::NotFound("monitor " + a.monitor + " has no snapshots"));
    print(**r);
  } else if (what == "range") {
    auto from = TimeArg(a.from, "--from");
    auto to = TimeArg(a.to, "--to");
    if (!from.ok()) return Fail(from.status());
    if (!to.ok()) return Fail(to.status());
    hearth::RangeRequest req;
    req.start = *from;
    req.end = *to;
    req.limit = a.limit;
    req.page_token = a.page_token;
    req.oldest_first = a.asc;
    auto page = (*ts)->Range(a.monitor, req);
    if (!page.ok()) return Fail(page.status());
    for (const auto& d : page->documents) print(d);
    out.Flush();
    if (!page->next_page_token.empty()) std::cerr << "next page token: " << page->next_page_token << "\n";
  } else if (what == "at") {
    auto t = TimeArg(a.time, "--time");
    if (!t.ok()) return Fail(t.status());
    auto tol = std::chrono::nanoseconds(static_cast<int64_t>(a.tolerance_hours * 3600e9));
    auto r = (*ts)->AtTime(a.monitor, *t, tol);
    if (!r.ok()) return Fail(r.status());
    if (!*r) return Fail(Status::NotFound("no snapshot of " + a.monitor + " within the tolerance"));
    print(**r);
  } else if (what == "trend") {
    std::optional<hearth::Timestamp> end;
    if (!a.end.empty()) {
      auto e = TimeArg(a.end, "--end");
      if (!e.ok()) return Fail(e.status());
      end = *e;
    }
    auto r = (*ts)->Trend(a.monitor, a.metric, a.days, end);
    if (!r.ok()) return Fail(r.status());
    for (const auto& p : *r)
      out.Line("{\"timestamp\":\"" + hearth::schema::FormatRfc3339(p.time) +
               "\",\"value\":" + hearth::schema::PlainValueJson(p.value) + "}");
  }
  return 0;
}

struct RetentionArgs {
  std::string collection = "snapshots", monitor;
  std::optional<int> days, set_days;
  bool clear = false, dry_run = false;
};

int CmdRetention(const Globals& g, const RetentionArgs& a) {
  auto db = OpenDb(g, false);
  if (!db.ok()) return Fail(db.status());
  if (a.set_days || a.clear) {
    hearth::Status s = (*db)->SetRetentionDays(a.collection, a.clear ? std::nullopt : a.set_days);
    if (!s.ok()) return Fail(s);
    std::cout << (a.clear ? "removed the retention policy of " + a.collection
                          : "retention policy of " + a.collection + ": keep " + std::to_string(*a.set_days) + " days")
              << "\n";
    if (a.clear) return 0;
  }
  // One-off days, else the stored policies (of every collection when none is named).
  std::map<std::string, int> plan;
  if (a.days) {
    plan[a.collection] = *a.days;
  } else {
    auto policies = (*db)->RetentionPolicies();
    if (!policies.ok()) return Fail(policies.status());
    plan = *policies;
    if (plan.empty()) {
      std::cout << "no retention policies (set one with --set-days, or give --days)\n";
      return 0;
    }
  }
  hearth::Timestamp now = hearth::Timestamp::Now();
  for (const auto& [collection, days] : plan) {
    hearth::TimeSeriesOptions o;
    o.collection = collection;
    auto ts = hearth::TimeSeries::Open(db->get(), o);
    if (!ts.ok()) return Fail(ts.status());
    hearth::Timestamp cutoff{now.seconds - int64_t{days} * 86400, now.nanos};
    auto n = (*ts)->DeleteBefore(cutoff, a.monitor.empty() ? std::nullopt : std::optional<std::string>(a.monitor),
                                 a.dry_run);
    if (!n.ok()) return Fail(n.status());
    std::cout << (a.dry_run ? "would delete " : "deleted ") << *n << " documents of " << collection << " older than "
              << hearth::schema::FormatRfc3339(cutoff) << (a.monitor.empty() ? "" : " for monitor " + a.monitor) << "\n";
    // Documents past their TTL field's time (fieldOverrides "ttl": true) go too.
    auto expired = (*db)->DeleteExpired(collection, a.dry_run);
    if (!expired.ok()) return Fail(expired.status());
    if (*expired) std::cout << (a.dry_run ? "would delete " : "deleted ") << *expired << " expired documents (TTL)\n";
    hearth::Status c = (*ts)->Close();
    if (!c.ok()) return Fail(c);
  }
  return 0;
}

int CmdCheck(const Globals& g) {
  auto db = OpenDb(g, false);
  if (!db.ok()) return Fail(db.status());
  auto r = (*db)->Check();
  if (!r.ok()) return Fail(r.status());
  for (const auto& p : r->problems) std::cout << "problem: " << p << "\n";
  std::cout << (r->ok() ? "ok: " : "FAILED: ") << r->documents << " documents, " << r->index_entries
            << " index entries (" << r->EntriesWithPrefix("idx.") << " composite, " << r->EntriesWithPrefix("auto.")
            << " automatic), " << r->problems.size() << " problems\n";
  if (r->entries_awaiting_purge > 0)
    std::cout << r->entries_awaiting_purge << " entries of documents deleted by retention await purging "
              << "(hearth compact removes them now)\n";
  return r->ok() ? 0 : 1;
}

int CmdCompact(const Globals& g) {
  auto db = OpenDb(g, false);
  if (!db.ok()) return Fail(db.status());
  std::cerr << "compacting (entries left by retention are purged first)...\n";
  Status s = (*db)->Compact();
  if (!s.ok()) return Fail(s);
  std::cout << "compacted\n";
  return 0;
}

struct RecompressArgs {
  std::string collection;
  std::string codec;  // empty: keep the collection's
  bool retrain = false;
  bool dry_run = false;
};

std::string Percent(uint64_t part, uint64_t whole) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", 100.0 * static_cast<double>(part) / static_cast<double>(whole));
  return buf;
}

int CmdRecompress(const Globals& g, const RecompressArgs& a) {
  hearth::RecompressRequest req;
  req.collection = a.collection;
  req.retrain = a.retrain;
  req.dry_run = a.dry_run;
  if (!a.codec.empty()) {
    if (a.collection.empty()) return Fail(Status::InvalidArgument("--codec needs --collection"));
    static const std::map<std::string, hearth::DocumentCompression> kCodecs = {
        {"none", hearth::DocumentCompression::kNone},
        {"zlib", hearth::DocumentCompression::kZlib},
        {"zstd", hearth::DocumentCompression::kZstd},
        {"zstd-dict", hearth::DocumentCompression::kZstdDictionary}};
    req.compression = kCodecs.at(a.codec);
  }
  auto db = OpenDb(g, false);
  if (!db.ok()) return Fail(db.status());
  auto r = (*db)->Recompress(req);
  if (!r.ok()) return Fail(r.status());
  for (const auto& c : r->collections) {
    std::string codec = c.compression + (c.dictionary ? " (dictionary " + std::to_string(c.dictionary) + ")" : "");
    std::printf("%s: %s%llu of %llu documents re-encoded with %s; stored values %llu -> %llu bytes%s\n", c.id.c_str(),
                a.dry_run ? "dry run: " : "", static_cast<unsigned long long>(c.reencoded),
                static_cast<unsigned long long>(c.documents), codec.c_str(),
                static_cast<unsigned long long>(c.bytes_before), static_cast<unsigned long long>(c.bytes_after),
                c.bytes_before ? (" (" + Percent(c.bytes_after, c.bytes_before) + ")").c_str() : "");
  }
  return 0;
}

int CmdStats(const Globals& g, bool json) {
  auto db = OpenDb(g, false);
  if (!db.ok()) return Fail(db.status());
  auto st = (*db)->GetStats();
  if (!st.ok()) return Fail(st.status());
  if (json) {
    std::string out = "{\"collections\":[";
    for (size_t i = 0; i < st->collections.size(); i++) {
      const auto& c = st->collections[i];
      out += (i ? "," : "") + std::string("{\"id\":\"") + c.id + "\",\"time_series\":" + (c.time_series ? "true" : "false") +
             ",\"documents\":" + std::to_string(c.documents) + ",\"json_bytes\":" + std::to_string(c.json_bytes) +
             ",\"json_documents\":" + std::to_string(c.json_documents) +
             ",\"stored_bytes\":" + std::to_string(c.stored_bytes) + ",\"disk_bytes\":" +
             std::to_string(c.disk_bytes) + ",\"index_disk_bytes\":" + std::to_string(c.index_disk_bytes) +
             ",\"indexes\":" + std::to_string(c.indexes.size()) +
             (c.time_series ? std::string(",\"name_entries\":") + (c.name_entries_deferred ? "\"deferred\"" : "\"kept\"")
                            : std::string()) +
             "}";
    }
    out += "],\"column_families\":[";
    for (size_t i = 0; i < st->column_families.size(); i++) {
      const auto& c = st->column_families[i];
      out += (i ? "," : "") + std::string("{\"name\":") + hearth::schema::PlainValueJson(hearth::Value::String(c.name)) +
             ",\"sst_bytes\":" + std::to_string(c.live_sst_bytes) + ",\"memtable_bytes\":" +
             std::to_string(c.memtable_bytes) + ",\"estimated_keys\":" + std::to_string(c.estimated_keys) + "}";
    }
    out += "],\"change_log_records\":" + std::to_string(st->change_log_records) +
           ",\"checksums\":" + hearth::schema::PlainValueJson(hearth::Value::String(st->checksums)) + "}";
    std::cout << out << "\n";
    return 0;
  }
  // JSON: the documents as plain JSON; values: as hearth stored them (its
  // codec); on disk: their column family's SST files (RocksDB's compression).
  std::printf("%-16s %-11s %12s %14s %14s %14s %8s %14s %8s\n", "collection", "kind", "documents", "JSON bytes",
              "stored values", "on disk", "disk/JSON", "index disk", "indexes");
  std::vector<std::string> notes;
  for (const auto& c : st->collections) {
    if (c.name_entries_deferred)
      notes.push_back(c.id + ": no name entries yet (every id spells its own " +
                      "partition and time); the first query in name order builds them");
    // The ratio only when every document's JSON size is known.
    std::string ratio = c.json_bytes && c.json_documents == c.documents ? Percent(c.disk_bytes, c.json_bytes) : "-";
    if (c.json_documents != c.documents)
      notes.push_back(c.id + ": JSON bytes cover " + std::to_string(c.json_documents) + " of " +
                      std::to_string(c.documents) + " documents (older ones predate format version 3; `hearth recompress" +
                      " --collection " + c.id + "` rewrites them)");
    std::printf("%-16s %-11s %12llu %14llu %14llu %14llu %8s %14llu %8zu\n", c.id.c_str(),
                c.time_series ? "time series" : "plain", static_cast<unsigned long long>(c.documents),
                static_cast<unsigned long long>(c.json_bytes), static_cast<unsigned long long>(c.stored_bytes),
                static_cast<unsigned long long>(c.disk_bytes), ratio.c_str(),
                static_cast<unsigned long long>(c.index_disk_bytes), c.indexes.size());
  }
  for (const auto& n : notes) std::printf("note: %s\n", n.c_str());
  std::printf("\n%-64s %14s %14s %12s\n", "column family", "sst bytes", "memtable bytes", "keys (est.)");
  for (const auto& c : st->column_families)
    std::printf("%-64s %14llu %14llu %12llu\n", c.name.c_str(), static_cast<unsigned long long>(c.live_sst_bytes),
                static_cast<unsigned long long>(c.memtable_bytes), static_cast<unsigned long long>(c.estimated_keys));
  std::printf("\nchange log records: %llu\n", static_cast<unsigned long long>(st->change_log_records));
  std::printf("checksums: CRC32C by %s\n", st->checksums.c_str());
  return 0;
}

int CmdGen(int monitors, int hours, uint64_t seed, const std::string& start, bool fresh_prose) {
  hearth::tools::GeneratorOptions o;
  o.fresh_prose = fresh_prose;
  o.monitors = monitors;
  o.hours = hours;
  o.seed = seed;
  if (!start.empty()) {
    auto t = hearth::schema::ParseRfc3339(start);
    if (!t.ok()) return Fail(t.status().WithContext("--start"));
    o.start = *t;
  }
  hearth::tools::SnapshotGenerator gen(o);
  hearth::MapValue s;
  LineWriter out;
  while (gen.Next(&s)) out.Line(hearth::schema::PlainDocumentJson(s));
  return out.Flush() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "hearth: an embedded, Firestore-compatible time-series document store on RocksDB.\n"
      "Documents are addressed by Firestore paths (collection/id[/collection/id...]); composite indexes come\n"
      "from firestore.indexes.json."};
  app.require_subcommand(1);
  app.fallthrough();  // global options are accepted after the subcommand too
  Globals g;
  app.add_option("--db", g.db, "store directory")->capture_default_str();
  app.add_option("--indexes", g.indexes,
                 "firestore.indexes.json to apply when opening: new indexes are built, removed ones dropped; the "
                 "store remembers the file and re-reads it at later opens");
  app.add_flag("-q,--quiet", g.quiet, "no progress bars or confirmations");

  auto* init = app.add_subcommand("init", "create the store (with the built-in domain indexes unless --indexes)");

  std::string path, json, format = "plain", project = "hearth-local";
  bool create = false, update = false;
  auto* put = app.add_subcommand("put", "write a document (JSON from the argument or stdin)");
  put->add_option("path", path, "document path, e.g. monitors/m1")->required();
  put->add_option("json", json, "the document as JSON (default: read stdin)");
  put->add_option("--format", format, "input form: plain JSON or Firestore REST JSON")
      ->check(CLI::IsMember({"plain", "rest"}))
      ->capture_default_str();
  put->add_flag("--create", create, "fail if the document exists");
  put->add_flag("--update", update, "merge into an existing document (fail if missing)");

  auto* get = app.add_subcommand("get", "print a document");
  get->add_option("path", path, "document path")->required();
  get->add_option("--format", format, "output form")->check(CLI::IsMember({"plain", "rest"}))->capture_default_str();
  get->add_option("--project", project, "project id in REST resource names")->capture_default_str();

  auto* del = app.add_subcommand("delete", "delete a document (succeeds if it does not exist)");
  del->add_option("path", path, "document path")->required();

  std::string collection, file, id_field;
  size_t batch_size = 1000;
  auto* imp = app.add_subcommand("import", "import JSON lines into a collection, in atomic batches");
  imp->add_option("collection", collection, "collection path, e.g. snapshots")->required();
  imp->add_option("file", file, "JSON lines file, or - for stdin")->required();
  imp->add_option("--id-field", id_field, "field holding each document's id");
  imp->add_option("--batch-size", batch_size, "documents per atomic batch")->capture_default_str()->check(AtLeast(1));

  auto* exp = app.add_subcommand("export", "print a collection as JSON lines, each with its \"__name__\"");
  exp->add_option("collection", collection, "collection path")->required();

  hearth::tools::QueryArgs qargs;
  std::string structured, qparent;
  bool explain = false;
  auto* query = app.add_subcommand("query", "run a Firestore query; prints JSON lines in query order");
  query->add_option("collection", qargs.collection, "collection path, e.g. snapshots or monitors/m1/snapshots");
  query->add_option("--where", qargs.where,
                    "'FIELD OP VALUE' (repeatable; ANDed). OP: == != < <= > >= in not-in array-contains "
                    "array-contains-any is-null is-nan is-not-null is-not-nan. VALUE is JSON; a string compared "
                    "with a declared timestamp field is an RFC 3339 time");
  query->add_option("--order-by", qargs.order_by, "'FIELD [asc|desc]' (repeatable)");
  query->add_option("--limit", qargs.limit, "at most N results")->check(AtLeast(0));
  query->add_option("--offset", qargs.offset, "skip the first N results")->check(AtLeast(0));
  query->add_option("--start-at", qargs.start_at, "cursor VALUE[,VALUE...] on the ordering, inclusive");
  query->add_option("--start-after", qargs.start_after, "cursor VALUE[,VALUE...], exclusive");
  query->add_option("--end-at", qargs.end_at, "cursor VALUE[,VALUE...], inclusive");
  query->add_option("--end-before", qargs.end_before, "cursor VALUE[,VALUE...], exclusive");
  query->add_flag("--collection-group", qargs.collection_group, "query every collection with this id");
  query->add_flag("--explain", explain, "print the index chosen and the key ranges scanned instead of results");
  query->add_option("--structured-query", structured, "a Firestore REST StructuredQuery JSON file (- for stdin)");
  query->add_option("--parent", qparent, "parent document of a --structured-query's collection (default: root)");
  query->add_option("--format", format, "output form")->check(CLI::IsMember({"plain", "rest"}))->capture_default_str();
  query->add_option("--project", project, "project id in REST resource names")->capture_default_str();

  SnapshotArgs sargs;
  auto* snapshots = app.add_subcommand("snapshots", "read a monitor's snapshots: latest, range, at, trend");
  snapshots->require_subcommand(1);
  auto* s_latest = snapshots->add_subcommand("latest", "the newest snapshot of a monitor");
  auto* s_range = snapshots->add_subcommand("range", "snapshots in [--from, --to), newest first; paged");
  auto* s_at = snapshots->add_subcommand("at", "the snapshot nearest to --time within the tolerance");
  auto* s_trend = snapshots->add_subcommand("trend", "a metric's values over the last --days, oldest first");
  for (auto* sub : {s_latest, s_range, s_at, s_trend}) {
    sub->add_option("monitor", sargs.monitor, "monitor id")->required();
    sub->add_option("--format", sargs.format, "output form")->check(CLI::IsMember({"plain", "rest"}))->capture_default_str();
  }
  s_range->add_option("--from", sargs.from, "start, inclusive (RFC 3339)")->required();
  s_range->add_option("--to", sargs.to, "end, exclusive (RFC 3339)")->required();
  s_range->add_option("--limit", sargs.limit, "snapshots per page")->capture_default_str()->check(AtLeast(1));
  s_range->add_option("--page-token", sargs.page_token, "the token printed on stderr by the previous page");
  s_range->add_flag("--asc", sargs.asc, "oldest first");
  s_at->add_option("--time", sargs.time, "the moment (RFC 3339)")->required();
  s_at->add_option("--tolerance-hours", sargs.tolerance_hours, "how far from --time a snapshot may be")
      ->capture_default_str();
  s_trend->add_option("--metric", sargs.metric, "a key of financial_metrics, or news_sentiment")->required();
  s_trend->add_option("--days", sargs.days, "days before --end")->capture_default_str()->check(AtLeast(1));
  s_trend->add_option("--end", sargs.end, "end of the window (RFC 3339; default now)");

  RetentionArgs rargs;
  auto* retention = app.add_subcommand(
      "retention",
      "delete time-series documents older than --days (or than each collection's stored policy), with their index "
      "entries, and documents past their TTL field");
  retention->add_option("--collection", rargs.collection, "time-series collection")->capture_default_str();
  retention->add_option("--days", rargs.days, "keep this many days (one-off; default: the stored policies)")
      ->check(AtLeast(0));
  retention->add_option("--set-days", rargs.set_days, "store a policy for --collection: keep this many days; then apply it")
      ->check(AtLeast(0));
  retention->add_flag("--clear-policy", rargs.clear, "remove --collection's stored policy");
  retention->add_option("--monitor-id", rargs.monitor, "only this monitor (default: all)");
  retention->add_flag("--dry-run", rargs.dry_run, "count exactly what would be deleted, delete nothing");

  auto* check = app.add_subcommand("check", "verify that documents and index entries match");
  auto* compact = app.add_subcommand(
      "compact", "purge the entries of documents deleted by retention, then compact every column family");

  RecompressArgs cargs;
  auto* recompress = app.add_subcommand(
      "recompress",
      "re-encode stored documents with their collection's compression (after choosing one with --codec); reads "
      "and writes go on meanwhile");
  recompress->add_option("--collection", cargs.collection, "collection id (default: every collection)");
  recompress->add_option("--codec", cargs.codec,
                         "set the collection's compression first (remembered by the store): none, zlib, zstd, or "
                         "zstd-dict (zstd with a dictionary trained from the collection)")
      ->check(CLI::IsMember({"none", "zlib", "zstd", "zstd-dict"}));
  recompress->add_flag("--retrain", cargs.retrain,
                       "zstd-dict: train a fresh dictionary from the stored documents first (older ones are kept "
                       "for the documents still using them)");
  recompress->add_flag("--dry-run", cargs.dry_run, "report exactly what would be re-encoded, change nothing");

  bool json_out = false;
  auto* stats = app.add_subcommand("stats", "documents and bytes per collection and column family");
  stats->add_flag("--json", json_out, "print JSON");

  int monitors = 10, hours = 24;
  uint64_t seed = 1;
  std::string start;
  bool fresh_prose = false;
  auto* gen = app.add_subcommand("gen", "generate a deterministic workload as JSON lines on stdout");
  auto* gen_snap = gen->add_subcommand("snapshots", "hourly monitoring snapshots, time-major");
  gen->require_subcommand(1);
  gen_snap->add_option("--monitors", monitors, "number of monitors")->capture_default_str()->check(AtLeast(1));
  gen_snap->add_option("--hours", hours, "hourly snapshots per monitor")->capture_default_str()->check(AtLeast(1));
  gen_snap->add_option("--seed", seed, "random seed")->capture_default_str();
  gen_snap->add_option("--start", start, "time of the first snapshot (RFC 3339; default 2026-01-01T00:00:00Z)");
  gen_snap->add_flag("--fresh-prose", fresh_prose,
                     "rewrite every sentence at every snapshot (default: prose evolves slowly, as real analyses do)");

  std::vector<Command> commands = AddMonitoringCommands(app, g);
  for (Command& c : AddRollupCommands(app, g)) commands.push_back(std::move(c));
  std::string command_line;
  for (int i = 0; i < argc; i++) command_line += (i ? " " : "") + std::string(argv[i]);
  commands.push_back(AddDemoCommand(app, g, command_line));
  commands.push_back(AddServeCommand(app, g));

  CLI11_PARSE(app, argc, argv);

  for (const Command& c : commands)
    if (*c.app) return c.run();

  if (*init) return CmdInit(g);
  if (*put) {
    if (create && update) return Fail(Status::InvalidArgument("--create and --update exclude each other"));
    return CmdPut(g, path, json, format, create, update);
  }
  if (*get) return CmdGet(g, path, format, project);
  if (*del) return CmdDelete(g, path);
  if (*imp) return CmdImport(g, collection, file, id_field, batch_size);
  if (*exp) return CmdExport(g, collection);
  for (auto* sub : {s_latest, s_range, s_at, s_trend})
    if (*sub) return CmdSnapshots(g, sub->get_name(), sargs);
  if (*retention) {
    if (rargs.days && rargs.set_days) return Fail(Status::InvalidArgument("--days and --set-days exclude each other"));
    if (rargs.set_days) rargs.days = rargs.set_days;
    return CmdRetention(g, rargs);
  }
  if (*query) return CmdQuery(g, qargs, structured, qparent, explain, format, project);
  if (*check) return CmdCheck(g);
  if (*compact) return CmdCompact(g);
  if (*recompress) return CmdRecompress(g, cargs);
  if (*stats) return CmdStats(g, json_out);
  if (*gen_snap) return CmdGen(monitors, hours, seed, start, fresh_prose);
  return 2;
}
