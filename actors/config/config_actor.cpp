#include "actors/config/config_actor.hpp"

#include <cstdio>
#include <map>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#include <caf/send.hpp>
#include <caf/spawn_options.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include "actors/config/state_machine.hpp"
#include "actors/config/cluster_store.hpp"
#include "protocol/cluster_codec.hpp"
#include "protocol/records_codec.hpp"
#include "store/checksum.hpp"

namespace gd::config {

namespace {

using sweep_atom = caf::atom_constant<caf::atom("cfg_sweep")>;
using catch_up_atom = caf::atom_constant<caf::atom("cfg_catchu")>;

using config_actor_impl = config_actor::extend<caf::reacts_to<sweep_atom>,
                                               caf::reacts_to<catch_up_atom>>;

using clock_type = caf::actor_clock::clock_type;
using time_point = caf::actor_clock::time_point;


using raft::log_index;

/// Reads of the applied state: through the open apply transaction. Throws
/// store::store_error on a storage failure or corruption.
using store_reader = std::function<kv::range_result(const kv::range_request&)>;

/// A proposed write (KV or cluster) waiting for its entry to be applied.
struct pending_write {
  /// Answers the requester with the applied entry's outcome, or with a
  /// failure (only `st` set).
  std::function<void(apply_outcome)> deliver;
  time_point deadline;

  void fail(gd::status why) {
    apply_outcome o;
    o.st = std::move(why);
    deliver(std::move(o));
  }
};

pending_write kv_pending(reply_promise<kv_write_reply> reply,
                         time_point deadline) {
  return {[reply = std::move(reply)](apply_outcome o) {
            reply.deliver(kv_write_reply{std::move(o.st), std::move(o.result)});
          },
          deadline};
}

pending_write cluster_pending(reply_promise<cluster_write_reply> reply,
                              time_point deadline) {
  return {[reply = std::move(reply)](apply_outcome o) {
            cluster_write_reply rep;
            rep.st = std::move(o.st);
            rep.message = std::move(o.cluster.message);
            rep.revision = o.cluster.revision;
            rep.volume = std::move(o.cluster.volume);
            reply.deliver(std::move(rep));
          },
          deadline};
}

/// A read waiting for its confirmation, or for the apply to catch up.
struct pending_read {
  /// Called once: with ok and a reader once the read may be served, or with
  /// the failure and nullptr. Answers the requester. Throws store_error
  /// (after answering) if the store is corrupt: the member must stop.
  std::function<void(const gd::status&, const store_reader*)> run;
  time_point deadline;
};

/// Answers `reply` with what `fill` puts into a fresh Reply. A storage
/// failure is answered as `failed` with its text; corruption is answered so
/// too, then rethrown: the member must stop.
template <class Reply, class Fill>
void answer_read(const reply_promise<Reply>& reply, Fill fill) {
  Reply rep{};
  try {
    fill(rep);
  } catch (const store::store_error& e) {
    Reply failed{};
    failed.st = gd::status::error(status_code::failed, e.what());
    reply.deliver(std::move(failed));
    if (e.code() == store::store_errc::corrupt)
      throw;
    return;
  }
  reply.deliver(std::move(rep));
}

pending_read kv_read_pending(reply_promise<kv_read_reply> reply,
                             kv::range_request req, time_point deadline) {
  return {[reply = std::move(reply), req = std::move(req)](
            const gd::status& st, const store_reader* read) {
            if (!read)
              return reply.deliver(kv_read_reply{st, {}});
            answer_read(reply, [&](kv_read_reply& rep) {
              rep.result = (*read)(req);
            });
          },
          deadline};
}

pending_read model_read_pending(reply_promise<model_read_reply> reply,
                                cluster::model_query q, time_point deadline) {
  return {[reply = std::move(reply), q = std::move(q)](
            const gd::status& st, const store_reader* read) {
            if (!read)
              return reply.deliver(model_read_reply{st, {}});
            answer_read(reply, [&](model_read_reply& rep) {
              cluster::model_reader m(*read);
              auto r = cluster::run_query(m, q);
              rep.st = std::move(r.st);
              rep.value = std::move(r.value);
            });
          },
          deadline};
}

struct watcher {
  std::uint64_t id = 0;
  kv::key_range range;
  /// The next revision this watcher has not seen.
  kv::revision next = 0;
  caf::actor sink;
};

struct config_state {
  config_actor_config cfg;
  std::unique_ptr<store::state_root> root;
  std::unique_ptr<store::kv_store> kv;
  raft::raft_actor raft;
  store::applied_state applied;
  raft::leader_update leader;
  bool leader_known = false;
  log_index durable = 0;
  std::uint64_t next_id = 0;
  std::map<std::uint64_t, pending_write> writes;
  std::map<std::uint64_t, pending_read> reads;
  /// Reads whose index is confirmed, waiting for the apply to reach it.
  std::multimap<raft::log_index, std::uint64_t> reads_by_index;
  std::vector<watcher> watchers;
  /// A catch_up_atom is queued.
  bool catch_up_pending = false;

  /// The open apply transaction. Committed entries are applied into it and
  /// served from it at once; it is committed (one flush for many batches)
  /// every commit_interval, when it grows large, before snapshots and on a
  /// clean stop. A crash loses it, and the restart re-applies those entries
  /// from the Raft log, which holds them durably. Needs a detached actor:
  /// an LMDB write transaction is bound to its thread.
  std::optional<store::kv_store::write_batch> batch;
  caf::actor_clock::time_point batch_opened;
  std::size_t batch_entries = 0;
  std::size_t batch_bytes = 0;

  static inline const char* name = "config";
};

using self_ptr = config_actor_impl::stateful_pointer<config_state>;

void note(config_state& st, const std::string& what) {
  if (st.cfg.on_event)
    st.cfg.on_event(what);
}

/// Commit the open transaction early past these sizes.
constexpr std::size_t max_batch_entries = 10000;
constexpr std::size_t max_batch_bytes = std::size_t{16} << 20;

store::kv_store::write_batch& open_batch(self_ptr self);

/// Commits the open apply transaction, if any. Throws store_error.
void commit_batch(config_state& st) {
  if (!st.batch)
    return;
  auto t0 = std::chrono::steady_clock::now();
  st.batch->commit();
  st.batch.reset();
  auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
    std::chrono::steady_clock::now() - t0);
  if (took > std::chrono::milliseconds(500)) {
    auto line = "a state store commit took " + std::to_string(took.count())
                + " ms (the disk is slow; applying and reads wait for it)";
    if (st.cfg.on_warning)
      st.cfg.on_warning(line);
    else if (st.cfg.on_event)
      st.cfg.on_event(line);
  }
}

kv::range_result read_range(const config_state& st,
                            const kv::range_request& r) {
  return st.batch ? st.batch->range(r) : st.kv->range(r);
}

store::events_result read_events(const config_state& st, kv::revision from,
                                 const kv::key_range& r, std::size_t max) {
  return st.batch ? st.batch->events(from, r, max)
                  : st.kv->events(from, r, max);
}

gd::status not_leader_status(const config_state& st) {
  auto s = gd::status::error(status_code::not_leader,
                             "this monitor is not the leader");
  s.leader = st.leader.leader;
  return s;
}

kv::key_range all_keys() {
  return {std::string(1, '\0'), std::string(1, '\0')};
}

void fatal(self_ptr self, const std::string& what) {
  note(self->state, "fatal: " + what);
  self->quit(caf::make_error(caf::sec::runtime_error, what));
}

store::kv_store::write_batch& open_batch(self_ptr self) {
  auto& st = self->state;
  if (!st.batch) {
    st.batch.emplace(st.kv->begin());
    st.batch_opened = self->clock().now();
    st.batch_entries = 0;
    st.batch_bytes = 0;
  }
  return *st.batch;
}

// -- watches --------------------------------------------------------------------

void cancel_watch(self_ptr self, watcher& w, gd::status why) {
  watch_events ev;
  ev.watch_id = w.id;
  ev.header_revision = self->state.applied.revision;
  ev.canceled = true;
  ev.reason = std::move(why);
  caf::anon_send(w.sink, std::move(ev));
  w.sink = nullptr; // marks it for removal
}

gd::status compacted_status(kv::revision wanted, kv::revision compacted) {
  return gd::status::error(
    status_code::compacted,
    "revision " + std::to_string(wanted)
      + " has been compacted; history starts after revision "
      + std::to_string(compacted));
}

/// Sends `w` what it has not seen, a bounded amount at a time; if it is
/// still behind after that, a catch_up_atom continues later (so a watcher far
/// behind catches up without waiting for new writes, and without starving
/// the actor's other work).
void catch_up(self_ptr self, watcher& w) {
  auto& st = self->state;
  for (int step = 0; w.sink && w.next <= st.applied.revision; ++step) {
    if (step == 10) {
      if (!st.catch_up_pending) {
        st.catch_up_pending = true;
        self->send(self, catch_up_atom::value);
      }
      return;
    }
    auto r = read_events(st, w.next, w.range, st.cfg.watch_chunk_events);
    if (r.compacted) {
      cancel_watch(self, w, compacted_status(w.next, r.compact_revision));
      return;
    }
    if (!r.events.empty()) {
      watch_events ev;
      ev.watch_id = w.id;
      ev.events = std::move(r.events);
      ev.header_revision = st.applied.revision;
      caf::anon_send(w.sink, std::move(ev));
    }
    if (r.next_revision <= w.next)
      return; // no progress: nothing more to read now
    w.next = r.next_revision;
  }
}

void drop_canceled_watchers(config_state& st) {
  st.watchers.erase(std::remove_if(st.watchers.begin(), st.watchers.end(),
                                   [](const watcher& w) { return !w.sink; }),
                    st.watchers.end());
}

void notify_watchers(self_ptr self, kv::revision before) {
  auto& st = self->state;
  if (st.watchers.empty() || st.applied.revision <= before)
    return;
  // why: one history read serves every watcher that was up to date.
  std::optional<store::events_result> shared;
  for (auto& w : st.watchers) {
    if (!w.sink)
      continue;
    if (w.next == before + 1) {
      if (!shared)
        shared = read_events(st, before + 1, all_keys(),
                             std::numeric_limits<std::size_t>::max());
      if (shared->next_revision > st.applied.revision) {
        watch_events ev;
        ev.watch_id = w.id;
        ev.header_revision = st.applied.revision;
        for (const auto& e : shared->events)
          if (w.range.contains(e.kv.key))
            ev.events.push_back(e);
        if (!ev.events.empty())
          caf::anon_send(w.sink, std::move(ev));
        w.next = shared->next_revision;
        continue;
      }
    }
    catch_up(self, w);
  }
  drop_canceled_watchers(st);
}

// -- reads ----------------------------------------------------------------------

/// Serves `pending` from the applied state now. Local corruption found on
/// the way stops the member (after the requester got its answer).
void run_read(self_ptr self, pending_read& pending) {
  auto& st = self->state;
  store_reader read = [&st](const kv::range_request& r) {
    return read_range(st, r);
  };
  try {
    pending.run(gd::status{}, &read);
  } catch (const store::store_error& e) {
    fatal(self, std::string("the state store is corrupt: ") + e.what());
  }
}

void serve_read(self_ptr self, std::uint64_t id) {
  auto& st = self->state;
  auto it = st.reads.find(id);
  if (it == st.reads.end())
    return;
  auto pending = std::move(it->second);
  st.reads.erase(it);
  run_read(self, pending);
}

void serve_ready_reads(self_ptr self) {
  auto& st = self->state;
  while (!st.reads_by_index.empty()
         && st.reads_by_index.begin()->first <= st.applied.index) {
    auto id = st.reads_by_index.begin()->second;
    st.reads_by_index.erase(st.reads_by_index.begin());
    serve_read(self, id);
  }
}

/// Serves a read now (serializable: from the local applied state) or once a
/// quorum confirmed this member may serve it (ReadIndex) and the apply
/// caught up.
void start_read(self_ptr self, pending_read pending, bool serializable) {
  auto& st = self->state;
  if (serializable)
    return run_read(self, pending);
  if (!st.raft)
    return pending.run(gd::status::error(status_code::no_quorum,
                                         "this monitor is still starting"),
                       nullptr);
  auto id = ++st.next_id;
  self->send(st.raft, raft::read_index_cmd{id});
  st.reads.emplace(id, std::move(pending));
}

// -- applying -------------------------------------------------------------------

void on_apply(self_ptr self, raft::apply_batch& b) {
  auto& st = self->state;
  auto rev_before = st.applied.revision;
  std::map<log_index, apply_outcome> outcomes;
  if (!b.entries.empty() && b.entries.back().index > st.applied.index) {
    std::map<log_index, bool> wanted;
    for (const auto& p : b.proposals)
      if (p.outcome == raft::fate::applied)
        wanted[p.index] = true;
    try {
      auto& batch = open_batch(self);
      for (const auto& e : b.entries) {
        if (e.index <= st.applied.index)
          continue; // applied before a restart
        auto out = apply_entry(batch, e);
        if (wanted.count(e.index) > 0)
          outcomes[e.index] = std::move(out);
        ++st.batch_entries;
        st.batch_bytes += e.data.size();
      }
      st.applied = batch.applied();
      if (st.batch_entries >= max_batch_entries
          || st.batch_bytes >= max_batch_bytes)
        commit_batch(st);
    } catch (const store::store_error& e) {
      // why: a committed entry that cannot be applied stops this member;
      // skipping it would make its state diverge from its peers'.
      fatal(self, std::string("cannot apply committed entries: ") + e.what());
      return;
    }
  }
  for (const auto& p : b.proposals) {
    auto it = st.writes.find(p.request_id);
    if (it == st.writes.end())
      continue; // timed out already
    auto pending = std::move(it->second);
    st.writes.erase(it);
    switch (p.outcome) {
      case raft::fate::applied: {
        auto o = outcomes.find(p.index);
        if (o != outcomes.end()) {
          pending.deliver(std::move(o->second));
        } else {
          pending.fail(gd::status::error(status_code::unknown_outcome,
                                         "the write committed but its result "
                                         "was lost by a restart"));
        }
        break;
      }
      case raft::fate::dropped: {
        auto why = not_leader_status(st);
        why.message = "leadership changed before this write committed; "
                      "nothing changed";
        pending.fail(std::move(why));
        break;
      }
      case raft::fate::unknown:
        pending.fail(gd::status::error(status_code::unknown_outcome,
                                       "a snapshot replaced the log before "
                                       "this write could be confirmed; it may "
                                       "or may not be applied"));
        break;
    }
  }
  notify_watchers(self, rev_before);
  serve_ready_reads(self);
  if (st.raft)
    self->send(st.raft, raft::applied_report{st.applied.index, st.durable});
}

// -- snapshots ------------------------------------------------------------------

raft::snapshot_file make_snapshot(config_state& st, const std::string& dir) {
  commit_batch(st);
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
    throw std::runtime_error("cannot create " + dir);
  auto a = st.kv->copy_to(dir);
  auto file = dir + ".mdb";
  if (std::rename((dir + "/data.mdb").c_str(), file.c_str()) != 0)
    throw std::runtime_error("cannot move the snapshot copy to " + file);
  ::rmdir(dir.c_str());
  raft::snapshot_file f;
  f.path = file;
  f.meta.index = a.index;
  f.meta.term = a.term;
  f.meta.config = st.kv->config();
  struct stat sb {};
  if (::stat(file.c_str(), &sb) != 0)
    throw std::runtime_error("cannot stat " + file);
  f.size = static_cast<std::uint64_t>(sb.st_size);
  f.checksum = store::xxh3_64_file(file);
  return f;
}

log_index install_snapshot(self_ptr self, const raft::install_snapshot_cmd& c) {
  auto& st = self->state;
  commit_batch(st);
  st.kv.reset(); // close the environment before replacing it
  try {
    auto incoming = st.root->prepare_incoming();
    if (std::rename(c.path.c_str(), (incoming + "/data.mdb").c_str()) != 0)
      throw std::runtime_error("cannot move " + c.path + " into " + incoming);
    st.root->install_incoming(st.cfg.store, c.meta);
  } catch (...) {
    st.kv = st.root->open_current(st.cfg.store);
    throw;
  }
  st.kv = st.root->open_current(st.cfg.store);
  auto rev_before = st.applied.revision;
  st.applied = st.kv->applied();
  st.durable = st.applied.index;
  note(st, "installed a snapshot at index " + std::to_string(st.applied.index));
  for (auto& w : st.watchers)
    if (w.sink && w.next <= st.applied.compact_revision)
      cancel_watch(self, w, compacted_status(w.next,
                                             st.applied.compact_revision));
  drop_canceled_watchers(st);
  notify_watchers(self, std::min(rev_before, st.applied.revision));
  serve_ready_reads(self);
  return st.applied.index;
}

// -- writes ---------------------------------------------------------------------

/// Whether this member can propose a write now: ok, or why not (starting,
/// not the leader, out of space unless the write frees space).
gd::status admit_write(self_ptr self, bool frees_space) {
  auto& st = self->state;
  if (!st.raft)
    return gd::status::error(status_code::no_quorum,
                             "this monitor is still starting");
  if (st.leader_known && st.leader.leader.id != raft::no_member
      && !st.leader.is_self)
    return not_leader_status(st);
  if (!frees_space
      && static_cast<double>(st.kv->used_bytes())
           > st.cfg.space_quota * static_cast<double>(st.kv->map_size()))
    return gd::status::error(
      status_code::no_space,
      "the state store is over " + std::to_string(int(st.cfg.space_quota * 100))
        + "% of its " + std::to_string(st.kv->map_size())
        + "-byte map; compact the history or raise the map size");
  return {};
}

// -- deadlines ------------------------------------------------------------------

void sweep(self_ptr self) {
  auto& st = self->state;
  auto now = self->clock().now();
  if (st.batch && now - st.batch_opened >= st.cfg.commit_interval) {
    try {
      commit_batch(st);
    } catch (const store::store_error& e) {
      fatal(self, std::string("cannot commit applied entries: ") + e.what());
      return;
    }
  }
  for (auto it = st.writes.begin(); it != st.writes.end();) {
    if (it->second.deadline > now) {
      ++it;
      continue;
    }
    auto why = gd::status::error(status_code::unknown_outcome,
                                 "the write was not confirmed in time (the "
                                 "monitors may have lost quorum); it may or "
                                 "may not be applied");
    why.leader = st.leader.leader;
    auto pending = std::move(it->second);
    it = st.writes.erase(it);
    pending.fail(std::move(why));
  }
  for (auto it = st.reads.begin(); it != st.reads.end();) {
    if (it->second.deadline > now) {
      ++it;
      continue;
    }
    auto pending = std::move(it->second);
    it = st.reads.erase(it);
    pending.run(gd::status::error(status_code::timeout,
                                  "the read was not confirmed by a quorum in "
                                  "time; nothing changed (try "
                                  "--serializable)"),
                nullptr);
  }
  for (auto it = st.reads_by_index.begin(); it != st.reads_by_index.end();) {
    if (st.reads.count(it->second) == 0)
      it = st.reads_by_index.erase(it);
    else
      ++it;
  }
}

struct init_bundle {
  config_actor_config cfg;
  std::unique_ptr<store::state_root> root;
  std::unique_ptr<store::kv_store> kv;
};

config_actor_impl::behavior_type config_main(self_ptr self,
                                             std::shared_ptr<init_bundle> init) {
  auto& st = self->state;
  st.cfg = std::move(init->cfg);
  st.root = std::move(init->root);
  st.kv = std::move(init->kv);
  st.applied = st.kv->applied();
  st.durable = st.applied.index;
  self->set_down_handler([self](caf::down_msg& dm) {
    auto& st = self->state;
    for (auto& w : st.watchers)
      if (w.sink && w.sink.address() == dm.source)
        w.sink = nullptr;
    drop_canceled_watchers(st);
  });
  self->set_exit_handler([self](caf::exit_msg& m) {
    // A clean stop keeps what was applied; a crash (kill) would replay it.
    try {
      commit_batch(self->state);
    } catch (const std::exception& e) {
      note(self->state, std::string("cannot commit on stop: ") + e.what());
    }
    self->quit(m.reason);
  });
  self->delayed_send(self, st.cfg.sweep_interval, sweep_atom::value);
  return {
    [self](raft::raft_actor& r) { self->state.raft = std::move(r); },
    [self](applied_query&) -> store::applied_state {
      return self->state.applied;
    },
    [self](sweep_atom) {
      sweep(self);
      self->delayed_send(self, self->state.cfg.sweep_interval,
                         sweep_atom::value);
    },
    [self](raft::apply_batch& b) { on_apply(self, b); },
    [self](catch_up_atom) {
      auto& st = self->state;
      st.catch_up_pending = false;
      for (auto& w : st.watchers)
        if (w.sink && w.next <= st.applied.revision)
          catch_up(self, w);
      drop_canceled_watchers(st);
    },
    [self](raft::reads_ready& r) {
      auto& st = self->state;
      for (const auto& rs : r.reads) {
        if (st.reads.count(rs.context) == 0)
          continue;
        if (rs.index <= st.applied.index)
          serve_read(self, rs.context);
        else
          st.reads_by_index.emplace(rs.index, rs.context);
      }
      for (auto id : r.failed) {
        auto it = st.reads.find(id);
        if (it == st.reads.end())
          continue;
        gd::status why;
        if (st.leader_known && st.leader.leader.id != raft::no_member
            && !st.leader.is_self) {
          why = not_leader_status(st);
          why.message = "the leader changed while confirming this read; "
                        "nothing changed";
        } else {
          why = gd::status::error(status_code::no_quorum,
                                  "no leader: a linearizable read needs a "
                                  "quorum (use --serializable for a local, "
                                  "possibly stale read)");
        }
        auto pending = std::move(it->second);
        st.reads.erase(it);
        pending.run(why, nullptr);
      }
    },
    [self](raft::propose_failed& f) {
      auto& st = self->state;
      auto it = st.writes.find(f.request_id);
      if (it == st.writes.end())
        return;
      auto pending = std::move(it->second);
      st.writes.erase(it);
      pending.fail(std::move(f.st));
    },
    [self](raft::leader_update& u) {
      self->state.leader = std::move(u);
      self->state.leader_known = true;
    },
    [self](raft::make_snapshot_cmd& c) -> caf::result<raft::snapshot_file> {
      try {
        return make_snapshot(self->state, c.dir);
      } catch (const std::exception& e) {
        return caf::make_error(caf::sec::runtime_error, std::string(e.what()));
      }
    },
    [self](raft::install_snapshot_cmd& c) -> caf::result<log_index> {
      try {
        return install_snapshot(self, c);
      } catch (const std::exception& e) {
        note(self->state, std::string("snapshot install failed: ") + e.what());
        return caf::make_error(caf::sec::runtime_error, std::string(e.what()));
      }
    },
    [self](raft::checkpoint_cmd&) -> caf::result<log_index> {
      auto& st = self->state;
      try {
        commit_batch(st);
        st.kv->flush();
      } catch (const std::exception& e) {
        return caf::make_error(caf::sec::runtime_error, std::string(e.what()));
      }
      st.durable = st.applied.index;
      return st.durable;
    },
    [self](kv_write& w) {
      auto& st = self->state;
      auto refuse = [&w](gd::status why) {
        w.reply.deliver(kv_write_reply{std::move(why), {}});
      };
      if (auto err = kv::validate(w.req, st.cfg.limits); !err.empty())
        return refuse(gd::status::error(status_code::invalid, err));
      if (writes_model_keys(w.req))
        return refuse(gd::status::error(
          status_code::invalid,
          std::string("keys under ") + cluster::model_prefix
            + " hold the cluster model: change them with the peer and "
              "volume commands, not the KV API"));
      bool frees_space = std::holds_alternative<kv::delete_request>(w.req)
                         || std::holds_alternative<kv::compact_request>(w.req);
      if (auto why = admit_write(self, frees_space); !why.ok())
        return refuse(std::move(why));
      auto id = ++st.next_id;
      self->send(st.raft,
                 raft::propose_cmd{id, proto::encode_write_request(w.req)});
      st.writes.emplace(id, kv_pending(std::move(w.reply),
                                       self->clock().now() + w.timeout));
    },
    [self](kv_read& r) {
      auto& st = self->state;
      if (auto err = kv::validate(r.req, st.cfg.limits); !err.empty())
        return r.reply.deliver(
          kv_read_reply{gd::status::error(status_code::invalid, err), {}});
      auto pending = kv_read_pending(std::move(r.reply), std::move(r.req),
                                     self->clock().now() + r.timeout);
      start_read(self, std::move(pending), r.serializable);
    },
    [self](model_read& r) {
      auto pending = model_read_pending(std::move(r.reply), std::move(r.query),
                                        self->clock().now() + r.timeout);
      start_read(self, std::move(pending), r.serializable);
    },
    [self](kv_watch& w) {
      auto& st = self->state;
      kv_watch_reply rep;
      rep.header_revision = st.applied.revision;
      if (!w.sink) {
        rep.st = gd::status::error(status_code::invalid, "a watch needs a sink");
        return w.reply.deliver(std::move(rep));
      }
      if (w.range.key.empty()) {
        rep.st = gd::status::error(status_code::invalid, "key is empty");
        return w.reply.deliver(std::move(rep));
      }
      if (w.start < 0) {
        rep.st = gd::status::error(status_code::invalid,
                                   "start revision must not be negative");
        return w.reply.deliver(std::move(rep));
      }
      auto start = w.start == 0 ? st.applied.revision + 1 : w.start;
      if (start <= st.applied.compact_revision) {
        rep.st = compacted_status(start, st.applied.compact_revision);
        return w.reply.deliver(std::move(rep));
      }
      self->monitor(w.sink);
      // why: answer before the first events, so the requester knows the
      // watch runs when they arrive.
      w.reply.deliver(std::move(rep));
      st.watchers.push_back({w.watch_id, w.range, start, w.sink});
      catch_up(self, st.watchers.back());
      drop_canceled_watchers(st);
    },
    [self](cluster_write& w) {
      auto& st = self->state;
      bool frees_space = std::holds_alternative<cluster::volume_delete>(w.cmd)
                         || std::holds_alternative<cluster::peer_remove>(w.cmd)
                         || std::holds_alternative<cluster::volume_reset>(w.cmd);
      if (auto why = admit_write(self, frees_space); !why.ok()) {
        cluster_write_reply rep;
        rep.st = std::move(why);
        return w.reply.deliver(std::move(rep));
      }
      auto id = ++st.next_id;
      self->send(st.raft,
                 raft::propose_cmd{id, proto::encode_command(std::move(w.cmd))});
      st.writes.emplace(id, cluster_pending(std::move(w.reply),
                                            self->clock().now() + w.timeout));
    },
    [self](kv_unwatch& u) {
      auto& st = self->state;
      for (auto& w : st.watchers)
        if (w.id == u.watch_id && w.sink == u.sink)
          w.sink = nullptr;
      drop_canceled_watchers(st);
    },
  };
}

} // namespace

const store::kv_store* inspect_store(const config_actor& h) {
  if (!h)
    return nullptr;
  auto* ptr = caf::actor_cast<caf::abstract_actor*>(h);
  if (ptr->getf(caf::abstract_actor::is_terminated_flag))
    return nullptr;
  auto* impl = dynamic_cast<config_actor_impl::stateful_base<config_state>*>(ptr);
  return impl ? impl->state.kv.get() : nullptr;
}

config_actor spawn_config(caf::actor_system& sys, config_actor_config cfg,
                          std::unique_ptr<store::state_root> root,
                          std::unique_ptr<store::kv_store> kv) {
  auto init = std::make_shared<init_bundle>();
  bool detached = cfg.detached;
  init->cfg = std::move(cfg);
  init->root = std::move(root);
  init->kv = std::move(kv);
  if (detached)
    return sys.spawn<caf::detached>(config_main, init);
  return sys.spawn(config_main, init);
}

} // namespace gd::config
