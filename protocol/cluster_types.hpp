#pragma once

// The cluster model the monitors store: the pool's peers (servers), volumes,
// their bricks and options, and the commands that change them. Plain C++
// values shared by the state machine (actors/config), volgen, the RPC layer
// and glcli. The configuration legacy glusterd copies to every server lives
// once, here, in small per-object records (see actors/config/cluster_store).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "protocol/kv_types.hpp"

namespace gd::cluster {

/// A server of the pool: a glusterd-actor daemon that belongs to the
/// cluster (monitors included).
struct peer {
  /// gluster's peer UUID (36 characters), chosen by the daemon on its first
  /// start and never changed.
  std::string uuid;
  /// The name it was probed by; unique in the pool. Bricks name their
  /// server by it ("HOST:/path").
  std::string hostname;
  /// Where its daemon is reached, "HOST:PORT" (the first is preferred).
  std::vector<std::string> addresses;
  /// Failure zone (rack, room); "" means its own.
  std::string zone;
  /// It also runs a monitor.
  bool monitor = false;
  /// Committed liveness: its check-in lease ran out (the monitor leader
  /// proposed it down) and it has not been back long enough since.
  bool down = false;
  /// Chosen at random when it is admitted (peer probe); its credential is
  /// derived from it and the cluster secret, so a server detached and
  /// probed again gets a new one (actors/membership/credentials.hpp).
  std::uint64_t credential_id = 0;

  friend bool operator==(const peer& a, const peer& b) {
    return a.uuid == b.uuid && a.hostname == b.hostname
           && a.addresses == b.addresses && a.zone == b.zone
           && a.monitor == b.monitor && a.down == b.down
           && a.credential_id == b.credential_id;
  }
};

/// The layout of a volume, named as gluster shows it.
enum class volume_type : std::uint8_t {
  distribute = 1,
  replicate = 2,
  disperse = 3,
  distributed_replicate = 4,
  distributed_disperse = 5,
};

/// Returns gluster's name: "Distribute", "Replicate", "Disperse",
/// "Distributed-Replicate" or "Distributed-Disperse".
const char* to_string(volume_type t);

enum class volume_status : std::uint8_t {
  created = 1,
  started = 2,
  stopped = 3,
};

/// Returns gluster's name: "Created", "Started" or "Stopped".
const char* to_string(volume_status s);

/// One brick of a volume: a directory on a peer.
struct brick {
  /// Position in the volume (0-based); bricks of one subvolume are
  /// consecutive.
  std::uint32_t index = 0;
  /// The peer's UUID and, for display, its hostname.
  std::string peer_uuid;
  std::string host;
  /// Absolute path on that peer.
  std::string path;
  /// The last brick of each replica set of an arbiter volume.
  bool arbiter = false;
  /// Being removed (remove-brick start): data moves off it.
  bool decommissioned = false;

  /// "HOST:/path"
  std::string name() const { return host + ":" + path; }

  friend bool operator==(const brick& a, const brick& b) {
    return a.index == b.index && a.peer_uuid == b.peer_uuid && a.host == b.host
           && a.path == b.path && a.arbiter == b.arbiter
           && a.decommissioned == b.decommissioned;
  }
};

/// A volume as stored: its record, bricks and the options set on it.
struct volume {
  /// UUID, chosen by the daemon that proposed the create.
  std::string id;
  std::string name;
  volume_type type = volume_type::distribute;
  /// Bricks per replica set (1 if not replicated), arbiters included.
  std::uint32_t replica_count = 1;
  /// 1 if the last brick of each replica set is an arbiter.
  std::uint32_t arbiter_count = 0;
  /// Bricks per disperse set (0 if not dispersed), and how many of them
  /// may fail.
  std::uint32_t disperse_count = 0;
  std::uint32_t redundancy_count = 0;
  std::string transport = "tcp";
  volume_status status = volume_status::created;
  /// Bumped by every change that alters a generated volfile: brick
  /// processes and clients refetch when it moves.
  std::uint64_t volfile_version = 1;
  std::vector<brick> bricks;
  /// Options set on the volume (defaults are not stored).
  std::map<std::string, std::string> options;
  /// A remove-brick task in progress (empty id: none).
  std::string remove_brick_task;

  /// Bricks per subvolume: the replica or disperse set size (1 for plain
  /// distribute).
  std::uint32_t group_size() const;
  /// Number of subvolumes (distribute count).
  std::uint32_t subvolume_count() const;
};

/// A brick named in a command, "HOST:/path".
struct brick_spec {
  std::string host;
  std::string path;

  std::string name() const { return host + ":" + path; }
  friend bool operator==(const brick_spec& a, const brick_spec& b) {
    return a.host == b.host && a.path == b.path;
  }
};

/// Parses "HOST:/path": "" on success (with `out` set), else an error in
/// gluster's words naming the bad input.
std::string parse_brick(const std::string& text, brick_spec& out);

// -- commands (each one Raft proposal) -----------------------------------------

/// Adds a server to the pool (peer probe). Applying it twice with the same
/// UUID is harmless.
struct peer_add {
  cluster::peer peer;
};

/// Removes a server from the pool (peer detach). Refused while it hosts
/// bricks (even with force: remove or replace them first).
struct peer_remove {
  std::string host;
  bool force = false;
};

struct volume_create {
  std::string name;
  /// The new volume's UUID (chosen by the proposer, so applying is
  /// deterministic).
  std::string id;
  std::uint32_t replica_count = 0;   // 0: not given
  std::uint32_t arbiter_count = 0;
  std::uint32_t disperse_count = 0;  // 0: not given
  std::uint32_t redundancy_count = 0; // 0: not given
  std::string transport = "tcp";
  std::vector<brick_spec> bricks;
  bool force = false;
};

struct volume_start {
  std::string name;
  bool force = false;
};

struct volume_stop {
  std::string name;
  bool force = false;
};

struct volume_delete {
  std::string name;
};

/// Sets an option on a volume, or cluster-wide with name "all".
struct volume_set {
  std::string name;
  std::string key;
  std::string value;
};

/// Resets one option (key) or all of them (empty key) to their defaults.
struct volume_reset {
  std::string name;
  std::string key;
  bool force = false;
};

struct add_brick {
  std::string name;
  /// New replica count (0: unchanged).
  std::uint32_t replica_count = 0;
  std::vector<brick_spec> bricks;
  bool force = false;
  /// 1: the bricks added to each set are arbiters (turns replica 2 into
  /// replica 3 arbiter 1).
  std::uint32_t arbiter_count = 0;
};

/// remove-brick: start marks the bricks decommissioned (their data is to be
/// migrated by the rebalance role); stop cancels; commit removes them;
/// force removes them at once without migrating.
struct remove_brick {
  enum class op : std::uint8_t { start = 1, stop = 2, commit = 3, force = 4 };
  std::string name;
  std::vector<brick_spec> bricks;
  op action = op::start;
  /// For start: the task's UUID, chosen by the proposer.
  std::string task_id;
  /// 0: unchanged. Lower than the volume's: the bricks named are one (or
  /// more) per replica set, removed at once (action force only).
  std::uint32_t replica_count = 0;
};

/// replace-brick ... commit force: the new brick takes the old one's place
/// (self-heal refills it).
struct replace_brick {
  std::string name;
  brick_spec old_brick;
  brick_spec new_brick;
};

/// Up/down transitions from the check-in leases, many in one entry; only
/// the monitor leader proposes it (actors/membership). Peers no longer in
/// the pool are skipped.
struct peer_liveness {
  struct change {
    std::string uuid;
    bool down = false;

    friend bool operator==(const change& a, const change& b) {
      return a.uuid == b.uuid && a.down == b.down;
    }
  };
  std::vector<change> changes;
};

/// One brick process as its server's node agent sees it.
struct brick_observation {
  std::string volume;
  std::string path;
  /// Its glusterfsd runs and signed in.
  bool online = false;
  /// TCP port and process id; 0 = none.
  std::uint32_t port = 0;
  std::uint32_t pid = 0;
  /// Why it does not run (its last start failure); "" if none.
  std::string error;

  friend bool operator==(const brick_observation& a,
                         const brick_observation& b) {
    return a.volume == b.volume && a.path == b.path && a.online == b.online
           && a.port == b.port && a.pid == b.pid && a.error == b.error;
  }
};

/// A server's report of every brick process it runs (replaces the previous
/// one). Accepted only from that server's own session or from a monitor.
struct bricks_observed {
  std::string uuid;
  std::vector<brick_observation> bricks;

  friend bool operator==(const bricks_observed& a, const bricks_observed& b) {
    return a.uuid == b.uuid && a.bricks == b.bricks;
  }
};

/// The kinds of role the scheduler assigns.
enum class role_kind : std::uint8_t { heal = 1, rebalance = 2, leader = 3 };

/// "self-heal", "rebalance", "leader".
const char* to_string(role_kind k);

/// One assigned role (/gd/roles/<task>).
struct role_assignment {
  /// "heal/VOL/N", "leader/VOL/N", "rebalance/VOL/N".
  std::string task;
  role_kind kind = role_kind::heal;
  std::string volume;
  /// The replica/disperse set (subvolume) index.
  std::uint32_t set = 0;
  /// The holder's peer UUID; "" = no eligible server (reported, kept).
  std::string holder;
  /// Fencing token: the state machine bumps it whenever the holder changes
  /// (a proposal's epoch is ignored).
  std::uint64_t epoch = 0;
  /// When the holder got it (ms since the Unix epoch, the proposer's clock).
  std::int64_t since_ms = 0;

  friend bool operator==(const role_assignment& a, const role_assignment& b) {
    return a.task == b.task && a.kind == b.kind && a.volume == b.volume
           && a.set == b.set && a.holder == b.holder && a.epoch == b.epoch
           && a.since_ms == b.since_ms;
  }
};

/// The scheduler's changes, many in one entry: assignments to set (a
/// holder that did not change keeps its epoch and since) and tasks gone.
struct roles_assign {
  std::vector<role_assignment> set;
  std::vector<std::string> remove;
};

using command = std::variant<peer_add, peer_remove, volume_create, volume_start,
                             volume_stop, volume_delete, volume_set,
                             volume_reset, add_brick, remove_brick,
                             replace_brick, peer_liveness, bricks_observed,
                             roles_assign>;

/// Returns the gluster command a command stands for, e.g. "volume create"
/// or "peer probe" (for messages like "volume create: v1: failed: ...").
const char* command_name(const command& c);

} // namespace gd::cluster
