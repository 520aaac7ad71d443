#pragma once

// What the Cluster API (protocol/cluster.capnp) answers, as plain C++ values:
// the stored model (cluster_types.hpp) plus what only the answering daemon
// knows (is a peer's daemon reachable now, is a brick process running).
// Shared by the RPC service, the client library and glcli. No Cap'n Proto.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/cluster_types.hpp"
#include "protocol/kv_types.hpp"

namespace gd::cluster {

/// A peer and how it looks from the daemon that answered.
struct peer_info {
  cluster::peer peer;
  /// gluster's "Connected": committed up (it holds a check-in lease), or
  /// it is the daemon that was asked.
  bool connected = false;
  /// It is the daemon that was asked.
  bool self = false;
  /// Milliseconds since its last check-in as the answering monitor knows
  /// it; -1 if none seen since that monitor started.
  std::int64_t last_check_in_ms = -1;
  /// The monitor that took that check-in (its member name), "" if none.
  std::string check_in_monitor;
};

/// Observed state of one brick (filled by the node agents' reports; all
/// zero/false until a brick process has signed in).
struct brick_state {
  bool online = false;
  /// TCP port, 0 = N/A.
  std::uint32_t port = 0;
  /// Process id, 0 = N/A.
  std::uint32_t pid = 0;
};

/// A volume as `volume info` / `volume status` show it.
struct volume_info {
  cluster::volume volume;
  /// Parallel to volume.bricks.
  std::vector<brick_state> observed;
};

/// One option as `volume get` shows it.
struct option_value {
  std::string key;
  /// The value in force: the one set, else the default.
  std::string value;
  std::string default_value;
  std::string description;
  /// Set on the volume (or, for "all", cluster-wide).
  bool is_set = false;
};

/// A successful change.
struct change_done {
  /// A note for the success line (may be empty).
  std::string message;
  /// The KV revision the change made (0: it changed nothing).
  kv::revision revision = 0;
  /// The volume after the change (volume commands that keep it).
  std::optional<volume_info> volume;
};

/// A generated volfile.
struct volfile {
  /// Volfile id: "<volume>" (client) or brick_volfile_id().
  std::string name;
  /// The volume's volfile_version.
  std::uint64_t version = 0;
  std::string text;
};

/// Parses to_string(volume_type) back; false if `s` is none of them.
bool parse_volume_type(const std::string& s, volume_type& out);
/// Parses to_string(volume_status) back; false if `s` is none of them.
bool parse_volume_status(const std::string& s, volume_status& out);

} // namespace gd::cluster
