// Monitors, alerts and the monitor check (hearth/monitoring.h).
#include "hearth/monitoring.h"

#include <gtest/gtest.h>

#include "schema/time_format.h"
#include "tests/test_util.h"

namespace hearth::testing {
namespace {

Timestamp T(const char* rfc3339) { return *schema::ParseRfc3339(rfc3339); }

MapValue Forces(const std::string& rivalry) {
  return MapValue{{"competitive_rivalry", Value::String(rivalry)}, {"supplier_power", Value::String("Medium")}};
}

// A snapshot as the analysis would produce it.
MapValue Snapshot(const std::string& rivalry, std::vector<std::string> trends, double revenue) {
  ArrayValue t;
  for (auto& s : trends) t.push_back(Value::String(s));
  return MapValue{{"competitive_forces", Value::Map(Forces(rivalry))},
                  {"market_trends", Value::Array(std::move(t))},
                  {"financial_metrics", Value::Map({{"revenue", Value::Double(revenue)}, {"pe_ratio", Value::Double(70)}})},
                  {"strategic_position", Value::Map({{"strengths", Value::Array({Value::String("Brand")})}})}};
}

TEST(DetectChanges, EachRuleWithItsConfidence) {
  const Timestamp at = T("2026-01-01T00:00:00Z");
  MapValue before = Snapshot("High rivalry", {"EV adoption", "Battery costs"}, 100);
  // Nothing changed (case and surrounding space do not count).
  EXPECT_TRUE(DetectChanges(before, Snapshot("  high RIVALRY ", {"Battery costs", "EV adoption"}, 105), at).empty());
  auto changes = DetectChanges(before, Snapshot("Very high rivalry", {"EV adoption", "Autonomy", "Charging"}, 120), at);
  ASSERT_EQ(changes.size(), 4u);
  EXPECT_EQ(changes[0], (Change{"competitive_landscape", "Change in Competitive Rivalry",
                                "Competitive force 'competitive_rivalry' has changed", 0.8, {}, at, "High rivalry",
                                "Very high rivalry"}));
  EXPECT_EQ(changes[1], (Change{"market_trend", "New Market Trends Detected", "New trends: Autonomy, Charging", 0.75,
                                {}, at, std::nullopt, "Autonomy, Charging"}));
  EXPECT_EQ(changes[2], (Change{"market_trend", "Market Trends No Longer Detected",
                                "Trends no longer seen: Battery costs", 0.7, {}, at, "Battery costs", std::nullopt}));
  EXPECT_EQ(changes[3], (Change{"financial_metric", "Significant Change in revenue", "revenue changed by 20.0%", 0.9,
                                {}, at, "100.0", "120.0"}));
  // Exactly 10% is not more than 10%; from zero there is no percentage; an
  // empty text is no change; a metric that appears has nothing to compare.
  MapValue zero = Snapshot("", {"EV adoption", "Battery costs"}, 0);
  EXPECT_TRUE(DetectChanges(before, Snapshot("High rivalry", {"EV adoption", "Battery costs"}, 110), at).empty());
  EXPECT_TRUE(DetectChanges(zero, Snapshot("Low", {"EV adoption", "Battery costs"}, 50), at).empty());
  EXPECT_TRUE(DetectChanges(before, Snapshot("", {"EV adoption", "Battery costs"}, 100), at).empty());
  MapValue more = Snapshot("High rivalry", {"EV adoption", "Battery costs"}, 100);
  more["financial_metrics"].map()["margin"] = Value::Double(5);
  more["financial_metrics"].map()["public"] = Value::Boolean(false);
  EXPECT_TRUE(DetectChanges(before, more, at).empty());
  // Only the first three new trends are described; all are listed.
  auto many = DetectChanges(before, Snapshot("High rivalry", {"EV adoption", "Battery costs", "a", "b", "c", "d"}, 100), at);
  ASSERT_EQ(many.size(), 1u);
  EXPECT_EQ(many[0].description, "New trends: a, b, c");
  EXPECT_EQ(many[0].current_value, "a, b, c, d");
  // Long texts are cut to 200 characters (not bytes).
  std::string long_text;
  for (int i = 0; i < 300; i++) long_text += "\xc3\xa9";  // é
  auto cut = DetectChanges(before, Snapshot(long_text, {"EV adoption", "Battery costs"}, 100), at);
  ASSERT_EQ(cut.size(), 1u);
  EXPECT_EQ(cut[0].current_value->size(), 400u);
}

TEST(DetectChanges, SeverityFollowsTheOriginalsRules) {
  auto with = [](std::vector<double> confidences) {
    std::vector<Change> c;
    for (double x : confidences) c.push_back(Change{"t", "", "", x, {}, {}, {}, {}});
    return SeverityOf(c);
  };
  EXPECT_EQ(with({0.8, 0.9, 0.8}), "critical");
  EXPECT_EQ(with({0.8, 0.9, 0.7, 0.75}), "critical");
  EXPECT_EQ(with({0.8, 0.9}), "high");
  EXPECT_EQ(with({0.7, 0.75, 0.7}), "high");
  EXPECT_EQ(with({0.9}), "medium");
  EXPECT_EQ(with({0.7, 0.75}), "medium");
  EXPECT_EQ(with({0.7}), "low");
}

class MonitoringTest : public DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    MonitoringOptions o;
    o.clock = [this] { return now_; };
    o.new_id = [this] { return "id-" + std::to_string(++ids_); };
    auto m = Monitoring::Open(db_.get(), o);
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    mon_ = std::move(m).value();
  }
  void TearDown() override {
    mon_.reset();
    DatabaseTest::TearDown();
  }
  Monitor Create(const std::string& user, const std::string& company, MonitoringConfig config = {}) {
    auto m = mon_->CreateMonitor(user, company, "Electric Vehicles", config);
    EXPECT_TRUE(m.ok()) << m.status().ToString();
    return m.ok() ? *m : Monitor{};
  }
  CheckResult Check(const std::string& id, MapValue snapshot) {
    auto r = mon_->CheckMonitor(id, std::move(snapshot));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : CheckResult{};
  }
  Timestamp now_ = T("2026-01-31T12:00:00Z");
  int ids_ = 0;
  std::unique_ptr<Monitoring> mon_;
};

TEST_P(MonitoringTest, CreateValidatesAndRejectsASecondActiveMonitorOfACompany) {
  Monitor m = Create("user-1", "  Tesla ");
  EXPECT_EQ(m.company, "Tesla");
  EXPECT_EQ(m.status, "active");
  EXPECT_EQ(m.created_at, now_);
  EXPECT_EQ(m.next_check, T("2026-02-01T12:00:00Z"));  // daily by default
  EXPECT_EQ(m.config.frameworks, (std::vector<std::string>{"porter", "swot"}));
  auto stored = mon_->GetMonitor(m.id);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->ToFields(), m.ToFields());
  EXPECT_EQ(mon_->CreateMonitor("user-1", "Tesla", "Cars").status().code(), StatusCode::kAlreadyExists);
  EXPECT_TRUE(mon_->CreateMonitor("user-2", "Tesla", "Cars").ok());  // another user
  // Pausing the first allows a new one; reactivating the first is then refused.
  MonitorUpdate pause;
  pause.status = "paused";
  ASSERT_TRUE(mon_->UpdateMonitor(m.id, pause).ok());
  Monitor second = Create("user-1", "Tesla");
  MonitorUpdate resume;
  resume.status = "active";
  EXPECT_EQ(mon_->UpdateMonitor(m.id, resume).status().code(), StatusCode::kAlreadyExists);
  ASSERT_TRUE(mon_->DeleteMonitor(second.id).ok());
  EXPECT_EQ(mon_->UpdateMonitor(m.id, resume)->status, "active");
  // Bad input names what is wrong.
  auto expect_bad = [&](StatusOr<Monitor> r, const std::string& what) {
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << what;
    EXPECT_NE(r.status().message().find(what), std::string::npos) << r.status().ToString();
  };
  expect_bad(mon_->CreateMonitor("user-1", "  ", "Cars"), "company");
  expect_bad(mon_->CreateMonitor("", "X", "Cars"), "user id");
  MonitoringConfig c;
  c.frequency = "yearly";
  expect_bad(mon_->CreateMonitor("user-1", "X", "Cars", c), "config.frequency");
  c = {};
  c.alert_threshold = 1.5;
  expect_bad(mon_->CreateMonitor("user-1", "X", "Cars", c), "config.alert_threshold");
  c = {};
  c.frameworks = {"porter", "tarot"};
  expect_bad(mon_->CreateMonitor("user-1", "X", "Cars", c), "tarot");
  c = {};
  c.notification_channels = {"pager"};
  expect_bad(mon_->CreateMonitor("user-1", "X", "Cars", c), "pager");
  EXPECT_EQ(mon_->GetMonitor("nope").status().code(), StatusCode::kNotFound);
}

TEST_P(MonitoringTest, NextCheckFollowsTheFrequency) {
  auto next = [&](const std::string& f) {
    MonitoringConfig c;
    c.frequency = f;
    return Create("u", "Company " + f + " " + std::to_string(now_.seconds), c).next_check;
  };
  EXPECT_EQ(next("hourly"), T("2026-01-31T13:00:00Z"));
  EXPECT_EQ(next("daily"), T("2026-02-01T12:00:00Z"));
  EXPECT_EQ(next("weekly"), T("2026-02-07T12:00:00Z"));
  EXPECT_EQ(next("monthly"), T("2026-02-28T12:00:00Z"));  // a calendar month: the 31st becomes February's last day
  now_ = T("2028-01-31T00:00:00Z");
  EXPECT_EQ(next("monthly"), T("2028-02-29T00:00:00Z"));  // a leap year
  // Changing the frequency recomputes it.
  Monitor m = Create("u", "Rivian");
  MonitorUpdate u;
  u.config = MonitoringConfig{};
  u.config->frequency = "hourly";
  EXPECT_EQ(mon_->UpdateMonitor(m.id, u)->next_check, T("2028-01-31T01:00:00Z"));
}

TEST_P(MonitoringTest, ListsAreServedByIndexesNewestFirst) {
  for (const char* company : {"A", "B", "C"}) {
    Create("u1", company);
    now_.seconds += 60;
  }
  Create("u2", "D");
  MonitorUpdate pause;
  pause.status = "paused";
  ASSERT_TRUE(mon_->UpdateMonitor("id-2", pause).ok());
  auto names = [](const std::vector<Monitor>& ms) {
    std::vector<std::string> out;
    for (const auto& m : ms) out.push_back(m.company);
    return out;
  };
  EXPECT_EQ(names(*mon_->ListMonitors("u1")), (std::vector<std::string>{"C", "B", "A"}));
  EXPECT_EQ(names(*mon_->ListMonitors("u1", "active")), (std::vector<std::string>{"C", "A"}));
  EXPECT_EQ(names(*mon_->ListMonitors("u1", "paused")), (std::vector<std::string>{"B"}));
  EXPECT_EQ(names(*mon_->ListMonitors("u1", std::nullopt, 1)), (std::vector<std::string>{"C"}));
  EXPECT_EQ(mon_->ListMonitors("u1", "sleeping").status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(mon_->ListMonitors("nobody")->empty());
}

TEST_P(MonitoringTest, ACheckStoresTheSnapshotAndAlertsOnceOnEachChange) {
  Monitor m = Create("u", "Tesla");
  CheckResult first = Check(m.id, Snapshot("High rivalry", {"EV adoption"}, 100));
  EXPECT_FALSE(first.had_previous);
  EXPECT_FALSE(first.alert);
  EXPECT_EQ(first.monitor.last_check, now_);
  EXPECT_EQ(first.snapshot_path, "snapshots/" + m.id + "_" + std::to_string(now_.seconds));
  auto stored = db_->Get(first.snapshot_path);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->fields.at("company"), Value::String("Tesla"));  // filled in from the monitor
  EXPECT_EQ(stored->fields.at("monitor_id"), Value::String(m.id));

  now_.seconds += 3600;
  CheckResult second = Check(m.id, Snapshot("Very high rivalry", {"EV adoption", "Autonomy"}, 125));
  EXPECT_TRUE(second.had_previous);
  ASSERT_TRUE(second.alert);
  const Alert& a = *second.alert;
  EXPECT_EQ(a.changes_detected.size(), 3u);
  EXPECT_DOUBLE_EQ(a.confidence, (0.8 + 0.75 + 0.9) / 3);
  EXPECT_EQ(a.severity, "high");  // two changes of >= 0.8, three in all
  EXPECT_EQ(a.title, "Changes Detected: Tesla");
  EXPECT_EQ(a.summary, "Detected 3 changes in Tesla: competitive_landscape, market_trend, financial_metric");
  EXPECT_EQ(second.monitor.total_alerts, 1);
  EXPECT_EQ(second.monitor.last_alert_id, a.id);
  EXPECT_EQ(second.monitor.next_check, (Timestamp{now_.seconds + 86400, now_.nanos}));
  EXPECT_EQ(mon_->GetAlert(a.id)->ToFields(), a.ToFields());
  EXPECT_EQ(mon_->GetMonitor(m.id)->total_alerts, 1);

  // The same state again: compared with the snapshot before it, nothing changed.
  now_.seconds += 3600;
  CheckResult third = Check(m.id, Snapshot("Very high rivalry", {"EV adoption", "Autonomy"}, 125));
  EXPECT_TRUE(third.changes.empty());
  EXPECT_FALSE(third.alert);
  EXPECT_EQ(third.monitor.total_alerts, 1);
  // A late snapshot is compared with the one before it in time.
  MapValue late = Snapshot("High rivalry", {"EV adoption"}, 100);
  late["timestamp"] = Value::Time({now_.seconds - 7200 + 60, 0});  // just after the first
  EXPECT_TRUE(Check(m.id, late).changes.empty());
}

TEST_P(MonitoringTest, TheThresholdDecidesWhichChangesAlert) {
  MonitoringConfig c;
  c.alert_threshold = 0.8;
  Monitor m = Create("u", "Tesla", c);
  Check(m.id, Snapshot("High rivalry", {"EV adoption"}, 100));
  now_.seconds += 60;
  // A new trend (0.75) and a trend gone (0.7): detected, below the threshold.
  CheckResult r = Check(m.id, Snapshot("High rivalry", {"Autonomy"}, 100));
  EXPECT_EQ(r.changes.size(), 2u);
  EXPECT_FALSE(r.alert);
  now_.seconds += 60;
  r = Check(m.id, Snapshot("High rivalry", {"Autonomy"}, 150));  // +50%: 0.9
  ASSERT_TRUE(r.alert);
  EXPECT_EQ(r.alert->changes_detected.size(), 1u);
  EXPECT_EQ(r.alert->severity, "medium");
  MonitorUpdate u;
  u.config = c;
  u.config->alert_threshold = 0.95;
  ASSERT_TRUE(mon_->UpdateMonitor(m.id, u).ok());
  now_.seconds += 60;
  r = Check(m.id, Snapshot("Low rivalry", {"Charging"}, 10));
  EXPECT_EQ(r.changes.size(), 4u);
  EXPECT_FALSE(r.alert);
}

TEST_P(MonitoringTest, AlertsAreListedNewestFirstAndMarkedRead) {
  Monitor m = Create("u", "Tesla");
  Check(m.id, Snapshot("A", {}, 100));
  std::vector<std::string> ids;
  for (int i = 1; i <= 3; i++) {
    now_.seconds += 60;
    auto r = Check(m.id, Snapshot("A", {}, 100 * (i + 1)));
    ASSERT_TRUE(r.alert);
    ids.push_back(r.alert->id);
  }
  auto all = mon_->ListAlerts(m.id);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].id, ids[2]);
  EXPECT_EQ((*all)[2].id, ids[0]);
  now_.seconds += 5;
  auto read = mon_->MarkAlertRead(ids[1]);
  ASSERT_TRUE(read.ok());
  EXPECT_TRUE(read->read);
  EXPECT_EQ(read->read_at, now_);
  auto unread = mon_->ListAlerts(m.id, true);
  ASSERT_EQ(unread->size(), 2u);
  EXPECT_EQ((*unread)[0].id, ids[2]);
  EXPECT_EQ((*unread)[1].id, ids[0]);
  EXPECT_EQ(mon_->ListAlerts(m.id, false, 1)->size(), 1u);
  AlertUpdate u;
  u.user_feedback = "useful";
  u.action_taken = "called the CFO";
  auto updated = mon_->UpdateAlert(ids[0], u);
  EXPECT_EQ(updated->user_feedback, "useful");
  EXPECT_EQ(mon_->GetAlert(ids[0])->action_taken, "called the CFO");
  EXPECT_FALSE(mon_->GetAlert(ids[0])->read);
  EXPECT_EQ(mon_->GetAlert("nope").status().code(), StatusCode::kNotFound);
}

TEST_P(MonitoringTest, AlertsCreatedDirectlyCountInTheirMonitor) {
  Monitor m = Create("u", "Tesla");
  Alert a;
  a.monitor_id = m.id;
  a.title = "Manual";
  a.summary = "added by an analyst";
  a.confidence = 0.9;
  a.changes_detected = {Change{"regulatory", "New rule", "", 0.9, {}, now_, std::nullopt, std::nullopt}};
  auto created = mon_->CreateAlert(a);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_FALSE(created->id.empty());
  EXPECT_EQ(created->created_at, now_);
  EXPECT_EQ(created->severity, "medium");
  EXPECT_EQ(mon_->GetAlert(created->id)->ToFields(), created->ToFields());
  Monitor after = *mon_->GetMonitor(m.id);
  EXPECT_EQ(after.total_alerts, 1);
  EXPECT_EQ(after.last_alert_id, created->id);
  EXPECT_EQ(mon_->CreateAlert(*created).status().code(), StatusCode::kAlreadyExists);  // the same id again
  a.monitor_id = "nobody";
  EXPECT_EQ(mon_->CreateAlert(a).status().code(), StatusCode::kNotFound);
  a.monitor_id = m.id;
  a.confidence = 2;
  EXPECT_EQ(mon_->CreateAlert(a).status().code(), StatusCode::kInvalidArgument);
}

TEST_P(MonitoringTest, FailedChecksCountAndTheFifthInARowSetsError) {
  Monitor m = Create("u", "Tesla");
  MapValue foreign = Snapshot("A", {}, 1);
  foreign["monitor_id"] = Value::String("someone-else");
  for (int i = 1; i <= 4; i++) {
    auto r = mon_->CheckMonitor(m.id, foreign);
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(mon_->GetMonitor(m.id)->error_count, i);
  }
  EXPECT_NE(mon_->GetMonitor(m.id)->last_error->find("someone-else"), std::string::npos);
  EXPECT_EQ(mon_->GetMonitor(m.id)->status, "active");
  // A success resets the count.
  Check(m.id, Snapshot("A", {}, 1));
  EXPECT_EQ(mon_->GetMonitor(m.id)->error_count, 0);
  EXPECT_FALSE(mon_->GetMonitor(m.id)->last_error);
  MapValue bad_time = Snapshot("A", {}, 1);
  bad_time["timestamp"] = Value::String("yesterday");
  for (int i = 1; i <= 5; i++) EXPECT_FALSE(mon_->CheckMonitor(m.id, bad_time).ok());
  Monitor after = *mon_->GetMonitor(m.id);
  EXPECT_EQ(after.error_count, 5);
  EXPECT_EQ(after.status, "error");
  // Only active monitors are checked; that refusal is not counted.
  auto r = mon_->CheckMonitor(m.id, Snapshot("A", {}, 1));
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(mon_->GetMonitor(m.id)->error_count, 5);
  EXPECT_EQ(mon_->CheckMonitor("nope", Snapshot("A", {}, 1)).status().code(), StatusCode::kNotFound);
}

INSTANTIATE_TEST_SUITE_P(Backends, MonitoringTest, ::testing::Values(Backend::kInMemory, Backend::kOnDisk),
                         BackendName);

}  // namespace
}  // namespace hearth::testing
