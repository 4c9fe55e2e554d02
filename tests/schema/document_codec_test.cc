#include "schema/document_codec.h"

#include <gtest/gtest.h>
#include <xxhash.h>

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

// A stored value with `version`'s header around `body` and a correct checksum.
std::string WithHeader(uint8_t version, std::string_view body) {
  std::string out{static_cast<char>(version), 0, 0};
  uint64_t sum = XXH3_64bits(body.data(), body.size());
  for (int i = 0; i < (version == 1 ? 4 : 8); i++) out.push_back(static_cast<char>((sum >> (8 * i)) & 0xFF));
  return out + std::string(body);
}

TEST(DocumentCodec, WritesVersion2WithA64BitChecksum) {
  std::string stored = EncodeStoredDocument(RandomDocument(1), {}, {});
  ASSERT_EQ(stored[0], 2);
  EXPECT_EQ(stored, WithHeader(2, std::string_view(stored).substr(11)));
}

TEST(DocumentCodec, ReadsVersion1Values) {
  MapValue m = RandomDocument(2);
  std::string v2 = EncodeStoredDocument(m, {3, 0}, {4, 0});
  std::string v1 = WithHeader(1, std::string_view(v2).substr(11));
  auto d = DecodeStoredDocument(v1, "c/d");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->fields, m);
  EXPECT_EQ(d->update_time, (Timestamp{4, 0}));
  std::string bad = v1;
  bad[5] ^= 1;  // the 4-byte checksum
  EXPECT_EQ(DecodeStoredDocument(bad, "c/d").status().code(), StatusCode::kDataLoss);
}

TEST(DocumentCodec, FullVerificationCatchesABodyThatOnlyTheChecksumVouchesFor) {
  // A forged value: the checksum matches, the FlatBuffer is garbage. Reads
  // trust the checksum; hearth check (kFull) and version 1 values do not.
  std::string garbage(64, '\xFF');
  EXPECT_TRUE(StoredDocument::BodyOffset(WithHeader(2, garbage), "c/d").ok());
  auto full = StoredDocument::BodyOffset(WithHeader(2, garbage), "c/d", Verification::kFull);
  ASSERT_FALSE(full.ok());
  EXPECT_NE(full.status().message().find("c/d"), std::string::npos);
  EXPECT_FALSE(StoredDocument::BodyOffset(WithHeader(1, garbage), "c/d").ok());
}

TEST(DocumentCodec, UnknownVersionIsDataLoss) {
  std::string stored = EncodeStoredDocument(RandomDocument(3), {}, {});
  stored[0] = 3;
  auto d = DecodeStoredDocument(stored, "c/d");
  EXPECT_EQ(d.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(d.status().message().find("unknown format version 3"), std::string::npos);
}

}  // namespace
}  // namespace hearth::schema
