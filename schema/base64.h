// Standard base64 (with padding), via OpenSSL.
#pragma once

#include <string>
#include <string_view>

#include "hearth/status.h"

namespace hearth::schema {

std::string Base64Encode(std::string_view data);
StatusOr<std::string> Base64Decode(std::string_view text);

}  // namespace hearth::schema
