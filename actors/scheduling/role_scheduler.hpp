#pragma once

// The monitor leader's role scheduler: whenever volumes, bricks or
// membership change (debounced), and every few seconds while its last round
// saw less than the copy holds (a proposal that did not commit, leadership
// just taken; a round with nothing new is skipped), the monitor that leads derives the roles the cluster needs (role_tasks.hpp), computes
// the globally optimal assignment (optimizer.hpp: min-cost flow, balanced,
// sticky, zone-aware) and commits what changed as one roles_assign entry;
// the state machine bumps the epoch (fencing token) of every task whose
// holder changed. Tasks no server can hold are committed with no holder
// (reported by `roles list`, never dropped). Runs on every monitor's KJ
// thread; only the leader's proposes. No CAF beyond asking the Raft actor
// whether it leads.

#include <chrono>
#include <memory>

#include <kj/async.h>

#include "actors/node/model_mirror.hpp"

namespace gd::rpc {
struct rpc_context;
}

namespace gd::scheduling {

struct scheduler_settings {
  /// Wait after a change before a round (changes in between join it).
  std::chrono::milliseconds debounce{300};
  /// A round at least this often (a new leader, a failed proposal).
  std::chrono::milliseconds period{5000};
};

class role_scheduler {
public:
  /// `ctx` must outlive this object; it must be a monitor's.
  role_scheduler(rpc::rpc_context& ctx, scheduler_settings settings);
  ~role_scheduler();

  /// Copies the model and schedules until destroyed. Never rejects.
  kj::Promise<void> run();

  /// Rounds that proposed a change, since start.
  std::uint64_t proposals() const { return proposals_; }

private:
  kj::Promise<void> periodic();
  void poke();
  /// One round: if this monitor leads, assign and propose the changes.
  kj::Promise<void> round();

  rpc::rpc_context& ctx_;
  scheduler_settings settings_;
  std::unique_ptr<node::model_mirror> mirror_;
  /// The copy's change count the last complete round saw while leading
  /// (a round with nothing new to see is skipped: at fleet size a round
  /// costs seconds of CPU).
  std::uint64_t done_changes_ = 0;
  bool done_valid_ = false;
  bool pending_ = false;
  bool running_ = false;
  std::uint64_t proposals_ = 0;
  struct quiet : kj::TaskSet::ErrorHandler {
    void taskFailed(kj::Exception&&) override {
      // nop: a failed round is retried at the next one
    }
  };
  quiet quiet_;
  kj::TaskSet tasks_{quiet_};
};

} // namespace gd::scheduling
