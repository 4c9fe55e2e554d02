// Pieces of schema/json.cc that other JSON readers in schema/ share (the
// REST request bodies of schema/rest_requests.cc). Not part of json.h, so
// that only schema/ sees rapidjson.
#pragma once

#include <rapidjson/document.h>

#include <string_view>

#include "hearth/status.h"
#include "schema/json.h"

namespace hearth::schema::internal {

// Parses `json` into `doc` with hearth's flags (full precision, NaN and
// Infinity, UTF-8 validated); INVALID_ARGUMENT with the offset on error.
Status ParseJson(std::string_view json, rapidjson::Document* doc);

// A REST Value object ({"integerValue": "5"} ...); errors name `where`.
StatusOr<Value> RestValueFrom(const rapidjson::Value& value, const std::string& where);

// A REST Document object ({"name"?, "fields"?, "createTime"?, "updateTime"?}).
StatusOr<ParsedDocument> RestDocumentFrom(const rapidjson::Value& doc);

}  // namespace hearth::schema::internal
