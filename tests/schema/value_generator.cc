#include "tests/schema/value_generator.h"

#include <cmath>
#include <limits>

namespace hearth::testing {

std::string ValueGenerator::String() {
  static const std::string kPieces[] = {"", "a", "b", "mon-1", "mon-10", "mon-", std::string(1, '\0'), "\xc3\xbf",
                                        "\xc3\xa9", "z", std::string("a\0b", 3), "\x01", "\xf0\x9f\x94\xa5"};
  std::string s;
  size_t n = Below(4);
  for (size_t i = 0; i < n; i++) s += kPieces[Below(std::size(kPieces))];
  return s;
}

std::string ValueGenerator::Bytes() {
  static const std::string kPieces[] = {"", "a", std::string(1, '\0'), "\xff", "\xfe", std::string("\xff\0", 2),
                                        "\x01", "zz"};
  std::string s;
  size_t n = Below(4);
  for (size_t i = 0; i < n; i++) s += kPieces[Below(std::size(kPieces))];
  return s;
}

Value ValueGenerator::Number() {
  constexpr int64_t k2p53 = int64_t{1} << 53;
  static const int64_t kInts[] = {0, 1, -1, 2, k2p53 - 1, k2p53, k2p53 + 1, k2p53 + 2, -k2p53 - 1,
                                  std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::max() - 1,
                                  std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::min() + 1,
                                  1000, -1000, int64_t{1} << 62};
  static const double kDoubles[] = {0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1.5, 9007199254740992.0, 9007199254740994.0,
                                    9223372036854775808.0, -9223372036854775808.0, 1e300, -1e300,
                                    std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
                                    std::nan(""), std::numeric_limits<double>::denorm_min(), 1000.0001, 2.0};
  switch (Below(4)) {
    case 0: return Value::Integer(kInts[Below(std::size(kInts))]);
    case 1: return Value::Double(kDoubles[Below(std::size(kDoubles))]);
    case 2: return Value::Integer(static_cast<int64_t>(rng_()) >> Below(64));
    default: {
      double d = std::ldexp(static_cast<double>(static_cast<int64_t>(rng_() >> 11)) / 9007199254740992.0,
                            static_cast<int>(Below(130)) - 65);
      return Value::Double(Below(2) ? d : -d);
    }
  }
}

Value ValueGenerator::Next(int depth) {
  switch (Below(depth > 2 ? 9 : 11)) {
    case 0: return Value::Null();
    case 1: return Value::Boolean(Below(2));
    case 2:
    case 3: return Number();
    case 4: return Value::Time(Timestamp{static_cast<int64_t>(Below(5)) - 2 + (Below(2) ? 1767225600 : 0),
                                         static_cast<int32_t>(Below(3) * 499999999)});
    case 5: return Value::String(String());
    case 6: return Value::BytesValue(Bytes());
    case 7: {
      std::string p = Below(2) ? "a/b" : "a/b/c/d";
      if (Below(2)) p = String().empty() ? "x/y" : "m/" + std::to_string(Below(3));
      return Value::Ref(p);
    }
    case 8: return Value::Geo(static_cast<double>(Below(5)) - 2, static_cast<double>(Below(5)) - 2);
    case 9: {
      ArrayValue a;
      size_t n = Below(4);
      for (size_t i = 0; i < n; i++) {
        Value e = Next(depth + 1);
        if (e.type() == Value::Type::kArray) e = Value::Null();
        a.push_back(std::move(e));
      }
      return Value::Array(std::move(a));
    }
    default: {
      MapValue m;
      size_t n = Below(4);
      for (size_t i = 0; i < n; i++) m[Below(2) ? "k" + std::to_string(Below(3)) : String()] = Next(depth + 1);
      return Value::Map(std::move(m));
    }
  }
}

}  // namespace hearth::testing
