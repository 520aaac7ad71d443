#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include <unistd.h>

#include "cmd/glcli/cli.hpp"
#include "test/unit/cli/fake_daemon.hpp"

namespace {

using namespace std::chrono_literals;
using gd::status_code;
using gd::test::fake_daemon;

struct result {
  int code;
  std::string out;
  std::string err;
};

/// Runs glcli in-process against `d`.
result glcli(const fake_daemon& d, std::vector<std::string> args,
             const std::string& input = "") {
  std::vector<std::string> all{"glcli", "--remote-host", d.address()};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<const char*> argv;
  for (const auto& a : all)
    argv.push_back(a.c_str());
  std::istringstream in(input);
  std::ostringstream out;
  std::ostringstream err;
  gd::glcli::streams s{in, out, err};
  int code = gd::glcli::run(static_cast<int>(argv.size()), argv.data(), s);
  return {code, out.str(), err.str()};
}

struct daemon_fixture {
  fake_daemon d;
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(glcli_commands, daemon_fixture)

BOOST_AUTO_TEST_CASE(put_get_del_human) {
  auto r = glcli(d, {"kv", "put", "a", "1"});
  BOOST_TEST(r.code == 0);
  BOOST_TEST(r.out == "OK\n");
  BOOST_TEST(r.err == "");
  r = glcli(d, {"kv", "put", "a", "2", "--prev-kv"});
  BOOST_TEST(r.out == "OK\na\n1\n");
  glcli(d, {"kv", "put", "ab", "3"});
  glcli(d, {"kv", "put", "b", "4"});
  r = glcli(d, {"kv", "get", "a"});
  BOOST_TEST(r.out == "a\n2\n");
  r = glcli(d, {"kv", "get", "a", "--prefix"});
  BOOST_TEST(r.out == "a\n2\nab\n3\n");
  r = glcli(d, {"kv", "get", "", "--prefix", "--keys-only"});
  BOOST_TEST(r.out == "a\nab\nb\n");
  r = glcli(d, {"kv", "get", "ab", "--from-key", "--serializable"});
  BOOST_TEST(r.out == "ab\n3\nb\n4\n");
  r = glcli(d, {"kv", "get", "a", "--prefix", "--count-only"});
  BOOST_TEST(r.out == "2\n");
  r = glcli(d, {"kv", "get", "", "--prefix", "--limit", "1"});
  BOOST_TEST(r.out == "a\n2\n");
  r = glcli(d, {"kv", "get", "missing"});
  BOOST_TEST(r.code == 0);
  BOOST_TEST(r.out == "");
  r = glcli(d, {"kv", "del", "a", "--prefix", "--prev-kv"});
  BOOST_TEST(r.out == "2\na\n2\nab\n3\n");
  r = glcli(d, {"kv", "del", "a"});
  BOOST_TEST(r.out == "0\n");
}

BOOST_AUTO_TEST_CASE(put_value_from_stdin_or_file_past_the_argument_limit) {
  // 300 KiB: more than the kernel lets one argument carry (128 KiB), with
  // every byte value, NULs included.
  std::string big;
  for (std::size_t i = 0; i < 300 * 1024; ++i)
    big.push_back(static_cast<char>(i * 7 % 256));
  auto r = glcli(d, {"kv", "put", "big", "-"}, big);
  BOOST_TEST(r.code == 0, r.err);
  BOOST_TEST(r.out == "OK\n");
  r = glcli(d, {"kv", "get", "big"});
  BOOST_TEST((r.out == "big\n" + big + "\n"));

  auto path = "/tmp/gd-glcli-value-" + std::to_string(::getpid());
  std::string other = big + "tail";
  {
    std::ofstream f(path, std::ios::binary);
    f << other;
  }
  r = glcli(d, {"kv", "put", "big", "--from-file", path});
  BOOST_TEST(r.code == 0, r.err);
  r = glcli(d, {"kv", "get", "big"});
  BOOST_TEST((r.out == "big\n" + other + "\n"));
  std::remove(path.c_str());

  r = glcli(d, {"kv", "put", "big", "--from-file", path});
  BOOST_TEST(r.code == 2);
  BOOST_TEST(r.err.find("cannot open --from-file '" + path + "'")
             != std::string::npos, r.err);
  r = glcli(d, {"kv", "put", "big", "v", "--from-file", "/etc/hostname"});
  BOOST_TEST(r.code == 2);
  BOOST_TEST(r.err.find("not both") != std::string::npos, r.err);
  r = glcli(d, {"kv", "put", "big"});
  BOOST_TEST(r.code == 2);
  BOOST_TEST(r.err.find("VALUE is required") != std::string::npos, r.err);
  // Over the value limit: refused before anything is sent.
  r = glcli(d, {"kv", "put", "big", "-"}, std::string(1024 * 1024 + 1, 'x'));
  BOOST_TEST(r.code == 2);
  r = glcli(d, {"kv", "get", "big"});
  BOOST_TEST((r.out == "big\n" + other + "\n"));
}

BOOST_AUTO_TEST_CASE(put_get_del_json) {
  auto r = glcli(d, {"--json", "kv", "put", "k\x01", "v\xe9"});
  BOOST_TEST(r.code == 0);
  BOOST_TEST(r.out == "{\"revision\":2}\n");
  r = glcli(d, {"kv", "get", "k\x01", "--json"});
  BOOST_TEST(r.out
             == R"({"revision":2,"kvs":[{"key":"k\u0001","value":"v\u00e9",)"
                R"("createRevision":2,"modRevision":2,"version":1}],)"
                R"("more":false,"count":1})"
                "\n");
  r = glcli(d, {"kv", "del", "k\x01", "--json", "--prev-kv"});
  BOOST_TEST(r.out
             == R"({"revision":3,"deleted":1,"prevKvs":[{"key":"k\u0001",)"
                R"("value":"v\u00e9","createRevision":2,"modRevision":2,)"
                R"("version":1}]})"
                "\n");
  r = glcli(d, {"kv", "compact", "3", "--json"});
  BOOST_TEST(r.out == "{\"revision\":3,\"compacted\":3}\n");
  r = glcli(d, {"kv", "compact", "3"});
  BOOST_TEST(r.out == "compacted revision 3\n");
}

BOOST_AUTO_TEST_CASE(txn_from_stdin_and_flags) {
  glcli(d, {"kv", "put", "a", "1"});
  auto r = glcli(d, {"kv", "txn"},
                 "value(\"a\") = \"1\"\n\nput a 2\nget a\n\nput a never\n");
  BOOST_TEST(r.code == 0);
  BOOST_TEST(r.out == "SUCCESS\n\nOK\n\na\n2\n");
  r = glcli(d, {"kv", "txn", "--compare", "value(\"a\") = \"1\"", "--then",
                "put a 3", "--else", "del a", "--else", "get a"});
  BOOST_TEST(r.code == 0);
  BOOST_TEST(r.out == "FAILURE\n\n1\n\n");
  r = glcli(d, {"kv", "txn", "--json", "--compare", "version(\"a\") = 0",
                "--then", "put a x"});
  BOOST_TEST(r.out
             == R"({"revision":5,"succeeded":true,"responses":[)"
                R"({"put":{"revision":5}}]})"
                "\n");
  r = glcli(d, {"kv", "txn"}, "\nput \"\" x\n");
  BOOST_TEST(r.code == 2);
  BOOST_TEST(r.err == "kv txn: key is empty\n");
}

BOOST_AUTO_TEST_CASE(failures_exit_1_with_the_change_clause) {
  auto st = gd::status::error(status_code::no_quorum,
                              "no leader: the monitors lost their quorum");
  d.fail_next(st);
  auto r = glcli(d, {"kv", "put", "a", "1"});
  BOOST_TEST(r.code == 1);
  BOOST_TEST(r.out == "");
  BOOST_TEST(r.err
             == "kv put: failed: no leader: the monitors lost their quorum "
                "(nothing changed)\n");
  d.fail_next(gd::status::error(status_code::unknown_outcome,
                                "the leader changed"));
  r = glcli(d, {"kv", "del", "a", "--json"});
  BOOST_TEST(r.code == 1);
  BOOST_TEST(r.err
             == "kv del: failed: the leader changed (the change may or may "
                "not have been applied)\n");
  BOOST_TEST(r.out
             == R"({"error":{"code":"unknown_outcome","message":)"
                R"("the leader changed","nothingChanged":false}})"
                "\n");
  d.set_hang(true);
  r = glcli(d, {"--timeout", "0.2", "kv", "put", "a", "1"});
  d.set_hang(false);
  BOOST_TEST(r.code == 1);
  BOOST_TEST(r.err
             == "kv put: failed: no answer from " + d.address()
                  + " within 0.2 s (put) (the change may or may not have "
                    "been applied)\n");
}

BOOST_AUTO_TEST_CASE(watch_prints_events_until_canceled) {
  glcli(d, {"kv", "put", "w/a", "1"});
  glcli(d, {"kv", "del", "w/a"});
  std::thread compactor([this] {
    for (int i = 0; i < 500 && d.watchers() == 0; ++i)
      std::this_thread::sleep_for(10ms);
    gd::client::connection c({"127.0.0.1", d.port()});
    c.put({"w/b", "2", false});
    c.compact(d.revision());
  });
  auto r = glcli(d, {"kv", "watch", "w/", "--prefix", "--rev", "2"});
  compactor.join();
  BOOST_TEST(r.code == 1);
  BOOST_TEST(r.out == "PUT\nw/a\n1\nDELETE\nw/a\n\nPUT\nw/b\n2\n");
  BOOST_TEST(r.err
             == "kv watch: failed: history through revision 4 is compacted "
                "(nothing changed)\n");
}

BOOST_AUTO_TEST_CASE(watch_json_one_object_per_line) {
  glcli(d, {"kv", "put", "k", "1"});
  std::thread compactor([this] {
    for (int i = 0; i < 500 && d.watchers() == 0; ++i)
      std::this_thread::sleep_for(10ms);
    gd::client::connection c({"127.0.0.1", d.port()});
    c.compact(d.revision());
  });
  auto r = glcli(d, {"kv", "watch", "k", "--rev", "1", "--json"});
  compactor.join();
  BOOST_TEST(r.code == 1);
  BOOST_TEST(r.out
             == R"({"type":"PUT","key":"k","value":"1","createRevision":2,)"
                R"("modRevision":2,"version":1})"
                "\n"
                R"({"error":{"code":"compacted","message":"history through )"
                R"(revision 2 is compacted","nothingChanged":true}})"
                "\n");
}

BOOST_AUTO_TEST_CASE(monitor_commands) {
  std::vector<gd::client::member_report> reports(1);
  reports[0].member = {gd::raft::member_id_of("m1"), "m1", "127.1.1.1:24007"};
  reports[0].status.emplace();
  auto& s = *reports[0].status;
  s.id = reports[0].member.id;
  s.name = "m1";
  s.address = "127.1.1.1:24007";
  s.role = "leader";
  s.term = 2;
  s.cluster_id = 1;
  s.config.voters = {reports[0].member};
  d.set_reports(reports);
  auto r = glcli(d, {"monitor", "status"});
  BOOST_TEST(r.code == 0);
  BOOST_TEST(r.out
             == "Cluster ID: 0000000000000001\n"
                "Leader: m1 at 127.1.1.1:24007, term 2\n"
                "\n"
                "NAME  ADDRESS          TYPE   ROLE    TERM  COMMIT  APPLIED  "
                "LAST  REVISION\n"
                "m1    127.1.1.1:24007  voter  leader  2     0       0        "
                "0     0\n");
  r = glcli(d, {"monitor", "status", "--json"});
  BOOST_TEST(r.code == 0);
  BOOST_TEST(r.out.rfind("{\"clusterId\":\"0000000000000001\",", 0) == 0u);

  r = glcli(d, {"monitor", "add", "m4", "127.1.1.4"});
  BOOST_TEST(r.code == 0);
  BOOST_TEST(r.out
             == "monitor add: success: m4 joins as a learner and becomes a "
                "voter once it has caught up\n");
  r = glcli(d, {"monitor", "add", "m4", "127.1.1.4:24007"});
  BOOST_TEST(r.code == 1);
  BOOST_TEST(r.err
             == "monitor add: failed: m4 is a member already (nothing "
                "changed)\n");
  r = glcli(d, {"monitor", "transfer-leader", "m2"});
  BOOST_TEST(r.out
             == "monitor transfer-leader: success: m2 at 127.1.1.2:24007 is "
                "the leader now\n");
  r = glcli(d, {"monitor", "remove", "m4", "--json"});
  BOOST_TEST(r.code == 0);
  BOOST_TEST(r.out.rfind(R"({"index":12,"voters":[{"name":"m1",)", 0) == 0u);
  BOOST_TEST(r.out.find(R"("learners":[]})") != std::string::npos);
  r = glcli(d, {"monitor", "remove", "m4"});
  BOOST_TEST(r.code == 1);
  BOOST_TEST(r.err
             == "monitor remove: failed: no monitor named m4 (nothing "
                "changed)\n");
}

BOOST_AUTO_TEST_CASE(monitor_status_nobody_answers) {
  std::vector<gd::client::member_report> reports(1);
  reports[0].member = {gd::raft::member_id_of("m1"), "m1", "127.1.1.1:24007"};
  reports[0].unreachable = "timed out";
  d.set_reports(reports);
  auto r = glcli(d, {"monitor", "status"});
  BOOST_TEST(r.code == 1);
  BOOST_TEST(r.out.find("m1    127.1.1.1:24007  -     unreachable: timed out")
             != std::string::npos);
  BOOST_TEST(r.err
             == "monitor status: failed: no monitor answered (nothing "
                "changed)\n");
  d.set_reports({});
  r = glcli(d, {"monitor", "status"});
  BOOST_TEST(r.code == 1);
  BOOST_TEST(r.err
             == "monitor status: failed: the daemon at " + d.address()
                  + " knows no monitors (is it part of a cluster?) (nothing "
                    "changed)\n");
}

BOOST_AUTO_TEST_SUITE_END()
