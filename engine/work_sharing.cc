#include "engine/work_sharing.h"

#include <algorithm>
#include <pthread.h>

#include <atomic>

namespace hearth::engine {

WorkSharing::~WorkSharing() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  for (auto& t : threads_) t.join();
}

void WorkSharing::StartLocked() {
  while (threads_.size() < helpers_) threads_.emplace_back([this] { HelperLoop(); });
}

void WorkSharing::Run(size_t n, size_t chunk, const std::function<void(size_t)>& step) {
  chunk = std::max<size_t>(chunk, 1);
  std::unique_lock run(run_mu_, std::defer_lock);
  if (helpers_ == 0 || n <= chunk || !run.try_lock()) {
    for (size_t i = 0; i < n; i++) step(i);
    return;
  }
  StartLocked();
  std::atomic<size_t> next{0};
  const std::function<void()> loop = [&] {
    for (size_t begin; (begin = next.fetch_add(chunk, std::memory_order_relaxed)) < n;)
      for (size_t i = begin, end = std::min(n, begin + chunk); i < end; i++) step(i);
  };
  {
    std::lock_guard lock(mu_);
    loop_ = &loop;
    generation_++;
  }
  wake_.notify_all();
  loop();
  // Withdraw the loop (a helper that wakes from now on does not join it),
  // then wait for the helpers inside it: they finish the chunks they took.
  std::unique_lock lock(mu_);
  loop_ = nullptr;
  done_.wait(lock, [&] { return running_ == 0; });
}

void WorkSharing::HelperLoop() {
  pthread_setname_np(pthread_self(), thread_name_.substr(0, 15).c_str());
  uint64_t seen = 0;
  std::unique_lock lock(mu_);
  for (;;) {
    wake_.wait(lock, [&] { return stop_ || (loop_ != nullptr && generation_ != seen); });
    if (stop_) return;
    seen = generation_;
    const std::function<void()>* loop = loop_;
    running_++;
    lock.unlock();
    (*loop)();
    lock.lock();
    if (--running_ == 0) done_.notify_all();
  }
}

}  // namespace hearth::engine
