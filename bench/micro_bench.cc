// Google Benchmark micro-benchmarks: key encoding and document encode/decode.
// Run: build/bench/hearth_micro_bench
#include <benchmark/benchmark.h>

#include "schema/document_codec.h"
#include "schema/json.h"
#include "schema/key_encoding.h"
#include "schema/limits.h"
#include "tools/snapshot_generator.h"

namespace {

hearth::MapValue Snapshot() {
  hearth::tools::SnapshotGenerator gen({});
  hearth::MapValue s;
  gen.Next(&s);
  return s;
}

void BM_EncodeKeyInteger(benchmark::State& state) {
  hearth::Value v = hearth::Value::Integer(1234567890123);
  for (auto _ : state) benchmark::DoNotOptimize(hearth::schema::EncodeValue(v));
}
BENCHMARK(BM_EncodeKeyInteger);

void BM_EncodeKeyString(benchmark::State& state) {
  hearth::Value v = hearth::Value::String("mon-0001-some-longer-id");
  for (auto _ : state) benchmark::DoNotOptimize(hearth::schema::EncodeValue(v, hearth::schema::Direction::kDescending));
}
BENCHMARK(BM_EncodeKeyString);

// Argument: the codec id (0 none, 1 zlib, 2 zstd).
hearth::schema::Compression CodecArg(const benchmark::State& state) {
  hearth::schema::Compression c;
  c.codec = static_cast<hearth::schema::Codec>(state.range(0));
  return c;
}

void BM_EncodeDocument(benchmark::State& state) {
  auto s = Snapshot();
  auto c = CodecArg(state);
  for (auto _ : state) benchmark::DoNotOptimize(hearth::schema::EncodeStoredDocument(s, {}, {}, c));
}
BENCHMARK(BM_EncodeDocument)->Arg(0)->Arg(1)->Arg(2);

void BM_DecodeDocument(benchmark::State& state) {
  std::string stored = hearth::schema::EncodeStoredDocument(Snapshot(), {}, {}, CodecArg(state));
  for (auto _ : state) benchmark::DoNotOptimize(hearth::schema::DecodeStoredDocument(stored, "snapshots/x"));
}
BENCHMARK(BM_DecodeDocument)->Arg(0)->Arg(1)->Arg(2);

// What the write path checks and measures of a snapshot. Argument 0: the one
// walk that validates and measures both sizes (the write path since session
// 9); 1: the same plus the separate JSON-size walk the encoder used to make.
void BM_ValidateAndMeasure(benchmark::State& state) {
  auto s = Snapshot();
  auto path = *hearth::schema::ParseDocumentPath("snapshots/mon-0000_1767225600");
  for (auto _ : state) {
    hearth::schema::DocumentSizes sizes;
    benchmark::DoNotOptimize(hearth::schema::ValidateDocument(path, s, &sizes));
    benchmark::DoNotOptimize(sizes);
    if (state.range(0) == 1) benchmark::DoNotOptimize(hearth::schema::PlainDocumentJsonSize(s));
  }
}
BENCHMARK(BM_ValidateAndMeasure)->Arg(0)->Arg(1);

void BM_ReadOneField(benchmark::State& state) {
  std::string stored = hearth::schema::EncodeStoredDocument(Snapshot(), {}, {});
  for (auto _ : state) {
    auto sd = hearth::schema::StoredDocument::Parse(stored, "snapshots/x");
    benchmark::DoNotOptimize(sd->Field("news_sentiment"));
  }
}
BENCHMARK(BM_ReadOneField);

// What a rollup reads of a snapshot (hearth/aggregation.h PointOf).
// Argument 1: from the snapshot's projection (what rollups read), 0: from the whole snapshot.
void BM_ReadRollupFields(benchmark::State& state) {
  const std::vector<std::string> projected = {"timestamp", "financial_metrics", "news_sentiment", "market_trends"};
  std::string stored = state.range(0) ? hearth::schema::EncodeStoredProjection(Snapshot(), projected, {}, {})
                                      : hearth::schema::EncodeStoredDocument(Snapshot(), {}, {});
  auto sd = hearth::schema::StoredDocument::Parse(stored, "snapshots/x");
  double sum = 0;
  size_t n = 0;
  const hearth::FieldRead reads[] = {
      {.name = "timestamp", .value = [&](const hearth::Value& v) { n += v.is_null() ? 0 : 1; }},
      {.name = "financial_metrics", .numbers = [&](std::string_view, double v) { sum += v; }},
      {.name = "news_sentiment", .value = [&](const hearth::Value& v) { n += v.is_null() ? 0 : 1; }},
      {.name = "market_trends", .strings = [&](std::string_view t) { n += t.size(); }},
  };
  for (auto _ : state) {
    sd->ReadFields(reads);
    benchmark::DoNotOptimize(sum);
    benchmark::DoNotOptimize(n);
  }
}
BENCHMARK(BM_ReadRollupFields)->Arg(0)->Arg(1);

void BM_VerifyStored(benchmark::State& state) {
  std::string stored = hearth::schema::EncodeStoredDocument(Snapshot(), {}, {});
  for (auto _ : state) benchmark::DoNotOptimize(hearth::schema::StoredDocument::ReadHeader(stored, "snapshots/x"));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * stored.size()));
}
BENCHMARK(BM_VerifyStored);

void BM_ParsePlainJson(benchmark::State& state) {
  std::string json = hearth::schema::PlainDocumentJson(Snapshot());
  for (auto _ : state) benchmark::DoNotOptimize(hearth::schema::ParsePlainDocument(json, nullptr));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * json.size()));
}
BENCHMARK(BM_ParsePlainJson);

}  // namespace

BENCHMARK_MAIN();
