#include "actors/rpc/peer_pool.hpp"

#include <vector>

#include <iostream>
#include <stdexcept>

#include <capnp/rpc-twoparty.h>
#include <kj/debug.h>

namespace gd::rpc {

namespace {

/// A dead peer is redialed at most this often.
constexpr auto redial_backoff = 200 * kj::MILLISECONDS;

struct log_errors : kj::TaskSet::ErrorHandler {
  void taskFailed(kj::Exception&&) override {
    // Connection failures surface through the calls that use them.
  }
};

log_errors quiet_errors;

} // namespace

bool never_connected(const kj::Exception& e) {
  return e.getDescription().startsWith(cannot_connect_prefix);
}

std::pair<std::string, unsigned> split_address(const std::string& address) {
  auto colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == address.size())
    throw std::invalid_argument("address '" + address
                                + "' is not HOST:PORT");
  auto host = address.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  auto port_text = address.substr(colon + 1);
  unsigned long port = 0;
  try {
    std::size_t used = 0;
    port = std::stoul(port_text, &used);
    if (used != port_text.size())
      port = 0;
  } catch (const std::exception&) {
    port = 0;
  }
  if (port == 0 || port > 65535)
    throw std::invalid_argument("port '" + port_text + "' in '" + address
                                + "' is not a number from 1 to 65535");
  return {host, static_cast<unsigned>(port)};
}

/// A live connection; members are destroyed in reverse order (RPC system,
/// then network, then stream), as Cap'n Proto requires.
struct peer_pool::connection {
  kj::Own<kj::AsyncIoStream> stream;
  capnp::TwoPartyVatNetwork network;
  capnp::RpcSystem<capnp::rpc::twoparty::VatId> rpc;

  connection(kj::Own<kj::AsyncIoStream> s, capnp::ReaderOptions opts)
    : stream(kj::mv(s)),
      network(*stream, capnp::rpc::twoparty::Side::CLIENT, opts),
      rpc(capnp::makeRpcClient(network)) {
    // nop
  }

  proto::schema::Management::Client bootstrap() {
    capnp::word scratch[4];
    memset(scratch, 0, sizeof(scratch));
    capnp::MallocMessageBuilder message(scratch);
    auto vat = message.getRoot<capnp::rpc::twoparty::VatId>();
    vat.setSide(capnp::rpc::twoparty::Side::SERVER);
    return rpc.bootstrap(vat).castAs<proto::schema::Management>();
  }
};

struct peer_pool::entry {
  kj::Maybe<kj::Own<connection>> conn;
  kj::Maybe<proto::schema::Management::Client> cap;
  /// When the last dial started: the backoff counts from here, not from the
  /// last failure (failures of queued calls keep coming while a peer is
  /// down, and must not postpone the redial forever).
  kj::Maybe<kj::TimePoint> last_dial;
};

peer_pool::peer_pool(kj::AsyncIoContext& io, capnp::ReaderOptions opts)
  : provider_(*io.provider),
    timer_(io.provider->getTimer()),
    opts_(opts),
    tasks_(quiet_errors) {
  // nop
}

peer_pool::~peer_pool() = default;

void peer_pool::drop_all() {
  std::vector<std::string> addresses;
  for (const auto& [address, e] : entries_)
    addresses.push_back(address);
  for (const auto& a : addresses)
    drop(a);
}

void peer_pool::drop(const std::string& address) {
  auto it = entries_.find(address);
  if (it == entries_.end())
    return;
  it->second->cap = nullptr;
  // why: destroy the connection later, not inside a callback it may be
  // running.
  KJ_IF_MAYBE(c, it->second->conn) {
    auto dead = kj::mv(*c);
    it->second->conn = nullptr;
    tasks_.add(kj::evalLater([dead = kj::mv(dead)]() mutable { dead = nullptr; }));
  }
}

proto::schema::Management::Client
peer_pool::management(const std::string& address) {
  auto& e = entries_[address];
  if (!e)
    e = kj::heap<entry>();
  KJ_IF_MAYBE(cap, e->cap) {
    return *cap;
  }
  KJ_IF_MAYBE(t, e->last_dial) {
    if (timer_.now() - *t < redial_backoff)
      return proto::schema::Management::Client(kj::Exception(
        kj::Exception::Type::DISCONNECTED, __FILE__, __LINE__,
        kj::str(cannot_connect_prefix, address.c_str(),
                ": it failed moments ago (retrying shortly)")));
  }
  e->last_dial = timer_.now();
  auto [host, port] = split_address(address);
  auto* self = this;
  auto* ent = e.get();
  auto dial = provider_.getNetwork()
                .parseAddress(host, port)
                .then([](kj::Own<kj::NetworkAddress> a) { return a->connect(); })
                .catch_([address](kj::Exception&& e) -> kj::Own<kj::AsyncIoStream> {
                  throw kj::Exception(
                    kj::Exception::Type::DISCONNECTED, __FILE__, __LINE__,
                    kj::str(cannot_connect_prefix, address.c_str(), ": ",
                            e.getDescription()));
                })
                .then([self, ent, address](kj::Own<kj::AsyncIoStream> s) {
                  auto c = kj::heap<connection>(kj::mv(s), self->opts_);
                  auto cap = c->bootstrap();
                  self->tasks_.add(c->network.onDisconnect().then(
                    [self, address]() { self->drop(address); }));
                  ent->conn = kj::mv(c);
                  return cap;
                });
  auto forked = dial.fork();
  proto::schema::Management::Client cap(forked.addBranch());
  tasks_.add(forked.addBranch().then(
    [](proto::schema::Management::Client) {},
    [self, address](kj::Exception&&) { self->drop(address); }));
  e->cap = cap;
  return cap;
}

} // namespace gd::rpc
