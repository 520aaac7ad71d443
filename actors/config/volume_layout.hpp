#pragma once

// The rules of a volume's shape, as pure functions: valid names, how brick
// counts map onto replica and disperse sets, the default redundancy, and
// whether a set's bricks sit on distinct servers. Used by the state machine
// (cluster_apply) to validate commands; messages are gluster's words where
// gluster has them. No I/O.

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/cluster_types.hpp"

namespace gd::cluster {

/// Longest volume name, in bytes.
inline constexpr std::size_t max_volume_name = 64;
/// Most bricks in one volume (keeps every command's proposal small).
inline constexpr std::size_t max_bricks_per_volume = 4096;
/// Longest hostname, in bytes.
inline constexpr std::size_t max_hostname = 255;
/// Longest user.* option key, in bytes.
inline constexpr std::size_t max_user_option_key = 256;

/// "" if `name` can name a volume, else why not: 1 to 64 bytes of
/// [A-Za-z0-9_-], not starting with '-', and not a reserved word ("all",
/// "help", "node", "status", "info", "list").
std::string check_volume_name(const std::string& name);

/// "" if `host` can name a peer: 1 to 255 bytes of [A-Za-z0-9.:_-] (names,
/// IPv4, IPv6 without brackets), else why not.
std::string check_hostname(const std::string& host);

/// The shape a volume create asks for.
struct layout {
  volume_type type = volume_type::distribute;
  std::uint32_t replica_count = 1;
  std::uint32_t arbiter_count = 0;
  std::uint32_t disperse_count = 0;
  std::uint32_t redundancy_count = 0;
};

/// Works out the layout of a new volume from the counts given (0 = not
/// given) and the number of bricks. Returns "" and sets `out`, or the
/// reason the counts do not fit (e.g. "number of bricks is not a multiple
/// of replica count").
std::string plan_layout(std::uint32_t replica, std::uint32_t arbiter,
                        std::uint32_t disperse, std::uint32_t redundancy,
                        std::size_t bricks, layout& out);

/// The redundancy gluster picks for a disperse set of `n` bricks: the
/// largest r with 2r < n and n - r a power of two; 1 if there is none.
/// Precondition: n >= 3.
std::uint32_t default_redundancy(std::uint32_t n);

/// The volume type for `group` bricks per set and `subvolumes` sets.
volume_type type_for(const volume& v, std::uint32_t subvolumes);

/// If two bricks of one set (consecutive runs of `group_size` in `peers`,
/// which holds each brick's peer UUID) are on the same server, returns
/// gluster's refusal for `kind` ("replicate" or "disperse"); else "".
std::string check_distinct_servers(const std::vector<std::string>& peers,
                                   std::uint32_t group_size,
                                   const std::string& kind);

} // namespace gd::cluster
