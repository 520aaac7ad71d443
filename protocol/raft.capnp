@0x97e8348045798cb7;
# The peer protocol between monitors: Raft messages and the snapshot stream.
# Mirrors protocol/raft_types.hpp and actors/raft/raft_messages.hpp. Add
# fields, never renumber; an enum value 0 (unspecified) is always invalid.

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("gd::proto::schema");

using Records = import "records.capnp";

enum EntryType {
  unspecified @0;
  command @1;             # a state machine command (Records.Command)
  config @2;              # a configuration (Records.Configuration)
  noop @3;                # a new leader's first entry
}

struct Entry {
  index @0 :UInt64;       # position in the log; the first entry is 1
  term @1 :UInt64;        # term of the leader that created it
  type @2 :EntryType;
  data @3 :Data;          # payload, meaning depends on type
}

# The log prefix a snapshot replaces.
struct SnapshotMeta {
  index @0 :UInt64;       # last index the snapshot covers
  term @1 :UInt64;        # term of that entry
  config @2 :Records.Configuration;   # configuration in force at index
}

enum MessageType {
  unspecified @0;
  preVote @1;
  preVoteReply @2;
  vote @3;
  voteReply @4;
  append @5;
  appendReply @6;
  installSnapshot @7;     # never sent on the wire: chunks carry snapshots
  timeoutNow @8;
  readIndex @9;
  readIndexReply @10;
  heartbeat @11;
  heartbeatReply @12;
}

# One Raft message; the fields a type does not use stay at their defaults.
struct Message {
  type @0 :MessageType;
  from @1 :UInt64;        # sender's member id
  to @2 :UInt64;          # receiver's member id
  term @3 :UInt64;        # sender's term (preVote: the term it would campaign in)
  lastLogIndex @4 :UInt64;   # (pre)vote: candidate's last log position
  lastLogTerm @5 :UInt64;
  transfer @6 :Bool;      # (pre)vote: caused by a leadership transfer
  reject @7 :Bool;        # replies: refused
  prevIndex @8 :UInt64;   # append: position before the entries
  prevTerm @9 :UInt64;
  entries @10 :List(Entry);  # append: the entries (empty: probe)
  commit @11 :UInt64;     # append, heartbeat: leader's commit index (bounded)
  index @12 :UInt64;      # appendReply: match (ok) or rejected prevIndex; readIndexReply: the index
  hintIndex @13 :UInt64;  # appendReply (reject): follower's last index
  hintTerm @14 :UInt64;   # appendReply (reject): follower's term at min(prevIndex, last)
  context @15 :UInt64;    # heartbeat round (echoed) or read request context
  snapshot @16 :SnapshotMeta;  # installSnapshot only
}

# A piece of a state machine snapshot, streamed stop-and-wait.
struct SnapshotChunk {
  from @0 :UInt64;
  to @1 :UInt64;
  term @2 :UInt64;        # sender's term
  transferId @3 :UInt64;  # unique per transfer from one sender
  meta @4 :SnapshotMeta;  # what the whole snapshot holds
  offset @5 :UInt64;      # byte offset of data in the snapshot file
  totalSize @6 :UInt64;   # file size in bytes
  checksum @7 :UInt64;    # XXH3-64 of the whole file
  data @8 :Data;
  last @9 :Bool;          # this chunk ends the file
}

struct SnapshotAck {
  from @0 :UInt64;
  to @1 :UInt64;
  term @2 :UInt64;
  transferId @3 :UInt64;
  nextOffset @4 :UInt64;  # bytes received in order: send from here
  done @5 :Bool;          # received whole and handled
  failed @6 :Bool;        # the receiver gave up (see error)
  error @7 :Text;
}

# Everything one member sends another in one go.
struct PeerBatch {
  from @0 :UInt64;
  to @1 :UInt64;
  messages @2 :List(Message);
  chunks @3 :List(SnapshotChunk);
  acks @4 :List(SnapshotAck);
}

# A monitor's inbox for one peer (see Management.raftPeer).
interface RaftPeer {
  deliver @0 (batch :PeerBatch) -> ();
  # Queues the batch for this member's Raft actor and returns at once.
  # Raft tolerates loss: the sender may drop batches when too many are in
  # flight. A batch addressed to another member, or malformed, is refused
  # with an exception.
}
