#include "actors/membership/lease_table.hpp"

#include <algorithm>

namespace gd::membership {

lease_table::lease_table(lease_options opts) : opts_(opts) {
  // nop
}

void lease_table::set_committed(const std::string& server, liveness state,
                                millis now) {
  auto [it, fresh] = servers_.try_emplace(server);
  auto& e = it->second;
  e.committed = state;
  if (fresh) {
    e.expires = now + opts_.lease;
    e.streak_since = now;
  }
}

void lease_table::forget(const std::string& server) {
  servers_.erase(server);
}

bool lease_table::check_in(const std::string& server, millis at,
                           const std::string& monitor) {
  auto it = servers_.find(server);
  if (it == servers_.end())
    return false;
  auto& e = it->second;
  if (e.last && at <= e.last->at)
    return false;
  // A gap longer than a lease ends the streak: the server bounced.
  if (!e.last || at - e.last->at > opts_.lease)
    e.streak_since = at;
  e.last = sighting{at, monitor};
  e.expires = std::max(e.expires, at + opts_.lease);
  return true;
}

void lease_table::took_leadership(millis now) {
  for (auto& [server, e] : servers_)
    e.expires = std::max(e.expires, now + opts_.lease);
}

std::vector<transition> lease_table::due(millis now) const {
  std::vector<transition> out;
  for (const auto& [server, e] : servers_) {
    if (e.committed == liveness::up) {
      if (now >= e.expires)
        out.push_back({server, liveness::down});
    } else if (e.last && now - e.last->at <= opts_.lease
               && now - e.streak_since >= opts_.up_after) {
      // why: the last check-in itself must be recent, not only the lease
      // (a new leader extends every lease, dead servers' included).
      out.push_back({server, liveness::up});
    }
  }
  return out;
}

std::optional<sighting> lease_table::last_check_in(const std::string& server) const {
  auto it = servers_.find(server);
  if (it == servers_.end())
    return std::nullopt;
  return it->second.last;
}

std::optional<liveness> lease_table::committed(const std::string& server) const {
  auto it = servers_.find(server);
  if (it == servers_.end())
    return std::nullopt;
  return it->second.committed;
}

} // namespace gd::membership
