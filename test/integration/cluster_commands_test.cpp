#include <boost/test/unit_test.hpp>

// gluster's command surface end to end: the real glcli binary against real
// monitors (and agents: daemons that run no monitor) on loopback. Peers
// (monitor self-registration, peer probe, peer detach, pool list), volumes
// (create of every type, info, start/stop/delete, set/get/reset, add-brick,
// remove-brick, replace-brick, volfiles), the failure paths with their exact
// words (each checked to change nothing), --json, and a cluster without
// quorum.
//
// Address blocks: 127.7.40.x (gluster_commands; 127.7.43.1 is a second,
// one-monitor cluster), 127.7.41.x (gluster_no_quorum). Monitors at .1-.3,
// agents at .101 and up.

#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

#include <boost/property_tree/json_parser.hpp>
#include <boost/property_tree/ptree.hpp>

#include "test/integration/cluster_fixture.hpp"
#include "test/support/glcli_spawn.hpp"

using namespace gd::test;
using namespace std::chrono_literals;
namespace pt = boost::property_tree;

namespace {

using strings = std::vector<std::string>;
using clock_type = std::chrono::steady_clock;

bool starts_with(const std::string& text, const std::string& head) {
  return text.compare(0, head.size(), head) == 0;
}

strings lines_of(const std::string& text) {
  strings out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line))
    out.push_back(line);
  return out;
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t'))
    ++i;
  return s.substr(i);
}

/// One glcli run: the command line and what came back.
struct cli_run {
  std::string command;
  int code = -1;
  std::string out;
  std::string err;

  /// Everything, for failure messages.
  std::string text() const {
    return "\n$ " + command + "\nexit " + std::to_string(code)
           + "\n--- stdout ---\n" + out + "--- stderr ---\n" + err;
  }
};

/// Runs glcli against `target` (HOST:PORT) with `args`.
cli_run gl(const std::string& target, strings args,
           const std::string& input = "") {
  args.insert(args.begin(), {"--remote-host", target});
  cli_run r;
  r.command = "glcli";
  for (const auto& a : args)
    r.command += " " + a;
  auto s = run_glcli(args, {}, input);
  r.code = s.code;
  r.out = std::move(s.out);
  r.err = std::move(s.err);
  return r;
}

/// Parses `text` as JSON; throws with the text if it is not.
pt::ptree parse_json(const std::string& text) {
  std::istringstream in(text);
  pt::ptree tree;
  try {
    pt::read_json(in, tree);
  } catch (const pt::json_parser_error& e) {
    throw std::runtime_error("not JSON (" + std::string(e.what())
                             + "): " + text);
  }
  return tree;
}

/// A peer as `pool list --json` shows it.
struct peer_row {
  std::string uuid;
  std::string hostname;
  strings addresses;
  bool connected = false;
  bool monitor = false;
  bool self = false;

  bool has_address(const std::string& a) const {
    return std::find(addresses.begin(), addresses.end(), a)
           != addresses.end();
  }
};

std::vector<peer_row> parse_peers(const std::string& json) {
  auto tree = parse_json(json);
  std::vector<peer_row> out;
  for (const auto& [key, p] : tree.get_child("peer")) {
    (void)key;
    peer_row r;
    r.uuid = p.get<std::string>("uuid");
    r.hostname = p.get<std::string>("hostname");
    for (const auto& [k, a] : p.get_child("addresses")) {
      (void)k;
      r.addresses.push_back(a.get_value<std::string>());
    }
    r.connected = p.get<std::string>("connected") == "true";
    r.monitor = p.get<std::string>("monitor") == "true";
    r.self = p.get<std::string>("self", "false") == "true";
    out.push_back(std::move(r));
  }
  return out;
}

/// The peer named `host`, or null.
const peer_row* find_peer(const std::vector<peer_row>& rows,
                          const std::string& host) {
  for (const auto& r : rows)
    if (r.hostname == host)
      return &r;
  return nullptr;
}

/// The lines of `volume info NAME` from "Volume Name:" on, with the volume
/// id replaced by "ID" (so the text can be compared to an expectation).
std::string info_without_id(const std::string& out) {
  std::string r;
  for (const auto& l : lines_of(out)) {
    if (starts_with(l, "Volume ID: ") && l.size() == 11 + 36)
      r += "Volume ID: ID\n";
    else
      r += l + "\n";
  }
  return r;
}

/// The value column of `option` in `volume get` output, or "" if missing.
std::string option_value(const std::string& get_out, const std::string& key) {
  for (const auto& l : lines_of(get_out)) {
    if (!starts_with(l, key + " ") && !starts_with(l, key + "\t"))
      continue;
    return trim(l.substr(key.size()));
  }
  return {};
}

/// Whether `text` is a UUID in its canonical text form.
bool is_uuid(const std::string& text) {
  if (text.size() != 36)
    return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash != (text[i] == '-'))
      return false;
    if (!dash && !std::isxdigit(static_cast<unsigned char>(text[i])))
      return false;
  }
  return true;
}

// -- a shared cluster ---------------------------------------------------------------

/// Three monitors (tick 50 ms) and the moment a leader was known.
struct gluster_env {
  test_cluster c;
  clock_type::time_point leader_known;

  gluster_env(const std::string& name, const std::string& prefix)
    : c(root_for(name), prefix, 3, 50) {
    c.wait_for_leader(20s);
    leader_known = clock_type::now();
  }

  std::string m(std::size_t i) const { return c.address(i); }
  std::string h(std::size_t i) const { return c.host(i); }

  /// `pool list --json` through `target`.
  std::vector<peer_row> pool(const std::string& target) {
    auto r = gl(target, {"--json", "pool", "list"});
    if (r.code != 0)
      throw std::runtime_error("pool list failed:" + r.text());
    return parse_peers(r.out);
  }

  /// Waits until every monitor lists the three monitors in its pool.
  /// Returns false (after `timeout`) if that does not happen.
  bool monitors_registered(std::chrono::milliseconds timeout) {
    std::string last;
    return eventually(timeout, [&] {
      for (std::size_t i = 0; i < c.size(); ++i) {
        auto r = gl(m(i), {"--json", "pool", "list"});
        if (r.code != 0)
          return false;
        try {
          auto rows = parse_peers(r.out);
          std::size_t monitors = 0;
          for (std::size_t k = 0; k < c.size(); ++k)
            for (const auto& p : rows)
              if (p.has_address(m(k)))
                ++monitors;
          if (rows.size() < c.size() || monitors < c.size())
            return false;
        } catch (const std::exception&) {
          return false;
        }
      }
      return true;
    });
  }

  /// Requires the monitors in the pool (for the volume cases, which put
  /// bricks on them).
  void require_monitors_registered() {
    BOOST_REQUIRE_MESSAGE(monitors_registered(15s),
                          "the monitors did not register as peers within "
                          "15 s:\n" + c.logs());
  }

  /// Makes sure agent k is a peer (probes it through m1 if not).
  void require_agent_in_pool(std::size_t k) {
    require_monitors_registered();
    if (find_peer(pool(m(0)), c.agent_host(k)))
      return;
    auto r = gl(m(0), {"peer", "probe", c.agent_host(k)});
    BOOST_REQUIRE_MESSAGE(r.code == 0, r.text());
    BOOST_REQUIRE(find_peer(pool(m(0)), c.agent_host(k)) != nullptr);
  }

  /// What a failed command must leave as it was: every volume (info and
  /// list) and the pool, as seen through `target`.
  std::string state(const std::string& target) {
    std::string s;
    for (const strings& args :
         {strings{"volume", "info"}, strings{"volume", "list"},
          strings{"pool", "list"}}) {
      auto r = gl(target, args);
      if (r.code != 0)
        throw std::runtime_error("reading the state failed:" + r.text());
      s += "$ " + args[0] + " " + args[1] + "\n" + r.out;
    }
    return s;
  }

  /// Creates a volume (`words` after "volume create"); requires success.
  void create(const strings& words) {
    strings args{"volume", "create"};
    args.insert(args.end(), words.begin(), words.end());
    auto r = gl(m(0), args);
    BOOST_REQUIRE_MESSAGE(r.code == 0, r.text());
  }
};

gluster_env* commands_env = nullptr;
gluster_env* no_quorum_env = nullptr;

/// The gluster_commands suite's cluster: monitors on 127.7.40.1-3, agents
/// a1 (127.7.40.101) and a2 (127.7.40.102), outside the pool at first.
struct commands_setup {
  commands_setup() {
    commands_env = new gluster_env("gluster-commands", "127.7.40");
    commands_env->c.add_agent();
    commands_env->c.add_agent();
  }
  ~commands_setup() {
    delete commands_env;
    commands_env = nullptr;
  }
};

/// The gluster_no_quorum suite's cluster: monitors on 127.7.41.1-3 and
/// agent a1 at 127.7.41.101.
struct no_quorum_setup {
  no_quorum_setup() {
    no_quorum_env = new gluster_env("gluster-no-quorum", "127.7.41");
    no_quorum_env->c.add_agent();
  }
  ~no_quorum_setup() {
    delete no_quorum_env;
    no_quorum_env = nullptr;
  }
};

gluster_env& env() {
  BOOST_REQUIRE_MESSAGE(commands_env != nullptr, "the cluster did not start");
  return *commands_env;
}

/// Runs a command that must fail: exit `code`, stderr containing
/// `expected`, and the state through `target` unchanged. Returns the run.
cli_run refused(gluster_env& e, const std::string& target, const strings& args,
             const std::string& expected, int code = 1,
             const std::string& input = "") {
  auto before = e.state(target);
  auto r = gl(target, args, input);
  BOOST_TEST(r.code == code, r.text());
  BOOST_TEST(contains(r.err, expected),
             "expected on stderr: " << expected << r.text());
  auto after = e.state(target);
  BOOST_TEST(after == before, "the state changed after a refused command:"
                                << r.text() << "\n--- before ---\n"
                                << before << "\n--- after ---\n" << after);
  return r;
}

/// gluster's line for a refused change: "<cmd>: failed: <msg> (nothing
/// changed)".
std::string refusal(const std::string& cmd, const std::string& msg) {
  return cmd + ": failed: " + msg + " (nothing changed)";
}

const std::string on_same_server =
  " volume are present on the same server. This setup is not optimal. "
  "Bricks should be on different nodes to have best fault tolerant "
  "configuration. Use 'force' at the end of the command if you want to "
  "override this behavior.";

} // namespace

// -- peers and volumes on one shared cluster ------------------------------------------

BOOST_AUTO_TEST_SUITE(gluster_commands,
                      *boost::unit_test::fixture<commands_setup>())

BOOST_AUTO_TEST_CASE(monitors_register_themselves_as_peers) {
  auto& e = env();
  // Every monitor lists the three monitors within ~3 s of a leader (5 s:
  // the machine is shared).
  bool registered = e.monitors_registered(15s);
  auto took = clock_type::now() - e.leader_known;
  BOOST_REQUIRE_MESSAGE(registered, "the monitors did not register as peers "
                                    "within 15 s of a leader:\n"
                                      + e.c.logs());
  BOOST_TEST(bool(took <= 5s),
             "the monitors registered only after "
               << std::chrono::duration_cast<std::chrono::milliseconds>(took)
                    .count()
               << " ms");
  for (std::size_t i = 0; i < 3; ++i) {
    auto rows = e.pool(e.m(i));
    BOOST_REQUIRE_EQUAL(rows.size(), 3u);
    // pool list: the others, then this daemon as localhost.
    BOOST_TEST(rows.back().self);
    BOOST_TEST(rows.back().hostname == "localhost");
    BOOST_TEST(rows.back().has_address(e.m(i)), e.m(i));
    for (std::size_t k = 0; k < 2; ++k) {
      BOOST_TEST(!rows[k].self);
      BOOST_TEST(rows[k].monitor);
      BOOST_TEST(rows[k].connected);
      BOOST_TEST(is_uuid(rows[k].uuid), rows[k].uuid);
    }
    for (std::size_t k = 0; k < 3; ++k) {
      if (k == i)
        continue;
      bool listed = rows[0].has_address(e.m(k)) || rows[1].has_address(e.m(k));
      BOOST_TEST(listed, e.m(i) << " does not list " << e.m(k));
    }
    BOOST_TEST(rows[0].uuid != rows[1].uuid);
    BOOST_TEST(rows[0].uuid != rows[2].uuid);
    BOOST_TEST(rows[1].uuid != rows[2].uuid);
  }
  // gluster's text.
  auto pool = gl(e.m(0), {"pool", "list"});
  BOOST_TEST(pool.code == 0, pool.text());
  auto lines = lines_of(pool.out);
  BOOST_REQUIRE_EQUAL(lines.size(), 4u);
  BOOST_TEST(starts_with(lines[0], "UUID\t"), pool.text());
  BOOST_TEST(contains(lines[0], "Hostname"));
  BOOST_TEST(contains(lines[0], "\tState"));
  BOOST_TEST(contains(lines[3], "\tlocalhost"), pool.text());
  for (std::size_t k = 1; k < 4; ++k)
    BOOST_TEST(contains(lines[k], "\tConnected"), pool.text());
  auto rows = e.pool(e.m(0));
  auto status = gl(e.m(0), {"peer", "status"});
  BOOST_TEST(status.code == 0, status.text());
  BOOST_TEST(starts_with(status.out, "Number of Peers: 2\n"), status.text());
  for (std::size_t k = 0; k < 2; ++k) {
    BOOST_TEST(contains(status.out, "\nHostname: " + rows[k].hostname
                                      + "\nUuid: " + rows[k].uuid
                                      + "\nState: Peer in Cluster "
                                        "(Connected)\n"),
               status.text());
  }
  auto sj = gl(e.m(0), {"peer", "status", "--json"});
  BOOST_TEST(sj.code == 0, sj.text());
  BOOST_TEST(parse_peers(sj.out).size() == 2u, sj.text());
}

BOOST_AUTO_TEST_CASE(peer_probe_adds_an_agent) {
  auto& e = env();
  e.require_monitors_registered();
  const auto a1 = e.c.agent_host(0);
  BOOST_REQUIRE(find_peer(e.pool(e.m(0)), a1) == nullptr);

  auto r = gl(e.m(0), {"peer", "probe", a1});
  BOOST_TEST(r.code == 0, r.text());
  BOOST_TEST(starts_with(r.out, "peer probe: success"), r.text());
  for (std::size_t i = 0; i < 3; ++i) {
    auto rows = e.pool(e.m(i));
    BOOST_TEST(rows.size() == 4u);
    auto* p = find_peer(rows, a1);
    BOOST_REQUIRE_MESSAGE(p != nullptr, e.m(i) << " does not list " << a1);
    BOOST_TEST(!p->self);
    BOOST_TEST(!p->monitor);
    BOOST_TEST(p->connected, a1 << " is not shown connected by " << e.m(i));
    BOOST_TEST(p->has_address(e.c.agent_address(0)));
    BOOST_TEST(is_uuid(p->uuid), p->uuid);
  }
  auto pool_text = gl(e.m(0), {"pool", "list"}).out;
  BOOST_TEST(contains(pool_text, a1), pool_text);

  // Probing it again changes nothing, through any monitor.
  auto before = e.state(e.m(0));
  for (std::size_t i : {0u, 2u}) {
    auto again = gl(e.m(i), {"peer", "probe", a1});
    BOOST_TEST(again.code == 0, again.text());
    BOOST_TEST(starts_with(again.out, "peer probe: success"), again.text());
    BOOST_TEST(contains(again.out, "Host " + a1), again.text());
    BOOST_TEST(contains(again.out, "already in peer list"), again.text());
  }
  BOOST_TEST(e.state(e.m(0)) == before);

  // Nothing listens there: refused, nothing changed.
  auto nowhere =
    refused(e, e.m(0), {"peer", "probe", "127.7.40.99"},
            "Probe returned with Transport endpoint is not connected");
  BOOST_TEST(starts_with(nowhere.err, "peer probe: failed: "), nowhere.text());
  // Nothing answered, so nothing was proposed: the line must say so.
  BOOST_TEST(contains(nowhere.err, "(nothing changed)"), nowhere.text());
  BOOST_TEST(find_peer(e.pool(e.m(0)), "127.7.40.99") == nullptr);

  // A target glcli would refuse, sent straight over RPC: the daemon names
  // what is wrong and proposes nothing.
  {
    gd::client::connection conn(gd::client::parse_address(e.m(0)));
    auto bad = conn.peer_probe("no such host!");
    BOOST_TEST(!bad.ok());
    BOOST_TEST((bad.st.code == gd::status_code::invalid));
    BOOST_TEST(contains(bad.st.message,
                        "host name no such host! contains \" \""),
               bad.st.message);
    BOOST_TEST(e.state(e.m(0)) == before);
  }

  // A monitor probing itself: gluster's "success. Probe on localhost not
  // needed", nothing changed.
  before = e.state(e.m(0));
  auto self = gl(e.m(0), {"peer", "probe", e.h(0)});
  BOOST_TEST(self.code == 0, self.text());
  BOOST_TEST(contains(self.out + self.err, "Probe on localhost not needed"),
             self.text());
  BOOST_TEST(e.state(e.m(0)) == before);

  // The agent now serves the gluster commands too (it asks the monitors).
  auto list = gl(e.c.agent_address(0), {"volume", "list"});
  BOOST_TEST(list.code == 0, list.text() << e.c.logs());
  auto via_agent = gl(e.c.agent_address(0), {"--json", "pool", "list"});
  BOOST_TEST(via_agent.code == 0, via_agent.text());
  if (via_agent.code == 0) {
    auto rows = parse_peers(via_agent.out);
    BOOST_TEST(rows.size() == 4u, via_agent.text());
    BOOST_REQUIRE(!rows.empty());
    BOOST_TEST(rows.back().self);
    BOOST_TEST(rows.back().hostname == "localhost");
    BOOST_TEST(rows.back().has_address(e.c.agent_address(0)),
               via_agent.text());
  }
  auto info = gl(e.c.agent_address(0), {"volume", "info"});
  BOOST_TEST(info.code == 0, info.text());
  BOOST_TEST(info.out == gl(e.m(0), {"volume", "info"}).out);
}

BOOST_AUTO_TEST_CASE(probe_refuses_a_daemon_of_another_cluster) {
  auto& e = env();
  e.require_agent_in_pool(0);
  // A one-monitor cluster of its own on 127.7.43.1.
  test_cluster other(root_for("gluster-other"), "127.7.43", 1, 50);
  other.wait_for_leader(15s);
  refused(e, e.m(0), {"peer", "probe", other.host(0)},
          refusal("peer probe",
                  other.host(0)
                    + " is either already part of another cluster or having "
                      "volumes configured"));
  // And the other way round: our agent belongs to our cluster.
  auto r = gl(other.address(0), {"peer", "probe", e.c.agent_host(0)});
  BOOST_TEST(r.code == 1, r.text());
  BOOST_TEST(contains(r.err,
                      refusal("peer probe",
                              e.c.agent_host(0)
                                + " is either already part of another "
                                  "cluster or having volumes configured")),
             r.text());
  BOOST_TEST(find_peer(e.pool(e.m(0)), e.c.agent_host(0)) != nullptr);
  auto mine = gl(e.c.agent_address(0), {"volume", "list"});
  BOOST_TEST(mine.code == 0, mine.text());
}

BOOST_AUTO_TEST_CASE(peer_detach) {
  auto& e = env();
  e.require_agent_in_pool(0);
  const auto a1 = e.c.agent_host(0);
  const auto a2 = e.c.agent_host(1);

  refused(e, e.m(0), {"peer", "detach", "127.7.40.98", "--mode=script"},
          refusal("peer detach", "127.7.40.98 is not part of cluster"));
  // Monitors leave through `monitor remove`, not peer detach.
  refused(e, e.m(0), {"peer", "detach", e.h(0), "--mode=script"},
          refusal("peer detach", e.h(0) + " is localhost"));
  refused(e, e.m(0), {"peer", "detach", e.h(1), "--mode=script"},
          refusal("peer detach",
                  e.h(1) + " runs a monitor of this cluster (at " + e.m(1)
                    + "): remove it from the monitors first (glcli monitor "
                      "remove NAME)"));

  // A peer that hosts a brick stays, force or not.
  auto probe = gl(e.m(0), {"peer", "probe", a2});
  BOOST_REQUIRE_MESSAGE(probe.code == 0, probe.text());
  e.create({"pinned", a2 + ":/it/pinned/b1"});
  const auto hosts_bricks = refusal(
    "peer detach",
    "Peer " + a2 + " hosts one or more bricks (" + a2
      + ":/it/pinned/b1 of volume pinned). If the peer is in not recoverable "
        "state then use either replace-brick or remove-brick command with "
        "force to remove all bricks from the peer and attempt the peer "
        "detach again.");
  refused(e, e.m(0), {"peer", "detach", a2, "--mode=script"}, hosts_bricks);
  refused(e, e.m(1), {"peer", "detach", a2, "force", "--mode=script"},
          hosts_bricks);
  BOOST_TEST(find_peer(e.pool(e.m(0)), a2) != nullptr);
  auto del = gl(e.m(0), {"volume", "delete", "pinned", "--mode=script"});
  BOOST_REQUIRE_MESSAGE(del.code == 0, del.text());
  auto freed = gl(e.m(0), {"peer", "detach", a2, "--mode=script"});
  BOOST_TEST(freed.code == 0, freed.text());
  BOOST_TEST(starts_with(freed.out, "peer detach: success"), freed.text());
  BOOST_TEST(find_peer(e.pool(e.m(0)), a2) == nullptr);

  // Without --mode=script it asks; "n" changes nothing.
  refused(e, e.m(0), {"peer", "detach", a1},
          refusal("peer detach", "not confirmed"), 1, "n\n");

  auto r = gl(e.m(0), {"peer", "detach", a1, "--mode=script"});
  BOOST_TEST(r.code == 0, r.text());
  BOOST_TEST(starts_with(r.out, "peer detach: success"), r.text());
  for (std::size_t i = 0; i < 3; ++i) {
    auto rows = e.pool(e.m(i));
    BOOST_TEST(rows.size() == 3u);
    BOOST_TEST(find_peer(rows, a1) == nullptr, e.m(i) << " still lists " << a1);
  }
  // Detached twice: it is not part of the cluster any more.
  refused(e, e.m(0), {"peer", "detach", a1, "--mode=script"},
          refusal("peer detach", a1 + " is not part of cluster"));

  // The detached agent can be probed again.
  auto again = gl(e.m(0), {"peer", "probe", a1});
  BOOST_TEST(again.code == 0, again.text() << e.c.logs());
  BOOST_TEST(!contains(again.out, "already in peer list"), again.text());
  auto* p = find_peer(e.pool(e.m(0)), a1);
  BOOST_TEST(p != nullptr);
}

BOOST_AUTO_TEST_CASE(volume_create_of_every_type_and_info) {
  auto& e = env();
  e.require_monitors_registered();
  const auto h1 = e.h(0), h2 = e.h(1), h3 = e.h(2);
  struct expected_volume {
    std::string name;
    strings layout;
    strings bricks;
    std::string type;
    std::string count;
    std::string last_brick_note;
  };
  const std::vector<expected_volume> volumes = {
    {"dist", {}, {h1 + ":/it/dist/b1", h2 + ":/it/dist/b1"}, "Distribute",
     "2", ""},
    {"rep3", {"replica", "3"},
     {h1 + ":/it/rep3/b", h2 + ":/it/rep3/b", h3 + ":/it/rep3/b"},
     "Replicate", "1 x 3 = 3", ""},
    {"arb", {"replica", "3", "arbiter", "1"},
     {h1 + ":/it/arb/b", h2 + ":/it/arb/b", h3 + ":/it/arb/b"}, "Replicate",
     "1 x (2 + 1) = 3", " (arbiter)"},
    {"disp", {"disperse", "3", "redundancy", "1"},
     {h1 + ":/it/disp/b", h2 + ":/it/disp/b", h3 + ":/it/disp/b"},
     "Disperse", "1 x (2 + 1) = 3", ""},
    {"dist-rep", {"replica", "3"},
     {h1 + ":/it/dr/b1", h2 + ":/it/dr/b1", h3 + ":/it/dr/b1",
      h1 + ":/it/dr/b2", h2 + ":/it/dr/b2", h3 + ":/it/dr/b2"},
     "Distributed-Replicate", "2 x 3 = 6", ""},
  };
  for (const auto& v : volumes) {
    strings args{"volume", "create", v.name};
    args.insert(args.end(), v.layout.begin(), v.layout.end());
    args.insert(args.end(), v.bricks.begin(), v.bricks.end());
    auto r = gl(e.m(0), args);
    BOOST_TEST(r.code == 0, r.text());
    BOOST_TEST(starts_with(r.out, "volume create: " + v.name
                                    + ": success: please start the volume "
                                      "to access data\n"),
               r.text());
    // Read through another monitor.
    auto info = gl(e.m(1), {"volume", "info", v.name});
    BOOST_TEST(info.code == 0, info.text());
    std::string want = " \nVolume Name: " + v.name + "\nType: " + v.type
                       + "\nVolume ID: ID\nStatus: Created\nSnapshot Count: 0"
                         "\nNumber of Bricks: " + v.count
                       + "\nTransport-type: tcp\nBricks:\n";
    for (std::size_t i = 0; i < v.bricks.size(); ++i)
      want += "Brick" + std::to_string(i + 1) + ": " + v.bricks[i]
              + (i + 1 == v.bricks.size() ? v.last_brick_note : "") + "\n";
    BOOST_TEST(info_without_id(info.out) == want, info.text());
    auto id_line = lines_of(info.out).size() > 3 ? lines_of(info.out)[3] : "";
    BOOST_TEST(is_uuid(id_line.substr(std::min<std::size_t>(11, id_line.size()))),
               info.text());
  }
  auto list = gl(e.m(2), {"volume", "list"});
  BOOST_TEST(list.code == 0, list.text());
  auto names = lines_of(list.out);
  for (const auto& v : volumes)
    BOOST_TEST(std::count(names.begin(), names.end(), v.name) == 1,
               v.name << " not listed once" << list.text());
  auto all = gl(e.m(0), {"volume", "info", "all"});
  BOOST_TEST(all.code == 0, all.text());
  for (const auto& v : volumes)
    BOOST_TEST(contains(all.out, "\nVolume Name: " + v.name + "\n"),
               all.text());
  // An agent in the pool sees the same.
  e.require_agent_in_pool(0);
  auto via_agent = gl(e.c.agent_address(0), {"volume", "info", "rep3"});
  BOOST_TEST(via_agent.code == 0, via_agent.text());
  BOOST_TEST(via_agent.out == gl(e.m(0), {"volume", "info", "rep3"}).out);
  // A brick on the agent.
  auto on_agent = gl(e.c.agent_address(0),
                     {"volume", "create", "agentvol",
                      e.c.agent_host(0) + ":/it/agentvol/b1"});
  BOOST_TEST(on_agent.code == 0, on_agent.text());
  auto agent_info = gl(e.m(0), {"volume", "info", "agentvol"});
  BOOST_TEST(contains(agent_info.out,
                      "Brick1: " + e.c.agent_host(0) + ":/it/agentvol/b1\n"),
             agent_info.text());
}

BOOST_AUTO_TEST_CASE(volume_start_stop_delete) {
  auto& e = env();
  e.require_monitors_registered();
  e.create({"life", e.h(0) + ":/it/life/b1"});
  auto status_of = [&](const std::string& target) {
    auto info = gl(target, {"volume", "info", "life"});
    for (const auto& l : lines_of(info.out))
      if (starts_with(l, "Status: "))
        return l.substr(8);
    return "(none)" + info.text();
  };
  BOOST_TEST(status_of(e.m(0)) == "Created");

  auto start = gl(e.m(0), {"volume", "start", "life"});
  BOOST_TEST(start.code == 0, start.text());
  BOOST_TEST(starts_with(start.out, "volume start: life: success\n"),
             start.text());
  BOOST_TEST(status_of(e.m(1)) == "Started");
  refused(e, e.m(0), {"volume", "start", "life"},
          refusal("volume start: life", "Volume life already started"));
  // force on a started volume succeeds and changes nothing in the model.
  auto forced = gl(e.m(0), {"volume", "start", "life", "force"});
  BOOST_TEST(forced.code == 0, forced.text());
  refused(e, e.m(0), {"volume", "delete", "life", "--mode=script"},
          refusal("volume delete: life",
                  "Volume life has been started.Volume needs to be stopped "
                  "before deletion."));
  // stop asks first; "n" changes nothing.
  refused(e, e.m(0), {"volume", "stop", "life"},
          refusal("volume stop: life", "not confirmed"), 1, "n\n");

  auto stop = gl(e.m(2), {"volume", "stop", "life", "--mode=script"});
  BOOST_TEST(stop.code == 0, stop.text());
  BOOST_TEST(starts_with(stop.out, "volume stop: life: success\n"),
             stop.text());
  BOOST_TEST(status_of(e.m(0)) == "Stopped");
  refused(e, e.m(0), {"volume", "stop", "life", "--mode=script"},
          refusal("volume stop: life",
                  "Volume life is not in the started state"));

  auto del = gl(e.m(0), {"volume", "delete", "life", "--mode=script"});
  BOOST_TEST(del.code == 0, del.text());
  BOOST_TEST(starts_with(del.out, "volume delete: life: success\n"),
             del.text());
  auto gone = gl(e.m(1), {"volume", "info", "life"});
  BOOST_TEST(gone.code == 1, gone.text());
  BOOST_TEST(contains(gone.err, "Volume life does not exist"), gone.text());
  auto names = lines_of(gl(e.m(0), {"volume", "list"}).out);
  BOOST_TEST(std::count(names.begin(), names.end(), "life") == 0);
  // The name and the brick are free again.
  e.create({"life", e.h(0) + ":/it/life/b1"});
}

BOOST_AUTO_TEST_CASE(volume_set_get_reset_and_volfiles) {
  auto& e = env();
  e.require_monitors_registered();
  const auto b1 = e.h(0) + ":/it/tune/b";
  e.create({"tune", "replica", "3", b1, e.h(1) + ":/it/tune/b",
            e.h(2) + ":/it/tune/b"});
  auto volfile = [&](const strings& extra) {
    strings args{"volume", "volfile", "tune"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = gl(e.m(1), args);
    BOOST_TEST(r.code == 0, r.text());
    return r.out;
  };
  auto version = [&](const strings& extra) -> long long {
    strings args{"--json", "volume", "volfile", "tune"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = gl(e.m(1), args);
    BOOST_REQUIRE_MESSAGE(r.code == 0, r.text());
    auto doc = parse_json(r.out);
    // The human form is the text, ending in a newline.
    auto text = doc.get<std::string>("text");
    if (!text.empty() && text.back() != '\n')
      text += "\n";
    BOOST_TEST(text == volfile(extra));
    return doc.get<long long>("version");
  };

  auto client0 = volfile({"--client"});
  BOOST_TEST(contains(client0, "type protocol/client"), client0);
  BOOST_TEST(contains(client0, "type cluster/replicate"), client0);
  BOOST_TEST(contains(client0, "option remote-subvolume /it/tune/b"), client0);
  BOOST_TEST(contains(client0, "option ping-timeout 42"), client0);
  BOOST_TEST(volfile({}) == client0); // the client's is the default
  auto brick0 = volfile({"--brick", b1});
  BOOST_TEST(contains(brick0, "type storage/posix"), brick0);
  BOOST_TEST(contains(brick0, "/it/tune/b"), brick0);
  BOOST_TEST(!contains(brick0, "type protocol/client"), brick0);
  BOOST_TEST(contains(brick0, "option thread-count 16"), brick0);
  auto v0 = version({"--client"});

  // A client option: the client volfile changes, with its version.
  auto set = gl(e.m(0), {"volume", "set", "tune", "network.ping-timeout",
                         "30"});
  BOOST_TEST(set.code == 0, set.text());
  BOOST_TEST(set.out == "volume set: success\n", set.text());
  auto get = gl(e.m(2), {"volume", "get", "tune", "network.ping-timeout"});
  BOOST_TEST(get.code == 0, get.text());
  BOOST_TEST(starts_with(get.out, "Option"), get.text());
  BOOST_TEST(option_value(get.out, "network.ping-timeout") == "30",
             get.text());
  auto info = gl(e.m(0), {"volume", "info", "tune"});
  BOOST_TEST(contains(info.out,
                      "Options Reconfigured:\nnetwork.ping-timeout: 30\n"),
             info.text());
  auto client1 = volfile({"--client"});
  BOOST_TEST(client1 != client0);
  BOOST_TEST(contains(client1, "option ping-timeout 30"), client1);
  BOOST_TEST(!contains(client1, "option ping-timeout 42"), client1);
  auto v1 = version({"--client"});
  BOOST_TEST(v1 == v0 + 1);

  // A brick option: the brick volfile changes.
  auto set2 = gl(e.m(1), {"volume", "set", "tune",
                          "performance.io-thread-count", "32"});
  BOOST_TEST(set2.code == 0, set2.text());
  auto brick1 = volfile({"--brick", b1});
  BOOST_TEST(contains(brick1, "option thread-count 32"), brick1);
  BOOST_TEST(!contains(brick1, "option thread-count 16"), brick1);
  BOOST_TEST(version({"--brick", b1}) == v0 + 2);
  // Values are normalized; the same value again changes nothing.
  auto same = gl(e.m(0), {"volume", "set", "tune",
                          "performance.io-thread-count", "32"});
  BOOST_TEST(same.code == 0, same.text());
  BOOST_TEST(version({"--client"}) == v0 + 2);
  auto boolean = gl(e.m(0), {"volume", "set", "tune",
                             "performance.write-behind", "no"});
  BOOST_TEST(boolean.code == 0, boolean.text());
  auto wb = gl(e.m(0), {"volume", "get", "tune", "performance.write-behind"});
  BOOST_TEST(option_value(wb.out, "performance.write-behind") == "off",
             wb.text());

  // volume get all: every option, set or default.
  auto all = gl(e.m(0), {"volume", "get", "tune", "all"});
  BOOST_TEST(all.code == 0, all.text());
  BOOST_TEST(option_value(all.out, "network.ping-timeout") == "30",
             all.text());
  BOOST_TEST(option_value(all.out, "performance.io-thread-count") == "32",
             all.text());
  BOOST_TEST(option_value(all.out, "performance.cache-size") == "32MB",
             all.text());
  BOOST_TEST(option_value(all.out, "cluster.quorum-type") == "auto",
             all.text());

  // Reset one option, then every one.
  auto reset = gl(e.m(0), {"volume", "reset", "tune", "network.ping-timeout"});
  BOOST_TEST(reset.code == 0, reset.text());
  BOOST_TEST(starts_with(reset.out, "volume reset: success"), reset.text());
  get = gl(e.m(1), {"volume", "get", "tune", "network.ping-timeout"});
  BOOST_TEST(option_value(get.out, "network.ping-timeout") == "42",
             get.text());
  auto client2 = volfile({"--client"});
  BOOST_TEST(contains(client2, "option ping-timeout 42"), client2);
  BOOST_TEST(version({"--client"}) == v0 + 4);
  info = gl(e.m(0), {"volume", "info", "tune"});
  BOOST_TEST(!contains(info.out, "network.ping-timeout"), info.text());
  BOOST_TEST(contains(info.out, "performance.io-thread-count: 32\n"),
             info.text());
  auto reset_all = gl(e.m(0), {"volume", "reset", "tune"});
  BOOST_TEST(reset_all.code == 0, reset_all.text());
  info = gl(e.m(0), {"volume", "info", "tune"});
  BOOST_TEST(!contains(info.out, "Options Reconfigured"), info.text());
  BOOST_TEST(volfile({"--brick", b1}) == brick0);
  BOOST_TEST(volfile({"--client"}) == client0);

  // Cluster-wide options: volume set/get/reset all.
  auto gset = gl(e.m(0), {"volume", "set", "all", "cluster.brick-multiplex",
                          "on"});
  BOOST_TEST(gset.code == 0, gset.text());
  auto gget = gl(e.m(2), {"volume", "get", "all", "cluster.brick-multiplex"});
  BOOST_TEST(gget.code == 0, gget.text());
  BOOST_TEST(option_value(gget.out, "cluster.brick-multiplex") == "on",
             gget.text());
  auto greset = gl(e.m(0), {"volume", "reset", "all",
                            "cluster.brick-multiplex"});
  BOOST_TEST(greset.code == 0, greset.text());
  gget = gl(e.m(2), {"volume", "get", "all", "cluster.brick-multiplex"});
  BOOST_TEST(option_value(gget.out, "cluster.brick-multiplex") == "off",
             gget.text());
}

BOOST_AUTO_TEST_CASE(add_brick_remove_brick_replace_brick) {
  auto& e = env();
  e.require_monitors_registered();
  const auto g1 = e.h(0) + ":/it/grow/b1";
  const auto g2 = e.h(1) + ":/it/grow/b2";
  e.create({"grow", g1});

  auto add = gl(e.m(0), {"volume", "add-brick", "grow", g2});
  BOOST_TEST(add.code == 0, add.text());
  BOOST_TEST(starts_with(add.out, "volume add-brick: success\n"), add.text());
  auto info = gl(e.m(1), {"volume", "info", "grow"});
  BOOST_TEST(contains(info.out, "Number of Bricks: 2\n"), info.text());
  BOOST_TEST(contains(info.out, "Brick1: " + g1 + "\nBrick2: " + g2 + "\n"),
             info.text());

  // remove-brick start migrates data: the volume must run.
  refused(e, e.m(0), {"volume", "remove-brick", "grow", g2, "start"},
          refusal("volume remove-brick start",
                  "Volume grow needs to be started before remove-brick start "
                  "(its data is migrated off the bricks); use force to remove "
                  "them without migrating"));
  auto start = gl(e.m(0), {"volume", "start", "grow"});
  BOOST_REQUIRE_MESSAGE(start.code == 0, start.text());
  auto rb = gl(e.m(0), {"volume", "remove-brick", "grow", g2, "start"});
  BOOST_TEST(rb.code == 0, rb.text());
  BOOST_TEST(starts_with(rb.out, "volume remove-brick start: success\nID: "),
             rb.text());
  std::string task;
  if (lines_of(rb.out).size() >= 2)
    task = lines_of(rb.out)[1].substr(4);
  BOOST_TEST(is_uuid(task), rb.text());
  auto st = gl(e.m(2), {"volume", "remove-brick", "grow", g2, "status"});
  BOOST_TEST(st.code == 0, st.text());
  BOOST_TEST(st.out == "Volume: grow\nTask: Remove brick\nID: " + task
                         + "\nRemoved bricks:\n" + g2
                         + "\nStatus: in progress\n",
             st.text());
  refused(e, e.m(0),
          {"volume", "add-brick", "grow", e.h(2) + ":/it/grow/b3"},
          refusal("volume add-brick",
                  "Volume grow has a remove-brick task in progress: commit "
                  "or stop it first"));
  auto vstatus = gl(e.m(0), {"volume", "status", "grow"});
  BOOST_TEST(vstatus.code == 0, vstatus.text());
  BOOST_TEST(contains(vstatus.out, "Task                 : Remove brick\n"
                                   "ID                   : " + task + "\n"),
             vstatus.text());

  auto commit = gl(e.m(0), {"volume", "remove-brick", "grow", g2, "commit",
                            "--mode=script"});
  BOOST_TEST(commit.code == 0, commit.text());
  BOOST_TEST(starts_with(commit.out,
                         "volume remove-brick commit: success\nCheck the "
                         "removed bricks"),
             commit.text());
  info = gl(e.m(1), {"volume", "info", "grow"});
  BOOST_TEST(contains(info.out, "Number of Bricks: 1\n"), info.text());
  BOOST_TEST(!contains(info.out, "Brick2"), info.text());
  BOOST_TEST(!contains(info.out, g2), info.text());
  auto after = gl(e.m(0), {"volume", "remove-brick", "grow", g2, "status"});
  BOOST_TEST(after.code == 1, after.text());
  BOOST_TEST(contains(after.err, "remove-brick not started for volume grow"),
             after.text());
  // The removed brick's directory is free again.
  auto readd = gl(e.m(0), {"volume", "add-brick", "grow", g2});
  BOOST_TEST(readd.code == 0, readd.text());

  // replace-brick on a replica set.
  const auto s3 = e.h(2) + ":/it/swap/b";
  const auto s3new = e.h(2) + ":/it/swap/b-new";
  e.create({"swap", "replica", "3", e.h(0) + ":/it/swap/b",
            e.h(1) + ":/it/swap/b", s3});
  auto rep = gl(e.m(0), {"volume", "replace-brick", "swap", s3, s3new,
                         "commit", "force"});
  BOOST_TEST(rep.code == 0, rep.text());
  BOOST_TEST(starts_with(rep.out,
                         "volume replace-brick: success: replace-brick "
                         "commit force operation successful\n"),
             rep.text());
  info = gl(e.m(1), {"volume", "info", "swap"});
  BOOST_TEST(contains(info.out, "Brick3: " + s3new + "\n"), info.text());
  BOOST_TEST(!contains(info.out, s3 + "\n"), info.text());
  auto client = gl(e.m(0), {"volume", "volfile", "swap", "--client"});
  BOOST_TEST(contains(client.out, "option remote-subvolume /it/swap/b-new"),
             client.text());
  refused(e, e.m(0),
          {"volume", "replace-brick", "grow", g1, e.h(2) + ":/it/grow/new",
           "commit", "force"},
          refusal("volume replace-brick",
                  "replace-brick is not permitted on distribute-only "
                  "volumes. Please use add-brick and remove-brick operations "
                  "instead."));
  refused(e, e.m(0),
          {"volume", "replace-brick", "swap", s3, e.h(2) + ":/it/swap/c",
           "commit", "force"},
          refusal("volume replace-brick",
                  "Incorrect brick " + s3 + " for volume swap"));
}

BOOST_AUTO_TEST_CASE(failures_change_nothing) {
  auto& e = env();
  e.require_monitors_registered();
  const auto h1 = e.h(0), h2 = e.h(1), h3 = e.h(2);
  const auto k1 = h1 + ":/it/keep/b";
  e.create({"keep", "replica", "3", k1, h2 + ":/it/keep/b",
            h3 + ":/it/keep/b"});
  auto set = gl(e.m(0), {"volume", "set", "keep", "performance.cache-size",
                         "64MB"});
  BOOST_REQUIRE_MESSAGE(set.code == 0, set.text());
  const auto m = e.m(1);

  // Unknown volume.
  const auto no_vol = "Volume nosuch does not exist";
  refused(e, m, {"volume", "set", "nosuch", "performance.cache-size", "64MB"},
          refusal("volume set", no_vol));
  refused(e, m, {"volume", "start", "nosuch"},
          refusal("volume start: nosuch", no_vol));
  refused(e, m, {"volume", "stop", "nosuch", "--mode=script"},
          refusal("volume stop: nosuch", no_vol));
  refused(e, m, {"volume", "delete", "nosuch", "--mode=script"},
          refusal("volume delete: nosuch", no_vol));
  refused(e, m, {"volume", "reset", "nosuch"}, refusal("volume reset", no_vol));
  refused(e, m, {"volume", "add-brick", "nosuch", h1 + ":/it/nosuch/b"},
          refusal("volume add-brick", no_vol));
  refused(e, m, {"volume", "info", "nosuch"}, refusal("volume info", no_vol));
  refused(e, m, {"volume", "get", "nosuch", "all"},
          refusal("volume get", no_vol));
  refused(e, m, {"volume", "volfile", "nosuch"},
          refusal("volume volfile", no_vol));
  refused(e, m, {"volume", "volfile", "keep", "--brick", h1 + ":/it/other"},
          refusal("volume volfile",
                  "Brick " + h1 + ":/it/other is not a brick of volume keep"));

  // Names and bricks in use.
  refused(e, m, {"volume", "create", "keep", h1 + ":/it/keep2/b"},
          refusal("volume create: keep", "Volume keep already exists"));
  refused(e, m, {"volume", "create", "other", k1},
          refusal("volume create: other",
                  "Brick " + k1 + " is already part of volume keep"));
  refused(e, m, {"volume", "create", "other", h2 + ":/it/keep"},
          refusal("volume create: other",
                  "Brick: " + h2 + ":/it/keep not available. Brick may be "
                  "containing or be contained by an existing brick (" + h2
                  + ":/it/keep/b of volume keep)."));
  refused(e, m, {"volume", "create", "other", h3 + ":/it/keep/b/inner"},
          refusal("volume create: other",
                  "Brick: " + h3 + ":/it/keep/b/inner not available. Brick "
                  "may be containing or be contained by an existing brick ("
                  + h3 + ":/it/keep/b of volume keep)."));
  refused(e, m,
          {"volume", "add-brick", "keep", k1, h2 + ":/it/keep/c",
           h3 + ":/it/keep/c"},
          refusal("volume add-brick",
                  "Brick " + k1 + " is already part of volume keep"));
  refused(e, m,
          {"volume", "create", "other", h1 + ":/it/o/b", h1 + ":/it/o/b/in"},
          refusal("volume create: other",
                  "Brick " + h1 + ":/it/o/b/in is inside brick " + h1
                    + ":/it/o/b of the same command"));
  // The same brick twice in one command is a usage error (exit 2).
  refused(e, m,
          {"volume", "create", "other", h1 + ":/it/o/b", h1 + ":/it/o/b"},
          "is given twice", 2);

  // Options.
  refused(e, m, {"volume", "set", "keep", "no.such-option", "1"},
          refusal("volume set", "option : no.such-option does not exist"));
  refused(e, m, {"volume", "set", "keep", "performance.cache-sise", "1"},
          refusal("volume set",
                  "option : performance.cache-sise does not exist\nDid you "
                  "mean performance.cache-size?"));
  refused(e, m, {"volume", "set", "keep", "performance.write-behind", "maybe"},
          refusal("volume set",
                  "option performance.write-behind: 'maybe' is not a valid "
                  "boolean value (use on or off)"));
  refused(e, m, {"volume", "set", "keep", "network.ping-timeout", "5000"},
          refusal("volume set",
                  "'5000' in 'option network.ping-timeout 5000' is out of "
                  "range [0 - 1013]"));
  refused(e, m, {"volume", "set", "keep", "network.ping-timeout", "soon"},
          refusal("volume set",
                  "invalid number format \"soon\" in option "
                  "\"network.ping-timeout\""));
  refused(e, m, {"volume", "set", "keep", "performance.cache-size", "lots"},
          refusal("volume set",
                  "invalid size format \"lots\" in option "
                  "\"performance.cache-size\" (use e.g. 32MB)"));
  refused(e, m, {"volume", "set", "keep", "cluster.brick-multiplex", "on"},
          refusal("volume set",
                  "Not a valid option for single volume: "
                  "cluster.brick-multiplex is cluster-wide (volume set all "
                  "cluster.brick-multiplex VALUE)"));
  refused(e, m, {"volume", "reset", "keep", "no.such-option"},
          refusal("volume reset", "option : no.such-option does not exist"));
  refused(e, m, {"volume", "get", "keep", "no.such-option"},
          refusal("volume get", "option : no.such-option does not exist"));

  // Bricks on hosts outside the pool, and sets on one server.
  refused(e, m, {"volume", "create", "ghost", "127.7.40.77:/it/ghost/b"},
          refusal("volume create: ghost",
                  "Host 127.7.40.77 is not in 'Peer in Cluster' state"));
  refused(e, m,
          {"volume", "add-brick", "keep", "127.7.40.77:/it/ghost/b",
           h2 + ":/it/ghost/b", h3 + ":/it/ghost/b"},
          refusal("volume add-brick",
                  "Host 127.7.40.77 is not in 'Peer in Cluster' state"));
  const strings same_host = {h1 + ":/it/same/b1", h1 + ":/it/same/b2",
                             h2 + ":/it/same/b1"};
  strings rep{"volume", "create", "same", "replica", "3"};
  rep.insert(rep.end(), same_host.begin(), same_host.end());
  refused(e, m, rep,
          refusal("volume create: same",
                  "Multiple bricks of a replicate" + on_same_server));
  strings disp{"volume", "create", "same", "disperse", "3"};
  disp.insert(disp.end(), same_host.begin(), same_host.end());
  refused(e, m, disp,
          refusal("volume create: same",
                  "Multiple bricks of a disperse" + on_same_server));
  strings add{"volume", "add-brick", "keep"};
  add.insert(add.end(), same_host.begin(), same_host.end());
  refused(e, m, add,
          refusal("volume add-brick",
                  "Multiple bricks of a replicate" + on_same_server));

  // Counts the daemon checks against the stored volume.
  refused(e, m,
          {"volume", "add-brick", "keep", h1 + ":/it/keep/d",
           h2 + ":/it/keep/d"},
          refusal("volume add-brick",
                  "Incorrect number of bricks supplied 2 with count 3"));
  refused(e, m, {"volume", "remove-brick", "keep", k1, "force", "--mode=script"},
          refusal("volume remove-brick commit force",
                  "Remove brick incorrect brick count of 1 for replica 3"));
  refused(e, m,
          {"volume", "remove-brick", "keep", k1, h2 + ":/it/keep/b",
           h3 + ":/it/keep/b", "force", "--mode=script"},
          refusal("volume remove-brick commit force",
                  "Deleting all the bricks of the volume is not allowed"));
  refused(e, m, {"volume", "remove-brick", "keep", h1 + ":/it/nope", "start"},
          refusal("volume remove-brick start",
                  "Incorrect brick " + h1 + ":/it/nope for volume keep"));

  // Not confirmed.
  refused(e, m, {"volume", "delete", "keep"},
          refusal("volume delete: keep", "not confirmed"), 1, "n\n");

  // With force, a replica set may share a server.
  rep.push_back("force");
  auto forced = gl(m, rep);
  BOOST_TEST(forced.code == 0, forced.text());
  auto info = gl(e.m(0), {"volume", "info", "same"});
  BOOST_TEST(contains(info.out, "Number of Bricks: 1 x 3 = 3\n"), info.text());
  // keep still has its option.
  auto get = gl(e.m(0), {"volume", "get", "keep", "performance.cache-size"});
  BOOST_TEST(option_value(get.out, "performance.cache-size") == "64MB",
             get.text());
}

BOOST_AUTO_TEST_CASE(json_output_parses) {
  auto& e = env();
  e.require_monitors_registered();
  auto created = gl(e.m(0), {"--json", "volume", "create", "js", "replica",
                             "3", e.h(0) + ":/it/js/b", e.h(1) + ":/it/js/b",
                             e.h(2) + ":/it/js/b"});
  BOOST_TEST(created.code == 0, created.text());
  BOOST_TEST(starts_with(created.out, "{"), created.text());
  if (created.code == 0) {
    auto doc = parse_json(created.out);
    BOOST_TEST(doc.get<std::string>("volName") == "js");
    BOOST_TEST(doc.get<std::string>("volume.name") == "js");
    BOOST_TEST(doc.get<long long>("revision") > 0);
  }

  auto info = gl(e.m(1), {"volume", "info", "js", "--json"});
  BOOST_TEST(info.code == 0, info.text());
  BOOST_TEST((starts_with(info.out, "{") || starts_with(info.out, "[")),
             info.text());
  BOOST_TEST(contains(info.out, "\"js\""), info.text());
  auto doc = parse_json(info.out);
  BOOST_TEST(doc.get<int>("count") == 1);
  auto& vols = doc.get_child("volumes");
  BOOST_REQUIRE_EQUAL(vols.size(), 1u);
  const auto& v = vols.front().second;
  BOOST_TEST(v.get<std::string>("name") == "js");
  BOOST_TEST(is_uuid(v.get<std::string>("id")));
  BOOST_TEST(v.get<std::string>("statusStr") == "Created");
  BOOST_TEST(v.get<std::string>("typeStr") == "Replicate");
  BOOST_TEST(v.get<int>("brickCount") == 3);
  BOOST_TEST(v.get<int>("replicaCount") == 3);
  BOOST_TEST(v.get<std::string>("transport") == "tcp");
  strings bricks;
  for (const auto& [k, b] : v.get_child("bricks")) {
    (void)k;
    bricks.push_back(b.get<std::string>("name"));
    BOOST_TEST(is_uuid(b.get<std::string>("hostUuid")));
  }
  BOOST_TEST(bricks == (strings{e.h(0) + ":/it/js/b", e.h(1) + ":/it/js/b",
                                e.h(2) + ":/it/js/b"}),
             info.text());

  auto all = gl(e.m(0), {"--json", "volume", "info"});
  BOOST_TEST(all.code == 0, all.text());
  auto all_doc = parse_json(all.out);
  bool listed = false;
  for (const auto& [k, x] : all_doc.get_child("volumes")) {
    (void)k;
    listed |= x.get<std::string>("name") == "js";
  }
  BOOST_TEST(listed, all.text());

  auto list = gl(e.m(0), {"--json", "volume", "list"});
  BOOST_TEST(list.code == 0, list.text());
  auto list_doc = parse_json(list.out);
  strings names;
  for (const auto& [k, x] : list_doc.get_child("volume")) {
    (void)k;
    names.push_back(x.get_value<std::string>());
  }
  BOOST_TEST(std::count(names.begin(), names.end(), "js") == 1, list.text());
  BOOST_TEST(list_doc.get<std::size_t>("count") == names.size());

  auto set = gl(e.m(0), {"--json", "volume", "set", "js",
                         "performance.cache-size", "128MB"});
  BOOST_TEST(set.code == 0, set.text());
  auto get = gl(e.m(2), {"--json", "volume", "get", "js",
                         "performance.cache-size"});
  BOOST_TEST(get.code == 0, get.text());
  auto get_doc = parse_json(get.out);
  BOOST_TEST(get_doc.get<std::string>("volName") == "js");
  auto& opts = get_doc.get_child("Opt");
  BOOST_REQUIRE_EQUAL(opts.size(), 1u);
  BOOST_TEST(opts.front().second.get<std::string>("Option")
             == "performance.cache-size");
  BOOST_TEST(opts.front().second.get<std::string>("Value") == "128MB");
  BOOST_TEST(opts.front().second.get<std::string>("defaultValue") == "32MB");
  BOOST_TEST(opts.front().second.get<std::string>("isSet") == "true");

  // A failure with --json: the error document on stdout, the line on
  // stderr.
  auto missing = gl(e.m(0), {"--json", "volume", "info", "nosuch"});
  BOOST_TEST(missing.code == 1, missing.text());
  auto err = parse_json(missing.out);
  BOOST_TEST(err.get<std::string>("error.code") == "not_found");
  BOOST_TEST(err.get<std::string>("error.message")
             == "Volume nosuch does not exist");
  BOOST_TEST(err.get<std::string>("error.nothingChanged") == "true");
  auto bad = gl(e.m(0), {"--json", "volume", "set", "js", "no.such-option",
                         "1"});
  BOOST_TEST(bad.code == 1, bad.text());
  auto bad_doc = parse_json(bad.out);
  BOOST_TEST(bad_doc.get<std::string>("error.code") == "invalid");
  BOOST_TEST(bad_doc.get<std::string>("error.nothingChanged") == "true");
}

BOOST_AUTO_TEST_SUITE_END()

// -- no quorum -------------------------------------------------------------------------

BOOST_AUTO_TEST_SUITE(gluster_no_quorum,
                      *boost::unit_test::fixture<no_quorum_setup>())

BOOST_AUTO_TEST_CASE(a_change_without_quorum_fails_clearly_and_changes_nothing) {
  BOOST_REQUIRE_MESSAGE(no_quorum_env != nullptr, "the cluster did not start");
  auto& e = *no_quorum_env;
  e.require_agent_in_pool(0);
  const auto agent = e.c.agent_address(0);
  e.create({"nq", "replica", "3", e.h(0) + ":/it/nq/b", e.h(1) + ":/it/nq/b",
            e.h(2) + ":/it/nq/b"});
  auto set = gl(e.m(0), {"volume", "set", "nq", "performance.cache-size",
                         "64MB"});
  BOOST_REQUIRE_MESSAGE(set.code == 0, set.text());

  // Keep a follower; kill -9 the leader and the other follower (a follower
  // appends nothing on its own, so whatever it answers, nothing can be
  // committed later).
  auto leader = e.c.wait_for_leader(15s);
  auto survivor = (leader + 1) % 3;
  auto other = (leader + 2) % 3;
  const auto s = e.m(survivor);
  auto info_before = gl(s, {"volume", "info", "nq"});
  BOOST_REQUIRE_MESSAGE(info_before.code == 0, info_before.text());
  auto get_before = gl(s, {"volume", "get", "nq", "all"});
  BOOST_REQUIRE_MESSAGE(get_before.code == 0, get_before.text());
  // One monitor down: the quorum holds, the pool shows it disconnected.
  e.c.kill9(other);
  bool shown = eventually(5s, [&] {
    for (const auto& p : e.pool(s))
      if (p.has_address(e.m(other)))
        return !p.connected;
    return false;
  });
  BOOST_TEST(shown, e.m(other) << " is not shown disconnected");
  auto pool_text = gl(s, {"pool", "list"});
  BOOST_TEST(contains(pool_text.out, "\tDisconnected\n"), pool_text.text());
  e.c.kill9(leader);

  // Right after the kill, and once the survivor has noticed (several
  // election timeouts later): exit 1 with a clear error, within the
  // timeout given.
  auto expect_clear_failure = [&](const std::string& target,
                                  const strings& args,
                                  const std::string& prefix) {
    const double timeout = 5;
    strings all{"--timeout", "5"};
    all.insert(all.end(), args.begin(), args.end());
    auto t0 = clock_type::now();
    auto r = gl(target, all);
    auto took = clock_type::now() - t0;
    BOOST_TEST(r.code == 1, r.text());
    BOOST_TEST(bool(took <= std::chrono::milliseconds(
                              static_cast<int>(timeout * 1000) + 1500)),
               "took "
                 << std::chrono::duration_cast<std::chrono::milliseconds>(
                      took)
                      .count()
                 << " ms" << r.text());
    BOOST_TEST(starts_with(r.err, prefix + ": failed: "), r.text());
    BOOST_TEST((contains(r.err, "quorum") || contains(r.err, "leader")
                || contains(r.err, "no answer")),
               "not a clear error:" << r.text());
    BOOST_TEST(lines_of(r.err).size() == 1u, r.text());
    BOOST_TEST((contains(r.err, "(nothing changed)")
                || contains(r.err,
                            "(the change may or may not have been applied)")),
               r.text());
  };
  expect_clear_failure(s, {"volume", "set", "nq", "performance.cache-size",
                           "128MB"},
                       "volume set");
  std::this_thread::sleep_for(2s);
  expect_clear_failure(s, {"volume", "set", "nq", "performance.cache-size",
                           "256MB"},
                       "volume set");
  expect_clear_failure(s, {"volume", "create", "nq2", e.h(0) + ":/it/nq2/b"},
                       "volume create: nq2");
  expect_clear_failure(s, {"volume", "start", "nq"}, "volume start: nq");
  // Through the agent (it asks the monitors; the survivor has no quorum).
  expect_clear_failure(agent, {"volume", "set", "nq",
                               "performance.cache-size", "512MB"},
                       "volume set");

  // The monitors return: nothing of the refused changes shows.
  e.c.start(leader);
  e.c.start(other);
  e.c.wait_for_leader(20s);
  cli_run info_after;
  bool readable = eventually(15s, [&] {
    info_after = gl(s, {"volume", "info", "nq"});
    return info_after.code == 0;
  });
  BOOST_REQUIRE_MESSAGE(readable, "no volume info after the restart:"
                                    << info_after.text() << e.c.logs());
  BOOST_TEST(info_after.out == info_before.out, info_after.text());
  auto get_after = gl(s, {"volume", "get", "nq", "all"});
  BOOST_TEST(get_after.out == get_before.out, get_after.text());
  BOOST_TEST(option_value(get_after.out, "performance.cache-size") == "64MB",
             get_after.text());
  auto list = gl(s, {"volume", "list"});
  BOOST_TEST(list.out == "nq\n", list.text());
  // And changes pass again.
  auto again = gl(s, {"volume", "set", "nq", "performance.cache-size",
                      "128MB"});
  BOOST_TEST(again.code == 0, again.text());
  auto get = gl(e.m(leader), {"volume", "get", "nq", "performance.cache-size"});
  BOOST_TEST(option_value(get.out, "performance.cache-size") == "128MB",
             get.text());
  auto via_agent = gl(agent, {"volume", "get", "nq", "performance.cache-size"});
  BOOST_TEST(option_value(via_agent.out, "performance.cache-size") == "128MB",
             via_agent.text());
  // Every monitor is connected again: a server committed down is up once it
  // has checked in without a gap for --up-after (5 s, flap damping), plus a
  // lease for the leader to see it.
  bool all_up = eventually(15s, [&] {
    for (const auto& p : e.pool(s))
      if (!p.connected)
        return false;
    return true;
  });
  BOOST_TEST(all_up, gl(s, {"pool", "list"}).text());
}

BOOST_AUTO_TEST_SUITE_END()
