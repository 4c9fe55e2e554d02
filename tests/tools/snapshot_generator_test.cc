#include "tools/snapshot_generator.h"

#include <gtest/gtest.h>

#include <set>

#include "schema/json.h"
#include "tests/printers.h"

namespace hearth::tools {
namespace {

std::vector<MapValue> All(GeneratorOptions o) {
  SnapshotGenerator g(o);
  std::vector<MapValue> out;
  MapValue s;
  while (g.Next(&s)) out.push_back(s);
  return out;
}

TEST(SnapshotGenerator, IsDeterministicAndTimeMajor) {
  GeneratorOptions o;
  o.monitors = 3;
  o.hours = 4;
  o.seed = 9;
  auto a = All(o), b = All(o);
  ASSERT_EQ(a.size(), 12u);
  EXPECT_EQ(a, b);
  EXPECT_EQ(a[0].at("monitor_id"), Value::String("mon-0000"));
  EXPECT_EQ(a[1].at("monitor_id"), Value::String("mon-0001"));
  EXPECT_EQ(a[3].at("timestamp"), Value::Time({o.start.seconds + 3600, 0}));
  o.seed = 10;
  EXPECT_NE(All(o), a);
}

TEST(SnapshotGenerator, HasTheOriginalShapeAndRealisticSizes) {
  GeneratorOptions o;
  o.monitors = 40;
  o.hours = 5;
  size_t smallest = SIZE_MAX, largest = 0;
  for (const auto& s : All(o)) {
    for (const char* f : {"monitor_id", "timestamp", "company", "industry", "competitive_forces", "market_trends",
                          "financial_metrics", "strategic_position", "news_sentiment", "competitor_mentions"})
      ASSERT_TRUE(s.count(f)) << f;
    EXPECT_EQ(s.at("competitive_forces").map().size(), 5u);
    EXPECT_GE(s.at("financial_metrics").map().size(), 12u);
    size_t n = schema::PlainDocumentJson(s).size();
    smallest = std::min(smallest, n);
    largest = std::max(largest, n);
  }
  EXPECT_GE(smallest, 800u);
  EXPECT_LE(largest, 5000u);
  EXPECT_GT(largest, 2 * smallest);  // monitors differ in verbosity
}

TEST(SnapshotGenerator, ProseEvolvesSlowlyFromHourToHour) {
  GeneratorOptions o;
  o.monitors = 1;
  o.hours = 48;
  auto all = All(o);
  int unchanged = 0, changed = 0;
  for (size_t i = 1; i < all.size(); i++) {
    const auto& prev = all[i - 1].at("competitive_forces").map();
    const auto& cur = all[i].at("competitive_forces").map();
    for (const auto& [k, v] : cur) (prev.at(k) == v ? unchanged : changed)++;
  }
  EXPECT_GT(unchanged, 4 * changed);  // mostly carried over
  EXPECT_GT(changed, 0);              // but it does change
  EXPECT_NE(all.front().at("financial_metrics"), all.back().at("financial_metrics"));
}

}  // namespace
}  // namespace hearth::tools
