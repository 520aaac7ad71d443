@0xc3a1f0e5b7d24a69;
# Check-in membership (actors/membership, actors/node): every server's agent
# keeps a lease with one monitor by checking in; monitors share what they
# saw with each other in digests. Add fields, never renumber.

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("gd::proto::schema");

# Proof that the caller holds a key the cluster gave it (see
# actors/membership/credentials.hpp): a server's credential, or the
# monitors' key. Bound to the purpose of the call and to the callee.
struct Proof {
  who @0 :Text;           # a server's peer UUID, or a monitor's member name
  stampUs @1 :Int64;      # caller's wall clock, microseconds since the epoch;
                          # strictly increasing per caller (replay guard)
  target @2 :Text;        # the callee's address, "HOST:PORT"
  mac @3 :Data;           # HMAC-SHA256, 32 bytes
}

struct CheckInReply {
  accepted @0 :Bool;      # false: `error` says why (nothing was recorded)
  error @1 :Text;
  leaseMs @2 :UInt32;     # the lease this check-in granted
  monitors @3 :List(Text);  # HOST:PORT of the cluster's monitors now
  revision @4 :Int64;     # the cluster's config revision as this monitor knows it
  quorum @5 :Bool;        # false: this monitor hears no working leader now
                          # (the check-in still counts; nothing can change)
  monitor @6 :Text;       # the name of the monitor that took it
  down @7 :Bool;          # the cluster has this server committed as down
                          # (it is back; "up" is committed after the damping)
}

# What a monitor learned since its last digest (check-ins it took, and
# those other monitors told it of): each server's last check-in, as an age
# (the receiver's clock is not the sender's).
struct Sighting {
  uuid @0 :Text;
  ageMs @1 :UInt32;       # milliseconds between that check-in and the send
  monitor @2 :Text;       # the monitor that took it
}

interface Membership {
  checkIn @0 (proof :Proof, intervalMs :UInt32) -> (reply :CheckInReply);
  # An agent's check-in (proof purpose "check-in", who = its peer UUID).
  # Answered at once from memory: never written to the Raft log.
  digest @1 (proof :Proof, sightings :List(Sighting), round :UInt64,
             confirm :List(Text)) -> (error :Text, answer :List(Sighting));
  # From another monitor (proof purpose "digest", who = its member name).
  # error: "" if taken. From the leader, `confirm` lists the servers it
  # means to declare down (confirmation round `round`): `answer` holds this
  # monitor's latest sighting of each it has one of.
}
