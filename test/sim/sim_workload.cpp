#include "test/sim/sim_workload.hpp"

#include <chrono>
#include <optional>

#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "store/checksum.hpp"
#include "test/sim/sim_net.hpp"
#include "test/sim/sim_random.hpp"
#include "test/sim/sim_reply.hpp"

namespace gd::sim {

using namespace std::chrono_literals;

namespace {

using next_atom = caf::atom_constant<caf::atom("sim_next")>;

/// A cluster client's peers: hostname and UUID.
const std::pair<const char*, const char*> sim_peers[] = {
  {"h1", "11111111-1111-4111-8111-111111111111"},
  {"h2", "22222222-2222-4222-8222-222222222222"},
  {"h3", "33333333-3333-4333-8333-333333333333"},
};
constexpr const char* register_volume_id = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa";

/// What every client actor keeps.
struct client_base {
  std::shared_ptr<workload_env> env;
  sim_random rng{1};
  int id = 0;
  /// Index of the member it asks first.
  std::size_t preferred = 0;
  std::uint64_t counter = 0;
  reply_router router;
};

/// The member to ask now, or nullopt if it is down (the caller retries
/// later).
std::optional<std::size_t> pick_target(client_base& c) {
  auto n = c.env->targets.size();
  if (c.preferred >= n || !c.env->up[c.preferred])
    c.preferred = c.rng.below(n);
  if (!c.env->up[c.preferred])
    return std::nullopt;
  return c.preferred;
}

/// Follows a leader hint, or tries another member after a failure.
void learn(client_base& c, const gd::status& s) {
  if (s.code == status_code::not_leader && s.leader.id != raft::no_member) {
    for (std::size_t i = 0; i < c.env->ids.size(); ++i)
      if (c.env->ids[i] == s.leader.id)
        c.preferred = i;
  } else if (!s.ok()) {
    c.preferred = c.rng.below(c.env->targets.size());
  }
}

template <class State>
void again(caf::stateful_actor<State>* self) {
  --self->state.env->outstanding;
  self->delayed_send(self,
                     std::chrono::milliseconds(self->state.rng.between(5, 40)),
                     next_atom::value);
}

// -- KV client ------------------------------------------------------------------

struct kv_client_state : client_base {
  std::map<std::string, std::optional<std::string>> last_seen;
  static inline const char* name = "sim_kv_client";
};

using kv_self = caf::stateful_actor<kv_client_state>*;

void kv_get(kv_self self, std::size_t target, const std::string& key) {
  auto& st = self->state;
  auto& env = *st.env;
  // why: half of the reads at a random live member, since any member
  // serves linearizable reads (ReadIndex); that is where stale reads hide.
  if (st.rng.chance(0.5)) {
    auto i = st.rng.below(env.targets.size());
    if (env.up[i])
      target = i;
  }
  auto h = env.history.invoke(test::make_get(st.id, 0, test::never, key,
                                             std::nullopt));
  config::kv_read r;
  r.req.range.key = key;
  r.timeout = 2s;
  st.router.ask<config::kv_read_reply>(
    self, env.targets[target], std::move(r),
    [self, h, key](config::kv_read_reply& rep) {
      auto& st = self->state;
      auto& env = *st.env;
      learn(st, rep.st);
      if (rep.st.ok()) {
        std::optional<std::string> got;
        if (!rep.result.kvs.empty())
          got = rep.result.kvs.front().value;
        st.last_seen[key] = got;
        env.history.complete_get(h, got);
        ++env.ops_ok;
        mix(env.trace, got ? store::xxh3_64(*got) : 1);
      } else {
        env.history.discard(h);
      }
      again(self);
    });
}

void kv_write(kv_self self, std::size_t target, std::uint64_t kind,
              const std::string& key, const std::string& value) {
  auto& st = self->state;
  auto& env = *st.env;
  config::kv_write w;
  w.timeout = 2s;
  test::kv_op op;
  bool unique = kind >= 17;
  if (unique) {
    op = test::make_put(st.id, 0, test::never, key, value);
    w.req = kv::put_request{key, value, false};
  } else if (kind < 13) {
    op = test::make_put(st.id, 0, test::never, key, value);
    w.req = kv::put_request{key, value, false};
  } else if (kind < 14) {
    op = test::make_del(st.id, 0, test::never, key, 0);
    kv::delete_request d;
    d.range.key = key;
    w.req = d;
  } else {
    auto expected = st.last_seen[key];
    op = test::make_cas(st.id, 0, test::never, key, expected, value, false);
    kv::txn_request t;
    kv::compare c;
    c.key = key;
    if (expected) {
      c.target = kv::compare_target::value;
      c.result = kv::compare_result::equal;
      c.value = *expected;
    } else {
      c.target = kv::compare_target::version;
      c.result = kv::compare_result::equal;
      c.number = 0;
    }
    t.compares.push_back(c);
    t.success.push_back(kv::put_request{key, value, false});
    w.req = t;
  }
  auto type = op.type;
  // Unique keys are checked for loss, not for linearizability.
  std::optional<std::size_t> h;
  if (!unique)
    h = env.history.invoke(std::move(op));
  st.router.ask<config::kv_write_reply>(
    self, env.targets[target], std::move(w),
    [self, h, type, key, value, unique](config::kv_write_reply& rep) {
      auto& st = self->state;
      auto& env = *st.env;
      learn(st, rep.st);
      if (rep.st.ok()) {
        ++env.ops_ok;
        if (unique) {
          env.acked_unique.insert(key);
        } else {
          switch (type) {
            case test::kv_op::kind::put:
              env.history.complete_put(*h);
              st.last_seen[key] = value;
              break;
            case test::kv_op::kind::del: {
              auto& d = std::get<kv::delete_result>(rep.result);
              env.history.complete_del(*h, d.deleted);
              st.last_seen[key] = std::nullopt;
              mix(env.trace, static_cast<std::uint64_t>(d.deleted));
              break;
            }
            case test::kv_op::kind::cas: {
              auto& t = std::get<kv::txn_result>(rep.result);
              env.history.complete_cas(*h, t.succeeded);
              if (t.succeeded)
                st.last_seen[key] = value;
              mix(env.trace, t.succeeded ? 3 : 4);
              break;
            }
            default:
              break;
          }
        }
      } else if (nothing_changed(rep.st.code)) {
        if (h)
          env.history.discard(*h);
      } else {
        ++env.ops_unknown;
        if (h)
          env.history.complete_unknown(*h);
      }
      again(self);
    });
}

caf::behavior kv_client(kv_self self, std::shared_ptr<workload_env> env, int id,
                        std::uint64_t seed) {
  auto& st = self->state;
  st.env = std::move(env);
  st.rng = sim_random(seed);
  st.id = id;
  st.preferred = st.rng.below(st.env->ids.size());
  self->send(self, next_atom::value);
  return {
    [self](next_atom) {
      auto& st = self->state;
      auto& env = *st.env;
      if (env.stop)
        return;
      auto target = pick_target(st);
      if (!target) {
        self->delayed_send(self, 50ms, next_atom::value);
        return;
      }
      ++env.outstanding;
      auto kind = st.rng.below(20);
      auto key = "k" + std::to_string(st.rng.below(
                   static_cast<std::uint64_t>(env.keys)));
      auto value = "c" + std::to_string(st.id) + "-"
                   + std::to_string(++st.counter);
      if (kind < 8)
        return kv_get(self, *target, key);
      if (kind >= 17)
        key = "u/" + value;
      kv_write(self, *target, kind, key, value);
    },
    [self](tagged_reply<config::kv_read_reply>& r) {
      self->state.router.answer(r);
    },
    [self](tagged_reply<config::kv_write_reply>& r) {
      self->state.router.answer(r);
    },
  };
}

// -- cluster client ---------------------------------------------------------------

struct cluster_client_state : client_base {
  /// Setup steps done: peers added, then the register volume created.
  std::size_t peers_added = 0;
  static inline const char* name = "sim_cluster_client";
};

using cluster_self = caf::stateful_actor<cluster_client_state>*;

cluster::peer sim_peer(std::size_t i) {
  cluster::peer p;
  p.hostname = sim_peers[i].first;
  p.uuid = sim_peers[i].second;
  p.addresses = {p.hostname + ":24007"};
  return p;
}

cluster::volume_create make_volume(const std::string& name,
                                   const std::string& id) {
  cluster::volume_create c;
  c.name = name;
  c.id = id;
  c.replica_count = 3;
  for (std::size_t i = 0; i < 3; ++i) {
    cluster::brick_spec b;
    b.host = sim_peers[i].first;
    b.path = "/bricks/" + name;
    c.bricks.push_back(b);
  }
  return c;
}

/// Sends `cmd`; `k` gets the answer. Counts it and follows leader hints.
void send_command(cluster_self self, std::size_t target, cluster::command cmd,
                  std::function<void(config::cluster_write_reply&)> k) {
  auto& env = *self->state.env;
  config::cluster_write w;
  w.cmd = std::move(cmd);
  w.timeout = 2s;
  self->state.router.ask<config::cluster_write_reply>(
    self, env.targets[target], std::move(w),
    [self, k = std::move(k)](config::cluster_write_reply& rep) {
      auto& st = self->state;
      auto& env = *st.env;
      learn(st, rep.st);
      if (rep.st.ok())
        ++env.cluster_ok;
      else if (nothing_changed(rep.st.code))
        ++env.cluster_refused;
      else
        ++env.cluster_unknown;
      mix(env.trace, static_cast<std::uint64_t>(rep.st.code));
      k(rep);
      again(self);
    });
}

void cluster_setup(cluster_self self, std::size_t target) {
  auto& st = self->state;
  if (st.peers_added < 3) {
    auto i = st.peers_added;
    return send_command(self, target, cluster::peer_add{sim_peer(i)},
                        [self, i](config::cluster_write_reply& rep) {
                          if ((rep.st.ok() || rep.st.code == status_code::exists)
                              && self->state.peers_added == i)
                            ++self->state.peers_added;
                        });
  }
  send_command(self, target,
               make_volume(register_volume, register_volume_id),
               [self](config::cluster_write_reply& rep) {
                 if (rep.st.ok() || rep.st.code == status_code::exists)
                   self->state.env->cluster_ready = true;
               });
}

void option_set(cluster_self self, std::size_t target, const std::string& key,
                const std::string& value) {
  auto& st = self->state;
  auto& env = *st.env;
  auto h = env.history.invoke(
    test::make_put(st.id, 0, test::never, option_register(key), value));
  send_command(self, target,
               cluster::volume_set{register_volume, key, value},
               [self, h](config::cluster_write_reply& rep) {
                 auto& env = *self->state.env;
                 if (rep.st.ok())
                   env.history.complete_put(h);
                 else if (nothing_changed(rep.st.code))
                   env.history.discard(h);
                 else
                   env.history.complete_unknown(h);
               });
}

void option_reset(cluster_self self, std::size_t target,
                  const std::string& key) {
  auto& st = self->state;
  auto& env = *st.env;
  auto h = env.history.invoke(
    test::make_del(st.id, 0, test::never, option_register(key), 0));
  send_command(self, target,
               cluster::volume_reset{register_volume, key, false},
               [self, h](config::cluster_write_reply& rep) {
                 auto& env = *self->state.env;
                 if (rep.st.ok())
                   // A reset that changed nothing (revision 0) found the
                   // option unset.
                   env.history.complete_del(h, rep.revision > 0 ? 1 : 0);
                 else if (nothing_changed(rep.st.code))
                   env.history.discard(h);
                 else
                   env.history.complete_unknown(h);
               });
}

/// The value of option `key` of the register volume in a model_read answer:
/// nullopt if it is not set.
std::optional<std::optional<std::string>>
option_in(const config::model_read_reply& rep) {
  if (rep.st.code == status_code::not_found)
    return std::optional<std::string>{}; // the user.* option is not set
  if (!rep.st.ok())
    return std::nullopt;
  const auto* vs = std::get_if<std::vector<cluster::option_value>>(&rep.value);
  if (!vs || vs->size() != 1)
    return std::nullopt;
  return std::optional<std::string>{vs->front().value};
}

config::model_read read_option(const std::string& key) {
  config::model_read r;
  r.query = cluster::ask::options{register_volume, key};
  r.timeout = 2s;
  return r;
}

void option_get(cluster_self self, std::size_t target, const std::string& key) {
  auto& st = self->state;
  auto& env = *st.env;
  auto h = env.history.invoke(test::make_get(st.id, 0, test::never,
                                             option_register(key),
                                             std::nullopt));
  st.router.ask<config::model_read_reply>(
    self, env.targets[target], read_option(key),
    [self, h](config::model_read_reply& rep) {
      auto& st = self->state;
      auto& env = *st.env;
      learn(st, rep.st);
      auto got = option_in(rep);
      if (got) {
        ++env.cluster_ok;
        env.history.complete_get(h, *got);
        mix(env.trace, *got ? store::xxh3_64(**got) : 1);
      } else {
        env.history.discard(h);
      }
      again(self);
    });
}

/// Other volumes come and go: create, start, stop, delete (checked by the
/// members' agreement, not as registers).
void volume_churn(cluster_self self, std::size_t target) {
  auto& st = self->state;
  auto name = "v" + std::to_string(1 + st.rng.below(2));
  cluster::command cmd;
  switch (st.rng.below(5)) {
    case 0:
      cmd = make_volume(name, name == "v1"
                                ? "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb"
                                : "cccccccc-cccc-4ccc-8ccc-cccccccccccc");
      break;
    case 1:
      cmd = cluster::volume_start{name, false};
      break;
    case 2:
      cmd = cluster::volume_stop{name, false};
      break;
    case 3:
      cmd = cluster::volume_delete{name};
      break;
    default: {
      config::model_read r;
      r.query = cluster::ask::volumes{"all"};
      r.timeout = 2s;
      st.router.ask<config::model_read_reply>(
        self, st.env->targets[target], std::move(r),
        [self](config::model_read_reply& rep) {
          learn(self->state, rep.st);
          if (rep.st.ok())
            ++self->state.env->cluster_ok;
          again(self);
        });
      return;
    }
  }
  send_command(self, target, std::move(cmd),
               [](config::cluster_write_reply&) {});
}

caf::behavior cluster_client(cluster_self self,
                             std::shared_ptr<workload_env> env, int id,
                             std::uint64_t seed) {
  auto& st = self->state;
  st.env = std::move(env);
  st.rng = sim_random(seed);
  st.id = id;
  st.preferred = st.rng.below(st.env->ids.size());
  self->send(self, next_atom::value);
  return {
    [self](next_atom) {
      auto& st = self->state;
      auto& env = *st.env;
      if (env.stop)
        return;
      auto target = pick_target(st);
      if (!target) {
        self->delayed_send(self, 50ms, next_atom::value);
        return;
      }
      ++env.outstanding;
      if (!env.cluster_ready)
        return cluster_setup(self, *target);
      auto key = "user.sim.k" + std::to_string(st.rng.below(3));
      auto value = "o" + std::to_string(st.id) + "-"
                   + std::to_string(++st.counter);
      auto kind = st.rng.below(10);
      if (kind < 4)
        return option_set(self, *target, key, value);
      if (kind < 5)
        return option_reset(self, *target, key);
      if (kind < 9)
        return option_get(self, *target, key);
      volume_churn(self, *target);
    },
    [self](tagged_reply<config::cluster_write_reply>& r) {
      self->state.router.answer(r);
    },
    [self](tagged_reply<config::model_read_reply>& r) {
      self->state.router.answer(r);
    },
  };
}

// -- final reads --------------------------------------------------------------------

struct final_reader_state : client_base {
  std::vector<std::string> keys;
  std::size_t next_key = 0;
  int attempts = 0;
  static inline const char* name = "sim_final_reader";
};

using reader_self = caf::stateful_actor<final_reader_state>*;

constexpr int max_final_attempts = 300;

void final_read(reader_self self) {
  auto& st = self->state;
  auto& env = *st.env;
  if (st.next_key >= st.keys.size())
    return;
  auto key = st.keys[st.next_key];
  auto target = pick_target(st);
  if (!target || ++st.attempts > max_final_attempts) {
    if (st.attempts > max_final_attempts) {
      ++env.final_read_failures;
      ++st.next_key;
      st.attempts = 0;
    }
    self->delayed_send(self, 20ms, next_atom::value);
    return;
  }
  auto prefix = option_register("");
  bool option = key.compare(0, prefix.size(), prefix) == 0;
  auto h = env.history.invoke(test::make_get(st.id, 0, test::never, key,
                                             std::nullopt));
  auto done = [self, h](const gd::status& s,
                        std::optional<std::optional<std::string>> got) {
    auto& st = self->state;
    auto& env = *st.env;
    learn(st, s);
    if (got) {
      env.history.complete_get(h, *got);
      ++env.final_reads;
      ++st.next_key;
      st.attempts = 0;
      self->send(self, next_atom::value);
    } else {
      env.history.discard(h);
      self->delayed_send(self, 20ms, next_atom::value);
    }
  };
  if (option) {
    st.router.ask<config::model_read_reply>(
      self, env.targets[*target], read_option(key.substr(prefix.size())),
      [done](config::model_read_reply& rep) { done(rep.st, option_in(rep)); });
    return;
  }
  config::kv_read r;
  r.req.range.key = key;
  r.timeout = 2s;
  st.router.ask<config::kv_read_reply>(
    self, env.targets[*target], std::move(r),
    [done](config::kv_read_reply& rep) {
      std::optional<std::optional<std::string>> got;
      if (rep.st.ok()) {
        got.emplace();
        if (!rep.result.kvs.empty())
          *got = rep.result.kvs.front().value;
      }
      done(rep.st, got);
    });
}

caf::behavior final_reader(reader_self self, std::shared_ptr<workload_env> env,
                           std::vector<std::string> keys, std::uint64_t seed) {
  auto& st = self->state;
  st.env = std::move(env);
  st.rng = sim_random(seed);
  st.id = 1000;
  st.keys = std::move(keys);
  st.preferred = st.rng.below(st.env->ids.size());
  self->send(self, next_atom::value);
  return {
    [self](next_atom) { final_read(self); },
    [self](tagged_reply<config::kv_read_reply>& r) {
      self->state.router.answer(r);
    },
    [self](tagged_reply<config::model_read_reply>& r) {
      self->state.router.answer(r);
    },
  };
}

} // namespace

std::string option_register(const std::string& key) {
  return "opt/" + key;
}

caf::actor spawn_kv_client(caf::actor_system& sys,
                           std::shared_ptr<workload_env> env, int id,
                           std::uint64_t seed) {
  return sys.spawn(kv_client, std::move(env), id, seed);
}

caf::actor spawn_cluster_client(caf::actor_system& sys,
                                std::shared_ptr<workload_env> env, int id,
                                std::uint64_t seed) {
  return sys.spawn(cluster_client, std::move(env), id, seed);
}

caf::actor spawn_final_reader(caf::actor_system& sys,
                              std::shared_ptr<workload_env> env,
                              std::vector<std::string> keys,
                              std::uint64_t seed) {
  return sys.spawn(final_reader, std::move(env), std::move(keys), seed);
}

} // namespace gd::sim
