#pragma once

// The node agent's local copy of the parts of the cluster model it acts on
// (volumes, their bricks and options, cluster-wide options): a range read of
// each prefix from one monitor, then a watch from the revision after it, so
// every later change arrives as events and nothing is polled. The agent
// reads it to serve volfiles (GETSPEC), to know which bricks it must run,
// and to tell its clients when a volfile changed. KJ thread only; no CAF.
//
// Consistency: each prefix is a consistent snapshot of the monitor it comes
// from at `revision(prefix)`, kept up to date by that monitor's watch (a
// watch is served by the daemon asked, in revision order). A monitor that
// stops answering is left for the next one (range and watch again); while
// none answers the copy stays as it was (bricks keep running, volfiles keep
// being served), and `ready()` stays true once it was loaded.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <kj/async-io.h>
#include <kj/async.h>

#include "actors/config/cluster_store.hpp"
#include "protocol/kv_types.hpp"

namespace gd::rpc {
class peer_pool;
}

namespace gd::node {

/// Keys and values of some prefixes, with the reads the model needs. Pure.
class mirror_store {
public:
  /// Replaces every key under `prefix` with `kvs` (a fresh range read).
  void load(const std::string& prefix, const std::vector<kv::key_value>& kvs);
  /// Applies watch events in revision order.
  void apply(const std::vector<kv::event>& events);
  /// A range read over the copy (limit, keys_only and count_only honoured).
  kv::range_result range(const kv::range_request& r) const;
  /// A model reader over the copy; valid while this store lives.
  cluster::model_reader reader() const;
  std::size_t size() const { return kvs_.size(); }

private:
  std::map<std::string, kv::key_value> kvs_;
};

struct mirror_settings {
  /// Prefixes to copy (each watched on its own).
  std::vector<std::string> prefixes = {"/gd/volumes/", "/gd/cluster/",
                                       "/gd/roles/"};
  /// How often the monitor in use is asked whether it still answers (a
  /// watch on a dead connection would otherwise just fall silent).
  std::chrono::milliseconds probe_interval{2000};
  /// Wait before trying the next monitor after a failure (doubles to 8x).
  std::chrono::milliseconds retry{200};
};

class model_mirror {
public:
  /// Called after the copy changed (a load or events), on the KJ thread.
  using changed_fn = std::function<void()>;
  /// The monitors to copy from, in the order to try them (asked anew at
  /// every (re)start, so it follows the agent's monitor list).
  using monitors_fn = std::function<std::vector<std::string>()>;
  /// One line for the daemon's log.
  using log_fn = std::function<void(const std::string&)>;

  /// `pool` must outlive this object.
  model_mirror(rpc::peer_pool& pool, mirror_settings settings,
               monitors_fn monitors, changed_fn on_change, log_fn log);
  ~model_mirror();
  model_mirror(const model_mirror&) = delete;
  model_mirror& operator=(const model_mirror&) = delete;

  /// Copies and follows until destroyed. Never rejects.
  kj::Promise<void> run();

  /// True once every prefix was loaded (stays true across failovers).
  bool ready() const { return ready_; }
  const mirror_store& store() const { return store_; }
  /// How many times the copy changed (loads and event batches); a reader
  /// that saw this number saw everything up to it.
  std::uint64_t changes() const { return changes_; }
  /// The monitor copied from ("" before the first load).
  const std::string& source() const { return source_; }

private:
  struct session;
  kj::Promise<void> follow(std::size_t attempt);
  kj::Promise<void> load_and_watch(const std::string& address);
  /// Rejects when the monitor of `s` stops answering.
  kj::Promise<void> probe(session* s);
  void on_events(std::uint64_t generation, const std::vector<kv::event>& evs);

  rpc::peer_pool& pool_;
  mirror_settings settings_;
  monitors_fn monitors_;
  changed_fn on_change_;
  log_fn log_;
  mirror_store store_;
  bool ready_ = false;
  std::uint64_t changes_ = 0;
  std::string source_;
  /// Bumped at every (re)start: events of an older watch are dropped.
  std::uint64_t generation_ = 0;
  std::unique_ptr<session> session_;
  std::size_t next_monitor_ = 0;
};

} // namespace gd::node
