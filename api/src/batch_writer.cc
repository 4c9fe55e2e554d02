#include "api/src/batch_writer.h"

namespace hearth {

void WriteHandle::State::Finish(Status s) {
  {
    std::lock_guard lock(mu);
    status = std::move(s);
    done = true;
  }
  cv.notify_all();
}

Status WriteHandle::Wait() const {
  std::unique_lock lock(state_->mu);
  state_->cv.wait(lock, [&] { return state_->done; });
  return state_->status;
}

bool WriteHandle::done() const {
  std::lock_guard lock(state_->mu);
  return state_->done;
}

const std::string& WriteHandle::path() const { return state_->path; }

namespace api {

BatchWriter::BatchWriter(Database* db, size_t batch_size, std::chrono::milliseconds delay)
    : db_(db), batch_size_(batch_size == 0 ? 1 : batch_size), delay_(delay) {
  thread_ = std::thread([this] { Run(); });
}

BatchWriter::~BatchWriter() { (void)Close(); }

void BatchWriter::Enqueue(std::string path, MapValue fields, std::shared_ptr<WriteHandle::State> handle) {
  std::unique_lock lock(mu_);
  if (closed_) {
    lock.unlock();
    handle->Finish(Status::FailedPrecondition("the time series is closed"));
    return;
  }
  if (queue_.empty()) oldest_ = std::chrono::steady_clock::now();
  queue_.push_back(Item{std::move(path), std::move(fields), std::move(handle)});
  // The first item starts the delay; a full batch goes at once.
  if (queue_.size() == 1 || queue_.size() >= batch_size_) wake_.notify_one();
}

Status BatchWriter::WriteSome(std::unique_lock<std::mutex>& lock) {
  std::vector<Item> items;
  while (!queue_.empty() && items.size() < batch_size_) {
    items.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  if (!queue_.empty()) oldest_ = std::chrono::steady_clock::now();
  in_flight_ += items.size();
  lock.unlock();
  WriteBatch batch;
  for (auto& it : items) batch.Set(it.path, std::move(it.fields));
  auto r = db_->Write(batch);
  Status s = r.ok() ? Status::OK() : r.status();
  for (auto& it : items) it.handle->Finish(s);
  lock.lock();
  in_flight_ -= items.size();
  if (!s.ok()) last_error_ = s;
  idle_.notify_all();
  return s;
}

void BatchWriter::Run() {
  std::unique_lock lock(mu_);
  uint64_t served = 0;  // flush requests already satisfied
  while (true) {
    if (queue_.empty()) {
      served = flush_requests_;
      idle_.notify_all();
      if (closed_) return;
      wake_.wait(lock, [&] { return closed_ || !queue_.empty() || flush_requests_ != served; });
      continue;
    }
    const bool urgent = closed_ || flush_requests_ != served || queue_.size() >= batch_size_;
    if (!urgent && std::chrono::steady_clock::now() < oldest_ + delay_) {
      wake_.wait_until(lock, oldest_ + delay_,
                       [&] { return closed_ || flush_requests_ != served || queue_.size() >= batch_size_; });
      continue;
    }
    (void)WriteSome(lock);
  }
}

Status BatchWriter::Flush() {
  std::unique_lock lock(mu_);
  last_error_ = Status::OK();
  flush_requests_++;
  wake_.notify_one();
  idle_.wait(lock, [&] { return queue_.empty() && in_flight_ == 0; });
  return last_error_;
}

Status BatchWriter::Close() {
  Status s;
  {
    std::unique_lock lock(mu_);
    if (closed_ && !thread_.joinable()) return Status::OK();
    closed_ = true;
    wake_.notify_one();
    idle_.wait(lock, [&] { return queue_.empty() && in_flight_ == 0; });
    s = last_error_;
  }
  if (thread_.joinable()) thread_.join();
  return s;
}

size_t BatchWriter::pending() const {
  std::lock_guard lock(mu_);
  return queue_.size() + in_flight_;
}

}  // namespace api
}  // namespace hearth
