#pragma once

// glcli's command line (CLI11): parses argv, then runs one command of
// commands.hpp. The only translation unit that includes CLI11.

#include "cmd/glcli/commands.hpp"

namespace gd::glcli {

/// Runs glcli with `argv` (argv[0] is the program name) and returns its exit
/// code: 0 ok (also for --help and --version), 1 the operation failed, 2
/// usage error (CLI11's parse errors included). `handle_interrupt`: let
/// Ctrl-C end `kv watch` cleanly (main only).
int run(int argc, const char* const* argv, streams& s,
        bool handle_interrupt = false);

} // namespace gd::glcli
