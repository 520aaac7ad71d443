#include "actors/config/volume_options.hpp"

#include <algorithm>
#include <cctype>

namespace gd::cluster {

namespace {

option_spec boolean(std::string key, std::string def, std::string desc,
                    option_graph g = option_graph::none, std::string xl = {},
                    std::string xo = {}) {
  option_spec s;
  s.key = std::move(key);
  s.type = option_type::boolean;
  s.default_value = std::move(def);
  s.description = std::move(desc);
  s.graph = g;
  s.xlator = std::move(xl);
  s.xlator_option = std::move(xo);
  return s;
}

option_spec number(option_type t, std::string key, std::string def,
                   std::int64_t min, std::int64_t max, std::string desc,
                   option_graph g = option_graph::none, std::string xl = {},
                   std::string xo = {}) {
  option_spec s;
  s.key = std::move(key);
  s.type = t;
  s.default_value = std::move(def);
  s.description = std::move(desc);
  s.graph = g;
  s.xlator = std::move(xl);
  s.xlator_option = std::move(xo);
  s.min = min;
  s.max = max;
  return s;
}

option_spec choice(std::string key, std::string def,
                   std::vector<std::string> choices, std::string desc,
                   option_graph g = option_graph::none, std::string xl = {},
                   std::string xo = {}) {
  option_spec s;
  s.key = std::move(key);
  s.type = option_type::enumeration;
  s.default_value = std::move(def);
  s.description = std::move(desc);
  s.graph = g;
  s.xlator = std::move(xl);
  s.xlator_option = std::move(xo);
  s.choices = std::move(choices);
  return s;
}

option_spec text(option_type t, std::string key, std::string def,
                 std::string desc, option_graph g = option_graph::none,
                 std::string xl = {}, std::string xo = {}) {
  option_spec s;
  s.key = std::move(key);
  s.type = t;
  s.default_value = std::move(def);
  s.description = std::move(desc);
  s.graph = g;
  s.xlator = std::move(xl);
  s.xlator_option = std::move(xo);
  return s;
}

option_spec global(option_spec s) {
  s.cluster_wide = true;
  return s;
}

constexpr std::int64_t KiB = 1024;
constexpr std::int64_t MiB = 1024 * KiB;
constexpr std::int64_t GiB = 1024 * MiB;
constexpr std::int64_t TiB = 1024 * GiB;

const std::vector<std::string> log_levels = {
  "CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG", "TRACE", "NONE"};

using g = option_graph;
using t = option_type;

std::vector<option_spec> make_table() {
  return {
    // cluster/replicate (AFR)
    // why: graph none, as glusterd's "!self-heal-daemon": it configures the
    // self-heal daemon's own graph (and whether it runs), not the client's
    // AFR, so volgen leaves it out of client volfiles.
    boolean("cluster.self-heal-daemon", "on",
            "Run the self-heal daemon for this volume's replica sets",
            g::none, "cluster/replicate", "self-heal-daemon"),
    // Defaults as glusterd 10.3 shows them (`volume get`): clients leave
    // healing to the self-heal daemon.
    boolean("cluster.data-self-heal", "off",
            "Heal file contents from the client side", g::client,
            "cluster/replicate", "data-self-heal"),
    boolean("cluster.metadata-self-heal", "off",
            "Heal file metadata from the client side", g::client,
            "cluster/replicate", "metadata-self-heal"),
    boolean("cluster.entry-self-heal", "off",
            "Heal directory entries from the client side", g::client,
            "cluster/replicate", "entry-self-heal"),
    choice("cluster.quorum-type", "auto", {"none", "auto", "fixed"},
           "Client-side quorum: none, auto (a majority of each replica set, "
           "or the first brick on a tie) or fixed (quorum-count bricks)",
           g::client, "cluster/replicate", "quorum-type"),
    number(t::integer, "cluster.quorum-count", "(null)", 1, 32,
           "Bricks of a replica set that must be up with quorum-type fixed",
           g::client, "cluster/replicate", "quorum-count"),
    choice("cluster.favorite-child-policy", "none",
           {"none", "size", "ctime", "mtime", "majority"},
           "How split-brain files are resolved automatically", g::client,
           "cluster/replicate", "favorite-child-policy"),
    // cluster/distribute (DHT)
    number(t::percent, "cluster.min-free-disk", "10%", 0, 100,
           "New files avoid bricks with less free space than this",
           g::client, "cluster/distribute", "min-free-disk"),
    boolean("cluster.lookup-optimize", "on",
            "Skip looking up missing files on every subvolume", g::client,
            "cluster/distribute", "lookup-optimize"),
    // cluster/disperse (EC)
    boolean("disperse.eager-lock", "on",
            "Keep inode locks across operations on a disperse volume",
            g::client, "cluster/disperse", "eager-lock"),
    number(t::integer, "disperse.background-heals", "8", 0, 256,
           "Heals run in the background at once", g::client,
           "cluster/disperse", "background-heals"),
    // performance translators (client)
    boolean("performance.write-behind", "on",
            "Aggregate writes (the write-behind translator)", g::client,
            "performance/write-behind"),
    number(t::size, "performance.write-behind-window-size", "1MB", 512 * KiB,
           1 * GiB, "Per-file write-behind buffer", g::client,
           "performance/write-behind", "cache-size"),
    boolean("performance.flush-behind", "on",
            "Return from flush before the writes complete", g::client,
            "performance/write-behind", "flush-behind"),
    boolean("performance.read-ahead", "off",
            "Read ahead sequentially (the read-ahead translator)", g::client,
            "performance/read-ahead"),
    // glusterd 10.3's default: off.
    boolean("performance.readdir-ahead", "off",
            "Prefetch directory entries", g::client,
            "performance/readdir-ahead"),
    boolean("performance.io-cache", "off",
            "Cache file data on the client (the io-cache translator)",
            g::client, "performance/io-cache"),
    number(t::size, "performance.cache-size", "32MB", 4 * MiB, 32 * GiB,
           "Size of the client-side read cache", g::client,
           "performance/io-cache", "cache-size"),
    boolean("performance.quick-read", "on",
            "Serve small files with their lookup", g::client,
            "performance/quick-read"),
    boolean("performance.open-behind", "on",
            "Answer opens before they reach the bricks", g::client,
            "performance/open-behind"),
    boolean("performance.stat-prefetch", "on",
            "Cache file attributes (the md-cache translator)", g::client,
            "performance/md-cache"),
    // performance/io-threads (brick)
    number(t::integer, "performance.io-thread-count", "16", 1, 64,
           "Threads serving file operations on each brick", g::brick,
           "performance/io-threads", "thread-count"),
    // protocol/client
    number(t::integer, "network.ping-timeout", "42", 0, 1013,
           "Seconds a client waits for a silent brick before it gives up "
           "on it",
           g::client, "protocol/client", "ping-timeout"),
    number(t::integer, "network.frame-timeout", "1800", 30, 1800,
           "Seconds an operation may wait for its reply", g::client,
           "protocol/client", "frame-timeout"),
    number(t::integer, "client.event-threads", "2", 1, 32,
           "Network threads of each client", g::client, "protocol/client",
           "event-threads"),
    // protocol/server (brick)
    number(t::integer, "server.event-threads", "2", 1, 1024,
           "Network threads of each brick", g::brick, "protocol/server",
           "event-threads"),
    boolean("server.allow-insecure", "on",
            "Accept clients from unprivileged ports", g::brick,
            "protocol/server", "rpc-auth-allow-insecure"),
    boolean("server.root-squash", "off",
            "Map root to an anonymous user on the bricks", g::brick,
            "protocol/server", "root-squash"),
    number(t::integer, "network.inode-lru-limit", "16384", 0, 1048576,
           "Inodes each brick keeps cached", g::brick, "protocol/server",
           "inode-lru-limit"),
    text(t::address_list, "auth.allow", "*",
         "Clients allowed to mount (comma-separated addresses or patterns)",
         g::brick, "protocol/server", "auth.addr.*.allow"),
    text(t::address_list, "auth.reject", "NONE",
         "Clients refused (comma-separated addresses or patterns)", g::brick,
         "protocol/server", "auth.addr.*.reject"),
    // features
    boolean("features.read-only", "off", "Refuse every write to the volume",
            g::brick, "features/read-only", "read-only"),
    boolean("features.worm", "off", "Write once, read many", g::brick,
            "features/worm", "worm"),
    boolean("features.shard", "off", "Split large files into shards",
            g::client, "features/shard"),
    number(t::size, "features.shard-block-size", "64MB", 4 * MiB, 4 * TiB,
           "Shard size", g::client, "features/shard", "shard-block-size"),
    // storage/posix (brick)
    number(t::integer, "storage.owner-uid", "-1", -1, 2147483647,
           "Owner uid of the brick root (-1: unchanged)", g::brick,
           "storage/posix", "brick-uid"),
    number(t::integer, "storage.owner-gid", "-1", -1, 2147483647,
           "Owner gid of the brick root (-1: unchanged)", g::brick,
           "storage/posix", "brick-gid"),
    number(t::integer, "storage.health-check-interval", "30", 0, 2147483647,
           "Seconds between brick health checks (0: off)", g::brick,
           "storage/posix", "health-check-interval"),
    number(t::percent, "storage.reserve", "1%", 0, 100,
           "Disk space kept free on each brick", g::brick, "storage/posix",
           "reserve"),
    // diagnostics (debug/io-stats)
    choice("diagnostics.brick-log-level", "INFO", log_levels,
           "Log level of the bricks", g::brick, "debug/io-stats",
           "log-level"),
    choice("diagnostics.client-log-level", "INFO", log_levels,
           "Log level of the clients", g::client, "debug/io-stats",
           "log-level"),
    boolean("diagnostics.latency-measurement", "off",
            "Measure the latency of each operation", g::both,
            "debug/io-stats", "latency-measurement"),
    boolean("diagnostics.count-fop-hits", "off", "Count each operation",
            g::both, "debug/io-stats", "count-fop-hits"),
    // read by glusterd-actor itself
    choice("cluster.server-quorum-type", "off", {"off", "none", "server"},
           "Stop this volume's bricks when their server loses the monitors' "
           "quorum"),
    boolean("nfs.disable", "on", "Do not export the volume over gNFS"),
    choice("transport.address-family", "inet", {"inet", "inet6"},
           "Address family of the bricks' listeners"),
    // cluster-wide ("volume set all ...")
    global(boolean("cluster.brick-multiplex", "off",
                   "Run many bricks in one process")),
    global(number(t::integer, "cluster.max-bricks-per-process", "250", 0,
                  100000, "Bricks per process with brick multiplexing")),
    global(number(t::percent, "cluster.server-quorum-ratio", "51%", 0, 100,
                  "Share of servers that makes the server quorum")),
    global(choice("cluster.daemon-log-level", "INFO", log_levels,
                  "Log level of the daemons")),
  };
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& ch : out)
    ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev(b.size() + 1);
  std::vector<std::size_t> cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j)
    prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1,
                         prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

bool parse_int(const std::string& s, std::int64_t& out) {
  if (s.empty() || s.size() > 20)
    return false;
  std::size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
  if (i == s.size())
    return false;
  std::int64_t v = 0;
  for (; i < s.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i])))
      return false;
    if (v > (INT64_MAX - 9) / 10)
      return false;
    v = v * 10 + (s[i] - '0');
  }
  out = s[0] == '-' ? -v : v;
  return true;
}

std::string format_size(std::int64_t bytes) {
  const struct {
    std::int64_t unit;
    const char* name;
  } units[] = {{TiB, "TB"}, {GiB, "GB"}, {MiB, "MB"}, {KiB, "KB"}};
  for (const auto& u : units)
    if (bytes >= u.unit && bytes % u.unit == 0)
      return std::to_string(bytes / u.unit) + u.name;
  return std::to_string(bytes);
}

} // namespace

const std::vector<option_spec>& all_options() {
  static const std::vector<option_spec> table = make_table();
  return table;
}

const option_spec* find_option(std::string_view key) {
  static const option_spec user = [] {
    option_spec s;
    s.key = "user.*";
    s.type = option_type::string;
    s.description = "A user-defined option (stored, not interpreted)";
    return s;
  }();
  if (key.size() > 5 && key.substr(0, 5) == "user.")
    return &user;
  const option_spec* by_suffix = nullptr;
  int suffix_matches = 0;
  for (const auto& o : all_options()) {
    if (o.key == key)
      return &o;
    auto dot = o.key.find('.');
    if (key.find('.') == std::string_view::npos && dot != std::string::npos
        && std::string_view(o.key).substr(dot + 1) == key) {
      by_suffix = &o;
      ++suffix_matches;
    }
  }
  return suffix_matches == 1 ? by_suffix : nullptr;
}

std::string suggest_option(std::string_view key) {
  std::string best;
  std::size_t best_distance = 4; // anything farther is no suggestion
  for (const auto& o : all_options()) {
    auto d = edit_distance(key, o.key);
    if (d < best_distance) {
      best_distance = d;
      best = o.key;
    }
  }
  return best;
}

bool parse_size_value(const std::string& text, std::int64_t& bytes) {
  std::string s;
  for (auto ch : text)
    if (!std::isspace(static_cast<unsigned char>(ch)))
      s += ch;
  std::size_t digits = 0;
  while (digits < s.size() && std::isdigit(static_cast<unsigned char>(s[digits])))
    ++digits;
  if (digits == 0 || digits > 15)
    return false;
  std::int64_t n = 0;
  if (!parse_int(s.substr(0, digits), n))
    return false;
  auto unit = lower(s.substr(digits));
  std::int64_t mult = 1;
  if (unit.empty() || unit == "b")
    mult = 1;
  else if (unit == "k" || unit == "kb")
    mult = KiB;
  else if (unit == "m" || unit == "mb")
    mult = MiB;
  else if (unit == "g" || unit == "gb")
    mult = GiB;
  else if (unit == "t" || unit == "tb")
    mult = TiB;
  else
    return false;
  bytes = n * mult;
  return true;
}

std::string validate_option(const option_spec& spec, const std::string& value,
                            std::string& normalized) {
  auto quote = [&] {
    return "'" + value + "' in 'option " + spec.key + " " + value + "'";
  };
  if (value.find('\n') != std::string::npos || value.find('\0') != std::string::npos)
    return "value of " + spec.key + " contains a newline or NUL";
  if (value.size() > 4096)
    return "value of " + spec.key + " is longer than 4096 bytes";
  switch (spec.type) {
    case option_type::boolean: {
      auto v = lower(value);
      if (v == "on" || v == "yes" || v == "true" || v == "enable" || v == "1") {
        normalized = "on";
        return {};
      }
      if (v == "off" || v == "no" || v == "false" || v == "disable"
          || v == "0") {
        normalized = "off";
        return {};
      }
      return "option " + spec.key + ": '" + value
             + "' is not a valid boolean value (use on or off)";
    }
    case option_type::integer: {
      std::int64_t n = 0;
      if (!parse_int(value, n))
        return "invalid number format \"" + value + "\" in option \""
               + spec.key + "\"";
      if (n < spec.min || n > spec.max)
        return quote() + " is out of range [" + std::to_string(spec.min)
               + " - " + std::to_string(spec.max) + "]";
      normalized = std::to_string(n);
      return {};
    }
    case option_type::size: {
      std::int64_t bytes = 0;
      if (!parse_size_value(value, bytes))
        return "invalid size format \"" + value + "\" in option \""
               + spec.key + "\" (use e.g. 32MB)";
      if (bytes < spec.min || bytes > spec.max)
        return quote() + " is out of range [" + format_size(spec.min) + " - "
               + format_size(spec.max) + "]";
      normalized = format_size(bytes);
      return {};
    }
    case option_type::percent: {
      auto v = value;
      if (!v.empty() && v.back() == '%')
        v.pop_back();
      std::int64_t n = 0;
      if (!parse_int(v, n) || n < 0 || n > 100)
        return "invalid percentage \"" + value + "\" in option \"" + spec.key
               + "\" (use 0% to 100%)";
      normalized = std::to_string(n) + "%";
      return {};
    }
    case option_type::enumeration: {
      for (const auto& c : spec.choices)
        if (lower(c) == lower(value)) {
          normalized = c;
          return {};
        }
      std::string list;
      for (const auto& c : spec.choices)
        list += (list.empty() ? "" : "|") + c;
      return "option " + spec.key + ": '" + value
             + "' is not valid (possible values: " + list + ")";
    }
    case option_type::address_list: {
      if (value.empty())
        return "option " + spec.key + " needs at least one address";
      std::string item;
      for (std::size_t i = 0; i <= value.size(); ++i) {
        if (i == value.size() || value[i] == ',') {
          if (item.empty())
            return "option " + spec.key + ": '" + value
                   + "' has an empty entry";
          for (auto ch : item)
            if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '.'
                  || ch == '-' || ch == ':' || ch == '*' || ch == '?'
                  || ch == '/' || ch == '_' || ch == '[' || ch == ']'))
              return "option " + spec.key + ": '" + item
                     + "' is not an address or pattern";
          item.clear();
        } else if (value[i] != ' ') {
          item += value[i];
        }
      }
      normalized = value;
      return {};
    }
    case option_type::string:
      normalized = value;
      return {};
  }
  return "option " + spec.key + " has an unknown type";
}

} // namespace gd::cluster
