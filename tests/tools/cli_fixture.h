// Runs the real hearth binary as a user would, over a store in a fresh
// temporary directory.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/test_util.h"

namespace hearth::testing {

struct CommandResult {
  int exit_code;
  std::string out, err;
};

class Cli : public ::testing::Test {
 protected:
  CommandResult Hearth(const std::string& args, const std::string& stdin_file = "/dev/null") {
    std::string out = dir_.path() + "/out", err = dir_.path() + "/err";
    std::string cmd = std::string(HEARTH_BINARY) + " --db " + dir_.path() + "/db " + args + " < " + stdin_file +
                      " > " + out + " 2> " + err;
    int rc = std::system(cmd.c_str());
    return CommandResult{WEXITSTATUS(rc), Slurp(out), Slurp(err)};
  }
  std::string Slurp(const std::string& f) {
    std::ifstream in(f);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  std::string Write(const std::string& name, const std::string& content) {
    std::string p = dir_.path() + "/" + name;
    std::ofstream(p) << content;
    return p;
  }
  // `hearth gen snapshots GEN_ARGS`, imported into the store.
  void ImportGenerated(const std::string& gen_args) {
    std::string gen_file = dir_.path() + "/gen.jsonl";
    ASSERT_EQ(Hearth("gen snapshots " + gen_args + " > " + gen_file + " #").exit_code, 0);
    ASSERT_EQ(Hearth("import snapshots " + gen_file).exit_code, 0);
  }
  TempDir dir_;
};

}  // namespace hearth::testing
