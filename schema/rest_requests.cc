#include "schema/rest_requests.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdlib>

#include "schema/json_internal.h"
#include "schema/time_format.h"

namespace hearth::schema {

namespace {

std::string_view Member(const rapidjson::Value::ConstMemberIterator& it) {
  return std::string_view(it->name.GetString(), it->name.GetStringLength());
}

StatusOr<std::vector<std::string>> FieldPaths(const rapidjson::Value& mask, const std::string& where) {
  if (!mask.IsObject()) return Status::InvalidArgument(where + ": \"updateMask\" must be an object");
  std::vector<std::string> paths;
  auto fp = mask.FindMember("fieldPaths");
  if (fp == mask.MemberEnd()) return paths;  // an empty mask
  if (!fp->value.IsArray()) return Status::InvalidArgument(where + ": \"updateMask.fieldPaths\" must be an array");
  for (const auto& p : fp->value.GetArray()) {
    if (!p.IsString()) return Status::InvalidArgument(where + ": \"updateMask.fieldPaths\" must hold strings");
    paths.emplace_back(p.GetString(), p.GetStringLength());
  }
  return paths;
}

Status ReadPrecondition(const rapidjson::Value& pre, const std::string& where, RestWriteRequest* w) {
  if (!pre.IsObject()) return Status::InvalidArgument(where + ": \"currentDocument\" must be an object");
  for (auto it = pre.MemberBegin(); it != pre.MemberEnd(); ++it) {
    if (Member(it) == "exists") {
      if (!it->value.IsBool()) return Status::InvalidArgument(where + ": \"currentDocument.exists\" must be true or false");
      w->exists = it->value.GetBool();
    } else if (Member(it) == "updateTime") {
      if (!it->value.IsString()) return Status::InvalidArgument(where + ": \"currentDocument.updateTime\" must be a timestamp");
      auto t = ParseRfc3339(std::string_view(it->value.GetString(), it->value.GetStringLength()));
      if (!t.ok()) return t.status().WithContext(where + " \"currentDocument.updateTime\"");
      w->update_time = *t;
    } else {
      return Status::InvalidArgument(where + ": unknown member \"currentDocument." + std::string(Member(it)) + "\"");
    }
  }
  return Status::OK();
}

// One FieldTransform ({"fieldPath", and one of setToServerValue, increment,
// maximum, minimum, appendMissingElements, removeAllFromArray}).
StatusOr<FieldTransform> TransformFrom(const rapidjson::Value& j, const std::string& where) {
  if (!j.IsObject()) return Status::InvalidArgument(where + " must be an object");
  FieldTransform t;
  bool has_path = false;
  int kinds = 0;
  for (auto it = j.MemberBegin(); it != j.MemberEnd(); ++it) {
    const std::string_view k = Member(it);
    const rapidjson::Value& v = it->value;
    if (k == "fieldPath") {
      if (!v.IsString()) return Status::InvalidArgument(where + ": \"fieldPath\" must be a string");
      t.field_path.assign(v.GetString(), v.GetStringLength());
      has_path = true;
      continue;
    }
    kinds++;
    if (k == "setToServerValue") {
      // REQUEST_TIME, as a number (the official client's enum-encoding=int) or a name.
      const bool request_time = (v.IsInt() && v.GetInt() == 1) ||
                                (v.IsString() && std::string_view(v.GetString(), v.GetStringLength()) == "REQUEST_TIME");
      if (!request_time) return Status::InvalidArgument(where + ": \"setToServerValue\" must be REQUEST_TIME (1)");
      t.kind = FieldTransform::Kind::kServerTime;
    } else if (k == "increment" || k == "maximum" || k == "minimum") {
      t.kind = k == "increment" ? FieldTransform::Kind::kIncrement
               : k == "maximum" ? FieldTransform::Kind::kMaximum
                                : FieldTransform::Kind::kMinimum;
      HEARTH_ASSIGN_OR_RETURN(t.operand, internal::RestValueFrom(v, where + " " + std::string(k)));
    } else if (k == "appendMissingElements" || k == "removeAllFromArray") {
      t.kind = k == "appendMissingElements" ? FieldTransform::Kind::kAppendMissing : FieldTransform::Kind::kRemoveAll;
      // An ArrayValue ({"values": [...]}), which is what an arrayValue holds.
      rapidjson::Value wrapped(rapidjson::kObjectType);
      rapidjson::Document scratch;
      wrapped.AddMember("arrayValue", rapidjson::Value(v, scratch.GetAllocator()), scratch.GetAllocator());
      HEARTH_ASSIGN_OR_RETURN(t.operand, internal::RestValueFrom(wrapped, where + " " + std::string(k)));
    } else {
      return Status::InvalidArgument(where + ": unknown member \"" + std::string(k) +
                                     "\" (expected fieldPath, setToServerValue, increment, maximum, minimum, "
                                     "appendMissingElements, removeAllFromArray)");
    }
  }
  if (!has_path) return Status::InvalidArgument(where + " needs a \"fieldPath\"");
  if (kinds != 1) return Status::InvalidArgument(where + " needs exactly one transform");
  return t;
}

StatusOr<RestWriteRequest> WriteFrom(const rapidjson::Value& j, const std::string& where) {
  if (!j.IsObject()) return Status::InvalidArgument(where + " must be an object");
  RestWriteRequest w;
  bool has_update = false, has_delete = false;
  for (auto it = j.MemberBegin(); it != j.MemberEnd(); ++it) {
    const std::string_view k = Member(it);
    if (k == "update") {
      auto doc = internal::RestDocumentFrom(it->value);
      if (!doc.ok()) return doc.status().WithContext(where + " \"update\"");
      if (!doc->name) return Status::InvalidArgument(where + ": \"update\" needs the document's \"name\"");
      w.path = std::move(*doc->name);
      w.fields = std::move(doc->fields);
      has_update = true;
    } else if (k == "delete") {
      if (!it->value.IsString()) return Status::InvalidArgument(where + ": \"delete\" must be a document name");
      w.path = std::string(RelativeDocumentPath(std::string_view(it->value.GetString(), it->value.GetStringLength())));
      w.kind = RestWriteRequest::Kind::kDelete;
      has_delete = true;
    } else if (k == "updateMask") {
      HEARTH_ASSIGN_OR_RETURN(w.update_mask, FieldPaths(it->value, where));
    } else if (k == "currentDocument") {
      HEARTH_RETURN_IF_ERROR(ReadPrecondition(it->value, where, &w));
    } else if (k == "updateTransforms") {
      if (!it->value.IsArray()) return Status::InvalidArgument(where + ": \"updateTransforms\" must be an array");
      for (rapidjson::SizeType i = 0; i < it->value.Size(); i++) {
        HEARTH_ASSIGN_OR_RETURN(FieldTransform t,
                                TransformFrom(it->value[i], where + " updateTransforms[" + std::to_string(i) + "]"));
        w.transforms.push_back(std::move(t));
      }
    } else {
      return Status::InvalidArgument(where + ": unknown member \"" + std::string(k) +
                                     "\" (expected update, delete, updateMask, updateTransforms, currentDocument)");
    }
  }
  if (has_update == has_delete) return Status::InvalidArgument(where + " needs exactly one of \"update\" and \"delete\"");
  if (has_delete && (w.update_mask || !w.transforms.empty()))
    return Status::InvalidArgument(where + ": a delete takes no \"updateMask\" or \"updateTransforms\"");
  return w;
}

bool ReadConsistencyMember(std::string_view k) {
  return k == "transaction" || k == "newTransaction" || k == "readTime";
}

// TransactionOptions ({"readOnly": {"readTime"?}} or {"readWrite": {"retryTransaction"?}}).
Status TransactionOptionsFrom(const rapidjson::Value& o, const char* what, bool* read_only, bool* read_time) {
  if (!o.IsObject()) return Status::InvalidArgument(std::string("\"") + what + "\" must be an object");
  *read_only = false;
  for (auto it = o.MemberBegin(); it != o.MemberEnd(); ++it) {
    if (Member(it) == "readOnly") {
      *read_only = true;
      if (it->value.IsObject() && it->value.HasMember("readTime")) *read_time = true;
    } else if (Member(it) != "readWrite") {
      return Status::InvalidArgument(std::string("\"") + what + "\": unknown member \"" + std::string(Member(it)) +
                                     "\" (expected readOnly, readWrite)");
    }
  }
  return Status::OK();
}

Status ReadConsistencyFrom(std::string_view k, const rapidjson::Value& v, RestReadConsistency* out) {
  if (k == "transaction") {
    if (!v.IsString()) return Status::InvalidArgument("\"transaction\" must be a base64 string");
    out->transaction.assign(v.GetString(), v.GetStringLength());
  } else if (k == "newTransaction") {
    bool read_only = false;
    HEARTH_RETURN_IF_ERROR(TransactionOptionsFrom(v, "newTransaction", &read_only, &out->read_time));
    out->new_read_only = read_only;
  } else {
    out->read_time = true;
  }
  return Status::OK();
}

// Parses a request body that must be a JSON object; `what` names the request.
Status ParseRequestObject(std::string_view json, const char* what, rapidjson::Document* doc) {
  HEARTH_RETURN_IF_ERROR(internal::ParseJson(json, doc));
  if (!doc->IsObject()) return Status::InvalidArgument(std::string("a ") + what + " request must be a JSON object");
  return Status::OK();
}

}  // namespace

StatusOr<RestCommitRequest> ParseRestCommitRequest(std::string_view json) {
  rapidjson::Document doc;
  HEARTH_RETURN_IF_ERROR(ParseRequestObject(json, "commit", &doc));
  RestCommitRequest out;
  for (auto it = doc.MemberBegin(); it != doc.MemberEnd(); ++it) {
    const std::string_view k = Member(it);
    if (k == "writes") {
      if (!it->value.IsArray()) return Status::InvalidArgument("\"writes\" must be an array");
      out.writes.reserve(it->value.Size());
      for (rapidjson::SizeType i = 0; i < it->value.Size(); i++) {
        HEARTH_ASSIGN_OR_RETURN(RestWriteRequest w, WriteFrom(it->value[i], "write " + std::to_string(i)));
        out.writes.push_back(std::move(w));
      }
    } else if (k == "transaction") {
      if (!it->value.IsString()) return Status::InvalidArgument("\"transaction\" must be a base64 string");
      out.transaction.assign(it->value.GetString(), it->value.GetStringLength());
    } else if (k != "labels") {
      return Status::InvalidArgument("unknown member \"" + std::string(k) + "\" (expected writes, transaction, labels)");
    }
  }
  return out;
}

StatusOr<RestBatchGetRequest> ParseRestBatchGetRequest(std::string_view json) {
  rapidjson::Document doc;
  HEARTH_RETURN_IF_ERROR(ParseRequestObject(json, "batchGet", &doc));
  RestBatchGetRequest out;
  for (auto it = doc.MemberBegin(); it != doc.MemberEnd(); ++it) {
    const std::string_view k = Member(it);
    if (k == "documents") {
      if (!it->value.IsArray()) return Status::InvalidArgument("\"documents\" must be an array of names");
      for (const auto& n : it->value.GetArray()) {
        if (!n.IsString()) return Status::InvalidArgument("\"documents\" must be an array of names");
        std::string_view name(n.GetString(), n.GetStringLength());
        out.names.emplace_back(name);
        out.paths.emplace_back(RelativeDocumentPath(name));
      }
    } else if (ReadConsistencyMember(k)) {
      HEARTH_RETURN_IF_ERROR(ReadConsistencyFrom(k, it->value, &out.consistency));
    } else if (k != "mask") {
      return Status::InvalidArgument("unknown member \"" + std::string(k) +
                                     "\" (expected documents, mask, transaction, newTransaction, readTime)");
    }
  }
  return out;
}

StatusOr<RestReadConsistency> ParseRestReadConsistency(std::string_view json) {
  rapidjson::Document doc;
  HEARTH_RETURN_IF_ERROR(ParseRequestObject(json, "query", &doc));
  RestReadConsistency out;
  for (auto it = doc.MemberBegin(); it != doc.MemberEnd(); ++it)
    if (ReadConsistencyMember(Member(it))) HEARTH_RETURN_IF_ERROR(ReadConsistencyFrom(Member(it), it->value, &out));
  return out;
}

StatusOr<RestBeginTransactionRequest> ParseRestBeginTransactionRequest(std::string_view json) {
  RestBeginTransactionRequest out;
  if (json.find_first_not_of(" \t\r\n") == std::string_view::npos) return out;  // no body: read-write
  rapidjson::Document doc;
  HEARTH_RETURN_IF_ERROR(ParseRequestObject(json, "beginTransaction", &doc));
  for (auto it = doc.MemberBegin(); it != doc.MemberEnd(); ++it) {
    if (Member(it) != "options")
      return Status::InvalidArgument("unknown member \"" + std::string(Member(it)) + "\" (expected options)");
    HEARTH_RETURN_IF_ERROR(TransactionOptionsFrom(it->value, "options", &out.read_only, &out.read_time));
  }
  return out;
}

Status CheckRestListCollectionIdsRequest(std::string_view json) {
  if (json.find_first_not_of(" \t\r\n") == std::string_view::npos) return Status::OK();
  rapidjson::Document doc;
  return ParseRequestObject(json, "listCollectionIds", &doc);
}

StatusOr<std::string> ParseRestRollbackRequest(std::string_view json) {
  rapidjson::Document doc;
  HEARTH_RETURN_IF_ERROR(ParseRequestObject(json, "rollback", &doc));
  auto t = doc.FindMember("transaction");
  if (t == doc.MemberEnd() || !t->value.IsString() || t->value.GetStringLength() == 0)
    return Status::InvalidArgument("a rollback needs the \"transaction\" to roll back");
  return std::string(t->value.GetString(), t->value.GetStringLength());
}

StatusOr<RestAggregationRequest> ParseRestAggregationRequest(std::string_view json) {
  rapidjson::Document doc;
  HEARTH_RETURN_IF_ERROR(ParseRequestObject(json, "runAggregationQuery", &doc));
  auto saq = doc.FindMember("structuredAggregationQuery");
  if (saq == doc.MemberEnd() || !saq->value.IsObject())
    return Status::InvalidArgument("an aggregation request needs a \"structuredAggregationQuery\" object");
  RestAggregationRequest out;
  auto sq = saq->value.FindMember("structuredQuery");
  if (sq == saq->value.MemberEnd() || !sq->value.IsObject())
    return Status::InvalidArgument("structuredAggregationQuery needs a \"structuredQuery\" object");
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  sq->value.Accept(w);
  out.structured_query.assign(buf.GetString(), buf.GetSize());
  auto aggs = saq->value.FindMember("aggregations");
  if (aggs == saq->value.MemberEnd() || !aggs->value.IsArray() || aggs->value.Empty())
    return Status::InvalidArgument("structuredAggregationQuery needs a non-empty \"aggregations\" array");
  for (rapidjson::SizeType i = 0; i < aggs->value.Size(); i++) {
    const rapidjson::Value& a = aggs->value[i];
    const std::string where = "aggregation " + std::to_string(i);
    if (!a.IsObject()) return Status::InvalidArgument(where + " must be an object");
    RestAggregation agg;
    agg.alias = "field_" + std::to_string(i + 1);
    bool kind_seen = false;
    for (auto it = a.MemberBegin(); it != a.MemberEnd(); ++it) {
      const std::string_view k = Member(it);
      if (k == "alias") {
        if (!it->value.IsString()) return Status::InvalidArgument(where + ": \"alias\" must be a string");
        agg.alias.assign(it->value.GetString(), it->value.GetStringLength());
        continue;
      }
      if (k != "count" && k != "sum" && k != "avg")
        return Status::InvalidArgument(where + ": unknown member \"" + std::string(k) + "\" (expected count, sum, avg, alias)");
      if (kind_seen) return Status::InvalidArgument(where + " needs exactly one of count, sum, avg");
      kind_seen = true;
      if (!it->value.IsObject()) return Status::InvalidArgument(where + ": \"" + std::string(k) + "\" must be an object");
      if (k == "count") {
        agg.kind = RestAggregation::Kind::kCount;
        auto up = it->value.FindMember("upTo");
        if (up != it->value.MemberEnd()) {
          // Int64Value: a string in proto3 JSON, a number from some clients.
          int64_t n = 0;
          if (up->value.IsInt64()) n = up->value.GetInt64();
          else if (up->value.IsString()) n = std::strtoll(up->value.GetString(), nullptr, 10);
          else return Status::InvalidArgument(where + ": \"count.upTo\" must be an integer");
          if (n <= 0) return Status::InvalidArgument(where + ": \"count.upTo\" must be positive");
          agg.up_to = n;
        }
      } else {
        agg.kind = k == "sum" ? RestAggregation::Kind::kSum : RestAggregation::Kind::kAvg;
        auto field = it->value.FindMember("field");
        if (field == it->value.MemberEnd() || !field->value.IsObject() || !field->value.HasMember("fieldPath") ||
            !field->value["fieldPath"].IsString())
          return Status::InvalidArgument(where + ": \"" + std::string(k) + "\" needs field.fieldPath");
        agg.field.assign(field->value["fieldPath"].GetString(), field->value["fieldPath"].GetStringLength());
      }
    }
    if (!kind_seen) return Status::InvalidArgument(where + " needs exactly one of count, sum, avg");
    out.aggregations.push_back(std::move(agg));
  }
  return out;
}

}  // namespace hearth::schema
