#include "tools/compare/machine.h"

#include <gtest/gtest.h>
#include <pthread.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

namespace hearth::compare {
namespace {

namespace fs = std::filesystem;

// Each call makes a directory of its own, new and empty, under $TMPDIR; one
// left behind by an earlier process (here: named as the process-id scheme
// named them, with a store's file in it) is never handed out again.
TEST(ScratchDir, EveryCallMakesANewEmptyDirectoryUnderTmpdir) {
  const fs::path tmp = fs::temp_directory_path() / ("hearth-scratch-test-" + std::to_string(::getpid()));
  fs::create_directories(tmp);
  const char* before = std::getenv("TMPDIR");
  const std::string saved = before ? before : "";
  ::setenv("TMPDIR", tmp.c_str(), 1);
  fs::create_directories(tmp / ("run-" + std::to_string(::getpid())));
  std::ofstream(tmp / ("run-" + std::to_string(::getpid())) / "CURRENT") << "left behind";
  auto a = MakeScratchDir("run");
  auto b = MakeScratchDir("run");
  if (before) ::setenv("TMPDIR", saved.c_str(), 1); else ::unsetenv("TMPDIR");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_NE(*a, *b);
  for (const std::string& d : {*a, *b}) {
    EXPECT_EQ(fs::path(d).parent_path(), tmp) << d;
    EXPECT_EQ(fs::path(d).filename().string().rfind("run-", 0), 0u) << d;
    EXPECT_TRUE(fs::is_directory(d)) << d;
    EXPECT_TRUE(fs::is_empty(d)) << d;
  }
  fs::remove_all(tmp);
}

TEST(ScratchDir, SaysWhyWhenItCannot) {
  const char* before = std::getenv("TMPDIR");
  const std::string saved = before ? before : "";
  ::setenv("TMPDIR", "/nonexistent/hearth-scratch", 1);
  auto d = MakeScratchDir("run");
  if (before) ::setenv("TMPDIR", saved.c_str(), 1); else ::unsetenv("TMPDIR");
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find("/nonexistent/hearth-scratch/run-XXXXXX"), std::string::npos)
      << d.status().ToString();
}


// The CPU of threads found by name: a named thread that spins for a while
// is counted (with its time on the CPU, not its wall time), other names not.
TEST(NamedThreadsCpuSeconds, CountsTheThreadsOfThatName) {
  std::promise<void> spun, finish;
  std::thread worker([&] {
    pthread_setname_np(pthread_self(), "cpu-test-spin");
    const double start = ThreadCpuSeconds();
    volatile uint64_t x = 0;
    while (ThreadCpuSeconds() - start < 0.05) x = x + 1;
    spun.set_value();
    finish.get_future().wait();
  });
  spun.get_future().wait();
  const double counted = NamedThreadsCpuSeconds("cpu-test-spin");
  finish.set_value();
  worker.join();
  EXPECT_GE(counted, 0.045);
  EXPECT_LT(counted, 5.0);
  EXPECT_EQ(NamedThreadsCpuSeconds("no-such-thread"), 0.0);
}

}  // namespace
}  // namespace hearth::compare
