// The batch writer behind TimeSeries::StoreBatched: queued writes are
// committed as one atomic batch when the batch is full, when its oldest
// write has waited the delay, on Flush(), and on Close(). Each write's
// handle learns the batch's real outcome.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include "hearth/database.h"
#include "hearth/timeseries.h"

namespace hearth {

struct WriteHandle::State {
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  Status status;
  std::string path;
  void Finish(Status s);
};

namespace api {

class BatchWriter {
 public:
  BatchWriter(Database* db, size_t batch_size, std::chrono::milliseconds delay);
  ~BatchWriter();  // Close()

  // Queues a write; fails the handle at once after Close().
  void Enqueue(std::string path, MapValue fields, std::shared_ptr<WriteHandle::State> handle);
  // Writes everything queued so far; the first error among those writes.
  Status Flush();
  // Flushes, then stops the writer thread.
  Status Close();
  size_t pending() const;

 private:
  struct Item {
    std::string path;
    MapValue fields;
    std::shared_ptr<WriteHandle::State> handle;
  };
  void Run();
  // Takes up to batch_size_ items off the queue and writes them (mu_ not held).
  Status WriteSome(std::unique_lock<std::mutex>& lock);

  Database* db_;
  const size_t batch_size_;
  const std::chrono::milliseconds delay_;
  mutable std::mutex mu_;
  std::condition_variable wake_, idle_;
  std::deque<Item> queue_;
  std::chrono::steady_clock::time_point oldest_;
  size_t in_flight_ = 0;
  uint64_t flush_requests_ = 0;
  bool closed_ = false;
  Status last_error_;
  std::thread thread_;
};

}  // namespace api
}  // namespace hearth
