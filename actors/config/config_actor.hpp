#pragma once

// The config storage actor of a monitor: owns the state machine store,
// applies committed entries, and serves the KV API (put/range/delete/txn/
// compact and watch) on top of the Raft actor.
//
// Writes are proposed to the Raft actor and answered from the apply path,
// with the revision they produced: when the reply leaves, the write is on a
// majority's disk. Reads are linearizable by default (ReadIndex: confirmed
// with a quorum, served once applied that far); serializable reads are served
// from the local store at once.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "actors/raft/raft_actor.hpp"
#include "protocol/cluster_types.hpp"
#include "protocol/kv_types.hpp"
#include "store/kv_store.hpp"

namespace gd::config {

struct kv_write_reply;
struct kv_read_reply;

/// A replicated write.
struct kv_write {
  kv::write_request req;
  /// Give up (unknown_outcome) if not committed within this.
  std::chrono::milliseconds timeout{10000};
  /// If set, the reply goes here (called on the config actor's thread; must
  /// be quick and thread-safe) instead of to the requester, and the request
  /// may be sent with anon_send. The RPC bridge uses this to save an actor
  /// hop per request; it must enforce its own deadline, since a dead actor
  /// calls nothing.
  std::function<void(kv_write_reply)> on_reply;
};

struct kv_write_reply {
  gd::status st;
  kv::write_result result;
};

/// A read of a range.
struct kv_read {
  kv::range_request req;
  /// Serve from the local store without confirming leadership (may be stale).
  bool serializable = false;
  std::chrono::milliseconds timeout{10000};
  /// As kv_write::on_reply.
  std::function<void(kv_read_reply)> on_reply;
};

struct kv_read_reply {
  gd::status st;
  kv::range_result result;
};

struct cluster_write_reply;

/// A cluster model command (peer probe, volume create ...), proposed as one
/// log entry and validated when applied (actors/config/cluster_apply.hpp).
/// Ids the command needs (a new volume's UUID) must be filled in already.
struct cluster_write {
  cluster::command cmd;
  std::chrono::milliseconds timeout{10000};
  /// The reply goes here, on the config actor's thread (quick and
  /// thread-safe, as kv_write::on_reply). Required.
  std::function<void(cluster_write_reply)> on_reply;
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

/// Reads of the applied state, for model_read: through the open apply
/// transaction. Throws store::store_error on a storage failure.
using store_reader = std::function<kv::range_result(const kv::range_request&)>;

/// A read of the cluster model (or any keys) by a function run on the
/// config actor's thread.
struct model_read {
  /// Serve from the local store at once (may be stale).
  bool serializable = false;
  std::chrono::milliseconds timeout{10000};
  /// Called exactly once, on the config actor's thread: with an ok status
  /// and a reader once the read is confirmed (linearizable: it sees every
  /// write acknowledged before the request arrived), or with the failure
  /// and nullptr. Must be quick and must not keep the reader. Required.
  std::function<void(const gd::status&, const store_reader*)> run;
};

/// Starts a watch: events of revisions >= `start` (0: only future ones) on
/// keys in `range` go to `sink` as watch_events messages, in revision order,
/// each revision whole.
struct kv_watch {
  std::uint64_t watch_id = 0;
  kv::key_range range;
  kv::revision start = 0;
  caf::actor sink;
};

struct kv_watch_reply {
  gd::status st;
  /// The store revision when the watch started.
  kv::revision header_revision = 0;
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

/// The config actor: a state machine for the Raft actor plus the KV API.
using config_actor = raft::state_machine_actor::extend<
  caf::reacts_to<raft::raft_actor>,
  caf::replies_to<applied_query>::with<store::applied_state>,
  caf::replies_to<kv_write>::with<kv_write_reply>,
  caf::replies_to<kv_read>::with<kv_read_reply>,
  caf::replies_to<kv_watch>::with<kv_watch_reply>,
  caf::reacts_to<kv_unwatch>,
  caf::reacts_to<cluster_write>,
  caf::reacts_to<model_read>>;

struct config_actor_config {
  /// Refuse writes (no_space) once the store uses more than this fraction of
  /// its map; deletes and compactions are still accepted.
  double space_quota = 0.9;
  kv::limits limits;
  /// How often deadlines are checked and applied entries committed.
  std::chrono::milliseconds sweep_interval{25};
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
