#include "actors/node/agent_membership.hpp"

#include <algorithm>

#include "actors/node/checkin_client.hpp"
#include "actors/rpc/peer_pool.hpp"
#include "actors/rpc/raft_sender.hpp"

namespace gd::node {

using rpc::split_address;

std::string join_cluster(rpc::rpc_context& ctx_, std::uint64_t id,
                         const std::vector<std::string>& monitors,
                         const std::optional<membership::key>& credential) {
  if (id == 0)
    return "cluster id 0 names no cluster";
  if (monitors.empty())
    return "no monitor address given";
  for (const auto& m : monitors) {
    try {
      split_address(m);
    } catch (const std::invalid_argument& e) {
      return "monitor address '" + m + "': " + e.what();
    }
  }
  if (ctx_.self.monitor)
    return id == ctx_.self.cluster_id
             ? ""
             : "this daemon runs a monitor of another cluster";
  if (ctx_.self.cluster_id != 0 && ctx_.self.cluster_id != id)
    return "this daemon belongs to another cluster (detach it there, or "
           "start it on an empty data directory)";
  if (!ctx_.save_membership || !ctx_.save_credential)
    return "this daemon cannot record a cluster membership";
  if (!credential)
    return "no credential given (the probing monitor is of an older "
           "version, or the call is not from a monitor)";
  auto& link = ctx_.membership;
  if (ctx_.self.cluster_id == id && ctx_.monitors == monitors
      && link.has_credential && link.credential == *credential)
    return "";
  // why: the credential first: a daemon that records the cluster but not
  // its credential could never check in.
  if (auto err = ctx_.save_credential(credential); !err.empty())
    return "cannot save the credential: " + err;
  if (auto err = ctx_.save_membership(id, monitors); !err.empty())
    return "cannot save the membership: " + err;
  link.credential = *credential;
  link.has_credential = true;
  bool first = ctx_.self.cluster_id == 0;
  ctx_.self.cluster_id = id;
  ctx_.sender.set_cluster_id(id);
  ctx_.monitors = monitors;
  if (first && ctx_.log)
    ctx_.log("joined cluster " + std::to_string(id) + " (monitors: "
             + std::to_string(monitors.size()) + ")");
  restart_checkin(ctx_);
  return "";
}

std::string leave_cluster(rpc::rpc_context& ctx, std::uint64_t id) {
  if (ctx.self.monitor || id == 0 || id != ctx.self.cluster_id)
    return {};
  if (!ctx.save_membership)
    return {};
  if (auto err = ctx.save_membership(0, {}); !err.empty())
    return err;
  if (ctx.save_credential)
    ctx.save_credential(std::nullopt);
  ctx.self.cluster_id = 0;
  ctx.sender.set_cluster_id(0);
  ctx.monitors.clear();
  ctx.membership.has_credential = false;
  restart_checkin(ctx);
  if (ctx.log)
    ctx.log("detached from the cluster: this daemon belongs to none now");
  return {};
}

void restart_checkin(rpc::rpc_context& ctx) {
  auto& link = ctx.membership;
  link.checkin_task = nullptr;
  link.checkin.reset();
  if (ctx.self.cluster_id == 0 || !link.has_credential || ctx.monitors.empty()
      || !ctx.io)
    return;
  node::checkin_settings s;
  s.uuid = ctx.self.uuid;
  s.credential = link.credential;
  s.interval = ctx.checkin_interval;
  // why: until a reply names the lease, three quarters of an interval (the
  // client caps it by the lease afterwards).
  s.call_timeout = std::max<std::chrono::milliseconds>(
    ctx.checkin_interval * 3 / 4, std::chrono::milliseconds(100));
  auto* c = &ctx;
  link.checkin = std::make_unique<node::checkin_client>(
    *ctx.io, s, ctx.monitors, [c](const node::checkin_outcome& o) {
      auto& link = c->membership;
      if (!o.accepted) {
        if (o.error != link.last_error && c->log)
          c->log("check-in with " + o.monitor_address + " failed: " + o.error);
        link.last_error = o.error;
        return;
      }
      if (!link.last_error.empty() && c->log)
        c->log("checked in with monitor " + o.monitor_name + " at "
               + o.monitor_address);
      link.last_error.clear();
      if (o.quorum != link.last_quorum && c->log)
        c->log(o.quorum ? "the monitors have a quorum again"
                        : "monitor " + o.monitor_name
                            + " has no quorum: the cluster configuration "
                              "cannot change; this server keeps running");
      link.last_quorum = o.quorum;
      // Agents follow monitor changes without a re-probe.
      if (!c->self.monitor && !o.monitors.empty() && o.monitors != c->monitors
          && c->save_membership) {
        auto err = c->save_membership(c->self.cluster_id, o.monitors);
        if (err.empty()) {
          c->monitors = o.monitors;
          if (c->log)
            c->log("the cluster's monitors are now " + [&] {
              std::string s;
              for (const auto& m : o.monitors)
                s += (s.empty() ? "" : ", ") + m;
              return s;
            }());
        } else if (c->log) {
          c->log("cannot save the new monitor list: " + err);
        }
      }
    });
  link.checkin_task = link.checkin->run().eagerlyEvaluate(
    [c](kj::Exception&& e) {
      if (c->log)
        c->log(std::string("the check-in stopped: ")
               + e.getDescription().cStr());
    });
}

} // namespace gd::node
