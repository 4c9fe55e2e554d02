// `hearth serve`: the store of --db over Firestore's REST API
// (server/rest_server.h) until SIGINT or SIGTERM.
#pragma once

#include "tools/cli_common.h"

namespace hearth::tools {

// Adds the command to `app`; `g` must outlive it.
Command AddServeCommand(CLI::App& app, const Globals& g);

}  // namespace hearth::tools
