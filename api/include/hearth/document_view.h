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

// A top-level field for DocumentView::ReadFields, and what to do with it when
// the document has it. Set one handler.
struct FieldRead {
  std::string_view name;
  std::function<void(const Value&)> value = {};                    // the field, decoded
  std::function<void(std::string_view key, double)> numbers = {};  // a map's integer and double entries
  std::function<void(std::string_view)> strings = {};              // an array's strings
};

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
  // Reads several top-level fields in one pass over the body, handing each
  // present one to its handler; nothing else is decoded (the numbers and
  // strings handlers do not even build the map or array). Cheaper than one
  // Get per field.
  void ReadFields(std::span<const FieldRead> reads) const;
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
