#include "schema/document_codec.h"

#include <gtest/gtest.h>
#include <xxhash.h>

#include <cmath>

#include "schema/document_body.h"
#include "schema/document_body_fb.h"
#include "schema/json.h"
#include "tests/schema/value_generator.h"

namespace hearth::schema {
namespace {

MapValue RandomDocument(uint64_t seed) {
  testing::ValueGenerator gen(seed);
  MapValue m;
  for (int i = 0; i < 12; i++) m["f" + std::to_string(i)] = gen.Next();
  return m;
}

// A dictionary trained on random documents, registered under id 7.
std::shared_ptr<const Dictionary> TrainedDictionary(Dictionaries* into) {
  std::vector<std::string> samples;
  for (uint64_t seed = 1000; seed < 1400; seed++) {
    std::string body;
    EncodeDocumentBody(RandomDocument(seed), {}, {}, &body);
    samples.push_back(std::move(body));
  }
  auto bytes = TrainDictionary(samples, 16 * 1024);
  EXPECT_TRUE(bytes.ok()) << bytes.status().ToString();
  auto d = std::make_shared<const Dictionary>(7, *bytes);
  into->Add(d);
  return d;
}

// Every codec: the same behaviour whatever compresses the body.
class EveryCodec : public ::testing::TestWithParam<Codec> {
 protected:
  void SetUp() override {
    compression_.codec = GetParam();
    if (GetParam() == Codec::kZstdDictionary) compression_.dictionary = TrainedDictionary(&dictionaries_);
  }
  std::string Encode(const MapValue& m, Timestamp c = {}, Timestamp u = {}) {
    return EncodeStoredDocument(m, c, u, compression_);
  }
  Compression compression_;
  Dictionaries dictionaries_;
};

TEST_P(EveryCodec, EveryValueTypeRoundTrips) {
  for (uint64_t seed = 0; seed < 200; seed++) {
    MapValue m = RandomDocument(seed);
    std::string stored = Encode(m, {10, 1}, {20, 2});
    auto d = DecodeStoredDocument(stored, "c/d", &dictionaries_);
    ASSERT_TRUE(d.ok()) << d.status().ToString();
    EXPECT_EQ(d->fields, m);
    EXPECT_EQ(d->create_time, (Timestamp{10, 1}));
    EXPECT_EQ(d->update_time, (Timestamp{20, 2}));
    auto full = StoredDocument::Parse(stored, "c/d", Verification::kFull, &dictionaries_);
    EXPECT_TRUE(full.ok()) << full.status().ToString();
  }
}

TEST_P(EveryCodec, FieldsEncodedAheadOfTheTimesGiveTheSameBytes) {
  // One buffer for every seed, as the write path reuses its buffers: what it
  // held before is replaced, never appended to.
  std::string stored(5000, 'x');
  for (uint64_t seed = 0; seed < 50; seed++) {
    const MapValue m = RandomDocument(seed);
    const Timestamp created{10 + int64_t(seed), 1}, updated{2000000000, int32_t(seed)};
    std::string fields;
    EncodeDocumentFields(m, &fields);
    std::string body, from_fields;
    EncodeDocumentBody(m, created, updated, &body);
    EncodeDocumentBodyFromFields(fields, created, updated, &from_fields);
    EXPECT_EQ(from_fields, body) << "seed " << seed;
    EncodeStoredDocumentFromFields(fields, created, updated, compression_, 123, &stored);
    EXPECT_EQ(stored, EncodeStoredDocument(m, created, updated, compression_, 123)) << "seed " << seed;
  }
  // No fields: the body is the times alone.
  std::string none, body;
  EncodeDocumentFields({}, &none);
  EXPECT_TRUE(none.empty());
  EncodeDocumentBody({}, {1, 0}, {2, 0}, &body);
  std::string from_none;
  EncodeDocumentBodyFromFields(none, {1, 0}, {2, 0}, &from_none);
  EXPECT_EQ(from_none, body);
}

TEST_P(EveryCodec, CompressesWhatIsWorthCompressing) {
  MapValue m;
  for (int i = 0; i < 50; i++) m["field" + std::to_string(i)] = Value::String("the same words again and again");
  std::string stored = Encode(m);
  auto h = StoredDocument::ReadHeader(stored, "c/d");
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->codec, GetParam());
  EXPECT_EQ(h->dict_id, GetParam() == Codec::kZstdDictionary ? 7u : 0u);
  // A document that compression would not shrink is stored as it is.
  auto tiny = StoredDocument::ReadHeader(Encode({{"a", Value::Integer(1)}}), "c/d");
  ASSERT_TRUE(tiny.ok());
  EXPECT_EQ(tiny->codec, Codec::kNone);
}

TEST_P(EveryCodec, ReadsOneFieldWithoutTheRest) {
  MapValue m{{"a", Value::Integer(1)},
             {"m", Value::Map({{"inner", Value::String("x")}, {"z", Value::Null()}})},
             {"s", Value::String(std::string(300, 's'))}};
  std::string stored = Encode(m);
  auto sd = StoredDocument::Parse(stored, "c/d", Verification::kChecksum, &dictionaries_);
  ASSERT_TRUE(sd.ok());
  EXPECT_EQ(*sd->Field("s"), Value::String(std::string(300, 's')));
  EXPECT_FALSE(sd->Field("missing").has_value());
  EXPECT_FALSE(sd->Field("b").has_value());  // between two present keys
  EXPECT_EQ(*sd->FieldAt({"m", "inner"}), Value::String("x"));
  EXPECT_EQ(*sd->FieldAt({"m", "z"}), Value::Null());
  EXPECT_FALSE(sd->FieldAt({"s", "inner"}).has_value());
  EXPECT_FALSE(sd->FieldAt({"m", "nope"}).has_value());
}

TEST_P(EveryCodec, AnyCorruptedByteIsDataLossNamingTheDocument) {
  MapValue m = RandomDocument(5);
  m["prose"] = Value::String("a long analysis that repeats, a long analysis that repeats, a long analysis");
  std::string stored = Encode(m);
  for (size_t i = 0; i < stored.size(); i++) {
    std::string bad = stored;
    bad[i] = static_cast<char>(bad[i] ^ 0x5A);
    auto d = DecodeStoredDocument(bad, "snapshots/x", &dictionaries_);
    ASSERT_FALSE(d.ok()) << "byte " << i;
    EXPECT_EQ(d.status().code(), StatusCode::kDataLoss);
    EXPECT_NE(d.status().message().find("snapshots/x"), std::string::npos);
  }
  EXPECT_FALSE(DecodeStoredDocument(stored.substr(0, stored.size() / 2), "x", &dictionaries_).ok());
  EXPECT_FALSE(DecodeStoredDocument("", "x", &dictionaries_).ok());
}

// What ReadFields hands out for a document, as text: "name=...;".
std::string ReadAll(const StoredDocument& sd) {
  std::string out;
  const FieldRead reads[] = {
      {.name = "a", .value = [&](const Value& v) { out += "a=" + std::to_string(v.integer()) + ";"; }},
      {.name = "metrics",
       .numbers = [&](std::string_view k, double v) { out += std::string(k) + "=" + std::to_string(v) + ";"; }},
      {.name = "trends", .strings = [&](std::string_view t) { out += "trend=" + std::string(t) + ";"; }},
      {.name = "missing", .value = [&](const Value&) { out += "missing;"; }},
  };
  sd.ReadFields(reads);
  return out;
}

MapValue ReadFieldsDocument() {
  return MapValue{{"a", Value::Integer(7)},
                  {"b", Value::String(std::string(200, 'b'))},
                  {"metrics", Value::Map({{"d", Value::Double(1.5)},
                                          {"i", Value::Integer(-3)},
                                          {"flag", Value::Boolean(true)},
                                          {"text", Value::String("x")},
                                          {"nested", Value::Map({{"n", Value::Double(9)}})}})},
                  {"trends", Value::Array({Value::String("EV"), Value::Integer(1), Value::String("Battery")})}};
}

TEST_P(EveryCodec, ReadFieldsHandsOutOnlyWhatWasAskedInOnePass) {
  const std::string stored = Encode(ReadFieldsDocument());
  auto sd = StoredDocument::Parse(stored, "c/d", Verification::kChecksum, &dictionaries_);  // may borrow `stored`
  ASSERT_TRUE(sd.ok());
  // Numbers are a map's integers and doubles (not booleans, strings or maps);
  // strings are an array's strings.
  EXPECT_EQ(ReadAll(*sd), "a=7;d=1.500000;i=-3.000000;trend=EV;trend=Battery;");
}

INSTANTIATE_TEST_SUITE_P(Codecs, EveryCodec,
                         ::testing::Values(Codec::kNone, Codec::kZlib, Codec::kZstd, Codec::kZstdDictionary),
                         [](const auto& info) {
                           std::string n(CodecName(info.param));
                           return n == "zstd-dict" ? std::string("zstd_dict") : n;
                         });

TEST(DocumentCodec, ADictionaryTheStoreLacksIsDataLossNamingIt) {
  Dictionaries with;
  Compression c{Codec::kZstdDictionary, TrainedDictionary(&with)};
  MapValue m = RandomDocument(9);
  m["prose"] = Value::String(std::string(500, 'p'));
  std::string stored = EncodeStoredDocument(m, {}, {}, c);
  Dictionaries without;
  auto d = DecodeStoredDocument(stored, "c/d", &without);
  ASSERT_EQ(d.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(d.status().message().find("dictionary 7"), std::string::npos) << d.status().message();
  EXPECT_NE(d.status().message().find("c/d"), std::string::npos);
}

TEST(DocumentCodec, TheBodyIsFirestoresDocumentProtobuf) {
  // {a: 1}, both times zero: fields (2) as a map entry {key "a", value
  // {integer_value 1}}, then create_time (field 3) and update_time (4) as
  // empty Timestamps.
  std::string body;
  EncodeDocumentBody({{"a", Value::Integer(1)}}, {}, {}, &body);
  EXPECT_EQ(body, std::string("\x12\x07\x0a\x01"
                              "a\x12\x02\x10\x01"
                              "\x1a\x00\x22\x00",
                              13));
  // A string (field 17: a two-byte tag) and a timestamp (field 10).
  body.clear();
  EncodeDocumentBody({{"s", Value::String("hi")}, {"t", Value::Time({1, 2})}}, {5, 0}, {0, 6}, &body);
  EXPECT_EQ(body, std::string("\x12\x0a\x0a\x01s\x12\x05\x8a\x01\x02hi"
                              "\x12\x0b\x0a\x01t\x12\x06\x52\x04\x08\x01\x10\x02"
                              "\x1a\x02\x08\x05"
                              "\x22\x02\x10\x06",
                              33));
}

TEST(DocumentCodec, BodiesWrittenWithTheTimesFirstReadAlike) {
  // Bodies written before 2026-12-03 have the times first: the same
  // document as the second body above.
  const std::string old("\x1a\x02\x08\x05"
                        "\x22\x02\x10\x06"
                        "\x12\x0a\x0a\x01s\x12\x05\x8a\x01\x02hi"
                        "\x12\x0b\x0a\x01t\x12\x06\x52\x04\x08\x01\x10\x02",
                        33);
  const std::string stored = WrapStoredPayload(kDocumentFormatVersion, Codec::kNone, 0, old, 20);
  auto sd = StoredDocument::Parse(stored, "c/d", Verification::kFull);
  ASSERT_TRUE(sd.ok()) << sd.status().ToString();
  EXPECT_EQ(sd->create_time(), (Timestamp{5, 0}));
  EXPECT_EQ(sd->update_time(), (Timestamp{0, 6}));
  EXPECT_EQ(sd->Fields(), (MapValue{{"s", Value::String("hi")}, {"t", Value::Time({1, 2})}}));
  EXPECT_EQ(sd->Field("t"), Value::Time({1, 2}));
}

TEST(DocumentCodec, AStoredDocumentBegunAndFinishedIsTheSameBytes) {
  // One buffer for every seed, as the write path reuses its buffers.
  std::string begun(5000, 'x');
  for (uint64_t seed = 0; seed < 50; seed++) {
    const MapValue m = RandomDocument(seed);
    const Timestamp created{10 + int64_t(seed), 1}, updated{2000000000, int32_t(seed)};
    const uint64_t json_size = 100 + seed * 1000;
    RunningChecksum sum;
    BeginStoredDocument(m, json_size, &begun, &sum);
    std::string fields;
    EncodeDocumentFields(m, &fields);
    EXPECT_EQ(BegunFields(begun), fields) << "seed " << seed;
    FinishStoredDocument(created, updated, &begun, &sum);
    EXPECT_EQ(begun, EncodeStoredDocument(m, created, updated, {}, json_size)) << "seed " << seed;
    auto sd = StoredDocument::Parse(begun, "c/d", Verification::kFull);
    ASSERT_TRUE(sd.ok()) << sd.status().ToString();
    EXPECT_EQ(sd->create_time(), created);
    EXPECT_EQ(sd->update_time(), updated);
    EXPECT_EQ(PeekJsonSize(begun), json_size);
  }
}

TEST(DocumentCodec, KeepsTheSignOfZeroAndTheExtremes) {
  MapValue m{{"neg0", Value::Double(-0.0)},
             {"geo", Value::Geo(-0.0, 0.0)},
             {"min", Value::Integer(INT64_MIN)},
             {"max", Value::Integer(INT64_MAX)},
             {"empty_map", Value::Map({})},
             {"empty_array", Value::Array({})},
             {"nested", Value::Array({Value::Array({Value::Map({{"k", Value::Array({})}})})})},
             {"", Value::String("")}};
  auto d = DecodeStoredDocument(EncodeStoredDocument(m, {-62135596800, 0}, {253402300799, 999999999}), "c/d");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->fields, m);
  EXPECT_TRUE(std::signbit(d->fields.at("neg0").dbl()));
  EXPECT_TRUE(std::signbit(d->fields.at("geo").geo().latitude));
  EXPECT_FALSE(std::signbit(d->fields.at("geo").geo().longitude));
  EXPECT_EQ(d->create_time, (Timestamp{-62135596800, 0}));
  EXPECT_EQ(d->update_time, (Timestamp{253402300799, 999999999}));
}

TEST(DocumentCodec, WritesVersion3WithTheJsonSizeAndA64BitChecksum) {
  const Timestamp times[][2] = {{{}, {}}, {{10, 1}, {20, 2}}, {{-62135596800, 0}, {253402300799, 999999999}}};
  for (uint64_t seed = 1; seed < 100; seed++) {
    MapValue m = RandomDocument(seed);
    const auto& [c, u] = times[seed % 3];
    std::string stored = EncodeStoredDocument(m, c, u);
    std::string body;
    EncodeDocumentBody(m, c, u, &body);
    const size_t json = PlainDocumentJson(m).size();
    ASSERT_EQ(stored[0], 3);
    EXPECT_EQ(stored, WrapStoredPayload(3, Codec::kNone, 0, body, json));
    auto h = StoredDocument::ReadHeader(stored, "c/d");
    ASSERT_TRUE(h.ok());
    EXPECT_EQ(h->json_size, json);
    EXPECT_EQ(h->payload_offset, stored.size() - body.size());
  }
}

// The checksum is computed with xxHash's dispatching entry points (the
// widest vectors the CPU has); it must be the very XXH3-64 the format names,
// as xxHash's portable entry points compute it, at every length (XXH3 takes
// other code paths at 16, 128 and 240 bytes and per 1 KiB stripe block).
TEST(DocumentCodec, TheChecksumIsXxh3OfThePayloadSeededWithXxh3OfTheHeader) {
  std::string text;
  for (size_t n = 0; n < 5000; n += 1 + n / 8) {
    text.resize(n, 'x');
    for (size_t i = 0; i < n; i++) text[i] = static_cast<char>('a' + (i * 7 + n) % 26);
    MapValue m{{"t", Value::String(text)}};
    const std::string stored = EncodeStoredDocument(m, {n > 100 ? int64_t(n) : 0, 0}, {});
    auto h = StoredDocument::ReadHeader(stored, "c/d");
    ASSERT_TRUE(h.ok()) << h.status().ToString();
    const size_t sum_at = h->payload_offset - 8;
    const std::string_view payload = std::string_view(stored).substr(h->payload_offset);
    const uint64_t expected =
        XXH3_64bits_withSeed(payload.data(), payload.size(), XXH3_64bits(stored.data(), sum_at));
    uint64_t written = 0;
    for (size_t i = 0; i < 8; i++) written |= uint64_t{static_cast<unsigned char>(stored[sum_at + i])} << (8 * i);
    ASSERT_EQ(written, expected) << "a body of " << payload.size() << " bytes";
  }
}

TEST(DocumentCodec, ReadsTheFlatBuffersVersions1And2) {
  MapValue m = RandomDocument(2);
  std::string fb = EncodeFlatBuffersBody(m, {3, 0}, {4, 0});
  for (uint8_t version : {1, 2}) {
    std::string stored = WrapStoredPayload(version, Codec::kNone, 0, fb);
    auto d = DecodeStoredDocument(stored, "c/d");
    ASSERT_TRUE(d.ok()) << d.status().ToString();
    EXPECT_EQ(d->fields, m);
    EXPECT_EQ(d->update_time, (Timestamp{4, 0}));
    auto sd = StoredDocument::Parse(stored, "c/d");
    ASSERT_TRUE(sd.ok());
    EXPECT_EQ(sd->FieldAt({"f0"}), m.at("f0"));
    const std::string old_stored =
        WrapStoredPayload(version, Codec::kNone, 0, EncodeFlatBuffersBody(ReadFieldsDocument(), {}, {}));
    auto old = StoredDocument::Parse(old_stored, "c/d");  // borrows old_stored
    ASSERT_TRUE(old.ok());
    EXPECT_EQ(ReadAll(*old), "a=7;d=1.500000;i=-3.000000;trend=EV;trend=Battery;");  // the same from FlatBuffers
    std::string bad = stored;
    bad[5] ^= 1;  // inside the checksum
    EXPECT_EQ(DecodeStoredDocument(bad, "c/d").status().code(), StatusCode::kDataLoss);
  }
}

TEST(DocumentCodec, FullVerificationCatchesABodyThatOnlyTheChecksumVouchesFor) {
  // Forged values: the checksum matches, the body is garbage. Reads trust the
  // checksum; hearth check (kFull) and version 1 values do not.
  std::string garbage(64, '\xFF');
  for (uint8_t version : {2, 3}) {
    std::string forged = WrapStoredPayload(version, Codec::kNone, 0, garbage);
    EXPECT_TRUE(StoredDocument::Parse(forged, "c/d").ok());
    auto full = StoredDocument::Parse(forged, "c/d", Verification::kFull);
    ASSERT_FALSE(full.ok()) << int(version);
    EXPECT_EQ(full.status().code(), StatusCode::kDataLoss);
    EXPECT_NE(full.status().message().find("c/d"), std::string::npos);
  }
  EXPECT_FALSE(StoredDocument::Parse(WrapStoredPayload(1, Codec::kNone, 0, garbage), "c/d").ok());
  // A forged body read without verification gives nothing, never a crash.
  auto sd = StoredDocument::Parse(WrapStoredPayload(3, Codec::kNone, 0, garbage), "c/d");
  ASSERT_TRUE(sd.ok());
  EXPECT_FALSE(sd->Field("a").has_value());
  EXPECT_TRUE(sd->Fields().empty());
}

TEST(DocumentCodec, UnknownVersionOrCodecIsDataLoss) {
  std::string stored = EncodeStoredDocument(RandomDocument(3), {}, {});
  stored[0] = 4;
  auto d = DecodeStoredDocument(stored, "c/d");
  EXPECT_EQ(d.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(d.status().message().find("unknown format version 4"), std::string::npos);
  std::string body;
  EncodeDocumentBody({}, {}, {}, &body);
  d = DecodeStoredDocument(WrapStoredPayload(3, static_cast<Codec>(9), 0, body), "c/d");
  EXPECT_NE(d.status().message().find("unknown codec 9"), std::string::npos);
  // FlatBuffers versions only ever had codec none.
  d = DecodeStoredDocument(WrapStoredPayload(2, Codec::kZstd, 0, body), "c/d");
  EXPECT_EQ(d.status().code(), StatusCode::kDataLoss);
}

}  // namespace
}  // namespace hearth::schema
