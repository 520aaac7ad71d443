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
  }
}
