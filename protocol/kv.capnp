@0x8c251febeaa276eb;
# The client KV API of the monitor cluster (etcd v3 semantics). Business
# outcomes are result unions (ok | failure); exceptions mean a broken
# connection or a bug, never a refused request. Add fields, never renumber.

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("gd::proto::schema");

using Records = import "records.capnp";

# Where the leader is, as far as the replying daemon knows.
struct LeaderHint {
  id @0 :UInt64;          # member id; 0 = unknown
  name @1 :Text;          # member name
  address @2 :Text;       # "HOST:PORT"; empty = unknown
}

# Why a request failed. Every case except unknownOutcome and failed means
# nothing changed.
struct Failure {
  message @0 :Text;       # for humans: what failed and why
  leader @1 :LeaderHint;  # the leader, if known (always set for notLeader)
  union {
    notLeader @2 :Void;       # retry at `leader`
    invalid @3 :Void;         # the request is wrong
    noQuorum @4 :Void;        # no leader, or the leader lost its quorum
    unknownOutcome @5 :Void;  # proposed, fate unknown: may or may not apply
    timeout @6 :Void;         # a read was not confirmed in time
    compacted @7 :Int64;      # history gone through this revision
    busy @8 :Void;            # overloaded or leadership moving; retry
    noSpace @9 :Void;         # the state store is (almost) full
    failed @10 :Void;         # internal failure (e.g. disk); see message
    notFound @11 :Void;       # the named object does not exist
    exists @12 :Void;         # the object to create exists already
  }
}

struct KeyValue {
  key @0 :Data;
  value @1 :Data;
  createRevision @2 :Int64;   # revision of the write that created it
  modRevision @3 :Int64;      # revision of its last write
  version @4 :Int64;          # writes since creation (1 after the first)
}

struct RangeResponse {
  headerRevision @0 :Int64;   # store revision the read saw
  kvs @1 :List(KeyValue);
  more @2 :Bool;              # the limit left keys out
  count @3 :Int64;            # keys in the range (ignores the limit)
}

struct PutResponse {
  headerRevision @0 :Int64;   # revision of this write
  hasPrevKv @1 :Bool;         # prevKv is set (prevKv requested, key existed)
  prevKv @2 :KeyValue;
}

struct DeleteResponse {
  headerRevision @0 :Int64;
  deleted @1 :Int64;          # number of keys deleted
  prevKvs @2 :List(KeyValue); # the deleted keys, if requested
}

struct ResponseOp {
  union {
    range @0 :RangeResponse;
    put @1 :PutResponse;
    delete @2 :DeleteResponse;
  }
}

struct TxnResponse {
  headerRevision @0 :Int64;
  succeeded @1 :Bool;         # the compares held: `success` ran
  responses @2 :List(ResponseOp);
}

struct CompactResponse {
  headerRevision @0 :Int64;
}

struct PutResult { union { ok @0 :PutResponse; failure @1 :Failure; } }
struct RangeResult { union { ok @0 :RangeResponse; failure @1 :Failure; } }
struct DeleteResult { union { ok @0 :DeleteResponse; failure @1 :Failure; } }
struct TxnResult { union { ok @0 :TxnResponse; failure @1 :Failure; } }
struct CompactResult { union { ok @0 :CompactResponse; failure @1 :Failure; } }

struct WriteOptions {
  timeoutMs @0 :UInt32;       # give up (unknownOutcome) after this; 0 = 10 s
  hops @1 :UInt8;             # times daemons forwarded it (clients send 0)
}

struct ReadOptions {
  serializable @0 :Bool;      # local, possibly stale read (no quorum needed)
  timeoutMs @1 :UInt32;       # 0 = 10 s
  hops @2 :UInt8;             # times daemons forwarded it (clients send 0)
}

struct Event {
  type @0 :Type;
  kv @1 :KeyValue;            # delete: key, and modRevision = the delete's revision
  enum Type {
    put @0;
    delete @1;
  }
}

# Implemented by a watching client.
interface Watcher {
  events @0 (events :List(Event), headerRevision :Int64) -> stream;
  # Events in revision order; a revision is never split across calls.
  canceled @1 (reason :Failure) -> ();
  # The watch ended (e.g. compacted history, or the watcher fell too far
  # behind); resume with a new watch from the last revision seen + 1.
}

# A running watch. Dropping every reference to it cancels the watch.
interface WatchHandle {
  cancel @0 () -> ();
}

struct WatchStarted {
  handle @0 :WatchHandle;
  headerRevision @1 :Int64;   # store revision when the watch started
}

struct WatchResult { union { ok @0 :WatchStarted; failure @1 :Failure; } }

interface Kv {
  put @0 (request :Records.PutRequest, options :WriteOptions) -> (result :PutResult);
  range @1 (request :Records.RangeRequest, options :ReadOptions) -> (result :RangeResult);
  delete @2 (request :Records.DeleteRequest, options :WriteOptions) -> (result :DeleteResult);
  txn @3 (request :Records.TxnRequest, options :WriteOptions) -> (result :TxnResult);
  compact @4 (revision :Int64, options :WriteOptions) -> (result :CompactResult);
  watch @5 (range :Records.KeyRange, startRevision :Int64, watcher :Watcher)
        -> (result :WatchResult);
  # startRevision 0: only future events. Watches are served by the daemon
  # asked (not linearizable, like etcd's), in revision order.
}
