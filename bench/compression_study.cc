// Where document compression can go on the generated snapshot corpus: the
// size of the common schemes side by side, and the decode cost of the ones a
// point read would pay.
//
//   build/bench/hearth_bench_compression_study [--monitors N] [--hours H] [--fresh-prose]
//
// Schemes (sizes relative to the raw JSON lines):
//   gzip/doc          zlib level 6, each document alone
//   seed field gzip   the original system: map fields over 1 KB gzip+base64'd
//   zstd/doc          zstd level 3, each document alone
//   zstd+dict/doc     zstd level 3 with a 112 KB dictionary trained on 2,000 documents
//   zstd stream       zstd level 3 over each monitor's snapshots in time order, one stream
//   body ...          hearth's stored body (format v3, protobuf wire form):
//     zstd blocks/B   each monitor's bodies packed into B-byte blocks, zstd per block (RocksDB style)
//     zstd+dict/doc   zstd+dict per document
//     delta/K         every K-th document zstd+dict, the ones between zstd'd
//                     with their group's first document as prefix
//     fields/K        as delta/K, but only the top-level fields that changed
//     chain/K         every K-th document zstd+dict, each one between zstd'd
//                     with the document just before it as prefix
//   (json chain/K is the same over the JSON text.)
#include <zdict.h>
#include <zstd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "bench/bench_util.h"
#include "bench/json_baselines.h"
#include "schema/document_body.h"
#include "schema/document_body_fb.h"
#include "schema/json.h"
#include "tools/snapshot_generator.h"

using namespace hearth;

namespace {

struct Zstd {
  ZSTD_CCtx* c = ZSTD_createCCtx();
  ZSTD_DCtx* d = ZSTD_createDCtx();
  std::string buf;
  ~Zstd() {
    ZSTD_freeCCtx(c);
    ZSTD_freeDCtx(d);
  }
  std::string Compress(const std::string& in, const ZSTD_CDict* dict, const std::string* prefix) {
    buf.resize(ZSTD_compressBound(in.size()));
    ZSTD_CCtx_reset(c, ZSTD_reset_session_only);
    ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, 3);
    ZSTD_CCtx_setParameter(c, ZSTD_c_contentSizeFlag, 0);
    ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 0);
    ZSTD_CCtx_setParameter(c, ZSTD_c_dictIDFlag, 0);
    if (dict) ZSTD_CCtx_refCDict(c, dict);
    if (prefix) ZSTD_CCtx_refPrefix(c, prefix->data(), prefix->size());
    size_t n = ZSTD_compress2(c, buf.data(), buf.size(), in.data(), in.size());
    if (ZSTD_isError(n)) std::abort();
    return buf.substr(0, n);
  }
  void Decompress(const std::string& in, std::string* out, const ZSTD_DDict* dict, const std::string* prefix) {
    ZSTD_DCtx_reset(d, ZSTD_reset_session_only);
    if (dict) ZSTD_DCtx_refDDict(d, dict);
    if (prefix) ZSTD_DCtx_refPrefix(d, prefix->data(), prefix->size());
    size_t n = ZSTD_decompressDCtx(d, out->data(), out->size(), in.data(), in.size());
    if (ZSTD_isError(n)) std::abort();
    out->resize(n);
  }
};

}  // namespace

int main(int argc, char** argv) {
  tools::GeneratorOptions g;
  g.monitors = 100;
  g.hours = 500;
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    if (a == "--monitors" && i + 1 < argc) g.monitors = std::atoi(argv[++i]);
    else if (a == "--hours" && i + 1 < argc) g.hours = std::atoi(argv[++i]);
    else if (a == "--fresh-prose") g.fresh_prose = true;
    else {
      std::fprintf(stderr, "usage: %s [--monitors N] [--hours H] [--fresh-prose]\n", argv[0]);
      return 2;
    }
  }
  std::printf("machine: %s\ncorpus: %d monitors x %d hours, %s prose\n", bench::MachineDescription().c_str(),
              g.monitors, g.hours, g.fresh_prose ? "fresh" : "slowly evolving");
  // Per monitor, in time order: JSON and hearth's stored body.
  std::vector<std::vector<std::string>> json(g.monitors), fb(g.monitors);  // fb: v3 bodies
  std::vector<std::vector<MapValue>> maps(g.monitors);
  std::map<std::string, int> monitor_index;
  size_t fbraw = 0;
  {
    tools::SnapshotGenerator gen(g);
    MapValue s;
    while (gen.Next(&s)) {
      int m = monitor_index.emplace(s.at("monitor_id").string(), static_cast<int>(monitor_index.size())).first->second;
      const Timestamp t = s.at("timestamp").timestamp();
      fbraw += schema::EncodeFlatBuffersBody(s, t, t).size();
      schema::EncodeDocumentBody(s, t, t, &fb[m].emplace_back());
      json[m].push_back(schema::PlainDocumentJson(s) + "\n");
      maps[m].push_back(s);
    }
  }
  const double docs = static_cast<double>(g.monitors) * g.hours;
  const bench::JsonBaselines base = bench::MeasureJsonBaselines(maps);
  const size_t raw = base.raw;
  auto row = [&](const char* name, size_t bytes, double decode_us = -1) {
    std::printf("%-30s %12zu bytes  %6.2f%% of JSON  %7.1f B/doc", name, bytes, 100.0 * static_cast<double>(bytes) / raw,
                static_cast<double>(bytes) / docs);
    if (decode_us >= 0) std::printf("  decode %5.2f us/doc", decode_us);
    std::printf("\n");
  };
  bench::PrintJsonBaselines(base, docs);
  Zstd z;
  size_t body = 0;
  for (const auto& series : fb)
    for (const auto& b : series) body += b.size();
  auto train = [](const std::vector<std::vector<std::string>>& corpus) { return bench::TrainSpreadDictionary(corpus); };
  row("FlatBuffers body (v2)", fbraw);
  row("protobuf body (v3)", body);
  // RocksDB-style block compression: each monitor's stored documents packed
  // into blocks of B bytes, each block zstd'd alone.
  for (size_t block : {16384, 65536, 262144}) {
    size_t n = 0;
    for (int m = 0; m < g.monitors; m++) {
      std::string b;
      for (size_t i = 0; i <= fb[m].size(); i++) {
        if (i == fb[m].size() || b.size() + fb[m][i].size() > block) {
          std::string out(ZSTD_compressBound(b.size()), '\0');
          if (!b.empty()) n += ZSTD_compress(out.data(), out.size(), b.data(), b.size(), 3);
          b.clear();
        }
        if (i < fb[m].size()) b += fb[m][i];
      }
    }
    std::string name = "body zstd blocks/" + std::to_string(block / 1024) + "K";
    row(name.c_str(), n);
  }
  // A trained dictionary with its prepared compression and decompression states.
  struct Trained {
    std::string bytes;
    ZSTD_CDict* c;
    ZSTD_DDict* d;
  };
  auto trained = [&](const std::vector<std::vector<std::string>>& corpus) {
    std::string bytes = train(corpus);
    ZSTD_CDict* c = ZSTD_createCDict(bytes.data(), bytes.size(), 3);
    ZSTD_DDict* d = ZSTD_createDDict(bytes.data(), bytes.size());
    return Trained{std::move(bytes), c, d};
  };
  // Every K-th document zstd+dict; each one between zstd'd with a prefix: its
  // group's first document, or (chain) the document just before it, so a
  // read decodes at most K frames. Decoding runs in time order, each prefix
  // decoded once.
  auto prefixed = [&](const std::vector<std::vector<std::string>>& corpus, const Trained& dict, int k, bool chain,
                      const std::string& name) {
    size_t n = dict.bytes.size();
    std::vector<std::vector<std::string>> packed(g.monitors);
    for (int m = 0; m < g.monitors; m++)
      for (size_t i = 0; i < corpus[m].size(); i++) {
        const size_t prefix = chain ? i - 1 : i - i % k;
        packed[m].push_back(i % k == 0 ? z.Compress(corpus[m][i], dict.c, nullptr)
                                       : z.Compress(corpus[m][i], nullptr, &corpus[m][prefix]));
        n += packed[m].back().size();
      }
    bench::Stopwatch sw;
    std::string prefix, out;
    for (int m = 0; m < g.monitors; m++)
      for (size_t i = 0; i < packed[m].size(); i++) {
        out.resize(corpus[m][i].size() + 64);
        if (i % k == 0) {
          z.Decompress(packed[m][i], &out, dict.d, nullptr);
        } else {
          z.Decompress(packed[m][i], &out, nullptr, &prefix);
        }
        if (out != corpus[m][i]) std::abort();
        if (chain || i % k == 0) prefix = out;
      }
    row(name.c_str(), n, sw.Seconds() * 1e6 / docs);
  };
  const Trained body_dict = trained(fb), json_dict = trained(json);
  for (int k : {1, 8, 16, 32, 64})
    prefixed(fb, body_dict, k, false, k == 1 ? "body zstd+dict/doc" : "body delta/" + std::to_string(k));
  for (int k : {2, 4, 8, 16}) prefixed(json, json_dict, k, true, "json chain/" + std::to_string(k));
  for (int k : {2, 4, 8, 16}) prefixed(fb, body_dict, k, true, "body chain/" + std::to_string(k));
  // Field-level: the documents between group starts hold only the top-level
  // fields that differ from the group's first document, zstd'd with it as prefix.
  for (int k : {8, 16, 32, 64}) {
    size_t n = body_dict.bytes.size();
    std::vector<std::vector<std::string>> packed(g.monitors);
    std::vector<std::vector<size_t>> sizes(g.monitors);
    for (int m = 0; m < g.monitors; m++)
      for (size_t i = 0; i < fb[m].size(); i++) {
        size_t base = i - i % k;
        if (i == base) {
          packed[m].push_back(z.Compress(fb[m][i], body_dict.c, nullptr));
          sizes[m].push_back(fb[m][i].size());
        } else {
          MapValue changed;
          for (const auto& [f, v] : maps[m][i]) {
            auto it = maps[m][base].find(f);
            if (it == maps[m][base].end() || !(it->second == v)) changed[f] = v;
          }
          Timestamp t = maps[m][i].at("timestamp").timestamp();
          std::string delta;
          schema::EncodeDocumentBody(changed, t, t, &delta);
          sizes[m].push_back(delta.size());
          packed[m].push_back(z.Compress(delta, nullptr, &fb[m][base]));
        }
        n += packed[m].back().size();
      }
    bench::Stopwatch sw;
    std::string base, out;
    for (int m = 0; m < g.monitors; m++)
      for (size_t i = 0; i < packed[m].size(); i++) {
        out.resize(sizes[m][i] + 64);
        if (i % k == 0) {
          z.Decompress(packed[m][i], &out, body_dict.d, nullptr);
          base = out;
        } else {
          z.Decompress(packed[m][i], &out, nullptr, &base);
        }
        if (out.size() != sizes[m][i]) std::abort();
      }
    double us = sw.Seconds() * 1e6 / docs;
    size_t dsum = 0;
    for (auto& v : sizes) for (size_t x : v) dsum += x;
    std::printf("  (average decoded size %.0f B)\n", static_cast<double>(dsum) / docs);
    std::string name = "body fields/" + std::to_string(k);
    row(name.c_str(), n, us);
  }
  for (const Trained* t : {&body_dict, &json_dict}) {
    ZSTD_freeCDict(t->c);
    ZSTD_freeDDict(t->d);
  }
  return 0;
}
