// A Firestore document: a path, its fields, and create/update times.
#pragma once

#include <string>

#include "hearth/value.h"

namespace hearth {

struct Document {
  // Path relative to the database: "monitors/m1" or "monitors/m1/snapshots/s1".
  std::string path;
  MapValue fields;
  // Set by the store: when the document was first created and last written.
  Timestamp create_time;
  Timestamp update_time;
};

}  // namespace hearth
