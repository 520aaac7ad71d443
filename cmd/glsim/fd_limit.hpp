#pragma once

// The descriptor limit of glsim (and of the monitors it spawns, which
// inherit it): every simulated server holds a listener while it is being
// admitted and a check-in connection after.

#include <cstdint>
#include <string>

namespace gd::glsim {

/// Raises RLIMIT_NOFILE towards `want`: the hard limit too if the process
/// may (root, up to /proc/sys/fs/nr_open), else the soft one up to the hard
/// one. Returns the soft limit now in force; `note` says why it is below
/// `want`, if it is.
std::uint64_t raise_nofile(std::uint64_t want, std::string& note);

} // namespace gd::glsim
