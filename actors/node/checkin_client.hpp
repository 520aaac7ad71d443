#pragma once

// The node agent's check-in: one long-lived Cap'n Proto connection to one
// monitor (the first of its rendezvous order that answers, see
// monitor_choice.hpp), a check-in every interval proving the server's
// credential, and the monitor list, lease and quorum each reply carries.
// KJ thread only; no CAF. The daemon runs one; the fleet simulator
// (cmd/glsim) runs thousands in one process, each with its own connection.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <kj/async-io.h>
#include <kj/async.h>

#include "actors/membership/credentials.hpp"
#include "protocol/membership.capnp.h"

namespace gd::rpc {
class peer_pool;
}

namespace gd::node {

struct checkin_settings {
  /// This server's peer UUID and credential.
  std::string uuid;
  membership::key credential{};
  /// Time between check-ins (the monitors refuse more than half a lease).
  std::chrono::milliseconds interval{1000};
  /// A check-in not answered within this long counts as a lost monitor
  /// (and the next monitor is asked at once); capped, once a reply named
  /// the lease, at half of what the lease leaves after one interval.
  std::chrono::milliseconds call_timeout{2000};
  /// Once failed over, try the preferred monitor again after this long.
  std::chrono::milliseconds prefer_again{30000};
  /// Wait before the first check-in (spreads a fleet's check-ins).
  std::chrono::milliseconds first_delay{0};
};

/// What the last check-in came to.
struct checkin_outcome {
  bool accepted = false;
  /// Why refused, or why no monitor answered.
  std::string error;
  /// The monitor asked (HOST:PORT), and its member name if it answered.
  std::string monitor_address;
  std::string monitor_name;
  std::uint32_t lease_ms = 0;
  bool quorum = false;
  bool down = false;
  std::int64_t revision = 0;
  std::vector<std::string> monitors;
  /// No answer (or a monitor not ready yet): the next monitor was asked at
  /// once.
  bool lost = false;
};


struct checkin_counters {
  std::uint64_t sent = 0;
  std::uint64_t accepted = 0;
  std::uint64_t refused = 0;
  /// Calls that failed or timed out (the monitor was then left).
  std::uint64_t lost = 0;
  /// Moves to another monitor than the one before.
  std::uint64_t failovers = 0;
};

class checkin_client {
public:
  /// Called after every check-in (on the KJ thread).
  using observer = std::function<void(const checkin_outcome&)>;

  /// `io` must outlive this client. `monitors`: HOST:PORT of the cluster's
  /// monitors (non-empty).
  checkin_client(kj::AsyncIoContext& io, checkin_settings settings,
                 std::vector<std::string> monitors, observer on_outcome);
  ~checkin_client();
  checkin_client(const checkin_client&) = delete;
  checkin_client& operator=(const checkin_client&) = delete;

  /// Checks in until destroyed. Never rejects.
  kj::Promise<void> run();

  /// Replaces the monitor list (a reply named a new one): the order is
  /// recomputed; the current monitor is kept while it is in the list.
  void set_monitors(std::vector<std::string> monitors);

  const checkin_outcome& last() const { return last_; }
  const checkin_counters& counters() const { return counters_; }
  const std::vector<std::string>& order() const { return order_; }

private:
  kj::Promise<void> once();
  void move_to(std::size_t index);
  std::chrono::milliseconds call_timeout() const;

  kj::AsyncIoContext& io_;
  checkin_settings settings_;
  std::vector<std::string> order_;
  /// Index in order_ of the monitor in use.
  std::size_t current_ = 0;
  kj::TimePoint on_fallback_since_;
  observer on_outcome_;
  std::unique_ptr<rpc::peer_pool> pool_;
  /// The Membership capability of the current monitor's connection.
  std::optional<proto::schema::Membership::Client> membership_;
  std::string membership_address_;
  /// The lease the monitors grant (from their replies; 0 until one came).
  std::chrono::milliseconds lease_{0};
  membership::stamp_source stamps_;
  checkin_outcome last_;
  checkin_counters counters_;
};

} // namespace gd::node
