#include "engine/buffer_pool.h"

#include <gtest/gtest.h>

#include <string>

namespace hearth::engine {
namespace {

TEST(BufferPool, ALeaseGivesBuffersThatComeBackWithTheirAllocationAndBytes) {
  BufferPool pool(1 << 20);
  const char* grown = nullptr;
  {
    BufferPool::Lease lease = pool.Take(2);
    ASSERT_EQ(lease.size(), 2u);
    lease[0].assign(3000, 'a');
    grown = lease[0].data();
    EXPECT_TRUE(lease[1].empty());
  }
  EXPECT_GE(pool.held_bytes(), 3000u);
  BufferPool::Lease again = pool.Take(3);
  ASSERT_EQ(again.size(), 3u);
  // The grown buffer is handed out again with its allocation, still holding
  // its bytes (a caller resizing it in place zero-fills nothing).
  EXPECT_EQ(again[0], std::string(3000, 'a'));
  EXPECT_GE(again[0].capacity(), 3000u);
  EXPECT_EQ(again[0].data(), grown);
  EXPECT_TRUE(again[1].empty());
  EXPECT_EQ(pool.held_bytes(), 0u);
}

TEST(BufferPool, KeepsNoMoreThanItsBoundAndNoEmptyBuffers) {
  BufferPool pool(10000);
  {
    BufferPool::Lease lease = pool.Take(5);
    for (size_t i = 0; i < 4; i++) lease[i].assign(4000, 'b');
    std::string moved_out = std::move(lease[0]);  // comes back empty
  }
  // Three buffers of 4000 remained; two fit under 10000.
  EXPECT_LE(pool.held_bytes(), 10000u);
  EXPECT_GE(pool.held_bytes(), 8000u);
  BufferPool::Lease lease = pool.Take(5);
  size_t with_capacity = 0;
  for (size_t i = 0; i < lease.size(); i++) with_capacity += lease[i].capacity() >= 4000;
  EXPECT_EQ(with_capacity, 2u);
}

}  // namespace
}  // namespace hearth::engine
