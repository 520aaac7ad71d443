// volumes_bench: latency of gluster's volume commands as the cluster grows.
//
// Through the Cluster API of the client library (cmd/client), against one
// daemon (the monitor leader unless --target any):
//   1. probes the --peers agents into the pool (--probe-clients threads,
//      each with its own connection) and checks that peers() lists them;
//   2. for each stage (default 10, 100, 1000 volumes): creates volumes up to
//      that count, one after the other (replica 3, each brick on another
//      peer, round-robin: "HOST:/bricks/vNNNN/bK"), then measures, one
//      request at a time like an admin typing,
//        - `volume set NAME performance.io-thread-count N` on random
//          volumes, always to a value the volume does not have yet (a real
//          change: a Raft commit and a volfile version bump);
//        - `volume info NAME` (Cluster.volumes) on random volumes, checking
//          that the option read back is the one last set;
//        - `volume info all` once, checking it lists every volume;
//      and, with --clients > 1, the same `volume set` from that many
//      clients at once (throughput and latency under load).
// Prints one markdown table (p50/p99/mean per stage, create throughput),
// whether the target (p99 `volume set` <= 50 ms at every stage)
// holds, and one machine-readable RESULT line per stage.
//
// Every failed request is printed with the daemon's status and message and
// makes the exit status 1. A failed probe or create, or a transport error,
// ends the run (later stages would measure something else); failed samples
// are counted and the run goes on.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <variant>
#include <vector>

#include "cmd/bench/bench_flags.hpp"
#include "cmd/client/address.hpp"
#include "cmd/client/client.hpp"
#include "protocol/cluster_types.hpp"
#include "protocol/cluster_views.hpp"
#include "protocol/status.hpp"

namespace gd::bench {

using steady = std::chrono::steady_clock;

/// Command-line settings.
struct options {
  /// Monitors to ask for the leader (or, with target any, the daemon every
  /// request goes to: the first one).
  std::vector<std::string> endpoints{"127.20.0.1:24007", "127.20.0.2:24007",
                                     "127.20.0.3:24007"};
  /// The agents to probe, "HOST[:PORT]".
  std::vector<std::string> peer_hosts;
  /// Volume counts at which to measure, increasing.
  std::vector<std::uint64_t> stages{10, 100, 1000};
  /// Sequential samples per stage, of `volume set` and of `volume info`.
  std::uint64_t samples = 1000;
  /// Clients of the concurrent `volume set` phase (0 or 1: skip it).
  std::uint64_t clients = 8;
  /// Threads probing peers.
  std::uint64_t probe_clients = 4;
  std::uint32_t replica = 3;
  /// Volume names: PREFIX + zero-padded number.
  std::string prefix = "bench";
  /// Where requests go: the monitor leader, the first endpoint, or (after
  /// the probes, which go to the leader) the first peer, an agent that
  /// proxies them to the monitors, as an admin's `gluster` on a server.
  enum class target { leader, any, agent } to = target::leader;
  double wait_leader_s = 30;
  /// Per-request timeout.
  double timeout_s = 10;
  std::uint64_t seed = 1;
};

/// The option `volume set` changes: an integer in [1, 64], default 16
/// (actors/config/volume_options.cpp).
constexpr const char* set_key = "performance.io-thread-count";
constexpr int set_min = 1;
constexpr int set_max = 64;
constexpr int set_default = 16;

/// The target for p99 `volume set`, in ms.
constexpr double target_set_p99_ms = 50;

constexpr const char* usage_text =
  "usage: volumes_bench [--endpoints HOST:PORT[,...]]\n"
  "                     [--peers N [--peer-net A.B] | --peer-hosts H[,...]]\n"
  "                     [--volumes N | --stages N[,N...]] [--samples N]\n"
  "                     [--clients N] [--probe-clients N] [--replica N]\n"
  "                     [--prefix NAME] [--target leader|any|agent]\n"
  "                     [--wait-leader SEC] [--timeout SEC] [--seed N]\n"
  "\n"
  "  --endpoints      monitors (default 127.20.0.1-3:24007)\n"
  "  --peers          agents to probe: A.B.(1+i/250).(1+i%250), i < N\n"
  "                   (default 100, with --peer-net 127.20: 127.20.1.1-100)\n"
  "  --peer-hosts     the agents to probe, instead of --peers\n"
  "  --volumes        measure at 10, 100, ... up to N volumes (default 1000)\n"
  "  --stages         measure at exactly these volume counts\n"
  "  --samples        sequential samples of each command per stage\n"
  "                   (default 1000)\n"
  "  --clients        clients of the concurrent `volume set` phase\n"
  "                   (default 8; 0 or 1 skips it)\n"
  "  --probe-clients  threads probing peers (default 4)\n"
  "  --replica        bricks per volume, on distinct peers (default 3)\n"
  "  --prefix         volume name prefix (default bench)\n"
  "  --target         leader: send everything to the monitor leader\n"
  "                   (default); any: to the first endpoint; agent: probe\n"
  "                   through the leader, then send everything to the\n"
  "                   first peer (it proxies to the monitors)\n"
  "  --wait-leader    seconds to wait for a leader (default 30)\n"
  "  --timeout        per-request timeout in seconds (default 10)\n"
  "  --seed           random seed for the volumes and values picked\n";

constexpr bench::flag_parser flags{"volumes_bench", usage_text};

/// The hosts of --peers N: NET.(1 + i / 250).(1 + i % 250). bench_volumes.sh
/// starts its agents at the same addresses.
std::vector<std::string> peer_net_hosts(const std::string& net,
                                        std::uint64_t n) {
  std::vector<std::string> out;
  for (std::uint64_t i = 0; i < n; ++i)
    out.push_back(net + "." + std::to_string(1 + i / 250) + "."
                  + std::to_string(1 + i % 250));
  return out;
}

/// 10, 100, ... below `n`, then `n`.
std::vector<std::uint64_t> decade_stages(std::uint64_t n) {
  std::vector<std::uint64_t> out;
  for (std::uint64_t s = 10; s < n; s *= 10)
    out.push_back(s);
  out.push_back(n);
  return out;
}

options parse_options(int argc, char** argv) {
  options o;
  std::uint64_t peers = 100;
  std::string peer_net = "127.20";
  bool hosts_given = false;
  bool peers_given = false;
  bool stages_given = false;
  bool volumes_given = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg, value;
    flags.next(argc, argv, i, arg, value);
    if (arg == "--endpoints") {
      o.endpoints = split_commas(value);
      if (o.endpoints.empty())
        flags.fail("--endpoints is empty");
    } else if (arg == "--peers") {
      peers = flags.count(arg, value);
      peers_given = true;
    } else if (arg == "--peer-net") {
      peer_net = value;
    } else if (arg == "--peer-hosts") {
      o.peer_hosts = split_commas(value);
      hosts_given = true;
    } else if (arg == "--volumes") {
      auto n = flags.count(arg, value);
      if (n < 1)
        flags.fail("--volumes must be at least 1");
      o.stages = decade_stages(n);
      volumes_given = true;
    } else if (arg == "--stages") {
      o.stages.clear();
      for (auto& s : split_commas(value))
        o.stages.push_back(flags.count(arg, s));
      stages_given = true;
    } else if (arg == "--samples") {
      o.samples = flags.count(arg, value);
    } else if (arg == "--clients") {
      o.clients = flags.count(arg, value);
    } else if (arg == "--probe-clients") {
      o.probe_clients = flags.count(arg, value);
    } else if (arg == "--replica") {
      o.replica = static_cast<std::uint32_t>(flags.count(arg, value));
    } else if (arg == "--prefix") {
      o.prefix = value;
    } else if (arg == "--target") {
      if (value == "leader")
        o.to = options::target::leader;
      else if (value == "any")
        o.to = options::target::any;
      else if (value == "agent")
        o.to = options::target::agent;
      else
        flags.fail("--target must be leader, any or agent, not '" + value
                    + "'");
    } else if (arg == "--wait-leader") {
      o.wait_leader_s = flags.seconds(arg, value);
    } else if (arg == "--timeout") {
      o.timeout_s = flags.seconds(arg, value);
    } else if (arg == "--seed") {
      o.seed = flags.count(arg, value);
    } else {
      flags.fail("unknown option '" + arg + "'");
    }
  }
  if (hosts_given && peers_given)
    flags.fail("give --peers or --peer-hosts, not both");
  if (stages_given && volumes_given)
    flags.fail("give --volumes or --stages, not both");
  if (!hosts_given)
    o.peer_hosts = peer_net_hosts(peer_net, peers);
  if (o.stages.empty())
    flags.fail("--stages is empty");
  for (std::size_t i = 0; i < o.stages.size(); ++i)
    if (o.stages[i] < 1 || (i > 0 && o.stages[i] <= o.stages[i - 1]))
      flags.fail("--stages wants increasing counts of at least 1");
  if (o.replica < 1)
    flags.fail("--replica must be at least 1");
  if (o.peer_hosts.size() < o.replica)
    flags.fail("replica " + std::to_string(o.replica) + " needs at least "
                + std::to_string(o.replica) + " peers, not "
                + std::to_string(o.peer_hosts.size()));
  if (o.samples < 1)
    flags.fail("--samples must be at least 1");
  if (o.probe_clients < 1)
    flags.fail("--probe-clients must be at least 1");
  if (o.prefix.empty())
    flags.fail("--prefix is empty");
  return o;
}

double ms_since(steady::time_point t0) {
  return std::chrono::duration<double, std::milli>(steady::now() - t0)
    .count();
}

client::connection_options connection_options_for(const options& o) {
  client::connection_options c;
  auto ms = static_cast<std::int64_t>(o.timeout_s * 1000);
  c.connect_timeout = std::chrono::milliseconds(ms);
  c.call_timeout = std::chrono::milliseconds(ms);
  // why: the daemon gives up first, so its answer (timeout, unknown
  // outcome) arrives instead of a client-side deadline.
  c.server_timeout = std::chrono::milliseconds(ms * 4 / 5);
  return c;
}

/// "code: message" of a failed request.
std::string describe(const gd::status& st) {
  std::string out = to_string(st.code);
  if (!st.message.empty())
    out += ": " + st.message;
  if (st.code == status_code::not_leader && !st.leader.address.empty())
    out += " (leader: " + st.leader.address + ")";
  return out;
}

/// Latencies of one kind of request, in ms.
struct series {
  std::vector<double> ms;
  /// Wall time of the whole series, in ms (for throughput).
  double wall_ms = 0;

  bool empty() const { return ms.empty(); }

  /// Nearest-rank percentile; NaN if empty.
  double pct(double p) const {
    if (ms.empty())
      return std::nan("");
    auto sorted = ms;
    std::sort(sorted.begin(), sorted.end());
    auto rank = static_cast<std::size_t>(
      std::ceil(p * static_cast<double>(sorted.size())));
    return sorted[std::min(sorted.size(), std::max<std::size_t>(rank, 1)) - 1];
  }

  double mean() const {
    if (ms.empty())
      return std::nan("");
    double sum = 0;
    for (auto x : ms)
      sum += x;
    return sum / static_cast<double>(ms.size());
  }

  double max() const {
    return ms.empty() ? std::nan("")
                      : *std::max_element(ms.begin(), ms.end());
  }

  /// Requests per second over wall_ms.
  double rate() const {
    return wall_ms > 0 ? 1000.0 * static_cast<double>(ms.size()) / wall_ms
                       : std::nan("");
  }
};

/// What one stage measured.
struct stage_result {
  std::uint64_t volumes = 0;
  /// Creates made by this stage (from the previous stage's count).
  series create;
  series set;
  series info;
  double info_all_ms = std::nan("");
  std::uint64_t concurrent_clients = 0;
  series concurrent_set;
  std::uint64_t errors = 0;
};

/// One volume the bench made.
struct bench_volume {
  std::string name;
  /// Value of set_key now (set_default until set).
  int value = set_default;
};

class bench {
public:
  explicit bench(options o) : opt_(std::move(o)), rng_(opt_.seed) {
    // nop
  }

  /// Runs everything; returns the exit status.
  int run() {
    if (!pick_target())
      return 1;
    try {
      conn_.emplace(target_, connection_options_for(opt_));
    } catch (const client::client_error& e) {
      std::fprintf(stderr, "volumes_bench: %s\n", e.what());
      return 1;
    }
    bool ok = probe_peers() && check_peers() && switch_to_agent();
    std::string whom;
    if (opt_.to == options::target::agent)
      whom = " (an agent)";
    else if (!leader_name_.empty())
      whom = " (leader " + leader_name_ + ")";
    std::printf("volumes_bench: %zu peers, replica %u, stages",
                opt_.peer_hosts.size(), opt_.replica);
    for (auto s : opt_.stages)
      std::printf(" %llu", static_cast<unsigned long long>(s));
    std::printf(" volumes, %llu samples per command and stage; requests go "
                "to %s%s\n",
                static_cast<unsigned long long>(opt_.samples),
                target_.to_string().c_str(), whom.c_str());
    std::fflush(stdout);
    if (ok) {
      for (auto count : opt_.stages) {
        stage_result r;
        r.volumes = count;
        bool whole = run_stage(r);
        results_.push_back(std::move(r));
        if (!whole) {
          ok = false;
          break;
        }
      }
      complete_ = ok;
    }
    report();
    return ok && failures_ == 0 ? 0 : 1;
  }

private:
  // -- target ------------------------------------------------------------------

  /// Sets target_: the leader the monitors name, or the first endpoint.
  bool pick_target() {
    std::vector<client::address> eps;
    for (auto& e : opt_.endpoints) {
      try {
        eps.push_back(client::parse_address(e));
      } catch (const client::address_error& err) {
        flags.fail(std::string("--endpoints: ") + err.what());
      }
    }
    if (opt_.to == options::target::any) {
      target_ = eps.front();
      return true;
    }
    auto t0 = steady::now();
    std::string last = "no monitor named a leader";
    for (;;) {
      for (auto& ep : eps) {
        try {
          client::connection_options co;
          co.connect_timeout = std::chrono::seconds(2);
          co.call_timeout = std::chrono::seconds(2);
          client::connection c(ep, co);
          auto st = c.status();
          if (!st.ok()) {
            last = ep.to_string() + ": " + describe(st.st);
            continue;
          }
          std::string addr = st.value.leader.address;
          if (addr.empty() && st.value.role == "leader")
            addr = st.value.address;
          if (!addr.empty()) {
            target_ = client::parse_address(addr);
            leader_name_ = st.value.leader.name;
            return true;
          }
          last = ep.to_string() + ": answers, but knows no leader yet";
        } catch (const client::client_error& e) {
          last = e.what();
        } catch (const client::address_error& e) {
          last = ep.to_string() + " names a leader at an address that does "
                                  "not parse: " + e.what();
        }
      }
      if (ms_since(t0) >= opt_.wait_leader_s * 1000) {
        std::fprintf(stderr, "volumes_bench: no leader after %.1f s (last: "
                             "%s)\n",
                     opt_.wait_leader_s, last.c_str());
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  }

  /// With --target agent: moves conn_ and target_ to the first peer.
  bool switch_to_agent() {
    if (opt_.to != options::target::agent)
      return true;
    try {
      target_ = client::parse_address(opt_.peer_hosts.front());
      conn_.reset();
      conn_.emplace(target_, connection_options_for(opt_));
      return true;
    } catch (const client::address_error& e) {
      fail("connect to agent " + opt_.peer_hosts.front(), e.what());
    } catch (const client::client_error& e) {
      fail("connect to agent " + opt_.peer_hosts.front(), e.what());
    }
    return false;
  }

  // -- failures ----------------------------------------------------------------

  /// Prints a failed request and counts it (any failure makes the exit
  /// status 1). Thread-safe.
  void fail(const std::string& what, const std::string& why) {
    std::lock_guard<std::mutex> guard(print_mtx_);
    ++failures_;
    std::fprintf(stderr, "volumes_bench: %s: failed: %s\n", what.c_str(),
                 why.c_str());
  }

  // -- peers -------------------------------------------------------------------

  /// Probes every peer host, opt_.probe_clients at a time.
  bool probe_peers() {
    const auto& hosts = opt_.peer_hosts;
    auto threads_n = std::min<std::uint64_t>(opt_.probe_clients, hosts.size());
    std::atomic<std::size_t> next{0};
    std::atomic<bool> stop{false};
    std::mutex mtx;
    series lat;
    std::uint64_t already = 0;
    auto worker = [&] {
      std::optional<client::connection> c;
      try {
        c.emplace(target_, connection_options_for(opt_));
      } catch (const client::client_error& e) {
        fail("connect for peer probe", e.what());
        stop = true;
        return;
      }
      while (!stop) {
        auto i = next++;
        if (i >= hosts.size())
          return;
        const auto what = "peer probe " + hosts[i];
        auto t0 = steady::now();
        try {
          auto r = c->peer_probe(hosts[i]);
          auto ms = ms_since(t0);
          if (!r.ok()) {
            fail(what, describe(r.st));
            stop = true;
            return;
          }
          std::lock_guard<std::mutex> guard(mtx);
          lat.ms.push_back(ms);
          if (r.value.revision == 0)
            ++already;
        } catch (const client::client_error& e) {
          fail(what, e.what());
          stop = true;
          return;
        }
      }
    };
    std::fprintf(stderr, "volumes_bench: probing %zu peers with %llu "
                         "clients\n",
                 hosts.size(), static_cast<unsigned long long>(threads_n));
    auto t0 = steady::now();
    std::vector<std::thread> threads;
    for (std::uint64_t t = 0; t < threads_n; ++t)
      threads.emplace_back(worker);
    for (auto& t : threads)
      t.join();
    lat.wall_ms = ms_since(t0);
    probe_ = lat;
    probe_clients_ = threads_n;
    probe_already_ = already;
    return !stop;
  }

  /// Checks that peers() lists every probed host, and learns the hostname
  /// each is stored under (bricks name their server by it).
  bool check_peers() {
    try {
      auto t0 = steady::now();
      auto r = conn_->peers();
      peers_ms_ = ms_since(t0);
      if (!r.ok()) {
        fail("peer status", describe(r.st));
        return false;
      }
      std::set<std::string> names;
      std::uint64_t connected = 0;
      for (auto& p : r.value) {
        names.insert(p.peer.hostname);
        if (p.connected)
          ++connected;
      }
      pool_size_ = r.value.size();
      pool_connected_ = connected;
      std::vector<std::string> missing;
      for (auto& h : opt_.peer_hosts) {
        auto host = client::parse_address(h).host;
        if (names.count(h) > 0)
          brick_hosts_.push_back(h);
        else if (names.count(host) > 0)
          brick_hosts_.push_back(host);
        else
          missing.push_back(h);
      }
      if (!missing.empty()) {
        std::string list;
        for (std::size_t i = 0; i < missing.size() && i < 5; ++i)
          list += (i > 0 ? ", " : "") + missing[i];
        if (missing.size() > 5)
          list += ", ...";
        fail("peer status", std::to_string(missing.size())
                              + " probed peer(s) missing from the pool of "
                              + std::to_string(r.value.size()) + ": " + list);
        return false;
      }
      return true;
    } catch (const client::client_error& e) {
      fail("peer status", e.what());
      return false;
    } catch (const client::address_error& e) {
      fail("peer status", e.what());
      return false;
    }
  }

  // -- volumes -----------------------------------------------------------------

  std::string volume_name(std::uint64_t i) const {
    auto width = std::to_string(opt_.stages.back()).size();
    width = std::max<std::size_t>(width, 4);
    auto digits = std::to_string(i + 1);
    if (digits.size() < width)
      digits.insert(0, width - digits.size(), '0');
    return opt_.prefix + digits;
  }

  /// Volume i's create command: replica bricks on consecutive peers,
  /// round-robin over the pool.
  cluster::volume_create create_command(std::uint64_t i) const {
    cluster::volume_create c;
    c.name = volume_name(i);
    if (opt_.replica > 1)
      c.replica_count = opt_.replica;
    const auto n = brick_hosts_.size();
    auto dir = "/bricks/v" + c.name.substr(opt_.prefix.size());
    for (std::uint32_t k = 0; k < opt_.replica; ++k) {
      cluster::brick_spec b;
      b.host = brick_hosts_[(i * opt_.replica + k) % n];
      b.path = dir + "/b" + std::to_string(k + 1);
      c.bricks.push_back(std::move(b));
    }
    return c;
  }

  /// Creates volumes up to r.volumes; false after a failure.
  bool create_up_to(stage_result& r) {
    auto t0 = steady::now();
    while (volumes_.size() < r.volumes) {
      auto c = create_command(volumes_.size());
      const auto what = "volume create " + c.name;
      auto s0 = steady::now();
      auto res = conn_->cluster_change(c);
      auto ms = ms_since(s0);
      if (!res.ok()) {
        fail(what, describe(res.st));
        ++r.errors;
        return false;
      }
      if (res.value.volume
          && res.value.volume->volume.bricks.size() != opt_.replica) {
        fail(what, "the created volume has "
                     + std::to_string(res.value.volume->volume.bricks.size())
                     + " bricks, not " + std::to_string(opt_.replica));
        ++r.errors;
        return false;
      }
      r.create.ms.push_back(ms);
      volumes_.push_back({c.name, set_default});
    }
    r.create.wall_ms = ms_since(t0);
    return true;
  }

  /// A value of set_key other than `now`.
  int other_value(std::mt19937_64& rng, int now) {
    std::uniform_int_distribution<int> d(set_min, set_max - 1);
    int v = d(rng);
    return v >= now ? v + 1 : v;
  }

  std::size_t random_volume() {
    std::uniform_int_distribution<std::size_t> d(0, volumes_.size() - 1);
    return d(rng_);
  }

  /// `volume set` on random volumes, one at a time.
  void measure_set(stage_result& r) {
    auto t0 = steady::now();
    for (std::uint64_t n = 0; n < opt_.samples; ++n) {
      auto& v = volumes_[random_volume()];
      auto value = other_value(rng_, v.value);
      cluster::volume_set c{v.name, set_key, std::to_string(value)};
      const auto what = "volume set " + v.name + " " + set_key + " "
                        + c.value;
      auto s0 = steady::now();
      auto res = conn_->cluster_change(c);
      auto ms = ms_since(s0);
      if (!res.ok()) {
        fail(what, describe(res.st));
        ++r.errors;
        if (!gd::nothing_changed(res.st.code))
          v.value = 0; // unknown: info checks skip it until set again
        continue;
      }
      if (res.value.revision == 0) {
        fail(what, "succeeded but changed nothing (revision 0), though the "
                   "value differs from the one set before");
        ++r.errors;
      }
      r.set.ms.push_back(ms);
      v.value = value;
    }
    r.set.wall_ms = ms_since(t0);
  }

  /// `volume info NAME` on random volumes, one at a time, checking what
  /// comes back.
  void measure_info(stage_result& r) {
    auto t0 = steady::now();
    for (std::uint64_t n = 0; n < opt_.samples; ++n) {
      auto& v = volumes_[random_volume()];
      const auto what = "volume info " + v.name;
      auto s0 = steady::now();
      auto res = conn_->volumes(v.name);
      auto ms = ms_since(s0);
      if (!res.ok()) {
        fail(what, describe(res.st));
        ++r.errors;
        continue;
      }
      r.info.ms.push_back(ms);
      if (auto err = check_info(v, res.value); !err.empty()) {
        fail(what, err);
        ++r.errors;
      }
    }
    r.info.wall_ms = ms_since(t0);
  }

  /// "" if `got` is volume `v` as the bench left it, else what is wrong.
  std::string check_info(const bench_volume& v,
                         const std::vector<cluster::volume_info>& got) {
    if (got.size() != 1)
      return "answered " + std::to_string(got.size())
             + " volumes instead of 1";
    const auto& vol = got.front().volume;
    if (vol.name != v.name)
      return "answered volume " + vol.name;
    if (vol.bricks.size() != opt_.replica)
      return "volume has " + std::to_string(vol.bricks.size())
             + " bricks, not " + std::to_string(opt_.replica);
    if (v.value == 0)
      return "";
    auto it = vol.options.find(set_key);
    std::string shown = it == vol.options.end() ? "" : it->second;
    std::string want = v.value == set_default && it == vol.options.end()
                         ? ""
                         : std::to_string(v.value);
    if (shown != want)
      return std::string(set_key) + " reads '" + shown + "', but '" + want
             + "' was set (a stale read?)";
    return "";
  }

  /// `volume info all`, once.
  void measure_info_all(stage_result& r) {
    auto s0 = steady::now();
    auto res = conn_->volumes("all");
    auto ms = ms_since(s0);
    if (!res.ok()) {
      fail("volume info all", describe(res.st));
      ++r.errors;
      return;
    }
    r.info_all_ms = ms;
    std::set<std::string> names;
    for (auto& vi : res.value)
      names.insert(vi.volume.name);
    std::uint64_t missing = 0;
    for (auto& v : volumes_)
      missing += names.count(v.name) == 0 ? 1 : 0;
    if (missing > 0) {
      fail("volume info all", "lists " + std::to_string(res.value.size())
                                + " volumes; " + std::to_string(missing)
                                + " of the bench's are missing");
      ++r.errors;
    }
  }

  /// `volume set` from opt_.clients clients at once, each on its own
  /// connection and its own share of the volumes (so every set is a real
  /// change). Runs at least opt_.samples sets, 20 per client or more.
  /// False after a transport error.
  bool measure_concurrent(stage_result& r) {
    auto clients = std::min<std::uint64_t>(opt_.clients, volumes_.size());
    if (clients < 2)
      return true;
    r.concurrent_clients = clients;
    auto per_client = std::max<std::uint64_t>(
      20, (opt_.samples + clients - 1) / clients);
    std::mutex mtx;
    std::atomic<bool> broken{false};
    std::atomic<std::uint64_t> errors{0};
    std::vector<std::thread> threads;
    auto t0 = steady::now();
    for (std::uint64_t t = 0; t < clients; ++t) {
      threads.emplace_back([&, t] {
        std::mt19937_64 rng(opt_.seed * 1000003 + volumes_.size() * 31 + t);
        std::vector<std::size_t> mine;
        for (std::size_t i = t; i < volumes_.size(); i += clients)
          mine.push_back(i);
        std::uniform_int_distribution<std::size_t> pick(0, mine.size() - 1);
        std::vector<double> lat;
        try {
          client::connection c(target_, connection_options_for(opt_));
          for (std::uint64_t n = 0; n < per_client && !broken; ++n) {
            auto& v = volumes_[mine[pick(rng)]];
            auto value = other_value(rng, v.value);
            cluster::volume_set cmd{v.name, set_key, std::to_string(value)};
            auto s0 = steady::now();
            auto res = c.cluster_change(cmd);
            auto ms = ms_since(s0);
            if (!res.ok()) {
              fail("volume set " + v.name + " " + set_key + " " + cmd.value
                     + " (" + std::to_string(clients) + " clients)",
                   describe(res.st));
              ++errors;
              if (!gd::nothing_changed(res.st.code))
                v.value = 0;
              continue;
            }
            lat.push_back(ms);
            v.value = value;
          }
        } catch (const client::client_error& e) {
          fail("volume set (" + std::to_string(clients) + " clients)",
               e.what());
          broken = true;
        }
        std::lock_guard<std::mutex> guard(mtx);
        r.concurrent_set.ms.insert(r.concurrent_set.ms.end(), lat.begin(),
                                   lat.end());
      });
    }
    for (auto& t : threads)
      t.join();
    r.concurrent_set.wall_ms = ms_since(t0);
    r.errors += errors;
    return !broken;
  }

  /// One stage; false if the run must end (failed create, broken
  /// connection).
  bool run_stage(stage_result& r) {
    auto before = volumes_.size();
    std::fprintf(stderr, "volumes_bench: stage %llu volumes: creating %llu\n",
                 static_cast<unsigned long long>(r.volumes),
                 static_cast<unsigned long long>(r.volumes - before));
    try {
      if (!create_up_to(r))
        return false;
      std::fprintf(stderr, "volumes_bench: stage %llu volumes: measuring\n",
                   static_cast<unsigned long long>(r.volumes));
      measure_set(r);
      measure_info(r);
      measure_info_all(r);
    } catch (const client::client_error& e) {
      fail("stage " + std::to_string(r.volumes) + " volumes", e.what());
      ++r.errors;
      return false;
    }
    return measure_concurrent(r);
  }

  // -- report ------------------------------------------------------------------

  static std::string fmt(double v, int prec = 2) {
    if (std::isnan(v))
      return "—";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", prec, v);
    return buf;
  }

  static std::string num(double v) {
    return std::isnan(v) ? "nan" : fmt(v, 3);
  }

  void report() {
    std::printf("\n");
    if (!probe_.empty())
      std::printf("peer probe: %zu peers in %.2f s by %llu clients (%llu "
                  "already in the pool), p50 %s ms, p99 %s ms; pool: %llu "
                  "peers, %llu connected; peer status %s ms\n",
                  probe_.ms.size(), probe_.wall_ms / 1000,
                  static_cast<unsigned long long>(probe_clients_),
                  static_cast<unsigned long long>(probe_already_),
                  fmt(probe_.pct(0.5)).c_str(), fmt(probe_.pct(0.99)).c_str(),
                  static_cast<unsigned long long>(pool_size_),
                  static_cast<unsigned long long>(pool_connected_),
                  fmt(peers_ms_).c_str());
    if (results_.empty()) {
      std::printf("no stage measured: the run ended before the first one\n");
      std::fflush(stdout);
      return;
    }
    auto conc = opt_.clients >= 2 ? opt_.clients : 0;
    std::printf("\nLatency in ms, one request at a time (%llu samples per "
                "cell, random volumes); creates: those of the stage.\n\n",
                static_cast<unsigned long long>(opt_.samples));
    std::printf("| volumes | create p50 | create p99 | creates/s "
                "| set p50 | set p99 | set mean | info p50 | info p99 "
                "| info mean | info all |");
    if (conc > 0)
      std::printf(" set/s, %llu clients | p99, %llu clients |",
                  static_cast<unsigned long long>(conc),
                  static_cast<unsigned long long>(conc));
    std::printf("\n|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|%s\n",
                conc > 0 ? "--:|--:|" : "");
    for (auto& r : results_) {
      std::printf("| %llu | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s "
                  "|",
                  static_cast<unsigned long long>(r.volumes),
                  fmt(r.create.pct(0.5)).c_str(),
                  fmt(r.create.pct(0.99)).c_str(),
                  fmt(r.create.rate(), 0).c_str(), fmt(r.set.pct(0.5)).c_str(),
                  fmt(r.set.pct(0.99)).c_str(), fmt(r.set.mean()).c_str(),
                  fmt(r.info.pct(0.5)).c_str(), fmt(r.info.pct(0.99)).c_str(),
                  fmt(r.info.mean()).c_str(), fmt(r.info_all_ms).c_str());
      if (conc > 0)
        std::printf(" %s | %s |", fmt(r.concurrent_set.rate(), 0).c_str(),
                    fmt(r.concurrent_set.pct(0.99)).c_str());
      std::printf("\n");
    }
    std::printf("\n");
    if (!complete_)
      std::printf("The run ended during the stage of %llu volumes (see the "
                  "failures on stderr); its row is partial.\n\n",
                  static_cast<unsigned long long>(results_.back().volumes));
    bool measured = complete_;
    bool met = measured;
    for (auto& r : results_)
      met = met && !r.set.empty() && r.set.pct(0.99) <= target_set_p99_ms;
    auto& first = results_.front();
    auto& last = results_.back();
    std::printf("target p99 volume set <= %.0f ms at every stage: %s",
                target_set_p99_ms,
                !measured ? "not known (the run ended early)"
                : met     ? "met"
                          : "NOT met");
    if (results_.size() > 1 && !first.set.empty() && !last.set.empty())
      std::printf("; set p99 at %llu volumes is %.2fx the one at %llu",
                  static_cast<unsigned long long>(last.volumes),
                  last.set.pct(0.99) / first.set.pct(0.99),
                  static_cast<unsigned long long>(first.volumes));
    std::printf("\n");
    if (failures_ > 0)
      std::printf("%llu request(s) failed (printed on stderr)\n",
                  static_cast<unsigned long long>(failures_));
    std::printf("\n");
    for (auto& r : results_)
      std::printf(
        "RESULT volumes=%llu peers=%zu created=%zu create_p50_ms=%s "
        "create_p99_ms=%s create_rps=%s set_p50_ms=%s set_p99_ms=%s "
        "set_mean_ms=%s set_max_ms=%s info_p50_ms=%s info_p99_ms=%s "
        "info_mean_ms=%s info_all_ms=%s conc_clients=%llu conc_rps=%s "
        "conc_p50_ms=%s conc_p99_ms=%s errors=%llu\n",
        static_cast<unsigned long long>(r.volumes), opt_.peer_hosts.size(),
        r.create.ms.size(), num(r.create.pct(0.5)).c_str(),
        num(r.create.pct(0.99)).c_str(), num(r.create.rate()).c_str(),
        num(r.set.pct(0.5)).c_str(), num(r.set.pct(0.99)).c_str(),
        num(r.set.mean()).c_str(), num(r.set.max()).c_str(),
        num(r.info.pct(0.5)).c_str(), num(r.info.pct(0.99)).c_str(),
        num(r.info.mean()).c_str(), num(r.info_all_ms).c_str(),
        static_cast<unsigned long long>(r.concurrent_clients),
        num(r.concurrent_set.rate()).c_str(),
        num(r.concurrent_set.pct(0.5)).c_str(),
        num(r.concurrent_set.pct(0.99)).c_str(),
        static_cast<unsigned long long>(r.errors));
    std::fflush(stdout);
  }

  options opt_;
  std::mt19937_64 rng_;
  client::address target_;
  std::string leader_name_;
  /// The main thread's connection (creates, sequential samples).
  std::optional<client::connection> conn_;
  /// Peer hostnames, in probe order, as the pool stores them.
  std::vector<std::string> brick_hosts_;
  std::vector<bench_volume> volumes_;
  std::vector<stage_result> results_;
  /// Every stage ran to its end.
  bool complete_ = false;
  series probe_;
  std::uint64_t probe_clients_ = 0;
  std::uint64_t probe_already_ = 0;
  std::uint64_t pool_size_ = 0;
  std::uint64_t pool_connected_ = 0;
  double peers_ms_ = std::nan("");
  std::mutex print_mtx_;
  std::atomic<std::uint64_t> failures_{0};
};

} // namespace gd::bench

int main(int argc, char** argv) {
  auto opts = gd::bench::parse_options(argc, argv);
  try {
    gd::bench::bench b(std::move(opts));
    return b.run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "volumes_bench: %s\n", e.what());
    return 1;
  }
}
