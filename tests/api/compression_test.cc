// Per-collection document compression through the public API, on both
// backends: codecs, dictionary training and rotation, recompress, and the
// logical-size statistics.
#include <gtest/gtest.h>

#include "hearth/timeseries.h"
#include "schema/json.h"
#include "tests/test_util.h"
#include "tools/snapshot_generator.h"

namespace hearth::testing {
namespace {

class CompressionTest : public DatabaseTest {
 protected:
  // Options whose snapshots collection uses `c`.
  static Options With(DocumentCompression c, size_t training_documents = 1000) {
    Options o;
    CollectionDef snapshots = *MonitoringDomainCollections().begin();
    snapshots.compression = c;
    o.collections = {snapshots};
    o.dictionary_training_documents = training_documents;
    return o;
  }

  // Writes `monitors` x `hours` generated snapshots in batches of 10 and
  // returns them by path.
  std::map<std::string, MapValue> WriteSnapshots(int monitors, int hours, int64_t start_offset = 0) {
    tools::GeneratorOptions g;
    g.monitors = monitors;
    g.hours = hours;
    g.start.seconds += start_offset;
    tools::SnapshotGenerator gen(g);
    std::map<std::string, MapValue> written;
    WriteBatch batch;
    MapValue s;
    while (gen.Next(&s)) {
      std::string path = "snapshots/" + s.at("monitor_id").string() + "_" +
                         std::to_string(s.at("timestamp").timestamp().seconds);
      written[path] = s;
      batch.Set(path, std::move(s));
      if (batch.size() == 10) {
        EXPECT_TRUE(db_->Write(batch).ok());
        batch.Clear();
      }
    }
    if (!batch.empty()) {
      EXPECT_TRUE(db_->Write(batch).ok());
    }
    return written;
  }

  void ExpectAllReadBack(const std::map<std::string, MapValue>& written) {
    for (const auto& [path, fields] : written) {
      auto d = db_->Get(path);
      ASSERT_TRUE(d.ok()) << path << ": " << d.status().ToString();
      EXPECT_EQ(d->fields, fields) << path;
    }
    auto check = db_->Check();
    ASSERT_TRUE(check.ok());
    EXPECT_TRUE(check->ok()) << (check->problems.empty() ? "" : check->problems[0]);
  }

  CollectionStats SnapshotStats() {
    auto st = db_->GetStats();
    EXPECT_TRUE(st.ok());
    for (const auto& c : st->collections)
      if (c.id == "snapshots") return c;
    return {};
  }

  RecompressReport::Collection Recompress(RecompressRequest r) {
    r.collection = "snapshots";
    auto report = db_->Recompress(r);
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    return report.ok() && report->collections.size() == 1 ? report->collections[0] : RecompressReport::Collection{};
  }
};

TEST_P(CompressionTest, EveryCodecKeepsEveryDocumentAndShrinksTheStoredValues) {
  Reopen(With(DocumentCompression::kNone));
  auto written = WriteSnapshots(3, 20);
  const uint64_t plain = SnapshotStats().stored_bytes;
  for (auto c : {DocumentCompression::kZlib, DocumentCompression::kZstd, DocumentCompression::kZstdDictionary,
                 DocumentCompression::kNone}) {
    RecompressRequest r;
    r.compression = c;
    auto report = Recompress(r);
    EXPECT_EQ(report.documents, written.size());
    ExpectAllReadBack(written);
    const uint64_t stored = SnapshotStats().stored_bytes;
    EXPECT_EQ(stored, report.bytes_after);
    if (c == DocumentCompression::kNone) {
      EXPECT_EQ(stored, plain);
    } else {
      EXPECT_LT(stored, plain * 3 / 4) << report.compression;
    }
  }
}

TEST_P(CompressionTest, ADictionaryIsTrainedOnceEnoughDocumentsAreWrittenAndRecompressUsesItForTheRest) {
  Reopen(With(DocumentCompression::kZstdDictionary, /*training_documents=*/50));
  auto written = WriteSnapshots(6, 20);  // 120 documents
  ExpectAllReadBack(written);
  // The first 49 went out as plain zstd; the 50th trained dictionary 1, and
  // it and the rest used it. Re-encoding with dictionary 1 changes exactly the 49.
  RecompressRequest dry;
  dry.dry_run = true;
  auto plan = Recompress(dry);
  EXPECT_EQ(plan.compression, "zstd-dict");
  EXPECT_EQ(plan.dictionary, 1u);
  EXPECT_EQ(plan.documents, 120u);
  EXPECT_EQ(plan.reencoded, 49u);
  const uint64_t before = SnapshotStats().stored_bytes;
  auto done = Recompress({});
  EXPECT_EQ(done.reencoded, plan.reencoded);
  EXPECT_EQ(done.bytes_after, plan.bytes_after);
  EXPECT_EQ(SnapshotStats().stored_bytes, done.bytes_after);
  EXPECT_LT(done.bytes_after, before);
  EXPECT_EQ(Recompress(dry).reencoded, 0u);
  ExpectAllReadBack(written);
}

TEST_P(CompressionTest, RotatingTheDictionaryKeepsOldDocumentsReadable) {
  Reopen(With(DocumentCompression::kZstdDictionary, 50));
  auto written = WriteSnapshots(5, 20);
  // A second dictionary, trained from what is stored; documents written
  // later use it, the ones written before keep dictionary 1 until recompressed.
  RecompressRequest retrain;
  retrain.retrain = true;
  retrain.dry_run = true;
  EXPECT_EQ(Recompress(retrain).dictionary, 2u);  // the dry run installs nothing...
  retrain.dry_run = false;
  auto rotated = Recompress(retrain);
  EXPECT_EQ(rotated.dictionary, 2u);  // ...so the real one gets the same id
  EXPECT_EQ(rotated.reencoded, written.size());
  auto later = WriteSnapshots(5, 20, 20 * 3600);
  written.insert(later.begin(), later.end());
  ExpectAllReadBack(written);
  if (GetParam() == Backend::kOnDisk) {
    Reopen(With(DocumentCompression::kZstdDictionary, 50));  // dictionaries come back from meta
    ExpectAllReadBack(written);
    RecompressRequest dry;
    dry.dry_run = true;
    auto plan = Recompress(dry);
    EXPECT_EQ(plan.dictionary, 2u);
    EXPECT_EQ(plan.reencoded, 0u);  // everything already uses dictionary 2
  }
}

TEST_P(CompressionTest, ACodecChosenByRecompressIsRemembered) {
  Reopen(With(DocumentCompression::kNone));
  WriteSnapshots(2, 5);
  RecompressRequest r;
  r.compression = DocumentCompression::kZlib;
  EXPECT_EQ(Recompress(r).compression, "zlib");
  auto more = WriteSnapshots(2, 5, 5 * 3600);  // written with zlib
  RecompressRequest dry;
  dry.dry_run = true;
  EXPECT_EQ(Recompress(dry).reencoded, 0u);
  if (GetParam() == Backend::kOnDisk) {
    Reopen(With(DocumentCompression::kNone));  // the stored choice overrides the definition
    EXPECT_EQ(Recompress(dry).compression, "zlib");
    EXPECT_EQ(Recompress(dry).reencoded, 0u);
  }
  RecompressRequest no_collection;
  no_collection.compression = DocumentCompression::kZstd;
  auto bad = db_->Recompress(no_collection);
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
}

TEST_P(CompressionTest, ADocumentWrittenDuringRecompressKeepsItsNewerVersion) {
  Options o = With(DocumentCompression::kNone);
  bool written_meanwhile = false;
  MapValue newer{{"monitor_id", Value::String("mon-0000")},
                 {"timestamp", Value::Time(tools::GeneratorOptions{}.start)},
                 {"note", Value::String("written while recompress ran")}};
  const std::string path = "snapshots/mon-0000_" + std::to_string(tools::GeneratorOptions{}.start.seconds);
  o.progress = [&](const Progress& p) {
    if (p.task == "recompressing snapshots" && !written_meanwhile) {
      written_meanwhile = true;
      ASSERT_TRUE(db_->Set(path, newer).ok());  // after the scan began, before it reaches the document
    }
  };
  Reopen(o);
  auto written = WriteSnapshots(2, 5);
  RecompressRequest r;
  r.compression = DocumentCompression::kZstd;
  auto report = Recompress(r);
  ASSERT_TRUE(written_meanwhile);
  EXPECT_EQ(report.documents, written.size());
  auto d = db_->Get(path);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->fields, newer);
  written[path] = newer;
  ExpectAllReadBack(written);
}

TEST_P(CompressionTest, StatsCountTheJsonBytesOfWhatIsStored) {
  Reopen(With(DocumentCompression::kZstd));
  auto written = WriteSnapshots(4, 10);
  auto json_of = [&](const std::string& path) { return schema::PlainDocumentJson(db_->Get(path)->fields).size(); };
  uint64_t total = 0;
  for (const auto& [path, fields] : written) total += json_of(path);
  CollectionStats st = SnapshotStats();
  EXPECT_EQ(st.documents, written.size());
  EXPECT_EQ(st.json_bytes, total);
  EXPECT_EQ(st.json_documents, written.size());
  EXPECT_LT(st.stored_bytes, total);
  // A delete and retention subtract exactly what they remove.
  const std::string first = written.begin()->first;
  const uint64_t first_json = json_of(first);
  ASSERT_TRUE(db_->Delete(first).ok());
  EXPECT_EQ(SnapshotStats().json_bytes, total - first_json);
  SeriesDeletion del;
  del.collection = "snapshots";
  del.before = {tools::GeneratorOptions{}.start.seconds + 5 * 3600, 0};  // hours 0-4 of every monitor
  uint64_t removed = 0;
  for (const auto& [path, fields] : written)
    if (path != first && fields.at("timestamp").timestamp() < del.before) removed += json_of(path);
  ASSERT_TRUE(db_->DeleteSeries(del).ok());
  EXPECT_EQ(SnapshotStats().json_bytes, total - first_json - removed);
  EXPECT_EQ(SnapshotStats().json_documents, SnapshotStats().documents);
}

INSTANTIATE_TEST_SUITE_P(Backends, CompressionTest, ::testing::Values(Backend::kInMemory, Backend::kOnDisk),
                         BackendName);

}  // namespace
}  // namespace hearth::testing
