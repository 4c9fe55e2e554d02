#include "tools/compare/machine.h"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <thread>

namespace hearth::compare {

std::string MachineDescription() {
  std::string model = "unknown CPU";
  std::ifstream cpu("/proc/cpuinfo");
  for (std::string line; std::getline(cpu, line);)
    if (line.rfind("model name", 0) == 0) {
      model = line.substr(line.find(':') + 2);
      break;
    }
  double gib = static_cast<double>(sysconf(_SC_PHYS_PAGES)) * static_cast<double>(sysconf(_SC_PAGE_SIZE)) /
               (1024.0 * 1024 * 1024);
  char buf[256];
  std::snprintf(buf, sizeof buf, "%u cores, %.1f GiB, %s", std::thread::hardware_concurrency(), gib, model.c_str());
  return buf;
}

double ThreadCpuSeconds() {
  timespec t{};
  if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t) != 0) return 0;
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

double NamedThreadsCpuSeconds(std::string_view name) {
  namespace fs = std::filesystem;
  double seconds = 0;
  std::error_code ec;
  for (const auto& task : fs::directory_iterator("/proc/self/task", ec)) {
    std::ifstream comm(task.path() / "comm");
    std::string thread_name;
    if (!std::getline(comm, thread_name) || thread_name != name) continue;
    std::ifstream schedstat(task.path() / "schedstat");
    uint64_t run_ns = 0;
    if (schedstat >> run_ns) seconds += static_cast<double>(run_ns) * 1e-9;
  }
  return seconds;
}

std::optional<uint64_t> DeviceReadBytes() {
  std::ifstream io("/proc/self/io");
  for (std::string line; std::getline(io, line);)
    if (line.rfind("read_bytes:", 0) == 0) {
      const char* begin = line.data() + 11;
      while (*begin == ' ') begin++;
      uint64_t bytes = 0;
      auto [end, ec] = std::from_chars(begin, line.data() + line.size(), bytes);
      if (ec != std::errc() || end == begin) return std::nullopt;
      return bytes;
    }
  return std::nullopt;
}

StatusOr<std::string> MakeScratchDir(const std::string& name) {
  const char* tmp = std::getenv("TMPDIR");
  const std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/" + name + "-XXXXXX";
  std::string path = pattern;
  if (::mkdtemp(path.data()) == nullptr)
    return Status::Unavailable("cannot make a scratch directory " + pattern + ": " + std::strerror(errno));
  return path;
}

RemovedAtExit::~RemovedAtExit() {
  std::error_code ignored;
  if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[static_cast<size_t>(p * static_cast<double>(v.size() - 1))];
}

}  // namespace hearth::compare
