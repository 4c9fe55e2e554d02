// Helper threads that share one loop of independent steps with its caller.
//
// A write batch checks, measures and encodes each of its documents on its
// own (nothing shared): about half of what a snapshot costs to write
// (callgrind, bench/README.md "Session 21"). Run hands those steps out in
// chunks to the calling thread and the helpers, which take them from one
// counter, so a helper the scheduler holds back costs the caller at most the
// chunk it took.
//
// Written here rather than taken from TBB: TBB's idle workers spin before
// they sleep, and on a two-core machine that spinning takes the core
// RocksDB's flush needs; these helpers sleep on a condition variable as soon
// as a loop is done.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace hearth::engine {

class WorkSharing {
 public:
  // `helpers` threads besides each caller, started at the first Run that
  // can use them and named `thread_name` (at most 15 bytes are kept). 0:
  // every Run runs its loop on the calling thread alone.
  WorkSharing(size_t helpers, std::string thread_name) : helpers_(helpers), thread_name_(std::move(thread_name)) {}
  ~WorkSharing();
  WorkSharing(const WorkSharing&) = delete;
  WorkSharing& operator=(const WorkSharing&) = delete;

  // Calls step(i) exactly once for every i in [0, n), `chunk` consecutive
  // indexes at a time, and returns when every call has returned. Calls run
  // concurrently (on the caller and on helpers), so step must be safe to
  // run in parallel with itself for different i. A loop of at most one
  // chunk, and a Run while another caller's Run holds the helpers, runs on
  // the calling thread alone. Thread-safe.
  void Run(size_t n, size_t chunk, const std::function<void(size_t)>& step);

  size_t helpers() const { return helpers_; }

 private:
  void StartLocked();
  void HelperLoop();

  const size_t helpers_;
  const std::string thread_name_;
  std::mutex run_mu_;  // one Run at a time uses the helpers
  std::mutex mu_;
  std::condition_variable wake_;  // a loop was published, or stop
  std::condition_variable done_;  // a helper left a loop
  const std::function<void()>* loop_ = nullptr;  // guarded by mu_: the loop helpers may join
  uint64_t generation_ = 0;                       // guarded by mu_: counts published loops
  size_t running_ = 0;                            // guarded by mu_: helpers inside *loop_
  bool stop_ = false;                             // guarded by mu_
  std::vector<std::thread> threads_;              // guarded by run_mu_
};

}  // namespace hearth::engine
