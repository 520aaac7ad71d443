#pragma once

// The keys a daemon keeps in its data directory (see
// actors/membership/credentials.hpp): a monitor's cluster secret, an
// agent's credential, and the join tokens operators give new monitors.

#include <cstdint>
#include <optional>
#include <string>

#include "actors/membership/credentials.hpp"

namespace gd::daemon {

/// DIR/cluster.secret, if the file exists (load_secret's errors otherwise).
std::optional<membership::key> load_cluster_secret(const std::string& dir);
void save_cluster_secret(const std::string& dir, const membership::key& k);

/// The secret of a new cluster this monitor bootstraps with `members`
/// initial monitors: read from `secret_file` (every initial monitor is given
/// the same one), or made here if it is the only initial monitor. Throws
/// usage_error if several initial monitors have no shared secret.
membership::key bootstrap_secret(const std::string& secret_file,
                                 std::size_t members);

/// DIR/credential, if any.
std::optional<membership::key> load_credential(const std::string& dir);
/// Stores (or, for nullopt, deletes) DIR/credential. Returns "" or why not.
std::string save_credential(const std::string& dir,
                            const std::optional<membership::key>& k);

struct join_grant {
  std::uint64_t cluster_id = 0;
  membership::key secret{};
};

/// Asks the monitor at `address` for the cluster secret with `token`
/// (Management.joinInfo). Throws std::runtime_error naming the address and
/// the monitor's refusal.
join_grant fetch_join_grant(const std::string& address, const std::string& token);

/// A join token for the monitor whose data directory is `dir` (read without
/// its lock, beside the running daemon), valid for `valid_seconds`. Throws
/// std::runtime_error if `dir` holds no monitor of a cluster.
std::string join_token_for(const std::string& dir, std::int64_t valid_seconds);

} // namespace gd::daemon
