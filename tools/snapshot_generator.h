// A deterministic generator of realistic monitoring snapshots in the shape of
// the original MonitorAnalysisSnapshot (reference/consultantos-spec.md §1):
// Porter forces and SWOT prose that evolve slowly from hour to hour, market
// trends, a dozen financial metrics on random walks with occasional jumps,
// news sentiment and competitor mentions; 0.8-5 KB of JSON per document.
// The same options always give the same snapshots, on any machine.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "hearth/value.h"

namespace hearth::tools {

struct GeneratorOptions {
  int monitors = 10;         // monitor ids mon-0000 ...
  int hours = 24;            // hourly snapshots per monitor
  uint64_t seed = 1;
  Timestamp start{1767225600, 0};  // 2026-01-01T00:00:00Z
  // False (default): prose evolves slowly, a few sentences a day, like a
  // monitored company's analysis. True: every sentence is written afresh at
  // every snapshot, as when each analysis is generated anew.
  bool fresh_prose = false;
};

class SnapshotGenerator {
 public:
  explicit SnapshotGenerator(const GeneratorOptions& options);
  ~SnapshotGenerator();

  // The next snapshot, time-major (every monitor's hour h before hour h+1),
  // as a live system receives them. False when all have been produced.
  bool Next(MapValue* snapshot);

  static std::string MonitorId(int index);

 private:
  struct MonitorState;
  GeneratorOptions options_;
  std::vector<std::unique_ptr<MonitorState>> monitors_;
  int hour_ = 0;
  int monitor_ = 0;
};

}  // namespace hearth::tools
