// Importing JSON lines into a collection, and the document id rules.
#pragma once

#include <cstdint>
#include <functional>
#include <istream>
#include <string>

#include "hearth/database.h"

namespace hearth::tools {

struct ImportOptions {
  // Collection path: "snapshots" or "monitors/m1/snapshots".
  std::string collection;
  // Field whose value is the document id. Default: "" (the collection's id rule).
  std::string id_field;
  // Documents per atomic batch. Default: 1000.
  size_t batch_size = 1000;
  // Called after each batch with lines read and bytes read so far.
  std::function<void(uint64_t lines, uint64_t bytes)> progress;
};

struct ImportResult {
  uint64_t documents = 0;  // documents written
  uint64_t lines = 0;      // lines read (blank lines included)
  double seconds = 0;
};

// Reads plain-JSON documents, one per line, and writes them in batches. A
// line that carries "__name__" (as `hearth export` writes) keeps that path.
// A bad line fails with "line N: problem"; nothing from its batch is written,
// earlier batches stay written and `*written` says how many documents they held.
StatusOr<ImportResult> ImportJsonLines(Database& db, std::istream& in, const ImportOptions& options,
                                       uint64_t* written);

}  // namespace hearth::tools
