#include "actors/rpc/brick_checks.hpp"

#include <kj/debug.h>

#include "actors/rpc/peer_pool.hpp"
#include "actors/rpc/service_support.hpp"
#include "protocol/management.capnp.h"

namespace gd::rpc {

kj::Promise<std::string> run_brick_checks(
  rpc_context& ctx, brick_check_plan plan,
  std::map<std::string, std::string> address_of, kj::Duration timeout) {
  // Paths by server address, keeping each server's first host name (for
  // messages) and the bricks' order.
  struct server {
    std::string host;
    std::vector<std::string> paths;
  };
  std::map<std::string, server> servers;
  std::vector<std::string> order;
  for (const auto& b : plan.bricks) {
    auto it = address_of.find(b.host);
    if (it == address_of.end())
      continue;
    auto [s, fresh] = servers.try_emplace(it->second);
    if (fresh) {
      s->second.host = b.host;
      order.push_back(it->second);
    }
    s->second.paths.push_back(b.path);
  }
  auto checks = kj::heapArrayBuilder<kj::Promise<std::string>>(order.size());
  for (const auto& address : order) {
    const auto& srv = servers[address];
    auto req = ctx.pool.management(address).checkBricksRequest();
    req.setVolumeId(plan.volume_id);
    req.setForce(plan.force);
    auto paths = req.initPaths(static_cast<unsigned>(srv.paths.size()));
    for (unsigned i = 0; i < srv.paths.size(); ++i)
      paths.set(i, srv.paths[i]);
    auto host = srv.host;
    auto* c = &ctx;
    checks.add(
      ctx.timer
        .timeoutAfter(timeout, req.send().then([](auto resp) -> std::string {
          for (auto e : resp.getErrors())
            if (e.size() != 0)
              return text(e);
          return "";
        }))
        .catch_([c, host, address](kj::Exception&& e) -> std::string {
          c->pool.drop(address);
          if (c->log)
            c->log("brick check: the daemon of " + host + " at " + address
                   + " did not answer: " + e.getDescription().cStr());
          return "Host " + host + " is not in 'Peer in Cluster' state";
        }));
  }
  return kj::joinPromises(checks.finish())
    .then([](kj::Array<std::string> results) -> std::string {
      for (auto& r : results)
        if (!r.empty())
          return kj::mv(r);
      return "";
    });
}

} // namespace gd::rpc
