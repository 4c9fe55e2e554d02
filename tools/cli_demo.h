// `hearth demo` (tools/compare/ measures it side by side).
#pragma once

#include <string>

#include "tools/cli_common.h"

namespace hearth::tools {

// Adds the command to `app`; `g` must outlive it. `command` is the command
// line, recorded with the results.
Command AddDemoCommand(CLI::App& app, const Globals& g, const std::string& command);

}  // namespace hearth::tools
