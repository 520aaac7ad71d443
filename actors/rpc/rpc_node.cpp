#include "actors/rpc/rpc_node.hpp"

#include <list>
#include <stdexcept>

#include <capnp/rpc-twoparty.h>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <kj/debug.h>

#include "actors/rpc/actor_bridge.hpp"
#include "actors/rpc/cluster_service.hpp"
#include "actors/rpc/kj_loop.hpp"
#include "actors/rpc/peer_pool.hpp"
#include "actors/rpc/raft_sender.hpp"
#include "actors/rpc/services.hpp"
#include "actors/rpc/watch_stream.hpp"

namespace gd::rpc {

namespace {

capnp::ReaderOptions reader_options(std::size_t max_message_bytes) {
  capnp::ReaderOptions o;
  o.traversalLimitInWords = max_message_bytes / sizeof(capnp::word);
  o.nestingLimit = 64;
  return o;
}

/// One accepted connection; destroyed (in this member order, reversed) when
/// the peer disconnects.
struct server_connection {
  kj::Own<kj::AsyncIoStream> stream;
  capnp::TwoPartyVatNetwork network;
  capnp::RpcSystem<capnp::rpc::twoparty::VatId> rpc;

  server_connection(kj::Own<kj::AsyncIoStream> s,
                    capnp::Capability::Client bootstrap,
                    capnp::ReaderOptions opts)
    : stream(kj::mv(s)),
      network(*stream, capnp::rpc::twoparty::Side::SERVER, opts),
      rpc(capnp::makeRpcServer(network, kj::mv(bootstrap))) {
    // nop
  }
};

struct log_task_errors : kj::TaskSet::ErrorHandler {
  std::function<void(const std::string&)>* log = nullptr;
  void taskFailed(kj::Exception&& e) override {
    if (log && *log)
      (*log)(std::string("rpc: ") + e.getDescription().cStr());
  }
};

} // namespace

/// Everything that lives on the KJ thread.
struct kj_side {
  kj_side(kj::AsyncIoContext& io, caf::actor_system& sys, kj_loop& loop,
          actor_bridge& bridge, const rpc_node_config& cfg)
    : opts(reader_options(cfg.max_message_bytes)),
      pool(io, opts),
      sender(pool, cfg.self.cluster_id, cfg.self.id, cfg.self.address),
      ctx{cfg.self, sys, loop, bridge, pool, sender,
          io.provider->getTimer(), {}, {}, cfg.log, {}, 0, {}, {}, {}, {}, {},
          cfg.monitors, cfg.save_membership},
      log(cfg.log),
      max_connections(cfg.max_connections),
      tasks(errors) {
    errors.log = &log;
    bootstrap = make_bootstrap(ctx);
  }

  void listen(kj::AsyncIoContext& io, const std::string& address) {
    auto [host, port] = split_address(address);
    kj::Own<kj::ConnectionReceiver> receiver;
    try {
      auto addr = io.provider->getNetwork().parseAddress(host, port)
                    .wait(io.waitScope);
      receiver = addr->listen();
    } catch (const kj::Exception& e) {
      throw std::runtime_error("cannot listen on " + address + ": "
                               + e.getDescription().cStr());
    }
    auto& r = *receiver;
    listeners.push_back(kj::mv(receiver));
    tasks.add(accept_loop(r));
  }

  kj::Promise<void> accept_loop(kj::ConnectionReceiver& r) {
    return r.accept().then([this, &r](kj::Own<kj::AsyncIoStream> s) {
      if (connections.size() >= max_connections) {
        if (log)
          log("rpc: refused a connection: "
              + std::to_string(max_connections) + " are open");
      } else {
        auto c = kj::heap<server_connection>(kj::mv(s), bootstrap, opts);
        auto* raw = c.get();
        connections.push_back(kj::mv(c));
        auto it = std::prev(connections.end());
        tasks.add(raw->network.onDisconnect().then([this, it]() {
          // why: destroy it later, not inside its own callback.
          auto dead = kj::mv(*it);
          connections.erase(it);
          tasks.add(kj::evalLater([dead = kj::mv(dead)]() mutable {
            dead = nullptr;
          }));
        }));
      }
      return accept_loop(r);
    });
  }

  capnp::ReaderOptions opts;
  peer_pool pool;
  raft_sender sender;
  rpc_context ctx;
  std::function<void(const std::string&)> log;
  std::size_t max_connections;
  log_task_errors errors;
  capnp::Capability::Client bootstrap = nullptr;
  std::vector<kj::Own<kj::ConnectionReceiver>> listeners;
  std::list<kj::Own<server_connection>> connections;
  kj::TaskSet tasks;
};

namespace {

struct transport_state {
  kj_loop* loop = nullptr;
  kj_side** side = nullptr;
  static inline const char* name = "rpc_transport";
};

raft::transport_actor::behavior_type
transport_main(raft::transport_actor::stateful_pointer<transport_state> self,
               kj_loop* loop, kj_side** side) {
  self->state.loop = loop;
  self->state.side = side;
  return {
    [self](raft::peer_batch& b) {
      auto side = self->state.side;
      self->state.loop->post([side, b = std::move(b)]() {
        if (*side)
          (*side)->sender.deliver(b);
      });
    },
    [self](raft::peer_directory& d) {
      auto side = self->state.side;
      self->state.loop->post([side, d = std::move(d)]() {
        if (*side)
          (*side)->sender.set_directory(d.members);
      });
    },
  };
}

} // namespace

struct rpc_node::impl {
  caf::actor_system& sys;
  rpc_node_config cfg;
  actor_bridge bridge;
  /// Owned by the KJ thread; null before init and after teardown.
  kj_side* side = nullptr;
  std::unique_ptr<kj_loop> loop;

  impl(caf::actor_system& s, rpc_node_config c)
    : sys(s), cfg(std::move(c)), bridge(s) {
    // nop
  }
};

rpc_node::rpc_node(caf::actor_system& sys, rpc_node_config cfg)
  : impl_(std::make_unique<impl>(sys, std::move(cfg))) {
  auto* st = impl_.get();
  st->loop = std::make_unique<kj_loop>(
    [st](kj_loop& loop, kj::AsyncIoContext& io) {
      auto side = new kj_side(io, st->sys, loop, st->bridge, st->cfg);
      try {
        for (const auto& address : st->cfg.listen)
          side->listen(io, address);
      } catch (...) {
        delete side;
        throw;
      }
      st->side = side;
    },
    [st]() {
      // Connections first (they hold capabilities into the context), then
      // everything else.
      auto* side = st->side;
      st->side = nullptr;
      if (side) {
        side->listeners.clear();
        side->connections.clear();
        side->ctx.watches.clear();
        delete side;
      }
    });
  transport_ = sys.spawn(transport_main, st->loop.get(), &st->side);
}

rpc_node::~rpc_node() {
  stop();
  caf::anon_send_exit(transport_, caf::exit_reason::user_shutdown);
  impl_->loop.reset(); // joins the KJ thread
}

std::function<void(raft::peer_batch)> rpc_node::batch_sender() const {
  auto* st = impl_.get();
  return [st](raft::peer_batch b) {
    st->loop->post([st, b = std::move(b)]() {
      if (st->side)
        st->side->sender.deliver(b);
    });
  };
}

void rpc_node::attach(raft::raft_actor raft, config::config_actor config) {
  auto* st = impl_.get();
  st->loop->post([st, raft = std::move(raft), config = std::move(config)]() {
    if (auto* side = st->side) {
      side->ctx.raft = raft;
      side->ctx.config = config;
      // why: a short delay lets the first election finish; until the pool
      // holds this monitor, retry every second.
      auto* ctx = &side->ctx;
      side->tasks.add(side->ctx.timer.afterDelay(500 * kj::MILLISECONDS)
                        .then([ctx]() {
                          return register_monitor(*ctx,
                                                  make_cluster_service(*ctx),
                                                  1 * kj::SECONDS);
                        }));
    }
  });
}

void rpc_node::set_cluster_id(std::uint64_t id) {
  auto* st = impl_.get();
  st->loop->post([st, id]() {
    if (st->side) {
      st->side->ctx.self.cluster_id = id;
      st->side->sender.set_cluster_id(id);
    }
  });
}

void rpc_node::stop() {
  impl_->loop->stop();
}

} // namespace gd::rpc
