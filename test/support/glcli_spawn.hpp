#pragma once

// Runs the real glcli binary (path from $GLCLI, set by meson) with
// posix_spawn and collects its exit code, stdout and stderr.

#include <map>
#include <string>
#include <vector>

namespace gd::test {

struct spawn_result {
  /// The exit code, or 128 + signal if it was killed.
  int code = -1;
  std::string out;
  std::string err;
};

/// A glcli process started in the background.
struct spawned {
  int pid = -1;
  std::string in_path;
  std::string out_path;
  std::string err_path;
};

/// Starts glcli with `args`, stdin from `input`, in an environment of PATH
/// and HOME plus `env` (so the caller's $GLCLI_REMOTE_HOST never leaks in).
spawned start_glcli(const std::vector<std::string>& args,
                    const std::map<std::string, std::string>& env = {},
                    const std::string& input = "");

/// Waits for `p` to end and collects what it printed.
spawn_result wait_glcli(spawned& p);

/// start_glcli + wait_glcli.
spawn_result run_glcli(const std::vector<std::string>& args,
                       const std::map<std::string, std::string>& env = {},
                       const std::string& input = "");

/// A TCP port on 127.0.0.1 that refuses connections: bound (so nobody else
/// gets it) but not listening, for as long as the object lives.
class closed_port {
public:
  closed_port();
  ~closed_port();
  closed_port(const closed_port&) = delete;
  closed_port& operator=(const closed_port&) = delete;

  int port() const { return port_; }
  /// "127.0.0.1:PORT".
  std::string address() const;

private:
  int fd_ = -1;
  int port_ = 0;
};

} // namespace gd::test
