// Small self-named snapshots (engine/keys.h) for the engine tests: ids that
// spell their own monitor and time.
#pragma once

#include <cstdint>
#include <string>

#include "hearth/value.h"

namespace hearth::testing {

inline constexpr int64_t kSelfNamedT0 = 1767225600;  // 2026-01-01T00:00:00Z

inline MapValue SelfNamedSnap(const std::string& monitor, int64_t seconds, double v = 1) {
  return MapValue{{"monitor_id", Value::String(monitor)},
                  {"timestamp", Value::Time({seconds, 0})},
                  {"news_sentiment", Value::Double(v)}};
}

inline std::string SelfNamedPath(const std::string& monitor, int64_t seconds) {
  return "snapshots/" + monitor + "_" + std::to_string(seconds);
}

}  // namespace hearth::testing
