#include "engine/index_entries.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "engine/auto_index.h"
#include "engine/keys.h"
#include "tests/test_util.h"

namespace hearth::engine {
namespace {

schema::IndexDef Def(const std::string& json) {
  auto cfg = schema::ParseIndexConfig(R"({"indexes":[)" + json + "]}", "test");
  EXPECT_TRUE(cfg.ok()) << cfg.status().ToString();
  return cfg->indexes.at(0);
}

std::vector<std::string> Entries(const schema::IndexDef& def, const std::string& path, const MapValue& fields) {
  std::vector<std::string> keys;
  AppendIndexEntries(def, *schema::ParseDocumentPath(path), MapFieldSource(fields), &keys);
  return keys;
}

TEST(IndexEntries, ADocumentLackingAnIndexedFieldHasNoEntry) {
  auto def = Def(R"({"collectionGroup":"m","fields":[{"fieldPath":"a","order":"ASCENDING"},
                    {"fieldPath":"b.c","order":"DESCENDING"}]})");
  EXPECT_EQ(Entries(def, "m/1", testing::Fields(R"({"a":1,"b":{"c":2}})")).size(), 1u);
  EXPECT_TRUE(Entries(def, "m/1", testing::Fields(R"({"a":1,"b":{"d":2}})")).empty());
  EXPECT_TRUE(Entries(def, "m/1", testing::Fields(R"({"b":{"c":2}})")).empty());
  EXPECT_EQ(Entries(def, "m/1", testing::Fields(R"({"a":null,"b":{"c":null}})")).size(), 1u);  // null is a value
}

TEST(IndexEntries, ArrayContainsFansOutOverDistinctElements) {
  auto def = Def(R"({"collectionGroup":"m","fields":[{"fieldPath":"tags","arrayConfig":"CONTAINS"},
                    {"fieldPath":"t","order":"ASCENDING"}]})");
  EXPECT_EQ(Entries(def, "m/1", testing::Fields(R"({"tags":["x","y","x",1,1.0],"t":1})")).size(), 3u);
  EXPECT_TRUE(Entries(def, "m/1", testing::Fields(R"({"tags":[],"t":1})")).empty());
  EXPECT_TRUE(Entries(def, "m/1", testing::Fields(R"({"tags":"x","t":1})")).empty());
}

TEST(IndexEntries, EntryOrderFollowsFieldDirectionsThenName) {
  // (a ASC, b DESC, __name__ DESC): ordered by a up, then b down, then name down.
  auto def = Def(R"({"collectionGroup":"m","fields":[{"fieldPath":"a","order":"ASCENDING"},
                    {"fieldPath":"b","order":"DESCENDING"}]})");
  auto key = [&](const std::string& path, int a, int b) {
    return Entries(def, path, testing::Fields(R"({"a":)" + std::to_string(a) + R"(,"b":)" + std::to_string(b) + "}"))[0];
  };
  EXPECT_LT(key("m/1", 1, 5), key("m/1", 2, 9));
  EXPECT_LT(key("m/1", 1, 9), key("m/1", 1, 5));
  EXPECT_LT(key("m/2", 1, 5), key("m/1", 1, 5));
  EXPECT_LT(key("m/10", 1, 5), key("m/1", 1, 5));
}

TEST(IndexEntries, CollectionScopeKeysStartWithTheParentCollection) {
  auto def = Def(R"({"collectionGroup":"s","fields":[{"fieldPath":"a","order":"ASCENDING"},
                    {"fieldPath":"b","order":"ASCENDING"}]})");
  auto f = testing::Fields(R"({"a":1,"b":2})");
  std::string under_m1 = Entries(def, "m/1/s/x", f)[0];
  std::string prefix;
  schema::AppendCollectionPrefix(&prefix, schema::ResourcePath({"m", "1", "s"}));
  EXPECT_EQ(under_m1.substr(0, prefix.size()), prefix);
  std::string root_prefix;
  schema::AppendCollectionPrefix(&root_prefix, schema::ResourcePath({"s"}));
  EXPECT_NE(under_m1.substr(0, root_prefix.size()), root_prefix);
  // A collection-group index is keyed by the values first, then the full path.
  auto group = Def(R"({"collectionGroup":"s","queryScope":"COLLECTION_GROUP","fields":[
                      {"fieldPath":"a","order":"ASCENDING"},{"fieldPath":"b","order":"ASCENDING"}]})");
  EXPECT_LT(Entries(group, "z/1/s/x", testing::Fields(R"({"a":0,"b":2})"))[0], Entries(group, "s/x", f)[0]);
}

TEST(Keys, DescribeKeyNamesDocumentsAndEntries) {
  auto path = *schema::ParseDocumentPath("snapshots/m1_1");
  const Value m1 = Value::String("m1"), time = Value::Time({1767225600, 0});
  auto pk = TimeSeriesPrimaryKey({"monitor_id", "timestamp"}, path, &m1, &time);
  ASSERT_TRUE(pk.ok());
  std::string d = DescribeKey("doc.snapshots", *pk);
  EXPECT_NE(d.find("document snapshots/m1_1"), std::string::npos) << d;
  EXPECT_NE(d.find("\"m1\""), std::string::npos) << d;
  EXPECT_NE(d.find("2026-01-01T00:00:00Z"), std::string::npos) << d;
  EXPECT_NE(DescribeKey("doc.monitors", PlainDocumentKey(*schema::ParseDocumentPath("monitors/a"))).find("monitors/a"),
            std::string::npos);
  EXPECT_EQ(DescribeKey("log", LogKey(7)), "change record #7");
  EXPECT_NE(DescribeKey("doc.x", "\x01garbage").find("bytes 01"), std::string::npos);
}

TEST(Keys, LedgerKeysNameTheirDayAndPartition) {
  auto path = *schema::ParseDocumentPath("snapshots/m1_1");
  const Value m1 = Value::String("m1"), time = Value::Time({1767225600 + 86399, 999999999});
  auto pk = TimeSeriesPrimaryKey({"monitor_id", "timestamp"}, path, &m1, &time);
  ASSERT_TRUE(pk.ok());
  const std::string key = LedgerKeyOf("snapshots", *pk, "m1_1");
  std::string_view id, partition;
  int64_t day = 0;
  ASSERT_TRUE(meta::ParseLedger(key, &id, &partition, &day));
  EXPECT_EQ(id, "snapshots");
  EXPECT_EQ(day, 1767225600);  // the last nanosecond of the day is still that day
  EXPECT_EQ(partition, TimeSeriesPartitionPrefix(schema::ResourcePath({"snapshots"}), Value::String("m1")));
  std::string d = DescribeKey("meta", key);
  EXPECT_NE(d.find("series ledger of collection snapshots"), std::string::npos) << d;
  EXPECT_NE(d.find("\"m1\""), std::string::npos) << d;
  EXPECT_NE(d.find("2026-01-01T00:00:00Z"), std::string::npos) << d;
  EXPECT_EQ(DayStart(-1), -86400);
  EXPECT_EQ(DayStart(0), 0);
  EXPECT_EQ(DayStart(86400), 86400);
}

TEST(Keys, LedgerJournalKeysOrderBySequenceAndSayWhatTheyAre) {
  const std::string k = meta::LedgerJournal(258);
  uint64_t seq = 0;
  ASSERT_TRUE(meta::ParseLedgerJournal(k, &seq));
  EXPECT_EQ(seq, 258u);
  EXPECT_LT(meta::LedgerJournal(255), k);  // big-endian: key order is sequence order
  EXPECT_LT(k, meta::LedgerJournal(uint64_t{1} << 40));
  EXPECT_FALSE(meta::ParseLedgerJournal(k.substr(0, k.size() - 1), &seq));
  std::string_view id, partition;
  int64_t day;
  EXPECT_FALSE(meta::ParseLedger(k, &id, &partition, &day));  // not a ledger day
  EXPECT_EQ(DescribeKey("meta", k), "series ledger journal record #258");
}

TEST(Keys, ChangeRecordsDecodeBack) {
  const Timestamp t{1767225600, 123};
  auto set = ParseChangeRecord(ChangeRecord(ChangeOp::kSet, t, "monitors/m1"));
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(set->op, ChangeOp::kSet);
  EXPECT_EQ(set->update_time, t);
  EXPECT_EQ(set->paths, std::vector<std::string>{"monitors/m1"});
  auto range = ParseChangeRecord(DeleteRangeRecord(t, "monitors/m1/snapshots", {"monitor_id", "timestamp"},
                                                   Value::String("m\0x"), Timestamp{1767225600, 5}));
  ASSERT_TRUE(range.ok()) << range.status().ToString();
  EXPECT_EQ(range->op, ChangeOp::kDeleteRange);
  EXPECT_EQ(range->collection, "monitors/m1/snapshots");
  EXPECT_EQ(range->series.partition_field, "monitor_id");
  EXPECT_EQ(range->series.time_field, "timestamp");
  EXPECT_EQ(range->partition, Value::String("m\0x"));
  EXPECT_EQ(range->cutoff, (Timestamp{1767225600, 5}));
  // Op 3, written by retention before op 4 existed: a list of paths.
  std::string many = ChangeRecord(ChangeOp::kDeleteMany, t, "");
  for (std::string p : {"snapshots/a", "snapshots/b"}) {
    many.push_back(static_cast<char>(p.size()));
    many += p;
  }
  auto old = ParseChangeRecord(many);
  ASSERT_TRUE(old.ok());
  EXPECT_EQ(old->paths, (std::vector<std::string>{"snapshots/a", "snapshots/b"}));
  EXPECT_EQ(ParseChangeRecord("\x09short").status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(ParseChangeRecord(std::string(13, '\x07')).status().code(), StatusCode::kDataLoss);
  std::string truncated = DeleteRangeRecord(t, "s", {"p", "t"}, Value::Integer(1), t);
  truncated.pop_back();
  EXPECT_EQ(ParseChangeRecord(truncated).status().code(), StatusCode::kDataLoss);
}

TEST(Keys, TimeSeriesKeysDecodeBackToTheirPath) {
  for (const char* p : {"snapshots/a", "monitors/m1/snapshots/a_b", "x/y/z/w/snapshots/\x19weird"}) {
    auto path = *schema::ParseDocumentPath(p);
    const Value five = Value::Integer(5), time = Value::Time({1, 2});
    auto pk = TimeSeriesPrimaryKey({"monitor_id", "timestamp"}, path, &five, &time);
    ASSERT_TRUE(pk.ok());
    schema::ResourcePath back;
    ASSERT_TRUE(DocumentPathFromKey(*pk, true, &back)) << p;
    EXPECT_EQ(back.ToString(), p);
  }
}

}  // namespace
}  // namespace hearth::engine

namespace hearth::engine {
namespace {

// The automatic entries' field paths (their keys' prefixes) for `fields`
// under the overrides in `overrides_json`.
std::multiset<std::string> AutoFields(const std::string& overrides_json, const MapValue& fields) {
  auto cfg = schema::ParseIndexConfig(R"({"indexes":[],"fieldOverrides":[)" + overrides_json + "]}", "test");
  EXPECT_TRUE(cfg.ok()) << cfg.status().ToString();
  AutoIndexConfig config(*cfg, "c", true);
  std::vector<std::string> keys;
  AppendAutoEntries(config, *schema::ParseDocumentPath("c/d"), fields, &keys);
  const auto collection = schema::ParseCollectionPath("c")->path;
  std::multiset<std::string> out;
  for (const auto& k : keys)
    for (const char* f : {"x", "m", "m.keep", "m.drop", "m.deep", "m.deep.y", "a"})
      for (char kind : {kAutoValue, kAutoContains}) {
        const std::string prefix = AutoKeyPrefix(false, collection, kind, *schema::ParseFieldPath(f));
        if (k.compare(0, prefix.size(), prefix) == 0) out.insert(std::string(1, kind) + ":" + f);
      }
  return out;
}

TEST(AutoEntries, AnExemptedMapHidesItsSubfieldsUnlessAnOverrideNamesOne) {
  const MapValue doc{{"x", Value::Integer(1)},
                     {"a", Value::Array({Value::Integer(1), Value::Integer(1), Value::Integer(2)})},
                     {"m", Value::Map({{"keep", Value::Integer(2)},
                                       {"drop", Value::Integer(3)},
                                       {"deep", Value::Map({{"y", Value::Integer(4)}})}})}};
  using Set = std::multiset<std::string>;
  // Nothing exempted: every field, each map and each subfield; the array's
  // two distinct elements and the array itself.
  EXPECT_EQ(AutoFields("", doc), (Set{"v:x", "v:a", "c:a", "c:a", "v:m", "v:m.keep", "v:m.drop", "v:m.deep", "v:m.deep.y"}));
  // The map exempted: none of it.
  EXPECT_EQ(AutoFields(R"({"collectionGroup":"c","fieldPath":"m","indexes":[]})", doc), (Set{"v:x", "v:a", "c:a", "c:a"}));
  // ... but a subfield named by its own override is indexed.
  EXPECT_EQ(AutoFields(R"({"collectionGroup":"c","fieldPath":"m","indexes":[]},
                          {"collectionGroup":"c","fieldPath":"m.deep.y","indexes":[{"order":"ASCENDING","queryScope":"COLLECTION"}]})",
                       doc),
            (Set{"v:x", "v:a", "c:a", "c:a", "v:m.deep.y"}));
  // Another collection group's overrides do not apply.
  EXPECT_EQ(AutoFields(R"({"collectionGroup":"other","fieldPath":"m","indexes":[]})", doc).size(), 9u);
}

TEST(AutoEntries, EveryFieldExemptedMeansNoEntriesAndOnlyWholeSubtreesAreSkipped) {
  auto config_of = [](const std::string& overrides_json) {
    auto cfg = schema::ParseIndexConfig(R"({"indexes":[],"fieldOverrides":[)" + overrides_json + "]}", "test");
    EXPECT_TRUE(cfg.ok()) << cfg.status().ToString();
    return AutoIndexConfig(*cfg, "c", true);
  };
  const AutoIndexConfig c = config_of(R"({"collectionGroup":"c","fieldPath":"x","indexes":[]},
      {"collectionGroup":"c","fieldPath":"m","indexes":[]},
      {"collectionGroup":"c","fieldPath":"m.deep.y","indexes":[{"order":"ASCENDING","queryScope":"COLLECTION"}]},
      {"collectionGroup":"c","fieldPath":"a","indexes":[{"arrayConfig":"CONTAINS","queryScope":"COLLECTION"}]},
      {"collectionGroup":"c","fieldPath":"n.z","indexes":[]},
      {"collectionGroup":"other","fieldPath":"o","indexes":[]})");
  // Only x: m is exempted but m.deep.y is indexed, a is indexed (array-contains),
  // only a subfield of n is exempted, o is another group's, y has no override.
  EXPECT_EQ(c.exempt_top_level(), std::vector<std::string>{"x"});
  // A document made only of exempted fields has no entries at all.
  const MapValue doc{{"x", Value::Integer(1)}, {"m", Value::Map({{"keep", Value::Integer(2)}})}};
  EXPECT_TRUE(AutoFields(R"({"collectionGroup":"c","fieldPath":"x","indexes":[]},
                            {"collectionGroup":"c","fieldPath":"m","indexes":[]})",
                         doc)
                  .empty());
}

}  // namespace
}  // namespace hearth::engine
