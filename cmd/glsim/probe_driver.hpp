#pragma once

// Admits a fleet of servers into the pool: Cluster.peerProbe(HOST) through
// the monitors (spread over all of them, one connection to each), with a
// bounded number of probes in flight, retrying failed ones. Asynchronous,
// on the caller's KJ event loop (glsim's, which also hosts the agents the
// monitors call back during each probe).

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <kj/async-io.h>

namespace gd::rpc {
class peer_pool;
}

namespace gd::glsim {

struct probe_settings {
  /// Probes in flight at once.
  std::size_t parallel = 64;
  /// A probe not answered within this long counts as failed (and is
  /// retried).
  std::chrono::milliseconds call_timeout{30000};
  /// Attempts per host before it is given up.
  int attempts = 5;
  /// Wait before retrying a failed probe.
  std::chrono::milliseconds retry_delay{500};
};

class probe_driver {
public:
  /// Called once per host: "" if it was admitted, else the last error.
  using on_result = std::function<void(std::size_t index, const std::string& error)>;

  /// `io` must outlive the driver. `monitors`: HOST:PORT of the monitors.
  probe_driver(kj::AsyncIoContext& io, std::vector<std::string> monitors,
               probe_settings settings);
  ~probe_driver();
  probe_driver(const probe_driver&) = delete;
  probe_driver& operator=(const probe_driver&) = delete;

  /// Called just before a host's first probe: "" if it is ready to be
  /// probed, else why not (then it is not probed, and that is its result).
  using on_prepare = std::function<std::string(std::size_t index)>;

  /// Probes every host of `hosts` (by index) and calls `done` for each as
  /// its probe ends. The promise resolves once every host has a result.
  /// Never rejects. The driver must outlive the promise.
  kj::Promise<void> admit(std::vector<std::string> hosts, on_prepare prepare,
                          on_result done);

  /// Probes that ended with an error and were retried.
  std::size_t retries() const { return retries_; }
  /// The error of the last probe retried ("" if none).
  const std::string& last_retry_error() const { return last_retry_error_; }

private:
  kj::Promise<void> worker();
  kj::Promise<std::string> probe_once(std::size_t index, int attempt);
  kj::Promise<void> probe_host(std::size_t index, int attempt);

  kj::AsyncIoContext& io_;
  std::vector<std::string> monitors_;
  probe_settings settings_;
  std::unique_ptr<rpc::peer_pool> pool_;
  std::vector<std::string> hosts_;
  on_prepare prepare_;
  on_result done_;
  std::size_t next_ = 0;
  std::size_t retries_ = 0;
  std::string last_retry_error_;
};

} // namespace gd::glsim
