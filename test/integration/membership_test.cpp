#include <boost/test/unit_test.hpp>

// An agent's cluster membership at its boundary: Management.adopt and
// release with good and bad input, durable across restarts, the peer UUID
// fixed at the first start, a damaged node.conf refused with its file and
// line, and the Cluster API of an agent that belongs to no cluster or
// cannot reach its monitors. Real daemons on loopback, raw Cap'n Proto.

#include <filesystem>
#include <fstream>
#include <thread>
#include <unistd.h>

#include <capnp/ez-rpc.h>

#include "cmd/client/client.hpp"
#include "protocol/management.capnp.h"
#include "protocol/uuid.hpp"
#include "test/integration/cluster_fixture.hpp"
#include "test/integration/daemon_process.hpp"
#include "test/support/status_printer.hpp"

using namespace gd;
using namespace gd::test;
using namespace std::chrono_literals;

namespace fsys = std::filesystem;

namespace {


/// One agent (no monitor) at 127.9.1.1:24007 with its data dir.
struct agent_fixture {
  std::string root = "/tmp/gd-integration-" + std::to_string(::getpid())
                     + "-membership";
  std::string address = "127.9.1.1:24007";
  std::unique_ptr<daemon_process> proc;

  agent_fixture() {
    std::filesystem::remove_all(root);
    std::filesystem::create_directories(root);
    start();
  }

  ~agent_fixture() {
    proc.reset();
    std::filesystem::remove_all(root);
  }

  std::string data_dir() const { return root + "/a1"; }

  void start() {
    proc.reset();
    proc = std::make_unique<daemon_process>(
      daemon_binary(),
      std::vector<std::string>{"--name", "a1", "--listen", address,
                               "--data-dir", data_dir(), "--log-level",
                               "info"},
      root + "/a1.log");
    auto deadline = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < deadline) {
      try {
        info();
        return;
      } catch (const std::exception&) {
        std::this_thread::sleep_for(50ms);
      }
      if (!proc->running())
        break;
    }
    BOOST_FAIL("the agent did not come up:\n" << proc->log());
  }

  void restart() {
    proc->terminate();
    BOOST_REQUIRE(proc->wait(10s).has_value());
    start();
  }

  client::node_info info() {
    client::connection c(client::parse_address(address));
    return c.info();
  }

  /// Management.adopt with a credential of `credential_bytes` bytes (32 is
  /// a well-formed one); returns its error text.
  std::string adopt(std::uint64_t cluster_id,
                    const std::vector<std::string>& monitors,
                    std::size_t credential_bytes = 32) {
    capnp::EzRpcClient rpc("127.9.1.1", 24007);
    auto req = rpc.getMain<proto::schema::Management>().adoptRequest();
    req.setClusterId(cluster_id);
    std::vector<kj::byte> credential(credential_bytes, 0x11);
    req.setCredential(kj::arrayPtr(credential.data(), credential.size()));
    auto l = req.initMonitors(static_cast<unsigned>(monitors.size()));
    for (unsigned i = 0; i < monitors.size(); ++i)
      l.set(i, monitors[i]);
    auto resp = req.send().wait(rpc.getWaitScope());
    return resp.getError().cStr();
  }

  void release(std::uint64_t cluster_id) {
    capnp::EzRpcClient rpc("127.9.1.1", 24007);
    auto req = rpc.getMain<proto::schema::Management>().releaseRequest();
    req.setClusterId(cluster_id);
    req.send().wait(rpc.getWaitScope());
  }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(membership, agent_fixture)

BOOST_AUTO_TEST_CASE(a_new_agent_has_a_uuid_and_no_cluster) {
  auto i = info();
  BOOST_TEST(valid_uuid(i.uuid), i.uuid);
  BOOST_TEST(i.cluster_id == 0u);
  BOOST_TEST(!i.monitor);
  BOOST_TEST(i.monitors.empty());
  // The UUID is fixed at the first start.
  restart();
  BOOST_TEST(info().uuid == i.uuid);

  // Its Cluster API says what to do.
  client::connection c(client::parse_address(address));
  auto names = c.volume_names();
  BOOST_TEST(!names.ok());
  BOOST_TEST(contains(names.st.message, "does not belong to a cluster yet"),
             names.st.message);
  auto probe = c.peer_probe("127.9.1.2");
  BOOST_TEST(!probe.ok());
  BOOST_TEST(contains(probe.st.message, "glcli peer probe"), probe.st.message);
}

BOOST_AUTO_TEST_CASE(adopt_refuses_bad_input_and_changes_nothing) {
  BOOST_TEST(adopt(0, {"127.9.1.9:24007"}) == "cluster id 0 names no cluster");
  BOOST_TEST(adopt(7, {}) == "no monitor address given");
  auto bad = adopt(7, {"127.9.1.9:24007", "no-port-here"});
  BOOST_TEST(contains(bad, "monitor address 'no-port-here'"), bad);
  for (std::size_t n : {0, 31, 33}) {
    auto none = adopt(7, {"127.9.1.9:24007"}, n);
    BOOST_TEST(contains(none, "no credential given"), n << ": " << none);
  }
  BOOST_TEST(!fsys::exists(data_dir() + "/credential"));
  auto i = info();
  BOOST_TEST(i.cluster_id == 0u);
  BOOST_TEST(i.monitors.empty());
}

BOOST_AUTO_TEST_CASE(adopt_and_release_are_durable) {
  std::vector<std::string> monitors{"127.9.1.7:24007", "127.9.1.8:24007"};
  BOOST_TEST(adopt(42, monitors) == "");
  BOOST_TEST(info().cluster_id == 42u);
  // The credential is kept where only root reads it.
  auto cred = data_dir() + "/credential";
  BOOST_REQUIRE(fsys::exists(cred));
  BOOST_TEST(((fsys::status(cred).permissions() & fsys::perms::all)
              == (fsys::perms::owner_read | fsys::perms::owner_write)));
  // Adopting again is harmless; another cluster is refused.
  BOOST_TEST(adopt(42, monitors) == "");
  auto other = adopt(43, monitors);
  BOOST_TEST(contains(other, "belongs to another cluster"), other);
  restart();
  auto i = info();
  BOOST_TEST(i.cluster_id == 42u);
  BOOST_TEST(i.monitors == monitors, boost::test_tools::per_element());

  // Nothing answers at its monitors: a clear error, not a hang.
  {
    client::connection c(client::parse_address(address));
    auto names = c.volume_names();
    BOOST_TEST(!names.ok());
    BOOST_TEST(contains(names.st.message,
                        "no monitor of the cluster can be reached"),
               names.st.message);
  }

  // Another cluster's release is ignored; its own takes effect.
  release(43);
  BOOST_TEST(info().cluster_id == 42u);
  release(42);
  BOOST_TEST(info().cluster_id == 0u);
  BOOST_TEST(!fsys::exists(cred)); // revoked anyway; not kept
  restart();
  i = info();
  BOOST_TEST(i.cluster_id == 0u);
  BOOST_TEST(i.monitors.empty());
}

BOOST_AUTO_TEST_CASE(a_damaged_identity_file_is_refused_with_its_line) {
  proc->terminate();
  BOOST_REQUIRE(proc->wait(10s).has_value());
  auto conf = data_dir() + "/node.conf";
  std::string text;
  {
    std::ifstream in(conf);
    std::string line;
    int n = 0, uuid_line = 0;
    while (std::getline(in, line)) {
      ++n;
      if (line.rfind("uuid=", 0) == 0) {
        uuid_line = n;
        line = "uuid=not-a-uuid";
      }
      text += line + "\n";
    }
    BOOST_REQUIRE(uuid_line > 0);
  }
  {
    std::ofstream out(conf, std::ios::trunc);
    out << text;
  }
  daemon_process p(daemon_binary(),
                   {"--name", "a1", "--listen", address, "--data-dir",
                    data_dir()},
                   root + "/damaged.log");
  auto rc = p.wait(10s);
  BOOST_REQUIRE(rc.has_value());
  BOOST_TEST(*rc != 0);
  BOOST_TEST(contains(p.log(), "node.conf:"), p.log());
  BOOST_TEST(contains(p.log(), "not-a-uuid"), p.log());
}

BOOST_AUTO_TEST_SUITE_END()
