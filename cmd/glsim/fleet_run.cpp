#include "cmd/glsim/fleet_run.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <unistd.h>

#include <kj/async-io.h>

#include "cmd/client/address.hpp"
#include "cmd/client/client.hpp"
#include "cmd/glsim/checkin_tally.hpp"
#include "cmd/glsim/fd_limit.hpp"
#include "cmd/glsim/loop_wait.hpp"
#include "cmd/glsim/monitor_procs.hpp"
#include "cmd/glsim/monitor_query.hpp"
#include "cmd/glsim/pool_watch.hpp"
#include "cmd/glsim/probe_driver.hpp"
#include "cmd/glsim/proc_sample.hpp"
#include "cmd/glsim/sim_agent.hpp"
#include "protocol/uuid.hpp"

namespace gd::glsim {

namespace {

using clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

double ms_between(clock::time_point a, clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

double s_between(clock::time_point a, clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

void say(const std::string& line) {
  std::cerr << "glsim: " << line << std::endl;
}

/// Server i's address: NET.(i/250).(i%250+1).
std::string agent_ip(const std::string& net, std::size_t i) {
  return net + "." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 1);
}

class fleet_run {
public:
  fleet_run(const fleet_options& o, int stop_signal)
    : o_(o), stop_signal_(stop_signal), io_(kj::setupAsyncIo()) {
    std::random_device rd;
    r_.seed = o_.seed ? o_.seed
                      : (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
    rng_.seed(r_.seed);
    r_.servers = o_.servers;
    r_.interval_ms = o_.checkin_interval.count();
    r_.lease_ms = o_.lease.count();
    r_.up_after_ms = o_.up_after.count();
    dir_ = o_.dir.empty() ? "/tmp/glsim-" + std::to_string(getpid()) : o_.dir;
  }

  fleet_results run() {
    start_cluster();
    create_agents();
    admit();
    phase("steady state", [this] { steady(); });
    phase("volume set", [this] { volume_sets(); });
    phase("server kill", [this] { kill_servers(); });
    phase("leader kill", [this] { kill_leader(); });
    finish();
    return r_;
  }

  /// On a start failure: what the monitors logged (and the dir is kept).
  std::string tails() const {
    return procs_ ? procs_->log_tails(15) : std::string();
  }

  const std::string& dir() const { return dir_; }

private:
  template <class F>
  void phase(const char* name, F f) {
    try {
      f();
    } catch (const std::exception& e) {
      r_.notes.push_back(std::string(name) + ": " + e.what());
      say(std::string(name) + " failed: " + e.what());
    }
  }

  [[noreturn]] void fail(const std::string& what) {
    throw start_error(what + "\n" + tails() + "(data and logs kept in "
                      + dir_ + ")");
  }

  // -- start ------------------------------------------------------------------

  void start_cluster() {
    if (std::filesystem::exists(dir_ + "/m1"))
      throw start_error(dir_ + " holds an earlier run (" + dir_
                        + "/m1): remove it or pick another --dir");
    std::string note;
    auto want = 4 * static_cast<std::uint64_t>(o_.servers) + 10000;
    auto limit = raise_nofile(want, note);
    // why: each admitted server holds one check-in connection, each one
    // being probed a listener and the monitors' calls.
    auto needed = static_cast<std::uint64_t>(o_.servers)
                  + 4 * o_.probe_parallel + 1000;
    if (!note.empty() && limit < needed) {
      note += "; " + std::to_string(o_.servers) + " servers need about "
              + std::to_string(needed);
      r_.notes.push_back(note);
      say(note);
    }
    fd_limit_ = limit;
    monitor_flags f;
    f.checkin_interval = o_.checkin_interval;
    f.lease = o_.lease;
    f.up_after = o_.up_after;
    f.max_connections = std::max<std::size_t>(65536, 2 * o_.servers + 1000);
    // why: the monitors inherit this limit and warn about a
    // --max-connections above it.
    if (limit > 1024)
      f.max_connections = std::min<std::size_t>(f.max_connections,
                                                 limit - 512);
    std::filesystem::create_directories(dir_);
    procs_ = std::make_unique<monitor_procs>(o_.daemon, dir_,
                                             o_.monitor_prefix, f);
    say("starting 3 monitors at " + o_.monitor_prefix + ".1-3:24007 (data "
        "and logs in " + dir_ + ")");
    try {
      procs_->start_all();
    } catch (const std::exception& e) {
      fail(std::string("cannot start the monitors: ") + e.what());
    }
    std::string err;
    auto addresses = procs_->addresses();
    auto leader = off_loop(io_, [&addresses, &err] {
      return wait_for_leader(addresses, seconds(30), err);
    });
    if (auto dead = procs_->unexpected_exits(); !dead.empty())
      fail("a monitor exited during start-up: " + dead.front());
    if (!leader)
      fail("no monitor leads 30 s after the start (last answer: " + err + ")");
    leader_ = *leader;
    // why: a monitor of another run at one of our addresses would answer
    // for the one that could not listen there.
    auto mismatch = off_loop(io_, [this, &addresses]() -> std::string {
      std::string e;
      auto lead = monitor_status_of(addresses[leader_], seconds(3), e);
      if (!lead)
        return e;
      for (std::size_t i = 0; i < addresses.size(); ++i) {
        auto st = monitor_status_of(addresses[i], seconds(3), e);
        if (!st)
          return addresses[i] + " does not answer: " + e;
        if (st->name != procs_->name(i) || st->cluster_id != lead->cluster_id)
          return addresses[i] + " is answered by monitor '" + st->name
                 + "' of cluster " + std::to_string(st->cluster_id)
                 + ", not by this run's " + procs_->name(i)
                 + " (another glsim run? pick another --monitor-prefix)";
      }
      return {};
    });
    if (auto dead = procs_->unexpected_exits(); !dead.empty())
      fail("a monitor exited during start-up: " + dead.front());
    if (!mismatch.empty())
      fail(mismatch);
    say("leader " + procs_->name(leader_));
  }

  void create_agents() {
    std::uniform_int_distribution<std::int64_t> delay(
      0, std::max<std::int64_t>(0, o_.checkin_interval.count() - 1));
    tally_ = std::make_unique<checkin_tally>(procs_->addresses(), o_.servers);
    agents_.reserve(o_.servers);
    for (std::size_t i = 0; i < o_.servers; ++i) {
      agent_settings s;
      s.interval = o_.checkin_interval;
      s.first_delay = milliseconds(delay(rng_));
      agents_.push_back(std::make_unique<sim_agent>(
        io_, i, agent_ip(o_.agent_net, i), random_uuid(), s,
        [this](std::size_t k, const node::checkin_outcome& out) {
          tally_->record(k, out);
        }));
    }
    // why: the first must listen now, so that a wrong --agent-net fails
    // at the start; the others listen just before their probe (a listener
    // each for the whole admission would double the descriptors needed).
    try {
      agents_.front()->listen();
    } catch (const std::exception& e) {
      fail(e.what());
    }
    say(std::to_string(o_.servers) + " simulated servers at "
        + agents_.front()->ip() + " .. " + agents_.back()->ip());
  }

  /// Makes server i listen (for its probe): "" or why it cannot.
  std::string prepare(std::size_t i) {
    if (i == 0)
      return {};
    try {
      agents_[i]->listen();
      return {};
    } catch (const std::exception& e) {
      return std::string(e.what()) + " (descriptor limit "
             + std::to_string(fd_limit_) + ")";
    }
  }

  // -- admission --------------------------------------------------------------

  void admit() {
    watch_ = std::make_unique<pool_watch>(procs_->addresses(), stop_signal_);
    watch_->start(leader_);
    if (!pump_until(io_, [this] { return watch_->synced(); }, seconds(30)))
      fail("cannot read the pool (/gd/peers/) from the monitors: "
           + watch_->last_error());

    probe_settings ps;
    ps.parallel = o_.probe_parallel;
    probe_driver driver(io_, procs_->addresses(), ps);
    std::vector<std::string> hosts;
    for (const auto& a : agents_)
      hosts.push_back(a->ip());
    std::vector<bool> ok(agents_.size(), false);
    std::size_t done = 0, admitted = 0, failed = 0;
    auto t0 = clock::now();
    auto last_ok = t0;
    bool finished = false;
    say("admitting " + std::to_string(hosts.size()) + " servers (peer probe, "
        + std::to_string(ps.parallel) + " in flight)");
    auto running =
      driver
        .admit(hosts, [this](std::size_t i) { return prepare(i); },
               [&](std::size_t i, const std::string& err) {
                 ++done;
                 agents_[i]->close_listener();
                 if (err.empty()) {
                   ok[i] = true;
                   ++admitted;
                   last_ok = clock::now();
                 } else {
                   ++failed;
                   if (r_.admit_errors.size() < 5)
                     r_.admit_errors.push_back(hosts[i] + ": " + err);
                 }
               })
        .then([&finished] { finished = true; })
        .eagerlyEvaluate(nullptr);
    auto timeout = o_.admit_timeout > 0
                     ? seconds(o_.admit_timeout)
                     : seconds(std::max<std::int64_t>(
                         60, static_cast<std::int64_t>(o_.servers) * 60 / 1000));
    auto last_print = t0;
    auto lost_before = tally_->lost() + tally_->refused();
    pump_until(
      io_,
      [&] {
        auto now = clock::now();
        if (now - last_print >= seconds(2)) {
          auto lost = tally_->lost() + tally_->refused();
          auto rate = static_cast<double>(lost - lost_before)
                      / s_between(last_print, now);
          lost_before = lost;
          last_print = now;
          say("admitted " + std::to_string(admitted) + "/"
              + std::to_string(hosts.size()) + " in "
              + std::to_string(static_cast<int>(s_between(t0, now))) + " s"
              + (failed ? " (" + std::to_string(failed) + " failed)" : "")
              + (driver.retries()
                   ? " (" + std::to_string(driver.retries()) + " retries)"
                   : "")
              + (rate >= 1 ? " (" + std::to_string(static_cast<int>(rate))
                               + " check-ins failed/s)"
                           : ""));
        }
        return finished;
      },
      timeout, milliseconds(50));
    r_.probe_retries = driver.retries();
    if (!driver.last_retry_error().empty())
      r_.notes.push_back("last probe retried: " + driver.last_retry_error());
    if (!finished) {
      running = nullptr;
      r_.notes.push_back("admission timed out after "
                         + std::to_string(timeout.count()) + " s ("
                         + std::to_string(done) + " probes ended)");
      for (auto& a : agents_)
        a->close_listener();
    }
    for (std::size_t i = 0; i < agents_.size(); ++i) {
      if (ok[i] || agents_[i]->adopted()) {
        fleet_.push_back(i);
        fleet_uuids_.push_back(agents_[i]->uuid());
      }
    }
    r_.admitted = fleet_.size();
    if (admitted == hosts.size())
      r_.admit_seconds = s_between(t0, last_ok);
    say("admitted " + std::to_string(admitted) + "/"
        + std::to_string(hosts.size()) + " in "
        + std::to_string(s_between(t0, last_ok)) + " s");

    auto up_timeout = seconds(60) + o_.lease + o_.up_after;
    std::optional<clock::time_point> up_at;
    pump_until(
      io_,
      [&] {
        up_at = watch_->all_up_at(fleet_uuids_);
        return up_at.has_value();
      },
      std::chrono::duration_cast<milliseconds>(up_timeout),
      milliseconds(100));
    if (up_at) {
      all_up_at_ = *up_at;
      r_.all_up_seconds = s_between(t0, *up_at);
      say("all " + std::to_string(fleet_.size()) + " committed up after "
          + std::to_string(r_.all_up_seconds) + " s");
    } else {
      all_up_at_ = clock::now();
      r_.notes.push_back(
        std::to_string(watch_->count_up(fleet_uuids_)) + " of "
        + std::to_string(fleet_.size()) + " admitted servers committed up "
        + std::to_string(up_timeout.count() / 1000) + " s after admission");
    }
  }

  // -- steady state -----------------------------------------------------------

  void steady() {
    // why: the monitors' own agents start committed down and come up
    // after --up-after; their transitions are not the steady state's.
    auto settle = std::chrono::duration_cast<milliseconds>(
      o_.up_after + o_.lease + seconds(5));
    if (!pump_until(io_,
                    [this] {
                      return watch_->count_down() == 0
                             && watch_->count_monitors_up()
                                  >= monitor_procs::count;
                    },
                    settle, milliseconds(100)))
      r_.notes.push_back(std::to_string(watch_->count_down())
                         + " peer(s) of the pool down and "
                         + std::to_string(watch_->count_monitors_up())
                         + " monitor(s) up when the steady state began");
    auto addresses = procs_->addresses();
    std::string err;
    if (auto l = off_loop(io_, [&] {
          return find_leader(addresses, milliseconds(3000), err);
        }))
      leader_ = *l;
    say("steady state for " + std::to_string(o_.seconds) + " s (leader "
        + procs_->name(leader_) + ")");
    auto leader_addr = addresses[leader_];
    auto status_now = [&] {
      return off_loop(io_, [&] {
        std::string e;
        auto st = monitor_status_of(leader_addr, milliseconds(3000), e);
        return std::make_pair(st, clock::now());
      });
    };
    auto st0 = status_now();
    std::array<proc_sample, monitor_procs::count> s0, s1;
    for (std::size_t i = 0; i < monitor_procs::count; ++i)
      s0[i] = sample_process(procs_->pid(i));
    auto self0 = sample_process(getpid());
    auto c0 = tally_->accepted();
    auto w0 = watch_->writes();
    pump_with_progress(seconds(o_.seconds));
    for (std::size_t i = 0; i < monitor_procs::count; ++i)
      s1[i] = sample_process(procs_->pid(i));
    auto self1 = sample_process(getpid());
    auto c1 = tally_->accepted();
    auto w1 = watch_->writes();
    if (w1 != w0)
      r_.notes.push_back(std::to_string(w1 - w0)
                         + " peer record(s) written in the steady state");
    auto st1 = status_now();

    auto secs = s_between(self0.at, self1.at);
    r_.steady_seconds = secs;
    r_.glsim_cpu_percent = cpu_percent(self0, self1);
    for (std::size_t i = 0; i < monitor_procs::count; ++i) {
      monitor_row m;
      m.name = procs_->name(i);
      m.role = i == leader_ ? "leader" : "follower";
      m.cpu_percent = cpu_percent(s0[i], s1[i]);
      m.rss_mib = static_cast<double>(s1[i].rss_kib) / 1024.0;
      m.checkins_per_second =
        secs > 0 ? static_cast<double>(c1[i] - c0[i]) / secs : 0;
      m.bytes_per_second = io_bytes_per_second(s0[i], s1[i]);
      r_.monitors.push_back(m);
    }
    if (st0.first && st1.first && st0.first->id == st1.first->id
        && st1.first->role == "leader") {
      auto dt = s_between(st0.second, st1.second);
      auto d = static_cast<double>(st1.first->last_index
                                   - st0.first->last_index);
      r_.log_writes_per_second = dt > 0 ? d / dt : 0;
    } else {
      r_.notes.push_back("log writes/s unknown: the leader's status could not "
                         "be read at both ends of the steady state");
    }
  }

  /// Turns the loop for `d`, printing every 5 s the accepted and lost
  /// check-ins per second and how many servers are committed down.
  void pump_with_progress(seconds d) {
    auto end = clock::now() + d;
    for (;;) {
      auto left = end - clock::now();
      if (left <= clock::duration::zero())
        return;
      auto step = std::min<clock::duration>(left, seconds(5));
      auto accepted0 = tally_->accepted_total();
      auto lost0 = tally_->lost() + tally_->refused();
      auto t0 = clock::now();
      pump_for(io_, std::chrono::duration_cast<milliseconds>(step));
      auto secs = s_between(t0, clock::now());
      auto accepted1 = tally_->accepted_total();
      auto lost1 = tally_->lost() + tally_->refused();
      char line[160];
      std::snprintf(line, sizeof line,
                    "  %.0f check-ins accepted/s, %.0f failed/s, %zu of %zu "
                    "committed up",
                    static_cast<double>(accepted1 - accepted0) / secs,
                    static_cast<double>(lost1 - lost0) / secs,
                    watch_->count_up(fleet_uuids_), fleet_uuids_.size());
      say(line);
    }
  }

  // -- volume set -------------------------------------------------------------

  struct volume_result {
    std::vector<double> ms;
    std::size_t failures = 0;
    std::string error;
  };

  void volume_sets() {
    if (fleet_.size() < 2)
      throw std::runtime_error("needs 2 admitted servers for the volume's "
                               "bricks");
    auto leader_addr = procs_->address(leader_);
    auto b0 = agents_[fleet_[0]]->ip();
    auto b1 = agents_[fleet_[1]]->ip();
    auto count = o_.volume_sets;
    say("volume create fleetvol, then " + std::to_string(count)
        + " volume set through " + procs_->name(leader_));
    auto res = off_loop(io_, [=] {
      volume_result out;
      client::connection_options co;
      co.call_timeout = milliseconds(15000);
      client::connection c(client::parse_address(leader_addr), co);
      cluster::volume_create vc;
      vc.name = "fleetvol";
      vc.bricks = {cluster::brick_spec{b0, "/bricks/fleetvol"},
                   cluster::brick_spec{b1, "/bricks/fleetvol"}};
      vc.force = true;
      auto cr = c.cluster_change(cluster::command{vc});
      if (!cr.ok() && cr.st.code != status_code::exists)
        throw std::runtime_error("volume create fleetvol: " + cr.st.message);
      for (std::size_t k = 0; k < count; ++k) {
        cluster::volume_set vs;
        vs.name = "fleetvol";
        vs.key = "performance.cache-size";
        vs.value = std::to_string(32 + k % 1000) + "MB";
        auto t = clock::now();
        try {
          auto r = c.cluster_change(cluster::command{vs});
          if (r.ok()) {
            out.ms.push_back(ms_between(t, clock::now()));
          } else {
            ++out.failures;
            out.error = r.st.message;
          }
        } catch (const client::client_error& e) {
          out.failures += count - k;
          out.error = e.what();
          break;
        }
      }
      return out;
    });
    r_.volume_set = summarize(res.ms);
    r_.volume_set_failures = res.failures;
    r_.volume_error = res.error;
  }

  // -- servers killed ---------------------------------------------------------

  /// First transition of each uuid of `set` to `down` at or after `since`.
  std::vector<std::pair<std::string, clock::time_point>>
  firsts(const std::set<std::string>& set, bool down,
         clock::time_point since) const {
    std::vector<std::pair<std::string, clock::time_point>> out;
    std::set<std::string> seen;
    for (const auto& t : watch_->transitions_since(since))
      if (t.down == down && set.count(t.uuid) && seen.insert(t.uuid).second)
        out.emplace_back(t.uuid, t.at);
    return out;
  }

  /// Distinct servers of the fleet, never killed, committed down since
  /// `since` (and before `until`, if given).
  std::size_t false_downs(clock::time_point since,
                          std::optional<clock::time_point> until) const {
    std::set<std::string> fleet(fleet_uuids_.begin(), fleet_uuids_.end());
    std::set<std::string> bad;
    for (const auto& t : watch_->transitions_since(since))
      if (t.down && fleet.count(t.uuid) && !killed_.count(t.uuid)
          && (!until || t.at < *until))
        bad.insert(t.uuid);
    return bad.size();
  }

  void kill_servers() {
    auto k = o_.kill ? o_.kill : std::max<std::size_t>(1, o_.servers / 100);
    k = std::min(k, fleet_.size());
    std::vector<std::size_t> victims;
    std::sample(fleet_.begin(), fleet_.end(), std::back_inserter(victims), k,
                rng_);
    say("killing " + std::to_string(victims.size()) + " servers");
    auto t = clock::now();
    r_.steady_false_downs = false_downs(all_up_at_, t);
    std::set<std::string> killed;
    for (auto i : victims) {
      agents_[i]->stop_checkins();
      killed.insert(agents_[i]->uuid());
    }
    killed_.insert(killed.begin(), killed.end());
    r_.killed = victims.size();
    auto timeout = std::chrono::duration_cast<milliseconds>(
      o_.lease + 3 * o_.checkin_interval + seconds(15));
    pump_until(
      io_,
      [&] { return firsts(killed, true, t).size() >= killed.size(); },
      timeout);
    std::vector<double> detection, past_lease;
    std::set<std::string> detected;
    std::map<std::string, std::size_t> index_of;
    for (auto i : victims)
      index_of[agents_[i]->uuid()] = i;
    for (const auto& [uuid, at] : firsts(killed, true, t)) {
      detection.push_back(ms_between(t, at));
      detected.insert(uuid);
      if (auto last = tally_->last_accepted(index_of[uuid]))
        past_lease.push_back(ms_between(*last + o_.lease, at));
    }
    r_.detection = summarize(detection);
    r_.past_lease = summarize(past_lease);
    r_.detected_within_3_intervals = static_cast<std::size_t>(
      std::count_if(detection.begin(), detection.end(), [this](double ms) {
        return ms <= 3.0 * static_cast<double>(o_.checkin_interval.count());
      }));
    say(std::to_string(detected.size()) + " of " + std::to_string(k)
        + " committed down; restarting them");

    auto t2 = clock::now();
    for (auto i : victims)
      agents_[i]->start_checkins(milliseconds(0));
    auto back_timeout = std::chrono::duration_cast<milliseconds>(
      o_.up_after + o_.lease + seconds(20));
    pump_until(
      io_,
      [&] { return firsts(detected, false, t2).size() >= detected.size(); },
      back_timeout);
    std::vector<double> back;
    for (const auto& [uuid, at] : firsts(detected, false, t2))
      back.push_back(ms_between(t2, at));
    r_.back_up = summarize(back);
    say(std::to_string(back.size()) + " of " + std::to_string(detected.size())
        + " back up");
  }

  // -- leader killed ----------------------------------------------------------

  void kill_leader() {
    auto addresses = procs_->addresses();
    std::string err;
    auto l = off_loop(io_, [&] {
      return find_leader(addresses, milliseconds(3000), err);
    });
    if (!l)
      throw std::runtime_error("no monitor leads (" + err + ")");
    leader_ = *l;
    r_.killed_leader = procs_->name(leader_);
    say("kill -9 the leader " + r_.killed_leader);
    auto t = clock::now();
    tally_->mark();
    procs_->kill9(leader_);
    r_.leader_killed = true;
    auto window = std::chrono::duration_cast<milliseconds>(
      3 * o_.lease + o_.up_after + seconds(2));
    pump_for(io_, window);
    r_.leader_kill_false_downs = false_downs(t, std::nullopt);
    std::vector<double> again;
    for (auto i : fleet_) {
      if (!agents_[i]->checking_in())
        continue;
      if (auto first = tally_->first_since_mark(i))
        again.push_back(ms_between(t, *first));
      else
        ++r_.never_accepted_again;
    }
    r_.checkins_again = summarize(again);
    say("restarting " + r_.killed_leader);
    procs_->restart(leader_);
    auto addr = procs_->address(leader_);
    auto back = off_loop(io_, [addr] {
      auto deadline = clock::now() + seconds(20);
      std::string e;
      while (clock::now() < deadline) {
        if (monitor_status_of(addr, milliseconds(2000), e))
          return true;
        std::this_thread::sleep_for(milliseconds(200));
      }
      return false;
    });
    if (!back)
      r_.notes.push_back(r_.killed_leader
                         + " did not answer within 20 s of its restart");
  }

  // -- end --------------------------------------------------------------------

  void finish() {
    say("stopping");
    if (watch_)
      watch_->stop();
    for (const auto& e : tally_->top_errors(3))
      r_.notes.push_back("check-in error " + e);
    r_.checkins_lost = tally_->lost();
    r_.checkins_refused = tally_->refused();
    agents_.clear();
    pump_for(io_, milliseconds(50));
    auto bad = procs_->stop_all(seconds(20));
    r_.monitor_failures = procs_->unexpected_exits();
    if (!bad.empty())
      r_.monitor_failures.push_back(bad);
    if (!o_.keep) {
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
    }
  }

  fleet_options o_;
  int stop_signal_;
  fleet_results r_;
  std::mt19937_64 rng_;
  std::string dir_;
  std::uint64_t fd_limit_ = 0;
  kj::AsyncIoContext io_;
  std::unique_ptr<monitor_procs> procs_;
  std::unique_ptr<pool_watch> watch_;
  std::unique_ptr<checkin_tally> tally_;
  /// Destroyed before io_ (declared after it).
  std::vector<std::unique_ptr<sim_agent>> agents_;
  /// Indices (in agents_) and UUIDs of the admitted servers.
  std::vector<std::size_t> fleet_;
  std::vector<std::string> fleet_uuids_;
  /// UUIDs of the servers killed at some point.
  std::set<std::string> killed_;
  std::size_t leader_ = 0;
  clock::time_point all_up_at_;
};

} // namespace

fleet_results run_fleet(const fleet_options& o, int stop_signal) {
  fleet_run run(o, stop_signal);
  return run.run();
}

} // namespace gd::glsim
