// glsim: the fleet simulator. Starts 3 real glusterd-actor monitors, then
// simulates N servers in this one process (one KJ event loop, each server
// with its own Management listener while it is admitted, and its own
// check-in connection and credential after), and measures:
//
//  1. admission: every server admitted by peer probe, then committed up;
//  2. steady state (--seconds): per monitor CPU, RSS, accepted check-ins/s
//     and socket bytes/s, the leader's Raft log writes/s, glsim's own CPU;
//  3. `volume set` latency on a 2-brick volume while the fleet checks in;
//  4. --kill servers killed at once: time until each is committed down,
//     then restarted: time until committed up again;
//  5. the monitor leader killed with SIGKILL: false downs (must be 0) and
//     time until every server's check-ins are accepted again.
//
// Prints a table (and, with --json FILE, the same numbers as one JSON
// object). Exit status: 0; with --check, 1 if the run fails its checks
// (see check_failures in report.hpp); 1 if the cluster or the fleet cannot
// be started (with the monitors' log tails); 2 on bad flags.
// Wiring only: flags in, run_fleet, results out.

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <regex>

#include <CLI/CLI.hpp>

#include "cmd/client/client.hpp"
#include "cmd/glsim/fleet_run.hpp"
#include "cmd/glsim/options.hpp"
#include "cmd/glsim/report.hpp"

namespace {

/// The signal that interrupts the pool watcher thread.
constexpr int watch_stop_signal = SIGUSR2;

bool octets(const std::string& s, int n) {
  std::string pattern = "^";
  for (int i = 0; i < n; ++i)
    pattern += std::string(i ? "\\." : "")
               + "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
  return std::regex_match(s, std::regex(pattern + "$"));
}

} // namespace

int main(int argc, char** argv) {
  gd::glsim::fleet_options o;
  std::int64_t interval = o.checkin_interval.count();
  std::int64_t lease = o.lease.count();
  std::int64_t up_after = o.up_after.count();
  std::string json;
  bool check = false;
  CLI::App app{"glsim: simulates a fleet of servers checking in with 3 real "
               "glusterd-actor monitors, and measures admission, steady "
               "state, volume set latency, failure detection and a leader "
               "kill",
               "glsim"};
  app.add_option("--daemon", o.daemon,
                 "the glusterd-actor binary (default: $GLUSTERD_ACTOR)");
  app.add_option("--servers", o.servers, "simulated servers")
    ->capture_default_str()
    ->check(CLI::Range(std::size_t{2}, std::size_t{64000}));
  app.add_option("--seconds", o.seconds, "length of the steady state")
    ->capture_default_str()
    ->check(CLI::Range(1, 86400));
  app.add_option("--kill", o.kill,
                 "servers killed at once (default max(1, servers/100))");
  app.add_option("--volume-sets", o.volume_sets, "volume set calls timed")
    ->capture_default_str();
  app.add_option("--probe-parallel", o.probe_parallel,
                 "peer probes in flight during admission")
    ->capture_default_str()
    ->check(CLI::Range(std::size_t{1}, std::size_t{4096}));
  app.add_option("--checkin-interval", interval,
                 "milliseconds between a server's check-ins")
    ->capture_default_str()
    ->check(CLI::Range(std::int64_t{50}, std::int64_t{60000}));
  app.add_option("--lease", lease, "monitors' lease, milliseconds")
    ->capture_default_str()
    ->check(CLI::Range(std::int64_t{100}, std::int64_t{600000}));
  app.add_option("--up-after", up_after,
                 "monitors' flap damping, milliseconds")
    ->capture_default_str()
    ->check(CLI::Range(std::int64_t{0}, std::int64_t{600000}));
  app.add_option("--monitor-prefix", o.monitor_prefix,
                 "A.B.C: monitors on A.B.C.1-3:24007")
    ->capture_default_str();
  app.add_option("--agent-net", o.agent_net,
                 "A.B: server i on A.B.(i/250).(i%250+1):24007")
    ->capture_default_str();
  app.add_option("--dir", o.dir,
                 "data and logs of the monitors (default /tmp/glsim-PID; "
                 "removed at the end unless --keep)");
  app.add_flag("--keep", o.keep, "keep --dir at the end");
  app.add_option("--seed", o.seed,
                 "seed of the random choices (default: a random one, "
                 "printed in the JSON)");
  app.add_option("--admit-timeout", o.admit_timeout,
                 "seconds admission may take (default max(60, servers*0.06))");
  app.add_option("--json", json, "also write the results to this file");
  app.add_flag("--check", check,
               "exit 1 if the run fails its checks (all admitted and up, no "
               "false down, detection p99 within 3 intervals, every killed "
               "server detected and back up, no monitor died)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (o.daemon.empty()) {
    if (const char* env = std::getenv("GLUSTERD_ACTOR"))
      o.daemon = env;
  }
  auto usage = [](const std::string& what) {
    std::cerr << "glsim: " << what << "\nRun with --help for the options.\n";
    return 2;
  };
  if (o.daemon.empty())
    return usage("--daemon (or $GLUSTERD_ACTOR) must name the glusterd-actor "
                 "binary");
  if (!octets(o.monitor_prefix, 3))
    return usage("--monitor-prefix wants A.B.C, not '" + o.monitor_prefix + "'");
  if (!octets(o.agent_net, 2))
    return usage("--agent-net wants A.B, not '" + o.agent_net + "'");
  if (2 * interval > lease)
    return usage("--lease must be at least twice --checkin-interval (the "
                 "monitors refuse check-ins otherwise)");
  o.checkin_interval = std::chrono::milliseconds(interval);
  o.lease = std::chrono::milliseconds(lease);
  o.up_after = std::chrono::milliseconds(up_after);

  // why: before any thread starts (the pool watcher waits for it).
  gd::client::capture_signal(watch_stop_signal);

  gd::glsim::fleet_results r;
  try {
    r = gd::glsim::run_fleet(o, watch_stop_signal);
  } catch (const gd::glsim::start_error& e) {
    std::cerr << "glsim: cannot start: " << e.what() << std::endl;
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "glsim: " << e.what() << std::endl;
    return 1;
  }
  gd::glsim::print_table(std::cout, r);
  std::cout.flush();
  if (!json.empty()) {
    std::ofstream out(json);
    out << gd::glsim::to_json(r);
    if (!out)
      std::cerr << "glsim: cannot write " << json << std::endl;
  }
  auto failures = gd::glsim::check_failures(r);
  for (const auto& f : failures)
    std::cerr << "glsim: check failed: " << f << std::endl;
  if (check && !failures.empty())
    return 1;
  return 0;
}
