// Per-document compression codecs and the zstd dictionaries they may use.
//
// A payload is the body itself for kNone, else  body_size(varint)
// compressed_bytes : the size lets a reader allocate once and check the result. Codec ids are stored in every
// document header: DO NOT CHANGE them, add new ones.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "hearth/status.h"

namespace hearth::schema {

enum class Codec : uint8_t {
  kNone = 0,
  kZlib = 1,            // deflate, level 6
  kZstd = 2,            // zstd level 3
  kZstdDictionary = 3,  // zstd level 3 with a trained dictionary (dict_id in the header)
};

// "none", "zlib", "zstd", "zstd-dict".
std::string_view CodecName(Codec c);
std::optional<Codec> ParseCodec(std::string_view name);

// A trained zstd dictionary with its prepared compression and decompression
// states (preparing them costs far more than one document).
class Dictionary {
 public:
  Dictionary(uint32_t id, std::string bytes);
  ~Dictionary();
  Dictionary(const Dictionary&) = delete;
  Dictionary& operator=(const Dictionary&) = delete;

  uint32_t id() const { return id_; }
  const std::string& bytes() const { return bytes_; }

 private:
  friend Status Compress(Codec, const Dictionary*, std::string_view, std::string*);
  friend Status Decompress(Codec, const Dictionary*, std::string_view, std::string*);
  uint32_t id_;
  std::string bytes_;
  void* cdict_;  // ZSTD_CDict*
  void* ddict_;  // ZSTD_DDict*
};

// The dictionaries of one store, by id (ids start at 1; 0 means none).
// Thread-safe. Dictionaries are never removed while the store is open:
// documents written with an old one still need it.
class Dictionaries {
 public:
  void Add(std::shared_ptr<const Dictionary> d);
  std::shared_ptr<const Dictionary> Get(uint32_t id) const;
  uint32_t NextId() const;

 private:
  mutable std::shared_mutex mu_;
  std::map<uint32_t, std::shared_ptr<const Dictionary>> by_id_;
};

// Appends the payload of `body` to *out. `dict` is required for
// kZstdDictionary and ignored otherwise.
Status Compress(Codec codec, const Dictionary* dict, std::string_view body, std::string* out);
// Replaces *out with the body a payload holds. DATA_LOSS when the
// payload does not decompress to the size it states.
Status Decompress(Codec codec, const Dictionary* dict, std::string_view payload, std::string* out);

// Trains a dictionary of at most `max_bytes` from sample documents.
// FAILED_PRECONDITION when the samples are too few or too alike to train on.
StatusOr<std::string> TrainDictionary(const std::vector<std::string>& samples, size_t max_bytes);

}  // namespace hearth::schema
