#include "tools/snapshot_generator.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace hearth::tools {

namespace {

// SplitMix64: small, fast, and specified exactly (std distributions are not
// portable across standard libraries, so none is used).
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint64_t Next() {
    uint64_t z = (s_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  size_t Below(size_t n) { return static_cast<size_t>(Next() % n); }
  bool Chance(double p) { return Uniform() < p; }
  // Roughly normal (sum of uniforms), mean 0, sd 1.
  double Gauss() {
    double s = 0;
    for (int i = 0; i < 12; i++) s += Uniform();
    return s - 6;
  }
  // Zipf-like pick: low indices far more often.
  size_t Zipf(size_t n) { return static_cast<size_t>(std::pow(Uniform(), 2.2) * static_cast<double>(n)); }

 private:
  uint64_t s_;
};

const char* kCompanies[] = {"Tesla", "Rivian", "Lucid", "NIO", "BYD", "Polestar", "Ford", "GM", "Toyota", "Volkswagen",
                            "Stripe", "Adyen", "Square", "PayPal", "Klarna", "Snowflake", "Databricks", "Confluent",
                            "MongoDB", "Datadog", "Moderna", "BioNTech", "Pfizer", "Illumina", "Novartis"};
const char* kIndustries[] = {"Electric Vehicles", "Payments", "Cloud Data Platforms", "Biotechnology",
                             "Observability Software"};
const char* kSubjects[] = {"pricing pressure", "supplier concentration", "regulatory scrutiny", "customer switching costs",
                           "capacity expansion", "margin compression", "brand loyalty", "distribution reach",
                           "input cost volatility", "technology differentiation", "market consolidation",
                           "channel conflict", "talent retention", "capital intensity", "patent protection",
                           "platform lock-in", "new entrant funding", "substitute adoption", "export controls",
                           "demand elasticity"};
const char* kVerbs[] = {"remains", "is becoming", "continues to be", "has turned", "appears", "is expected to stay",
                        "looks", "was reported as", "is trending toward", "stays"};
const char* kLevels[] = {"high", "moderate", "low", "elevated", "manageable", "intense", "limited", "significant",
                         "uneven", "stable"};
const char* kReasons[] = {"as competitors cut prices in key regions", "because of long-term supply agreements",
                          "given recent guidance from management", "after the latest quarterly results",
                          "as new capacity comes online next year", "while analysts revise estimates",
                          "amid shifting consumer preferences", "following new product announcements",
                          "as financing conditions tighten", "due to consolidation among suppliers",
                          "with channel inventories normalizing", "on stronger enterprise demand"};
const char* kTrends[] = {"EV adoption accelerating", "Battery costs declining", "Charging network expansion",
                         "Autonomous driving investment", "Real-time payments growth", "Embedded finance",
                         "Cross-border commerce", "AI workload migration", "Lakehouse consolidation",
                         "Usage-based pricing", "mRNA platform expansion", "GLP-1 demand surge", "Supply chain reshoring",
                         "Interest rate sensitivity", "Open-source competition", "Vendor consolidation",
                         "Regulatory tightening", "Emerging market demand", "Subscription fatigue",
                         "Sustainability reporting"};
const char* kForces[] = {"buyer_power", "competitive_rivalry", "supplier_power", "threat_of_new_entrants",
                         "threat_of_substitutes"};
const char* kSwot[] = {"opportunities", "strengths", "threats", "weaknesses"};
const char* kSwotItems[] = {"Strong brand recognition", "Vertical integration of key components",
                            "High exposure to a single market", "Expanding service revenue",
                            "Dependence on a few large customers", "Growing international footprint",
                            "Aging product lineup", "Pricing power in premium segment", "Rising competition from startups",
                            "Favourable regulatory incentives", "Execution risk on new factories",
                            "Software-driven margin expansion", "Volatile raw material costs", "Deep partner ecosystem",
                            "Limited presence in enterprise", "Cash position supports investment",
                            "Leadership turnover", "Adjacent market entry", "Currency headwinds",
                            "Data network effects"};
const char* kMetrics[] = {"current_ratio",   "debt_to_equity", "eps",          "free_cash_flow",
                          "gross_margin",    "market_cap",     "net_margin",   "operating_margin",
                          "pe_ratio",        "revenue",        "revenue_growth", "employee_count"};

template <size_t N>
const char* Pick(Rng& r, const char* (&arr)[N]) {
  return arr[r.Below(N)];
}

}  // namespace

struct SnapshotGenerator::MonitorState {
  explicit MonitorState(uint64_t seed) : rng(seed) {}
  Rng rng;
  std::string id, company, industry;
  std::vector<std::string> competitors;
  int verbosity = 3;  // sentences per Porter force
  std::vector<std::vector<std::string>> forces;  // [force][sentence]
  std::vector<std::vector<std::string>> swot;    // [quadrant][item]
  std::vector<std::string> trends;
  std::vector<double> metrics;
  double sentiment = 0;
  std::vector<int64_t> mentions;

  std::string Sentence() {
    std::string s = company + "'s " + Pick(rng, kSubjects) + " " + Pick(rng, kVerbs) + " " + Pick(rng, kLevels) + " " +
                    Pick(rng, kReasons);
    if (rng.Chance(0.4)) s += ", with " + competitors[rng.Zipf(competitors.size())] + " watching closely";
    return s + ".";
  }
  std::string SwotItem() {
    std::string s = kSwotItems[rng.Zipf(std::size(kSwotItems))];
    if (rng.Chance(0.5)) s += std::string(" in ") + Pick(rng, kIndustries);
    return s;
  }
};

std::string SnapshotGenerator::MonitorId(int index) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "mon-%04d", index);
  return buf;
}

SnapshotGenerator::SnapshotGenerator(const GeneratorOptions& options) : options_(options) {
  for (int m = 0; m < options.monitors; m++) {
    auto st = std::make_unique<MonitorState>(options.seed * 0x100000001B3ULL + static_cast<uint64_t>(m) * 7919 + 1);
    Rng& r = st->rng;
    st->id = MonitorId(m);
    st->company = kCompanies[m % std::size(kCompanies)];
    if (m >= static_cast<int>(std::size(kCompanies))) st->company += " " + std::to_string(m / std::size(kCompanies));
    st->industry = kIndustries[(m / 5) % std::size(kIndustries)];
    for (int i = 0; i < 4; i++) st->competitors.push_back(kCompanies[r.Below(std::size(kCompanies))]);
    st->verbosity = 1 + static_cast<int>(r.Below(5));
    st->forces.resize(std::size(kForces));
    for (auto& f : st->forces)
      for (int i = 0; i < st->verbosity; i++) f.push_back(st->Sentence());
    st->swot.resize(std::size(kSwot));
    for (auto& q : st->swot)
      for (int i = 0; i < 2 + st->verbosity / 2; i++) q.push_back(st->SwotItem());
    for (int i = 0; i < 3 + static_cast<int>(r.Below(4)); i++) st->trends.push_back(kTrends[r.Zipf(std::size(kTrends))]);
    const double bases[] = {1.5, 0.8, 3.2, 2.5e9, 35, 6e10, 12, 15, 40, 2e10, 0.12, 20000};
    for (double b : bases) st->metrics.push_back(b * (0.5 + r.Uniform()));
    st->sentiment = r.Uniform() * 0.6 - 0.1;
    st->mentions.assign(st->competitors.size(), 0);
    monitors_.push_back(std::move(st));
  }
}

SnapshotGenerator::~SnapshotGenerator() = default;

bool SnapshotGenerator::Next(MapValue* out) {
  if (hour_ >= options_.hours || monitors_.empty()) return false;
  MonitorState& st = *monitors_[monitor_];
  Rng& r = st.rng;
  // Evolve: a few sentences change each hour; most of the text carries over.
  if (hour_ > 0) {
    for (auto& f : st.forces)
      for (auto& s : f)
        if (options_.fresh_prose || r.Chance(0.03)) s = st.Sentence();
    for (auto& q : st.swot)
      for (auto& s : q)
        if (options_.fresh_prose || r.Chance(0.01)) s = st.SwotItem();
    if (r.Chance(0.05)) st.trends[r.Below(st.trends.size())] = kTrends[r.Zipf(std::size(kTrends))];
    for (size_t i = 0; i < st.metrics.size(); i++) {
      double step = r.Gauss() * 0.004;
      if (r.Chance(0.01)) step += (r.Chance(0.5) ? 1 : -1) * (0.15 + 0.2 * r.Uniform());  // a jump
      st.metrics[i] *= 1 + step;
    }
    st.sentiment = std::clamp(st.sentiment + r.Gauss() * 0.03, -1.0, 1.0);
  }
  for (auto& m : st.mentions) m = static_cast<int64_t>(r.Below(6));

  MapValue s;
  s["monitor_id"] = Value::String(st.id);
  int64_t secs = options_.start.seconds + static_cast<int64_t>(hour_) * 3600;
  s["timestamp"] = Value::Time(Timestamp{secs, options_.start.nanos});
  s["company"] = Value::String(st.company);
  s["industry"] = Value::String(st.industry);
  MapValue forces;
  for (size_t i = 0; i < st.forces.size(); i++) {
    std::string text;
    for (const auto& sentence : st.forces[i]) text += (text.empty() ? "" : " ") + sentence;
    forces[kForces[i]] = Value::String(std::move(text));
  }
  s["competitive_forces"] = Value::Map(std::move(forces));
  ArrayValue trends;
  for (const auto& t : st.trends) trends.push_back(Value::String(t));
  s["market_trends"] = Value::Array(std::move(trends));
  MapValue metrics;
  for (size_t i = 0; i < st.metrics.size(); i++) {
    if (std::string_view(kMetrics[i]) == "employee_count") {
      metrics[kMetrics[i]] = Value::Integer(static_cast<int64_t>(st.metrics[i]));
    } else {
      metrics[kMetrics[i]] = Value::Double(std::round(st.metrics[i] * 10000) / 10000);
    }
  }
  s["financial_metrics"] = Value::Map(std::move(metrics));
  MapValue swot;
  for (size_t i = 0; i < st.swot.size(); i++) {
    ArrayValue items;
    for (const auto& it : st.swot[i]) items.push_back(Value::String(it));
    swot[kSwot[i]] = Value::Array(std::move(items));
  }
  s["strategic_position"] = Value::Map(std::move(swot));
  s["news_sentiment"] = Value::Double(std::round(st.sentiment * 1000) / 1000);
  MapValue mentions;
  for (size_t i = 0; i < st.competitors.size(); i++)
    if (st.mentions[i] > 0) mentions[st.competitors[i]] = Value::Integer(st.mentions[i]);
  s["competitor_mentions"] = Value::Map(std::move(mentions));
  *out = std::move(s);

  if (++monitor_ == static_cast<int>(monitors_.size())) {
    monitor_ = 0;
    hour_++;
  }
  return true;
}

}  // namespace hearth::tools
