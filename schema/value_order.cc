#include "schema/value_order.h"

#include <cmath>
#include <string_view>

namespace hearth::schema {

int TypeRank(const Value& v) {
  switch (v.type()) {
    case Value::Type::kNull: return 0;
    case Value::Type::kBoolean: return 1;
    case Value::Type::kInteger:
    case Value::Type::kDouble: return 2;
    case Value::Type::kTimestamp: return 3;
    case Value::Type::kString: return 4;
    case Value::Type::kBytes: return 5;
    case Value::Type::kReference: return 6;
    case Value::Type::kGeoPoint: return 7;
    case Value::Type::kArray: return 8;
    case Value::Type::kMap: return 9;
  }
  return 0;
}

namespace {

template <typename T>
int Cmp(const T& a, const T& b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

int CompareDoubles(double a, double b) {
  bool na = std::isnan(a), nb = std::isnan(b);
  if (na || nb) return na && nb ? 0 : (na ? -1 : 1);
  return Cmp(a, b);  // -0.0 == 0.0
}

int CompareBytes(std::string_view a, std::string_view b) {
  int c = a.compare(b);  // char_traits<char> compares as unsigned char
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

int CompareReferences(std::string_view a, std::string_view b) {
  // Segment by segment; a path that is a prefix of the other sorts first.
  size_t ia = 0, ib = 0;
  while (true) {
    bool ea = ia > a.size(), eb = ib > b.size();
    if (ea || eb) return ea && eb ? 0 : (ea ? -1 : 1);
    size_t ja = a.find('/', ia), jb = b.find('/', ib);
    if (ja == std::string_view::npos) ja = a.size();
    if (jb == std::string_view::npos) jb = b.size();
    int c = CompareBytes(a.substr(ia, ja - ia), b.substr(ib, jb - ib));
    if (c) return c;
    ia = ja + 1;
    ib = jb + 1;
  }
}

}  // namespace

int CompareIntDouble(int64_t i, double d) {
  if (std::isnan(d)) return 1;
  // 2^63 is exactly representable; anything >= it exceeds every int64.
  if (d >= 9223372036854775808.0) return -1;
  if (d < -9223372036854775808.0) return 1;
  double t = std::trunc(d);
  int64_t di = static_cast<int64_t>(t);  // exact: |t| < 2^63
  if (i != di) return i < di ? -1 : 1;
  double frac = d - t;
  return frac > 0 ? -1 : (frac < 0 ? 1 : 0);
}

int CompareValues(const Value& a, const Value& b) {
  int ra = TypeRank(a), rb = TypeRank(b);
  if (ra != rb) return Cmp(ra, rb);
  switch (a.type()) {
    case Value::Type::kNull: return 0;
    case Value::Type::kBoolean: return Cmp(a.boolean(), b.boolean());
    case Value::Type::kInteger:
      if (b.type() == Value::Type::kInteger) return Cmp(a.integer(), b.integer());
      return CompareIntDouble(a.integer(), b.dbl());
    case Value::Type::kDouble:
      if (b.type() == Value::Type::kInteger) return -CompareIntDouble(b.integer(), a.dbl());
      return CompareDoubles(a.dbl(), b.dbl());
    case Value::Type::kTimestamp: return Cmp(a.timestamp(), b.timestamp());
    case Value::Type::kString: return CompareBytes(a.string(), b.string());
    case Value::Type::kBytes: return CompareBytes(a.bytes(), b.bytes());
    case Value::Type::kReference: return CompareReferences(a.reference(), b.reference());
    case Value::Type::kGeoPoint: {
      int c = CompareDoubles(a.geo().latitude, b.geo().latitude);
      return c ? c : CompareDoubles(a.geo().longitude, b.geo().longitude);
    }
    case Value::Type::kArray: {
      const auto &x = a.array(), &y = b.array();
      for (size_t i = 0; i < x.size() && i < y.size(); i++) {
        int c = CompareValues(x[i], y[i]);
        if (c) return c;
      }
      return Cmp(x.size(), y.size());
    }
    case Value::Type::kMap: {
      auto ia = a.map().begin(), ib = b.map().begin();
      for (; ia != a.map().end() && ib != b.map().end(); ++ia, ++ib) {
        int c = CompareBytes(ia->first, ib->first);
        if (c) return c;
        c = CompareValues(ia->second, ib->second);
        if (c) return c;
      }
      return Cmp(a.map().size(), b.map().size());
    }
  }
  return 0;
}

}  // namespace hearth::schema
