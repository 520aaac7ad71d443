// glusterd-actor: the management daemon. Wiring only: flags in, run().

#include <cstdint>
#include <iostream>

#include <CLI/CLI.hpp>

#include "actors/membership/credentials.hpp"
#include "cmd/glusterd-actor/cluster_keys.hpp"
#include "cmd/glusterd-actor/daemon.hpp"

int main(int argc, char** argv) {
  gd::daemon::options o;
  std::string map_size = "1G";
  std::string make_secret;
  bool print_join_token = false;
  std::int64_t join_token_valid = 3600;
  CLI::App app{"glusterd-actor: the management daemon of a glusterd-actor "
               "cluster (every server runs one; 3 or 5 also run the monitor)",
               "glusterd-actor"};
  app.set_config("--config", "",
                 "read options from this file (TOML or INI: key = value)");
  app.add_option("--data-dir", o.data_dir,
                 "directory for this daemon's state (created if missing)");
  app.add_option("--listen", o.listen,
                 "HOST:PORT to serve on (repeatable; default 0.0.0.0:24007)");
  app.add_option("--advertise", o.advertise,
                 "HOST:PORT other daemons reach this one at (default: the "
                 "first --listen)");
  app.add_option("--name", o.name,
                 "member name (default: the host of --advertise)");
  app.add_flag("--monitor", o.monitor,
               "also run a monitor: a member of the Raft ensemble that stores "
               "the cluster configuration");
  app.add_option("--initial-cluster", o.initial_cluster,
                 "NAME=HOST:PORT,...: the monitors of a new cluster (first "
                 "start only)");
  app.add_option("--cluster-token", o.cluster_token,
                 "mixed into the id of a new cluster");
  app.add_option("--join", o.join,
                 "HOST:PORT of a running cluster's monitor: join it as a new "
                 "monitor (first start only; needs --join-token)");
  app.add_option("--join-token", o.join_token,
                 "the token --print-join-token printed on a monitor of the "
                 "cluster --join names");
  app.add_option("--cluster-secret-file", o.cluster_secret_file,
                 "a new cluster's secret (see --make-secret), the same file "
                 "for every --initial-cluster monitor; a single initial "
                 "monitor makes its own");
  app.add_option("--make-secret", make_secret,
                 "write a new cluster secret to this file (mode 0600) and "
                 "exit");
  app.add_flag("--print-join-token", print_join_token,
               "print a token that lets a new monitor --join this monitor's "
               "cluster, and exit (runs beside the daemon; needs --data-dir)");
  app.add_option("--join-token-valid", join_token_valid,
                 "seconds a printed join token stays valid")
    ->capture_default_str()
    ->check(CLI::Range(std::int64_t{60}, std::int64_t{7} * 86400));
  app.add_option("--checkin-interval", o.checkin_interval_ms,
                 "milliseconds between this server's check-ins with a "
                 "monitor")
    ->capture_default_str();
  app.add_option("--lease", o.lease_ms,
                 "monitors: milliseconds a check-in keeps a server up; a "
                 "server not heard from for that long is marked down (at "
                 "least twice --checkin-interval)")
    ->capture_default_str();
  app.add_option("--up-after", o.up_after_ms,
                 "monitors: milliseconds a server that was down must keep "
                 "checking in before it is marked up again (flap damping)")
    ->capture_default_str();
  app.add_option("--log-level", o.log_level, "debug, info, warn or error");
  app.add_option("--tick-ms", o.tick_ms, "Raft tick in milliseconds")
    ->capture_default_str();
  app.add_option("--election-ticks", o.election_ticks,
                 "election timeout in ticks (randomized up to twice that)")
    ->capture_default_str();
  app.add_option("--heartbeat-ticks", o.heartbeat_ticks,
                 "leader heartbeat interval in ticks")
    ->capture_default_str();
  app.add_option("--map-size", map_size,
                 "maximum size of the Raft log and of the state store "
                 "(e.g. 512M, 4G)")
    ->capture_default_str();
  app.add_option("--snapshot-entries", o.snapshot_entries,
                 "compact the Raft log once this many entries follow its "
                 "snapshot")
    ->capture_default_str();
  app.add_option("--max-connections", o.max_connections,
                 "connections served at once; more are closed at once and "
                 "logged")
    ->capture_default_str()
    ->check(CLI::Range(std::size_t{16}, std::size_t{1} << 20));
  app.add_option("--bricks", o.bricks,
                 "on: start and supervise this server's glusterfsd bricks; "
                 "off: serve volfiles and ports only")
    ->capture_default_str()
    ->check(CLI::IsMember({"on", "off"}));
  app.add_option("--glusterfsd", o.glusterfsd,
                 "the glusterfsd binary bricks run")
    ->capture_default_str();
  app.add_option("--brick-base-port", o.brick_base_port,
                 "the first TCP port given to a brick")
    ->capture_default_str()
    ->check(CLI::Range(1024u, 60999u));
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "glusterd-actor: " << e.what() << "\n"
              << "Run with --help for the options." << std::endl;
    return 2;
  }
  try {
    if (!make_secret.empty()) {
      gd::membership::save_secret(make_secret, gd::membership::new_secret());
      return 0;
    }
    if (o.data_dir.empty())
      throw gd::daemon::usage_error("--data-dir is required");
    if (print_join_token) {
      std::cout << gd::daemon::join_token_for(o.data_dir, join_token_valid)
                << std::endl;
      return 0;
    }
    o.map_size = gd::daemon::parse_size(map_size, "--map-size");
    return gd::daemon::run(o);
  } catch (const gd::daemon::usage_error& e) {
    std::cerr << "glusterd-actor: " << e.what() << std::endl;
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "glusterd-actor: " << e.what() << std::endl;
    return 1;
  }
}
