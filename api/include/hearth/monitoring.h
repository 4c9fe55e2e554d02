// Monitors, alerts and the monitor check: the storage workflow of the
// original IntelligenceMonitor (reference/consultantos-spec.md §6) with its
// defects fixed:
//  - a check stores the new snapshot (history grows; each change alerts once,
//    against the snapshot before it, not against the first baseline);
//  - the duplicate check looks at every monitor of the user and company, and
//    creating monitors is serialized so two creates cannot both pass it;
//  - snapshot, alert and monitor update are written in one atomic batch;
//  - every timestamp is UTC; lists are served by the composite indexes;
//  - change lists are in a stable order (the original used Python set order).
// Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hearth/database.h"
#include "hearth/status.h"
#include "hearth/value.h"

namespace hearth {

// A monitor's settings. Validate() names the first bad field.
struct MonitoringConfig {
  std::string frequency = "daily";                          // hourly, daily, weekly, monthly
  std::vector<std::string> frameworks = {"porter", "swot"};  // of porter, swot, pestel, blue_ocean, ansoff, bcg_matrix, value_chain
  double alert_threshold = 0.7;                              // changes with at least this confidence alert; 0..1
  std::vector<std::string> notification_channels = {"email", "in_app"};  // of email, slack, webhook, in_app
  std::optional<std::vector<std::string>> keywords;
  std::optional<std::vector<std::string>> competitors;
  Status Validate() const;
};

struct Monitor {
  std::string id;  // a UUID
  std::string user_id;
  std::string company;  // without surrounding whitespace
  std::string industry;
  MonitoringConfig config;
  std::string status = "active";  // active, paused, deleted, error
  Timestamp created_at;
  std::optional<Timestamp> last_check;
  std::optional<Timestamp> next_check;
  std::optional<std::string> last_alert_id;
  int64_t total_alerts = 0;
  int64_t error_count = 0;  // consecutive failed checks
  std::optional<std::string> last_error;

  MapValue ToFields() const;
  static StatusOr<Monitor> FromFields(std::string id, const MapValue& fields);
};

// One detected change, inside an alert.
struct Change {
  std::string change_type;  // competitive_landscape, market_trend, financial_metric, ...
  std::string title;
  std::string description;
  double confidence = 0;
  std::vector<std::string> source_urls;
  Timestamp detected_at;
  std::optional<std::string> previous_value;
  std::optional<std::string> current_value;
  bool operator==(const Change&) const = default;
  MapValue ToFields() const;
};

struct Alert {
  std::string id;  // a UUID
  std::string monitor_id;
  std::string title;
  std::string summary;
  double confidence = 0;  // mean of the changes' confidences
  // critical, high, medium or low, by the original's rules on the number of
  // changes and of changes with confidence >= 0.8.
  std::string severity;
  std::vector<Change> changes_detected;
  Timestamp created_at;
  bool read = false;
  std::optional<Timestamp> read_at;
  std::optional<std::string> user_feedback;
  std::optional<std::string> action_taken;

  MapValue ToFields() const;
  static StatusOr<Alert> FromFields(std::string id, const MapValue& fields);
};

// The changes between two snapshots of a monitor, by the original rules:
// a changed Porter force (0.8), new market trends (0.75), trends that
// disappeared (0.7), a financial metric moving more than 10% (0.9).
std::vector<Change> DetectChanges(const MapValue& previous, const MapValue& current, Timestamp detected_at);
// "critical", "high", "medium" or "low" for these changes.
std::string SeverityOf(const std::vector<Change>& changes);

struct MonitoringOptions {
  // Collections. Defaults: "monitors", "alerts", "snapshots".
  std::string monitors = "monitors";
  std::string alerts = "alerts";
  std::string snapshots = "snapshots";
  // Failed checks in a row after which a monitor's status becomes "error".
  // Default: 5.
  int64_t max_consecutive_errors = 5;
  // "Now", for created_at, last_check, next_check. Default: the system clock.
  std::function<Timestamp()> clock;
  // New ids. Default: random UUIDs (version 4).
  std::function<std::string()> new_id;
};

struct MonitorUpdate {
  std::optional<MonitoringConfig> config;  // replaces the config and recomputes next_check
  std::optional<std::string> status;       // active, paused, deleted, error
};

struct AlertUpdate {
  std::optional<bool> read;  // read = true also sets read_at (false clears it)
  std::optional<std::string> user_feedback;
  std::optional<std::string> action_taken;
};

struct CheckResult {
  std::string snapshot_path;  // where the new snapshot was stored
  bool had_previous = false;  // false for a monitor's first snapshot: nothing to compare
  std::vector<Change> changes;  // every change detected, above the threshold or not
  std::optional<Alert> alert;   // created when some change reached the threshold
  Monitor monitor;              // as updated
};

class Monitoring {
 public:
  // A service over `db` (which must outlive it).
  static StatusOr<std::unique_ptr<Monitoring>> Open(Database* db, MonitoringOptions options = {});
  ~Monitoring();
  Monitoring(const Monitoring&) = delete;
  Monitoring& operator=(const Monitoring&) = delete;

  // A new active monitor. INVALID_ARGUMENT for an empty user, company or
  // industry or a bad config; ALREADY_EXISTS when the user already has an
  // active monitor of that company.
  StatusOr<Monitor> CreateMonitor(const std::string& user_id, const std::string& company, const std::string& industry,
                                  std::optional<MonitoringConfig> config = std::nullopt);
  StatusOr<Monitor> GetMonitor(const std::string& id);
  StatusOr<Monitor> UpdateMonitor(const std::string& id, const MonitorUpdate& update);
  // Soft delete: the status becomes "deleted"; its snapshots and alerts stay.
  StatusOr<Monitor> DeleteMonitor(const std::string& id);
  // The user's monitors, newest first; only those with `status` if given.
  StatusOr<std::vector<Monitor>> ListMonitors(const std::string& user_id, std::optional<std::string> status = std::nullopt,
                                              size_t limit = 100);

  // Stores an alert of an existing monitor (its id, when empty, and its
  // created_at, when unset, are filled in; severity from its changes when
  // empty) and counts it in the monitor's total_alerts and last_alert_id,
  // in one batch. INVALID_ARGUMENT for a confidence outside [0, 1].
  StatusOr<Alert> CreateAlert(Alert alert);
  StatusOr<Alert> GetAlert(const std::string& id);
  // A monitor's alerts, newest first; only unread ones if asked.
  StatusOr<std::vector<Alert>> ListAlerts(const std::string& monitor_id, bool unread_only = false, size_t limit = 50);
  StatusOr<Alert> UpdateAlert(const std::string& id, const AlertUpdate& update);
  StatusOr<Alert> MarkAlertRead(const std::string& id);

  // Stores `snapshot` for an active monitor (monitor_id, company and
  // industry filled in when absent; timestamp defaults to now), compares it
  // with the monitor's snapshot before it, creates an alert from the changes
  // at or above the monitor's threshold, and updates last_check, next_check,
  // total_alerts and last_alert_id — all in one atomic write. A failure
  // counts against the monitor (error_count, last_error; status "error"
  // after max_consecutive_errors in a row) and is returned.
  // FAILED_PRECONDITION for a monitor that is not active (nothing counted).
  StatusOr<CheckResult> CheckMonitor(const std::string& monitor_id, MapValue snapshot);

 private:
  class Impl;
  explicit Monitoring(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace hearth
