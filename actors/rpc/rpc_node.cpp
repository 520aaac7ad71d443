#include "actors/rpc/rpc_node.hpp"

#include <algorithm>
#include <array>
#include <list>
#include <optional>
#include <stdexcept>

#include <capnp/rpc-twoparty.h>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <kj/debug.h>

#include "actors/rpc/actor_bridge.hpp"
#include "actors/rpc/cluster_service.hpp"
#include "actors/rpc/inspected_stream.hpp"
#include "actors/rpc/kj_loop.hpp"
#include "actors/rpc/log_limiter.hpp"
#include "actors/rpc/onc_door.hpp"
#include "actors/rpc/peer_pool.hpp"
#include "actors/membership/pool_admission.hpp"
#include "actors/membership/proof_codec.hpp"
#include "actors/node/agent_membership.hpp"
#include "actors/node/checkin_client.hpp"
#include "actors/rpc/raft_sender.hpp"
#include "actors/rpc/services.hpp"
#include "actors/scheduling/role_scheduler.hpp"
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
  std::string peer;
  /// Set at the first bad input: one log line per bad connection.
  bool reported = false;
  inspected_stream messages;
  capnp::TwoPartyVatNetwork network;
  capnp::RpcSystem<capnp::rpc::twoparty::VatId> rpc;

  server_connection(kj::Own<kj::AsyncIoStream> s,
                    capnp::Capability::Client bootstrap,
                    capnp::ReaderOptions opts,
                    inspected_stream::report_fn report)
    : stream(kj::mv(s)),
      peer(peer_address(*stream)),
      messages(*stream, std::move(report)),
      network(messages, capnp::rpc::twoparty::Side::SERVER, opts),
      rpc(capnp::makeRpcServer(network, kj::mv(bootstrap))) {
    // nop
  }
};

/// Whether a connection's first 4 bytes start ONC RPC rather than Cap'n
/// Proto. Cap'n Proto begins with its segment count - 1, a little-endian
/// word below 512 (bytes 2 and 3 zero, byte 1 at most 1); we send and take
/// at most 128 segments (byte 0 below 0x80). A record-marking header is a
/// big-endian word: the last-fragment bit (0x80 in byte 0), or else a
/// first fragment's length, which leaves bytes 1-3 all zero only for a
/// multiple of 64 KiB (gluster sends whole records, with the bit).
bool is_onc_start(const std::string& head) {
  auto b = [&head](int i) { return static_cast<unsigned char>(head[i]); };
  return (b(0) & 0x80) != 0 || b(1) > 1 || b(2) != 0 || b(3) != 0;
}

struct log_task_errors : kj::TaskSet::ErrorHandler {
  std::function<void(const std::string&)>* log = nullptr;
  void taskFailed(kj::Exception&& e) override {
    if (log && *log)
      (*log)(e.getDescription().cStr());
  }
};

} // namespace

/// Everything that lives on the KJ thread.
struct kj_side {
  kj_side(kj::AsyncIoContext& io, caf::actor_system& sys, kj_loop& loop,
          actor_bridge& bridge, const rpc_node_config& cfg)
    : opts(reader_options(cfg.max_message_bytes)),
      pool(io, opts),
      sender(pool, cfg.self.cluster_id, cfg.self.id, cfg.self.address,
             cfg.self.name),
      ctx{cfg.self, sys, loop, bridge, pool, sender,
          io.provider->getTimer(), {}, {}, cfg.log, {}, 0, {}, {}, {}, {}, {},
          cfg.monitors, cfg.save_membership, rpc_counters{}, log_limiter{},
          nullptr, &io, {}, log_limiter{}, cfg.checkin_interval,
          cfg.save_credential, nullptr, onc_counters{}},
      log(cfg.log),
      max_connections(cfg.max_connections),
      tasks(errors) {
    errors.log = &log;
    auto paf = kj::newPromiseAndFulfiller<void>();
    ctx.stopping = paf.promise.fork();
    stop_signal = kj::mv(paf.fulfiller);
    auto& link = ctx.membership;
    if (cfg.credential) {
      link.credential = *cfg.credential;
      link.has_credential = true;
    }
    if (cfg.secret) {
      link.secret = *cfg.secret;
      link.has_secret = true;
      link.monitor_key = membership::monitor_credential(*cfg.secret);
      link.has_monitor_key = true;
      auto* c = &ctx;
      sender.set_prover([c](proto::schema::Proof::Builder b,
                            const std::string& target) {
        membership::to_capnp(
          monitor_proof(*c, membership::purpose::raft_link, target), b);
      });
    }
    // Agents that belong to a cluster check in from the start; a monitor's
    // own agent starts once its actors are attached.
    if (!cfg.self.monitor)
      node::restart_checkin(ctx);
    if (cfg.bricks)
      ctx.bricks = std::make_shared<node::brick_agent>(ctx, *cfg.bricks);
  }

  /// The first half of the teardown: stops taking connections, closes
  /// them, and makes every chain that waits on something outside the loop
  /// (an actor, a peer) fail. The chains end on the following turns of the
  /// loop, while this side still lives; only then may it be destroyed.
  void begin_stop() {
    // why: the loops first: they refer to their listeners.
    accept_loops.clear();
    listeners.clear();
    // why: the RPC systems go, but calls in flight on them live on (their
    // connection state holds them) until their chains end.
    connections.clear();
    // why: ONC connections refer to the brick service: they go first.
    onc_tasks = nullptr;
    scheduler_run = nullptr;
    scheduler.reset();
    ctx.bricks.reset();
    ctx.watches.clear();
    ctx.membership.checkin_task = nullptr;
    ctx.membership.checkin.reset();
    stop_signal->fulfill();
    pool.drop_all();
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
    accept_loops.push_back(
      accept_loop(r).eagerlyEvaluate([this](kj::Exception&& e) {
        say(std::string("stopped accepting connections: ")
            + e.getDescription().cStr());
      }));
  }

  /// Accepts connections from `r` for as long as this side lives. An
  /// accept() that fails (EMFILE when the process is out of descriptors,
  /// ENFILE, ENOMEM, ...) is logged (rate-limited) and retried after a
  /// backoff of 10 ms doubling to 1 s, so the daemon keeps accepting once
  /// descriptors are free again.
  kj::Promise<void> accept_loop(kj::ConnectionReceiver& r,
                                kj::Duration backoff = 0 * kj::MILLISECONDS) {
    // why: evalNow, so an accept() that throws at once (EMFILE) becomes a
    // rejected promise that the handler below retries.
    return kj::evalNow([&r]() { return r.accept(); }).then(
      [this, &r](kj::Own<kj::AsyncIoStream> s) {
        take(kj::mv(s));
        return accept_loop(r);
      },
      [this, &r, backoff](kj::Exception&& e) {
        ++ctx.counters.accept_errors;
        auto next = backoff == 0 * kj::MILLISECONDS
                      ? 10 * kj::MILLISECONDS
                      : std::min(backoff * 2, 1000 * kj::MILLISECONDS);
        if (auto line = accept_log.admit(
              std::string("cannot accept connections: ")
              + e.getDescription().cStr() + " ("
              + std::to_string(connections.size())
              + " open; retrying)"))
          say(*line);
        return ctx.timer.afterDelay(next).then(
          [this, &r, next]() { return accept_loop(r, next); });
      });
  }

  /// Serves a freshly accepted connection, or closes it at once (logged,
  /// rate-limited) if `max_connections` are open.
  void take(kj::Own<kj::AsyncIoStream> s) {
    if (connections.size() + onc_open >= max_connections) {
      ++ctx.counters.refused_connections;
      if (auto line = refuse_log.admit(
            "refused a connection from " + peer_address(*s) + ": "
            + std::to_string(max_connections)
            + " are open (the limit; see --max-connections)"))
        say(*line);
      return;
    }
    // Which protocol: GlusterFS's ONC RPC or Cap'n Proto (is_onc_start).
    auto first = kj::heap<std::array<char, 4>>();
    auto* buf = first->data();
    auto& stream = *s;
    ++onc_open; // why: counts as open while it is being sniffed
    tasks.add(stream.tryRead(buf, 4, 4)
                .then([this, s = kj::mv(s), first = kj::mv(first)](
                        std::size_t n) mutable {
                  --onc_open;
                  if (n < 4)
                    return; // closed before saying anything
                  std::string head(first->data(), 4);
                  if (is_onc_start(head))
                    return take_onc(kj::mv(s), std::move(head));
                  take_capnp(prefixed_stream(kj::mv(s), std::move(head)));
                },
                [this](kj::Exception&&) { --onc_open; }));
  }

  /// Serves a GlusterFS connection (bricks, FUSE and libgfapi clients).
  void take_onc(kj::Own<kj::AsyncIoStream> s, std::string head) {
    auto peer = peer_address(*s);
    auto* service = ctx.bricks ? &ctx.bricks->service() : nullptr;
    ++onc_open;
    onc_tasks->add(serve_onc_connection(kj::mv(s), std::move(head), peer,
                                        service, ctx.onc, onc_door_settings{},
                                        log)
                     .attach(kj::defer([this]() { --onc_open; })));
  }

  /// Serves a Cap'n Proto connection.
  void take_capnp(kj::Own<kj::AsyncIoStream> s) {
    auto peer = peer_address(*s);
    auto c = kj::heap<server_connection>(kj::mv(s),
                                         make_bootstrap(ctx, std::move(peer)),
                                         opts, nullptr);
    auto* raw = c.get();
    raw->messages.set_report([this, raw](bad_input kind,
                                         const std::string& what) {
      on_bad_input(*raw, kind, what);
    });
    connections.push_back(kj::mv(c));
    tasks.add(raw->network.onDisconnect().then([this, raw]() {
      // why: by pointer, not by iterator: the list may have been cleared
      // (the daemon is stopping) before this runs.
      auto it = std::find_if(connections.begin(), connections.end(),
                             [raw](const kj::Own<server_connection>& c) {
                               return c.get() == raw;
                             });
      if (it == connections.end())
        return;
      // why: destroy it later, not inside its own callback.
      auto dead = kj::mv(*it);
      connections.erase(it);
      tasks.add(kj::evalLater([dead = kj::mv(dead)]() mutable {
        dead = nullptr;
      }));
    }));
  }

  /// Counts bad input on `c` and logs the first of each connection
  /// (rate-limited over all connections).
  void on_bad_input(server_connection& c, bad_input kind,
                    const std::string& what) {
    auto& n = ctx.counters;
    switch (kind) {
      case bad_input::garbage: ++n.garbage; break;
      case bad_input::oversize: ++n.oversize; break;
      case bad_input::truncated: ++n.truncated; break;
      case bad_input::protocol: ++n.protocol_violations; break;
      case bad_input::unknown_method: ++n.unknown_methods; break;
    }
    if (c.reported)
      return;
    c.reported = true;
    ++n.bad_connections;
    if (auto line = bad_input_log.admit("bad input from " + c.peer + ": "
                                        + to_string(kind) + ": " + what))
      say(*line);
  }

  void say(const std::string& line) {
    if (log)
      log(line);
  }

  capnp::ReaderOptions opts;
  peer_pool pool;
  raft_sender sender;
  rpc_context ctx;
  std::function<void(const std::string&)> log;
  std::size_t max_connections;
  log_limiter accept_log;
  log_limiter refuse_log;
  log_limiter bad_input_log;
  log_task_errors errors;
  kj::Own<kj::PromiseFulfiller<void>> stop_signal;
  std::vector<kj::Own<kj::ConnectionReceiver>> listeners;
  /// One per listener; destroyed before them.
  std::vector<kj::Promise<void>> accept_loops;
  std::list<kj::Own<server_connection>> connections;
  kj::TaskSet tasks;
  /// ONC RPC connections (and ones still being sniffed), for the limit.
  std::size_t onc_open = 0;
  /// The ONC RPC connections; dropped first at teardown.
  kj::Own<kj::TaskSet> onc_tasks = kj::heap<kj::TaskSet>(errors);
  /// Monitors: the role scheduler and its loop.
  std::unique_ptr<scheduling::role_scheduler> scheduler;
  kj::Promise<void> scheduler_run = nullptr;
};

namespace {

/// The transport actor: hands peer traffic to the KJ thread. `side` is
/// read only by posted work, on the KJ thread, while the loop runs; the
/// poster may outlive the loop (work is then dropped).
struct transport_state {
  std::optional<kj_loop::poster> post;
  kj_side** side = nullptr;
  static inline const char* name = "rpc_transport";
};

raft::transport_actor::behavior_type
transport_main(raft::transport_actor::stateful_pointer<transport_state> self,
               kj_loop::poster post, kj_side** side) {
  self->state.post = std::move(post);
  self->state.side = side;
  return {
    [self](raft::peer_batch& b) {
      auto side = self->state.side;
      (*self->state.post)([side, b = std::move(b)]() {
        if (*side)
          (*side)->sender.deliver(b);
      });
    },
    [self](raft::peer_directory& d) {
      auto side = self->state.side;
      (*self->state.post)([side, d = std::move(d)]() {
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
    [st](kj::AsyncIoContext& io) {
      auto* side = st->side;
      st->side = nullptr;
      if (!side)
        return;
      side->begin_stop();
      // why: the failed chains (calls of closed connections waiting on an
      // actor or a peer) end within a few turns; they touch the context,
      // which must outlive them (a use-after-free of its reply tables
      // crashed daemons stopped under load).
      io.provider->getTimer().afterDelay(50 * kj::MILLISECONDS)
        .wait(io.waitScope);
      delete side;
    });
  transport_ = sys.spawn(transport_main, st->loop->make_poster(), &st->side);
}

rpc_node::~rpc_node() {
  stop();
  caf::anon_send_exit(transport_, caf::exit_reason::user_shutdown);
  impl_->loop.reset(); // joins the KJ thread
}

std::function<void(raft::peer_batch)> rpc_node::batch_sender() const {
  auto* st = impl_.get();
  // why: a poster, not the loop: the Raft actor may still send while the
  // node is being destroyed (the work is then dropped); `st` is read only by
  // posted work, which runs while the loop, hence the node, lives.
  return [st, post = st->loop->make_poster()](raft::peer_batch b) {
    post([st, b = std::move(b)]() {
      if (st->side)
        st->side->sender.deliver(b);
    });
  };
}

void rpc_node::attach(raft::raft_actor raft, config::config_actor config,
                      membership::membership_actor membership,
                      std::shared_ptr<membership::admission_board> board) {
  auto* st = impl_.get();
  auto digest_ms = st->cfg.digest_interval.count();
  st->loop->post([st, raft = std::move(raft), config = std::move(config),
                  membership = std::move(membership), board = std::move(board),
                  digest_ms]() {
    if (auto* side = st->side) {
      side->ctx.raft = raft;
      side->ctx.config = config;
      auto& link = side->ctx.membership;
      link.actor = membership;
      link.board = board;
      side->tasks.add(run_membership_exchange(
        side->ctx, static_cast<std::int64_t>(digest_ms) * kj::MILLISECONDS));
      side->scheduler = std::make_unique<scheduling::role_scheduler>(
        side->ctx, scheduling::scheduler_settings{});
      side->scheduler_run = side->scheduler->run().eagerlyEvaluate(nullptr);
      // why: a short delay lets the first election finish; until the pool
      // holds this monitor, retry every second. Its own agent checks in
      // from then on (it learns the other monitors from the first reply).
      auto* ctx = &side->ctx;
      side->tasks.add(side->ctx.timer.afterDelay(500 * kj::MILLISECONDS)
                        .then([ctx]() {
                          return membership::register_monitor(*ctx,
                                                  make_cluster_service(*ctx),
                                                  1 * kj::SECONDS);
                        })
                        .then([ctx]() {
                          auto& link = ctx->membership;
                          if (!link.has_monitor_key)
                            return;
                          link.credential = link.monitor_key;
                          link.has_credential = true;
                          ctx->monitors = {ctx->self.address};
                          node::restart_checkin(*ctx);
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
