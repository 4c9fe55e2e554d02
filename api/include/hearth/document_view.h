// A document as stored, read without building it: fields are decoded only
// when asked for. Cheap to produce and to copy (copies share the stored
// bytes), so time-series reads and caches hand these out.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hearth/document.h"
#include "hearth/status.h"
#include "hearth/value.h"

namespace hearth {
namespace schema {
class StoredDocument;
}

class DocumentViewArena;

class DocumentView {
 public:
  // A view over a document body the store has checked and decompressed;
  // `version` is the stored format version it was written in
  // (schema/document_codec.h). The bytes are copied into the view: into
  // their own allocation, or into `arena`'s shared blocks when one is given.
  static DocumentView OverVerifiedBody(std::string path, uint8_t version, std::string_view body,
                                       DocumentViewArena* arena = nullptr);

  // A view over a checked body that `body` shares (no copy); the bytes must
  // not change while any view holds them.
  static DocumentView OverSharedBody(std::string path, uint8_t version, std::shared_ptr<const char[]> body,
                                     size_t size) {
    return DocumentView(std::move(path), std::move(body), size, version);
  }

  const std::string& path() const { return path_; }
  // The document id: the last segment of the path.
  std::string_view id() const;
  Timestamp create_time() const;
  Timestamp update_time() const;
  // A top-level field, or one inside maps given as segments ({"a", "b"}).
  std::optional<Value> Get(std::string_view field) const;
  std::optional<Value> Get(const std::vector<std::string>& segments) const;
  // Several top-level fields in one pass over the body; each nullopt when
  // absent. Cheaper than one Get per field.
  std::vector<std::optional<Value>> GetFields(std::span<const std::string_view> names) const;
  // Calls visit(key, number) for each integer or double entry of the map in
  // top-level field `field` (none when it is absent or not a map); other
  // entries are skipped and the map is not built.
  void ForEachNumber(std::string_view field, const std::function<void(std::string_view, double)>& visit) const;
  // Every field, built.
  MapValue Fields() const;
  Document ToDocument() const;
  // Bytes held (body and path).
  size_t ByteSize() const { return path_.size() + body_size_; }

 private:
  DocumentView(std::string path, std::shared_ptr<const char[]> body, size_t size, uint8_t version)
      : path_(std::move(path)), body_(std::move(body)), body_size_(size), version_(version) {}
  schema::StoredDocument Body() const;
  std::string path_;
  std::shared_ptr<const char[]> body_;
  size_t body_size_ = 0;
  uint8_t version_ = 0;
};

// Copies the stored bytes of many views into shared blocks, so a scan that
// hands out hundreds of views allocates a few times instead of hundreds. A
// block lives until the last view in it is gone. Blocks grow from 4 KiB to
// 64 KiB as the arena is used, so a one-document read does not pin 64 KiB.
class DocumentViewArena {
 public:
  std::shared_ptr<const char[]> Copy(std::string_view bytes);

 private:
  std::shared_ptr<char[]> block_;
  size_t block_size_ = 0;
  size_t used_ = 0;
};

}  // namespace hearth
