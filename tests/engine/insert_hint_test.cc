#include "engine/insert_hint.h"

#include <gtest/gtest.h>
#include <rocksdb/slice_transform.h>

#include "engine/auto_index.h"
#include "engine/keys.h"
#include "schema/key_encoding.h"

namespace hearth::engine {
namespace {

const TimeSeriesKey kSeries{"monitor_id", "timestamp"};

std::string Pk(const std::string& path, const Value& partition, int64_t seconds) {
  const Value time = Value::Time({seconds, 0});
  auto pk = TimeSeriesPrimaryKey(kSeries, *schema::ParseDocumentPath(path), &partition, &time);
  EXPECT_TRUE(pk.ok()) << pk.status().ToString();
  return *pk;
}

TEST(InsertHint, DocumentsOfOnePartitionShareTheirPartitionPrefix) {
  const std::string a1 = Pk("snapshots/a_1", Value::String("mon-1"), 3600);
  const std::string a2 = Pk("snapshots/a_2", Value::String("mon-1"), 7200);
  const std::string b = Pk("snapshots/b_1", Value::String("mon-10"), 3600);
  const std::string prefix = TimeSeriesPartitionPrefix(schema::ParseCollectionPath("snapshots")->path, Value::String("mon-1"));
  EXPECT_EQ(DocumentHintPrefix(a1), prefix);
  EXPECT_EQ(DocumentHintPrefix(a2), prefix);
  EXPECT_NE(DocumentHintPrefix(b), prefix);  // "mon-1" does not swallow "mon-10"
  // Nested collections and partitions holding bytes that need escaping.
  const std::string nested = Pk("users/u1/snapshots/x", Value::String(std::string("m\0\xff", 3)), 60);
  EXPECT_EQ(DocumentHintPrefix(nested), TimeSeriesPartitionPrefix(schema::ParseCollectionPath("users/u1/snapshots")->path,
                                                                   Value::String(std::string("m\0\xff", 3))));
}

TEST(InsertHint, OnlyStringPartitionsAndTimeSeriesKeysGetADocumentHint) {
  EXPECT_TRUE(DocumentHintPrefix(Pk("snapshots/a", Value::Integer(7), 3600)).empty());
  EXPECT_TRUE(DocumentHintPrefix(Pk("snapshots/a", Value::Time({5, 0}), 3600)).empty());
  // A plain collection's key is a path: no hint, whatever its id starts with.
  EXPECT_TRUE(DocumentHintPrefix(PlainDocumentKey(*schema::ParseDocumentPath("monitors/\x19x"))).empty());
  EXPECT_TRUE(DocumentHintPrefix("").empty());
}

TEST(InsertHint, AutomaticEntriesHintByFieldNotValue) {
  AutoIndexConfig config(schema::IndexConfig{}, "snapshots", true);
  std::vector<std::string> keys;
  AppendAutoEntries(config, *schema::ParseDocumentPath("snapshots/a"),
                    MapValue{{"monitor_id", Value::String("mon-1")}, {"score", Value::Double(0.5)}}, &keys);
  AppendAutoEntries(config, *schema::ParseDocumentPath("snapshots/b"),
                    MapValue{{"monitor_id", Value::String("mon-2")}, {"score", Value::Double(0.7)}}, &keys);
  ASSERT_EQ(keys.size(), 4u);
  const auto collection = schema::ParseCollectionPath("snapshots")->path;
  const std::string monitor = AutoKeyPrefix(false, collection, kAutoValue, *schema::ParseFieldPath("monitor_id"));
  const std::string score = AutoKeyPrefix(false, collection, kAutoValue, *schema::ParseFieldPath("score"));
  int monitors = 0, scores = 0;
  for (const auto& k : keys) {
    monitors += AutoEntryHintPrefix(k) == monitor;
    scores += AutoEntryHintPrefix(k) == score;
  }
  EXPECT_EQ(monitors, 2);
  EXPECT_EQ(scores, 2);
}

TEST(InsertHint, LedgerKeysHintByPartitionOtherMetaKeysNot) {
  const std::string day1 = meta::LedgerDay("snapshots", "part", 0);
  const std::string day2 = meta::LedgerDay("snapshots", "part", 86400);
  EXPECT_EQ(LedgerHintPrefix(day1), meta::Ledger("snapshots", "part"));
  EXPECT_EQ(LedgerHintPrefix(day2), meta::Ledger("snapshots", "part"));
  EXPECT_TRUE(LedgerHintPrefix(meta::DocumentCount("snapshots")).empty());
  EXPECT_TRUE(LedgerHintPrefix(std::string(meta::kFormatVersion)).empty());
}

TEST(InsertHint, NamesHintByTheirCollectionSelfNamedOnesByPartition) {
  auto name = [](const std::string& path) { return PlainDocumentKey(*schema::ParseDocumentPath(path)); };
  std::string snapshots;
  schema::AppendCollectionPrefix(&snapshots, schema::ParseCollectionPath("snapshots")->path);
  EXPECT_EQ(NameHintPrefix(name("snapshots/\x01\x02")), snapshots);
  EXPECT_EQ(NameHintPrefix(name(std::string("snapshots/a\0\x02_1", 15))), snapshots + std::string("a\0\xff\x02_", 5));
  EXPECT_EQ(NameHintPrefix(name("snapshots/mon-1_36OO")), snapshots);  // letters O
  EXPECT_EQ(NameHintPrefix(name("snapshots/mon-1_")), snapshots);
  EXPECT_EQ(NameHintPrefix(name("snapshots/mon-1_1.")), snapshots);
  EXPECT_EQ(NameHintPrefix(name("snapshots/mon-1_.5")), snapshots);
  // "{partition}_{digits[.digits]}" (the self-named shape): every name of a
  // partition shares its hint, and the hint ends at the underscore.
  auto hint = [&](const std::string& path) { return std::string(NameHintPrefix(name(path))); };
  EXPECT_EQ(hint("snapshots/mon-1_1700000000"), snapshots + "mon-1_");
  EXPECT_EQ(hint("snapshots/mon-1_1700003600.5"), snapshots + "mon-1_");
  EXPECT_EQ(hint("snapshots/mon-2_1700000000"), snapshots + "mon-2_");
  EXPECT_EQ(hint("snapshots/a_b_1700000000"), snapshots + "a_b_");
  // A subcollection's documents hint by their own parent path, not the root's.
  std::string nested;
  schema::AppendCollectionPrefix(&nested, schema::ParseCollectionPath("users/u1/snapshots")->path);
  EXPECT_EQ(NameHintPrefix(name("users/u1/snapshots/x")), nested);
  EXPECT_TRUE(NameHintPrefix("").empty());
  EXPECT_TRUE(NameHintPrefix(snapshots).empty());  // not a document path
}

TEST(InsertHint, ExtractorsAgreeWithThePrefixFunctions) {
  auto docs = NewDocumentInsertHint();
  const std::string pk = Pk("snapshots/a_1", Value::String("mon-1"), 3600);
  ASSERT_TRUE(docs->InDomain(pk));
  EXPECT_EQ(docs->Transform(pk).ToString(), std::string(DocumentHintPrefix(pk)));
  EXPECT_FALSE(docs->InDomain(Pk("snapshots/a", Value::Integer(7), 3600)));
  auto ledger = NewLedgerInsertHint();
  EXPECT_FALSE(ledger->InDomain(std::string(meta::kFormatVersion)));
  EXPECT_STRNE(docs->Name(), ledger->Name());
  auto names = NewNameInsertHint();
  const std::string n = PlainDocumentKey(*schema::ParseDocumentPath("snapshots/a_1"));
  ASSERT_TRUE(names->InDomain(n));
  EXPECT_EQ(names->Transform(n).ToString(), std::string(NameHintPrefix(n)));
}

}  // namespace
}  // namespace hearth::engine
