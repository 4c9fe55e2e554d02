// Implementations of the public vocabulary types (hearth/status.h,
// hearth/value.h): the lowest layer, depending on nothing else of hearth's.
#include <chrono>
#include <cmath>

#include "hearth/status.h"
#include "hearth/value.h"

namespace hearth {

std::string_view StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "OK";
    case StatusCode::kCancelled: return "CANCELLED";
    case StatusCode::kUnknown: return "UNKNOWN";
    case StatusCode::kInvalidArgument: return "INVALID_ARGUMENT";
    case StatusCode::kDeadlineExceeded: return "DEADLINE_EXCEEDED";
    case StatusCode::kNotFound: return "NOT_FOUND";
    case StatusCode::kAlreadyExists: return "ALREADY_EXISTS";
    case StatusCode::kPermissionDenied: return "PERMISSION_DENIED";
    case StatusCode::kResourceExhausted: return "RESOURCE_EXHAUSTED";
    case StatusCode::kFailedPrecondition: return "FAILED_PRECONDITION";
    case StatusCode::kAborted: return "ABORTED";
    case StatusCode::kOutOfRange: return "OUT_OF_RANGE";
    case StatusCode::kUnimplemented: return "UNIMPLEMENTED";
    case StatusCode::kInternal: return "INTERNAL";
    case StatusCode::kUnavailable: return "UNAVAILABLE";
    case StatusCode::kDataLoss: return "DATA_LOSS";
    case StatusCode::kUnauthenticated: return "UNAUTHENTICATED";
  }
  return "UNKNOWN";
}

StatusCode StatusCodeFromName(std::string_view name) {
  for (int c = 0; c <= static_cast<int>(StatusCode::kUnauthenticated); c++)
    if (StatusCodeName(static_cast<StatusCode>(c)) == name) return static_cast<StatusCode>(c);
  return StatusCode::kUnknown;
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string s(StatusCodeName(code_));
  s += ": ";
  s += message_;
  return s;
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) return *this;
  std::string m(context);
  m += ": ";
  m += message_;
  return Status(code_, std::move(m));
}

Timestamp Timestamp::FromNanos(int64_t n) {
  int64_t s = n / 1000000000;
  int64_t r = n % 1000000000;
  if (r < 0) {
    r += 1000000000;
    s -= 1;
  }
  return Timestamp{s, static_cast<int32_t>(r)};
}

Timestamp Timestamp::Now() {
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                std::chrono::system_clock::now().time_since_epoch())
                .count();
  return FromNanos(ns);
}

int64_t Timestamp::ToNanos() const {
  constexpr int64_t kLimit = INT64_MAX / 1000000000 - 1;
  if (seconds > kLimit) return INT64_MAX;
  if (seconds < -kLimit) return INT64_MIN;
  return seconds * 1000000000 + nanos;
}

bool Value::operator==(const Value& other) const {
  if (type() != other.type()) return false;
  if (type() == Type::kDouble) {
    double a = dbl(), b = other.dbl();
    if (std::isnan(a) && std::isnan(b)) return true;
    return std::signbit(a) == std::signbit(b) && a == b;
  }
  return rep_ == other.rep_;
}

std::string_view TypeName(Value::Type type) {
  switch (type) {
    case Value::Type::kNull: return "null";
    case Value::Type::kBoolean: return "boolean";
    case Value::Type::kInteger: return "integer";
    case Value::Type::kDouble: return "double";
    case Value::Type::kTimestamp: return "timestamp";
    case Value::Type::kString: return "string";
    case Value::Type::kBytes: return "bytes";
    case Value::Type::kReference: return "reference";
    case Value::Type::kGeoPoint: return "geo point";
    case Value::Type::kArray: return "array";
    case Value::Type::kMap: return "map";
  }
  return "unknown";
}

}  // namespace hearth
