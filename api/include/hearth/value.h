// Firestore values: the data model every hearth document is made of.
//
// A Value is one of Firestore's types: null, boolean, integer (int64), double,
// timestamp (UTC, nanosecond precision), string (UTF-8), bytes, reference (a
// document path), geo point, array, map. Integers and doubles stay distinct
// (a round trip never turns 5 into 5.0) but compare numerically.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace hearth {

// A point in time: seconds since the Unix epoch (UTC) and nanoseconds in
// [0, 999999999]. Firestore's range is 0001-01-01 to 9999-12-31.
struct Timestamp {
  int64_t seconds = 0;
  int32_t nanos = 0;

  static constexpr int64_t kMinSeconds = -62135596800;  // 0001-01-01T00:00:00Z
  static constexpr int64_t kMaxSeconds = 253402300799;  // 9999-12-31T23:59:59Z

  static Timestamp FromNanos(int64_t nanos_since_epoch);
  static Timestamp Now();
  // Nanoseconds since the epoch; saturates outside +-292 years.
  int64_t ToNanos() const;
  bool IsValid() const {
    return seconds >= kMinSeconds && seconds <= kMaxSeconds && nanos >= 0 && nanos < 1000000000;
  }

  auto operator<=>(const Timestamp&) const = default;
  bool operator==(const Timestamp&) const = default;
};

struct GeoPoint {
  double latitude = 0;
  double longitude = 0;
  bool operator==(const GeoPoint&) const = default;
};

class Value;
// Map keys are kept in UTF-8 byte order (std::string compares bytes as unsigned).
using MapValue = std::map<std::string, Value>;
using ArrayValue = std::vector<Value>;

// Wrappers that give bytes and references their own alternative in the variant.
struct Bytes {
  std::string data;
  bool operator==(const Bytes&) const = default;
};
struct Reference {
  std::string path;  // a document path relative to the database, "monitors/m1"
  bool operator==(const Reference&) const = default;
};

class Value {
 public:
  // Order of the alternatives is the storage tag. DO NOT CHANGE: it is
  // written into the FlatBuffers form (schema/document.fbs ValueType).
  enum class Type : uint8_t {
    kNull = 0,
    kBoolean = 1,
    kInteger = 2,
    kDouble = 3,
    kTimestamp = 4,
    kString = 5,
    kBytes = 6,
    kReference = 7,
    kGeoPoint = 8,
    kArray = 9,
    kMap = 10,
  };

  Value() = default;  // null
  static Value Null() { return Value(); }
  static Value Boolean(bool b) { return Make<1>(b); }
  static Value Integer(int64_t i) { return Make<2>(i); }
  static Value Double(double d) { return Make<3>(d); }
  static Value Time(Timestamp t) { return Make<4>(t); }
  static Value String(std::string s) { return Make<5>(std::move(s)); }
  static Value BytesValue(std::string b) { return Make<6>(Bytes{std::move(b)}); }
  static Value Ref(std::string path) { return Make<7>(Reference{std::move(path)}); }
  static Value Geo(double lat, double lng) { return Make<8>(GeoPoint{lat, lng}); }
  static Value Array(ArrayValue a) { return Make<9>(std::move(a)); }
  static Value Map(MapValue m) { return Make<10>(std::move(m)); }

  Type type() const { return static_cast<Type>(rep_.index()); }
  bool is_null() const { return type() == Type::kNull; }
  bool is_number() const { return type() == Type::kInteger || type() == Type::kDouble; }

  // Accessors; calling the wrong one for type() is a programming error.
  bool boolean() const { return std::get<bool>(rep_); }
  int64_t integer() const { return std::get<int64_t>(rep_); }
  double dbl() const { return std::get<double>(rep_); }
  const Timestamp& timestamp() const { return std::get<Timestamp>(rep_); }
  const std::string& string() const { return std::get<std::string>(rep_); }
  std::string& string() { return std::get<std::string>(rep_); }
  const std::string& bytes() const { return std::get<Bytes>(rep_).data; }
  const std::string& reference() const { return std::get<Reference>(rep_).path; }
  const GeoPoint& geo() const { return std::get<GeoPoint>(rep_); }
  const ArrayValue& array() const { return std::get<ArrayValue>(rep_); }
  ArrayValue& array() { return std::get<ArrayValue>(rep_); }
  const MapValue& map() const { return std::get<MapValue>(rep_); }
  MapValue& map() { return std::get<MapValue>(rep_); }

  // Number as a double (exact for doubles; nearest for integers).
  double AsDouble() const { return type() == Type::kInteger ? static_cast<double>(integer()) : dbl(); }

  // Structural identity: same type and same contents (5 != 5.0, NaN == NaN).
  // Firestore's numeric ordering and equality live in schema/value_order.h.
  bool operator==(const Value& other) const;

 private:
  using Rep = std::variant<std::monostate, bool, int64_t, double, Timestamp, std::string, Bytes,
                           Reference, GeoPoint, ArrayValue, MapValue>;
  // Emplacing into a default (null) value rather than moving a temporary
  // variant in keeps GCC 12 from a false -Wmaybe-uninitialized.
  template <size_t I, typename T>
  static Value Make(T&& x) {
    Value v;
    v.rep_.template emplace<I>(std::forward<T>(x));
    return v;
  }
  Rep rep_;
};

// Lower-case name of a type ("timestamp"), for error messages.
std::string_view TypeName(Value::Type type);

}  // namespace hearth
