#pragma once

// The config storage actor of a monitor: owns the state machine store,
// applies committed entries, and serves the KV API (put/range/delete/txn/
// compact and watch) on top of the Raft actor.
//
// Writes are proposed to the Raft actor and answered from the apply path,
// with the revision they produced: when the reply leaves, the write is on a
// majority's disk. Every request carries its reply promise
// (actors/reply_promise.hpp). Reads are linearizable by default (ReadIndex: confirmed
// with a quorum, served once applied that far); serializable reads are served
// from the local store at once.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "actors/config/cluster_queries.hpp"
#include "actors/raft/raft_actor.hpp"
#include "actors/reply_promise.hpp"
#include "protocol/cluster_types.hpp"
#include "protocol/kv_types.hpp"
#include "store/kv_store.hpp"

namespace gd::config {

struct kv_write_reply {
  gd::status st;
  kv::write_result result;
};

/// A replicated write. Answered through `reply`: ok once the write is
/// applied on a majority (with its revision), else why nothing changed, or
/// unknown_outcome if it was proposed but not confirmed by `timeout`.
struct kv_write {
  kv::write_request req;
  std::chrono::milliseconds timeout{10000};
  reply_promise<kv_write_reply> reply;
};

struct kv_read_reply {
  gd::status st;
  kv::range_result result;
};

/// A read of a range, answered through `reply`.
struct kv_read {
  kv::range_request req;
  /// Serve from the local store without confirming leadership (may be stale).
  bool serializable = false;
  std::chrono::milliseconds timeout{10000};
  reply_promise<kv_read_reply> reply;
};

struct cluster_write_reply {
  /// ok once applied on a majority; else why nothing changed (or
  /// unknown_outcome).
  gd::status st;
  /// A note for the success line (may be empty).
  std::string message;
  /// The revision the command made; 0 if it changed nothing.
  kv::revision revision = 0;
  /// The volume after a volume command that leaves one.
  std::optional<cluster::volume> volume;
};

/// A cluster model command (peer probe, volume create ...), proposed as one
/// log entry and validated when applied (actors/config/cluster_apply.hpp),
/// answered through `reply`. Ids the command needs (a new volume's UUID)
/// must be filled in already.
struct cluster_write {
  cluster::command cmd;
  std::chrono::milliseconds timeout{10000};
  reply_promise<cluster_write_reply> reply;
};

struct model_read_reply {
  /// ok, or why the query has no answer (not_found, invalid ...) or could
  /// not be served (no_quorum, timeout ...).
  gd::status st;
  /// The answer (meaningful if st.ok()): the alternative matching the query
  /// (see cluster::model_answer).
  cluster::model_answer value;
};

/// A named read of the cluster model (cluster::model_query), answered
/// through `reply`: linearizable (it sees every write acknowledged before
/// the request arrived) unless `serializable`.
struct model_read {
  cluster::model_query query;
  bool serializable = false;
  std::chrono::milliseconds timeout{10000};
  reply_promise<model_read_reply> reply;
};

struct kv_watch_reply {
  gd::status st;
  /// The store revision when the watch started.
  kv::revision header_revision = 0;
};

/// Starts a watch: events of revisions >= `start` (0: only future ones) on
/// keys in `range` go to `sink` as watch_events messages, in revision order,
/// each revision whole. Answered through `reply` once started (or refused).
struct kv_watch {
  std::uint64_t watch_id = 0;
  kv::key_range range;
  kv::revision start = 0;
  caf::actor sink;
  reply_promise<kv_watch_reply> reply;
};

/// Stops a watch.
struct kv_unwatch {
  std::uint64_t watch_id = 0;
  caf::actor sink;
};

/// Sent to a watch's sink.
struct watch_events {
  std::uint64_t watch_id = 0;
  std::vector<kv::event> events;
  /// The store revision when these were read.
  kv::revision header_revision = 0;
  /// The watch ended (its history was compacted away, or the member shut
  /// down); `reason` says why. No more events follow.
  bool canceled = false;
  gd::status reason;
};

/// Asks where the state machine stands (answered with store::applied_state).
struct applied_query {
  std::uint64_t seq = 0;
};

/// The config actor: a state machine for the Raft actor plus the KV API and
/// the cluster model. Its client requests (kv_write, kv_read, cluster_write,
/// model_read, kv_watch) carry their reply promise: one reply path, whoever
/// asks (the RPC bridge, a test, the simulation).
using config_actor = raft::state_machine_actor::extend<
  caf::reacts_to<raft::raft_actor>,
  caf::replies_to<applied_query>::with<store::applied_state>,
  caf::reacts_to<kv_write>, caf::reacts_to<kv_read>,
  caf::reacts_to<cluster_write>, caf::reacts_to<model_read>,
  caf::reacts_to<kv_watch>, caf::reacts_to<kv_unwatch>>;

struct config_actor_config {
  /// Refuse writes (no_space) once the store uses more than this fraction of
  /// its map; deletes and compactions are still accepted.
  double space_quota = 0.9;
  kv::limits limits;
  /// How often deadlines are checked and applied entries committed.
  std::chrono::milliseconds sweep_interval{25};
  /// How long applied entries may wait in the open transaction before it is
  /// committed (etcd batches its backend commits the same way, every
  /// 100 ms). A crash loses them; the restart re-applies them from the log.
  std::chrono::milliseconds commit_interval{100};
  /// Events a watch that is behind is sent per step of its catch-up; a
  /// watcher far behind gets one step per message the actor handles, so it
  /// cannot starve the others.
  std::size_t watch_chunk_events = 1000;
  /// Store options, used when a snapshot install reopens the store.
  store::kv_store_options store;
  /// Spawn on its own thread: required outside CAF's test_coordinator
  /// (where it must be false), since the open LMDB write transaction of
  /// applied entries is bound to one thread.
  bool detached = true;
  std::function<void(const std::string&)> on_event;
  /// Receives what an operator should look into (a slow state store
  /// commit); on_event if unset.
  std::function<void(const std::string&)> on_warning;
};

/// Spawns the config actor over an open store. It owns both from now on.
/// It serves nothing until it receives its Raft actor handle.
config_actor spawn_config(caf::actor_system& sys, config_actor_config cfg,
                          std::unique_ptr<store::state_root> root,
                          std::unique_ptr<store::kv_store> kv);

/// For tests under CAF's test_coordinator only: the actor's store, or
/// nullptr once the actor has terminated. Valid until the next step.
const store::kv_store* inspect_store(const config_actor& h);

} // namespace gd::config

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gd::config::applied_query)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gd::store::applied_state)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gd::config::kv_write)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gd::config::kv_write_reply)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gd::config::kv_read)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gd::config::kv_read_reply)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gd::config::kv_watch)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gd::config::kv_watch_reply)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gd::config::kv_unwatch)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gd::config::watch_events)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gd::config::cluster_write)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gd::config::model_read)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gd::config::model_read_reply)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gd::config::cluster_write_reply)
