@0xe096f7a1646716f9;
# The bootstrap interface every glusterd-actor daemon serves on its
# management port (24007): glcli, other daemons and brick processes start
# here. Add methods, never renumber.

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("gd::proto::schema");

using Kv = import "kv.capnp";
using Monitor = import "monitor.capnp";
using Raft = import "raft.capnp";
using Cluster = import "cluster.capnp";
using Membership = import "membership.capnp";
using Brick = import "brick.capnp";

struct NodeInfo {
  name @0 :Text;          # this daemon's name
  id @1 :UInt64;          # member id derived from the name
  address @2 :Text;       # the address peers reach it at, "HOST:PORT"
  clusterId @3 :UInt64;   # 0 until it belongs to a cluster
  monitor @4 :Bool;       # runs a monitor
  version @5 :Text;       # software version
  uuid @6 :Text;          # gluster peer UUID, fixed at the first start
  monitors @7 :List(Text);  # HOST:PORT of the monitors it knows (agents)
}

struct BrickHeal {
  entries @0 :List(Text);
  error @1 :Text;         # "" or why the index could not be read
}

interface Management {
  info @0 () -> (info :NodeInfo);
  kv @1 () -> (kv :Kv.Kv);
  # The KV API. Any daemon serves it: writes go to the leader, reads are
  # linearizable (ReadIndex) unless serializable.
  monitor @2 () -> (monitor :Monitor.Monitor);
  cluster @4 () -> (cluster :Cluster.Cluster);
  # Peers, pool and volumes (glcli's gluster commands).
  raftPeer @3 (clusterId :UInt64, from :UInt64, fromAddress :Text,
               fromName :Text, proof :Membership.Proof) -> (peer :Raft.RaftPeer);
  # For monitors only: the inbox for member `from` of cluster `clusterId`.
  # `fromAddress` is where `from` is reached: a monitor that just joined
  # does not know its peers yet and answers the leader there, and names it
  # (`fromName`) as the leader until it learns the configuration. Refused
  # (exception) if this daemon is not a monitor of that cluster, or if
  # `proof` (purpose "raft link", who = `fromName`, the monitors' key) does
  # not hold.
  adopt @5 (clusterId :UInt64, monitors :List(Text), credential :Data)
      -> (error :Text);
  # Makes this daemon a server of cluster `clusterId` whose monitors are at
  # `monitors` (peer probe, after the pool recorded it), holding
  # `credential` (32 bytes: the key it proves its membership with). Durable
  # when the reply leaves. error: "" if it belongs to that cluster now, else
  # why not (it belongs to another one).
  release @6 (clusterId :UInt64) -> ();
  # Tells this daemon it left cluster `clusterId` (peer detach); ignored if
  # it belongs to another cluster or runs a monitor.
  membership @7 () -> (membership :Membership.Membership);
  # Check-ins and digests (monitors; an agent refuses every call).
  joinInfo @8 (token :Text) -> (clusterId :UInt64, secret :Data, error :Text);
  # For a monitor starting with --join: the cluster secret, given to the
  # holder of a valid join token (glusterd-actor --print-join-token).
  # error: "" or why refused.
  serverSession @9 (proof :Membership.Proof) -> (cluster :Cluster.Cluster);
  checkBricks @10 (volumeId :Text, paths :List(Text), force :Bool)
      -> (errors :List(Text), supervised :Bool);
  # Read-only: may this server use each path as a brick of volume volumeId
  # (glusterd's checks: absolute, creatable, not the root partition or a
  # mount point unless force, not part of another volume)? errors[i] is ""
  # or gluster's message. supervised: false if this server runs no bricks
  # (--bricks off): nothing was checked.
  brick @11 () -> (brick :Brick.BrickApi);
  healInfo @12 (paths :List(Text)) -> (bricks :List(BrickHeal));
  # For each brick path on this server: the entries its self-heal index
  # (.glusterfs/indices/xattrop and dirty) still lists, as gluster's
  # `volume heal VOL info` shows them ("/" or "<gfid:UUID>"), or why not.
  # The brick API (brick.capnp): volfiles, their changes, the portmap.
  # For servers forwarding calls to a monitor: the Cluster API for the
  # admitted server that proved its credential (proof purpose "forwarded
  # call", who = its peer UUID). Refused (exception) if the proof does not
  # hold. Every call an agent forwards goes through such a session.
}
