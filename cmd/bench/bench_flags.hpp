#pragma once

// Flag values shared by the benchmark tools (kv_bench, volumes_bench): a
// value that does not parse prints "TOOL: what is wrong", the tool's usage,
// and exits with status 2.

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace gd::bench {

/// The tool's name and its usage text (static strings).
struct usage {
  const char* tool;
  const char* text;
};

[[noreturn]] inline void usage_error(const usage& u, const std::string& msg) {
  std::fprintf(stderr, "%s: %s\n\n%s", u.tool, msg.c_str(), u.text);
  std::exit(2);
}

/// A whole number >= 0.
inline std::uint64_t parse_count(const usage& u, const std::string& flag,
                                 const std::string& text) {
  std::size_t used = 0;
  unsigned long long v = 0;
  try {
    v = std::stoull(text, &used, 10);
  } catch (const std::exception&) {
    used = 0;
  }
  if (text.empty() || used != text.size() || text[0] == '-')
    usage_error(u, flag + " wants a whole number, not '" + text + "'");
  return v;
}

/// A finite number of seconds >= 0.
inline double parse_seconds(const usage& u, const std::string& flag,
                            const std::string& text) {
  std::size_t used = 0;
  double v = 0;
  try {
    v = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (text.empty() || used != text.size() || !(v >= 0) || !std::isfinite(v))
    usage_error(u, flag + " wants a number of seconds, not '" + text + "'");
  return v;
}

} // namespace gd::bench
