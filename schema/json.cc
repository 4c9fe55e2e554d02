#include "schema/json.h"
#include "schema/json_internal.h"

#include <rapidjson/document.h>
#include <rapidjson/encodedstream.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <charconv>
#include <cmath>

#include "schema/ascii_blocks.h"
#include "schema/base64.h"
#include "schema/json_number.h"
#include "schema/path.h"
#include "schema/time_format.h"

namespace hearth::schema {

using internal::ParseJson;
using internal::RestDocumentFrom;

namespace {

constexpr unsigned kParseFlags =
    rapidjson::kParseFullPrecisionFlag | rapidjson::kParseNanAndInfFlag | rapidjson::kParseValidateEncodingFlag;
// rapidjson checks UTF-8 one byte at a time through a state machine, and
// copies strings byte by byte while it does (a quarter of `hearth import`'s
// samples). Input that is all ASCII cannot be invalid UTF-8, and AllAscii
// says so 16 bytes at a time, so such input is parsed without the check,
// from a NUL-terminated copy: on a StringStream rapidjson copies each
// string's unescaped run 16 bytes at a time (RAPIDJSON_SSE2, CMakeLists.txt).
// A NUL ends the input on either path (rapidjson's MemoryStream reads '\0'
// at its end), so both accept and refuse the same documents.
constexpr unsigned kAsciiParseFlags = kParseFlags & ~unsigned{rapidjson::kParseValidateEncodingFlag};

// `json` followed by a NUL: in a buffer of the calling thread's, reused
// from call to call; past 1 MiB (a large REST request) in `large`, so that
// no server thread keeps that much for good.
const char* NulTerminated(std::string_view json, std::string& large) {
  std::string* copy = &large;
  thread_local std::string buffer;
  if (json.size() <= (size_t{1} << 20)) copy = &buffer;
  copy->assign(json.data(), json.size());
  return copy->c_str();
}
using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer, rapidjson::UTF8<>, rapidjson::UTF8<>,
                                     rapidjson::CrtAllocator, rapidjson::kWriteNanAndInfFlag>;

void WriteString(JsonWriter& w, std::string_view s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }
void WriteKey(JsonWriter& w, std::string_view s) { w.Key(s.data(), static_cast<rapidjson::SizeType>(s.size())); }
// Doubles as schema/json_number.h writes them (JsonDoubleSize counts the same text).
void WriteDouble(JsonWriter& w, double d) {
  char buf[kMaxJsonDoubleBytes];
  w.RawValue(buf, WriteJsonDouble(d, buf), rapidjson::kNumberType);
}

std::string Str(const rapidjson::Value& v) { return std::string(v.GetString(), v.GetStringLength()); }

StatusOr<Value> FromPlain(const rapidjson::Value& j, const std::string& where) {
  switch (j.GetType()) {
    case rapidjson::kNullType: return Value::Null();
    case rapidjson::kFalseType: return Value::Boolean(false);
    case rapidjson::kTrueType: return Value::Boolean(true);
    case rapidjson::kStringType: return Value::String(Str(j));
    case rapidjson::kNumberType:
      if (j.IsInt64()) return Value::Integer(j.GetInt64());
      if (j.IsUint64())
        return Status::InvalidArgument("field " + where + ": integer " + std::to_string(j.GetUint64()) +
                                       " does not fit in a signed 64-bit integer");
      return Value::Double(j.GetDouble());
    case rapidjson::kArrayType: {
      ArrayValue a;
      a.reserve(j.Size());
      for (rapidjson::SizeType i = 0; i < j.Size(); i++) {
        HEARTH_ASSIGN_OR_RETURN(Value e, FromPlain(j[i], where + "[" + std::to_string(i) + "]"));
        a.push_back(std::move(e));
      }
      return Value::Array(std::move(a));
    }
    case rapidjson::kObjectType: {
      MapValue m;
      for (auto it = j.MemberBegin(); it != j.MemberEnd(); ++it) {
        std::string k = Str(it->name);
        HEARTH_ASSIGN_OR_RETURN(Value e, FromPlain(it->value, where.empty() ? k : where + "." + k));
        m.insert_or_assign(std::move(k), std::move(e));
      }
      return Value::Map(std::move(m));
    }
  }
  return Value::Null();
}

void WritePlain(JsonWriter& w, const Value& v) {
  switch (v.type()) {
    case Value::Type::kNull: w.Null(); return;
    case Value::Type::kBoolean: w.Bool(v.boolean()); return;
    case Value::Type::kInteger: w.Int64(v.integer()); return;
    case Value::Type::kDouble: WriteDouble(w, v.dbl()); return;
    case Value::Type::kTimestamp: {
      std::string s = FormatRfc3339(v.timestamp());
      WriteString(w, s);
      return;
    }
    case Value::Type::kString:
      WriteString(w, v.string());
      return;
    case Value::Type::kBytes: {
      std::string s = Base64Encode(v.bytes());
      WriteString(w, s);
      return;
    }
    case Value::Type::kReference:
      WriteString(w, v.reference());
      return;
    case Value::Type::kGeoPoint:
      w.StartObject();
      w.Key("latitude");
      WriteDouble(w, v.geo().latitude);
      w.Key("longitude");
      WriteDouble(w, v.geo().longitude);
      w.EndObject();
      return;
    case Value::Type::kArray:
      w.StartArray();
      for (const auto& e : v.array()) WritePlain(w, e);
      w.EndArray();
      return;
    case Value::Type::kMap:
      w.StartObject();
      for (const auto& [k, e] : v.map()) {
        WriteKey(w, k);
        WritePlain(w, e);
      }
      w.EndObject();
      return;
  }
}

// ---- REST ----

StatusOr<Value> FromRest(const rapidjson::Value& j, const std::string& where);

StatusOr<MapValue> RestFields(const rapidjson::Value& fields, const std::string& where) {
  MapValue m;
  if (!fields.IsObject()) return Status::InvalidArgument(where + ": \"fields\" must be an object");
  for (auto it = fields.MemberBegin(); it != fields.MemberEnd(); ++it) {
    std::string k = Str(it->name);
    HEARTH_ASSIGN_OR_RETURN(Value v, FromRest(it->value, where.empty() ? k : where + "." + k));
    m.insert_or_assign(std::move(k), std::move(v));
  }
  return m;
}

StatusOr<Value> FromRest(const rapidjson::Value& j, const std::string& where) {
  auto bad = [&](std::string_view why) {
    return Status::InvalidArgument("field " + where + ": " + std::string(why));
  };
  if (!j.IsObject() || j.MemberCount() != 1)
    return bad("a REST value is an object with exactly one of nullValue, booleanValue, integerValue, ...");
  const auto& m = *j.MemberBegin();
  std::string_view kind(m.name.GetString(), m.name.GetStringLength());
  const rapidjson::Value& x = m.value;
  if (kind == "nullValue") return Value::Null();
  if (kind == "booleanValue") {
    if (!x.IsBool()) return bad("booleanValue must be true or false");
    return Value::Boolean(x.GetBool());
  }
  if (kind == "integerValue") {
    if (x.IsInt64()) return Value::Integer(x.GetInt64());
    if (!x.IsString()) return bad("integerValue must be a decimal string");
    std::string s = Str(x);
    errno = 0;
    char* end = nullptr;
    long long v = std::strtoll(s.c_str(), &end, 10);
    if (s.empty() || *end != '\0' || errno == ERANGE) return bad("integerValue \"" + s + "\" is not an int64");
    return Value::Integer(v);
  }
  if (kind == "doubleValue") {
    if (x.IsNumber()) return Value::Double(x.GetDouble());
    if (x.IsString()) {
      std::string s = Str(x);
      if (s == "NaN") return Value::Double(NAN);
      if (s == "Infinity") return Value::Double(INFINITY);
      if (s == "-Infinity") return Value::Double(-INFINITY);
    }
    return bad("doubleValue must be a number, \"NaN\", \"Infinity\" or \"-Infinity\"");
  }
  if (kind == "timestampValue") {
    if (!x.IsString()) return bad("timestampValue must be an RFC 3339 string");
    auto t = ParseRfc3339(std::string_view(x.GetString(), x.GetStringLength()));
    if (!t.ok()) return t.status().WithContext("field " + where);
    return Value::Time(*t);
  }
  if (kind == "stringValue") {
    if (!x.IsString()) return bad("stringValue must be a string");
    return Value::String(Str(x));
  }
  if (kind == "bytesValue") {
    if (!x.IsString()) return bad("bytesValue must be base64 text");
    auto b = Base64Decode(std::string_view(x.GetString(), x.GetStringLength()));
    if (!b.ok()) return b.status().WithContext("field " + where);
    return Value::BytesValue(std::move(b).value());
  }
  if (kind == "referenceValue") {
    if (!x.IsString()) return bad("referenceValue must be a string");
    return Value::Ref(std::string(RelativeDocumentPath(std::string_view(x.GetString(), x.GetStringLength()))));
  }
  if (kind == "geoPointValue") {
    if (!x.IsObject()) return bad("geoPointValue must be an object");
    double lat = 0, lng = 0;
    auto lt = x.FindMember("latitude"), lg = x.FindMember("longitude");
    if (lt != x.MemberEnd()) {
      if (!lt->value.IsNumber()) return bad("latitude must be a number");
      lat = lt->value.GetDouble();
    }
    if (lg != x.MemberEnd()) {
      if (!lg->value.IsNumber()) return bad("longitude must be a number");
      lng = lg->value.GetDouble();
    }
    return Value::Geo(lat, lng);
  }
  if (kind == "arrayValue") {
    if (!x.IsObject()) return bad("arrayValue must be an object");
    ArrayValue a;
    auto vals = x.FindMember("values");
    if (vals != x.MemberEnd()) {
      if (!vals->value.IsArray()) return bad("arrayValue.values must be an array");
      for (rapidjson::SizeType i = 0; i < vals->value.Size(); i++) {
        HEARTH_ASSIGN_OR_RETURN(Value e, FromRest(vals->value[i], where + "[" + std::to_string(i) + "]"));
        a.push_back(std::move(e));
      }
    }
    return Value::Array(std::move(a));
  }
  if (kind == "mapValue") {
    if (!x.IsObject()) return bad("mapValue must be an object");
    auto f = x.FindMember("fields");
    if (f == x.MemberEnd()) return Value::Map({});
    HEARTH_ASSIGN_OR_RETURN(MapValue m2, RestFields(f->value, where));
    return Value::Map(std::move(m2));
  }
  return bad("unknown value kind \"" + std::string(kind) + "\"");
}

void WriteRest(JsonWriter& w, const Value& v, std::string_view project);

// A REST "fields" object: {"name": value, ...}.
void WriteRestFields(JsonWriter& w, const MapValue& fields, std::string_view project) {
  w.StartObject();
  for (const auto& [k, v] : fields) {
    WriteKey(w, k);
    WriteRest(w, v, project);
  }
  w.EndObject();
}

void WriteRest(JsonWriter& w, const Value& v, std::string_view project) {
  w.StartObject();
  switch (v.type()) {
    case Value::Type::kNull: w.Key("nullValue"); w.Null(); break;
    case Value::Type::kBoolean: w.Key("booleanValue"); w.Bool(v.boolean()); break;
    case Value::Type::kInteger: {
      w.Key("integerValue");
      std::string s = std::to_string(v.integer());
      WriteString(w, s);
      break;
    }
    case Value::Type::kDouble: {
      w.Key("doubleValue");
      double d = v.dbl();
      if (std::isnan(d)) {
        w.String("NaN");
      } else if (std::isinf(d)) {
        w.String(d > 0 ? "Infinity" : "-Infinity");
      } else {
        WriteDouble(w, d);
      }
      break;
    }
    case Value::Type::kTimestamp: {
      w.Key("timestampValue");
      std::string s = FormatRfc3339(v.timestamp());
      WriteString(w, s);
      break;
    }
    case Value::Type::kString:
      w.Key("stringValue");
      WriteString(w, v.string());
      break;
    case Value::Type::kBytes: {
      w.Key("bytesValue");
      std::string s = Base64Encode(v.bytes());
      WriteString(w, s);
      break;
    }
    case Value::Type::kReference: {
      w.Key("referenceValue");
      std::string name = "projects/" + std::string(project) + "/databases/(default)/documents/" + v.reference();
      WriteString(w, name);
      break;
    }
    case Value::Type::kGeoPoint:
      w.Key("geoPointValue");
      w.StartObject();
      w.Key("latitude");
      WriteDouble(w, v.geo().latitude);
      w.Key("longitude");
      WriteDouble(w, v.geo().longitude);
      w.EndObject();
      break;
    case Value::Type::kArray:
      w.Key("arrayValue");
      w.StartObject();
      w.Key("values");
      w.StartArray();
      for (const auto& e : v.array()) WriteRest(w, e, project);
      w.EndArray();
      w.EndObject();
      break;
    case Value::Type::kMap:
      w.Key("mapValue");
      w.StartObject();
      w.Key("fields");
      WriteRestFields(w, v.map(), project);
      w.EndObject();
      break;
  }
  w.EndObject();
}

}  // namespace

namespace {

// Builds a document straight from RapidJSON's SAX events (no intermediate
// DOM): the import path's hot loop.
class PlainDocumentHandler : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, PlainDocumentHandler> {
 public:
  explicit PlainDocumentHandler(const CollectionDef* def) : def_(def) {}

  bool Null() { return Put(Value::Null()); }
  bool Bool(bool b) { return Declared() ? Reject("a boolean") : Put(Value::Boolean(b)); }
  bool Int(int i) { return Int64(i); }
  bool Uint(unsigned u) { return Int64(u); }
  bool Int64(int64_t i) {
    if (Declared()) return PutTime(FromEpochSeconds(i));
    return Put(Value::Integer(i));
  }
  bool Uint64(uint64_t u) {
    if (u <= static_cast<uint64_t>(INT64_MAX)) return Int64(static_cast<int64_t>(u));
    error_ = Status::InvalidArgument("field " + Where() + ": integer " + std::to_string(u) +
                                     " does not fit in a signed 64-bit integer");
    return false;
  }
  bool Double(double d) {
    if (Declared()) return PutTime(FromEpochSeconds(d));
    return Put(Value::Double(d));
  }
  bool String(const char* str, rapidjson::SizeType len, bool) {
    std::string_view v(str, len);
    if (stack_.size() == 1 && key_ == "__name__") {
      doc_.name = std::string(RelativeDocumentPath(v));
      return true;
    }
    if (Declared()) return PutTime(ParseRfc3339(v));
    return Put(Value::String(std::string(v)));
  }
  bool StartObject() {
    if (stack_.empty()) {
      stack_.push_back(Frame{true, {}, {}, {}});
      return true;
    }
    if (Declared()) return Reject("an object");
    stack_.push_back(Frame{true, {}, {}, std::move(key_)});
    return true;
  }
  bool Key(const char* str, rapidjson::SizeType len, bool) {
    key_.assign(str, len);
    return true;
  }
  bool EndObject(rapidjson::SizeType) {
    Frame f = std::move(stack_.back());
    stack_.pop_back();
    if (stack_.empty()) {
      doc_.fields = std::move(f.map);
      return true;
    }
    key_ = std::move(f.key);
    return Put(Value::Map(std::move(f.map)));
  }
  bool StartArray() {
    if (stack_.empty()) {
      error_ = Status::InvalidArgument("a document must be a JSON object");
      return false;
    }
    if (Declared()) return Reject("an array");
    stack_.push_back(Frame{false, {}, {}, std::move(key_)});
    return true;
  }
  bool EndArray(rapidjson::SizeType) {
    Frame f = std::move(stack_.back());
    stack_.pop_back();
    key_ = std::move(f.key);
    return Put(Value::Array(std::move(f.array)));
  }

  ParsedDocument& doc() { return doc_; }
  const Status& error() const { return error_; }

 private:
  struct Frame {
    bool is_map;
    MapValue map;
    ArrayValue array;
    std::string key;  // the key this container is stored under in its parent
  };

  // Is the value being read a top-level field the collection declares a timestamp?
  bool Declared() const {
    if (def_ == nullptr || stack_.size() != 1) return false;
    for (const auto& f : def_->timestamp_fields)
      if (f == key_) return true;
    return false;
  }
  bool Put(Value v) {
    if (stack_.empty()) {
      error_ = Status::InvalidArgument("a document must be a JSON object");
      return false;
    }
    Frame& top = stack_.back();
    if (top.is_map) {
      if (stack_.size() == 1 && key_ == "__name__") {
        error_ = Status::InvalidArgument("\"__name__\" must be a document path string");
        return false;
      }
      top.map.insert_or_assign(std::move(key_), std::move(v));
    } else {
      top.array.push_back(std::move(v));
    }
    return true;
  }
  bool PutTime(const StatusOr<Timestamp>& t) {
    if (!t.ok()) {
      error_ = t.status().WithContext("field \"" + key_ + "\" is declared a timestamp");
      return false;
    }
    return Put(Value::Time(*t));
  }
  bool Reject(const char* what) {
    error_ = Status::InvalidArgument("field \"" + key_ + "\" is declared a timestamp: holds " + what +
                                     ", not an RFC 3339 string or epoch seconds");
    return false;
  }
  std::string Where() const {
    std::string w;
    for (size_t i = 1; i < stack_.size(); i++) {
      if (!w.empty() && !stack_[i].key.empty()) w += ".";
      w += stack_[i].key;
      if (!stack_[i - 1].is_map) w += "[" + std::to_string(stack_[i - 1].array.size()) + "]";
    }
    if (!stack_.empty() && stack_.back().is_map) {
      if (!w.empty()) w += ".";
      w += key_;
    } else if (!stack_.empty()) {
      w += "[" + std::to_string(stack_.back().array.size()) + "]";
    }
    return w;
  }

  const CollectionDef* def_;
  std::vector<Frame> stack_;
  std::string key_;
  ParsedDocument doc_;
  Status error_;
};

}  // namespace

StatusOr<ParsedDocument> ParsePlainDocument(std::string_view json, const CollectionDef* def) {
  PlainDocumentHandler handler(def);
  rapidjson::Reader reader;
  rapidjson::ParseResult r;
  if (std::string large; AllAscii(json)) {
    rapidjson::StringStream is(NulTerminated(json, large));
    r = reader.Parse<kAsciiParseFlags>(is, handler);
  } else {
    rapidjson::MemoryStream ms(json.data(), json.size());
    rapidjson::EncodedInputStream<rapidjson::UTF8<>, rapidjson::MemoryStream> is(ms);
    r = reader.Parse<kParseFlags>(is, handler);
  }
  if (!handler.error().ok()) return handler.error();
  if (r.IsError())
    return Status::InvalidArgument(std::string("malformed JSON at offset ") + std::to_string(r.Offset()) + ": " +
                                   rapidjson::GetParseError_En(r.Code()));
  return std::move(handler.doc());
}

StatusOr<Value> ParsePlainValue(std::string_view json) {
  rapidjson::Document doc;
  HEARTH_RETURN_IF_ERROR(ParseJson(json, &doc));
  return FromPlain(doc, "value");
}

namespace {
void WritePlainDocument(rapidjson::StringBuffer& buf, const MapValue& fields, std::string_view name) {
  JsonWriter w(buf);
  w.StartObject();
  if (!name.empty()) {
    w.Key("__name__");
    WriteString(w, name);
  }
  for (const auto& [k, v] : fields) {
    WriteKey(w, k);
    WritePlain(w, v);
  }
  w.EndObject();
}
}  // namespace

std::string PlainDocumentJson(const MapValue& fields, std::string_view name) {
  rapidjson::StringBuffer buf;
  WritePlainDocument(buf, fields, name);
  return std::string(buf.GetString(), buf.GetSize());
}

namespace {

// The sizes of what WritePlain writes, without writing it (the writes' hot
// path only needs the size, and copying the prose costs as much as the
// rest of encoding). Mirrors rapidjson's Writer: its escapes, its doubles.
size_t MapSize(const MapValue& m);

// Bytes each byte takes once escaped, less one: \" \\ \b \t \n \f \r take
// two, other control characters six (\u00XX), everything else one.
constexpr std::array<uint8_t, 256> kEscapeExtra = [] {
  std::array<uint8_t, 256> t{};
  for (int c = 0; c < 0x20; c++) t[c] = 5;
  for (int c : {'\b', '\t', '\n', '\f', '\r', '"', '\\'}) t[c] = 1;
  return t;
}();

size_t QuotedSize(std::string_view s) {
  size_t n = 2 + s.size();
  if (AllPlainJson(s)) return n;
  size_t i = 0;
  // Prose rarely needs escapes: skip clean blocks and 8-byte words, count the rest.
  while (i + 8 <= s.size()) {
    if (i + kAsciiBlockBytes <= s.size() && PlainJsonBlock(s.data() + i)) {
      i += kAsciiBlockBytes;
      continue;
    }
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    if (MayNeedJsonEscape(w))
      for (size_t j = i; j < i + 8; j++) n += kEscapeExtra[static_cast<unsigned char>(s[j])];
    i += 8;
  }
  for (; i < s.size(); i++) n += kEscapeExtra[static_cast<unsigned char>(s[i])];
  return n;
}

size_t QuotedSizeIfUtf8(std::string_view s) {
  size_t n = 2 + s.size();
  if (AllPlainJson(s)) return n;
  size_t i = 0;
  while (i < s.size()) {
    if (i + kAsciiBlockBytes <= s.size() && PlainJsonBlock(s.data() + i)) {
      i += kAsciiBlockBytes;  // valid, and written as it is
      continue;
    }
    uint64_t w;
    if (i + 8 <= s.size() && (std::memcpy(&w, s.data() + i, 8), (w & 0x8080808080808080ULL) == 0)) {
      // Eight ASCII bytes: valid; escapes counted as QuotedSize does.
      if (MayNeedJsonEscape(w))
        for (size_t j = i; j < i + 8; j++) n += kEscapeExtra[static_cast<unsigned char>(s[j])];
      i += 8;
      continue;
    }
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      n += kEscapeExtra[c];
      i++;
      continue;
    }
    const size_t len = Utf8SequenceLength(s, i);  // written as it is: no escape
    if (len == 0) return 0;
    i += len;
  }
  return n;
}


size_t PlainSize(const Value& v) {
  switch (v.type()) {
    case Value::Type::kNull: return 4;
    case Value::Type::kBoolean: return v.boolean() ? 4 : 5;
    case Value::Type::kInteger: {
      char buf[24];
      return static_cast<size_t>(std::to_chars(buf, buf + sizeof buf, v.integer()).ptr - buf);
    }
    case Value::Type::kDouble: return JsonDoubleSize(v.dbl());
    case Value::Type::kTimestamp: return 2 + Rfc3339Size(v.timestamp());  // digits and -:.TZ need no escapes
    case Value::Type::kString: return QuotedSize(v.string());
    case Value::Type::kBytes: return 2 + (v.bytes().size() + 2) / 3 * 4;  // padded base64 needs no escapes
    case Value::Type::kReference: return QuotedSize(v.reference());
    case Value::Type::kGeoPoint:
      return 2 + 11 + JsonDoubleSize(v.geo().latitude) + 1 + 12 + JsonDoubleSize(v.geo().longitude);
    case Value::Type::kArray: {
      size_t n = JsonPunctuationSize(v.array().size());
      for (const auto& e : v.array()) n += PlainSize(e);
      return n;
    }
    case Value::Type::kMap: return MapSize(v.map());
  }
  return 0;
}

size_t MapSize(const MapValue& m) {
  size_t n = JsonPunctuationSize(m.size());
  for (const auto& [k, e] : m) n += QuotedSize(k) + 1 + PlainSize(e);
  return n;
}

}  // namespace

size_t PlainDocumentJsonSize(const MapValue& fields) { return MapSize(fields); }
size_t PlainValueJsonSize(const Value& v) { return PlainSize(v); }
size_t JsonPunctuationSize(size_t entries) { return 2 + (entries == 0 ? 0 : entries - 1); }
size_t QuotedJsonSize(std::string_view s) { return QuotedSize(s); }
size_t QuotedJsonSizeIfUtf8(std::string_view s) { return QuotedSizeIfUtf8(s); }

std::string PlainValueJson(const Value& v) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  WritePlain(w, v);
  return std::string(buf.GetString(), buf.GetSize());
}

std::string_view RelativeDocumentPath(std::string_view name) {
  if (name.substr(0, 9) == "projects/") {
    size_t pos = name.find("/documents");
    if (pos != std::string_view::npos) {
      name.remove_prefix(pos + 10);
      if (!name.empty() && name.front() == '/') name.remove_prefix(1);
    }
  }
  return name;
}

namespace internal {

Status ParseJson(std::string_view json, rapidjson::Document* doc) {
  if (std::string large; AllAscii(json)) {
    doc->Parse<kAsciiParseFlags>(NulTerminated(json, large));
  } else {
    doc->Parse<kParseFlags>(json.data(), json.size());
  }
  if (doc->HasParseError())
    return Status::InvalidArgument(std::string("malformed JSON at offset ") + std::to_string(doc->GetErrorOffset()) +
                                   ": " + rapidjson::GetParseError_En(doc->GetParseError()));
  return Status::OK();
}

StatusOr<Value> RestValueFrom(const rapidjson::Value& value, const std::string& where) { return FromRest(value, where); }

StatusOr<ParsedDocument> RestDocumentFrom(const rapidjson::Value& doc) {
  if (!doc.IsObject()) return Status::InvalidArgument("a REST document must be a JSON object");
  ParsedDocument out;
  for (auto it = doc.MemberBegin(); it != doc.MemberEnd(); ++it) {
    std::string_view k(it->name.GetString(), it->name.GetStringLength());
    if (k == "name") {
      if (!it->value.IsString()) return Status::InvalidArgument("\"name\" must be a string");
      out.name = std::string(RelativeDocumentPath(std::string_view(it->value.GetString(), it->value.GetStringLength())));
    } else if (k == "fields") {
      HEARTH_ASSIGN_OR_RETURN(out.fields, RestFields(it->value, ""));
    } else if (k != "createTime" && k != "updateTime") {
      return Status::InvalidArgument("unknown REST document member \"" + std::string(k) +
                                     "\" (expected name, fields, createTime, updateTime)");
    }
  }
  return out;
}

}  // namespace internal

StatusOr<ParsedDocument> ParseRestDocument(std::string_view json) {
  rapidjson::Document doc;
  HEARTH_RETURN_IF_ERROR(ParseJson(json, &doc));
  return RestDocumentFrom(doc);
}

StatusOr<std::vector<ParsedDocument>> ParseRunQueryResponse(std::string_view json) {
  rapidjson::Document doc;
  HEARTH_RETURN_IF_ERROR(ParseJson(json, &doc));
  if (!doc.IsArray()) return Status::InvalidArgument("a runQuery response must be a JSON array");
  std::vector<ParsedDocument> out;
  for (rapidjson::SizeType i = 0; i < doc.Size(); i++) {
    const rapidjson::Value& item = doc[i];
    if (!item.IsObject()) return Status::InvalidArgument("runQuery response item " + std::to_string(i) + " is not an object");
    // A streamed answer that failed part-way ends with its status.
    auto e = item.FindMember("error");
    if (e != item.MemberEnd() && e->value.IsObject()) {
      StatusCode code = StatusCode::kUnknown;
      std::string message = "(no message)";
      auto st = e->value.FindMember("status");
      if (st != e->value.MemberEnd() && st->value.IsString()) code = StatusCodeFromName(Str(st->value));
      auto m = e->value.FindMember("message");
      if (m != e->value.MemberEnd() && m->value.IsString()) message = Str(m->value);
      return Status(code, "runQuery failed after " + std::to_string(out.size()) + " documents: " + message);
    }
    auto d = item.FindMember("document");
    if (d == item.MemberEnd()) continue;  // readTime or progress only
    auto parsed = RestDocumentFrom(d->value);
    if (!parsed.ok()) return parsed.status().WithContext("runQuery response item " + std::to_string(i));
    out.push_back(std::move(*parsed));
  }
  return out;
}

StatusOr<Value> ParseRestValue(std::string_view json) {
  rapidjson::Document doc;
  HEARTH_RETURN_IF_ERROR(ParseJson(json, &doc));
  return FromRest(doc, "value");
}

std::string RestDocumentJson(const Document& d, std::string_view project) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  std::string name = "projects/" + std::string(project) + "/databases/(default)/documents/" + d.path;
  w.Key("name");
  WriteString(w, name);
  w.Key("fields");
  WriteRestFields(w, d.fields, project);
  std::string ct = FormatRfc3339(d.create_time), ut = FormatRfc3339(d.update_time);
  w.Key("createTime");
  WriteString(w, ct);
  w.Key("updateTime");
  WriteString(w, ut);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

std::string RestFieldsJson(const MapValue& fields, std::string_view project) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  WriteRestFields(w, fields, project);
  return std::string(buf.GetString(), buf.GetSize());
}

std::string RestValueJson(const Value& v, std::string_view project) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  WriteRest(w, v, project);
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace hearth::schema
