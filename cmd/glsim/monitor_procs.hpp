#pragma once

// The 3 monitor processes of a fleet run: real glusterd-actor daemons on
// PREFIX.1..3:24007, each with a data directory and a log file under the
// run's directory. Spawned with an empty signal mask (glsim blocks the
// signal its watcher thread waits for), and killed by the kernel should
// glsim die; killed with SIGKILL, restarted with the same arguments,
// stopped with SIGTERM. Every exit is reaped and judged: one without a
// signal glsim sent is unexpected. Refuses to start on an address that is
// in use.

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

namespace gd::glsim {

/// Daemon flags passed through to every monitor.
struct monitor_flags {
  std::chrono::milliseconds checkin_interval{1000};
  std::chrono::milliseconds lease{2500};
  std::chrono::milliseconds up_after{5000};
  std::size_t max_connections = 65536;
};

class monitor_procs {
public:
  static constexpr std::size_t count = 3;

  /// `daemon`: the glusterd-actor binary; `dir`: where data and logs go
  /// (created); `prefix`: "A.B.C" (monitor i listens on A.B.C.(i+1)).
  monitor_procs(std::string daemon, std::string dir, std::string prefix,
                monitor_flags flags);
  /// Kills (SIGKILL) and reaps whatever still runs.
  ~monitor_procs();
  monitor_procs(const monitor_procs&) = delete;
  monitor_procs& operator=(const monitor_procs&) = delete;

  /// Makes the cluster secret and starts the 3 monitors. Throws
  /// std::runtime_error saying what failed.
  void start_all();

  const std::string& name(std::size_t i) const { return names_[i]; }
  const std::string& address(std::size_t i) const { return addresses_[i]; }
  const std::vector<std::string>& addresses() const { return addresses_; }
  const std::string& log_path(std::size_t i) const { return logs_[i]; }

  /// Its pid while it runs, else -1.
  pid_t pid(std::size_t i);
  bool running(std::size_t i) { return pid(i) > 0; }

  void kill9(std::size_t i);
  /// Starts monitor i again (same arguments, same data). Precondition: it
  /// is not running.
  void restart(std::size_t i);

  /// SIGTERM to every running monitor, SIGKILL to those still running
  /// after `grace`. Returns "" or which still ran after `grace` (an exit
  /// with another status than 0 is in unexpected_exits()).
  std::string stop_all(std::chrono::seconds grace);

  /// Exits nobody asked for so far ("m2 exited with status 1", "m1 died of
  /// signal 11"), after reaping what has exited.
  std::vector<std::string> unexpected_exits();

  /// The last `lines` lines of monitor i's log.
  std::string log_tail(std::size_t i, std::size_t lines) const;
  /// Every monitor's log tail, each under a header line.
  std::string log_tails(std::size_t lines) const;

private:
  struct proc {
    pid_t pid = -1;
    /// A signal glsim sent it (0: none): its death by it is expected.
    int sent = 0;
  };

  void spawn(std::size_t i);
  /// Reaps monitor i if it exited (waits up to `wait` for it); records an
  /// unexpected exit.
  void reap(std::size_t i, std::chrono::milliseconds wait);
  std::vector<std::string> args(std::size_t i) const;

  std::string daemon_;
  std::string dir_;
  monitor_flags flags_;
  std::vector<std::string> names_;
  std::vector<std::string> addresses_;
  std::vector<std::string> logs_;
  std::string secret_;
  proc procs_[count];
  std::vector<std::string> unexpected_;
};

} // namespace gd::glsim
