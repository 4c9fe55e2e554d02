#include "engine/buffer_pool.h"

namespace hearth::engine {

BufferPool::Lease BufferPool::Take(size_t n) {
  std::vector<std::string> out(n);
  std::lock_guard lock(mu_);
  for (size_t i = 0; i < n && !spare_.empty(); i++) {
    held_ -= spare_.back().capacity();
    out[i].swap(spare_.back());
    spare_.pop_back();
  }
  return Lease(this, std::move(out));
}

void BufferPool::Give(std::vector<std::string>* buffers) {
  std::lock_guard lock(mu_);
  for (std::string& b : *buffers) {
    // Empty buffers (moved out, or never grown) are not worth a slot.
    if (b.capacity() <= std::string().capacity() || held_ + b.capacity() > max_bytes_) continue;
    held_ += b.capacity();
    spare_.push_back(std::move(b));
  }
}

size_t BufferPool::held_bytes() const {
  std::lock_guard lock(mu_);
  return held_;
}

}  // namespace hearth::engine
