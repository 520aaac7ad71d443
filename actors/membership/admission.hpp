#pragma once

// Who may check in with a monitor, and the checks a check-in or a digest
// passes before it counts. The membership actor publishes an immutable
// admission_view on an admission_board whenever the committed pool, the
// monitor list or the quorum changes; the RPC side reads the current view
// for every call (no actor hop per check-in). Pure: no CAF, no KJ.

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "actors/membership/credentials.hpp"
#include "actors/membership/lease_table.hpp"

namespace gd::membership {

/// A server of the committed pool, as a check-in needs it.
struct admitted {
  /// The key its proofs are made with: its server credential, or the
  /// monitors' key if it runs a monitor (monitors hold the secret).
  key credential{};
  bool monitor = false;
  /// Committed down (it is back, and "up" waits for the damping).
  bool down = false;
};

/// One monitor's picture of the pool at one moment. Immutable once
/// published.
struct admission_view {
  /// False until the committed pool was loaded: check-ins are refused
  /// (retry) rather than judged against an empty pool.
  bool ready = false;
  /// The committed pool by peer UUID (shared between views that differ
  /// only in the small fields below).
  std::shared_ptr<const std::unordered_map<std::string, admitted>> servers_ptr;
  /// HOST:PORT of every monitor in the configuration in force.
  std::vector<std::string> monitor_addresses;
  /// Member name -> HOST:PORT of every monitor (digest senders).
  std::map<std::string, std::string> monitor_members;
  /// This monitor's member name.
  std::string monitor_name;
  /// The key monitors prove themselves with.
  key monitor_key{};
  /// The lease a check-in grants, in ms.
  millis lease = 0;
  /// The KV revision this monitor applied (the config revision agents see).
  std::int64_t revision = 0;
  /// This monitor hears a working leader.
  bool quorum = false;

  /// The admitted server `uuid`, or nullptr.
  const admitted* find(const std::string& uuid) const {
    if (!servers_ptr)
      return nullptr;
    auto it = servers_ptr->find(uuid);
    return it == servers_ptr->end() ? nullptr : &it->second;
  }
};

/// Where the current view is published: written by the membership actor,
/// read by the RPC thread. Thread-safe.
class admission_board {
public:
  void publish(std::shared_ptr<const admission_view> v);
  /// The current view (an empty, not-ready one before the first publish).
  std::shared_ptr<const admission_view> current() const;

private:
  mutable std::mutex mu_;
  std::shared_ptr<const admission_view> view_
    = std::make_shared<const admission_view>();
};

/// The refusal of a monitor that has not loaded the pool yet (agents take
/// it as a lost check-in and move to another monitor).
inline constexpr const char* not_ready_message
  = "this monitor has not loaded the pool yet; retry";

/// What a refused call is told, and counted as.
struct refusal {
  /// "" if the call was accepted.
  std::string error;
  /// A short kind for counters and logs: "not-ready", "unknown",
  /// "bad-proof", "wrong-target", "replay", "interval".
  const char* kind = "";

  bool ok() const { return error.empty(); }
};

/// Checks an agent's check-in against `view`: `pr.who` is an admitted
/// server, the MAC holds for its key and purpose check_in, it was made for
/// `my_address`, it is not a replay (`guard`, remembered only if every
/// other check passed), and `interval_ms` leaves room for two check-ins
/// per lease. `now_us`: wall clock, microseconds since the epoch.
refusal check_checkin(const admission_view& view, replay_guard& guard,
                      const proof& pr, std::uint32_t interval_ms,
                      const std::string& my_address, std::int64_t now_us);

/// Checks an admitted server's proof for a session of forwarded calls
/// (purpose forward): as check_checkin, without the interval.
refusal check_server_session(const admission_view& view, replay_guard& guard,
                             const proof& pr, const std::string& my_address,
                             std::int64_t now_us);

/// Checks a monitor-to-monitor proof (digest or Raft link): the MAC holds
/// for the monitors' key `monitor_key` and `p`, made for `my_address`, not
/// replayed. Who it names is not checked against a configuration (a monitor
/// that is joining is in none yet): holding the key is the proof.
refusal check_monitor_proof(const key& monitor_key, replay_guard& guard,
                            purpose p, const proof& pr,
                            const std::string& my_address, std::int64_t now_us);

} // namespace gd::membership
