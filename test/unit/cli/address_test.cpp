#include <boost/test/unit_test.hpp>

#include <cstdlib>

#include "cmd/client/address.hpp"

namespace {

using gd::client::address;
using gd::client::address_error;
using gd::client::parse_address;
using gd::client::resolve_target;

/// Returns the message parse_address throws for `text`, or "" if it parses.
std::string parse_error(const std::string& text) {
  try {
    parse_address(text);
  } catch (const address_error& e) {
    return e.what();
  }
  return "";
}

std::string resolve_error(const std::optional<std::string>& flag,
                          const std::optional<std::string>& env) {
  try {
    resolve_target(flag, env);
  } catch (const address_error& e) {
    return e.what();
  }
  return "";
}

} // namespace

BOOST_AUTO_TEST_SUITE(address_parsing)

BOOST_AUTO_TEST_CASE(parse_host_alone_gets_default_port) {
  BOOST_TEST((parse_address("h1") == address{"h1", 24007}));
  BOOST_TEST((parse_address("127.1.1.2") == address{"127.1.1.2", 24007}));
  BOOST_TEST((parse_address("node-1.example.com")
              == address{"node-1.example.com", 24007}));
}

BOOST_AUTO_TEST_CASE(parse_host_port) {
  BOOST_TEST((parse_address("h1:1") == address{"h1", 1}));
  BOOST_TEST((parse_address("127.0.0.1:65535") == address{"127.0.0.1", 65535}));
  BOOST_TEST((parse_address("localhost:24008") == address{"localhost", 24008}));
}

BOOST_AUTO_TEST_CASE(parse_ipv6_forms) {
  BOOST_TEST((parse_address("[::1]:5") == address{"::1", 5}));
  BOOST_TEST((parse_address("[fe80::1%eth0]:7") == address{"fe80::1%eth0", 7}));
  BOOST_TEST((parse_address("[::1]") == address{"::1", 24007}));
  // A bare IPv6 address has no port.
  BOOST_TEST((parse_address("::1") == address{"::1", 24007}));
  BOOST_TEST((parse_address("fe80::1:2") == address{"fe80::1:2", 24007}));
}

BOOST_AUTO_TEST_CASE(to_string_brackets_ipv6) {
  BOOST_TEST(parse_address("h").to_string() == "h:24007");
  BOOST_TEST(parse_address("[::1]:5").to_string() == "[::1]:5");
  BOOST_TEST(parse_address("::1").to_string() == "[::1]:24007");
}

BOOST_AUTO_TEST_CASE(parse_bad_port_names_input) {
  BOOST_TEST(parse_error("h:99999")
             == "port '99999' in 'h:99999' is not a number from 1 to 65535");
  BOOST_TEST(parse_error("h:0")
             == "port '0' in 'h:0' is not a number from 1 to 65535");
  BOOST_TEST(parse_error("h:")
             == "port '' in 'h:' is not a number from 1 to 65535");
  BOOST_TEST(parse_error("h:12a")
             == "port '12a' in 'h:12a' is not a number from 1 to 65535");
  BOOST_TEST(parse_error("h:-1")
             == "port '-1' in 'h:-1' is not a number from 1 to 65535");
  BOOST_TEST(parse_error("h:0000000080")
             == "port '0000000080' in 'h:0000000080' is not a number from 1 "
                "to 65535");
  BOOST_TEST(parse_error("[::1]:70000")
             == "port '70000' in '[::1]:70000' is not a number from 1 to "
                "65535");
}

BOOST_AUTO_TEST_CASE(parse_bad_host_names_input) {
  BOOST_TEST(parse_error("")
             == "address is empty (expected HOST or HOST:PORT)");
  BOOST_TEST(parse_error(":5") == "host is empty in ':5'");
  BOOST_TEST(parse_error("[]:5") == "host is empty in '[]:5'");
  BOOST_TEST(parse_error("a b:1")
             == "host 'a b' in 'a b:1' contains the character ' '");
  BOOST_TEST(parse_error("h/x")
             == "host 'h/x' in 'h/x' contains the character '/'");
  BOOST_TEST(parse_error("h\tx")
             == "host 'h\tx' in 'h\tx' contains a control character");
  BOOST_TEST(parse_error("[::1") == "missing ']' in '[::1'");
  BOOST_TEST(parse_error("[::1]x")
             == "expected ':PORT' after ']' in '[::1]x', got 'x'");
}

BOOST_AUTO_TEST_CASE(resolve_flag_beats_env_beats_default) {
  BOOST_TEST((resolve_target(std::string("f:1"), std::string("e:2"))
              == address{"f", 1}));
  BOOST_TEST((resolve_target(std::nullopt, std::string("e:2"))
              == address{"e", 2}));
  BOOST_TEST((resolve_target(std::nullopt, std::nullopt)
              == address{"localhost", 24007}));
  // An empty variable counts as unset.
  BOOST_TEST((resolve_target(std::nullopt, std::string())
              == address{"localhost", 24007}));
}

BOOST_AUTO_TEST_CASE(resolve_errors_name_their_source) {
  BOOST_TEST(resolve_error(std::string("h:99999"), std::nullopt)
             == "--remote-host: port '99999' in 'h:99999' is not a number "
                "from 1 to 65535");
  BOOST_TEST(resolve_error(std::nullopt, std::string("h:x"))
             == "$GLCLI_REMOTE_HOST: port 'x' in 'h:x' is not a number from "
                "1 to 65535");
  // A bad variable does not matter when the flag is given.
  BOOST_TEST(resolve_error(std::string("h"), std::string("h:x")) == "");
  // An empty flag is an error, not "unset".
  BOOST_TEST(resolve_error(std::string(), std::nullopt)
             == "--remote-host: address is empty (expected HOST or "
                "HOST:PORT)");
}

BOOST_AUTO_TEST_CASE(resolve_reads_environment) {
  ::setenv("GLCLI_REMOTE_HOST", "envhost:7", 1);
  BOOST_TEST((resolve_target(std::nullopt) == address{"envhost", 7}));
  BOOST_TEST((resolve_target(std::string("flag")) == address{"flag", 24007}));
  ::unsetenv("GLCLI_REMOTE_HOST");
  BOOST_TEST((resolve_target(std::nullopt) == address{"localhost", 24007}));
}

BOOST_AUTO_TEST_SUITE_END()
