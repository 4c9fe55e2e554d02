// The hearth program end to end: the real binary, run as a user would.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "tests/test_util.h"
#include "tests/tools/cli_fixture.h"

namespace hearth::testing {
namespace {

std::vector<std::string> SortedLines(const std::string& s) {
  std::vector<std::string> lines;
  std::istringstream in(s);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  std::sort(lines.begin(), lines.end());
  return lines;
}

TEST_F(Cli, GenImportCheckExportRoundTrip) {
  std::string gen_file = dir_.path() + "/gen.jsonl";
  ASSERT_EQ(Hearth("gen snapshots --monitors 20 --hours 30 --seed 3 > " + gen_file + " #").exit_code, 0);
  CommandResult init = Hearth("init");
  ASSERT_EQ(init.exit_code, 0) << init.err;
  CommandResult imp = Hearth("import snapshots " + gen_file);
  ASSERT_EQ(imp.exit_code, 0) << imp.err;
  EXPECT_NE(imp.out.find("imported 600 documents into snapshots"), std::string::npos) << imp.out;
  EXPECT_NE(imp.out.find("documents/s"), std::string::npos);
  CommandResult check = Hearth("check");
  EXPECT_EQ(check.exit_code, 0) << check.out;
  EXPECT_NE(check.out.find("ok: 600 documents"), std::string::npos) << check.out;
  CommandResult exp = Hearth("export snapshots");
  ASSERT_EQ(exp.exit_code, 0) << exp.err;
  // Export adds "__name__" first; without it each line is the generated line, byte for byte.
  std::string stripped;
  std::istringstream in(exp.out);
  for (std::string l; std::getline(in, l);) {
    size_t comma = l.find(',');
    ASSERT_EQ(l.substr(0, 25), R"({"__name__":"snapshots/mo)");
    stripped += "{" + l.substr(comma + 1) + "\n";
  }
  EXPECT_EQ(SortedLines(stripped), SortedLines(Slurp(gen_file)));
  // And an export imports back unchanged, keeping its names.
  std::string exp_file = Write("exp.jsonl", exp.out);
  ASSERT_EQ(Hearth("import snapshots " + exp_file).exit_code, 0);
  EXPECT_EQ(Hearth("export snapshots").out, exp.out);
  CommandResult stats = Hearth("stats --json");
  EXPECT_NE(stats.out.find(R"("id":"snapshots","time_series":true,"documents":600)"), std::string::npos) << stats.out;
  EXPECT_NE(stats.out.find(R"("indexes":0,"name_entries":"deferred")"), std::string::npos) << stats.out;
  EXPECT_NE(Hearth("stats").out.find("note: snapshots: no name entries yet"), std::string::npos);
  ASSERT_EQ(Hearth("query snapshots --limit 1").exit_code, 0);  // in name order: builds them
  EXPECT_NE(Hearth("stats --json").out.find(R"("name_entries":"kept")"), std::string::npos);
  // The hearth binary's RocksDB checksums its WAL with the hardware CRC32C
  // (engine/rocksdb_crc32c.h), as the test binary's does.
  EXPECT_NE(stats.out.find(R"("checksums":"ISA-L")"), std::string::npos) << stats.out;
  EXPECT_NE(Hearth("stats").out.find("checksums: CRC32C by ISA-L\n"), std::string::npos);
}

TEST_F(Cli, PutGetDeleteInBothJsonForms) {
  CommandResult put = Hearth(R"(put monitors/m1 '{"user_id":"u1","created_at":"2026-01-01T00:00:00","n":5}')");
  ASSERT_EQ(put.exit_code, 0) << put.err;
  CommandResult get = Hearth("get monitors/m1");
  EXPECT_EQ(get.out, R"({"__name__":"monitors/m1","created_at":"2026-01-01T00:00:00Z","n":5,"user_id":"u1"})"
                     "\n");
  CommandResult rest = Hearth("get monitors/m1 --format rest --project demo");
  EXPECT_NE(rest.out.find(R"("name":"projects/demo/databases/(default)/documents/monitors/m1")"), std::string::npos);
  EXPECT_NE(rest.out.find(R"("created_at":{"timestampValue":"2026-01-01T00:00:00Z"})"), std::string::npos);
  std::string rest_in = Write("doc.json", R"({"fields":{"n":{"integerValue":"7"}}})");
  ASSERT_EQ(Hearth("put monitors/m2 --format rest", rest_in).exit_code, 0);
  EXPECT_NE(Hearth("get monitors/m2").out.find(R"("n":7)"), std::string::npos);
  CommandResult create = Hearth(R"(put monitors/m2 --create '{"n":1}')");
  EXPECT_EQ(create.exit_code, 1);
  EXPECT_NE(create.err.find("ALREADY_EXISTS"), std::string::npos) << create.err;
  ASSERT_EQ(Hearth("delete monitors/m2").exit_code, 0);
  CommandResult gone = Hearth("get monitors/m2");
  EXPECT_EQ(gone.exit_code, 1);
  EXPECT_NE(gone.err.find("NOT_FOUND"), std::string::npos);
}

TEST_F(Cli, BadInputFailsWithOneLineNamingTheProblemAndWritesNothing) {
  ASSERT_EQ(Hearth("init").exit_code, 0);
  struct Case {
    std::string args, input, needle;
  };
  std::string good = R"({"monitor_id":"m1","timestamp":"2026-01-01T00:00:00Z"})";
  std::vector<Case> cases = {
      {"import snapshots", good + "\n{not json}\n", "line 2"},
      {"import snapshotz", good + "\n", "unknown collection \"snapshotz\""},
      {"import snapshots", good + "\n" + R"({"monitor_id":"m1","timestamp":"noon"})" + "\n", "declared a timestamp"},
      {"import snapshots",
       good + "\n" + R"({"monitor_id":"m1","timestamp":"2026-01-01T01:00:00Z","x":")" + std::string(1100000, 'y') +
           "\"}\n",
       "1 MiB"},
      {"put monitors", "{}", "even number of segments"},
      {"put monitors/a/b", "{}", "even number of segments"},
      {"put monitors/__x__", "{}", "reserved"},
      {"put monitors/m1", "[1]", "must be a JSON object"},
  };
  for (const auto& c : cases) {
    std::string input = Write("in.jsonl", c.input);
    CommandResult r = Hearth(c.args + (c.args.rfind("import", 0) == 0 ? " " + input : ""), input);
    EXPECT_EQ(r.exit_code, 1) << c.args;
    // The first line of stderr names the problem.
    std::string first = r.err.substr(0, r.err.find('\n'));
    EXPECT_NE(first.find(c.needle), std::string::npos) << c.args << ": " << r.err.substr(0, 300);
  }
  CommandResult stats = Hearth("stats --json");
  EXPECT_EQ(stats.out.find(R"("documents":1)"), std::string::npos) << stats.out;  // nothing was written
}

TEST_F(Cli, ReadingAStoreThatDoesNotExistSaysHowToCreateOne) {
  CommandResult r = Hearth("check");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("hearth init"), std::string::npos) << r.err;
}

TEST_F(Cli, EditedIndexFileIsAppliedAtTheNextOpen) {
  std::string idx = Write("firestore.indexes.json", R"({"indexes":[]})");
  ASSERT_EQ(Hearth("--indexes " + idx + " init").exit_code, 0);
  ASSERT_EQ(Hearth(R"(put alerts/a1 '{"monitor_id":"m","severity":3}')").exit_code, 0);
  EXPECT_NE(Hearth("check").out.find("(0 composite"), std::string::npos);
  Write("firestore.indexes.json", R"({"indexes":[{"collectionGroup":"alerts","fields":[
      {"fieldPath":"monitor_id","order":"ASCENDING"},{"fieldPath":"severity","order":"ASCENDING"}]}]})");
  CommandResult check = Hearth("check");  // no --indexes: the remembered file is re-read
  EXPECT_NE(check.out.find("ok: 1 documents"), std::string::npos) << check.out << check.err;
  EXPECT_NE(check.out.find("(1 composite"), std::string::npos) << check.out << check.err;
  Write("firestore.indexes.json", R"({"indexes":[{"collectionGroup":"alerts","fields":[{"fieldPath":"x"}]}]})");
  CommandResult bad = Hearth("check");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("firestore.indexes.json: indexes[0] (collectionGroup \"alerts\")"), std::string::npos)
      << bad.err;
}

TEST_F(Cli, HelpExplainsEveryCommand) {
  CommandResult r = Hearth("--help");
  EXPECT_EQ(r.exit_code, 0);
  for (const char* cmd : {"init", "put", "get", "delete", "import", "export", "check", "stats", "gen", "recompress",
                          "compact", "retention", "monitors", "alerts", "check-monitor", "aggregate", "backfill",
                          "migrate", "serve"})
    EXPECT_NE(r.out.find(cmd), std::string::npos) << cmd;
  EXPECT_NE(Hearth("import --help").out.find("--id-field"), std::string::npos);
  EXPECT_NE(Hearth("monitors create --help").out.find("--threshold"), std::string::npos);
  EXPECT_NE(Hearth("backfill --help").out.find("--periods"), std::string::npos);
}

TEST_F(Cli, QueryWithFiltersOrderingCursorsAndExplain) {
  ASSERT_NO_FATAL_FAILURE(ImportGenerated("--monitors 3 --hours 10"));
  CommandResult r = Hearth(R"(query snapshots --where 'monitor_id == "mon-0001"' --order-by 'timestamp desc' --limit 2)");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto lines = SortedLines(r.out);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(r.out.substr(0, 44), R"({"__name__":"snapshots/mon-0001_1767258000",)");  // hour 9 first
  // A string compared with a declared timestamp field is a time; cursors too.
  r = Hearth(R"(query snapshots --where 'monitor_id == "mon-0002"' --where 'timestamp >= "2026-01-01T05:00:00Z"' )"
             R"(--order-by timestamp --end-before '"2026-01-01T07:00:00Z"')");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(SortedLines(r.out).size(), 2u);
  EXPECT_NE(r.out.find("mon-0002_1767243600"), std::string::npos);
  r = Hearth(R"(query snapshots --where 'monitor_id == "mon-0001"' --order-by 'timestamp desc' --explain)");
  EXPECT_NE(r.out.find("time-series primary key"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("backwards"), std::string::npos) << r.out;
}

TEST_F(Cli, StructuredQueryAsTheOfficialClientSendsIt) {
  ASSERT_EQ(Hearth(R"(put alerts/a1 '{"monitor_id":"m1","read":false,"created_at":"2026-01-01T00:00:00Z"}')").exit_code, 0);
  ASSERT_EQ(Hearth(R"(put alerts/a2 '{"monitor_id":"m1","read":true,"created_at":"2026-01-02T00:00:00Z"}')").exit_code, 0);
  ASSERT_EQ(Hearth(R"(put alerts/a3 '{"monitor_id":"m1","read":false,"created_at":"2026-01-03T00:00:00Z"}')").exit_code, 0);
  // enum-encoding=int: op 5 is EQUAL, direction 2 DESCENDING, composite op 1 AND.
  std::string q = Write("q.json", R"({"structuredQuery":{"from":[{"collectionId":"alerts"}],
    "where":{"compositeFilter":{"op":1,"filters":[
      {"fieldFilter":{"field":{"fieldPath":"monitor_id"},"op":5,"value":{"stringValue":"m1"}}},
      {"fieldFilter":{"field":{"fieldPath":"read"},"op":"EQUAL","value":{"booleanValue":false}}}]}},
    "orderBy":[{"field":{"fieldPath":"created_at"},"direction":2}],"limit":5}})");
  CommandResult r = Hearth("query --structured-query " + q);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.substr(0, 27), R"({"__name__":"alerts/a3","cr)");
  EXPECT_NE(r.out.find("alerts/a1"), std::string::npos);
  EXPECT_EQ(r.out.find("alerts/a2"), std::string::npos);
  r = Hearth("query --structured-query " + q + " --explain");
  EXPECT_NE(r.out.find("idx.alerts.collection.monitor_id:asc,read:asc,created_at:desc"), std::string::npos) << r.out;
  std::string bad = Write("bad.json", R"({"from":[{"collectionId":"alerts"}],"where":{"fieldFilter":{"field":{"fieldPath":"x"},"op":42,"value":{"nullValue":null}}}})");
  r = Hearth("query --structured-query " + bad);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("unknown field filter operator 42"), std::string::npos) << r.err;
}

TEST_F(Cli, QueryErrorsAreOneLineWithANonZeroExit) {
  ASSERT_EQ(Hearth(R"(put alerts/a1 '{"monitor_id":"m1","severity":2}')").exit_code, 0);
  CommandResult r = Hearth(R"(query alerts --where 'monitor_id == "m1"' --order-by 'severity desc')");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("FAILED_PRECONDITION: The query requires an index."), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1);
  r = Hearth(R"(query alerts --where 'severity ~ 2')");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("unknown operator \"~\""), std::string::npos) << r.err;
  r = Hearth(R"(query alerts --where 'severity > {oops}')");
  EXPECT_NE(r.err.find("VALUE is not JSON"), std::string::npos) << r.err;
}

TEST_F(Cli, SnapshotsLatestRangeAtTrendAndRetention) {
  ASSERT_NO_FATAL_FAILURE(ImportGenerated("--monitors 2 --hours 48 --start 2026-01-01T00:00:00Z"));
  CommandResult r = Hearth("snapshots latest mon-0001");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.substr(0, 44), R"({"__name__":"snapshots/mon-0001_1767394800",)");  // hour 47
  r = Hearth("snapshots range mon-0001 --from 2026-01-01T10:00:00Z --to 2026-01-01T15:00:00Z --limit 3");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 3);
  size_t at = r.err.find("next page token: ");
  ASSERT_NE(at, std::string::npos) << r.err;
  std::string token = r.err.substr(at + 17, r.err.find('\n', at) - at - 17);
  r = Hearth("snapshots range mon-0001 --from 2026-01-01T10:00:00Z --to 2026-01-01T15:00:00Z --limit 3 --page-token " +
             token);
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 2);  // 10:00 and 11:00; 15:00 is outside
  EXPECT_EQ(r.err.find("next page token"), std::string::npos);
  r = Hearth("snapshots at mon-0000 --time 2026-01-01T06:20:00Z --tolerance-hours 1");
  EXPECT_NE(r.out.find("mon-0000_1767247200"), std::string::npos) << r.out.substr(0, 80);  // 06:00
  r = Hearth("snapshots at mon-0000 --time 2026-01-05T00:00:00Z --tolerance-hours 1");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("NOT_FOUND"), std::string::npos);
  r = Hearth("snapshots trend mon-0000 --metric revenue --days 1 --end 2026-01-01T03:00:00Z");
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 3);  // hours 0, 1, 2
  EXPECT_EQ(r.out.substr(0, 38), R"({"timestamp":"2026-01-01T00:00:00Z","v)");
  // A listing in name order builds the snapshots' name entries, deferred until
  // now: retention then leaves some of them to purge.
  r = Hearth("query snapshots --limit 1");
  EXPECT_NE(r.out.find("mon-0000_1767225600"), std::string::npos) << r.out.substr(0, 80);
  r = Hearth("retention --days 0 --monitor-id mon-0000 --dry-run");
  EXPECT_NE(r.out.find("would delete 48 documents"), std::string::npos) << r.out;
  r = Hearth("retention --days 0 --monitor-id mon-0000");
  EXPECT_NE(r.out.find("deleted 48 documents"), std::string::npos) << r.out;
  r = Hearth("check");
  EXPECT_NE(r.out.find("ok: 48 documents"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("entries of documents deleted by retention await purging"), std::string::npos) << r.out;
  r = Hearth("compact");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = Hearth("check");
  EXPECT_NE(r.out.find("ok: 48 documents"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("await purging"), std::string::npos) << r.out;
  r = Hearth("retention");
  EXPECT_NE(r.out.find("no retention policies"), std::string::npos) << r.out;
  r = Hearth("retention --set-days 0 --dry-run");
  EXPECT_NE(r.out.find("retention policy of snapshots: keep 0 days"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("would delete 48 documents"), std::string::npos) << r.out;
  r = Hearth("retention");  // applies the stored policy
  EXPECT_NE(r.out.find("deleted 48 documents of snapshots"), std::string::npos) << r.out;
  EXPECT_EQ(Hearth("retention --clear-policy").exit_code, 0);
  EXPECT_NE(Hearth("retention").out.find("no retention policies"), std::string::npos);
  r = Hearth("retention --collection monitors --days 1");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("not a time-series collection"), std::string::npos) << r.err;
}

TEST_F(Cli, RecompressChoosesACodecAndStatsShowTheRatio) {
  ASSERT_NO_FATAL_FAILURE(ImportGenerated("--monitors 4 --hours 30"));
  CommandResult r = Hearth("recompress --collection snapshots --codec zstd --dry-run");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("snapshots: dry run: 120 of 120 documents re-encoded with zstd"), std::string::npos) << r.out;
  r = Hearth("recompress --collection snapshots --codec zstd");
  EXPECT_NE(r.out.find("snapshots: 120 of 120 documents re-encoded with zstd"), std::string::npos) << r.out;
  r = Hearth("recompress --collection snapshots --dry-run");  // the choice is remembered
  EXPECT_NE(r.out.find("0 of 120 documents re-encoded with zstd"), std::string::npos) << r.out;
  r = Hearth("recompress --codec zlib");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("--codec needs --collection"), std::string::npos) << r.err;
  r = Hearth("recompress --collection snapshots --codec lz77");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(Hearth("check").exit_code, 0);
  r = Hearth("stats --json");
  EXPECT_NE(r.out.find("\"json_bytes\":"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"disk_bytes\":"), std::string::npos) << r.out;
  r = Hearth("stats");
  EXPECT_NE(r.out.find("disk/JSON"), std::string::npos) << r.out;
}

// The value of "field" in a one-line JSON object (a string or a number), by text search.
std::string JsonField(const std::string& json, const std::string& field) {
  size_t at = json.find("\"" + field + "\":");
  if (at == std::string::npos) return "";
  at += field.size() + 3;
  if (json[at] == '"') return json.substr(at + 1, json.find('"', at + 1) - at - 1);
  return json.substr(at, json.find_first_of(",}", at) - at);
}

TEST_F(Cli, MonitorsAlertsAndChecks) {
  ASSERT_EQ(Hearth("init").exit_code, 0);
  CommandResult r = Hearth("monitors create --user u1 --company ' Tesla ' --industry EV --threshold 0.8");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string id = JsonField(r.out, "id");
  ASSERT_EQ(id.size(), 36u) << r.out;  // a UUID
  EXPECT_EQ(JsonField(r.out, "company"), "Tesla");
  r = Hearth("monitors create --user u1 --company Tesla --industry EV");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("ALREADY_EXISTS"), std::string::npos) << r.err;
  r = Hearth("monitors create --user u1 --company Rivian --industry EV --frequency yearly");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("config.frequency"), std::string::npos) << r.err;
  EXPECT_EQ(JsonField(Hearth("monitors list --user u1").out, "id"), id);

  std::string first = Write("first.json", R"({"timestamp":"2026-01-01T00:00:00Z",
      "competitive_forces":{"rivalry":"High"},"market_trends":["EV"],"financial_metrics":{"revenue":100}})");
  r = Hearth("check-monitor " + id + " @" + first);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(JsonField(r.out, "compared_with_previous"), "false");
  EXPECT_EQ(JsonField(r.out, "alert"), "null");
  r = Hearth("check-monitor " + id + " -", Write("second.json", R"({"timestamp":"2026-01-01T01:00:00Z",
      "competitive_forces":{"rivalry":"Very high"},"market_trends":["EV","Autonomy"],"financial_metrics":{"revenue":130}})"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("revenue changed by 30.0%"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("New Market Trends Detected"), std::string::npos) << r.out;  // found, below the threshold
  const std::string alert = JsonField(r.out.substr(r.out.find("\"alert\":")), "id");
  EXPECT_EQ(alert.size(), 36u) << r.out;
  r = Hearth("alerts list " + id + " --unread");
  EXPECT_EQ(JsonField(r.out, "id"), alert);
  EXPECT_EQ(JsonField(r.out, "severity"), "high");  // the force (0.8) and revenue (0.9) reached the threshold
  r = Hearth("alerts read " + alert);
  EXPECT_EQ(JsonField(r.out, "read"), "true");
  EXPECT_TRUE(Hearth("alerts list " + id + " --unread").out.empty());
  EXPECT_EQ(Hearth("alerts get " + alert).exit_code, 0);
  EXPECT_EQ(JsonField(Hearth("monitors get " + id).out, "total_alerts"), "1");

  r = Hearth("check-monitor " + id + " '{not json'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("the snapshot"), std::string::npos) << r.err;
  r = Hearth("monitors update " + id + " --status paused");
  EXPECT_EQ(JsonField(r.out, "status"), "paused");
  r = Hearth("check-monitor " + id + " '{}'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("paused"), std::string::npos) << r.err;
  EXPECT_EQ(JsonField(Hearth("monitors delete " + id).out, "status"), "deleted");
  EXPECT_EQ(Hearth("monitors update " + id).exit_code, 1);  // nothing to update
  EXPECT_EQ(Hearth("check").exit_code, 0);
}

TEST_F(Cli, AggregateBackfillAndMigrate) {
  ASSERT_NO_FATAL_FAILURE(ImportGenerated("--monitors 3 --hours 72"));  // 2026-01-01 .. 2026-01-03
  CommandResult r = Hearth("aggregate mon-0001 --period daily --at 2026-01-02T10:00:00Z");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(JsonField(r.out, "__name__"), "aggregations/mon-0001_daily_1767312000");
  EXPECT_EQ(JsonField(r.out, "snapshot_count"), "24");
  r = Hearth("aggregate mon-0001 --period monthly --at 2025-06-01T00:00:00Z");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no snapshots in the monthly window [2025-06-01T00:00:00Z, 2025-07-01T00:00:00Z)"),
            std::string::npos) << r.err;
  std::string backfill = "backfill --all --from 2026-01-01T00:00:00Z --to 2026-01-04T00:00:00Z";
  CommandResult dry = Hearth(backfill + " --dry-run");
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  r = Hearth(backfill);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // 3 monitors x 3 days (one already stored), 1 week (Mon Dec 29 - Jan 5) and 1 month each.
  const char* daily = "daily            8         0         0         1         0";
  const char* weekly = "weekly           3         0         0         0         0";
  EXPECT_NE(r.out.find(daily), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(weekly), std::string::npos) << r.out;
  EXPECT_NE(dry.out.find(daily), std::string::npos) << dry.out;
  EXPECT_NE(Hearth(backfill).out.find("daily            0         0         0         9         0"), std::string::npos);
  r = Hearth("backfill --from 2026-01-01T00:00:00Z --to 2026-01-04T00:00:00Z");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("--monitor-id or --all"), std::string::npos) << r.err;
  r = Hearth("backfill --all --from 2026-01-01T00:00:00Z --to 2026-01-04T00:00:00Z --periods daily,hourly");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("hourly"), std::string::npos) << r.err;

  // Migrate: the last 90 days before Jan 4 of every monitor.
  std::string migrate = "migrate --all --end 2026-01-04T00:00:00Z";
  dry = Hearth(migrate + " --dry-run");
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_NE(dry.out.find("3 monitors, 216 snapshots in their windows, 0 would be stored again"), std::string::npos)
      << dry.out;
  r = Hearth(migrate);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("3 monitors, 216 snapshots in their windows, 0 stored again"), std::string::npos) << r.out;
  // 90 days, of which 3 hold snapshots (all stored by the backfill); 4 months (October .. January).
  EXPECT_NE(r.out.find("daily            0         0         0         9       261"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("monthly          0         0         0         3         9"), std::string::npos) << r.out;
  r = Hearth("migrate --monitor-id nobody --end 2026-01-04T00:00:00Z");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("neither a monitor document nor snapshots"), std::string::npos) << r.err;
  EXPECT_EQ(Hearth("check").exit_code, 0);
}

}  // namespace
}  // namespace hearth::testing
