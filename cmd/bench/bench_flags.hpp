#pragma once

// Flag values shared by the benchmark tools (kv_bench, volumes_bench): a
// value that does not parse prints "TOOL: what is wrong", the tool's usage,
// and exits with status 2.

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace gd::bench {

/// Parses flag values for one tool. `tool` and `usage` are static strings.
struct flag_parser {
  const char* tool;
  const char* usage;

  [[noreturn]] void fail(const std::string& msg) const {
    std::fprintf(stderr, "%s: %s\n\n%s", tool, msg.c_str(), usage);
    std::exit(2);
  }

  /// Reads the flag at argv[i] into `name` and `value` ("--name value" or
  /// "--name=value"), leaving `i` on the last word used. Prints the usage
  /// and exits 0 for -h/--help; fails for a word that is not a flag or a
  /// flag without a value.
  void next(int argc, char** argv, int& i, std::string& name,
            std::string& value) const {
    name = argv[i];
    if (name == "-h" || name == "--help") {
      std::fputs(usage, stdout);
      std::exit(0);
    }
    if (name.rfind("--", 0) != 0)
      fail("unexpected argument '" + name + "'");
    auto eq = name.find('=');
    if (eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      fail(name + " needs a value");
    }
  }

  /// A whole number >= 0.
  std::uint64_t count(const std::string& flag, const std::string& text) const {
    std::size_t used = 0;
    unsigned long long v = 0;
    try {
      v = std::stoull(text, &used, 10);
    } catch (const std::exception&) {
      used = 0;
    }
    if (text.empty() || used != text.size() || text[0] == '-')
      fail(flag + " wants a whole number, not '" + text + "'");
    return v;
  }

  /// A finite number of seconds >= 0.
  double seconds(const std::string& flag, const std::string& text) const {
    std::size_t used = 0;
    double v = 0;
    try {
      v = std::stod(text, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (text.empty() || used != text.size() || !(v >= 0) || !std::isfinite(v))
      fail(flag + " wants a number of seconds, not '" + text + "'");
    return v;
  }
};

/// The non-empty items of a comma-separated list.
inline std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> out;
  std::size_t begin = 0;
  while (begin <= text.size()) {
    auto end = text.find(',', begin);
    if (end == std::string::npos)
      end = text.size();
    if (end > begin)
      out.push_back(text.substr(begin, end - begin));
    begin = end + 1;
  }
  return out;
}

} // namespace gd::bench
