#pragma once

// What every glcli command file shares: printing usage errors and failures
// (the one-line "<command>: failed: <message> (clause)" convention of
// commands.hpp, plus the --json error document), connecting to the daemon,
// and gluster's y/n confirmation prompt. Internal to glcli; no CLI11, no
// Cap'n Proto.

#include <string>
#include <utility>

#include "cmd/client/address.hpp"
#include "cmd/client/client.hpp"
#include "cmd/glcli/commands.hpp"
#include "protocol/status.hpp"

namespace gd::glcli {

/// The clause of a failure line that nothing changed.
inline constexpr const char* nothing_changed_note = "(nothing changed)";
/// The clause of a failure line that a change may have been applied.
inline constexpr const char* maybe_changed_note =
  "(the change may or may not have been applied)";

/// Prints "<command>: <what>" on stderr and returns exit_usage.
int usage(streams& s, const std::string& command, const std::string& what);

/// With --json, prints {"error":{"code":..,"message":..,"nothingChanged":..}}
/// on stdout; otherwise nothing.
void json_failure(const global_options& g, streams& s, const std::string& code,
                  const std::string& message, bool nothing_changed);

/// Reports a business failure `st` of `command` (failure_line on stderr,
/// json_failure); returns exit_failed. `write`: the command may change
/// something.
int failed(const global_options& g, streams& s, const std::string& command,
           const gd::status& st, bool write);

/// Reports a transport failure of `command`; returns exit_failed. A write
/// that was never sent says "(nothing changed)".
int transport_failed(const global_options& g, streams& s,
                     const std::string& command,
                     const client::client_error& e, bool write);

/// Resolves the target (a bad address is a usage error, exit 2), connects
/// and returns f(connection&); transport errors become a failure line
/// (exit 1) via transport_failed.
template <class F>
int with_connection(const global_options& g, streams& s,
                    const std::string& command, bool write, F&& f) {
  client::address target;
  try {
    target = client::resolve_target(g.remote_host);
  } catch (const client::address_error& e) {
    return usage(s, command, e.what());
  }
  try {
    client::connection c(target, connection_options_for(g.timeout_seconds));
    return std::forward<F>(f)(c);
  } catch (const client::client_error& e) {
    return transport_failed(g, s, command, e, write);
  }
}

/// gluster's confirmation: unless --mode=script, prints `question` and
/// " (y/n) " (on stdout; on stderr with --json, which keeps stdout for the
/// document) and reads one line from s.in. True for "y" or "yes" (any
/// case); false for anything else, end of input included.
bool confirmed(const global_options& g, streams& s,
               const std::string& question);

/// Reports that `command` was not confirmed: "<command>: failed: not
/// confirmed (nothing changed)"; returns exit_failed.
int not_confirmed(const global_options& g, streams& s,
                  const std::string& command);

} // namespace gd::glcli
