#pragma once

// A fake glusterd-actor for the client tests: the real Management, Kv,
// Monitor and Cluster Cap'n Proto interfaces over real TCP on 127.0.0.1,
// served by a KJ event loop on its own thread. The KV part is a small
// in-memory store with etcd semantics (revisions, txn, watches with
// history); the monitor part answers with canned reports; the cluster part
// records every call (and decodes each change's command) and answers with
// canned values. Knobs let a test make the next call fail or never answer.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "cmd/client/client.hpp"
#include "protocol/cluster_types.hpp"
#include "protocol/cluster_views.hpp"
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

  /// While set, KV, monitor and cluster calls are never answered.
  void set_hang(bool hang);
  /// The next KV, monitor or cluster call answers this failure instead.
  void fail_next(gd::status st);
  /// What Monitor.clusterStatus answers.
  void set_reports(std::vector<client::member_report> reports);
  /// Watches currently registered.
  std::size_t watchers() const;
  /// The current store revision.
  std::int64_t revision() const;

  /// What the fake Cluster capability answers.
  struct cluster_answers {
    /// Cluster.change, peerProbe and peerDetach.
    cluster::change_done change;
    /// Cluster.peers.
    std::vector<cluster::peer_info> peers;
    /// Cluster.volumes ("" or "all": every one; else the one named, or
    /// not_found) and volumeNames (their names).
    std::vector<cluster::volume_info> volumes;
    /// Cluster.volumeOptions (key "all": every one; else the one with that
    /// key, or not_found).
    std::vector<cluster::option_value> options;
    /// Cluster.volfile.
    cluster::volfile volfile;
  };
  void set_cluster(cluster_answers a);
  /// Every Cluster call so far, with its arguments: "change hops=0",
  /// "peerProbe h", "peerDetach h force=1", "peers", "volumes all",
  /// "volumeNames", "volumeOptions v1 all", "volfile v1 h:/b client=0".
  std::vector<std::string> cluster_calls() const;
  /// The commands Cluster.change received, decoded.
  std::vector<cluster::command> changes() const;

  struct state;

private:
  std::shared_ptr<state> st_;
  std::thread thread_;
  std::uint16_t port_ = 0;
};

} // namespace gd::test
