// A store that keeps only the newest part of the snapshot stream: the
// reference of a scale run. It wraps another store and hands it only the
// snapshots from a given second on, so a run can hold a large store and a
// small one of the same data side by side and ask both the same questions
// about the newest hours, interleaved (hearth_compare --scale-reference-hours).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "tools/compare/snapshot_store.h"

namespace hearth::compare {

// `inner` keeps the snapshots whose time is >= from_seconds and is named
// `name`. Reads go to it unchanged.
std::unique_ptr<SnapshotStore> NewestOnly(std::unique_ptr<SnapshotStore> inner, int64_t from_seconds,
                                          std::string name);

}  // namespace hearth::compare
