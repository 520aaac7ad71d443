#include "actors/scheduling/role_scheduler.hpp"

#include <map>
#include <set>

#include "actors/rpc/cluster_service.hpp"
#include "actors/rpc/peer_pool.hpp"
#include "actors/rpc/rpc_context.hpp"
#include "actors/rpc/service_support.hpp"
#include "actors/scheduling/optimizer.hpp"
#include "actors/scheduling/role_tasks.hpp"

namespace gd::scheduling {

namespace {

std::int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

/// What must change: the assignment `sol` against the committed `roles`.
cluster::roles_assign diff(const std::vector<role_task>& tasks,
                           const solution& sol,
                           const std::vector<cluster::role_assignment>& roles) {
  cluster::roles_assign out;
  std::map<std::string, const cluster::role_assignment*> now;
  for (const auto& r : roles)
    now[r.task] = &r;
  std::set<std::string> wanted;
  auto ms = wall_ms();
  for (const auto& t : tasks) {
    wanted.insert(t.id);
    auto it = sol.holder.find(t.id);
    std::string holder = it == sol.holder.end() ? std::string{} : it->second;
    auto cur = now.find(t.id);
    if (cur != now.end() && cur->second->holder == holder)
      continue;
    cluster::role_assignment a;
    a.task = t.id;
    a.kind = t.kind;
    a.volume = t.volume;
    a.set = t.set;
    a.holder = holder;
    a.since_ms = ms;
    out.set.push_back(std::move(a));
  }
  for (const auto& r : roles)
    if (!wanted.count(r.task))
      out.remove.push_back(r.task);
  return out;
}

} // namespace

role_scheduler::role_scheduler(rpc::rpc_context& ctx,
                               scheduler_settings settings)
  : ctx_(ctx), settings_(settings) {
  node::mirror_settings ms;
  ms.prefixes = {"/gd/volumes/", "/gd/peers/", "/gd/roles/"};
  auto* c = &ctx;
  mirror_ = std::make_unique<node::model_mirror>(
    ctx.pool, ms, [c]() { return std::vector<std::string>{c->self.address}; },
    [this]() { poke(); },
    [c](const std::string& line) {
      if (c->log)
        c->log("scheduler: " + line);
    });
}

role_scheduler::~role_scheduler() = default;

kj::Promise<void> role_scheduler::run() {
  tasks_.add(periodic());
  return mirror_->run();
}

kj::Promise<void> role_scheduler::periodic() {
  return ctx_.timer.afterDelay(settings_.period.count() * kj::MILLISECONDS)
    .then([this]() {
      poke();
      return periodic();
    });
}

void role_scheduler::poke() {
  if (pending_)
    return;
  pending_ = true;
  tasks_.add(
    ctx_.timer.afterDelay(settings_.debounce.count() * kj::MILLISECONDS)
      .then([this]() {
        pending_ = false;
        if (running_) {
          poke(); // one round at a time: again once this one ends
          return kj::Promise<void>(kj::READY_NOW);
        }
        running_ = true;
        return round().then([this]() { running_ = false; },
                            [this](kj::Exception&&) { running_ = false; });
      }));
}

kj::Promise<void> role_scheduler::round() {
  if (!ctx_.raft || !mirror_->ready())
    return kj::READY_NOW;
  return rpc::ask_actor<raft::raft_status>(ctx_, ctx_.raft,
                                           raft::status_query{},
                                           std::chrono::seconds(2))
    .then([this](raft::raft_status s) -> kj::Promise<void> {
      if (s.current_role != raft::role::leader) {
        done_valid_ = false; // leading again later: a full round first
        return kj::READY_NOW;
      }
      auto seen = mirror_->changes();
      if (done_valid_ && seen == done_changes_)
        return kj::READY_NOW; // nothing new since the last complete round
      auto m = mirror_->store().reader();
      std::map<std::string, cluster::peer> peers;
      problem p;
      for (auto& peer : m.peers()) {
        if (!peer.down)
          p.servers.push_back({peer.uuid, peer.zone});
        peers.emplace(peer.uuid, std::move(peer));
      }
      auto tasks = role_tasks(m.volumes(), peers);
      auto roles = m.roles();
      for (const auto& t : tasks) {
        task x;
        x.id = t.id;
        x.kind = t.kind;
        x.volume = t.volume;
        x.eligible = t.eligible;
        p.tasks.push_back(std::move(x));
      }
      for (const auto& r : roles)
        if (!r.holder.empty())
          p.current[r.task] = r.holder;
      auto sol = assign(p);
      auto change = diff(tasks, sol, roles);
      if (change.set.empty() && change.remove.empty()) {
        done_changes_ = seen;
        done_valid_ = true;
        return kj::READY_NOW;
      }
      ++proposals_;
      auto moved = change.set.size();
      auto removed = change.remove.size();
      auto infeasible = sol.infeasible.size();
      auto* c = &ctx_;
      return rpc::propose_as_self(ctx_, std::move(change))
        .then([c, moved, removed, infeasible](rpc::change_outcome o) {
          if (!c->log)
            return;
          if (o.st.ok())
            c->log("scheduler: assigned " + std::to_string(moved)
                   + " role(s), removed " + std::to_string(removed)
                   + (infeasible ? ", " + std::to_string(infeasible)
                                     + " with no eligible server"
                                 : std::string{}));
          else
            c->log("scheduler: the assignment was not committed: "
                   + o.st.message);
        });
    });
}

} // namespace gd::scheduling
