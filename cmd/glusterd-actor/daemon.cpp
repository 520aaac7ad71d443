#include "cmd/glusterd-actor/daemon.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <poll.h>
#include <set>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <capnp/ez-rpc.h>
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>
#include <xxhash.h>

#include "actors/config/config_actor.hpp"
#include "actors/membership/membership_actor.hpp"
#include "actors/raft/raft_actor.hpp"
#include "actors/rpc/peer_pool.hpp"
#include "actors/rpc/rpc_node.hpp"
#include "cmd/glusterd-actor/cluster_keys.hpp"
#include "cmd/glusterd-actor/data_dir.hpp"
#include "cmd/glusterd-actor/logger.hpp"
#include "protocol/kv_capnp.hpp"
#include "protocol/management.capnp.h"
#include "protocol/monitor.capnp.h"
#include "protocol/records_capnp.hpp"
#include "protocol/uuid.hpp"
#include "store/bootstrap.hpp"
#include "store/lmdb_raft_log.hpp"

namespace gd::daemon {

namespace {

constexpr const char* version = "0.1.0";

std::string host_of(const std::string& address) {
  return rpc::split_address(address).first;
}

void check_address(const std::string& address, const std::string& flag) {
  try {
    rpc::split_address(address);
  } catch (const std::invalid_argument& e) {
    throw usage_error(flag + ": " + e.what());
  }
}

/// Parses NAME=HOST:PORT,... into a configuration of voters.
raft::configuration parse_initial_cluster(const std::string& text) {
  raft::configuration c;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto comma = text.find(',', start);
    auto item = text.substr(start, comma == std::string::npos ? std::string::npos
                                                              : comma - start);
    auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == item.size())
      throw usage_error("--initial-cluster: entry '" + item
                        + "' is not NAME=HOST:PORT");
    raft::member m;
    m.name = item.substr(0, eq);
    m.address = item.substr(eq + 1);
    m.id = raft::member_id_of(m.name);
    check_address(m.address, "--initial-cluster");
    c.voters.push_back(m);
    if (comma == std::string::npos)
      break;
    start = comma + 1;
  }
  if (auto err = c.validate(); !err.empty())
    throw usage_error("--initial-cluster: " + err);
  return c;
}

/// The cluster id of a bootstrap: a hash of the token and the members, so
/// every member given the same flags computes the same id.
std::uint64_t cluster_id_of(const raft::configuration& c,
                            const std::string& token) {
  std::vector<std::string> parts;
  for (const auto& m : c.voters)
    parts.push_back(m.name + "=" + m.address);
  std::sort(parts.begin(), parts.end());
  std::string all = token;
  for (const auto& p : parts)
    all += "\n" + p;
  auto id = XXH64(all.data(), all.size(), 0);
  return id == 0 ? 1 : id;
}

/// The cluster id and secret of the cluster --join names, given for
/// --join-token.
join_grant join_grant_of(const options& o) {
  if (o.join_token.empty())
    throw usage_error("--join needs --join-token TOKEN: print one on a "
                      "monitor of the cluster with `glusterd-actor "
                      "--data-dir ITS-DIR --print-join-token`");
  return fetch_join_grant(o.join, o.join_token);
}

/// Asks the cluster (through the daemon at `address`) to add this monitor.
void add_self(const std::string& address, const raft::member& me) {
  auto [host, port] = rpc::split_address(address);
  try {
    capnp::EzRpcClient client(host, port);
    auto mgmt = client.getMain<proto::schema::Management>();
    auto req = mgmt.monitorRequest().send().getMonitor().addMemberRequest();
    proto::to_capnp(me, req.initMember());
    auto resp = client.getIoProvider()
                  .getTimer()
                  .timeoutAfter(60 * kj::SECONDS, req.send())
                  .wait(client.getWaitScope());
    auto res = resp.getResult();
    if (res.isFailure()) {
      auto st = proto::from_capnp(res.getFailure());
      // A retry after a lost answer finds itself added already.
      if (st.code == status_code::exists)
        return;
      throw std::runtime_error("the cluster refused to add this monitor: "
                               + st.message);
    }
  } catch (const kj::Exception& e) {
    throw std::runtime_error("cannot join through " + address + ": "
                             + e.getDescription().cStr());
  }
}

/// Wakes the main thread when a monitor actor dies of an error.
caf::behavior supervisor(caf::event_based_actor* self, int wake_fd,
                         std::vector<caf::actor_addr> watched,
                         std::vector<caf::strong_actor_ptr> targets) {
  for (auto& t : targets)
    self->monitor(t);
  self->set_down_handler([self, wake_fd](caf::down_msg& dm) {
    if (dm.reason && dm.reason != caf::exit_reason::user_shutdown
        && dm.reason != caf::exit_reason::kill) {
      log(log_level::error, "daemon",
          "a monitor actor stopped: " + self->system().render(dm.reason));
      std::uint64_t one = 1;
      if (::write(wake_fd, &one, sizeof(one)) < 0) {
        // nop: nothing else to do
      }
    }
  });
  (void)watched;
  return {
    [](int) {
      // nop: only here to keep the actor alive
    },
  };
}

/// Best effort: hand leadership to the most up-to-date voter before
/// stopping, so clients see no election timeout.
void hand_over_leadership(caf::actor_system& sys, const raft::raft_actor& r) {
  caf::scoped_actor self{sys};
  std::optional<raft::raft_status> st;
  self->request(r, std::chrono::seconds(2), raft::status_query{})
    .receive([&](raft::raft_status& s) { st = std::move(s); },
             [](caf::error&) {});
  if (!st || st->current_role != raft::role::leader)
    return;
  raft::member_id best = raft::no_member;
  raft::log_index best_match = 0;
  for (const auto& p : st->peers)
    if (p.voter && p.recent_active && p.match >= best_match) {
      best = p.id;
      best_match = p.match;
    }
  if (best == raft::no_member)
    return;
  log(log_level::info, "daemon", "handing leadership over before stopping");
  self->request(r, std::chrono::seconds(3), raft::transfer_cmd{best})
    .receive([](gd::status&) {}, [](caf::error&) {});
}

/// Sends each actor an exit and waits (up to 30 s) until all have stopped.
void stop_and_wait(caf::actor_system& sys, std::vector<caf::actor> actors) {
  caf::scoped_actor self{sys};
  std::size_t waiting = 0;
  for (auto& a : actors) {
    if (!a)
      continue;
    self->monitor(a);
    self->send_exit(a, caf::exit_reason::user_shutdown);
    ++waiting;
  }
  for (; waiting > 0; --waiting) {
    bool timed_out = false;
    self->receive([](caf::down_msg&) {},
                  caf::after(std::chrono::seconds(30)) >> [&] {
                    timed_out = true;
                  });
    if (timed_out) {
      log(log_level::warn, "daemon", "a monitor actor did not stop in 30 s");
      return;
    }
  }
}

} // namespace

std::size_t parse_size(const std::string& text, const std::string& flag) {
  if (text.empty())
    throw usage_error(flag + " is empty");
  std::size_t used = 0;
  unsigned long long n = 0;
  try {
    n = std::stoull(text, &used);
  } catch (const std::exception&) {
    throw usage_error(flag + ": '" + text + "' is not a size (e.g. 512M, 1G)");
  }
  auto suffix = text.substr(used);
  unsigned long long mult = 1;
  if (suffix == "K" || suffix == "k" || suffix == "KiB")
    mult = 1ULL << 10;
  else if (suffix == "M" || suffix == "m" || suffix == "MiB")
    mult = 1ULL << 20;
  else if (suffix == "G" || suffix == "g" || suffix == "GiB")
    mult = 1ULL << 30;
  else if (!suffix.empty())
    throw usage_error(flag + ": unknown unit '" + suffix + "' in '" + text
                      + "' (use K, M or G)");
  return static_cast<std::size_t>(n * mult);
}

/// Raises the soft limit on open descriptors to the hard limit (every
/// connection is one) and warns if it stays below what `max_connections`
/// needs. Returns the soft limit in force.
rlim_t raise_descriptor_limit(std::size_t max_connections) {
  rlimit r{};
  if (::getrlimit(RLIMIT_NOFILE, &r) != 0)
    return 0;
  if (r.rlim_cur < r.rlim_max) {
    auto wanted = r;
    wanted.rlim_cur = r.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &wanted) == 0)
      r = wanted;
  }
  // why: the stores, the log, listeners, peer links and the threads' own
  // descriptors come on top of the served connections.
  constexpr rlim_t reserve = 256;
  if (r.rlim_cur != RLIM_INFINITY && r.rlim_cur < max_connections + reserve)
    log(log_level::warn, "daemon",
        "the descriptor limit is " + std::to_string(r.rlim_cur)
          + " (hard limit " + std::to_string(r.rlim_max)
          + "): below --max-connections " + std::to_string(max_connections)
          + " + " + std::to_string(reserve)
          + "; new connections fail (and are retried) once it is reached. "
            "Raise it (ulimit -n, LimitNOFILE=) or lower --max-connections");
  return r.rlim_cur;
}

int run(const options& o) {
  log_level lvl;
  if (!parse_log_level(o.log_level, lvl))
    throw usage_error("--log-level must be debug, info, warn or error, not '"
                      + o.log_level + "'");
  set_log_level(lvl);
  if (o.tick_ms < 1)
    throw usage_error("--tick-ms must be at least 1");
  if (o.heartbeat_ticks < 1 || o.election_ticks <= o.heartbeat_ticks)
    throw usage_error("--election-ticks must exceed --heartbeat-ticks (>= 1)");
  if (o.map_size < (std::size_t{16} << 20))
    throw usage_error("--map-size must be at least 16M");
  auto listen = o.listen.empty() ? std::vector<std::string>{"0.0.0.0:24007"}
                                 : o.listen;
  for (const auto& l : listen)
    check_address(l, "--listen");
  auto advertise = o.advertise.empty() ? listen.front() : o.advertise;
  check_address(advertise, "--advertise");
  auto advertised_host = host_of(advertise);
  if (advertised_host == "0.0.0.0" || advertised_host == "::")
    throw usage_error("listening on every address needs --advertise HOST:PORT "
                      "(the address other daemons reach this one at)");
  auto name = o.name.empty() ? advertised_host : o.name;
  if (!o.initial_cluster.empty() && !o.join.empty())
    throw usage_error("use --initial-cluster (start a cluster) or --join "
                      "(join one), not both");
  if ((!o.initial_cluster.empty() || !o.join.empty()) && !o.monitor)
    throw usage_error("--initial-cluster and --join are for monitors: add "
                      "--monitor");
  if (!o.join.empty())
    check_address(o.join, "--join");
  if (o.checkin_interval_ms < 10 || o.checkin_interval_ms > 600000)
    throw usage_error("--checkin-interval must be 10 to 600000 ms");
  if (o.monitor && o.lease_ms < 2 * o.checkin_interval_ms)
    throw usage_error("--lease (" + std::to_string(o.lease_ms)
                      + " ms) must be at least twice --checkin-interval ("
                      + std::to_string(o.checkin_interval_ms) + " ms)");
  if (o.up_after_ms < 0)
    throw usage_error("--up-after must not be negative");
  if (o.bricks == "on" && ::access(o.glusterfsd.c_str(), X_OK) != 0)
    throw usage_error("--glusterfsd " + o.glusterfsd
                      + " is not an executable (install Debian's "
                        "glusterfs-server, or run with --bricks off)");
  raise_descriptor_limit(o.max_connections);

  // why: block the stop signals before any thread starts, so only the
  // signalfd below sees them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  int signal_fd = ::signalfd(-1, &stop_signals, SFD_CLOEXEC);
  int wake_fd = ::eventfd(0, EFD_CLOEXEC);
  if (signal_fd < 0 || wake_fd < 0) {
    log(log_level::error, "daemon",
        std::string("cannot watch signals: ") + std::strerror(errno));
    return 1;
  }

  std::unique_ptr<data_dir> dir;
  identity me;
  std::unique_ptr<store::lmdb_raft_log> raft_log;
  std::unique_ptr<store::state_root> state;
  std::unique_ptr<store::kv_store> kv;
  bool must_join = false;
  std::optional<membership::key> secret;
  std::optional<membership::key> credential;
  store::kv_store_options kv_opts;
  kv_opts.map_size = o.map_size;
  try {
    dir = std::make_unique<data_dir>(o.data_dir);
    auto stored = dir->load_identity();
    if (stored) {
      me = *stored;
      if (!o.name.empty() && o.name != me.name)
        throw usage_error("the data directory " + o.data_dir
                          + " belongs to '" + me.name + "', not '" + o.name
                          + "'");
      if (me.monitor && !o.monitor)
        throw usage_error("the data directory " + o.data_dir
                          + " holds a monitor: start it with --monitor");
      if (me.monitor && me.address != advertise)
        throw usage_error("monitor '" + me.name + "' was at " + me.address
                          + ", not " + advertise
                          + "; a monitor cannot move: remove it and add it "
                            "back at the new address");
      me.address = advertise;
      if (o.monitor)
        me.monitor = true;
    } else {
      me.name = name;
      me.address = advertise;
      me.monitor = o.monitor;
    }
    if (me.uuid.empty())
      me.uuid = random_uuid();
    if (me.monitor) {
      store::lmdb_raft_log_options lo;
      lo.map_size = o.map_size;
      raft_log = std::make_unique<store::lmdb_raft_log>(dir->sub("raft"), lo);
      state = std::make_unique<store::state_root>(dir->sub("state"));
      kv = state->open_current(kv_opts);
      dir->sub("snapshots");
      bool blank = raft_log->last_index() == 0
                   && raft_log->snapshot().config.voters.empty()
                   && raft_log->snapshot().config.learners.empty()
                   && kv->applied().index == 0;
      if (blank && me.cluster_id == 0) {
        if (!o.initial_cluster.empty()) {
          auto config = parse_initial_cluster(o.initial_cluster);
          auto self = config.find(raft::member_id_of(me.name));
          if (!self)
            throw usage_error("--initial-cluster does not list this daemon ('"
                              + me.name + "'; see --name)");
          if (self->address != me.address)
            throw usage_error("--initial-cluster gives '" + me.name
                              + "' the address " + self->address
                              + ", but this daemon is at " + me.address);
          secret = bootstrap_secret(o.cluster_secret_file,
                                    config.voters.size());
          save_cluster_secret(o.data_dir, *secret);
          store::bootstrap_member(*raft_log, *kv, config);
          me.cluster_id = cluster_id_of(config, o.cluster_token);
          log(log_level::info, "daemon",
              "bootstrapped a new cluster of " + std::to_string(config.voters.size())
                + " monitors");
        } else if (!o.join.empty()) {
          if (o.join == me.address)
            throw usage_error("--join names this daemon itself");
          auto grant = join_grant_of(o);
          me.cluster_id = grant.cluster_id;
          secret = grant.secret;
          save_cluster_secret(o.data_dir, *secret);
          must_join = true;
        } else {
          throw usage_error("a new monitor needs --initial-cluster "
                            "NAME=HOST:PORT,... (to start a cluster) or "
                            "--join HOST:PORT (to join a running one)");
        }
      } else if (me.cluster_id == 0) {
        // A join that did not finish: the cluster may have added this
        // monitor (its log is not blank), but the join was never recorded.
        if (o.join.empty())
          throw usage_error("this monitor's join did not complete (its data "
                            "directory holds a log but names no cluster): "
                            "start it again with --join HOST:PORT");
        if (o.join == me.address)
          throw usage_error("--join names this daemon itself");
        auto grant = join_grant_of(o);
        me.cluster_id = grant.cluster_id;
        secret = grant.secret;
        save_cluster_secret(o.data_dir, *secret);
        must_join = true;
      } else if (!o.initial_cluster.empty() || !o.join.empty()) {
        log(log_level::info, "daemon",
            "the data directory holds a member already; ignoring "
            "--initial-cluster and --join");
      }
      if (!secret) {
        secret = load_cluster_secret(o.data_dir);
        if (!secret)
          throw std::runtime_error(
            o.data_dir + "/cluster.secret is missing: copy it (mode 0600) from "
            "another monitor of this cluster");
      }
    } else {
      credential = load_credential(o.data_dir);
    }
    // why: a join is all-or-nothing on disk: the cluster id is recorded
    // only once the cluster added this monitor, so a failed join leaves the
    // data directory as it was and the same command can be retried.
    auto durable_identity = me;
    if (must_join)
      durable_identity.cluster_id = 0;
    dir->save_identity(durable_identity);
  } catch (const usage_error&) {
    throw;
  } catch (const std::exception& e) {
    log(log_level::error, "daemon", std::string("refusing to start: ") + e.what());
    return 1;
  }

  int exit_code = 0;
  {
    caf::actor_system_config cfg;
    // why: idle CAF workers otherwise sleep 50 us between polls and miss
    // new work (toolchain notes, §3).
    cfg.set("work-stealing.aggressive-poll-attempts", std::size_t{0});
    cfg.set("work-stealing.moderate-poll-attempts", std::size_t{0});
    if (!me.monitor) {
      // why: an agent runs almost no actors; one worker that sleeps on its
      // condition variable (woken by new work, else once a second) keeps an
      // idle agent near 0% CPU (4 workers waking every 10 ms cost ~0.6% of
      // a core each: `./dev bench volumes` with 300 agents on 2 cores).
      cfg.set("scheduler.max-threads", std::size_t{1});
      cfg.set("work-stealing.relaxed-sleep-duration",
              caf::timespan{std::chrono::seconds(1)});
    }
    caf::actor_system sys{cfg};

    rpc::rpc_node_config rc;
    rc.self.name = me.name;
    rc.self.id = raft::member_id_of(me.name);
    rc.self.address = me.address;
    rc.self.cluster_id = me.cluster_id;
    rc.self.monitor = me.monitor;
    rc.self.version = version;
    rc.self.uuid = me.uuid;
    rc.monitors = me.monitors;
    rc.listen = listen;
    rc.max_connections = o.max_connections;
    rc.secret = secret;
    rc.credential = credential;
    rc.checkin_interval = std::chrono::milliseconds(o.checkin_interval_ms);
    node::brick_agent_settings bricks;
    bricks.supervise = o.bricks == "on";
    bricks.glusterfsd = o.glusterfsd;
    bricks.data_dir = o.data_dir;
    bricks.base_port = o.brick_base_port;
    rc.bricks = bricks;
    rc.save_credential = [data = o.data_dir](
                           const std::optional<membership::key>& k) {
      return save_credential(data, k);
    };
    // why: only the KJ thread calls it (Management.adopt / release), so
    // its copy of the identity needs no lock.
    auto saved = std::make_shared<identity>(me);
    auto* dir_ptr = dir.get();
    rc.save_membership = [saved, dir_ptr](std::uint64_t cluster_id,
                                          const std::vector<std::string>& monitors)
      -> std::string {
      auto next = *saved;
      next.cluster_id = cluster_id;
      next.monitors = monitors;
      try {
        dir_ptr->save_identity(next);
      } catch (const std::exception& e) {
        return e.what();
      }
      *saved = next;
      log(log_level::info, "daemon",
          cluster_id == 0 ? "left the cluster"
                          : "joined cluster " + std::to_string(cluster_id));
      return {};
    };
    // why: the RPC side logs through one function; the node agent's routine
    // events (a brick started, a role taken, a volfile pushed) are news,
    // not warnings.
    rc.log = [](const std::string& s) {
      static const char* const routine[] = {
        "bricks: started ", "bricks: adopted ", "bricks: stopping ",
        "roles: ", "scheduler: assigned ", "scheduler: model copy: loaded ",
        "model copy: loaded ", "volfile ",
      };
      bool info = std::any_of(std::begin(routine), std::end(routine),
                              [&s](const char* p) { return s.rfind(p, 0) == 0; });
      log(info ? log_level::info : log_level::warn, "rpc", s);
    };
    std::unique_ptr<rpc::rpc_node> node;
    try {
      node = std::make_unique<rpc::rpc_node>(sys, rc);
    } catch (const std::exception& e) {
      log(log_level::error, "daemon", e.what());
      return 1;
    }

    raft::raft_actor raft;
    config::config_actor config;
    membership::membership_actor members;
    caf::actor sup;
    if (me.monitor) {
      auto applied = kv->applied();
      auto applied_config = kv->config();
      config::config_actor_config cc;
      cc.store = kv_opts;
      cc.on_event = [](const std::string& s) { log(log_level::info, "config", s); };
      cc.on_warning = [](const std::string& s) { log(log_level::warn, "config", s); };
      config = config::spawn_config(sys, cc, std::move(state), std::move(kv));
      raft::raft_actor_config rcfg;
      rcfg.node.id = raft::member_id_of(me.name);
      rcfg.node.election_ticks = o.election_ticks;
      rcfg.node.heartbeat_ticks = o.heartbeat_ticks;
      // why: every incarnation needs its own seed (raft::node_options::seed);
      // a pid can repeat across restarts.
      std::random_device entropy;
      rcfg.node.seed = (std::uint64_t{entropy()} << 32) ^ entropy()
                       ^ rcfg.node.id;
      rcfg.name = me.name;
      rcfg.tick_interval = std::chrono::milliseconds(o.tick_ms);
      rcfg.snapshot_dir = o.data_dir + "/snapshots";
      rcfg.compact_min_entries = o.snapshot_entries;
      rcfg.compact_keep_entries = std::max<std::size_t>(o.snapshot_entries / 2, 1);
      rcfg.on_event = [](const std::string& s) { log(log_level::info, "raft", s); };
      rcfg.on_warning = [](const std::string& s) { log(log_level::warn, "raft", s); };
      rcfg.send_batch = node->batch_sender();
      try {
        raft = raft::spawn_raft(sys, rcfg, std::move(raft_log), applied,
                                applied_config, node->transport(), config);
      } catch (const std::exception& e) {
        log(log_level::error, "daemon", std::string("refusing to start: ") + e.what());
        caf::anon_send_exit(config, caf::exit_reason::user_shutdown);
        return 1;
      }
      caf::anon_send(config, raft);
      membership::membership_config mc;
      mc.leases.lease = o.lease_ms;
      mc.leases.up_after = o.up_after_ms;
      mc.digest_period = rc.digest_interval.count();
      mc.name = me.name;
      mc.secret = *secret;
      mc.board = std::make_shared<membership::admission_board>();
      mc.log = [](const std::string& s) { log(log_level::info, "membership", s); };
      auto board = mc.board;
      members = membership::spawn_membership(sys, mc, raft, config);
      node->attach(raft, config, members, board);
      sup = sys.spawn(supervisor, wake_fd, std::vector<caf::actor_addr>{},
                      std::vector<caf::strong_actor_ptr>{
                        caf::actor_cast<caf::strong_actor_ptr>(raft),
                        caf::actor_cast<caf::strong_actor_ptr>(config),
                        caf::actor_cast<caf::strong_actor_ptr>(members)});
    }
    log(log_level::info, "daemon",
        "'" + me.name + "' serving on " + listen.front()
          + (me.monitor ? " (monitor)"
             : me.cluster_id == 0
               ? " (agent; in no cluster yet: probe it from a member with "
                 "glcli peer probe " + host_of(me.address) + ")"
               : " (agent)"));

    if (must_join) {
      try {
        add_self(o.join, {raft::member_id_of(me.name), me.name, me.address});
        dir->save_identity(me);
        log(log_level::info, "daemon",
            "joined the cluster as a learner; the leader promotes this "
            "monitor once it has caught up");
      } catch (const std::exception& e) {
        log(log_level::error, "daemon", e.what());
        exit_code = 1;
      }
    }

    while (exit_code == 0) {
      pollfd fds[2] = {{signal_fd, POLLIN, 0}, {wake_fd, POLLIN, 0}};
      if (::poll(fds, 2, -1) < 0) {
        if (errno == EINTR)
          continue;
        break;
      }
      if (fds[0].revents & POLLIN) {
        signalfd_siginfo si{};
        if (::read(signal_fd, &si, sizeof(si)) > 0)
          log(log_level::info, "daemon",
              std::string("stopping on ") + strsignal(static_cast<int>(si.ssi_signo)));
        break;
      }
      if (fds[1].revents & POLLIN) {
        exit_code = 1;
        break;
      }
    }

    if (raft && exit_code == 0)
      hand_over_leadership(sys, raft);
    node->stop();
    if (sup)
      caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
    // why: the Raft actor calls into the RPC node (send_batch); it must be
    // gone before the node is destroyed. The config actor commits what it
    // applied on this stop.
    stop_and_wait(sys, {caf::actor_cast<caf::actor>(members),
                        caf::actor_cast<caf::actor>(raft),
                        caf::actor_cast<caf::actor>(config)});
    members = nullptr;
    raft = nullptr;
    config = nullptr;
    sup = nullptr;
    node.reset();
    sys.await_all_actors_done();
  }
  ::close(signal_fd);
  ::close(wake_fd);
  log(log_level::info, "daemon", exit_code == 0 ? "stopped" : "stopped after an error");
  return exit_code;
}

} // namespace gd::daemon
