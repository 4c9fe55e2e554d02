// `hearth aggregate`, `hearth backfill` and `hearth migrate`
// (hearth/aggregator.h, tools/migrate.h).
#pragma once

#include <vector>

#include "tools/cli_common.h"

namespace hearth::tools {

// Adds the commands to `app`; `g` must outlive them.
std::vector<Command> AddRollupCommands(CLI::App& app, const Globals& g);

}  // namespace hearth::tools
