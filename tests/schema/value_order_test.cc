#include "schema/value_order.h"

#include <gtest/gtest.h>

#include "tests/printers.h"

#include <cmath>
#include <limits>

namespace hearth::schema {
namespace {

TEST(ValueOrder, IntegersAndDoublesCompareNumerically) {
  EXPECT_EQ(CompareValues(Value::Integer(1), Value::Double(1.0)), 0);
  EXPECT_LT(CompareValues(Value::Integer(1), Value::Double(1.5)), 0);
  EXPECT_GT(CompareValues(Value::Integer(2), Value::Double(1.5)), 0);
  EXPECT_LT(CompareValues(Value::Double(-1.5), Value::Integer(-1)), 0);
  EXPECT_GT(CompareValues(Value::Integer((int64_t{1} << 53) + 1), Value::Double(9007199254740992.0)), 0);
  EXPECT_LT(CompareValues(Value::Integer(std::numeric_limits<int64_t>::max()), Value::Double(9223372036854775808.0)), 0);
}

TEST(ValueOrder, NanIsTheSmallestNumberAndEqualsItself) {
  EXPECT_LT(CompareValues(Value::Double(NAN), Value::Double(-INFINITY)), 0);
  EXPECT_LT(CompareValues(Value::Double(NAN), Value::Integer(std::numeric_limits<int64_t>::min())), 0);
  EXPECT_EQ(CompareValues(Value::Double(NAN), Value::Double(NAN)), 0);
  EXPECT_GT(CompareValues(Value::Double(NAN), Value::Boolean(true)), 0);
}

TEST(ValueOrder, StringsCompareByUtf8Bytes) {
  EXPECT_LT(CompareValues(Value::String("Z"), Value::String("a")), 0);
  EXPECT_LT(CompareValues(Value::String("a"), Value::String("\xc3\xa9")), 0);  // U+00E9 after ASCII
  EXPECT_LT(CompareValues(Value::String("a"), Value::String("ab")), 0);
}

TEST(ValueOrder, ArraysCompareElementWiseShorterFirst) {
  auto arr = [](std::initializer_list<int64_t> xs) {
    ArrayValue a;
    for (auto x : xs) a.push_back(Value::Integer(x));
    return Value::Array(a);
  };
  EXPECT_LT(CompareValues(arr({1, 2, 3}), arr({1, 2, 3, 1})), 0);
  EXPECT_LT(CompareValues(arr({1, 2, 3, 1}), arr({2})), 0);
}

TEST(ValueOrder, MapsCompareKeyThenValueThenSize) {
  MapValue a{{"a", Value::Integer(1)}}, b{{"a", Value::Integer(2)}}, c{{"b", Value::Integer(0)}},
      d{{"a", Value::Integer(1)}, {"b", Value::Integer(0)}};
  EXPECT_LT(CompareValues(Value::Map(a), Value::Map(b)), 0);
  EXPECT_LT(CompareValues(Value::Map(b), Value::Map(c)), 0);
  EXPECT_LT(CompareValues(Value::Map(a), Value::Map(d)), 0);
}

TEST(ValueOrder, ReferencesCompareSegmentBySegment) {
  EXPECT_LT(CompareValues(Value::Ref("a/b"), Value::Ref("a/b/c/d")), 0);
  EXPECT_LT(CompareValues(Value::Ref("a/b/c/d"), Value::Ref("a/bb")), 0);
  EXPECT_LT(CompareValues(Value::Ref("a/b"), Value::Ref("a-b/c")), 0);
}

TEST(ValueOrder, GeoPointsCompareLatitudeThenLongitude) {
  EXPECT_LT(CompareValues(Value::Geo(1, 5), Value::Geo(2, 0)), 0);
  EXPECT_LT(CompareValues(Value::Geo(1, 0), Value::Geo(1, 5)), 0);
}

}  // namespace
}  // namespace hearth::schema
