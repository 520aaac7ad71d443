#include "protocol/cluster_types.hpp"
#include "protocol/cluster_views.hpp"

namespace gd::cluster {

const char* to_string(volume_type t) {
  switch (t) {
    case volume_type::distribute:
      return "Distribute";
    case volume_type::replicate:
      return "Replicate";
    case volume_type::disperse:
      return "Disperse";
    case volume_type::distributed_replicate:
      return "Distributed-Replicate";
    case volume_type::distributed_disperse:
      return "Distributed-Disperse";
  }
  return "Unknown";
}

const char* to_string(volume_status s) {
  switch (s) {
    case volume_status::created:
      return "Created";
    case volume_status::started:
      return "Started";
    case volume_status::stopped:
      return "Stopped";
  }
  return "Unknown";
}

bool parse_volume_type(const std::string& s, volume_type& out) {
  for (auto t : {volume_type::distribute, volume_type::replicate,
                 volume_type::disperse, volume_type::distributed_replicate,
                 volume_type::distributed_disperse})
    if (s == to_string(t)) {
      out = t;
      return true;
    }
  return false;
}

bool parse_volume_status(const std::string& s, volume_status& out) {
  for (auto t : {volume_status::created, volume_status::started,
                 volume_status::stopped})
    if (s == to_string(t)) {
      out = t;
      return true;
    }
  return false;
}

std::uint32_t volume::group_size() const {
  if (disperse_count > 0)
    return disperse_count;
  return replica_count > 0 ? replica_count : 1;
}

std::uint32_t volume::subvolume_count() const {
  auto g = group_size();
  return g == 0 ? 0 : static_cast<std::uint32_t>(bricks.size()) / g;
}

std::string parse_brick(const std::string& text, brick_spec& out) {
  // why: split at the first ":/", so IPv6-less hostnames and paths with
  // colons both work ("h:/a:b" is host h, path /a:b).
  auto sep = text.find(":/");
  if (sep == std::string::npos || sep == 0)
    return "Wrong brick type: " + text
           + ", use <HOSTNAME>:<export-dir-abs-path>";
  out.host = text.substr(0, sep);
  out.path = text.substr(sep + 1);
  while (out.path.size() > 1 && out.path.back() == '/')
    out.path.pop_back();
  bool ends_up = out.path.size() >= 3
                 && out.path.compare(out.path.size() - 3, 3, "/..") == 0;
  if (out.path.find("//") != std::string::npos
      || out.path.find("/../") != std::string::npos || ends_up)
    return "Brick path " + out.path + " is not a normalized absolute path";
  if (out.path.size() > 400)
    return "Brick path of " + text + " is longer than 400 bytes";
  return {};
}

const char* command_name(const command& c) {
  struct namer {
    const char* operator()(const peer_add&) const { return "peer probe"; }
    const char* operator()(const peer_remove&) const { return "peer detach"; }
    const char* operator()(const volume_create&) const { return "volume create"; }
    const char* operator()(const volume_start&) const { return "volume start"; }
    const char* operator()(const volume_stop&) const { return "volume stop"; }
    const char* operator()(const volume_delete&) const { return "volume delete"; }
    const char* operator()(const volume_set&) const { return "volume set"; }
    const char* operator()(const volume_reset&) const { return "volume reset"; }
    const char* operator()(const add_brick&) const { return "volume add-brick"; }
    const char* operator()(const remove_brick&) const {
      return "volume remove-brick";
    }
    const char* operator()(const peer_liveness&) const {
      return "peer liveness";
    }
    const char* operator()(const bricks_observed&) const {
      return "bricks observed";
    }
    const char* operator()(const roles_assign&) const {
      return "roles assign";
    }
    const char* operator()(const replace_brick&) const {
      return "volume replace-brick";
    }
  };
  return std::visit(namer{}, c);
}

const char* to_string(role_kind k) {
  switch (k) {
    case role_kind::heal:
      return "self-heal";
    case role_kind::rebalance:
      return "rebalance";
    case role_kind::leader:
      return "leader";
  }
  return "unknown";
}

} // namespace gd::cluster
