#pragma once

// A cluster of real glusterd-actor monitors on loopback for integration
// tests, and a multi-threaded client workload that records a history for the
// linearizability checker and remembers every acknowledged write.

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "cmd/client/client.hpp"
#include "test/integration/daemon_process.hpp"
#include "test/support/linearizability.hpp"

namespace gd::test {

/// True if `part` occurs in `text` (for checks on messages and logs).
inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

/// A fresh directory name for test `name` of this process, under /tmp.
inline std::string root_for(const std::string& name) {
  return "/tmp/gd-integration-" + std::to_string(::getpid()) + "-" + name;
}

/// Calls `pred` every 100 ms until it returns true or `limit` passes; its
/// last answer.
inline bool eventually(std::chrono::milliseconds limit,
                       const std::function<bool()>& pred) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred())
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return pred();
}

/// Monitors m1..mN at PREFIX.1:24007 ... PREFIX.N:24007, data under `root`.
class test_cluster {
public:
  /// Starts `n` monitors that bootstrap a cluster together. `ip_prefix` is
  /// like "127.7.1" (tests use their own blocks, so they can run beside a
  /// dev cluster and each other).
  /// `real_bricks`: the daemons run glusterfsd bricks and are named by
  /// their host address (run_bricks and host_names, from the start).
  test_cluster(std::string root, std::string ip_prefix, std::size_t n,
               int tick_ms = 50, bool real_bricks = false);
  /// Kills every daemon and removes `root`.
  ~test_cluster();

  std::size_t size() const { return procs_.size(); }

  /// For members started from now on: a command (and its arguments) that
  /// execs the daemon, e.g. {"prlimit", "--nofile=64:64"}, and flags added
  /// to the daemon's own.
  std::vector<std::string> launcher;
  std::vector<std::string> extra_args;
  /// Whether daemons started from now on run real glusterfsd bricks
  /// (--bricks on). Off by default: most suites test the configuration
  /// only, and their brick paths are made up.
  bool run_bricks = false;
  /// Name daemons by their host address (as ./dev up does) instead of
  /// m1.. / a1..: brick hosts then resolve for real GlusterFS clients. Set
  /// before the first start.
  bool host_names = false;
  std::string name(std::size_t i) const {
    return host_names ? host(i) : "m" + std::to_string(i + 1);
  }
  std::string address(std::size_t i) const;
  std::string data_dir(std::size_t i) const;
  daemon_process& process(std::size_t i) { return *procs_.at(i); }

  /// (Re)starts member i with its data dir; a blank member joins through
  /// `join` if given, else bootstraps with the initial members.
  void start(std::size_t i, const std::string& join = {});

  /// The secret file every initial member is started with.
  std::string secret_file() const;
  /// A join token printed on member 0 (glusterd-actor --print-join-token).
  std::string join_token() const;
  /// Adds a member slot (not started).
  std::size_t add_slot();
  void kill9(std::size_t i);
  void terminate(std::size_t i);

  /// Waits until one member leads and every running member in `among`
  /// (default: all running) names it; returns its index. Throws
  /// std::runtime_error if that does not happen within `timeout`.
  std::size_t wait_for_leader(std::chrono::milliseconds timeout,
                              std::vector<std::size_t> among = {});

  /// Addresses of the members started and not stopped since. Thread-safe
  /// (workload threads call it while the test restarts members).
  std::vector<std::string> running_addresses() const;

  /// The tail of every member's (and agent's) log, for failure messages.
  std::string logs();

  /// PREFIX.(i+1): member i's host, without the port.
  std::string host(std::size_t i) const;

  // -- agents: daemons that run no monitor ------------------------------------------
  //
  // Agent k is "a<k+1>" at PREFIX.(101+k):24007 with its data under
  // root/a<k+1>, started with neither --monitor nor --initial-cluster: it
  // belongs to no cluster until a peer probe adds it.

  /// Adds an agent slot and starts it; returns its index. Waits until it
  /// listens (throws std::runtime_error if it does not within 10 s).
  std::size_t add_agent();
  /// (Re)starts agent k with its data dir and waits until it listens.
  void start_agent(std::size_t k);
  void kill9_agent(std::size_t k);
  std::size_t agent_count() const { return agents_.size(); }
  std::string agent_name(std::size_t k) const {
    return host_names ? agent_host(k) : "a" + std::to_string(k + 1);
  }
  std::string agent_host(std::size_t k) const;
  std::string agent_address(std::size_t k) const;
  daemon_process& agent(std::size_t k) { return *agents_.at(k); }

  /// Waits until something accepts TCP connections at HOST:PORT; false if
  /// nothing does within `timeout`.
  static bool wait_listening(const std::string& address,
                             std::chrono::milliseconds timeout);

private:
  std::string root_;
  std::string prefix_;
  std::size_t initial_;
  int tick_ms_;
  std::vector<std::unique_ptr<daemon_process>> procs_;
  std::vector<std::unique_ptr<daemon_process>> agents_;
  mutable std::mutex live_mu_;
  std::set<std::size_t> live_;
};

/// Client threads writing and reading while the test breaks things.
///
/// Contended keys "k0".."k<keys-1>" get puts, gets and compare-and-swaps,
/// recorded for the linearizability checker; unique keys "u/<thread>/<n>"
/// get one put each, remembered when acknowledged (none may be lost).
class workload {
public:
  /// `targets` is asked for the current member addresses on each reconnect.
  workload(std::function<std::vector<std::string>()> targets, int threads,
           int keys);
  ~workload();

  void start();
  /// Stops and joins the threads.
  void stop();

  /// Time of the last acknowledged write.
  std::chrono::steady_clock::time_point last_write() const;
  std::size_t acknowledged() const { return ok_; }
  std::size_t unknown() const { return unknown_; }

  /// Acknowledged unique keys.
  std::set<std::string> acked_unique() const;
  /// The history of the contended keys (after stop()).
  std::vector<kv_op> history() const { return history_.ops(); }
  /// Records a final read of every contended key through `address`.
  void final_reads(const std::string& address);

private:
  void run(int id);

  std::function<std::vector<std::string>()> targets_;
  int threads_;
  int keys_;
  std::atomic<bool> stop_{false};
  std::vector<std::thread> workers_;
  history_recorder history_;
  mutable std::mutex mu_;
  std::set<std::string> acked_unique_;
  std::atomic<std::int64_t> last_write_ns_{0};
  std::atomic<std::size_t> ok_{0};
  std::atomic<std::size_t> unknown_{0};
};

} // namespace gd::test
