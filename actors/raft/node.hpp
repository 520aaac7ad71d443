#pragma once

// The pure Raft core: one ensemble member's consensus logic, with no CAF, no
// sockets and no clock. Inputs come in as method calls (tick, step, propose,
// read_index, ...); outputs accumulate in a `ready` that the owner (the Raft
// actor, or a test) takes, persists and sends. Same inputs, same seed: same
// outputs.
//
// Implements: leader election with randomized timeouts, pre-vote and
// check-quorum; log replication with pipelining (bounded in-flight appends
// per follower) and batching (proposals between two take_ready() calls go out
// together); commit; ReadIndex linearizable reads (on the leader, and
// forwarded from followers); leadership transfer (timeout_now); snapshots for
// followers whose entries were compacted; log compaction; and membership
// changes one server at a time, where a new member joins as a learner and the
// leader promotes it to voter once it has caught up.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "actors/raft/progress.hpp"
#include "protocol/raft_types.hpp"
#include "store/raft_log.hpp"

namespace gd::raft {

/// Tunables of one member. Times are in ticks: the owner calls tick() at a
/// fixed interval (the Raft actor's default is 100 ms per tick).
struct node_options {
  member_id id = no_member;
  /// Base election timeout. A follower that hears nothing from a leader for
  /// a random number of ticks in [election_ticks, 2 * election_ticks)
  /// campaigns. Must be > heartbeat_ticks.
  int election_ticks = 10;
  /// The leader sends heartbeats every heartbeat_ticks.
  int heartbeat_ticks = 1;
  /// Campaign with a pre-vote round first, so a member that was cut off does
  /// not disrupt the ensemble with a higher term when it returns.
  bool pre_vote = true;
  /// The leader steps down if it does not hear from a quorum within an
  /// election timeout, and members ignore vote requests while they hear from
  /// a leader (its lease).
  bool check_quorum = true;
  /// Limits of one append message.
  std::size_t max_append_entries = 1024;
  std::size_t max_append_bytes = 1024 * 1024;
  /// Appends in flight per follower before the leader waits for acks.
  std::size_t max_inflight = 256;
  /// Proposals are refused (busy) while the uncommitted tail of the log
  /// holds more than this many bytes: bounds the log when quorum is lost.
  std::size_t max_uncommitted_bytes = 64 * 1024 * 1024;
  /// Seed of the member's random choices (election timeouts, the ids of
  /// forwarded reads). Must differ between incarnations of a member (draw
  /// it from std::random_device): a restarted member with the same seed
  /// could take a delayed answer meant for its previous life as its own.
  std::uint64_t seed = 1;
};

enum class role : std::uint8_t { follower, pre_candidate, candidate, leader };

/// Returns "follower", "pre_candidate", "candidate" or "leader".
const char* to_string(role r);

/// Why a proposal was refused. Nothing was appended in every case.
enum class propose_errc : std::uint8_t {
  /// This member is not the leader; see leader_hint.
  not_leader = 1,
  /// A leadership transfer is in progress; retry at the new leader.
  transferring,
  /// Too many uncommitted bytes (quorum lost or followers slow).
  busy,
  /// The leader has not yet committed an entry of its term (just elected);
  /// configuration changes must wait for it.
  not_ready,
  /// Another configuration change is not yet committed.
  change_in_progress,
  /// The leader has not heard from a quorum within an election timeout: it
  /// could not commit anything now.
  no_quorum,
  /// The request itself is wrong (see message).
  invalid,
  /// The member to add is in the configuration already (a retry of an add
  /// whose answer was lost finds this).
  exists,
};

/// Returns e.g. "not_leader".
const char* to_string(propose_errc e);

/// The result of propose() and the configuration-change calls.
struct propose_outcome {
  bool ok = false;
  /// If ok: where the entry was appended. It is committed only if the entry
  /// at `index` still has `term` when index is committed.
  log_index index = 0;
  term_t term = 0;
  /// If !ok: why, the leader this member knows of (or no_member), and a
  /// message for humans.
  propose_errc error = propose_errc::not_leader;
  member_id leader_hint = no_member;
  std::string message;
};

/// A linearizable read that may proceed: serve it once the state machine has
/// applied `index`.
struct read_state {
  std::uint64_t context = 0;
  log_index index = 0;
};

/// What the owner must do next, in this order:
///  1. send `early`;
///  2. if must_sync: make the log durable (raft_log::sync), then call
///     node::synced();
///  3. send `messages`;
///  4. if `restored`: the state machine must hold that snapshot's state (the
///     owner installed it before stepping the install_snapshot message);
///  5. apply entries through commit_index; serve `reads` once applied.
struct ready {
  /// Messages that may leave before the sync of step 2: the leader's
  /// appends, heartbeats, snapshots and timeout_now, which claim nothing
  /// about the sender's own disk (the leader counts itself toward commit
  /// only after synced()), and only while the term and vote they were sent
  /// under are durable already.
  std::vector<message> early;
  /// Messages that must wait for the sync: votes, acknowledgements, and
  /// anything sent while the term or vote was changed but not yet synced
  /// (a node must never speak for a term its disk does not know).
  std::vector<message> messages;
  /// The hard state or the log changed since the last ready.
  bool must_sync = false;
  /// Every entry through this index is committed.
  log_index commit_index = 0;
  /// The log was reset to this snapshot (install_snapshot).
  std::optional<snapshot_meta> restored;
  /// Reads confirmed by a quorum (ReadIndex).
  std::vector<read_state> reads;
  /// Contexts of reads that cannot be served here (no leader, lost
  /// leadership): the client should retry.
  std::vector<std::uint64_t> failed_reads;
};

/// True if a message of `m`'s type claims nothing about the sender's own
/// disk: the leader's appends, heartbeats, snapshots and timeout_now. Such a
/// message may leave before the sender's log is synced, provided the term
/// and vote it was sent under are durable (node decides; see ready::early).
bool claims_nothing_durable(const message& m);

/// A leader's view of one member, for status reports.
struct peer_status {
  member_id id = no_member;
  bool voter = false;
  log_index match = 0;
  log_index next = 0;
  progress::state state = progress::state::probe;
  bool recent_active = false;
};

/// One Raft ensemble member. Not thread-safe; owned by one actor or test.
class node {
public:
  /// Resumes from what `log` holds (term, vote, entries, snapshot). The log
  /// must outlive the node; the node is its only writer. Throws
  /// std::invalid_argument if opts are inconsistent, gd::proto::decode_error
  /// if a configuration entry in the log does not parse.
  node(node_options opts, store::raft_log& log);

  // -- inputs ---------------------------------------------------------------

  /// Advances logical time by one tick.
  void tick();

  /// Handles a message from a peer. Messages for another member, from an
  /// unknown term shape, or stale ones are dropped or answered per Raft.
  void step(const message& m);

  /// Appends a state machine command (leader only). The entry goes out with
  /// the next ready (batching).
  propose_outcome propose(std::string data);

  /// Proposes adding `m` as a learner; the leader promotes it to voter once
  /// it has caught up. Leader only; one change at a time.
  propose_outcome propose_add_member(const member& m);

  /// Proposes removing member `id` (voter or learner). A leader that removes
  /// itself keeps leading until the change commits, then steps down.
  propose_outcome propose_remove_member(member_id id);

  /// Asks for a linearizable read index. The answer arrives in a later
  /// ready: in `reads` (with `context`) or in `failed_reads`. On a follower,
  /// the request is forwarded to the leader; if that message is lost the
  /// owner must time the read out.
  void read_index(std::uint64_t context);

  /// Starts handing leadership to voter `target`: proposals are refused until
  /// it takes over or an election timeout passes. Returns "" or an error.
  std::string transfer_leadership(member_id target);

  /// Leader: the snapshot transfer to `peer` finished (ok) or failed.
  void report_snapshot(member_id peer, bool ok);

  /// The owner synced the log: everything appended so far is durable.
  void synced();

  /// Discards log entries through `index`, which the state machine has
  /// applied and made durable. Precondition: snapshot index <= index <=
  /// commit_index().
  void compact(log_index index);

  /// True if an install_snapshot message with this term and metadata would
  /// replace the log: the owner must then install the data into the state
  /// machine before stepping the message.
  bool would_install(term_t term, const snapshot_meta& meta) const;

  // -- outputs --------------------------------------------------------------

  bool has_ready() const;
  /// Takes the pending outputs (see `ready` for what to do with them).
  ready take_ready();

  // -- state ----------------------------------------------------------------

  member_id id() const { return opts_.id; }
  role current_role() const { return role_; }
  term_t term() const { return term_; }
  member_id voted_for() const { return vote_; }
  /// True if the term and vote are on disk (no change since the last
  /// synced()); until then nothing of this term leaves the member.
  bool hard_state_durable() const { return !hard_state_unsynced_; }
  /// The leader this member knows of in its term, or no_member.
  member_id leader() const { return leader_; }
  log_index commit_index() const { return commit_; }
  log_index last_index() const { return log_.last_index(); }
  /// The configuration in force: the latest one in the log, committed or not.
  const configuration& config() const;
  /// The configuration in force at index `i` (snapshot index <= i).
  configuration config_at(log_index i) const;
  /// Index of the latest configuration entry (0: the snapshot's).
  log_index config_index() const;
  /// Leader: the target of a transfer in progress, else no_member.
  member_id transfer_target() const { return transfer_target_; }
  /// Leader: every other member's progress. Empty otherwise.
  std::vector<peer_status> peers() const;
  /// Leader: true if a quorum of voters (itself included) answered within
  /// the last election timeout.
  bool quorum_active() const;
  const node_options& options() const { return opts_; }

  /// Checks the invariants of this member's state (LogCabin style) and
  /// returns a description of each violation: empty means healthy. Tests
  /// call this after every step.
  std::vector<std::string> check_invariants() const;

private:
  // state transitions
  void become_follower(term_t term, member_id leader);
  void become_pre_candidate();
  void become_candidate();
  void become_leader();
  void campaign(bool pre, bool transfer);
  void reset(term_t term);

  // message handlers
  void handle_vote_request(const message& m);
  void handle_vote_reply(const message& m);
  void handle_append(const message& m);
  void handle_append_reply(const message& m);
  void handle_heartbeat(const message& m);
  void handle_heartbeat_reply(const message& m);
  void handle_install_snapshot(const message& m);
  void handle_timeout_now();
  void handle_read_index(const message& m);
  void handle_read_index_reply(const message& m);

  // leader helpers
  /// Sends `to` its next entries (or a snapshot). With allow_empty, sends an
  /// empty append if there is nothing new. Returns true if it sent anything.
  bool send_append(member_id to, bool allow_empty);
  void broadcast_append();
  void broadcast_heartbeat();
  bool maybe_commit();
  void maybe_promote_learners();
  void confirm_reads();
  void fail_pending_reads();
  void fail_forwarded_reads(member_id except_leader);
  void start_read(member_id from, std::uint64_t context);
  void finish_transfer_if_ready(member_id peer);
  propose_outcome refuse(propose_errc e, std::string msg) const;
  propose_outcome check_can_change_config() const;
  propose_outcome append_config(configuration next);

  // log helpers
  void append_entries(std::vector<entry> entries);
  void truncate_from(log_index from);
  void set_hard_state(term_t term, member_id vote);
  void on_config_changed();
  bool log_up_to_date(log_index last_index, term_t last_term) const;
  log_index find_conflict_by_term(log_index index, term_t term) const;
  bool matches(log_index index, term_t term) const;
  bool committed_in_current_term() const;
  bool promotable() const;
  bool in_lease() const;
  void send(message m);
  int random_timeout();
  std::uint64_t next_random();

  node_options opts_;
  store::raft_log& log_;
  std::uint64_t rng_state_;

  role role_ = role::follower;
  term_t term_ = 0;
  member_id vote_ = no_member;
  member_id leader_ = no_member;
  log_index commit_ = 0;
  /// Log index through which the log is durable (see synced()).
  log_index durable_ = 0;
  /// The term or vote changed since the last synced(): until the next sync,
  /// every message waits (ready::messages), whatever its type.
  bool hard_state_unsynced_ = false;

  /// Configuration entries in the log (index -> configuration), ascending.
  std::map<log_index, configuration> configs_;

  /// Ticks since this node was created (leader liveness bookkeeping).
  std::uint64_t ticks_ = 0;
  int election_elapsed_ = 0;
  int heartbeat_elapsed_ = 0;
  int randomized_timeout_ = 0;

  /// Candidate: votes received (true = granted).
  std::map<member_id, bool> votes_;

  /// Leader: progress of every other member.
  std::map<member_id, progress> progress_;
  /// Leader: the commit index when it was elected (for the invariant that
  /// it commits only entries of its term by counting).
  log_index commit_at_election_ = 0;
  member_id transfer_target_ = no_member;
  int transfer_elapsed_ = 0;
  std::size_t uncommitted_bytes_ = 0;
  bool broadcast_pending_ = false;

  /// Leader: heartbeat rounds. A read registered while round_ == r is
  /// confirmed once a quorum acknowledged round r + 1 or later.
  std::uint64_t round_ = 0;
  bool round_needed_ = false;
  struct pending_read {
    member_id from;          // this member, or the follower that asked
    std::uint64_t context;
    log_index index;
    std::uint64_t round;
  };
  std::deque<pending_read> pending_reads_;
  /// Reads waiting for the first commit of this leader's term.
  std::deque<std::pair<member_id, std::uint64_t>> reads_before_commit_;

  /// Follower: reads forwarded to a leader, by the id they carry on the
  /// wire. When the leader changes they fail at once (the old one may be
  /// dead, and its answer would never come).
  struct forwarded_read {
    std::uint64_t context; // the owner's
    member_id leader;
  };
  std::map<std::uint64_t, forwarded_read> forwarded_reads_;
  /// The wire id of the next forwarded read. It starts at a random value
  /// drawn from this incarnation's seed, so a delayed answer meant for a
  /// previous incarnation (whose owner counted its contexts from 1 too)
  /// cannot confirm a read of this one.
  std::uint64_t next_read_id_ = 0;

  // outputs
  ready out_;
};

} // namespace gd::raft
