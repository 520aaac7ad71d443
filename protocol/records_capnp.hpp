#pragma once

// Converts between the plain C++ records (kv_types.hpp, raft_types.hpp) and
// their Cap'n Proto builders and readers. For the RPC layer, which embeds
// these structs in its own messages. Readers are validated: a bad enum or a
// missing union member throws gd::proto::decode_error.

#include "protocol/kv_types.hpp"
#include "protocol/raft_types.hpp"
#include "protocol/records.capnp.h"
#include "protocol/records_codec.hpp"

namespace gd::proto {

void to_capnp(const raft::member& m, schema::Member::Builder b);
raft::member from_capnp(schema::Member::Reader r);

void to_capnp(const raft::configuration& c, schema::Configuration::Builder b);
raft::configuration from_capnp(schema::Configuration::Reader r);

void to_capnp(const kv::range_request& r, schema::RangeRequest::Builder b);
kv::range_request from_capnp(schema::RangeRequest::Reader r);

void to_capnp(const kv::put_request& r, schema::PutRequest::Builder b);
kv::put_request from_capnp(schema::PutRequest::Reader r);

void to_capnp(const kv::delete_request& r, schema::DeleteRequest::Builder b);
kv::delete_request from_capnp(schema::DeleteRequest::Reader r);

void to_capnp(const kv::txn_request& r, schema::TxnRequest::Builder b);
kv::txn_request from_capnp(schema::TxnRequest::Reader r);

void to_capnp(const kv::write_request& r, schema::Command::Builder b);
kv::write_request from_capnp(schema::Command::Reader r);

} // namespace gd::proto
