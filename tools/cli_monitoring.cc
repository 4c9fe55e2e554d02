// `hearth monitors`, `hearth alerts` and `hearth check-monitor`.
#include "tools/cli_monitoring.h"

#include <optional>

#include "hearth/monitoring.h"
#include "schema/json.h"

namespace hearth::tools {

namespace {

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    if (comma > start) out.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

struct Args {
  std::string id, user, company, industry, status;
  std::optional<std::string> frequency, frameworks, channels, keywords, competitors;
  std::optional<double> threshold;
  size_t limit = 100;
  bool unread = false;
  std::string snapshot_json;
};

// The config with the options given on the command line applied.
MonitoringConfig ConfigFrom(MonitoringConfig c, const Args& a) {
  if (a.frequency) c.frequency = *a.frequency;
  if (a.threshold) c.alert_threshold = *a.threshold;
  if (a.frameworks) c.frameworks = SplitList(*a.frameworks);
  if (a.channels) c.notification_channels = SplitList(*a.channels);
  if (a.keywords) c.keywords = SplitList(*a.keywords);
  if (a.competitors) c.competitors = SplitList(*a.competitors);
  return c;
}

bool ConfigGiven(const Args& a) {
  return a.frequency || a.threshold || a.frameworks || a.channels || a.keywords || a.competitors;
}

void AddConfigOptions(CLI::App* cmd, Args& a) {
  cmd->add_option("--frequency", a.frequency, "hourly, daily (default), weekly or monthly: when the next check is due");
  cmd->add_option("--threshold", a.threshold, "changes with at least this confidence alert (0..1; default 0.7)");
  cmd->add_option("--frameworks", a.frameworks,
                  "comma-separated: porter, swot, pestel, blue_ocean, ansoff, bcg_matrix, value_chain "
                  "(default porter,swot)");
  cmd->add_option("--channels", a.channels, "comma-separated: email, slack, webhook, in_app (default email,in_app)");
  cmd->add_option("--keywords", a.keywords, "comma-separated keywords to watch");
  cmd->add_option("--competitors", a.competitors, "comma-separated competitors to watch");
}

// Runs `body` with the monitoring service over the store of --db.
int WithMonitoring(const Globals& g, const std::function<int(Monitoring&, Database&)>& body) {
  return WithService<Monitoring>(g, [](Database* db) { return Monitoring::Open(db); }, body);
}

std::string Json(const Monitor& m) { return schema::PlainDocumentJson(m.ToFields(), "monitors/" + m.id); }
std::string Json(const Alert& a) { return schema::PlainDocumentJson(a.ToFields(), "alerts/" + a.id); }

// A command that prints, as JSON lines, the monitor or alert (or the list of
// them) that `call` returns.
template <typename T>
std::function<int()> Printing(const Globals& g, std::function<StatusOr<T>(Monitoring&)> call) {
  return [&g, call] {
    return WithMonitoring(g, [&](Monitoring& m, Database&) {
      auto r = call(m);
      if (!r.ok()) return Fail(r.status());
      LineWriter w;
      if constexpr (requires { r->begin(); }) {
        for (const auto& x : *r) w.Line(Json(x));
      } else {
        w.Line(Json(*r));
      }
      return 0;
    });
  };
}

}  // namespace

std::vector<Command> AddMonitoringCommands(CLI::App& app, const Globals& g) {
  auto a = std::make_shared<Args>();
  std::vector<Command> out;

  auto* monitors = app.add_subcommand("monitors", "create, read, update, delete and list monitors");
  monitors->require_subcommand(1);
  auto* create = monitors->add_subcommand("create", "a new active monitor of a company for a user; prints it");
  create->add_option("--user", a->user, "the user who owns it")->required();
  create->add_option("--company", a->company, "the company watched")->required();
  create->add_option("--industry", a->industry, "its industry")->required();
  AddConfigOptions(create, *a);
  out.push_back({create, Printing<Monitor>(g, [a](Monitoring& m) {
                   return m.CreateMonitor(a->user, a->company, a->industry, ConfigFrom({}, *a));
                 })});
  auto* get = monitors->add_subcommand("get", "print a monitor");
  get->add_option("id", a->id, "monitor id")->required();
  out.push_back({get, Printing<Monitor>(g, [a](Monitoring& m) { return m.GetMonitor(a->id); })});
  auto* list = monitors->add_subcommand("list", "a user's monitors, newest first, as JSON lines");
  list->add_option("--user", a->user, "the user")->required();
  list->add_option("--status", a->status, "only monitors with this status: active, paused, deleted, error");
  list->add_option("--limit", a->limit, "at most this many")->capture_default_str()->check(AtLeast(1));
  out.push_back({list, Printing<std::vector<Monitor>>(g, [a](Monitoring& m) {
                   return m.ListMonitors(a->user, a->status.empty() ? std::nullopt : std::optional(a->status), a->limit);
                 })});
  auto* update = monitors->add_subcommand("update", "change a monitor's status or config; prints it");
  update->add_option("id", a->id, "monitor id")->required();
  update->add_option("--status", a->status, "active, paused, deleted or error");
  AddConfigOptions(update, *a);
  out.push_back({update, Printing<Monitor>(g, [a](Monitoring& m) -> StatusOr<Monitor> {
                   MonitorUpdate u;
                   if (!a->status.empty()) u.status = a->status;
                   if (ConfigGiven(*a)) {
                     HEARTH_ASSIGN_OR_RETURN(Monitor current, m.GetMonitor(a->id));
                     u.config = ConfigFrom(current.config, *a);
                   }
                   if (!u.status && !u.config)
                     return Status::InvalidArgument("nothing to update: give --status or a config option");
                   return m.UpdateMonitor(a->id, u);
                 })});
  auto* del = monitors->add_subcommand(
      "delete", "mark a monitor deleted (its snapshots, alerts and rollups are kept); prints it");
  del->add_option("id", a->id, "monitor id")->required();
  out.push_back({del, Printing<Monitor>(g, [a](Monitoring& m) { return m.DeleteMonitor(a->id); })});

  auto* alerts = app.add_subcommand("alerts", "list, read and mark alerts");
  alerts->require_subcommand(1);
  auto* alist = alerts->add_subcommand("list", "a monitor's alerts, newest first, as JSON lines");
  alist->add_option("monitor", a->id, "monitor id")->required();
  alist->add_flag("--unread", a->unread, "only alerts not yet read");
  alist->add_option("--limit", a->limit, "at most this many")->capture_default_str()->check(AtLeast(1));
  out.push_back({alist, Printing<std::vector<Alert>>(
                          g, [a](Monitoring& m) { return m.ListAlerts(a->id, a->unread, a->limit); })});
  auto* aget = alerts->add_subcommand("get", "print an alert");
  aget->add_option("id", a->id, "alert id")->required();
  out.push_back({aget, Printing<Alert>(g, [a](Monitoring& m) { return m.GetAlert(a->id); })});
  auto* aread = alerts->add_subcommand("read", "mark an alert read (sets read_at); prints it");
  aread->add_option("id", a->id, "alert id")->required();
  out.push_back({aread, Printing<Alert>(g, [a](Monitoring& m) { return m.MarkAlertRead(a->id); })});

  auto* check = app.add_subcommand(
      "check-monitor",
      "store a new snapshot of an active monitor, compare it with the one before it, alert on changes at or above "
      "the monitor's threshold, and update the monitor; prints what was found as JSON");
  check->add_option("monitor", a->id, "monitor id")->required();
  check->add_option("snapshot", a->snapshot_json,
                    "the snapshot as plain JSON, @FILE to read it from a file, or - for stdin (monitor_id, company "
                    "and industry default to the monitor's; timestamp to now)")
      ->required();
  out.push_back({check, [&g, a] {
                   std::string json = a->snapshot_json;
                   if (json == "-" || (!json.empty() && json[0] == '@')) {
                     auto text = ReadAll(json == "-" ? "-" : json.substr(1));
                     if (!text.ok()) return Fail(text.status());
                     json = *text;
                   }
                   return WithMonitoring(g, [&](Monitoring& m, Database& db) {
                     std::optional<CollectionDef> def = db.Collection("snapshots");
                     auto parsed = schema::ParsePlainDocument(json, def ? &*def : nullptr);
                     if (!parsed.ok()) return Fail(parsed.status().WithContext("the snapshot"));
                     auto r = m.CheckMonitor(a->id, std::move(parsed->fields));
                     if (!r.ok()) return Fail(r.status());
                     ArrayValue changes;
                     for (const Change& c : r->changes) changes.push_back(Value::Map(c.ToFields()));
                     MapValue report{{"snapshot", Value::String(r->snapshot_path)},
                                     {"compared_with_previous", Value::Boolean(r->had_previous)},
                                     {"changes", Value::Array(std::move(changes))},
                                     {"alert", r->alert ? Value::Map(r->alert->ToFields()) : Value::Null()},
                                     {"monitor", Value::Map(r->monitor.ToFields())}};
                     LineWriter().Line(schema::PlainDocumentJson(report));
                     return 0;
                   });
                 }});
  return out;
}

}  // namespace hearth::tools
