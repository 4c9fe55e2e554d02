// Shared test fixtures: a database on each backend (in-memory and on-disk)
// and small helpers for building documents.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "hearth/database.h"
#include "tests/printers.h"

namespace hearth::testing {

// A fresh temporary directory, removed at destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

enum class Backend { kInMemory, kOnDisk };
std::string BackendName(const ::testing::TestParamInfo<Backend>& info);

// A test fixture that runs every test against both backends.
class DatabaseTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override;
  void TearDown() override;
  // Opens (or reopens, on disk) with `options`; in-memory mode ignores dir.
  void Open(Options options = {});
  // Closes and opens again; on the in-memory backend the data is gone, so
  // callers that test persistence check GetParam() first.
  void Reopen(Options options = {});

  TempDir dir_;
  std::unique_ptr<Database> db_;
};

// Opens the store at `path` with default options, recording the task of
// every progress report (what the open had to build) into *tasks.
StatusOr<std::unique_ptr<Database>> OpenRecordingTasks(const std::string& path, std::vector<std::string>* tasks);

// Parses a plain JSON object (no declared timestamp fields).
MapValue Fields(const std::string& json);
// Parses a plain JSON object with the collection's declared timestamp fields.
MapValue FieldsFor(const std::string& collection, const std::string& json);

}  // namespace hearth::testing
