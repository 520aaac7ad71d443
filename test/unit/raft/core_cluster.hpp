#pragma once

// A cluster of pure raft::node objects over memory logs and an in-memory
// network, for unit tests of the Raft core (no CAF, no sockets, no clock).
// The harness plays the owner's part exactly as `ready` prescribes (send
// early messages, sync, synced(), send the rest, apply through commit) and
// checks cross-member invariants as it goes.

#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "actors/raft/node.hpp"
#include "store/memory_raft_log.hpp"

namespace gd::test {

class core_cluster {
public:
  /// Members m1..m<n>, all voters, with `base` options (id and seed are set
  /// per member). Nobody is leader yet.
  explicit core_cluster(std::size_t n, raft::node_options base = {});

  std::size_t size() const { return nodes_.size(); }
  raft::node& node(std::size_t i) { return *nodes_.at(i); }
  store::memory_raft_log& log(std::size_t i) { return *logs_.at(i); }
  raft::member_id id(std::size_t i) const;
  raft::member member(std::size_t i) const;
  std::size_t index_of(raft::member_id id) const;

  /// Processes readies and delivers messages until nothing is pending.
  void settle();
  /// Ticks member i `n` times, settling after each tick.
  void tick(std::size_t i, int n = 1);
  /// Ticks every member `n` times, settling after each round.
  void tick_all(int n = 1);
  /// Makes member i campaign (ticks it past its election timeout) and
  /// settles. Returns true if it became leader.
  bool elect(std::size_t i);
  /// The index of the unique member that is leader in the highest term, if
  /// any.
  std::optional<std::size_t> leader() const;

  /// Drops every message between i and j, both ways.
  void cut(std::size_t i, std::size_t j);
  /// Drops every message to and from i.
  void isolate(std::size_t i);
  void heal();
  /// Extra filter: return false to drop a message.
  std::function<bool(const raft::message&)> filter;

  /// Replaces member i by a new node built from what its log synced: it
  /// loses every volatile state (role, commit index, leader).
  void restart(std::size_t i);

  /// Simulates a power cut at the worst moment: member i's pending ready
  /// sends what may leave before the sync (ready::early), then the member
  /// dies before syncing and restarts from what its log had synced.
  void crash_before_sync(std::size_t i);

  /// Adds a new member (not in anyone's configuration) with an empty log.
  std::size_t add_blank_member(const std::string& name);

  /// Proposes `data` on member i and settles.
  raft::propose_outcome propose(std::size_t i, const std::string& data);

  /// Entries each member applied, in order (snapshots replace the prefix).
  const std::vector<raft::entry>& applied(std::size_t i) const {
    return applied_.at(i);
  }
  raft::log_index applied_index(std::size_t i) const {
    return applied_index_.at(i);
  }
  /// Reads each member's ready reported, and read contexts that failed.
  std::vector<raft::read_state> reads(std::size_t i) const {
    return reads_.at(i);
  }
  std::vector<std::uint64_t> failed_reads(std::size_t i) const {
    return failed_reads_.at(i);
  }
  /// Every message delivered, in order.
  const std::vector<raft::message>& delivered() const { return delivered_; }
  void clear_delivered() { delivered_.clear(); }

  /// Node invariants plus: at most one leader per term (ever seen), and
  /// every two members' applied entries agree at every index. Empty = ok.
  std::vector<std::string> check_invariants() const;

private:
  void process(std::size_t i);
  void enqueue(const raft::message& m);
  bool link_up(raft::member_id a, raft::member_id b) const;

  raft::node_options base_;
  std::vector<std::unique_ptr<store::memory_raft_log>> logs_;
  std::vector<std::unique_ptr<raft::node>> nodes_;
  std::vector<raft::member> members_;
  std::deque<raft::message> net_;
  std::vector<std::pair<raft::member_id, raft::member_id>> cuts_;
  std::vector<std::vector<raft::entry>> applied_;
  std::vector<raft::log_index> applied_index_;
  std::vector<std::vector<raft::read_state>> reads_;
  std::vector<std::vector<std::uint64_t>> failed_reads_;
  std::vector<raft::message> delivered_;
  std::map<raft::term_t, raft::member_id> leaders_by_term_;
  std::vector<std::string> violations_;
  std::uint64_t restarts_ = 0;
};

} // namespace gd::test
