// What every measurement is reported with: the machine it ran on, and the
// percentiles of its samples.
#pragma once

#include <string>
#include <vector>

namespace hearth::compare {

// "2 cores, 23.4 GiB, <cpu model>"
std::string MachineDescription();

// The p-th percentile (0..1) of samples (the nearest rank below); 0 when
// there are none.
double Percentile(std::vector<double> samples, double p);

}  // namespace hearth::compare
