#pragma once

// The daemon's log: one line per event on stderr,
// "2026-11-24T10:00:00.123Z INFO raft: m1: term 3: leader is m2".

#include <string>

namespace gd::daemon {

enum class log_level { debug = 0, info = 1, warn = 2, error = 3 };

/// Parses "debug", "info", "warn" or "error"; false if it is none of them.
bool parse_log_level(const std::string& text, log_level& out);

/// Lines below `l` are not written. Thread-safe.
void set_log_level(log_level l);

/// Writes one line. Thread-safe.
void log(log_level l, const std::string& component, const std::string& msg);

} // namespace gd::daemon
