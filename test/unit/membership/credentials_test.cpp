#include <boost/test/unit_test.hpp>

// Membership credentials: the secret file, derived keys, proofs, the replay
// guard and join tokens. HMAC values are pinned against ones computed outside
// this code (openssl dgst and Python's hmac agree on them).

#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <system_error>

#include <sys/stat.h>

#include "actors/membership/credentials.hpp"

using namespace gd::membership;

namespace {

/// The key 00 01 02 ... 1f.
key counting_key() {
  key k{};
  for (std::size_t i = 0; i < k.size(); ++i)
    k[i] = static_cast<std::uint8_t>(i);
  return k;
}

/// A fresh directory under /tmp, removed with its contents at the end.
struct temp_dir {
  std::string path;
  temp_dir() {
    char templ[] = "/tmp/gd-credentials-XXXXXX";
    if (::mkdtemp(templ) == nullptr)
      throw std::runtime_error("mkdtemp failed");
    path = templ;
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::string file(const std::string& name) const {
    return path + "/" + name;
  }
};

void write_file(const std::string& path, const std::string& text,
                mode_t mode) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  ::chmod(path.c_str(), mode);
}

/// The message load_secret throws for `path`, or "" if it loads.
std::string load_error(const std::string& path) {
  try {
    load_secret(path);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return {};
}

/// Keys compare as hex in tests: readable when a check fails.
std::string hex(const key& k) {
  return to_hex(k);
}

std::string hex(const std::optional<key>& k) {
  return k ? to_hex(*k) : "nullopt";
}

std::string upper(std::string s) {
  for (auto& c : s)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

std::int64_t fake_now_us = 0;

std::int64_t fake_clock() {
  return fake_now_us;
}

constexpr std::int64_t second = 1'000'000;
constexpr std::int64_t t0 = 1'700'000'000 * second;

} // namespace

BOOST_AUTO_TEST_SUITE(credentials_tests)

// -- the secret file ----------------------------------------------------------

BOOST_AUTO_TEST_CASE(a_saved_secret_loads_back_with_mode_0600) {
  temp_dir dir;
  auto path = dir.file("secret");
  auto k = new_secret();
  save_secret(path, k);
  struct stat st {};
  BOOST_REQUIRE(::stat(path.c_str(), &st) == 0);
  BOOST_TEST((st.st_mode & 07777) == 0600u);
  BOOST_TEST(st.st_size == 65);
  BOOST_TEST(hex(load_secret(path)) == hex(k));
  // Saving again replaces it atomically and leaves no temporary file behind.
  auto k2 = new_secret();
  BOOST_TEST(hex(k2) != hex(k));
  save_secret(path, k2);
  BOOST_TEST(hex(load_secret(path)) == hex(k2));
  int files = 0;
  for ([[maybe_unused]] const auto& e :
       std::filesystem::directory_iterator(dir.path))
    ++files;
  BOOST_TEST(files == 1);
}

BOOST_AUTO_TEST_CASE(the_file_holds_lowercase_hex_and_a_newline) {
  temp_dir dir;
  auto path = dir.file("secret");
  save_secret(path, counting_key());
  std::ifstream in(path, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)),
                   std::istreambuf_iterator<char>());
  BOOST_TEST(text == "000102030405060708090a0b0c0d0e0f"
                     "101112131415161718191a1b1c1d1e1f\n");
  // Without the newline it loads too.
  write_file(path, text.substr(0, 64), 0600);
  BOOST_TEST(hex(load_secret(path)) == hex(counting_key()));
}

BOOST_AUTO_TEST_CASE(a_secret_readable_by_others_is_refused) {
  temp_dir dir;
  auto path = dir.file("secret");
  save_secret(path, new_secret());
  ::chmod(path.c_str(), 0644);
  auto err = load_error(path);
  BOOST_TEST(contains(err, path + " has mode 0644; it must be 0600 "
                                  "(chmod 600 " + path + ")"), err);
  ::chmod(path.c_str(), 0620); // group-writable
  err = load_error(path);
  BOOST_TEST(contains(err, "has mode 0620"), err);
  ::chmod(path.c_str(), 0400); // owner read-only is fine
  BOOST_TEST(load_error(path) == "");
}

BOOST_AUTO_TEST_CASE(a_malformed_or_missing_secret_is_refused_naming_it) {
  temp_dir dir;
  auto path = dir.file("secret");
  auto hex = to_hex(counting_key());
  for (std::string bad : {std::string(), hex.substr(0, 63) + "\n",
                          hex.substr(0, 62), hex + "0", hex + "\n\n",
                          "g" + hex.substr(1) + "\n", hex + " ",
                          std::string("not a secret at all\n")}) {
    write_file(path, bad, 0600);
    auto err = load_error(path);
    BOOST_TEST(contains(err, path), "[" << bad << "]: " << err);
    BOOST_TEST(contains(err, "malformed"), "[" << bad << "]: " << err);
  }
  auto missing = dir.file("missing");
  auto err = load_error(missing);
  BOOST_TEST(contains(err, missing), err);
  BOOST_TEST(contains(err, "No such file or directory"), err);
}

BOOST_AUTO_TEST_CASE(saving_into_a_missing_directory_names_the_path) {
  temp_dir dir;
  auto path = dir.file("no-such-dir/secret");
  try {
    save_secret(path, new_secret());
    BOOST_FAIL("save_secret should have thrown");
  } catch (const std::runtime_error& e) {
    BOOST_TEST(contains(e.what(), path), e.what());
    BOOST_TEST(contains(e.what(), "No such file or directory"), e.what());
  }
}

BOOST_AUTO_TEST_CASE(hex_round_trips_and_refuses_malformed_input) {
  auto k = counting_key();
  BOOST_TEST(hex(key_from_hex(to_hex(k))) == hex(k));
  BOOST_TEST(hex(key_from_hex(upper(to_hex(k)))) == hex(k));
  BOOST_TEST(!key_from_hex(""));
  BOOST_TEST(!key_from_hex(to_hex(k).substr(1)));
  BOOST_TEST(!key_from_hex(to_hex(k) + "00"));
  BOOST_TEST(!key_from_hex("x" + to_hex(k).substr(1)));
}

// -- derived keys -------------------------------------------------------------

BOOST_AUTO_TEST_CASE(the_hmac_construction_is_pinned) {
  // Computed independently, e.g.
  //   printf '%s\0%s\0%s' gd-server-v1 u-1 42 |
  //     openssl dgst -sha256 -mac HMAC -macopt hexkey:000102...1f
  auto k = counting_key();
  BOOST_TEST(to_hex(monitor_credential(k)) ==
             "9f49651ef0047ec1316a37c2c1502e64"
             "18759f92d5257a8c709b47ee369571cd");
  BOOST_TEST(to_hex(server_credential(k, "u-1", 42)) ==
             "3dbf7aa2ffc699d33f1ce8caa34ebb2d"
             "eb3d76e08ff46315d9f73d8f2bf4c92e");
  auto pr = make_proof(k, purpose::check_in, "srv-a", 1'700'000'000'000'000,
                       "m1:24007");
  BOOST_TEST(to_hex(pr.mac) ==
             "3abfbb1468a4ed54a48d98dd464fcc43"
             "0c87c6dedf8fd2631744aee7d96d3175");
  BOOST_TEST(make_join_token(k, 0xabcd, 1'700'000'000) ==
             "gdjoin1.000000000000abcd.1700000000."
             "99c266594b45454e96fc7c6c8319b168"
             "f57024c18b0ccb589b6be41f31b83f66");
}

BOOST_AUTO_TEST_CASE(server_credentials_differ_by_uuid_and_admission) {
  auto s = new_secret();
  auto a = server_credential(s, "uuid-a", 1);
  BOOST_TEST(hex(server_credential(s, "uuid-a", 1)) == hex(a)); // deterministic
  BOOST_TEST(hex(server_credential(s, "uuid-b", 1)) != hex(a));
  BOOST_TEST(hex(server_credential(s, "uuid-a", 2)) != hex(a)); // re-admitted
  BOOST_TEST(hex(server_credential(new_secret(), "uuid-a", 1)) != hex(a));
  BOOST_TEST(hex(monitor_credential(s)) != hex(a));
  BOOST_TEST(hex(monitor_credential(s)) == hex(monitor_credential(s)));
  // The separator keeps uuid and id apart: "u1" + "23" is not "u12" + "3".
  BOOST_TEST(hex(server_credential(s, "u1", 23)) !=
             hex(server_credential(s, "u12", 3)));
}

// -- proofs -------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(a_proof_checks_only_with_its_key_and_purpose) {
  auto k = new_secret();
  auto pr = make_proof(k, purpose::forward, "srv-a", t0, "m1:24007");
  BOOST_TEST(pr.who == "srv-a");
  BOOST_TEST(pr.stamp_us == t0);
  BOOST_TEST(pr.target == "m1:24007");
  BOOST_TEST(mac_matches(k, purpose::forward, pr));
  BOOST_TEST(!mac_matches(new_secret(), purpose::forward, pr));
  for (auto other : {purpose::check_in, purpose::digest, purpose::raft_link})
    BOOST_TEST(!mac_matches(k, other, pr), to_string(other));

  auto changed = pr;
  changed.who = "srv-b";
  BOOST_TEST(!mac_matches(k, purpose::forward, changed));
  changed = pr;
  changed.stamp_us += 1;
  BOOST_TEST(!mac_matches(k, purpose::forward, changed));
  changed = pr;
  changed.target = "m2:24007";
  BOOST_TEST(!mac_matches(k, purpose::forward, changed));
  for (std::size_t bit = 0; bit < 8 * pr.mac.size(); bit += 37) {
    changed = pr;
    changed.mac[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    BOOST_TEST(!mac_matches(k, purpose::forward, changed), "bit " << bit);
  }
}

BOOST_AUTO_TEST_CASE(purposes_have_names) {
  BOOST_TEST(std::string(to_string(purpose::check_in)) == "check-in");
  BOOST_TEST(std::string(to_string(purpose::digest)) == "digest");
  BOOST_TEST(std::string(to_string(purpose::forward)) == "forwarded call");
  BOOST_TEST(std::string(to_string(purpose::raft_link)) == "raft link");
}

// -- stamps and replays -------------------------------------------------------

BOOST_AUTO_TEST_CASE(stamps_increase_even_when_the_clock_stands_or_goes_back) {
  fake_now_us = t0;
  stamp_source stamps(fake_clock);
  BOOST_TEST(stamps.next() == t0);
  BOOST_TEST(stamps.next() == t0 + 1); // the clock stood still
  BOOST_TEST(stamps.next() == t0 + 2);
  fake_now_us = t0 - 5 * second; // the clock went back
  BOOST_TEST(stamps.next() == t0 + 3);
  fake_now_us = t0 + second; // and forward again
  BOOST_TEST(stamps.next() == t0 + second);

  stamp_source wall;
  auto a = wall.next();
  auto b = wall.next();
  BOOST_TEST(b > a);
  BOOST_TEST(a > t0); // microseconds since the epoch, after 2023
}

BOOST_AUTO_TEST_CASE(ordered_purposes_accept_only_newer_stamps) {
  replay_guard guard;
  BOOST_TEST(guard.accept(purpose::check_in, "srv-a", t0, t0) == "");
  BOOST_TEST(guard.accept(purpose::check_in, "srv-a", t0, t0) ==
             "replayed (stamp 1700000000000000 is not newer than the last "
             "accepted from srv-a)");
  BOOST_TEST(guard.accept(purpose::check_in, "srv-a", t0 - 1, t0) != "");
  BOOST_TEST(guard.accept(purpose::check_in, "srv-a", t0 + 1, t0) == "");
  // Per who and per purpose.
  BOOST_TEST(guard.accept(purpose::check_in, "srv-b", t0, t0) == "");
  BOOST_TEST(guard.accept(purpose::digest, "srv-a", t0, t0) == "");
  BOOST_TEST(guard.accept(purpose::digest, "srv-a", t0, t0) != "");
  // One entry per who and ordered purpose, however many check-ins.
  for (int i = 2; i < 1000; ++i)
    BOOST_TEST_REQUIRE(guard.accept(purpose::check_in, "srv-a", t0 + i,
                                    t0 + i) == "");
  BOOST_TEST(guard.size() == 3u);
}

BOOST_AUTO_TEST_CASE(unordered_purposes_accept_each_stamp_once) {
  replay_guard guard;
  BOOST_TEST(guard.accept(purpose::forward, "srv-a", t0 + 5, t0) == "");
  BOOST_TEST(guard.accept(purpose::forward, "srv-a", t0 + 3, t0) == "");
  BOOST_TEST(guard.accept(purpose::forward, "srv-a", t0 + 4, t0) == "");
  BOOST_TEST(guard.accept(purpose::forward, "srv-a", t0 + 3, t0) ==
             "replayed (stamp 1700000000000003 already seen from srv-a)");
  // Another who, another purpose: separate.
  BOOST_TEST(guard.accept(purpose::forward, "srv-b", t0 + 3, t0) == "");
  BOOST_TEST(guard.accept(purpose::raft_link, "srv-a", t0 + 3, t0) == "");
  BOOST_TEST(guard.size() == 5u);
}

BOOST_AUTO_TEST_CASE(unordered_entries_are_pruned_after_the_window) {
  replay_guard guard(10 * second);
  for (int i = 0; i < 100; ++i)
    BOOST_TEST_REQUIRE(guard.accept(purpose::raft_link, "m2", t0 + i, t0) ==
                       "");
  BOOST_TEST(guard.size() == 100u);
  // Half the window later nothing is dropped.
  BOOST_TEST(guard.accept(purpose::raft_link, "m3", t0 + 5 * second,
                          t0 + 5 * second) == "");
  BOOST_TEST(guard.size() == 101u);
  // A window and a bit later the old ones are gone.
  auto later = t0 + 10 * second + 50;
  BOOST_TEST(guard.accept(purpose::raft_link, "m3", later, later) == "");
  BOOST_TEST(guard.size() == 52u); // t0+50..t0+99, m3's two
  // A pruned stamp is still refused (by skew), even on a clock that went back.
  BOOST_TEST(guard.accept(purpose::raft_link, "m2", t0 + 1, later) != "");
  auto err = guard.accept(purpose::raft_link, "m2", t0 + 1, t0 + 2);
  BOOST_TEST(contains(err, "stale"), err);
}

BOOST_AUTO_TEST_CASE(skewed_clocks_are_refused_naming_the_seconds) {
  replay_guard guard;
  BOOST_TEST(guard.accept(purpose::check_in, "srv-a", t0 + 60 * second, t0) ==
             ""); // exactly the window
  BOOST_TEST(guard.accept(purpose::check_in, "srv-b", t0 + 90 * second, t0) ==
             "clock of srv-b differs from this daemon's by 90 s (more than 60 "
             "s allowed): synchronise the clocks (NTP)");
  auto err = guard.accept(purpose::forward, "srv-c", t0 - 3600 * second, t0);
  BOOST_TEST(contains(err, "by 3600 s"), err);
  BOOST_TEST(contains(err, "NTP"), err);
  // Extreme stamps from the network do not overflow.
  err = guard.accept(purpose::forward, "srv-c", INT64_MIN, INT64_MAX);
  BOOST_TEST(contains(err, "differs"), err);
  // A refused proof is not remembered.
  BOOST_TEST(guard.size() == 1u);
}

BOOST_AUTO_TEST_CASE(forget_drops_everything_about_one_who) {
  replay_guard guard;
  guard.accept(purpose::check_in, "srv-a", t0, t0);
  guard.accept(purpose::digest, "srv-a", t0, t0);
  guard.accept(purpose::forward, "srv-a", t0, t0);
  guard.accept(purpose::raft_link, "srv-a", t0, t0);
  guard.accept(purpose::check_in, "srv-b", t0, t0);
  guard.accept(purpose::forward, "srv-b", t0, t0);
  BOOST_TEST(guard.size() == 6u);
  guard.forget("srv-a");
  BOOST_TEST(guard.size() == 2u);
  // srv-a starts afresh; srv-b is still remembered.
  BOOST_TEST(guard.accept(purpose::check_in, "srv-a", t0, t0) == "");
  BOOST_TEST(guard.accept(purpose::check_in, "srv-b", t0, t0) != "");
  BOOST_TEST(guard.accept(purpose::forward, "srv-b", t0, t0) != "");
}

// -- join tokens --------------------------------------------------------------

BOOST_AUTO_TEST_CASE(a_join_token_verifies_until_it_expires) {
  auto s = new_secret();
  std::uint64_t cluster = 0x0123456789abcdefULL;
  std::int64_t now = 1'700'000'000;
  auto token = make_join_token(s, cluster, now + 3600);
  BOOST_TEST(token.rfind("gdjoin1.0123456789abcdef.1700003600.", 0) == 0u);
  auto fields = parse_join_token(token);
  BOOST_REQUIRE(fields);
  BOOST_TEST(fields->cluster_id == cluster);
  BOOST_TEST(fields->expires_s == now + 3600);
  BOOST_TEST(verify_join_token(s, cluster, token, now) == "");
  BOOST_TEST(verify_join_token(s, cluster, token, now + 3599) == "");
  BOOST_TEST(verify_join_token(s, cluster, token, now + 3600) ==
             "join token expired at 2023-11-14 23:13:20 UTC");
}

BOOST_AUTO_TEST_CASE(a_join_token_of_another_cluster_or_secret_is_refused) {
  auto s = new_secret();
  std::int64_t now = 1'700'000'000;
  auto token = make_join_token(s, 7, now + 60);
  BOOST_TEST(verify_join_token(s, 8, token, now) ==
             "join token of another cluster");
  BOOST_TEST(verify_join_token(new_secret(), 7, token, now) ==
             "join token not made by this cluster (wrong signature)");
  // A forged expiry breaks the signature (reported as such, not as expired).
  auto expired = make_join_token(s, 7, now - 60);
  auto forged = expired;
  forged.replace(forged.find(".1699999940."), 12, ".1800000000.");
  BOOST_TEST(parse_join_token(forged)->expires_s == 1'800'000'000);
  BOOST_TEST(verify_join_token(s, 7, forged, now) ==
             "join token not made by this cluster (wrong signature)");
  // A flipped MAC digit.
  auto tampered = token;
  tampered.back() = tampered.back() == '0' ? '1' : '0';
  BOOST_TEST(verify_join_token(s, 7, tampered, now) ==
             "join token not made by this cluster (wrong signature)");
}

BOOST_AUTO_TEST_CASE(malformed_join_tokens_are_refused) {
  auto s = new_secret();
  auto good = make_join_token(s, 7, 1'700'000'060);
  auto mac = good.substr(good.rfind('.') + 1);
  for (std::string bad : {
         std::string(),
         std::string("gdjoin1."),
         "gdjoin2.0000000000000007.1700000060." + mac,  // wrong prefix
         "GDJOIN1.0000000000000007.1700000060." + mac,  // wrong prefix
         "gdjoin1.000000000000007.1700000060." + mac,   // short id
         "gdjoin1.00000000000000007.1700000060." + mac, // long id
         "gdjoin1.000000000000000g.1700000060." + mac,  // bad hex id
         "gdjoin1.000000000000000A.1700000060." + mac,  // uppercase id
         "gdjoin1.0000000000000007.." + mac,            // no expiry
         "gdjoin1.0000000000000007.-1700000060." + mac, // signed
         "gdjoin1.0000000000000007.01700000060." + mac, // leading zero
         "gdjoin1.0000000000000007.17000x0060." + mac,  // bad digit
         "gdjoin1.0000000000000007.99999999999999999999." + mac, // overflow
         std::string("gdjoin1.0000000000000007.1700000060."),    // no mac
         std::string("gdjoin1.0000000000000007.1700000060"),     // no mac
         "gdjoin1.0000000000000007.1700000060." + mac.substr(1), // short mac
         "gdjoin1.0000000000000007.1700000060." + mac + "0",     // long mac
         "gdjoin1.0000000000000007.1700000060.z" + mac.substr(1),
         "gdjoin1.0000000000000007.1700000060." + mac + ".x",
         "gdjoin1.0000000000000007.1700000060." + upper(mac),
         " " + good,
         good + "\n",
       }) {
    BOOST_TEST(!parse_join_token(bad), "[" << bad << "]");
    BOOST_TEST(verify_join_token(s, 7, bad, 1'700'000'000) ==
                 "malformed join token",
               "[" << bad << "]");
  }
  BOOST_TEST(verify_join_token(s, 7, good, 1'700'000'000) == "");
}

BOOST_AUTO_TEST_SUITE_END()
