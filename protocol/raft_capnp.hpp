#pragma once

// Converts the peer protocol (raft.capnp) to and from the plain types of
// raft_types.hpp. Readers are validated: an unknown enum value or an entry
// of no known type throws gd::proto::decode_error naming what is wrong.

#include "protocol/raft.capnp.h"
#include "protocol/raft_types.hpp"
#include "protocol/records_codec.hpp"

namespace gd::proto {

void to_capnp(const raft::message& m, schema::Message::Builder b);
raft::message from_capnp(schema::Message::Reader r);

void to_capnp(const raft::snapshot_meta& s, schema::SnapshotMeta::Builder b);
raft::snapshot_meta from_capnp(schema::SnapshotMeta::Reader r);

void to_capnp(const raft::peer_batch& pb, schema::PeerBatch::Builder b);
raft::peer_batch from_capnp(schema::PeerBatch::Reader r);

} // namespace gd::proto
