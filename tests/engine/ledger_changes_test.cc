#include "engine/ledger_changes.h"

#include <gtest/gtest.h>

#include <deque>
#include <set>

#include "engine/keys.h"
#include "schema/path.h"

namespace hearth::engine {
namespace {

constexpr int64_t kDay0 = 1767225600;  // 2026-01-01

// The primary key of snapshot `monitor` at `seconds`, kept alive in `keys`.
std::string_view Pk(std::deque<std::string>& keys, const std::string& monitor, int64_t seconds, std::string* id) {
  *id = monitor + "_" + std::to_string(seconds);
  auto path = *schema::ParseDocumentPath("snapshots/" + *id);
  const Value m = Value::String(monitor), time = Value::Time({seconds, 0});
  keys.push_back(*TimeSeriesPrimaryKey({"monitor_id", "timestamp"}, path, &m, &time));
  return keys.back();
}

// Documents of two partitions over three days, in no particular order: each
// counts into LedgerKeyOf's key, whichever day its partition counted last.
TEST(LedgerChanges, EachDocumentCountsIntoItsPartitionAndDaysKey) {
  std::deque<std::string> keys;
  std::map<std::string, int64_t> expected;  // documents by LedgerKeyOf's key
  LedgerChanges changes;
  const int64_t hours[] = {1, 5, 30, 2, 49, 29, 3, 50, 4};
  for (const std::string monitor : {"m1", "m2"}) {
    for (int64_t h : hours) {
      std::string id;
      const std::string_view pk = Pk(keys, monitor, kDay0 + h * 3600, &id);
      changes.For("snapshots", pk, TimeSeriesPartitionOf(pk, id)).documents += 1;
      expected[LedgerKeyOf("snapshots", pk, id)] += 1;
    }
  }
  ASSERT_EQ(changes.by_key().size(), expected.size());
  EXPECT_EQ(expected.size(), 6u);  // two partitions, three days
  for (const auto& [key, d] : changes.by_key()) EXPECT_EQ(d.documents, expected[key]);
}

TEST(LedgerChanges, AKeyThatIsNoTimeSeriesKeyCountsWhereLedgerKeyOfPutsIt) {
  LedgerChanges changes;
  changes.For("snapshots", "not a key", TimeSeriesPartitionOf("not a key", "x")).documents += 1;
  ASSERT_EQ(changes.by_key().size(), 1u);
  EXPECT_EQ(changes.by_key().begin()->first, LedgerKeyOf("snapshots", "not a key", "x"));
}

}  // namespace
}  // namespace hearth::engine
