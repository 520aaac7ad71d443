@0xb05dad4f041de634;
# Administration of the monitor ensemble. Add fields, never renumber.

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("gd::proto::schema");

using Records = import "records.capnp";
using Kv = import "kv.capnp";

# A leader's view of another member's replication.
struct PeerProgress {
  id @0 :UInt64;
  voter @1 :Bool;
  match @2 :UInt64;       # the member's log matches through this index
  next @3 :UInt64;        # next index the leader sends
  state @4 :Text;         # "probe", "replicate" or "snapshot"
  recentActive @5 :Bool;  # heard from within the last election timeout
}

# One monitor's view of the ensemble.
struct MonitorStatus {
  id @0 :UInt64;
  name @1 :Text;
  address @2 :Text;
  role @3 :Text;          # "leader", "follower", "candidate", "pre_candidate"
  term @4 :UInt64;
  leader @5 :Kv.LeaderHint;
  commitIndex @6 :UInt64;
  appliedIndex @7 :UInt64;
  lastIndex @8 :UInt64;
  snapshotIndex @9 :UInt64;   # entries through here are compacted
  clusterId @10 :UInt64;
  config @11 :Records.Configuration;
  progress @12 :List(PeerProgress);  # leader only
  revision @13 :Int64;    # KV store revision
}

struct StatusResult { union { ok @0 :MonitorStatus; failure @1 :Kv.Failure; } }

# A member as seen when gathering every member's status.
struct MemberReport {
  member @0 :Records.Member;
  union {
    status @1 :MonitorStatus;
    unreachable @2 :Text;   # why its status could not be read
  }
}

struct ChangeDone {
  index @0 :UInt64;       # log index of the committed configuration
  config @1 :Records.Configuration;
}

struct ChangeResult { union { ok @0 :ChangeDone; failure @1 :Kv.Failure; } }
struct TransferResult { union { ok @0 :Kv.LeaderHint; failure @1 :Kv.Failure; } }

interface Monitor {
  status @0 () -> (result :StatusResult);
  # This daemon's own view (failure: it is not a monitor).
  clusterStatus @1 () -> (members :List(MemberReport));
  # Every member's own view, gathered by this daemon in parallel.
  addMember @2 (member :Records.Member, hops :UInt8) -> (result :ChangeResult);
  # Adds a monitor as a learner; the leader promotes it to voter once it has
  # caught up. Answered once the addition commits.
  removeMember @3 (name :Text, hops :UInt8) -> (result :ChangeResult);
  transferLeader @4 (name :Text, hops :UInt8) -> (result :TransferResult);
  # `hops`: times daemons forwarded the request to the leader (clients
  # send 0); a daemon forwards at most twice, then answers notLeader.
  # Answered once `name` leads (or with a failure).
}
