#pragma once

// How glcli prints the pool: gluster's `peer status` and `pool list`
// layouts and their --json documents (field names after gluster's --xml
// elements; shapes in cmd/glcli/README.md). Pure functions: no I/O.

#include <string>
#include <vector>

#include "protocol/cluster_views.hpp"

namespace gd::glcli {

/// `peer status`: "Number of Peers: N", then per peer a blank line and
/// Hostname, Uuid, State: Peer in Cluster (Connected|Disconnected). Like
/// gluster it lists the other peers, not the daemon asked (self).
std::string peer_status_text(const std::vector<cluster::peer_info>& peers);
/// {"peer":[{"uuid","hostname","addresses","connected","state","stateStr",
/// "monitor","zone"}]} (the other peers, as the text form).
std::string peer_status_json(const std::vector<cluster::peer_info>& peers);

/// `pool list`: gluster's UUID / Hostname / State table, the other peers
/// first, then the daemon asked as "localhost".
std::string pool_list_text(const std::vector<cluster::peer_info>& peers);
/// {"peer":[...]} as peer_status_json plus the daemon asked (hostname
/// "localhost", "self":true) last; every entry has "self".
std::string pool_list_json(const std::vector<cluster::peer_info>& peers);

} // namespace gd::glcli
