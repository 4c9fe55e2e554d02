#include "tests/test_util.h"

#include <random>

#include "schema/json.h"

namespace hearth::testing {

TempDir::TempDir() {
  std::random_device rd;
  auto base = std::filesystem::temp_directory_path();
  for (int i = 0; i < 100; i++) {
    auto p = base / ("hearth-test-" + std::to_string(rd()));
    if (std::filesystem::create_directory(p)) {
      path_ = p.string();
      return;
    }
  }
  ADD_FAILURE() << "cannot create a temporary directory";
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string BackendName(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::kInMemory ? "InMemory" : "OnDisk";
}

void DatabaseTest::SetUp() { Open(); }

void DatabaseTest::TearDown() {
  if (db_) {
    Status s = db_->Close();
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
}

void DatabaseTest::Open(Options options) {
  options.in_memory = GetParam() == Backend::kInMemory;
  auto db = Database::Open(options, dir_.path() + "/db");
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  db_ = std::move(db).value();
}

void DatabaseTest::Reopen(Options options) {
  if (db_) {
    ASSERT_TRUE(db_->Close().ok());
  }
  db_.reset();
  Open(std::move(options));
}

MapValue Fields(const std::string& json) {
  auto d = schema::ParsePlainDocument(json, nullptr);
  EXPECT_TRUE(d.ok()) << d.status().ToString();
  return d.ok() ? d->fields : MapValue{};
}

MapValue FieldsFor(const std::string& collection, const std::string& json) {
  const CollectionDef* def = nullptr;
  for (const auto& d : MonitoringDomainCollections())
    if (d.id == collection) def = &d;
  auto d = schema::ParsePlainDocument(json, def);
  EXPECT_TRUE(d.ok()) << d.status().ToString();
  return d.ok() ? d->fields : MapValue{};
}

StatusOr<std::unique_ptr<Database>> OpenRecordingTasks(const std::string& path, std::vector<std::string>* tasks) {
  Options o;
  o.progress = [tasks](const Progress& p) { tasks->push_back(p.task); };
  return Database::Open(o, path);
}

}  // namespace hearth::testing
