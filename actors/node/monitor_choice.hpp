#pragma once

// Which monitor an agent checks in with: rendezvous (highest random weight)
// hashing of the agent's peer UUID over the monitor list. Every agent ranks
// the monitors by the XXH3-64 of (UUID, monitor address) and uses the first
// that answers, so check-ins spread evenly over the monitors, and adding or
// removing a monitor moves only the agents that must move (those that pick
// the new one, or whose monitor left).

#include <string>
#include <vector>

namespace gd::node {

/// `monitors` ("HOST:PORT", duplicates ignored) ordered by preference for
/// the agent `uuid`: first choice first, then the fail-over order.
/// Deterministic: the same inputs give the same order on every server.
std::vector<std::string> monitor_order(const std::string& uuid,
                                       std::vector<std::string> monitors);

} // namespace gd::node
