#pragma once

// Sample volumes and peers for the glcli cluster tests: one volume of each
// kind gluster shows, built the way the daemon answers them.

#include <string>
#include <vector>

#include "protocol/cluster_views.hpp"

namespace gd::test {

/// A volume of `type` with `n` bricks on hosts h1, h2, ... (brick i on
/// h<i % hosts + 1>:/b<i / hosts>), peer UUIDs "uuid-h<k>".
inline cluster::volume_info
sample_volume(const std::string& name, cluster::volume_type type,
              std::uint32_t n, std::uint32_t replica = 1,
              std::uint32_t arbiter = 0, std::uint32_t disperse = 0,
              std::uint32_t redundancy = 0, std::uint32_t hosts = 3) {
  cluster::volume_info info;
  auto& v = info.volume;
  v.id = "00000000-0000-4000-8000-0000000000" + std::to_string(10 + n);
  v.name = name;
  v.type = type;
  v.replica_count = replica;
  v.arbiter_count = arbiter;
  v.disperse_count = disperse;
  v.redundancy_count = redundancy;
  v.status = cluster::volume_status::created;
  for (std::uint32_t i = 0; i < n; ++i) {
    cluster::brick b;
    b.index = i;
    auto host = "h" + std::to_string(i % hosts + 1);
    b.host = host;
    b.peer_uuid = "uuid-" + host;
    b.path = "/b" + std::to_string(i / hosts);
    b.arbiter = arbiter > 0 && replica > 0 && (i + 1) % replica == 0;
    v.bricks.push_back(b);
  }
  info.observed.resize(n);
  return info;
}

inline cluster::volume_info distribute_volume() {
  return sample_volume("dist", cluster::volume_type::distribute, 3);
}

inline cluster::volume_info dist_replicate_volume() {
  auto v = sample_volume("rep", cluster::volume_type::distributed_replicate,
                         6, 3);
  v.volume.status = cluster::volume_status::started;
  v.volume.options = {{"performance.readdir-ahead", "on"},
                      {"cluster.self-heal-daemon", "enable"}};
  return v;
}

inline cluster::volume_info arbiter_volume() {
  return sample_volume("arb", cluster::volume_type::replicate, 3, 3, 1);
}

inline cluster::volume_info disperse_volume() {
  return sample_volume("ec", cluster::volume_type::disperse, 6, 1, 0, 6, 2,
                       6);
}

inline cluster::volume_info dist_disperse_volume() {
  return sample_volume("ec2", cluster::volume_type::distributed_disperse, 12,
                       1, 0, 6, 2, 6);
}

inline cluster::peer_info sample_peer(const std::string& host, bool self,
                                      bool connected) {
  cluster::peer_info p;
  p.peer.uuid = "uuid-" + host;
  p.peer.hostname = host;
  p.peer.addresses = {host + ":24007"};
  p.self = self;
  p.connected = connected;
  return p;
}

/// The pool as 127.1.1.1 (self) sees it: two others, one disconnected
/// (checked in 9.5 s ago), one checked in with monitor m2 0.3 s ago.
inline std::vector<cluster::peer_info> sample_pool() {
  auto up = sample_peer("127.1.1.2", false, true);
  up.last_check_in_ms = 300;
  up.check_in_monitor = "m2";
  auto down = sample_peer("127.1.1.3", false, false);
  down.last_check_in_ms = 9500;
  down.check_in_monitor = "m1";
  return {sample_peer("127.1.1.1", true, true), up, down};
}

} // namespace gd::test
