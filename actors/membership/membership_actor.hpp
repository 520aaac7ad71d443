#pragma once

// The monitor side of check-in membership as a CAF actor, one per monitor.
// It holds the lease table (actors/membership/lease_table.hpp) fed by the
// check-ins this monitor takes and by the digests of the other monitors,
// follows the committed pool (a watch on /gd/peers/), and, while its Raft
// member leads, proposes the up/down transitions that are due, many in one
// entry. Check-ins never reach the Raft log.
//
// It publishes what the RPC side needs to answer a check-in at once (who is
// admitted, with which key; the monitor list; quorum) on an admission_board
// (actors/membership/admission.hpp), so a check-in costs no actor hop.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "actors/config/config_actor.hpp"
#include "actors/membership/admission.hpp"
#include "actors/membership/lease_table.hpp"
#include "actors/raft/raft_actor.hpp"

namespace gd::membership {

/// Milliseconds of std::chrono::steady_clock (the actor's and the RPC
/// side's common clock).
millis steady_now();

/// Check-ins this monitor took since the last batch: (server UUID, steady
/// time it was taken). Sent by the RPC side every few hundred ms.
struct checkins_taken {
  std::vector<std::pair<std::string, millis>> checkins;
};

/// A server's check-in as monitors pass it on.
struct seen {
  std::string uuid;
  /// When it was taken (the receiver's clock).
  millis at = 0;
  /// The monitor that took it.
  std::string monitor;
};

/// Another monitor's digest, its ages already turned into this monitor's
/// clock by the RPC side.
struct digest_received {
  std::string from;
  std::vector<seen> sightings;
};

/// Asks for the check-ins this monitor learned of since the last pull
/// (answered with a digest_taken), for the RPC side to send to the other
/// monitors: those it took and those other monitors told it of, so each
/// monitor learns what any monitor it hears from knows. Each sighting is
/// passed on once per monitor: only news is relayed.
struct digest_pull {
  std::uint64_t seq = 0;
};

struct digest_taken {
  std::vector<seen> sightings;
  /// Leader only: servers it means to declare down, for the others to
  /// confirm (confirm_query) in confirmation round `round` (0: none).
  std::uint64_t round = 0;
  std::vector<std::string> confirm;
};

/// Another monitor (the leader) asks what this one knows of `servers`
/// before it declares them down: answered with a confirm_answer holding
/// this monitor's latest sighting of each (those it has).
struct confirm_query {
  std::uint64_t round = 0;
  std::vector<std::string> servers;
};

struct confirm_answer {
  std::uint64_t round = 0;
  std::vector<seen> latest;
};

/// Monitor `from` answered confirmation round `round` (to the leader).
struct confirm_received {
  std::string from;
  std::uint64_t round = 0;
  std::vector<seen> latest;
};

/// What this monitor knows of every server's last check-in (for peer
/// status), answered with a sightings_view.
struct sightings_query {
  std::uint64_t seq = 0;
};

struct sighting_age {
  std::string uuid;
  /// Milliseconds since its last check-in as this monitor knows it; -1 if
  /// none since this monitor started.
  std::int64_t age_ms = -1;
  /// Name of the monitor that took it ("" if none).
  std::string monitor;
};

struct sightings_view {
  std::vector<sighting_age> servers;
  /// Transitions this monitor proposed (as leader) and saw committed since
  /// it started.
  std::uint64_t transitions_committed = 0;
  /// Liveness proposals (log entries) it made.
  std::uint64_t proposals = 0;
  /// Confirmation rounds it started, and those that timed out.
  std::uint64_t rounds = 0;
  std::uint64_t rounds_expired = 0;
};

using membership_actor = caf::typed_actor<
  caf::reacts_to<checkins_taken>, caf::reacts_to<digest_received>,
  caf::replies_to<digest_pull>::with<digest_taken>,
  caf::replies_to<confirm_query>::with<confirm_answer>,
  caf::reacts_to<confirm_received>,
  caf::replies_to<sightings_query>::with<sightings_view>,
  caf::reacts_to<config::watch_events>>;

struct membership_config {
  lease_options leases;
  /// How often leases are checked (and the Raft status read).
  std::chrono::milliseconds tick{100};
  /// How often the monitors exchange digests (the RPC side's period). The
  /// leader declares servers down only after a confirmation round, carried
  /// by the digests: a majority of the monitors (itself included) answered
  /// with their latest sightings of those servers, and the servers are
  /// still due with those taken in. A round not complete within three
  /// periods starts over.
  millis digest_period = 100;
  /// This monitor's member name (named in replies and sightings).
  std::string name;
  /// The cluster secret (server credentials are derived from it).
  key secret{};
  /// Where the admission view is published.
  std::shared_ptr<admission_board> board;
  std::function<void(const std::string&)> log;
  /// The clock leases are kept by (steady_now if unset; the simulation's
  /// in tests). Check-in times the actor receives are of this clock.
  std::function<millis()> clock;
  /// See every liveness proposal as it leaves, and each one that committed
  /// (the simulation's oracle).
  std::function<void(const std::vector<transition>&)> on_propose;
  std::function<void(const std::vector<transition>&)> on_committed;
};

/// Spawns the membership actor of a monitor over its Raft and config
/// actors. It starts by loading the committed pool and watching it.
membership_actor spawn_membership(caf::actor_system& sys, membership_config cfg,
                                  raft::raft_actor raft,
                                  config::config_actor config);

} // namespace gd::membership

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gd::membership::checkins_taken)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gd::membership::digest_received)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gd::membership::digest_pull)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gd::membership::digest_taken)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gd::membership::confirm_query)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gd::membership::confirm_answer)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gd::membership::confirm_received)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gd::membership::sightings_query)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gd::membership::sightings_view)
