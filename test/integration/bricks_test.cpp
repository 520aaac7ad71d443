#define BOOST_TEST_MODULE bricks
#include <boost/test/unit_test.hpp>

// Real GlusterFS under glusterd-actor, end to end: 3 monitors (each also a
// server) run Debian's glusterfsd for the bricks of started volumes, serve
// their volfiles and ports over GlusterFS's own ONC RPC programs, and real
// clients (libgfapi, the FUSE mount) read and write through the volumes.
// Then the faults: a brick killed with -9 comes back, a volfile change
// reaches running clients, a killed agent leaves its bricks running and
// adopts them when it returns; stop leaves no brick process, delete frees
// the directory for a new volume. Bricks are on the root partition, hence
// `force`.

#include <signal.h>
#include <sys/mount.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include <capnp/ez-rpc.h>
#include <kj/async-io.h>

#include "cmd/client/client.hpp"
#include "protocol/management.capnp.h"
#include "test/integration/cluster_fixture.hpp"
#include "test/support/glcli_spawn.hpp"

using namespace gd;
using namespace gd::test;
using namespace std::chrono_literals;
namespace fsys = std::filesystem;

namespace {

const std::string prefix = "127.7.90";

/// Command lines of running processes, by pid.
std::map<pid_t, std::string> processes() {
  std::map<pid_t, std::string> out;
  for (const auto& e : fsys::directory_iterator("/proc")) {
    auto name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos)
      continue;
    std::ifstream in(e.path() / "cmdline", std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    auto cmd = ss.str();
    std::replace(cmd.begin(), cmd.end(), '\0', ' ');
    std::ifstream stat(e.path() / "stat");
    std::string st;
    std::getline(stat, st);
    auto paren = st.rfind(')');
    if (paren != std::string::npos && paren + 2 < st.size() && st[paren + 2] == 'Z')
      continue; // a zombie is no running brick
    if (!cmd.empty())
      out[static_cast<pid_t>(std::stol(name))] = cmd;
  }
  return out;
}

/// Pids of glusterfsd processes serving bricks of `volume` under `root`.
std::set<pid_t> brick_pids(const std::string& root, const std::string& volume) {
  std::set<pid_t> out;
  for (const auto& [pid, cmd] : processes())
    if (contains(cmd, "glusterfsd") && contains(cmd, "--volfile-id " + volume + ".")
        && contains(cmd, root))
      out.insert(pid);
  return out;
}

/// Kills every glusterfsd (and client) this suite started (their command
/// lines name its root dir), so nothing outlives the tests.
void kill_bricks(const std::string& root) {
  for (const auto& [pid, cmd] : processes())
    if (contains(cmd, "glusterfs") && contains(cmd, root))
      ::kill(pid, SIGKILL);
}

struct brick_row {
  std::string brick;
  std::string port;
  std::string online;
  std::string pid;
};

/// The brick rows of `volume status VOL` (text, gluster's layout: a brick
/// name too long for its column puts the figures on the next line).
std::vector<brick_row> status_rows(const spawn_result& r) {
  std::vector<brick_row> out;
  std::istringstream in(r.out);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("Brick ", 0) != 0)
      continue;
    std::istringstream f(line);
    brick_row row;
    std::string word, rdma;
    f >> word >> row.brick;
    if (!(f >> row.port)) {
      std::string next;
      std::getline(in, next);
      f = std::istringstream(next);
      f >> row.port;
    }
    f >> rdma >> row.online >> row.pid;
    out.push_back(row);
  }
  return out;
}

/// One role of `roles list --json`: hostname and epoch of `task` ("" / 0
/// if it is not listed).
std::pair<std::string, std::uint64_t> role_of(const std::string& json,
                                              const std::string& task) {
  auto at = json.find("\"task\":\"" + task + "\"");
  if (at == std::string::npos)
    return {"", 0};
  auto end = json.find('}', at);
  auto obj = json.substr(at, end - at);
  auto field = [&obj](const std::string& key) {
    auto k = obj.find("\"" + key + "\":");
    if (k == std::string::npos)
      return std::string{};
    auto v = obj.substr(k + key.size() + 3);
    if (!v.empty() && v.front() == '"')
      return v.substr(1, v.find('"', 1) - 1);
    return v.substr(0, v.find_first_of(",}"));
  };
  auto epoch = field("epoch");
  return {field("hostname"), epoch.empty() ? 0 : std::stoull(epoch)};
}

/// Runs the libgfapi test client.
spawn_result gfapi(const std::string& host, const std::string& volume,
                   const std::string& mode, const std::string& name, int count,
                   int size, const std::string& log) {
  const char* exe = std::getenv("GFAPI_CLIENT");
  BOOST_REQUIRE_MESSAGE(exe != nullptr, "GFAPI_CLIENT is not set");
  // why: run_glcli runs any binary given as GLCLI; run the client through a
  // shell instead to keep that helper glcli's.
  std::string cmd = std::string(exe) + " " + host + " " + volume + " " + mode
                    + " " + name + " " + std::to_string(count) + " "
                    + std::to_string(size) + " " + log + " 2>&1";
  spawn_result out;
  FILE* p = ::popen(cmd.c_str(), "r");
  BOOST_REQUIRE(p != nullptr);
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), p)) > 0)
    out.out.append(buf, n);
  int st = ::pclose(p);
  out.code = WIFEXITED(st) ? WEXITSTATUS(st) : 128;
  return out;
}

/// The suite's cluster: 3 monitors and 3 agents (servers without a
/// monitor), all running real bricks.
struct bricks_env {
  std::string root = "/tmp/gd-bricks-" + std::to_string(::getpid());
  test_cluster c{root + "/cluster", prefix, 3, 50, true};

  bricks_env() {
    c.wait_for_leader(20s);
    for (int k = 0; k < 3; ++k) {
      auto a = c.add_agent();
      bool probed = eventually(20s, [&] {
        return gl({"peer", "probe", c.agent_host(a)}).code == 0;
      });
      BOOST_REQUIRE_MESSAGE(probed, c.logs());
    }
    // Every monitor registers itself as a peer of the pool.
    bool pool = eventually(20s, [&] {
      auto r = gl({"peer", "status"});
      return r.code == 0 && contains(r.out, "Number of Peers: 5")
             && contains(r.out, host(1)) && contains(r.out, host(2));
    });
    BOOST_REQUIRE_MESSAGE(pool, c.logs());
  }
  ~bricks_env() {
    for (auto& m : mounts)
      ::umount2(m.c_str(), MNT_DETACH);
    // why: the daemons first, or they would start the bricks again.
    for (std::size_t i = 0; i < c.size(); ++i)
      if (c.process(i).running()) {
        c.process(i).kill9();
        c.process(i).wait(10s);
      }
    for (std::size_t k = 0; k < c.agent_count(); ++k)
      if (c.agent(k).running()) {
        c.agent(k).kill9();
        c.agent(k).wait(10s);
      }
    kill_bricks(root);
    std::error_code ec;
    fsys::remove_all(root, ec);
  }

  std::string host(std::size_t i) const { return c.host(i); }
  std::string brick(std::size_t i, const std::string& name) const {
    return host(i) + ":" + root + "/bricks/" + name;
  }
  /// A brick on agent k (a server without a monitor).
  std::string agent_brick(std::size_t k, const std::string& name) const {
    return c.agent_host(k) + ":" + root + "/bricks/" + name;
  }
  std::string brick_dir(const std::string& name) const {
    return root + "/bricks/" + name;
  }
  spawn_result gl(std::vector<std::string> args, std::size_t at = 0) {
    args.insert(args.begin(), {"--remote-host", c.address(at)});
    return run_glcli(args);
  }
  /// Waits until every brick of `volume` is online in `volume status`.
  bool all_online(const std::string& volume, std::size_t bricks,
                  std::chrono::milliseconds limit = 30s) {
    return eventually(limit, [&] {
      auto r = gl({"volume", "status", volume});
      last_status = r.out + r.err;
      auto rows = status_rows(r);
      if (rows.size() != bricks)
        return false;
      for (const auto& row : rows)
        if (row.online != "Y" || row.port == "N/A")
          return false;
      return true;
    });
  }
  std::string log_file(const std::string& name) const {
    return root + "/" + name + ".log";
  }
  std::vector<std::string> mounts;
  /// What the last all_online() saw.
  std::string last_status;
};

bricks_env* env = nullptr;

struct global_env {
  global_env() { env = new bricks_env(); }
  ~global_env() {
    delete env;
    env = nullptr;
  }
};

} // namespace

BOOST_TEST_GLOBAL_FIXTURE(global_env);

BOOST_AUTO_TEST_SUITE(bricks)

BOOST_AUTO_TEST_CASE(a_replica_volume_runs_real_bricks_and_serves_libgfapi) {
  auto& e = *env;
  auto cr = e.gl({"volume", "create", "r3", "replica", "3", e.brick(0, "r3a"),
                  e.brick(1, "r3b"), e.brick(2, "r3c"), "force"});
  BOOST_REQUIRE_MESSAGE(cr.code == 0, cr.out << cr.err);
  auto st = e.gl({"volume", "start", "r3"});
  BOOST_REQUIRE_MESSAGE(st.code == 0, st.out << st.err);
  BOOST_REQUIRE_MESSAGE(e.all_online("r3", 3), e.last_status << e.c.logs());
  // One glusterfsd per brick, with the pids and ports volume status shows.
  auto rows = status_rows(e.gl({"volume", "status", "r3"}));
  auto pids = brick_pids(e.root, "r3");
  BOOST_TEST(pids.size() == 3u);
  for (const auto& row : rows) {
    BOOST_TEST(pids.count(static_cast<pid_t>(std::stol(row.pid))) == 1u,
               row.brick);
    auto port = std::stoi(row.port);
    BOOST_TEST((port >= 49152 && port <= 60999), row.port);
  }
  // The brick root carries the volume id (as glusterd sets it).
  char id[16];
  BOOST_TEST(::getxattr(e.brick_dir("r3a").c_str(), "trusted.glusterfs.volume-id",
                        id, sizeof(id)) == 16);
  BOOST_TEST(fsys::is_directory(e.brick_dir("r3a") + "/.glusterfs"));
  // --json too.
  auto js = e.gl({"--json", "volume", "status", "r3"});
  BOOST_TEST(contains(js.out, "\"online\":true"), js.out);
  // A libgfapi client writes through the volume (volfile from another
  // server) and reads back through a third; every brick holds every file.
  auto w = gfapi(e.host(1), "r3", "write", "g", 20, 65536, e.log_file("gfapi-w"));
  BOOST_REQUIRE_MESSAGE(w.code == 0, w.out);
  auto v = gfapi(e.host(2), "r3", "verify", "g", 20, 65536, e.log_file("gfapi-v"));
  BOOST_TEST(v.code == 0, v.out);
  for (const char* b : {"r3a", "r3b", "r3c"})
    BOOST_TEST(fsys::file_size(e.brick_dir(b) + "/g-7") == 65536u, b);
}

BOOST_AUTO_TEST_CASE(distribute_and_disperse_volumes_load_and_serve) {
  auto& e = *env;
  auto d = e.gl({"volume", "create", "d2", e.brick(0, "d2a"),
                 e.agent_brick(0, "d2b"), "force"});
  BOOST_REQUIRE_MESSAGE(d.code == 0, d.out << d.err);
  auto x = e.gl({"volume", "create", "x3", "disperse", "3", "redundancy", "1",
                 e.agent_brick(0, "x3a"), e.agent_brick(1, "x3b"),
                 e.agent_brick(2, "x3c"), "force"});
  BOOST_REQUIRE_MESSAGE(x.code == 0, x.out << x.err);
  for (const char* vol : {"d2", "x3"}) {
    auto st = e.gl({"volume", "start", vol});
    BOOST_REQUIRE_MESSAGE(st.code == 0, st.out << st.err);
  }
  BOOST_REQUIRE_MESSAGE(e.all_online("d2", 2), e.c.logs());
  BOOST_REQUIRE_MESSAGE(e.all_online("x3", 3), e.c.logs());
  for (const char* vol : {"d2", "x3"}) {
    auto w = gfapi(e.host(0), vol, "write", "f", 16, 20000, e.log_file("w"));
    BOOST_REQUIRE_MESSAGE(w.code == 0, vol << ": " << w.out);
    auto v = gfapi(e.host(2), vol, "verify", "f", 16, 20000, e.log_file("v"));
    BOOST_TEST(v.code == 0, vol << ": " << v.out);
  }
  // Distribute spread the files over both bricks (none holds all 16).
  std::size_t on_a = 0;
  for (int i = 0; i < 16; ++i)
    on_a += fsys::exists(e.brick_dir("d2a") + "/f-" + std::to_string(i));
  BOOST_TEST(on_a > 0u);
  BOOST_TEST(on_a < 16u);
}

BOOST_AUTO_TEST_CASE(every_other_volume_type_loads_and_serves) {
  auto& e = *env;
  // distributed-replicate 2 x 3, arbiter (replica 3 arbiter 1),
  // distributed-disperse 2 x (2 + 1): over monitors and agents.
  std::vector<std::pair<std::string, std::vector<std::string>>> vols = {
    {"dr", {"replica", "3", e.brick(0, "dr1"), e.brick(1, "dr2"),
            e.agent_brick(0, "dr3"), e.brick(2, "dr4"), e.agent_brick(1, "dr5"),
            e.agent_brick(2, "dr6")}},
    {"ar", {"replica", "3", "arbiter", "1", e.agent_brick(0, "ar1"),
            e.agent_brick(1, "ar2"), e.brick(0, "ar3")}},
    {"dd", {"disperse", "3", "redundancy", "1", e.brick(0, "dd1"),
            e.brick(1, "dd2"), e.brick(2, "dd3"), e.agent_brick(0, "dd4"),
            e.agent_brick(1, "dd5"), e.agent_brick(2, "dd6")}},
  };
  for (const auto& [name, spec] : vols) {
    std::vector<std::string> args = {"volume", "create", name};
    args.insert(args.end(), spec.begin(), spec.end());
    args.push_back("force");
    auto cr = e.gl(args);
    BOOST_REQUIRE_MESSAGE(cr.code == 0, name << ": " << cr.out << cr.err);
    auto st = e.gl({"volume", "start", name});
    BOOST_REQUIRE_MESSAGE(st.code == 0, name << ": " << st.out << st.err);
  }
  for (const auto& [name, spec] : vols) {
    auto bricks = static_cast<std::size_t>(std::count_if(
      spec.begin(), spec.end(),
      [](const std::string& a) { return a.find(":/") != std::string::npos; }));
    BOOST_REQUIRE_MESSAGE(e.all_online(name, bricks),
                          name << ": " << e.last_status << e.c.logs());
    BOOST_TEST(brick_pids(e.root, name).size() == bricks, name);
    auto w = gfapi(e.c.agent_host(2), name, "write", "t", 12, 30000,
                   e.log_file("w-" + name));
    BOOST_REQUIRE_MESSAGE(w.code == 0, name << ": " << w.out);
    auto v = gfapi(e.host(1), name, "verify", "t", 12, 30000,
                   e.log_file("v-" + name));
    BOOST_TEST(v.code == 0, name << ": " << v.out);
  }
}

BOOST_AUTO_TEST_CASE(a_brick_killed_with_9_is_restarted_and_clients_still_read) {
  auto& e = *env;
  auto before = status_rows(e.gl({"volume", "status", "r3"}));
  BOOST_REQUIRE(before.size() == 3u);
  auto victim = static_cast<pid_t>(std::stol(before[1].pid));
  BOOST_REQUIRE(::kill(victim, SIGKILL) == 0);
  bool back = eventually(30s, [&] {
    auto rows = status_rows(e.gl({"volume", "status", "r3"}));
    return rows.size() == 3u && rows[1].online == "Y" && rows[1].pid != "N/A"
           && rows[1].pid != before[1].pid;
  });
  BOOST_REQUIRE_MESSAGE(back, e.gl({"volume", "status", "r3"}).out << e.c.logs());
  BOOST_TEST(brick_pids(e.root, "r3").size() == 3u);
  auto v = gfapi(e.host(0), "r3", "verify", "g", 20, 65536, e.log_file("v2"));
  BOOST_TEST(v.code == 0, v.out);
}

BOOST_AUTO_TEST_CASE(a_fuse_mount_works_and_follows_volfile_changes) {
  auto& e = *env;
  auto dir = e.root + "/mnt";
  fsys::create_directories(dir);
  auto mnt = "mount -t glusterfs -o log-file=" + e.log_file("fuse") + " "
             + e.host(0) + ":/r3 " + dir;
  BOOST_REQUIRE_MESSAGE(std::system(mnt.c_str()) == 0, mnt);
  e.mounts.push_back(dir);
  {
    std::ofstream out(dir + "/hello.txt");
    out << "hello through FUSE\n";
  }
  std::string line;
  {
    std::ifstream in(dir + "/hello.txt");
    std::getline(in, line);
  }
  BOOST_TEST(line == "hello through FUSE");
  for (const char* b : {"r3a", "r3b", "r3c"})
    BOOST_TEST(fsys::exists(e.brick_dir(b) + "/hello.txt"), b);
  // A graph option: the client is told (FETCHSPEC), builds a new graph
  // without quick-read, and keeps working.
  auto graphs = [&] {
    std::ifstream log(e.log_file("fuse"));
    std::string l;
    int n = 0;
    while (std::getline(log, l))
      n += contains(l, "Final graph:");
    return n;
  };
  BOOST_REQUIRE_EQUAL(graphs(), 1);
  auto set = e.gl({"volume", "set", "r3", "performance.quick-read", "off"});
  BOOST_REQUIRE_MESSAGE(set.code == 0, set.out << set.err);
  BOOST_TEST(eventually(15s, [&] { return graphs() == 2; }));
  {
    std::ofstream out(dir + "/after.txt");
    out << "after the change\n";
  }
  {
    std::ifstream in(dir + "/after.txt");
    std::getline(in, line);
  }
  BOOST_TEST(line == "after the change");
  BOOST_TEST(::umount(dir.c_str()) == 0);
  e.mounts.pop_back();
}

BOOST_AUTO_TEST_CASE(a_brick_graph_change_reaches_the_running_bricks) {
  auto& e = *env;
  auto rows = status_rows(e.gl({"volume", "status", "r3"}));
  BOOST_REQUIRE(rows.size() == 3u);
  auto id = "r3." + e.host(0) + "." + (e.root + "/bricks/r3a").substr(1);
  std::replace(id.begin() + 3 + e.host(0).size() + 1, id.end(), '/', '-');
  auto set = e.gl({"volume", "set", "r3", "performance.io-thread-count", "24"});
  BOOST_REQUIRE_MESSAGE(set.code == 0, set.out << set.err);
  // The brick's daemon pushes FETCHSPEC on the brick's own connection; the
  // brick fetches the new volfile and keeps running (same pid).
  BOOST_TEST(eventually(10s, [&] {
    return contains(e.c.process(0).log(), "volfile " + id + " changed: told");
  }), e.c.process(0).log());
  auto after = status_rows(e.gl({"volume", "status", "r3"}));
  BOOST_REQUIRE(after.size() == 3u);
  BOOST_TEST(after[0].pid == rows[0].pid);
  BOOST_TEST(after[0].online == "Y");
  auto v = gfapi(e.host(1), "r3", "verify", "g", 20, 65536, e.log_file("v4"));
  BOOST_TEST(v.code == 0, v.out);
}

BOOST_AUTO_TEST_CASE(heal_info_lists_what_a_down_brick_missed) {
  auto& e = *env;
  auto cr = e.gl({"volume", "create", "hv", "replica", "3",
                  e.agent_brick(0, "hv1"), e.agent_brick(1, "hv2"),
                  e.agent_brick(2, "hv3"), "force"});
  BOOST_REQUIRE_MESSAGE(cr.code == 0, cr.out << cr.err);
  BOOST_REQUIRE(e.gl({"volume", "start", "hv"}).code == 0);
  BOOST_REQUIRE(e.all_online("hv", 3));
  auto clean = e.gl({"volume", "heal", "hv", "info"});
  BOOST_REQUIRE_MESSAGE(clean.code == 0, clean.out << clean.err);
  BOOST_TEST(contains(clean.out, "Brick " + e.agent_brick(0, "hv1")
                                   + "\nStatus: Connected\nNumber of entries: 0\n"),
             clean.out);
  // The third brick goes down with its server's daemon (nobody restarts
  // it); writes land on the other two, which record what it missed.
  auto rows = status_rows(e.gl({"volume", "status", "hv"}));
  BOOST_REQUIRE(rows.size() == 3u);
  e.c.kill9_agent(2);
  BOOST_REQUIRE(::kill(static_cast<pid_t>(std::stol(rows[2].pid)), SIGKILL) == 0);
  auto w = gfapi(e.host(0), "hv", "write", "h", 5, 1000, e.log_file("w-hv"));
  BOOST_REQUIRE_MESSAGE(w.code == 0, w.out);
  auto pending = e.gl({"volume", "heal", "hv", "info"});
  BOOST_TEST(pending.code == 0, pending.err);
  BOOST_TEST(contains(pending.out, "Brick " + e.agent_brick(2, "hv3")
                                     + "\nStatus: Transport endpoint is not "
                                       "connected\nNumber of entries: -\n"),
             pending.out);
  BOOST_TEST(!contains(pending.out, e.agent_brick(0, "hv1")
                                      + "\nStatus: Connected\nNumber of entries: 0\n"),
             pending.out);
  BOOST_TEST(contains(pending.out, "<gfid:"), pending.out);
  auto js = e.gl({"--json", "volume", "heal", "hv", "info"});
  BOOST_TEST(contains(js.out, "\"numberOfEntries\":null"), js.out);
  // Its server returns and starts the brick again.
  e.c.start_agent(2);
  BOOST_TEST(e.all_online("hv", 3));
  // Not a volume that heals: refused as gluster does.
  auto plain = e.gl({"volume", "heal", "d2", "info"});
  BOOST_TEST(plain.code != 0);
  BOOST_TEST(contains(plain.err, "is not of type replicate or disperse"),
             plain.err);
}

BOOST_AUTO_TEST_CASE(a_killed_agent_leaves_its_bricks_running_and_adopts_them) {
  auto& e = *env;
  auto before = status_rows(e.gl({"volume", "status", "r3"}));
  BOOST_REQUIRE(before.size() == 3u);
  // Daemon 3 serves brick r3c; kill it with -9.
  e.c.process(2).kill9();
  e.c.process(2).wait(10s);
  auto pids = brick_pids(e.root, "r3");
  BOOST_TEST(pids.size() == 3u);
  BOOST_TEST(pids.count(static_cast<pid_t>(std::stol(before[2].pid))) == 1u);
  // The client still reads (the brick serves without its daemon).
  auto v = gfapi(e.host(0), "r3", "verify", "g", 20, 65536, e.log_file("v3"));
  BOOST_TEST(v.code == 0, v.out);
  e.c.start(2);
  // Adopted: the same process, never a second one.
  bool same = eventually(30s, [&] {
    auto rows = status_rows(e.gl({"volume", "status", "r3"}));
    return rows.size() == 3u && rows[2].online == "Y"
           && rows[2].pid == before[2].pid;
  });
  BOOST_TEST(same, e.gl({"volume", "status", "r3"}).out << e.c.logs());
  BOOST_TEST(brick_pids(e.root, "r3").size() == 3u);
  BOOST_TEST(eventually(5s, [&] {
    return contains(e.c.process(2).log(), "adopted the running brick");
  }), e.c.process(2).log());
}

BOOST_AUTO_TEST_CASE(bricks_keep_running_while_the_monitors_have_no_quorum) {
  auto& e = *env;
  auto before = brick_pids(e.root, "r3");
  BOOST_REQUIRE_EQUAL(before.size(), 3u);
  // Two of three monitors gone: no quorum; every brick keeps running, the
  // agents (which lost their monitors too) start or stop nothing.
  for (std::size_t i : {1, 2}) {
    e.c.process(i).kill9();
    e.c.process(i).wait(10s);
  }
  std::this_thread::sleep_for(4s);
  BOOST_TEST((brick_pids(e.root, "r3") == before));
  BOOST_TEST(brick_pids(e.root, "dr").size() == 6u);
  for (std::size_t i : {1, 2})
    e.c.start(i);
  BOOST_REQUIRE(e.all_online("r3", 3));
  BOOST_TEST((brick_pids(e.root, "r3") == before));
}

BOOST_AUTO_TEST_CASE(roles_move_off_a_silent_server_and_its_holder_stands_down) {
  auto& e = *env;
  // Every set of the 2 x 3 volume dr has a self-heal and a leader role.
  const std::vector<std::string> tasks = {"heal/dr/0", "leader/dr/0",
                                          "heal/dr/1", "leader/dr/1"};
  std::string json;
  BOOST_REQUIRE(eventually(15s, [&] {
    json = e.gl({"--json", "roles", "list", "--volume", "dr"}).out;
    for (const auto& t : tasks)
      if (role_of(json, t).first.empty() || role_of(json, t).first == "-")
        return false;
    return true;
  }));
  // A role an agent holds (set 1 of dr is on two agents and a monitor).
  std::size_t victim = 3;
  std::string task;
  for (const auto& t : tasks)
    for (std::size_t k = 0; k < 3 && victim == 3; ++k)
      if (role_of(json, t).first == e.c.agent_host(k)) {
        victim = k;
        task = t;
      }
  BOOST_REQUIRE_MESSAGE(victim < 3, json);
  auto before = role_of(json, task);
  // Cut off (SIGSTOP): it cannot check in, and cannot hear that it lost
  // the role either.
  e.c.agent(victim).pause();
  // Detection (its lease, 2.5 s) plus a scheduling round: another holder,
  // a higher epoch.
  bool moved = eventually(20s, [&] {
    auto now = role_of(e.gl({"--json", "roles", "list"}).out, task);
    return !now.first.empty() && now.first != before.first
           && now.second > before.second;
  });
  BOOST_TEST(moved, e.gl({"roles", "list"}).out);
  // The client volfile follows a leader's move (read-subvolume-index).
  auto vf = e.gl({"volume", "volfile", "dr"});
  BOOST_TEST(contains(vf.out, "read-subvolume-index"), vf.out);
  // The old holder returns and stands down: its copy of the model brings
  // the higher epoch and it gives the role up.
  e.c.agent(victim).resume();
  BOOST_TEST(eventually(15s, [&] {
    return contains(e.c.agent(victim).log(), "gave up " + task + " (epoch "
                                                 + std::to_string(before.second));
  }), e.c.agent(victim).log());
  BOOST_TEST(e.all_online("dr", 6));
}

BOOST_AUTO_TEST_CASE(a_client_cannot_commit_liveness_roles_or_brick_reports) {
  auto& e = *env;
  client::connection conn(client::parse_address(e.c.address(0)));
  auto uuid = conn.info().uuid;
  cluster::peer_liveness down;
  down.changes.push_back({uuid, true});
  auto r = conn.cluster_change(down);
  BOOST_TEST(!r.ok());
  BOOST_TEST(contains(r.st.message, "peer liveness is committed by the "
                                    "monitors"), r.st.message);
  cluster::bricks_observed forged;
  forged.uuid = uuid;
  forged.bricks.push_back({"r3", e.brick_dir("r3a"), false, 0, 0, "forged"});
  r = conn.cluster_change(forged);
  BOOST_TEST(!r.ok());
  BOOST_TEST(contains(r.st.message, "a brick report is taken only from the "
                                    "server's own session"), r.st.message);
  cluster::role_assignment a;
  a.task = "heal/r3/0";
  a.volume = "r3";
  a.holder = uuid;
  r = conn.cluster_change(cluster::roles_assign{{a}, {}});
  BOOST_TEST(!r.ok());
  BOOST_TEST(contains(r.st.message, "roles are assigned by the monitor "
                                    "leader's scheduler"), r.st.message);
  // Nothing changed: the peer is up, r3's bricks online.
  BOOST_TEST(e.all_online("r3", 3));
}

BOOST_AUTO_TEST_CASE(stop_leaves_no_brick_and_delete_frees_the_directory) {
  auto& e = *env;
  auto stop = e.gl({"--mode=script", "volume", "stop", "d2"});
  BOOST_REQUIRE_MESSAGE(stop.code == 0, stop.out << stop.err);
  BOOST_TEST(eventually(20s, [&] { return brick_pids(e.root, "d2").empty(); }));
  auto del = e.gl({"--mode=script", "volume", "delete", "d2"});
  BOOST_REQUIRE_MESSAGE(del.code == 0, del.out << del.err);
  // The volume id goes from the brick root, so a new volume may use it.
  BOOST_TEST(eventually(10s, [&] {
    char id[16];
    return ::getxattr(e.brick_dir("d2a").c_str(), "trusted.glusterfs.volume-id",
                      id, sizeof(id)) < 0;
  }));
  auto cr = e.gl({"volume", "create", "again", e.brick(0, "d2a"), "force"});
  BOOST_REQUIRE_MESSAGE(cr.code == 0, cr.out << cr.err);
  auto st = e.gl({"volume", "start", "again"});
  BOOST_REQUIRE_MESSAGE(st.code == 0, st.out << st.err);
  BOOST_TEST(e.all_online("again", 1));
}

BOOST_AUTO_TEST_CASE(bad_bricks_are_refused_before_anything_is_committed) {
  auto& e = *env;
  // The root partition without force (glusterd's words, naming host and
  // path).
  auto root = e.gl({"volume", "create", "nf", e.brick(0, "nf")});
  BOOST_TEST(root.code != 0);
  BOOST_TEST(contains(root.err, "The brick " + e.brick(0, "nf")
                                  + " is being created in the root partition"),
             root.err);
  // A file where the directory should be.
  fsys::create_directories(e.root + "/bricks");
  std::ofstream(e.root + "/bricks/afile") << "x";
  auto file = e.gl({"volume", "create", "nf", e.brick(1, "afile"), "force"});
  BOOST_TEST(file.code != 0);
  BOOST_TEST(contains(file.err, "is not a directory"), file.err);
  // A directory another volume used (its volume id is still set).
  auto other = e.brick_dir("foreign");
  fsys::create_directories(other);
  unsigned char foreign_id[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  BOOST_REQUIRE(::setxattr(other.c_str(), "trusted.glusterfs.volume-id",
                           foreign_id, 16, 0) == 0);
  auto used = e.gl({"volume", "create", "nf", e.brick(2, "foreign"), "force"});
  BOOST_TEST(used.code != 0);
  BOOST_TEST(contains(used.err, "is already part of a volume"), used.err);
  // Nothing was committed.
  auto info = e.gl({"volume", "info", "nf"});
  BOOST_TEST(info.code != 0);
  BOOST_TEST(contains(info.err + info.out, "does not exist"), info.err);
}

BOOST_AUTO_TEST_CASE(the_capnp_brick_api_is_the_same_service) {
  auto& e = *env;
  auto cli = e.gl({"volume", "volfile", "r3"});
  BOOST_REQUIRE(cli.code == 0);
  auto rows = status_rows(e.gl({"volume", "status", "r3"}));
  BOOST_REQUIRE(rows.size() == 3u);
  capnp::EzRpcClient rpc(e.host(0), 24007);
  auto& ws = rpc.getWaitScope();
  auto api = rpc.getMain<proto::schema::Management>()
               .brickRequest().send().getBrick();
  // getVolfile: the volfile the CLI prints (and GETSPEC serves).
  auto vf = api.getVolfileRequest();
  vf.setId("r3");
  auto got = vf.send().wait(ws);
  BOOST_TEST(got.getError().size() == 0u, got.getError().cStr());
  BOOST_TEST(std::string(got.getText().cStr()) == cli.out);
  auto none = api.getVolfileRequest();
  none.setId("no-such-volume");
  BOOST_TEST(none.send().wait(ws).getError().size() > 0u);
  // portOf: the port volume status shows for this server's brick.
  auto po = api.portOfRequest();
  po.setVolume("r3");
  po.setBrick(e.brick_dir("r3a"));
  auto port = po.send().wait(ws);
  BOOST_TEST(std::to_string(port.getPort()) == rows[0].port,
             port.getError().cStr());
  // signIn: a registration that signs out when dropped.
  {
    auto si = api.signInRequest();
    si.setBrick("/capnp/brick");
    si.setPort(50999);
    si.setPid(::getpid());
    auto reg = si.send().wait(ws);
    BOOST_TEST(reg.getError().size() == 0u, reg.getError().cStr());
    auto q = api.portOfRequest();
    q.setVolume("x");
    q.setBrick("/capnp/brick");
    BOOST_TEST(q.send().wait(ws).getPort() == 50999u);
    auto out = reg.getRegistration().signOutRequest().send().wait(ws);
    (void)out;
    auto q2 = api.portOfRequest();
    q2.setVolume("x");
    q2.setBrick("/capnp/brick");
    BOOST_TEST(q2.send().wait(ws).getPort() == 0u);
  }
  // watchVolfile: told when the volfile changes.
  struct watcher final : proto::schema::VolfileWatcher::Server {
    int* calls;
    explicit watcher(int* c) : calls(c) {}
    kj::Promise<void> changed(ChangedContext) override {
      ++*calls;
      return kj::READY_NOW;
    }
  };
  int calls = 0;
  auto wr = api.watchVolfileRequest();
  wr.setId("r3");
  wr.setWatcher(kj::heap<watcher>(&calls));
  auto watch = wr.send().wait(ws);
  BOOST_REQUIRE(watch.getError().size() == 0u);
  spawn_result set;
  std::thread t([&] {
    set = run_glcli({"--remote-host", e.c.address(1), "volume", "set", "r3",
                     "network.ping-timeout", "33"});
  });
  auto deadline = std::chrono::steady_clock::now() + 15s;
  while (calls == 0 && std::chrono::steady_clock::now() < deadline)
    rpc.getIoProvider().getTimer().afterDelay(100 * kj::MILLISECONDS).wait(ws);
  t.join();
  BOOST_TEST(set.code == 0, set.out << set.err);
  BOOST_TEST(calls >= 1);
}

BOOST_AUTO_TEST_SUITE_END()
