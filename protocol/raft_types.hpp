#pragma once

// The vocabulary of the Raft ensemble: terms, log positions, members,
// configurations, log entries and peer messages. Plain C++ values: no CAF, no
// Cap'n Proto, no LMDB. The Raft core (actors/raft), the log stores (store/)
// and the wire codecs (actors/rpc) all speak these types.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gd::raft {

/// A Raft term. 0 means "no term yet"; a member's term only grows.
using term_t = std::uint64_t;

/// A position in the replicated log. The first entry has index 1; 0 means
/// "before the first entry".
using log_index = std::uint64_t;

/// Identifies a monitor. Derived from the member's name (member_id_of), so it
/// is stable across restarts and the same on every node. Never 0.
using member_id = std::uint64_t;

/// "No member": used for an absent vote or an unknown leader.
inline constexpr member_id no_member = 0;

/// Returns the id of the member called `name`: a 64-bit hash of the name,
/// never 0. Precondition: `name` is not empty.
member_id member_id_of(std::string_view name);

/// What a log entry carries.
enum class entry_type : std::uint8_t {
  /// An opaque state machine command (protocol/records.capnp `Command`).
  command = 1,
  /// A new cluster configuration (protocol/records.capnp `Configuration`).
  /// Takes effect on every member as soon as it is appended, committed or not.
  config = 2,
  /// Appended by a new leader to commit entries of earlier terms. Carries no
  /// data and does not change the state machine.
  noop = 3,
};

/// Returns "command", "config" or "noop".
const char* to_string(entry_type t);

/// One replicated log entry. `data` is opaque bytes whose meaning depends on
/// `type`. Once an entry is stored at (index, term) it never changes.
struct entry {
  log_index index = 0;
  term_t term = 0;
  entry_type type = entry_type::command;
  std::string data;

  friend bool operator==(const entry& a, const entry& b) {
    return a.index == b.index && a.term == b.term && a.type == b.type
           && a.data == b.data;
  }
  friend bool operator!=(const entry& a, const entry& b) { return !(a == b); }
};

/// A monitor of the ensemble.
struct member {
  member_id id = no_member;
  /// Unique, human-chosen name (e.g. "m1"); `id` is derived from it.
  std::string name;
  /// Where its peers reach it, "HOST:PORT".
  std::string address;

  friend bool operator==(const member& a, const member& b) {
    return a.id == b.id && a.name == b.name && a.address == b.address;
  }
  friend bool operator!=(const member& a, const member& b) { return !(a == b); }
};

/// The membership of the ensemble at one point of the log. Voters elect
/// leaders and count toward commit; learners only receive the log (a new
/// member catches up as a learner and the leader then promotes it).
/// Invariant: a member id appears at most once in voters ∪ learners.
struct configuration {
  std::vector<member> voters;
  std::vector<member> learners;

  bool is_voter(member_id id) const;
  bool is_learner(member_id id) const;
  /// True if `id` is a voter or a learner.
  bool contains(member_id id) const;
  /// Returns the member with `id`, or nullptr. Valid until `*this` changes.
  const member* find(member_id id) const;
  /// Returns the number of voters that make a majority.
  std::size_t quorum() const { return voters.size() / 2 + 1; }
  /// Returns every member id: voters first, then learners.
  std::vector<member_id> all_ids() const;
  /// Returns "" if the invariant holds and every member has an id, a name and
  /// an address; otherwise says what is wrong.
  std::string validate() const;

  friend bool operator==(const configuration& a, const configuration& b) {
    return a.voters == b.voters && a.learners == b.learners;
  }
  friend bool operator!=(const configuration& a, const configuration& b) {
    return !(a == b);
  }
};

/// Describes the log prefix that a snapshot (or compaction) replaced: the
/// state machine state through `index`, whose entry had `term`, and the
/// configuration in force at `index`. index == 0 means "no snapshot".
struct snapshot_meta {
  log_index index = 0;
  term_t term = 0;
  configuration config;

  friend bool operator==(const snapshot_meta& a, const snapshot_meta& b) {
    return a.index == b.index && a.term == b.term && a.config == b.config;
  }
};

/// What a member must persist before it answers: its current term and whom it
/// voted for in that term.
struct hard_state {
  term_t term = 0;
  member_id voted_for = no_member;

  friend bool operator==(const hard_state& a, const hard_state& b) {
    return a.term == b.term && a.voted_for == b.voted_for;
  }
  friend bool operator!=(const hard_state& a, const hard_state& b) {
    return !(a == b);
  }
};

/// The kinds of peer message. Values are part of the wire format (see
/// protocol/raft.capnp): never renumber.
enum class message_type : std::uint8_t {
  /// "Would you vote for me in `term`?" Changes nobody's term (pre-vote).
  pre_vote = 1,
  pre_vote_reply = 2,
  /// "Vote for me in `term`."
  vote = 3,
  vote_reply = 4,
  /// Entries from the leader (empty = heartbeat).
  append = 5,
  append_reply = 6,
  /// "My log starts after `snapshot`: install it." The state machine data is
  /// streamed beside this message by the transport (see raft_actor).
  install_snapshot = 7,
  /// Leadership transfer: "start an election now".
  timeout_now = 8,
  /// Follower asks the leader for a linearizable read index.
  read_index = 9,
  read_index_reply = 10,
  /// Leader liveness and commit propagation, without log matching: carries
  /// commit = min(leader commit, the follower's known match index).
  heartbeat = 11,
  heartbeat_reply = 12,
};

/// Returns the message type's name, e.g. "append_reply".
const char* to_string(message_type t);

/// A Raft peer message. One flat struct for every type (as in etcd/raft); each
/// field says which types use it, others leave it at its default.
struct message {
  message_type type = message_type::append;
  member_id from = no_member;
  member_id to = no_member;
  /// The sender's term. For pre_vote: the term the sender would campaign in.
  /// For a granted pre_vote_reply: the term of the request.
  term_t term = 0;

  /// pre_vote, vote: the candidate's last log position.
  log_index last_log_index = 0;
  term_t last_log_term = 0;
  /// pre_vote, vote: sent because the leader asked (timeout_now), so voters
  /// grant it even while they still hear from that leader.
  bool transfer = false;

  /// *_reply: the request was refused.
  bool reject = false;

  /// append: the position just before `entries`.
  log_index prev_index = 0;
  term_t prev_term = 0;
  /// append: entries prev_index+1, prev_index+2, ... (empty for heartbeats).
  std::vector<entry> entries;
  /// append: the leader's commit index. heartbeat: min(leader's commit,
  /// follower's match index), so it never exceeds what the follower holds.
  log_index commit = 0;

  /// append_reply: if !reject, the follower's log matches the leader's through
  /// `index`; if reject, the prev_index that did not match.
  /// read_index_reply: the read index (valid if !reject).
  log_index index = 0;
  /// append_reply (reject): the follower's last log index and the term of its
  /// entry at min(prev_index, last index), so the leader can skip back a whole
  /// term at once.
  log_index hint_index = 0;
  term_t hint_term = 0;

  /// append, heartbeat and their replies: the leader's heartbeat round,
  /// echoed, so a reply proves leadership for reads registered before that
  /// round (ReadIndex). read_index, read_index_reply: the requester's context.
  std::uint64_t context = 0;

  /// install_snapshot: what the follower's state is replaced with.
  snapshot_meta snapshot;
};

/// Returns a one-line description of `m` for logs and traces.
std::string describe(const message& m);

/// One piece of a state machine snapshot that a leader streams to a follower
/// whose entries were compacted. Stop-and-wait: the next chunk goes after the
/// ack of this one.
struct snapshot_chunk {
  member_id from = no_member;
  member_id to = no_member;
  /// The sender's term when it sent the chunk.
  term_t term = 0;
  /// Unique per transfer from one sender.
  std::uint64_t transfer_id = 0;
  /// What the complete snapshot holds.
  snapshot_meta meta;
  /// Byte offset of `data` in the snapshot file.
  std::uint64_t offset = 0;
  /// Size of the whole file, in bytes.
  std::uint64_t total_size = 0;
  /// XXH3-64 of the whole file.
  std::uint64_t checksum = 0;
  std::string data;
  /// True for the chunk that ends at total_size.
  bool last = false;
};

/// A follower's answer to a snapshot_chunk.
struct snapshot_ack {
  member_id from = no_member;
  member_id to = no_member;
  term_t term = 0;
  std::uint64_t transfer_id = 0;
  /// Bytes received in order so far: the next chunk starts here.
  std::uint64_t next_offset = 0;
  /// The snapshot was received whole and handled.
  bool done = false;
  /// The follower gave up on this transfer (`error` says why).
  bool failed = false;
  std::string error;
};

/// Everything one member sends another in one go.
struct peer_batch {
  member_id from = no_member;
  member_id to = no_member;
  /// Where the sender says it is reached, and its name (filled by the
  /// receiving transport from the link, not carried per batch; empty if
  /// unknown). A member that knows no configuration yet (it just joined)
  /// names its leader from these.
  std::string from_address;
  std::string from_name;
  std::vector<message> messages;
  std::vector<snapshot_chunk> chunks;
  std::vector<snapshot_ack> acks;

  bool empty() const {
    return messages.empty() && chunks.empty() && acks.empty();
  }
};


} // namespace gd::raft
