#include "cmd/glsim/pool_watch.hpp"

#include <pthread.h>
#include <csignal>
#include <set>

#include "cmd/client/address.hpp"
#include "cmd/client/client.hpp"
#include "protocol/cluster_codec.hpp"

namespace gd::glsim {

namespace {

const std::string peers_prefix = "/gd/peers/";

} // namespace

pool_watch::pool_watch(std::vector<std::string> monitors, int stop_signal)
  : monitors_(std::move(monitors)), stop_signal_(stop_signal) {
  // nop
}

pool_watch::~pool_watch() {
  stop();
}

void pool_watch::start(std::size_t first) {
  thread_ = std::thread([this, first] { run(first); });
}

void pool_watch::stop() {
  if (!thread_.joinable())
    return;
  stopping_ = true;
  {
    std::lock_guard<std::mutex> g(mu_);
    // why: only while it runs; a watch in progress ends at once, one about
    // to start finds the signal pending.
    if (!exited_)
      pthread_kill(thread_.native_handle(), stop_signal_);
  }
  wake_.notify_all();
  thread_.join();
}

bool pool_watch::synced() const {
  std::lock_guard<std::mutex> g(mu_);
  return synced_;
}

std::size_t pool_watch::count_up(const std::vector<std::string>& uuids) const {
  std::lock_guard<std::mutex> g(mu_);
  std::size_t n = 0;
  for (const auto& u : uuids) {
    auto it = peers_.find(u);
    if (it != peers_.end() && !it->second.down)
      ++n;
  }
  return n;
}

std::size_t pool_watch::count_down() const {
  std::lock_guard<std::mutex> g(mu_);
  std::size_t n = 0;
  for (const auto& [uuid, p] : peers_)
    n += p.down ? 1 : 0;
  return n;
}

std::size_t pool_watch::count_monitors_up() const {
  std::lock_guard<std::mutex> g(mu_);
  std::size_t n = 0;
  for (const auto& [uuid, p] : peers_)
    n += p.monitor && !p.down ? 1 : 0;
  return n;
}

std::uint64_t pool_watch::writes() const {
  std::lock_guard<std::mutex> g(mu_);
  return writes_;
}

std::optional<pool_watch::clock::time_point>
pool_watch::all_up_at(const std::vector<std::string>& uuids) const {
  std::lock_guard<std::mutex> g(mu_);
  clock::time_point last{};
  for (const auto& u : uuids) {
    auto it = peers_.find(u);
    if (it == peers_.end() || it->second.down)
      return std::nullopt;
    last = std::max(last, it->second.since);
  }
  return last;
}

std::vector<pool_watch::transition>
pool_watch::transitions_since(clock::time_point since) const {
  std::lock_guard<std::mutex> g(mu_);
  std::vector<transition> out;
  for (const auto& t : transitions_)
    if (t.at >= since)
      out.push_back(t);
  return out;
}

std::string pool_watch::last_error() const {
  std::lock_guard<std::mutex> g(mu_);
  return last_error_;
}

void pool_watch::set_error(const std::string& e) {
  std::lock_guard<std::mutex> g(mu_);
  last_error_ = e;
}

void pool_watch::pause(std::chrono::milliseconds d) {
  std::unique_lock<std::mutex> g(mu_);
  wake_.wait_for(g, d, [this] { return stopping_.load(); });
}

void pool_watch::apply_put(const std::string& uuid, const std::string& value,
                           clock::time_point now) {
  bool down = false;
  bool monitor = false;
  try {
    auto p = proto::decode_peer(value);
    down = p.down;
    monitor = p.monitor;
  } catch (const std::exception&) {
    return; // not a peer record we can read: not ours to judge
  }
  auto it = peers_.find(uuid);
  if (it == peers_.end()) {
    peers_.emplace(uuid, peer_state{down, monitor, now});
    return;
  }
  it->second.monitor = monitor;
  if (it->second.down == down)
    return;
  it->second = peer_state{down, monitor, now};
  transitions_.push_back(transition{uuid, down, now});
}

void pool_watch::apply(const std::vector<kv::event>& events,
                       clock::time_point now) {
  std::lock_guard<std::mutex> g(mu_);
  for (const auto& e : events) {
    if (e.kv.key.compare(0, peers_prefix.size(), peers_prefix) != 0)
      continue;
    auto uuid = e.kv.key.substr(peers_prefix.size());
    ++writes_;
    if (e.type == kv::event::kind::del)
      peers_.erase(uuid);
    else
      apply_put(uuid, e.kv.value, now);
  }
}

void pool_watch::run(std::size_t first) {
  kv::key_range range{peers_prefix, kv::prefix_end(peers_prefix)};
  kv::revision rev = 0;
  bool need_read = true;
  auto k = first % monitors_.size();
  while (!stopping_) {
    try {
      client::connection_options o;
      o.connect_timeout = std::chrono::milliseconds(2000);
      o.call_timeout = std::chrono::milliseconds(10000);
      client::connection c(client::parse_address(monitors_[k]), o);
      if (need_read) {
        kv::range_request rq;
        rq.range = range;
        auto r = c.range(rq);
        if (!r.ok())
          throw std::runtime_error("reading the pool at " + monitors_[k]
                                   + ": " + r.st.message);
        auto now = clock::now();
        std::lock_guard<std::mutex> g(mu_);
        std::set<std::string> seen;
        for (const auto& kv : r.value.kvs) {
          auto uuid = kv.key.substr(peers_prefix.size());
          seen.insert(uuid);
          apply_put(uuid, kv.value, now);
        }
        for (auto it = peers_.begin(); it != peers_.end();)
          it = seen.count(it->first) ? std::next(it) : peers_.erase(it);
        rev = r.value.header_revision;
        synced_ = true;
        need_read = false;
      }
      auto w = c.watch(
        range, rev + 1,
        [this, &rev](const std::vector<kv::event>& evs, kv::revision) {
          apply(evs, clock::now());
          if (!evs.empty())
            rev = std::max(rev, evs.back().kv.mod_revision);
          return !stopping_;
        },
        client::watch_options{stop_signal_});
      if (stopping_ || w.value.why == client::watch_end::reason::interrupted)
        break;
      if (!w.ok()) {
        if (w.st.code == status_code::compacted)
          need_read = true;
        set_error("the watch at " + monitors_[k] + " ended: " + w.st.message);
      }
    } catch (const std::exception& e) {
      set_error(e.what());
    }
    if (stopping_)
      break;
    ++resumes_;
    k = (k + 1) % monitors_.size();
    pause(std::chrono::milliseconds(100));
  }
  std::lock_guard<std::mutex> g(mu_);
  exited_ = true;
}

} // namespace gd::glsim
