// Shared helpers for hearth's benchmark programs: the machine description
// every result is reported with, timing, and scratch directories.
#pragma once

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <random>

#include "hearth/status.h"
#include "hearth/timeseries.h"
#include "tools/compare/machine.h"
#include "tools/snapshot_generator.h"

namespace hearth::bench {

using compare::MachineDescription;
using compare::Percentile;

using compare::Stopwatch;

// Runs f(i) n times; the microseconds each call took.
template <typename F>
std::vector<double> TimeEach(int n, F&& f) {
  std::vector<double> out;
  out.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; i++) {
    Stopwatch sw;
    f(i);
    out.push_back(sw.Seconds() * 1e6);
  }
  return out;
}

// "what   p50 ... us   p99 ... us   (N documents)"
void ReportLatency(const char* what, const std::vector<double>& us, double documents = 0);

// Exits with the status printed when it is not OK (benchmarks stop at the first error).
void CheckOk(const Status& s);

// A `days`-day range of every document, ending anywhere it fits inside
// [t0, t_end) (epoch seconds).
RangeRequest RandomWindow(std::mt19937_64& rng, int64_t t0, int64_t t_end, int days);

// Reads every snapshot of generated monitors 0..monitors-1 in [t0, t_end)
// once, so every block is in the block cache (steady state).
void ReadEverySnapshot(TimeSeries& ts, int monitors, int64_t t0, int64_t t_end);

// A fresh directory under $TMPDIR (or /tmp), removed at destruction.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& name);
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  compare::RemovedAtExit removed_{path_};
};

// A store holding the generated snapshots of `g` (written in batches of
// 500, time-major, then compacted), ready to measure. With `keep` set, the
// ingested store is kept in that directory and reused by later runs, and
// each run measures a copy of it in `scratch` (so it stays as ingested);
// otherwise it is ingested into `scratch`. Returns the path to open.
std::string PrepareSnapshotStore(const Options& o, const tools::GeneratorOptions& g, const std::string& keep,
                                 const ScratchDir& scratch);

}  // namespace hearth::bench
