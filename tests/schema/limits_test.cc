#include "schema/limits.h"

#include <gtest/gtest.h>

#include "schema/json.h"
#include "tests/printers.h"
#include "tests/schema/value_generator.h"

namespace hearth::schema {
namespace {

DocumentPath Doc(const char* p) { return *ParseDocumentPath(p); }

TEST(Limits, StorageSizeFollowsFirestoresRules) {
  // Firestore's documented example: users/jeff/tasks/my_task_id with
  // {type: "Personal", done: false, priority: 1, description: "Learn Cloud Firestore"} is 147 bytes.
  MapValue fields{{"type", Value::String("Personal")},
                  {"done", Value::Boolean(false)},
                  {"priority", Value::Integer(1)},
                  {"description", Value::String("Learn Cloud Firestore")}};
  EXPECT_EQ(DocumentStorageSize(Doc("users/jeff/tasks/my_task_id"), fields), 147u);
}

// The write path takes both sizes from validation's one walk: they must be
// what the separate measures give, for every kind of value.
TEST(Limits, ValidationMeasuresTheStorageAndPlainJsonSizes) {
  hearth::testing::ValueGenerator gen(11);
  int valid = 0;
  for (int i = 0; i < 3000; i++) {
    MapValue m;
    for (int f = 0; f < i % 7; f++) m.insert_or_assign(gen.String(), gen.Next());
    if (i % 5 == 0) m.insert_or_assign("quote\"back\\slash\n", Value::String("tab\t\x1f/\"\\"));
    DocumentSizes sizes{1, 1};
    const DocumentPath path = Doc(i % 2 ? "c/d" : "users/u1/snapshots/s-1");
    if (!ValidateDocument(path, m, &sizes).ok()) {
      EXPECT_EQ(sizes.storage, 1u);  // untouched when invalid
      continue;
    }
    valid++;
    ASSERT_EQ(sizes.storage, DocumentStorageSize(path, m)) << PlainDocumentJson(m);
    ASSERT_EQ(sizes.plain_json, PlainDocumentJson(m).size()) << PlainDocumentJson(m);
  }
  EXPECT_GT(valid, 1000);  // the generator also makes invalid ones (reserved names, arrays in arrays)
}

TEST(Limits, RejectsDocumentsOverOneMebibyte) {
  MapValue fields{{"blob", Value::String(std::string(1048576 - 20, 'x'))}};
  Status s = ValidateDocument(Doc("c/d"), fields);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("1 MiB"), std::string::npos);
  EXPECT_NE(s.message().find("c/d"), std::string::npos);
  MapValue ok{{"blob", Value::String(std::string(1048000, 'x'))}};
  EXPECT_TRUE(ValidateDocument(Doc("c/d"), ok).ok());
}

TEST(Limits, NestingDepthIsAtMostTwenty) {
  auto nested = [](int depth) {
    Value v = Value::Integer(1);
    for (int i = 0; i < depth; i++) v = Value::Map({{"m", v}});
    return MapValue{{"f", v}};
  };
  EXPECT_TRUE(ValidateDocument(Doc("c/d"), nested(20)).ok());
  Status s = ValidateDocument(Doc("c/d"), nested(21));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("20"), std::string::npos);
}

TEST(Limits, RejectsReservedNamesArraysInArraysAndBadStrings) {
  EXPECT_FALSE(ValidateDocument(Doc("c/d"), {{"__x__", Value::Null()}}).ok());
  EXPECT_FALSE(ValidateDocument(Doc("c/d"), {{"m", Value::Map({{"", Value::Null()}})}}).ok());
  EXPECT_FALSE(ValidateDocument(Doc("c/d"), {{"a", Value::Array({Value::Array({})})}}).ok());
  EXPECT_FALSE(ValidateDocument(Doc("c/d"), {{"s", Value::String("\xff")}}).ok());
  EXPECT_FALSE(ValidateDocument(Doc("c/d"), {{"t", Value::Time({Timestamp::kMaxSeconds + 1, 0})}}).ok());
  EXPECT_FALSE(ValidateDocument(Doc("c/d"), {{"g", Value::Geo(91, 0)}}).ok());
  EXPECT_FALSE(ValidateDocument(Doc("c/d"), {{"r", Value::Ref("only-a-collection")}}).ok());
  Status s = ValidateDocument(Doc("c/d"), {{"m", Value::Map({{"x", Value::Array({Value::Array({})})}})}});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("m.x[0]"), std::string::npos);
}

// Field names are checked in the scan that measures them: each rule still
// refuses its names, top-level or nested, with ValidateFieldName's words,
// and the names next to the rules' edges pass.
TEST(Limits, EveryFieldNameRuleHoldsAtEveryDepth) {
  const std::pair<std::string, std::string> bad[] = {
      {"", "empty"},
      {std::string(kMaxFieldNameBytes + 1, 'n'), "1,500"},
      {"bad\xc3", "UTF-8"},
      {"ok-then-\xff-bad-past-a-block", "UTF-8"},
      {"__reserved__", "reserved"},
      {"____", "reserved"}};
  for (const auto& [name, why] : bad) {
    for (bool nested : {false, true}) {
      MapValue doc{{name, Value::Null()}};
      if (nested) doc = MapValue{{"m", Value::Map(doc)}};
      Status s = ValidateDocument(Doc("c/d"), doc);
      ASSERT_FALSE(s.ok()) << name.substr(0, 40) << (nested ? " nested" : "");
      EXPECT_NE(s.message().find(why), std::string::npos) << s.message().substr(0, 200);
      if (nested) {
        EXPECT_NE(s.message().find("field m"), std::string::npos) << s.message().substr(0, 200);
      }
    }
  }
  for (const std::string& name : {std::string(kMaxFieldNameBytes, 'n'), std::string("__x"), std::string("x__"),
                                   std::string("___"), std::string("h\xc3\xa9"), std::string("\"\\\n")}) {
    DocumentSizes sizes;
    ASSERT_TRUE(ValidateDocument(Doc("c/d"), {{"m", Value::Map({{name, Value::Null()}})}}, &sizes).ok())
        << name.substr(0, 40);
    EXPECT_EQ(sizes.plain_json, PlainDocumentJsonSize({{"m", Value::Map({{name, Value::Null()}})}})) << name;
  }
}

}  // namespace
}  // namespace hearth::schema
