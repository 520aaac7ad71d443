#pragma once

// GlusterFS's own door to its glusterd on the management port: ONC RPC
// (record marking, XDR) with the programs bricks, FUSE clients and libgfapi
// use (protocol/gluster_programs.hpp): DUMP, handshake GETSPEC, portmap
// SIGNIN / SIGNOUT / PORTBYBRICK / BRICKBYPORT, and the callback program's
// FETCHSPEC, which this side calls on a connection whose volfile changed.
// The management port tells the two protocols apart by a connection's
// first byte (a record-marking header has its top bit set; a Cap'n Proto
// message starts with its segment count - 1, far below 128).
//
// Bad input (garbage, an oversize or truncated record, an unknown program,
// version or procedure, undecodable arguments, an unknown volfile id) gets
// the ONC RPC error reply it calls for, or, for bytes that are no record,
// a closed connection; each bad connection gets one log line (rate
// limited) and a count. KJ thread only.

#include <cstdint>
#include <functional>
#include <string>

#include <kj/async-io.h>
#include <kj/async.h>

namespace gd::node {
class brick_service;
}

namespace gd::rpc {

/// What the ONC RPC door saw since the daemon started.
struct onc_counters {
  std::uint64_t connections = 0;
  std::uint64_t calls = 0;
  std::uint64_t getspecs = 0;
  std::uint64_t signins = 0;
  std::uint64_t fetchspec_pushes = 0;
  /// Connections closed for bytes that are no ONC RPC record.
  std::uint64_t bad_records = 0;
  /// Calls answered with PROG_UNAVAIL / PROG_MISMATCH / PROC_UNAVAIL.
  std::uint64_t unknown_calls = 0;
  /// Calls whose arguments did not decode (GARBAGE_ARGS).
  std::uint64_t garbage_args = 0;
  /// GETSPEC of a volfile id that names nothing.
  std::uint64_t unknown_volfiles = 0;
};

struct onc_door_settings {
  /// The largest record accepted (all fragments).
  std::size_t max_record_bytes = 1024 * 1024;
};

/// Serves one ONC RPC connection until it closes. `first` holds the bytes
/// already read from it (the protocol sniff). `service` may be null (the
/// daemon runs no brick service): every call then gets SYSTEM_ERR.
/// `service`, `counters` and `log` must outlive the returned promise; it
/// never rejects.
kj::Promise<void> serve_onc_connection(kj::Own<kj::AsyncIoStream> stream,
                                       std::string first, std::string peer,
                                       node::brick_service* service,
                                       onc_counters& counters,
                                       onc_door_settings settings,
                                       std::function<void(const std::string&)> log);

/// A stream that returns `prefix` before the bytes of `inner`: hands a
/// sniffed connection on to Cap'n Proto unchanged.
kj::Own<kj::AsyncIoStream> prefixed_stream(kj::Own<kj::AsyncIoStream> inner,
                                           std::string prefix);

} // namespace gd::rpc
