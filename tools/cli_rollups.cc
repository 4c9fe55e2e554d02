// `hearth aggregate`, `hearth backfill` and `hearth migrate`.
#include "tools/cli_rollups.h"

#include <cstdio>
#include <optional>

#include "hearth/aggregator.h"
#include "schema/json.h"
#include "schema/time_format.h"
#include "tools/migrate.h"

namespace hearth::tools {

namespace {

struct Args {
  std::string monitor, period = "daily", at, from, to, periods = "daily,weekly,monthly", end;
  bool all = false, recompute = false, dry_run = false, compute_only = false;
  int days = 90;
};

// Runs `body` with the rollup service over the store of --db.
int WithAggregator(const Globals& g, const std::function<int(Aggregator&, Database&)>& body) {
  return WithService<Aggregator>(g, [](Database* db) { return Aggregator::Open(db); }, body);
}

// Exactly one of --monitor-id and --all.
Status OneTarget(const Args& a) {
  if (a.all == !a.monitor.empty()) return Status::InvalidArgument("give either --monitor-id or --all");
  return Status::OK();
}

void PrintCounts(const BackfillReport& r, bool dry_run) {
  std::printf("%-8s %9s %9s %9s %9s %9s%s\n", "period", "created", "updated", "unchanged", "kept", "empty",
              dry_run ? "   (dry run: nothing written)" : "");
  for (const auto& [p, c] : r.periods)
    std::printf("%-8s %9llu %9llu %9llu %9llu %9llu\n", std::string(PeriodName(p)).c_str(),
                static_cast<unsigned long long>(c.created), static_cast<unsigned long long>(c.updated),
                static_cast<unsigned long long>(c.unchanged), static_cast<unsigned long long>(c.kept),
                static_cast<unsigned long long>(c.empty));
}

}  // namespace

std::vector<Command> AddRollupCommands(CLI::App& app, const Globals& g) {
  auto a = std::make_shared<Args>();
  std::vector<Command> out;

  auto* aggregate = app.add_subcommand(
      "aggregate",
      "print a monitor's rollup of the daily, weekly or monthly window holding --at; computed and stored when missing "
      "(or computed before its window ended)");
  aggregate->add_option("monitor", a->monitor, "monitor id")->required();
  aggregate->add_option("--period", a->period, "daily, weekly or monthly")
      ->check(CLI::IsMember({"daily", "weekly", "monthly"}))
      ->capture_default_str();
  aggregate->add_option("--at", a->at, "any time in the window (RFC 3339)")->required();
  aggregate->add_flag("--compute-only", a->compute_only, "compute from the snapshots; store nothing");
  out.push_back({aggregate, [&g, a] {
                   auto at = TimeArg(a->at, "--at");
                   if (!at.ok()) return Fail(at.status());
                   auto period = ParsePeriod(a->period);
                   if (!period.ok()) return Fail(period.status());
                   return WithAggregator(g, [&](Aggregator& agg, Database&) {
                     auto r = a->compute_only ? agg.Compute(a->monitor, *period, *at) : agg.Get(a->monitor, *period, *at);
                     if (!r.ok()) return Fail(r.status());
                     const Window w = WindowOf(*period, *at);
                     if (!*r)
                       return Fail(Status::NotFound("monitor " + a->monitor + " has no snapshots in the " + a->period +
                                                    " window [" + schema::FormatRfc3339(w.start) + ", " +
                                                    schema::FormatRfc3339(w.end) + ")"));
                     LineWriter().Line(schema::PlainDocumentJson((*r)->ToFields(), "aggregations/" + (*r)->Id()));
                     return 0;
                   });
                 }});

  auto* backfill = app.add_subcommand(
      "backfill",
      "store the rollups of every window overlapping [--from, --to) that is missing (or was computed before its "
      "window ended), reading each monitor's snapshots once; prints counts per period");
  backfill->add_option("--monitor-id", a->monitor, "one monitor");
  backfill->add_flag("--all", a->all, "every monitor that has snapshots");
  backfill->add_option("--from", a->from, "start (RFC 3339)")->required();
  backfill->add_option("--to", a->to, "end, exclusive (RFC 3339)")->required();
  backfill->add_option("--periods", a->periods, "comma-separated: daily, weekly, monthly")->capture_default_str();
  backfill->add_flag("--recompute", a->recompute,
                     "also recompute complete rollups already stored (rewritten only where they differ)");
  backfill->add_flag("--dry-run", a->dry_run, "count exactly what would be written, write nothing");
  out.push_back({backfill, [&g, a] {
                   if (Status s = OneTarget(*a); !s.ok()) return Fail(s);
                   BackfillRequest r;
                   if (!a->all) r.monitor_id = a->monitor;
                   auto from = TimeArg(a->from, "--from");
                   auto to = TimeArg(a->to, "--to");
                   auto periods = ParsePeriods(a->periods);
                   for (const Status& s : {from.status(), to.status(), periods.status().WithContext("--periods")})
                     if (!s.ok()) return Fail(s);
                   r.from = *from;
                   r.to = *to;
                   r.periods = *periods;
                   r.recompute = a->recompute;
                   r.dry_run = a->dry_run;
                   auto progress = std::make_shared<ProgressLine>(!g.quiet);
                   r.progress = [progress](const Progress& p) { progress->Show(p.task, p.done, p.total); };
                   return WithAggregator(g, [&](Aggregator& agg, Database&) {
                     auto report = agg.Backfill(r);
                     progress.reset();
                     if (!report.ok()) return Fail(report.status());
                     std::printf("%llu monitors\n", static_cast<unsigned long long>(report->monitors));
                     PrintCounts(*report, a->dry_run);
                     return 0;
                   });
                 }});

  auto* migrate = app.add_subcommand(
      "migrate",
      "for the last --days of each monitor: store its snapshots again in the collection's current format and codec "
      "where they differ, and backfill its daily, weekly and monthly rollups; prints a summary (exit 1 if any "
      "monitor failed)");
  migrate->add_option("--monitor-id", a->monitor, "one monitor");
  migrate->add_flag("--all", a->all, "every monitor: each monitor document and every monitor with snapshots");
  migrate->add_option("--days", a->days, "days before --end")->capture_default_str()->check(AtLeast(1));
  migrate->add_option("--end", a->end, "end of the window (RFC 3339; default now)");
  migrate->add_flag("--dry-run", a->dry_run, "report exactly what would change, change nothing");
  out.push_back({migrate, [&g, a] {
                   if (Status s = OneTarget(*a); !s.ok()) return Fail(s);
                   MigrateRequest r;
                   if (!a->all) r.monitor_id = a->monitor;
                   r.days = a->days;
                   r.end = Timestamp::Now();
                   if (!a->end.empty()) {
                     auto end = TimeArg(a->end, "--end");
                     if (!end.ok()) return Fail(end.status());
                     r.end = *end;
                   }
                   r.dry_run = a->dry_run;
                   auto progress = std::make_shared<ProgressLine>(!g.quiet);
                   r.progress = [progress](const Progress& p) { progress->Show(p.task, p.done, p.total); };
                   return WithAggregator(g, [&](Aggregator& agg, Database& db) {
                     auto report = Migrate(db, agg, r);
                     progress.reset();
                     if (!report.ok()) return Fail(report.status());
                     std::printf("%llu monitors, %llu snapshots in their windows, %llu %s\n",
                                 static_cast<unsigned long long>(report->monitors),
                                 static_cast<unsigned long long>(report->snapshots),
                                 static_cast<unsigned long long>(report->reencoded),
                                 a->dry_run ? "would be stored again" : "stored again");
                     PrintCounts(report->rollups, a->dry_run);
                     for (const auto& e : report->errors) std::fprintf(stderr, "hearth: %s\n", e.c_str());
                     if (!report->errors.empty()) {
                       std::fprintf(stderr, "hearth: %zu monitors failed\n", report->errors.size());
                       return 1;
                     }
                     return 0;
                   });
                 }});
  return out;
}

}  // namespace hearth::tools
