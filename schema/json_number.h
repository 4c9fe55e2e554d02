// How plain and REST JSON write a double: the shortest decimal that reads
// back as the same double (Dragonbox, from the fmt library), laid out as
// rapidjson's writer lays numbers out, so hearth's JSON looks as it always
// did: "1.0", "0.001234", "12.34", "100000000000000000000.0" (up to 21
// integer digits), "1e21", "1.5e-7", "-0.0". NaN and infinities are written
// bare (NaN, Infinity, -Infinity), as rapidjson's kWriteNanAndInfFlag does.
//
// Why not rapidjson's own (Grisu2): it costs ~60 ns a double against ~17,
// and the write path measures every double's JSON size (ValidateDocument);
// Grisu2 also misses the shortest form in rare cases ("64654712189.563907"
// for 64654712189.5639), which this writes shortest.
#pragma once

#include <cstddef>

namespace hearth::schema {

// Enough for any double: sign, 17 digits, point, "e-324" and more.
constexpr size_t kMaxJsonDoubleBytes = 32;

// Writes d's JSON text at `out` (kMaxJsonDoubleBytes of room, not
// NUL-terminated); returns its length.
size_t WriteJsonDouble(double d, char* out);
// WriteJsonDouble's length, without writing the digits.
size_t JsonDoubleSize(double d);

}  // namespace hearth::schema
