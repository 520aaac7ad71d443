#pragma once

// What a process used, read from /proc: CPU time (utime + stime of all its
// threads), resident memory, and bytes through read/write system calls
// (rchar + wchar: sockets mostly, for a monitor whose store is mmapped).
// Two samples give rates.

#include <chrono>
#include <cstdint>

#include <sys/types.h>

namespace gd::glsim {

struct proc_sample {
  /// False if the process was gone (or /proc unreadable): the rest is 0.
  bool ok = false;
  std::chrono::steady_clock::time_point at;
  /// utime + stime, in clock ticks.
  std::uint64_t cpu_ticks = 0;
  /// VmRSS, KiB.
  std::uint64_t rss_kib = 0;
  /// rchar + wchar (0 if /proc/PID/io is not readable).
  std::uint64_t io_bytes = 0;
};

/// Samples process `pid` now.
proc_sample sample_process(pid_t pid);

/// CPU use between `a` and `b` (a first) in percent of one core; 0 if
/// either sample failed.
double cpu_percent(const proc_sample& a, const proc_sample& b);

/// (b.io_bytes - a.io_bytes) per second; 0 if either sample failed.
double io_bytes_per_second(const proc_sample& a, const proc_sample& b);

} // namespace gd::glsim
