#include "schema/index_config.h"

#include <gtest/gtest.h>

#include "tests/printers.h"

namespace hearth::schema {
namespace {

TEST(IndexConfig, TheDomainFileHasTheOriginalsTenIndexesAndOneItLacked) {
  auto cfg = ParseIndexConfig(DefaultIndexConfigJson(), "built-in");
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  ASSERT_EQ(cfg->indexes.size(), 11u);  // the original ten and monitors (user_id, created_at desc)
  const IndexDef& first = cfg->indexes[0];
  EXPECT_EQ(first.collection_group, "monitors");
  EXPECT_EQ(first.fields.size(), 3u);
  EXPECT_EQ(first.fields[2].mode, FieldMode::kDescending);
  EXPECT_EQ(first.name_direction, Direction::kDescending);
  EXPECT_EQ(first.Name(), "idx.monitors.collection.user_id:asc,status:asc,created_at:desc");
}

TEST(IndexConfig, ParsesCommentsArrayConfigGroupsAndOverrides) {
  auto cfg = ParseIndexConfig(R"({
    // a comment
    "indexes": [
      {"collectionGroup": "posts", "queryScope": "COLLECTION_GROUP",
       "fields": [{"fieldPath": "tags", "arrayConfig": "CONTAINS"}, {"fieldPath": "ts", "order": "DESCENDING"}]},
      {"collectionGroup": "posts", "fields": [{"fieldPath": "a", "order": "ASCENDING"},
                                              {"fieldPath": "__name__", "order": "DESCENDING"}]}
    ],
    /* block comment */
    "fieldOverrides": [
      {"collectionGroup": "posts", "fieldPath": "body", "indexes": []},
      {"collectionGroup": "posts", "fieldPath": "expires", "ttl": true,
       "indexes": [{"order": "ASCENDING", "queryScope": "COLLECTION"}]}
    ]
  })",
                              "test.json");
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->indexes[0].scope, QueryScope::kCollectionGroup);
  EXPECT_EQ(cfg->indexes[0].fields[0].mode, FieldMode::kContains);
  EXPECT_EQ(cfg->indexes[1].scope, QueryScope::kCollection);  // the CLI's default
  EXPECT_EQ(cfg->indexes[1].fields.size(), 1u);
  EXPECT_EQ(cfg->indexes[1].name_direction, Direction::kDescending);
  EXPECT_EQ(cfg->indexes[1].Name(), "idx.posts.collection.a:asc,__name__:desc");
  ASSERT_EQ(cfg->field_overrides.size(), 2u);
  EXPECT_TRUE(cfg->field_overrides[0].indexes.empty());
  EXPECT_TRUE(cfg->field_overrides[1].ttl);
}

TEST(IndexConfig, AcceptsTheLegacyV1Beta1Form) {
  auto cfg = ParseIndexConfig(R"({"indexes":[{"collectionId":"c","fields":[{"fieldPath":"a","mode":"ASCENDING"},
      {"fieldPath":"b","mode":"ARRAY_CONTAINS"}]}]})",
                              "old.json");
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->indexes[0].fields[1].mode, FieldMode::kContains);
}

void ExpectRejected(const std::string& json, const std::string& needle) {
  auto cfg = ParseIndexConfig(json, "bad.json");
  ASSERT_FALSE(cfg.ok()) << json;
  EXPECT_NE(cfg.status().message().find(needle), std::string::npos) << cfg.status().message();
  EXPECT_NE(cfg.status().message().find("bad.json"), std::string::npos) << cfg.status().message();
}

TEST(IndexConfig, RejectsMalformedEntriesNamingThem) {
  ExpectRejected("{", "Parse Error");
  ExpectRejected(R"({"fieldOverrides":[]})", "Must contain \"indexes\"");
  ExpectRejected(R"({"indexes":[{"fields":[]}]})", "indexes[0]");
  ExpectRejected(R"({"indexes":[{"collectionGroup":"a","fields":[{"fieldPath":"x","order":"ASCENDING"},
      {"fieldPath":"y","order":"UP"}]}]})",
                 "indexes[0] (collectionGroup \"a\"): fields[1]");
  ExpectRejected(R"({"indexes":[{"collectionGroup":"a","fields":[{"fieldPath":"x","order":"ASCENDING",
      "arrayConfig":"CONTAINS"},{"fieldPath":"y","order":"ASCENDING"}]}]})",
                 "exactly one of");
  ExpectRejected(R"({"indexes":[{"collectionGroup":"a","queryScope":"DATABASE","fields":[]}]})", "queryScope");
  ExpectRejected(R"({"indexes":[{"collectionGroup":"a","fields":[{"fieldPath":"x","order":"ASCENDING"}]}]})",
                 "at least 2 fields");
  ExpectRejected(R"({"indexes":[{"collectionGroup":"a","fields":[{"fieldPath":"x","arrayConfig":"CONTAINS"},
      {"fieldPath":"y","arrayConfig":"CONTAINS"}]}]})",
                 "at most one array field");
  ExpectRejected(R"({"indexes":[],"fieldOverrides":[{"collectionGroup":"a","fieldPath":"x","ttl":"yes","indexes":[]}]})",
                 "fieldOverrides[0]");
  ExpectRejected(R"({"indexes":[{"collectionGroup":"a","fields":[{"fieldPath":"x","order":"ASCENDING"},
      {"fieldPath":"y","order":"ASCENDING"}]},{"collectionGroup":"a","fields":[{"fieldPath":"x","order":"ASCENDING"},
      {"fieldPath":"y","order":"ASCENDING"}]}]})",
                 "duplicate");
}

}  // namespace
}  // namespace hearth::schema
