#pragma once

// One simulated server of the fleet simulator: a minimal Management service
// on its own loopback address (info, adopt and release; every other method
// is left unimplemented, so a call to it fails), and, once a monitor adopted
// it, its node agent's check-in (actors/node/checkin_client.hpp) with the
// credential the adoption gave. KJ thread only: thousands of these share
// glsim's one event loop, each with its own check-in connection.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <kj/async-io.h>

#include "actors/membership/credentials.hpp"
#include "actors/node/checkin_client.hpp"

namespace gd::glsim {

/// What the check-ins of one agent need besides its identity.
struct agent_settings {
  std::chrono::milliseconds interval{1000};
  /// Wait before the first check-in after an adoption (spreads the fleet).
  std::chrono::milliseconds first_delay{0};
};

class sim_agent {
public:
  /// Called after every check-in of this agent (KJ thread).
  using observer =
    std::function<void(std::size_t index, const node::checkin_outcome&)>;

  /// `io` must outlive this agent. `ip`: the loopback address it serves on
  /// (port 24007); `uuid`: its peer UUID; `index`: passed to `on_outcome`.
  sim_agent(kj::AsyncIoContext& io, std::size_t index, std::string ip,
            std::string uuid, agent_settings settings, observer on_outcome);
  ~sim_agent();
  sim_agent(const sim_agent&) = delete;
  sim_agent& operator=(const sim_agent&) = delete;

  /// Starts serving Management on IP:24007. Throws std::runtime_error
  /// naming the address if it cannot listen (e.g. out of descriptors).
  void listen();

  /// Stops accepting and closes every connection made to this agent (on a
  /// later turn of the loop). Call it once a probe of it has finished: the
  /// monitors call an agent only during probe and detach.
  void close_listener();

  /// True once a monitor adopted it (it holds a credential).
  bool adopted() const { return adopted_; }

  /// Starts checking in again with the credential it was adopted with
  /// (after stop_checkins); the first check-in leaves after `first_delay`.
  /// Precondition: adopted().
  void start_checkins(std::chrono::milliseconds first_delay);

  /// Destroys its check-in client (the server is "killed": its
  /// connection closes, it never checks in again until start_checkins).
  void stop_checkins();

  bool checking_in() const { return client_ != nullptr; }

  std::size_t index() const { return index_; }
  const std::string& ip() const { return ip_; }
  const std::string& uuid() const { return uuid_; }
  /// "IP:24007".
  const std::string& address() const { return address_; }

  /// Counters of the check-in client in use (zero if none).
  node::checkin_counters counters() const;

private:
  class management;
  struct server_connection;

  /// Management.adopt: "" once it belongs to `cluster_id`, else why not.
  std::string adopt(std::uint64_t cluster_id, std::vector<std::string> monitors,
                    const membership::key& credential);
  kj::Promise<void> accept_loop();
  void take(kj::Own<kj::AsyncIoStream> stream);

  kj::AsyncIoContext& io_;
  std::size_t index_;
  std::string ip_;
  std::string uuid_;
  std::string address_;
  agent_settings settings_;
  observer on_outcome_;

  bool adopted_ = false;
  std::uint64_t cluster_id_ = 0;
  std::vector<std::string> monitors_;
  membership::key credential_{};

  kj::Own<kj::ConnectionReceiver> listener_;
  kj::Promise<void> accepting_ = nullptr;
  std::vector<kj::Own<server_connection>> connections_;
  std::unique_ptr<kj::TaskSet> tasks_;

  std::unique_ptr<node::checkin_client> client_;
  kj::Promise<void> running_ = nullptr;

  friend class management;
};

} // namespace gd::glsim
