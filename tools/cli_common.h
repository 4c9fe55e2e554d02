// What every `hearth` command shares: the global options, opening the
// store, progress on a terminal, buffered output, errors and time arguments.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "hearth/database.h"
#include "hearth/status.h"

namespace hearth::tools {

struct Globals {
  std::string db = "./hearth-data";
  std::string indexes;
  bool quiet = false;
};

// Prints "hearth: CODE: message" on stderr; returns the exit status 1.
int Fail(const Status& s);

// A one-line progress bar on stderr when it is a terminal.
class ProgressLine {
 public:
  explicit ProgressLine(bool enabled);
  void Show(const std::string& task, uint64_t done, uint64_t total);
  // Ends the line (when one was shown); the next Show starts a new one.
  void Done();
  ~ProgressLine() { Done(); }

 private:
  bool enabled_;
  bool shown_ = false;
  std::string last_;  // what is on the line: redrawn only when it changes
};

// Buffers output lines and writes them to stdout in large chunks.
class LineWriter {
 public:
  void Line(const std::string& s);
  bool Flush();
  ~LineWriter() { Flush(); }

 private:
  std::string buf_;
};

// Opens the store of --db (creating it when `create`), with progress.
// `allow_undeclared_collections`: Options::allow_undeclared_collections.
StatusOr<std::unique_ptr<Database>> OpenDb(const Globals& g, bool create, bool allow_undeclared_collections = false);
// A check for a whole-number option of at least `min`, whose message says
// so ("--monitors: must be a whole number of at least 1, not '0'"). CLI11's
// PositiveNumber and NonNegativeNumber write their bound out as DBL_MAX in
// full, 300 digits.
CLI::Validator AtLeast(int64_t min);
// A file's contents; "-" is stdin.
StatusOr<std::string> ReadAll(const std::string& file);
// An RFC 3339 time given to `flag`.
StatusOr<Timestamp> TimeArg(const std::string& text, const char* flag);

// Opens the store of --db and a service over it (`open`), runs `body`, and
// closes both; the exit status.
template <typename Service>
int WithService(const Globals& g, const std::function<StatusOr<std::unique_ptr<Service>>(Database*)>& open,
                const std::function<int(Service&, Database&)>& body) {
  auto db = OpenDb(g, false);
  if (!db.ok()) return Fail(db.status());
  auto service = open(db->get());
  if (!service.ok()) return Fail(service.status());
  int rc = body(**service, **db);
  service->reset();
  Status closed = (*db)->Close();
  return rc != 0 ? rc : closed.ok() ? 0 : Fail(closed);
}

// A subcommand added by a command module, and what runs it.
struct Command {
  CLI::App* app;
  std::function<int()> run;
};

}  // namespace hearth::tools
