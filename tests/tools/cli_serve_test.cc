// `hearth serve` as a user runs it: started on a free port, asked over HTTP,
// stopped with SIGTERM, its writes still in the store afterwards.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <regex>
#include <thread>

#include "schema/json.h"
#include "sync/http_client.h"
#include "tests/tools/cli_fixture.h"

namespace hearth::testing {
namespace {

class CliServe : public Cli {
 protected:
  // Starts `hearth --db DIR/db serve ARGS` with stderr to a file; returns its
  // pid, and the port it printed in `port` (0 when none came in 20 s).
  pid_t Start(const std::vector<std::string>& args, int* port) {
    const std::string err = dir_.path() + "/serve.err";
    std::vector<std::string> argv = {HEARTH_BINARY, "--db", dir_.path() + "/db", "serve"};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> c;
    for (auto& a : argv) c.push_back(a.data());
    c.push_back(nullptr);
    posix_spawn_file_actions_t files;
    posix_spawn_file_actions_init(&files);
    posix_spawn_file_actions_addopen(&files, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t pid = 0;
    EXPECT_EQ(posix_spawn(&pid, HEARTH_BINARY, &files, nullptr, c.data(), environ), 0);
    posix_spawn_file_actions_destroy(&files);
    *port = 0;
    const std::regex listening(R"(http://127\.0\.0\.1:(\d+))");
    for (int i = 0; i < 400 && *port == 0; i++) {
      std::smatch m;
      const std::string text = Slurp(err);
      if (std::regex_search(text, m, listening)) *port = std::stoi(m[1]);
      else std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return pid;
  }
  int Stop(pid_t pid) {
    kill(pid, SIGTERM);
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
};

TEST_F(CliServe, ServesTheStoreUntilSigtermAndKeepsItsWrites) {
  int port = 0;
  pid_t pid = Start({"--port", "0"}, &port);
  ASSERT_GT(port, 0) << Slurp(dir_.path() + "/serve.err");
  const std::string docs = "http://127.0.0.1:" + std::to_string(port) + "/v1/projects/p/databases/(default)/documents";
  {
    sync::HttpClient http;
    auto put = http.Send("PATCH", docs + "/monitors/m1", {}, R"({"fields":{"user_id":{"stringValue":"u1"}}})");
    ASSERT_TRUE(put.ok()) << put.status().ToString();
    EXPECT_EQ(put->status, 200) << put->body;
    // An undeclared collection is refused unless --allow-undeclared-collections.
    auto undeclared = http.Send("PATCH", docs + "/events/e1", {}, R"({"fields":{}})");
    ASSERT_TRUE(undeclared.ok());
    EXPECT_EQ(undeclared->status, 400);
    EXPECT_NE(undeclared->body.find("allow undeclared"), std::string::npos) << undeclared->body;
  }
  EXPECT_EQ(Stop(pid), 0);
  CommandResult got = Hearth("get monitors/m1");
  EXPECT_EQ(got.exit_code, 0) << got.err;
  EXPECT_NE(got.out.find("u1"), std::string::npos);
}

TEST_F(CliServe, BadArgumentsAndASecondServerOnTheStoreFailWithAMessage) {
  CommandResult range = Hearth("serve --port 70000");
  EXPECT_NE(range.exit_code, 0);
  EXPECT_NE(range.err.find("--port"), std::string::npos) << range.err;
  int port = 0;
  pid_t pid = Start({"--port", "0", "--allow-undeclared-collections"}, &port);
  ASSERT_GT(port, 0);
  // A second server on the same store is refused by the store's lock, naming it.
  CommandResult second = Hearth("serve --port 0");
  EXPECT_NE(second.exit_code, 0);
  EXPECT_NE(second.err.find("in use"), std::string::npos) << second.err;
  EXPECT_EQ(Stop(pid), 0);
  EXPECT_NE(Hearth("serve --help").out.find("--allow-undeclared-collections"), std::string::npos);
}

}  // namespace
}  // namespace hearth::testing
