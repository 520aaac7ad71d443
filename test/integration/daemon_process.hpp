#pragma once

// Real glusterd-actor processes for integration tests: spawned with their
// output in a log file, stopped with SIGTERM, SIGKILL or SIGSTOP, never
// leaked (the destructor kills what still runs). Every exit is checked: a
// process that dies of a signal it was not sent (SIGSEGV, SIGABRT from a
// sanitizer or the allocator, ...) fails the running test.

#include <chrono>
#include <cstddef>
#include <functional>
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
  /// SIGSTOP / SIGCONT: the process freezes, then resumes.
  void pause();
  void resume();
  /// Waits up to `timeout` for the exit; returns its status (128 + signal
  /// for a signal), or nothing if it still runs.
  std::optional<int> wait(std::chrono::milliseconds timeout);
  /// Everything it wrote so far.
  std::string log() const;

private:
  /// Records the exit status `st` (from waitpid) and checks it.
  void exited(int st);

  pid_t pid_ = -1;
  std::optional<int> status_;
  std::string log_path_;
  /// Signals this process was sent (a death by another is a bug).
  bool sent_kill_ = false;
  bool sent_term_ = false;
};

/// Called when a daemon_process dies of a signal it was not sent, with a
/// message that says so and holds its log. The default prints it to stderr
/// and remembers it (unexpected_exits()); Boost.Test binaries install one
/// that fails the running test.
void set_unexpected_exit_handler(std::function<void(const std::string&)> h);
/// How many unexpected exits the default handler has seen.
std::size_t unexpected_exits();

/// The binaries under test, from the environment meson sets
/// (GLUSTERD_ACTOR, GLCLI).
std::string daemon_binary();
std::string glcli_binary();

} // namespace gd::test
