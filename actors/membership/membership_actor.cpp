#include "actors/membership/membership_actor.hpp"

#include <algorithm>
#include <set>
#include <unordered_map>

#include <caf/atom.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/config/cluster_store.hpp"
#include "protocol/cluster_codec.hpp"

namespace gd::membership {

millis steady_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
           std::chrono::steady_clock::now().time_since_epoch())
    .count();
}

namespace {

using tick_atom = caf::atom_constant<caf::atom("mem_tick")>;
using reload_atom = caf::atom_constant<caf::atom("mem_reload")>;

/// The committed pool as read (answer to the start-up range read).
struct pool_loaded {
  gd::status st;
  kv::range_result result;
};

/// The watch on the pool started (or was refused).
struct watch_started {
  std::uint64_t watch_id = 0;
  gd::status st;
};

/// A liveness proposal was answered.
struct proposal_done {
  gd::status st;
  std::vector<transition> transitions;
};

} // namespace
} // namespace gd::membership

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gd::membership::pool_loaded)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gd::membership::watch_started)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gd::membership::proposal_done)

namespace gd::membership {
namespace {

using impl = membership_actor::extend<
  caf::reacts_to<tick_atom>, caf::reacts_to<reload_atom>,
  caf::reacts_to<pool_loaded>, caf::reacts_to<watch_started>,
  caf::reacts_to<proposal_done>>;

/// A server of the committed pool as this actor keeps it.
struct member {
  std::string hostname;
  admitted adm;
  /// Its credential id (to tell a re-admission from a liveness change).
  std::uint64_t credential_id = 0;
};

struct membership_state {
  membership_config cfg;
  raft::raft_actor raft;
  config::config_actor config;
  lease_table table;
  /// The committed pool, by UUID (empty until loaded).
  std::unordered_map<std::string, member> pool;
  bool loaded = false;
  std::uint64_t watch_id = 0;
  /// The view's servers, rebuilt when the pool changes.
  std::shared_ptr<const std::unordered_map<std::string, admitted>> servers
    = std::make_shared<const std::unordered_map<std::string, admitted>>();
  /// Check-ins learned of (taken here or told) since the last digest pull.
  std::unordered_map<std::string, seen> since_pull;
  /// What the last tick read.
  bool leader = false;
  raft::term_t term = 0;
  bool quorum = false;
  std::int64_t revision = 0;
  std::vector<std::string> monitor_addresses;
  std::map<std::string, std::string> monitor_members;
  /// Names of the voting monitors (from the last tick).
  std::vector<std::string> voters;
  /// The confirmation round of downs (leader): its id (0: none open), the
  /// servers it asks about, when it started, who answered.
  std::uint64_t round = 0;
  std::uint64_t next_round = 0;
  std::vector<std::string> round_servers;
  millis round_started = 0;
  std::set<std::string> round_answered;
  std::uint64_t rounds = 0;
  std::uint64_t rounds_expired = 0;
  /// A liveness proposal waits for its answer.
  bool proposing = false;
  std::uint64_t proposals = 0;
  std::uint64_t transitions_committed = 0;
  /// The last view published, to publish only on change.
  std::shared_ptr<const admission_view> published;

  static inline const char* name = "membership";
};

using self_ptr = impl::stateful_pointer<membership_state>;

millis now_of(const membership_state& st) {
  return st.cfg.clock ? st.cfg.clock() : steady_now();
}

void note(membership_state& st, const std::string& what) {
  if (st.cfg.log)
    st.cfg.log(what);
}

/// Publishes the current view if anything a check-in sees changed.
void publish(membership_state& st) {
  auto& p = st.published;
  if (p && p->ready == st.loaded && p->quorum == st.quorum
      && p->revision == st.revision
      && p->monitor_addresses == st.monitor_addresses
      && p->monitor_members == st.monitor_members && p->servers_ptr == st.servers)
    return;
  auto v = std::make_shared<admission_view>();
  v->ready = st.loaded;
  v->servers_ptr = st.servers;
  v->monitor_addresses = st.monitor_addresses;
  v->monitor_members = st.monitor_members;
  v->monitor_name = st.cfg.name;
  v->monitor_key = monitor_credential(st.cfg.secret);
  v->lease = st.cfg.leases.lease;
  v->revision = st.revision;
  v->quorum = st.quorum;
  p = v;
  if (st.cfg.board)
    st.cfg.board->publish(std::move(v));
}

/// Rebuilds the view's server map from the pool.
void rebuild_servers(membership_state& st) {
  auto m = std::make_shared<std::unordered_map<std::string, admitted>>();
  m->reserve(st.pool.size());
  for (const auto& [uuid, mb] : st.pool)
    m->emplace(uuid, mb.adm);
  st.servers = std::move(m);
}

/// Takes the committed record of one peer.
void take_peer(membership_state& st, const cluster::peer& p, millis now) {
  auto& mb = st.pool[p.uuid];
  if (mb.hostname.empty() || mb.credential_id != p.credential_id
      || mb.adm.monitor != p.monitor) {
    mb.adm.credential = p.monitor
                          ? monitor_credential(st.cfg.secret)
                          : server_credential(st.cfg.secret, p.uuid,
                                              p.credential_id);
    mb.credential_id = p.credential_id;
    mb.adm.monitor = p.monitor;
  }
  mb.hostname = p.hostname;
  mb.adm.down = p.down;
  st.table.set_committed(p.uuid, p.down ? liveness::down : liveness::up, now);
}

void start_watch(self_ptr self, kv::revision from);

/// Takes a sighting into the table; news is passed on in the next digest.
void learn(membership_state& st, seen s) {
  if (!st.table.check_in(s.uuid, s.at, s.monitor))
    return;
  auto& slot = st.since_pull[s.uuid];
  if (slot.uuid.empty() || s.at > slot.at)
    slot = std::move(s);
}

/// Reads the committed pool, then watches it from there.
void load(self_ptr self) {
  auto& st = self->state;
  st.loaded = false;
  config::kv_read r;
  r.req.range.key = cluster::keys::peers();
  r.req.range.range_end = kv::prefix_end(r.req.range.key);
  r.serializable = true;
  r.timeout = std::chrono::seconds(10);
  auto me = caf::actor_cast<impl>(self);
  r.reply = reply_promise<config::kv_read_reply>(
    [me](config::kv_read_reply a) {
      caf::anon_send(me, pool_loaded{std::move(a.st), std::move(a.result)});
    });
  self->send(st.config, std::move(r));
}

void reload_later(self_ptr self, const std::string& why) {
  note(self->state, "cannot follow the pool (" + why
                      + "); retrying in 1 s");
  self->delayed_send(self, std::chrono::seconds(1), reload_atom::value);
}

void start_watch(self_ptr self, kv::revision from) {
  auto& st = self->state;
  config::kv_watch w;
  w.watch_id = ++st.watch_id;
  w.range.key = cluster::keys::peers();
  w.range.range_end = kv::prefix_end(w.range.key);
  w.start = from;
  w.sink = caf::actor_cast<caf::actor>(self);
  auto me = caf::actor_cast<impl>(self);
  auto id = w.watch_id;
  w.reply = reply_promise<config::kv_watch_reply>(
    [me, id](config::kv_watch_reply a) {
      caf::anon_send(me, watch_started{id, std::move(a.st)});
    });
  self->send(st.config, std::move(w));
}

/// The UUID in a key "/gd/peers/<uuid>", or "".
std::string uuid_of_key(const std::string& key) {
  auto prefix = cluster::keys::peers();
  if (key.compare(0, prefix.size(), prefix) != 0)
    return {};
  return key.substr(prefix.size());
}

/// True if the monitors that answered the open round (this one included)
/// are a majority of the voters.
bool round_complete(const membership_state& st) {
  std::size_t n = 0;
  for (const auto& v : st.voters)
    if (st.round_answered.count(v))
      ++n;
  return !st.voters.empty() && n >= st.voters.size() / 2 + 1;
}

void propose_due(self_ptr self, millis now) {
  auto& st = self->state;
  if (!st.leader || st.proposing || !st.loaded) {
    st.round = 0;
    return;
  }
  auto due = st.table.due(now);
  std::vector<transition> ready;
  std::vector<std::string> downs;
  for (auto& t : due) {
    if (t.to == liveness::up)
      ready.push_back(t); // follows a recent check-in: no round needed
    else
      downs.push_back(t.server);
  }
  if (st.round != 0 && now - st.round_started > 3 * st.cfg.digest_period) {
    ++st.rounds_expired;
    st.round = 0;
  }
  if (!downs.empty()) {
    if (st.round == 0) {
      // why: a check-in another monitor took may not have reached this
      // one yet (a lost digest, a link cut one way, a leader just back):
      // only what a majority confirms to know nothing newer of is down.
      st.round = ++st.next_round;
      st.round_servers = downs;
      st.round_started = now;
      st.round_answered = {st.cfg.name};
      ++st.rounds;
    }
    if (round_complete(st)) {
      std::set<std::string> asked(st.round_servers.begin(),
                                  st.round_servers.end());
      for (const auto& d : downs)
        if (asked.count(d))
          ready.push_back({d, liveness::down});
      st.round = 0;
    }
  } else {
    st.round = 0; // nothing is due any more
  }
  if (ready.empty())
    return;
  std::sort(ready.begin(), ready.end(),
            [](const transition& a, const transition& b) {
              return a.server < b.server;
            });
  due = std::move(ready);
  cluster::peer_liveness cmd;
  for (const auto& t : due)
    cmd.changes.push_back({t.server, t.to == liveness::down});
  config::cluster_write w;
  w.cmd = std::move(cmd);
  w.timeout = std::chrono::seconds(5);
  auto me = caf::actor_cast<impl>(self);
  w.reply = reply_promise<config::cluster_write_reply>(
    [me, due](config::cluster_write_reply r) {
      caf::anon_send(me, proposal_done{std::move(r.st), due});
    });
  st.proposing = true;
  ++st.proposals;
  if (st.cfg.on_propose)
    st.cfg.on_propose(due);
  self->send(st.config, std::move(w));
}

/// "host1 (uuid), host2 (uuid), ... and N more".
std::string names_of(const membership_state& st,
                     const std::vector<transition>& ts, liveness to) {
  std::string out;
  std::size_t shown = 0;
  std::size_t more = 0;
  for (const auto& t : ts) {
    if (t.to != to)
      continue;
    if (shown == 5) {
      ++more;
      continue;
    }
    auto it = st.pool.find(t.server);
    auto name = it == st.pool.end() ? std::string("?") : it->second.hostname;
    out += (out.empty() ? "" : ", ") + name + " (" + t.server + ")";
    ++shown;
  }
  if (more)
    out += " and " + std::to_string(more) + " more";
  return out;
}

void on_tick(self_ptr self) {
  auto& st = self->state;
  self->request(st.raft, std::chrono::seconds(1), raft::status_query{})
    .then(
      [self](raft::raft_status& s) {
        auto& st = self->state;
        auto now = now_of(st);
        bool leads = s.current_role == raft::role::leader;
        if (leads && (!st.leader || s.term != st.term)) {
          // why: this member did not see every check-in while it followed;
          // every server gets a full lease before anyone is declared down.
          st.table.took_leadership(now);
          note(st, "leading; every server's lease restarts ("
                     + std::to_string(st.table.size()) + " servers)");
        }
        st.leader = leads;
        st.term = s.term;
        st.quorum = s.leader_alive;
        st.voters.clear();
        for (const auto& m : s.config.voters)
          st.voters.push_back(m.name);

        std::vector<std::string> addresses;
        std::map<std::string, std::string> members;
        for (const auto* set : {&s.config.voters, &s.config.learners})
          for (const auto& m : *set) {
            addresses.push_back(m.address);
            members[m.name] = m.address;
          }
        std::sort(addresses.begin(), addresses.end());
        st.monitor_addresses = std::move(addresses);
        st.monitor_members = std::move(members);
        propose_due(self, now);
        publish(st);
      },
      [](caf::error&) {
        // the Raft actor is busy or gone; the next tick asks again
      });
  self->request(st.config, std::chrono::seconds(1), config::applied_query{})
    .then([self](store::applied_state& a) {
      self->state.revision = a.revision;
    },
    [](caf::error&) {
      // nop: the next tick asks again
    });
}

impl::behavior_type membership_main(self_ptr self, membership_config cfg,
                                    raft::raft_actor raft,
                                    config::config_actor config) {
  auto& st = self->state;
  st.cfg = std::move(cfg);
  st.table = lease_table(st.cfg.leases);
  st.raft = std::move(raft);
  st.config = std::move(config);
  load(self);
  self->send(self, tick_atom::value);
  return {
    [self](checkins_taken& c) {
      auto& st = self->state;
      for (auto& [uuid, at] : c.checkins)
        learn(st, seen{uuid, at, st.cfg.name});
    },
    [self](digest_received& d) {
      auto& st = self->state;
      for (auto& s : d.sightings)
        learn(st, std::move(s));
    },
    [self](digest_pull&) -> digest_taken {
      auto& st = self->state;
      digest_taken out;
      out.sightings.reserve(st.since_pull.size());
      for (auto& [uuid, s] : st.since_pull)
        out.sightings.push_back(std::move(s));
      st.since_pull.clear();
      if (st.leader && st.round != 0) {
        out.round = st.round;
        out.confirm = st.round_servers;
      }
      return out;
    },
    [self](confirm_query& q) -> confirm_answer {
      auto& st = self->state;
      confirm_answer out;
      out.round = q.round;
      for (const auto& uuid : q.servers)
        if (auto s = st.table.last_check_in(uuid))
          out.latest.push_back({uuid, s->at, s->monitor});
      return out;
    },
    [self](confirm_received& c) {
      auto& st = self->state;
      // why: learn first: a newer sighting keeps the server up.
      for (auto& s : c.latest)
        learn(st, std::move(s));
      if (c.round != 0 && c.round == st.round)
        st.round_answered.insert(c.from);
    },
    [self](sightings_query&) -> sightings_view {
      auto& st = self->state;
      auto now = now_of(st);
      sightings_view out;
      out.servers.reserve(st.pool.size());
      for (const auto& [uuid, mb] : st.pool) {
        sighting_age a;
        a.uuid = uuid;
        if (auto s = st.table.last_check_in(uuid)) {
          a.age_ms = std::max<millis>(0, now - s->at);
          a.monitor = s->monitor;
        }
        out.servers.push_back(std::move(a));
      }
      out.transitions_committed = st.transitions_committed;
      out.proposals = st.proposals;
      out.rounds = st.rounds;
      out.rounds_expired = st.rounds_expired;
      return out;
    },
    [self](config::watch_events& ev) {
      auto& st = self->state;
      if (ev.watch_id != st.watch_id)
        return; // an older watch
      if (ev.canceled) {
        reload_later(self, "the watch ended: " + ev.reason.message);
        return;
      }
      auto now = now_of(st);
      for (const auto& e : ev.events) {
        auto uuid = uuid_of_key(e.kv.key);
        if (uuid.empty())
          continue;
        if (e.type == kv::event::kind::del) {
          st.pool.erase(uuid);
          st.table.forget(uuid);
          continue;
        }
        try {
          take_peer(st, proto::decode_peer(e.kv.value), now);
        } catch (const std::exception& x) {
          note(st, "peer record " + e.kv.key
                     + " does not decode: " + x.what());
        }
      }
      rebuild_servers(st);
      publish(st);
    },
    [self](tick_atom) {
      on_tick(self);
      self->delayed_send(self, self->state.cfg.tick, tick_atom::value);
    },
    [self](reload_atom) { load(self); },
    [self](pool_loaded& p) {
      auto& st = self->state;
      if (!p.st.ok()) {
        reload_later(self, p.st.message);
        return;
      }
      auto now = now_of(st);
      std::unordered_map<std::string, member> old;
      old.swap(st.pool);
      for (const auto& kv : p.result.kvs) {
        try {
          take_peer(st, proto::decode_peer(kv.value), now);
        } catch (const std::exception& x) {
          note(st, "peer record " + kv.key
                     + " does not decode: " + x.what());
        }
      }
      for (const auto& [uuid, mb] : old)
        if (!st.pool.count(uuid))
          st.table.forget(uuid);
      start_watch(self, p.result.header_revision + 1);
    },
    [self](watch_started& w) {
      auto& st = self->state;
      if (w.watch_id != st.watch_id)
        return;
      if (!w.st.ok()) {
        reload_later(self, w.st.message);
        return;
      }
      st.loaded = true;
      rebuild_servers(st);
      publish(st);
    },
    [self](proposal_done& d) {
      auto& st = self->state;
      st.proposing = false;
      if (!d.st.ok()) {
        note(st, "liveness proposal failed (retried): "
                   + d.st.message);
        return;
      }
      st.transitions_committed += d.transitions.size();
      if (st.cfg.on_committed)
        st.cfg.on_committed(d.transitions);
      auto downs = names_of(st, d.transitions, liveness::down);
      auto ups = names_of(st, d.transitions, liveness::up);
      if (!downs.empty())
        note(st, "down (no check-in within the "
                   + std::to_string(st.cfg.leases.lease) + " ms lease): "
                   + downs);
      if (!ups.empty())
        note(st, "up again: " + ups);
    },
  };
}

} // namespace

membership_actor spawn_membership(caf::actor_system& sys, membership_config cfg,
                                  raft::raft_actor raft,
                                  config::config_actor config) {
  return sys.spawn(membership_main, std::move(cfg), std::move(raft),
                   std::move(config));
}

} // namespace gd::membership
