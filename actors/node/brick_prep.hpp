#pragma once

// Brick preparation on the node that hosts the brick, as glusterd 10 does it
// in glusterd_validate_and_create_brickpath() before a volume uses a brick:
// the directory exists (or can be made), is not the root partition or a
// mount point unless forced, carries no other volume's identity, and ends up
// holding `trusted.glusterfs.volume-id` and a `.glusterfs` directory.
// Errors are glusterd's own sentences, so the CLI shows what gluster shows.
//
// Plain POSIX, synchronous, blocking on the file system; call it from a
// thread that may block. Needs CAP_SYS_ADMIN for the trusted.* xattrs.

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "protocol/uuid.hpp"

namespace gd::node {

/// The extended attribute that ties a brick root to its volume (16 raw bytes).
inline constexpr const char* volume_id_xattr = "trusted.glusterfs.volume-id";
/// The GFID attribute; on a brick root it marks a directory a volume used.
inline constexpr const char* gfid_xattr = "trusted.gfid";

// UUID bytes (uuid_bytes, parse_uuid, format_uuid): protocol/uuid.hpp.
using gd::format_uuid;
using gd::parse_uuid;
using gd::uuid_bytes;

/// Read-only check that `path` on this node (named `host` in messages) may
/// be a brick of volume `volume_id` (UUID text). Changes nothing on disk.
/// Returns "" if `prepare_brick` would proceed, else glusterd's message:
/// a relative path; a path mkdir -p cannot create (a file in the way, a
/// parent that is a file, no permission); an existing non-directory; unless
/// `force`, a mount point or a directory on the root partition; an xattr-less
/// file system; or the path or one of its parents already part of a volume.
/// A brick root whose volume-id equals `volume_id` is accepted (a restart);
/// any other volume-id, or a trusted.gfid without it, is refused even with
/// `force` (glusterd's start check, not its create check: see the .cpp).
std::string check_brick(const std::string& host, const std::string& path,
                        const std::string& volume_id, bool force);

/// `check_brick`, then makes the directory (mkdir -p, mode 0755), verifies
/// that the file system takes trusted.* xattrs, sets `volume_id_xattr` to
/// the 16 bytes of `volume_id` (created if absent, left if equal) and makes
/// `path/.glusterfs` (mode 0600, glusterd's). Idempotent. Returns "" or the
/// message; on failure the directories this call created are removed again.
std::string prepare_brick(const std::string& host, const std::string& path,
                          const std::string& volume_id, bool force);

/// Undoes the brick identity for `volume delete`: if `path` carries
/// `volume_id_xattr` equal to `volume_id`, removes `gfid_xattr` and then the
/// volume-id from the brick root, so a new volume may use the directory.
/// Data, `.glusterfs` and other xattrs stay. A missing path or a path with
/// no volume-id is already released (""). Another volume's id is refused
/// with a message and nothing is removed.
std::string release_brick(const std::string& path,
                          const std::string& volume_id);

} // namespace gd::node
