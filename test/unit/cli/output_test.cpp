#include <boost/test/unit_test.hpp>

#include <stdexcept>

#include "cmd/glcli/commands.hpp"
#include "cmd/glcli/json.hpp"

namespace {

namespace kv = gd::kv;
namespace client = gd::client;
using namespace std::string_literals;
using gd::glcli::json_quote;
using gd::glcli::json_writer;

/// Decodes a JSON string literal as json_quote writes it (\uXXXX up to
/// U+00FF, \" and \\), back to bytes.
std::string unquote(const std::string& q) {
  BOOST_REQUIRE(q.size() >= 2 && q.front() == '"' && q.back() == '"');
  std::string out;
  for (std::size_t i = 1; i + 1 < q.size(); ++i) {
    if (q[i] != '\\') {
      out += q[i];
      continue;
    }
    ++i;
    if (q[i] == 'u') {
      auto code = std::stoi(q.substr(i + 1, 4), nullptr, 16);
      BOOST_REQUIRE(code <= 0xff);
      out += static_cast<char>(code);
      i += 4;
    } else {
      out += q[i];
    }
  }
  return out;
}

kv::key_value kv_of(std::string k, std::string v, kv::revision create,
                    kv::revision mod, std::int64_t version) {
  return {std::move(k), std::move(v), create, mod, version};
}

client::monitor_status status_of(const std::string& name, std::string role,
                                 std::uint64_t term, std::uint64_t index) {
  client::monitor_status s;
  s.id = gd::raft::member_id_of(name);
  s.name = name;
  s.address = "127.1.1." + name.substr(1) + ":24007";
  s.role = std::move(role);
  s.term = term;
  s.commit_index = index;
  s.applied_index = index;
  s.last_index = index + 1;
  s.snapshot_index = 0;
  s.cluster_id = 0xabcdef;
  s.revision = 57;
  return s;
}

gd::raft::member member_of(const std::string& name) {
  return {gd::raft::member_id_of(name), name,
          "127.1.1." + name.substr(1) + ":24007"};
}

} // namespace

BOOST_AUTO_TEST_SUITE(json_output)

BOOST_AUTO_TEST_CASE(quote_escapes_control_and_high_bytes) {
  BOOST_TEST(json_quote("plain text") == R"("plain text")");
  BOOST_TEST(json_quote("a\"b\\c") == R"("a\"b\\c")");
  BOOST_TEST(json_quote("\n\t\x01\x1f") == R"("\u000a\u0009\u0001\u001f")");
  BOOST_TEST(json_quote("\0"s) == R"("\u0000")");
  // 0x7f is legal JSON as it is; 0x80 and up are single Latin-1 code points.
  BOOST_TEST(json_quote("\x7f\x80\xe9\xff") == "\"\x7f\\u0080\\u00e9\\u00ff\"");
  // UTF-8 is bytes too: "é" is two code points, one per byte.
  BOOST_TEST(json_quote("\xc3\xa9") == R"("\u00c3\u00a9")");
}

BOOST_AUTO_TEST_CASE(quote_is_lossless_for_every_byte) {
  std::string all;
  for (int b = 0; b < 256; ++b)
    all += static_cast<char>(b);
  auto q = json_quote(all);
  BOOST_TEST(unquote(q) == all);
  // Only printable ASCII appears unescaped.
  for (std::size_t i = 1; i + 1 < q.size(); ++i) {
    auto c = static_cast<unsigned char>(q[i]);
    BOOST_TEST((c >= 0x20 && c < 0x80));
  }
}

BOOST_AUTO_TEST_CASE(writer_nests_and_separates) {
  json_writer w;
  w.begin_object();
  w.field("a", std::int64_t{-1}).field("b", true).field("s", "x");
  w.key("l").begin_array().value(1).value(std::uint64_t{2}).null();
  w.begin_object().end_object().end_array();
  w.end_object();
  BOOST_TEST(w.str() == R"({"a":-1,"b":true,"s":"x","l":[1,2,null,{}]})");
  BOOST_TEST(w.complete());
}

BOOST_AUTO_TEST_CASE(writer_rejects_misuse) {
  json_writer w;
  w.begin_object();
  BOOST_CHECK_THROW(w.value(1), std::logic_error);
  BOOST_CHECK_THROW(w.end_array(), std::logic_error);
  json_writer a;
  a.begin_array();
  BOOST_CHECK_THROW(a.key("k"), std::logic_error);
  json_writer done;
  done.value(1);
  BOOST_CHECK_THROW(done.value(2), std::logic_error);
}

BOOST_AUTO_TEST_CASE(range_json_fields) {
  kv::range_result r;
  r.header_revision = 9;
  r.kvs = {kv_of("k\xff", "v\n", 2, 5, 3)};
  r.more = true;
  r.count = 4;
  json_writer w;
  gd::glcli::write_json(w, r, true);
  BOOST_TEST(w.str()
             == R"({"revision":9,"kvs":[{"key":"k\u00ff","value":"v\u000a",)"
                R"("createRevision":2,"modRevision":5,"version":3}],)"
                R"("more":true,"count":4})");
  json_writer keys;
  gd::glcli::write_json(keys, r, false);
  BOOST_TEST(keys.str()
             == R"({"revision":9,"kvs":[{"key":"k\u00ff",)"
                R"("createRevision":2,"modRevision":5,"version":3}],)"
                R"("more":true,"count":4})");
}

BOOST_AUTO_TEST_CASE(put_del_txn_event_json_fields) {
  kv::put_result p;
  p.header_revision = 3;
  json_writer w1;
  gd::glcli::write_json(w1, p);
  BOOST_TEST(w1.str() == R"({"revision":3})");
  p.prev_kv = kv_of("a", "1", 2, 2, 1);
  json_writer w2;
  gd::glcli::write_json(w2, p);
  BOOST_TEST(w2.str()
             == R"({"revision":3,"prevKv":{"key":"a","value":"1",)"
                R"("createRevision":2,"modRevision":2,"version":1}})");

  kv::delete_result d;
  d.header_revision = 4;
  d.deleted = 2;
  json_writer w3;
  gd::glcli::write_json(w3, d, false);
  BOOST_TEST(w3.str() == R"({"revision":4,"deleted":2})");

  kv::txn_result t;
  t.header_revision = 5;
  t.succeeded = false;
  kv::range_result rr;
  rr.header_revision = 5;
  t.responses = {kv::put_result{5, std::nullopt}, rr,
                 kv::delete_result{5, 0, {}}};
  json_writer w4;
  gd::glcli::write_json(w4, t);
  BOOST_TEST(w4.str()
             == R"({"revision":5,"succeeded":false,"responses":[)"
                R"({"put":{"revision":5}},)"
                R"({"range":{"revision":5,"kvs":[],"more":false,"count":0}},)"
                R"({"delete":{"revision":5,"deleted":0}}]})");

  kv::event e{kv::event::kind::del, kv_of("gone", "", 0, 8, 0)};
  json_writer w5;
  gd::glcli::write_json(w5, e);
  BOOST_TEST(w5.str()
             == R"({"type":"DELETE","key":"gone","value":"",)"
                R"("createRevision":0,"modRevision":8,"version":0})");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(human_output)

BOOST_AUTO_TEST_CASE(range_text_like_etcdctl) {
  kv::range_result r;
  r.kvs = {kv_of("a", "1", 2, 2, 1), kv_of("b", "two\nlines", 3, 3, 1)};
  r.count = 2;
  BOOST_TEST(gd::glcli::range_text(r, false, false)
             == "a\n1\nb\ntwo\nlines\n");
  BOOST_TEST(gd::glcli::range_text(r, true, false) == "a\nb\n");
  BOOST_TEST(gd::glcli::range_text(r, false, true) == "2\n");
}

BOOST_AUTO_TEST_CASE(txn_text_like_etcdctl) {
  kv::txn_result t;
  t.succeeded = true;
  kv::range_result rr;
  rr.kvs = {kv_of("a", "1", 2, 2, 1)};
  t.responses = {kv::put_result{}, rr, kv::delete_result{0, 3, {}}};
  BOOST_TEST(gd::glcli::txn_text(t) == "SUCCESS\n\nOK\n\na\n1\n\n3\n");
  t.succeeded = false;
  t.responses.clear();
  BOOST_TEST(gd::glcli::txn_text(t) == "FAILURE\n");
}

BOOST_AUTO_TEST_CASE(failure_lines_say_whether_anything_changed) {
  using gd::status;
  using gd::status_code;
  auto nq = status::error(status_code::no_quorum, "no leader");
  BOOST_TEST(gd::glcli::failure_line("kv put", nq, true)
             == "kv put: failed: no leader (nothing changed)");
  auto uo = status::error(status_code::unknown_outcome, "leader changed");
  BOOST_TEST(gd::glcli::failure_line("kv put", uo, true)
             == "kv put: failed: leader changed (the change may or may not "
                "have been applied)");
  // A read never changes anything.
  BOOST_TEST(gd::glcli::failure_line("kv get", uo, false)
             == "kv get: failed: leader changed (nothing changed)");
  // No message: the code's name. not_leader: where the leader is.
  auto nl = status::error(status_code::not_leader, "");
  nl.leader = {7, "m2", "127.1.1.2:24007"};
  BOOST_TEST(gd::glcli::failure_line("kv del", nl, true)
             == "kv del: failed: not_leader; the leader is m2 at "
                "127.1.1.2:24007 (nothing changed)");
}

BOOST_AUTO_TEST_CASE(timeouts_leave_the_daemon_room) {
  auto o = gd::glcli::connection_options_for(10);
  BOOST_TEST(o.connect_timeout.count() == 10000);
  BOOST_TEST(o.call_timeout.count() == 10000);
  BOOST_TEST(o.server_timeout.count() == 9000);
  o = gd::glcli::connection_options_for(0.5);
  BOOST_TEST(o.call_timeout.count() == 500);
  BOOST_TEST(o.server_timeout.count() == 400);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(monitor_status_output)

std::vector<client::member_report> three_members() {
  std::vector<client::member_report> reports(3);
  gd::raft::configuration config;
  config.voters = {member_of("m1"), member_of("m2")};
  config.learners = {member_of("m3")};
  reports[0].member = member_of("m1");
  reports[0].status = status_of("m1", "leader", 3, 120);
  reports[0].status->config = config;
  reports[0].status->leader = {reports[0].member.id, "m1", "127.1.1.1:24007"};
  reports[1].member = member_of("m2");
  reports[1].unreachable = "connection refused";
  reports[2].member = member_of("m3");
  reports[2].status = status_of("m3", "follower", 3, 118);
  return reports;
}

BOOST_AUTO_TEST_CASE(table_has_one_row_per_member) {
  auto text = gd::glcli::cluster_status_text(three_members());
  BOOST_TEST(text
             == "Cluster ID: 0000000000abcdef\n"
                "Leader: m1 at 127.1.1.1:24007, term 3\n"
                "\n"
                "NAME  ADDRESS          TYPE     ROLE      TERM  COMMIT  "
                "APPLIED  LAST  REVISION\n"
                "m1    127.1.1.1:24007  voter    leader    3     120     "
                "120      121   57\n"
                "m2    127.1.1.2:24007  voter    unreachable: connection "
                "refused\n"
                "m3    127.1.1.3:24007  learner  follower  3     118     "
                "118      119   57\n");
}

BOOST_AUTO_TEST_CASE(table_without_leader) {
  auto reports = three_members();
  reports[0].status.reset();
  reports[0].unreachable = "timed out";
  reports[2].status->leader = {reports[0].member.id, "m1", "127.1.1.1:24007"};
  auto text = gd::glcli::cluster_status_text(reports);
  BOOST_TEST(text.find("Leader: m1 at 127.1.1.1:24007 (did not answer), "
                       "term 3\n")
             != std::string::npos);
  reports[2].status->leader = {};
  text = gd::glcli::cluster_status_text(reports);
  BOOST_TEST(text.find("Leader: none known, term 3\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(json_document_fields) {
  auto j = gd::glcli::cluster_status_json(three_members());
  auto id = [](const char* n) {
    return gd::glcli::id_text(gd::raft::member_id_of(n));
  };
  BOOST_TEST(j
             == R"({"clusterId":"0000000000abcdef","leader":{"name":"m1",)"
                R"("address":"127.1.1.1:24007","id":")" + id("m1") + R"("},)"
                R"("term":3,"members":[)"
                R"({"name":"m1","address":"127.1.1.1:24007","id":")" + id("m1")
                + R"(","voter":true,"reachable":true,"role":"leader","term":3,)"
                R"("commitIndex":120,"appliedIndex":120,"lastIndex":121,)"
                R"("snapshotIndex":0,"revision":57},)"
                R"({"name":"m2","address":"127.1.1.2:24007","id":")" + id("m2")
                + R"(","voter":true,"reachable":false,)"
                R"("error":"connection refused"},)"
                R"({"name":"m3","address":"127.1.1.3:24007","id":")" + id("m3")
                + R"(","voter":false,"reachable":true,"role":"follower",)"
                R"("term":3,"commitIndex":118,"appliedIndex":118,)"
                R"("lastIndex":119,"snapshotIndex":0,"revision":57}]})");
}

BOOST_AUTO_TEST_SUITE_END()
