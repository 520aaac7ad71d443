#pragma once

// UUIDs as gluster writes them: 36 characters, lower-case hex in 8-4-4-4-12
// groups (RFC 4122 version 4 when we make them).

#include <string>

namespace gd {

/// A new random (version 4) UUID, from std::random_device.
std::string random_uuid();

/// True if `s` has the 8-4-4-4-12 lower- or upper-case hex form.
bool valid_uuid(const std::string& s);

} // namespace gd
