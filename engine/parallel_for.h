// Work on a batch's documents split over two threads.
//
// Why: a write's validation and encoding are pure work per document, and the
// writer is one thread while the machine has more cores (RocksDB's flushes
// and compactions take what is left).
#pragma once

#include <cstddef>
#include <functional>

#include "hearth/status.h"

namespace hearth::engine {

// Runs fn(i) for every i in [0, n). With n of at least `min_parallel` and
// more than one core, the second half runs on a helper thread meanwhile; fn
// must be safe to run concurrently for different i. Every i runs; the result
// is the error of the lowest i that failed (OK when none did).
Status ParallelFor(size_t n, size_t min_parallel, const std::function<Status(size_t)>& fn);

}  // namespace hearth::engine
