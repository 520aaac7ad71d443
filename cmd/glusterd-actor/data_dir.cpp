#include "cmd/glusterd-actor/data_dir.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "protocol/uuid.hpp"
#include "store/fs.hpp"

namespace gd::daemon {

namespace {

void make_dirs(const std::string& path) {
  std::string partial;
  std::stringstream in(path);
  std::string part;
  if (!path.empty() && path[0] == '/')
    partial = "/";
  while (std::getline(in, part, '/')) {
    if (part.empty())
      continue;
    partial += part + "/";
    if (::mkdir(partial.c_str(), 0750) != 0 && errno != EEXIST)
      throw std::runtime_error("cannot create directory " + partial + ": "
                               + std::strerror(errno));
  }
}

} // namespace

data_dir::data_dir(std::string path) : path_(std::move(path)) {
  if (path_.empty())
    throw std::runtime_error("--data-dir is empty");
  make_dirs(path_);
  auto lock = path_ + "/LOCK";
  lock_fd_ = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0640);
  if (lock_fd_ < 0)
    throw std::runtime_error("cannot open " + lock + ": " + std::strerror(errno));
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    char buf[32] = {};
    auto n = ::pread(lock_fd_, buf, sizeof(buf) - 1, 0);
    std::string pid = n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : "?";
    while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' '))
      pid.pop_back();
    ::close(lock_fd_);
    lock_fd_ = -1;
    throw std::runtime_error("data directory " + path_
                             + " is in use by another glusterd-actor (pid "
                             + pid + ")");
  }
  auto pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(lock_fd_, 0) != 0
      || ::pwrite(lock_fd_, pid.data(), pid.size(), 0) < 0) {
    // Best effort: the lock itself is what matters.
  }
}

data_dir::~data_dir() {
  if (lock_fd_ >= 0)
    ::close(lock_fd_); // releases the flock
}

std::string data_dir::sub(const std::string& name) const {
  auto p = path_ + "/" + name;
  make_dirs(p);
  return p;
}

std::optional<identity> data_dir::load_identity() const {
  return read_identity(path_);
}

std::optional<identity> read_identity(const std::string& dir) {
  auto file = dir + "/node.conf";
  std::ifstream in(file);
  if (!in)
    return std::nullopt;
  identity id;
  std::string line;
  int n = 0;
  bool have_name = false;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty() || line[0] == '#')
      continue;
    auto eq = line.find('=');
    if (eq == std::string::npos)
      throw std::runtime_error(file + ":" + std::to_string(n)
                               + ": expected KEY=VALUE, got '" + line + "'");
    auto key = line.substr(0, eq);
    auto value = line.substr(eq + 1);
    if (key == "name") {
      id.name = value;
      have_name = !value.empty();
    } else if (key == "address") {
      id.address = value;
    } else if (key == "cluster_id") {
      try {
        id.cluster_id = std::stoull(value, nullptr, 0);
      } catch (const std::exception&) {
        throw std::runtime_error(file + ":" + std::to_string(n)
                                 + ": cluster_id '" + value
                                 + "' is not a number");
      }
    } else if (key == "monitor") {
      if (value != "true" && value != "false")
        throw std::runtime_error(file + ":" + std::to_string(n)
                                 + ": monitor must be true or false");
      id.monitor = value == "true";
    } else if (key == "uuid") {
      if (!value.empty() && !valid_uuid(value))
        throw std::runtime_error(file + ":" + std::to_string(n) + ": uuid '"
                                 + value + "' is not a UUID");
      id.uuid = value;
    } else if (key == "monitors") {
      id.monitors.clear();
      std::size_t start = 0;
      while (start < value.size()) {
        auto comma = value.find(',', start);
        auto item = value.substr(start, comma == std::string::npos
                                          ? std::string::npos
                                          : comma - start);
        if (!item.empty())
          id.monitors.push_back(item);
        if (comma == std::string::npos)
          break;
        start = comma + 1;
      }
    } else {
      throw std::runtime_error(file + ":" + std::to_string(n)
                               + ": unknown key '" + key + "'");
    }
  }
  if (!have_name)
    throw std::runtime_error(file + " has no name");
  return id;
}

void data_dir::save_identity(const identity& id) const {
  std::ostringstream out;
  char cluster[32];
  std::snprintf(cluster, sizeof(cluster), "0x%016llx",
                static_cast<unsigned long long>(id.cluster_id));
  out << "# glusterd-actor node identity: written by the daemon, do not edit\n"
      << "name=" << id.name << "\n"
      << "address=" << id.address << "\n"
      << "cluster_id=" << cluster << "\n"
      << "monitor=" << (id.monitor ? "true" : "false") << "\n"
      << "uuid=" << id.uuid << "\n";
  std::string monitors;
  for (const auto& m : id.monitors)
    monitors += (monitors.empty() ? "" : ",") + m;
  out << "monitors=" << monitors << "\n";
  store::fs::write_file_atomically(path_ + "/node.conf", out.str());
}

} // namespace gd::daemon
