#pragma once

// What a change made through the Cluster API (a volume command, peer
// probe, peer detach) comes to, shared by the cluster service and pool
// admission (KJ thread).

#include <string>
#include <utility>

#include "actors/rpc/service_support.hpp"
#include "protocol/cluster_views.hpp"

namespace gd::rpc {

struct change_outcome {
  gd::status st;
  cluster::change_done done;
};

/// A change refused with `c` and `msg` (nothing changed unless `c` says
/// otherwise).
inline change_outcome refused(status_code c, std::string msg) {
  return {failure(c, std::move(msg)), {}};
}

/// The host of "HOST:PORT"; `address` itself if it does not parse.
inline std::string host_of(const std::string& address) {
  try {
    return split_address(address).first;
  } catch (const std::invalid_argument&) {
    return address;
  }
}

} // namespace gd::rpc
