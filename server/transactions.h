// The transactions `hearth serve` keeps open between requests: optimistic
// ones. A transaction records the update time of every document it read
// (or that it was missing); its commit adds one WriteBatch::Check per read
// before its writes, so the commit fails with ABORTED, writing nothing, when
// any of those documents changed since it was read, and the official clients
// retry it. This gives Firestore's guarantee for documents read (no write of
// the transaction is based on a stale read) without holding locks across
// requests; a query inside a transaction records the documents it returned,
// so a document that later starts matching it is not detected (no
// predicate locks). Reads at a past time (readTime) are not kept.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "hearth/status.h"
#include "hearth/value.h"

namespace hearth::server {

struct TransactionOptions {
  // Open transactions at most; beyond it Begin fails with RESOURCE_EXHAUSTED.
  // Default: 10,000.
  size_t max_open = 10000;
  // Firestore's limits: a transaction unused for `idle`, or older than
  // `lifetime`, has expired. Defaults: 60 s and 270 s.
  std::chrono::seconds idle{60};
  std::chrono::seconds lifetime{270};
};

class Transactions {
 public:
  explicit Transactions(TransactionOptions options = {});

  // Begins a transaction; returns its id as the wire carries it (base64).
  StatusOr<std::string> Begin(bool read_only);

  // Transaction `id` read the document at `path` (relative path): it had
  // `update_time`, or was missing (nullopt). A document read twice keeps its
  // first reading. INVALID_ARGUMENT when `id` is unknown or expired.
  Status Read(const std::string& id, const std::string& path, std::optional<Timestamp> update_time);
  // INVALID_ARGUMENT unless `id` is open.
  Status CheckOpen(const std::string& id);

  struct Ended {
    bool read_only = false;
    std::map<std::string, std::optional<Timestamp>> reads;  // by path
  };
  // Ends `id` (its commit is being made) and returns what it read.
  // INVALID_ARGUMENT when `id` is unknown or expired.
  StatusOr<Ended> End(const std::string& id);
  // Forgets `id`; true if it was open.
  bool Rollback(const std::string& id);

  size_t open() const;

 private:
  using Clock = std::chrono::steady_clock;
  struct Open {
    Ended state;
    Clock::time_point begun;
    Clock::time_point used;
  };
  // Unused for `idle`, or older than `lifetime`.
  bool Expired(const Open& o, Clock::time_point now) const;
  // Drops expired transactions (mu_ held).
  void Expire(Clock::time_point now);
  // The open transaction `id`, touched, or null (mu_ held).
  Open* Find(const std::string& id, Clock::time_point now);

  const TransactionOptions options_;
  mutable std::mutex mu_;
  std::map<std::string, Open> open_;
};

}  // namespace hearth::server
