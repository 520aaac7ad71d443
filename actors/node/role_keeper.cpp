#include "actors/node/role_keeper.hpp"

namespace gd::node {

std::vector<std::string>
role_keeper::update(const std::vector<cluster::role_assignment>& all) {
  std::vector<std::string> lines;
  std::map<std::string, const cluster::role_assignment*> by_task;
  std::map<std::string, std::uint64_t> now;
  for (const auto& r : all) {
    by_task[r.task] = &r;
    if (r.holder == uuid_)
      now[r.task] = r.epoch;
  }
  for (const auto& [task, epoch] : held_) {
    auto it = now.find(task);
    if (it != now.end() && it->second == epoch)
      continue;
    auto r = by_task.find(task);
    std::string why;
    if (r == by_task.end())
      why = "the task is gone";
    else if (r->second->holder.empty())
      why = "no holder now (epoch " + std::to_string(r->second->epoch) + ")";
    else if (r->second->holder == uuid_)
      why = "taken again at epoch " + std::to_string(r->second->epoch);
    else
      why = "now held by " + r->second->holder + " at epoch "
            + std::to_string(r->second->epoch);
    lines.push_back("gave up " + task + " (epoch " + std::to_string(epoch)
                    + "): " + why);
  }
  for (const auto& [task, epoch] : now) {
    auto it = held_.find(task);
    if (it == held_.end() || it->second != epoch)
      lines.push_back("took " + task + " (epoch " + std::to_string(epoch) + ")");
  }
  held_ = std::move(now);
  return lines;
}

bool role_keeper::holds(const std::string& task, std::uint64_t epoch) const {
  auto it = held_.find(task);
  return it != held_.end() && it->second == epoch;
}

} // namespace gd::node
