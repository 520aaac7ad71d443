#include "actors/membership/pool_admission.hpp"

#include <optional>
#include <set>

#include <kj/debug.h>

#include "actors/config/volume_layout.hpp"
#include "actors/membership/credentials.hpp"
#include "actors/rpc/peer_pool.hpp"
#include "actors/rpc/service_support.hpp"
#include "protocol/cluster_capnp.hpp"
#include "protocol/kv_capnp.hpp"
#include "protocol/management.capnp.h"
#include "protocol/uuid.hpp"

namespace gd::membership {

namespace schema = proto::schema;
using namespace std::chrono_literals;
using rpc::change_outcome;
using rpc::failure;
using rpc::host_of;
using rpc::refused;
using rpc::split_address;
using rpc::text;
using rpc::ask_actor;
using rpc::model_result;

namespace {

/// The management port a probe uses when HOST has none.
constexpr unsigned default_port = 24007;
/// How long peer probe waits for the peer's daemon.
constexpr auto probe_timeout = 5 * kj::SECONDS;
/// How long peer probe / detach wait for adopt / release.
constexpr auto membership_timeout = 5 * kj::SECONDS;

/// Splits a peer probe's "HOST[:PORT]" into the hostname the pool records
/// and the address to call. Returns "" or what is wrong.
std::string parse_probe_target(const std::string& target, std::string& host,
                               std::string& address) {
  bool has_port = target.find(':') != std::string::npos
                  && (target.front() == '['
                      || target.find(':') == target.rfind(':'));
  if (has_port) {
    try {
      auto hp = split_address(target);
      host = hp.first;
      address = target;
    } catch (const std::invalid_argument& e) {
      return "'" + target + "' is not HOST[:PORT]: " + e.what();
    }
  } else {
    host = target;
    address = target + ":" + std::to_string(default_port);
  }
  if (auto err = cluster::check_hostname(host); !err.empty())
    return err;
  return {};
}

/// A fresh credential id for a new peer (never 0).
std::uint64_t random_credential_id() {
  auto k = membership::new_secret();
  std::uint64_t id = 0;
  for (int i = 0; i < 8; ++i)
    id = (id << 8) | k[static_cast<std::size_t>(i)];
  return id == 0 ? 1 : id;
}

} // namespace

pool_admission::pool_admission(rpc::rpc_context& ctx, propose_fn propose)
  : ctx_(ctx), propose_(std::move(propose)) {
  // nop
}

template <class T>
kj::Promise<rpc::model_result<T>> pool_admission::query(cluster::model_query q) {
  return rpc::ask_query<T>(ctx_, std::move(q), false, rpc::request_timeout(0));
}

/// HOST:PORT of every monitor in the current configuration; empty if the
/// local Raft actor does not answer.
kj::Promise<std::vector<std::string>> pool_admission::monitor_addresses() {
  return ask_actor<raft::raft_status>(ctx_, ctx_.raft, raft::status_query{},
                                      5s)
    .then(
      [](raft::raft_status s) {
        std::vector<std::string> out;
        for (const auto& m : s.config.voters)
          out.push_back(m.address);
        for (const auto& m : s.config.learners)
          out.push_back(m.address);
        return out;
      },
      [](kj::Exception&&) { return std::vector<std::string>{}; });
}


kj::Promise<change_outcome> pool_admission::probe(const std::string& target) {
  std::string host, address;
  if (auto err = parse_probe_target(target, host, address); !err.empty())
    return refused(status_code::invalid, err);
  auto call = ctx_.pool.management(address).infoRequest().send();
  return ctx_.timer.timeoutAfter(probe_timeout, kj::mv(call))
    .then(
      [this, host, address](auto resp) -> kj::Promise<change_outcome> {
        auto i = resp.getInfo();
        auto uuid = text(i.getUuid());
        auto cluster_id = i.getClusterId();
        bool is_monitor = i.getMonitor();
        if (uuid == ctx_.self.uuid) {
          change_outcome o;
          o.done.message = "Probe on localhost not needed";
          return kj::mv(o);
        }
        if (!valid_uuid(uuid))
          return refused(status_code::invalid,
                         "the daemon at " + address
                           + " did not give its peer UUID (is it a "
                             "glusterd-actor of an older version?)");
        if (cluster_id != 0 && cluster_id != ctx_.self.cluster_id)
          return refused(status_code::invalid,
                         host + " is either already part of another "
                                "cluster or having volumes configured");
        if (is_monitor && cluster_id == 0)
          return refused(status_code::invalid,
                         host + " runs a monitor that belongs to no "
                                "cluster yet");
        cluster::peer p;
        p.uuid = uuid;
        p.hostname = host;
        auto advertised = text(i.getAddress());
        if (!advertised.empty())
          p.addresses.push_back(advertised);
        if (advertised != address)
          p.addresses.push_back(address);
        p.monitor = is_monitor;
        p.credential_id = random_credential_id();
        return propose_(cluster::peer_add{p}).then(
          [this, host, address, is_monitor, uuid](change_outcome o)
            -> kj::Promise<change_outcome> {
            if (!o.st.ok() || is_monitor)
              return kj::mv(o);
            return adopt(host, address, uuid, kj::mv(o));
          });
      },
      [this, address](kj::Exception&& e) {
        ctx_.pool.drop(address);
        // why: nothing was proposed, so the code must say "nothing
        // changed" (not `failed`, whose outcome is unknown).
        return refused(status_code::invalid,
                       "Probe returned with Transport endpoint is not "
                       "connected (no glusterd-actor answers at "
                         + address + ": " + e.getDescription().cStr()
                         + ")");
      });
}

/// Tells the agent at `address`, just added to the pool as `host`, that
/// it belongs to this cluster; `added` is the outcome of adding it.
kj::Promise<change_outcome> pool_admission::adopt(const std::string& host,
                                  const std::string& address,
                                  const std::string& uuid,
                                  change_outcome added) {
  using found = std::optional<cluster::peer>;
  // why: a peer probed again keeps the credential id it was admitted
  // with: read the committed record, not the proposal.
  auto record = query<found>(cluster::ask::peer_by_host{host});
  return monitor_addresses().then(
    [this, record = kj::mv(record)](std::vector<std::string> m) mutable {
      return record.then([m = std::move(m)](model_result<found> r) {
        return std::make_pair(std::move(m), std::move(r));
      });
    }).then(
    [this, host, address, uuid, added = kj::mv(added)](
      std::pair<std::vector<std::string>, model_result<found>> got) mutable
      -> kj::Promise<change_outcome> {
      auto& monitors = got.first;
      auto& record = got.second;
      auto again = host + " is in the pool now, but its daemon did not "
                          "take the membership: ";
      auto tail = "; run peer probe " + host + " again";
      if (monitors.empty())
        return refused(status_code::failed,
                       again + "the local monitor did not answer" + tail);
      if (!record.st.ok() || !record.value || record.value->uuid != uuid)
        return refused(status_code::failed,
                       again + "its record could not be read back ("
                         + (record.st.ok() ? std::string("not found")
                                           : record.st.message)
                         + ")" + tail);
      if (!ctx_.membership.has_secret)
        return refused(status_code::failed,
                       again + "this monitor holds no cluster secret" + tail);
      auto credential = membership::server_credential(
        ctx_.membership.secret, uuid, record.value->credential_id);
      auto r = ctx_.pool.management(address).adoptRequest();
      r.setClusterId(ctx_.self.cluster_id);
      r.setCredential(kj::arrayPtr(credential.data(), credential.size()));
      auto l = r.initMonitors(static_cast<unsigned>(monitors.size()));
      for (unsigned i = 0; i < monitors.size(); ++i)
        l.set(i, monitors[i]);
      return ctx_.timer.timeoutAfter(membership_timeout, r.send())
        .then(
          [again, tail, added = kj::mv(added)](auto resp) mutable {
            auto err = text(resp.getError());
            if (!err.empty())
              return refused(status_code::failed, again + err + tail);
            return kj::mv(added);
          },
          [this, address, again, tail](kj::Exception&& e) {
            ctx_.pool.drop(address);
            return refused(status_code::failed,
                           again + e.getDescription().cStr() + tail);
          });
    });
}

kj::Promise<change_outcome> pool_admission::detach(const std::string& host, bool force) {
  using found = std::optional<cluster::peer>;
  return query<found>(cluster::ask::peer_by_host{host})
    .then([this, host, force](model_result<found> r)
            -> kj::Promise<change_outcome> {
      if (!r.st.ok())
        return change_outcome{r.st, {}};
      if (!r.value)
        return refused(status_code::not_found,
                       host + " is not part of cluster");
      auto p = *r.value;
      if (p.uuid == ctx_.self.uuid)
        return refused(status_code::invalid, host + " is localhost");
      return monitor_addresses().then(
        [this, host, force, p](std::vector<std::string> monitors)
          -> kj::Promise<change_outcome> {
          // why: without the configuration, trust the peer record.
          if (monitors.empty() && p.monitor)
            return refused(status_code::invalid,
                           host + " runs a monitor (the local one cannot "
                                  "say whether it still is a member): "
                                  "retry, or remove it from the monitors "
                                  "first");
          std::set<std::string> monitor_hosts;
          for (const auto& m : monitors)
            monitor_hosts.insert(host_of(m));
          for (const auto& a : p.addresses)
            if (monitor_hosts.count(host_of(a)))
              return refused(status_code::invalid,
                             host + " runs a monitor of this cluster (at "
                               + a + "): remove it from the monitors "
                                     "first (glcli monitor remove NAME)");
          if (!force && p.down)
            return refused(status_code::invalid,
                           host + " is not connected: it has not checked "
                                  "in with the monitors within its lease "
                                  "(use force to detach it anyway)");
          return remove(host, force, p);
        });
    });
}

/// Removes peer `p` (named `host`) from the pool and, best effort, tells
/// its daemon it left.
kj::Promise<change_outcome> pool_admission::remove(const std::string& host, bool force,
                                   const cluster::peer& p) {
  return propose_(cluster::peer_remove{host, force})
    .then([this, p](change_outcome o) -> kj::Promise<change_outcome> {
      if (!o.st.ok() || p.addresses.empty())
        return kj::mv(o);
      auto address = p.addresses.front();
      auto r = ctx_.pool.management(address).releaseRequest();
      r.setClusterId(ctx_.self.cluster_id);
      return ctx_.timer.timeoutAfter(membership_timeout, r.send())
        .then([o](auto) mutable { return kj::mv(o); },
              [this, address, o](kj::Exception&&) mutable {
                // why: detached either way; a daemon that missed it
                // still thinks it is a member until probed elsewhere.
                ctx_.pool.drop(address);
                return kj::mv(o);
              });
    });
}


kj::Promise<void> register_monitor(rpc::rpc_context& ctx,
                                   schema::Cluster::Client cluster,
                                   kj::Duration interval) {
  cluster::peer p;
  p.uuid = ctx.self.uuid;
  p.hostname = host_of(ctx.self.address);
  p.addresses = {ctx.self.address};
  p.monitor = true;
  auto r = cluster.changeRequest();
  proto::to_capnp(cluster::command{cluster::peer_add{p}}, r.initCommand());
  r.setHops(0);
  auto* c = &ctx;
  return r.send()
    .then(
      [c](auto resp) {
        auto res = resp.getResult();
        if (res.isOk())
          return true;
        auto st = proto::from_capnp(res.getFailure());
        if (st.code == status_code::exists || st.code == status_code::invalid) {
          if (c->log)
            c->log("this monitor cannot join the pool as a peer: "
                   + st.message);
          return true;
        }
        return false; // no quorum yet, leader moving ...: retry
      },
      [](kj::Exception&&) { return false; })
    .then([c, cluster = kj::mv(cluster), interval](bool done) mutable
            -> kj::Promise<void> {
      if (done)
        return kj::READY_NOW;
      return c->timer.afterDelay(interval).then(
        [c, cluster = kj::mv(cluster), interval]() mutable {
          return register_monitor(*c, kj::mv(cluster), interval);
        });
    });
}

} // namespace gd::membership
