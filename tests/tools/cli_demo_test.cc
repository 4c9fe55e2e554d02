// `hearth demo` end to end: the real binary on a small workload.
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/tools/cli_fixture.h"

namespace hearth::testing {
namespace {

using CliDemo = Cli;

TEST_F(CliDemo, IngestsRollsUpQueriesAndRetainsNextToSqlite) {
  CommandResult r = Hearth("demo --monitors 4 --days 3 --json " + dir_.path() + "/demo.json");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("4 monitors x 3 days of hourly snapshots (288)"), std::string::npos) << r.out;
  for (const char* row : {"ingest", "disk", "latest", "range 7d", "at-time", "monthly aggregation", "retention",
                          "hearth vs sqlite", "rollups: "})
    EXPECT_NE(r.out.find(row), std::string::npos) << row << "\n" << r.out;
  EXPECT_EQ(r.out.find("DISAGREEMENT"), std::string::npos) << r.out;
  EXPECT_TRUE(std::filesystem::exists(dir_.path() + "/demo.json"));
  EXPECT_TRUE(std::filesystem::exists(dir_.path() + "/db/HEARTH-DEMO"));

  // The store stays, rolled up, with the oldest third retained away and the
  // policy kept.
  CommandResult latest = Hearth("snapshots latest mon-0003");
  ASSERT_EQ(latest.exit_code, 0) << latest.err;
  EXPECT_NE(latest.out.find("\"monitor_id\":\"mon-0003\""), std::string::npos);
  CommandResult stats = Hearth("stats --json");
  ASSERT_EQ(stats.exit_code, 0) << stats.err;
  EXPECT_NE(stats.out.find("\"documents\":192"), std::string::npos) << stats.out;  // 4 x 48 hours kept
  CommandResult policy = Hearth("retention --dry-run");
  ASSERT_EQ(policy.exit_code, 0) << policy.err;
  EXPECT_NE(policy.out.find("snapshots"), std::string::npos) << policy.out;
  CommandResult check = Hearth("check");
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
}

TEST_F(CliDemo, ReplacesItsOwnStoreButNotOtherData) {
  ASSERT_EQ(Hearth("demo --monitors 2 --days 2 --compare none").exit_code, 0);
  CommandResult again = Hearth("demo --monitors 3 --days 2 --compare none");
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(Hearth("snapshots latest mon-0002").exit_code, 0);  // the second demo's store

  std::filesystem::remove_all(dir_.path() + "/db");
  ASSERT_EQ(Hearth("put monitors/m1 '{\"user_id\": \"u\"}'").exit_code, 0);
  CommandResult refused = Hearth("demo --monitors 2 --days 2 --compare none");
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("holds data that hearth demo did not create"), std::string::npos) << refused.err;
  EXPECT_EQ(Hearth("get monitors/m1").exit_code, 0);  // untouched
  EXPECT_EQ(Hearth("demo --monitors 2 --days 2 --compare none --replace").exit_code, 0);
  EXPECT_NE(Hearth("get monitors/m1").exit_code, 0);
}

TEST_F(CliDemo, BadArgumentsFailWithAMessage) {
  CommandResult r = Hearth("demo --compare mysql --monitors 2 --days 2");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("unknown store 'mysql'"), std::string::npos) << r.err;
  EXPECT_NE(Hearth("demo --days 0").exit_code, 0);
  // A count below its least says what it must be, in a line a person reads.
  for (const char* bad : {"0", "-3", "two", "1.5"}) {
    r = Hearth(std::string("demo --monitors ") + bad);
    EXPECT_NE(r.exit_code, 0) << bad;
    EXPECT_NE(r.err.find(std::string("--monitors: must be a whole number of at least 1, not '") + bad + "'"),
              std::string::npos)
        << r.err;
    EXPECT_LT(r.err.size(), 200u) << r.err;
  }
}

}  // namespace
}  // namespace hearth::testing
