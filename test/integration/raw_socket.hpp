#pragma once

// Plain TCP sockets for tests that speak no protocol at all: garbage bytes,
// half messages, connection floods.

#include <chrono>
#include <string>

namespace gd::test {

/// A connected TCP socket to HOST:PORT (IPv4), or -1.
int connect_raw(const std::string& host, int port);

/// True if the peer closes `fd` within `timeout` (reads return 0 or fail
/// with a reset).
bool closed_by_peer(int fd, std::chrono::milliseconds timeout);

} // namespace gd::test
