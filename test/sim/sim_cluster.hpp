#pragma once

// Deterministic simulation of a monitor ensemble, FoundationDB style, on
// CAF's test_coordinator: N members (real Raft actors and config actors, with
// memory logs and real LMDB state stores), a simulated network, and clients
// issuing KV operations, all in one thread and all driven by one seed. A run
// injects faults (drops, duplicates, delays, partitions, crash-restarts,
// membership changes), checks the Raft invariants after every step, then
// heals everything, lets it settle, and checks that the members converged
// and that the clients' history is linearizable.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "test/sim/sim_net.hpp"
#include "test/support/linearizability.hpp"

namespace gd::sim {

/// A family of faults for a run.
struct fault_mix {
  std::string name;
  std::size_t nodes = 3;
  net_faults net;
  /// Average simulated time between partitions (0: none), and how long one
  /// lasts at most.
  int partition_every_ms = 0;
  int partition_for_ms = 2500;
  /// Average simulated time between crashes (0: none), and the most a
  /// crashed member stays down.
  int crash_every_ms = 0;
  int down_for_ms = 2500;
  /// Replace a member during the run: add a new monitor (it joins as a
  /// learner and gets promoted), then remove an old one.
  bool membership = false;
};

/// The mixes `./dev test` runs: calm, lossy, partitions, crashes, churn
/// (everything at once, 5 members) and membership.
std::vector<fault_mix> standard_mixes();

struct run_options {
  std::uint64_t seed = 1;
  fault_mix mix;
  /// Simulated time with faults and client load.
  std::chrono::milliseconds duration{8000};
  /// Simulated time to heal, finish operations and converge.
  std::chrono::milliseconds settle{10000};
  int clients = 4;
  int keys = 3;
};

struct run_result {
  /// Every invariant violation, with the step it was found at. Empty: pass.
  std::vector<std::string> violations;
  /// Hash of every delivered message and every client result, in order:
  /// equal for equal seeds.
  std::uint64_t trace_hash = 0;
  std::uint64_t steps = 0;
  std::uint64_t messages_delivered = 0;
  std::uint64_t messages_dropped = 0;
  std::size_t ops_ok = 0;
  std::size_t ops_unknown = 0;
  std::size_t leaders_elected = 0;
  std::size_t crashes = 0;
  std::size_t partitions = 0;
  std::size_t snapshots_installed = 0;
  std::size_t membership_changes = 0;
  test::check_result linearizability;

  bool passed() const {
    return violations.empty()
           && linearizability.v == test::check_result::verdict::linearizable;
  }
  /// One line for logs.
  std::string summary() const;
};

/// Runs one seed. Never throws for a failed run: failures are in the result.
run_result run_simulation(const run_options& opts);

} // namespace gd::sim
