#pragma once

// Real glusterd-actor processes for integration tests: spawned with their
// output in a log file, stopped with SIGTERM or SIGKILL, never leaked (the
// destructor kills what still runs).

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

namespace gd::test {

class daemon_process {
public:
  /// Starts `binary` with `args`; stdout and stderr go to `log_path`.
  /// Throws std::runtime_error if it cannot be spawned.
  daemon_process(const std::string& binary, std::vector<std::string> args,
                 std::string log_path);
  ~daemon_process();
  daemon_process(const daemon_process&) = delete;
  daemon_process& operator=(const daemon_process&) = delete;

  pid_t pid() const { return pid_; }
  /// True while the process has not exited.
  bool running();
  void kill9();
  void terminate();
  /// Waits up to `timeout` for the exit; returns its status (128 + signal
  /// for a signal), or nothing if it still runs.
  std::optional<int> wait(std::chrono::milliseconds timeout);
  /// Everything it wrote so far.
  std::string log() const;

private:
  pid_t pid_ = -1;
  std::optional<int> status_;
  std::string log_path_;
};

/// The binaries under test, from the environment meson sets
/// (GLUSTERD_ACTOR, GLCLI).
std::string daemon_binary();
std::string glcli_binary();

} // namespace gd::test
