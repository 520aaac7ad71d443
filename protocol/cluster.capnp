@0x85506d4857553280;
# The cluster surface glcli's peer, pool and volume commands use (see
# protocol/cluster_types.hpp for the model). Changes are single Raft
# proposals validated by the state machine: a failure changed nothing.
# Add fields, never renumber.

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("gd::proto::schema");

using Records = import "records.capnp";
using Kv = import "kv.capnp";

struct PeerInfo {
  uuid @0 :Text;
  hostname @1 :Text;
  addresses @2 :List(Text);   # HOST:PORT of its daemon
  zone @3 :Text;
  monitor @4 :Bool;           # runs a monitor
  connected @5 :Bool;         # committed up (holds a check-in lease)
  self @6 :Bool;              # the daemon that answers this request
  lastCheckInMs @7 :Int64 = -1;  # ms since its last check-in (-1: none seen)
  checkInMonitor @8 :Text;    # the monitor that took it
}

struct OptionValue {
  key @0 :Text;
  value @1 :Text;             # the value in force (set, or the default)
  defaultValue @2 :Text;
  description @3 :Text;
  isSet @4 :Bool;             # set on the volume (or cluster-wide)
}

struct BrickInfo {
  index @0 :UInt32;
  host @1 :Text;
  path @2 :Text;
  peerUuid @3 :Text;
  arbiter @4 :Bool;
  decommissioned @5 :Bool;    # being removed (remove-brick start)
  online @6 :Bool;            # observed: its brick process runs
  port @7 :UInt32;            # observed: TCP port, 0 = N/A
  pid @8 :UInt32;             # observed: process id, 0 = N/A
}

struct VolumeInfo {
  id @0 :Text;
  name @1 :Text;
  type @2 :Text;              # as gluster shows it, e.g. "Distributed-Replicate"
  status @3 :Text;            # "Created", "Started" or "Stopped"
  replicaCount @4 :UInt32;    # bricks per replica set (arbiters included)
  arbiterCount @5 :UInt32;
  disperseCount @6 :UInt32;
  redundancyCount @7 :UInt32;
  transport @8 :Text;
  subvolumeCount @9 :UInt32;  # distribute count
  volfileVersion @10 :UInt64;
  bricks @11 :List(BrickInfo);
  options @12 :List(OptionValue);   # the options set on it
  removeBrickTask @13 :Text;  # UUID of a remove-brick task in progress
}

struct ClusterChangeDone {
  message @0 :Text;           # a note for the success line, may be empty
  revision @1 :Int64;         # the KV revision the change made
  volume @2 :VolumeInfo;      # the volume after the change (volume commands)
  hasVolume @3 :Bool;
}

struct ClusterChangeResult { union { ok @0 :ClusterChangeDone; failure @1 :Kv.Failure; } }
struct PeersResult { union { ok @0 :List(PeerInfo); failure @1 :Kv.Failure; } }
struct VolumesResult { union { ok @0 :List(VolumeInfo); failure @1 :Kv.Failure; } }
struct NamesResult { union { ok @0 :List(Text); failure @1 :Kv.Failure; } }
struct OptionsResult { union { ok @0 :List(OptionValue); failure @1 :Kv.Failure; } }

struct Volfile {
  name @0 :Text;              # volfile id, e.g. "v1" or "v1.127.1.1.2.srv-b1"
  version @1 :UInt64;         # the volume's volfile version
  text @2 :Text;              # GlusterFS volfile text
}

struct VolfileResult { union { ok @0 :Volfile; failure @1 :Kv.Failure; } }
struct RolesResult { union { ok @0 :List(Records.RoleRecord); failure @1 :Kv.Failure; } }

interface Cluster {
  change @0 (command :Records.ClusterCommand, hops :UInt8) -> (result :ClusterChangeResult);
  # volume create/start/stop/delete/set/reset/add-brick/remove-brick/
  # replace-brick. Ids left empty (a new volume's UUID, a remove-brick
  # task's) are chosen by the daemon. `hops`: forwards so far (clients
  # send 0).
  peerProbe @1 (host :Text) -> (result :ClusterChangeResult);
  # Adds the glusterd-actor at HOST[:PORT] (default port 24007) to the pool.
  peerDetach @2 (host :Text, force :Bool) -> (result :ClusterChangeResult);
  peers @3 () -> (result :PeersResult);
  # Every peer, whether its daemon answers now, and which one is asked.
  volumes @4 (name :Text) -> (result :VolumesResult);
  # One volume, or every volume for "" or "all".
  volumeNames @5 () -> (result :NamesResult);
  volumeOptions @6 (name :Text, key :Text) -> (result :OptionsResult);
  # One option, or every option for key "all", with defaults; name "all":
  # the cluster-wide options.
  volfile @7 (name :Text, brick :Text, client :Bool) -> (result :VolfileResult);
  roles @8 () -> (result :RolesResult);
  # Every role the monitor leader assigned (committed), ordered by task.
  # The client volfile (client true, or no brick), or the one of brick
  # "HOST:/path".
}
