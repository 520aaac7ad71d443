#pragma once

// Runs one glusterd-actor daemon: the management port, and with --monitor a
// Raft ensemble member and its state machine.

#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

namespace gd::daemon {

struct options {
  std::string data_dir;
  /// Addresses to serve on; default 0.0.0.0:24007.
  std::vector<std::string> listen;
  /// Where other daemons reach this one; default: the first listen address.
  std::string advertise;
  /// Member name; default: the host part of `advertise`.
  std::string name;
  bool monitor = false;
  /// NAME=HOST:PORT,... : the first members, to bootstrap a new cluster.
  std::string initial_cluster;
  /// Mixed into the cluster id, so two clusters with the same members are
  /// still told apart.
  std::string cluster_token = "glusterd-actor";
  /// HOST:PORT of a running cluster's monitor, to join it as a monitor.
  std::string join;
  /// The join token an operator printed on a monitor (--print-join-token).
  std::string join_token;
  /// A file holding the secret of a new cluster (every initial monitor is
  /// given the same; see --make-secret).
  std::string cluster_secret_file;
  /// Milliseconds between this daemon's check-ins.
  int checkin_interval_ms = 1000;
  /// Monitors: the lease a check-in grants, and how long a server that was
  /// down must keep checking in before it is up again (flap damping).
  int lease_ms = 2500;
  int up_after_ms = 5000;
  std::string log_level = "info";
  int tick_ms = 100;
  int election_ticks = 10;
  int heartbeat_ticks = 1;
  /// LMDB map size of the Raft log and of the state store, in bytes.
  std::size_t map_size = std::size_t{1} << 30;
  /// Compact the log once this many entries follow its snapshot.
  std::size_t snapshot_entries = 10000;
  /// Client and peer connections served at once; more are closed at once
  /// (and logged). Each is a file descriptor: the daemon raises its soft
  /// descriptor limit to the hard one at start.
  std::size_t max_connections = 16384;
  /// Run this server's glusterfsd bricks ("on"), or only serve volfiles and
  /// the portmap ("off": the bricks are someone else's business).
  std::string bricks = "on";
  /// The glusterfsd binary the bricks run.
  std::string glusterfsd = "/usr/sbin/glusterfsd";
  /// The first TCP port given to a brick (glusterd's range: 49152-60999).
  unsigned brick_base_port = 49152;
};

/// Bad flags or a flag combination that cannot work: exit status 2.
class usage_error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// Parses sizes like "1073741824", "512M", "1G", "64K". Throws usage_error.
std::size_t parse_size(const std::string& text, const std::string& flag);

/// Runs until SIGINT or SIGTERM (returns 0) or a fatal error (logs it and
/// returns 1). Throws usage_error for bad options.
int run(const options& o);

} // namespace gd::daemon
