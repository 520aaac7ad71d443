#pragma once

// Proofs (actors/membership/credentials.hpp) on the wire (Membership.Proof in
// protocol/membership.capnp).

#include "actors/membership/credentials.hpp"
#include "protocol/membership.capnp.h"

namespace gd::membership {

void to_capnp(const proof& p, proto::schema::Proof::Builder b);

/// The proof in `r`. A MAC of the wrong length decodes as all zeroes (it
/// then fails to match, with the usual error).
proof from_capnp(proto::schema::Proof::Reader r);

} // namespace gd::membership
