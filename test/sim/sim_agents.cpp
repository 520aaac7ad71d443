#include "test/sim/sim_agents.hpp"

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <set>

#include <caf/atom.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>

#include "actors/node/monitor_choice.hpp"

namespace gd::sim {

namespace {

using membership::millis;
using carry_atom = caf::atom_constant<caf::atom("sim_carry")>;
using confirm_atom = caf::atom_constant<caf::atom("sim_confrm")>;

std::string agent_uuid(std::size_t i) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "5a5a5a5a-0000-4000-8000-%012zu", i);
  return buf;
}

} // namespace

agent_fleet::agent_fleet(caf::actor_system& sys, fleet_options opts,
                         std::uint64_t seed, net_state& net,
                         std::function<void(const std::string&)> fail)
  : sys_(sys), opts_(opts), rng_(seed), net_(net), fail_(std::move(fail)) {
  for (std::size_t i = 0; i < opts_.agents; ++i) {
    sim_agent a;
    a.uuid = agent_uuid(i);
    a.next_checkin = static_cast<millis>(rng_.below(
      static_cast<std::uint64_t>(opts_.interval)));
    by_uuid_[a.uuid] = i;
    agents_.push_back(std::move(a));
  }
  if (!enabled())
    return;
  // The courier: pulls a monitor's digest and hands it to every monitor
  // the simulated network links it to (at the time of the answer).
  auto* fleet = this;
  courier_ = sys_.spawn([fleet](caf::event_based_actor* self) -> caf::behavior {
    return {
      [self, fleet](confirm_atom, std::uint64_t leader, std::uint64_t to,
                    std::uint64_t round, std::vector<std::string>& servers) {
        if (to >= fleet->monitors_.size() || !fleet->monitors_[to].up)
          return;
        membership::confirm_query q{round, std::move(servers)};
        self->request(fleet->monitors_[to].actor, std::chrono::seconds(1), q)
          .then(
            [fleet, leader, to](membership::confirm_answer& a) {
              auto& src = fleet->monitors_[to];
              auto& dst = fleet->monitors_[leader];
              if (!src.up || !dst.up || !fleet->net_.link_up(src.id, dst.id))
                return;
              for (const auto& x : a.latest)
                fleet->learn(leader, x.uuid, x.at);
              caf::anon_send(dst.actor,
                             membership::confirm_received{src.name, a.round,
                                                          a.latest});
            },
            [](caf::error&) {
              // crashed meanwhile: the round waits for others or expires
            });
      },
      [self, fleet](carry_atom, std::uint64_t from) {
        if (from >= fleet->monitors_.size() || !fleet->monitors_[from].up)
          return;
        auto actor = fleet->monitors_[from].actor;
        self->request(actor, std::chrono::seconds(1), membership::digest_pull{})
          .then(
            [fleet, from](membership::digest_taken& d) {
              auto& src = fleet->monitors_[from];
              for (std::size_t j = 0; j < fleet->monitors_.size(); ++j) {
                auto& dst = fleet->monitors_[j];
                if (std::getenv("GD_SIM_DEBUG"))
                  std::cerr << fleet->now_ << "ms digest " << src.name << "->"
                            << dst.name << " n=" << d.sightings.size()
                            << " up=" << dst.up << src.up << " link="
                            << fleet->net_.link_up(src.id, dst.id) << " ["
                            << [&] {
                                 std::string l;
                                 for (auto& x : d.sightings)
                                   l += x.uuid.substr(33) + "@"
                                        + std::to_string(x.at) + " ";
                                 return l;
                               }()
                            << "]\n";
                if (j == from || !dst.up || !src.up
                    || !fleet->net_.link_up(src.id, dst.id))
                  continue;
                for (const auto& x : d.sightings)
                  fleet->learn(j, x.uuid, x.at);
                caf::anon_send(dst.actor,
                               membership::digest_received{src.name,
                                                           d.sightings});
                if (d.round != 0)
                  fleet->carry_confirmation(from, j, d.round, d.confirm);
              }
            },
            [](caf::error&) {
              // the monitor crashed meanwhile: its sightings are lost
            });
      },
    };
  });
}

void agent_fleet::carry_confirmation(std::size_t leader, std::size_t to,
                                     std::uint64_t round,
                                     std::vector<std::string> servers) {
  // The question travels with the digest (leader -> to); the answer comes
  // back on the reply (to -> leader), if that link is up by then.
  caf::anon_send(courier_, confirm_atom::value,
                 static_cast<std::uint64_t>(leader),
                 static_cast<std::uint64_t>(to), round, std::move(servers));
}

agent_fleet::~agent_fleet() {
  if (courier_)
    caf::anon_send_exit(courier_, caf::exit_reason::kill);
}

membership::membership_config agent_fleet::config_for(std::size_t index,
                                                      const std::string& name) {
  membership::membership_config mc;
  mc.leases = opts_.leases;
  mc.name = name;
  mc.tick = std::chrono::milliseconds(50);
  mc.digest_period = opts_.digest_period;
  mc.secret = membership::key{};
  mc.clock = [this] { return now_; };
  if (std::getenv("GD_SIM_DEBUG"))
    mc.log = [this, name](const std::string& e) {
      std::cerr << now_ << "ms " << name << " membership: " << e << "\n";
    };
  mc.on_propose = [this, index](const std::vector<membership::transition>& ts) {
    on_propose(index, ts);
  };
  mc.on_committed =
    [this, index](const std::vector<membership::transition>& ts) {
      on_committed(index, ts);
    };
  return mc;
}

void agent_fleet::monitor_started(std::size_t index, raft::member_id id,
                                  membership::membership_actor actor) {
  if (monitors_.size() <= index)
    monitors_.resize(index + 1);
  auto& m = monitors_[index];
  m.id = id;
  m.name = "m" + std::to_string(index + 1);
  m.actor = std::move(actor);
  m.up = true;
  m.started = now_;
  m.known.clear();
  m.wrong_downs.clear();
  if (std::getenv("GD_SIM_DEBUG"))
    std::cerr << now_ << "ms " << m.name << " membership actor started\n";
}

void agent_fleet::monitor_crashed(std::size_t index) {
  if (index >= monitors_.size())
    return;
  auto& m = monitors_[index];
  if (m.actor)
    caf::anon_send_exit(m.actor, caf::exit_reason::kill);
  m.actor = nullptr;
  m.up = false;
  m.known.clear();
  m.wrong_downs.clear();
}

void agent_fleet::learn(std::size_t m, const std::string& uuid,
                        membership::millis at) {
  auto& k = monitors_[m].known[uuid];
  k.emplace_back(at, now_);
  if (k.size() > 8)
    k.erase(k.begin());
}

void agent_fleet::note_net_changes() {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const auto& [id, g] : net_.group)
    mix(h, id * 31 + static_cast<std::uint64_t>(g));
  for (const auto& [a, b] : net_.cut)
    mix(h, a * 131 + b);
  if (h != net_hash_) {
    net_hash_ = h;
    agent_partition_salt_ = rng_.next();
  }
}

bool agent_fleet::agent_reaches(std::size_t agent, std::size_t monitor) const {
  const auto& m = monitors_[monitor];
  if (!m.up)
    return false;
  if (net_.group.empty())
    return true;
  // A partition also splits the agents: each sits on one side.
  std::set<int> groups{0};
  for (const auto& [id, g] : net_.group)
    groups.insert(g);
  std::vector<int> list(groups.begin(), groups.end());
  auto pick = (agent * 0x9e3779b97f4a7c15ULL ^ agent_partition_salt_)
              % list.size();
  auto it = net_.group.find(m.id);
  int mg = it == net_.group.end() ? 0 : it->second;
  return list[pick] == mg;
}

void agent_fleet::on_propose(std::size_t index,
                             const std::vector<membership::transition>& ts) {
  ++proposals_checked_;
  // why: the leader hears of a check-in a digest period (plus a pull's
  // round trip) after the monitor that took it.
  auto margin = opts_.digest_period + 50;
  auto& leader = monitors_[index];
  leader.wrong_downs.clear();
  for (const auto& t : ts) {
    if (t.to != membership::liveness::down)
      continue;
    // The latest check-in of the agent a majority of the ensemble knew of
    // (up monitors only: a crashed one forgot).
    // What each knew a digest delay ago (the leader cannot know fresher).
    std::vector<millis> known;
    for (const auto& m : monitors_) {
      if (!m.up)
        continue;
      millis latest = -1;
      if (auto it = m.known.find(t.server); it != m.known.end())
        for (const auto& [at, learned] : it->second)
          if (learned <= now_ - margin)
            latest = std::max(latest, at);
      known.push_back(latest);
    }
    auto majority = monitors_.size() / 2 + 1;
    if (known.size() < majority)
      continue;
    std::sort(known.rbegin(), known.rend());
    auto at = known[majority - 1];
    if (at >= 0 && now_ - at < opts_.leases.lease - margin)
      leader.wrong_downs.push_back(
        t.server + " (a majority knew of its check-in at " + std::to_string(at)
        + " ms; proposed at " + std::to_string(now_) + " ms, lease "
        + std::to_string(opts_.leases.lease) + " ms)");
  }
}

void agent_fleet::on_committed(std::size_t index,
                               const std::vector<membership::transition>&) {
  auto& leader = monitors_[index];
  for (const auto& w : leader.wrong_downs)
    fail_("false down committed by " + leader.name + ": " + w);
  leader.wrong_downs.clear();
}

void agent_fleet::tick(millis now, const config::config_actor& leader_config,
                       bool faults) {
  if (!enabled())
    return;
  now_ = now;
  note_net_changes();
  // Admission: a peer_add per agent not yet admitted, through the leader.
  if (leader_config && now >= next_admission_) {
    next_admission_ = now + 500;
    for (std::size_t i = 0; i < agents_.size(); ++i) {
      if (agents_[i].admitted)
        continue;
      config::cluster_write w;
      cluster::peer p;
      p.uuid = agents_[i].uuid;
      p.hostname = "agent" + std::to_string(i);
      p.addresses = {p.hostname + ":24007"};
      p.credential_id = i + 1;
      w.cmd = cluster::peer_add{p};
      w.timeout = std::chrono::seconds(3);
      auto* fleet = this;
      w.reply = reply_promise<config::cluster_write_reply>(
        [fleet, i](config::cluster_write_reply r) {
          if (r.st.ok())
            fleet->agents_[i].admitted = true;
        });
      caf::anon_send(leader_config, std::move(w));
    }
  }
  // Deaths and returns.
  if (faults && now >= next_death_) {
    next_death_ = now + rng_.between(1, 2 * opts_.death_every_ms);
    auto& a = agents_[rng_.below(agents_.size())];
    if (a.alive) {
      a.alive = false;
      a.since = now;
      ++deaths_;
    }
  }
  for (auto& a : agents_)
    if (!a.alive && (!faults || now - a.since >= opts_.dead_for_ms)) {
      a.alive = true;
      a.since = now;
    }
  // Check-ins: to the first monitor of the agent's order it can reach.
  std::vector<std::string> names;
  for (const auto& m : monitors_)
    names.push_back(m.name);
  for (std::size_t i = 0; i < agents_.size(); ++i) {
    auto& a = agents_[i];
    if (!a.alive || now < a.next_checkin)
      continue;
    a.next_checkin = now + opts_.interval;
    for (const auto& name : node::monitor_order(a.uuid, names)) {
      auto m = static_cast<std::size_t>(std::stoul(name.substr(1)) - 1);
      if (!agent_reaches(i, m))
        continue;
      if (std::getenv("GD_SIM_DEBUG"))
        std::cerr << now << "ms check-in " << a.uuid.substr(33) << " -> "
                  << monitors_[m].name << "\n";
      caf::anon_send(monitors_[m].actor,
                     membership::checkins_taken{{{a.uuid, now}}});
      learn(m, a.uuid, now);
      a.checkins.emplace_back(now, m);
      break;
    }
  }
  // Digests.
  if (now >= next_digest_) {
    next_digest_ = now + opts_.digest_period;
    for (std::size_t m = 0; m < monitors_.size(); ++m)
      if (monitors_[m].up)
        caf::anon_send(courier_, carry_atom::value,
                       static_cast<std::uint64_t>(m));
  }
}

void agent_fleet::check_final(const std::map<std::string, bool>& committed_down,
                              millis now) {
  if (!enabled())
    return;
  auto slack = 2000;
  for (const auto& a : agents_) {
    auto it = committed_down.find(a.uuid);
    if (!a.admitted || it == committed_down.end()) {
      fail_("agent " + a.uuid + " was never admitted to the pool");
      continue;
    }
    bool down = it->second;
    if (!a.alive && now - a.since >= opts_.leases.lease + slack && !down)
      fail_("stuck up: agent " + a.uuid + " is dead since "
            + std::to_string(a.since) + " ms but committed up at "
            + std::to_string(now) + " ms");
    if (a.alive
        && now - a.since >= opts_.leases.up_after + opts_.leases.lease + slack
        && down)
      fail_("stuck down: agent " + a.uuid + " checks in since "
            + std::to_string(a.since) + " ms but is committed down at "
            + std::to_string(now) + " ms");
  }
}

} // namespace gd::sim
