#pragma once

// Check-in membership in the simulation: each monitor runs its real
// membership actor (actors/membership) on the simulated clock, and a fleet
// of simulated agents checks in with the first monitor of its rendezvous
// order it can reach (agents die and come back, monitors crash, partitions
// cut agents off some monitors); a courier carries the monitors' digests
// over the simulated links. Oracles:
// - no false "down": no down commits for an agent whose check-in within
//   the lease (less the digest delay) a majority of the monitors knew of
//   (took it, or got it in a digest) when the leader proposed it;
// - no stuck state: once everything is healed, an agent dead for a lease
//   is committed down and one alive for the damping plus a lease is
//   committed up.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "actors/config/config_actor.hpp"
#include "actors/membership/membership_actor.hpp"
#include "test/sim/sim_net.hpp"
#include "test/sim/sim_random.hpp"

namespace gd::sim {

struct fleet_options {
  std::size_t agents = 0;
  membership::millis interval = 400;
  membership::lease_options leases{1000, 2000};
  /// How often the courier carries each monitor's digest to the others.
  membership::millis digest_period = 100;
  /// Average simulated time between agent deaths during the fault phase.
  int death_every_ms = 600;
  int dead_for_ms = 3000;
};

/// One simulated agent.
struct sim_agent {
  std::string uuid;
  bool alive = true;
  bool admitted = false;
  /// When it last died or came back (simulated ms).
  membership::millis since = 0;
  /// Accepted check-ins: (time, monitor index).
  std::vector<std::pair<membership::millis, std::size_t>> checkins;
  membership::millis next_checkin = 0;
};

class agent_fleet {
public:
  /// `net`: the simulated network (link state between monitors);
  /// `fail`: reports an invariant violation.
  agent_fleet(caf::actor_system& sys, fleet_options opts, std::uint64_t seed,
              net_state& net, std::function<void(const std::string&)> fail);
  ~agent_fleet();

  bool enabled() const { return opts_.agents > 0; }
  const fleet_options& options() const { return opts_; }

  /// The membership config for monitor `index` named `name` (its clock,
  /// its proposal oracle).
  membership::membership_config config_for(std::size_t index,
                                           const std::string& name);
  /// Monitor `index` (member `id`) runs `actor` now / crashed.
  void monitor_started(std::size_t index, raft::member_id id,
                       membership::membership_actor actor);
  void monitor_crashed(std::size_t index);

  /// Drives the fleet at simulated time `now`: admissions through
  /// `leader_config` (if any), check-ins, digests; agent deaths and returns
  /// while `faults`.
  void tick(membership::millis now, const config::config_actor& leader_config,
            bool faults);

  /// Final check against the committed pool (uuid -> down) at `now`, after
  /// everything healed. Reports violations through `fail`.
  void check_final(const std::map<std::string, bool>& committed_down,
                   membership::millis now);

  std::size_t proposals_checked() const { return proposals_checked_; }
  std::size_t deaths() const { return deaths_; }

private:
  struct monitor {
    raft::member_id id = raft::no_member;
    std::string name;
    membership::membership_actor actor;
    bool up = false;
    /// When it last started.
    membership::millis started = 0;
    /// The latest check-ins of each agent this incarnation learned of:
    /// (check-in time, when it learned of it), the last few.
    std::map<std::string,
             std::vector<std::pair<membership::millis, membership::millis>>>
      known;
    /// Downs of its proposal in flight that a majority knew to be wrong.
    std::vector<std::string> wrong_downs;
  };

  void on_propose(std::size_t index,
                  const std::vector<membership::transition>& ts);
  void on_committed(std::size_t index,
                    const std::vector<membership::transition>& ts);
  bool agent_reaches(std::size_t agent, std::size_t monitor) const;
  /// Asks monitor `to` to confirm `servers` for `leader`'s round (the
  /// courier carries question and answer over the simulated links).
  void carry_confirmation(std::size_t leader, std::size_t to,
                          std::uint64_t round, std::vector<std::string> servers);
  /// Monitor `m` learned of a check-in of `uuid` at `at`.
  void learn(std::size_t m, const std::string& uuid, membership::millis at);

  caf::actor_system& sys_;
  fleet_options opts_;
  sim_random rng_;
  net_state& net_;
  std::function<void(const std::string&)> fail_;
  std::vector<monitor> monitors_;
  std::vector<sim_agent> agents_;
  std::map<std::string, std::size_t> by_uuid_;
  caf::actor courier_;
  std::shared_ptr<void> courier_env_;
  membership::millis now_ = 0;
  membership::millis next_digest_ = 0;
  membership::millis next_death_ = 0;
  membership::millis next_admission_ = 0;
  std::uint64_t net_hash_ = 0;
  /// A partition draw for agents (changes with every partition).
  std::uint64_t agent_partition_salt_ = 0;
  void note_net_changes();
  std::size_t proposals_checked_ = 0;
  std::size_t deaths_ = 0;
};

} // namespace gd::sim
