// Per-collection document compression: the zstd dictionaries a store keeps
// in meta, and training the first one from the documents a collection is
// written with.
//
// Dictionaries are never deleted: a document names the dictionary it was
// compressed with, and stays readable however many newer ones exist.
#include <algorithm>
#include <charconv>
#include <map>

#include "engine/bounded_iterator.h"
#include "engine/collection_counters.h"
#include "engine/keys.h"
#include "engine/rocks_status.h"
#include "engine/store.h"
#include "schema/document_body.h"
#include "schema/key_encoding.h"

namespace hearth::engine {

namespace {

schema::Codec CodecOf(DocumentCompression c) {
  switch (c) {
    case DocumentCompression::kNone: return schema::Codec::kNone;
    case DocumentCompression::kZlib: return schema::Codec::kZlib;
    case DocumentCompression::kZstd: return schema::Codec::kZstd;
    case DocumentCompression::kZstdDictionary: return schema::Codec::kZstdDictionary;
  }
  return schema::Codec::kNone;
}

bool ParseId(std::string_view s, uint32_t* id) {
  auto r = std::from_chars(s.data(), s.data() + s.size(), *id);
  return r.ec == std::errc() && r.ptr == s.data() + s.size() && *id > 0;
}

}  // namespace

Status Store::LoadDictionaries() {
  const std::string prefix(meta::kDictionaryPrefix);
  BoundedIterator it(db_.get(), meta_, prefix, schema::PrefixSuccessor(prefix));
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    std::string_view key(it->key().data(), it->key().size());
    uint32_t id;
    if (!ParseId(key.substr(prefix.size()), &id)) return Status::DataLoss("malformed " + DescribeKey(cf::kMeta, key));
    dictionaries_.Add(std::make_shared<const schema::Dictionary>(id, it->value().ToString()));
  }
  return FromRocks(it->status(), "reading compression dictionaries");
}

Status Store::LoadCollectionCompression(CollectionState& c) {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), meta_, meta::Compression(c.def.id), &value);
  c.compression = {CodecOf(c.def.compression), nullptr};
  if (s.ok()) {
    std::optional<schema::Codec> codec = schema::ParseCodec(value);
    if (!codec) return Status::DataLoss("collection " + c.def.id + " has an unknown compression \"" + value + "\"");
    c.compression.codec = *codec;
  } else if (!s.IsNotFound()) {
    return FromRocks(s, "reading the compression of " + c.def.id);
  }
  // Without a dictionary (none trained yet, or lost: the documents that need
  // it fail their reads as DATA_LOSS and hearth check lists them) zstd-dict
  // writes plain zstd.
  s = db_->Get(rocksdb::ReadOptions(), meta_, meta::CollectionDictionary(c.def.id), &value);
  if (s.IsNotFound()) return Status::OK();
  HEARTH_RETURN_IF_ERROR(FromRocks(s, "reading the dictionary of " + c.def.id));
  uint32_t id;
  if (!ParseId(value, &id)) return Status::DataLoss("malformed dictionary id of collection " + c.def.id);
  if (c.compression.codec == schema::Codec::kZstdDictionary) c.compression.dictionary = dictionaries_.Get(id);
  return Status::OK();
}

Status Store::InstallDictionary(const CollectionState& c, const std::vector<std::string>& samples) {
  HEARTH_ASSIGN_OR_RETURN(std::string bytes, schema::TrainDictionary(samples, options_.dictionary_bytes));
  return InstallTrainedDictionary(c, std::move(bytes));
}

Status Store::InstallTrainedDictionary(const CollectionState& c, std::string bytes) {
  const uint32_t id = dictionaries_.NextId();
  rocksdb::WriteBatch wb;
  wb.Put(meta_, meta::Dictionary(id), bytes);
  wb.Put(meta_, meta::CollectionDictionary(c.def.id), std::to_string(id));
  // Durable before any document names it.
  rocksdb::WriteOptions wo;
  wo.sync = true;
  HEARTH_RETURN_IF_ERROR(FromRocks(db_->Write(wo, &wb), "storing the dictionary of " + c.def.id));
  auto dict = std::make_shared<const schema::Dictionary>(id, std::move(bytes));
  dictionaries_.Add(dict);
  if (c.compression.codec == schema::Codec::kZstdDictionary) c.compression.dictionary = std::move(dict);
  return Status::OK();
}

Status Store::SampleForDictionary(const CollectionState& c, const MapValue& fields) {
  if (!c.SamplingForDictionary()) return Status::OK();
  schema::EncodeDocumentBody(fields, {}, {}, &c.dictionary_samples.emplace_back());
  if (c.dictionary_samples.size() < options_.dictionary_training_documents) return Status::OK();
  std::vector<std::string> samples = std::move(c.dictionary_samples);
  c.dictionary_samples.clear();
  Status s = InstallDictionary(c, samples);
  // Too few or too alike to train on: keep zstd, try again with the next ones.
  if (s.code() == StatusCode::kFailedPrecondition) return Status::OK();
  return s;
}

StatusOr<std::vector<std::string>> Store::SampleStoredBodies(const CollectionState& c, size_t n) {
  HEARTH_ASSIGN_OR_RETURN(uint64_t total, ReadCounter(meta::DocumentCount(c.def.id)));
  const uint64_t step = std::max<uint64_t>(1, total / std::max<size_t>(n, 1));
  std::vector<std::string> samples;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), c.docs));
  uint64_t i = 0;
  for (it->SeekToFirst(); it->Valid() && samples.size() < n; it->Next(), i++) {
    if (i % step != 0) continue;
    auto sd = schema::StoredDocument::Parse(std::string_view(it->value().data(), it->value().size()), "sample",
                                            schema::Verification::kChecksum, &dictionaries_);
    if (!sd.ok()) continue;  // hearth check reports it; a sample can do without
    samples.emplace_back();
    schema::EncodeDocumentBody(sd->Fields(), {}, {}, &samples.back());
  }
  HEARTH_RETURN_IF_ERROR(FromRocks(it->status(), "sampling " + cf::Docs(c.def.id)));
  return samples;
}

StatusOr<RecompressReport::Collection> Store::RecompressCollection(const CollectionState& c,
                                                                   const RecompressRequest& request) {
  RecompressReport::Collection report;
  report.id = c.def.id;
  // The target: the chosen codec, and for zstd-dict a dictionary (a fresh
  // one when asked or when there is none). A dry run trains one without
  // installing it, so its sizes are the real run's.
  schema::Compression target;
  bool train = false;
  {
    std::lock_guard lock(write_mu_);
    if (request.compression && !request.dry_run) {
      HEARTH_RETURN_IF_ERROR(FromRocks(
          db_->Put(rocksdb::WriteOptions(), meta_, meta::Compression(c.def.id),
                   std::string(schema::CodecName(CodecOf(*request.compression)))),
          "storing the compression of " + c.def.id));
      c.compression = {CodecOf(*request.compression), nullptr};
      c.dictionary_samples.clear();
    }
    const schema::Codec codec = request.compression ? CodecOf(*request.compression) : c.compression.codec;
    target = {codec, codec == schema::Codec::kZstdDictionary ? c.compression.dictionary : nullptr};
    train = codec == schema::Codec::kZstdDictionary && (request.retrain || !target.dictionary);
  }
  if (train) {
    // Sampled and trained without the write lock: it reads across the
    // whole collection, and training takes a while.
    HEARTH_ASSIGN_OR_RETURN(auto samples, SampleStoredBodies(c, options_.dictionary_training_documents));
    auto bytes = schema::TrainDictionary(samples, options_.dictionary_bytes);
    if (!bytes.ok() && bytes.status().code() != StatusCode::kFailedPrecondition) return bytes.status();
    std::lock_guard lock(write_mu_);
    if (!bytes.ok()) {
      // Too few or too alike to train on: plain zstd below.
    } else if (request.dry_run) {
      target.dictionary = std::make_shared<const schema::Dictionary>(dictionaries_.NextId(), *bytes);
    } else {
      HEARTH_RETURN_IF_ERROR(InstallTrainedDictionary(c, std::move(*bytes)));
      target.dictionary = c.compression.dictionary;
    }
  }
  // Without a dictionary (too few documents to train on) zstd-dict writes plain zstd.
  report.compression = std::string(schema::CodecName(target.written()));
  report.dictionary = target.dictionary ? target.dictionary->id() : 0;

  HEARTH_ASSIGN_OR_RETURN(uint64_t total, ReadCounter(meta::DocumentCount(c.def.id)));
  Progress progress{"recompressing " + c.def.id, 0, total};
  // Re-encode a chunk outside the write lock, then write the ones whose
  // stored bytes are still what was re-encoded (a concurrent write wins).
  constexpr size_t kChunk = 1000;
  struct Rewrite {
    std::string key, old_bytes, new_bytes;
    std::string partition;   // time series: the key's partition prefix
    std::string ledger_key;  // time series: the key's series ledger day
    bool written = false;
  };
  std::vector<Rewrite> chunk;  // re-encoded outside the lock
  auto flush = [&]() -> Status {
    if (chunk.empty() || request.dry_run) {
      chunk.clear();
      return Status::OK();
    }
    std::lock_guard lock(write_mu_);
    rocksdb::WriteBatch wb;
    CounterDelta delta;
    std::map<std::string, CounterDelta> ledger;  // time series: by ledger key
    std::string current;
    for (Rewrite& r : chunk) {
      rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), c.docs, r.key, &current);
      if (s.IsNotFound() || (s.ok() && current != r.old_bytes)) continue;  // rewritten meanwhile
      HEARTH_RETURN_IF_ERROR(FromRocks(s, "reading " + DescribeKey(cf::Docs(c.def.id), r.key)));
      wb.Put(c.docs, r.key, r.new_bytes);
      r.written = true;
      delta.Add(+1, r.new_bytes);
      delta.Add(-1, r.old_bytes);
      if (!r.ledger_key.empty()) {
        ledger[r.ledger_key].Add(+1, r.new_bytes);
        ledger[r.ledger_key].Add(-1, r.old_bytes);
      }
    }
    delta.MergeInto(&wb, meta_, c.def.id);
    for (const auto& [key, d] : ledger)
      if (!d.zero()) wb.Merge(meta_, key, d.Encoded());
    rocksdb::WriteOptions wo;
    wo.sync = options_.sync_writes;
    HEARTH_RETURN_IF_ERROR(FromRocks(db_->Write(wo, &wb), "recompressing " + c.def.id));
    for (Rewrite& r : chunk)
      if (r.written && !r.partition.empty()) latest_.Wrote(r.partition, r.key, r.new_bytes);
    chunk.clear();
    return Status::OK();
  };
  // The whole collection, or one partition's span of its primary key.
  std::string lower, upper;
  if (request.partition) {
    const std::string prefix = TimeSeriesPartitionPrefix(schema::ResourcePath({c.def.id}), *request.partition);
    lower = request.from ? TimeSeriesTimeKey(prefix, *request.from) : prefix;
    upper = request.to ? TimeSeriesTimeKey(prefix, *request.to) : schema::PrefixSuccessor(prefix);
    progress.total = 0;  // not known for a span
  }
  BoundedIterator it(db_.get(), c.docs, lower, upper);
  if (options_.progress) options_.progress(progress);  // writes from here on race with the scan
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    std::string_view key(it->key().data(), it->key().size());
    std::string_view old_bytes(it->value().data(), it->value().size());
    schema::ResourcePath p;
    const bool named = DocumentPathFromKey(key, c.time_series(), &p);
    std::string what = named ? p.ToString() : DescribeKey(cf::Docs(c.def.id), key);
    HEARTH_ASSIGN_OR_RETURN(schema::StoredDocument sd, schema::StoredDocument::Parse(
                                                           old_bytes, what, schema::Verification::kFull, &dictionaries_));
    std::string new_bytes = schema::EncodeStoredDocument(sd.Fields(), sd.create_time(), sd.update_time(), target);
    report.documents++;
    report.bytes_before += old_bytes.size();
    report.bytes_after += new_bytes.size();
    if (new_bytes != old_bytes) {
      report.reencoded++;
      std::string partition, ledger_key;
      if (named && c.time_series()) {
        partition = TimeSeriesPartitionOf(key, p[p.size() - 1]);
        ledger_key = LedgerKeyOf(c.def.id, key, p[p.size() - 1]);
      }
      chunk.push_back({std::string(key), std::string(old_bytes), std::move(new_bytes), std::move(partition),
                       std::move(ledger_key)});
      if (chunk.size() >= kChunk) HEARTH_RETURN_IF_ERROR(flush());
    }
    if (++progress.done % 4096 == 0 && options_.progress) options_.progress(progress);
  }
  HEARTH_RETURN_IF_ERROR(FromRocks(it->status(), "scanning " + cf::Docs(c.def.id)));
  HEARTH_RETURN_IF_ERROR(flush());
  if (options_.progress) options_.progress(progress);
  return report;
}

StatusOr<RecompressReport> Store::Recompress(const RecompressRequest& request) {
  if (request.compression && request.collection.empty())
    return Status::InvalidArgument("choosing a compression needs a collection");
  if ((request.partition || request.from || request.to) && request.collection.empty())
    return Status::InvalidArgument("recompressing a partition needs its collection");
  if ((request.from || request.to) && !request.partition)
    return Status::InvalidArgument("a time span to recompress needs a partition");
  if (request.partition) {
    std::optional<CollectionDef> def = Collection(request.collection);
    if (!def || !def->time_series)
      return Status::FailedPrecondition("collection \"" + request.collection + "\" is not a time series");
  }
  std::vector<std::string> ids = request.collection.empty() ? RegisteredCollections()
                                                            : std::vector<std::string>{request.collection};
  RecompressReport report;
  for (const auto& id : ids) {
    HEARTH_ASSIGN_OR_RETURN(const CollectionState* c, ResolveCollection(id, false));
    HEARTH_ASSIGN_OR_RETURN(auto r, RecompressCollection(*c, request));
    report.collections.push_back(std::move(r));
  }
  return report;
}

}  // namespace hearth::engine
