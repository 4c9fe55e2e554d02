// RFC 3339 timestamps and epoch numbers <-> hearth::Timestamp.
#pragma once

#include <string>
#include <string_view>

#include "hearth/status.h"
#include "hearth/value.h"

namespace hearth::schema {

// Parses "2026-01-01T00:00:00Z", "2026-01-01T02:00:00.5+02:00", or a time
// without a zone ("2024-01-01T12:00:00.770517", "2024-01-01 12:00:00"), which
// is taken as UTC, as the original system stored naive UTC times. Up to nine
// fractional digits. A date alone ("2026-01-01") means its midnight UTC.
StatusOr<Timestamp> ParseRfc3339(std::string_view text);

// "2026-01-01T00:00:00Z" with 0, 3, 6 or 9 fractional digits as needed (the
// proto3 JSON form Firestore's REST API uses).
std::string FormatRfc3339(const Timestamp& t);
// FormatRfc3339(t).size(), without formatting (the write path measures every
// document's JSON size).
size_t Rfc3339Size(const Timestamp& t);

// Seconds since the Unix epoch (fractions allowed) -> Timestamp.
StatusOr<Timestamp> FromEpochSeconds(double seconds);
StatusOr<Timestamp> FromEpochSeconds(int64_t seconds);

// Days since 1970-01-01 of a proleptic Gregorian date, and back.
int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day);
void CivilFromDays(int64_t days, int64_t* year, unsigned* month, unsigned* day);

}  // namespace hearth::schema
