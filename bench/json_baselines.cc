#include "bench/json_baselines.h"

#include <zlib.h>
#include <zstd.h>

#include <cstdio>
#include <cstdlib>

#include "bench/bench_util.h"
#include "schema/base64.h"
#include "schema/compression.h"
#include "schema/json.h"

namespace hearth::bench {

namespace {

std::string GzipBytes(const std::string& in) {
  uLongf n = compressBound(in.size());
  std::string out(n, '\0');
  compress2(reinterpret_cast<Bytef*>(out.data()), &n, reinterpret_cast<const Bytef*>(in.data()), in.size(), 6);
  out.resize(n);
  return out;
}

// The original's storage form: dict fields whose JSON exceeds 1 KB become
// {"_compressed": true, "data": base64(gzip(json))}.
size_t SeedFieldGzip(const MapValue& doc) {
  MapValue out;
  for (const auto& [k, v] : doc) {
    if (v.type() == Value::Type::kMap) {
      std::string json = schema::PlainValueJson(v);
      if (json.size() > 1024) {
        MapValue c;
        c["_compressed"] = Value::Boolean(true);
        c["data"] = Value::String(schema::Base64Encode(GzipBytes(json)));
        out[k] = Value::Map(std::move(c));
        continue;
      }
    }
    out[k] = v;
  }
  return schema::PlainDocumentJson(out).size() + 1;
}

size_t Zstd(const std::string& in, const ZSTD_CDict* dict) {
  thread_local ZSTD_CCtx* c = ZSTD_createCCtx();
  std::string out(ZSTD_compressBound(in.size()), '\0');
  size_t n = dict ? ZSTD_compress_usingCDict(c, out.data(), out.size(), in.data(), in.size(), dict)
                  : ZSTD_compressCCtx(c, out.data(), out.size(), in.data(), in.size(), 3);
  if (ZSTD_isError(n)) std::abort();
  return n;
}

}  // namespace

std::string TrainSpreadDictionary(const std::vector<std::vector<std::string>>& corpus, size_t max_bytes) {
  std::vector<std::string> samples;
  for (size_t k = 0; k < 2000; k++) {
    const auto& series = corpus[k % corpus.size()];
    samples.push_back(series[(k * 7919) % series.size()]);
  }
  auto dict = schema::TrainDictionary(samples, max_bytes);
  CheckOk(dict.status());
  return *dict;
}

JsonBaselines MeasureJsonBaselines(const std::vector<std::vector<MapValue>>& by_monitor) {
  JsonBaselines b;
  std::vector<std::vector<std::string>> json(by_monitor.size());
  for (size_t m = 0; m < by_monitor.size(); m++) {
    std::string stream;
    for (const MapValue& doc : by_monitor[m]) {
      std::string j = schema::PlainDocumentJson(doc) + "\n";
      b.raw += j.size();
      b.gzip_doc += GzipBytes(j).size();
      b.seed_field_gzip += SeedFieldGzip(doc);
      b.zstd_doc += Zstd(j, nullptr);
      stream += j;
      json[m].push_back(std::move(j));
    }
    b.zstd_stream += Zstd(stream, nullptr);
  }
  std::string dict = TrainSpreadDictionary(json);
  ZSTD_CDict* cd = ZSTD_createCDict(dict.data(), dict.size(), 3);
  b.zstd_dict_doc = dict.size();
  for (const auto& series : json)
    for (const auto& d : series) b.zstd_dict_doc += Zstd(d, cd);
  ZSTD_freeCDict(cd);
  return b;
}

void PrintJsonBaselines(const JsonBaselines& b, double documents) {
  auto row = [&](const char* name, size_t bytes) {
    std::printf("%-30s %12zu bytes  %6.2f%% of JSON  %7.1f B/doc\n", name, bytes,
                100.0 * static_cast<double>(bytes) / static_cast<double>(b.raw), static_cast<double>(bytes) / documents);
  };
  row("raw JSON", b.raw);
  row("gzip/doc", b.gzip_doc);
  row("original's field gzip", b.seed_field_gzip);
  row("zstd/doc", b.zstd_doc);
  row("zstd+dict/doc", b.zstd_dict_doc);
  row("zstd stream/monitor", b.zstd_stream);
}

}  // namespace hearth::bench
