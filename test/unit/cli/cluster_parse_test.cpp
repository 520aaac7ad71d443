#include <boost/test/unit_test.hpp>

#include <sstream>

#include "cmd/glcli/cli.hpp"
#include "cmd/glcli/cluster_parse.hpp"

namespace {

namespace cluster = gd::cluster;
using gd::glcli::usage_error;
using gd::glcli::words;
using op = cluster::remove_brick::op;

/// The message of the usage_error `f` throws ("" if it throws none).
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const usage_error& e) {
    return e.what();
  }
  return "";
}

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

cluster::brick_spec spec(const std::string& host, const std::string& path) {
  return {host, path};
}

struct run_result {
  int code;
  std::string out;
  std::string err;
};

/// Runs glcli in-process against a port nobody listens on: a usage error
/// is found before connecting.
run_result glcli(std::vector<std::string> args) {
  std::vector<std::string> all{"glcli", "--remote-host", "127.0.0.1:1"};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<const char*> argv;
  for (const auto& a : all)
    argv.push_back(a.c_str());
  std::istringstream in;
  std::ostringstream out;
  std::ostringstream err;
  gd::glcli::streams s{in, out, err};
  int code = gd::glcli::run(static_cast<int>(argv.size()), argv.data(), s);
  return {code, out.str(), err.str()};
}

} // namespace

BOOST_AUTO_TEST_SUITE(cluster_parse)

BOOST_AUTO_TEST_CASE(create_distribute_replicate_arbiter) {
  auto c = gd::glcli::parse_volume_create({"v1", "h1:/b", "h2:/b/"});
  BOOST_TEST(c.name == "v1");
  BOOST_TEST(c.replica_count == 0u);
  BOOST_TEST(c.disperse_count == 0u);
  BOOST_TEST(c.transport == "tcp");
  BOOST_TEST(c.id == "");
  BOOST_TEST(!c.force);
  BOOST_TEST((c.bricks == std::vector<cluster::brick_spec>{spec("h1", "/b"),
                                                          spec("h2", "/b")}));

  c = gd::glcli::parse_volume_create({"v1", "replica", "3", "transport",
                                      "tcp", "h1:/b", "h2:/b", "h3:/b",
                                      "h1:/c", "h2:/c", "h3:/c", "force"});
  BOOST_TEST(c.replica_count == 3u);
  BOOST_TEST(c.arbiter_count == 0u);
  BOOST_TEST(c.bricks.size() == 6u);
  BOOST_TEST(c.force);

  c = gd::glcli::parse_volume_create(
    {"v1", "replica", "3", "arbiter", "1", "h1:/b", "h2:/b", "h3:/b"});
  BOOST_TEST(c.replica_count == 3u);
  BOOST_TEST(c.arbiter_count == 1u);
}

BOOST_AUTO_TEST_CASE(create_disperse_forms) {
  auto c = gd::glcli::parse_volume_create(
    {"ec", "disperse", "6", "redundancy", "2", "h1:/b", "h2:/b", "h3:/b",
     "h4:/b", "h5:/b", "h6:/b"});
  BOOST_TEST(c.disperse_count == 6u);
  BOOST_TEST(c.redundancy_count == 2u);
  // disperse without a count: one set of every brick.
  c = gd::glcli::parse_volume_create(
    {"ec", "disperse", "h1:/b", "h2:/b", "h3:/b"});
  BOOST_TEST(c.disperse_count == 3u);
  BOOST_TEST(c.redundancy_count == 0u); // the daemon picks the default
  // disperse-data plus redundancy make the set size.
  c = gd::glcli::parse_volume_create(
    {"ec", "disperse-data", "4", "redundancy", "2", "h1:/b", "h2:/b",
     "h3:/b", "h4:/b", "h5:/b", "h6:/b", "h1:/c", "h2:/c", "h3:/c", "h4:/c",
     "h5:/c", "h6:/c"});
  BOOST_TEST(c.disperse_count == 6u);
  BOOST_TEST(c.redundancy_count == 2u);
  BOOST_TEST(c.bricks.size() == 12u);
  // disperse-data alone: one set of every brick, the rest is redundancy.
  c = gd::glcli::parse_volume_create(
    {"ec", "disperse-data", "4", "h1:/b", "h2:/b", "h3:/b", "h4:/b", "h5:/b",
     "h6:/b"});
  BOOST_TEST(c.disperse_count == 6u);
  BOOST_TEST(c.redundancy_count == 2u);
}

BOOST_AUTO_TEST_CASE(create_usage_errors_name_the_problem) {
  using gd::glcli::parse_volume_create;
  auto e = [](words w) { return error_of([&] { parse_volume_create(w); }); };
  BOOST_TEST(contains(e({}), "missing the volume name"));
  BOOST_TEST(contains(e({"h1:/b"}), "'h1:/b' is a brick, not a volume name"));
  BOOST_TEST(contains(e({"replica", "3", "h1:/b"}),
                      "missing the volume name before 'replica'"));
  BOOST_TEST(e({"v1"}) == "no bricks given (expected one or more HOST:/path)");
  BOOST_TEST(e({"v1", "force"})
             == "no bricks given (expected one or more HOST:/path)");
  BOOST_TEST(e({"v1", "replica", "x", "h1:/b"})
             == "replica count 'x' is not a number");
  BOOST_TEST(e({"v1", "replica"}) == "replica needs a count, e.g. 'replica 3'");
  BOOST_TEST(e({"v1", "replica", "-2", "h1:/b"})
             == "replica count '-2' is not a number");
  BOOST_TEST(e({"v1", "replica", "99999999", "h1:/b"})
             == "replica count '99999999' is too large");
  BOOST_TEST(e({"v1", "replica", "1", "h1:/b"})
             == "replica count should be greater than 1 (got 1)");
  BOOST_TEST(e({"v1", "replica", "3", "h1:/b", "h2:/b"})
             == "number of bricks (2) is not a multiple of replica count (3)");
  BOOST_TEST(contains(e({"v1", "replica", "2", "arbiter", "1", "h1:/b",
                         "h2:/b"}),
                      "give replica 3 arbiter 1"));
  BOOST_TEST(contains(e({"v1", "replica", "3", "arbiter", "2", "h1:/b",
                         "h2:/b", "h3:/b"}),
                      "give replica 3 arbiter 1"));
  BOOST_TEST(e({"v1", "arbiter", "1", "h1:/b"})
             == "arbiter must follow replica: use replica 3 arbiter 1");
  BOOST_TEST(e({"v1", "replica", "2", "replica", "2", "h1:/b", "h2:/b"})
             == "replica is given twice");
  BOOST_TEST(e({"v1", "replica", "2", "disperse", "3", "h1:/b", "h2:/b"})
             == "replica and disperse cannot be combined in one volume");
  BOOST_TEST(e({"v1", "disperse", "2", "h1:/b", "h2:/b"})
             == "disperse count must be greater than 2 (got 2)");
  BOOST_TEST(e({"v1", "disperse", "4", "redundancy", "2", "h1:/b", "h2:/b",
                "h3:/b", "h4:/b"})
             == "redundancy must be less than 2 for a disperse 4 volume");
  BOOST_TEST(e({"v1", "disperse", "3", "h1:/b", "h2:/b", "h3:/b", "h4:/b"})
             == "number of bricks (4) is not a multiple of disperse count (3)");
  BOOST_TEST(e({"v1", "disperse", "6", "disperse-data", "4", "redundancy",
                "1", "h1:/b", "h2:/b", "h3:/b", "h4:/b", "h5:/b", "h6:/b"})
             == "disperse 6 is not disperse-data 4 + redundancy 1");
  BOOST_TEST(e({"v1", "redundancy", "0", "h1:/b"})
             == "redundancy count must be greater than 0");
  BOOST_TEST(e({"v1", "transport", "udp", "h1:/b"})
             == "transport 'udp' is not tcp, rdma or tcp,rdma");
  BOOST_TEST(e({"v1", "stripe", "2", "h1:/b"})
             == "unknown word 'stripe' (expected replica, arbiter, disperse, "
                "disperse-data, redundancy, transport or a brick "
                "HOST:/path)");
  BOOST_TEST(e({"v1", "h1:/b", "replica", "2"})
             == "'replica' must come before the bricks");
  BOOST_TEST(e({"v1", "h1:/b", "force", "h2:/b"}) == "force must come last");
  BOOST_TEST(e({"v1", "h1:/b", "nobrick"})
             == "'nobrick' is not a brick HOST:/path");
  BOOST_TEST(e({"v1", "h1:/b", "h1:/b/"}) == "brick h1:/b is given twice");
  BOOST_TEST(e({"v1", "h1:b"})
             == "Wrong brick type: h1:b, use "
                "<HOSTNAME>:<export-dir-abs-path>");
  BOOST_TEST(e({"v1", "h1:/a/../b"})
             == "Brick path /a/../b is not a normalized absolute path");
}

BOOST_AUTO_TEST_CASE(start_stop_delete_info_status_list) {
  using namespace gd::glcli;
  auto a = parse_name_force({"v1"});
  BOOST_TEST(a.name == "v1");
  BOOST_TEST(!a.force);
  BOOST_TEST(parse_name_force({"v1", "force"}).force);
  BOOST_TEST(error_of([] { parse_name_force({}); })
             == "missing the volume name (NAME [force])");
  BOOST_TEST(error_of([] { parse_name_force({"v1", "now"}); })
             == "unexpected word 'now' (NAME [force])");
  BOOST_TEST(error_of([] { parse_name_force({"v1", "force", "x"}); })
             == "unexpected word 'x' (NAME [force])");

  BOOST_TEST(parse_volume_name({"v1"}) == "v1");
  BOOST_TEST(error_of([] { parse_volume_name({"v1", "force"}); })
             == "unexpected word 'force' (NAME)");

  BOOST_TEST(parse_volume_selector({}) == "");
  BOOST_TEST(parse_volume_selector({"all"}) == "");
  BOOST_TEST(parse_volume_selector({"v1"}) == "v1");
  BOOST_TEST(error_of([] { parse_volume_selector({"v1", "detail"}); })
             == "unexpected word 'detail' ([NAME|all])");

  BOOST_CHECK_NO_THROW(parse_nothing({}));
  BOOST_TEST(error_of([] { parse_nothing({"x"}); })
             == "unexpected word 'x' (takes no arguments)");
}

BOOST_AUTO_TEST_CASE(set_get_reset) {
  using namespace gd::glcli;
  auto s = parse_volume_set({"v1", "performance.cache-size", "256MB"});
  BOOST_TEST(s.name == "v1");
  BOOST_TEST(s.key == "performance.cache-size");
  BOOST_TEST(s.value == "256MB");
  BOOST_TEST(parse_volume_set({"all", "cluster.op-version", "1"}).name
             == "all");
  BOOST_TEST(error_of([] { parse_volume_set({}); })
             == "missing the volume name (NAME KEY VALUE)");
  BOOST_TEST(error_of([] { parse_volume_set({"v1"}); })
             == "missing the option key and value (NAME KEY VALUE)");
  BOOST_TEST(error_of([] { parse_volume_set({"v1", "k"}); })
             == "missing the value of k (NAME KEY VALUE)");
  BOOST_TEST(error_of([] { parse_volume_set({"v1", "", "x"}); })
             == "the option key is empty");
  BOOST_TEST(error_of([] { parse_volume_set({"v1", "k", "v", "k2"}); })
             == "unexpected word 'k2' (one option at a time: NAME KEY "
                "VALUE)");

  auto g = parse_volume_get({"v1", "all"});
  BOOST_TEST(g.name == "v1");
  BOOST_TEST(g.key == "all");
  BOOST_TEST(error_of([] { parse_volume_get({"v1"}); })
             == "missing the option key, or all (NAME|all KEY|all)");
  BOOST_TEST(error_of([] { parse_volume_get({"v1", "k", "x"}); })
             == "unexpected word 'x' (NAME|all KEY|all)");

  auto r = parse_volume_reset({"v1"});
  BOOST_TEST(r.key == "");
  BOOST_TEST(!r.force);
  r = parse_volume_reset({"v1", "all", "force"});
  BOOST_TEST(r.key == "");
  BOOST_TEST(r.force);
  r = parse_volume_reset({"v1", "force"});
  BOOST_TEST(r.key == "");
  BOOST_TEST(r.force);
  r = parse_volume_reset({"v1", "nfs.disable"});
  BOOST_TEST(r.key == "nfs.disable");
  BOOST_TEST(error_of([] { parse_volume_reset({"v1", "k", "now"}); })
             == "unexpected word 'now' (NAME [KEY|all] [force])");
}

BOOST_AUTO_TEST_CASE(add_remove_replace_brick) {
  using namespace gd::glcli;
  auto a = parse_add_brick({"v1", "h4:/b", "h5:/b"});
  BOOST_TEST(a.replica_count == 0u);
  BOOST_TEST(a.bricks.size() == 2u);
  a = parse_add_brick({"v1", "replica", "3", "arbiter", "1", "h3:/b",
                       "force"});
  BOOST_TEST(a.replica_count == 3u);
  BOOST_TEST(a.force);
  BOOST_TEST(error_of([] { parse_add_brick({"v1"}); })
             == "no bricks given (expected one or more HOST:/path)");
  BOOST_TEST(error_of([] { parse_add_brick({"v1", "replica", "x", "h:/b"}); })
             == "replica count 'x' is not a number");
  BOOST_TEST(error_of([] { parse_add_brick({"v1", "arbiter", "1", "h:/b"}); })
             == "arbiter must follow replica: use replica 3 arbiter 1");
  BOOST_TEST(error_of([] { parse_add_brick({"v1", "disperse", "3"}); })
             == "'disperse' must come before the bricks");

  auto r = parse_remove_brick({"v1", "h1:/b", "h2:/b", "start"});
  BOOST_TEST(r.command.name == "v1");
  BOOST_TEST((r.command.action == op::start));
  BOOST_TEST(!r.status);
  BOOST_TEST(r.command.bricks.size() == 2u);
  BOOST_TEST(r.command.task_id == "");
  r = parse_remove_brick({"v1", "replica", "2", "h1:/b", "commit"});
  BOOST_TEST(r.replica_count == 2u);
  // The daemon gets the new replica count (replica reduction).
  BOOST_TEST(r.command.replica_count == 2u);
  BOOST_TEST((r.command.action == op::commit));
  BOOST_TEST((parse_remove_brick({"v1", "h1:/b", "stop"}).command.action
              == op::stop));
  BOOST_TEST(parse_remove_brick({"v1", "h1:/b", "status"}).status);
  BOOST_TEST((parse_remove_brick({"v1", "h1:/b", "force"}).command.action
              == op::force));
  r = parse_remove_brick({"v1", "h1:/b", "commit", "force"});
  BOOST_TEST((r.command.action == op::force));
  BOOST_TEST(r.command.bricks.size() == 1u);
  BOOST_TEST(error_of([] { parse_remove_brick({"v1", "h1:/b"}); })
             == "missing the action after the bricks: start, stop, status, "
                "commit or force");
  BOOST_TEST(error_of([] { parse_remove_brick({"v1"}); })
             == "missing the action after the bricks: start, stop, status, "
                "commit or force");
  BOOST_TEST(error_of([] { parse_remove_brick({"v1", "h1:/b", "begin"}); })
             == "unknown action 'begin' (expected start, stop, status, "
                "commit or force)");
  BOOST_TEST(error_of([] { parse_remove_brick({"v1", "start"}); })
             == "no bricks given (expected one or more HOST:/path)");

  auto p = parse_replace_brick({"v1", "h1:/b", "h9:/b", "commit", "force"});
  BOOST_TEST((p.old_brick == spec("h1", "/b")));
  BOOST_TEST((p.new_brick == spec("h9", "/b")));
  BOOST_TEST(error_of([] {
               parse_replace_brick({"v1", "h1:/b", "h9:/b", "start"});
             })
             == "only 'commit force' is supported (volume replace-brick NAME "
                "OLD-BRICK NEW-BRICK commit force)");
  BOOST_TEST(error_of([] { parse_replace_brick({"v1", "h1:/b"}); })
             == "missing the old and the new brick (volume replace-brick "
                "NAME OLD-BRICK NEW-BRICK commit force)");
  BOOST_TEST(error_of([] {
               parse_replace_brick({"v1", "h1:/b", "h1:/b", "commit",
                                    "force"});
             })
             == "the old and the new brick are the same: h1:/b");
  BOOST_TEST(error_of([] {
               parse_replace_brick({"v1", "h1", "h9:/b", "commit", "force"});
             })
             == "Wrong brick type: h1, use <HOSTNAME>:<export-dir-abs-path>");
}

BOOST_AUTO_TEST_CASE(peer_and_volfile) {
  using namespace gd::glcli;
  BOOST_TEST(parse_peer_probe({"127.1.1.2"}) == "127.1.1.2");
  BOOST_TEST(parse_peer_probe({"h2:24008"}) == "h2:24008");
  BOOST_TEST(error_of([] { parse_peer_probe({}); })
             == "missing the host (HOST[:PORT])");
  BOOST_TEST(contains(error_of([] { parse_peer_probe({"h2:99999"}); }),
                      "99999"));
  BOOST_TEST(error_of([] { parse_peer_probe({"h2", "h3"}); })
             == "unexpected word 'h3' (HOST[:PORT])");

  auto d = parse_peer_detach({"h2", "force"});
  BOOST_TEST(d.host == "h2");
  BOOST_TEST(d.force);
  BOOST_TEST(!parse_peer_detach({"h2"}).force);
  BOOST_TEST(error_of([] { parse_peer_detach({"h2", "now"}); })
             == "unexpected word 'now' (HOST [force])");

  auto q = parse_volfile({"v1"}, "", false);
  BOOST_TEST(q.client);
  BOOST_TEST(q.brick == "");
  q = parse_volfile({"v1"}, "h1:/b/", false);
  BOOST_TEST(!q.client);
  BOOST_TEST(q.brick == "h1:/b");
  BOOST_TEST(error_of([] { parse_volfile({"v1"}, "h1:/b", true); })
             == "--brick and --client exclude each other");
  BOOST_TEST(error_of([] { parse_volfile({"v1"}, "h1", false); })
             == "--brick: Wrong brick type: h1, use "
                "<HOSTNAME>:<export-dir-abs-path>");
}

// Through the command line: every usage error exits 2 with the command's
// name and the problem on stderr, and nothing on stdout.
BOOST_AUTO_TEST_CASE(usage_errors_exit_2_through_glcli) {
  struct usage_case {
    std::vector<std::string> args;
    std::string err;
  };
  std::vector<usage_case> cases{
    {{"volume", "create", "v1", "replica", "x", "h1:/b"},
     "volume create: replica count 'x' is not a number\n"},
    {{"volume", "create", "v1"},
     "volume create: no bricks given (expected one or more HOST:/path)\n"},
    {{"volume", "create", "v1", "frob", "h1:/b"},
     "volume create: unknown word 'frob' (expected replica, arbiter, "
     "disperse, disperse-data, redundancy, transport or a brick "
     "HOST:/path)\n"},
    {{"volume", "create", "v1", "h1:nopath"},
     "volume create: Wrong brick type: h1:nopath, use "
     "<HOSTNAME>:<export-dir-abs-path>\n"},
    {{"volume", "start"},
     "volume start: missing the volume name (NAME [force])\n"},
    {{"volume", "stop", "v1", "now"},
     "volume stop: unexpected word 'now' (NAME [force])\n"},
    {{"volume", "delete"}, "volume delete: missing the volume name (NAME)\n"},
    {{"volume", "info", "v1", "v2"},
     "volume info: unexpected word 'v2' ([NAME|all])\n"},
    {{"volume", "status", "v1", "detail"},
     "volume status: unexpected word 'detail' ([NAME|all])\n"},
    {{"volume", "set", "v1", "k"},
     "volume set: missing the value of k (NAME KEY VALUE)\n"},
    {{"volume", "get", "v1"},
     "volume get: missing the option key, or all (NAME|all KEY|all)\n"},
    {{"volume", "reset", "v1", "k", "x"},
     "volume reset: unexpected word 'x' (NAME [KEY|all] [force])\n"},
    {{"volume", "add-brick", "v1", "replica", "1", "h:/b"},
     "volume add-brick: replica count should be greater than 1 (got 1)\n"},
    {{"volume", "remove-brick", "v1", "h1:/b"},
     "volume remove-brick: missing the action after the bricks: start, "
     "stop, status, commit or force\n"},
    {{"volume", "replace-brick", "v1", "h1:/b", "h2:/b", "commit"},
     "volume replace-brick: only 'commit force' is supported (volume "
     "replace-brick NAME OLD-BRICK NEW-BRICK commit force)\n"},
    {{"volume", "volfile", "v1", "--brick", "h1:/b", "--client"},
     "volume volfile: --brick and --client exclude each other\n"},
    {{"peer", "probe"}, "peer probe: missing the host (HOST[:PORT])\n"},
    {{"peer", "detach", "h2", "now"},
     "peer detach: unexpected word 'now' (HOST [force])\n"},
  };
  for (const auto& c : cases) {
    auto r = glcli(c.args);
    BOOST_TEST_CONTEXT(c.args[0] << " " << c.args[1]) {
      BOOST_TEST(r.code == 2);
      BOOST_TEST(r.err == c.err);
      BOOST_TEST(r.out == "");
    }
  }
  // Commands without words: CLI11 refuses extra ones itself.
  for (auto args : std::vector<std::vector<std::string>>{
         {"peer", "status", "x"}, {"pool", "list", "x"},
         {"volume", "list", "x"}}) {
    auto r = glcli(args);
    BOOST_TEST(r.code == 2);
    BOOST_TEST(contains(r.err, "The following argument was not expected: x"));
  }
  auto r = glcli({"volume", "frob"});
  BOOST_TEST(r.code == 2);
  BOOST_TEST(contains(r.err, "volume: unknown command 'frob' (expected "
                             "create, start, stop, delete, info, list, "
                             "status, set, get, reset, add-brick, "
                             "remove-brick, heal, replace-brick or volfile)"));
  r = glcli({"peer"});
  BOOST_TEST(r.code == 2);
  BOOST_TEST(contains(r.err, "peer: missing command (expected probe, detach "
                             "or status)"));
}

BOOST_AUTO_TEST_SUITE_END()
