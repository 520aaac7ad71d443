#define BOOST_TEST_MODULE volgen
#include <boost/test/unit_test.hpp>

#include "actors/config/volgen.hpp"
#include "actors/config/volume_options.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

// Golden volfiles: each case builds a volume in code and compares its
// volfiles with test/unit/config/golden/<case>.{client,brick<i>}.vol. With
// GD_UPDATE_GOLDEN=1 the files are written instead; review every rewritten
// golden against real gluster volfiles before accepting it. The other tests
// check properties that hold whatever the goldens say.

namespace {

namespace cl = gd::cluster;
using options = std::map<std::string, std::string>;

// -- building volumes ---------------------------------------------------------

/// A volume of `n` bricks: brick i on "server<i % 6 + 1>" at
/// "/bricks/<name>/b<i>", so the bricks of a set of up to 6 are on distinct
/// servers.
cl::volume make_volume(const std::string& name, const std::string& id,
                       std::uint32_t n) {
  cl::volume v;
  v.id = id;
  v.name = name;
  v.status = cl::volume_status::started;
  for (std::uint32_t i = 0; i < n; ++i) {
    cl::brick b;
    b.index = i;
    b.host = "server" + std::to_string(i % 6 + 1);
    b.peer_uuid = "0000000" + std::to_string(i % 6 + 1)
                  + "-1111-4222-8333-444444444444";
    b.path = "/bricks/" + name + "/b" + std::to_string(i);
    v.bricks.push_back(b);
  }
  return v;
}

cl::volume distribute(const std::string& name, const std::string& id,
                      std::uint32_t n) {
  auto v = make_volume(name, id, n);
  v.type = cl::volume_type::distribute;
  return v;
}

/// `n` bricks in sets of `replica`; with `arbiter`, the last brick of each
/// set is its arbiter.
cl::volume replicate(const std::string& name, const std::string& id,
                     std::uint32_t n, std::uint32_t replica,
                     std::uint32_t arbiter = 0) {
  auto v = make_volume(name, id, n);
  v.type = n == replica ? cl::volume_type::replicate
                        : cl::volume_type::distributed_replicate;
  v.replica_count = replica;
  v.arbiter_count = arbiter;
  if (arbiter > 0)
    for (auto& b : v.bricks)
      b.arbiter = b.index % replica == replica - 1;
  return v;
}

cl::volume disperse(const std::string& name, const std::string& id,
                    std::uint32_t n, std::uint32_t count,
                    std::uint32_t redundancy) {
  auto v = make_volume(name, id, n);
  v.type = n == count ? cl::volume_type::disperse
                      : cl::volume_type::distributed_disperse;
  v.disperse_count = count;
  v.redundancy_count = redundancy;
  return v;
}

// -- the golden cases ---------------------------------------------------------

cl::volume dist1() {
  return distribute("dist1", "9b4c2f1e-6a3d-4e8b-9f70-1c2d3e4f5a01", 1);
}
cl::volume dist3() {
  return distribute("dist3", "9b4c2f1e-6a3d-4e8b-9f70-1c2d3e4f5a02", 3);
}
cl::volume rep3() {
  return replicate("rep3", "9b4c2f1e-6a3d-4e8b-9f70-1c2d3e4f5a03", 3, 3);
}
cl::volume arb3() {
  return replicate("arb3", "9b4c2f1e-6a3d-4e8b-9f70-1c2d3e4f5a04", 3, 3, 1);
}
cl::volume ec6() {
  return disperse("ec6", "9b4c2f1e-6a3d-4e8b-9f70-1c2d3e4f5a05", 6, 6, 2);
}
cl::volume distrep() {
  return replicate("distrep", "9b4c2f1e-6a3d-4e8b-9f70-1c2d3e4f5a06", 6, 3);
}
cl::volume distec() {
  return disperse("distec", "9b4c2f1e-6a3d-4e8b-9f70-1c2d3e4f5a07", 12, 6,
                  2);
}

/// A replica 3 volume with options set on it, and the cluster-wide options
/// it is generated with.
cl::volume tuned() {
  auto v = replicate("tuned", "9b4c2f1e-6a3d-4e8b-9f70-1c2d3e4f5a08", 3, 3);
  v.options = {
    {"performance.quick-read", "off"},       // a client translator off
    {"performance.io-cache", "on"},          // one that is off by default on
    {"cache-size", "256MB"},                 // short alias, on io-cache
    {"performance.io-thread-count", "32"},   // brick io-threads
    {"auth.allow", "192.168.10.*,10.0.0.5"}, // protocol/server auth
    {"auth.reject", "10.0.0.66"},
    {"features.read-only", "on"},            // a brick translator switched on
    {"diagnostics.latency-measurement", "on"}, // both graphs' io-stats
    {"cluster.quorum-type", "fixed"},
    {"cluster.quorum-count", "2"},
    {"network.ping-timeout", "10"},          // overrides the cluster-wide 30
    {"user.backup-policy", "nightly-offsite"}, // in no graph
  };
  return v;
}
const options tuned_cluster = {
  {"network.ping-timeout", "30"},
  {"performance.write-behind-window-size", "4MB"}, // not set on the volume
  {"cluster.brick-multiplex", "on"},               // read by no translator
  {"user.site", "rack-7"},
};

/// A distribute volume with remove-brick started on bricks 1 and 3.
cl::volume shrink() {
  auto v = distribute("shrink", "9b4c2f1e-6a3d-4e8b-9f70-1c2d3e4f5a09", 4);
  v.bricks[1].decommissioned = true;
  v.bricks[3].decommissioned = true;
  v.remove_brick_task = "5d1e7c3a-0b2f-4a6e-8d9c-7e6f5a4b3c2d";
  return v;
}

struct golden_case {
  /// File name prefix, e.g. "replicate-3".
  std::string name;
  cl::volume vol;
  options cluster;
  /// Bricks whose graphs have a golden.
  std::vector<std::uint32_t> bricks;
};

std::vector<golden_case> golden_cases() {
  return {
    {"distribute-1", dist1(), {}, {0}},
    {"distribute-3", dist3(), {}, {0}},
    {"replicate-3", rep3(), {}, {0}},
    {"replicate-3-arbiter-1", arb3(), {}, {0, 2}},
    {"disperse-6-redundancy-2", ec6(), {}, {0}},
    {"distributed-replicate-2x3", distrep(), {}, {0}},
    {"distributed-disperse-2x6", distec(), {}, {0}},
    {"options", tuned(), tuned_cluster, {0}},
    {"remove-brick", shrink(), {}, {1}},
  };
}

// -- goldens ------------------------------------------------------------------

std::string golden_dir() {
  if (const char* dir = std::getenv("GD_GOLDEN_DIR"); dir && *dir)
    return dir;
#ifdef GD_GOLDEN_DIR_DEFAULT
  return GD_GOLDEN_DIR_DEFAULT;
#else
  return "golden";
#endif
}

bool updating_goldens() {
  const char* flag = std::getenv("GD_UPDATE_GOLDEN");
  return flag && std::string(flag) == "1";
}

/// Splits at '\n'; "a\n" gives {"a", ""}, so a missing final newline shows
/// as a difference.
std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::string::size_type start = 0;
  for (;;) {
    auto nl = text.find('\n', start);
    out.push_back(text.substr(start, nl - start));
    if (nl == std::string::npos)
      return out;
    start = nl + 1;
  }
}

/// Compares `actual` with golden `file`, reporting the first line that
/// differs; or writes the golden when GD_UPDATE_GOLDEN=1.
void check_golden(const std::string& file, const std::string& actual) {
  const auto path = golden_dir() + "/" + file;
  if (updating_goldens()) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << actual;
    BOOST_TEST_REQUIRE(out.good(), "cannot write " << path);
    BOOST_TEST_MESSAGE("wrote " << path << " (review it)");
    return;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    BOOST_ERROR("missing golden " << path
                << " (GD_UPDATE_GOLDEN=1 writes it; review it by eye)");
    return;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  const auto expected = ss.str();
  if (expected == actual) {
    BOOST_TEST(true);
    return;
  }
  auto e = lines_of(expected);
  auto a = lines_of(actual);
  std::size_t i = 0;
  while (i < e.size() && i < a.size() && e[i] == a[i])
    ++i;
  BOOST_ERROR(file << ": first difference at line " << i + 1
              << "\n  golden: " << (i < e.size() ? e[i] : "<end of file>")
              << "\n  actual: " << (i < a.size() ? a[i] : "<end of file>")
              << "\n(GD_UPDATE_GOLDEN=1 rewrites the goldens)");
}

// -- reading volfiles back ----------------------------------------------------

struct block {
  std::string name;
  std::string type;
  std::vector<std::pair<std::string, std::string>> options;
  std::vector<std::string> subvolumes;

  bool has(const std::string& key) const {
    return std::any_of(options.begin(), options.end(),
                       [&](const auto& o) { return o.first == key; });
  }
  /// The option's value, or "<unset>".
  std::string get(const std::string& key) const {
    for (const auto& [k, v] : options)
      if (k == key)
        return v;
    return "<unset>";
  }
};

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

std::vector<std::string> words(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string w; in >> w;)
    out.push_back(w);
  return out;
}

/// Parses volfile text and checks its form: blocks of "volume NAME",
/// "    type CAT/XLATOR", any "    option KEY VALUE" (keys unique), at most
/// one "    subvolumes ...", "end-volume", separated by exactly one blank
/// line; names unique; every subvolume defined earlier; every block but the
/// last is the subvolume of exactly one block (a tree with the last block
/// as its root). Each breach is a test failure.
std::vector<block> parse_volfile(const std::string& text) {
  std::vector<block> out;
  BOOST_TEST_REQUIRE(!text.empty(), "empty volfile");
  auto lines = lines_of(text);
  BOOST_TEST_REQUIRE(lines.back() == "", "no final newline");
  lines.pop_back();
  std::map<std::string, int> references;
  std::size_t i = 0;
  auto fail = [&](const std::string& what) {
    BOOST_ERROR("volfile line " << i + 1 << ": " << what << ": '"
                << (i < lines.size() ? lines[i] : "<end>") << "'");
  };
  while (i < lines.size()) {
    if (!out.empty()) {
      if (lines[i] != "") {
        fail("expected a blank line between blocks");
        return out;
      }
      ++i;
    }
    block b;
    if (i >= lines.size() || !starts_with(lines[i], "volume ")
        || words(lines[i]).size() != 2) {
      fail("expected 'volume NAME'");
      return out;
    }
    b.name = words(lines[i])[1];
    ++i;
    if (i >= lines.size() || !starts_with(lines[i], "    type ")
        || words(lines[i]).size() != 2
        || words(lines[i])[1].find('/') == std::string::npos) {
      fail("expected '    type CAT/XLATOR'");
      return out;
    }
    b.type = words(lines[i])[1];
    ++i;
    while (i < lines.size() && starts_with(lines[i], "    option ")) {
      auto w = words(lines[i]);
      if (w.size() != 3)
        fail("expected '    option KEY VALUE'");
      else if (b.has(w[1]))
        fail("option set twice");
      else
        b.options.emplace_back(w[1], w[2]);
      ++i;
    }
    if (i < lines.size() && starts_with(lines[i], "    subvolumes ")) {
      auto w = words(lines[i]);
      b.subvolumes.assign(w.begin() + 1, w.end());
      for (const auto& sub : b.subvolumes) {
        bool defined = std::any_of(out.begin(), out.end(),
                                   [&](const block& x) { return x.name == sub; });
        if (!defined)
          fail("subvolume " + sub + " is not defined before");
        ++references[sub];
      }
      ++i;
    }
    if (i >= lines.size() || lines[i] != "end-volume") {
      fail("expected 'end-volume'");
      return out;
    }
    ++i;
    for (const auto& x : out)
      if (x.name == b.name)
        BOOST_ERROR("block " << b.name << " defined twice");
    out.push_back(std::move(b));
  }
  for (std::size_t k = 0; k + 1 < out.size(); ++k)
    BOOST_TEST(references[out[k].name] == 1,
               out[k].name << " is the subvolume of "
                           << references[out[k].name] << " blocks, not 1");
  BOOST_TEST(references[out.back().name] == 0, "the top is a subvolume");
  return out;
}

const block* find_block(const std::vector<block>& g, const std::string& name) {
  for (const auto& b : g)
    if (b.name == name)
      return &b;
  return nullptr;
}

std::vector<const block*> of_type(const std::vector<block>& g,
                                  const std::string& type) {
  std::vector<const block*> out;
  for (const auto& b : g)
    if (b.type == type)
      out.push_back(&b);
  return out;
}

/// The translator types from `first` (a block name) to the top, following
/// the single-child chain upwards.
std::vector<std::string> chain_above(const std::vector<block>& g,
                                     const std::string& first) {
  std::vector<std::string> types;
  std::string current = first;
  for (bool moved = true; moved;) {
    moved = false;
    for (const auto& b : g)
      if (b.subvolumes == std::vector<std::string>{current}) {
        types.push_back(b.type);
        current = b.name;
        moved = true;
        break;
      }
  }
  return types;
}

std::string client(const cl::volume& v, const options& cluster = {}) {
  return cl::client_volfile(v, cluster);
}

std::string brick(const cl::volume& v, std::uint32_t i,
                  const options& cluster = {}) {
  return cl::brick_volfile(v, v.bricks.at(i), cluster);
}

/// A valid value of `spec` other than its default, as validate_option
/// normalizes it.
std::string non_default(const cl::option_spec& spec) {
  auto normalized = [&](const std::string& raw) {
    std::string n;
    return cl::validate_option(spec, raw, n).empty() ? n : std::string{};
  };
  std::string v;
  switch (spec.type) {
    case cl::option_type::boolean:
      return spec.default_value == "on" ? "off" : "on";
    case cl::option_type::integer:
    case cl::option_type::size:
      v = normalized(std::to_string(spec.min));
      if (v == spec.default_value)
        v = normalized(std::to_string(spec.max));
      return v;
    case cl::option_type::percent:
      return spec.default_value == "42%" ? "43%" : "42%";
    case cl::option_type::enumeration:
      for (const auto& c : spec.choices)
        if (c != spec.default_value)
          return c;
      return {};
    case cl::option_type::address_list:
      return "10.1.2.3";
    case cl::option_type::string:
      return "some-value";
  }
  return {};
}

} // namespace

// -- goldens ------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(volfiles_every_case_matches_golden) {
  for (const auto& c : golden_cases()) {
    BOOST_TEST_CONTEXT("case " << c.name) {
      check_golden(c.name + ".client.vol", client(c.vol, c.cluster));
      for (auto i : c.bricks)
        check_golden(c.name + ".brick" + std::to_string(i) + ".vol",
                     brick(c.vol, i, c.cluster));
    }
  }
}

// -- form ---------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(volfiles_every_case_is_well_formed_and_deterministic) {
  for (const auto& c : golden_cases()) {
    BOOST_TEST_CONTEXT("case " << c.name) {
      auto text = client(c.vol, c.cluster);
      parse_volfile(text);
      BOOST_TEST(text == client(c.vol, c.cluster));
      for (std::uint32_t i = 0; i < c.vol.bricks.size(); ++i) {
        BOOST_TEST_CONTEXT("brick " << i) {
          auto b = brick(c.vol, i, c.cluster);
          parse_volfile(b);
          BOOST_TEST(b == brick(c.vol, i, c.cluster));
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(client_volfile_top_is_io_stats_named_after_volume) {
  for (const auto& c : golden_cases()) {
    BOOST_TEST_CONTEXT("case " << c.name) {
      auto g = parse_volfile(client(c.vol, c.cluster));
      BOOST_TEST(g.back().name == c.vol.name);
      BOOST_TEST(g.back().type == "debug/io-stats");
      // One protocol/client per brick, in order, naming it.
      auto clients = of_type(g, "protocol/client");
      BOOST_TEST_REQUIRE(clients.size() == c.vol.bricks.size());
      for (std::size_t i = 0; i < clients.size(); ++i) {
        BOOST_TEST(clients[i]->name
                   == c.vol.name + "-client-" + std::to_string(i));
        BOOST_TEST(clients[i]->get("remote-host") == c.vol.bricks[i].host);
        BOOST_TEST(clients[i]->get("remote-subvolume")
                   == c.vol.bricks[i].path);
        BOOST_TEST(clients[i]->get("transport-type") == "tcp");
        BOOST_TEST(&g[i] == clients[i]); // the clients come first
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(brick_volfile_top_is_server_over_io_stats_named_path) {
  for (const auto& c : golden_cases()) {
    for (const auto& b : c.vol.bricks) {
      BOOST_TEST_CONTEXT("case " << c.name << " brick " << b.index) {
        auto g = parse_volfile(cl::brick_volfile(c.vol, b, c.cluster));
        const auto& top = g.back();
        BOOST_TEST(top.name == c.vol.name + "-server");
        BOOST_TEST(top.type == "protocol/server");
        BOOST_TEST(top.subvolumes == std::vector<std::string>{b.path});
        BOOST_TEST(top.get("transport-type") == "tcp");
        BOOST_TEST(top.has("auth.addr." + b.path + ".allow"));
        const auto* stats = find_block(g, b.path);
        BOOST_TEST_REQUIRE(stats);
        BOOST_TEST(stats->type == "debug/io-stats");
        const auto& bottom = g.front();
        BOOST_TEST(bottom.name == c.vol.name + "-posix");
        BOOST_TEST(bottom.type == "storage/posix");
        BOOST_TEST(bottom.get("directory") == b.path);
        BOOST_TEST(bottom.get("volume-id") == c.vol.id);
        BOOST_TEST(find_block(g, c.vol.name + "-index")->get("index-base")
                   == b.path + "/.glusterfs/indices");
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(brick_volfile_default_stack_in_glusterd_order) {
  auto g = parse_volfile(brick(dist1(), 0));
  std::vector<std::string> types;
  for (const auto& b : g)
    types.push_back(b.type);
  BOOST_TEST(types == (std::vector<std::string>{
                         "storage/posix", "features/locks",
                         "performance/io-threads", "features/index",
                         "debug/io-stats", "protocol/server"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(brick_volfile_id_joins_volume_host_and_dashed_path) {
  cl::volume v;
  v.name = "v1";
  cl::brick b;
  b.host = "127.1.1.2";
  b.path = "/srv/b1";
  BOOST_TEST(cl::brick_volfile_id(v, b) == "v1.127.1.1.2.srv-b1");
  b.host = "server1";
  b.path = "/data/glusterfs/vol/brick1";
  BOOST_TEST(cl::brick_volfile_id(v, b)
             == "v1.server1.data-glusterfs-vol-brick1");
  auto d = dist3();
  BOOST_TEST(cl::brick_volfile_id(d, d.bricks[2])
             == "dist3.server3.bricks-dist3-b2");
}

// -- clusters -----------------------------------------------------------------

BOOST_AUTO_TEST_CASE(client_volfile_one_subvolume_has_no_dht) {
  for (const auto& v : {dist1(), rep3(), arb3(), ec6()}) {
    BOOST_TEST_CONTEXT("volume " << v.name) {
      auto g = parse_volfile(client(v));
      BOOST_TEST(of_type(g, "cluster/distribute").empty());
    }
  }
  for (const auto& v : {dist3(), distrep(), distec(), shrink()}) {
    BOOST_TEST_CONTEXT("volume " << v.name) {
      auto g = parse_volfile(client(v));
      auto dht = of_type(g, "cluster/distribute");
      BOOST_TEST_REQUIRE(dht.size() == 1u);
      BOOST_TEST(dht[0]->name == v.name + "-dht");
      BOOST_TEST(dht[0]->subvolumes.size() == v.subvolume_count());
    }
  }
  // A single brick: the client is straight under the performance stack.
  auto g = parse_volfile(client(dist1()));
  BOOST_TEST(g[1].subvolumes == std::vector<std::string>{"dist1-client-0"});
}

BOOST_AUTO_TEST_CASE(client_volfile_replica_sets_wire_consecutive_clients) {
  auto g = parse_volfile(client(distrep()));
  auto sets = of_type(g, "cluster/replicate");
  BOOST_TEST_REQUIRE(sets.size() == 2u);
  BOOST_TEST(sets[0]->name == "distrep-replicate-0");
  BOOST_TEST(sets[0]->subvolumes
                 == (std::vector<std::string>{"distrep-client-0",
                                              "distrep-client-1",
                                              "distrep-client-2"}),
             boost::test_tools::per_element());
  BOOST_TEST(sets[0]->get("afr-pending-xattr")
             == "distrep-client-0,distrep-client-1,distrep-client-2");
  BOOST_TEST(sets[1]->name == "distrep-replicate-1");
  BOOST_TEST(sets[1]->subvolumes
                 == (std::vector<std::string>{"distrep-client-3",
                                              "distrep-client-4",
                                              "distrep-client-5"}),
             boost::test_tools::per_element());
  BOOST_TEST(!sets[0]->has("arbiter-count"));
  BOOST_TEST(find_block(g, "distrep-dht")->subvolumes
                 == (std::vector<std::string>{"distrep-replicate-0",
                                              "distrep-replicate-1"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(client_volfile_disperse_sets_carry_redundancy) {
  auto g = parse_volfile(client(distec()));
  auto sets = of_type(g, "cluster/disperse");
  BOOST_TEST_REQUIRE(sets.size() == 2u);
  for (std::size_t s = 0; s < 2; ++s) {
    BOOST_TEST(sets[s]->name == "distec-disperse-" + std::to_string(s));
    BOOST_TEST(sets[s]->get("redundancy") == "2");
    BOOST_TEST_REQUIRE(sets[s]->subvolumes.size() == 6u);
    for (std::size_t i = 0; i < 6; ++i)
      BOOST_TEST(sets[s]->subvolumes[i]
                 == "distec-client-" + std::to_string(s * 6 + i));
  }
  // The bricks' index watches EC's dirty xattr, not AFR's.
  auto b = parse_volfile(brick(distec(), 0));
  BOOST_TEST(find_block(b, "distec-index")->get("xattrop64-watchlist")
             == "trusted.ec.dirty");
  BOOST_TEST(!find_block(b, "distec-index")->has("xattrop-pending-watchlist"));
}

BOOST_AUTO_TEST_CASE(volfiles_arbiter_set_counts_one_arbiter_brick) {
  auto v = arb3();
  auto g = parse_volfile(client(v));
  BOOST_TEST(find_block(g, "arb3-replicate-0")->get("arbiter-count") == "1");
  for (std::uint32_t i = 0; i < 3; ++i) {
    BOOST_TEST_CONTEXT("brick " << i) {
      auto b = parse_volfile(brick(v, i));
      auto arbiters = of_type(b, "features/arbiter");
      if (i == 2) {
        BOOST_TEST_REQUIRE(arbiters.size() == 1u);
        BOOST_TEST(arbiters[0]->name == "arb3-arbiter");
        BOOST_TEST(arbiters[0]->subvolumes
                   == std::vector<std::string>{"arb3-posix"});
        BOOST_TEST(find_block(b, "arb3-locks")->subvolumes
                   == std::vector<std::string>{"arb3-arbiter"});
      } else {
        BOOST_TEST(arbiters.empty());
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(client_volfile_decommissioned_subvolumes_listed_on_dht) {
  auto v = shrink();
  auto g = parse_volfile(client(v));
  BOOST_TEST(of_type(g, "protocol/client").size() == 4u); // all still there
  BOOST_TEST(find_block(g, "shrink-dht")->get("decommissioned-bricks")
             == "shrink-client-1,shrink-client-3");
  // Removing from a distributed-replicate volume names the replica set.
  auto dr = distrep();
  for (auto i : {3u, 4u, 5u})
    dr.bricks[i].decommissioned = true;
  auto h = parse_volfile(client(dr));
  BOOST_TEST(find_block(h, "distrep-dht")->get("decommissioned-bricks")
             == "distrep-replicate-1");
  // The brick graphs do not change.
  auto plain = shrink();
  plain.bricks[1].decommissioned = false;
  BOOST_TEST(brick(v, 1) == brick(plain, 1));
  BOOST_TEST(!find_block(parse_volfile(client(dist3())), "dist3-dht")
                  ->has("decommissioned-bricks"));
}

BOOST_AUTO_TEST_CASE(client_volfile_bricks_taken_in_index_order) {
  auto v = distrep();
  auto shuffled = v;
  std::reverse(shuffled.bricks.begin(), shuffled.bricks.end());
  BOOST_TEST(client(shuffled) == client(v));
}

BOOST_AUTO_TEST_CASE(client_volfile_short_last_set_and_no_bricks) {
  auto v = replicate("short", "9b4c2f1e-6a3d-4e8b-9f70-1c2d3e4f5a10", 5, 3);
  auto g = parse_volfile(client(v));
  auto sets = of_type(g, "cluster/replicate");
  BOOST_TEST_REQUIRE(sets.size() == 2u);
  BOOST_TEST(sets[1]->subvolumes
                 == (std::vector<std::string>{"short-client-3",
                                              "short-client-4"}),
             boost::test_tools::per_element());
  v.bricks.clear();
  BOOST_TEST(client(v) == "");
}

// -- performance translators --------------------------------------------------

BOOST_AUTO_TEST_CASE(client_volfile_performance_stack_in_glusterd_order) {
  auto g = parse_volfile(client(dist1()));
  BOOST_TEST(chain_above(g, "dist1-client-0")
                 == (std::vector<std::string>{
                     "performance/write-behind",
                     "performance/open-behind", "performance/quick-read",
                     "performance/md-cache", "debug/io-stats"}),
             boost::test_tools::per_element());
  auto v = dist1();
  v.options = {{"features.shard", "on"},
               {"performance.read-ahead", "on"},
               {"performance.readdir-ahead", "on"},
               {"performance.io-cache", "on"}};
  auto all = parse_volfile(client(v));
  BOOST_TEST(chain_above(all, "dist1-client-0")
                 == (std::vector<std::string>{
                     "features/shard", "performance/write-behind",
                     "performance/read-ahead", "performance/readdir-ahead",
                     "performance/io-cache", "performance/open-behind",
                     "performance/quick-read", "performance/md-cache",
                     "debug/io-stats"}),
             boost::test_tools::per_element());
  BOOST_TEST(find_block(all, "dist1-shard")->get("shard-block-size")
             == "64MB");
}

// -- options ------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(volfiles_options_land_where_the_table_says) {
  auto v = tuned();
  auto g = parse_volfile(client(v, tuned_cluster));
  auto b = parse_volfile(brick(v, 0, tuned_cluster));
  // Off: no quick-read; on: io-cache, with the size given by its alias.
  BOOST_TEST(of_type(g, "performance/quick-read").empty());
  BOOST_TEST(find_block(g, "tuned-io-cache")->get("cache-size") == "256MB");
  BOOST_TEST(find_block(b, "tuned-io-threads")->get("thread-count") == "32");
  BOOST_TEST(find_block(b, "tuned-server")
                 ->get("auth.addr./bricks/tuned/b0.allow")
             == "192.168.10.*,10.0.0.5");
  BOOST_TEST(find_block(b, "tuned-server")
                 ->get("auth.addr./bricks/tuned/b0.reject")
             == "10.0.0.66");
  BOOST_TEST(find_block(b, "tuned-read-only")->get("read-only") == "on");
  BOOST_TEST(find_block(g, "tuned")->get("latency-measurement") == "on");
  BOOST_TEST(find_block(b, "/bricks/tuned/b0")->get("latency-measurement")
             == "on");
  BOOST_TEST(find_block(g, "tuned-replicate-0")->get("quorum-count") == "2");
  // Unset, by default: no reject, no quorum-count.
  auto plain = parse_volfile(brick(rep3(), 0));
  BOOST_TEST(!find_block(plain, "rep3-server")
                  ->has("auth.addr./bricks/rep3/b0.reject"));
  BOOST_TEST(find_block(plain, "rep3-server")
                 ->get("auth.addr./bricks/rep3/b0.allow")
             == "*");
  BOOST_TEST(!find_block(parse_volfile(client(rep3())), "rep3-replicate-0")
                  ->has("quorum-count"));
}

BOOST_AUTO_TEST_CASE(volfiles_volume_option_overrides_cluster_wide_one) {
  auto v = tuned();
  auto g = parse_volfile(client(v, tuned_cluster));
  for (const auto* c : of_type(g, "protocol/client"))
    BOOST_TEST(c->get("ping-timeout") == "10");
  // The cluster-wide option the volume does not set applies.
  BOOST_TEST(find_block(g, "tuned-write-behind")->get("cache-size") == "4MB");
  v.options.erase("network.ping-timeout");
  auto h = parse_volfile(client(v, tuned_cluster));
  for (const auto* c : of_type(h, "protocol/client"))
    BOOST_TEST(c->get("ping-timeout") == "30");
}

BOOST_AUTO_TEST_CASE(volfiles_user_options_never_appear) {
  auto v = tuned();
  for (const auto& text :
       {client(v, tuned_cluster), brick(v, 0, tuned_cluster)}) {
    BOOST_TEST(text.find("backup-policy") == std::string::npos);
    BOOST_TEST(text.find("nightly-offsite") == std::string::npos);
    BOOST_TEST(text.find("rack-7") == std::string::npos);
    BOOST_TEST(text.find("user.") == std::string::npos);
    BOOST_TEST(text.find("multiplex") == std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(volfiles_full_key_wins_over_alias_and_bad_values_skip) {
  auto v = rep3();
  v.options = {{"ping-timeout", "5"}, {"network.ping-timeout", "7"}};
  auto g = parse_volfile(client(v));
  BOOST_TEST(find_block(g, "rep3-client-0")->get("ping-timeout") == "7");
  // A stored value that does not validate falls back (here to the
  // cluster-wide value, then to the default); normalizable ones are
  // normalized.
  v.options = {{"network.ping-timeout", "soon"},
               {"performance.write-behind", "yes"},
               {"performance.write-behind-window-size", "2 MB"}};
  auto h = parse_volfile(client(v, {{"network.ping-timeout", "20"}}));
  BOOST_TEST(find_block(h, "rep3-client-0")->get("ping-timeout") == "20");
  BOOST_TEST(find_block(h, "rep3-write-behind")->get("cache-size") == "2MB");
  auto d = parse_volfile(client(v));
  BOOST_TEST(find_block(d, "rep3-client-0")->get("ping-timeout") == "42");
}

BOOST_AUTO_TEST_CASE(volfiles_setting_defaults_changes_nothing) {
  options defaults;
  for (const auto& spec : cl::all_options())
    if (spec.graph != cl::option_graph::none)
      defaults[spec.key] = spec.default_value;
  for (const auto& base : {rep3(), distec(), dist3()}) {
    BOOST_TEST_CONTEXT("volume " << base.name) {
      auto v = base;
      v.options = defaults;
      BOOST_TEST(client(v) == client(base));
      BOOST_TEST(brick(v, 0) == brick(base, 0));
      BOOST_TEST(client(base, defaults) == client(base));
    }
  }
}

// Every option the table puts in a graph reaches it: an option on a
// translator's own setting appears as "option <name> <value>" on that
// translator (in the graphs the table says, and only there); an on/off
// option adds or removes its translator. A new table entry that volgen does
// not place fails here.
BOOST_AUTO_TEST_CASE(volfiles_every_table_option_lands_on_its_translator) {
  for (const auto& spec : cl::all_options()) {
    if (spec.graph == cl::option_graph::none)
      continue;
    BOOST_TEST_CONTEXT("option " << spec.key) {
      auto v = spec.xlator == "cluster/disperse" ? distec() : distrep();
      const auto value = non_default(spec);
      BOOST_TEST_REQUIRE(!value.empty());
      v.options[spec.key] = value;
      // Switch on the translator the option configures, if an option does.
      for (const auto& other : cl::all_options())
        if (other.xlator == spec.xlator && other.xlator_option.empty()
            && other.key != spec.key)
          v.options[other.key] = "on";
      const bool client_side = spec.graph != cl::option_graph::brick;
      const bool brick_side = spec.graph != cl::option_graph::client;
      auto g = parse_volfile(client(v));
      auto b = parse_volfile(brick(v, 0));
      if (spec.xlator_option.empty()) {
        auto off = v;
        off.options[spec.key] = value == "on" ? "off" : "on";
        auto h = parse_volfile(client(off));
        auto c = parse_volfile(brick(off, 0));
        auto count = [&](const std::vector<block>& x) {
          return of_type(x, spec.xlator).size();
        };
        BOOST_TEST(client_side == (count(g) != count(h)));
        BOOST_TEST(brick_side == (count(b) != count(c)));
        continue;
      }
      auto name = spec.xlator_option;
      if (auto star = name.find('*'); star != std::string::npos)
        name.replace(star, 1, v.bricks[0].path);
      auto carries = [&](const std::vector<block>& x) {
        auto blocks = of_type(x, spec.xlator);
        return !blocks.empty()
               && std::all_of(blocks.begin(), blocks.end(),
                              [&](const block* y) {
                                return y->get(name) == value;
                              });
      };
      BOOST_TEST(carries(g) == client_side);
      BOOST_TEST(carries(b) == brick_side);
    }
  }
}
