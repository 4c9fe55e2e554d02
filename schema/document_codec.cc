#include "schema/document_codec.h"

#define XXH_STATIC_LINKING_ONLY  // XXH3_state_t's size, for RunningChecksum
#include <xxh_x86dispatch.h>        // XXH3 with the widest vectors this CPU has (the plain entry points are SSE2)

#include <algorithm>
#include <cstring>

#include "hearth/document_view.h"
#include "schema/document_body.h"
#include "schema/document_body_fb.h"
#include "schema/json.h"
#include "schema/varint.h"

namespace hearth::schema {

namespace {

// Versions 1 and 2 sum the payload; version 3 also covers the header.
uint64_t Checksum(uint8_t version, std::string_view header, std::string_view payload) {
  if (version < 3) return XXH3_64bits_dispatch(payload.data(), payload.size());
  return XXH3_64bits_withSeed_dispatch(payload.data(), payload.size(), XXH3_64bits_dispatch(header.data(), header.size()));
}

constexpr uint8_t kFormatVersion1 = 1;
constexpr size_t kChecksumBytes[] = {0, 4, 8, 8};  // by format version

bool IsFlatBuffers(uint8_t version) { return version < 3; }

// Reads the header fields before the checksum (version, codec, dictionary
// id and, from version 3, the JSON size) into *h and moves *pos past them.
// Returns what is wrong with them; empty when nothing is.
std::string ParseHeaderFields(std::string_view bytes, StoredHeader* h, size_t* pos) {
  if (bytes.size() < 2) return "shorter than its header";
  h->version = static_cast<uint8_t>(bytes[0]);
  if (h->version < kFormatVersion1 || h->version > kDocumentFormatVersion)
    return "unknown format version " + std::to_string(h->version);
  const uint8_t codec = static_cast<uint8_t>(bytes[1]);
  if (codec > static_cast<uint8_t>(Codec::kZstdDictionary) || (IsFlatBuffers(h->version) && codec != 0))
    return "unknown codec " + std::to_string(codec);
  h->codec = static_cast<Codec>(codec);
  *pos = 2;
  uint64_t v;
  if (!ReadVarint(bytes, pos, 5, &v) || v > UINT32_MAX) return "bad dictionary id";
  h->dict_id = static_cast<uint32_t>(v);
  if (h->version >= 3 && !ReadVarint(bytes, pos, 10, &h->json_size)) return "bad JSON size";
  if ((h->dict_id != 0) != (h->codec == Codec::kZstdDictionary)) return "dictionary id does not fit the codec";
  return {};
}

// Writes a stored value's header fields (those before the checksum) at `p`;
// returns how many bytes they took (at most kMaxHeaderFieldsBytes).
constexpr size_t kMaxHeaderFieldsBytes = 2 + 5 + 10;
size_t WriteHeaderFields(uint8_t version, Codec codec, uint32_t dict_id, uint64_t json_size, uint8_t* p) {
  using google::protobuf::io::CodedOutputStream;
  uint8_t* const start = p;
  *p++ = version;
  *p++ = static_cast<uint8_t>(codec);
  p = CodedOutputStream::WriteVarint32ToArray(dict_id, p);
  if (version >= 3) p = CodedOutputStream::WriteVarint64ToArray(json_size, p);
  return static_cast<size_t>(p - start);
}

// Appends a stored value's header fields and room for its checksum; returns
// where the checksum goes. The payload is appended after it, then sealed.
size_t BeginStored(uint8_t version, Codec codec, uint32_t dict_id, uint64_t json_size, std::string* out) {
  uint8_t head[kMaxHeaderFieldsBytes];
  out->append(reinterpret_cast<const char*>(head), WriteHeaderFields(version, codec, dict_id, json_size, head));
  const size_t at = out->size();
  out->resize(at + kChecksumBytes[version]);
  return at;
}

// Writes `sum` where the checksum goes.
void WriteChecksum(uint8_t version, uint64_t sum, size_t checksum_at, std::string* out) {
  for (size_t i = 0; i < kChecksumBytes[version]; i++) (*out)[checksum_at + i] = static_cast<char>((sum >> (8 * i)) & 0xFF);
}

// Fills in the checksum of everything after it.
void SealStored(uint8_t version, size_t checksum_at, std::string* out) {
  const std::string_view all(*out);
  WriteChecksum(version, Checksum(version, all.substr(0, checksum_at), all.substr(checksum_at + kChecksumBytes[version])),
                checksum_at, out);
}

}  // namespace

std::string WrapStoredPayload(uint8_t version, Codec codec, uint32_t dict_id, std::string_view payload,
                              uint64_t json_size) {
  std::string out;
  out.reserve(24 + payload.size());
  const size_t checksum_at = BeginStored(version, codec, dict_id, json_size, &out);
  out.append(payload);
  SealStored(version, checksum_at, &out);
  return out;
}

std::string EncodeStoredDocument(const MapValue& fields, Timestamp create_time, Timestamp update_time,
                                 const Compression& compression) {
  return EncodeStoredDocument(fields, create_time, update_time, compression, PlainDocumentJsonSize(fields));
}

namespace {

// The stored form of the body that append_body(std::string*) appends,
// into *out (replacing what it held, keeping its capacity).
template <typename AppendBody>
void EncodeStored(const Compression& compression, uint64_t json_size, AppendBody append_body, std::string* out) {
  out->clear();
  if (const Codec codec = compression.written(); codec != Codec::kNone) {
    std::string body;
    append_body(&body);
    std::string payload;
    const Dictionary* dict = codec == Codec::kZstdDictionary ? compression.dictionary.get() : nullptr;
    if (Compress(codec, dict, body, &payload).ok() && payload.size() < body.size()) {
      *out = WrapStoredPayload(kDocumentFormatVersion, codec, dict ? dict->id() : 0, payload, json_size);
    } else {
      *out = WrapStoredPayload(kDocumentFormatVersion, Codec::kNone, 0, body, json_size);
    }
    return;
  }
  // Uncompressed: the body is encoded in place after the header (one copy
  // fewer than WrapStoredPayload, same bytes).
  const size_t checksum_at = BeginStored(kDocumentFormatVersion, Codec::kNone, 0, json_size, out);
  append_body(out);
  SealStored(kDocumentFormatVersion, checksum_at, out);
}

}  // namespace

std::string EncodeStoredDocument(const MapValue& fields, Timestamp create_time, Timestamp update_time,
                                 const Compression& compression, uint64_t json_size) {
  std::string out;
  EncodeStored(
      compression, json_size, [&](std::string* body) { EncodeDocumentBody(fields, create_time, update_time, body); },
      &out);
  return out;
}

void EncodeStoredDocumentFromFields(std::string_view encoded_fields, Timestamp create_time, Timestamp update_time,
                                    const Compression& compression, uint64_t json_size, std::string* out) {
  EncodeStored(
      compression, json_size,
      [&](std::string* body) { EncodeDocumentBodyFromFields(encoded_fields, create_time, update_time, body); }, out);
}

static_assert(sizeof(XXH3_state_t) <= sizeof(RunningChecksum) && alignof(XXH3_state_t) <= alignof(RunningChecksum));

RunningChecksum::RunningChecksum() {}

void BeginStoredDocument(const MapValue& fields, uint64_t plain_json_size, std::string* out, RunningChecksum* sum) {
  // The fields are written in place after the header's room: *out is
  // resized, never cleared first, so only what it grows by is zero-filled
  // (a cleared 3 KB buffer was zero-filled whole, then overwritten).
  uint8_t head[kMaxHeaderFieldsBytes];
  const size_t checksum_at = WriteHeaderFields(kDocumentFormatVersion, Codec::kNone, 0, plain_json_size, head);
  const size_t fields_at = checksum_at + kChecksumBytes[kDocumentFormatVersion];
  EncodeDocumentFieldsAt(fields, fields_at, out);
  std::memcpy(out->data(), head, checksum_at);
  out->reserve(out->size() + kMaxTimesBytes);
  // Checksum()'s sum, streamed: seeded with the header's, over the payload.
  auto* state = reinterpret_cast<XXH3_state_t*>(sum->state_);
  XXH3_INITSTATE(state);
  XXH3_64bits_reset_withSeed(state, XXH3_64bits_dispatch(out->data(), checksum_at));
  XXH3_64bits_update_dispatch(state, out->data() + fields_at, out->size() - fields_at);
}

std::string_view BegunFields(std::string_view begun) {
  StoredHeader h;
  size_t pos = 0;
  ParseHeaderFields(begun, &h, &pos);  // hearth's own header: well formed
  return begun.substr(pos + kChecksumBytes[kDocumentFormatVersion]);
}

void FinishStoredDocument(Timestamp create_time, Timestamp update_time, std::string* begun, RunningChecksum* sum) {
  StoredHeader h;
  size_t checksum_at = 0;
  ParseHeaderFields(*begun, &h, &checksum_at);
  const size_t times_at = begun->size();
  AppendDocumentTimes(create_time, update_time, begun);
  auto* state = reinterpret_cast<XXH3_state_t*>(sum->state_);
  XXH3_64bits_update_dispatch(state, begun->data() + times_at, begun->size() - times_at);
  WriteChecksum(kDocumentFormatVersion, XXH3_64bits_digest(state), checksum_at, begun);
}

MapValue ProjectedFields(const MapValue& fields, std::span<const std::string> names) {
  MapValue kept;
  for (const std::string& n : names)
    if (auto it = fields.find(n); it != fields.end()) kept.emplace(n, it->second);
  return kept;
}

std::string EncodeStoredProjection(const MapValue& fields, std::span<const std::string> names, Timestamp create_time,
                                   Timestamp update_time) {
  std::string body;
  EncodeDocumentBody(ProjectedFields(fields, names), create_time, update_time, &body);
  return WrapStoredPayload(kDocumentFormatVersion, Codec::kNone, 0, body, 0);
}

StatusOr<StoredHeader> StoredDocument::ReadHeader(std::string_view bytes, std::string_view what) {
  auto corrupt = [&](std::string_view why) {
    return Status::DataLoss("stored document " + std::string(what) + " is corrupted: " + std::string(why));
  };
  if (bytes.size() < 7) return corrupt("shorter than its header");
  StoredHeader h;
  size_t pos = 0;
  if (std::string why = ParseHeaderFields(bytes, &h, &pos); !why.empty()) return corrupt(why);
  const size_t header_size = pos;
  const size_t sum_bytes = kChecksumBytes[h.version];
  if (pos + sum_bytes > bytes.size()) return corrupt("truncated header");
  uint64_t sum = 0;
  for (size_t i = 0; i < sum_bytes; i++) sum |= static_cast<uint64_t>(static_cast<uint8_t>(bytes[pos + i])) << (8 * i);
  pos += sum_bytes;
  uint64_t actual = Checksum(h.version, bytes.substr(0, header_size), bytes.substr(pos));
  if (h.version == kFormatVersion1) actual &= 0xFFFFFFFFu;
  if (actual != sum) return corrupt("checksum mismatch");
  h.payload_offset = pos;
  return h;
}

uint64_t PeekJsonSize(std::string_view stored) {
  StoredHeader h;
  size_t pos = 0;
  return ParseHeaderFields(stored, &h, &pos).empty() ? h.json_size : 0;
}

StatusOr<StoredDocument> StoredDocument::Parse(std::string_view bytes, std::string_view what,
                                               Verification verification, const Dictionaries* dictionaries) {
  HEARTH_ASSIGN_OR_RETURN(StoredHeader h, ReadHeader(bytes, what));
  std::string_view payload = bytes.substr(h.payload_offset);
  StoredDocument doc(h.version, payload, nullptr);
  if (h.codec != Codec::kNone) {
    std::shared_ptr<const Dictionary> dict;
    if (h.codec == Codec::kZstdDictionary) {
      dict = dictionaries ? dictionaries->Get(h.dict_id) : nullptr;
      if (!dict)
        return Status::DataLoss("stored document " + std::string(what) + " needs compression dictionary " +
                                std::to_string(h.dict_id) + ", which the store does not have");
    }
    auto body = std::make_shared<std::string>();
    HEARTH_RETURN_IF_ERROR(Decompress(h.codec, dict.get(), payload, body.get())
                               .WithContext("stored document " + std::string(what) + " is corrupted"));
    doc = StoredDocument(h.version, *body, body);
  }
  if (verification == Verification::kFull || h.version == kFormatVersion1) {
    Status s = IsFlatBuffers(h.version) ? FlatBuffersBody(doc.body_).Validate() : DocumentBody(doc.body_).Validate();
    HEARTH_RETURN_IF_ERROR(s.WithContext("stored document " + std::string(what) + " is corrupted"));
  }
  return doc;
}

// Each accessor reads the body in the format its version wrote.
#define HEARTH_BODY(call) (IsFlatBuffers(version_) ? FlatBuffersBody(body_).call : DocumentBody(body_).call)

Timestamp StoredDocument::create_time() const { return HEARTH_BODY(create_time()); }
Timestamp StoredDocument::update_time() const { return HEARTH_BODY(update_time()); }
std::optional<Value> StoredDocument::Field(std::string_view name) const { return HEARTH_BODY(Field(name)); }
std::optional<Value> StoredDocument::FieldAt(const std::vector<std::string>& segments) const {
  return HEARTH_BODY(FieldAt(segments));
}
MapValue StoredDocument::Fields() const { return HEARTH_BODY(Fields()); }
void StoredDocument::ReadFields(std::span<const FieldRead> reads) const { HEARTH_BODY(ReadFields(reads)); }

Document StoredDocument::ToDocument(std::string path) const {
  return Document{std::move(path), Fields(), create_time(), update_time()};
}

#undef HEARTH_BODY

StatusOr<Document> DecodeStoredDocument(std::string_view bytes, std::string path, const Dictionaries* dictionaries) {
  HEARTH_ASSIGN_OR_RETURN(StoredDocument sd, StoredDocument::Parse(bytes, path, Verification::kChecksum, dictionaries));
  return sd.ToDocument(std::move(path));
}

}  // namespace hearth::schema

namespace hearth {

DocumentView DocumentView::OverVerifiedBody(std::string path, uint8_t version, std::string_view body,
                                            DocumentViewArena* arena) {
  if (arena != nullptr) return DocumentView(std::move(path), arena->Copy(body), body.size(), version);
  // One allocation holds the bytes and the shared count.
  std::shared_ptr<char[]> bytes = std::make_shared_for_overwrite<char[]>(body.size());
  std::memcpy(bytes.get(), body.data(), body.size());
  return DocumentView(std::move(path), std::move(bytes), body.size(), version);
}

std::shared_ptr<const char[]> DocumentViewArena::Copy(std::string_view bytes) {
  constexpr size_t kMinBlock = 4096, kMaxBlock = 65536;
  if (!block_ || block_size_ - used_ < bytes.size()) {
    block_size_ = std::max(bytes.size(), std::clamp(2 * block_size_, kMinBlock, kMaxBlock));
    block_ = std::make_shared_for_overwrite<char[]>(block_size_);
    used_ = 0;
  }
  char* at = block_.get() + used_;
  std::memcpy(at, bytes.data(), bytes.size());
  used_ += (bytes.size() + 7) & ~size_t{7};  // the next copy starts 8-byte aligned
  if (used_ > block_size_) used_ = block_size_;
  return std::shared_ptr<const char[]>(block_, at);  // shares the block's count
}

schema::StoredDocument DocumentView::Body() const {
  return schema::StoredDocument::OverVerifiedBody(version_, std::string_view(body_.get(), body_size_));
}

std::string_view DocumentView::id() const {
  std::string_view p = path_;
  size_t slash = p.rfind('/');
  return slash == std::string_view::npos ? p : p.substr(slash + 1);
}

Timestamp DocumentView::create_time() const { return Body().create_time(); }
Timestamp DocumentView::update_time() const { return Body().update_time(); }

std::optional<Value> DocumentView::Get(std::string_view field) const {
  return Body().Field(field);
}

std::optional<Value> DocumentView::Get(const std::vector<std::string>& segments) const {
  return Body().FieldAt(segments);
}

MapValue DocumentView::Fields() const { return Body().Fields(); }

void DocumentView::ReadFields(std::span<const FieldRead> reads) const { Body().ReadFields(reads); }

Document DocumentView::ToDocument() const {
  return Body().ToDocument(path_);
}

}  // namespace hearth
