#include "engine/work_sharing.h"

#include <gtest/gtest.h>
#include <pthread.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace hearth::engine {
namespace {

// Every index once, for loops shorter, equal to and longer than a chunk.
TEST(WorkSharing, CallsEveryIndexExactlyOnce) {
  for (size_t helpers : {0, 1, 3}) {
    WorkSharing sharing(helpers, "test-helper");
    for (size_t n : {0, 1, 7, 8, 9, 100, 1001}) {
      std::vector<std::atomic<int>> calls(n);
      sharing.Run(n, 8, [&](size_t i) { calls[i].fetch_add(1); });
      for (size_t i = 0; i < n; i++) ASSERT_EQ(calls[i].load(), 1) << "helpers " << helpers << " n " << n << " i " << i;
    }
  }
}

// With a helper, a loop of many chunks runs on more than one thread (the
// steps wait until a second thread has joined, so one thread cannot take
// them all), and Run returns only after every step returned.
TEST(WorkSharing, HelpersTakePartOfTheLoop) {
  WorkSharing sharing(1, "test-helper");
  std::mutex mu;
  std::set<std::thread::id> threads;
  std::atomic<size_t> finished{0};
  sharing.Run(64, 1, [&](size_t) {
    {
      std::lock_guard lock(mu);
      threads.insert(std::this_thread::get_id());
    }
    for (int spins = 0; spins < 2000; spins++) {
      {
        std::lock_guard lock(mu);
        if (threads.size() > 1) break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    std::this_thread::sleep_for(std::chrono::microseconds(200));
    finished.fetch_add(1);
  });
  EXPECT_EQ(finished.load(), 64u);
  EXPECT_EQ(threads.size(), 2u);
}

// Helpers carry their name (what top -H shows, and what hearth_compare
// finds to count their CPU).
TEST(WorkSharing, HelpersAreNamed) {
  WorkSharing sharing(1, "a-helper-name-longer-than-15");
  std::mutex mu;
  std::set<std::string> names;
  const auto caller = std::this_thread::get_id();
  std::atomic<bool> helped{false};
  for (int attempt = 0; attempt < 200 && !helped; attempt++)
    sharing.Run(64, 1, [&](size_t) {
      if (std::this_thread::get_id() == caller) {
        std::this_thread::sleep_for(std::chrono::microseconds(100));
        return;
      }
      char name[16] = {};
      pthread_getname_np(pthread_self(), name, sizeof(name));
      std::lock_guard lock(mu);
      names.insert(name);
      helped = true;
    });
  ASSERT_TRUE(helped.load());
  EXPECT_EQ(names, std::set<std::string>{"a-helper-name-l"});
}

TEST(WorkSharing, WithoutHelpersRunsOnTheCaller) {
  WorkSharing sharing(0, "test-helper");
  std::atomic<bool> elsewhere{false};
  const auto caller = std::this_thread::get_id();
  sharing.Run(100, 4, [&](size_t) { elsewhere = elsewhere || std::this_thread::get_id() != caller; });
  EXPECT_FALSE(elsewhere.load());
}

// Callers running at once each get every index of their own loop once (the
// one that finds the helpers busy runs alone).
TEST(WorkSharing, ConcurrentCallers) {
  WorkSharing sharing(1, "test-helper");
  constexpr size_t kCallers = 4, kN = 5000;
  std::vector<std::vector<std::atomic<int>>> calls(kCallers);
  for (auto& c : calls) c = std::vector<std::atomic<int>>(kN);
  std::vector<std::thread> callers;
  for (size_t c = 0; c < kCallers; c++)
    callers.emplace_back([&, c] {
      for (int round = 0; round < 20; round++) sharing.Run(kN / 20, 3, [&](size_t i) { calls[c][round * (kN / 20) + i]++; });
    });
  for (auto& t : callers) t.join();
  for (size_t c = 0; c < kCallers; c++)
    for (size_t i = 0; i < kN; i++) ASSERT_EQ(calls[c][i].load(), 1) << "caller " << c << " i " << i;
}

}  // namespace
}  // namespace hearth::engine
