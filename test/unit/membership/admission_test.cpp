#include <boost/test/unit_test.hpp>

// What a check-in or a monitor's proof must pass before it counts
// (actors/membership/admission.hpp), with the error each refusal names.

#include <memory>
#include <string>
#include <unordered_map>

#include "actors/membership/admission.hpp"

using namespace gd::membership;

namespace {

const std::string uuid = "11111111-1111-4111-8111-111111111111";
const std::string me = "10.0.0.1:24007";
constexpr std::int64_t now_us = 1'700'000'000'000'000;

key key_of(std::uint8_t b) {
  key k{};
  k.fill(b);
  return k;
}

admission_view view_with_one_server() {
  admission_view v;
  v.ready = true;
  auto servers = std::make_shared<std::unordered_map<std::string, admitted>>();
  (*servers)[uuid] = admitted{server_credential(key_of(7), uuid, 42), false, false};
  v.servers_ptr = servers;
  v.lease = 2500;
  v.monitor_name = "m1";
  return v;
}

proof checkin_proof(const key& k, std::int64_t stamp, std::string target = me,
                    std::string who = uuid) {
  return make_proof(k, purpose::check_in, std::move(who), stamp,
                    std::move(target));
}

} // namespace

BOOST_AUTO_TEST_SUITE(admission_tests)

BOOST_AUTO_TEST_CASE(a_genuine_check_in_passes_once) {
  auto v = view_with_one_server();
  replay_guard g;
  auto cred = server_credential(key_of(7), uuid, 42);
  auto pr = checkin_proof(cred, now_us);
  BOOST_TEST(check_checkin(v, g, pr, 1000, me, now_us).ok());
  auto again = check_checkin(v, g, pr, 1000, me, now_us);
  BOOST_TEST(std::string(again.kind) == "replay");
  BOOST_TEST(check_checkin(v, g, checkin_proof(cred, now_us + 1), 1000, me,
                           now_us).ok());
}

BOOST_AUTO_TEST_CASE(each_bad_check_in_is_refused_with_its_reason) {
  auto v = view_with_one_server();
  replay_guard g;
  auto cred = server_credential(key_of(7), uuid, 42);
  // Not loaded yet.
  admission_view empty;
  BOOST_TEST(std::string(check_checkin(empty, g, checkin_proof(cred, now_us),
                                       1000, me, now_us).kind) == "not-ready");
  // Unknown server, wrong key (a revoked credential id), another monitor.
  auto unknown = check_checkin(
    v, g, checkin_proof(cred, now_us, me, "22222222-2222-4222-8222-222222222222"),
    1000, me, now_us);
  BOOST_TEST(std::string(unknown.kind) == "unknown");
  BOOST_TEST(unknown.error.find("is not a member of this cluster")
             != std::string::npos, unknown.error);
  auto revoked = server_credential(key_of(7), uuid, 41);
  auto bad = check_checkin(v, g, checkin_proof(revoked, now_us), 1000, me,
                           now_us);
  BOOST_TEST(std::string(bad.kind) == "bad-proof");
  auto other = check_checkin(v, g, checkin_proof(cred, now_us, "10.0.0.2:24007"),
                             1000, me, now_us);
  BOOST_TEST(std::string(other.kind) == "wrong-target");
  BOOST_TEST(other.error.find("made for 10.0.0.2:24007") != std::string::npos,
             other.error);
  // A proof for another purpose does not pass as a check-in.
  auto digest = make_proof(cred, purpose::digest, uuid, now_us, me);
  BOOST_TEST(std::string(check_checkin(v, g, digest, 1000, me, now_us).kind)
             == "bad-proof");
  // Too slow for the lease.
  auto slow = check_checkin(v, g, checkin_proof(cred, now_us + 5), 1500, me,
                            now_us);
  BOOST_TEST(std::string(slow.kind) == "interval");
  // None of the refused ones moved the replay guard: the next genuine
  // stamp still passes.
  BOOST_TEST(check_checkin(v, g, checkin_proof(cred, now_us + 10), 1000, me,
                           now_us).ok());
}

BOOST_AUTO_TEST_CASE(a_forger_cannot_push_a_servers_stamps_ahead) {
  auto v = view_with_one_server();
  replay_guard g;
  auto forged = checkin_proof(key_of(9), now_us + 50'000'000);
  BOOST_TEST(!check_checkin(v, g, forged, 1000, me, now_us).ok());
  auto cred = server_credential(key_of(7), uuid, 42);
  BOOST_TEST(check_checkin(v, g, checkin_proof(cred, now_us), 1000, me, now_us)
               .ok());
}

BOOST_AUTO_TEST_CASE(monitor_proofs_need_the_monitors_key) {
  replay_guard g;
  auto mk = monitor_credential(key_of(3));
  auto pr = make_proof(mk, purpose::raft_link, "m2", now_us, me);
  BOOST_TEST(check_monitor_proof(mk, g, purpose::raft_link, pr, me, now_us).ok());
  // Unordered purpose: a repeat is refused, an older unseen stamp passes.
  BOOST_TEST(!check_monitor_proof(mk, g, purpose::raft_link, pr, me, now_us).ok());
  auto older = make_proof(mk, purpose::raft_link, "m2", now_us - 5, me);
  BOOST_TEST(check_monitor_proof(mk, g, purpose::raft_link, older, me, now_us)
               .ok());
  auto stranger = make_proof(monitor_credential(key_of(4)), purpose::raft_link,
                             "m2", now_us + 1, me);
  BOOST_TEST(std::string(check_monitor_proof(mk, g, purpose::raft_link,
                                             stranger, me, now_us).kind)
             == "bad-proof");
}

BOOST_AUTO_TEST_SUITE_END()
