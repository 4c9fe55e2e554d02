// A document as stored, read without building it: fields are decoded only
// when asked for. Cheap to produce and to copy (copies share the stored
// bytes), so time-series reads and caches hand these out.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hearth/document.h"
#include "hearth/status.h"
#include "hearth/value.h"

namespace hearth {

class DocumentViewArena;

class DocumentView {
 public:
  // Verifies `stored` (the store's on-disk form); DATA_LOSS names `path`
  // when it is corrupted.
  // The bytes are copied into the view: into their own allocation, or into
  // `arena`'s shared blocks when one is given.
  static StatusOr<DocumentView> FromStored(std::string path, std::string_view stored,
                                           DocumentViewArena* arena = nullptr);

  const std::string& path() const { return path_; }
  // The document id: the last segment of the path.
  std::string_view id() const;
  Timestamp create_time() const;
  Timestamp update_time() const;
  // A top-level field, or one inside maps given as segments ({"a", "b"}).
  std::optional<Value> Get(std::string_view field) const;
  std::optional<Value> Get(const std::vector<std::string>& segments) const;
  // Every field, built.
  MapValue Fields() const;
  Document ToDocument() const;
  // Bytes held (stored form and path).
  size_t ByteSize() const { return path_.size() + stored_size_; }

 private:
  DocumentView(std::string path, std::shared_ptr<const char[]> stored, size_t size, size_t body_offset)
      : path_(std::move(path)), stored_(std::move(stored)), stored_size_(size), body_offset_(body_offset) {}
  const void* Root() const;
  std::string path_;
  std::shared_ptr<const char[]> stored_;
  size_t stored_size_ = 0;
  size_t body_offset_ = 0;
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
