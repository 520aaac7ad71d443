#include "test/sim/sim_cluster.hpp"

#include <algorithm>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <unistd.h>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scheduler/test_coordinator.hpp>
#include <caf/send.hpp>

#include "actors/config/config_actor.hpp"
#include "actors/reply_promise.hpp"
#include "protocol/records_codec.hpp"
#include "store/bootstrap.hpp"
#include "store/checksum.hpp"
#include "actors/config/cluster_store.hpp"
#include "test/sim/log_matching.hpp"
#include "test/sim/sim_agents.hpp"
#include "test/sim/sim_disk.hpp"
#include "test/sim/sim_workload.hpp"
#include "test/support/store_damage.hpp"

namespace gd::sim {

namespace fsys = std::filesystem;
using namespace std::chrono_literals;
using raft::log_index;
using raft::member_id;
using raft::term_t;
using time_point = caf::actor_clock::time_point;

std::vector<fault_mix> standard_mixes() {
  using step = membership_step;
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
  lossy.net.long_delay = 0.002;
  mixes.push_back(lossy);

  fault_mix partitions;
  partitions.name = "partitions";
  partitions.partition_every_ms = 1500;
  partitions.one_way = 0.4;
  partitions.net.max_delay_ms = 10;
  partitions.net.long_delay = 0.003;
  partitions.buggify = true;
  mixes.push_back(partitions);

  fault_mix crashes;
  crashes.name = "crashes";
  crashes.crash_every_ms = 2500;
  crashes.window_crash_every_ms = 1500;
  crashes.failover = 0.7;
  crashes.election_crashes = true;
  crashes.election_storm = 0.3;
  crashes.compaction_crash = 0.3;
  crashes.quick_restart = 0.2;
  crashes.power_cut = 0.5;
  crashes.net.max_delay_ms = 10;
  crashes.net.long_delay = 0.002;
  mixes.push_back(crashes);

  fault_mix churn;
  churn.name = "churn";
  churn.nodes = 5;
  churn.net.drop = 0.02;
  churn.net.duplicate = 0.02;
  churn.net.max_delay_ms = 30;
  churn.net.long_delay = 0.002;
  churn.partition_every_ms = 2500;
  churn.one_way = 0.3;
  churn.crash_every_ms = 3000;
  churn.window_crash_every_ms = 1500;
  churn.failover = 0.7;
  churn.election_crashes = true;
  churn.election_storm = 0.2;
  churn.fresh_leader_crash = 0.1;
  churn.leader_churn = 0.1;
  churn.compaction_crash = 0.2;
  churn.quick_restart = 0.2;
  churn.power_cut = 0.5;
  churn.buggify = true;
  mixes.push_back(churn);

  fault_mix membership;
  membership.name = "membership";
  membership.membership = {{step::op::add, 3}, {step::op::remove, 0}};
  membership.net.drop = 0.01;
  membership.net.max_delay_ms = 10;
  membership.crash_every_ms = 4000;
  membership.window_crash_every_ms = 1500;
  membership.failover = 0.5;
  membership.election_storm = 0.2;
  membership.fresh_leader_crash = 0.2;
  membership.compaction_crash = 0.2;
  mixes.push_back(membership);

  fault_mix growth;
  growth.name = "growth";
  growth.nodes = 1;
  growth.membership = {{step::op::add, 1},    {step::op::add, 2},
                       {step::op::add, 3},    {step::op::add, 4},
                       {step::op::remove, 4}, {step::op::remove, 3},
                       {step::op::remove, 2}, {step::op::remove, 1}};
  growth.net.max_delay_ms = 10;
  growth.crash_every_ms = 3000;
  growth.window_crash_every_ms = 2000;
  growth.failover = 0.5;
  growth.election_storm = 0.2;
  growth.fresh_leader_crash = 0.4;
  growth.compaction_crash = 0.3;
  growth.quick_restart = 0.2;
  growth.power_cut = 0.5;
  growth.buggify = true;
  mixes.push_back(growth);

  fault_mix single;
  single.name = "single";
  single.nodes = 1;
  single.crash_every_ms = 2000;
  single.window_crash_every_ms = 1500;
  single.fresh_leader_crash = 0.4;
  single.compaction_crash = 0.5;
  single.quick_restart = 0.3;
  single.power_cut = 0.7;
  single.buggify = true;
  mixes.push_back(single);

  fault_mix pair;
  pair.name = "pair";
  pair.nodes = 2;
  pair.net.max_delay_ms = 10;
  pair.net.long_delay = 0.003;
  pair.partition_every_ms = 2500;
  pair.one_way = 0.5;
  pair.crash_every_ms = 3000;
  pair.window_crash_every_ms = 2000;
  pair.failover = 0.5;
  pair.election_crashes = true;
  pair.election_storm = 0.4;
  pair.fresh_leader_crash = 0.3;
  pair.quick_restart = 0.3;
  pair.power_cut = 0.5;
  mixes.push_back(pair);

  fault_mix corruption;
  corruption.name = "corruption";
  corruption.nodes = 5;
  corruption.net.max_delay_ms = 10;
  corruption.crash_every_ms = 2000;
  corruption.window_crash_every_ms = 2000;
  corruption.failover = 0.5;
  corruption.compaction_crash = 0.2;
  corruption.power_cut = 0.3;
  corruption.corrupt = 0.3;
  mixes.push_back(corruption);

  fault_mix agents;
  agents.name = "agents";
  agents.agents = 20;
  agents.net.max_delay_ms = 10;
  agents.partition_every_ms = 2500;
  agents.one_way = 0.3;
  agents.crash_every_ms = 3000;
  agents.failover = 0.3;
  agents.quick_restart = 0.2;
  agents.cluster_ops = false;
  mixes.push_back(agents);

  fault_mix figure8;
  figure8.name = "figure8";
  figure8.nodes = 5;
  figure8.net.max_delay_ms = 10;
  figure8.leader_churn = 0.7;
  figure8.election_storm = 0.2;
  figure8.quick_restart = 0.5;
  figure8.down_for_ms = 800;
  figure8.max_append_entries = 1;
  mixes.push_back(figure8);
  return mixes;
}

std::string run_result::summary() const {
  std::ostringstream os;
  os << "steps=" << steps << " delivered=" << messages_delivered
     << " dropped=" << messages_dropped << " ops=" << ops_ok
     << " unknown=" << ops_unknown << " cluster_ops=" << cluster_ok
     << " leaders=" << leaders_elected << " crashes=" << crashes
     << " window_crashes=" << window_crashes << " power_cuts=" << power_cuts
     << " commits_undone=" << commits_undone << " partitions=" << partitions
     << " liveness_proposals=" << liveness_proposals
     << " agent_deaths=" << agent_deaths
     << " snapshots=" << snapshots_installed
     << " member_changes=" << membership_changes
     << " corruptions=" << corruptions << " liveness_ms=" << liveness_ms
     << " linearizability=" << test::to_string(linearizability.v)
     << " trace=" << std::hex << trace_hash;
  return os.str();
}

namespace {

std::uint64_t derive(std::uint64_t seed, std::uint64_t salt) {
  sim_random r(seed * 0x9e3779b97f4a7c15ULL + salt);
  return r.next();
}

store::kv_store_options store_options() {
  store::kv_store_options o;
  o.map_size = std::size_t{64} << 20;
  // why: as the daemon runs it (MDB_NOMETASYNC), so a power cut may undo
  // the last unflushed commit and nothing else.
  o.flush_commits = true;
  return o;
}

/// True if `h` is empty or its actor has terminated.
template <class Handle>
bool terminated(const Handle& h) {
  return !h
         || caf::actor_cast<caf::abstract_actor*>(h)->getf(
           caf::abstract_actor::is_terminated_flag);
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
        [env](caf::error& e) {
          if (std::getenv("GD_SIM_DEBUG"))
            std::cerr << "admin: error " << caf::to_string(e) << "\n";
          raft::member_change_result r;
          r.st = gd::status::error(status_code::timeout, "no answer");
          env->last = r;
          env->waiting = false;
        });
    },
  };
}

/// An administrator's step: a membership change through the leader, or
/// emptying a member's data (the operator's part of recovering a corrupt
/// member).
struct admin_step {
  enum class op : std::uint8_t { add, remove, wipe };
  op kind = op::add;
  std::size_t node = 0;
};

// -- the harness ----------------------------------------------------------------

struct sim_node {
  std::string name;
  member_id id = raft::no_member;
  std::string dir;
  raft::raft_actor raft;
  config::config_actor cfg;
  bool up = false;
  /// Not part of the ensemble (never added, or removed): left alone.
  bool retired = false;
  /// Its log is corrupt: it refuses to start until recovered.
  bool corrupt = false;
  /// A record of its state store was damaged while it was down: it must
  /// stop when it meets it (naming the key), never serve it.
  std::string damaged_key;
  /// Its membership actor (mixes with agents).
  membership::membership_actor members;
  /// Why its config actor stopped, if it did (its last "fatal" event).
  std::string last_fatal;
  /// A power cut struck while the state store's last commit was unflushed:
  /// undo it before the next start.
  bool undo_last_commit = false;
  std::string store_dir;
  int incarnation = 0;
  time_point restart_at;
  log_index last_commit = 0;
  log_index checked_commit = 0;
  raft::role last_role = raft::role::follower;
  term_t last_term = 0;
  std::uint64_t next_config_check = 0;
};

class sim_cluster {
public:
  explicit sim_cluster(const run_options& opts);
  ~sim_cluster();
  run_result run();

private:
  // lifecycle
  void start(std::size_t i);
  void crash(std::size_t i, bool power_cut);
  void wipe(std::size_t i);
  // driving
  bool step();
  enum class phase { faults, liveness, settle };
  void run_for(std::chrono::milliseconds d, phase p);
  void maybe_fault();
  void maybe_restart();
  bool crash_during_sync(member_id id);
  void maybe_admin();
  /// Queues the operator's recovery of member i: remove, empty, add back.
  void push_recovery(std::size_t i);
  /// Damages a record of a contended key in member i's (closed) state
  /// store; false if none is there.
  bool damage_store(std::size_t i);
  void liveness_phase();
  // checks
  void check_step();
  void check_config_agreement(sim_node& n, const raft::node& core);
  /// What a batch claims about its sender's disk must be true when it
  /// leaves: its term (and a granted vote) durable, an acknowledged index
  /// durable, a commit index on a majority's disk.
  void check_claims(const raft::peer_batch& b);
  void check_final();
  /// Drives the simulated agents (check-ins, digests, deaths) once per
  /// simulated millisecond.
  void drive_fleet(bool faults);
  /// The fleet's final check against a member's committed pool.
  void check_fleet(const store::kv_store& kv);
  void fail(const std::string& what);
  // helpers
  time_point now() { return sched_->clock().now(); }
  raft::configuration initial_config() const;
  std::optional<std::size_t> find_leader();
  /// The latest configuration any running member holds.
  raft::configuration latest_config();
  /// The configuration member i holds now (running: its core's; down: the
  /// latest in what its log made durable).
  raft::configuration member_config(std::size_t i);
  std::size_t index_of(member_id id) const;
  std::chrono::milliseconds draw(int every_ms);

  run_options opts_;
  run_result result_;
  sim_random rng_;
  std::string root_;
  std::unique_ptr<caf::actor_system_config> cfg_;
  std::unique_ptr<caf::actor_system> sys_;
  caf::scheduler::test_coordinator* sched_ = nullptr;
  raft::transport_actor net_;
  caf::actor disk_;
  std::vector<sim_node> nodes_;
  std::shared_ptr<log_registry> registry_;
  std::shared_ptr<workload_env> env_;
  std::unique_ptr<agent_fleet> fleet_;
  std::vector<caf::actor> clients_;
  caf::actor admin_;
  std::shared_ptr<admin_env> admin_env_;
  std::deque<admin_step> admin_steps_;
  time_point next_admin_;
  /// Per member: the log's snapshot index last seen (compaction checks).
  std::map<member_id, log_index> compacted_;
  phase phase_ = phase::faults;
  std::int64_t fleet_ms_ = -1;
  std::map<term_t, member_id> leaders_;
  std::map<log_index, std::pair<term_t, std::uint64_t>> committed_;
  std::map<log_index, term_t> commit_term_;
  time_point next_partition_;
  time_point heal_at_;
  bool partitioned_ = false;
  time_point next_crash_;
  time_point next_window_crash_;
  std::optional<time_point> leader_crash_at_;
  /// Crash the next voter that syncs before this time (mid-election).
  std::optional<time_point> aim_vote_crash_until_;
  /// Crash this member at its next sync (a fresh leader's term).
  std::optional<member_id> aim_sync_crash_;
  /// Crashes to do at a given time (member index).
  std::vector<std::pair<time_point, std::size_t>> scheduled_crashes_;
  /// Members to bring back within 1 to 20 ms after their next crash.
  std::set<member_id> quick_restart_;
  /// Members whose Raft timer is stalled until then.
  std::map<member_id, time_point> stalled_until_;
  /// A member became candidate (index) or leader during the last step.
  std::optional<std::size_t> new_candidate_;
  std::optional<std::size_t> new_leader_;
  std::uint64_t broken_before_ = 0;
  /// Per run, from the seed (BUGGIFY picks extreme ones).
  struct knobs {
    std::size_t max_append_entries = 64;
    std::size_t max_inflight = 256;
    int election_ticks = 10;
    std::size_t snapshot_chunk = 16 * 1024;
    std::chrono::milliseconds commit_interval{100};
    int disk_max_ms = 3;
    double flush_delay_chance = 0;
    double tick_stall_chance = 0;
  } knobs_;
};

std::chrono::milliseconds sim_cluster::draw(int every_ms) {
  return std::chrono::milliseconds(rng_.between(every_ms / 2, every_ms * 3 / 2));
}

sim_cluster::sim_cluster(const run_options& opts)
  : opts_(opts), rng_(derive(opts.seed, 1)) {
  root_ = "/dev/shm/gd-sim-" + std::to_string(::getpid()) + "-"
          + std::to_string(opts.seed) + "-" + opts.mix.name;
  fsys::remove_all(root_);
  fsys::create_directories(root_);
  sim_random k(derive(opts.seed, 7));
  // why: tiny appends and windows reach the interleavings that big batches
  // hide; BUGGIFY adds slow fsyncs, late commits of the state store and
  // delayed flushes.
  const std::size_t append_sizes[] = {1, 2, 8, 64};
  const std::size_t windows[] = {1, 2, 16, 256};
  knobs_.max_append_entries = opts.mix.max_append_entries > 0
                                ? opts.mix.max_append_entries
                                : append_sizes[k.below(4)];
  knobs_.max_inflight = windows[k.below(4)];
  knobs_.election_ticks = k.chance(0.5) ? 5 : 10;
  if (opts.mix.buggify) {
    const std::size_t chunks[] = {512, 4096, 16 * 1024};
    const int commits[] = {5, 100, 400};
    knobs_.snapshot_chunk = chunks[k.below(3)];
    knobs_.commit_interval = std::chrono::milliseconds(commits[k.below(3)]);
    knobs_.disk_max_ms = k.chance(0.3) ? 25 : 3;
    knobs_.flush_delay_chance = k.chance(0.5) ? 0.05 : 0;
    knobs_.tick_stall_chance = k.chance(0.5) ? 0.003 : 0;
  }
  cfg_ = std::make_unique<caf::actor_system_config>();
  cfg_->set("scheduler.policy", caf::atom("testing"));
  cfg_->set("logger.verbosity", caf::atom("quiet"));
  sys_ = std::make_unique<caf::actor_system>(*cfg_);
  sched_ = &dynamic_cast<caf::scheduler::test_coordinator&>(sys_->scheduler());
  net_ = spawn_sim_net(*sys_, opts.mix.net, derive(opts.seed, 2));
  disk_ = spawn_sim_disk(*sys_, derive(opts.seed, 3));
  auto& disk = state_of_disk(disk_);
  disk.max_ms = knobs_.disk_max_ms;
  disk.crash_during_sync = [this](member_id id) { return crash_during_sync(id); };
  registry_ = std::make_shared<log_registry>();
  state_of(net_).on_send = [this](const raft::peer_batch& b) { check_claims(b); };
  disk.on_durable = [this](member_id id, const store::memory_log_image& img) {
    auto i = index_of(id);
    record_durable(*registry_, i < nodes_.size() ? nodes_[i].name : "?", img);
  };
  env_ = std::make_shared<workload_env>();
  env_->keys = opts.keys;
  std::size_t total = opts.mix.nodes;
  for (const auto& s : opts.mix.membership)
    total = std::max(total, s.node + 1);
  for (std::size_t i = 0; i < total; ++i) {
    sim_node n;
    n.name = "m" + std::to_string(i + 1);
    n.id = raft::member_id_of(n.name);
    n.dir = root_ + "/" + n.name;
    fsys::create_directories(n.dir + "/state");
    fsys::create_directories(n.dir + "/snap");
    n.retired = i >= opts.mix.nodes; // spares join later
    nodes_.push_back(std::move(n));
    disk.slots[nodes_.back().id].durable
      = std::make_shared<store::memory_log_image>();
  }
  // Bootstrap: every founding member starts from the same configuration, in
  // its log and in its state store.
  auto boot = initial_config();
  for (std::size_t i = 0; i < opts.mix.nodes; ++i) {
    store::memory_raft_log log(disk.slots[nodes_[i].id].durable);
    store::state_root root(nodes_[i].dir + "/state");
    store::bootstrap_member(log, *root.open_current(store_options()), boot);
  }
  if (opts.mix.agents > 0) {
    fleet_options fo;
    fo.agents = opts.mix.agents;
    fleet_ = std::make_unique<agent_fleet>(
      *sys_, fo, derive(opts.seed, 11), state_of(net_),
      [this](const std::string& what) { fail(what); });
  }
  env_->targets.resize(total);
  env_->up.assign(total, false);
  for (const auto& n : nodes_)
    env_->ids.push_back(n.id);
  for (std::size_t i = 0; i < opts.mix.nodes; ++i)
    start(i);
  for (int c = 0; c < opts.clients; ++c)
    clients_.push_back(spawn_kv_client(*sys_, env_, c, derive(opts.seed, 100 + c)));
  if (opts.mix.cluster_ops)
    clients_.push_back(spawn_cluster_client(*sys_, env_, opts.clients,
                                            derive(opts.seed, 99)));
  admin_env_ = std::make_shared<admin_env>();
  admin_ = sys_->spawn(admin_main, admin_env_);
  for (const auto& s : opts.mix.membership)
    admin_steps_.push_back({s.kind == membership_step::op::add
                              ? admin_step::op::add
                              : admin_step::op::remove,
                            s.node});
  auto t0 = now();
  auto never = time_point::max();
  next_partition_ = opts.mix.partition_every_ms > 0
                      ? t0 + draw(opts.mix.partition_every_ms) : never;
  next_crash_ = opts.mix.crash_every_ms > 0 ? t0 + draw(opts.mix.crash_every_ms)
                                            : never;
  next_window_crash_ = opts.mix.window_crash_every_ms > 0
                         ? t0 + draw(opts.mix.window_crash_every_ms) : never;
  next_admin_ = t0 + 2s;
  broken_before_ = broken_promises();
}

sim_cluster::~sim_cluster() {
  // First end every fsync wait, so that the kills below can land.
  for (auto& n : nodes_)
    caf::anon_send(disk_, disk_crash{n.id});
  sched_->run();
  for (auto& n : nodes_) {
    if (n.raft)
      caf::anon_send_exit(n.raft, caf::exit_reason::kill);
    if (n.cfg)
      caf::anon_send_exit(n.cfg, caf::exit_reason::kill);
    if (n.members)
      caf::anon_send_exit(n.members, caf::exit_reason::kill);
    n.raft = nullptr;
    n.cfg = nullptr;
    n.members = nullptr;
  }
  // why: the fleet's courier is an actor too; the system waits for it.
  fleet_.reset();
  for (auto& c : clients_)
    caf::anon_send_exit(c, caf::exit_reason::kill);
  caf::anon_send_exit(admin_, caf::exit_reason::kill);
  caf::anon_send_exit(net_, caf::exit_reason::kill);
  caf::anon_send_exit(disk_, caf::exit_reason::kill);
  clients_.clear();
  admin_ = nullptr;
  net_ = nullptr;
  disk_ = nullptr;
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

raft::configuration sim_cluster::member_config(std::size_t i) {
  auto& n = nodes_[i];
  if (n.up)
    if (auto core = raft::inspect_core(n.raft))
      return core->config();
  const auto& img = *state_of_disk(disk_).slots[n.id].durable;
  for (auto it = img.entries.rbegin(); it != img.entries.rend(); ++it)
    if (it->type == raft::entry_type::config)
      return proto::decode_configuration(it->data);
  return img.snapshot.config;
}

std::size_t sim_cluster::index_of(member_id id) const {
  for (std::size_t i = 0; i < nodes_.size(); ++i)
    if (nodes_[i].id == id)
      return i;
  return nodes_.size();
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

// -- lifecycle --------------------------------------------------------------------

void sim_cluster::start(std::size_t i) {
  auto& n = nodes_[i];
  ++n.incarnation;
  if (n.undo_last_commit) {
    // The power cut's damage: the state store reopens as of the commit
    // before its last (LMDB keeps both meta pages).
    n.undo_last_commit = false;
    if (test::undo_last_commit(n.store_dir + "/data.mdb"))
      ++result_.commits_undone;
  }
  auto& disk = state_of_disk(disk_);
  auto written = start_incarnation(disk, n.id, caf::actor_addr{});
  auto log = std::make_unique<store::memory_raft_log>(written);
  auto sopts = store_options();
  auto root = std::make_unique<store::state_root>(n.dir + "/state");
  std::unique_ptr<store::kv_store> kv;
  try {
    kv = root->open_current(sopts);
  } catch (const std::exception& e) {
    fail(n.name + " cannot open its state store: " + e.what());
    n.retired = true;
    return;
  }
  auto applied = kv->applied();
  auto config = kv->config();
  config::config_actor_config ccfg;
  ccfg.store = sopts;
  ccfg.detached = false;
  ccfg.commit_interval = knobs_.commit_interval;
  ccfg.on_event = [this, i](const std::string& e) {
    if (e.find("fatal") != std::string::npos)
      nodes_[i].last_fatal = e;
  };
  auto sm = config::spawn_config(*sys_, ccfg, std::move(root), std::move(kv));
  raft::raft_actor_config rcfg;
  rcfg.node.id = n.id;
  rcfg.node.seed = derive(opts_.seed, 1000 + i * 100 + n.incarnation);
  rcfg.node.max_append_entries = knobs_.max_append_entries;
  rcfg.node.max_inflight = knobs_.max_inflight;
  rcfg.node.election_ticks = knobs_.election_ticks;
  rcfg.name = n.name;
  rcfg.tick_interval = 100ms;
  rcfg.snapshot_dir = n.dir + "/snap";
  rcfg.snapshot_chunk_bytes = knobs_.snapshot_chunk;
  rcfg.compact_min_entries = 60;
  rcfg.compact_keep_entries = 20;
  rcfg.detached = false;
  rcfg.disk = disk_;
  {
    auto id = n.id;
    rcfg.buggify = [this, id](raft::raft_actor_config::buggify_site where) {
      using site = raft::raft_actor_config::buggify_site;
      if (phase_ != phase::faults)
        return std::chrono::milliseconds(0);
      auto stall = stalled_until_.find(id);
      if (where == site::tick && stall != stalled_until_.end()
          && stall->second > now())
        return std::chrono::duration_cast<std::chrono::milliseconds>(
          stall->second - now());
      if (where == site::flush && rng_.chance(knobs_.flush_delay_chance))
        return std::chrono::milliseconds(rng_.between(1, 20));
      // A stalled timer: no elections, heartbeats or check-quorum for a
      // while (a leader keeps believing it leads).
      if (where == site::tick && rng_.chance(knobs_.tick_stall_chance))
        return std::chrono::milliseconds(rng_.between(300, 2000));
      return std::chrono::milliseconds(0);
    };
  }
  rcfg.on_event = [this, i](const std::string& e) {
    if (std::getenv("GD_SIM_DEBUG"))
      std::cerr << std::chrono::duration_cast<std::chrono::milliseconds>(
                     now().time_since_epoch())
                     .count()
                << "ms " << e << "\n";
    if (e.find("installing snapshot") != std::string::npos)
      ++result_.snapshots_installed;
    if (e.find("compacted the log") != std::string::npos && phase_ == phase::faults
        && rng_.chance(opts_.mix.compaction_crash))
      scheduled_crashes_.emplace_back(
        now() + std::chrono::milliseconds(rng_.between(0, 100)), i);
  };
  try {
    n.raft = raft::spawn_raft(*sys_, rcfg, std::move(log), applied, config,
                              net_, sm);
  } catch (const std::exception& e) {
    // why: the real daemon refuses to start here too; in the simulation it
    // means the harness or the code lost something it must not.
    fail(n.name + " refuses to start: " + e.what());
    caf::anon_send_exit(sm, caf::exit_reason::kill);
    n.retired = true;
    return;
  }
  // why: spawn_raft syncs the log directly when it reconciles it with the
  // state store (a snapshot installed just before a crash): that fsync has
  // completed when it returns.
  *disk.slots[n.id].durable = *disk.slots[n.id].written;
  disk.slots[n.id].owner = n.raft.address();
  caf::anon_send(sm, n.raft);
  n.cfg = sm;
  if (fleet_ && fleet_->enabled()) {
    n.members = membership::spawn_membership(
      *sys_, fleet_->config_for(i, n.name), n.raft, sm);
    fleet_->monitor_started(i, n.id, n.members);
  }
  n.up = true;
  n.last_fatal.clear();
  n.last_commit = 0;
  n.checked_commit = 0;
  n.last_role = raft::role::follower;
  state_of(net_).nodes[n.id] = n.raft;
  env_->targets[i] = sm;
  env_->up[i] = true;
}

void sim_cluster::crash(std::size_t i, bool power_cut) {
  auto& n = nodes_[i];
  if (!n.up)
    return;
  ++result_.crashes;
  if (power_cut) {
    ++result_.power_cuts;
    if (auto kv = config::inspect_store(n.cfg); kv && kv->unflushed_commit()) {
      n.undo_last_commit = true;
      n.store_dir = kv->dir();
    }
  }
  state_of(net_).nodes.erase(n.id);
  crash_incarnation(state_of_disk(disk_), n.id);
  caf::anon_send(disk_, disk_crash{n.id});
  caf::anon_send_exit(n.raft, caf::exit_reason::kill);
  caf::anon_send_exit(n.cfg, caf::exit_reason::kill);
  if (fleet_)
    fleet_->monitor_crashed(i);
  n.members = nullptr;
  n.up = false;
  env_->up[i] = false;
  env_->targets[i] = nullptr;
  bool quick = quick_restart_.erase(n.id) > 0
               || (phase_ == phase::faults && rng_.chance(opts_.mix.quick_restart));
  n.restart_at = now() + std::chrono::milliseconds(
                           quick ? rng_.between(1, 20)
                                 : rng_.between(200, opts_.mix.down_for_ms));
}

void sim_cluster::wipe(std::size_t i) {
  auto& n = nodes_[i];
  auto& slot = state_of_disk(disk_).slots[n.id];
  slot.durable = std::make_shared<store::memory_log_image>();
  fsys::remove_all(n.dir + "/state");
  fsys::create_directories(n.dir + "/state");
  n.corrupt = false;
  n.undo_last_commit = false;
}

// -- driving --------------------------------------------------------------------

bool sim_cluster::step() {
  ++result_.steps;
  if (sched_->try_run_once())
    return true;
  return sched_->trigger_timeout();
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

raft::configuration sim_cluster::latest_config() {
  raft::configuration best;
  log_index best_index = 0;
  bool found = false;
  for (auto& n : nodes_) {
    if (!n.up)
      continue;
    auto core = raft::inspect_core(n.raft);
    if (core && (!found || core->config_index() > best_index)) {
      best = core->config();
      best_index = core->config_index();
      found = true;
    }
  }
  return best;
}

bool sim_cluster::crash_during_sync(member_id id) {
  auto i = index_of(id);
  if (i >= nodes_.size() || !nodes_[i].up || phase_ != phase::faults)
    return false;
  auto t = now();
  if (aim_sync_crash_ && *aim_sync_crash_ == id) {
    // why: a fresh leader dying while its term reaches the disk; it comes
    // back and may win the same term again.
    aim_sync_crash_.reset();
    ++result_.window_crashes;
    return true;
  }
  if (aim_vote_crash_until_ && t <= *aim_vote_crash_until_) {
    auto core = raft::inspect_core(nodes_[i].raft);
    if (core && core->current_role() == raft::role::follower) {
      // why: a voter dying while its vote reaches the disk, back at once:
      // a vote that left before the sync would be granted twice.
      aim_vote_crash_until_.reset();
      quick_restart_.insert(id);
      ++result_.window_crashes;
      if (std::getenv("GD_SIM_DEBUG"))
        std::cerr << "vote window crash: " << nodes_[i].name << "\n";
      return true;
    }
  }
  // why: aimed at replication (a leader syncing its entries, followers
  // syncing before they acknowledge), not at elections, which have their
  // own aim above; crashing every candidate would leave no time to elect.
  if (t < next_window_crash_ || !find_leader())
    return false;
  next_window_crash_ = t + draw(opts_.mix.window_crash_every_ms);
  ++result_.window_crashes;
  auto leader = find_leader();
  if (rng_.chance(opts_.mix.failover) && leader && *leader != i)
    leader_crash_at_ = t + std::chrono::milliseconds(rng_.between(0, 30));
  if (leader && *leader == i && rng_.chance(0.5))
    quick_restart_.insert(id); // back in time to vote for whoever lacks it
  return true;
}

void sim_cluster::maybe_fault() {
  auto t = now();
  auto& net = state_of(net_);
  if (partitioned_ && t >= heal_at_) {
    net.group.clear();
    net.cut.clear();
    partitioned_ = false;
  }
  if (!partitioned_ && t >= next_partition_) {
    net.group.clear();
    net.cut.clear();
    heal_at_ = t + std::chrono::milliseconds(
                     rng_.between(300, opts_.mix.partition_for_ms));
    auto leader = find_leader();
    if (rng_.chance(opts_.mix.one_way)) {
      // One direction only: the leader can send but not hear (or the
      // reverse), or one link between two members fails one way.
      auto a = leader ? *leader : rng_.below(nodes_.size());
      bool outbound = rng_.chance(0.5);
      for (std::size_t b = 0; b < nodes_.size(); ++b) {
        if (b == a || (!leader && !rng_.chance(0.5)))
          continue;
        if (outbound)
          net.cut.insert({nodes_[a].id, nodes_[b].id});
        else
          net.cut.insert({nodes_[b].id, nodes_[a].id});
      }
    } else if (leader && rng_.chance(0.5)) {
      // why: isolating the leader is what forces elections and stale
      // leaders; random splits often leave it with a majority.
      for (const auto& n : nodes_)
        net.group[n.id] = 0;
      net.group[nodes_[*leader].id] = 1;
      if (opts_.mix.buggify && rng_.chance(0.4)) {
        // A stalled timer on top: it keeps believing it leads (no
        // check-quorum) while the others elect a new leader and write;
        // only its reads' quorum rounds stand between its clients and
        // stale data. Long enough for the others to get on.
        heal_at_ = t + std::chrono::milliseconds(rng_.between(2500, 4500));
        stalled_until_[nodes_[*leader].id] = heal_at_;
      }
    } else {
      for (const auto& n : nodes_)
        net.group[n.id] = static_cast<int>(rng_.below(2));
    }
    partitioned_ = true;
    ++result_.partitions;
    next_partition_ = heal_at_ + draw(opts_.mix.partition_every_ms);
  }
  if (new_candidate_ && rng_.chance(opts_.mix.election_storm)) {
    // A rival in the same term: another voter that has not moved on yet is
    // told to campaign now (as a timeout_now would).
    auto c = *new_candidate_;
    auto ccore = raft::inspect_core(nodes_[c].raft);
    std::vector<std::size_t> rivals;
    for (std::size_t j = 0; j < nodes_.size(); ++j) {
      auto core = j == c || !nodes_[j].up ? nullptr
                                          : raft::inspect_core(nodes_[j].raft);
      if (ccore && core && core->term() + 1 == ccore->term()
          && core->current_role() != raft::role::leader
          && core->config().is_voter(core->id()))
        rivals.push_back(j);
    }
    if (!rivals.empty()) {
      auto j = rivals[rng_.below(rivals.size())];
      raft::message m;
      m.type = raft::message_type::timeout_now;
      m.from = nodes_[c].id;
      m.to = nodes_[j].id;
      m.term = raft::inspect_core(nodes_[j].raft)->term();
      raft::peer_batch b;
      b.from = m.from;
      b.to = m.to;
      b.messages.push_back(m);
      caf::anon_send(nodes_[j].raft, std::move(b));
      if (std::getenv("GD_SIM_DEBUG"))
        std::cerr << "storm: " << nodes_[j].name << " rivals "
                  << nodes_[c].name << " in term " << ccore->term() << "\n";
    }
  }
  if (new_leader_) {
    auto l = *new_leader_;
    auto core = raft::inspect_core(nodes_[l].raft);
    if (core && !core->hard_state_durable()
        && rng_.chance(opts_.mix.fresh_leader_crash))
      aim_sync_crash_ = nodes_[l].id;
    if (rng_.chance(opts_.mix.leader_churn)) {
      // Figure 8: entries of this term reach a minority, then it dies.
      auto& cut = state_of(net_).cut;
      for (std::size_t j = 0; j < nodes_.size(); ++j)
        if (j != l && rng_.chance(0.5))
          cut.insert({nodes_[l].id, nodes_[j].id});
      partitioned_ = true;
      heal_at_ = t + std::chrono::milliseconds(rng_.between(100, 600));
      scheduled_crashes_.emplace_back(
        t + std::chrono::milliseconds(rng_.between(5, 300)), l);
    }
  }
  new_leader_.reset();
  bool election_started = new_candidate_.has_value();
  new_candidate_.reset();
  for (auto it = scheduled_crashes_.begin(); it != scheduled_crashes_.end();) {
    if (it->first > t) {
      ++it;
      continue;
    }
    auto i = it->second;
    it = scheduled_crashes_.erase(it);
    crash(i, rng_.chance(opts_.mix.power_cut));
  }
  if (election_started && opts_.mix.election_crashes) {
    if (rng_.chance(0.15)) {
      // why: crash a voter in the middle of an election and bring it back
      // fast, so it can answer again in the same term.
      std::vector<std::size_t> up;
      for (std::size_t i = 0; i < nodes_.size(); ++i)
        if (nodes_[i].up && !nodes_[i].retired)
          up.push_back(i);
      if (up.size() > 1) {
        auto i = up[rng_.below(up.size())];
        crash(i, false);
        nodes_[i].restart_at = t + std::chrono::milliseconds(rng_.between(1, 60));
      }
    } else if (rng_.chance(0.3)) {
      aim_vote_crash_until_ = t + 50ms;
    }
  }
  if (leader_crash_at_ && t >= *leader_crash_at_) {
    leader_crash_at_.reset();
    if (auto leader = find_leader())
      crash(*leader, rng_.chance(opts_.mix.power_cut));
  }
  if (t >= next_crash_) {
    std::vector<std::size_t> candidates;
    for (std::size_t i = 0; i < nodes_.size(); ++i)
      if (nodes_[i].up)
        candidates.push_back(i);
    auto leader = find_leader();
    bool power = rng_.chance(opts_.mix.power_cut);
    if (leader && rng_.chance(0.5))
      crash(*leader, power); // why: leader failover is where Raft bugs live
    else if (!candidates.empty())
      crash(candidates[rng_.below(candidates.size())], power);
    next_crash_ = t + draw(opts_.mix.crash_every_ms);
  }
}

void sim_cluster::maybe_restart() {
  auto t = now();
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    auto& n = nodes_[i];
    if (n.up || n.retired || n.corrupt || t < n.restart_at)
      continue;
    if (!terminated(n.raft) || !terminated(n.cfg))
      continue;
    if (phase_ == phase::faults && opts_.mix.corrupt > 0
        && rng_.chance(opts_.mix.corrupt)) {
      // Its log turns out corrupt: it refuses to start (the LMDB log's
      // checksums; see the store tests), unless recovered. Only one at a
      // time, and only while enough voters remain for a quorum without it.
      auto c = latest_config();
      bool other_corrupt = std::any_of(
        nodes_.begin(), nodes_.end(), [](const sim_node& x) {
          return x.corrupt || !x.damaged_key.empty();
        });
      if (!other_corrupt && c.voters.size() >= 3 && c.contains(n.id)
          && admin_steps_.empty()) {
        ++result_.corruptions;
        if (rng_.chance(0.5) && damage_store(i)) {
          // It starts, and must stop by itself once it reads the record.
          start(i);
          continue;
        }
        n.corrupt = true;
        push_recovery(i);
        continue;
      }
    }
    start(i);
  }
}

void sim_cluster::push_recovery(std::size_t i) {
  admin_steps_.push_back({admin_step::op::remove, i});
  admin_steps_.push_back({admin_step::op::wipe, i});
  admin_steps_.push_back({admin_step::op::add, i});
}

bool sim_cluster::damage_store(std::size_t i) {
  auto& n = nodes_[i];
  std::ifstream current(n.dir + "/state/CURRENT");
  std::string live;
  std::getline(current, live);
  if (live.empty() || live == "none")
    return false;
  auto key = "k" + std::to_string(rng_.below(static_cast<std::uint64_t>(opts_.keys)));
  if (!test::damage_kv_record(n.dir + "/state/" + live, key))
    return false;
  n.damaged_key = key;
  return true;
}

void sim_cluster::maybe_admin() {
  // A lost answer is retried; the retry then finds the change made already
  // (exists / not_found).
  if (admin_steps_.empty() || admin_env_->waiting || now() < next_admin_
      || phase_ == phase::liveness)
    return;
  auto answer = std::move(admin_env_->last);
  admin_env_->last.reset();
  auto s = admin_steps_.front();
  if (std::getenv("GD_SIM_DEBUG") && answer)
    std::cerr << "admin: " << nodes_[s.node].name << " step "
              << static_cast<int>(s.kind) << ": " << to_string(answer->st.code)
              << " " << answer->st.message << "\n";
  auto& n = nodes_[s.node];
  if (s.kind == admin_step::op::wipe) {
    wipe(s.node);
    n.retired = true; // a blank member waits to be added
    admin_steps_.pop_front();
    return;
  }
  if (answer) {
    bool done = answer->st.ok()
                || (s.kind == admin_step::op::add
                    && answer->st.code == status_code::exists)
                || (s.kind == admin_step::op::remove
                    && answer->st.code == status_code::not_found);
    if (done) {
      ++result_.membership_changes;
      admin_steps_.pop_front();
      if (s.kind == admin_step::op::remove && !n.corrupt) {
        // Out of the ensemble: stop it for good.
        bool was_up = n.up;
        crash(s.node, false);
        if (was_up)
          --result_.crashes;
        n.retired = true;
      }
      next_admin_ = now() + 300ms;
      return;
    }
  }
  auto leader = find_leader();
  if (!leader)
    return;
  raft::member_change c;
  if (s.kind == admin_step::op::add) {
    if (n.retired) {
      n.retired = false;
      if (!n.up)
        start(s.node); // an empty log: it waits to be contacted
    }
    auto core = raft::inspect_core(nodes_[*leader].raft);
    // why: one change at a time; grow only once the last learner is a voter.
    if (core && !core->config().learners.empty())
      return;
    c.kind = raft::member_change::op::add;
    c.m = {n.id, n.name, "sim:" + n.name};
  } else {
    c.kind = raft::member_change::op::remove;
    c.m.id = n.id;
  }
  if (std::getenv("GD_SIM_DEBUG"))
    std::cerr << "admin: asking " << nodes_[*leader].name << " to "
              << (s.kind == admin_step::op::add ? "add " : "remove ")
              << n.name << "\n";
  caf::anon_send(admin_, nodes_[*leader].raft, std::move(c));
  next_admin_ = now() + 500ms;
}

void sim_cluster::run_for(std::chrono::milliseconds d, phase p) {
  phase_ = p;
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
    if (p == phase::faults)
      maybe_fault();
    maybe_restart();
    maybe_admin();
    drive_fleet(p == phase::faults);
    check_step();
  }
}

void sim_cluster::drive_fleet(bool faults) {
  if (!fleet_ || !fleet_->enabled())
    return;
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
              now().time_since_epoch())
              .count();
  if (ms == fleet_ms_)
    return;
  fleet_ms_ = ms;
  auto leader = find_leader();
  config::config_actor none;
  fleet_->tick(ms, leader ? nodes_[*leader].cfg : none, faults);
}

void sim_cluster::check_fleet(const store::kv_store& kv) {
  if (!fleet_ || !fleet_->enabled())
    return;
  cluster::model_reader model(
    [&kv](const kv::range_request& r) { return kv.range(r); });
  std::map<std::string, bool> down;
  for (const auto& p : model.peers())
    down[p.uuid] = p.down;
  fleet_->check_final(down, fleet_ms_);
  result_.liveness_proposals = fleet_->proposals_checked();
  result_.agent_deaths = fleet_->deaths();
}

// -- checks --------------------------------------------------------------------

void sim_cluster::check_config_agreement(sim_node& n, const raft::node& core) {
  // Every member's state store names the configuration its log says was in
  // force at the store's applied index (what a restart or a snapshot sent
  // from it relies on).
  auto kv = config::inspect_store(n.cfg);
  auto log = raft::inspect_log(n.raft);
  if (!kv || !log)
    return;
  auto applied = kv->applied().index;
  if (applied < log->snapshot().index || applied > log->last_index())
    return;
  auto want = core.config_at(applied);
  auto have = kv->config();
  if (!(have == want))
    fail("configuration disagreement: " + n.name + "'s state store names "
         + std::to_string(have.voters.size()) + " voters and "
         + std::to_string(have.learners.size())
         + " learners at its applied index " + std::to_string(applied)
         + ", its log " + std::to_string(want.voters.size()) + " and "
         + std::to_string(want.learners.size()));
}

namespace {

/// The term `img` holds durably at `i`: nullopt if it holds nothing there;
/// 0 if `i` is inside its snapshot (covered, term unknown).
std::optional<term_t> durable_term(const store::memory_log_image& img,
                                   log_index i) {
  if (i == img.snapshot.index)
    return img.snapshot.term;
  if (i < img.snapshot.index)
    return term_t{0};
  auto k = i - img.snapshot.index - 1;
  if (k >= img.entries.size())
    return std::nullopt;
  return img.entries[k].term;
}

} // namespace

void sim_cluster::check_claims(const raft::peer_batch& b) {
  auto i = index_of(b.from);
  if (i >= nodes_.size())
    return;
  auto& n = nodes_[i];
  auto& disk = state_of_disk(disk_);
  const auto& d = *disk.slots[n.id].durable;
  auto core = n.up ? raft::inspect_core(n.raft) : nullptr;
  auto log = n.up ? raft::inspect_log(n.raft) : nullptr;
  for (const auto& m : b.messages) {
    auto what = [&] {
      return n.name + "'s " + raft::to_string(m.type) + " of term "
             + std::to_string(m.term);
    };
    if (m.type != raft::message_type::pre_vote
        && m.type != raft::message_type::pre_vote_reply
        && d.hard.term < m.term)
      fail("durability: " + what() + " left while its disk holds term "
           + std::to_string(d.hard.term));
    if (m.type == raft::message_type::vote_reply && !m.reject
        && (d.hard.term != m.term || d.hard.voted_for != m.to))
      fail("durability: " + what() + " granted a vote its disk does not "
           + "hold");
    if (m.type == raft::message_type::append_reply && !m.reject && log
        && m.index >= log->snapshot().index && m.index <= log->last_index()) {
      auto t = durable_term(d, m.index);
      if (!t || (*t != 0 && *t != log->term_at(m.index)))
        fail("durability: " + what() + " acknowledged index "
             + std::to_string(m.index) + " before its disk held it");
    }
    if ((m.type == raft::message_type::append
         || m.type == raft::message_type::heartbeat)
        && m.commit > 0 && core && log && m.commit >= log->snapshot().index
        && m.commit <= log->last_index()) {
      // Committed means on a majority's disk, the same entry: a majority of
      // the configuration the leader counted with, which is the one in
      // force at that index or a later one (not necessarily the latest:
      // a leader that removes itself commits earlier entries counting
      // itself).
      auto want = log->term_at(m.commit);
      auto count = [&](const raft::configuration& c, std::string& disks) {
        std::size_t holders = 0;
        for (const auto& v : c.voters) {
          auto slot = disk.slots.find(v.id);
          if (slot == disk.slots.end())
            continue;
          const auto& img = *slot->second.durable;
          auto t = durable_term(img, m.commit);
          if (t && (*t == 0 || *t == want))
            ++holders;
          disks += " " + v.name + ":(" + std::to_string(img.snapshot.index)
                   + ", "
                   + std::to_string(img.snapshot.index + img.entries.size())
                   + "] term " + (t ? std::to_string(*t) : std::string("-"));
        }
        return holders >= c.quorum();
      };
      std::string disks;
      auto then = core->config_at(m.commit);
      if (!count(then, disks) && !count(core->config(), disks))
        fail("durability: " + what() + " says index "
             + std::to_string(m.commit) + " (term " + std::to_string(want)
             + ") is committed, but no majority holds it on disk:" + disks);
    }
  }
}

void sim_cluster::check_step() {
  for (auto& e : registry_->violations)
    fail(e);
  registry_->violations.clear();
  auto& disk = state_of_disk(disk_);
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    auto& n = nodes_[i];
    if (!n.up)
      continue;
    if (disk.crashing.count(n.id) > 0) {
      // It died in its fsync window: finish the crash.
      disk.crashing.erase(n.id);
      crash(i, rng_.chance(opts_.mix.power_cut));
      continue;
    }
    if (!n.damaged_key.empty() && terminated(n.cfg)) {
      // It met its damaged record: it must have stopped naming it.
      if (n.last_fatal.find("corrupt") == std::string::npos
          || n.last_fatal.find(n.damaged_key) == std::string::npos)
        fail(n.name + " stopped, but not on its damaged record of "
             + n.damaged_key + ": " + n.last_fatal);
      n.damaged_key.clear();
      crash(i, false);
      --result_.crashes;
      n.corrupt = true;
      push_recovery(i);
      continue;
    }
    if (terminated(n.raft) || terminated(n.cfg)) {
      fail(n.name + " stopped unexpectedly" + (n.last_fatal.empty() ? std::string() : ": " + n.last_fatal));
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
    // The log forgets entries only once the state store holds them.
    auto& seen = compacted_[n.id];
    if (log->snapshot().index > seen) {
      seen = log->snapshot().index;
      if (auto kv = config::inspect_store(n.cfg);
          kv && kv->applied().index < seen)
        fail(n.name + " compacted its log through " + std::to_string(seen)
             + " while its state store holds only through "
             + std::to_string(kv->applied().index));
    }
    if (result_.steps >= n.next_config_check) {
      n.next_config_check = result_.steps + 64;
      check_config_agreement(n, *core);
    }
    // Election safety: at most one leader per term, ever. A leader counts
    // once its term is durable: one that dies before that sent nothing of
    // that term (log matching checks that), and may lose the term itself.
    if (core->current_role() == raft::role::leader
        && core->hard_state_durable()) {
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
      new_candidate_ = i;
    if (core->current_role() == raft::role::leader
        && (n.last_role != raft::role::leader || n.last_term != core->term()))
      new_leader_ = i;
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

void sim_cluster::liveness_phase() {
  // Faults stop; a random minimal quorum of the latest configuration's
  // healthy voters runs, fully connected, the rest stays down. It must
  // elect a leader that commits an entry of its term within the bound.
  auto& net = state_of(net_);
  net.group.clear();
  net.cut.clear();
  partitioned_ = false;
  net.faults = net_faults{};
  leader_crash_at_.reset();
  aim_vote_crash_until_.reset();
  aim_sync_crash_.reset();
  scheduled_crashes_.clear();
  quick_restart_.clear();
  // The configurations members hold (they may disagree while a change is
  // not committed everywhere).
  std::vector<raft::configuration> configs;
  for (std::size_t i = 0; i < nodes_.size(); ++i)
    if (!nodes_[i].retired && !nodes_[i].corrupt) {
      auto c = member_config(i);
      if (!c.voters.empty()
          && std::find(configs.begin(), configs.end(), c) == configs.end())
        configs.push_back(std::move(c));
    }
  std::vector<std::size_t> healthy;
  for (std::size_t i = 0; i < nodes_.size(); ++i)
    if (!nodes_[i].retired && !nodes_[i].corrupt
        && nodes_[i].damaged_key.empty())
      healthy.push_back(i);
  auto is_quorum = [&](const std::vector<std::size_t>& q) {
    for (const auto& c : configs) {
      std::size_t votes = 0;
      for (auto i : q)
        votes += c.is_voter(nodes_[i].id) ? 1 : 0;
      if (votes < c.quorum())
        return false;
    }
    return true;
  };
  if (configs.empty() || !is_quorum(healthy)) {
    // Recovering a member (or every member down): nothing to require yet.
    run_for(opts_.liveness, phase::liveness);
    return;
  }
  if (configs.size() == 1) {
    // Shuffle, then keep the shortest prefix that is a quorum.
    for (std::size_t k = healthy.size(); k > 1; --k)
      std::swap(healthy[k - 1], healthy[rng_.below(k)]);
    std::vector<std::size_t> chosen;
    for (auto i : healthy) {
      chosen.push_back(i);
      if (is_quorum(chosen))
        break;
    }
    healthy = chosen;
  }
  // why: while members disagree on the configuration (a change reached
  // some, not others), a minimal quorum of each may still elect no one:
  // the one up-to-date member may hold itself a learner and the others
  // cannot outvote its log (Raft, as etcd: learners vote, never campaign).
  // Then all healthy members run.
  std::set<std::size_t> quorum(healthy.begin(), healthy.end());
  auto t0 = now();
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    auto& n = nodes_[i];
    if (quorum.count(i) > 0) {
      n.restart_at = t0;
    } else {
      if (n.up)
        crash(i, false);
      n.restart_at = time_point::max();
    }
  }
  phase_ = phase::liveness;
  auto until = t0 + opts_.liveness;
  while (now() < until && result_.violations.size() < 10) {
    if (!step())
      break;
    maybe_restart();
    check_step();
    auto l = find_leader();
    if (!l || quorum.count(*l) == 0)
      continue;
    auto core = raft::inspect_core(nodes_[*l].raft);
    auto log = raft::inspect_log(nodes_[*l].raft);
    if (core && log && core->commit_index() >= log->snapshot().index
        && log->term_at(core->commit_index()) == core->term()) {
      result_.liveness_ms
        = std::chrono::duration_cast<std::chrono::milliseconds>(now() - t0)
            .count();
      break;
    }
  }
  if (result_.liveness_ms < 0 && std::getenv("GD_SIM_DEBUG")) {
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
      auto& n = nodes_[i];
      auto c = member_config(i);
      std::cerr << n.name << (n.up ? " up" : " down") << " voters=";
      for (auto& v : c.voters)
        std::cerr << v.name << ",";
      std::cerr << " learners=";
      for (auto& v : c.learners)
        std::cerr << v.name << ",";
      if (auto core = n.up ? raft::inspect_core(n.raft) : nullptr)
        std::cerr << " role=" << raft::to_string(core->current_role())
                  << " term=" << core->term() << " last=" << core->last_index()
                  << " lastterm=" << raft::inspect_log(n.raft)->term_at(core->last_index())
                  << " commit=" << core->commit_index();
      std::cerr << "\n";
    }
  }
  if (result_.liveness_ms < 0) {
    std::string members;
    for (auto i : quorum)
      members += " " + nodes_[i].name;
    fail("liveness: the connected quorum {" + members
         + " } elected no leader that committed within "
         + std::to_string(opts_.liveness.count()) + " ms");
  }
  // Everyone else comes back.
  for (auto& n : nodes_)
    if (!n.up)
      n.restart_at = now();
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
        auto l = raft::inspect_log(n.raft);
        std::cerr << n.name << " role=" << raft::to_string(c->current_role())
                  << " term=" << c->term() << " commit=" << c->commit_index()
                  << " snap=" << l->snapshot().index << "/"
                  << l->snapshot().term << " last=" << c->last_index()
                  << "/" << l->term_at(c->last_index()) << " applied="
                  << (kv ? kv->applied().index : 0) << "\n";
        for (const auto& p : c->peers())
          std::cerr << "  peer " << p.id << " match=" << p.match
                    << " next=" << p.next << " state="
                    << raft::to_string(p.state) << "\n";
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
    check_config_agreement(n, *core);
    if (!reference && n.damaged_key.empty()) {
      reference = kv;
      reference_name = n.name;
      continue;
    }
    if (!n.damaged_key.empty())
      continue; // it never met its damaged record: nothing to compare
    kv::range_request all;
    all.range = {std::string(1, '\0'), std::string(1, '\0')};
    auto a = reference->range(all);
    auto b = kv->range(all);
    if (a.kvs != b.kvs || reference->applied().revision != kv->applied().revision)
      fail("state machines diverge: " + reference_name + " and " + n.name
           + " hold different keys or revisions");
  }
  if (!reference)
    return;
  check_fleet(*reference);
  // No acknowledged write lost: every unique key acknowledged is there.
  std::size_t lost = 0;
  std::string example;
  for (const auto& key : env_->acked_unique) {
    kv::range_request r;
    r.range.key = key;
    if (reference->range(r).kvs.empty()) {
      if (lost++ == 0)
        example = key;
    }
  }
  if (lost > 0)
    fail(std::to_string(lost) + " acknowledged writes lost (e.g. " + example
         + ")");
}

run_result sim_cluster::run() {
  run_for(opts_.duration, phase::faults);
  next_partition_ = time_point::max();
  next_crash_ = time_point::max();
  next_window_crash_ = time_point::max();
  liveness_phase();
  // Heal: everyone back; clients finish what they started.
  env_->stop = true;
  run_for(opts_.settle, phase::settle);
  if (env_->outstanding > 0)
    fail(std::to_string(env_->outstanding)
         + " client operations never completed");
  // A last linearizable read of every key, into the history.
  std::vector<std::string> keys;
  for (int k = 0; k < opts_.keys; ++k)
    keys.push_back("k" + std::to_string(k));
  if (opts_.mix.cluster_ops && env_->cluster_ready)
    for (int k = 0; k < 3; ++k)
      keys.push_back(option_register("user.sim.k" + std::to_string(k)));
  auto reader = spawn_final_reader(*sys_, env_, keys, derive(opts_.seed, 98));
  clients_.push_back(reader);
  // why: a member may meet its damaged record only now; its recovery
  // (remove, empty, add back) must finish too.
  auto until = now() + 30s;
  while ((env_->final_reads + env_->final_read_failures < keys.size()
          || !admin_steps_.empty())
         && now() < until && result_.violations.size() < 10) {
    if (!step())
      break;
    maybe_restart();
    maybe_admin();
    check_step();
  }
  if (env_->final_reads < keys.size())
    fail("final reads: only " + std::to_string(env_->final_reads) + " of "
         + std::to_string(keys.size()) + " keys could be read");
  if (!admin_steps_.empty())
    fail(std::to_string(admin_steps_.size())
         + " membership changes never completed");
  check_final();
  result_.trace_hash = state_of(net_).trace ^ env_->trace;
  result_.messages_delivered = state_of(net_).delivered;
  result_.messages_dropped = state_of(net_).dropped;
  result_.ops_ok = env_->ops_ok;
  result_.ops_unknown = env_->ops_unknown;
  result_.cluster_ok = env_->cluster_ok;
  result_.linearizability = test::check_kv_history(env_->history.ops());
  return result_;
}

} // namespace

run_result run_simulation(const run_options& opts) {
  sim_cluster c(opts);
  return c.run();
}

} // namespace gd::sim
