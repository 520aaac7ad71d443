#include "test/sim/sim_cluster.hpp"

#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <iostream>
#include <sstream>
#include <unistd.h>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scheduler/test_coordinator.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/config/config_actor.hpp"
#include "store/bootstrap.hpp"
#include "store/checksum.hpp"
#include "test/sim/checked_log.hpp"
#include "test/sim/sim_reply.hpp"

namespace gd::sim {

namespace fsys = std::filesystem;
using namespace std::chrono_literals;
using raft::log_index;
using raft::member_id;
using raft::term_t;

std::vector<fault_mix> standard_mixes() {
  std::vector<fault_mix> mixes;
  fault_mix calm;
  calm.name = "calm";
  mixes.push_back(calm);

  fault_mix lossy;
  lossy.name = "lossy";
  lossy.nodes = 5;
  lossy.net.drop = 0.05;
  lossy.net.duplicate = 0.03;
  lossy.net.max_delay_ms = 40;
  mixes.push_back(lossy);

  fault_mix partitions;
  partitions.name = "partitions";
  partitions.partition_every_ms = 1500;
  partitions.net.max_delay_ms = 10;
  mixes.push_back(partitions);

  fault_mix crashes;
  crashes.name = "crashes";
  crashes.crash_every_ms = 1500;
  crashes.net.max_delay_ms = 10;
  mixes.push_back(crashes);

  fault_mix churn;
  churn.name = "churn";
  churn.nodes = 5;
  churn.net.drop = 0.02;
  churn.net.duplicate = 0.02;
  churn.net.max_delay_ms = 30;
  churn.partition_every_ms = 2500;
  churn.crash_every_ms = 2500;
  mixes.push_back(churn);

  fault_mix membership;
  membership.name = "membership";
  membership.membership = true;
  membership.net.drop = 0.01;
  membership.net.max_delay_ms = 10;
  membership.crash_every_ms = 4000;
  mixes.push_back(membership);
  return mixes;
}

std::string run_result::summary() const {
  std::ostringstream os;
  os << "steps=" << steps << " delivered=" << messages_delivered
     << " dropped=" << messages_dropped << " ops=" << ops_ok
     << " unknown=" << ops_unknown << " leaders=" << leaders_elected
     << " crashes=" << crashes << " partitions=" << partitions
     << " snapshots=" << snapshots_installed
     << " member_changes=" << membership_changes
     << " linearizability=" << test::to_string(linearizability.v)
     << " trace=" << std::hex << trace_hash;
  return os.str();
}

namespace {

using next_atom = caf::atom_constant<caf::atom("sim_next")>;

store::kv_store_options store_options() {
  store::kv_store_options o;
  o.map_size = std::size_t{64} << 20;
  o.flush_commits = false;
  return o;
}

std::uint64_t derive(std::uint64_t seed, std::uint64_t salt) {
  sim_random r(seed * 0x9e3779b97f4a7c15ULL + salt);
  return r.next();
}

// -- clients ------------------------------------------------------------------

/// What clients share with the harness. Only touched on the test thread.
struct client_env {
  std::vector<config::config_actor> targets; // current handle per member
  std::vector<bool> up;
  test::history_recorder history;
  std::int64_t clock = 0;
  bool stop = false;
  int keys = 3;
  std::size_t ops_ok = 0;
  std::size_t ops_unknown = 0;
  std::size_t outstanding = 0;
  std::uint64_t trace = 0;

  client_env() : history([this] { return ++clock; }) {
    // nop
  }
};

struct client_state {
  std::shared_ptr<client_env> env;
  sim_random rng{1};
  int id = 0;
  std::size_t preferred = 0;
  std::uint64_t counter = 0;
  std::map<std::string, std::optional<std::string>> last_seen;
  /// What to do with the answer to each request in flight, by tag.
  std::uint64_t next_tag = 0;
  std::map<std::uint64_t, std::function<void(config::kv_read_reply&)>> reads;
  std::map<std::uint64_t, std::function<void(config::kv_write_reply&)>> writes;
  static inline const char* name = "sim_client";
};

std::size_t index_of_leader(const client_env& env, member_id id,
                            const std::vector<member_id>& ids) {
  for (std::size_t i = 0; i < ids.size(); ++i)
    if (ids[i] == id)
      return i;
  (void)env;
  return ids.size();
}

caf::behavior client_main(caf::stateful_actor<client_state>* self,
                          std::shared_ptr<client_env> env,
                          std::vector<member_id> ids, int id,
                          std::uint64_t seed) {
  auto& st = self->state;
  st.env = env;
  st.rng = sim_random(seed);
  st.id = id;
  st.preferred = st.rng.below(ids.size());
  self->send(self, next_atom::value);
  auto issue = [self, ids] {
    auto& st = self->state;
    auto& env = *st.env;
    if (env.stop)
      return;
    auto n = env.targets.size();
    if (st.preferred >= n || !env.up[st.preferred])
      st.preferred = st.rng.below(n);
    if (!env.up[st.preferred]) {
      self->delayed_send(self, 50ms, next_atom::value);
      return;
    }
    auto target = env.targets[st.preferred];
    auto key = "k" + std::to_string(st.rng.below(
                 static_cast<std::uint64_t>(env.keys)));
    auto value = "c" + std::to_string(st.id) + "-"
                 + std::to_string(++st.counter);
    auto kind = st.rng.below(10);
    auto on_hint = [self, ids](const gd::status& s) {
      if (s.code == status_code::not_leader && s.leader.id != raft::no_member) {
        auto i = index_of_leader(*self->state.env, s.leader.id, ids);
        if (i < ids.size())
          self->state.preferred = i;
      } else if (!s.ok()) {
        self->state.preferred = self->state.rng.below(ids.size());
      }
    };
    auto again = [self] {
      --self->state.env->outstanding;
      self->delayed_send(self,
                         std::chrono::milliseconds(
                           self->state.rng.between(5, 40)),
                         next_atom::value);
    };
    ++env.outstanding;
    if (kind < 4) {
      // get: half of them at a random live member, since any member serves
      // linearizable reads (ReadIndex); that is where stale reads would hide.
      if (st.rng.chance(0.5)) {
        auto i = st.rng.below(n);
        if (env.up[i])
          target = env.targets[i];
      }
      auto h = env.history.invoke(test::make_get(st.id, 0, test::never, key,
                                                 std::nullopt));
      config::kv_read r;
      r.req.range.key = key;
      r.timeout = 2s;
      auto tag = ++st.next_tag;
      r.reply = reply_to<config::kv_read_reply>(self, tag);
      st.reads.emplace(tag,
          [self, h, key, on_hint, again](config::kv_read_reply& rep) {
            auto& env = *self->state.env;
            on_hint(rep.st);
            if (rep.st.ok()) {
              std::optional<std::string> got;
              if (!rep.result.kvs.empty())
                got = rep.result.kvs.front().value;
              self->state.last_seen[key] = got;
              env.history.complete_get(h, got);
              ++env.ops_ok;
              mix(env.trace, got ? store::xxh3_64(*got) : 1);
            } else {
              env.history.discard(h);
            }
            again();
          });
      caf::anon_send(target, std::move(r));
      return;
    }
    config::kv_write w;
    w.timeout = 2s;
    test::kv_op op;
    if (kind < 7) {
      op = test::make_put(st.id, 0, test::never, key, value);
      w.req = kv::put_request{key, value, false};
    } else if (kind < 8) {
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
    auto h = env.history.invoke(std::move(op));
    auto tag = ++st.next_tag;
    w.reply = reply_to<config::kv_write_reply>(self, tag);
    st.writes.emplace(tag,
        [self, h, type, key, value, on_hint, again](config::kv_write_reply& rep) {
          auto& env = *self->state.env;
          on_hint(rep.st);
          if (rep.st.ok()) {
            ++env.ops_ok;
            switch (type) {
              case test::kv_op::kind::put:
                env.history.complete_put(h);
                self->state.last_seen[key] = value;
                break;
              case test::kv_op::kind::del: {
                auto& d = std::get<kv::delete_result>(rep.result);
                env.history.complete_del(h, d.deleted);
                self->state.last_seen[key] = std::nullopt;
                mix(env.trace, static_cast<std::uint64_t>(d.deleted));
                break;
              }
              case test::kv_op::kind::cas: {
                auto& t = std::get<kv::txn_result>(rep.result);
                env.history.complete_cas(h, t.succeeded);
                if (t.succeeded)
                  self->state.last_seen[key] = value;
                mix(env.trace, t.succeeded ? 3 : 4);
                break;
              }
              default:
                break;
            }
          } else if (nothing_changed(rep.st.code)) {
            env.history.discard(h);
          } else {
            ++env.ops_unknown;
            env.history.complete_unknown(h);
          }
          again();
        });
    caf::anon_send(target, std::move(w));
  };
  return {
    [issue](next_atom) { issue(); },
    [self](tagged_reply<config::kv_read_reply>& r) {
      auto it = self->state.reads.find(r.tag);
      if (it == self->state.reads.end())
        return;
      auto k = std::move(it->second);
      self->state.reads.erase(it);
      k(r.value);
    },
    [self](tagged_reply<config::kv_write_reply>& r) {
      auto it = self->state.writes.find(r.tag);
      if (it == self->state.writes.end())
        return;
      auto k = std::move(it->second);
      self->state.writes.erase(it);
      k(r.value);
    },
  };
}

// -- administration (membership changes) ---------------------------------------

struct admin_env {
  std::optional<raft::member_change_result> last;
  bool waiting = false;
};

caf::behavior admin_main(caf::event_based_actor* self,
                         std::shared_ptr<admin_env> env) {
  return {
    [self, env](raft::raft_actor& target, raft::member_change& c) {
      env->waiting = true;
      self->request(target, 5s, c).then(
        [env](raft::member_change_result& r) {
          env->last = std::move(r);
          env->waiting = false;
        },
        [env](caf::error&) {
          raft::member_change_result r;
          r.st = gd::status::error(status_code::timeout, "no answer");
          env->last = r;
          env->waiting = false;
        });
    },
  };
}

// -- the harness ----------------------------------------------------------------

/// True if `h` is empty or its actor has terminated.
template <class Handle>
bool terminated(const Handle& h) {
  return !h
         || caf::actor_cast<caf::abstract_actor*>(h)->getf(
           caf::abstract_actor::is_terminated_flag);
}

struct sim_node {
  std::string name;
  member_id id = raft::no_member;
  std::string dir;
  std::shared_ptr<store::memory_log_image> image;
  raft::raft_actor raft;
  config::config_actor cfg;
  bool up = false;
  /// Not part of the ensemble (never added, or removed): left alone.
  bool retired = false;
  int incarnation = 0;
  /// Its raft actor stopped at a simulated crash point.
  bool crashed_itself = false;
  caf::actor_clock::time_point restart_at;
  log_index last_commit = 0;
  log_index checked_commit = 0;
  raft::role last_role = raft::role::follower;
  term_t last_term = 0;
};

class sim_cluster {
public:
  explicit sim_cluster(const run_options& opts);
  ~sim_cluster();
  run_result run();

private:
  void start(std::size_t i);
  void crash(std::size_t i);
  bool step();
  void run_for(std::chrono::milliseconds d, bool faults);
  void maybe_fault();
  void maybe_change_membership();
  void check_step();
  void check_final();
  void fail(const std::string& what);
  caf::actor_clock::time_point now() { return sched_->clock().now(); }
  raft::configuration initial_config() const;
  std::optional<std::size_t> find_leader();

  run_options opts_;
  run_result result_;
  sim_random rng_;
  std::string root_;
  std::unique_ptr<caf::actor_system_config> cfg_;
  std::unique_ptr<caf::actor_system> sys_;
  caf::scheduler::test_coordinator* sched_ = nullptr;
  raft::transport_actor net_;
  std::vector<sim_node> nodes_;
  std::shared_ptr<log_registry> registry_;
  std::shared_ptr<client_env> env_;
  std::vector<caf::actor> clients_;
  caf::actor admin_;
  std::shared_ptr<admin_env> admin_env_;
  std::map<term_t, member_id> leaders_;
  std::map<log_index, std::pair<term_t, std::uint64_t>> committed_;
  std::map<log_index, term_t> commit_term_;
  caf::actor_clock::time_point next_partition_;
  caf::actor_clock::time_point heal_at_;
  bool partitioned_ = false;
  caf::actor_clock::time_point next_crash_;
  int membership_phase_ = 0;
  /// A member became candidate during the last step.
  bool election_started_ = false;
  caf::actor_clock::time_point next_membership_;
};

sim_cluster::sim_cluster(const run_options& opts)
  : opts_(opts), rng_(derive(opts.seed, 1)) {
  root_ = "/dev/shm/gd-sim-" + std::to_string(::getpid()) + "-"
          + std::to_string(opts.seed) + "-" + opts.mix.name;
  fsys::remove_all(root_);
  fsys::create_directories(root_);
  cfg_ = std::make_unique<caf::actor_system_config>();
  cfg_->set("scheduler.policy", caf::atom("testing"));
  cfg_->set("logger.verbosity", caf::atom("quiet"));
  sys_ = std::make_unique<caf::actor_system>(*cfg_);
  sched_ = &dynamic_cast<caf::scheduler::test_coordinator&>(sys_->scheduler());
  net_ = spawn_sim_net(*sys_, opts.mix.net, derive(opts.seed, 2));
  registry_ = std::make_shared<log_registry>();
  env_ = std::make_shared<client_env>();
  env_->keys = opts.keys;
  auto total = opts.mix.nodes + (opts.mix.membership ? 1 : 0);
  for (std::size_t i = 0; i < total; ++i) {
    sim_node n;
    n.name = "m" + std::to_string(i + 1);
    n.id = raft::member_id_of(n.name);
    n.dir = root_ + "/" + n.name;
    fsys::create_directories(n.dir + "/state");
    fsys::create_directories(n.dir + "/snap");
    n.image = std::make_shared<store::memory_log_image>();
    n.retired = i >= opts.mix.nodes; // the spare joins later
    nodes_.push_back(std::move(n));
  }
  // Bootstrap: every initial member starts from the same configuration.
  auto boot = initial_config();
  for (std::size_t i = 0; i < opts.mix.nodes; ++i) {
    store::memory_raft_log log(nodes_[i].image);
    store::state_root root(nodes_[i].dir + "/state");
    store::bootstrap_member(log, *root.open_current(store_options()), boot);
  }
  env_->targets.resize(total);
  env_->up.assign(total, false);
  for (std::size_t i = 0; i < opts.mix.nodes; ++i)
    start(i);
  std::vector<member_id> ids;
  for (const auto& n : nodes_)
    ids.push_back(n.id);
  for (int c = 0; c < opts.clients; ++c)
    clients_.push_back(sys_->spawn(client_main, env_, ids, c,
                                   derive(opts.seed, 100 + c)));
  admin_env_ = std::make_shared<admin_env>();
  admin_ = sys_->spawn(admin_main, admin_env_);
  auto t0 = now();
  auto draw = [this, t0](int every) {
    return t0 + std::chrono::milliseconds(rng_.between(every / 2, every * 3 / 2));
  };
  next_partition_ = opts.mix.partition_every_ms > 0
                      ? draw(opts.mix.partition_every_ms)
                      : caf::actor_clock::time_point::max();
  next_crash_ = opts.mix.crash_every_ms > 0 ? draw(opts.mix.crash_every_ms)
                                            : caf::actor_clock::time_point::max();
  next_membership_ = t0 + 2s;
}

sim_cluster::~sim_cluster() {
  for (auto& n : nodes_) {
    if (n.raft)
      caf::anon_send_exit(n.raft, caf::exit_reason::kill);
    if (n.cfg)
      caf::anon_send_exit(n.cfg, caf::exit_reason::kill);
    n.raft = nullptr;
    n.cfg = nullptr;
  }
  for (auto& c : clients_)
    caf::anon_send_exit(c, caf::exit_reason::kill);
  caf::anon_send_exit(admin_, caf::exit_reason::kill);
  caf::anon_send_exit(net_, caf::exit_reason::kill);
  clients_.clear();
  admin_ = nullptr;
  net_ = nullptr;
  env_->targets.clear();
  sched_->run();
  sys_.reset();
  std::error_code ec;
  fsys::remove_all(root_, ec);
}

raft::configuration sim_cluster::initial_config() const {
  raft::configuration c;
  for (std::size_t i = 0; i < opts_.mix.nodes; ++i)
    c.voters.push_back({nodes_[i].id, nodes_[i].name,
                        "sim:" + nodes_[i].name});
  return c;
}

void sim_cluster::fail(const std::string& what) {
  std::ostringstream os;
  os << "step " << result_.steps << " (t="
     << std::chrono::duration_cast<std::chrono::milliseconds>(
          now().time_since_epoch())
          .count()
     << "ms): " << what;
  result_.violations.push_back(os.str());
}

void sim_cluster::start(std::size_t i) {
  auto& n = nodes_[i];
  ++n.incarnation;
  auto inner = std::make_unique<store::memory_raft_log>(n.image);
  auto log = std::make_unique<checked_log>(std::move(inner), registry_, n.name);
  auto sopts = store_options();
  auto root = std::make_unique<store::state_root>(n.dir + "/state");
  auto kv = root->open_current(sopts);
  auto applied = kv->applied();
  auto config = kv->config();
  config::config_actor_config ccfg;
  ccfg.store = sopts;
  ccfg.detached = false;
  auto sm = config::spawn_config(*sys_, ccfg, std::move(root), std::move(kv));
  raft::raft_actor_config rcfg;
  rcfg.node.id = n.id;
  rcfg.node.seed = derive(opts_.seed, 1000 + i * 100 + n.incarnation);
  // BUGGIFY-style knobs, fixed per run from the seed: tiny appends and
  // windows reach the interleavings that big batches hide.
  sim_random knobs(derive(opts_.seed, 7));
  const std::size_t append_sizes[] = {1, 2, 8, 64};
  const std::size_t windows[] = {1, 2, 16, 256};
  rcfg.node.max_append_entries = append_sizes[knobs.below(4)];
  rcfg.node.max_inflight = windows[knobs.below(4)];
  rcfg.node.election_ticks = knobs.chance(0.5) ? 5 : 10;
  rcfg.name = n.name;
  rcfg.tick_interval = 100ms;
  rcfg.snapshot_dir = n.dir + "/snap";
  rcfg.snapshot_chunk_bytes = 16 * 1024;
  rcfg.compact_min_entries = 60;
  rcfg.compact_keep_entries = 20;
  rcfg.detached = false;
  if (opts_.mix.crash_every_ms > 0) {
    // A power cut between sending and syncing, now and then.
    auto* node = &n;
    rcfg.crash_before_sync = [this, node] {
      if (!rng_.chance(0.001))
        return false;
      node->crashed_itself = true;
      return true;
    };
  }
  rcfg.on_event = [this](const std::string& e) {
    if (std::getenv("GD_SIM_DEBUG"))
      std::cerr << e << "\n";
    if (e.find("installing snapshot") != std::string::npos)
      ++result_.snapshots_installed;
  };
  n.raft = raft::spawn_raft(*sys_, rcfg, std::move(log), applied, config, net_,
                            sm);
  caf::anon_send(sm, n.raft);
  n.cfg = sm;
  n.up = true;
  n.last_commit = 0;
  n.checked_commit = 0;
  n.last_role = raft::role::follower;
  state_of(net_).nodes[n.id] = n.raft;
  env_->targets[i] = sm;
  env_->up[i] = true;
}

void sim_cluster::crash(std::size_t i) {
  auto& n = nodes_[i];
  ++result_.crashes;
  state_of(net_).nodes.erase(n.id);
  caf::anon_send_exit(n.raft, caf::exit_reason::kill);
  caf::anon_send_exit(n.cfg, caf::exit_reason::kill);
  n.up = false;
  env_->up[i] = false;
  n.restart_at = now() + std::chrono::milliseconds(
                           rng_.between(200, opts_.mix.down_for_ms));
}

bool sim_cluster::step() {
  ++result_.steps;
  if (sched_->try_run_once())
    return true;
  return sched_->trigger_timeout();
}

void sim_cluster::maybe_fault() {
  auto t = now();
  if (partitioned_ && t >= heal_at_) {
    state_of(net_).group.clear();
    partitioned_ = false;
  }
  if (!partitioned_ && t >= next_partition_) {
    auto& g = state_of(net_).group;
    g.clear();
    auto leader = find_leader();
    if (leader && rng_.chance(0.5)) {
      // why: isolating the leader is what forces elections and stale
      // leaders; random splits often leave it with a majority.
      for (const auto& n : nodes_)
        g[n.id] = 0;
      g[nodes_[*leader].id] = 1;
    } else {
      for (const auto& n : nodes_)
        g[n.id] = static_cast<int>(rng_.below(2));
    }
    partitioned_ = true;
    ++result_.partitions;
    heal_at_ = t + std::chrono::milliseconds(
                     rng_.between(300, opts_.mix.partition_for_ms));
    auto every = opts_.mix.partition_every_ms;
    next_partition_ = heal_at_ + std::chrono::milliseconds(
                                   rng_.between(every / 2, every * 3 / 2));
  }
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    auto& n = nodes_[i];
    if (!n.up && !n.retired && t >= n.restart_at) {
      if (terminated(n.raft) && terminated(n.cfg))
        start(i);
    }
  }
  if (election_started_ && opts_.mix.crash_every_ms > 0
      && rng_.chance(0.3)) {
    // why: crash a voter in the middle of an election and bring it back
    // fast, so it can answer again in the same term: that is where a vote
    // that was not persisted would be granted twice.
    std::vector<std::size_t> up;
    for (std::size_t i = 0; i < nodes_.size(); ++i)
      if (nodes_[i].up && !nodes_[i].retired)
        up.push_back(i);
    if (up.size() > 1) {
      auto i = up[rng_.below(up.size())];
      crash(i);
      nodes_[i].restart_at = t + std::chrono::milliseconds(rng_.between(1, 60));
    }
  }
  election_started_ = false;
  if (t >= next_crash_) {
    std::vector<std::size_t> candidates;
    for (std::size_t i = 0; i < nodes_.size(); ++i)
      if (nodes_[i].up)
        candidates.push_back(i);
    auto leader = find_leader();
    if (leader && rng_.chance(0.5))
      crash(*leader); // why: leader failover is where Raft bugs live
    else if (!candidates.empty())
      crash(candidates[rng_.below(candidates.size())]);
    auto every = opts_.mix.crash_every_ms;
    next_crash_ = t + std::chrono::milliseconds(
                        rng_.between(every / 2, every * 3 / 2));
  }
}

std::optional<std::size_t> sim_cluster::find_leader() {
  std::optional<std::size_t> best;
  term_t best_term = 0;
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    if (!nodes_[i].up)
      continue;
    auto core = raft::inspect_core(nodes_[i].raft);
    if (core && core->current_role() == raft::role::leader
        && core->term() >= best_term) {
      best = i;
      best_term = core->term();
    }
  }
  return best;
}

void sim_cluster::maybe_change_membership() {
  // Phases: 0 add the spare, 1 await the add, 2 remove m1 once the spare is
  // a voter, 3 await the removal, 4 done. A lost answer is retried; the
  // retry then finds the change already made.
  if (!opts_.mix.membership || membership_phase_ >= 4 || admin_env_->waiting
      || now() < next_membership_)
    return;
  auto spare = opts_.mix.nodes;
  auto leader = find_leader();
  auto send_change = [this](std::size_t to, raft::member_change c) {
    caf::anon_send(admin_, nodes_[to].raft, std::move(c));
    next_membership_ = now() + 500ms;
  };
  auto answer = std::move(admin_env_->last);
  admin_env_->last.reset();
  switch (membership_phase_) {
    case 0: {
      if (!leader)
        return;
      if (nodes_[spare].retired) {
        nodes_[spare].retired = false;
        start(spare); // an empty log: it waits to be contacted
      }
      raft::member_change c;
      c.kind = raft::member_change::op::add;
      c.m = {nodes_[spare].id, nodes_[spare].name, "sim:" + nodes_[spare].name};
      send_change(*leader, c);
      membership_phase_ = 1;
      break;
    }
    case 1:
      if (!answer)
        return;
      if (answer->st.ok() || answer->st.code == status_code::exists) {
        ++result_.membership_changes;
        membership_phase_ = 2;
      } else {
        membership_phase_ = 0;
      }
      break;
    case 2: {
      if (!leader)
        return;
      auto core = raft::inspect_core(nodes_[*leader].raft);
      if (!core || !core->config().is_voter(nodes_[spare].id))
        return;
      raft::member_change c;
      c.kind = raft::member_change::op::remove;
      c.m.id = nodes_[0].id;
      send_change(*leader, c);
      membership_phase_ = 3;
      break;
    }
    case 3:
      if (!answer)
        return;
      if (answer->st.ok() || answer->st.code == status_code::not_found) {
        ++result_.membership_changes;
        membership_phase_ = 4;
        // m1 is out of the ensemble: stop it for good.
        nodes_[0].retired = true;
        if (nodes_[0].up) {
          crash(0);
          --result_.crashes;
        }
      } else {
        membership_phase_ = 2;
      }
      break;
    default:
      break;
  }
}

void sim_cluster::check_step() {
  for (auto& e : registry_->violations)
    fail(e);
  registry_->violations.clear();
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    auto& n = nodes_[i];
    if (!n.up)
      continue;
    if (n.crashed_itself) {
      // The raft actor died at a crash point: finish the crash.
      n.crashed_itself = false;
      crash(i);
      continue;
    }
    if (terminated(n.raft) || terminated(n.cfg)) {
      fail(n.name + " stopped unexpectedly");
      n.up = false;
      env_->up[i] = false;
      n.restart_at = now();
      continue;
    }
    auto core = raft::inspect_core(n.raft);
    auto log = raft::inspect_log(n.raft);
    if (!core || !log)
      continue; // not initialized yet
    for (auto& e : core->check_invariants())
      fail(e);
    // Election safety: at most one leader per term, ever.
    if (core->current_role() == raft::role::leader) {
      auto [it, fresh] = leaders_.emplace(core->term(), n.id);
      if (fresh)
        ++result_.leaders_elected;
      else if (it->second != n.id)
        fail("election safety: two leaders in term "
             + std::to_string(core->term()));
      // Leader completeness, checked when a member becomes leader: it holds
      // every entry committed in an earlier term.
      if (n.last_role != raft::role::leader || n.last_term != core->term()) {
        for (const auto& [idx, ct] : commit_term_) {
          if (ct >= core->term() || idx < log->first_index())
            continue;
          if (idx > log->last_index()
              || log->term_at(idx) != committed_[idx].first)
            fail("leader completeness: " + n.name + " leads term "
                 + std::to_string(core->term()) + " without committed entry "
                 + std::to_string(idx));
        }
      }
    }
    if (core->current_role() == raft::role::candidate
        && (n.last_role != raft::role::candidate || n.last_term != core->term()))
      election_started_ = true;
    n.last_role = core->current_role();
    n.last_term = core->term();
    // Commit index monotonic within an incarnation.
    if (core->commit_index() < n.last_commit)
      fail("commit index of " + n.name + " went back from "
           + std::to_string(n.last_commit) + " to "
           + std::to_string(core->commit_index()));
    n.last_commit = core->commit_index();
    // State machine safety at the log: one entry per committed index.
    auto from = std::max(n.checked_commit + 1, log->first_index());
    for (auto idx = from; idx <= core->commit_index(); ++idx) {
      const auto& e = log->at(idx);
      auto h = store::xxh3_64(std::string(1, char(e.type)) + e.data);
      auto [it, fresh] = committed_.emplace(idx, std::make_pair(e.term, h));
      if (!fresh && (it->second.first != e.term || it->second.second != h))
        fail("state machine safety: " + n.name + " committed a different "
             + "entry at index " + std::to_string(idx));
      if (core->current_role() == raft::role::leader) {
        auto [ct, f2] = commit_term_.emplace(idx, core->term());
        if (!f2 && core->term() < ct->second)
          ct->second = core->term();
      }
    }
    n.checked_commit = std::max(n.checked_commit, core->commit_index());
  }
}

void sim_cluster::run_for(std::chrono::milliseconds d, bool faults) {
  auto until = now() + d;
  auto last_time = now();
  std::uint64_t still = 0;
  while (now() < until && result_.violations.size() < 10) {
    if (!step())
      break;
    if (now() != last_time) {
      last_time = now();
      still = 0;
    } else if (++still > 1'000'000) {
      fail("livelock: a million steps without simulated time advancing");
      break;
    }
    if (faults) {
      maybe_fault();
      maybe_change_membership();
    } else {
      // Settling: bring every member back.
      for (std::size_t i = 0; i < nodes_.size(); ++i)
        if (!nodes_[i].up && !nodes_[i].retired)
          nodes_[i].restart_at = now();
      maybe_fault();
    }
    check_step();
  }
}

void sim_cluster::check_final() {
  // Members apply into an open transaction; make each commit it, so the
  // stores below show everything applied.
  for (auto& n : nodes_)
    if (n.up)
      caf::anon_send(n.cfg, raft::checkpoint_cmd{});
  sched_->run();
  // Exactly one leader, known to every live member of the ensemble.
  auto leader = find_leader();
  if (!leader) {
    fail("no leader after settling");
    return;
  }
  auto lcore = raft::inspect_core(nodes_[*leader].raft);
  auto target = lcore->commit_index();
  if (std::getenv("GD_SIM_DEBUG"))
    for (auto& n : nodes_)
      if (n.up) {
        auto c = raft::inspect_core(n.raft);
        auto kv = config::inspect_store(n.cfg);
        std::cerr << n.name << " role=" << raft::to_string(c->current_role())
                  << " commit=" << c->commit_index() << " last="
                  << c->last_index() << " applied="
                  << (kv ? kv->applied().index : 0) << "\n";
      }
  const store::kv_store* reference = nullptr;
  std::string reference_name;
  for (auto& n : nodes_) {
    if (n.retired || !lcore->config().contains(n.id))
      continue;
    if (!n.up) {
      fail(n.name + " is still down after settling");
      continue;
    }
    auto core = raft::inspect_core(n.raft);
    if (core->leader() != lcore->id())
      fail(n.name + " does not follow the leader after settling");
    if (core->commit_index() != target)
      fail(n.name + " has commit index " + std::to_string(core->commit_index())
           + ", the leader " + std::to_string(target));
    auto kv = config::inspect_store(n.cfg);
    if (!kv) {
      fail(n.name + " has no store");
      continue;
    }
    if (kv->applied().index != target)
      fail(n.name + " applied through " + std::to_string(kv->applied().index)
           + ", the leader committed " + std::to_string(target));
    if (!reference) {
      reference = kv;
      reference_name = n.name;
      continue;
    }
    kv::range_request all;
    all.range = {std::string(1, '\0'), std::string(1, '\0')};
    auto a = reference->range(all);
    auto b = kv->range(all);
    if (a.kvs != b.kvs || reference->applied().revision != kv->applied().revision)
      fail("state machines diverge: " + reference_name + " and " + n.name
           + " hold different keys or revisions");
  }
}

run_result sim_cluster::run() {
  run_for(opts_.duration, true);
  // Heal: no more partitions or crashes; clients finish what they started.
  state_of(net_).group.clear();
  partitioned_ = false;
  next_partition_ = caf::actor_clock::time_point::max();
  next_crash_ = caf::actor_clock::time_point::max();
  state_of(net_).faults = net_faults{};
  env_->stop = true;
  run_for(opts_.settle, false);
  if (env_->outstanding > 0)
    fail(std::to_string(env_->outstanding)
         + " client operations never completed");
  check_final();
  result_.trace_hash = state_of(net_).trace ^ env_->trace;
  result_.messages_delivered = state_of(net_).delivered;
  result_.messages_dropped = state_of(net_).dropped;
  result_.ops_ok = env_->ops_ok;
  result_.ops_unknown = env_->ops_unknown;
  result_.linearizability = test::check_kv_history(env_->history.ops());
  return result_;
}

} // namespace

run_result run_simulation(const run_options& opts) {
  sim_cluster c(opts);
  return c.run();
}

} // namespace gd::sim
