#include "schema/compression.h"

#include <zdict.h>
#include <zlib.h>
#include <zstd.h>

#include <mutex>

#include "schema/varint.h"

namespace hearth::schema {

namespace {

constexpr int kZstdLevel = 3;
constexpr int kZlibLevel = 6;
// A document larger than this is not one hearth wrote (Firestore's limit is 1 MiB).
constexpr uint64_t kMaxBodyBytes = uint64_t{64} << 20;

// One compression and one decompression context per thread: creating them
// costs more than compressing a snapshot.
struct ZstdContexts {
  ZSTD_CCtx* c = ZSTD_createCCtx();
  ZSTD_DCtx* d = ZSTD_createDCtx();
  ~ZstdContexts() {
    ZSTD_freeCCtx(c);
    ZSTD_freeDCtx(d);
  }
};
ZstdContexts& Contexts() {
  thread_local ZstdContexts contexts;
  return contexts;
}

}  // namespace

std::string_view CodecName(Codec c) {
  switch (c) {
    case Codec::kNone: return "none";
    case Codec::kZlib: return "zlib";
    case Codec::kZstd: return "zstd";
    case Codec::kZstdDictionary: return "zstd-dict";
  }
  return "unknown";
}

std::optional<Codec> ParseCodec(std::string_view name) {
  for (Codec c : {Codec::kNone, Codec::kZlib, Codec::kZstd, Codec::kZstdDictionary})
    if (CodecName(c) == name) return c;
  return std::nullopt;
}

Dictionary::Dictionary(uint32_t id, std::string bytes)
    : id_(id),
      bytes_(std::move(bytes)),
      cdict_(ZSTD_createCDict(bytes_.data(), bytes_.size(), kZstdLevel)),
      ddict_(ZSTD_createDDict(bytes_.data(), bytes_.size())) {}

Dictionary::~Dictionary() {
  ZSTD_freeCDict(static_cast<ZSTD_CDict*>(cdict_));
  ZSTD_freeDDict(static_cast<ZSTD_DDict*>(ddict_));
}

void Dictionaries::Add(std::shared_ptr<const Dictionary> d) {
  std::unique_lock lock(mu_);
  by_id_[d->id()] = std::move(d);
}

std::shared_ptr<const Dictionary> Dictionaries::Get(uint32_t id) const {
  std::shared_lock lock(mu_);
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : it->second;
}

uint32_t Dictionaries::NextId() const {
  std::shared_lock lock(mu_);
  return by_id_.empty() ? 1 : by_id_.rbegin()->first + 1;
}

Status Compress(Codec codec, const Dictionary* dict, std::string_view body, std::string* out) {
  if (codec == Codec::kNone) {
    out->append(body);
    return Status::OK();
  }
  AppendVarint(body.size(), out);
  const size_t start = out->size();
  switch (codec) {
    case Codec::kNone: break;
    case Codec::kZlib: {
      uLongf n = compressBound(body.size());
      out->resize(start + n);
      int rc = compress2(reinterpret_cast<Bytef*>(out->data() + start), &n, reinterpret_cast<const Bytef*>(body.data()),
                         body.size(), kZlibLevel);
      if (rc != Z_OK) return Status::Internal("zlib compression failed: " + std::to_string(rc));
      out->resize(start + n);
      return Status::OK();
    }
    case Codec::kZstd:
    case Codec::kZstdDictionary: {
      ZSTD_CCtx* c = Contexts().c;
      out->resize(start + ZSTD_compressBound(body.size()));
      size_t n;
      if (codec == Codec::kZstdDictionary) {
        if (dict == nullptr) return Status::Internal("zstd-dict compression without a dictionary");
        n = ZSTD_compress_usingCDict(c, out->data() + start, out->size() - start, body.data(), body.size(),
                                     static_cast<const ZSTD_CDict*>(dict->cdict_));
      } else {
        n = ZSTD_compressCCtx(c, out->data() + start, out->size() - start, body.data(), body.size(), kZstdLevel);
      }
      if (ZSTD_isError(n)) return Status::Internal(std::string("zstd compression failed: ") + ZSTD_getErrorName(n));
      out->resize(start + n);
      return Status::OK();
    }
  }
  return Status::InvalidArgument("unknown codec " + std::to_string(static_cast<int>(codec)));
}

Status Decompress(Codec codec, const Dictionary* dict, std::string_view payload, std::string* out) {
  if (codec == Codec::kNone) {
    out->assign(payload);
    return Status::OK();
  }
  size_t pos = 0;
  uint64_t size;
  if (!ReadVarint(payload, &pos, 10, &size) || size > kMaxBodyBytes) return Status::DataLoss("bad body size");
  std::string_view data = payload.substr(pos);
  out->resize(size);
  switch (codec) {
    case Codec::kNone: break;
    case Codec::kZlib: {
      uLongf n = size;
      int rc = uncompress(reinterpret_cast<Bytef*>(out->data()), &n, reinterpret_cast<const Bytef*>(data.data()),
                          data.size());
      if (rc != Z_OK || n != size) return Status::DataLoss("zlib payload does not decompress");
      return Status::OK();
    }
    case Codec::kZstd:
    case Codec::kZstdDictionary: {
      ZSTD_DCtx* d = Contexts().d;
      size_t n;
      if (codec == Codec::kZstdDictionary) {
        if (dict == nullptr) return Status::DataLoss("its compression dictionary is missing");
        n = ZSTD_decompress_usingDDict(d, out->data(), size, data.data(), data.size(),
                                       static_cast<const ZSTD_DDict*>(dict->ddict_));
      } else {
        n = ZSTD_decompressDCtx(d, out->data(), size, data.data(), data.size());
      }
      if (ZSTD_isError(n) || n != size) return Status::DataLoss("zstd payload does not decompress");
      return Status::OK();
    }
  }
  return Status::DataLoss("unknown codec " + std::to_string(static_cast<int>(codec)));
}

StatusOr<std::string> TrainDictionary(const std::vector<std::string>& samples, size_t max_bytes) {
  std::string joined;
  std::vector<size_t> sizes;
  sizes.reserve(samples.size());
  for (const auto& s : samples) {
    joined += s;
    sizes.push_back(s.size());
  }
  std::string dict(max_bytes, '\0');
  size_t n = ZDICT_trainFromBuffer(dict.data(), dict.size(), joined.data(), sizes.data(),
                                   static_cast<unsigned>(sizes.size()));
  if (ZDICT_isError(n))
    return Status::FailedPrecondition(std::string("cannot train a dictionary on ") + std::to_string(samples.size()) +
                                      " documents: " + ZDICT_getErrorName(n));
  dict.resize(n);
  return dict;
}

}  // namespace hearth::schema
