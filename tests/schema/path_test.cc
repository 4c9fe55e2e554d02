#include "schema/path.h"

#include <gtest/gtest.h>

namespace hearth::schema {
namespace {

TEST(Path, ParsesDocumentAndCollectionPaths) {
  auto d = ParseDocumentPath("monitors/m1/snapshots/s1");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->collection_id(), "snapshots");
  EXPECT_EQ(d->id(), "s1");
  EXPECT_EQ(d->ToString(), "monitors/m1/snapshots/s1");
  auto c = ParseCollectionPath("monitors/m1/snapshots");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->collection_id(), "snapshots");
  EXPECT_EQ(c->Child("x").ToString(), "monitors/m1/snapshots/x");
}

TEST(Path, RejectsWrongParity) {
  auto d = ParseDocumentPath("monitors");
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find("even number"), std::string::npos);
  EXPECT_FALSE(ParseCollectionPath("monitors/m1").ok());
}

TEST(Path, EnforcesFirestoreIdRules) {
  EXPECT_TRUE(ValidateId(std::string(1500, 'a'), "document id").ok());
  auto too_long = ValidateId(std::string(1501, 'a'), "document id");
  ASSERT_FALSE(too_long.ok());
  EXPECT_NE(too_long.message().find("1,500 bytes"), std::string::npos);
  EXPECT_FALSE(ValidateId(".", "id").ok());
  EXPECT_FALSE(ValidateId("..", "id").ok());
  EXPECT_FALSE(ValidateId("__id7__", "id").ok());
  EXPECT_TRUE(ValidateId("__id7_", "id").ok());
  EXPECT_FALSE(ValidateId("\xff\xfe", "id").ok());
  EXPECT_FALSE(ValidateId("", "id").ok());
  EXPECT_FALSE(ParseDocumentPath("monitors//m1").ok());
  EXPECT_FALSE(ParseDocumentPath("monitors/__x__").ok());
}

TEST(Path, NestsAtMostOneHundredCollections) {
  std::string p;
  for (int i = 0; i < 100; i++) p += (i ? "/" : "") + std::string("c/d");
  EXPECT_TRUE(ParseDocumentPath(p).ok());
  EXPECT_FALSE(ParseDocumentPath(p + "/c/d").ok());
}

TEST(Path, Utf8Validation) {
  EXPECT_TRUE(IsValidUtf8("h\xc3\xa9llo \xf0\x9f\x94\xa5"));
  EXPECT_FALSE(IsValidUtf8("\xc0\x80"));      // overlong
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));  // surrogate
  // ASCII is skipped a 16-byte block, then a word, at a time: a bad or
  // multibyte sequence at any offset, and one cut by the end of a block or a
  // word, are still judged.
  for (size_t len = 0; len < 50; len++) {
    for (size_t at = 0; at <= len; at++) {
      std::string text(len, 'a');
      EXPECT_TRUE(IsValidUtf8(std::string(text).insert(at, "\xc3\xa9"))) << len << " " << at;
      EXPECT_TRUE(IsValidUtf8(std::string(text).insert(at, "\xf0\x9f\x94\xa5"))) << len << " " << at;
      EXPECT_FALSE(IsValidUtf8(std::string(text).insert(at, "\xc0\x80"))) << len << " " << at;
      EXPECT_FALSE(IsValidUtf8(std::string(text).insert(at, "\xe2\x82"))) << len << " " << at;  // truncated
      EXPECT_FALSE(IsValidUtf8(std::string(text).insert(at, "\x80"))) << len << " " << at;
    }
  }
  EXPECT_FALSE(IsValidUtf8("\xe2\x82"));      // truncated
}

TEST(FieldPathTest, ParsesQuotedSegments) {
  auto p = ParseFieldPath("a.`x.y`.b");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->segments(), (std::vector<std::string>{"a", "x.y", "b"}));
  EXPECT_EQ(p->ToString(), "a.`x.y`.b");
  auto q = ParseFieldPath("`back\\`tick`");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->segments(), (std::vector<std::string>{"back`tick"}));
  EXPECT_TRUE(ParseFieldPath("__name__")->IsName());
  for (const char* bad : {"", "a..b", "a.", ".a", "`a", "__x__", "a.__y__"}) EXPECT_FALSE(ParseFieldPath(bad).ok()) << bad;
}

}  // namespace
}  // namespace hearth::schema
