#include "actors/scheduling/role_tasks.hpp"

#include <algorithm>

namespace gd::scheduling {

std::string task_id(cluster::role_kind kind, const std::string& volume,
                    std::uint32_t set) {
  const char* prefix = kind == cluster::role_kind::heal       ? "heal/"
                       : kind == cluster::role_kind::leader   ? "leader/"
                                                              : "rebalance/";
  return prefix + volume + "/" + std::to_string(set);
}

std::vector<role_task> role_tasks(const std::vector<cluster::volume>& volumes,
                                  const std::map<std::string, cluster::peer>& peers) {
  std::vector<role_task> out;
  auto up = [&peers](const std::string& uuid) {
    auto it = peers.find(uuid);
    return it != peers.end() && !it->second.down;
  };
  for (const auto& v : volumes) {
    if (v.status != cluster::volume_status::started)
      continue;
    bool replicated = v.replica_count > 1;
    bool dispersed = v.disperse_count > 0;
    if (!replicated && !dispersed)
      continue; // plain distribute: nothing to heal, no set to lead
    auto size = std::max<std::uint32_t>(v.group_size(), 1);
    for (std::size_t first = 0; first < v.bricks.size(); first += size) {
      auto set = static_cast<std::uint32_t>(first / size);
      role_task heal;
      heal.id = task_id(cluster::role_kind::heal, v.name, set);
      heal.kind = cluster::role_kind::heal;
      heal.volume = v.name;
      heal.set = set;
      role_task lead = heal;
      lead.id = task_id(cluster::role_kind::leader, v.name, set);
      lead.kind = cluster::role_kind::leader;
      for (std::size_t i = first; i < std::min(first + size, v.bricks.size());
           ++i) {
        const auto& b = v.bricks[i];
        if (b.decommissioned || !up(b.peer_uuid))
          continue;
        auto add = [&b](role_task& t) {
          if (std::find(t.eligible.begin(), t.eligible.end(), b.peer_uuid)
              == t.eligible.end())
            t.eligible.push_back(b.peer_uuid);
        };
        add(heal);
        if (!b.arbiter)
          add(lead);
      }
      out.push_back(std::move(heal));
      if (replicated)
        out.push_back(std::move(lead));
    }
  }
  return out;
}

} // namespace gd::scheduling
