#include "engine/parallel_for.h"

#include <future>
#include <thread>

namespace hearth::engine {

namespace {

// The first error in [from, to), in index order.
Status RunRange(size_t from, size_t to, const std::function<Status(size_t)>& fn) {
  Status first;
  for (size_t i = from; i < to; i++) {
    Status s = fn(i);
    if (!s.ok() && first.ok()) first = std::move(s);
  }
  return first;
}

}  // namespace

Status ParallelFor(size_t n, size_t min_parallel, const std::function<Status(size_t)>& fn) {
  static const bool several_cores = std::thread::hardware_concurrency() > 1;
  if (n < min_parallel || !several_cores) return RunRange(0, n, fn);
  const size_t half = n / 2;
  auto second = std::async(std::launch::async, [&] { return RunRange(half, n, fn); });
  Status first = RunRange(0, half, fn);
  Status later = second.get();
  return first.ok() ? later : first;
}

}  // namespace hearth::engine
