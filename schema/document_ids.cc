#include "schema/document_ids.h"

#include <charconv>
#include <cstdio>
#include <random>

namespace hearth::schema {

std::string EpochIdText(const Timestamp& t) {
  std::string s = std::to_string(t.seconds);
  if (t.nanos != 0) {
    char buf[16];
    std::snprintf(buf, sizeof buf, ".%09d", t.nanos);
    std::string frac(buf);
    while (frac.back() == '0') frac.pop_back();
    s += frac;
  }
  return s;
}

bool ParseEpochIdText(std::string_view text, Timestamp* t) {
  const size_t dot = text.find('.');
  const std::string_view secs = text.substr(0, dot);
  int64_t seconds = 0;
  auto [end, ec] = std::from_chars(secs.data(), secs.data() + secs.size(), seconds);
  if (ec != std::errc() || end != secs.data() + secs.size()) return false;
  int32_t nanos = 0;
  if (dot != std::string_view::npos) {
    const std::string_view frac = text.substr(dot + 1);
    if (frac.empty() || frac.size() > 9) return false;
    for (char c : frac) {
      if (c < '0' || c > '9') return false;
      nanos = nanos * 10 + (c - '0');
    }
    for (size_t i = frac.size(); i < 9; i++) nanos *= 10;
  }
  *t = Timestamp{seconds, nanos};
  return EpochIdText(*t) == text;  // the one spelling EpochIdText gives
}

namespace {

StatusOr<std::string> IdText(const Value& v, const std::string& field) {
  if (v.type() == Value::Type::kString) return v.string();
  if (v.type() == Value::Type::kInteger) return std::to_string(v.integer());
  return Status::InvalidArgument("field \"" + field + "\" must be a string or integer to serve as the document id, not a " +
                                 std::string(TypeName(v.type())));
}

}  // namespace

std::string RandomDocumentId() {
  static const char kChars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  thread_local std::mt19937_64 rng(std::random_device{}());
  std::string id(20, ' ');
  for (auto& c : id) c = kChars[rng() % 62];
  return id;
}

StatusOr<std::string> DocumentIdFor(const CollectionDef* def, const MapValue& fields, const std::string& id_field) {
  if (!id_field.empty()) {
    auto it = fields.find(id_field);
    if (it == fields.end()) return Status::InvalidArgument("missing id field \"" + id_field + "\"");
    return IdText(it->second, id_field);
  }
  if (def != nullptr && def->time_series && def->id_rule != IdRule::kRandom) {
    const auto& ts = *def->time_series;
    auto part = fields.find(ts.partition_field);
    auto time = fields.find(ts.time_field);
    if (part == fields.end()) return Status::InvalidArgument("missing field \"" + ts.partition_field + "\"");
    if (time == fields.end() || time->second.type() != Value::Type::kTimestamp)
      return Status::InvalidArgument("field \"" + ts.time_field + "\" must hold a timestamp");
    HEARTH_ASSIGN_OR_RETURN(std::string p, IdText(part->second, ts.partition_field));
    if (def->id_rule == IdRule::kPartitionPeriodAndTime) {
      auto period = fields.find("period");
      if (period == fields.end() || period->second.type() != Value::Type::kString)
        return Status::InvalidArgument("field \"period\" must hold a string");
      return p + "_" + period->second.string() + "_" + std::to_string(time->second.timestamp().seconds);
    }
    return p + "_" + EpochIdText(time->second.timestamp());
  }
  return RandomDocumentId();
}

}  // namespace hearth::schema
