// RocksDB status -> hearth Status.
#pragma once

#include <rocksdb/status.h>

#include <string_view>

#include "hearth/status.h"

namespace hearth::engine {

inline Status FromRocks(const rocksdb::Status& s, std::string_view context) {
  if (s.ok()) return Status::OK();
  StatusCode code = StatusCode::kInternal;
  if (s.IsNotFound()) {
    code = StatusCode::kNotFound;
  } else if (s.IsCorruption()) {
    code = StatusCode::kDataLoss;
  } else if (s.IsIOError()) {
    code = s.IsNoSpace() ? StatusCode::kResourceExhausted : StatusCode::kUnavailable;
  } else if (s.IsInvalidArgument()) {
    code = StatusCode::kInvalidArgument;
  } else if (s.IsBusy() || s.IsTimedOut() || s.IsTryAgain()) {
    code = StatusCode::kAborted;
  }
  return Status(code, std::string(context) + ": " + s.ToString());
}

}  // namespace hearth::engine
