#include "actors/rpc/cluster_service.hpp"

#include <algorithm>
#include <set>

#include <capnp/capability.h>
#include <kj/debug.h>

#include "actors/config/cluster_queries.hpp"
#include "actors/config/cluster_store.hpp"
#include "actors/config/volume_layout.hpp"
#include "actors/membership/pool_admission.hpp"
#include "actors/membership/proof_codec.hpp"
#include "actors/rpc/actor_bridge.hpp"
#include "actors/rpc/brick_checks.hpp"
#include "actors/rpc/service_support.hpp"
#include "protocol/cluster_capnp.hpp"
#include "protocol/kv_capnp.hpp"
#include "protocol/management.capnp.h"
#include "protocol/uuid.hpp"

namespace gd::rpc {

namespace schema = proto::schema;

namespace {


change_outcome from_reply(config::cluster_write_reply r) {
  change_outcome o;
  o.st = std::move(r.st);
  o.done.message = std::move(r.message);
  o.done.revision = r.revision;
  if (r.volume) {
    cluster::volume_info vi;
    vi.volume = std::move(*r.volume);
    vi.observed.resize(vi.volume.bricks.size());
    o.done.volume = std::move(vi);
  }
  return o;
}

change_outcome from_wire(schema::ClusterChangeResult::Reader r) {
  change_outcome o;
  if (r.isOk())
    o.done = proto::from_capnp(r.getOk());
  else
    o.st = proto::from_capnp(r.getFailure());
  return o;
}

void to_wire(const change_outcome& o, schema::ClusterChangeResult::Builder b) {
  if (o.st.ok())
    proto::to_capnp(o.done, b.initOk());
  else
    proto::to_capnp(o.st, b.initFailure());
}


gd::status not_in_cluster() {
  return failure(status_code::invalid,
                 "this daemon does not belong to a cluster yet: probe it "
                 "from a member of one (glcli peer probe HOST)");
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items)
    out += (out.empty() ? "" : ", ") + i;
  return out;
}

/// The value of a read answered from the wire.
template <class T, class Result, class Decode>
model_result<T> decode_result(Result r, Decode decode) {
  model_result<T> out;
  if (r.isOk())
    out.value = decode(r.getOk());
  else
    out.st = proto::from_capnp(r.getFailure());
  return out;
}

/// Writes a list answer, or its failure, into `res`.
template <class Result, class T>
void write_list(Result res, const model_result<std::vector<T>>& r) {
  if (!r.st.ok())
    return proto::to_capnp(r.st, res.initFailure());
  auto l = res.initOk(static_cast<unsigned>(r.value.size()));
  for (unsigned i = 0; i < r.value.size(); ++i)
    proto::to_capnp(r.value[i], l[i]);
}

template <class T, class Reader>
std::vector<T> decode_list(Reader list) {
  std::vector<T> out;
  out.reserve(list.size());
  for (auto item : list)
    out.push_back(proto::from_capnp(item));
  return out;
}

/// Why `caller` may not ask for `cmd`; "" if it may.
std::string forbidden(const cluster_caller& caller, const cluster::command& cmd) {
  using kind = cluster_caller::kind;
  if (caller.who == kind::monitor)
    return "";
  if (std::holds_alternative<cluster::peer_liveness>(cmd))
    return "peer liveness is committed by the monitors from the check-in "
           "leases, not asked for by a client";
  if (std::holds_alternative<cluster::roles_assign>(cmd))
    return "roles are assigned by the monitor leader's scheduler, not asked "
           "for by a client";
  if (auto* o = std::get_if<cluster::bricks_observed>(&cmd)) {
    if (caller.who != kind::server)
      return "a brick report is taken only from the server's own session "
             "(a proven credential), not from a client";
    if (caller.uuid != o->uuid)
      return "server " + caller.uuid + " may not report the bricks of "
             + o->uuid;
  }
  return "";
}

class cluster_service final : public schema::Cluster::Server {
public:
  cluster_service(rpc_context& ctx, cluster_caller caller)
    : ctx_(ctx),
      caller_(std::move(caller)),
      admission_(ctx, [this](cluster::command c) {
        return propose(std::move(c), 0);
      }) {
    // nop
  }

protected:
  kj::Promise<void> change(ChangeContext c) override {
    auto p = c.getParams();
    cluster::command cmd;
    try {
      cmd = proto::from_capnp(p.getCommand());
    } catch (const proto::decode_error& e) {
      to_wire(refused(status_code::invalid, e.what()),
              c.getResults().initResult());
      return kj::READY_NOW;
    }
    if (auto why = forbidden(caller_, cmd); !why.empty()) {
      ++ctx_.counters.forbidden_changes;
      if (ctx_.log)
        if (auto line = ctx_.membership_log.admit(
              "refused a " + std::string(cluster::command_name(cmd))
              + " change: " + why))
          ctx_.log(*line);
      to_wire(refused(status_code::invalid, why), c.getResults().initResult());
      return kj::READY_NOW;
    }
    if (auto* create = std::get_if<cluster::volume_create>(&cmd);
        create && create->id.empty())
      create->id = random_uuid();
    if (auto* rb = std::get_if<cluster::remove_brick>(&cmd);
        rb && rb->action == cluster::remove_brick::op::start
        && rb->task_id.empty())
      rb->task_id = random_uuid();
    // why: checked where the command enters the monitors (a relay from a
    // monitor was checked there).
    bool check = monitor() && caller_.who != cluster_caller::kind::monitor;
    auto checked = check ? check_bricks(cmd)
                         : kj::Promise<std::string>(std::string{});
    return checked.then([this, cmd = std::move(cmd), hops = p.getHops()](
                          std::string refusal) mutable {
      if (!refusal.empty())
        return kj::Promise<change_outcome>(
          refused(status_code::invalid, refusal));
      return propose(std::move(cmd), hops);
    }).then([c](change_outcome o) mutable {
      to_wire(o, c.getResults().initResult());
    });
  }

  /// The bricks a command puts to use, checked by their servers (see
  /// brick_checks.hpp): "" or the first refusal.
  kj::Promise<std::string> check_bricks(const cluster::command& cmd) {
    brick_check_plan plan;
    std::string volume_name;
    bool start = false;
    if (auto* c = std::get_if<cluster::volume_create>(&cmd)) {
      plan.volume_id = c->id;
      plan.force = c->force;
      plan.bricks = c->bricks;
    } else if (auto* c = std::get_if<cluster::add_brick>(&cmd)) {
      volume_name = c->name;
      plan.force = c->force;
      plan.bricks = c->bricks;
    } else if (auto* c = std::get_if<cluster::replace_brick>(&cmd)) {
      volume_name = c->name;
      plan.force = true; // "commit force" is the only form
      plan.bricks = {c->new_brick};
    } else if (std::holds_alternative<cluster::volume_start>(cmd)) {
      volume_name = std::get<cluster::volume_start>(cmd).name;
      // why: as glusterd: the partition and mount-point rules are create
      // and add-brick's (where force overrides them); start checks only
      // that each directory can still be a brick of this volume.
      plan.force = true;
      start = true;
    } else {
      return std::string{};
    }
    auto plan_ptr = std::make_shared<brick_check_plan>(std::move(plan));
    kj::Promise<bool> have_volume = true;
    if (!volume_name.empty())
      have_volume =
        query<std::vector<cluster::volume>>(cluster::ask::volumes{volume_name})
          .then([plan_ptr, start](model_result<std::vector<cluster::volume>> r) {
            // why: a volume that does not exist is the state machine's to
            // refuse, in its words.
            if (!r.st.ok() || r.value.empty())
              return false;
            const auto& v = r.value.front();
            plan_ptr->volume_id = v.id;
            if (start)
              for (const auto& b : v.bricks)
                plan_ptr->bricks.push_back({b.host, b.path});
            return true;
          });
    return have_volume.then([this, plan_ptr](bool go) -> kj::Promise<std::string> {
      if (!go || plan_ptr->bricks.empty())
        return std::string{};
      return query<std::vector<cluster::peer>>(cluster::ask::peers{})
        .then([this, plan_ptr](model_result<std::vector<cluster::peer>> r)
                -> kj::Promise<std::string> {
          if (!r.st.ok())
            return std::string{};
          std::map<std::string, std::string> address_of;
          for (const auto& p : r.value) {
            if (p.addresses.empty())
              continue;
            address_of[p.hostname] = p.addresses.front();
            for (const auto& a : p.addresses)
              address_of[host_of(a)] = p.addresses.front();
          }
          return run_brick_checks(ctx_, std::move(*plan_ptr),
                                  std::move(address_of), 5 * kj::SECONDS);
        });
    });
  }

  kj::Promise<void> peerProbe(PeerProbeContext c) override {
    auto target = text(c.getParams().getHost());
    kj::Promise<change_outcome> done = nullptr;
    if (monitor()) {
      done = admission_.probe(target);
    } else if (names_self(target)) {
      change_outcome o;
      o.done.message = "Probe on localhost not needed";
      done = kj::mv(o);
    } else {
      done = via_monitors<change_outcome>(
        [target](schema::Cluster::Client m) {
          auto r = m.peerProbeRequest();
          r.setHost(target);
          return r.send().then(
            [](auto resp) { return from_wire(resp.getResult()); });
        },
        [](gd::status st) { return change_outcome{std::move(st), {}}; },
        true);
    }
    return done.then([c](change_outcome o) mutable {
      to_wire(o, c.getResults().initResult());
    });
  }

  kj::Promise<void> peerDetach(PeerDetachContext c) override {
    auto p = c.getParams();
    auto host = text(p.getHost());
    bool force = p.getForce();
    kj::Promise<change_outcome> done = nullptr;
    if (monitor() && names_self(host)) {
      done = refused(status_code::invalid, host + " is localhost");
    } else if (monitor()) {
      done = admission_.detach(host, force);
    } else if (names_self(host)) {
      done = refused(status_code::invalid, host + " is localhost");
    } else {
      done = via_monitors<change_outcome>(
        [host, force](schema::Cluster::Client m) {
          auto r = m.peerDetachRequest();
          r.setHost(host);
          r.setForce(force);
          return r.send().then(
            [](auto resp) { return from_wire(resp.getResult()); });
        },
        [](gd::status st) { return change_outcome{std::move(st), {}}; },
        true);
    }
    return done.then([c](change_outcome o) mutable {
      to_wire(o, c.getResults().initResult());
    });
  }

  kj::Promise<void> peers(PeersContext c) override {
    using list = std::vector<cluster::peer_info>;
    kj::Promise<model_result<list>> done = nullptr;
    if (monitor()) {
      done = local_peers();
    } else {
      auto* ctx = &ctx_;
      done = read_via_monitors<list>(
               [](schema::Cluster::Client m) {
                 return m.peersRequest().send().then([](auto resp) {
                   return decode_result<list>(resp.getResult(), [](auto l) {
                     return decode_list<cluster::peer_info>(l);
                   });
                 });
               })
               .then([ctx](model_result<list> r) {
                 // The monitor marked itself; this daemon is the one asked.
                 for (auto& p : r.value) {
                   p.self = p.peer.uuid == ctx->self.uuid;
                   if (p.self)
                     p.connected = true;
                 }
                 return r;
               });
    }
    return done.then([c](model_result<list> r) mutable {
      write_list(c.getResults().initResult(), r);
    });
  }

  kj::Promise<void> roles(RolesContext c) override {
    using list = std::vector<cluster::role_assignment>;
    kj::Promise<model_result<list>> done = nullptr;
    if (monitor()) {
      done = query<list>(cluster::ask::roles{});
    } else {
      done = read_via_monitors<list>([](schema::Cluster::Client m) {
        return m.rolesRequest().send().then([](auto resp) {
          return decode_result<list>(resp.getResult(), [](auto l) {
            return decode_list<cluster::role_assignment>(l);
          });
        });
      });
    }
    return done.then([c](model_result<list> r) mutable {
      write_list(c.getResults().initResult(), r);
    });
  }

  kj::Promise<void> volumes(VolumesContext c) override {
    using list = std::vector<cluster::volume_info>;
    auto name = text(c.getParams().getName());
    kj::Promise<model_result<list>> done = nullptr;
    if (monitor()) {
      done = query<list>(cluster::ask::volume_status{name});
    } else {
      done = read_via_monitors<list>(
        [name](schema::Cluster::Client m) {
          auto r = m.volumesRequest();
          r.setName(name);
          return r.send().then([](auto resp) {
            return decode_result<list>(resp.getResult(), [](auto l) {
              return decode_list<cluster::volume_info>(l);
            });
          });
        });
    }
    return done.then([c](model_result<list> r) mutable {
      write_list(c.getResults().initResult(), r);
    });
  }

  kj::Promise<void> volumeNames(VolumeNamesContext c) override {
    using list = std::vector<std::string>;
    kj::Promise<model_result<list>> done = nullptr;
    if (monitor()) {
      done = query<list>(cluster::ask::volume_names{});
    } else {
      done = read_via_monitors<list>(
        [](schema::Cluster::Client m) {
          return m.volumeNamesRequest().send().then([](auto resp) {
            return decode_result<list>(resp.getResult(), [](auto l) {
              list out;
              for (auto n : l)
                out.push_back(text(n));
              return out;
            });
          });
        });
    }
    return done.then([c](model_result<list> r) mutable {
      auto res = c.getResults().initResult();
      if (!r.st.ok())
        return proto::to_capnp(r.st, res.initFailure());
      auto l = res.initOk(static_cast<unsigned>(r.value.size()));
      for (unsigned i = 0; i < r.value.size(); ++i)
        l.set(i, r.value[i]);
    });
  }

  kj::Promise<void> volumeOptions(VolumeOptionsContext c) override {
    using list = std::vector<cluster::option_value>;
    auto p = c.getParams();
    auto name = text(p.getName());
    auto key = text(p.getKey());
    kj::Promise<model_result<list>> done = nullptr;
    if (monitor()) {
      done = query<list>(cluster::ask::options{name, key});
    } else {
      done = read_via_monitors<list>(
        [name, key](schema::Cluster::Client m) {
          auto r = m.volumeOptionsRequest();
          r.setName(name);
          r.setKey(key);
          return r.send().then([](auto resp) {
            return decode_result<list>(resp.getResult(), [](auto l) {
              return decode_list<cluster::option_value>(l);
            });
          });
        });
    }
    return done.then([c](model_result<list> r) mutable {
      write_list(c.getResults().initResult(), r);
    });
  }

  kj::Promise<void> volfile(VolfileContext c) override {
    auto p = c.getParams();
    auto name = text(p.getName());
    auto brick = text(p.getBrick());
    bool client = p.getClient();
    kj::Promise<model_result<cluster::volfile>> done = nullptr;
    if (monitor()) {
      done = query<cluster::volfile>(cluster::ask::volfile{name, brick, client});
    } else {
      done = read_via_monitors<cluster::volfile>(
        [name, brick, client](schema::Cluster::Client m) {
          auto r = m.volfileRequest();
          r.setName(name);
          r.setBrick(brick);
          r.setClient(client);
          return r.send().then([](auto resp) {
            return decode_result<cluster::volfile>(
              resp.getResult(), [](auto f) { return proto::from_capnp(f); });
          });
        });
    }
    return done.then([c](model_result<cluster::volfile> r) mutable {
      auto res = c.getResults().initResult();
      if (!r.st.ok())
        return proto::to_capnp(r.st, res.initFailure());
      proto::to_capnp(r.value, res.initOk());
    });
  }

private:
  /// True if this daemon serves the model itself (it runs a monitor).
  bool monitor() const { return static_cast<bool>(ctx_.config); }

  /// True if `target` ("HOST[:PORT]") plainly names this daemon: its
  /// name, its address or its host, or localhost. (Other names of it are
  /// found by asking the daemon they reach for its UUID.)
  bool names_self(const std::string& target) const {
    auto host = host_of(target);
    return target == ctx_.self.name || target == ctx_.self.address
           || host == "localhost"
           || (host == host_of(ctx_.self.address)
               && (host == target || target == ctx_.self.address));
  }

  // -- monitors ----------------------------------------------------------------

  /// Proposes `cmd` (ids filled in); forwards it to the leader if this
  /// monitor does not lead.
  kj::Promise<change_outcome> propose(cluster::command cmd,
                                      std::uint8_t hops) {
    if (!monitor())
      return forward_to_monitors(std::move(cmd), hops);
    config::cluster_write w;
    w.cmd = cmd;
    w.timeout = request_timeout(0);
    auto limit = w.timeout + bridge_slack;
    return ask_config(ctx_, ctx_.cluster_replies, std::move(w), limit)
      .then([](config::cluster_write_reply r) { return from_reply(std::move(r)); },
            [](kj::Exception&& e) {
              return change_outcome{bridge_failure(e, true), {}};
            })
      .then([this, cmd = std::move(cmd), hops](change_outcome o) mutable
            -> kj::Promise<change_outcome> {
        if (!should_forward(ctx_, o.st, hops))
          return kj::mv(o);
        auto address = o.st.leader.address;
        auto r = leader_session(address).changeRequest();
        proto::to_capnp(cmd, r.initCommand());
        r.setHops(hops + 1);
        return r.send().then(
          [](auto resp) { return from_wire(resp.getResult()); },
          [this, address](kj::Exception&& e) {
            ctx_.pool.drop(address);
            return change_outcome{unreachable_leader(address, e), {}};
          });
      });
  }

  /// Runs a named read of the model on the config actor (linearizable).
  template <class T>
  kj::Promise<model_result<T>> query(cluster::model_query q) {
    return ask_query<T>(ctx_, std::move(q), false, request_timeout(0));
  }

  /// Every peer of the committed pool, "Connected" if committed up, with
  /// its last check-in as this monitor knows it. No peer is called.
  kj::Promise<model_result<std::vector<cluster::peer_info>>> local_peers() {
    using list = std::vector<cluster::peer_info>;
    return query<std::vector<cluster::peer>>(cluster::ask::peers{})
      .then([this](model_result<std::vector<cluster::peer>> r)
              -> kj::Promise<model_result<list>> {
        if (!r.st.ok())
          return model_result<list>{r.st, {}};
        auto out = std::make_shared<model_result<list>>();
        for (auto& p : r.value) {
          cluster::peer_info pi;
          pi.peer = std::move(p);
          pi.self = pi.peer.uuid == ctx_.self.uuid;
          pi.connected = pi.self || !pi.peer.down;
          out->value.push_back(std::move(pi));
        }
        return ask_actor<membership::sightings_view>(
                 ctx_, ctx_.membership.actor, membership::sightings_query{},
                 5s)
          .then(
            [out](membership::sightings_view v) {
              std::map<std::string, const membership::sighting_age*> by;
              for (const auto& s : v.servers)
                by[s.uuid] = &s;
              for (auto& pi : out->value) {
                auto it = by.find(pi.peer.uuid);
                if (it == by.end())
                  continue;
                pi.last_check_in_ms = it->second->age_ms;
                pi.check_in_monitor = it->second->monitor;
              }
              return std::move(*out);
            },
            [out](kj::Exception&&) {
              // why: the committed state answers on its own; the check-in
              // ages are extra.
              return std::move(*out);
            });
      });
  }

  // -- agents -------------------------------------------------------------------

  /// An agent's change: goes to a monitor.
  kj::Promise<change_outcome> forward_to_monitors(cluster::command cmd,
                                                  std::uint8_t hops) {
    if (hops >= max_hops)
      return refused(status_code::no_quorum,
                     "the request was forwarded too often; retry");
    return via_monitors<change_outcome>(
      [cmd, hops](schema::Cluster::Client m) {
        auto r = m.changeRequest();
        proto::to_capnp(cmd, r.initCommand());
        r.setHops(hops + 1);
        return r.send().then(
          [](auto resp) { return from_wire(resp.getResult()); });
      },
      [](gd::status st) { return change_outcome{std::move(st), {}}; }, true);
  }

  /// An agent's read: via_monitors with failures as model_result<T>.
  template <class T, class Call>
  kj::Promise<model_result<T>> read_via_monitors(Call call) {
    return via_monitors<model_result<T>>(
      kj::mv(call), [](gd::status st) { return model_result<T>{st, {}}; },
      false);
  }

  /// Runs `call` against the cluster's monitors (ctx.monitors), starting
  /// with the one that answered last and moving on while a monitor cannot
  /// be connected to (so nothing was sent to it). `fail` turns a status
  /// into the answer. `write`: a call lost midway may have changed things.
  template <class T, class Call, class Fail>
  kj::Promise<T> via_monitors(Call call, Fail fail, bool write,
                              std::size_t tried = 0) {
    if (ctx_.self.cluster_id == 0 || ctx_.monitors.empty())
      return fail(not_in_cluster());
    auto n = ctx_.monitors.size();
    if (tried >= n)
      return fail(failure(status_code::no_quorum,
                          "no monitor of the cluster can be reached (tried "
                            + join(ctx_.monitors) + ")"));
    auto address = ctx_.monitors[(first_monitor_ + tried) % n];
    auto m = session(address);
    return call(m).catch_(
      [this, call, fail, write, tried, address](kj::Exception&& e) mutable
        -> kj::Promise<T> {
        ctx_.pool.drop(address);
        if (never_connected(e)) {
          first_monitor_ = (first_monitor_ + 1) % ctx_.monitors.size();
          return via_monitors<T>(kj::mv(call), kj::mv(fail), write, tried + 1);
        }
        std::string what = e.getDescription().cStr();
        return fail(
          write ? failure(status_code::unknown_outcome,
                          "lost the connection to the monitor at " + address
                            + " (the change may or may not be made): " + what)
                : failure(status_code::failed, "the monitor at " + address
                                                 + " failed the request: "
                                                 + what));
      });
  }

  /// The Cluster API of the monitor at `address`, through a server session
  /// proving this daemon's credential (every forwarded call goes through
  /// one; a daemon without a credential yet uses the plain API, as glcli).
  schema::Cluster::Client session(const std::string& address) {
    auto mgmt = ctx_.pool.management(address);
    if (!ctx_.membership.has_credential)
      return mgmt.clusterRequest().send().getCluster();
    auto r = mgmt.serverSessionRequest();
    membership::to_capnp(server_proof(ctx_, address), r.initProof());
    return r.send().getCluster();
  }

  /// The leader's Cluster API for a change this monitor checked: a monitor
  /// session (proved with the monitors' key), so the leader takes what
  /// only monitors may relay.
  schema::Cluster::Client leader_session(const std::string& address) {
    auto mgmt = ctx_.pool.management(address);
    if (!ctx_.membership.has_monitor_key)
      return mgmt.clusterRequest().send().getCluster();
    auto r = mgmt.serverSessionRequest();
    membership::to_capnp(
      monitor_proof(ctx_, membership::purpose::forward, address),
      r.initProof());
    return r.send().getCluster();
  }

public:
  /// propose() for this daemon itself.
  kj::Promise<change_outcome> propose_own(cluster::command cmd) {
    return propose(std::move(cmd), 0);
  }

private:
  rpc_context& ctx_;
  cluster_caller caller_;
  /// Monitors: peer probe and detach.
  membership::pool_admission admission_;
  /// Agents: the index in ctx.monitors to try first.
  std::size_t first_monitor_ = 0;
};

} // namespace

schema::Cluster::Client make_cluster_service(rpc_context& ctx,
                                             cluster_caller caller) {
  return kj::heap<cluster_service>(ctx, std::move(caller));
}

kj::Promise<change_outcome> propose_as_self(rpc_context& ctx,
                                            cluster::command cmd) {
  auto self = kj::heap<cluster_service>(
    ctx, cluster_caller{cluster_caller::kind::monitor, {}});
  auto done = self->propose_own(std::move(cmd));
  return done.attach(kj::mv(self));
}

} // namespace gd::rpc
