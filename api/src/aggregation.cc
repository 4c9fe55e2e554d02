#include "hearth/aggregation.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <unordered_map>

namespace hearth {

namespace {

constexpr int64_t kDay = 86400;

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - (a % b != 0 && (a < 0) != (b < 0)); }

// Sums doubles with Neumaier's compensation, so a mean of many values is
// exact to the last bit or nearly (a plain running sum drifts).
class Sum {
 public:
  void Add(double x) {
    const double t = sum_ + x;
    comp_ += std::abs(sum_) >= std::abs(x) ? (sum_ - t) + x : (x - t) + sum_;
    sum_ = t;
  }
  double value() const { return sum_ + comp_; }

 private:
  double sum_ = 0, comp_ = 0;
};

double Mean(const std::vector<double>& v) {
  Sum s;
  for (double x : v) s.Add(x);
  return s.value() / static_cast<double>(v.size());
}

MetricSummary Summarize(const std::vector<double>& v) {
  MetricSummary m;
  m.count = static_cast<int64_t>(v.size());
  m.min = *std::min_element(v.begin(), v.end());
  m.max = *std::max_element(v.begin(), v.end());
  m.avg = Mean(v);
  if (v.size() > 1) {
    Sum sq;
    for (double x : v) sq.Add((x - m.avg) * (x - m.avg));
    m.stddev = std::sqrt(sq.value() / static_cast<double>(v.size() - 1));
  }
  return m;
}

// The least-squares slope of v against 0..n-1, judged against 5% of |mean|.
std::string TrendOf(const std::vector<double>& v) {
  const double n = static_cast<double>(v.size());
  const double x_mean = (n - 1) / 2;
  const double y_mean = Mean(v);
  Sum num, den;
  for (size_t i = 0; i < v.size(); i++) {
    const double dx = static_cast<double>(i) - x_mean;
    num.Add(dx * (v[i] - y_mean));
    den.Add(dx * dx);
  }
  if (den.value() == 0) return "stable";
  const double slope = num.value() / den.value();
  const double threshold = y_mean == 0 ? 0.01 : std::abs(y_mean * 0.05);
  if (slope > threshold) return "up";
  if (slope < -threshold) return "down";
  return "stable";
}

double RoundPercent(double fraction) { return std::round(fraction * 1000.0) / 10.0; }

Value Number(double d) { return Value::Double(d); }

}  // namespace

std::string_view PeriodName(Period p) {
  switch (p) {
    case Period::kDaily: return "daily";
    case Period::kWeekly: return "weekly";
    case Period::kMonthly: return "monthly";
  }
  return "daily";
}

StatusOr<Period> ParsePeriod(std::string_view name) {
  for (Period p : {Period::kDaily, Period::kWeekly, Period::kMonthly})
    if (PeriodName(p) == name) return p;
  return Status::InvalidArgument("unknown period \"" + std::string(name) + "\" (daily, weekly or monthly)");
}

StatusOr<std::vector<Period>> ParsePeriods(std::string_view names) {
  std::vector<Period> out;
  while (true) {
    const size_t comma = names.find(',');
    HEARTH_ASSIGN_OR_RETURN(Period p, ParsePeriod(names.substr(0, comma)));
    if (std::find(out.begin(), out.end(), p) != out.end())
      return Status::InvalidArgument("period \"" + std::string(PeriodName(p)) + "\" is named twice");
    out.push_back(p);
    if (comma == std::string_view::npos) return out;
    names.remove_prefix(comma + 1);
  }
}

Window WindowOf(Period period, Timestamp t) {
  const int64_t day = FloorDiv(t.seconds, kDay);  // days since 1970-01-01, a Thursday
  switch (period) {
    case Period::kDaily:
      return Window{{day * kDay, 0}, {(day + 1) * kDay, 0}};
    case Period::kWeekly: {
      const int64_t monday = day - (((day + 3) % 7) + 7) % 7;
      return Window{{monday * kDay, 0}, {(monday + 7) * kDay, 0}};
    }
    case Period::kMonthly: {
      using namespace std::chrono;
      const year_month_day ymd{sys_days{days{day}}};
      const year_month first{ymd.year(), ymd.month()};
      const year_month next = first + months{1};
      const int64_t start = sys_days{first / 1}.time_since_epoch().count();
      const int64_t end = sys_days{next / 1}.time_since_epoch().count();
      return Window{{start * kDay, 0}, {end * kDay, 0}};
    }
  }
  return Window{t, t};
}

std::vector<Window> WindowsOverlapping(Period period, Timestamp from, Timestamp to) {
  std::vector<Window> out;
  if (!(from < to)) return out;
  for (Window w = WindowOf(period, from); w.start < to; w = WindowOf(period, w.end)) out.push_back(w);
  return out;
}

std::optional<SnapshotPoint> PointOf(const DocumentView& snapshot) {
  SnapshotPoint p;
  p.metrics.reserve(16);
  bool timed = false;
  const FieldRead reads[] = {
      {.name = "timestamp",
       .value =
           [&](const Value& t) {
             if (t.type() != Value::Type::kTimestamp) return;
             p.time = t.timestamp();
             timed = true;
           }},
      {.name = kRollupFields[0],
       .numbers = [&](std::string_view name, double v) {
         if (std::isfinite(v)) p.metrics.emplace_back(name, v);  // booleans are not numbers here
       }},
      {.name = kRollupFields[1],
       .value =
           [&](const Value& s) {
             if (s.is_number() && std::isfinite(s.AsDouble())) p.metrics.emplace_back("news_sentiment", s.AsDouble());
           }},
      {.name = kRollupFields[2], .strings = [&](std::string_view t) { p.market_trends.emplace_back(t); }},
  };
  snapshot.ReadFields(reads);
  if (!timed) return std::nullopt;
  return p;
}

PointIndex::PointIndex(std::span<const SnapshotPoint> points) : points_(points) {
  std::unordered_map<std::string, size_t> index;
  // Snapshots list their metrics in the same order: the series of the k-th
  // metric of the last point is tried before a lookup by name.
  std::vector<size_t> by_position;
  for (const SnapshotPoint& p : points)
    for (size_t k = 0; k < p.metrics.size(); k++) {
      const auto& [name, v] = p.metrics[k];
      size_t s;
      if (k < by_position.size() && series_[by_position[k]].name == name) {
        s = by_position[k];
      } else {
        auto [it, added] = index.try_emplace(name, series_.size());
        if (added) series_.push_back({name, {}, {}});
        s = it->second;
        if (k >= by_position.size()) by_position.resize(k + 1);
        by_position[k] = s;
      }
      series_[s].values.push_back(v);
      series_[s].times.push_back(p.time);
    }
  std::sort(series_.begin(), series_.end(), [](const Series& x, const Series& y) { return x.name < y.name; });
}

std::optional<Aggregation> PointIndex::Aggregate(const std::string& monitor_id, Period period, Window window,
                                                 Timestamp created_at) const {
  auto by_time = [](const SnapshotPoint& p, Timestamp t) { return p.time < t; };
  const auto first = std::lower_bound(points_.begin(), points_.end(), window.start, by_time);
  const auto last = std::lower_bound(first, points_.end(), window.end, by_time);
  if (first == last) return std::nullopt;

  Aggregation a;
  a.monitor_id = monitor_id;
  a.period = period;
  a.window = window;
  a.created_at = created_at;
  a.snapshot_count = last - first;
  std::vector<SignificantChange> changes;
  std::vector<double> exact_pct;  // unrounded, to rank
  for (const Series& s : series_) {
    auto at = [&](Timestamp t) {
      return static_cast<size_t>(std::lower_bound(s.times.begin(), s.times.end(), t) - s.times.begin());
    };
    const size_t begin = at(window.start), end = at(window.end);
    if (begin == end) continue;
    const std::vector<double> values(s.values.begin() + static_cast<ptrdiff_t>(begin),
                                     s.values.begin() + static_cast<ptrdiff_t>(end));
    a.metrics_summary[s.name] = Summarize(values);
    if (values.size() >= 2) a.trends[s.name] = TrendOf(values);
    for (size_t k = begin + 1; k < end; k++) {
      const double prev = s.values[k - 1], cur = s.values[k];
      if (prev == 0) continue;
      const double pct = std::abs((cur - prev) / prev);
      if (!(pct > 0.2)) continue;
      changes.push_back(
          {s.name, RoundPercent(pct), prev, cur, s.times[k - 1], s.times[k], static_cast<int64_t>(k - begin)});
      exact_pct.push_back(pct);
    }
    // Trailing means at the window's end; they may reach before its start.
    for (int64_t days : {7, 30}) {
      const size_t from = at(Timestamp{window.end.seconds - days * kDay, window.end.nanos});
      Sum sum;
      for (size_t k = from; k < end; k++) sum.Add(s.values[k]);
      a.moving_averages[s.name + "_ma_" + std::to_string(days) + "d"] = sum.value() / static_cast<double>(end - from);
    }
  }
  // The 10 largest (ties: the earlier), then in time order.
  std::vector<size_t> order(changes.size());
  for (size_t i = 0; i < order.size(); i++) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) {
    if (exact_pct[x] != exact_pct[y]) return exact_pct[x] > exact_pct[y];
    return changes[x].time < changes[y].time;
  });
  if (order.size() > 10) order.resize(10);
  std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) {
    if (changes[x].time != changes[y].time) return changes[x].time < changes[y].time;
    return changes[x].metric < changes[y].metric;
  });
  for (size_t i : order) a.significant_changes.push_back(changes[i]);

  std::vector<std::string> trend_order;
  std::unordered_map<std::string, int64_t> trend_counts;
  for (auto p = first; p != last; ++p)
    for (const auto& t : p->market_trends)
      if (trend_counts[t]++ == 0) trend_order.push_back(t);
  std::stable_sort(trend_order.begin(), trend_order.end(),
                   [&](const std::string& x, const std::string& y) { return trend_counts[x] > trend_counts[y]; });
  if (trend_order.size() > 5) trend_order.resize(5);
  a.most_common_market_trends = std::move(trend_order);
  return a;
}

std::optional<Aggregation> Aggregate(const std::string& monitor_id, Period period, Window window,
                                     std::span<const SnapshotPoint> points, Timestamp created_at) {
  return PointIndex(points).Aggregate(monitor_id, period, window, created_at);
}

std::string AggregationId(const std::string& monitor_id, Period period, Timestamp start) {
  return monitor_id + "_" + std::string(PeriodName(period)) + "_" + std::to_string(start.seconds);
}

MapValue Aggregation::ToFields() const {
  MapValue summary, trend_map, averages;
  for (const auto& [name, m] : metrics_summary)
    summary[name] = Value::Map({{"min", Number(m.min)},
                                {"max", Number(m.max)},
                                {"avg", Number(m.avg)},
                                {"count", Value::Integer(m.count)},
                                {"stddev", Number(m.stddev)}});
  for (const auto& [name, t] : trends) trend_map[name] = Value::String(t);
  for (const auto& [name, v] : moving_averages) averages[name] = Number(v);
  ArrayValue changes, common;
  for (const auto& c : significant_changes)
    changes.push_back(Value::Map({{"metric", Value::String(c.metric)},
                                  {"change_pct", Number(c.change_pct)},
                                  {"previous", Number(c.previous)},
                                  {"current", Number(c.current)},
                                  {"previous_time", Value::Time(c.previous_time)},
                                  {"timestamp", Value::Time(c.time)},
                                  {"index", Value::Integer(c.index)}}));
  for (const auto& t : most_common_market_trends) common.push_back(Value::String(t));
  return MapValue{{"monitor_id", Value::String(monitor_id)},
                  {"period", Value::String(std::string(PeriodName(period)))},
                  {"start_time", Value::Time(window.start)},
                  {"end_time", Value::Time(window.end)},
                  {"snapshot_count", Value::Integer(snapshot_count)},
                  {"metrics_summary", Value::Map(std::move(summary))},
                  {"trends", Value::Map(std::move(trend_map))},
                  {"moving_averages", Value::Map(std::move(averages))},
                  {"significant_changes", Value::Array(std::move(changes))},
                  {"most_common_market_trends", Value::Array(std::move(common))},
                  {"created_at", Value::Time(created_at)}};
}

StatusOr<Aggregation> Aggregation::FromFields(const MapValue& f) {
  auto bad = [](const std::string& field, const char* want) {
    return Status::InvalidArgument("aggregation field \"" + field + "\" is missing or not " + want);
  };
  auto get = [&](const MapValue& m, const std::string& k, Value::Type t) -> const Value* {
    auto it = m.find(k);
    return it != m.end() && it->second.type() == t ? &it->second : nullptr;
  };
  auto number = [](const MapValue& m, const std::string& k) -> std::optional<double> {
    auto it = m.find(k);
    if (it == m.end() || !it->second.is_number()) return std::nullopt;
    return it->second.AsDouble();
  };
  Aggregation a;
  const Value* v;
  if (!(v = get(f, "monitor_id", Value::Type::kString))) return bad("monitor_id", "a string");
  a.monitor_id = v->string();
  if (!(v = get(f, "period", Value::Type::kString))) return bad("period", "a string");
  HEARTH_ASSIGN_OR_RETURN(a.period, ParsePeriod(v->string()));
  if (!(v = get(f, "start_time", Value::Type::kTimestamp))) return bad("start_time", "a timestamp");
  a.window.start = v->timestamp();
  if (!(v = get(f, "end_time", Value::Type::kTimestamp))) return bad("end_time", "a timestamp");
  a.window.end = v->timestamp();
  if (!(v = get(f, "created_at", Value::Type::kTimestamp))) return bad("created_at", "a timestamp");
  a.created_at = v->timestamp();
  std::optional<double> n = number(f, "snapshot_count");
  if (!n) return bad("snapshot_count", "a number");
  a.snapshot_count = static_cast<int64_t>(*n);
  if ((v = get(f, "metrics_summary", Value::Type::kMap)))
    for (const auto& [name, m] : v->map()) {
      if (m.type() != Value::Type::kMap) return bad("metrics_summary." + name, "a map");
      MetricSummary s;
      for (auto [key, slot] : {std::pair<const char*, double*>{"min", &s.min}, {"max", &s.max}, {"avg", &s.avg},
                               {"stddev", &s.stddev}}) {
        std::optional<double> x = number(m.map(), key);
        if (!x) return bad("metrics_summary." + name + "." + key, "a number");
        *slot = *x;
      }
      std::optional<double> count = number(m.map(), "count");  // the original stored it as a double
      if (!count) return bad("metrics_summary." + name + ".count", "a number");
      s.count = static_cast<int64_t>(*count);
      a.metrics_summary[name] = s;
    }
  if ((v = get(f, "trends", Value::Type::kMap)))
    for (const auto& [name, t] : v->map())
      if (t.type() == Value::Type::kString) a.trends[name] = t.string();
  if ((v = get(f, "moving_averages", Value::Type::kMap)))
    for (const auto& [name, x] : v->map())
      if (x.is_number()) a.moving_averages[name] = x.AsDouble();
  if ((v = get(f, "significant_changes", Value::Type::kArray)))
    for (const Value& c : v->array()) {
      if (c.type() != Value::Type::kMap) return bad("significant_changes[]", "a map");
      const MapValue& m = c.map();
      SignificantChange s;
      if (const Value* x = get(m, "metric", Value::Type::kString)) s.metric = x->string();
      s.change_pct = number(m, "change_pct").value_or(0);
      s.previous = number(m, "previous").value_or(0);
      s.current = number(m, "current").value_or(0);
      s.index = static_cast<int64_t>(number(m, "index").value_or(0));
      if (const Value* x = get(m, "previous_time", Value::Type::kTimestamp)) s.previous_time = x->timestamp();
      if (const Value* x = get(m, "timestamp", Value::Type::kTimestamp)) s.time = x->timestamp();
      a.significant_changes.push_back(std::move(s));
    }
  if ((v = get(f, "most_common_market_trends", Value::Type::kArray)))
    for (const Value& t : v->array())
      if (t.type() == Value::Type::kString) a.most_common_market_trends.push_back(t.string());
  return a;
}

}  // namespace hearth
