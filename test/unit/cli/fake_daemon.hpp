#pragma once

// A fake glusterd-actor for the client tests: the real Management, Kv and
// Monitor Cap'n Proto interfaces over real TCP on 127.0.0.1, served by a KJ
// event loop on its own thread. The KV part is a small in-memory store with
// etcd semantics (revisions, txn, watches with history); the monitor part
// answers with canned reports. Knobs let a test make the next call fail or
// never answer.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "cmd/client/client.hpp"
#include "protocol/status.hpp"

namespace gd::test {

class fake_daemon {
public:
  /// Starts serving on an ephemeral port of 127.0.0.1.
  fake_daemon();
  /// Stops the server thread (closing every connection).
  ~fake_daemon();

  fake_daemon(const fake_daemon&) = delete;
  fake_daemon& operator=(const fake_daemon&) = delete;

  std::uint16_t port() const { return port_; }
  /// "127.0.0.1:PORT".
  std::string address() const;

  /// While set, KV and monitor calls are never answered.
  void set_hang(bool hang);
  /// The next KV or monitor call answers this failure instead.
  void fail_next(gd::status st);
  /// What Monitor.clusterStatus answers.
  void set_reports(std::vector<client::member_report> reports);
  /// Watches currently registered.
  std::size_t watchers() const;
  /// The current store revision.
  std::int64_t revision() const;

  struct state;

private:
  std::shared_ptr<state> st_;
  std::thread thread_;
  std::uint16_t port_ = 0;
};

} // namespace gd::test
