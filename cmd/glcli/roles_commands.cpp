// glcli's `roles` group: the assignments the monitor leader's scheduler
// committed (Cluster.roles), with each holder's hostname and whether it can
// act (Cluster.peers).

#include <ctime>
#include <iomanip>
#include <map>
#include <sstream>

#include "cmd/glcli/cluster_commands.hpp"
#include "cmd/glcli/command_support.hpp"
#include "cmd/glcli/json.hpp"

namespace gd::glcli {

namespace {

/// "YYYY-MM-DD HH:MM:SS" (UTC) of `ms` since the epoch; "-" for 0.
std::string utc(std::int64_t ms) {
  if (ms <= 0)
    return "-";
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

std::string pad(const std::string& s, std::size_t w) {
  return s.size() >= w ? s + " " : s + std::string(w - s.size(), ' ');
}

} // namespace

int roles_list(const global_options& g, const roles_args& a, streams& s) {
  const std::string cmd = "roles list";
  return with_connection(g, s, cmd, false, [&](client::connection& c) {
    auto r = c.roles();
    if (!r.ok())
      return failed(g, s, cmd, r.st, false);
    auto p = c.peers();
    if (!p.ok())
      return failed(g, s, cmd, p.st, false);
    std::map<std::string, const cluster::peer_info*> by_uuid;
    for (const auto& pi : p.value)
      by_uuid[pi.peer.uuid] = &pi;
    struct row {
      const cluster::role_assignment* role;
      std::string holder_name;
      std::string state;
    };
    std::vector<row> rows;
    for (const auto& role : r.value) {
      if (!a.volume.empty() && role.volume != a.volume)
        continue;
      auto it = by_uuid.find(role.holder);
      std::string name = it != by_uuid.end() ? it->second->peer.hostname
                                             : role.holder;
      if (!a.server.empty() && a.server != role.holder && a.server != name)
        continue;
      std::string state;
      if (role.holder.empty())
        state = "no eligible server";
      else if (it == by_uuid.end())
        state = "holder detached";
      else if (it->second->peer.down)
        state = "holder down";
      else
        state = "assigned";
      rows.push_back({&role, role.holder.empty() ? "-" : name, state});
    }
    if (g.json) {
      json_writer w;
      w.begin_object().key("roles").begin_array();
      for (const auto& x : rows) {
        w.begin_object();
        w.field("task", x.role->task);
        w.field("kind", cluster::to_string(x.role->kind));
        w.field("volName", x.role->volume);
        w.field("set", static_cast<std::uint64_t>(x.role->set));
        w.field("holder", x.role->holder);
        w.field("hostname", x.holder_name);
        w.field("epoch", x.role->epoch);
        w.field("sinceMs", x.role->since_ms);
        w.field("state", x.state);
        w.end_object();
      }
      w.end_array().end_object();
      s.out << w.str() << "\n";
      return int{exit_ok};
    }
    if (rows.empty()) {
      s.out << "No roles assigned\n";
      return int{exit_ok};
    }
    std::size_t tw = 6, hw = 8;
    for (const auto& x : rows) {
      tw = std::max(tw, x.role->task.size() + 2);
      hw = std::max(hw, x.holder_name.size() + 2);
    }
    s.out << pad("TASK", tw) << pad("KIND", 11) << pad("HOLDER", hw)
          << pad("EPOCH", 7) << pad("SINCE (UTC)", 21) << "STATE\n";
    for (const auto& x : rows)
      s.out << pad(x.role->task, tw) << pad(cluster::to_string(x.role->kind), 11)
            << pad(x.holder_name, hw) << pad(std::to_string(x.role->epoch), 7)
            << pad(utc(x.role->since_ms), 21) << x.state << "\n";
    return int{exit_ok};
  });
}

} // namespace gd::glcli
