// A comparison's results as a terminal table, a markdown table, JSON, and
// gnuplot plots; and the targets checked as ratios of one run.
#pragma once

#include <string>
#include <vector>

#include "hearth/status.h"
#include "tools/compare/comparison.h"

namespace hearth::compare {

// A store's figure on a workload in words: "12,345/s", "p50 1.2 / p99 3.4 µs",
// "0.25 s", "377.1 MB (6.6% of the JSON)".
std::string Figure(const WorkloadResult& w, const Measure& m);

// How much better `store` did than `peer` on a workload (> 1: better):
// throughput store/peer; latency (p50), duration and bytes peer/store.
// Empty when either is missing or did not agree with the reference.
std::optional<double> Advantage(const WorkloadResult& w, const std::string& store, const std::string& peer);
// "12.3x faster", "0.41x (slower)", "5.2x smaller", "disagrees"
std::string AdvantageWords(const WorkloadResult& w, const std::string& store, const std::string& peer);

struct TargetCheck {
  std::string name;    // "ingest >= 10x SQLite"
  double value = 0;    // the measured ratio or figure
  bool met = false;
  std::string measured;  // in words
};
// The targets whose stores took part: ingest >= 10x SQLite and >= 0.5x raw
// RocksDB, latest p99 <= 20 us, bytes on disk <= 1/5 of SQLite's; in a
// scale run, the first store's latest and range medians within 10% of the
// scale reference's (a ratio >= 1/1.1).
std::vector<TargetCheck> CheckTargets(const ComparisonResult& r);

// What the targets are measured against: how many times SQLite's ingest rate
// raw RocksDB ("rocksdb") and raw RocksDB without its WAL ("rocksdb-nowal")
// reached in this run, for those that took part. No store on RocksDB writes
// faster than the latter, so it bounds the ingest-vs-SQLite target. `met` is
// unused.
std::vector<TargetCheck> EngineCeilings(const ComparisonResult& r);

// One row per workload, a column per store, then "hearth vs <peer>" columns.
std::string TerminalTable(const ComparisonResult& r);
std::string MarkdownTable(const ComparisonResult& r);
std::string ResultJson(const ComparisonResult& r);

// Writes throughput.png and latency-<workload>.png (latency distributions,
// one line per store) into `dir` with gnuplot, and the data and script they
// are drawn from. FAILED_PRECONDITION when gnuplot is not installed.
Status WritePlots(const ComparisonResult& r, const std::string& dir);

// Writes `text` to the file at `path` (replacing it); INVALID_ARGUMENT naming
// the path when it cannot.
Status WriteTextFile(const std::string& path, const std::string& text);

}  // namespace hearth::compare
