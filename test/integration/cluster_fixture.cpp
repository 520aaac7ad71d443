#include "test/integration/cluster_fixture.hpp"

#include <arpa/inet.h>
#include <filesystem>
#include <iostream>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cstdio>

#include "actors/membership/credentials.hpp"
#include <map>
#include <random>
#include <sstream>
#include <stdexcept>

namespace gd::test {

namespace fsys = std::filesystem;
using namespace std::chrono_literals;

// -- test_cluster -----------------------------------------------------------------

test_cluster::test_cluster(std::string root, std::string ip_prefix,
                           std::size_t n, int tick_ms, bool real_bricks)
  : run_bricks(real_bricks),
    host_names(real_bricks),
    root_(std::move(root)),
    prefix_(std::move(ip_prefix)),
    initial_(n),
    tick_ms_(tick_ms) {
  fsys::remove_all(root_);
  fsys::create_directories(root_);
  membership::save_secret(secret_file(), membership::new_secret());
  procs_.resize(n);
  for (std::size_t i = 0; i < n; ++i)
    start(i);
}

test_cluster::~test_cluster() {
  for (auto& p : procs_)
    if (p)
      p->kill9();
  for (auto& a : agents_)
    if (a)
      a->kill9();
  procs_.clear();
  agents_.clear();
  std::error_code ec;
  fsys::remove_all(root_, ec);
}

std::string test_cluster::address(std::size_t i) const {
  return prefix_ + "." + std::to_string(i + 1) + ":24007";
}

std::string test_cluster::host(std::size_t i) const {
  return prefix_ + "." + std::to_string(i + 1);
}

std::string test_cluster::data_dir(std::size_t i) const {
  return root_ + "/" + name(i);
}

std::string test_cluster::secret_file() const {
  return root_ + "/cluster.secret";
}

std::string test_cluster::join_token() const {
  // The operator's way: printed on a monitor, beside its daemon (any member
  // whose data dir still holds the cluster).
  std::string last;
  for (std::size_t i = 0; i < procs_.size(); ++i) {
    std::string cmd = "'" + daemon_binary() + "' --data-dir '" + data_dir(i)
                      + "' --print-join-token 2>&1";
    std::string out;
    int rc = -1;
    if (FILE* f = ::popen(cmd.c_str(), "r")) {
      char buf[512];
      while (std::fgets(buf, sizeof(buf), f))
        out += buf;
      rc = ::pclose(f);
    }
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r'))
      out.pop_back();
    if (rc == 0)
      return out;
    last = out;
  }
  throw std::runtime_error("no member could print a join token: " + last);
}

std::size_t test_cluster::add_slot() {
  procs_.emplace_back();
  return procs_.size() - 1;
}

void test_cluster::start(std::size_t i, const std::string& join) {
  if (procs_.at(i) && procs_[i]->running())
    throw std::logic_error("member " + name(i) + " is running");
  std::vector<std::string> args = {"--data-dir", data_dir(i),
                                   "--listen", address(i),
                                   "--name", name(i),
                                   "--monitor",
                                   "--tick-ms", std::to_string(tick_ms_),
                                   "--map-size", "64M",
                                   "--bricks", run_bricks ? "on" : "off"};
  if (!join.empty()) {
    args.push_back("--join");
    args.push_back(join);
    args.push_back("--join-token");
    args.push_back(join_token());
  } else {
    args.push_back("--cluster-secret-file");
    args.push_back(secret_file());
    std::string ic;
    for (std::size_t k = 0; k < initial_; ++k)
      ic += (k ? "," : "") + name(k) + "=" + address(k);
    args.push_back("--initial-cluster");
    args.push_back(ic);
  }
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  auto binary = daemon_binary();
  if (!launcher.empty()) {
    args.insert(args.begin(), binary);
    args.insert(args.begin(), launcher.begin() + 1, launcher.end());
    binary = launcher.front();
  }
  procs_[i] = std::make_unique<daemon_process>(
    binary, args, root_ + "/" + name(i) + ".log");
  std::lock_guard<std::mutex> guard(live_mu_);
  live_.insert(i);
}

void test_cluster::kill9(std::size_t i) {
  {
    std::lock_guard<std::mutex> guard(live_mu_);
    live_.erase(i);
  }
  procs_.at(i)->kill9();
  procs_[i]->wait(10s);
}

void test_cluster::terminate(std::size_t i) {
  {
    std::lock_guard<std::mutex> guard(live_mu_);
    live_.erase(i);
  }
  procs_.at(i)->terminate();
  if (!procs_[i]->wait(20s))
    throw std::runtime_error(name(i) + " did not stop within 20 s of SIGTERM");
}

std::vector<std::string> test_cluster::running_addresses() const {
  std::lock_guard<std::mutex> guard(live_mu_);
  std::vector<std::string> out;
  for (auto i : live_)
    out.push_back(address(i));
  return out;
}

std::size_t test_cluster::wait_for_leader(std::chrono::milliseconds timeout,
                                          std::vector<std::size_t> among) {
  if (among.empty())
    for (std::size_t i = 0; i < procs_.size(); ++i)
      if (procs_[i] && procs_[i]->running())
        among.push_back(i);
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string last_problem = "no answer yet";
  while (std::chrono::steady_clock::now() < deadline) {
    std::string leader;
    bool agreed = true;
    for (auto i : among) {
      try {
        client::connection_options co;
        co.connect_timeout = 1s;
        co.call_timeout = 2s;
        client::connection c(client::parse_address(address(i)), co);
        auto st = c.status();
        if (!st.ok() || st.value.leader.name.empty()) {
          agreed = false;
          last_problem = name(i) + " knows no leader";
          break;
        }
        if (leader.empty())
          leader = st.value.leader.name;
        else if (leader != st.value.leader.name) {
          agreed = false;
          last_problem = "members disagree on the leader";
          break;
        }
      } catch (const std::exception& e) {
        agreed = false;
        last_problem = name(i) + ": " + e.what();
        break;
      }
    }
    if (agreed && !leader.empty()) {
      // why: right after a leader dies the others still name it; wait for
      // a leader that actually runs.
      for (auto i : among)
        if (name(i) == leader)
          return i;
      last_problem = "the members still name " + leader
                     + ", which is not running";
    }
    std::this_thread::sleep_for(50ms);
  }
  throw std::runtime_error("no leader within the timeout: " + last_problem);
}

std::string test_cluster::logs() {
  std::ostringstream out;
  auto tail = [&](const std::string& who, const daemon_process& p) {
    auto text = p.log();
    if (text.size() > 3000)
      text = "..." + text.substr(text.size() - 3000);
    out << "--- " << who << " ---\n" << text << "\n";
  };
  for (std::size_t i = 0; i < procs_.size(); ++i)
    if (procs_[i])
      tail(name(i), *procs_[i]);
  for (std::size_t k = 0; k < agents_.size(); ++k)
    if (agents_[k])
      tail(agent_name(k), *agents_[k]);
  return out.str();
}

// -- agents -----------------------------------------------------------------------

std::string test_cluster::agent_host(std::size_t k) const {
  return prefix_ + "." + std::to_string(101 + k);
}

std::string test_cluster::agent_address(std::size_t k) const {
  return agent_host(k) + ":24007";
}

std::size_t test_cluster::add_agent() {
  agents_.emplace_back();
  auto k = agents_.size() - 1;
  start_agent(k);
  return k;
}

void test_cluster::start_agent(std::size_t k) {
  if (agents_.at(k) && agents_[k]->running())
    throw std::logic_error("agent " + agent_name(k) + " is running");
  std::vector<std::string> args = {"--data-dir", root_ + "/" + agent_name(k),
                                   "--listen", agent_address(k),
                                   "--name", agent_name(k),
                                   "--tick-ms", std::to_string(tick_ms_),
                                   "--map-size", "64M",
                                   "--bricks", run_bricks ? "on" : "off"};
  agents_[k] = std::make_unique<daemon_process>(
    daemon_binary(), args, root_ + "/" + agent_name(k) + ".log");
  if (!wait_listening(agent_address(k), 10s))
    throw std::runtime_error("agent " + agent_name(k) + " does not listen at "
                             + agent_address(k) + " within 10 s:\n"
                             + agents_[k]->log());
}

void test_cluster::kill9_agent(std::size_t k) {
  agents_.at(k)->kill9();
  agents_[k]->wait(10s);
}

bool test_cluster::wait_listening(const std::string& address,
                                  std::chrono::milliseconds timeout) {
  auto colon = address.rfind(':');
  auto ip = address.substr(0, colon);
  auto port = colon == std::string::npos
                ? 24007
                : std::stoi(address.substr(colon + 1));
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<std::uint16_t>(port));
  if (::inet_pton(AF_INET, ip.c_str(), &sa.sin_addr) != 1)
    throw std::invalid_argument("not an IPv4 HOST:PORT: " + address);
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd >= 0) {
      bool ok = ::connect(fd, reinterpret_cast<const sockaddr*>(&sa),
                          sizeof(sa)) == 0;
      ::close(fd);
      if (ok)
        return true;
    }
    std::this_thread::sleep_for(50ms);
  }
  return false;
}

// -- workload ---------------------------------------------------------------------

workload::workload(std::function<std::vector<std::string>()> targets,
                   int threads, int keys)
  : targets_(std::move(targets)), threads_(threads), keys_(keys) {
  // nop
}

workload::~workload() {
  stop();
}

void workload::start() {
  stop_ = false;
  for (int i = 0; i < threads_; ++i)
    workers_.emplace_back([this, i] { run(i); });
}

void workload::stop() {
  stop_ = true;
  for (auto& w : workers_)
    if (w.joinable())
      w.join();
  workers_.clear();
}

std::chrono::steady_clock::time_point workload::last_write() const {
  return std::chrono::steady_clock::time_point(
    std::chrono::nanoseconds(last_write_ns_.load()));
}

std::set<std::string> workload::acked_unique() const {
  std::lock_guard<std::mutex> guard(mu_);
  return acked_unique_;
}

void workload::run(int id) {
  std::mt19937_64 rng(static_cast<std::uint64_t>(id) * 7919 + 17);
  std::uint64_t counter = 0;
  std::map<std::string, std::optional<std::string>> last_seen;
  while (!stop_) {
    auto addrs = targets_();
    if (addrs.empty()) {
      std::this_thread::sleep_for(50ms);
      continue;
    }
    auto target = addrs[rng() % addrs.size()];
    std::unique_ptr<client::connection> c;
    try {
      client::connection_options co;
      co.connect_timeout = 1s;
      co.call_timeout = 4s;
      c = std::make_unique<client::connection>(client::parse_address(target), co);
    } catch (const std::exception&) {
      std::this_thread::sleep_for(50ms);
      continue;
    }
    bool broken = false;
    while (!stop_ && !broken) {
      auto kind = rng() % 10;
      auto key = "k" + std::to_string(rng() % static_cast<std::uint64_t>(keys_));
      auto value = "t" + std::to_string(id) + "-" + std::to_string(++counter);
      // Failures: nothing changed -> drop from the history; otherwise the
      // outcome is unknown.
      auto settle = [&](std::size_t h, const gd::status& st, bool write) {
        if (std::getenv("GD_DEBUG_WORKLOAD"))
          std::cerr << "worker " << id << " on " << target << ": "
                    << to_string(st.code) << " " << st.message << "\n";
        if (write && !nothing_changed(st.code)) {
          history_.complete_unknown(h);
          ++unknown_;
        } else {
          history_.discard(h);
        }
        if (st.code == status_code::no_quorum || st.code == status_code::busy)
          std::this_thread::sleep_for(20ms);
      };
      try {
        if (kind < 3) {
          auto h = history_.invoke(make_get(id, 0, never, key, std::nullopt));
          kv::range_request r;
          r.range.key = key;
          auto o = c->range(r);
          if (o.ok()) {
            std::optional<std::string> got;
            if (!o.value.kvs.empty())
              got = o.value.kvs.front().value;
            last_seen[key] = got;
            history_.complete_get(h, got);
          } else {
            settle(h, o.st, false);
          }
        } else if (kind < 7) {
          auto h = history_.invoke(make_put(id, 0, never, key, value));
          auto o = c->put({key, value, false});
          if (o.ok()) {
            history_.complete_put(h);
            last_seen[key] = value;
            ++ok_;
            last_write_ns_ = std::chrono::steady_clock::now()
                               .time_since_epoch().count();
          } else {
            settle(h, o.st, true);
          }
        } else if (kind < 8) {
          auto expected = last_seen[key];
          auto h = history_.invoke(
            make_cas(id, 0, never, key, expected, value, false));
          kv::txn_request t;
          kv::compare cmp;
          cmp.key = key;
          if (expected) {
            cmp.target = kv::compare_target::value;
            cmp.value = *expected;
          } else {
            cmp.target = kv::compare_target::version;
            cmp.number = 0;
          }
          cmp.result = kv::compare_result::equal;
          t.compares.push_back(cmp);
          t.success.push_back(kv::put_request{key, value, false});
          auto o = c->txn(t);
          if (o.ok()) {
            history_.complete_cas(h, o.value.succeeded);
            if (o.value.succeeded)
              last_seen[key] = value;
          } else {
            settle(h, o.st, true);
          }
        } else {
          auto ukey = "u/" + std::to_string(id) + "/" + std::to_string(counter);
          auto o = c->put({ukey, value, false});
          if (o.ok()) {
            std::lock_guard<std::mutex> guard(mu_);
            acked_unique_.insert(ukey);
            ++ok_;
          } else if (!nothing_changed(o.st.code)) {
            ++unknown_;
          }
        }
      } catch (const client::client_error& e) {
        if (std::getenv("GD_DEBUG_WORKLOAD"))
          std::cerr << "worker " << id << " on " << target << ": " << e.what()
                    << "\n";
        // The in-flight operation's invoke has no completion: the recorder
        // keeps it as unknown (a read with no result constrains nothing).
        broken = true;
      }
    }
  }
}

void workload::final_reads(const std::string& address) {
  client::connection c(client::parse_address(address));
  for (int k = 0; k < keys_; ++k) {
    auto key = "k" + std::to_string(k);
    auto h = history_.invoke(make_get(999, 0, never, key, std::nullopt));
    kv::range_request r;
    r.range.key = key;
    auto o = c.range(r);
    if (!o.ok())
      throw std::runtime_error("final read of " + key + " failed: "
                               + o.st.message);
    std::optional<std::string> got;
    if (!o.value.kvs.empty())
      got = o.value.kvs.front().value;
    history_.complete_get(h, got);
  }
}

} // namespace gd::test
