// What every measurement is reported with: the machine it ran on, and the
// percentiles of its samples.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hearth/status.h"

namespace hearth::compare {

// "2 cores, 23.4 GiB, <cpu model>"
std::string MachineDescription();

// The p-th percentile (0..1) of samples (the nearest rank below); 0 when
// there are none.
double Percentile(std::vector<double> samples, double p);

// Bytes this process has read from storage devices so far (Linux's
// /proc/self/io read_bytes): reads the page cache could not serve, not every
// read(). nullopt where the kernel does not say.
std::optional<uint64_t> DeviceReadBytes();

// Makes a new, empty directory "$TMPDIR/<name>-XXXXXX" (mkdtemp; /tmp when
// TMPDIR is unset or empty) for this process's scratch files. Never one that
// exists: a run killed before it cleaned up leaves its directory behind, and
// a name built from the process id alone was reused by a later process,
// which then found a store already there.
StatusOr<std::string> MakeScratchDir(const std::string& name);

// Removes directory `path` and everything in it when it goes out of scope,
// whichever way the scope is left (an empty path: nothing). Declared before
// the stores inside the directory, it outlives them, so they close first.
class RemovedAtExit {
 public:
  explicit RemovedAtExit(std::string path) : path_(std::move(path)) {}
  ~RemovedAtExit();
  RemovedAtExit(const RemovedAtExit&) = delete;
  RemovedAtExit& operator=(const RemovedAtExit&) = delete;

 private:
  std::string path_;
};

// CPU seconds the calling thread has used so far (CLOCK_THREAD_CPUTIME_ID):
// what a thread's own work cost, whatever else shared the cores meanwhile.
double ThreadCpuSeconds();

// CPU seconds used so far by this process's threads named `name` (their
// /proc/self/task/*/comm), from the kernel's per-thread run time
// (schedstat, nanoseconds); 0 when none is running.
double NamedThreadsCpuSeconds(std::string_view name);

// Wall-clock seconds since construction.
class Stopwatch {
 public:
  double Seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

}  // namespace hearth::compare
