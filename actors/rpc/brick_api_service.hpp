#pragma once

// The Cap'n Proto door to the node agent's brick service
// (protocol/brick.capnp): the same volfiles and portmap the ONC RPC door
// (onc_door.hpp) serves to GlusterFS processes. KJ thread only.

#include "actors/rpc/rpc_context.hpp"
#include "protocol/brick.capnp.h"

namespace gd::rpc {

/// The BrickApi of the daemon `ctx` is, for a caller at `peer` (for logs).
/// `ctx` must outlive it. A daemon without a brick agent answers every
/// call with an error.
proto::schema::BrickApi::Client make_brick_api(rpc_context& ctx,
                                               std::string peer);

} // namespace gd::rpc
