#define BOOST_TEST_MODULE support
#include <boost/test/unit_test.hpp>

#include "test/support/linearizability.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using gd::test::check_kv_history;
using gd::test::check_result;
using gd::test::history_recorder;
using gd::test::kv_op;
using gd::test::make_cas;
using gd::test::make_del;
using gd::test::make_get;
using gd::test::make_put;
using gd::test::never;
using verdict = check_result::verdict;
using history = std::vector<kv_op>;
using std::nullopt;

/// Checks `h` and returns the result.
check_result check(const history& h,
                   std::size_t budget = gd::test::default_max_states_per_key) {
  return check_kv_history(h, budget);
}

} // namespace

BOOST_AUTO_TEST_SUITE(linearizability)

// -- accepted histories -------------------------------------------------------

BOOST_AUTO_TEST_CASE(check_empty_history_linearizable) {
  auto r = check({});
  BOOST_TEST(r.v == verdict::linearizable);
  BOOST_TEST(r.key.empty());
}

BOOST_AUTO_TEST_CASE(check_sequential_history_linearizable) {
  history h{
    make_get(1, 0, 1, "k", nullopt),
    make_del(1, 2, 3, "k", 0),
    make_cas(1, 4, 5, "k", std::string("v0"), "x", false),
    make_cas(1, 6, 7, "k", nullopt, "v1", true),
    make_get(2, 8, 9, "k", std::string("v1")),
    make_put(2, 10, 11, "k", "v2"),
    make_cas(1, 12, 13, "k", nullopt, "x", false),
    make_cas(1, 14, 15, "k", std::string("v1"), "x", false),
    make_cas(1, 16, 17, "k", std::string("v2"), "v3", true),
    make_get(3, 18, 19, "k", std::string("v3")),
    make_del(3, 20, 21, "k", 1),
    make_get(3, 22, 23, "k", nullopt),
    make_del(2, 24, 25, "k", 0),
    make_put(2, 26, 27, "k", ""),
    make_get(1, 28, 29, "k", std::string("")),
  };
  auto r = check(h);
  BOOST_TEST_INFO(r.explanation);
  BOOST_TEST(r.v == verdict::linearizable);
  BOOST_TEST(r.states == h.size());
}

BOOST_AUTO_TEST_CASE(check_concurrent_writes_any_order_linearizable) {
  // put v2 may take effect before put v1, which both overlap.
  history h{
    make_put(1, 0, 10, "k", "v1"),
    make_put(2, 5, 15, "k", "v2"),
    make_get(3, 20, 30, "k", std::string("v1")),
    make_get(3, 31, 40, "k", std::string("v1")),
  };
  auto r = check(h);
  BOOST_TEST_INFO(r.explanation);
  BOOST_TEST(r.v == verdict::linearizable);
}

BOOST_AUTO_TEST_CASE(check_read_during_write_sees_old_or_new_linearizable) {
  for (const char* seen : {"v1", "v2"}) {
    history h{
      make_put(1, 0, 10, "k", "v1"),
      make_put(1, 20, 50, "k", "v2"),
      make_get(2, 25, 30, "k", std::string(seen)),
      make_get(3, 35, 40, "k", std::string("v2")),
    };
    auto r = check(h);
    BOOST_TEST_INFO(seen << ": " << r.explanation);
    BOOST_TEST(r.v == verdict::linearizable);
  }
}

BOOST_AUTO_TEST_CASE(check_reads_out_of_call_order_linearizable) {
  // The second get is invoked later but may be linearized first.
  history h{
    make_put(1, 0, 10, "k", "v1"),
    make_put(1, 20, 100, "k", "v2"),
    make_get(2, 30, 90, "k", std::string("v2")),
    make_get(3, 40, 50, "k", std::string("v1")),
  };
  auto r = check(h);
  BOOST_TEST_INFO(r.explanation);
  BOOST_TEST(r.v == verdict::linearizable);
}

BOOST_AUTO_TEST_CASE(check_touching_intervals_concurrent) {
  // ret == call counts as overlap: the get may precede the put.
  history h{
    make_put(1, 0, 10, "k", "v1"),
    make_get(2, 10, 20, "k", nullopt),
  };
  BOOST_TEST(check(h).v == verdict::linearizable);
  h[1].call = 11;
  BOOST_TEST(check(h).v == verdict::not_linearizable);
}

BOOST_AUTO_TEST_CASE(check_many_concurrent_ops_some_order_linearizable) {
  // Ten overlapping puts, then reads that pin down the last one; a
  // concurrent cas chain that only works in one order.
  history h;
  for (int i = 0; i < 10; ++i)
    h.push_back(make_put(i, i, 100 + i, "k", "p" + std::to_string(i)));
  h.push_back(make_get(20, 200, 210, "k", std::string("p3")));
  for (int i = 0; i < 6; ++i) {
    std::string from = i == 0 ? "p3" : "c" + std::to_string(i - 1);
    h.push_back(make_cas(30 + i, 300 + (5 - i), 400, "k", from,
                         "c" + std::to_string(i), true));
  }
  h.push_back(make_get(20, 500, 510, "k", std::string("c5")));
  auto r = check(h);
  BOOST_TEST_INFO(r.explanation);
  BOOST_TEST(r.v == verdict::linearizable);
}

// -- rejected histories -------------------------------------------------------

BOOST_AUTO_TEST_CASE(check_stale_read_after_completed_write_rejected) {
  history h{
    make_put(1, 0, 10, "k", "v1"),
    make_put(1, 20, 30, "k", "v2"),
    make_get(2, 40, 50, "k", std::string("v1")),
  };
  auto r = check(h);
  BOOST_TEST(r.v == verdict::not_linearizable);
  BOOST_TEST(r.key == "k");
  // Stale read of the initial "absent" state.
  history h2{
    make_put(1, 0, 10, "k", "v1"),
    make_get(2, 20, 30, "k", nullopt),
  };
  BOOST_TEST(check(h2).v == verdict::not_linearizable);
}

BOOST_AUTO_TEST_CASE(check_read_of_unwritten_value_rejected) {
  history h{
    make_put(1, 0, 10, "k", "v1"),
    make_get(2, 5, 30, "k", std::string("v9")),
  };
  auto r = check(h);
  BOOST_TEST(r.v == verdict::not_linearizable);
  BOOST_TEST(r.key == "k");
  // A value written only by a failed cas was never the key's value either.
  history h2{
    make_cas(1, 0, 10, "k", std::string("nope"), "v1", false),
    make_get(2, 5, 30, "k", std::string("v1")),
  };
  BOOST_TEST(check(h2).v == verdict::not_linearizable);
}

BOOST_AUTO_TEST_CASE(check_read_of_later_write_rejected) {
  // The get returned before the put that wrote its value was invoked.
  history h{
    make_get(2, 0, 10, "k", std::string("v1")),
    make_put(1, 20, 30, "k", "v1"),
  };
  BOOST_TEST(check(h).v == verdict::not_linearizable);
}

BOOST_AUTO_TEST_CASE(check_sequential_reads_going_backwards_rejected) {
  // Both reads overlap put v2: v2 then v1 means time went backwards.
  history h{
    make_put(1, 0, 10, "k", "v1"),
    make_put(1, 20, 100, "k", "v2"),
    make_get(2, 30, 40, "k", std::string("v2")),
    make_get(3, 50, 60, "k", std::string("v1")),
  };
  auto r = check(h);
  BOOST_TEST(r.v == verdict::not_linearizable);
  // And after put v2 completed, by one client.
  history h2{
    make_put(1, 0, 10, "k", "v1"),
    make_put(1, 20, 30, "k", "v2"),
    make_get(2, 40, 50, "k", std::string("v2")),
    make_get(2, 60, 70, "k", std::string("v1")),
  };
  BOOST_TEST(check(h2).v == verdict::not_linearizable);
}

BOOST_AUTO_TEST_CASE(check_lost_cas_rejected) {
  // Two cas from the same expected value cannot both succeed.
  history h{
    make_put(1, 0, 10, "k", "v0"),
    make_cas(2, 20, 40, "k", std::string("v0"), "a", true),
    make_cas(3, 25, 45, "k", std::string("v0"), "b", true),
  };
  auto r = check(h);
  BOOST_TEST(r.v == verdict::not_linearizable);
  // Same with "create if absent".
  history h2{
    make_cas(2, 20, 40, "k", nullopt, "a", true),
    make_cas(3, 25, 45, "k", nullopt, "b", true),
  };
  BOOST_TEST(check(h2).v == verdict::not_linearizable);
  // One of them failing is fine.
  h2[1].ok = false;
  BOOST_TEST(check(h2).v == verdict::linearizable);
}

BOOST_AUTO_TEST_CASE(check_cas_result_wrong_rejected) {
  // A cas that failed although the key held the expected value.
  history h{
    make_put(1, 0, 10, "k", "v0"),
    make_cas(2, 20, 30, "k", std::string("v0"), "a", false),
  };
  BOOST_TEST(check(h).v == verdict::not_linearizable);
  // A cas that succeeded although the key was absent.
  history h2{
    make_cas(2, 20, 30, "k", std::string("v0"), "a", true),
  };
  BOOST_TEST(check(h2).v == verdict::not_linearizable);
}

BOOST_AUTO_TEST_CASE(check_delete_count_wrong_rejected) {
  // Deleting an absent key deletes nothing.
  history h{make_del(1, 0, 10, "k", 1)};
  BOOST_TEST(check(h).v == verdict::not_linearizable);
  // Deleting a present key deletes it.
  history h2{
    make_put(1, 0, 10, "k", "v1"),
    make_del(1, 20, 30, "k", 0),
  };
  BOOST_TEST(check(h2).v == verdict::not_linearizable);
  // Two deletes of one put cannot both count it.
  history h3{
    make_put(1, 0, 10, "k", "v1"),
    make_del(1, 20, 40, "k", 1),
    make_del(2, 25, 45, "k", 1),
  };
  BOOST_TEST(check(h3).v == verdict::not_linearizable);
  // The key is gone after a delete.
  history h4{
    make_put(1, 0, 10, "k", "v1"),
    make_del(1, 20, 30, "k", 1),
    make_get(2, 40, 50, "k", std::string("v1")),
  };
  BOOST_TEST(check(h4).v == verdict::not_linearizable);
  // A count other than 0 or 1 is never right.
  history h5{
    make_put(1, 0, 10, "k", "v1"),
    make_del(1, 20, 30, "k", 2),
  };
  BOOST_TEST(check(h5).v == verdict::not_linearizable);
}

BOOST_AUTO_TEST_CASE(check_failure_explained) {
  history h{
    make_put(1, 0, 10, "k", "v1"),
    make_put(1, 20, 30, "k", "v2"),
    make_get(2, 40, 50, "k", std::string("v1")),
  };
  auto r = check(h);
  BOOST_TEST(r.v == verdict::not_linearizable);
  const std::string& e = r.explanation;
  BOOST_TEST_INFO(e);
  BOOST_TEST(e.find("no linearization of the 3 operations on key \"k\"")
             != std::string::npos);
  BOOST_TEST(e.find("longest linearizable prefix: 2 operations")
             != std::string::npos);
  BOOST_TEST(e.find("after which the value is \"v2\"") != std::string::npos);
  BOOST_TEST(e.find("#2 c2 [40,50] get(\"k\") -> \"v1\"")
             != std::string::npos);
  BOOST_TEST(e.find("operations on the key in call order:\n"
                    "  #0 c1 [0,10] put(\"k\", \"v1\") -> ok\n")
             != std::string::npos);
}

BOOST_AUTO_TEST_CASE(describe_binary_and_unknown) {
  auto op = make_cas(4, 7, never, std::string("a\0\xff\"", 4), nullopt, "v",
                     true);
  BOOST_TEST(gd::test::describe(op)
             == "c4 [7,never] cas(\"a\\x00\\xff\\\"\", none -> \"v\") -> ?");
  BOOST_TEST(gd::test::describe(make_del(1, 2, 3, "k", 1))
             == "c1 [2,3] del(\"k\") -> 1");
  BOOST_TEST(gd::test::describe(make_get(1, 2, 3, "k", nullopt))
             == "c1 [2,3] get(\"k\") -> none");
}

BOOST_AUTO_TEST_CASE(check_response_before_call_throws) {
  history h{make_put(1, 10, 5, "k", "v")};
  BOOST_CHECK_THROW(check(h), std::invalid_argument);
}

// -- unknown outcomes ---------------------------------------------------------

BOOST_AUTO_TEST_CASE(check_unknown_write_may_appear_or_not) {
  for (const char* seen : {"v1", "v2"}) {
    history h{
      make_put(1, 0, 10, "k", "v1"),
      make_put(2, 20, never, "k", "v2"),
      make_get(3, 30, 40, "k", std::string(seen)),
      make_get(3, 50, 60, "k", std::string(seen)),
    };
    auto r = check(h);
    BOOST_TEST_INFO(seen << ": " << r.explanation);
    BOOST_TEST(r.v == verdict::linearizable);
  }
}

BOOST_AUTO_TEST_CASE(check_unknown_write_may_apply_long_after) {
  // The client gave up, but the write was applied much later.
  history h{
    make_put(1, 0, 10, "k", "v1"),
    make_put(2, 20, never, "k", "v2"),
    make_get(3, 1000, 1010, "k", std::string("v1")),
    make_get(3, 2000, 2010, "k", std::string("v2")),
  };
  BOOST_TEST(check(h).v == verdict::linearizable);
}

BOOST_AUTO_TEST_CASE(check_unknown_write_once_seen_stays_rejected) {
  history h{
    make_put(1, 0, 10, "k", "v1"),
    make_put(2, 20, never, "k", "v2"),
    make_get(3, 30, 40, "k", std::string("v2")),
    make_get(3, 50, 60, "k", std::string("v1")),
  };
  BOOST_TEST(check(h).v == verdict::not_linearizable);
}

BOOST_AUTO_TEST_CASE(check_unknown_write_before_its_call_rejected) {
  history h{
    make_get(3, 0, 10, "k", std::string("v2")),
    make_put(2, 20, never, "k", "v2"),
  };
  BOOST_TEST(check(h).v == verdict::not_linearizable);
}

BOOST_AUTO_TEST_CASE(check_unknown_ops_results_ignored) {
  // Results of unknown ops are not checked, but their effects are.
  auto del = make_del(2, 20, never, "k", 7);
  auto cas = make_cas(3, 30, never, "k", nullopt, "c", false);
  history h{
    make_put(1, 0, 10, "k", "v1"),
    del,
    cas,
    make_get(4, 100, 110, "k", std::string("c")),
    make_get(5, 120, 130, "k", std::string("c")),
    make_get(6, 140, never, "k", std::string("bogus")),
  };
  auto r = check(h);
  BOOST_TEST_INFO(r.explanation);
  BOOST_TEST(r.v == verdict::linearizable);
  // The cas can only have written "c" if the delete came first.
  history h2{make_put(1, 0, 10, "k", "v1"), cas,
             make_get(4, 100, 110, "k", std::string("c"))};
  BOOST_TEST(check(h2).v == verdict::not_linearizable);
}

// -- several keys -------------------------------------------------------------

BOOST_AUTO_TEST_CASE(check_keys_independent_linearizable) {
  // As one register this would be stale; as two keys it is fine.
  history h{
    make_put(1, 0, 10, "a", "1"),
    make_put(1, 20, 30, "b", "2"),
    make_get(2, 40, 50, "a", std::string("1")),
    make_get(2, 60, 70, "b", std::string("2")),
    make_get(2, 80, 90, "c", nullopt),
  };
  auto r = check(h);
  BOOST_TEST_INFO(r.explanation);
  BOOST_TEST(r.v == verdict::linearizable);
}

BOOST_AUTO_TEST_CASE(check_multi_key_failure_names_key) {
  std::string binary("b\0\xff", 3);
  history h{
    make_put(1, 0, 10, "a", "1"),
    make_put(1, 20, 30, binary, "2"),
    make_get(2, 40, 50, "a", std::string("1")),
    make_get(2, 60, 70, binary, nullopt),
    make_put(3, 80, 90, "c", "3"),
  };
  auto r = check(h);
  BOOST_TEST(r.v == verdict::not_linearizable);
  BOOST_TEST(r.key == binary);
  BOOST_TEST_INFO(r.explanation);
  BOOST_TEST(r.explanation.find("key \"b\\x00\\xff\"") != std::string::npos);
}

// -- budget -------------------------------------------------------------------

namespace {

/// Many fully concurrent puts and gets, then a read of a value nobody wrote:
/// refuting it means trying every order of the concurrent ops.
history pathological(int width) {
  history h;
  for (int i = 0; i < width; ++i) {
    h.push_back(make_put(i, 0, 1000, "k", "v" + std::to_string(i)));
    h.push_back(make_get(width + i, 0, 1000, "k",
                         std::string("v" + std::to_string((i * 7) % width))));
  }
  h.push_back(make_get(0, 2000, 2010, "k", std::string("nobody")));
  return h;
}

} // namespace

BOOST_AUTO_TEST_CASE(check_budget_exceeded_unknown) {
  auto h = pathological(40);
  h.push_back(make_get(0, 0, 10, "other", nullopt));
  auto start = std::chrono::steady_clock::now();
  auto r = check(h, 50'000);
  auto took = std::chrono::steady_clock::now() - start;
  BOOST_TEST(r.v == verdict::unknown);
  BOOST_TEST(r.key == "k");
  BOOST_TEST(r.states <= 50'000u + 1 + 1);
  BOOST_TEST_INFO(r.explanation);
  BOOST_TEST(r.explanation.find("gave up on key \"k\"") != std::string::npos);
  // Generous: the point is that it stops, not how fast.
  BOOST_TEST((took < std::chrono::seconds(10)));
}

BOOST_AUTO_TEST_CASE(check_not_linearizable_key_beats_unknown_key) {
  auto h = pathological(40);
  h.push_back(make_del(0, 0, 10, "z", 1));
  auto r = check(h, 10'000);
  BOOST_TEST(r.v == verdict::not_linearizable);
  BOOST_TEST(r.key == "z");
}

BOOST_AUTO_TEST_CASE(check_small_pathological_within_budget_decided) {
  // Narrow enough for the cache to refute every order.
  auto r = check(pathological(8));
  BOOST_TEST(r.v == verdict::not_linearizable);
}

// -- randomized ---------------------------------------------------------------

namespace {

struct gen_options {
  int ops = 300;
  int clients = 8;
  int keys = 3;
  /// Percent of writes whose outcome is unknown.
  int unknown_percent = 3;
  /// Longest operation.
  int max_duration = 20;
};

/// Generates a history that is linearizable by construction: each operation
/// gets a linearization point inside its interval, and the operations are
/// applied to a sequential model in the order of those points to compute
/// their results. Values are unique. Unknown-outcome writes take effect at a
/// point up to 10 durations after their call, or not at all.
history generate(std::uint64_t seed, const gen_options& o) {
  std::mt19937_64 rng(seed);
  auto uniform = [&rng](int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng);
  };
  struct planned {
    kv_op op;
    std::int64_t point;
    bool applies;
  };
  std::vector<planned> plan;
  std::vector<std::int64_t> client_time(o.clients, 0);
  for (int i = 0; i < o.ops; ++i) {
    int c = uniform(0, o.clients - 1);
    kv_op op;
    int roll = uniform(0, 99);
    op.type = roll < 30   ? kv_op::kind::put
              : roll < 65 ? kv_op::kind::get
              : roll < 75 ? kv_op::kind::del
                          : kv_op::kind::cas;
    op.key = "key" + std::to_string(uniform(0, o.keys - 1));
    op.value = "c" + std::to_string(c) + "-" + std::to_string(i);
    op.client = c;
    op.call = client_time[c] + uniform(0, 3);
    std::int64_t ret = op.call + uniform(0, o.max_duration);
    std::int64_t point = uniform(static_cast<int>(op.call),
                                 static_cast<int>(ret));
    bool applies = true;
    op.ret = ret;
    if (op.type != kv_op::kind::get && uniform(0, 99) < o.unknown_percent) {
      op.ret = never;
      applies = uniform(0, 1) == 0;
      point = op.call + uniform(0, 10 * o.max_duration);
    }
    client_time[c] = ret + 1;
    plan.push_back({std::move(op), point, applies});
  }
  std::vector<std::size_t> order(plan.size());
  for (std::size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  std::shuffle(order.begin(), order.end(), rng);
  std::stable_sort(order.begin(), order.end(),
                   [&plan](std::size_t a, std::size_t b) {
                     return plan[a].point < plan[b].point;
                   });
  std::map<std::string, std::string> model;
  std::map<std::string, std::vector<std::string>> written;
  for (auto i : order) {
    auto& p = plan[i];
    auto& op = p.op;
    auto it = model.find(op.key);
    std::optional<std::string> current;
    if (it != model.end())
      current = it->second;
    switch (op.type) {
      case kv_op::kind::put:
        if (p.applies)
          model[op.key] = op.value;
        break;
      case kv_op::kind::get:
        op.got = current;
        break;
      case kv_op::kind::del:
        op.deleted = current ? 1 : 0;
        if (p.applies)
          model.erase(op.key);
        break;
      case kv_op::kind::cas: {
        // Mostly the current value, so that many succeed.
        auto& w = written[op.key];
        int pick = uniform(0, 9);
        if (pick < 6)
          op.expected = current;
        else if (pick < 8 || w.empty())
          op.expected = nullopt;
        else
          op.expected = w[static_cast<std::size_t>(
            uniform(0, static_cast<int>(w.size()) - 1))];
        op.ok = op.expected == current;
        if (op.ok && p.applies)
          model[op.key] = op.value;
        break;
      }
    }
    if (op.type == kv_op::kind::put || op.type == kv_op::kind::cas)
      written[op.key].push_back(op.value);
  }
  history h;
  for (auto& p : plan)
    h.push_back(std::move(p.op));
  return h;
}

/// Indices of the gets of `h` with a known result.
std::vector<std::size_t> known_gets(const history& h) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < h.size(); ++i)
    if (h[i].type == kv_op::kind::get && h[i].has_result())
      out.push_back(i);
  return out;
}

} // namespace

BOOST_AUTO_TEST_CASE(random_linearizable_histories_accepted) {
  gen_options o;
  for (std::uint64_t seed = 1; seed <= 300; ++seed) {
    o.keys = 1 + static_cast<int>(seed % 4);
    o.ops = 50 + static_cast<int>(seed % 7) * 50;
    auto h = generate(seed, o);
    auto r = check(h);
    BOOST_TEST_INFO("seed=" << seed << "\n" << r.explanation);
    BOOST_TEST(r.v == verdict::linearizable);
  }
}

BOOST_AUTO_TEST_CASE(random_read_of_unwritten_value_rejected) {
  gen_options o;
  int mutated = 0;
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    auto h = generate(seed, o);
    auto gets = known_gets(h);
    if (gets.empty())
      continue;
    auto i = gets[seed % gets.size()];
    h[i].got = "never-written";
    ++mutated;
    auto r = check(h);
    BOOST_TEST_INFO("seed=" << seed << " op #" << i);
    BOOST_TEST(r.v == verdict::not_linearizable);
    BOOST_TEST(r.key == h[i].key);
  }
  BOOST_TEST(mutated > 150);
}

BOOST_AUTO_TEST_CASE(random_read_of_future_value_rejected) {
  // A get that returns the value of a write invoked after the get returned.
  gen_options o;
  int mutated = 0;
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    auto h = generate(seed, o);
    auto gets = known_gets(h);
    std::shuffle(gets.begin(), gets.end(), std::mt19937_64(seed));
    bool done = false;
    for (auto g : gets) {
      for (const auto& w : h) {
        if (w.key == h[g].key && w.call > h[g].ret
            && (w.type == kv_op::kind::put || w.type == kv_op::kind::cas)) {
          h[g].got = w.value;
          done = true;
          break;
        }
      }
      if (!done)
        continue;
      ++mutated;
      auto r = check(h);
      BOOST_TEST_INFO("seed=" << seed << " op #" << g);
      BOOST_TEST(r.v == verdict::not_linearizable);
      break;
    }
  }
  BOOST_TEST(mutated > 150);
}

BOOST_AUTO_TEST_CASE(random_long_history_fast) {
  // The size the simulation produces: 2000 ops, 8 clients, one key.
  gen_options o;
  o.ops = 2000;
  o.keys = 1;
  auto h = generate(42, o);
  auto start = std::chrono::steady_clock::now();
  auto r = check(h);
  auto took = std::chrono::duration_cast<std::chrono::microseconds>(
    std::chrono::steady_clock::now() - start);
  BOOST_TEST_INFO(r.explanation);
  BOOST_TEST(r.v == verdict::linearizable);
  BOOST_TEST_MESSAGE("2000 ops, 8 clients, 1 key: " << r.states
                     << " states in " << took.count() << " us");
}

BOOST_AUTO_TEST_CASE(random_many_unknown_outcomes_accepted) {
  // Timeouts everywhere: a fifth of the writes have unknown outcomes.
  gen_options o;
  o.unknown_percent = 20;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    o.ops = 200 + static_cast<int>(seed % 4) * 100;
    o.keys = 1 + static_cast<int>(seed % 2);
    auto h = generate(seed, o);
    auto r = check(h);
    BOOST_TEST_INFO("seed=" << seed << "\n" << r.explanation);
    BOOST_TEST(r.v == verdict::linearizable);
  }
}

namespace {

using value = std::optional<std::string>;

/// Applies `op` to `v` in the sequential model; false if its result is not
/// what the model gives.
bool apply_op(const kv_op& op, value& v) {
  switch (op.type) {
    case kv_op::kind::put:
      v = op.value;
      return true;
    case kv_op::kind::get:
      return !op.has_result() || op.got == v;
    case kv_op::kind::del: {
      bool ok = !op.has_result() || op.deleted == (v ? 1 : 0);
      v.reset();
      return ok;
    }
    case kv_op::kind::cas: {
      bool match = v == op.expected;
      if (match)
        v = op.value;
      return !op.has_result() || op.ok == match;
    }
  }
  return false;
}

/// The definition, by brute force over every order (single key): some order
/// of the ops with known results and some of the others, respecting real
/// time, explains every result.
bool brute_force_linearizable(const history& h, std::vector<bool>& placed,
                              const value& v) {
  bool done = true;
  for (std::size_t i = 0; i < h.size(); ++i)
    done = done && (placed[i] || !h[i].has_result());
  if (done)
    return true;
  for (std::size_t i = 0; i < h.size(); ++i) {
    if (placed[i])
      continue;
    bool may_go = true;
    for (std::size_t j = 0; j < h.size() && may_go; ++j)
      may_go = placed[j] || j == i || h[j].ret >= h[i].call;
    value next = v;
    if (!may_go || !apply_op(h[i], next))
      continue;
    placed[i] = true;
    bool found = brute_force_linearizable(h, placed, next);
    placed[i] = false;
    if (found)
      return true;
  }
  return false;
}

/// A small single-key history over few values, with many overlaps. Either
/// random results, or results from a sequential run with one of them maybe
/// flipped.
history small_history(std::mt19937_64& rng, int max_ops) {
  auto uniform = [&rng](int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng);
  };
  const char* values[] = {"a", "b", "c"};
  auto any_value = [&]() -> value {
    int k = uniform(0, 3);
    return k == 3 ? value{} : value{values[k]};
  };
  int n = uniform(1, max_ops);
  int unknown_percent = uniform(0, 2) * 25;
  bool from_model = uniform(0, 1) == 0;
  history h;
  std::vector<std::pair<int, std::size_t>> points;
  for (int i = 0; i < n; ++i) {
    kv_op op;
    op.type = static_cast<kv_op::kind>(uniform(0, 3));
    op.key = "k";
    op.client = i;
    op.call = uniform(0, 12);
    op.ret = op.call + uniform(0, 6);
    op.value = values[uniform(0, 2)];
    if (op.type == kv_op::kind::cas)
      op.expected = any_value();
    op.got = any_value();
    op.ok = uniform(0, 1) == 1;
    op.deleted = uniform(0, 1);
    points.push_back({static_cast<int>(op.call + uniform(0, 6)) * 16
                        + uniform(0, 15),
                      h.size()});
    if (op.type != kv_op::kind::get && uniform(0, 99) < unknown_percent)
      op.ret = never;
    h.push_back(std::move(op));
  }
  if (!from_model)
    return h;
  std::sort(points.begin(), points.end());
  value v;
  for (const auto& [point, i] : points) {
    kv_op& op = h[i];
    if (op.has_result() && point / 16 > op.ret)
      continue; // not inside its interval: leave the random result
    if (!op.has_result() && uniform(0, 1) == 0)
      continue; // never took effect
    if (op.type == kv_op::kind::get)
      op.got = v;
    if (op.type == kv_op::kind::del)
      op.deleted = v ? 1 : 0;
    if (op.type == kv_op::kind::cas)
      op.ok = v == op.expected;
    apply_op(op, v);
  }
  if (uniform(0, 1) == 0) {
    kv_op& op = h[static_cast<std::size_t>(uniform(0, n - 1))];
    op.got = any_value();
    op.ok = !op.ok;
    op.deleted = 1 - op.deleted;
  }
  return h;
}

} // namespace

BOOST_AUTO_TEST_CASE(random_small_histories_agree_with_brute_force) {
  // Checks the search's pruning rules against the definition.
  std::mt19937_64 rng(20240601);
  int agreed_linearizable = 0;
  int agreed_not = 0;
  for (int i = 0; i < 30'000; ++i) {
    auto h = small_history(rng, i < 25'000 ? 7 : 9);
    std::vector<bool> placed(h.size(), false);
    bool want = brute_force_linearizable(h, placed, value{});
    auto r = check(h);
    BOOST_TEST_INFO("case " << i << ":\n" << [&h] {
      std::string s;
      for (std::size_t k = 0; k < h.size(); ++k)
        s += "  #" + std::to_string(k) + " " + gd::test::describe(h[k])
             + "\n";
      return s;
    }());
    BOOST_TEST_REQUIRE(r.v == (want ? verdict::linearizable
                                    : verdict::not_linearizable));
    ++(want ? agreed_linearizable : agreed_not);
  }
  // Both verdicts are well represented.
  BOOST_TEST(agreed_linearizable > 5'000);
  BOOST_TEST(agreed_not > 5'000);
}

// -- history_recorder ---------------------------------------------------------

BOOST_AUTO_TEST_CASE(recorder_records_times_and_results) {
  std::int64_t t = 0;
  history_recorder rec([&t] { return t; });
  t = 5;
  auto a = rec.invoke(make_put(1, 0, 0, "k", "v1"));
  t = 7;
  auto b = rec.invoke(make_get(2, 0, 0, "k", std::string("ignored")));
  auto c = rec.invoke(make_del(3, 0, 0, "k", 9));
  auto d = rec.invoke(make_cas(4, 0, 0, "k", nullopt, "x", true));
  auto e = rec.invoke(make_put(5, 0, 0, "k", "lost"));
  auto f = rec.invoke(make_put(6, 0, 0, "k", "in flight"));
  t = 9;
  rec.complete_put(a);
  rec.complete_get(b, std::string("v1"));
  t = 11;
  rec.complete_del(c, 1);
  rec.complete_cas(d, false);
  rec.discard(e);
  (void) f;
  auto ops = rec.ops();
  BOOST_TEST_REQUIRE(ops.size() == 5u);
  BOOST_TEST(ops[0].call == 5);
  BOOST_TEST(ops[0].ret == 9);
  BOOST_TEST(ops[1].call == 7);
  BOOST_TEST(ops[1].ret == 9);
  BOOST_TEST((ops[1].got == std::optional<std::string>("v1")));
  BOOST_TEST(ops[2].deleted == 1);
  BOOST_TEST(ops[2].ret == 11);
  BOOST_TEST(!ops[3].ok);
  BOOST_TEST(ops[4].value == "in flight");
  BOOST_TEST(ops[4].ret == never);
  BOOST_TEST(check(ops).v == verdict::linearizable);
}

BOOST_AUTO_TEST_CASE(recorder_misuse_throws) {
  history_recorder rec;
  auto a = rec.invoke(make_put(1, 0, 0, "k", "v1"));
  BOOST_CHECK_THROW(rec.complete_get(a, nullopt), std::logic_error);
  rec.complete_put(a);
  BOOST_CHECK_THROW(rec.complete_put(a), std::logic_error);
  BOOST_CHECK_THROW(rec.complete_unknown(a), std::logic_error);
  BOOST_CHECK_THROW(rec.complete_put(17), std::out_of_range);
  auto b = rec.invoke(make_get(1, 0, 0, "k", nullopt));
  rec.complete_unknown(b);
  BOOST_TEST(rec.ops()[1].ret == never);
}

BOOST_AUTO_TEST_CASE(recorder_threads_on_locked_register_linearizable) {
  // Eight threads on a mutex-protected map: a correct store.
  history_recorder rec;
  std::mutex mu;
  std::map<std::string, std::string> store;
  auto client = [&](int c) {
    std::mt19937 rng(static_cast<unsigned>(c));
    for (int i = 0; i < 200; ++i) {
      std::string key = "k" + std::to_string(rng() % 2);
      std::string value = std::to_string(c) + "-" + std::to_string(i);
      switch (rng() % 4) {
        case 0: {
          auto id = rec.invoke(make_put(c, 0, 0, key, value));
          {
            std::lock_guard<std::mutex> g{mu};
            store[key] = value;
          }
          rec.complete_put(id);
          break;
        }
        case 1: {
          auto id = rec.invoke(make_get(c, 0, 0, key, nullopt));
          std::optional<std::string> got;
          {
            std::lock_guard<std::mutex> g{mu};
            if (auto it = store.find(key); it != store.end())
              got = it->second;
          }
          rec.complete_get(id, got);
          break;
        }
        case 2: {
          auto id = rec.invoke(make_del(c, 0, 0, key, 0));
          std::int64_t n;
          {
            std::lock_guard<std::mutex> g{mu};
            n = static_cast<std::int64_t>(store.erase(key));
          }
          rec.complete_del(id, n);
          break;
        }
        default: {
          std::optional<std::string> expected;
          if (rng() % 2)
            expected = std::to_string(c) + "-" + std::to_string(i - 1);
          auto id = rec.invoke(make_cas(c, 0, 0, key, expected, value, false));
          bool ok;
          {
            std::lock_guard<std::mutex> g{mu};
            auto it = store.find(key);
            std::optional<std::string> cur;
            if (it != store.end())
              cur = it->second;
            ok = cur == expected;
            if (ok)
              store[key] = value;
          }
          rec.complete_cas(id, ok);
          break;
        }
      }
    }
  };
  std::vector<std::thread> threads;
  for (int c = 0; c < 8; ++c)
    threads.emplace_back(client, c);
  for (auto& t : threads)
    t.join();
  auto ops = rec.ops();
  BOOST_TEST(ops.size() == 1600u);
  auto r = check(ops);
  BOOST_TEST_INFO(r.explanation);
  BOOST_TEST(r.v == verdict::linearizable);
}

BOOST_AUTO_TEST_SUITE_END()
