#pragma once

// Where glcli (or any client) finds its glusterd-actor daemon: parsing of
// "HOST", "HOST:PORT" and "[IPV6]:PORT", and the target resolution rule of
// the DESIGN contract (--remote-host, else $GLCLI_REMOTE_HOST, else
// localhost:24007). No Cap'n Proto, no CAF.

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace gd::client {

/// The management port every daemon listens on (as in GlusterFS).
inline constexpr std::uint16_t default_port = 24007;

/// The environment variable consulted when no --remote-host is given.
inline constexpr const char* remote_host_env = "GLCLI_REMOTE_HOST";

/// Thrown for an address that does not parse. what() names the bad input,
/// e.g. "port '99999' in 'h:99999' is not a number from 1 to 65535".
class address_error : public std::invalid_argument {
public:
  using std::invalid_argument::invalid_argument;
};

/// A daemon's management endpoint.
struct address {
  /// A host name, an IPv4 address or an IPv6 address (without brackets).
  std::string host;
  std::uint16_t port = default_port;

  /// Returns "HOST:PORT", or "[HOST]:PORT" if the host is an IPv6 address.
  std::string to_string() const;

  friend bool operator==(const address& a, const address& b) {
    return a.host == b.host && a.port == b.port;
  }
  friend bool operator!=(const address& a, const address& b) {
    return !(a == b);
  }
};

/// Parses "HOST", "HOST:PORT", "[IPV6]" or "[IPV6]:PORT"; the port defaults
/// to `default_port`. A text with two or more colons and no brackets is taken
/// as a bare IPv6 address without a port ("::1", "fe80::1"). Throws
/// address_error naming `text` if it is empty, has an empty or malformed
/// host, or a port that is not a number from 1 to 65535.
address parse_address(std::string_view text);

/// Where a command goes: `flag` (the --remote-host value) if set, else
/// `env_value` (the value of $GLCLI_REMOTE_HOST) if set and not empty, else
/// localhost:24007. Throws address_error, prefixed with "--remote-host: " or
/// "$GLCLI_REMOTE_HOST: ", if the chosen text does not parse.
address resolve_target(const std::optional<std::string>& flag,
                       const std::optional<std::string>& env_value);

/// Like the two-argument form, with `env_value` read from the environment.
address resolve_target(const std::optional<std::string>& flag);

} // namespace gd::client
