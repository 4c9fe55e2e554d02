// The key encoding's byte order must equal Firestore's value order, checked
// against the reference comparator on random values, in both directions.
#include "schema/key_encoding.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "schema/value_order.h"
#include "tests/schema/value_generator.h"

namespace hearth::schema {
namespace {

int Sign(int c) { return c < 0 ? -1 : (c > 0 ? 1 : 0); }
int ByteCompare(const std::string& a, const std::string& b) { return Sign(a.compare(b)); }

TEST(KeyEncoding, ByteOrderMatchesReferenceComparatorOnRandomValues) {
  testing::ValueGenerator gen(42);
  std::vector<Value> values;
  for (int i = 0; i < 600; i++) values.push_back(gen.Next());
  for (size_t i = 0; i < values.size(); i++) {
    std::string ai = EncodeValue(values[i]);
    std::string di = EncodeValue(values[i], Direction::kDescending);
    for (size_t j = 0; j < values.size(); j++) {
      int expected = Sign(CompareValues(values[i], values[j]));
      ASSERT_EQ(ByteCompare(ai, EncodeValue(values[j])), expected)
          << "ascending: " << i << " vs " << j;
      ASSERT_EQ(ByteCompare(di, EncodeValue(values[j], Direction::kDescending)), -expected)
          << "descending: " << i << " vs " << j;
    }
  }
}

TEST(KeyEncoding, NumbersInterleaveExactlyBeyondTwoToThe53) {
  constexpr int64_t k2p53 = int64_t{1} << 53;
  // 2^53 + 1 is not a double; it must still sort strictly between 2^53 and 2^53 + 2.
  auto enc = [](const Value& v) { return EncodeValue(v); };
  EXPECT_LT(enc(Value::Double(9007199254740992.0)), enc(Value::Integer(k2p53 + 1)));
  EXPECT_LT(enc(Value::Integer(k2p53 + 1)), enc(Value::Double(9007199254740994.0)));
  EXPECT_LT(enc(Value::Integer(std::numeric_limits<int64_t>::max())), enc(Value::Double(9223372036854775808.0)));
  EXPECT_GT(enc(Value::Integer(std::numeric_limits<int64_t>::min())),
            enc(Value::Double(std::nextafter(-9223372036854775808.0, -INFINITY))));
  EXPECT_EQ(enc(Value::Integer(std::numeric_limits<int64_t>::min())), enc(Value::Double(-9223372036854775808.0)));
  EXPECT_LT(enc(Value::Integer(std::numeric_limits<int64_t>::max() - 1)),
            enc(Value::Integer(std::numeric_limits<int64_t>::max())));
  EXPECT_EQ(enc(Value::Integer(1)), enc(Value::Double(1.0)));
  EXPECT_EQ(enc(Value::Double(0.0)), enc(Value::Double(-0.0)));
}

TEST(KeyEncoding, NanSortsBelowNegativeInfinityAndAboveBooleans) {
  std::string nan = EncodeValue(Value::Double(std::nan("")));
  EXPECT_LT(nan, EncodeValue(Value::Double(-INFINITY)));
  EXPECT_GT(nan, EncodeValue(Value::Boolean(true)));
  EXPECT_EQ(nan, EncodeValue(Value::Double(-std::nan(""))));
}

TEST(KeyEncoding, TypeOrderFollowsFirestore) {
  std::vector<Value> ordered = {Value::Null(),       Value::Boolean(false), Value::Boolean(true),
                                Value::Double(NAN),  Value::Integer(-5),    Value::Double(2.5),
                                Value::Time({0, 0}), Value::String(""),     Value::String("a"),
                                Value::BytesValue(""), Value::Ref("a/b"),   Value::Geo(0, 0),
                                Value::Array({}),    Value::Map({})};
  for (size_t i = 1; i < ordered.size(); i++)
    EXPECT_LT(EncodeValue(ordered[i - 1]), EncodeValue(ordered[i])) << i;
}

TEST(KeyEncoding, AValuesKeyRangeNeverCoversAnother) {
  // The prefix of "mon-1" must not contain "mon-10" (nor any other string).
  std::string p = EncodeValue(Value::String("mon-1"));
  std::string q = EncodeValue(Value::String("mon-10"));
  EXPECT_NE(q.substr(0, p.size()), p);
  std::string pd = EncodeValue(Value::String("mon-1"), Direction::kDescending);
  std::string qd = EncodeValue(Value::String("mon-10"), Direction::kDescending);
  EXPECT_NE(qd.substr(0, pd.size()), pd);
  // No encoding of a random value is a proper prefix of another's.
  testing::ValueGenerator gen(7);
  std::vector<std::string> encs;
  for (int i = 0; i < 300; i++) encs.push_back(EncodeValue(gen.Next()));
  for (const auto& a : encs)
    for (const auto& b : encs)
      if (a.size() < b.size()) {
        ASSERT_NE(b.substr(0, a.size()), a);
      }
}

TEST(KeyEncoding, DecodeRoundTripsEveryTypeInBothDirections) {
  testing::ValueGenerator gen(99);
  for (int i = 0; i < 500; i++) {
    Value v = gen.Next();
    for (Direction d : {Direction::kAscending, Direction::kDescending}) {
      std::string e = EncodeValue(v, d) + "tail";
      std::string_view in = e;
      Value out;
      ASSERT_TRUE(DecodeValue(&in, d, &out));
      EXPECT_EQ(in, "tail");
      EXPECT_EQ(CompareValues(out, v), 0);
    }
  }
}

TEST(KeyEncoding, DocumentPathsOrderSegmentBySegmentAndBeforeDescendants) {
  auto enc = [](std::vector<std::string> segs) {
    std::string k;
    AppendDocumentPath(&k, ResourcePath(std::move(segs)));
    return k;
  };
  EXPECT_LT(enc({"c", "x"}), enc({"c", "x", "c", "y"}));  // a document before its subcollections
  EXPECT_LT(enc({"c", "x", "c", "y"}), enc({"c", "z"}));  // segment order first
  EXPECT_LT(enc({"a", "b"}), enc({"ab", "a"}));
  EXPECT_LT(enc({"c", "a"}), enc({"c", std::string("a\0", 2)}));
  std::string k = enc({"monitors", "m/1"});
  std::string_view in = k;
  ResourcePath p;
  ASSERT_TRUE(DecodeDocumentPath(&in, Direction::kAscending, &p));
  EXPECT_EQ(p.segments(), (std::vector<std::string>{"monitors", "m/1"}));
}

// 0x00 becomes 00 FF and 0xFF becomes FF 00, wherever they fall in a string
// (its start, its end, in a row); the string ends 00 and the terminator.
TEST(KeyEncoding, EscapingDoublesEveryZeroAndFfByte) {
  using namespace std::string_literals;
  const std::pair<std::string, std::string> cases[] = {
      {"", "\0\x07"s},
      {"plain", "plain\0\x07"s},
      {"\0"s, "\0\xff\0\x07"s},
      {"\xff", "\xff\0\0\x07"s},
      {"a\0b\xff"s "c", "a\0\xff" "b\xff\0" "c\0\x07"s},
      {"\0\0\xff\xff"s, "\0\xff\0\xff\xff\0\xff\0\0\x07"s},
  };
  for (const auto& [in, want] : cases) {
    std::string out = "k";
    AppendEscaped(&out, in, 7);
    EXPECT_EQ(out, "k" + want) << in.size();
  }
}

TEST(KeyEncoding, SkipEscapedStopsExactlyWhereTheDecoderDoes) {
  // Segments holding the escaped bytes (00, FF) in every position, each
  // skipped in turn up to the same place DecodeSegment reaches.
  const std::vector<std::string> segs = {"c", std::string("\0", 1), "\xff", std::string("a\0\xff\0b", 5),
                                         std::string("\xff\0", 2), "last"};
  std::string k;
  AppendDocumentPath(&k, ResourcePath(segs));
  std::string_view skip = k, decode = k;
  for (size_t i = 0; i < segs.size(); i++) {
    std::string seg;
    bool last = false;
    ASSERT_TRUE(DecodeSegment(&decode, Direction::kAscending, &seg, &last));
    EXPECT_EQ(SkipEscaped(&skip), last ? 1 : 2) << i;
    EXPECT_EQ(skip.size(), decode.size()) << i;
  }
  EXPECT_TRUE(skip.empty());
  // A string value's run includes its label.
  std::string v = EncodeValue(Value::String(std::string("x\0", 2))) + "rest";
  std::string_view in = v;
  EXPECT_EQ(SkipEscaped(&in), 1);
  EXPECT_EQ(in, "rest");
  // Unterminated, cut inside an escape, or a byte no escape allows: none.
  for (std::string bad : {std::string("abc"), std::string("ab\0", 3), std::string("a\0\x07\0\x01", 5),
                          std::string("a\xff\x01\0\x01", 5), std::string()}) {
    std::string_view b = bad;
    EXPECT_EQ(SkipEscaped(&b), 0) << bad.size();
  }
}

TEST(KeyEncoding, PrefixSuccessorBoundsThePrefixRange) {
  EXPECT_EQ(PrefixSuccessor("ab"), "ac");
  EXPECT_EQ(PrefixSuccessor(std::string("a\xff", 2)), "b");
  EXPECT_EQ(PrefixSuccessor(std::string("\xff\xff", 2)), "");
}

}  // namespace
}  // namespace hearth::schema
