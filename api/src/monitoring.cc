#include "hearth/monitoring.h"

#include <uuid/uuid.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <mutex>

#include "schema/document_ids.h"
#include "schema/json.h"
#include "schema/path.h"

namespace hearth {

namespace {

const std::vector<std::string> kFrequencies = {"hourly", "daily", "weekly", "monthly"};
const std::vector<std::string> kFrameworks = {"porter",  "swot",       "pestel",     "blue_ocean",
                                              "ansoff",  "bcg_matrix", "value_chain"};
const std::vector<std::string> kChannels = {"email", "slack", "webhook", "in_app"};
const std::vector<std::string> kStatuses = {"active", "paused", "deleted", "error"};

bool OneOf(const std::string& v, const std::vector<std::string>& set) {
  return std::find(set.begin(), set.end(), v) != set.end();
}

std::string Joined(const std::vector<std::string>& v, size_t n = SIZE_MAX) {
  std::string out;
  for (size_t i = 0; i < v.size() && i < n; i++) out += (i ? ", " : "") + v[i];
  return out;
}

std::string Trimmed(const std::string& s) {
  const char* ws = " \t\r\n\f\v";
  const size_t b = s.find_first_not_of(ws);
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(ws) - b + 1);
}

std::string Lowered(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// "competitive_rivalry" -> "Competitive Rivalry" (Python's title() of the words).
std::string TitleCased(const std::string& key) {
  std::string out;
  bool start = true;
  for (char c : key) {
    if (c == '_') c = ' ';
    const bool alpha = std::isalpha(static_cast<unsigned char>(c));
    out += static_cast<char>(alpha ? (start ? std::toupper(static_cast<unsigned char>(c))
                                            : std::tolower(static_cast<unsigned char>(c)))
                                   : c);
    start = !alpha;
  }
  return out;
}

// The first `n` characters (code points) of UTF-8 text.
std::string FirstChars(const std::string& s, size_t n) {
  size_t chars = 0;
  for (size_t i = 0; i < s.size(); i++) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && chars++ == n) return s.substr(0, i);
  }
  return s;
}

// A value as the original's str() would show it in a change.
std::string Text(const Value& v) { return v.type() == Value::Type::kString ? v.string() : schema::PlainValueJson(v); }

bool Numeric(const Value& v) { return v.is_number(); }  // booleans are not

const MapValue* MapField(const MapValue& doc, const std::string& name) {
  auto it = doc.find(name);
  return it != doc.end() && it->second.type() == Value::Type::kMap ? &it->second.map() : nullptr;
}

std::vector<std::string> StringList(const MapValue& doc, const std::string& name) {
  std::vector<std::string> out;
  auto it = doc.find(name);
  if (it == doc.end() || it->second.type() != Value::Type::kArray) return out;
  for (const Value& v : it->second.array())
    if (v.type() == Value::Type::kString && std::find(out.begin(), out.end(), v.string()) == out.end())
      out.push_back(v.string());
  return out;
}

Value OptionalString(const std::optional<std::string>& s) { return s ? Value::String(*s) : Value::Null(); }
Value OptionalTime(const std::optional<Timestamp>& t) { return t ? Value::Time(*t) : Value::Null(); }
Value Strings(const std::vector<std::string>& v) {
  ArrayValue a;
  for (const auto& s : v) a.push_back(Value::String(s));
  return Value::Array(std::move(a));
}

// Readers of stored fields: absent or null is "not set"; a wrong type is an
// error naming the field.
class FieldReader {
 public:
  FieldReader(const MapValue& m, std::string what) : m_(m), what_(std::move(what)) {}
  const Value* Find(const std::string& k) const {
    auto it = m_.find(k);
    return it == m_.end() || it->second.is_null() ? nullptr : &it->second;
  }
  Status Wrong(const std::string& k, const char* want) const {
    return Status::DataLoss(what_ + ": field \"" + k + "\" is not " + want);
  }
  Status String(const std::string& k, std::string* out) const {
    const Value* v = Find(k);
    if (!v) return Status::OK();
    if (v->type() != Value::Type::kString) return Wrong(k, "a string");
    *out = v->string();
    return Status::OK();
  }
  Status OptString(const std::string& k, std::optional<std::string>* out) const {
    const Value* v = Find(k);
    if (!v) return Status::OK();
    if (v->type() != Value::Type::kString) return Wrong(k, "a string");
    *out = v->string();
    return Status::OK();
  }
  Status Time(const std::string& k, std::optional<Timestamp>* out) const {
    const Value* v = Find(k);
    if (!v) return Status::OK();
    if (v->type() != Value::Type::kTimestamp) return Wrong(k, "a timestamp");
    *out = v->timestamp();
    return Status::OK();
  }
  Status Number(const std::string& k, double* out) const {
    const Value* v = Find(k);
    if (!v) return Status::OK();
    if (!v->is_number()) return Wrong(k, "a number");
    *out = v->AsDouble();
    return Status::OK();
  }
  Status Integer(const std::string& k, int64_t* out) const {
    double d = static_cast<double>(*out);
    HEARTH_RETURN_IF_ERROR(Number(k, &d));
    *out = static_cast<int64_t>(d);
    return Status::OK();
  }
  Status Strings(const std::string& k, std::vector<std::string>* out) const {
    const Value* v = Find(k);
    if (!v) return Status::OK();
    if (v->type() != Value::Type::kArray) return Wrong(k, "an array of strings");
    out->clear();
    for (const Value& s : v->array()) {
      if (s.type() != Value::Type::kString) return Wrong(k, "an array of strings");
      out->push_back(s.string());
    }
    return Status::OK();
  }

 private:
  const MapValue& m_;
  std::string what_;
};

std::string NewUuid() {
  uuid_t u;
  uuid_generate_random(u);
  char text[37];
  uuid_unparse_lower(u, text);
  return text;
}

// When a monitor of this frequency is next due after `t`; a month is a
// calendar month (the 31st falls back to the month's last day).
Timestamp NextCheck(Timestamp t, const std::string& frequency) {
  if (frequency == "hourly") return {t.seconds + 3600, t.nanos};
  if (frequency == "weekly") return {t.seconds + 7 * 86400, t.nanos};
  if (frequency == "monthly") {
    using namespace std::chrono;
    const int64_t day = t.seconds >= 0 ? t.seconds / 86400 : (t.seconds - 86399) / 86400;
    const year_month_day ymd{sys_days{days{day}}};
    year_month_day next = ymd + months{1};
    if (!next.ok()) next = next.year() / next.month() / last;
    const int64_t shift = (sys_days{next} - sys_days{ymd}).count() * 86400;
    return {t.seconds + shift, t.nanos};
  }
  return {t.seconds + 86400, t.nanos};  // daily
}

}  // namespace

Status MonitoringConfig::Validate() const {
  if (!OneOf(frequency, kFrequencies))
    return Status::InvalidArgument("config.frequency \"" + frequency + "\" is not one of " + Joined(kFrequencies));
  for (const auto& f : frameworks)
    if (!OneOf(f, kFrameworks))
      return Status::InvalidArgument("config.frameworks: \"" + f + "\" is not one of " + Joined(kFrameworks));
  if (!(alert_threshold >= 0 && alert_threshold <= 1))
    return Status::InvalidArgument("config.alert_threshold must lie in [0, 1]");
  for (const auto& c : notification_channels)
    if (!OneOf(c, kChannels))
      return Status::InvalidArgument("config.notification_channels: \"" + c + "\" is not one of " + Joined(kChannels));
  return Status::OK();
}

MapValue Monitor::ToFields() const {
  MapValue cfg{{"frequency", Value::String(config.frequency)},
               {"frameworks", Strings(config.frameworks)},
               {"alert_threshold", Value::Double(config.alert_threshold)},
               {"notification_channels", Strings(config.notification_channels)},
               {"keywords", config.keywords ? Strings(*config.keywords) : Value::Null()},
               {"competitors", config.competitors ? Strings(*config.competitors) : Value::Null()}};
  return MapValue{{"id", Value::String(id)},
                  {"user_id", Value::String(user_id)},
                  {"company", Value::String(company)},
                  {"industry", Value::String(industry)},
                  {"config", Value::Map(std::move(cfg))},
                  {"status", Value::String(status)},
                  {"created_at", Value::Time(created_at)},
                  {"last_check", OptionalTime(last_check)},
                  {"next_check", OptionalTime(next_check)},
                  {"last_alert_id", OptionalString(last_alert_id)},
                  {"total_alerts", Value::Integer(total_alerts)},
                  {"error_count", Value::Integer(error_count)},
                  {"last_error", OptionalString(last_error)}};
}

StatusOr<Monitor> Monitor::FromFields(std::string id, const MapValue& fields) {
  Monitor m;
  m.id = std::move(id);
  FieldReader r(fields, "monitor " + m.id);
  std::optional<Timestamp> created;
  HEARTH_RETURN_IF_ERROR(r.String("user_id", &m.user_id));
  HEARTH_RETURN_IF_ERROR(r.String("company", &m.company));
  HEARTH_RETURN_IF_ERROR(r.String("industry", &m.industry));
  HEARTH_RETURN_IF_ERROR(r.String("status", &m.status));
  HEARTH_RETURN_IF_ERROR(r.Time("created_at", &created));
  m.created_at = created.value_or(Timestamp{});
  HEARTH_RETURN_IF_ERROR(r.Time("last_check", &m.last_check));
  HEARTH_RETURN_IF_ERROR(r.Time("next_check", &m.next_check));
  HEARTH_RETURN_IF_ERROR(r.OptString("last_alert_id", &m.last_alert_id));
  HEARTH_RETURN_IF_ERROR(r.Integer("total_alerts", &m.total_alerts));
  HEARTH_RETURN_IF_ERROR(r.Integer("error_count", &m.error_count));
  HEARTH_RETURN_IF_ERROR(r.OptString("last_error", &m.last_error));
  if (const Value* cfg = r.Find("config")) {
    if (cfg->type() != Value::Type::kMap) return r.Wrong("config", "a map");
    FieldReader c(cfg->map(), "monitor " + m.id + " config");
    HEARTH_RETURN_IF_ERROR(c.String("frequency", &m.config.frequency));
    HEARTH_RETURN_IF_ERROR(c.Strings("frameworks", &m.config.frameworks));
    HEARTH_RETURN_IF_ERROR(c.Number("alert_threshold", &m.config.alert_threshold));
    HEARTH_RETURN_IF_ERROR(c.Strings("notification_channels", &m.config.notification_channels));
    std::vector<std::string> list;
    if (c.Find("keywords")) {
      HEARTH_RETURN_IF_ERROR(c.Strings("keywords", &list));
      m.config.keywords = list;
    }
    if (c.Find("competitors")) {
      HEARTH_RETURN_IF_ERROR(c.Strings("competitors", &list));
      m.config.competitors = list;
    }
  }
  return m;
}

MapValue Change::ToFields() const {
  return MapValue{{"change_type", Value::String(change_type)},
                  {"title", Value::String(title)},
                  {"description", Value::String(description)},
                  {"confidence", Value::Double(confidence)},
                  {"source_urls", Strings(source_urls)},
                  {"detected_at", Value::Time(detected_at)},
                  {"previous_value", OptionalString(previous_value)},
                  {"current_value", OptionalString(current_value)}};
}

MapValue Alert::ToFields() const {
  ArrayValue changes;
  for (const Change& c : changes_detected) changes.push_back(Value::Map(c.ToFields()));
  return MapValue{{"id", Value::String(id)},
                  {"monitor_id", Value::String(monitor_id)},
                  {"title", Value::String(title)},
                  {"summary", Value::String(summary)},
                  {"confidence", Value::Double(confidence)},
                  {"severity", Value::String(severity)},
                  {"changes_detected", Value::Array(std::move(changes))},
                  {"created_at", Value::Time(created_at)},
                  {"read", Value::Boolean(read)},
                  {"read_at", OptionalTime(read_at)},
                  {"user_feedback", OptionalString(user_feedback)},
                  {"action_taken", OptionalString(action_taken)},
                  {"root_cause_analysis", Value::Null()}};
}

StatusOr<Alert> Alert::FromFields(std::string id, const MapValue& fields) {
  Alert a;
  a.id = std::move(id);
  FieldReader r(fields, "alert " + a.id);
  std::optional<Timestamp> created;
  HEARTH_RETURN_IF_ERROR(r.String("monitor_id", &a.monitor_id));
  HEARTH_RETURN_IF_ERROR(r.String("title", &a.title));
  HEARTH_RETURN_IF_ERROR(r.String("summary", &a.summary));
  HEARTH_RETURN_IF_ERROR(r.Number("confidence", &a.confidence));
  HEARTH_RETURN_IF_ERROR(r.String("severity", &a.severity));
  HEARTH_RETURN_IF_ERROR(r.Time("created_at", &created));
  a.created_at = created.value_or(Timestamp{});
  if (const Value* v = r.Find("read")) {
    if (v->type() != Value::Type::kBoolean) return r.Wrong("read", "a boolean");
    a.read = v->boolean();
  }
  HEARTH_RETURN_IF_ERROR(r.Time("read_at", &a.read_at));
  HEARTH_RETURN_IF_ERROR(r.OptString("user_feedback", &a.user_feedback));
  HEARTH_RETURN_IF_ERROR(r.OptString("action_taken", &a.action_taken));
  if (const Value* list = r.Find("changes_detected")) {
    if (list->type() != Value::Type::kArray) return r.Wrong("changes_detected", "an array");
    for (const Value& v : list->array()) {
      if (v.type() != Value::Type::kMap) return r.Wrong("changes_detected", "an array of maps");
      FieldReader c(v.map(), "alert " + a.id + " change");
      Change ch;
      std::optional<Timestamp> at;
      HEARTH_RETURN_IF_ERROR(c.String("change_type", &ch.change_type));
      HEARTH_RETURN_IF_ERROR(c.String("title", &ch.title));
      HEARTH_RETURN_IF_ERROR(c.String("description", &ch.description));
      HEARTH_RETURN_IF_ERROR(c.Number("confidence", &ch.confidence));
      HEARTH_RETURN_IF_ERROR(c.Strings("source_urls", &ch.source_urls));
      HEARTH_RETURN_IF_ERROR(c.Time("detected_at", &at));
      ch.detected_at = at.value_or(Timestamp{});
      HEARTH_RETURN_IF_ERROR(c.OptString("previous_value", &ch.previous_value));
      HEARTH_RETURN_IF_ERROR(c.OptString("current_value", &ch.current_value));
      a.changes_detected.push_back(std::move(ch));
    }
  }
  return a;
}

std::vector<Change> DetectChanges(const MapValue& previous, const MapValue& current, Timestamp detected_at) {
  std::vector<Change> out;
  // Porter's forces: a non-empty current text that differs (ignoring case and
  // surrounding space) from a non-empty previous one.
  const MapValue* cur_forces = MapField(current, "competitive_forces");
  const MapValue* prev_forces = MapField(previous, "competitive_forces");
  if (cur_forces && prev_forces)
    for (const auto& [key, value] : *cur_forces) {
      auto p = prev_forces->find(key);
      if (p == prev_forces->end() || p->second.is_null()) continue;
      const std::string before = Text(p->second), now = Text(value);
      const std::string b = Lowered(Trimmed(before)), n = Lowered(Trimmed(now));
      if (b.empty() || n.empty() || b == n) continue;
      out.push_back({"competitive_landscape", "Change in " + TitleCased(key),
                     "Competitive force '" + key + "' has changed", 0.8, {}, detected_at, FirstChars(before, 200),
                     FirstChars(now, 200)});
    }
  // Market trends that appeared, and that disappeared.
  const std::vector<std::string> cur_trends = StringList(current, "market_trends");
  const std::vector<std::string> prev_trends = StringList(previous, "market_trends");
  std::vector<std::string> appeared, gone;
  for (const auto& t : cur_trends)
    if (std::find(prev_trends.begin(), prev_trends.end(), t) == prev_trends.end()) appeared.push_back(t);
  for (const auto& t : prev_trends)
    if (std::find(cur_trends.begin(), cur_trends.end(), t) == cur_trends.end()) gone.push_back(t);
  if (!appeared.empty())
    out.push_back({"market_trend", "New Market Trends Detected", "New trends: " + Joined(appeared, 3), 0.75, {},
                   detected_at, std::nullopt, Joined(appeared)});
  if (!gone.empty())
    out.push_back({"market_trend", "Market Trends No Longer Detected", "Trends no longer seen: " + Joined(gone, 3),
                   0.7, {}, detected_at, Joined(gone), std::nullopt});
  // Financial metrics that moved more than 10%.
  const MapValue* cur_metrics = MapField(current, "financial_metrics");
  const MapValue* prev_metrics = MapField(previous, "financial_metrics");
  if (cur_metrics && prev_metrics)
    for (const auto& [key, value] : *cur_metrics) {
      auto p = prev_metrics->find(key);
      if (p == prev_metrics->end() || !Numeric(p->second) || !Numeric(value)) continue;
      const double before = p->second.AsDouble(), now = value.AsDouble();
      if (before == 0) continue;
      const double pct = std::abs((now - before) / before);
      if (!(pct > 0.10)) continue;
      char pct_text[32];
      std::snprintf(pct_text, sizeof pct_text, "%.1f%%", pct * 100);
      out.push_back({"financial_metric", "Significant Change in " + key, key + " changed by " + pct_text, 0.9, {},
                     detected_at, Text(p->second), Text(value)});
    }
  return out;
}

std::string SeverityOf(const std::vector<Change>& changes) {
  const size_t n = changes.size();
  const size_t high = static_cast<size_t>(
      std::count_if(changes.begin(), changes.end(), [](const Change& c) { return c.confidence >= 0.8; }));
  if (high >= 3 || (high >= 2 && n >= 4)) return "critical";
  if (high >= 2 || n >= 3) return "high";
  if (high >= 1 || n >= 2) return "medium";
  return "low";
}

class Monitoring::Impl {
 public:
  Impl(Database* db, MonitoringOptions o, CollectionDef snapshots)
      : db_(db), options_(std::move(o)), snapshots_(std::move(snapshots)) {}

  Timestamp Now() const { return options_.clock ? options_.clock() : Timestamp::Now(); }
  std::string NewId() const { return options_.new_id ? options_.new_id() : NewUuid(); }
  std::string MonitorPath(const std::string& id) const { return options_.monitors + "/" + id; }
  std::string AlertPath(const std::string& id) const { return options_.alerts + "/" + id; }
  // Writes to one monitor (or alert) are serialized by a stripe of locks.
  std::mutex& LockFor(const std::string& id) { return stripes_[std::hash<std::string>()(id) % stripes_.size()]; }

  // The monitor or alert (`kind`) with this id in `collection`.
  template <typename T>
  StatusOr<T> Load(const std::string& kind, const std::string& collection, const std::string& id) {
    HEARTH_RETURN_IF_ERROR(schema::ValidateId(id, kind + " id"));
    auto doc = db_->Get(collection + "/" + id);
    if (doc.status().code() == StatusCode::kNotFound) return Status::NotFound(kind + " " + id + " not found");
    HEARTH_RETURN_IF_ERROR(doc.status());
    return T::FromFields(id, doc->fields);
  }
  StatusOr<Monitor> LoadMonitor(const std::string& id) { return Load<Monitor>("monitor", options_.monitors, id); }
  StatusOr<Alert> LoadAlert(const std::string& id) { return Load<Alert>("alert", options_.alerts, id); }

  // The monitors or alerts of `collection` whose fields equal `equal`,
  // newest first (created_at), at most `limit`: a composite index serves it.
  template <typename T>
  StatusOr<std::vector<T>> Newest(const std::string& collection, const std::vector<std::pair<std::string, Value>>& equal,
                                  size_t limit) {
    Query q;
    q.collection_id = collection;
    std::vector<Filter> where;
    for (const auto& [field, v] : equal) where.push_back(Filter::Field(field, FilterOp::kEqual, v));
    q.where = where.size() == 1 ? where[0] : Filter::And(where);
    q.order_by = {{"created_at", SortDirection::kDescending}};
    q.limit = static_cast<int64_t>(std::min<size_t>(limit, INT64_MAX));
    std::vector<T> out;
    Status failed;
    HEARTH_RETURN_IF_ERROR(db_->RunQuery(q, [&](const Document& d) {
      auto t = T::FromFields(d.path.substr(d.path.rfind('/') + 1), d.fields);
      if (!t.ok()) {
        failed = t.status();
        return false;
      }
      out.push_back(std::move(*t));
      return true;
    }));
    HEARTH_RETURN_IF_ERROR(failed);
    return out;
  }

  StatusOr<std::vector<Monitor>> ListMonitors(const std::string& user, std::optional<std::string> status, size_t limit) {
    std::vector<std::pair<std::string, Value>> equal = {{"user_id", Value::String(user)}};
    if (status) equal.emplace_back("status", Value::String(*status));
    return Newest<Monitor>(options_.monitors, equal, limit);
  }

  StatusOr<std::vector<Alert>> ListAlerts(const std::string& monitor, bool unread_only, size_t limit) {
    std::vector<std::pair<std::string, Value>> equal = {{"monitor_id", Value::String(monitor)}};
    if (unread_only) equal.emplace_back("read", Value::Boolean(false));
    return Newest<Alert>(options_.alerts, equal, limit);
  }

  // ALREADY_EXISTS when another monitor of m's user and company is active.
  // Caller holds create_mu_.
  Status NoOtherActive(const Monitor& m) {
    HEARTH_ASSIGN_OR_RETURN(auto active, ListMonitors(m.user_id, "active", SIZE_MAX));
    for (const Monitor& other : active)
      if (other.company == m.company && other.id != m.id)
        return Status::AlreadyExists("user " + m.user_id + " already has an active monitor of " + m.company + " (" +
                                     other.id + ")");
    return Status::OK();
  }

  StatusOr<Monitor> Create(const std::string& user_id, const std::string& company_in, const std::string& industry_in,
                           std::optional<MonitoringConfig> config) {
    Monitor m;
    m.user_id = Trimmed(user_id);
    m.company = Trimmed(company_in);
    m.industry = Trimmed(industry_in);
    if (m.user_id.empty()) return Status::InvalidArgument("a monitor needs a user id");
    if (m.company.empty()) return Status::InvalidArgument("a monitor needs a company");
    if (m.industry.empty()) return Status::InvalidArgument("a monitor needs an industry");
    m.config = config.value_or(MonitoringConfig{});
    HEARTH_RETURN_IF_ERROR(m.config.Validate());
    std::lock_guard lock(create_mu_);  // the duplicate check and the write, together
    HEARTH_RETURN_IF_ERROR(NoOtherActive(m));
    m.id = NewId();
    m.created_at = Now();
    m.next_check = NextCheck(m.created_at, m.config.frequency);
    HEARTH_RETURN_IF_ERROR(db_->Create(MonitorPath(m.id), m.ToFields()).status());
    return m;
  }

  StatusOr<Monitor> Update(const std::string& id, const MonitorUpdate& u) {
    if (u.status && !OneOf(*u.status, kStatuses))
      return Status::InvalidArgument("status \"" + *u.status + "\" is not one of " + Joined(kStatuses));
    if (u.config) HEARTH_RETURN_IF_ERROR(u.config->Validate());
    std::lock_guard lock(LockFor(id));
    HEARTH_ASSIGN_OR_RETURN(Monitor m, LoadMonitor(id));
    if (u.config) {
      m.config = *u.config;
      m.next_check = NextCheck(m.last_check.value_or(Now()), m.config.frequency);
    }
    std::unique_lock<std::mutex> reactivating(create_mu_, std::defer_lock);
    if (u.status) {
      if (*u.status == "active" && m.status != "active") {
        // A second active monitor of the company is refused, as at creation.
        reactivating.lock();
        HEARTH_RETURN_IF_ERROR(NoOtherActive(m));
        m.error_count = 0;
      }
      m.status = *u.status;
    }
    HEARTH_RETURN_IF_ERROR(db_->Set(MonitorPath(id), m.ToFields()).status());
    return m;
  }

  StatusOr<Alert> CreateAlert(Alert a) {
    if (!(a.confidence >= 0 && a.confidence <= 1))
      return Status::InvalidArgument("an alert's confidence must lie in [0, 1]");
    std::lock_guard lock(LockFor(a.monitor_id));
    HEARTH_ASSIGN_OR_RETURN(Monitor m, LoadMonitor(a.monitor_id));
    if (a.id.empty()) a.id = NewId();
    HEARTH_RETURN_IF_ERROR(schema::ValidateId(a.id, "alert id"));
    if (a.created_at == Timestamp{}) a.created_at = Now();
    if (a.severity.empty()) a.severity = SeverityOf(a.changes_detected);
    m.total_alerts++;
    m.last_alert_id = a.id;
    WriteBatch batch;
    batch.Create(AlertPath(a.id), a.ToFields());
    batch.Set(MonitorPath(m.id), m.ToFields());
    HEARTH_RETURN_IF_ERROR(db_->Write(batch).status());
    return a;
  }

  StatusOr<Alert> UpdateAlert(const std::string& id, const AlertUpdate& u) {
    std::lock_guard lock(LockFor(id));
    HEARTH_ASSIGN_OR_RETURN(Alert a, LoadAlert(id));
    if (u.read) {
      if (*u.read && !a.read) a.read_at = Now();
      if (!*u.read) a.read_at.reset();
      a.read = *u.read;
    }
    if (u.user_feedback) a.user_feedback = *u.user_feedback;
    if (u.action_taken) a.action_taken = *u.action_taken;
    HEARTH_RETURN_IF_ERROR(db_->Set(AlertPath(id), a.ToFields()).status());
    return a;
  }

  StatusOr<CheckResult> Check(const std::string& monitor_id, MapValue snapshot) {
    std::lock_guard lock(LockFor(monitor_id));
    HEARTH_ASSIGN_OR_RETURN(Monitor m, LoadMonitor(monitor_id));
    if (m.status != "active")
      return Status::FailedPrecondition("monitor " + monitor_id + " is " + m.status +
                                        "; only active monitors are checked");
    auto result = CheckActive(m, std::move(snapshot));
    if (result.ok()) return result;
    // The failure counts against the monitor.
    m.error_count++;
    m.last_error = result.status().ToString();
    if (m.error_count >= options_.max_consecutive_errors) m.status = "error";
    Status recorded = db_->Set(MonitorPath(m.id), m.ToFields()).status();
    if (!recorded.ok()) return result.status().WithContext("(and recording the failure failed: " + recorded.ToString() + ")");
    return result;
  }

  StatusOr<CheckResult> CheckActive(Monitor m, MapValue snapshot) {
    const Timestamp now = Now();
    const auto& ts = *snapshots_.time_series;
    if (auto it = snapshot.find(ts.partition_field); it != snapshot.end()) {
      if (it->second.type() != Value::Type::kString || it->second.string() != m.id)
        return Status::InvalidArgument("the snapshot's " + ts.partition_field + " (" + schema::PlainValueJson(it->second) +
                                       ") is not monitor " + m.id);
    } else {
      snapshot[ts.partition_field] = Value::String(m.id);
    }
    if (!snapshot.count(ts.time_field)) snapshot[ts.time_field] = Value::Time(now);
    if (!snapshot.count("company")) snapshot["company"] = Value::String(m.company);
    if (!snapshot.count("industry")) snapshot["industry"] = Value::String(m.industry);
    const Value& time = snapshot.at(ts.time_field);
    if (time.type() != Value::Type::kTimestamp)
      return Status::InvalidArgument("the snapshot's " + ts.time_field + " is not a timestamp");
    HEARTH_ASSIGN_OR_RETURN(std::string id, schema::DocumentIdFor(&snapshots_, snapshot, ""));
    CheckResult r;
    r.snapshot_path = options_.snapshots + "/" + id;
    // The snapshot just before this one.
    SeriesScan scan;
    scan.collection = options_.snapshots;
    scan.partition = Value::String(m.id);
    scan.end = time.timestamp();
    scan.newest_first = true;
    scan.limit = 1;
    MapValue previous;
    HEARTH_RETURN_IF_ERROR(db_->ScanSeries(scan, [&](const DocumentView& v) {
      previous = v.Fields();
      r.had_previous = true;
      return false;
    }));
    if (r.had_previous) r.changes = DetectChanges(previous, snapshot, now);
    std::vector<Change> alerting;
    for (const Change& c : r.changes)
      if (c.confidence >= m.config.alert_threshold) alerting.push_back(c);

    WriteBatch batch;
    batch.Set(r.snapshot_path, std::move(snapshot));
    if (!alerting.empty()) {
      Alert a;
      a.id = NewId();
      a.monitor_id = m.id;
      a.title = "Changes Detected: " + m.company;
      std::vector<std::string> types;
      double sum = 0;
      for (const Change& c : alerting) {
        sum += c.confidence;
        if (std::find(types.begin(), types.end(), c.change_type) == types.end()) types.push_back(c.change_type);
      }
      a.summary = "Detected " + std::to_string(alerting.size()) + " changes in " + m.company + ": " + Joined(types);
      a.confidence = sum / static_cast<double>(alerting.size());
      a.severity = SeverityOf(alerting);
      a.changes_detected = std::move(alerting);
      a.created_at = now;
      batch.Set(AlertPath(a.id), a.ToFields());
      m.total_alerts++;
      m.last_alert_id = a.id;
      r.alert = std::move(a);
    }
    m.last_check = now;
    m.next_check = NextCheck(now, m.config.frequency);
    m.error_count = 0;
    m.last_error.reset();
    batch.Set(MonitorPath(m.id), m.ToFields());
    HEARTH_RETURN_IF_ERROR(db_->Write(batch).status());
    r.monitor = std::move(m);
    return r;
  }

  Database* db_;
  MonitoringOptions options_;
  CollectionDef snapshots_;
  std::mutex create_mu_;
  std::array<std::mutex, 64> stripes_;
};

Monitoring::Monitoring(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Monitoring::~Monitoring() = default;

StatusOr<std::unique_ptr<Monitoring>> Monitoring::Open(Database* db, MonitoringOptions options) {
  HEARTH_ASSIGN_OR_RETURN(schema::CollectionPath cp, schema::ParseCollectionPath(options.snapshots));
  std::optional<CollectionDef> def = db->Collection(cp.collection_id());
  if (!def || !def->time_series)
    return Status::FailedPrecondition("collection \"" + cp.collection_id() + "\" is not a time-series collection");
  for (const std::string* c : {&options.monitors, &options.alerts})
    HEARTH_RETURN_IF_ERROR(schema::ParseCollectionPath(*c).status());
  return std::unique_ptr<Monitoring>(new Monitoring(std::make_unique<Impl>(db, std::move(options), std::move(*def))));
}

StatusOr<Monitor> Monitoring::CreateMonitor(const std::string& user_id, const std::string& company,
                                            const std::string& industry, std::optional<MonitoringConfig> config) {
  return impl_->Create(user_id, company, industry, std::move(config));
}
StatusOr<Monitor> Monitoring::GetMonitor(const std::string& id) { return impl_->LoadMonitor(id); }
StatusOr<Monitor> Monitoring::UpdateMonitor(const std::string& id, const MonitorUpdate& update) {
  return impl_->Update(id, update);
}
StatusOr<Monitor> Monitoring::DeleteMonitor(const std::string& id) {
  MonitorUpdate u;
  u.status = "deleted";
  return impl_->Update(id, u);
}
StatusOr<std::vector<Monitor>> Monitoring::ListMonitors(const std::string& user_id, std::optional<std::string> status,
                                                        size_t limit) {
  if (status && !OneOf(*status, kStatuses))
    return Status::InvalidArgument("status \"" + *status + "\" is not one of " + Joined(kStatuses));
  return impl_->ListMonitors(user_id, std::move(status), limit);
}
StatusOr<Alert> Monitoring::CreateAlert(Alert alert) { return impl_->CreateAlert(std::move(alert)); }
StatusOr<Alert> Monitoring::GetAlert(const std::string& id) { return impl_->LoadAlert(id); }
StatusOr<std::vector<Alert>> Monitoring::ListAlerts(const std::string& monitor_id, bool unread_only, size_t limit) {
  return impl_->ListAlerts(monitor_id, unread_only, limit);
}
StatusOr<Alert> Monitoring::UpdateAlert(const std::string& id, const AlertUpdate& update) {
  return impl_->UpdateAlert(id, update);
}
StatusOr<Alert> Monitoring::MarkAlertRead(const std::string& id) {
  AlertUpdate u;
  u.read = true;
  return impl_->UpdateAlert(id, u);
}
StatusOr<CheckResult> Monitoring::CheckMonitor(const std::string& monitor_id, MapValue snapshot) {
  return impl_->Check(monitor_id, std::move(snapshot));
}

}  // namespace hearth
