#define BOOST_TEST_MODULE sim
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <string>

#include "test/sim/sim_cluster.hpp"

// Seeds: GD_SIM_SEEDS per mix (default 100; `./dev test --seeds N` sets it),
// starting at GD_SIM_SEED_BASE (default 1). GD_SIM_SEED=N runs that one seed
// only, to replay a failure:
//   GD_SIM_SEED=17 build/test/sim/sim_test --run_test=mix_churn

using namespace gd::sim;

namespace {

std::uint64_t env_number(const char* name, std::uint64_t fallback) {
  const char* v = std::getenv(name);
  if (!v || !*v)
    return fallback;
  return std::strtoull(v, nullptr, 10);
}

fault_mix mix_named(const std::string& name) {
  for (auto& m : standard_mixes())
    if (m.name == name)
      return m;
  BOOST_FAIL("no fault mix named " << name);
  return {};
}

void run_mix(const std::string& name) {
  auto mix = mix_named(name);
  auto one = env_number("GD_SIM_SEED", 0);
  auto base = one ? one : env_number("GD_SIM_SEED_BASE", 1);
  auto count = one ? 1 : env_number("GD_SIM_SEEDS", 100);
  std::size_t failed = 0;
  run_result total;
  for (auto seed = base; seed < base + count; ++seed) {
    run_options opts;
    opts.seed = seed;
    opts.mix = mix;
    auto r = run_simulation(opts);
    total.steps += r.steps;
    total.ops_ok += r.ops_ok;
    total.ops_unknown += r.ops_unknown;
    total.leaders_elected += r.leaders_elected;
    total.crashes += r.crashes;
    total.partitions += r.partitions;
    total.snapshots_installed += r.snapshots_installed;
    total.membership_changes += r.membership_changes;
    total.messages_delivered += r.messages_delivered;
    total.messages_dropped += r.messages_dropped;
    total.cluster_ok += r.cluster_ok;
    total.window_crashes += r.window_crashes;
    total.power_cuts += r.power_cuts;
    total.commits_undone += r.commits_undone;
    total.corruptions += r.corruptions;
    total.liveness_proposals += r.liveness_proposals;
    total.agent_deaths += r.agent_deaths;
    total.liveness_ms = std::max(total.liveness_ms, r.liveness_ms);
    if (r.passed())
      continue;
    ++failed;
    std::string why;
    for (const auto& v : r.violations)
      why += "\n  " + v;
    if (r.linearizability.v
        != gd::test::check_result::verdict::linearizable)
      why += "\n  linearizability: "
             + std::string(gd::test::to_string(r.linearizability.v)) + " "
             + r.linearizability.explanation;
    BOOST_ERROR("mix " << name << " seed " << seed << " failed: "
                       << r.summary() << why << "\n  replay: GD_SIM_SEED="
                       << seed << " build/test/sim/sim_test --run_test=mix_"
                       << name);
  }
  std::cout << "sim " << name << ": " << count << " seeds, " << failed
            << " failed; totals: " << total.summary() << std::endl;
}

} // namespace

BOOST_AUTO_TEST_CASE(mix_calm) { run_mix("calm"); }
BOOST_AUTO_TEST_CASE(mix_lossy) { run_mix("lossy"); }
BOOST_AUTO_TEST_CASE(mix_partitions) { run_mix("partitions"); }
BOOST_AUTO_TEST_CASE(mix_crashes) { run_mix("crashes"); }
BOOST_AUTO_TEST_CASE(mix_churn) { run_mix("churn"); }
BOOST_AUTO_TEST_CASE(mix_membership) { run_mix("membership"); }
BOOST_AUTO_TEST_CASE(mix_growth) { run_mix("growth"); }
BOOST_AUTO_TEST_CASE(mix_agents) { run_mix("agents"); }
BOOST_AUTO_TEST_CASE(mix_single) { run_mix("single"); }
BOOST_AUTO_TEST_CASE(mix_pair) { run_mix("pair"); }
BOOST_AUTO_TEST_CASE(mix_corruption) { run_mix("corruption"); }
BOOST_AUTO_TEST_CASE(mix_figure8) { run_mix("figure8"); }

BOOST_AUTO_TEST_CASE(same_seed_same_trace) {
  for (const auto& mix : standard_mixes()) {
    BOOST_TEST_CONTEXT("mix " << mix.name) {
      run_options opts;
      opts.seed = 4242;
      opts.mix = mix;
      auto a = run_simulation(opts);
      auto b = run_simulation(opts);
      BOOST_TEST(a.passed());
      BOOST_TEST(a.trace_hash == b.trace_hash);
      BOOST_TEST(a.steps == b.steps);
      BOOST_TEST(a.summary() == b.summary());
      opts.seed = 4243;
      auto c = run_simulation(opts);
      BOOST_TEST(c.trace_hash != a.trace_hash);
    }
  }
}
