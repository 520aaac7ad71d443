#include "actors/config/volgen.hpp"

#include <algorithm>
#include <string_view>
#include <utility>
#include <vector>

#include "actors/config/volume_options.hpp"

namespace gd::cluster {

namespace {

/// One translator of a graph, as one "volume ... end-volume" block.
struct xlator {
  std::string name;
  /// "category/xlator", e.g. "performance/io-threads".
  std::string type;
  /// In the order they are written: fixed options first, then the ones
  /// from the option table (in table order).
  std::vector<std::pair<std::string, std::string>> options;
  std::vector<std::string> subvolumes;
};

/// A graph, bottom first: every block names only blocks before it as
/// subvolumes, and the last block is the top.
using graph = std::vector<xlator>;

/// Values that mean "not set" in the option table's defaults: an option
/// whose value is one of these is left out of the graph (the translator's
/// own default applies).
bool is_unset_value(const std::string& value) {
  return value.empty() || value == "(null)" || value == "NONE";
}

/// The options in effect for one volume: the table's default, overridden
/// by a cluster-wide value, overridden by the volume's own value.
class effective_options {
public:
  effective_options(const volume& v,
                    const std::map<std::string, std::string>& cluster) {
    apply(cluster);
    apply(v.options);
  }

  /// The value of `spec` in effect (normalized), or its default.
  const std::string& value(const option_spec& spec) const {
    auto i = values_.find(spec.key);
    return i == values_.end() ? spec.default_value : i->second;
  }

  /// Whether the boolean option `key` is on. False for an unknown key.
  bool on(std::string_view key) const {
    const auto* spec = find_option(key);
    return spec != nullptr && value(*spec) == "on";
  }

private:
  /// Adds one layer of set options. Keys are resolved like `volume set`
  /// does (short aliases); the full key wins over an alias of it. Options
  /// that no graph reads (user.*, glusterd-actor's own) and values that do
  /// not validate are skipped: volgen never fails on stored options.
  void apply(const std::map<std::string, std::string>& layer) {
    // key -> (given by its full key, normalized value)
    std::map<std::string, std::pair<bool, std::string>> resolved;
    for (const auto& [key, raw] : layer) {
      const auto* spec = find_option(key);
      if (spec == nullptr || spec->graph == option_graph::none)
        continue;
      std::string normalized;
      if (!validate_option(*spec, raw, normalized).empty())
        continue;
      bool exact = key == spec->key;
      auto i = resolved.find(spec->key);
      if (i == resolved.end() || (exact && !i->second.first))
        resolved[spec->key] = {exact, normalized};
    }
    for (auto& [key, entry] : resolved)
      values_[key] = std::move(entry.second);
  }

  std::map<std::string, std::string> values_;
};

/// Whether an option of graph `g` belongs in a graph of kind `kind`
/// (client or brick).
bool in_graph(option_graph g, option_graph kind) {
  return g == kind || g == option_graph::both;
}

/// Appends the table's options for `x` (same translator type, graph `kind`)
/// with their values in effect. A '*' in the translator's option name
/// stands for the brick path (auth.addr.*.allow).
void add_table_options(xlator& x, option_graph kind,
                       const effective_options& eff,
                       const std::string& brick_path = {}) {
  for (const auto& spec : all_options()) {
    if (spec.xlator != x.type || spec.xlator_option.empty()
        || !in_graph(spec.graph, kind))
      continue;
    const auto& value = eff.value(spec);
    if (is_unset_value(value))
      continue;
    auto name = spec.xlator_option;
    if (auto star = name.find('*'); star != std::string::npos)
      name.replace(star, 1, brick_path);
    x.options.emplace_back(std::move(name), value);
  }
}

/// Stacks `x` on the current top of `g` (if any) and makes it the top.
void push_on_top(graph& g, xlator x) {
  if (!g.empty())
    x.subvolumes = {g.back().name};
  g.push_back(std::move(x));
}

/// The short name of a translator type: "performance/io-threads" ->
/// "io-threads" (glusterd names most blocks "<volume>-<short name>").
std::string short_type(const std::string& type) {
  auto slash = type.rfind('/');
  return slash == std::string::npos ? type : type.substr(slash + 1);
}

/// A translator glusterd puts in a graph only when an option switches it on.
struct switched_xlator {
  const char* type;
  /// The boolean option that switches it on.
  const char* key;
};

// why: the order is glusterd's. Brick graph: features/worm and
// features/read-only sit between features/locks and performance/io-threads
// (glusterd-volgen.c server_graph_table). Client graph: features/shard right
// above the clusters, then the performance translators in the order of
// glusterd_volopt_map (write-behind, read-ahead, readdir-ahead, io-cache,
// open-behind, quick-read, md-cache). Only translators the option table can
// switch on are listed.
constexpr switched_xlator brick_switched_below_iot[] = {
  {"features/worm", "features.worm"},
  {"features/read-only", "features.read-only"},
};

constexpr switched_xlator client_switched[] = {
  {"features/shard", "features.shard"},
  {"performance/write-behind", "performance.write-behind"},
  {"performance/read-ahead", "performance.read-ahead"},
  {"performance/readdir-ahead", "performance.readdir-ahead"},
  {"performance/io-cache", "performance.io-cache"},
  {"performance/open-behind", "performance.open-behind"},
  {"performance/quick-read", "performance.quick-read"},
  {"performance/md-cache", "performance.stat-prefetch"},
};

enum class cluster_kind { none, replicate, disperse };

/// How the bricks of a subvolume are combined. Decided by the counts (as
/// group_size() is), not by the type's name.
cluster_kind kind_of(const volume& v) {
  if (v.disperse_count > 0)
    return cluster_kind::disperse;
  if (v.replica_count > 1)
    return cluster_kind::replicate;
  return cluster_kind::none;
}

std::string transport_of(const volume& v) {
  return v.transport.empty() ? std::string{"tcp"} : v.transport;
}

std::string join(const std::vector<std::string>& items, char sep) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty())
      out += sep;
    out += item;
  }
  return out;
}

std::string render(const graph& g) {
  std::string out;
  for (const auto& x : g) {
    if (!out.empty())
      out += '\n';
    out += "volume " + x.name + "\n";
    out += "    type " + x.type + "\n";
    for (const auto& [key, value] : x.options)
      out += "    option " + key + " " + value + "\n";
    if (!x.subvolumes.empty())
      out += "    subvolumes " + join(x.subvolumes, ' ') + "\n";
    out += "end-volume\n";
  }
  return out;
}

} // namespace

std::string brick_volfile_id(const volume& v, const brick& b) {
  auto path = b.path;
  if (!path.empty() && path.front() == '/')
    path.erase(0, 1);
  std::replace(path.begin(), path.end(), '/', '-');
  return v.name + "." + b.host + "." + path;
}

std::string brick_volfile(const volume& v, const brick& b,
                          const std::map<std::string, std::string>& cluster_options,
                          const std::string& bind_address) {
  const effective_options eff{v, cluster_options};
  constexpr auto kind = option_graph::brick;
  graph g;
  auto stack = [&](const std::string& type, std::string name,
                   std::vector<std::pair<std::string, std::string>> fixed = {}) {
    xlator x{std::move(name), type, std::move(fixed), {}};
    add_table_options(x, kind, eff, b.path);
    push_on_top(g, std::move(x));
  };
  auto named = [&](const std::string& type) {
    return v.name + "-" + short_type(type);
  };

  stack("storage/posix", named("storage/posix"),
        {{"directory", b.path}, {"volume-id", v.id}});
  if (b.arbiter)
    stack("features/arbiter", named("features/arbiter"));
  stack("features/locks", named("features/locks"));
  for (const auto& s : brick_switched_below_iot)
    if (eff.on(s.key))
      stack(s.type, named(s.type));
  stack("performance/io-threads", named("performance/io-threads"));

  // why: the index translator records which files need healing; AFR and EC
  // mark them with different xattrs (glusterd-volgen.c brick_graph_add_index).
  std::vector<std::pair<std::string, std::string>> index_options = {
    {"index-base", b.path + "/.glusterfs/indices"}};
  if (kind_of(v) == cluster_kind::disperse) {
    index_options.emplace_back("xattrop64-watchlist", "trusted.ec.dirty");
  } else {
    index_options.emplace_back("xattrop-dirty-watchlist", "trusted.afr.dirty");
    index_options.emplace_back("xattrop-pending-watchlist",
                               "trusted.afr." + v.name + "-");
  }
  stack("features/index", named("features/index"), std::move(index_options));

  // why: the brick's io-stats is named after the brick path: clients name
  // it as their remote-subvolume, and protocol/server authenticates by it.
  stack("debug/io-stats", b.path, {{"unique-id", b.path}, {"volume-id", v.id}});
  std::vector<std::pair<std::string, std::string>> server_options = {
    {"transport-type", transport_of(v)}, {"auth-path", b.path}};
  if (!bind_address.empty())
    server_options.emplace_back("transport.socket.bind-address", bind_address);
  stack("protocol/server", named("protocol/server"), std::move(server_options));
  return render(g);
}

std::string client_volfile(const volume& v,
                           const std::map<std::string, std::string>& cluster_options,
                           const std::map<std::uint32_t, std::uint32_t>& read_child) {
  if (v.bricks.empty())
    return {};
  const std::size_t group = std::max<std::uint32_t>(v.group_size(), 1);
  const effective_options eff{v, cluster_options};
  constexpr auto kind = option_graph::client;

  // Bricks of one subvolume are consecutive by index.
  std::vector<const brick*> bricks;
  for (const auto& b : v.bricks)
    bricks.push_back(&b);
  std::stable_sort(bricks.begin(), bricks.end(),
                   [](const brick* a, const brick* b) {
                     return a->index < b->index;
                   });

  graph g;
  auto client_transport = transport_of(v);
  if (client_transport == "tcp,rdma")
    client_transport = "tcp";
  std::vector<std::string> clients;
  for (std::size_t i = 0; i < bricks.size(); ++i) {
    xlator x{v.name + "-client-" + std::to_string(i), "protocol/client",
             {{"remote-host", bricks[i]->host},
              {"remote-subvolume", bricks[i]->path},
              {"transport-type", client_transport}},
             {}};
    add_table_options(x, kind, eff);
    clients.push_back(x.name);
    g.push_back(std::move(x));
  }

  // One child of distribute per subvolume, and whether it holds a
  // decommissioned brick.
  std::vector<std::pair<std::string, bool>> children;
  const auto cluster = kind_of(v);
  for (std::size_t first = 0; first < bricks.size(); first += group) {
    // A short last set (a shape the model does not store) still gets a
    // well-formed graph.
    const auto last = std::min(first + group, bricks.size());
    bool decommissioned = false;
    std::vector<std::string> members;
    for (std::size_t i = first; i < last; ++i) {
      decommissioned = decommissioned || bricks[i]->decommissioned;
      members.push_back(clients[i]);
    }
    if (cluster == cluster_kind::none) {
      children.emplace_back(members.front(), decommissioned);
      continue;
    }
    const auto index = std::to_string(first / group);
    xlator x;
    if (cluster == cluster_kind::replicate) {
      x.name = v.name + "-replicate-" + index;
      x.type = "cluster/replicate";
      // why: AFR names its pending-changelog xattrs after its children;
      // glusterd pins the names so renaming clients keeps the heal state.
      x.options.emplace_back("afr-pending-xattr", join(members, ','));
      // The arbiter is the last brick of a full set.
      if (v.arbiter_count > 0 && members.size() == group)
        x.options.emplace_back("arbiter-count",
                               std::to_string(v.arbiter_count));
      // The set's leader (a scheduled role) serves its reads.
      if (auto rc = read_child.find(static_cast<std::uint32_t>(first / group));
          rc != read_child.end() && rc->second < members.size())
        x.options.emplace_back("read-subvolume-index",
                               std::to_string(rc->second));
    } else {
      x.name = v.name + "-disperse-" + index;
      x.type = "cluster/disperse";
      x.options.emplace_back("redundancy",
                             std::to_string(v.redundancy_count));
    }
    add_table_options(x, kind, eff);
    x.subvolumes = members;
    children.emplace_back(x.name, decommissioned);
    g.push_back(std::move(x));
  }

  if (children.size() > 1) {
    xlator dht{v.name + "-dht", "cluster/distribute", {}, {}};
    std::vector<std::string> leaving;
    for (const auto& [name, decommissioned] : children) {
      dht.subvolumes.push_back(name);
      if (decommissioned)
        leaving.push_back(name);
    }
    // why: DHT stops placing new files on these and the rebalance moves
    // their files off (glusterd-volgen.c volgen_graph_build_dht_cluster).
    if (!leaving.empty())
      dht.options.emplace_back("decommissioned-bricks", join(leaving, ','));
    add_table_options(dht, kind, eff);
    g.push_back(std::move(dht));
  }

  for (const auto& s : client_switched) {
    if (!eff.on(s.key))
      continue;
    xlator x{v.name + "-" + short_type(s.type), s.type, {}, {}};
    add_table_options(x, kind, eff);
    push_on_top(g, std::move(x));
  }

  xlator top{v.name, "debug/io-stats", {}, {}};
  add_table_options(top, kind, eff);
  push_on_top(g, std::move(top));
  return render(g);
}

} // namespace gd::cluster
