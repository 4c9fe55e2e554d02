#include "schema/time_format.h"

#include <cmath>
#include <cstdio>

namespace hearth::schema {

// Howard Hinnant's days_from_civil / civil_from_days.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int64_t* year, unsigned* month, unsigned* day) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *day = doy - (153 * mp + 2) / 5 + 1;
  *month = mp < 10 ? mp + 3 : mp - 9;
  *year = y + (*month <= 2);
}

namespace {

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned DaysInMonth(int64_t y, unsigned m) {
  static const unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

class Cursor {
 public:
  explicit Cursor(std::string_view s) : s_(s) {}
  bool Digits(int n, int* out) {
    if (pos_ + n > s_.size()) return false;
    int v = 0;
    for (int i = 0; i < n; i++) {
      char c = s_[pos_ + i];
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
    }
    pos_ += n;
    *out = v;
    return true;
  }
  bool Eat(char c) {
    if (pos_ < s_.size() && s_[pos_] == c) {
      pos_++;
      return true;
    }
    return false;
  }
  bool AtEnd() const { return pos_ == s_.size(); }
  char Peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }
  void Skip() { pos_++; }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

Status Bad(std::string_view text, std::string_view why) {
  return Status::InvalidArgument("invalid timestamp \"" + std::string(text) + "\": " + std::string(why) +
                                 " (expected RFC 3339, e.g. 2026-01-01T00:00:00Z)");
}

}  // namespace

StatusOr<Timestamp> ParseRfc3339(std::string_view text) {
  Cursor c(text);
  int year, month, day;
  if (!c.Digits(4, &year) || !c.Eat('-') || !c.Digits(2, &month) || !c.Eat('-') || !c.Digits(2, &day))
    return Bad(text, "bad date");
  if (month < 1 || month > 12) return Bad(text, "month out of range");
  if (year < 1) return Bad(text, "year out of range");
  if (day < 1 || static_cast<unsigned>(day) > DaysInMonth(year, month)) return Bad(text, "day out of range");
  int hour = 0, minute = 0, second = 0;
  int64_t nanos = 0;
  int64_t offset_seconds = 0;
  if (!c.AtEnd()) {
    if (!(c.Eat('T') || c.Eat('t') || c.Eat(' '))) return Bad(text, "expected 'T' after the date");
    if (!c.Digits(2, &hour) || !c.Eat(':') || !c.Digits(2, &minute)) return Bad(text, "bad time of day");
    if (c.Eat(':') && !c.Digits(2, &second)) return Bad(text, "bad seconds");
    if (hour > 23 || minute > 59 || second > 59) return Bad(text, "time of day out of range");
    if (c.Eat('.')) {
      int digits = 0;
      while (c.Peek() >= '0' && c.Peek() <= '9') {
        if (digits == 9) return Bad(text, "more than nine fractional digits");
        nanos = nanos * 10 + (c.Peek() - '0');
        digits++;
        c.Skip();
      }
      if (digits == 0) return Bad(text, "empty fraction");
      for (int i = digits; i < 9; i++) nanos *= 10;
    }
    if (c.Eat('Z') || c.Eat('z')) {
    } else if (c.Peek() == '+' || c.Peek() == '-') {
      int sign = c.Peek() == '+' ? 1 : -1;
      c.Skip();
      int oh, om;
      if (!c.Digits(2, &oh) || !c.Eat(':') || !c.Digits(2, &om) || oh > 23 || om > 59)
        return Bad(text, "bad zone offset");
      offset_seconds = sign * (oh * 3600 + om * 60);
    }
    if (!c.AtEnd()) return Bad(text, "unexpected characters after the time");
  }
  int64_t secs = DaysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset_seconds;
  Timestamp t{secs, static_cast<int32_t>(nanos)};
  if (!t.IsValid()) return Bad(text, "outside 0001-01-01..9999-12-31");
  return t;
}

std::string FormatRfc3339(const Timestamp& t) {
  int64_t days = t.seconds / 86400;
  int64_t rem = t.seconds % 86400;
  if (rem < 0) {
    rem += 86400;
    days -= 1;
  }
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02d", static_cast<long long>(y), m, d,
                        static_cast<int>(rem / 3600), static_cast<int>(rem / 60 % 60), static_cast<int>(rem % 60));
  std::string out(buf, n);
  if (t.nanos != 0) {
    if (t.nanos % 1000000 == 0) {
      n = std::snprintf(buf, sizeof buf, ".%03d", t.nanos / 1000000);
    } else if (t.nanos % 1000 == 0) {
      n = std::snprintf(buf, sizeof buf, ".%06d", t.nanos / 1000);
    } else {
      n = std::snprintf(buf, sizeof buf, ".%09d", t.nanos);
    }
    out.append(buf, n);
  }
  out += 'Z';
  return out;
}

size_t Rfc3339Size(const Timestamp& t) {
  // Valid years have four digits: "YYYY-MM-DDTHH:MM:SS" and 'Z' are 20.
  if (!t.IsValid()) return FormatRfc3339(t).size();
  if (t.nanos == 0) return 20;
  return t.nanos % 1000000 == 0 ? 24 : t.nanos % 1000 == 0 ? 27 : 30;
}

StatusOr<Timestamp> FromEpochSeconds(double seconds) {
  if (!std::isfinite(seconds) || seconds < static_cast<double>(Timestamp::kMinSeconds) ||
      seconds >= static_cast<double>(Timestamp::kMaxSeconds) + 1)
    return Status::InvalidArgument("epoch seconds " + std::to_string(seconds) +
                                   " outside 0001-01-01..9999-12-31");
  double whole = std::floor(seconds);
  int64_t nanos = static_cast<int64_t>(std::llround((seconds - whole) * 1e9));
  int64_t s = static_cast<int64_t>(whole);
  if (nanos >= 1000000000) {
    s += 1;
    nanos -= 1000000000;
  }
  return Timestamp{s, static_cast<int32_t>(nanos)};
}

StatusOr<Timestamp> FromEpochSeconds(int64_t seconds) {
  Timestamp t{seconds, 0};
  if (!t.IsValid())
    return Status::InvalidArgument("epoch seconds " + std::to_string(seconds) + " outside 0001-01-01..9999-12-31");
  return t;
}

}  // namespace hearth::schema
