#pragma once

// Starting, finding and stopping one glusterfsd brick process, the way
// glusterd does it (glusterd-utils.c, glusterd_volume_start_glusterfs): the
// same arguments, a pid file per brick, glusterfsd daemonizing itself so
// that the brick outlives the agent that started it. Plain POSIX; no CAF, no
// KJ. Nothing here blocks for longer than a few system calls.

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gd::node {

/// Where and how a brick runs.
struct brick_launch {
  /// The glusterfsd binary (Debian's: /usr/sbin/glusterfsd).
  std::string glusterfsd = "/usr/sbin/glusterfsd";
  /// The volfile server glusterfsd asks (this daemon): host and port.
  std::string volfile_host;
  unsigned volfile_port = 24007;
  /// "<volume>.<host>.<path-with-dashes>" (volgen's brick_volfile_id).
  std::string volfile_id;
  std::string volume;
  std::string brick_path;
  /// The TCP port the brick listens on.
  unsigned port = 0;
  std::string pid_file;
  std::string socket_file;
  std::string log_file;
  /// This server's peer UUID (*-posix.glusterd-uuid).
  std::string node_uuid;
};

/// glusterfsd's argument vector for `l` (argv[0] included).
std::vector<std::string> brick_arguments(const brick_launch& l);

/// Starts glusterfsd for `l` in its own session, stdio on /dev/null. The
/// process returned is the launcher: it daemonizes the brick and exits 0
/// once the brick signed in (or non-zero if it failed to start); reap it
/// with `reap`. Returns the launcher's pid, or an error message.
struct spawn_result {
  pid_t pid = 0;
  std::string error;
};
spawn_result spawn_brick(const brick_launch& l);

/// For a launcher: nullopt while it runs, else its exit status (0 = the
/// brick started; >0 = glusterfsd's failure code; 128+N = killed by N).
std::optional<int> reap(pid_t launcher);

/// The pid in `pid_file` if that process runs and is the brick of
/// `volfile_id` (its command line says so); else nullopt. A stale pid file
/// (the process gone, or the pid reused by another program) gives nullopt.
std::optional<pid_t> running_brick(const std::string& pid_file,
                                   const std::string& volfile_id);

/// True if process `pid` exists (zombies of our own children included).
bool process_exists(pid_t pid);

/// Sends `signo` to `pid`; false if there is no such process.
bool signal_process(pid_t pid, int signo);

/// True if nothing listens on, and nothing is bound to, TCP `port` of
/// `address` ("" = any address): a bind() test.
bool port_free(const std::string& address, unsigned port);

} // namespace gd::node
