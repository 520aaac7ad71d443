#include "cmd/glsim/monitor_procs.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <deque>
#include <fstream>
#include <stdexcept>
#include <thread>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace gd::glsim {

namespace {

/// Spawns `argv` with stdout and stderr appended to `log`, an empty signal
/// mask, default dispositions, and SIGKILL when glsim dies (no monitor
/// outlives a glsim that was killed). Throws std::runtime_error.
pid_t spawn_logged(const std::vector<std::string>& argv_in,
                   const std::string& log) {
  std::vector<std::string> copy = argv_in;
  std::vector<char*> argv;
  for (auto& a : copy)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0)
    throw std::runtime_error("cannot open " + log + ": " + std::strerror(errno));
  auto parent = getpid();
  auto pid = fork();
  if (pid < 0) {
    auto e = errno;
    ::close(fd);
    throw std::runtime_error("cannot start " + argv_in[0] + ": "
                             + std::strerror(e));
  }
  if (pid == 0) {
    // Only async-signal-safe calls from here to exec (glsim has threads).
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
      _exit(127);
    for (int sig : {SIGPIPE, SIGUSR1, SIGUSR2, SIGINT, SIGTERM, SIGCHLD})
      signal(sig, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    dup2(fd, 1);
    dup2(fd, 2);
    execv(argv[0], argv.data());
    _exit(127);
  }
  ::close(fd);
  return pid;
}

/// True if something listens on HOST:PORT already (a bind fails).
bool in_use(const std::string& address) {
  auto colon = address.rfind(':');
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<std::uint16_t>(
    std::stoi(address.substr(colon + 1))));
  if (inet_pton(AF_INET, address.substr(0, colon).c_str(), &sa.sin_addr) != 1)
    return false;
  int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (s < 0)
    return false;
  int one = 1;
  setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  bool busy = ::bind(s, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0
              && errno == EADDRINUSE;
  ::close(s);
  return busy;
}

std::string describe(const std::string& name, int st) {
  if (WIFSIGNALED(st))
    return name + " died of signal " + std::to_string(WTERMSIG(st)) + " ("
           + strsignal(WTERMSIG(st)) + ")";
  return name + " exited with status " + std::to_string(WEXITSTATUS(st));
}

} // namespace

monitor_procs::monitor_procs(std::string daemon, std::string dir,
                             std::string prefix, monitor_flags flags)
  : daemon_(std::move(daemon)), dir_(std::move(dir)), flags_(flags) {
  for (std::size_t i = 0; i < count; ++i) {
    names_.push_back("m" + std::to_string(i + 1));
    addresses_.push_back(prefix + "." + std::to_string(i + 1) + ":24007");
    logs_.push_back(dir_ + "/" + names_[i] + ".log");
  }
  secret_ = dir_ + "/cluster.secret";
}

monitor_procs::~monitor_procs() {
  for (std::size_t i = 0; i < count; ++i) {
    if (pid(i) > 0) {
      kill9(i);
      reap(i, std::chrono::milliseconds(5000));
    }
  }
}

std::vector<std::string> monitor_procs::args(std::size_t i) const {
  std::string initial;
  for (std::size_t k = 0; k < count; ++k)
    initial += (k ? "," : "") + names_[k] + "=" + addresses_[k];
  return {daemon_,
          "--data-dir", dir_ + "/" + names_[i],
          "--listen", addresses_[i],
          "--name", names_[i],
          "--monitor",
          "--initial-cluster", initial,
          "--cluster-secret-file", secret_,
          "--log-level", "warn",
          "--max-connections", std::to_string(flags_.max_connections),
          "--checkin-interval", std::to_string(flags_.checkin_interval.count()),
          "--lease", std::to_string(flags_.lease.count()),
          "--up-after", std::to_string(flags_.up_after.count())};
}

void monitor_procs::start_all() {
  if (mkdir(dir_.c_str(), 0755) != 0 && errno != EEXIST)
    throw std::runtime_error("cannot create " + dir_ + ": "
                             + std::strerror(errno));
  auto maker = spawn_logged({daemon_, "--make-secret", secret_},
                            dir_ + "/make-secret.log");
  int st = 0;
  while (waitpid(maker, &st, 0) < 0 && errno == EINTR) {
    // retry
  }
  if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
    throw std::runtime_error(describe(daemon_ + " --make-secret", st)
                             + " (log: " + dir_ + "/make-secret.log)");
  for (std::size_t i = 0; i < count; ++i)
    if (in_use(addresses_[i]))
      throw std::runtime_error(addresses_[i] + " is in use already (another "
                               "glsim run or cluster? pick another "
                               "--monitor-prefix)");
  for (std::size_t i = 0; i < count; ++i) {
    auto data = dir_ + "/" + names_[i];
    if (mkdir(data.c_str(), 0700) != 0 && errno != EEXIST)
      throw std::runtime_error("cannot create " + data + ": "
                               + std::strerror(errno));
    spawn(i);
  }
}

void monitor_procs::spawn(std::size_t i) {
  procs_[i].pid = spawn_logged(args(i), logs_[i]);
  procs_[i].sent = 0;
}

pid_t monitor_procs::pid(std::size_t i) {
  reap(i, std::chrono::milliseconds(0));
  return procs_[i].pid;
}

void monitor_procs::reap(std::size_t i, std::chrono::milliseconds wait) {
  auto& p = procs_[i];
  auto deadline = std::chrono::steady_clock::now() + wait;
  while (p.pid > 0) {
    int st = 0;
    auto r = waitpid(p.pid, &st, WNOHANG);
    if (r == p.pid || (r < 0 && errno == ECHILD)) {
      bool expected = p.sent != 0 && WIFSIGNALED(st)
                      && WTERMSIG(st) == p.sent;
      if (p.sent == SIGTERM && WIFEXITED(st) && WEXITSTATUS(st) == 0)
        expected = true;
      if (!expected && r == p.pid)
        unexpected_.push_back(describe(names_[i], st));
      p.pid = -1;
      return;
    }
    if (std::chrono::steady_clock::now() >= deadline)
      return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

void monitor_procs::kill9(std::size_t i) {
  if (pid(i) <= 0)
    return;
  procs_[i].sent = SIGKILL;
  ::kill(procs_[i].pid, SIGKILL);
}

void monitor_procs::restart(std::size_t i) {
  reap(i, std::chrono::milliseconds(5000));
  if (procs_[i].pid > 0)
    throw std::runtime_error(names_[i] + " still runs: cannot restart it");
  spawn(i);
}

std::string monitor_procs::stop_all(std::chrono::seconds grace) {
  std::string bad;
  for (std::size_t i = 0; i < count; ++i) {
    if (pid(i) > 0) {
      procs_[i].sent = SIGTERM;
      ::kill(procs_[i].pid, SIGTERM);
    }
  }
  auto deadline = std::chrono::steady_clock::now() + grace;
  for (std::size_t i = 0; i < count; ++i) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
    reap(i, std::max(left, std::chrono::milliseconds(0)));
    if (procs_[i].pid > 0) {
      bad += (bad.empty() ? "" : "; ") + names_[i] + " still ran "
             + std::to_string(grace.count()) + " s after SIGTERM (killed)";
      kill9(i);
      procs_[i].sent = SIGKILL;
      reap(i, std::chrono::milliseconds(5000));
    }
  }
  return bad;
}

std::vector<std::string> monitor_procs::unexpected_exits() {
  for (std::size_t i = 0; i < count; ++i)
    reap(i, std::chrono::milliseconds(0));
  return unexpected_;
}

std::string monitor_procs::log_tail(std::size_t i, std::size_t lines) const {
  std::ifstream in(logs_[i]);
  std::deque<std::string> last;
  std::string line;
  while (std::getline(in, line)) {
    last.push_back(line);
    if (last.size() > lines)
      last.pop_front();
  }
  std::string out;
  for (const auto& l : last)
    out += l + "\n";
  return out;
}

std::string monitor_procs::log_tails(std::size_t lines) const {
  std::string out;
  for (std::size_t i = 0; i < count; ++i)
    out += "--- last lines of " + logs_[i] + "\n" + log_tail(i, lines);
  return out;
}

} // namespace gd::glsim
