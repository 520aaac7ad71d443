#pragma once

// The daemon's data directory: an exclusive lock, and the node identity file
// that pins who this daemon is across restarts.
//
//   DIR/LOCK        flock()ed while a daemon runs; holds its pid
//   DIR/node.conf   identity: name, address, cluster id, monitor, uuid,
//                   known monitors (below)
//   DIR/raft/       the Raft log (monitors)
//   DIR/state/      the state machine store (monitors)
//   DIR/snapshots/  snapshot files in transit (monitors)
//   DIR/cluster.secret  the cluster secret, mode 0600 (monitors)
//   DIR/credential  the key this server was admitted with, mode 0600 (agents)

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gd::daemon {

/// Who this daemon is; written when the data dir is first used.
struct identity {
  std::string name;
  std::string address;
  /// 0 until the daemon belongs to a cluster.
  std::uint64_t cluster_id = 0;
  bool monitor = false;
  /// gluster's peer UUID: made on the first start, never changed. (Files
  /// written before it existed get one on the next start.)
  std::string uuid;
  /// Agents: HOST:PORT of the cluster's monitors, learned when probed.
  std::vector<std::string> monitors;
};

/// The identity stored in `dir` (DIR/node.conf), read without taking the
/// lock (for tools that run beside the daemon). Throws like
/// data_dir::load_identity.
std::optional<identity> read_identity(const std::string& dir);

/// Holds DIR/LOCK until destroyed.
class data_dir {
public:
  /// Creates `path` if needed and locks it. Throws std::runtime_error if
  /// another process holds the lock ("... is in use by pid N").
  explicit data_dir(std::string path);
  ~data_dir();
  data_dir(const data_dir&) = delete;
  data_dir& operator=(const data_dir&) = delete;

  const std::string& path() const { return path_; }
  /// path()/sub, created if missing.
  std::string sub(const std::string& name) const;

  /// The identity stored here, if any. Throws std::runtime_error naming the
  /// file and line if it does not parse.
  std::optional<identity> load_identity() const;
  /// Stores `id` atomically (temp file, fsync, rename).
  void save_identity(const identity& id) const;

private:
  std::string path_;
  int lock_fd_ = -1;
};

} // namespace gd::daemon
