#pragma once

// What a fleet run is asked to do (glsim's flags, see main.cpp).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace gd::glsim {

struct fleet_options {
  /// The glusterd-actor binary the monitors run.
  std::string daemon;
  /// Simulated servers.
  std::size_t servers = 1000;
  /// Length of the steady-state measurement, seconds.
  int seconds = 20;
  /// Servers killed at once (0: max(1, servers / 100)).
  std::size_t kill = 0;
  /// `volume set` calls timed.
  std::size_t volume_sets = 200;
  /// Probes in flight during admission.
  std::size_t probe_parallel = 64;
  std::chrono::milliseconds checkin_interval{1000};
  std::chrono::milliseconds lease{2500};
  std::chrono::milliseconds up_after{5000};
  /// "A.B.C": monitor i listens on A.B.C.(i+1):24007.
  std::string monitor_prefix = "127.7.70";
  /// "A.B": server i listens on A.B.(i/250).(i%250+1):24007.
  std::string agent_net = "127.10";
  /// Where the monitors' data and logs go ("" : /tmp/glsim-PID).
  std::string dir;
  /// Leave `dir` in place at the end.
  bool keep = false;
  /// Seed of the random choices (first check-in delays, servers killed);
  /// 0: a random one.
  std::uint64_t seed = 0;
  /// Longest wait for every server to be admitted, seconds (0: from the
  /// fleet size: max(60, servers * 0.06)).
  int admit_timeout = 0;
};

} // namespace gd::glsim
