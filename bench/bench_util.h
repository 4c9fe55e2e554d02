// Shared helpers for hearth's benchmark programs: the machine description
// every result is reported with, timing, and scratch directories.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace hearth::bench {

// "2 cores, 23.4 GiB, <cpu model>"
std::string MachineDescription();

// The p-th percentile (0..1) of samples; 0 when there are none.
double Percentile(std::vector<double> samples, double p);

// Wall-clock seconds since construction.
class Stopwatch {
 public:
  Stopwatch() : start_(std::chrono::steady_clock::now()) {}
  double Seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::chrono::steady_clock::time_point start_;
};

// A fresh directory under $TMPDIR (or /tmp), removed at destruction.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& name);
  ~ScratchDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace hearth::bench
