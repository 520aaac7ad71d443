#pragma once

// A synchronous client of one glusterd-actor daemon over Cap'n Proto RPC
// (protocol/management.capnp). Plain C++ types in and out: callers never see
// capnp readers or KJ promises. No CAF.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "cmd/client/address.hpp"
#include "protocol/cluster_types.hpp"
#include "protocol/cluster_views.hpp"
#include "protocol/kv_types.hpp"
#include "protocol/raft_types.hpp"
#include "protocol/status.hpp"

namespace gd::client {

/// A transport problem: the daemon cannot be reached, did not answer in
/// time, dropped the connection, or answered with something unreadable.
/// Business failures (not leader, invalid request ...) are never thrown:
/// they come back in outcome::st.
class client_error : public std::runtime_error {
public:
  enum class kind : std::uint8_t {
    /// Connecting failed: nothing was sent.
    unreachable,
    /// The call's deadline passed before the answer came.
    timeout,
    /// The connection broke, or the daemon failed the call with an
    /// exception (a bug or a version mismatch).
    broken,
    /// The answer did not decode.
    bad_reply,
  };

  client_error(kind k, const std::string& what)
    : std::runtime_error(what), kind_(k) {
    // nop
  }

  kind which() const { return kind_; }

  /// True if a write that failed with this error certainly changed nothing
  /// (it was never sent). Otherwise it may or may not have been applied.
  bool nothing_changed() const { return kind_ == kind::unreachable; }

private:
  kind kind_;
};

/// The answer to a request that can fail for business reasons: `value` is
/// meaningful only if st.ok().
template <class T>
struct outcome {
  gd::status st;
  T value{};

  bool ok() const { return st.ok(); }
};

/// One brick's self-heal index as its server reads it (Management.healInfo).
struct brick_heal {
  std::vector<std::string> entries;
  /// "" or why it could not be read.
  std::string error;
};

/// What a daemon says about itself (Management.info).
struct node_info {
  std::string name;
  raft::member_id id = raft::no_member;
  /// "HOST:PORT" that peers reach it at.
  std::string address;
  /// 0 until it belongs to a cluster.
  std::uint64_t cluster_id = 0;
  bool monitor = false;
  std::string version;
  /// gluster peer UUID ("" from daemons older than it).
  std::string uuid;
  /// Agents: HOST:PORT of the monitors of their cluster.
  std::vector<std::string> monitors;
};

/// A leader's view of another member's replication.
struct peer_progress {
  raft::member_id id = raft::no_member;
  bool voter = false;
  /// The member's log matches the leader's through this index.
  raft::log_index match = 0;
  raft::log_index next = 0;
  /// "probe", "replicate" or "snapshot".
  std::string state;
  /// Heard from within the last election timeout.
  bool recent_active = false;
};

/// One monitor's own view of the ensemble (Monitor.status).
struct monitor_status {
  raft::member_id id = raft::no_member;
  std::string name;
  std::string address;
  /// "leader", "follower", "candidate" or "pre_candidate".
  std::string role;
  raft::term_t term = 0;
  leader_hint leader;
  raft::log_index commit_index = 0;
  raft::log_index applied_index = 0;
  raft::log_index last_index = 0;
  /// Entries through here are compacted.
  raft::log_index snapshot_index = 0;
  std::uint64_t cluster_id = 0;
  raft::configuration config;
  /// Filled by the leader only.
  std::vector<peer_progress> progress;
  /// KV store revision.
  kv::revision revision = 0;
};

/// One member as seen by Monitor.clusterStatus: its own status, or why it
/// could not be read.
struct member_report {
  raft::member member;
  /// Set if the member answered.
  std::optional<monitor_status> status;
  /// Why its status could not be read (empty if `status` is set).
  std::string unreachable;
};

/// A committed membership change.
struct change_done {
  /// Log index of the committed configuration.
  raft::log_index index = 0;
  raft::configuration config;
};

/// How a watch ended.
struct watch_end {
  enum class reason : std::uint8_t {
    /// The callback returned false.
    stopped,
    /// The daemon canceled the watch; outcome::st says why.
    canceled,
    /// The signal given in watch_options::stop_signal arrived.
    interrupted,
  };
  reason why = reason::stopped;
  /// Revision of the last event delivered (0 if none): resume from here + 1.
  kv::revision last_revision = 0;
};

/// Called with each batch of events, in revision order, and the store
/// revision the daemon had when it sent them. Return false to stop watching.
using watch_callback =
  std::function<bool(const std::vector<kv::event>& events,
                     kv::revision header_revision)>;

struct watch_options {
  /// If not 0: a signal (e.g. SIGINT) that ends the watch cleanly with
  /// reason `interrupted`. Precondition: capture_signal(stop_signal) was
  /// called before any thread started.
  int stop_signal = 0;
};

/// Blocks `signo` process-wide so that a watch can wait for it (see
/// watch_options::stop_signal). Call it early in main, before any thread
/// starts.
void capture_signal(int signo);

/// Timeouts of a connection.
struct connection_options {
  /// For establishing the connection (name lookup included).
  std::chrono::milliseconds connect_timeout{10000};
  /// For each call: past it the call throws client_error(timeout).
  std::chrono::milliseconds call_timeout{10000};
  /// Sent with reads and writes: how long the daemon may work on a request
  /// before answering `timeout` or `unknownOutcome`. Keep it below
  /// call_timeout so that the daemon's answer arrives first. 0 = the
  /// daemon's default (10 s).
  std::chrono::milliseconds server_timeout{0};
};

/// A synchronous connection to one daemon. Each call sends one request and
/// waits for its answer (or the deadline) on the connection's own KJ event
/// loop, on the calling thread.
///
/// Thread rules: use a connection from the thread that made it; a thread can
/// hold only one connection at a time (one KJ event loop per thread).
class connection {
public:
  /// Connects to `target`. Throws client_error(unreachable): "cannot reach
  /// glusterd-actor at HOST:PORT: <reason> (is it running?)".
  explicit connection(const address& target, connection_options opts = {});
  ~connection();

  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  const address& target() const;
  const connection_options& options() const;

  // Every call below throws client_error for transport problems only.

  node_info info();

  /// The self-heal index of each brick `paths` names on this daemon's
  /// server, in order.
  std::vector<brick_heal> heal_info(const std::vector<std::string>& paths);

  outcome<kv::put_result> put(const kv::put_request& r);
  /// A linearizable read unless `serializable`.
  outcome<kv::range_result> range(const kv::range_request& r,
                                  bool serializable = false);
  outcome<kv::delete_result> del(const kv::delete_request& r);
  outcome<kv::txn_result> txn(const kv::txn_request& r);
  outcome<kv::compact_result> compact(kv::revision rev);

  /// Watches `range` from `start_rev` (0: only future events) and calls
  /// `on_events` for each batch until it returns false, the daemon cancels
  /// the watch (st = the cancel reason), or the stop signal arrives. A
  /// refused watch returns at once with st set. Throws client_error if the
  /// connection breaks. The watch start has the call deadline; waiting for
  /// events has none.
  outcome<watch_end> watch(const kv::key_range& range, kv::revision start_rev,
                           const watch_callback& on_events,
                           watch_options opts = {});

  /// This daemon's own monitor view (failure: it is not a monitor).
  outcome<monitor_status> status();
  /// Every member's own view, gathered by the daemon. Never fails for
  /// business reasons (st is always ok).
  outcome<std::vector<member_report>> cluster_status();
  outcome<change_done> add_member(const raft::member& m);
  outcome<change_done> remove_member(const std::string& name);
  /// Returns the new leader.
  outcome<leader_hint> transfer_leader(const std::string& name);

  // The Cluster API (protocol/cluster.capnp): peers, pool and volumes. A
  // failed change changed nothing unless st says unknown_outcome (see
  // gd::nothing_changed).

  /// Proposes a volume command (create, start, stop, delete, set, reset,
  /// add-brick, remove-brick, replace-brick; Cluster.change, hops 0). Ids
  /// left empty (a new volume's, a remove-brick task's) are chosen by the
  /// daemon.
  outcome<cluster::change_done> cluster_change(const cluster::command& c);
  /// Adds the daemon at HOST[:PORT] (port 24007 by default) to the pool.
  outcome<cluster::change_done> peer_probe(const std::string& host);
  /// Removes a peer from the pool (refused while it hosts bricks).
  outcome<cluster::change_done> peer_detach(const std::string& host,
                                            bool force);
  /// Every peer of the pool, the answering daemon included (self = true).
  outcome<std::vector<cluster::peer_info>> peers();
  /// One volume, or every volume for "" or "all".
  outcome<std::vector<cluster::volume_info>> volumes(const std::string& name);
  outcome<std::vector<std::string>> volume_names();
  /// Every role the monitor leader assigned, ordered by task.
  outcome<std::vector<cluster::role_assignment>> roles();
  /// One option of volume `name` (or of the cluster, for "all"), with its
  /// default; every option for key "all".
  outcome<std::vector<cluster::option_value>>
  volume_options(const std::string& name, const std::string& key);
  /// The client volfile of `volume` (`client`, or an empty `brick`), else
  /// the one of brick "HOST:/path".
  outcome<cluster::volfile> volfile(const std::string& volume,
                                    const std::string& brick, bool client);

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace gd::client
