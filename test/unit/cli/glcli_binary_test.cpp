#include <boost/test/unit_test.hpp>

#include "test/unit/cli/fake_daemon.hpp"
#include "test/support/glcli_spawn.hpp"

#include <csignal>
#include <fstream>
#include <iterator>

#include <unistd.h>

namespace {

using gd::test::closed_port;
using gd::test::run_glcli;

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

} // namespace

BOOST_AUTO_TEST_SUITE(glcli_binary)

BOOST_AUTO_TEST_CASE(help_and_version_exit_0) {
  auto r = run_glcli({"--help"});
  BOOST_TEST(r.code == 0);
  BOOST_TEST(contains(r.out, "Usage: glcli"));
  BOOST_TEST(r.err == "");
  r = run_glcli({"kv", "get", "--help"});
  BOOST_TEST(r.code == 0);
  BOOST_TEST(contains(r.out, "--serializable"));
  r = run_glcli({"--version"});
  BOOST_TEST(r.code == 0);
  BOOST_TEST(contains(r.out, "glcli "));
}

BOOST_AUTO_TEST_CASE(unknown_or_missing_command_exits_2) {
  auto r = run_glcli({"frob"});
  BOOST_TEST(r.code == 2);
  BOOST_TEST(contains(r.err, "glcli: unknown command 'frob' (expected peer, "
                             "pool, volume, kv, monitor or roles)"));
  r = run_glcli({"volume", "heal", "v1"});
  BOOST_TEST(r.code == 2);
  BOOST_TEST(contains(r.err, "triggering a heal pass (volume heal v1) is not "
                             "supported yet"), r.err);
  r = run_glcli({"volume", "heal", "v1", "frob"});
  BOOST_TEST(r.code == 2);
  BOOST_TEST(contains(r.err, "unknown heal command 'frob' (only: info)"), r.err);
  r = run_glcli({"volume", "heal", "v1", "info", "x"});
  BOOST_TEST(r.code == 2);
  BOOST_TEST(contains(r.err, "unexpected word 'x' after info"), r.err);
  r = run_glcli({"kv", "frob"});
  BOOST_TEST(r.code == 2);
  BOOST_TEST(contains(r.err, "kv: unknown command 'frob' (expected put, get, "
                             "del, txn, watch or compact)"));
  r = run_glcli({});
  BOOST_TEST(r.code == 2);
  BOOST_TEST(contains(r.err, "glcli: missing command"));
  r = run_glcli({"monitor"});
  BOOST_TEST(r.code == 2);
  BOOST_TEST(contains(r.err, "monitor: missing command (expected status, "
                             "add, remove or transfer-leader)"));
  r = run_glcli({"kv", "get", "--bogus"});
  BOOST_TEST(r.code == 2);
  BOOST_TEST(r.out == "");
}

BOOST_AUTO_TEST_CASE(missing_or_extra_arguments_exit_2) {
  auto r = run_glcli({"kv", "put", "k"});
  BOOST_TEST(r.code == 2);
  BOOST_TEST(contains(r.err, "VALUE is required"));
  r = run_glcli({"monitor", "add", "m4"});
  BOOST_TEST(r.code == 2);
  BOOST_TEST(contains(r.err, "ADDRESS is required"));
  r = run_glcli({"kv", "get", "a", "b"});
  BOOST_TEST(r.code == 2);
  BOOST_TEST(contains(r.err, "The following argument was not expected: b"));
  r = run_glcli({"kv", "compact", "0"});
  BOOST_TEST(r.code == 2);
}

BOOST_AUTO_TEST_CASE(bad_timeout_exits_2) {
  for (const char* t : {"abc", "0", "-1", "1e9"}) {
    auto r = run_glcli({"--timeout", t, "kv", "get", "k"});
    BOOST_TEST_CONTEXT("--timeout " << t) {
      BOOST_TEST(r.code == 2);
      BOOST_TEST(contains(r.err, "--timeout"));
    }
  }
}

BOOST_AUTO_TEST_CASE(bad_address_exits_2) {
  auto r = run_glcli({"--remote-host", "h:99999", "kv", "get", "k"});
  BOOST_TEST(r.code == 2);
  BOOST_TEST(r.err
             == "kv get: --remote-host: port '99999' in 'h:99999' is not a "
                "number from 1 to 65535\n");
  r = run_glcli({"kv", "get", "k"}, {{"GLCLI_REMOTE_HOST", "[::1"}});
  BOOST_TEST(r.code == 2);
  BOOST_TEST(r.err == "kv get: $GLCLI_REMOTE_HOST: missing ']' in '[::1'\n");
  r = run_glcli({"monitor", "add", "m4", "h:0"});
  BOOST_TEST(r.code == 2);
  BOOST_TEST(r.err
             == "monitor add: port '0' in 'h:0' is not a number from 1 to "
                "65535\n");
}

BOOST_AUTO_TEST_CASE(bad_input_exits_2) {
  auto r = run_glcli({"kv", "txn"}, {}, "\npot a b\n");
  BOOST_TEST(r.code == 2);
  BOOST_TEST(r.err
             == "kv txn: line 2: expected an operation like 'put KEY VALUE', "
                "got 'pot a b'\n");
  r = run_glcli({"kv", "put", "", "v"});
  BOOST_TEST(r.code == 2);
  BOOST_TEST(r.err == "kv put: key is empty\n");
  r = run_glcli({"kv", "put", std::string(600, 'k'), "v"});
  BOOST_TEST(r.code == 2);
  BOOST_TEST(r.err == "kv put: key is 600 bytes; the limit is 511\n");
  r = run_glcli({"kv", "get", "k", "--prefix", "--from-key"});
  BOOST_TEST(r.code == 2);
  BOOST_TEST(r.err == "kv get: --prefix and --from-key exclude each other\n");
  r = run_glcli({"monitor", "remove", "bad name"});
  BOOST_TEST(r.code == 2);
  BOOST_TEST(r.err
             == "monitor remove: 'bad name' is not a valid monitor name (1 "
                "to 255 of A-Z a-z 0-9 . - _)\n");
}

BOOST_AUTO_TEST_CASE(unreachable_daemon_exits_1) {
  closed_port p;
  auto r = run_glcli({"--remote-host", p.address(), "kv", "get", "k"});
  BOOST_TEST(r.code == 1);
  BOOST_TEST(r.err
             == "kv get: failed: cannot reach glusterd-actor at "
                + p.address()
                + ": connection refused (is it running?) (nothing "
                  "changed)\n");
  BOOST_TEST(r.out == "");
  // The variable is used when there is no flag; --json adds a document.
  r = run_glcli({"monitor", "status", "--json"},
                {{"GLCLI_REMOTE_HOST", p.address()}});
  BOOST_TEST(r.code == 1);
  BOOST_TEST(contains(r.err, "monitor status: failed: cannot reach "
                             "glusterd-actor at "
                             + p.address()));
  BOOST_TEST(r.out
             == R"({"error":{"code":"unreachable","message":"cannot reach )"
                R"(glusterd-actor at )"
                + p.address()
                + R"x(: connection refused (is it running?)",)x"
                  R"("nothingChanged":true}})"
                  "\n");
}

BOOST_AUTO_TEST_CASE(global_options_after_the_command) {
  gd::test::fake_daemon d;
  auto r = run_glcli({"kv", "put", "k", "v", "--remote-host", d.address()});
  BOOST_TEST(r.code == 0);
  BOOST_TEST(r.out == "OK\n");
  r = run_glcli({"kv", "get", "k", "--json", "--timeout", "5",
                 "--mode=script"},
                {{"GLCLI_REMOTE_HOST", d.address()}});
  BOOST_TEST(r.code == 0);
  BOOST_TEST(r.out
             == R"({"revision":2,"kvs":[{"key":"k","value":"v",)"
                R"("createRevision":2,"modRevision":2,"version":1}],)"
                R"("more":false,"count":1})"
                "\n");
  BOOST_TEST(r.err == "");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(glcli_binary_watch)

BOOST_AUTO_TEST_CASE(ctrl_c_ends_watch_with_exit_0) {
  gd::test::fake_daemon d;
  auto p = gd::test::start_glcli(
    {"--remote-host", d.address(), "kv", "watch", "k"});
  bool started = false;
  for (int i = 0; i < 500 && !started; ++i) {
    started = d.watchers() == 1;
    if (!started)
      ::usleep(10000);
  }
  BOOST_REQUIRE(started);
  {
    gd::client::connection c({"127.0.0.1", d.port()});
    BOOST_REQUIRE(c.put({"k", "v", false}).ok());
  }
  // Interrupt only once the event is out (glcli flushes each batch).
  for (int i = 0; i < 500; ++i) {
    std::ifstream out(p.out_path);
    std::string text{std::istreambuf_iterator<char>(out),
                     std::istreambuf_iterator<char>()};
    if (text == "PUT\nk\nv\n")
      break;
    ::usleep(10000);
  }
  ::kill(p.pid, SIGINT);
  auto r = gd::test::wait_glcli(p);
  BOOST_TEST(r.code == 0);
  BOOST_TEST(r.out == "PUT\nk\nv\n");
  BOOST_TEST(r.err == "");
  // The watch was canceled at the daemon, not just dropped.
  for (int i = 0; i < 500 && d.watchers() != 0; ++i)
    ::usleep(10000);
  BOOST_TEST(d.watchers() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
