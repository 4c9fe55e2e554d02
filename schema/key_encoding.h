// Order-preserving byte encoding of Firestore values and document paths.
//
// memcmp order of the encodings equals Firestore's value order
// (schema/value_order.h), so RocksDB's default bytewise comparator orders
// index entries exactly as Firestore orders query results.
//
// Format version 1 (DO NOT CHANGE without bumping engine/keys.h kKeyFormat):
//
//   value      := label payload
//   null       := 05
//   boolean    := 0A (00 | 01)
//   NaN        := 0D
//   number     := 0F f8 r2
//       f = the largest double <= the number (-0.0 taken as 0.0), as 8 bytes:
//           sign bit flipped for non-negatives, all bits flipped for negatives,
//           big-endian; r = number - f as a 2-byte big-endian integer (an
//           int64 beyond 2^53 differs from f by less than 2048; a double has
//           r = 0). Integers and doubles thus interleave exactly: 1 == 1.0,
//           and 2^53+1 sorts above 2^53 as it should.
//   timestamp  := 14 seconds(8, sign flipped, big-endian) nanos(4, big-endian)
//   string     := 19 escaped(bytes) 00 01
//   bytes      := 1E escaped(bytes) 00 01
//   reference  := 25 (3C escaped(segment) 00 01)* 02
//   geo point  := 2D lat(8) lng(8)         (doubles as in number)
//   array      := 32 value* 02
//   map        := 37 (19 escaped(key) 00 01 value)* 02    (keys in byte order)
//   escaped(s) := s with 00 -> 00 FF and FF -> FF 00
//
// Every encoding is self-delimiting and none is a prefix of another, so a
// descending component is the bitwise inverse of the ascending one, and a
// scan over one value's prefix never reaches a neighbour ("mon-1" ends in
// 00 01 and cannot swallow "mon-10").
//
// Paths: each segment is escaped and followed by 00 02 when more segments
// follow or 00 01 when it is the last, so paths order segment by segment with
// a path sorting before its descendants (Firestore's __name__ order).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "hearth/value.h"
#include "schema/path.h"

namespace hearth::schema {

enum class Direction : uint8_t { kAscending = 0, kDescending = 1 };

// Type labels. DO NOT CHANGE: they are part of every stored key.
namespace label {
constexpr uint8_t kEnd = 0x02;
constexpr uint8_t kNull = 0x05;
constexpr uint8_t kBoolean = 0x0A;
constexpr uint8_t kNaN = 0x0D;
constexpr uint8_t kNumber = 0x0F;
constexpr uint8_t kTimestamp = 0x14;
constexpr uint8_t kString = 0x19;
constexpr uint8_t kBytes = 0x1E;
constexpr uint8_t kReference = 0x25;
constexpr uint8_t kGeoPoint = 0x2D;
constexpr uint8_t kArray = 0x32;
constexpr uint8_t kMap = 0x37;
constexpr uint8_t kSegment = 0x3C;
}  // namespace label

// An encoded timestamp's size: its label, seconds (8) and nanos (4).
constexpr size_t kEncodedTimestampBytes = 13;

void AppendValue(std::string* out, const Value& v, Direction dir = Direction::kAscending);
std::string EncodeValue(const Value& v, Direction dir = Direction::kAscending);

// Escaped bytes followed by 00 `terminator` (1 or 2).
void AppendEscaped(std::string* out, std::string_view s, uint8_t terminator);

// The prefix shared by every document directly in a collection: each segment
// of the collection path followed by 00 02.
void AppendCollectionPrefix(std::string* out, const ResourcePath& collection);
// The same prefix for the collection holding document `doc`, without
// copying its path to drop the id.
void AppendParentCollectionPrefix(std::string* out, const ResourcePath& doc);
// A full document path (the collection prefix, then the id and 00 01).
void AppendDocumentPath(std::string* out, const ResourcePath& doc, Direction dir = Direction::kAscending);

// Decoders, for describing keys and for recovering paths from index keys.
// Each consumes its encoding from the front of *in and returns false on
// malformed input (leaving *in unspecified).
bool DecodeValue(std::string_view* in, Direction dir, Value* out);
bool DecodeSegment(std::string_view* in, Direction dir, std::string* segment, bool* last);
// Reads segments up to and including the last one (terminator 00 01).
bool DecodeDocumentPath(std::string_view* in, Direction dir, ResourcePath* out);
// Skips one ascending escaped run (a path segment, or a string's label and
// bytes) from the front of *in, through its terminator, without copying it:
// returns the terminator (1 or 2), or 0 when the run is malformed or
// unterminated (leaving *in unspecified). For code on every write's path
// that needs only where a key's parts end (engine/insert_hint.h).
uint8_t SkipEscaped(std::string_view* in);

// The smallest key greater than every key with this prefix ("" if none).
std::string PrefixSuccessor(std::string_view prefix);

}  // namespace hearth::schema
