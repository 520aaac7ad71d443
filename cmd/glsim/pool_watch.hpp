#pragma once

// Watches the committed pool (/gd/peers/ in the monitors' KV store) from a
// thread of its own with its own client connection, and time-stamps, with
// steady_clock as each event arrives, every committed up/down transition
// per peer UUID. It starts from a read of the current records, then follows
// the watch from that revision; if its monitor goes away it resumes on
// another from the last revision it saw (nothing is missed).
//
// Stopping: stop() interrupts the watch with a signal sent to the thread
// (glsim blocks `stop_signal` in main, before any thread starts, with
// client::capture_signal).

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "protocol/kv_types.hpp"

namespace gd::glsim {

class pool_watch {
public:
  using clock = std::chrono::steady_clock;

  /// A committed change of one peer's liveness.
  struct transition {
    std::string uuid;
    /// True: committed down; false: committed up again.
    bool down = false;
    clock::time_point at;
  };

  /// `monitors`: HOST:PORT of the monitors, `stop_signal`: the signal
  /// that interrupts the watch (captured beforehand).
  pool_watch(std::vector<std::string> monitors, int stop_signal);
  /// Stops the thread.
  ~pool_watch();
  pool_watch(const pool_watch&) = delete;
  pool_watch& operator=(const pool_watch&) = delete;

  /// Starts the thread, first connecting to monitor `first`.
  void start(std::size_t first);
  /// Interrupts the watch and joins the thread. Idempotent.
  void stop();

  /// True once the first read of the pool is done.
  bool synced() const;
  /// How many of `uuids` are in the pool and committed up.
  std::size_t count_up(const std::vector<std::string>& uuids) const;
  /// Peers of the pool (monitors included) committed down now.
  std::size_t count_down() const;
  /// Monitors' own peers in the pool and committed up.
  std::size_t count_monitors_up() const;
  /// Peer records written (added, changed or removed) since the start.
  std::uint64_t writes() const;
  /// If every one of `uuids` is committed up: when the last of them got
  /// there (added, or back up).
  std::optional<clock::time_point>
  all_up_at(const std::vector<std::string>& uuids) const;
  /// Down and up transitions seen at or after `since`, in order.
  std::vector<transition> transitions_since(clock::time_point since) const;
  /// Times the watch had to be resumed on a (new) connection.
  std::size_t resumes() const { return resumes_; }
  /// The last connection or watch failure ("" if none).
  std::string last_error() const;

private:
  struct peer_state {
    bool down = false;
    bool monitor = false;
    /// When it became what it is (added, or the last transition).
    clock::time_point since;
  };

  void run(std::size_t first);
  /// Reads the pool and records differences from what was known.
  /// Returns the revision read at.
  void apply(const std::vector<kv::event>& events, clock::time_point now);
  void apply_put(const std::string& uuid, const std::string& value,
                 clock::time_point now);
  void set_error(const std::string& e);
  /// Waits `d` unless stopped first.
  void pause(std::chrono::milliseconds d);

  std::vector<std::string> monitors_;
  int stop_signal_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::size_t> resumes_{0};

  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool exited_ = false;
  bool synced_ = false;
  std::unordered_map<std::string, peer_state> peers_;
  std::vector<transition> transitions_;
  std::uint64_t writes_ = 0;
  std::string last_error_;
};

} // namespace gd::glsim
