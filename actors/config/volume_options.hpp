#pragma once

// The typed table of volume options (gluster's glusterd_volopt_map, trimmed
// to the options this system supports): each option's type and range, its
// default, its description, and which translator of which graph volgen puts
// it on. `volume set` validates against it; `volume get` shows defaults from
// it. No CAF, no I/O.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gd::cluster {

enum class option_type : std::uint8_t {
  boolean,     // on/off (also yes/no, true/false, enable/disable, 1/0)
  integer,     // within [min, max]
  size,        // bytes, with an optional KB/MB/GB/TB suffix, within [min, max]
  percent,     // "10%" or "10", 0..100
  enumeration, // one of `choices`
  string,      // anything (no newline)
  address_list // comma-separated IPs, host names or patterns with * and ?
};

/// Which generated graph the option lands in.
enum class option_graph : std::uint8_t {
  none,   // read by glusterd-actor itself, not by a translator
  client, // the client (FUSE/gfapi) graph
  brick,  // the brick (server) graph
  both,
};

struct option_spec {
  /// Full key, e.g. "performance.cache-size".
  std::string key;
  option_type type = option_type::string;
  /// As `volume get` shows it when the option is not set.
  std::string default_value;
  std::string description;
  option_graph graph = option_graph::none;
  /// Translator type the option configures, e.g. "performance/io-cache";
  /// empty if none.
  std::string xlator;
  /// The translator's own option name; empty: the option switches the
  /// translator on or off (a boolean).
  std::string xlator_option;
  std::int64_t min = 0;
  std::int64_t max = 0;
  std::vector<std::string> choices;
  /// Settable only cluster-wide ("volume set all KEY VALUE").
  bool cluster_wide = false;
};

/// Every supported option, in the order `volume get NAME all` lists them.
const std::vector<option_spec>& all_options();

/// Finds an option by its full key, or by the part after the first dot when
/// that is unique (gluster accepts "cache-size" for
/// "performance.cache-size"). Keys "user.*" are user-defined strings and
/// always exist. Returns nullptr if there is no such option.
const option_spec* find_option(std::string_view key);

/// The known key closest to `key` (for "Did you mean ...?"), or "" if none
/// is close.
std::string suggest_option(std::string_view key);

/// Checks `value` for `spec`. Returns "" and sets `normalized` (e.g. "yes"
/// -> "on", "32 MB" -> "32MB") if valid, else an error naming the value and
/// the option.
std::string validate_option(const option_spec& spec, const std::string& value,
                            std::string& normalized);

/// Parses a size like "32MB" into bytes; false if it is not one.
bool parse_size_value(const std::string& text, std::int64_t& bytes);

} // namespace gd::cluster
