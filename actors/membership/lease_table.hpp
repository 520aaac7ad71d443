#pragma once

// The monitor side of check-in membership: which servers hold a lease, and
// which up/down transitions the leader should propose. Pure: no clock of its
// own (every call says what time it is, in milliseconds of a monotonic
// clock), no I/O, no CAF; the membership actor wraps it. Check-ins are never
// written to the Raft log: this table lives in memory on each monitor, and
// only the transitions it reports are proposed, many in one entry.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace gd::membership {

/// Milliseconds of a monotonic clock (steady_clock in the daemon, simulated
/// time in tests).
using millis = std::int64_t;

struct lease_options {
  /// A server that has not checked in for this long has lost its lease
  /// (3 check-in intervals of 1 s by default).
  millis lease = 3000;
  /// Flap damping: a server that was down must check in without a gap (no
  /// two check-ins further apart than `lease`) for this long before its
  /// "up" is proposed.
  millis up_after = 5000;
};

enum class liveness : std::uint8_t { up = 1, down = 2 };

/// A transition the leader should propose (and commit before it counts).
struct transition {
  std::string server;
  liveness to = liveness::up;

  friend bool operator==(const transition& a, const transition& b) {
    return a.server == b.server && a.to == b.to;
  }
};

/// The last check-in of one server as this monitor knows it.
struct sighting {
  millis at = 0;
  /// The monitor that took it (its name).
  std::string monitor;
};

class lease_table {
public:
  explicit lease_table(lease_options opts = {});

  /// The committed state of `server` (from the log: at admission, at each
  /// committed transition, at start-up). A server the table did not know
  /// starts its lease at `now`: nobody is declared down for checking in
  /// before the table knew it.
  void set_committed(const std::string& server, liveness state, millis now);

  /// `server` left the pool (detached): it is forgotten.
  void forget(const std::string& server);

  /// A check-in of `server` at `at`, taken by `monitor` (this one, or
  /// another in a follower's digest). Check-ins of servers that are not in
  /// the committed pool are ignored (they were not admitted). Older
  /// sightings than the one held change nothing. Returns true if this
  /// sighting is now the latest held (so it is news to pass on).
  bool check_in(const std::string& server, millis at, const std::string& monitor);

  /// This monitor became leader at `now`: every server gets a full lease
  /// from now, so no server is declared down because of check-ins this
  /// monitor did not see while it followed (no false "down" after a
  /// failover).
  void took_leadership(millis now);

  /// The transitions due at `now`: up → down for committed-up servers
  /// whose lease ran out; down → up for committed-down servers whose last
  /// check-in is within a lease and that have checked in without a gap for
  /// `up_after`. Stays the same until the
  /// transitions are committed (set_committed), so a lost proposal is
  /// proposed again. Sorted by server.
  std::vector<transition> due(millis now) const;

  /// The last check-in of `server`, if any since the table knew it.
  std::optional<sighting> last_check_in(const std::string& server) const;

  /// The committed state of `server`, if it is in the pool.
  std::optional<liveness> committed(const std::string& server) const;

  std::size_t size() const { return servers_.size(); }

private:
  struct entry {
    liveness committed = liveness::up;
    /// The lease runs until here.
    millis expires = 0;
    /// Start of the current run of check-ins without a gap over `lease`.
    millis streak_since = 0;
    std::optional<sighting> last;
  };

  lease_options opts_;
  std::map<std::string, entry> servers_;
};

} // namespace gd::membership
