// Collection definitions: what hearth knows about a collection beyond
// Firestore's schemaless model.
//
// A collection is named by its collection id (the last collection segment of
// a document path, as Firestore's collection groups are). A definition says
// which plain-JSON fields are timestamps, whether the collection is a time
// series (and on which partition and time fields its primary key is ordered),
// and how a document id is made when an imported document brings none.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace hearth {

struct TimeSeriesKey {
  // Field whose value partitions the series ("monitor_id").
  std::string partition_field;
  // Timestamp field that orders each partition ("timestamp").
  std::string time_field;
};

enum class IdRule {
  // Firestore-style random 20-character id.
  kRandom,
  // "{partition}_{epoch seconds}" with a ".fraction" when the time has
  // sub-second digits, so two snapshots in one second never collide.
  kPartitionAndTime,
  // "{partition}_{period}_{epoch seconds of time}" (aggregations).
  kPartitionPeriodAndTime,
};

// How hearth compresses each stored document before RocksDB sees it. RocksDB
// compresses its blocks on disk in any case (Options::document_*); a codec
// here also shrinks what the block cache holds, at a decoding cost per read.
enum class DocumentCompression {
  kNone,             // the body as it is
  kZlib,             // deflate per document
  kZstd,             // zstd per document
  kZstdDictionary,   // zstd per document with a dictionary trained from the
                     // collection's documents (plain zstd until one is trained)
};

struct CollectionDef {
  std::string id;
  // Top-level fields that plain JSON carries as RFC 3339 strings or epoch
  // numbers and that are stored as Firestore timestamps.
  std::vector<std::string> timestamp_fields;
  // Set for time-series collections: the primary key becomes
  // (parent, partition, time, id) so latest/range/retention are single scans.
  std::optional<TimeSeriesKey> time_series;
  IdRule id_rule = IdRule::kRandom;
  // Documents written from now on use it; stored ones keep theirs until
  // `hearth recompress`. Default: kNone.
  DocumentCompression compression = DocumentCompression::kNone;
  // Time series only: top-level fields kept a second time, in a compact copy
  // of each document beside the primary key (with the time field, and the
  // TTL field if any), for scans that need only them (SeriesScan::
  // projection; rollups read a month of snapshots from it without touching
  // their prose). Costs one more small value per write. Changing the list
  // rebuilds the copies at the next open. Default: none.
  std::vector<std::string> projection = {};
};

// The monitoring domain's collections: snapshots and aggregations (time
// series), monitors, alerts, reports.
const std::vector<CollectionDef>& MonitoringDomainCollections();

}  // namespace hearth
