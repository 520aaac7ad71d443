#pragma once

// Outgoing Cap'n Proto connections to other daemons, by address. KJ thread
// only. A connection is made on first use and reused; a broken one is
// dropped and redialed on a later use (after a short backoff, so a dead peer
// costs no busy loop).

#include <map>
#include <string>

#include <capnp/message.h>
#include <kj/async-io.h>

#include "protocol/management.capnp.h"

namespace gd::rpc {

class peer_pool {
public:
  peer_pool(kj::AsyncIoContext& io, capnp::ReaderOptions opts);
  ~peer_pool();

  /// The bootstrap capability of the daemon at `address` ("HOST:PORT").
  /// Calls made before the connection is up are queued; if connecting
  /// fails, they fail with an exception naming the address.
  proto::schema::Management::Client management(const std::string& address);

  /// Forgets the connection to `address` (e.g. after an error), so the next
  /// use redials.
  void drop(const std::string& address);

  /// Forgets every connection (the daemon is stopping): calls still waiting
  /// on one fail on a later turn of the event loop.
  void drop_all();

  kj::Timer& timer() { return timer_; }

private:
  struct connection;
  struct entry;

  kj::AsyncIoProvider& provider_;
  kj::Timer& timer_;
  capnp::ReaderOptions opts_;
  std::map<std::string, kj::Own<entry>> entries_;
  kj::TaskSet tasks_;
};

/// Failures to connect (as opposed to a connection lost after a call left)
/// have descriptions starting with this: a call that failed so never left.
inline constexpr const char* cannot_connect_prefix = "cannot connect to ";

/// True if `e` says the connection was never made, so no call went out.
bool never_connected(const kj::Exception& e);

/// Splits "HOST:PORT" (or "[V6]:PORT"); throws std::invalid_argument naming
/// what is wrong.
std::pair<std::string, unsigned> split_address(const std::string& address);

} // namespace gd::rpc
