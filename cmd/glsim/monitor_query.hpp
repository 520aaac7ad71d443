#pragma once

// Synchronous questions to the monitors through the client library
// (cmd/client): which one leads, and one's own Raft status. Blocking: call
// them from a thread that runs no KJ event loop (see off_loop in
// loop_wait.hpp); each opens one connection at a time.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "cmd/client/client.hpp"

namespace gd::glsim {

/// The status monitor `address` gives of itself, or nothing (with `error`
/// set) if it does not answer within `timeout` or is no monitor.
std::optional<client::monitor_status>
monitor_status_of(const std::string& address, std::chrono::milliseconds timeout,
                  std::string& error);

/// The index in `addresses` of the monitor that says it leads (asked in
/// turn), or nothing if none does; `error` says what the last failure was.
std::optional<std::size_t> find_leader(const std::vector<std::string>& addresses,
                                       std::chrono::milliseconds timeout,
                                       std::string& error);

/// Like find_leader, asking again every 200 ms until one leads or
/// `patience` passed.
std::optional<std::size_t> wait_for_leader(
  const std::vector<std::string>& addresses, std::chrono::milliseconds patience,
  std::string& error);

} // namespace gd::glsim
