#pragma once

// One whole fleet run: 3 real monitor processes, N simulated servers on
// glsim's one KJ event loop, and the phases measured on them in order:
// admission, steady state, `volume set` latency, servers killed and
// restarted, the monitor leader killed. See cmd/glsim/main.cpp for what
// each phase reports.

#include <stdexcept>

#include "cmd/glsim/options.hpp"
#include "cmd/glsim/report.hpp"

namespace gd::glsim {

/// The cluster or the fleet could not be started; what() says what failed
/// and holds the monitors' log tails.
class start_error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// Runs every phase and returns what was measured; a phase that cannot run
/// is skipped with a note (the verdict of --check then fails). Throws
/// start_error. `stop_signal`: the signal the pool watcher thread is
/// interrupted with; the caller captured it (client::capture_signal)
/// before starting any thread.
fleet_results run_fleet(const fleet_options& o, int stop_signal);

} // namespace gd::glsim
