// The real-process fault run: 3 or 5 monitors on loopback, client threads
// writing and reading, and a nemesis that kills (-9), stops (SIGSTOP),
// terminates, restarts, adds and removes members. Then it heals everything
// and checks the whole run:
//
//  - the history of the contended keys is linearizable (our checker);
//  - no acknowledged unique write is lost;
//  - no two members diverge: once caught up, every member holds the same
//    revision and the same keys and values (serializable reads of each);
//  - every member is healthy: it answers, names the leader, and forwards a
//    write.
//
//   fault_run [--seconds S] [--seed N] [--members 3|5] [--prefix 127.7.60]
//             [--root DIR] [--logs]
//
// Prints one line per nemesis action and a verdict; exits 0 if every check
// passed, 1 if one failed, 2 on bad arguments. `./dev bench faults` runs it;
// a short run is part of `./dev test`.

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cmd/client/address.hpp"
#include "cmd/client/client.hpp"
#include "test/integration/cluster_fixture.hpp"
#include "test/support/linearizability.hpp"

using namespace gd;
using namespace gd::test;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

namespace {

struct options {
  int seconds = 60;
  std::uint64_t seed = 0;
  bool seed_given = false;
  int members = 0; // 0: from the seed
  std::string prefix = "127.7.60";
  std::string root;
  bool logs = false;
};

[[noreturn]] void usage(const std::string& what) {
  std::cerr << "fault_run: " << what
            << "\nusage: fault_run [--seconds S] [--seed N] [--members 3|5] "
               "[--prefix A.B.C] [--root DIR] [--logs]\n";
  std::exit(2);
}

options parse(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc)
        usage(a + " needs a value");
      return argv[++i];
    };
    try {
      if (a == "--seconds")
        o.seconds = std::stoi(value());
      else if (a == "--seed") {
        o.seed = std::stoull(value());
        o.seed_given = true;
      } else if (a == "--members")
        o.members = std::stoi(value());
      else if (a == "--prefix")
        o.prefix = value();
      else if (a == "--root")
        o.root = value();
      else if (a == "--logs")
        o.logs = true;
      else
        usage("unknown argument '" + a + "'");
    } catch (const std::invalid_argument&) {
      usage(a + " wants a number");
    } catch (const std::out_of_range&) {
      usage(a + " is out of range");
    }
  }
  if (o.seconds < 5)
    usage("--seconds must be at least 5");
  if (o.members != 0 && o.members != 3 && o.members != 5)
    usage("--members must be 3 or 5");
  return o;
}

double since(clock_type::time_point t0) {
  return std::chrono::duration<double>(clock_type::now() - t0).count();
}

client::connection_options quick() {
  client::connection_options co;
  co.connect_timeout = 1s;
  co.call_timeout = 3s;
  co.server_timeout = 2s;
  return co;
}

/// The run: the cluster, its members' states and the nemesis.
class fault_run {
public:
  fault_run(const options& o, std::mt19937_64& rng)
    : o_(o), rng_(rng),
      c_(o.root, o.prefix, static_cast<std::size_t>(o.members)) {
    for (std::size_t i = 0; i < c_.size(); ++i)
      members_.insert(i);
  }

  test_cluster& cluster() { return c_; }

  /// Slots that are members (started, not removed) and not down.
  std::vector<std::size_t> up() const {
    std::vector<std::size_t> out;
    for (auto i : members_)
      if (!down_.count(i))
        out.push_back(i);
    return out;
  }

  void act(clock_type::time_point t0) {
    auto kinds = std::uniform_int_distribution<int>(0, 99)(rng_);
    std::ostringstream what;
    if (kinds < 25) {
      auto v = pick_up_member(true);
      if (!v)
        return;
      what << "kill -9 " << c_.name(*v);
      c_.kill9(*v);
      down_.insert(*v);
    } else if (kinds < 40) {
      auto v = leader();
      if (!v || !may_lose_one())
        return;
      what << "kill -9 the leader " << c_.name(*v);
      c_.kill9(*v);
      down_.insert(*v);
    } else if (kinds < 55) {
      auto v = leader();
      if (!v || !may_lose_one())
        return;
      auto ms = std::uniform_int_distribution<int>(500, 4000)(rng_);
      what << "SIGSTOP the leader " << c_.name(*v) << " for " << ms << " ms";
      say(t0, what.str());
      c_.process(*v).pause();
      std::this_thread::sleep_for(std::chrono::milliseconds(ms));
      c_.process(*v).resume();
      return;
    } else if (kinds < 65) {
      auto v = pick_up_member(true);
      if (!v)
        return;
      what << "SIGTERM " << c_.name(*v);
      c_.terminate(*v);
      down_.insert(*v);
    } else if (kinds < 80) {
      if (down_.empty())
        return;
      auto v = pick(std::vector<std::size_t>(down_.begin(), down_.end()));
      what << "restart " << c_.name(v);
      c_.start(v);
      down_.erase(v);
    } else if (kinds < 85) {
      what << "kill -9 every member, then restart them all";
      for (auto i : up())
        c_.kill9(i);
      for (auto i : members_)
        c_.start(i);
      down_.clear();
    } else {
      membership_change(t0);
      return;
    }
    say(t0, what.str());
  }

  /// Restarts every member that is down.
  void heal(clock_type::time_point t0) {
    for (auto i : std::set<std::size_t>(down_)) {
      say(t0, "heal: restart " + c_.name(i));
      c_.start(i);
    }
    down_.clear();
  }

  std::vector<std::string> addresses() const {
    std::vector<std::string> out;
    for (auto i : up())
      out.push_back(c_.address(i));
    return out;
  }

  std::size_t actions() const { return actions_; }
  const std::set<std::size_t>& members() const { return members_; }

private:
  void say(clock_type::time_point t0, const std::string& what) {
    ++actions_;
    std::printf("[%7.2f s] %s\n", since(t0), what.c_str());
    std::fflush(stdout);
  }

  /// One of `from` (not empty), chosen by the seed.
  std::size_t pick(const std::vector<std::size_t>& from) {
    return from[std::uniform_int_distribution<std::size_t>(0, from.size() - 1)(
      rng_)];
  }

  /// True if one more member may go down with a majority still up.
  bool may_lose_one() const {
    return (up().size() - 1) * 2 > members_.size();
  }

  std::optional<std::size_t> pick_up_member(bool keep_majority) {
    auto u = up();
    if (u.empty() || (keep_majority && !may_lose_one()))
      return std::nullopt;
    return pick(u);
  }

  std::optional<std::size_t> leader() {
    for (auto i : up()) {
      try {
        client::connection conn(client::parse_address(c_.address(i)), quick());
        auto st = conn.status();
        if (st.ok() && st.value.role == "leader")
          return i;
      } catch (const std::exception&) {
        // next
      }
    }
    return std::nullopt;
  }

  /// Adds a member through a running one, waits until it votes, then
  /// removes another (never below three voters; never above five).
  void membership_change(clock_type::time_point t0) {
    if (!down_.empty() || members_.size() >= 5)
      return;
    auto u = up();
    auto via = pick(u);
    auto slot = c_.add_slot();
    say(t0, "add " + c_.name(slot) + " with --join " + c_.address(via));
    c_.start(slot, c_.address(via));
    members_.insert(slot);
    bool voter = false;
    auto deadline = clock_type::now() + 30s;
    while (!voter && clock_type::now() < deadline) {
      std::this_thread::sleep_for(200ms);
      if (!c_.process(slot).running()) {
        // A join fails (exit 1, nothing kept) while the cluster has no
        // leader to add it; the operator runs the same command again.
        std::this_thread::sleep_for(1s);
        say(t0, "the join of " + c_.name(slot) + " failed; again");
        c_.start(slot, c_.address(via));
        continue;
      }
      try {
        client::connection conn(client::parse_address(c_.address(via)), quick());
        auto st = conn.status();
        voter = st.ok()
                && st.value.config.is_voter(raft::member_id_of(c_.name(slot)));
      } catch (const std::exception&) {
        // keep waiting
      }
    }
    if (!voter) {
      say(t0, c_.name(slot) + " did not become a voter within 30 s");
      problems_.push_back(c_.name(slot) + " never became a voter");
      return;
    }
    std::vector<std::size_t> old;
    for (auto i : members_)
      if (i != slot)
        old.push_back(i);
    auto gone = pick(old);
    say(t0, "remove " + c_.name(gone));
    for (int attempt = 0; attempt < 20; ++attempt) {
      try {
        auto target = members_.size() > 1 ? *members_.begin() : slot;
        if (target == gone)
          target = slot;
        client::connection conn(client::parse_address(c_.address(target)),
                                quick());
        auto r = conn.remove_member(c_.name(gone));
        if (r.ok() || r.st.code == status_code::not_found)
          break;
      } catch (const std::exception&) {
        // retry
      }
      std::this_thread::sleep_for(500ms);
    }
    members_.erase(gone);
    c_.terminate(gone);
  }

public:
  std::vector<std::string> problems_;

private:
  const options& o_;
  std::mt19937_64& rng_;
  test_cluster c_;
  std::set<std::size_t> members_;
  std::set<std::size_t> down_;
  std::size_t actions_ = 0;
};

/// Reads every key of `address`'s store, serializably.
std::optional<std::map<std::string, std::string>>
local_contents(const std::string& address, kv::revision& revision) {
  try {
    client::connection conn(client::parse_address(address), quick());
    kv::range_request r;
    r.range.key = std::string(1, '\0');
    r.range.range_end = std::string(1, '\0');
    auto o = conn.range(r, true);
    if (!o.ok())
      return std::nullopt;
    revision = o.value.header_revision;
    std::map<std::string, std::string> out;
    for (const auto& kv : o.value.kvs)
      out[kv.key] = kv.value;
    return out;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

} // namespace

int main(int argc, char** argv) {
  auto o = parse(argc, argv);
  if (!o.seed_given)
    o.seed = std::random_device{}();
  std::mt19937_64 rng(o.seed);
  if (o.members == 0)
    o.members = rng() % 2 == 0 ? 3 : 5;
  if (o.root.empty())
    o.root = "/tmp/gd-faults-" + std::to_string(::getpid());
  std::printf("fault run: seed %llu, %d monitors, %d s, data under %s\n",
              static_cast<unsigned long long>(o.seed), o.members, o.seconds,
              o.root.c_str());
  std::fflush(stdout);

  std::vector<std::string> problems;
  std::size_t acked = 0, unknown = 0, ops = 0, actions = 0;
  {
    fault_run run(o, rng);
    auto& c = run.cluster();
    auto t0 = clock_type::now();
    c.wait_for_leader(30s);
    workload w([&run] { return run.addresses(); }, 8, 4);
    w.start();
    auto end = t0 + std::chrono::seconds(o.seconds);
    while (clock_type::now() < end) {
      std::this_thread::sleep_for(
        std::chrono::milliseconds(std::uniform_int_distribution<int>(300, 2000)(rng)));
      if (clock_type::now() >= end)
        break;
      run.act(t0);
    }
    run.heal(t0);
    std::size_t leader = 0;
    try {
      leader = c.wait_for_leader(60s, run.up());
    } catch (const std::exception& e) {
      problems.push_back(std::string("no leader after healing: ") + e.what());
    }
    std::this_thread::sleep_for(1s);
    w.stop();
    acked = w.acknowledged();
    unknown = w.unknown();
    if (problems.empty()) {
      w.final_reads(c.address(leader));
      auto history = w.history();
      ops = history.size();
      auto verdict = check_kv_history(history);
      if (verdict.v != check_result::verdict::linearizable)
        problems.push_back(std::string("history ") + to_string(verdict.v)
                           + " on key " + verdict.key + ": "
                           + verdict.explanation);
      // No acknowledged unique write lost.
      kv::revision rev = 0;
      auto all = local_contents(c.address(leader), rev);
      if (!all) {
        problems.push_back("cannot read the leader's store");
      } else {
        std::size_t lost = 0;
        std::string example;
        for (const auto& k : w.acked_unique())
          if (!all->count(k)) {
            ++lost;
            example = k;
          }
        if (lost)
          problems.push_back(std::to_string(lost)
                             + " acknowledged writes lost, e.g. " + example);
      }
      // Every member healthy: it forwards a write, then it catches up and
      // holds exactly what the leader holds.
      for (auto i : run.up()) {
        bool forwarded = false;
        std::string why;
        for (int attempt = 0; attempt < 20 && !forwarded; ++attempt) {
          try {
            client::connection conn(client::parse_address(c.address(i)),
                                    quick());
            auto r = conn.put({"health/" + c.name(i), "ok", false});
            forwarded = r.ok();
            why = r.st.message;
          } catch (const std::exception& e) {
            why = e.what();
          }
          if (!forwarded)
            std::this_thread::sleep_for(500ms);
        }
        if (!forwarded)
          problems.push_back(c.name(i) + " does not forward writes: " + why);
      }
      kv::revision leader_rev = 0;
      auto reference = local_contents(c.address(leader), leader_rev);
      for (auto i : run.up()) {
        bool same = false;
        std::string why = "no answer";
        for (int attempt = 0; attempt < 60 && !same; ++attempt) {
          kv::revision r = 0;
          auto mine = local_contents(c.address(i), r);
          if (mine && reference) {
            same = r == leader_rev && *mine == *reference;
            if (!same)
              why = "revision " + std::to_string(r) + " vs the leader's "
                    + std::to_string(leader_rev) + ", "
                    + std::to_string(mine->size()) + " keys vs "
                    + std::to_string(reference->size());
          }
          if (!same)
            std::this_thread::sleep_for(500ms);
        }
        if (!same)
          problems.push_back(c.name(i) + " diverges from the leader: " + why);
      }
    }
    actions = run.actions();
    problems.insert(problems.end(), run.problems_.begin(), run.problems_.end());
    if (unexpected_exits() > 0)
      problems.push_back(std::to_string(unexpected_exits())
                         + " daemon(s) died of a signal they were not sent");
    if (!problems.empty() || o.logs)
      std::printf("logs:\n%s\n", c.logs().c_str());
  }
  std::printf("fault run: seed %llu, %d monitors, %d s, %zu nemesis actions, "
              "%zu writes acknowledged, %zu unknown outcomes, %zu history "
              "operations: %s\n",
              static_cast<unsigned long long>(o.seed), o.members, o.seconds,
              actions, acked, unknown, ops,
              problems.empty() ? "PASS" : "FAIL");
  for (const auto& p : problems)
    std::printf("  problem: %s\n", p.c_str());
  return problems.empty() ? 0 : 1;
}
