#include "schema/document_ids.h"
#include "tools/import.h"

#include <gtest/gtest.h>

#include <sstream>

#include "tests/test_util.h"

namespace hearth::testing {
namespace {

const CollectionDef* Def(const std::string& id) {
  for (const auto& d : MonitoringDomainCollections())
    if (d.id == id) return &d;
  return nullptr;
}

TEST(DocumentIds, SnapshotsUsePartitionAndFullPrecisionTime) {
  auto whole = schema::DocumentIdFor(Def("snapshots"), FieldsFor("snapshots", R"({"monitor_id":"m1",
      "timestamp":"2024-01-01T12:00:00Z"})"),
                                    "");
  EXPECT_EQ(*whole, "m1_1704110400");
  auto frac = schema::DocumentIdFor(Def("snapshots"), FieldsFor("snapshots", R"({"monitor_id":"m1",
      "timestamp":"2024-01-01T12:00:00.770517"})"),
                                   "");
  EXPECT_EQ(*frac, "m1_1704110400.770517");
  auto agg = schema::DocumentIdFor(Def("aggregations"), FieldsFor("aggregations", R"({"monitor_id":"m1",
      "period":"daily","start_time":"2024-01-01T00:00:00Z"})"),
                                  "");
  EXPECT_EQ(*agg, "m1_daily_1704067200");
  EXPECT_EQ(*schema::DocumentIdFor(Def("monitors"), Fields(R"({"id":"abc"})"), "id"), "abc");
  EXPECT_EQ(schema::DocumentIdFor(Def("monitors"), Fields(R"({})"), "").value().size(), 20u);
  EXPECT_FALSE(schema::DocumentIdFor(Def("monitors"), Fields(R"({"id":[1]})"), "id").ok());
}

class Import : public DatabaseTest {
 protected:
  StatusOr<tools::ImportResult> Run(const std::string& input, uint64_t* written, size_t batch = 2,
                                    const std::string& collection = "snapshots") {
    std::istringstream in(input);
    tools::ImportOptions o;
    o.collection = collection;
    o.batch_size = batch;
    return tools::ImportJsonLines(*db_, in, o, written);
  }
  std::string Snap(int hour) {
    return R"({"monitor_id":"m1","timestamp":"2026-01-01T0)" + std::to_string(hour) + R"(:00:00Z"})" + "\n";
  }
};

TEST_P(Import, WritesEveryLineAndSkipsBlankOnes) {
  uint64_t written = 0;
  auto r = Run(Snap(0) + "\n" + Snap(1) + Snap(2), &written);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->documents, 3u);
  EXPECT_EQ(r->lines, 4u);
  EXPECT_TRUE(db_->Get("snapshots/m1_1767229200").ok());
}

TEST_P(Import, ABadLineNamesItselfAndItsBatchIsNotWritten) {
  uint64_t written = 0;
  // Batches of 2: lines 1-2 are written, line 4 is malformed, so line 3 is not.
  auto r = Run(Snap(0) + Snap(1) + Snap(2) + "{\"monitor_id\": oops}\n" + Snap(4), &written);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("line 4"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("malformed JSON"), std::string::npos);
  EXPECT_EQ(written, 2u);
  EXPECT_TRUE(db_->Get("snapshots/m1_1767225600").ok());
  EXPECT_EQ(db_->Get("snapshots/m1_1767232800").status().code(), StatusCode::kNotFound);
}

TEST_P(Import, StoreLevelErrorsNameTheLineToo) {
  uint64_t written = 0;
  std::string big = R"({"monitor_id":"m1","timestamp":"2026-01-01T05:00:00Z","blob":")" + std::string(1100000, 'x') +
                    "\"}\n";
  auto r = Run(Snap(0) + big, &written);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("line 2"), std::string::npos) << r.status().message().substr(0, 200);
  EXPECT_NE(r.status().message().find("1 MiB"), std::string::npos);
  EXPECT_EQ(written, 0u);
  EXPECT_EQ(db_->Get("snapshots/m1_1767225600").status().code(), StatusCode::kNotFound);
}

TEST_P(Import, RejectsNonTimestampsUnknownCollectionsAndForeignNames) {
  uint64_t written = 0;
  auto r = Run(R"({"monitor_id":"m1","timestamp":true})", &written);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("line 1"), std::string::npos);
  EXPECT_NE(r.status().message().find("declared a timestamp"), std::string::npos);
  auto u = Run("{}\n", &written, 10, "snapshotz");
  ASSERT_FALSE(u.ok());
  EXPECT_NE(u.status().message().find("unknown collection"), std::string::npos);
  auto n = Run(R"({"__name__":"monitors/x","monitor_id":"m1","timestamp":"2026-01-01T00:00:00Z"})", &written);
  ASSERT_FALSE(n.ok());
  EXPECT_NE(n.status().message().find("is not in collection snapshots"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, Import, ::testing::Values(Backend::kInMemory, Backend::kOnDisk), BackendName);

}  // namespace
}  // namespace hearth::testing
