#include "test/integration/daemon_process.hpp"

#include <csignal>
#include <cstring>
#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <spawn.h>
#include <sstream>
#include <stdexcept>
#include <sys/wait.h>
#include <thread>

#include <atomic>
#include <iostream>
#include <mutex>

extern char** environ;

namespace gd::test {

namespace {

std::atomic<std::size_t> unexpected_count{0};
std::mutex handler_mu;
std::function<void(const std::string&)> handler;

void report_unexpected_exit(const std::string& what) {
  ++unexpected_count;
  std::function<void(const std::string&)> h;
  {
    std::lock_guard<std::mutex> guard(handler_mu);
    h = handler;
  }
  if (h)
    h(what);
  else
    std::cerr << what << std::endl;
}

} // namespace

void set_unexpected_exit_handler(std::function<void(const std::string&)> h) {
  std::lock_guard<std::mutex> guard(handler_mu);
  handler = std::move(h);
}

std::size_t unexpected_exits() {
  return unexpected_count;
}

daemon_process::daemon_process(const std::string& binary,
                               std::vector<std::string> args,
                               std::string log_path)
  : log_path_(std::move(log_path)) {
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(binary.c_str()));
  for (auto& a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log_path_.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  auto rc = posix_spawn(&pid_, binary.c_str(), &actions, nullptr, argv.data(),
                        environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0)
    throw std::runtime_error("cannot start " + binary);
}

daemon_process::~daemon_process() {
  if (running()) {
    kill9();
    wait(std::chrono::seconds(10));
  }
}

bool daemon_process::running() {
  if (status_)
    return false;
  int st = 0;
  auto r = ::waitpid(pid_, &st, WNOHANG);
  if (r == pid_) {
    exited(st);
    return false;
  }
  return true;
}

void daemon_process::exited(int st) {
  status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  if (!WIFSIGNALED(st))
    return;
  auto sig = WTERMSIG(st);
  bool sent = (sig == SIGKILL && sent_kill_) || (sig == SIGTERM && sent_term_);
  if (!sent) {
    std::ostringstream what;
    what << "process " << pid_ << " died of signal " << sig << " ("
         << strsignal(sig) << ") that it was not sent; its log:\n" << log();
    report_unexpected_exit(what.str());
  }
}

void daemon_process::kill9() {
  if (running()) {
    sent_kill_ = true;
    ::kill(pid_, SIGKILL);
  }
}

void daemon_process::terminate() {
  if (running()) {
    sent_term_ = true;
    ::kill(pid_, SIGTERM);
  }
}

void daemon_process::pause() {
  if (running())
    ::kill(pid_, SIGSTOP);
}

void daemon_process::resume() {
  if (running())
    ::kill(pid_, SIGCONT);
}

std::optional<int> daemon_process::wait(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (running()) {
    if (std::chrono::steady_clock::now() > deadline)
      return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return status_;
}

std::string daemon_process::log() const {
  std::ifstream in(log_path_);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

namespace {

std::string env_or_throw(const char* name) {
  const char* v = std::getenv(name);
  if (!v || !*v)
    throw std::runtime_error(std::string("set ") + name
                             + " to the binary under test");
  return v;
}

} // namespace

std::string daemon_binary() {
  return env_or_throw("GLUSTERD_ACTOR");
}

std::string glcli_binary() {
  return env_or_throw("GLCLI");
}

} // namespace gd::test
