#include "tools/compare/report.h"

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace hearth::compare {

namespace {

using Kind = WorkloadResult::Kind;

std::string Printf(const char* fmt, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, v);
  return buf;
}

// 1234567 -> "1,234,567"
std::string Thousands(double v) {
  std::string digits = Printf("%.0f", v), out;
  for (size_t i = 0; i < digits.size(); i++) {
    if (i > 0 && (digits.size() - i) % 3 == 0 && digits[i - 1] != '-') out += ',';
    out += digits[i];
  }
  return out;
}

std::string Micros(double us) { return us < 10 ? Printf("%.1f", us) : Printf("%.0f", us); }

// The store every ratio is about: hearth when it took part, else the first.
std::string Subject(const ComparisonResult& r) {
  for (const std::string& s : r.stores)
    if (s == "hearth") return s;
  return r.stores.empty() ? "" : r.stores[0];
}

std::string Pad(const std::string& s, size_t width) {
  // Width in characters; "µ" is two bytes but one column.
  size_t columns = 0;
  for (unsigned char c : s) columns += (c & 0xC0) != 0x80;
  return s + std::string(columns < width ? width - columns : 1, ' ');
}

std::string Slug(const std::string& name) {
  std::string out;
  for (char c : name) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '-';
  while (out.find("--") != std::string::npos) out.erase(out.find("--"), 1);
  return out;
}

// One table as rows of cells: a header, then a row per workload.
std::vector<std::vector<std::string>> Cells(const ComparisonResult& r) {
  const std::string subject = Subject(r);
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> header = {"workload"};
  for (const std::string& s : r.stores) header.push_back(s);
  for (const std::string& s : r.stores)
    if (s != subject) header.push_back(subject + " vs " + s);
  rows.push_back(header);
  for (const WorkloadResult& w : r.workloads) {
    std::vector<std::string> row = {w.name};
    for (const Measure& m : w.stores) row.push_back(Figure(w, m));
    for (const std::string& s : r.stores)
      if (s != subject) row.push_back(AdvantageWords(w, subject, s));
    rows.push_back(row);
  }
  return rows;
}

}  // namespace

std::string Figure(const WorkloadResult& w, const Measure& m) {
  if (!m.measured) return "not measured";
  switch (w.kind) {
    case Kind::kThroughput:
      return Thousands(m.PerSecond()) + "/s";
    case Kind::kLatency: {
      std::string s = "p50 " + Micros(m.Percentile(0.5)) + " / p99 " + Micros(m.Percentile(0.99)) + " µs";
      if (m.wall_seconds > 0) s += " (" + Thousands(static_cast<double>(m.operations) / m.wall_seconds) + "/s)";
      if (m.device_read_bytes > 0 && m.operations > 0)
        s += Printf(" (%.1f KB/query from disk)",
                    static_cast<double>(m.device_read_bytes) / 1e3 / static_cast<double>(m.operations));
      return s;
    }
    case Kind::kDuration:
      return Printf(m.seconds < 10 ? "%.2f s" : "%.0f s", m.seconds);
    case Kind::kBytes: {
      const double mb = static_cast<double>(m.operations) / 1e6;
      std::string s = Printf(mb < 10 ? "%.2f MB" : "%.0f MB", mb);
      if (m.json_bytes > 0)
        s += Printf(" (%.1f%% of JSON)", 100.0 * static_cast<double>(m.operations) / static_cast<double>(m.json_bytes));
      return s;
    }
  }
  return "";
}

std::optional<double> Advantage(const WorkloadResult& w, const std::string& store, const std::string& peer) {
  const Measure* a = w.Of(store);
  const Measure* b = w.Of(peer);
  if (!a || !b || !a->agrees || !b->agrees || !a->measured || !b->measured || !w.ratios) return std::nullopt;
  double x = 0, y = 0;  // "more is better" figures of the store and the peer
  switch (w.kind) {
    case Kind::kThroughput:
      x = a->PerSecond(), y = b->PerSecond();
      break;
    case Kind::kLatency:
      x = 1 / std::max(a->Percentile(0.5), 1e-3), y = 1 / std::max(b->Percentile(0.5), 1e-3);
      break;
    case Kind::kDuration:
      x = 1 / std::max(a->seconds, 1e-6), y = 1 / std::max(b->seconds, 1e-6);
      break;
    case Kind::kBytes:
      x = 1 / std::max<double>(static_cast<double>(a->operations), 1), y = 1 / std::max<double>(static_cast<double>(b->operations), 1);
      break;
  }
  if (y <= 0) return std::nullopt;
  return x / y;
}

std::string AdvantageWords(const WorkloadResult& w, const std::string& store, const std::string& peer) {
  const Measure* a = w.Of(store);
  const Measure* b = w.Of(peer);
  if (!a || !b || !w.ratios) return "";
  if (!b->agrees) return "disagrees";
  auto v = Advantage(w, store, peer);
  if (!v) return "";
  const std::string ratio = Printf(*v >= 10 ? "%.0fx" : "%.2fx", *v);
  if (w.kind == Kind::kBytes) return *v >= 1 ? ratio + " smaller" : ratio + " (larger)";
  return *v >= 1 ? ratio + " faster" : ratio + " (slower)";
}

namespace {
// A ratio as CheckTargets and EngineCeilings report it.
std::string RatioWords(std::optional<double> v) { return v ? Printf("%.2f", *v) : "stores disagree"; }
}  // namespace

std::vector<TargetCheck> CheckTargets(const ComparisonResult& r) {
  std::vector<TargetCheck> out;
  // `subject` did at least `target` times as well as `peer` on `workload`.
  auto ratio = [&](const std::string& workload, const std::string& subject, const std::string& peer, double target,
                   std::string name) {
    const WorkloadResult* w = r.Find(workload);
    if (!w || !w->Of(subject) || !w->Of(peer)) return;
    auto v = Advantage(*w, subject, peer);
    out.push_back({std::move(name), v.value_or(0), v && *v >= target, RatioWords(v)});
  };
  ratio("ingest", "hearth", "sqlite", 10, "ingest >= 10x SQLite");
  ratio("ingest", "hearth", "rocksdb", 0.5, "ingest >= 0.5x raw RocksDB");
  if (const WorkloadResult* w = r.Find("latest"); w && w->Of("hearth")) {
    const double p99 = w->Of("hearth")->Percentile(0.99);
    out.push_back({"latest p99 <= 20 us", p99, w->Of("hearth")->agrees && p99 <= 20, Micros(p99) + " µs"});
  }
  ratio("disk", "hearth", "sqlite", 5, "bytes on disk <= 1/5 of SQLite's");
  // A scale run: the large store's median latencies at most 10% above those
  // of the store holding only the newest hours, asked the same questions.
  if (!r.scale_reference.empty() && !r.stores.empty())
    for (const char* workload : {"latest", "range 7d", "range 30d", "range 90d"})
      ratio(workload, r.stores[0], r.scale_reference, 1 / 1.1,
            std::string(workload) + " p50 within 10% of the " + r.scale_reference + " store");
  return out;
}

std::vector<TargetCheck> EngineCeilings(const ComparisonResult& r) {
  std::vector<TargetCheck> out;
  const WorkloadResult* w = r.Find("ingest");
  if (!w || !w->Of("sqlite")) return out;
  for (const auto& [store, words] : {std::pair<std::string, std::string>{"rocksdb", "raw RocksDB"},
                                     {"rocksdb-nowal", "raw RocksDB without its WAL"}}) {
    if (!w->Of(store)) continue;
    auto v = Advantage(*w, store, "sqlite");
    out.push_back({words + " ingests Nx SQLite's rate", v.value_or(0), false, RatioWords(v)});
  }
  return out;
}

std::string TerminalTable(const ComparisonResult& r) {
  auto rows = Cells(r);
  std::vector<size_t> width(rows[0].size(), 0);
  for (const auto& row : rows)
    for (size_t i = 0; i < row.size(); i++) width[i] = std::max(width[i], row[i].size() + 2);
  std::string out;
  for (size_t k = 0; k < rows.size(); k++) {
    for (size_t i = 0; i < rows[k].size(); i++) out += Pad(rows[k][i], width[i]);
    out += "\n";
    if (k == 0) {
      for (size_t i = 0; i < width.size(); i++) out += std::string(width[i] - 1, '-') + " ";
      out += "\n";
    }
  }
  for (const WorkloadResult& w : r.workloads)
    for (const std::string& d : w.disagreements) out += "DISAGREEMENT in " + w.name + ": " + d + "\n";
  for (const TargetCheck& t : CheckTargets(r))
    out += std::string(t.met ? "target met:    " : "target missed: ") + t.name + " (measured " + t.measured + ")\n";
  for (const TargetCheck& c : EngineCeilings(r)) out += "engine ceiling: " + c.name + " (N = " + c.measured + ")\n";
  return out;
}

std::string MarkdownTable(const ComparisonResult& r) {
  auto rows = Cells(r);
  std::string out = "Machine: " + r.machine + ". Date: " + r.date + ".\nCommand: `" + r.command + "`\n\n";
  out += Thousands(static_cast<double>(r.snapshots)) + " snapshots (" + std::to_string(r.options.monitors) +
         " monitors x " + std::to_string(r.options.hours) + " hours), " +
         Printf("%.1f MB", static_cast<double>(r.json_bytes) / 1e6) + " of JSON.\n\n";
  for (size_t k = 0; k < rows.size(); k++) {
    out += "|";
    for (const std::string& c : rows[k]) out += " " + c + " |";
    out += "\n";
    if (k == 0) {
      out += "|";
      for (size_t i = 0; i < rows[k].size(); i++) out += "---|";
      out += "\n";
    }
  }
  out += "\n";
  for (const WorkloadResult& w : r.workloads) out += "- " + w.name + ": " + w.detail + "\n";
  for (const WorkloadResult& w : r.workloads)
    for (const std::string& d : w.disagreements) out += "- **disagreement** in " + w.name + ": " + d + "\n";
  out += "\n| target | measured | met |\n|---|---|---|\n";
  for (const TargetCheck& t : CheckTargets(r)) out += "| " + t.name + " | " + t.measured + " | " + (t.met ? "yes" : "**no**") + " |\n";
  if (auto ceilings = EngineCeilings(r); !ceilings.empty()) {
    out += "\n| engine ceiling | N |\n|---|---|\n";
    for (const TargetCheck& c : ceilings) out += "| " + c.name + " | " + c.measured + " |\n";
  }
  return out;
}

std::string ResultJson(const ComparisonResult& r) {
  rapidjson::StringBuffer buf;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buf);
  auto str = [&](const char* k, const std::string& v) {
    w.Key(k);
    w.String(v.c_str(), static_cast<rapidjson::SizeType>(v.size()));
  };
  w.StartObject();
  str("machine", r.machine);
  str("command", r.command);
  str("date", r.date);
  w.Key("options");
  w.StartObject();
  const WorkloadOptions& o = r.options;
  for (auto [k, v] : std::initializer_list<std::pair<const char*, int64_t>>{
           {"monitors", o.monitors},
           {"hours", o.hours},
           {"seed", static_cast<int64_t>(o.seed)},
           {"batch_size", static_cast<int64_t>(o.batch_size)},
           {"latest_queries", o.latest_queries},
           {"range_queries", o.range_queries},
           {"at_time_queries", o.at_time_queries},
           {"aggregation_queries", o.aggregation_queries},
           {"mixed_hours", o.mixed_hours},
           {"mixed_readers", o.mixed_readers},
           {"retention_days", o.retention_days},
           {"warm_all", o.warm_all ? 1 : 0},
           {"query_hours", o.query_hours}}) {
    w.Key(k);
    w.Int64(v);
  }
  w.EndObject();
  w.Key("snapshots");
  w.Uint64(r.snapshots);
  w.Key("json_bytes");
  w.Uint64(r.json_bytes);
  if (!r.scale_reference.empty()) str("scale_reference", r.scale_reference);
  w.Key("all_agree");
  w.Bool(r.AllAgree());
  w.Key("workloads");
  w.StartArray();
  static const char* kKinds[] = {"throughput", "latency", "duration", "bytes"};
  for (const WorkloadResult& wl : r.workloads) {
    w.StartObject();
    str("name", wl.name);
    str("kind", kKinds[static_cast<int>(wl.kind)]);
    str("detail", wl.detail);
    w.Key("compared");
    w.Bool(wl.ratios);
    w.Key("stores");
    w.StartArray();
    for (const Measure& m : wl.stores) {
      w.StartObject();
      str("store", m.store);
      w.Key("agrees");
      w.Bool(m.agrees);
      w.Key("measured");
      w.Bool(m.measured);
      w.Key("operations");
      w.Uint64(m.operations);
      w.Key("seconds");
      w.Double(m.seconds);
      if (wl.kind == WorkloadResult::Kind::kThroughput) {
        w.Key("per_second");
        w.Double(m.PerSecond());
      }
      if (wl.kind == WorkloadResult::Kind::kBytes && m.json_bytes > 0) {
        w.Key("json_bytes");
        w.Uint64(m.json_bytes);
      }
      if (wl.kind == WorkloadResult::Kind::kLatency && m.wall_seconds == 0) {
        w.Key("device_read_bytes");
        w.Uint64(m.device_read_bytes);
      }
      if (!m.latencies_us.empty()) {
        for (auto [k, p] : {std::pair{"p50_us", 0.5}, {"p90_us", 0.9}, {"p99_us", 0.99}, {"max_us", 1.0}}) {
          w.Key(k);
          w.Double(m.Percentile(p));
        }
      }
      w.EndObject();
    }
    w.EndArray();
    w.Key("disagreements");
    w.StartArray();
    for (const std::string& d : wl.disagreements) w.String(d.c_str(), static_cast<rapidjson::SizeType>(d.size()));
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  // The targets with whether each was met; the ceilings, which have no target, without.
  auto checks = [&](const char* key, const std::vector<TargetCheck>& list, bool with_met) {
    w.Key(key);
    w.StartArray();
    for (const TargetCheck& t : list) {
      w.StartObject();
      str("name", t.name);
      w.Key("value");
      w.Double(t.value);
      if (with_met) {
        w.Key("met");
        w.Bool(t.met);
      }
      w.EndObject();
    }
    w.EndArray();
  };
  checks("targets", CheckTargets(r), true);
  checks("engine_ceilings", EngineCeilings(r), false);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize()) + "\n";
}

Status WriteTextFile(const std::string& path, const std::string& text) {
  std::ofstream f(path);
  f << text;
  f.close();
  return f ? Status::OK() : Status::InvalidArgument("cannot write " + path);
}

Status WritePlots(const ComparisonResult& r, const std::string& dir) {
  if (std::system("command -v gnuplot >/dev/null 2>&1") != 0)
    return Status::FailedPrecondition("gnuplot is not installed (Debian: apt-get install gnuplot-nox); no plots drawn");
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::InvalidArgument("cannot create " + dir + ": " + ec.message());
  std::ofstream gp(dir + "/plots.gp");
  gp << "# Drawn by the comparison runner; rerun with: gnuplot plots.gp\n"
     << "set terminal pngcairo size 960,560 noenhanced\nset grid\n";
  // Throughput: one cluster per throughput workload, a bar per store.
  {
    std::ofstream dat(dir + "/throughput.dat");
    dat << "workload";
    for (const std::string& s : r.stores) dat << " \"" << s << "\"";
    dat << "\n";
    for (const WorkloadResult& w : r.workloads) {
      if (w.kind != Kind::kThroughput) continue;
      dat << "\"" << w.name << "\"";
      for (const Measure& m : w.stores) dat << " " << m.PerSecond();
      dat << "\n";
    }
    gp << "set output 'throughput.png'\nset title 'snapshots written per second (" << r.machine << ")'\n"
       << "set style data histograms\nset style histogram clustered gap 1\nset style fill solid 0.8 border -1\n"
       << "set ylabel 'snapshots/s'\nset key top right autotitle columnheader\nplot ";
    for (size_t i = 0; i < r.stores.size(); i++)
      gp << (i ? ", " : "") << "'throughput.dat' using " << i + 2 << (i == 0 ? ":xtic(1)" : "");
    gp << "\nunset style\nset style data lines\n";
  }
  // Latency: one plot per read workload, the distribution of each store.
  for (const WorkloadResult& w : r.workloads) {
    if (w.kind != Kind::kLatency) continue;
    const std::string slug = Slug(w.name);
    gp << "set output 'latency-" << slug << ".png'\nset title '" << w.name << ": latency distribution ("
       << r.machine << ")'\nset logscale x\nset xlabel 'microseconds (log scale)'\n"
       << "set ylabel 'fraction of queries at or below'\nset key bottom right noautotitle\nplot ";
    for (size_t i = 0; i < w.stores.size(); i++) {
      const Measure& m = w.stores[i];
      std::vector<double> v = m.latencies_us;
      std::sort(v.begin(), v.end());
      const std::string file = "latency-" + slug + "-" + m.store + ".dat";
      std::ofstream dat(dir + "/" + file);
      // At most kPoints points of the distribution (a mixed load reads millions of times).
      constexpr size_t kPoints = 2000;
      const size_t step = std::max<size_t>(1, v.size() / kPoints);
      for (size_t k = 0; k < v.size(); k += step)
        dat << v[k] << " " << static_cast<double>(k + 1) / static_cast<double>(v.size()) << "\n";
      if (!v.empty() && (v.size() - 1) % step != 0) dat << v.back() << " 1\n";
      gp << (i ? ", " : "") << "'" << file << "' using 1:2 with lines linewidth 2 title '" << m.store << "'";
    }
    gp << "\nunset logscale x\n";
  }
  gp.close();
  const std::string cmd = "cd '" + dir + "' && gnuplot plots.gp 2>gnuplot.log";
  if (std::system(cmd.c_str()) != 0)
    return Status::Internal("gnuplot failed drawing the plots; see " + dir + "/gnuplot.log");
  return Status::OK();
}

}  // namespace hearth::compare
