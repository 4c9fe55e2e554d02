// The reference points every compression figure is read against, measured on
// the same corpus in the same run: raw JSON lines, gzip per document, the
// original system's field-level gzip, zstd per document, zstd per document
// with a trained dictionary, and zstd over each monitor's whole stream.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "hearth/value.h"

namespace hearth::bench {

struct JsonBaselines {
  size_t raw = 0;              // JSON lines, newline included
  size_t gzip_doc = 0;         // zlib level 6, each document alone
  size_t seed_field_gzip = 0;  // map fields over 1 KB gzip+base64'd, as the original stored them
  size_t zstd_doc = 0;         // zstd level 3, each document alone
  size_t zstd_dict_doc = 0;    // zstd level 3 with a 112 KB dictionary (dictionary included)
  size_t zstd_stream = 0;      // zstd level 3 over each monitor's documents in time order
};

// `by_monitor[m]` holds monitor m's snapshots in time order.
JsonBaselines MeasureJsonBaselines(const std::vector<std::vector<MapValue>>& by_monitor);

// A zstd dictionary of `max_bytes` trained on 2,000 documents spread over
// partitions and time (`corpus[m]` in time order).
std::string TrainSpreadDictionary(const std::vector<std::vector<std::string>>& corpus, size_t max_bytes = 112 * 1024);

// Prints the baselines as rows "name  bytes  % of JSON  B/doc".
void PrintJsonBaselines(const JsonBaselines& b, double documents);

}  // namespace hearth::bench
