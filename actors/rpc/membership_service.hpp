#pragma once

// The Cap'n Proto side of check-in membership (KJ thread only):
// - monitors: the Membership service (check-ins answered at once from the
//   admission view, batched to the membership actor; digests from the
//   other monitors), and the loop that sends this monitor's digest to the
//   others;
// - every daemon: the state of its own node agent's check-in (started by
//   actors/node/agent_membership).

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <kj/async.h>
#include <kj/time.h>

#include "actors/membership/admission.hpp"
#include "actors/membership/credentials.hpp"
#include "actors/membership/membership_actor.hpp"
#include "protocol/membership.capnp.h"

namespace gd::node {
class checkin_client;
}

namespace gd::rpc {

struct rpc_context;

/// Counts of what callers did to the membership service (KJ thread).
struct membership_counters {
  std::uint64_t checkins = 0;
  std::uint64_t digests = 0;
  /// Refused calls by refusal kind ("unknown", "bad-proof", "replay" ...).
  std::map<std::string, std::uint64_t> refused;
};

/// What the membership bridge of one daemon keeps on the KJ thread.
struct membership_link {
  /// Monitors: the actor and the view it publishes.
  membership::membership_actor actor;
  std::shared_ptr<membership::admission_board> board;
  /// Monitors: the cluster secret, and the key monitors prove themselves
  /// with (derived from it).
  membership::key secret{};
  bool has_secret = false;
  membership::key monitor_key{};
  bool has_monitor_key = false;
  membership::replay_guard replays;
  /// Check-ins taken since the last flush to the actor.
  std::vector<std::pair<std::string, membership::millis>> pending;
  membership_counters counters;
  membership::stamp_source stamps;
  /// This daemon's own agent: its credential (if it has one) and check-in.
  membership::key credential{};
  bool has_credential = false;
  std::unique_ptr<node::checkin_client> checkin;
  kj::Promise<void> checkin_task = nullptr;
  /// The agent's last check-in refusal logged (logged again on change).
  std::string last_error;
  bool last_quorum = true;
  /// Digests in flight.
  kj::TaskSet tasks;

  membership_link();
  ~membership_link();
};

/// The Membership service for a connection from `peer` (HOST:PORT, for
/// logs).
proto::schema::Membership::Client make_membership_service(rpc_context& ctx,
                                                          std::string peer);

/// Monitors: flushes taken check-ins to the actor and sends this monitor's
/// digest to the others, every `period`, until the daemon stops.
kj::Promise<void> run_membership_exchange(rpc_context& ctx, kj::Duration period);

/// A proof of this monitor's membership for a call to `target`.
membership::proof monitor_proof(rpc_context& ctx, membership::purpose p,
                                const std::string& target);

/// Checks a server session's proof (Management.serverSession): "" or why
/// refused (counted and logged with `peer`).
std::string check_server_session(rpc_context& ctx, const membership::proof& pr,
                                 const std::string& peer);

/// This daemon's proof for a session of forwarded calls to the monitor at
/// `target`. Precondition: it holds a credential.
membership::proof server_proof(rpc_context& ctx, const std::string& target);

/// Checks a monitor's proof for a session of calls it relays (a follower
/// forwarding a checked change to the leader; Management.serverSession with
/// a proof naming a monitor): "" or why refused (counted and logged).
std::string check_monitor_session(rpc_context& ctx, const membership::proof& pr,
                                  const std::string& peer);

/// Checks a Raft link's proof (Management.raftPeer): "" or why refused
/// (counted and logged with `peer`).
std::string check_raft_link(rpc_context& ctx, const membership::proof& pr,
                            const std::string& peer);

} // namespace gd::rpc
