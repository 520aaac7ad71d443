@0xf37d8d76d7f4af0f;
# Durable records: the payloads of replicated log entries, and the KV request
# shapes that the client API (kv.capnp) reuses. Entries written by one version
# are read by every later one: add fields, never renumber or change a field's
# meaning, and give every new union member a new ordinal.

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("gd::proto::schema");

struct Member {
  id @0 :UInt64;        # member id (gd::raft::member_id_of(name)); never 0
  name @1 :Text;        # unique member name, e.g. "m1"
  address @2 :Text;     # where peers reach it, "HOST:PORT"
}

# Payload of a log entry of type `config`: the ensemble membership.
struct Configuration {
  voters @0 :List(Member);     # elect leaders and count toward commit
  learners @1 :List(Member);   # receive the log only; promoted once caught up
}

# Selects `key` alone (rangeEnd empty), [key, rangeEnd), or every key >= key
# (rangeEnd = one NUL byte).
struct KeyRange {
  key @0 :Data;
  rangeEnd @1 :Data;
}

struct RangeRequest {
  range @0 :KeyRange;
  limit @1 :Int64;        # 0 = no limit
  keysOnly @2 :Bool;      # leave values out
  countOnly @3 :Bool;     # return only the count
}

struct PutRequest {
  key @0 :Data;
  value @1 :Data;
  prevKv @2 :Bool;        # return the previous key-value
}

struct DeleteRequest {
  range @0 :KeyRange;
  prevKv @1 :Bool;        # return the deleted key-values
}

enum CompareTarget {
  unspecified @0;         # invalid: rejected when decoded
  value @1;
  version @2;
  createRevision @3;
  modRevision @4;
}

enum CompareResult {
  unspecified @0;         # invalid: rejected when decoded
  equal @1;
  notEqual @2;
  greater @3;
  less @4;
}

struct Compare {
  key @0 :Data;
  target @1 :CompareTarget;
  result @2 :CompareResult;
  value @3 :Data;         # compared when target == value
  number @4 :Int64;       # compared for version / createRevision / modRevision
}

struct RequestOp {
  union {
    range @0 :RangeRequest;
    put @1 :PutRequest;
    delete @2 :DeleteRequest;
  }
}

struct TxnRequest {
  compares @0 :List(Compare);     # all must hold for `success` to run
  success @1 :List(RequestOp);
  failure @2 :List(RequestOp);
}

# Payload of a log entry of type `command`: one replicated write.
struct Command {
  union {
    put @0 :PutRequest;
    delete @1 :DeleteRequest;
    txn @2 :TxnRequest;
    compact @3 :Int64;    # discard watch history of revisions <= this
    cluster @4 :ClusterCommand;   # a change to the cluster model
  }
}

# -- the cluster model (see protocol/cluster_types.hpp) -------------------------
# Stored as values of the KV store under /gd/ (actors/config/cluster_store.hpp),
# one small record per peer, volume and brick.

struct PeerRecord {
  uuid @0 :Text;          # gluster peer UUID, fixed at the daemon's first start
  hostname @1 :Text;      # the name it was probed by; unique in the pool
  addresses @2 :List(Text);  # HOST:PORT of its daemon
  zone @3 :Text;          # failure zone; "" = its own
  monitor @4 :Bool;       # also runs a monitor
  down @5 :Bool;          # committed liveness: its lease expired (check-in membership)
  credentialId @6 :UInt64;  # chosen at admission; its credential is derived from it
}

enum VolumeType {
  unspecified @0;         # invalid
  distribute @1;
  replicate @2;
  disperse @3;
  distributedReplicate @4;
  distributedDisperse @5;
}

enum VolumeStatus {
  unspecified @0;         # invalid
  created @1;
  started @2;
  stopped @3;
}

# A volume without its bricks and options (stored under their own keys).
struct VolumeRecord {
  id @0 :Text;            # UUID
  name @1 :Text;
  type @2 :VolumeType;
  replicaCount @3 :UInt32;    # bricks per replica set, arbiters included
  arbiterCount @4 :UInt32;    # 1: the last brick of each set is an arbiter
  disperseCount @5 :UInt32;   # bricks per disperse set (0: not dispersed)
  redundancyCount @6 :UInt32; # bricks of a disperse set that may fail
  transport @7 :Text;
  status @8 :VolumeStatus;
  volfileVersion @9 :UInt64;  # bumped by every change to a generated volfile
  brickCount @10 :UInt32;
  removeBrickTask @11 :Text;  # UUID of a remove-brick task in progress
}

struct BrickRecord {
  index @0 :UInt32;       # position in the volume
  peerUuid @1 :Text;
  host @2 :Text;          # the peer's hostname, for display
  path @3 :Text;
  arbiter @4 :Bool;
  decommissioned @5 :Bool;  # being removed (remove-brick start)
}

# A role the monitor leader assigned (/gd/roles/<task>): self-heal or
# leadership of one replica/disperse set, rebalance of one subvolume.
struct RoleRecord {
  task @0 :Text;          # "heal/VOL/N", "leader/VOL/N", "rebalance/VOL/N"
  kind @1 :UInt8;         # 1 self-heal, 2 rebalance, 3 leader
  volume @2 :Text;
  set @3 :UInt32;         # the replica/disperse set (subvolume) index
  holder @4 :Text;        # server uuid; "" = no eligible server (infeasible)
  epoch @5 :UInt64;       # fencing token: grows whenever the holder changes
  sinceMs @6 :Int64;      # wall clock (ms since the epoch) the holder got it
}

# What a server's node agent last reported of the brick processes it runs
# (/gd/observed/<uuid>); committed only when it changes.
struct ServerObservation {
  uuid @0 :Text;
  bricks @1 :List(BrickObservation);

  struct BrickObservation {
    volume @0 :Text;
    path @1 :Text;
    online @2 :Bool;        # its glusterfsd runs and signed in
    port @3 :UInt32;        # TCP port, 0 = none
    pid @4 :UInt32;         # process id, 0 = none
    error @5 :Text;         # why it does not run (last failure), "" if none
  }
}

struct BrickSpec {
  host @0 :Text;
  path @1 :Text;
}

# Payload of Command.cluster: one change to the cluster model, validated and
# applied by the state machine in one revision.
struct ClusterCommand {
  union {
    peerAdd @0 :PeerRecord;
    peerRemove @1 :PeerRemove;
    volumeCreate @2 :VolumeCreate;
    volumeStart @3 :VolumeNameForce;
    volumeStop @4 :VolumeNameForce;
    volumeDelete @5 :Text;
    volumeSet @6 :VolumeSet;
    volumeReset @7 :VolumeReset;
    addBrick @8 :AddBrick;
    removeBrick @9 :RemoveBrick;
    replaceBrick @10 :ReplaceBrick;
    peerLiveness @11 :List(LivenessChange);
    bricksObserved @12 :ServerObservation;
    rolesAssign @13 :RolesAssign;
  }

  # The monitor leader's scheduler: the holders it chose (the state machine
  # bumps a task's epoch when its holder changes) and the tasks that are
  # gone. Only monitors propose it.
  struct RolesAssign {
    set @0 :List(RoleRecord);
    remove @1 :List(Text);  # task ids
  }

  # A committed up/down transition, proposed by the monitor leader from the
  # check-in leases (never by a client). A peer detached meanwhile is skipped.
  struct LivenessChange {
    uuid @0 :Text;
    down @1 :Bool;
  }

  struct PeerRemove {
    host @0 :Text;
    force @1 :Bool;
  }

  struct VolumeCreate {
    name @0 :Text;
    id @1 :Text;            # the new volume's UUID, chosen by the proposer
    replicaCount @2 :UInt32;    # 0: not given
    arbiterCount @3 :UInt32;
    disperseCount @4 :UInt32;   # 0: not given
    redundancyCount @5 :UInt32; # 0: not given
    transport @6 :Text;
    bricks @7 :List(BrickSpec);
    force @8 :Bool;
  }

  struct VolumeNameForce {
    name @0 :Text;
    force @1 :Bool;
  }

  struct VolumeSet {
    name @0 :Text;          # "all": cluster-wide
    key @1 :Text;
    value @2 :Text;
  }

  struct VolumeReset {
    name @0 :Text;
    key @1 :Text;           # "": every option
    force @2 :Bool;
  }

  struct AddBrick {
    name @0 :Text;
    replicaCount @1 :UInt32;    # 0: unchanged
    bricks @2 :List(BrickSpec);
    force @3 :Bool;
    arbiterCount @4 :UInt32;    # 1: the added bricks are arbiters (replica 2 -> replica 3 arbiter 1)
  }

  struct RemoveBrick {
    name @0 :Text;
    bricks @1 :List(BrickSpec);
    action @2 :Action;
    taskId @3 :Text;        # start: the task's UUID, chosen by the proposer
    replicaCount @4 :UInt32;    # 0: unchanged; lower: drop a brick from each set (force only)
    enum Action {
      unspecified @0;       # invalid
      start @1;
      stop @2;
      commit @3;
      force @4;
    }
  }

  struct ReplaceBrick {
    name @0 :Text;
    oldBrick @1 :BrickSpec;
    newBrick @2 :BrickSpec;
  }
}
