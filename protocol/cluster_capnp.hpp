#pragma once

// Converts the Cluster API's messages (cluster.capnp, records.capnp
// ClusterCommand) to and from the plain values of cluster_types.hpp and
// cluster_views.hpp. Readers validate: a bad enum, type or status name
// throws gd::proto::decode_error naming it.

#include "protocol/cluster.capnp.h"
#include "protocol/cluster_views.hpp"
#include "protocol/records.capnp.h"
#include "protocol/records_codec.hpp"

namespace gd::proto {

void to_capnp(const cluster::command& c, schema::ClusterCommand::Builder b);
cluster::command from_capnp(schema::ClusterCommand::Reader r);

void to_capnp(const cluster::peer_info& p, schema::PeerInfo::Builder b);
cluster::peer_info from_capnp(schema::PeerInfo::Reader r);

void to_capnp(const cluster::volume_info& v, schema::VolumeInfo::Builder b);
cluster::volume_info from_capnp(schema::VolumeInfo::Reader r);

void to_capnp(const cluster::option_value& o, schema::OptionValue::Builder b);
cluster::option_value from_capnp(schema::OptionValue::Reader r);

void to_capnp(const cluster::change_done& d, schema::ClusterChangeDone::Builder b);
cluster::change_done from_capnp(schema::ClusterChangeDone::Reader r);

void to_capnp(const cluster::role_assignment& r, schema::RoleRecord::Builder b);
/// Throws decode_error for an unknown kind or a missing task or volume.
cluster::role_assignment from_capnp(schema::RoleRecord::Reader r);

void to_capnp(const cluster::volfile& f, schema::Volfile::Builder b);
cluster::volfile from_capnp(schema::Volfile::Reader r);

} // namespace gd::proto
