#include "actors/node/brick_process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

extern char** environ;

namespace gd::node {

std::vector<std::string> brick_arguments(const brick_launch& l) {
  std::vector<std::string> a = {
    l.glusterfsd,
    "-s", l.volfile_host,
    "--volfile-id", l.volfile_id,
    "-p", l.pid_file,
    "-S", l.socket_file,
    "--brick-name", l.brick_path,
    "-l", l.log_file,
    "--xlator-option", "*-posix.glusterd-uuid=" + l.node_uuid,
    "--process-name", "brick",
    "--brick-port", std::to_string(l.port),
    "--xlator-option",
    l.volume + "-server.listen-port=" + std::to_string(l.port),
  };
  if (l.volfile_port != 24007) {
    a.push_back("--volfile-server-port");
    a.push_back(std::to_string(l.volfile_port));
  }
  return a;
}

spawn_result spawn_brick(const brick_launch& l) {
  auto args = brick_arguments(l);
  std::vector<char*> argv;
  for (auto& s : args)
    argv.push_back(s.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t fa;
  posix_spawnattr_t attr;
  posix_spawn_file_actions_init(&fa);
  posix_spawnattr_init(&attr);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  // why: its own session, so a signal to the daemon's process group (a
  // terminal's Ctrl-C) does not reach the bricks; and default signal
  // handling (the daemon blocks some for its signal thread).
  sigset_t none;
  sigemptyset(&none);
  sigset_t all;
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK
                                    | POSIX_SPAWN_SETSIGDEF);
  spawn_result out;
  int rc = posix_spawn(&out.pid, argv[0], &fa, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    out.pid = 0;
    out.error = "cannot start " + l.glusterfsd + ": " + std::strerror(rc);
  }
  return out;
}

std::optional<int> reap(pid_t launcher) {
  int status = 0;
  pid_t r = ::waitpid(launcher, &status, WNOHANG);
  if (r == 0)
    return std::nullopt;
  if (r < 0)
    return 0; // already reaped (or not ours): nothing more to learn
  if (WIFEXITED(status))
    return WEXITSTATUS(status);
  if (WIFSIGNALED(status))
    return 128 + WTERMSIG(status);
  return std::nullopt;
}

bool process_exists(pid_t pid) {
  return pid > 0 && (::kill(pid, 0) == 0 || errno == EPERM);
}

bool signal_process(pid_t pid, int signo) {
  return pid > 0 && ::kill(pid, signo) == 0;
}

std::optional<pid_t> running_brick(const std::string& pid_file,
                                   const std::string& volfile_id) {
  std::ifstream in(pid_file);
  long pid = 0;
  if (!(in >> pid) || pid <= 0)
    return std::nullopt;
  if (!process_exists(static_cast<pid_t>(pid)))
    return std::nullopt;
  std::ifstream cmd("/proc/" + std::to_string(pid) + "/cmdline",
                    std::ios::binary);
  std::stringstream ss;
  ss << cmd.rdbuf();
  auto line = ss.str();
  // Arguments are NUL-separated: look for "--volfile-id\0<id>\0".
  std::string want = std::string("--volfile-id") + '\0' + volfile_id + '\0';
  if (line.find(want) == std::string::npos)
    return std::nullopt;
  // A zombie (exited, not yet reaped) is not running.
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string statline;
  std::getline(stat, statline);
  auto close_paren = statline.rfind(')');
  if (close_paren != std::string::npos && close_paren + 2 < statline.size()
      && statline[close_paren + 2] == 'Z')
    return std::nullopt;
  return static_cast<pid_t>(pid);
}

bool port_free(const std::string& address, unsigned port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return false;
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  if (address.empty() || ::inet_pton(AF_INET, address.c_str(), &a.sin_addr) != 1)
    a.sin_addr.s_addr = htonl(INADDR_ANY);
  bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0;
  ::close(fd);
  return ok;
}

} // namespace gd::node
