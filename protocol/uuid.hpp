#pragma once

// UUIDs as gluster writes them: 36 characters, lower-case hex in 8-4-4-4-12
// groups (RFC 4122 version 4 when we make them).

#include <array>
#include <cstdint>
#include <optional>
#include <string>

namespace gd {

/// A new random (version 4) UUID, from std::random_device.
std::string random_uuid();

/// True if `s` has the 8-4-4-4-12 lower- or upper-case hex form.
bool valid_uuid(const std::string& s);

/// The 16 raw bytes of a UUID, in the order gluster stores them (e.g. in
/// trusted.glusterfs.volume-id).
using uuid_bytes = std::array<std::uint8_t, 16>;

/// Bytes of `text` (8-4-4-4-12 hex, either case); nullopt if malformed.
std::optional<uuid_bytes> parse_uuid(const std::string& text);

/// `bytes` as gluster prints a UUID: lower-case 8-4-4-4-12.
std::string format_uuid(const uuid_bytes& bytes);

} // namespace gd
