#include "schema/legacy_compressed.h"

#include <zlib.h>

#include "schema/base64.h"
#include "schema/json.h"

namespace hearth::schema {

namespace {

constexpr int kMaxNesting = 8;
constexpr size_t kMaxInflated = size_t{16} << 20;  // far above Firestore's 1 MiB documents

StatusOr<std::string> Gunzip(std::string_view data) {
  z_stream z{};
  if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) return Status::Internal("zlib inflateInit2 failed");
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  std::string out;
  char buf[16384];
  int rc;
  do {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    rc = inflate(&z, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&z);
      return Status::InvalidArgument(std::string("data is not a gzip stream (") + (z.msg ? z.msg : "corrupt") + ")");
    }
    out.append(buf, sizeof buf - z.avail_out);
    if (out.size() > kMaxInflated) {
      inflateEnd(&z);
      return Status::InvalidArgument("data inflates beyond 16 MiB");
    }
  } while (rc != Z_STREAM_END && (z.avail_in > 0 || z.avail_out == 0));
  inflateEnd(&z);
  if (rc != Z_STREAM_END) return Status::InvalidArgument("data is a truncated gzip stream");
  return out;
}

}  // namespace

bool IsCompressedMarker(const Value& v) {
  if (v.type() != Value::Type::kMap) return false;
  const MapValue& m = v.map();
  if (m.size() != 2) return false;  // every write asks this of each top-level map: no lookups first
  auto flag = m.find("_compressed");
  auto data = m.find("data");
  return flag != m.end() && data != m.end() && flag->second == Value::Boolean(true) &&
         data->second.type() == Value::Type::kString;
}

Status ExpandCompressedFields(MapValue* fields) {
  for (auto& [name, value] : *fields) {
    for (int depth = 0; IsCompressedMarker(value); depth++) {
      auto fail = [&](const Status& s) {
        return Status::InvalidArgument("field \"" + name + "\" is a compressed field whose " + s.message());
      };
      if (depth == kMaxNesting) return fail(Status::InvalidArgument("markers nest more than 8 deep"));
      auto raw = Base64Decode(value.map().at("data").string());
      if (!raw.ok()) return fail(Status::InvalidArgument("data is not base64"));
      auto json = Gunzip(*raw);
      if (!json.ok()) return fail(json.status());
      auto v = ParsePlainValue(*json);
      if (!v.ok()) return fail(Status::InvalidArgument("data is not JSON: " + v.status().message()));
      value = std::move(*v);
    }
  }
  return Status::OK();
}

}  // namespace hearth::schema
