#include "actors/node/monitor_choice.hpp"

#include <algorithm>
#include <cstdint>
#include <tuple>
#include <utility>

#include "store/checksum.hpp"

namespace gd::node {

std::vector<std::string> monitor_order(const std::string& uuid,
                                       std::vector<std::string> monitors) {
  std::sort(monitors.begin(), monitors.end());
  monitors.erase(std::unique(monitors.begin(), monitors.end()), monitors.end());
  std::vector<std::pair<std::uint64_t, std::string>> ranked;
  ranked.reserve(monitors.size());
  for (auto& m : monitors) {
    // why: a separator byte that appears in neither, so ("ab", "c") and
    // ("a", "bc") hash apart.
    ranked.emplace_back(store::xxh3_64(uuid + '\0' + m), std::move(m));
  }
  // Highest weight first; the address breaks (astronomically rare) ties.
  std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    return std::tie(b.first, a.second) < std::tie(a.first, b.second);
  });
  std::vector<std::string> out;
  out.reserve(ranked.size());
  for (auto& r : ranked)
    out.push_back(std::move(r.second));
  return out;
}

} // namespace gd::node
