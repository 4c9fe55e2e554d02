// `hearth monitors create|get|list|update|delete`, `hearth alerts
// list|get|read` and `hearth check-monitor` (hearth/monitoring.h).
#pragma once

#include <vector>

#include "tools/cli_common.h"

namespace hearth::tools {

// Adds the commands to `app`; `g` must outlive them.
std::vector<Command> AddMonitoringCommands(CLI::App& app, const Globals& g);

}  // namespace hearth::tools
