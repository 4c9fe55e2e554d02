#include "tests/printers.h"

#include "schema/json.h"
#include "schema/time_format.h"

namespace hearth {
void PrintTo(const Value& v, std::ostream* os) { *os << schema::RestValueJson(v, "p"); }
void PrintTo(const Timestamp& t, std::ostream* os) { *os << schema::FormatRfc3339(t); }
void PrintTo(const Status& s, std::ostream* os) { *os << s.ToString(); }
}  // namespace hearth
