#include "tools/cli_common.h"

#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "schema/time_format.h"

namespace hearth::tools {

int Fail(const Status& s) {
  std::cerr << "hearth: " << s.ToString() << "\n";
  return 1;
}

ProgressLine::ProgressLine(bool enabled) : enabled_(enabled && isatty(2)) {}

void ProgressLine::Show(const std::string& task, uint64_t done, uint64_t total) {
  if (!enabled_) return;
  char line[512];
  if (total > 0) {
    int pct = static_cast<int>(100.0 * static_cast<double>(done) / static_cast<double>(total));
    if (pct > 100) pct = 100;
    int bar = pct / 4;
    std::snprintf(line, sizeof line, "%s [%.*s%*s] %3d%%", task.c_str(), bar, "=========================", 25 - bar, "",
                  pct);
  } else {
    std::snprintf(line, sizeof line, "%s %llu", task.c_str(), static_cast<unsigned long long>(done));
  }
  if (shown_ && last_ == line) return;
  last_ = line;
  std::fprintf(stderr, "\r%s \033[K", line);
  shown_ = true;
}

void ProgressLine::Done() {
  if (shown_) std::fprintf(stderr, "\n");
  shown_ = false;
  last_.clear();
}

void LineWriter::Line(const std::string& s) {
  buf_ += s;
  buf_ += '\n';
  if (buf_.size() > (1 << 20)) Flush();
}

bool LineWriter::Flush() {
  bool ok = std::fwrite(buf_.data(), 1, buf_.size(), stdout) == buf_.size();
  buf_.clear();
  return ok && std::fflush(stdout) == 0;
}

StatusOr<std::unique_ptr<Database>> OpenDb(const Globals& g, bool create, bool allow_undeclared_collections) {
  Options o;
  o.create_if_missing = create;
  o.allow_undeclared_collections = allow_undeclared_collections;
  o.indexes_file = g.indexes;
  auto progress = std::make_shared<ProgressLine>(!g.quiet);
  o.progress = [progress](const Progress& p) { progress->Show(p.task, p.done, p.total); };
  return Database::Open(o, g.db);
}

CLI::Validator AtLeast(int64_t min) {
  const std::string want = "a whole number of at least " + std::to_string(min);
  return CLI::Validator(
      [min, want](std::string& text) -> std::string {
        int64_t v = 0;
        const char* end = text.data() + text.size();
        auto [p, ec] = std::from_chars(text.data(), end, v);
        if (ec != std::errc() || p != end || v < min) return "must be " + want + ", not '" + text + "'";
        return {};
      },
      min == 1 ? "POSITIVE" : min == 0 ? "NONNEGATIVE" : "AT LEAST " + std::to_string(min));
}

StatusOr<std::string> ReadAll(const std::string& file) {
  std::stringstream ss;
  if (file == "-") {
    ss << std::cin.rdbuf();
    return ss.str();
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) return Status::NotFound("cannot read " + file);
  ss << in.rdbuf();
  return ss.str();
}

StatusOr<Timestamp> TimeArg(const std::string& text, const char* flag) {
  auto t = schema::ParseRfc3339(text);
  if (!t.ok()) return t.status().WithContext(flag);
  return *t;
}

}  // namespace hearth::tools
