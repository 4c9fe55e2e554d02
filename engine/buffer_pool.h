// Byte buffers kept from one write to the next.
//
// A batch encodes each document into a buffer of its own (its fields before
// the write lock, its stored form under it). Allocated and freed per
// document, a 3 KB string cost about 1,000 instructions each way in the
// write path (callgrind): 500 of one size class coming and going at once
// overflow the allocator's per-thread cache every batch. Taken from here,
// the buffers keep their capacity and the allocator is not asked.
//
// Bounded by the capacity it holds; thread-safe (writers encode before they
// take the write lock, each with its own lease).
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <vector>

namespace hearth::engine {

class BufferPool {
 public:
  // Keeps at most `max_bytes` of buffer capacity between leases.
  explicit BufferPool(size_t max_bytes) : max_bytes_(max_bytes) {}

  // `n` buffers, borrowed until the lease ends; the caller may grow, shrink
  // or move them out (a moved-out buffer simply comes back empty). A buffer
  // still holds what an earlier lease left in it (callers replace it): one
  // written in place by resizing (schema::BeginStoredDocument) is then
  // zero-filled only where it grows, not whole, as an emptied one would be.
  class Lease {
   public:
    Lease(BufferPool* pool, std::vector<std::string> buffers) : pool_(pool), buffers_(std::move(buffers)) {}
    ~Lease() { pool_->Give(&buffers_); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    std::string& operator[](size_t i) { return buffers_[i]; }
    size_t size() const { return buffers_.size(); }

   private:
    BufferPool* pool_;
    std::vector<std::string> buffers_;
  };
  Lease Take(size_t n);

  // Capacity held now (for tests).
  size_t held_bytes() const;

 private:
  void Give(std::vector<std::string>* buffers);

  const size_t max_bytes_;
  mutable std::mutex mu_;
  std::vector<std::string> spare_;  // guarded by mu_
  size_t held_ = 0;                 // capacity in spare_, guarded by mu_
};

}  // namespace hearth::engine
