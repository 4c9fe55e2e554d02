#include "engine/query_exec.h"

#include <queue>

#include "engine/bounded_iterator.h"
#include "engine/keys.h"
#include "engine/rocks_status.h"
#include "engine/store.h"
#include "schema/document_codec.h"

namespace hearth::engine {

namespace {

// A candidate result: its path, stored bytes and order values.
struct Row {
  schema::ResourcePath path;
  std::string bytes;
  std::vector<Value> order;
};

enum class Verdict { kSkip, kEmit, kStop };

// Reads documents for index entries and decides whether each is a result.
class Resolver {
 public:
  Resolver(rocksdb::DB* db, const CollectionState& c, const schema::NormalizedQuery& q,
           const std::vector<schema::QueryFilter>& filters, QueryStats* stats)
      : db_(db), c_(c), q_(q), filters_(filters), collection_(q.CollectionPath()), stats_(stats) {}

  // The document an entry of `layout` names, with its stored bytes.
  StatusOr<bool> Fetch(const EntryLayout& layout, std::string_view key, std::string_view value, Row* row) {
    stats_->keys_read++;
    switch (layout.kind) {
      case EntryLayout::kDocument:
        if (!DocumentPathFromKey(key, layout.time_series, &row->path))
          return Status::DataLoss("malformed document key " + DescribeKey(cf::Docs(c_.def.id), key));
        row->bytes.assign(value);
        return true;
      case EntryLayout::kName:
        if (!DocumentPathFromKey(key, false, &row->path))
          return Status::DataLoss("malformed " + DescribeKey(cf::Names(c_.def.id), key));
        return ReadDocument(value, row);
      case EntryLayout::kEntry: {
        if (layout.time_series) {
          if (!DocumentPathFromKey(value, true, &row->path))
            return Status::DataLoss("index entry points at a malformed primary key");
          return ReadDocument(value, row);
        }
        std::string_view rest = key.substr(std::min(layout.prefix_len, key.size()));
        for (schema::Direction d : layout.value_directions) {
          Value skipped;
          if (!schema::DecodeValue(&rest, d, &skipped)) return Status::DataLoss("malformed index entry");
        }
        if (layout.full_path) {
          if (!schema::DecodeDocumentPath(&rest, layout.name_direction, &row->path))
            return Status::DataLoss("malformed index entry");
        } else {
          std::string id;
          bool last;
          if (!schema::DecodeSegment(&rest, layout.name_direction, &id, &last))
            return Status::DataLoss("malformed index entry");
          auto segs = layout.collection.segments();
          segs.push_back(std::move(id));
          row->path = schema::ResourcePath(std::move(segs));
        }
        std::string doc_key;
        schema::AppendDocumentPath(&doc_key, row->path);
        return ReadDocument(doc_key, row);
      }
    }
    return false;
  }

  // Scope, filters, ordering fields and cursors.
  StatusOr<Verdict> Judge(Row* row) {
    const auto& segs = row->path.segments();
    if (q_.all_descendants) {
      const auto& parent = q_.parent.segments();
      if (segs.size() < parent.size() + 2 || !std::equal(parent.begin(), parent.end(), segs.begin()) ||
          segs[segs.size() - 2] != q_.collection_id)
        return Verdict::kSkip;
    } else if (segs.size() != collection_.size() + 1 ||
               !std::equal(collection_.segments().begin(), collection_.segments().end(), segs.begin())) {
      return Verdict::kSkip;
    }
    const std::string path = row->path.ToString();
    stats_->documents_read++;
    HEARTH_ASSIGN_OR_RETURN(schema::StoredDocument sd, schema::StoredDocument::Parse(row->bytes, path, schema::Verification::kChecksum, c_.dictionaries));
    if (c_.Expired(sd, now_)) return Verdict::kSkip;
    schema::FieldReader read = [&](const schema::FieldPath& f) -> std::optional<Value> {
      if (f.IsName()) return Value::Ref(path);
      return sd.FieldAt(f.segments());
    };
    if (!schema::MatchesConjunction(filters_, read)) return Verdict::kSkip;
    auto order = schema::OrderValues(q_, read);
    if (!order) return Verdict::kSkip;
    row->order = std::move(*order);
    if (!schema::AfterStart(q_, row->order)) return Verdict::kSkip;
    if (!schema::BeforeEnd(q_, row->order)) return Verdict::kStop;
    return Verdict::kEmit;
  }

 private:
  StatusOr<bool> ReadDocument(std::string_view doc_key, Row* row) {
    rocksdb::PinnableSlice v;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), c_.docs, rocksdb::Slice(doc_key.data(), doc_key.size()), &v);
    if (s.IsNotFound()) return false;  // deleted since the entry was read
    HEARTH_RETURN_IF_ERROR(FromRocks(s, "reading a query result"));
    row->bytes.assign(v.data(), v.size());
    return true;
  }

  rocksdb::DB* db_;
  const CollectionState& c_;
  const schema::NormalizedQuery& q_;
  const std::vector<schema::QueryFilter>& filters_;
  schema::ResourcePath collection_;
  QueryStats* stats_;
  Timestamp now_ = Timestamp::Now();
};

class RowStream {
 public:
  virtual ~RowStream() = default;
  // The next result in query order; false at the end.
  virtual StatusOr<bool> Next(Row* row) = 0;
};

// One key range of one column family, forwards or backwards.
class RangeStream final : public RowStream {
 public:
  RangeStream(rocksdb::DB* db, const ScanSource& src, const KeyRange& range, Resolver resolver)
      : src_(src), it_(db, src.cf, range.lower, range.upper), resolver_(std::move(resolver)) {}

  StatusOr<bool> Next(Row* row) override {
    while (true) {
      if (done_) return false;
      if (!started_) {
        started_ = true;
        if (src_.reverse) {
          it_->SeekToLast();  // the last key below the upper bound
        } else {
          it_->Seek(it_.lower());
        }
      } else if (src_.reverse) {
        it_->Prev();
      } else {
        it_->Next();
      }
      if (!it_->Valid()) {
        HEARTH_RETURN_IF_ERROR(FromRocks(it_->status(), "scanning " + src_.cf_name));
        done_ = true;
        return false;
      }
      std::string_view key(it_->key().data(), it_->key().size());
      std::string_view value(it_->value().data(), it_->value().size());
      HEARTH_ASSIGN_OR_RETURN(bool found, resolver_.Fetch(src_.layout, key, value, row));
      if (!found) continue;
      HEARTH_ASSIGN_OR_RETURN(Verdict v, resolver_.Judge(row));
      if (v == Verdict::kEmit) return true;
      if (v == Verdict::kStop) done_ = true;
    }
  }

 private:
  const ScanSource& src_;
  BoundedIterator it_;
  Resolver resolver_;
  bool started_ = false, done_ = false;
};

// Intersects single-field index ranges that share document-id order: each
// key is the range's prefix followed by the document id; the lagging
// iterators seek straight to the leading id.
class ZigZagStream final : public RowStream {
 public:
  ZigZagStream(rocksdb::DB* db, const std::vector<ScanSource>& sources, Resolver resolver)
      : resolver_(std::move(resolver)) {
    for (const auto& s : sources)
      legs_.push_back(std::make_unique<Leg>(&s, db));
    reverse_ = !sources.empty() && sources[0].reverse;
  }

  StatusOr<bool> Next(Row* row) override {
    if (!started_) {
      started_ = true;
      for (auto& l : legs_) {
        if (reverse_) {
          l->it->SeekToLast();  // the last key below the upper bound
        } else {
          l->it->Seek(l->prefix);
        }
      }
    } else {
      Step(*legs_[0]);
    }
    while (true) {
      std::string target;
      bool all_equal = true;
      for (auto& l : legs_) {
        if (!Valid(*l)) {
          for (auto& x : legs_) HEARTH_RETURN_IF_ERROR(FromRocks(x->it->status(), "scanning " + x->src->cf_name));
          return false;
        }
        std::string id = l->it->key().ToString().substr(l->prefix.size());
        if (&l == &legs_.front()) {
          target = id;
        } else if (id != target) {
          all_equal = false;
          if (reverse_ ? id < target : id > target) target = id;
        }
      }
      if (all_equal) {
        auto& l = *legs_[0];
        std::string_view key(l.it->key().data(), l.it->key().size());
        std::string_view value(l.it->value().data(), l.it->value().size());
        HEARTH_ASSIGN_OR_RETURN(bool found, resolver_.Fetch(l.src->layout, key, value, row));
        if (found) {
          HEARTH_ASSIGN_OR_RETURN(Verdict v, resolver_.Judge(row));
          if (v == Verdict::kEmit) return true;
          if (v == Verdict::kStop) return false;
        }
        Step(l);
        continue;
      }
      for (auto& l : legs_) {
        std::string seek = l->prefix + target;
        if (reverse_) {
          l->it->SeekForPrev(seek);
        } else {
          l->it->Seek(seek);
        }
      }
    }
  }

 private:
  // One range; its keys are `prefix` followed by the document id.
  struct Leg {
    Leg(const ScanSource* s, rocksdb::DB* db)
        : src(s), prefix(s->ranges[0].lower), it(db, s->cf, s->ranges[0].lower, s->ranges[0].upper) {}
    const ScanSource* src;
    std::string prefix;
    BoundedIterator it;
  };
  bool Valid(const Leg& l) const { return l.it->Valid() && l.it->key().starts_with(l.prefix); }
  void Step(Leg& l) {
    if (reverse_) {
      l.it->Prev();
    } else {
      l.it->Next();
    }
  }

  std::vector<std::unique_ptr<Leg>> legs_;
  Resolver resolver_;
  bool reverse_ = false, started_ = false;
};

}  // namespace

Status ExecuteQuery(rocksdb::DB* db, const CollectionState& c, const schema::NormalizedQuery& q,
                    const QueryPlan& plan, const std::function<bool(const Document&)>& visit, QueryStats* stats) {
  if (q.limit && *q.limit == 0) return Status::OK();
  std::vector<std::unique_ptr<RowStream>> streams;
  for (const auto& conj : plan.conjunctions) {
    Resolver resolver(db, c, q, conj.filters, stats);
    if (conj.zigzag) {
      streams.push_back(std::make_unique<ZigZagStream>(db, conj.sources, resolver));
      continue;
    }
    for (const auto& src : conj.sources)
      for (const auto& r : src.ranges) streams.push_back(std::make_unique<RangeStream>(db, src, r, resolver));
  }
  // k-way merge by the rows' order values (each stream is already ordered).
  struct Head {
    size_t stream;
    Row row;
  };
  auto later = [&q](const Head& a, const Head& b) { return schema::CompareRows(q, a.row.order, b.row.order) > 0; };
  std::priority_queue<Head, std::vector<Head>, decltype(later)> heap(later);
  for (size_t i = 0; i < streams.size(); i++) {
    Head h{i, {}};
    HEARTH_ASSIGN_OR_RETURN(bool ok, streams[i]->Next(&h.row));
    if (ok) heap.push(std::move(h));
  }
  int64_t skipped = 0, emitted = 0;
  std::string last_path;
  while (!heap.empty()) {
    Head h = std::move(const_cast<Head&>(heap.top()));
    heap.pop();
    std::string path = h.row.path.ToString();
    if (path != last_path) {
      last_path = path;
      if (skipped < q.offset) {
        skipped++;
      } else {
        HEARTH_ASSIGN_OR_RETURN(Document d, schema::DecodeStoredDocument(h.row.bytes, path, c.dictionaries));
        emitted++;
        stats->results++;
        if (!visit(d) || (q.limit && emitted >= *q.limit)) return Status::OK();
      }
    }
    Head next{h.stream, {}};
    HEARTH_ASSIGN_OR_RETURN(bool ok, streams[h.stream]->Next(&next.row));
    if (ok) heap.push(std::move(next));
  }
  return Status::OK();
}

}  // namespace hearth::engine
