#include "schema/json.h"

#include <gtest/gtest.h>

#include <cmath>

#include "schema/path.h"
#include "schema/value_order.h"
#include "tests/schema/value_generator.h"

namespace hearth::schema {
namespace {

const CollectionDef* Snapshots() {
  for (const auto& d : MonitoringDomainCollections())
    if (d.id == "snapshots") return &d;
  return nullptr;
}

TEST(PlainJson, IntegersStayIntegersAndDoublesStayDoubles) {
  auto d = ParsePlainDocument(R"({"i":5,"d":5.0,"e":1e3,"big":9223372036854775807,"neg":-3,"f":0.1})", nullptr);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->fields.at("i"), Value::Integer(5));
  EXPECT_EQ(d->fields.at("d"), Value::Double(5.0));
  EXPECT_EQ(d->fields.at("e"), Value::Double(1000.0));
  EXPECT_EQ(d->fields.at("big"), Value::Integer(9223372036854775807));
  EXPECT_EQ(PlainDocumentJson(d->fields), R"({"big":9223372036854775807,"d":5.0,"e":1000.0,"f":0.1,"i":5,"neg":-3})");
}

TEST(PlainJson, DoublesRoundTripExactly) {
  testing::ValueGenerator gen(3);
  for (int i = 0; i < 2000; i++) {
    Value v = gen.Number();
    if (v.type() != Value::Type::kDouble) continue;
    MapValue m{{"x", v}};
    auto back = ParsePlainDocument(PlainDocumentJson(m), nullptr);
    ASSERT_TRUE(back.ok()) << PlainDocumentJson(m);
    EXPECT_EQ(back->fields.at("x"), v) << PlainDocumentJson(m);
  }
}

TEST(PlainJson, DeclaredTimestampFieldsAcceptRfc3339AndEpochSeconds) {
  for (const char* json : {R"({"timestamp":"2026-01-01T00:00:00Z"})", R"({"timestamp":"2026-01-01T00:00:00"})",
                           R"({"timestamp":"2026-01-01T01:00:00+01:00"})", R"({"timestamp":1767225600})",
                           R"({"timestamp":1767225600.0})"}) {
    auto d = ParsePlainDocument(json, Snapshots());
    ASSERT_TRUE(d.ok()) << json << " " << d.status().ToString();
    EXPECT_EQ(d->fields.at("timestamp"), Value::Time({1767225600, 0})) << json;
    EXPECT_EQ(PlainDocumentJson(d->fields), R"({"timestamp":"2026-01-01T00:00:00Z"})");
  }
  // Undeclared fields keep their JSON type.
  auto d = ParsePlainDocument(R"({"other":"2026-01-01T00:00:00Z"})", Snapshots());
  EXPECT_EQ(d->fields.at("other").type(), Value::Type::kString);
}

TEST(PlainJson, NonTimestampInADeclaredFieldNamesTheField) {
  for (const char* json : {R"({"timestamp":true})", R"({"timestamp":"soon"})", R"({"timestamp":[1]})"}) {
    auto d = ParsePlainDocument(json, Snapshots());
    ASSERT_FALSE(d.ok()) << json;
    EXPECT_NE(d.status().message().find("\"timestamp\" is declared a timestamp"), std::string::npos)
        << d.status().message();
  }
}

TEST(PlainJson, MalformedInputIsAnInvalidArgumentWithTheOffset) {
  auto d = ParsePlainDocument(R"({"a":1,})", nullptr);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(d.status().message().find("malformed JSON at offset"), std::string::npos);
  EXPECT_FALSE(ParsePlainDocument("[1,2]", nullptr).ok());
  EXPECT_FALSE(ParsePlainDocument(R"({"a":18446744073709551615})", nullptr).ok());
  EXPECT_FALSE(ParsePlainDocument("{\"a\":\"\xff\"}", nullptr).ok());
}

// All-ASCII input takes a faster path through the parser (no byte-by-byte
// UTF-8 check, from a NUL-terminated copy); the answers and errors are those
// of the checking path, and only the bytes in view are read.
TEST(PlainJson, AsciiAndNonAsciiInputParseAlike) {
  for (const std::string& key : {std::string("k"), std::string("\xc3\xa9")}) {
    SCOPED_TRACE(key);
    auto d = ParsePlainDocument("{\"" + key + "\": [1, 2.5, \"x\\ty\\u00e9\"], \"m\": {\"n\": null}}", nullptr);
    ASSERT_TRUE(d.ok()) << d.status().ToString();
    ASSERT_TRUE(d->fields.count(key));
    const ArrayValue& a = d->fields.at(key).array();
    ASSERT_EQ(a.size(), 3u);
    EXPECT_EQ(a[2].string(), "x\ty\xc3\xa9");
    // The same malformed input fails at the same place on either path.
    const std::string bad = "{\"" + key + "\":1,}";
    auto e = ParsePlainDocument(bad, nullptr);
    ASSERT_FALSE(e.ok());
    EXPECT_NE(e.status().message().find("offset " + std::to_string(bad.size() - 1)), std::string::npos)
        << e.status().message();
    // A raw control character inside a string is refused on both.
    EXPECT_FALSE(ParsePlainDocument("{\"" + key + "\":\"a\nb\"}", nullptr).ok());
  }
  // Only the bytes in view: what follows them is not part of the document.
  const std::string two = R"({"a":1}{"b":2})";
  auto first = ParsePlainDocument(std::string_view(two).substr(0, 7), nullptr);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->fields.size(), 1u);
  EXPECT_FALSE(ParsePlainDocument(std::string_view(two).substr(0, 9), nullptr).ok());
  EXPECT_FALSE(ParsePlainDocument(std::string_view(two).substr(0, 6), nullptr).ok());
  // Invalid UTF-8 is still refused, wherever it is.
  EXPECT_FALSE(ParsePlainDocument("{\"a\":\"ok\", \"b\":\"\xc3\"}", nullptr).ok());
  EXPECT_FALSE(ParsePlainDocument("{\"\xff\":1}", nullptr).ok());
  // A document past the reused buffer's 1 MiB is parsed from a copy of its own.
  const std::string big = R"({"a":")" + std::string(size_t{1} << 20, 'x') + R"("})";
  auto parsed_big = ParsePlainDocument(big, nullptr);
  ASSERT_TRUE(parsed_big.ok()) << parsed_big.status().ToString();
  EXPECT_EQ(parsed_big->fields.at("a").string().size(), size_t{1} << 20);
  // The REST parser shares the path.
  EXPECT_TRUE(ParseRestValue(R"({"stringValue":"plain"})").ok());
  EXPECT_FALSE(ParseRestValue("{\"stringValue\":\"\xe2\x82\"}").ok());
}

TEST(PlainJson, NameIsReadAndWrittenAsDunderName) {
  auto d = ParsePlainDocument(R"({"__name__":"monitors/m1","x":1})", nullptr);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d->name, "monitors/m1");
  EXPECT_EQ(d->fields.size(), 1u);
  EXPECT_EQ(PlainDocumentJson(d->fields, "monitors/m1"), R"({"__name__":"monitors/m1","x":1})");
}

TEST(RestJson, EveryTypeRoundTripsExactly) {
  testing::ValueGenerator gen(11);
  for (int i = 0; i < 1000; i++) {
    Value v = gen.Next();
    std::string json = RestValueJson(v, "p");
    auto back = ParseRestValue(json);
    ASSERT_TRUE(back.ok()) << json << " " << back.status().ToString();
    EXPECT_EQ(*back, v) << json;
  }
}

TEST(RestJson, ParsesTheOfficialClientsWireFormat) {
  // As captured from @google-cloud/firestore with preferRest (reference/firestore.md §8.3).
  auto d = ParseRestDocument(
      R"({"fields":{"monitor_id":{"stringValue":"m1"},"timestamp":{"timestampValue":"2023-11-14T22:13:20.123Z"},
 "n":{"integerValue":"1"},"d":{"doubleValue":1.5},"ok":{"booleanValue":true},"nul":{"nullValue":null},
 "arr":{"arrayValue":{"values":[{"integerValue":"1"},{"stringValue":"a"}]}},"map":{"mapValue":{"fields":{"x":{"integerValue":"1"}}}},
 "bytes":{"bytesValue":"aGk="},"ref":{"referenceValue":"projects/demo-test/databases/(default)/documents/monitors/m1"}},
 "name":"projects/demo-test/databases/(default)/documents/events/e1"})");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(*d->name, "events/e1");
  EXPECT_EQ(d->fields.at("n"), Value::Integer(1));
  EXPECT_EQ(d->fields.at("timestamp"), Value::Time({1700000000, 123000000}));
  EXPECT_EQ(d->fields.at("bytes"), Value::BytesValue("hi"));
  EXPECT_EQ(d->fields.at("ref"), Value::Ref("monitors/m1"));
  EXPECT_EQ(d->fields.at("arr").array().size(), 2u);
  EXPECT_EQ(d->fields.at("map").map().at("x"), Value::Integer(1));
  EXPECT_TRUE(d->fields.at("nul").is_null());
  Document doc{"events/e1", d->fields, {1, 0}, {2, 0}};
  std::string out = RestDocumentJson(doc, "demo-test");
  EXPECT_NE(out.find(R"("name":"projects/demo-test/databases/(default)/documents/events/e1")"), std::string::npos);
  EXPECT_NE(out.find(R"("n":{"integerValue":"1"})"), std::string::npos);
  EXPECT_NE(out.find(R"("referenceValue":"projects/demo-test/databases/(default)/documents/monitors/m1")"),
            std::string::npos);
}

TEST(RestJson, RunQueryResponsesGiveTheirDocumentsInOrder) {
  // As the emulator answers: one item per document, and an item with only a
  // readTime when nothing matched or the stream ends.
  auto docs = ParseRunQueryResponse(R"([
    {"document":{"name":"projects/p/databases/(default)/documents/s/b","fields":{"n":{"integerValue":"2"}},
                 "createTime":"2026-12-02T00:35:53.180878Z","updateTime":"2026-12-02T00:35:53.180878Z"},
     "readTime":"2026-12-02T00:35:53.321570Z"},
    {"document":{"name":"projects/p/databases/(default)/documents/s/a"},"readTime":"2026-12-02T00:35:53Z","done":true}
  ])");
  ASSERT_TRUE(docs.ok()) << docs.status().ToString();
  ASSERT_EQ(docs->size(), 2u);
  EXPECT_EQ(*(*docs)[0].name, "s/b");
  EXPECT_EQ((*docs)[0].fields.at("n"), Value::Integer(2));
  EXPECT_EQ(*(*docs)[1].name, "s/a");
  EXPECT_TRUE((*docs)[1].fields.empty());

  auto none = ParseRunQueryResponse(R"([{"readTime":"2026-12-02T00:35:53Z"}])");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());

  auto bad = ParseRunQueryResponse(R"([{"document":{"fields":{"a":{"integerValue":"x"}}}}])");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("item 0"), std::string::npos) << bad.status().message();
  EXPECT_FALSE(ParseRunQueryResponse(R"({"document":{}})").ok());
}

TEST(RestJson, FieldsJsonIsTheFieldsObjectOfADocument) {
  testing::ValueGenerator gen(11);
  for (int i = 0; i < 200; i++) {
    MapValue fields{{"v", gen.Next()}, {"with \"quote\"", Value::Integer(i)}};
    auto back = ParseRestDocument("{\"fields\":" + RestFieldsJson(fields, "p") + "}");
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(back->fields, fields);
  }
  EXPECT_EQ(RestFieldsJson({}, "p"), "{}");
}

TEST(RestJson, RejectsMalformedValuesNamingTheField) {
  for (const char* json : {R"({"fields":{"a":{"integerValue":"x"}}})", R"({"fields":{"a":{"bogusValue":1}}})",
                           R"({"fields":{"a":{"integerValue":"1","stringValue":"b"}}})",
                           R"({"fields":{"m":{"mapValue":{"fields":{"b":{"doubleValue":"fast"}}}}}})"}) {
    auto d = ParseRestDocument(json);
    ASSERT_FALSE(d.ok()) << json;
    EXPECT_NE(d.status().message().find("field "), std::string::npos) << d.status().message();
  }
  auto nan = ParseRestValue(R"({"doubleValue":"NaN"})");
  ASSERT_TRUE(nan.ok());
  EXPECT_TRUE(std::isnan(nan->dbl()));
}

}  // namespace
}  // namespace hearth::schema

namespace hearth::schema {
namespace {

// The size `hearth stats` counts is computed without writing the JSON; it
// must be exactly the length of what export writes, for every kind of value:
// escapes, control characters, NaN and infinities, signed zeros, bytes,
// geo points, nesting.
TEST(PlainJson, DocumentSizeIsTheLengthOfTheWrittenJson) {
  hearth::testing::ValueGenerator gen(7);
  for (int i = 0; i < 3000; i++) {
    MapValue m;
    const int fields = i % 7;
    for (int f = 0; f < fields; f++) m.insert_or_assign(gen.String(), gen.Next());
    if (i % 5 == 0) m.insert_or_assign("quote\"back\\slash\n\x01", Value::String("tab\t\x1f/\"\\"));
    ASSERT_EQ(PlainDocumentJsonSize(m), PlainDocumentJson(m).size()) << PlainDocumentJson(m);
  }
  EXPECT_EQ(PlainDocumentJsonSize({}), 2u);
}

// Strings are counted a 16-byte block, then a word, at a time: an escape at
// any offset of a block or a word, in the tail, or none at all must count the
// same as the written JSON (lengths past three blocks).
TEST(PlainJson, SizeCountsAnEscapeAtEveryOffset) {
  for (const char* special : {"\"", "\\", "\n", "\x01", "\x1f", " ", "\x7f", "\xc3\xa9"}) {
    for (size_t len = 0; len < 50; len++) {
      for (size_t at = 0; at <= len; at++) {
        std::string text(len, 'a');
        text.insert(at, special);
        MapValue m{{"k", Value::String(text)}};
        ASSERT_EQ(PlainDocumentJsonSize(m), PlainDocumentJson(m).size()) << PlainDocumentJson(m);
      }
    }
  }
}

// Validation checks a string's UTF-8 and counts its escapes in one pass:
// the same answers as the two separate functions, at every offset.
TEST(PlainJson, OnePassUtf8AndEscapeCountAgreeWithTheSeparateChecks) {
  for (const char* special : {"\"", "\n", "\x01", " ", "\xc3\xa9", "\xf0\x9f\x94\xa5", "\xc0\x80", "\xe2\x82",
                              "\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80"}) {
    for (size_t len = 0; len < 50; len++) {
      for (size_t at = 0; at <= len; at++) {
        std::string text(len, 'a');
        text.insert(at, special);
        const size_t expected = IsValidUtf8(text) ? QuotedJsonSize(text) : 0;
        ASSERT_EQ(QuotedJsonSizeIfUtf8(text), expected) << len << " " << at << " " << special;
      }
    }
  }
  EXPECT_EQ(QuotedJsonSizeIfUtf8(""), 2u);
}

}  // namespace
}  // namespace hearth::schema
