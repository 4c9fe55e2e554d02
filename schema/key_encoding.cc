#include "schema/key_encoding.h"

#include <bit>
#include <cmath>
#include <cstring>

namespace hearth::schema {

namespace {

void PutBigEndian(std::string* out, uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; i--) out->push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

uint64_t OrderedDoubleBits(double d) {
  if (d == 0) d = 0.0;  // -0.0 -> 0.0
  uint64_t bits = std::bit_cast<uint64_t>(d);
  return (bits & (uint64_t{1} << 63)) ? ~bits : bits ^ (uint64_t{1} << 63);
}

double DoubleFromOrderedBits(uint64_t bits) {
  bits = (bits & (uint64_t{1} << 63)) ? bits ^ (uint64_t{1} << 63) : ~bits;
  return std::bit_cast<double>(bits);
}

// The largest double <= i, and i minus it (in [0, 2048)).
void SplitInteger(int64_t i, double* floor_double, uint32_t* remainder) {
  double d = static_cast<double>(i);
  constexpr int64_t k2p53 = int64_t{1} << 53;
  if (i >= -k2p53 && i <= k2p53) {
    *floor_double = d;
    *remainder = 0;
    return;
  }
  // |d| >= 2^53 so d is an integer; 2^63 itself fits in __int128.
  __int128 di = static_cast<__int128>(d);
  if (di > i) {
    d = std::nextafter(d, -INFINITY);
    di = static_cast<__int128>(d);
  }
  *floor_double = d;
  *remainder = static_cast<uint32_t>(static_cast<__int128>(i) - di);
}

void AppendNumberPayload(std::string* out, double d, uint32_t remainder) {
  PutBigEndian(out, OrderedDoubleBits(d), 8);
  PutBigEndian(out, remainder, 2);
}

void AppendAscending(std::string* out, const Value& v) {
  switch (v.type()) {
    case Value::Type::kNull: out->push_back(label::kNull); return;
    case Value::Type::kBoolean:
      out->push_back(label::kBoolean);
      out->push_back(v.boolean() ? 1 : 0);
      return;
    case Value::Type::kInteger: {
      double d;
      uint32_t r;
      SplitInteger(v.integer(), &d, &r);
      out->push_back(label::kNumber);
      AppendNumberPayload(out, d, r);
      return;
    }
    case Value::Type::kDouble:
      if (std::isnan(v.dbl())) {
        out->push_back(label::kNaN);
      } else {
        out->push_back(label::kNumber);
        AppendNumberPayload(out, v.dbl(), 0);
      }
      return;
    case Value::Type::kTimestamp:
      out->push_back(label::kTimestamp);
      PutBigEndian(out, static_cast<uint64_t>(v.timestamp().seconds) ^ (uint64_t{1} << 63), 8);
      PutBigEndian(out, static_cast<uint32_t>(v.timestamp().nanos), 4);
      return;
    case Value::Type::kString:
      out->push_back(label::kString);
      AppendEscaped(out, v.string(), 1);
      return;
    case Value::Type::kBytes:
      out->push_back(label::kBytes);
      AppendEscaped(out, v.bytes(), 1);
      return;
    case Value::Type::kReference: {
      out->push_back(label::kReference);
      std::string_view p = v.reference();
      size_t start = 0;
      while (start <= p.size()) {
        size_t slash = p.find('/', start);
        if (slash == std::string_view::npos) slash = p.size();
        out->push_back(label::kSegment);
        AppendEscaped(out, p.substr(start, slash - start), 1);
        start = slash + 1;
      }
      out->push_back(label::kEnd);
      return;
    }
    case Value::Type::kGeoPoint:
      out->push_back(label::kGeoPoint);
      PutBigEndian(out, OrderedDoubleBits(v.geo().latitude), 8);
      PutBigEndian(out, OrderedDoubleBits(v.geo().longitude), 8);
      return;
    case Value::Type::kArray:
      out->push_back(label::kArray);
      for (const auto& e : v.array()) AppendAscending(out, e);
      out->push_back(label::kEnd);
      return;
    case Value::Type::kMap:
      out->push_back(label::kMap);
      for (const auto& [k, e] : v.map()) {
        out->push_back(label::kString);
        AppendEscaped(out, k, 1);
        AppendAscending(out, e);
      }
      out->push_back(label::kEnd);
      return;
  }
}

void InvertFrom(std::string* out, size_t start) {
  for (size_t i = start; i < out->size(); i++) (*out)[i] = static_cast<char>(~(*out)[i]);
}

// Reads bytes through an XOR mask so one decoder serves both directions.
class Reader {
 public:
  Reader(std::string_view* in, Direction dir) : in_(in), mask_(dir == Direction::kDescending ? 0xFF : 0) {}
  bool Byte(uint8_t* b) {
    if (in_->empty()) return false;
    *b = static_cast<uint8_t>(in_->front()) ^ mask_;
    in_->remove_prefix(1);
    return true;
  }
  bool PeekByte(uint8_t* b) const {
    if (in_->empty()) return false;
    *b = static_cast<uint8_t>(in_->front()) ^ mask_;
    return true;
  }
  bool BigEndian(int n, uint64_t* v) {
    *v = 0;
    for (int i = 0; i < n; i++) {
      uint8_t b;
      if (!Byte(&b)) return false;
      *v = (*v << 8) | b;
    }
    return true;
  }
  // Reads escaped bytes up to 00 t; stores t.
  bool Escaped(std::string* s, uint8_t* terminator) {
    s->clear();
    while (true) {
      uint8_t b;
      if (!Byte(&b)) return false;
      if (b == 0x00) {
        uint8_t n;
        if (!Byte(&n)) return false;
        if (n == 0xFF) {
          s->push_back('\0');
          continue;
        }
        *terminator = n;
        return n == 1 || n == 2;
      }
      if (b == 0xFF) {
        uint8_t n;
        if (!Byte(&n) || n != 0x00) return false;
      }
      s->push_back(static_cast<char>(b));
    }
  }

 private:
  std::string_view* in_;
  uint8_t mask_;
};

bool DecodeWith(Reader& r, Value* out, int depth) {
  if (depth > 64) return false;
  uint8_t l;
  if (!r.Byte(&l)) return false;
  switch (l) {
    case label::kNull: *out = Value::Null(); return true;
    case label::kBoolean: {
      uint8_t b;
      if (!r.Byte(&b) || b > 1) return false;
      *out = Value::Boolean(b == 1);
      return true;
    }
    case label::kNaN: *out = Value::Double(NAN); return true;
    case label::kNumber: {
      uint64_t bits, rem;
      if (!r.BigEndian(8, &bits) || !r.BigEndian(2, &rem)) return false;
      double d = DoubleFromOrderedBits(bits);
      if (rem != 0 || (d == std::trunc(d) && std::fabs(d) < 9.2e18)) {
        *out = Value::Integer(static_cast<int64_t>(static_cast<__int128>(d) + rem));
      } else {
        *out = Value::Double(d);
      }
      return true;
    }
    case label::kTimestamp: {
      uint64_t s, n;
      if (!r.BigEndian(8, &s) || !r.BigEndian(4, &n)) return false;
      *out = Value::Time(Timestamp{static_cast<int64_t>(s ^ (uint64_t{1} << 63)), static_cast<int32_t>(n)});
      return true;
    }
    case label::kString:
    case label::kBytes: {
      std::string s;
      uint8_t t;
      if (!r.Escaped(&s, &t) || t != 1) return false;
      *out = l == label::kString ? Value::String(std::move(s)) : Value::BytesValue(std::move(s));
      return true;
    }
    case label::kReference: {
      std::string path;
      while (true) {
        uint8_t b;
        if (!r.Byte(&b)) return false;
        if (b == label::kEnd) break;
        if (b != label::kSegment) return false;
        std::string seg;
        uint8_t t;
        if (!r.Escaped(&seg, &t) || t != 1) return false;
        if (!path.empty()) path += '/';
        path += seg;
      }
      *out = Value::Ref(std::move(path));
      return true;
    }
    case label::kGeoPoint: {
      uint64_t a, b;
      if (!r.BigEndian(8, &a) || !r.BigEndian(8, &b)) return false;
      *out = Value::Geo(DoubleFromOrderedBits(a), DoubleFromOrderedBits(b));
      return true;
    }
    case label::kArray: {
      ArrayValue arr;
      while (true) {
        uint8_t b;
        if (!r.PeekByte(&b)) return false;
        if (b == label::kEnd) {
          r.Byte(&b);
          break;
        }
        Value e;
        if (!DecodeWith(r, &e, depth + 1)) return false;
        arr.push_back(std::move(e));
      }
      *out = Value::Array(std::move(arr));
      return true;
    }
    case label::kMap: {
      MapValue m;
      while (true) {
        uint8_t b;
        if (!r.Byte(&b)) return false;
        if (b == label::kEnd) break;
        if (b != label::kString) return false;
        std::string key;
        uint8_t t;
        if (!r.Escaped(&key, &t) || t != 1) return false;
        Value e;
        if (!DecodeWith(r, &e, depth + 1)) return false;
        m.emplace(std::move(key), std::move(e));
      }
      *out = Value::Map(std::move(m));
      return true;
    }
    default: return false;
  }
}

}  // namespace

void AppendEscaped(std::string* out, std::string_view s, uint8_t terminator) {
  // Runs without 0x00 or 0xFF (nearly every string is one run) are appended
  // whole: a byte at a time, ids and paths cost every write ~2,000
  // instructions of push_back.
  size_t run = 0;
  for (size_t i = 0; i < s.size(); i++) {
    const char c = s[i];
    if (c != '\0' && c != static_cast<char>(0xFF)) continue;
    out->append(s.data() + run, i + 1 - run);
    out->push_back(c == '\0' ? static_cast<char>(0xFF) : '\0');
    run = i + 1;
  }
  out->append(s.data() + run, s.size() - run);
  out->push_back('\0');
  out->push_back(static_cast<char>(terminator));
}

void AppendValue(std::string* out, const Value& v, Direction dir) {
  size_t start = out->size();
  AppendAscending(out, v);
  if (dir == Direction::kDescending) InvertFrom(out, start);
}

std::string EncodeValue(const Value& v, Direction dir) {
  std::string s;
  AppendValue(&s, v, dir);
  return s;
}

namespace {
// The first `n` segments of `path`, each followed by 00 02.
void AppendCollectionSegments(std::string* out, const ResourcePath& path, size_t n) {
  for (size_t i = 0; i < n; i++) AppendEscaped(out, path[i], 2);
}
}  // namespace

void AppendCollectionPrefix(std::string* out, const ResourcePath& collection) {
  AppendCollectionSegments(out, collection, collection.size());
}

void AppendParentCollectionPrefix(std::string* out, const ResourcePath& doc) {
  AppendCollectionSegments(out, doc, doc.size() == 0 ? 0 : doc.size() - 1);
}

void AppendDocumentPath(std::string* out, const ResourcePath& doc, Direction dir) {
  size_t start = out->size();
  for (size_t i = 0; i < doc.size(); i++) AppendEscaped(out, doc[i], i + 1 == doc.size() ? 1 : 2);
  if (dir == Direction::kDescending) InvertFrom(out, start);
}

bool DecodeValue(std::string_view* in, Direction dir, Value* out) {
  Reader r(in, dir);
  return DecodeWith(r, out, 0);
}

bool DecodeSegment(std::string_view* in, Direction dir, std::string* segment, bool* last) {
  Reader r(in, dir);
  uint8_t t;
  if (!r.Escaped(segment, &t)) return false;
  *last = t == 1;
  return true;
}

bool DecodeDocumentPath(std::string_view* in, Direction dir, ResourcePath* out) {
  std::vector<std::string> segs;
  while (true) {
    std::string seg;
    bool last;
    if (!DecodeSegment(in, dir, &seg, &last)) return false;
    segs.push_back(std::move(seg));
    if (last) break;
  }
  *out = ResourcePath(std::move(segs));
  return true;
}

uint8_t SkipEscaped(std::string_view* in) {
  const std::string_view k = *in;
  for (size_t i = 0; i + 1 < k.size(); i++) {
    const uint8_t b = static_cast<uint8_t>(k[i]);
    if (b != 0x00 && b != 0xFF) continue;
    const uint8_t n = static_cast<uint8_t>(k[++i]);
    if (b == 0xFF) {
      if (n != 0x00) return 0;  // FF is written FF 00
      continue;
    }
    if (n == 0xFF) continue;  // 00 is written 00 FF
    if (n != 1 && n != 2) return 0;
    in->remove_prefix(i + 1);
    return n;
  }
  return 0;
}

std::string PrefixSuccessor(std::string_view prefix) {
  std::string s(prefix);
  while (!s.empty()) {
    unsigned char c = static_cast<unsigned char>(s.back());
    if (c != 0xFF) {
      s.back() = static_cast<char>(c + 1);
      return s;
    }
    s.pop_back();
  }
  return s;
}

}  // namespace hearth::schema
