#pragma once

// Encodes and decodes the cluster model's durable records (records.capnp:
// PeerRecord, VolumeRecord, BrickRecord, ClusterCommand). Decoders validate:
// a bad enum or a missing field throws gd::proto::decode_error.

#include <string>
#include <string_view>
#include <variant>

#include "protocol/cluster_types.hpp"
#include "protocol/kv_types.hpp"
#include "protocol/records_codec.hpp"

namespace gd::proto {

std::string encode_peer(const cluster::peer& p);
cluster::peer decode_peer(std::string_view bytes);

/// The volume's own record: everything but bricks and options.
std::string encode_volume(const cluster::volume& v);
/// Returns the volume with its record fields set (bricks and options empty)
/// and, in `brick_count`, how many bricks it has.
cluster::volume decode_volume(std::string_view bytes, std::uint32_t& brick_count);

std::string encode_brick(const cluster::brick& b);
cluster::brick decode_brick(std::string_view bytes);

/// A server's brick report (/gd/observed/<uuid>).
std::string encode_observation(const cluster::bricks_observed& o);
cluster::bricks_observed decode_observation(std::string_view bytes);

/// A role assignment (/gd/roles/<task>).
std::string encode_role(const cluster::role_assignment& r);
cluster::role_assignment decode_role(std::string_view bytes);

/// What a `command` log entry carries: a KV write or a cluster change.
using log_command = std::variant<kv::write_request, cluster::command>;

std::string encode_command(const log_command& c);
/// Throws decode_error naming what is wrong.
log_command decode_command(std::string_view bytes);

} // namespace gd::proto
