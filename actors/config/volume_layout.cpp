#include "actors/config/volume_layout.hpp"

#include <cctype>
#include <set>

namespace gd::cluster {

namespace {

bool is_power_of_two(std::uint32_t x) {
  return x != 0 && (x & (x - 1)) == 0;
}

} // namespace

std::string check_volume_name(const std::string& name) {
  if (name.empty())
    return "Volume name cannot be empty";
  if (name.size() > max_volume_name)
    return "Volume name exceeds " + std::to_string(max_volume_name)
           + " characters.";
  if (name.front() == '-')
    return "Volume name should not start with \"-\"";
  for (auto ch : name)
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '_'
          || ch == '-'))
      return std::string("Volume name should not contain \"") + ch
             + "\" character. Volume names can only contain alphanumeric, "
               "'-' and '_' characters.";
  for (const char* reserved : {"all", "help", "node", "status", "info", "list"})
    if (name == reserved)
      return "\"" + name + "\" cannot be the name of a volume.";
  return {};
}

std::string check_hostname(const std::string& host) {
  if (host.empty())
    return "host name cannot be empty";
  if (host.size() > max_hostname)
    return "host name " + host.substr(0, 32) + "... exceeds "
           + std::to_string(max_hostname) + " characters";
  for (auto ch : host)
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '.'
          || ch == '-' || ch == '_' || ch == ':'))
      return "host name " + host + " contains \"" + std::string(1, ch)
             + "\": use a DNS name or an IP address";
  return {};
}

std::uint32_t default_redundancy(std::uint32_t n) {
  for (std::uint32_t r = (n - 1) / 2; r >= 1; --r)
    if (is_power_of_two(n - r))
      return r;
  return 1;
}

std::string plan_layout(std::uint32_t replica, std::uint32_t arbiter,
                        std::uint32_t disperse, std::uint32_t redundancy,
                        std::size_t bricks, layout& out) {
  if (bricks == 0)
    return "at least one brick is needed";
  if (bricks > max_bricks_per_volume)
    return "a volume can have at most "
           + std::to_string(max_bricks_per_volume) + " bricks ("
           + std::to_string(bricks) + " given)";
  auto n = static_cast<std::uint32_t>(bricks);
  layout l;
  if (replica != 0 && (disperse != 0 || redundancy != 0))
    return "replica and disperse cannot be combined in one volume";
  if (arbiter != 0 && replica == 0)
    return "arbiter needs a replica count: use replica 3 arbiter 1";
  if (replica != 0) {
    if (replica < 2)
      return "replica count should be greater than 1";
    if (arbiter != 0 && (arbiter != 1 || replica != 3))
      return "For arbiter configuration, replica count must be 3 and arbiter "
             "count must be 1. The 3rd brick of the replica will be the "
             "arbiter";
    if (n % replica != 0)
      return "number of bricks (" + std::to_string(n)
             + ") is not a multiple of replica count ("
             + std::to_string(replica) + ")";
    l.replica_count = replica;
    l.arbiter_count = arbiter;
    l.type = n == replica ? volume_type::replicate
                          : volume_type::distributed_replicate;
  } else if (disperse != 0 || redundancy != 0) {
    auto d = disperse != 0 ? disperse : n;
    if (d < 3)
      return "disperse count must be greater than 2";
    auto r = redundancy != 0 ? redundancy : default_redundancy(d);
    if (2 * r >= d)
      return "redundancy must be less than " + std::to_string((d + 1) / 2)
             + " for a disperse " + std::to_string(d) + " volume";
    if (n % d != 0)
      return "number of bricks (" + std::to_string(n)
             + ") is not a multiple of disperse count ("
             + std::to_string(d) + ")";
    l.disperse_count = d;
    l.redundancy_count = r;
    l.type = n == d ? volume_type::disperse
                    : volume_type::distributed_disperse;
  }
  out = l;
  return {};
}

volume_type type_for(const volume& v, std::uint32_t subvolumes) {
  if (v.disperse_count > 0)
    return subvolumes > 1 ? volume_type::distributed_disperse
                          : volume_type::disperse;
  if (v.replica_count > 1)
    return subvolumes > 1 ? volume_type::distributed_replicate
                          : volume_type::replicate;
  return volume_type::distribute;
}

std::string check_distinct_servers(const std::vector<std::string>& peers,
                                   std::uint32_t group_size,
                                   const std::string& kind) {
  if (group_size < 2)
    return {};
  for (std::size_t start = 0; start + group_size <= peers.size();
       start += group_size) {
    std::set<std::string> seen;
    for (std::size_t i = start; i < start + group_size; ++i)
      if (!seen.insert(peers[i]).second)
        return "Multiple bricks of a " + kind
               + " volume are present on the same server. This setup is not "
                 "optimal. Bricks should be on different nodes to have best "
                 "fault tolerant configuration. Use 'force' at the end of the "
                 "command if you want to override this behavior.";
  }
  return {};
}

} // namespace gd::cluster
