#include "cmd/glsim/fd_limit.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>

#include <sys/resource.h>

namespace gd::glsim {

namespace {

std::uint64_t nr_open() {
  std::ifstream in("/proc/sys/fs/nr_open");
  std::uint64_t n = 0;
  if (in >> n && n > 0)
    return n;
  return 1u << 20;
}

} // namespace

std::uint64_t raise_nofile(std::uint64_t want, std::string& note) {
  note.clear();
  rlimit now{};
  if (getrlimit(RLIMIT_NOFILE, &now) != 0) {
    note = std::string("getrlimit: ") + std::strerror(errno);
    return 0;
  }
  if (now.rlim_cur >= want)
    return now.rlim_cur;
  auto cap = std::min<std::uint64_t>(want, nr_open());
  if (now.rlim_max < cap) {
    rlimit both{cap, cap};
    if (setrlimit(RLIMIT_NOFILE, &both) == 0)
      return cap;
    note = "cannot raise the hard descriptor limit from "
           + std::to_string(now.rlim_max) + " to " + std::to_string(cap)
           + " (" + std::strerror(errno)
           + ": needs root with CAP_SYS_RESOURCE)";
    cap = now.rlim_max;
  }
  rlimit soft{cap, now.rlim_max < cap ? cap : now.rlim_max};
  if (setrlimit(RLIMIT_NOFILE, &soft) != 0) {
    note = std::string("setrlimit: ") + std::strerror(errno);
    return now.rlim_cur;
  }
  if (cap < want && note.empty())
    note = "the descriptor limit is " + std::to_string(cap) + " (wanted "
           + std::to_string(want) + "; /proc/sys/fs/nr_open caps it)";
  return cap;
}

} // namespace gd::glsim
