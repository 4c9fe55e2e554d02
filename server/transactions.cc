#include "server/transactions.h"

#include <random>

#include "schema/base64.h"

namespace hearth::server {

namespace {

Status Unknown(const std::string& id) {
  return Status::InvalidArgument("transaction " + id +
                                 " has expired or is not valid (transactions expire after 60 s unused or 270 s in all)");
}

}  // namespace

Transactions::Transactions(TransactionOptions options) : options_(options) {}

bool Transactions::Expired(const Open& o, Clock::time_point now) const {
  return now - o.used > options_.idle || now - o.begun > options_.lifetime;
}

void Transactions::Expire(Clock::time_point now) {
  for (auto it = open_.begin(); it != open_.end();) {
    if (Expired(it->second, now)) it = open_.erase(it);
    else ++it;
  }
}

Transactions::Open* Transactions::Find(const std::string& id, Clock::time_point now) {
  auto it = open_.find(id);
  if (it == open_.end()) return nullptr;
  if (Expired(it->second, now)) {
    open_.erase(it);
    return nullptr;
  }
  it->second.used = now;
  return &it->second;
}

StatusOr<std::string> Transactions::Begin(bool read_only) {
  thread_local std::mt19937_64 rng(std::random_device{}());
  std::string raw(16, '\0');
  for (size_t i = 0; i < raw.size(); i += 8) {
    const uint64_t r = rng();
    for (size_t b = 0; b < 8; b++) raw[i + b] = static_cast<char>(r >> (8 * b));
  }
  std::string id = schema::Base64Encode(raw);
  const auto now = Clock::now();
  std::lock_guard lock(mu_);
  if (open_.size() >= options_.max_open) Expire(now);
  if (open_.size() >= options_.max_open)
    return Status(StatusCode::kResourceExhausted, "too many open transactions (" + std::to_string(open_.size()) +
                                                      "); commit or roll some back");
  Open& o = open_[id];
  o.state.read_only = read_only;
  o.begun = o.used = now;
  return id;
}

Status Transactions::Read(const std::string& id, const std::string& path, std::optional<Timestamp> update_time) {
  std::lock_guard lock(mu_);
  Open* o = Find(id, Clock::now());
  if (o == nullptr) return Unknown(id);
  o->state.reads.emplace(path, update_time);  // a second reading keeps the first
  return Status::OK();
}

Status Transactions::CheckOpen(const std::string& id) {
  std::lock_guard lock(mu_);
  return Find(id, Clock::now()) != nullptr ? Status::OK() : Unknown(id);
}

StatusOr<Transactions::Ended> Transactions::End(const std::string& id) {
  std::lock_guard lock(mu_);
  Open* o = Find(id, Clock::now());
  if (o == nullptr) return Unknown(id);
  Ended e = std::move(o->state);
  open_.erase(id);
  return e;
}

bool Transactions::Rollback(const std::string& id) {
  std::lock_guard lock(mu_);
  return open_.erase(id) > 0;
}

size_t Transactions::open() const {
  std::lock_guard lock(mu_);
  return open_.size();
}

}  // namespace hearth::server
