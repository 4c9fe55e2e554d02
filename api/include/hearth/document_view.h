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

class DocumentView {
 public:
  // Verifies `stored` (the store's on-disk form); DATA_LOSS names `path`
  // when it is corrupted.
  static StatusOr<DocumentView> FromStored(std::string path, std::string stored);

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
  size_t ByteSize() const { return path_.size() + stored_->size(); }

 private:
  DocumentView(std::string path, std::shared_ptr<const std::string> stored, size_t body_offset)
      : path_(std::move(path)), stored_(std::move(stored)), body_offset_(body_offset) {}
  const void* Root() const;
  std::string path_;
  std::shared_ptr<const std::string> stored_;
  size_t body_offset_ = 0;
};

}  // namespace hearth
