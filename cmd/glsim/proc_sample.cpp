#include "cmd/glsim/proc_sample.hpp"

#include <fstream>
#include <sstream>
#include <string>

#include <unistd.h>

namespace gd::glsim {

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  if (!in)
    return {};
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// The number after "NAME:" in a /proc key-value file, or nothing.
bool field(const std::string& text, const std::string& name,
           std::uint64_t& out) {
  auto at = text.find(name + ":");
  if (at == std::string::npos)
    return false;
  std::istringstream s(text.substr(at + name.size() + 1));
  return static_cast<bool>(s >> out);
}

double seconds_between(const proc_sample& a, const proc_sample& b) {
  return std::chrono::duration<double>(b.at - a.at).count();
}

} // namespace

proc_sample sample_process(pid_t pid) {
  proc_sample p;
  p.at = std::chrono::steady_clock::now();
  auto dir = "/proc/" + std::to_string(pid);
  auto stat = slurp(dir + "/stat");
  // why: field 2 (comm) may hold spaces; count fields after its ')'.
  auto close = stat.rfind(')');
  if (close == std::string::npos)
    return p;
  std::istringstream s(stat.substr(close + 1));
  std::string f;
  // After ')': state(3) ppid pgrp session tty_nr tpgid flags minflt cminflt
  // majflt cmajflt utime(14) stime(15).
  std::uint64_t utime = 0, stime = 0;
  for (int i = 3; i <= 13; ++i)
    s >> f;
  if (!(s >> utime >> stime))
    return p;
  p.cpu_ticks = utime + stime;
  field(slurp(dir + "/status"), "VmRSS", p.rss_kib);
  auto io = slurp(dir + "/io");
  std::uint64_t r = 0, w = 0;
  if (field(io, "rchar", r) && field(io, "wchar", w))
    p.io_bytes = r + w;
  p.ok = true;
  return p;
}

double cpu_percent(const proc_sample& a, const proc_sample& b) {
  auto secs = seconds_between(a, b);
  if (!a.ok || !b.ok || secs <= 0 || b.cpu_ticks < a.cpu_ticks)
    return 0;
  static const double hz = static_cast<double>(sysconf(_SC_CLK_TCK));
  return 100.0 * (static_cast<double>(b.cpu_ticks - a.cpu_ticks) / hz) / secs;
}

double io_bytes_per_second(const proc_sample& a, const proc_sample& b) {
  auto secs = seconds_between(a, b);
  if (!a.ok || !b.ok || secs <= 0 || b.io_bytes < a.io_bytes)
    return 0;
  return static_cast<double>(b.io_bytes - a.io_bytes) / secs;
}

} // namespace gd::glsim
