#pragma once

// The node agent's brick supervision: makes the glusterfsd processes on
// this server match the committed model (the agent's copy, model_mirror).
// Every brick of a started volume placed on this server runs as one
// glusterfsd; the others do not. KJ thread only; no CAF.
//
//  - start: prepare the brick directory (brick_prep: volume-id xattr,
//    .glusterfs), take its port (kept in `state_file` so it survives
//    restarts; the lowest free one from 49152), start glusterfsd;
//  - crash: start it again after a backoff (1 s doubling to 30 s; reset once
//    it ran 30 s);
//  - volume stop: SIGTERM, SIGKILL after the grace period;
//  - volume delete: stop, then release the directory (volume-id xattr
//    removed) so a new volume may use it, and forget the port;
//  - agent restart: bricks whose pid file names a live glusterfsd of the
//    same volfile id are adopted, never started twice;
//  - no copy of the model yet (monitors unreachable since the start): touch
//    nothing. Losing the monitors later changes nothing either: bricks keep
//    running on the last copy.
// What it sees (online, port, pid, last error) goes to the monitors as a
// bricks_observed change whenever it differs from the last one committed.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <kj/async.h>
#include <kj/timer.h>

#include "protocol/cluster_types.hpp"

namespace gd::node {

class model_mirror;

struct supervisor_settings {
  /// This server's peer UUID (bricks placed on it carry it).
  std::string uuid;
  /// This server's name in messages ("HOST" of HOST:/path).
  std::string host;
  /// Where its bricks fetch volfiles and sign in: this daemon.
  std::string volfile_host;
  unsigned volfile_port = 24007;
  /// The address bricks bind ("" = all addresses).
  std::string bind_address;
  std::string glusterfsd = "/usr/sbin/glusterfsd";
  /// Pid files and sockets; brick logs; the port table.
  std::string run_dir;
  std::string log_dir;
  std::string state_file;
  /// glusterd's brick port range.
  unsigned base_port = 49152;
  unsigned max_port = 60999;
  std::chrono::milliseconds poll{500};
  std::chrono::milliseconds backoff_min{1000};
  std::chrono::milliseconds backoff_max{30000};
  /// A brick that ran this long starts its backoff again from the minimum.
  std::chrono::milliseconds healthy_after{30000};
  /// Between SIGTERM and SIGKILL on stop.
  std::chrono::milliseconds stop_grace{10000};
};

class brick_supervisor {
public:
  /// Sends a report to the monitors; resolves true once committed (false:
  /// send it again later). Never rejects.
  using report_fn = std::function<kj::Promise<bool>(cluster::bricks_observed)>;
  using log_fn = std::function<void(const std::string&)>;

  /// `timer` and `mirror` must outlive this object. Reads the port table
  /// (a malformed line is logged and skipped).
  brick_supervisor(kj::Timer& timer, supervisor_settings settings,
                   const model_mirror& mirror, report_fn report, log_fn log);
  ~brick_supervisor();
  brick_supervisor(const brick_supervisor&) = delete;
  brick_supervisor& operator=(const brick_supervisor&) = delete;

  /// Reconciles every poll interval until destroyed. Never rejects.
  kj::Promise<void> run();

  /// The model copy changed: reconcile soon (at the next poll).
  void poke() { poked_ = true; }

  /// The port of this server's brick at `path` while it runs (PORTBYBRICK
  /// for a brick that has not signed in since this daemon started).
  std::optional<unsigned> port_of(const std::string& path) const;

  /// A brick process signed in / out on the management port.
  void signed_in(const std::string& path, unsigned port, std::int64_t pid);
  void signed_out(const std::string& path);

  /// What the last reconcile saw, one entry per brick this server should
  /// run.
  std::vector<cluster::brick_observation> observations() const;

  /// One reconcile pass now (tests and the loop).
  void reconcile();

private:
  struct entry;
  /// Marks the entries the model wants running here (adds new ones);
  /// true if the port table changed.
  bool refresh_desired();
  void load_table();
  void save_table();
  unsigned allocate_port(const std::string& except_key);
  void start(entry& e);
  void on_failure(entry& e, const std::string& why);
  void maybe_report();

  struct quiet : kj::TaskSet::ErrorHandler {
    void taskFailed(kj::Exception&&) override {
      // nop: a report that failed is sent again at the next reconcile
    }
  };

  kj::Timer& timer_;
  supervisor_settings settings_;
  const model_mirror& mirror_;
  report_fn report_;
  log_fn log_;
  /// By "<volume>\t<path>".
  std::map<std::string, entry> entries_;
  bool poked_ = true;
  bool desired_known_ = false;
  /// Ids of the volumes the model has (a brick of another one is released).
  std::set<std::string> existing_volumes_;
  bool reporting_ = false;
  std::optional<cluster::bricks_observed> reported_;
  quiet quiet_;
  /// The report in flight; destroyed (canceled) with the supervisor.
  kj::TaskSet tasks_{quiet_};
};

} // namespace gd::node
