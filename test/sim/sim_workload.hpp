#pragma once

// The simulation's clients. KV clients put, get, delete and compare-and-swap
// a few contended keys (recorded for the linearizability checker) and put
// unique keys (every acknowledged one must survive). A cluster client drives
// the cluster model through the same requests the daemons' RPC services
// send (cluster_write, model_read): it adds peers and a volume, then sets,
// resets and reads options of that volume, recorded as registers too, and
// creates, starts, stops and deletes other volumes.

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "actors/config/config_actor.hpp"
#include "test/support/linearizability.hpp"

namespace gd::sim {

/// What the clients share with the harness. Only touched on the test thread.
struct workload_env {
  /// The current config actor of each member (null while it is down).
  std::vector<config::config_actor> targets;
  std::vector<bool> up;
  std::vector<raft::member_id> ids;
  test::history_recorder history;
  std::int64_t clock = 0;
  /// No new operations (the harness is settling).
  bool stop = false;
  int keys = 3;
  std::size_t ops_ok = 0;
  std::size_t ops_unknown = 0;
  /// Requests in flight, all clients together.
  std::size_t outstanding = 0;
  std::uint64_t trace = 0;
  /// Unique keys whose put was acknowledged: none may be lost.
  std::set<std::string> acked_unique;
  /// Cluster commands and model reads: answered ok, refused (nothing
  /// changed), unknown outcome.
  std::size_t cluster_ok = 0;
  std::size_t cluster_refused = 0;
  std::size_t cluster_unknown = 0;
  /// The cluster client's peers and volume exist.
  bool cluster_ready = false;
  /// Final reads done (see spawn_final_reader).
  std::size_t final_reads = 0;
  std::size_t final_read_failures = 0;

  workload_env() : history([this] { return ++clock; }) {
    // nop
  }
};

/// The volume whose options the cluster client treats as registers, and the
/// history key of its option `key`.
inline constexpr const char* register_volume = "v0";
std::string option_register(const std::string& key);

caf::actor spawn_kv_client(caf::actor_system& sys,
                           std::shared_ptr<workload_env> env, int id,
                           std::uint64_t seed);

caf::actor spawn_cluster_client(caf::actor_system& sys,
                                std::shared_ptr<workload_env> env, int id,
                                std::uint64_t seed);

/// Reads each of `keys` (KV keys, or option_register keys) once more,
/// linearizably, into the history, retrying at other members until one
/// answers; counts env.final_reads (or final_read_failures after many
/// tries).
caf::actor spawn_final_reader(caf::actor_system& sys,
                              std::shared_ptr<workload_env> env,
                              std::vector<std::string> keys,
                              std::uint64_t seed);

} // namespace gd::sim
