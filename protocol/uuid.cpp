#include "protocol/uuid.hpp"

#include <cctype>
#include <cstdint>
#include <cstdio>
#include <random>

namespace gd {

std::string random_uuid() {
  // why: one random_device per call is slow but UUIDs are made rarely
  // (a volume create, a daemon's first start), and it needs no locking.
  std::random_device rd;
  uuid_bytes b{};
  for (int i = 0; i < 16; i += 4) {
    auto x = rd();
    for (int j = 0; j < 4; ++j)
      b[i + j] = static_cast<std::uint8_t>(x >> (8 * j));
  }
  b[6] = static_cast<std::uint8_t>((b[6] & 0x0f) | 0x40); // version 4
  b[8] = static_cast<std::uint8_t>((b[8] & 0x3f) | 0x80); // RFC 4122 variant
  return format_uuid(b);
}

bool valid_uuid(const std::string& s) {
  if (s.size() != 36)
    return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !std::isxdigit(static_cast<unsigned char>(s[i])))
      return false;
  }
  return true;
}

std::optional<uuid_bytes> parse_uuid(const std::string& text) {
  if (!valid_uuid(text))
    return std::nullopt;
  auto nibble = [](char c) {
    if (c >= '0' && c <= '9')
      return c - '0';
    if (c >= 'a' && c <= 'f')
      return c - 'a' + 10;
    return c - 'A' + 10; // valid_uuid() allowed only hex digits
  };
  uuid_bytes out{};
  std::size_t i = 0;
  for (std::size_t k = 0; k < out.size(); ++k) {
    if (text[i] == '-')
      ++i;
    out[k] = static_cast<std::uint8_t>(nibble(text[i]) << 4 |
                                       nibble(text[i + 1]));
    i += 2;
  }
  return out;
}

std::string format_uuid(const uuid_bytes& b) {
  char out[37];
  std::snprintf(out, sizeof(out),
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
                "%02x%02x%02x%02x%02x%02x",
                b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9],
                b[10], b[11], b[12], b[13], b[14], b[15]);
  return out;
}

} // namespace gd
