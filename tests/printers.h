// gtest printers for hearth types, so failures show values as JSON.
#pragma once

#include <ostream>

#include "hearth/status.h"
#include "hearth/value.h"

namespace hearth {
void PrintTo(const Value& v, std::ostream* os);
void PrintTo(const Timestamp& t, std::ostream* os);
void PrintTo(const Status& s, std::ostream* os);
}  // namespace hearth
