#include "cmd/client/address.hpp"

#include <cstdlib>

namespace gd::client {

namespace {

std::string quoted(std::string_view s) {
  std::string r = "'";
  r.append(s);
  r += '\'';
  return r;
}

bool host_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
         || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
}

bool ipv6_char(char c) {
  return (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
         || (c >= '0' && c <= '9') || c == ':' || c == '.' || c == '%'
         || host_char(c); // zone ids after '%' are interface names
}

void check_host(std::string_view host, std::string_view text, bool ipv6) {
  if (host.empty())
    throw address_error("host is empty in " + quoted(text));
  for (char c : host) {
    if (ipv6 ? ipv6_char(c) : host_char(c))
      continue;
    std::string what = "host " + quoted(host) + " in " + quoted(text)
                       + " contains ";
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      what += "a control character";
    else
      what += "the character " + quoted(std::string_view(&c, 1));
    throw address_error(what);
  }
}

std::uint16_t parse_port(std::string_view port, std::string_view text) {
  auto bad = [&] {
    return address_error("port " + quoted(port) + " in " + quoted(text)
                         + " is not a number from 1 to 65535");
  };
  if (port.empty() || port.size() > 5)
    throw bad();
  unsigned value = 0;
  for (char c : port) {
    if (c < '0' || c > '9')
      throw bad();
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value == 0 || value > 65535)
    throw bad();
  return static_cast<std::uint16_t>(value);
}

} // namespace

std::string address::to_string() const {
  if (host.find(':') != std::string::npos)
    return "[" + host + "]:" + std::to_string(port);
  return host + ":" + std::to_string(port);
}

address parse_address(std::string_view text) {
  if (text.empty())
    throw address_error("address is empty (expected HOST or HOST:PORT)");
  address result;
  if (text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos)
      throw address_error("missing ']' in " + quoted(text));
    auto host = text.substr(1, close - 1);
    check_host(host, text, true);
    result.host = std::string(host);
    auto rest = text.substr(close + 1);
    if (rest.empty())
      return result;
    if (rest.front() != ':')
      throw address_error("expected ':PORT' after ']' in " + quoted(text)
                          + ", got " + quoted(rest));
    result.port = parse_port(rest.substr(1), text);
    return result;
  }
  auto colon = text.find(':');
  if (colon == std::string_view::npos) {
    check_host(text, text, false);
    result.host = std::string(text);
    return result;
  }
  if (text.find(':', colon + 1) != std::string_view::npos) {
    // Two or more colons without brackets: a bare IPv6 address.
    check_host(text, text, true);
    result.host = std::string(text);
    return result;
  }
  auto host = text.substr(0, colon);
  check_host(host, text, false);
  result.host = std::string(host);
  result.port = parse_port(text.substr(colon + 1), text);
  return result;
}

address resolve_target(const std::optional<std::string>& flag,
                       const std::optional<std::string>& env_value) {
  if (flag) {
    try {
      return parse_address(*flag);
    } catch (const address_error& e) {
      throw address_error(std::string("--remote-host: ") + e.what());
    }
  }
  if (env_value && !env_value->empty()) {
    try {
      return parse_address(*env_value);
    } catch (const address_error& e) {
      throw address_error(std::string("$") + remote_host_env + ": "
                          + e.what());
    }
  }
  return address{"localhost", default_port};
}

address resolve_target(const std::optional<std::string>& flag) {
  std::optional<std::string> env_value;
  if (const char* v = std::getenv(remote_host_env))
    env_value = std::string(v);
  return resolve_target(flag, env_value);
}

} // namespace gd::client
