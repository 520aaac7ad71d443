#pragma once

// The results of a fleet run: the numbers, the printed table, the JSON
// object, and the verdict of --check.

#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace gd::glsim {

/// A latency distribution, milliseconds.
struct latency {
  std::size_t count = 0;
  double p50 = 0;
  double p99 = 0;
  double max = 0;
};

/// Nearest-rank percentiles of `ms` (empty: all zero).
latency summarize(std::vector<double> ms);

struct monitor_row {
  std::string name;
  /// "leader" or "follower" at the start of the steady state.
  std::string role;
  double cpu_percent = 0;
  double rss_mib = 0;
  double checkins_per_second = 0;
  double bytes_per_second = 0;
};

struct fleet_results {
  std::size_t servers = 0;
  std::int64_t interval_ms = 0;
  std::int64_t lease_ms = 0;
  std::int64_t up_after_ms = 0;
  std::uint64_t seed = 0;

  // Admission.
  std::size_t admitted = 0;
  /// Seconds from the first probe until every server was admitted / was
  /// committed up (-1: never).
  double admit_seconds = -1;
  double all_up_seconds = -1;
  std::size_t probe_retries = 0;
  /// Why servers were not admitted (a few examples).
  std::vector<std::string> admit_errors;

  // Steady state.
  double steady_seconds = 0;
  std::vector<monitor_row> monitors;
  double log_writes_per_second = -1;
  /// Committed downs of servers nobody killed between "all up" and the
  /// first kill.
  std::size_t steady_false_downs = 0;
  /// Refused and unanswered check-ins over the whole run.
  std::uint64_t checkins_refused = 0;
  std::uint64_t checkins_lost = 0;
  double glsim_cpu_percent = 0;

  // volume set.
  latency volume_set;
  std::size_t volume_set_failures = 0;
  std::string volume_error;

  // Killed servers.
  std::size_t killed = 0;
  latency detection;
  /// From each killed server's lease end (its last accepted check-in +
  /// the lease) to its committed down: the monitors' own delay.
  latency past_lease;
  std::size_t detected_within_3_intervals = 0;
  latency back_up;

  // Leader kill.
  std::string killed_leader;
  bool leader_killed = false;
  std::size_t leader_kill_false_downs = 0;
  latency checkins_again;
  /// Servers with no accepted check-in in the whole window after the kill.
  std::size_t never_accepted_again = 0;

  /// Exits of monitors nobody asked for, and unclean stops.
  std::vector<std::string> monitor_failures;
  /// Phases that could not run, and why.
  std::vector<std::string> notes;
};

/// The table (see cmd/glsim/main.cpp).
void print_table(std::ostream& out, const fleet_results& r);

/// The same numbers as one JSON object.
std::string to_json(const fleet_results& r);

/// What --check fails on; empty if the run passes.
std::vector<std::string> check_failures(const fleet_results& r);

} // namespace gd::glsim
