// roles_bench: the role scheduler's optimizer at fleet size (./dev bench
// roles). A synthetic cluster: N servers in Z failure zones, S replica-3
// sets on random distinct servers, a self-heal and a leader task per set.
// Reports the time of a full assignment, of an incremental one after F% of
// the servers failed (the committed holders as the current assignment),
// how many roles moved (must equal the roles the failed servers held), and
// the balance (max/min roles per server, per kind).
//
//   roles_bench [--servers 10000] [--sets 100000] [--zones 20]
//               [--fail-percent 1] [--seed 1]

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <string>

#include "actors/scheduling/optimizer.hpp"
#include "actors/scheduling/role_tasks.hpp"

using namespace gd;
using namespace gd::scheduling;

namespace {

long arg(int argc, char** argv, const char* name, long def) {
  for (int i = 1; i + 1 < argc; ++i)
    if (std::string(argv[i]) == name)
      return std::atol(argv[i + 1]);
  return def;
}

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(
           std::chrono::steady_clock::now() - t0)
    .count();
}

/// max and min roles of `kind` per server over `servers`.
std::pair<long, long> spread(const problem& p, const solution& s,
                             cluster::role_kind kind) {
  std::map<std::string, long> load;
  for (const auto& srv : p.servers)
    load[srv.uuid] = 0;
  for (const auto& t : p.tasks)
    if (t.kind == kind)
      if (auto it = s.holder.find(t.id); it != s.holder.end())
        ++load[it->second];
  long mx = 0, mn = 1L << 40;
  for (const auto& [u, n] : load) {
    mx = std::max(mx, n);
    mn = std::min(mn, n);
  }
  return {mx, mn};
}

} // namespace

int main(int argc, char** argv) {
  const long servers = arg(argc, argv, "--servers", 10000);
  const long sets = arg(argc, argv, "--sets", 100000);
  const long zones = arg(argc, argv, "--zones", 20);
  const long fail_pct = arg(argc, argv, "--fail-percent", 1);
  const long seed = arg(argc, argv, "--seed", 1);
  if (servers < 3 || sets < 1 || zones < 1 || fail_pct < 0 || fail_pct > 50) {
    std::fprintf(stderr, "roles_bench: need --servers >= 3, --sets >= 1, "
                         "--zones >= 1, --fail-percent 0..50\n");
    return 2;
  }
  std::mt19937_64 rng(static_cast<std::uint64_t>(seed));
  problem p;
  char id[32];
  for (long i = 0; i < servers; ++i) {
    std::snprintf(id, sizeof(id), "s%06ld", i);
    p.servers.push_back({id, "z" + std::to_string(i % zones)});
  }
  std::uniform_int_distribution<long> pick(0, servers - 1);
  for (long k = 0; k < sets; ++k) {
    std::set<long> three;
    while (three.size() < 3)
      three.insert(pick(rng));
    std::vector<std::string> eligible;
    for (long s : three)
      eligible.push_back(p.servers[static_cast<std::size_t>(s)].uuid);
    auto vol = "v" + std::to_string(k / 100);
    auto set = static_cast<std::uint32_t>(k % 100);
    for (auto kind : {cluster::role_kind::heal, cluster::role_kind::leader})
      p.tasks.push_back({task_id(kind, vol, set), kind, vol, eligible});
  }

  auto t0 = std::chrono::steady_clock::now();
  auto full = assign(p);
  auto full_ms = ms_since(t0);

  // Fail F% of the servers; the committed assignment is the current one.
  problem q = p;
  for (const auto& [task, holder] : full.holder)
    q.current[task] = holder;
  std::vector<std::string> all;
  for (const auto& s : p.servers)
    all.push_back(s.uuid);
  std::shuffle(all.begin(), all.end(), rng);
  std::set<std::string> failed(all.begin(),
                               all.begin() + servers * fail_pct / 100);
  q.servers.erase(std::remove_if(q.servers.begin(), q.servers.end(),
                                 [&](const server_info& s) {
                                   return failed.count(s.uuid) != 0;
                                 }),
                  q.servers.end());
  long held = 0;
  for (const auto& [task, holder] : full.holder)
    held += failed.count(holder) != 0;
  t0 = std::chrono::steady_clock::now();
  auto inc = assign(q);
  auto inc_ms = ms_since(t0);

  auto [hmax, hmin] = spread(p, full, cluster::role_kind::heal);
  auto [lmax, lmin] = spread(p, full, cluster::role_kind::leader);
  auto [hmax2, hmin2] = spread(q, inc, cluster::role_kind::heal);
  std::printf("servers %ld, replica sets %ld, tasks %zu, zones %ld\n", servers,
              sets, p.tasks.size(), zones);
  std::printf("full assignment:        %9.1f ms  (infeasible %zu; per server: "
              "self-heal max %ld min %ld, leader max %ld min %ld)\n",
              full_ms, full.infeasible.size(), hmax, hmin, lmax, lmin);
  std::printf("after %ld%% failed (%zu):  %9.1f ms  moved %zu, held by the "
              "failed %ld (%s); self-heal max %ld min %ld\n",
              fail_pct, failed.size(), inc_ms, inc.moved, held,
              static_cast<long>(inc.moved) == held ? "equal" : "DIFFERENT",
              hmax2, hmin2);
  return static_cast<long>(inc.moved) == held ? 0 : 1;
}
