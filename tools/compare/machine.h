// What every measurement is reported with: the machine it ran on, and the
// percentiles of its samples.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace hearth::compare {

// "2 cores, 23.4 GiB, <cpu model>"
std::string MachineDescription();

// The p-th percentile (0..1) of samples (the nearest rank below); 0 when
// there are none.
double Percentile(std::vector<double> samples, double p);

// "$TMPDIR/<name>-<pid>" (/tmp when TMPDIR is unset or empty): a path for
// this process's scratch files.
std::string ScratchPath(const std::string& name);

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
