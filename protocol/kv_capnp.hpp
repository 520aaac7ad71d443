#pragma once

// Converts the client KV API (kv.capnp) to and from the plain types of
// kv_types.hpp and status.hpp.

#include "protocol/kv.capnp.h"
#include "protocol/kv_types.hpp"
#include "protocol/records_codec.hpp"
#include "protocol/status.hpp"

namespace gd::proto {

/// Precondition: !s.ok(). Writes the failure case for s.code.
void to_capnp(const gd::status& s, schema::Failure::Builder b);
/// Returns the status a Failure stands for (never ok).
gd::status from_capnp(schema::Failure::Reader r);

void to_capnp(const leader_hint& h, schema::LeaderHint::Builder b);
leader_hint from_capnp(schema::LeaderHint::Reader r);

void to_capnp(const kv::key_value& kv, schema::KeyValue::Builder b);
kv::key_value from_capnp(schema::KeyValue::Reader r);

void to_capnp(const kv::range_result& r, schema::RangeResponse::Builder b);
kv::range_result from_capnp(schema::RangeResponse::Reader r);

void to_capnp(const kv::put_result& r, schema::PutResponse::Builder b);
kv::put_result from_capnp(schema::PutResponse::Reader r);

void to_capnp(const kv::delete_result& r, schema::DeleteResponse::Builder b);
kv::delete_result from_capnp(schema::DeleteResponse::Reader r);

void to_capnp(const kv::txn_result& r, schema::TxnResponse::Builder b);
kv::txn_result from_capnp(schema::TxnResponse::Reader r);

void to_capnp(const kv::event& e, schema::Event::Builder b);
kv::event from_capnp(schema::Event::Reader r);

} // namespace gd::proto
