#include "test/support/glcli_spawn.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace gd::test {

namespace {

std::string temp_file(const std::string& content) {
  char path[] = "/tmp/unit_cli_XXXXXX";
  int fd = ::mkstemp(path);
  if (fd < 0)
    throw std::runtime_error("mkstemp failed");
  if (!content.empty()
      && ::write(fd, content.data(), content.size())
           != static_cast<ssize_t>(content.size()))
    throw std::runtime_error("write failed");
  ::close(fd);
  return path;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

} // namespace

spawned start_glcli(const std::vector<std::string>& args,
                    const std::map<std::string, std::string>& env,
                    const std::string& input) {
  const char* binary = std::getenv("GLCLI");
  if (binary == nullptr)
    throw std::runtime_error("$GLCLI is not set (meson sets it to the path "
                             "of the glcli binary)");
  auto in_path = temp_file(input);
  auto out_path = temp_file("");
  auto err_path = temp_file("");

  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, in_path.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, out_path.c_str(),
                                   O_WRONLY | O_TRUNC, 0);
  posix_spawn_file_actions_addopen(&fa, 2, err_path.c_str(),
                                   O_WRONLY | O_TRUNC, 0);

  std::vector<std::string> argv_s{binary};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s)
    argv.push_back(a.data());
  argv.push_back(nullptr);

  std::vector<std::string> env_s;
  for (const char* keep : {"PATH", "HOME"})
    if (const char* v = std::getenv(keep))
      env_s.push_back(std::string(keep) + "=" + v);
  for (const auto& [k, v] : env)
    env_s.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& e : env_s)
    envp.push_back(e.data());
  envp.push_back(nullptr);

  pid_t pid = 0;
  int rc = ::posix_spawn(&pid, binary, &fa, nullptr, argv.data(),
                         envp.data());
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0)
    throw std::runtime_error(std::string("posix_spawn ") + binary + ": "
                             + std::strerror(rc));
  return {pid, in_path, out_path, err_path};
}

spawn_result wait_glcli(spawned& p) {
  int status = 0;
  while (::waitpid(p.pid, &status, 0) < 0 && errno == EINTR) {
    // retry
  }
  spawn_result r;
  if (WIFEXITED(status))
    r.code = WEXITSTATUS(status);
  else if (WIFSIGNALED(status))
    r.code = 128 + WTERMSIG(status);
  r.out = slurp(p.out_path);
  r.err = slurp(p.err_path);
  for (const auto& path : {p.in_path, p.out_path, p.err_path})
    ::unlink(path.c_str());
  return r;
}

spawn_result run_glcli(const std::vector<std::string>& args,
                       const std::map<std::string, std::string>& env,
                       const std::string& input) {
  auto p = start_glcli(args, env, input);
  return wait_glcli(p);
}

closed_port::closed_port() {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0)
    throw std::runtime_error("cannot bind a port on 127.0.0.1");
  socklen_t len = sizeof(a);
  ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
  port_ = ntohs(a.sin_port);
}

closed_port::~closed_port() {
  ::close(fd_);
}

std::string closed_port::address() const {
  return "127.0.0.1:" + std::to_string(port_);
}

} // namespace gd::test
