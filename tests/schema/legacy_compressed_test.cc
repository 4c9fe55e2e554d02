#include "schema/legacy_compressed.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include "schema/base64.h"
#include "schema/json.h"
#include "tests/test_util.h"

namespace hearth::schema {
namespace {

// gzip as Python's gzip.compress writes it (the original system's format).
std::string Gzip(const std::string& data) {
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&z, data.size()) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

Value Marker(const std::string& json) {
  return Value::Map({{"_compressed", Value::Boolean(true)}, {"data", Value::String(Base64Encode(Gzip(json)))}});
}

TEST(LegacyCompressed, MarkersExpandIntoTheFieldsTheyStandFor) {
  MapValue doc{{"competitive_forces", Marker(R"({"buyer_power": "Low", "supplier_power": "Medium"})")},
               {"financial_metrics", Marker(R"({"revenue": 100.0, "employees": 5})")},
               {"market_trends", Value::Array({Value::String("EV adoption")})}};
  ASSERT_TRUE(ExpandCompressedFields(&doc).ok());
  EXPECT_EQ(doc.at("competitive_forces").map().at("buyer_power"), Value::String("Low"));
  EXPECT_EQ(doc.at("financial_metrics").map().at("revenue"), Value::Double(100.0));
  EXPECT_EQ(doc.at("financial_metrics").map().at("employees"), Value::Integer(5));
  EXPECT_EQ(doc.at("market_trends").array().size(), 1u);
}

TEST(LegacyCompressed, AMarkerCompressedTwiceExpandsFully) {
  // The original compressed an already-compressed field again, wrapping the marker.
  std::string inner = PlainValueJson(Marker(R"({"strengths": ["Brand"]})"));
  MapValue doc{{"strategic_position", Marker(inner)}};
  ASSERT_TRUE(ExpandCompressedFields(&doc).ok());
  EXPECT_EQ(doc.at("strategic_position").map().at("strengths").array()[0], Value::String("Brand"));
}

TEST(LegacyCompressed, BadDataNamesTheField) {
  for (const std::string& data : {std::string("not base64!"), Base64Encode("plain bytes"), Base64Encode(Gzip("{oops"))}) {
    MapValue doc{{"financial_metrics", Value::Map({{"_compressed", Value::Boolean(true)}, {"data", Value::String(data)}})}};
    Status s = ExpandCompressedFields(&doc);
    ASSERT_FALSE(s.ok()) << data;
    EXPECT_NE(s.message().find("field \"financial_metrics\" is a compressed field"), std::string::npos) << s.message();
  }
  // Maps that merely resemble a marker are left alone.
  MapValue other{{"x", Value::Map({{"_compressed", Value::Boolean(false)}, {"data", Value::String("abc")}})}};
  ASSERT_TRUE(ExpandCompressedFields(&other).ok());
  EXPECT_EQ(other.at("x").map().size(), 2u);
}

class LegacyImport : public testing::DatabaseTest {};

TEST_P(LegacyImport, AnExportedSnapshotImportsWithItsFieldsExpanded) {
  // The shape of the original system's stored snapshot (consultantos-spec.md §1.2).
  std::string line = R"({"monitor_id":"test-monitor-123","timestamp":"2024-01-01 12:00:00","company":"Tesla",
    "competitive_forces":)" + PlainValueJson(Marker(R"({"competitive_rivalry": "High rivalry"})")) +
                     R"(,"financial_metrics":)" + PlainValueJson(Marker(R"({"revenue": 100.0})")) +
                     R"(,"market_trends":["EV adoption accelerating"],"news_sentiment":null,"competitor_mentions":{}})";
  std::erase(line, '\n');
  auto parsed = ParsePlainDocument(line, &MonitoringDomainCollections()[0]);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ASSERT_TRUE(db_->Set("snapshots/test-monitor-123_1704110400", parsed->fields).ok());
  auto d = db_->Get("snapshots/test-monitor-123_1704110400");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->fields.at("competitive_forces").map().at("competitive_rivalry"), Value::String("High rivalry"));
  EXPECT_EQ(d->fields.at("financial_metrics").map().at("revenue"), Value::Double(100.0));
  EXPECT_EQ(d->fields.at("timestamp"), Value::Time({1704110400, 0}));
  EXPECT_TRUE(db_->Check()->ok());
}

INSTANTIATE_TEST_SUITE_P(Backends, LegacyImport,
                         ::testing::Values(testing::Backend::kInMemory, testing::Backend::kOnDisk),
                         testing::BackendName);

}  // namespace
}  // namespace hearth::schema
