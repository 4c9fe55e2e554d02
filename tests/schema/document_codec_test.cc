#include "schema/document_codec.h"

#include <gtest/gtest.h>

#include "tests/schema/value_generator.h"

namespace hearth::schema {
namespace {

MapValue RandomDocument(uint64_t seed) {
  testing::ValueGenerator gen(seed);
  MapValue m;
  for (int i = 0; i < 12; i++) m["f" + std::to_string(i)] = gen.Next();
  return m;
}

TEST(DocumentCodec, EveryValueTypeRoundTrips) {
  for (uint64_t seed = 0; seed < 200; seed++) {
    MapValue m = RandomDocument(seed);
    std::string stored = EncodeStoredDocument(m, {10, 1}, {20, 2});
    auto d = DecodeStoredDocument(stored, "c/d");
    ASSERT_TRUE(d.ok()) << d.status().ToString();
    EXPECT_EQ(d->fields, m);
    EXPECT_EQ(d->create_time, (Timestamp{10, 1}));
    EXPECT_EQ(d->update_time, (Timestamp{20, 2}));
  }
}

TEST(DocumentCodec, ReadsOneFieldWithoutTheRest) {
  MapValue m{{"a", Value::Integer(1)},
             {"m", Value::Map({{"inner", Value::String("x")}, {"z", Value::Null()}})},
             {"s", Value::String("text")}};
  std::string stored = EncodeStoredDocument(m, {}, {});
  auto sd = StoredDocument::Parse(stored, "c/d");
  ASSERT_TRUE(sd.ok());
  EXPECT_EQ(*sd->Field("s"), Value::String("text"));
  EXPECT_FALSE(sd->Field("missing").has_value());
  EXPECT_EQ(*sd->FieldAt({"m", "inner"}), Value::String("x"));
  EXPECT_FALSE(sd->FieldAt({"s", "inner"}).has_value());
  EXPECT_FALSE(sd->FieldAt({"m", "nope"}).has_value());
}

TEST(DocumentCodec, AnyCorruptedByteIsDataLossNamingTheDocument) {
  std::string stored = EncodeStoredDocument(RandomDocument(5), {}, {});
  for (size_t i = 0; i < stored.size(); i++) {
    std::string bad = stored;
    bad[i] = static_cast<char>(bad[i] ^ 0x5A);
    auto d = DecodeStoredDocument(bad, "snapshots/x");
    ASSERT_FALSE(d.ok()) << "byte " << i;
    EXPECT_EQ(d.status().code(), StatusCode::kDataLoss);
    EXPECT_NE(d.status().message().find("snapshots/x"), std::string::npos);
  }
  EXPECT_FALSE(DecodeStoredDocument(stored.substr(0, stored.size() / 2), "x").ok());
  EXPECT_FALSE(DecodeStoredDocument("", "x").ok());
}

}  // namespace
}  // namespace hearth::schema
