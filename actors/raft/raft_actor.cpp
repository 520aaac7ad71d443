#include "actors/raft/raft_actor.hpp"

#include <cstdio>
#include <map>
#include <optional>

#include <caf/send.hpp>
#include <caf/spawn_options.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include "actors/raft/snapshot_stream.hpp"
#include "store/store_error.hpp"

namespace gd::raft {

namespace {

using tick_atom = caf::atom_constant<caf::atom("raft_tick")>;
using flush_atom = caf::atom_constant<caf::atom("raft_flush")>;

/// The actor's own interface: the public one plus its timers.
using raft_actor_impl = raft_actor::extend<caf::reacts_to<tick_atom>,
                                           caf::reacts_to<flush_atom>>;

/// How long the actor waits for the state machine to make a snapshot.
constexpr auto snapshot_request_timeout = std::chrono::minutes(10);

struct outgoing_transfer {
  std::uint64_t id = 0;
  /// When the transfer started (for the operator's log line).
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  /// Empty until the state machine produced the file.
  std::optional<snapshot_file> file;
  std::unique_ptr<snapshot_reader> reader;
  std::uint64_t last_progress_tick = 0;
};

struct incoming_transfer {
  member_id from = no_member;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  std::uint64_t id = 0;
  term_t term = 0;
  snapshot_meta meta;
  std::unique_ptr<snapshot_writer> writer;
};

struct pending_proposal {
  term_t term = 0;
  std::uint64_t request_id = 0;
};

struct pending_change {
  term_t term = 0;
  caf::typed_response_promise<member_change_result> promise;
};

struct pending_transfer {
  member_id target = no_member;
  caf::typed_response_promise<gd::status> promise;
  /// Give up waiting to learn the new leader after this tick.
  std::uint64_t deadline_tick = 0;
};

struct raft_state {
  raft_actor_config cfg;
  std::unique_ptr<store::raft_log> log;
  std::unique_ptr<node> core;
  transport_actor transport;
  state_machine_actor sm;

  /// Committed entries through this index were sent to the state machine.
  log_index handed = 0;
  /// What the state machine reported.
  log_index sm_durable = 0;
  bool checkpoint_pending = false;

  bool flush_pending = false;
  std::uint64_t ticks = 0;

  /// Proposals and membership changes waiting for their index to commit.
  /// An index may hold several, of different terms (a leader that lost and
  /// regained leadership reuses indexes; the entry of the earlier term may
  /// still commit elsewhere); the term that commits there decides each.
  std::multimap<log_index, pending_proposal> proposals;
  std::multimap<log_index, pending_change> changes;
  std::optional<pending_transfer> transfer;

  bool leader_reported = false;
  member_id reported_leader = no_member;
  term_t reported_term = 0;
  log_index reported_config_index = 0;
  bool config_reported = false;
  /// The members as last logged ("voters ...; learners ...").
  std::string reported_members;

  /// Members as they introduced themselves on their links (name, address):
  /// for leader hints while this member knows no configuration yet.
  std::map<member_id, leader_hint> introduced;
  /// Peer batches refused because their sender is not a member.
  std::uint64_t refused_batches = 0;
  /// The tick of the last batch from the member this one names leader.
  std::uint64_t leader_contact_tick = 0;

  std::map<member_id, outgoing_transfer> sending;
  std::optional<incoming_transfer> receiving;
  /// Ids of outgoing snapshot transfers. The first is drawn from the
  /// incarnation's seed: a follower still holding part of a transfer from
  /// this member's previous life must not take a new one for its sequel.
  std::uint64_t next_transfer_id = 0;

  static inline const char* name = "raft";
};

using self_ptr = raft_actor_impl::stateful_pointer<raft_state>;

void note(raft_state& st, const std::string& what) {
  if (st.cfg.on_event)
    st.cfg.on_event(st.cfg.name + ": " + what);
}

/// Something the operator should look at (see the README's table of
/// warnings).
void warn(raft_state& st, const std::string& what) {
  if (st.cfg.on_warning)
    st.cfg.on_warning(st.cfg.name + ": " + what);
  else
    note(st, what);
}

/// What this member knows of `id`: its name and address from the
/// configuration in force, else from how it introduced itself on its link
/// (a monitor that just joined knows no configuration yet); only the id if
/// neither.
leader_hint known_member(const raft_state& st, member_id id) {
  leader_hint h;
  h.id = id;
  if (id == no_member)
    return h;
  if (auto m = st.core->config().find(id)) {
    h.name = m->name;
    h.address = m->address;
  } else if (auto it = st.introduced.find(id); it != st.introduced.end()) {
    h = it->second;
  }
  return h;
}

/// A member's name for a log line, else its id.
/// This member leads, or follows a leader it heard from within an election
/// timeout.
bool leader_alive(const raft_state& st) {
  return st.core->current_role() == role::leader
         || (st.core->leader() != no_member
             && st.ticks - st.leader_contact_tick
                  < static_cast<std::uint64_t>(st.cfg.node.election_ticks));
}

std::string who(const raft_state& st, member_id id) {
  auto h = known_member(st, id);
  return h.name.empty() ? "member " + std::to_string(id) : h.name;
}

std::string elapsed_ms(std::chrono::steady_clock::time_point since) {
  return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now() - since)
                          .count())
         + " ms";
}

std::string names_of(const std::vector<member>& ms) {
  std::string out;
  for (const auto& m : ms)
    out += (out.empty() ? "" : ", ") + m.name;
  return out.empty() ? "none" : out;
}

leader_hint hint_of(const raft_state& st) {
  return known_member(st, st.core->leader());
}

void schedule_flush(self_ptr self) {
  auto& st = self->state;
  if (st.flush_pending)
    return;
  st.flush_pending = true;
  if (st.cfg.buggify) {
    auto d = st.cfg.buggify(raft_actor_config::buggify_site::flush);
    if (d.count() > 0) {
      self->delayed_send(self, d, flush_atom::value);
      return;
    }
  }
  // why: the flush lands behind everything already queued, so all those
  // proposals and messages share one log sync (group commit).
  self->send(self, flush_atom::value);
}

void send_batches(self_ptr self, std::map<member_id, peer_batch>& batches) {
  auto& st = self->state;
  for (auto& [to, b] : batches) {
    if (b.empty())
      continue;
    b.from = st.core->id();
    b.to = to;
    if (st.cfg.send_batch)
      st.cfg.send_batch(std::move(b));
    else if (st.transport)
      self->send(st.transport, std::move(b));
  }
  batches.clear();
}

void send_to_peer(self_ptr self, member_id to, peer_batch b) {
  std::map<member_id, peer_batch> one;
  one.emplace(to, std::move(b));
  send_batches(self, one);
}

// -- snapshots: sending ---------------------------------------------------------

void drop_outgoing(self_ptr self, member_id peer, bool report_failure,
                   const std::string& why) {
  auto& st = self->state;
  auto it = st.sending.find(peer);
  if (it == st.sending.end())
    return;
  if (it->second.file)
    std::remove(it->second.file->path.c_str());
  st.sending.erase(it);
  if (report_failure) {
    warn(st, "snapshot to " + who(st, peer) + " failed: " + why);
    st.core->report_snapshot(peer, false);
    schedule_flush(self);
  }
}

void send_next_chunk(self_ptr self, member_id peer, std::uint64_t offset) {
  auto& st = self->state;
  auto it = st.sending.find(peer);
  if (it == st.sending.end() || !it->second.file)
    return;
  auto& t = it->second;
  snapshot_chunk c;
  c.from = st.core->id();
  c.to = peer;
  c.term = st.core->term();
  c.transfer_id = t.id;
  c.meta = t.file->meta;
  c.offset = offset;
  c.total_size = t.file->size;
  c.checksum = t.file->checksum;
  try {
    c.data = t.reader->read(offset, st.cfg.snapshot_chunk_bytes);
  } catch (const std::exception& e) {
    drop_outgoing(self, peer, true, e.what());
    return;
  }
  c.last = offset + c.data.size() >= t.file->size;
  t.last_progress_tick = st.ticks;
  peer_batch b;
  b.chunks.push_back(std::move(c));
  send_to_peer(self, peer, std::move(b));
}

void start_snapshot_send(self_ptr self, member_id peer) {
  auto& st = self->state;
  if (st.sending.count(peer) > 0)
    return; // one transfer per peer; the core waits for its report
  auto id = ++st.next_transfer_id;
  auto& t = st.sending[peer];
  t.id = id;
  t.last_progress_tick = st.ticks;
  auto dir = st.cfg.snapshot_dir + "/send-" + std::to_string(peer) + "-"
             + std::to_string(id);
  note(st, "streaming a snapshot to " + who(st, peer)
             + " (it is too far behind for the log)");
  self->request(st.sm, snapshot_request_timeout, make_snapshot_cmd{dir})
    .then(
      [self, peer, id](snapshot_file& f) {
        auto& st = self->state;
        auto it = st.sending.find(peer);
        if (it == st.sending.end() || it->second.id != id
            || st.core->current_role() != role::leader) {
          std::remove(f.path.c_str());
          return;
        }
        const auto& log = *st.log;
        // why: the state machine's applied index may exceed the commit
        // index a new leader knows yet (it was committed before), never
        // the log's end.
        if (f.meta.index < log.snapshot().index
            || f.meta.index > log.last_index()
            || log.term_at(f.meta.index) != f.meta.term) {
          // why: a copy that does not match the log cannot be continued
          // from it; the core retries with a fresh one.
          std::remove(f.path.c_str());
          drop_outgoing(self, peer, true,
                        "the state machine's copy (index "
                          + std::to_string(f.meta.index) + ", term "
                          + std::to_string(f.meta.term)
                          + ") does not match the log");
          return;
        }
        // why: the configuration in force travels with the snapshot, taken
        // from the log, which always knows it (the state machine learns a
        // configuration only when a change is applied; a bootstrapped
        // cluster has none until then).
        f.meta.config = st.core->config_at(f.meta.index);
        try {
          it->second.reader = std::make_unique<snapshot_reader>(f.path);
        } catch (const std::exception& e) {
          drop_outgoing(self, peer, true, e.what());
          return;
        }
        it->second.file = std::move(f);
        send_next_chunk(self, peer, 0);
      },
      [self, peer, id](caf::error& err) {
        auto& st = self->state;
        auto it = st.sending.find(peer);
        if (it != st.sending.end() && it->second.id == id)
          drop_outgoing(self, peer, true,
                        "the state machine could not make a snapshot: "
                          + self->system().render(err));
      });
}

void handle_ack(self_ptr self, const snapshot_ack& a) {
  auto& st = self->state;
  auto it = st.sending.find(a.from);
  if (it == st.sending.end() || it->second.id != a.transfer_id
      || !it->second.file)
    return;
  if (a.failed) {
    drop_outgoing(self, a.from, true, "the follower gave up: " + a.error);
  } else if (a.done) {
    note(st, "snapshot to " + who(st, a.from) + " delivered: "
               + std::to_string(it->second.file->size) + " bytes in "
               + elapsed_ms(it->second.started));
    drop_outgoing(self, a.from, false, {});
    st.core->report_snapshot(a.from, true);
    schedule_flush(self);
  } else {
    send_next_chunk(self, a.from, a.next_offset);
  }
}

// -- snapshots: receiving ---------------------------------------------------------

void ack_chunk(self_ptr self, const snapshot_chunk& c, std::uint64_t next,
               bool done, const std::string& error) {
  auto& st = self->state;
  snapshot_ack a;
  a.from = st.core->id();
  a.to = c.from;
  a.term = st.core->term();
  a.transfer_id = c.transfer_id;
  a.next_offset = next;
  a.done = done;
  a.failed = !error.empty();
  a.error = error;
  peer_batch b;
  b.acks.push_back(std::move(a));
  send_to_peer(self, c.from, std::move(b));
}

void handle_chunk(self_ptr self, const snapshot_chunk& c) {
  auto& st = self->state;
  if (c.term < st.core->term()) {
    ack_chunk(self, c, 0, false, "stale term");
    return;
  }
  auto& r = st.receiving;
  if (!r || r->from != c.from || r->id != c.transfer_id) {
    if (c.offset != 0) {
      ack_chunk(self, c, 0, false, {}); // restart the stream from 0
      return;
    }
    if (r)
      std::remove(r->writer->path().c_str());
    r.emplace();
    r->from = c.from;
    r->id = c.transfer_id;
    r->term = c.term;
    r->meta = c.meta;
    auto path = st.cfg.snapshot_dir + "/recv-" + std::to_string(c.from) + "-"
                + std::to_string(c.transfer_id) + ".mdb";
    try {
      r->writer = std::make_unique<snapshot_writer>(path, c.total_size,
                                                    c.checksum);
    } catch (const std::exception& e) {
      r.reset();
      ack_chunk(self, c, 0, false, e.what());
      return;
    }
  }
  try {
    if (!r->writer->write(c.offset, c.data)) {
      ack_chunk(self, c, r->writer->next_offset(), false, {});
      return;
    }
  } catch (const std::exception& e) {
    std::remove(r->writer->path().c_str());
    r.reset();
    ack_chunk(self, c, 0, false, e.what());
    return;
  }
  if (!c.last) {
    ack_chunk(self, c, r->writer->next_offset(), false, {});
    return;
  }
  auto path = r->writer->path();
  std::string error;
  try {
    error = r->writer->finish();
  } catch (const std::exception& e) {
    error = e.what();
  }
  auto meta = r->meta;
  auto term = r->term;
  auto started = r->started;
  r.reset();
  if (!error.empty()) {
    std::remove(path.c_str());
    warn(st, "snapshot from " + who(st, c.from) + " rejected: " + error);
    ack_chunk(self, c, 0, false, error);
    return;
  }
  message m;
  m.type = message_type::install_snapshot;
  m.from = c.from;
  m.to = st.core->id();
  m.term = term;
  m.snapshot = meta;
  if (!st.core->would_install(term, meta)) {
    std::remove(path.c_str());
    st.core->step(m); // answers with our commit index
    ack_chunk(self, c, c.total_size, true, {});
    schedule_flush(self);
    return;
  }
  note(st, "installing a snapshot through index " + std::to_string(meta.index)
             + " from " + who(st, c.from) + ": " + std::to_string(c.total_size)
             + " bytes received in " + elapsed_ms(started));
  // why: await, not then: nothing else may touch the core between the
  // state machine's install and the log reset that must follow it.
  self->request(st.sm, snapshot_request_timeout, install_snapshot_cmd{path, meta})
    .await(
      [self, m, c](log_index) {
        self->state.core->step(m);
        ack_chunk(self, c, c.total_size, true, {});
        schedule_flush(self);
      },
      [self, c, path](caf::error& err) {
        std::remove(path.c_str());
        auto why = "the state machine could not install it: "
                   + self->system().render(err);
        note(self->state, "snapshot from " + std::to_string(c.from)
                            + " failed: " + why);
        ack_chunk(self, c, 0, false, why);
      });
}

// -- the ready loop -------------------------------------------------------------

void hand_committed(self_ptr self, log_index commit) {
  auto& st = self->state;
  while (st.handed < commit) {
    apply_batch b;
    auto hi = std::min(commit, st.handed + st.cfg.max_apply_batch);
    for (auto i = st.handed + 1; i <= hi; ++i) {
      const auto& e = st.log->at(i);
      auto ps = st.proposals.equal_range(i);
      for (auto p = ps.first; p != ps.second; ++p)
        b.proposals.push_back({p->second.request_id, i,
                               p->second.term == e.term ? fate::applied
                                                        : fate::dropped});
      st.proposals.erase(ps.first, ps.second);
      auto cs = st.changes.equal_range(i);
      for (auto c = cs.first; c != cs.second; ++c) {
        member_change_result res;
        res.index = i;
        if (c->second.term == e.term) {
          res.config = st.core->config_at(i);
        } else {
          res.st = gd::status::error(status_code::not_leader,
                                     "leadership changed before the change "
                                     "committed; nothing changed");
          res.st.leader = hint_of(st);
        }
        c->second.promise.deliver(std::move(res));
      }
      st.changes.erase(cs.first, cs.second);
      b.entries.push_back(e);
    }
    st.handed = hi;
    self->send(st.sm, std::move(b));
  }
}

/// Proposals whose index a snapshot replaced can no longer be judged.
void settle_restored(self_ptr self, log_index restored) {
  auto& st = self->state;
  apply_batch b;
  for (auto it = st.proposals.begin();
       it != st.proposals.end() && it->first <= restored;) {
    b.proposals.push_back({it->second.request_id, it->first, fate::unknown});
    it = st.proposals.erase(it);
  }
  for (auto it = st.changes.begin();
       it != st.changes.end() && it->first <= restored;) {
    member_change_result res;
    res.st = gd::status::error(status_code::unknown_outcome,
                               "a snapshot replaced the log before the change "
                               "could be confirmed");
    it->second.promise.deliver(std::move(res));
    it = st.changes.erase(it);
  }
  if (!b.proposals.empty())
    self->send(st.sm, std::move(b));
  st.handed = restored;
}

void report_changes(self_ptr self) {
  auto& st = self->state;
  auto& core = *st.core;
  if (!st.leader_reported || st.reported_leader != core.leader()
      || st.reported_term != core.term()) {
    bool leader_changed = !st.leader_reported
                          || st.reported_leader != core.leader();
    st.leader_reported = true;
    st.reported_leader = core.leader();
    st.reported_term = core.term();
    leader_update u;
    u.leader = hint_of(st);
    u.term = core.term();
    u.is_self = core.current_role() == role::leader;
    self->send(st.sm, std::move(u));
    if (leader_changed)
      note(st, "term " + std::to_string(core.term()) + ": leader is "
                 + (core.leader() == no_member ? std::string("unknown")
                                               : hint_of(st).name));
    if (core.current_role() != role::leader && !st.sending.empty()) {
      std::vector<member_id> peers;
      for (auto& [p, t] : st.sending)
        peers.push_back(p);
      for (auto p : peers)
        drop_outgoing(self, p, false, {});
    }
  }
  if (!st.config_reported || st.reported_config_index != core.config_index()) {
    // why: compaction moves the index of the configuration in force, not
    // its members: only a change of members is worth a line.
    auto members = "voters " + names_of(core.config().voters) + "; learners "
                   + names_of(core.config().learners);
    if (st.config_reported && members != st.reported_members)
      note(st, "members (index " + std::to_string(core.config_index())
                 + "): " + members);
    st.reported_members = members;
    st.config_reported = true;
    st.reported_config_index = core.config_index();
    peer_directory d;
    d.self = core.id();
    d.members = core.config().voters;
    for (const auto& m : core.config().learners)
      d.members.push_back(m);
    if (st.transport)
      self->send(st.transport, std::move(d));
  }
  if (st.transfer) {
    if (core.current_role() != role::leader) {
      // why: answer once the new leader is known (its first heartbeat),
      // so the caller learns who leads now; or at the deadline.
      if (core.leader() != no_member || st.ticks >= st.transfer->deadline_tick) {
        auto s = gd::status::success();
        s.leader = hint_of(st);
        if (s.leader.id == no_member)
          s.message = "leadership was handed over; the new leader is not "
                      "known here yet";
        st.transfer->promise.deliver(std::move(s));
        st.transfer.reset();
      }
    } else if (core.transfer_target() == no_member) {
      st.transfer->promise.deliver(gd::status::error(
        status_code::timeout, "the target did not take over within an "
                              "election timeout; this monitor still leads"));
      st.transfer.reset();
    }
  }
}

void fatal(self_ptr self, const std::string& what) {
  note(self->state, "fatal: " + what);
  self->quit(caf::make_error(caf::sec::runtime_error, what));
}

/// What is left to do of a ready once its sync is done (steps 2-5 of
/// raft::ready).
struct after_sync {
  ready r;
  std::map<member_id, peer_batch> late;
  std::vector<member_id> late_snapshots;
};

void finish_ready(self_ptr self, after_sync& rest) {
  auto& st = self->state;
  auto& r = rest.r;
  if (r.must_sync)
    st.core->synced();
  send_batches(self, rest.late);
  for (auto to : rest.late_snapshots)
    start_snapshot_send(self, to);
  if (r.restored)
    settle_restored(self, r.restored->index);
  hand_committed(self, r.commit_index);
  if (!r.reads.empty() || !r.failed_reads.empty())
    self->send(st.sm, reads_ready{std::move(r.reads),
                                  std::move(r.failed_reads)});
}

void process_ready(self_ptr self) {
  auto& st = self->state;
  while (st.core->has_ready()) {
    after_sync rest;
    rest.r = st.core->take_ready();
    auto& r = rest.r;
    std::map<member_id, peer_batch> early;
    std::vector<member_id> early_snapshots;
    auto sort = [](std::vector<message>& from,
                   std::map<member_id, peer_batch>& into,
                   std::vector<member_id>& snapshots) {
      for (auto& m : from) {
        if (m.type == message_type::install_snapshot) {
          snapshots.push_back(m.to);
          continue;
        }
        auto to = m.to;
        into[to].messages.push_back(std::move(m));
      }
      from.clear();
    };
    sort(r.early, early, early_snapshots);
    sort(r.messages, rest.late, rest.late_snapshots);
    send_batches(self, early);
    for (auto to : early_snapshots)
      start_snapshot_send(self, to);
    if (r.must_sync) {
      try {
        auto t0 = std::chrono::steady_clock::now();
        st.log->sync();
        auto took = std::chrono::steady_clock::now() - t0;
        if (st.cfg.slow_sync > std::chrono::milliseconds(0)
            && took > st.cfg.slow_sync)
          warn(st, "the Raft log took " + elapsed_ms(t0)
                     + " to reach the disk (fsync); writes and elections "
                       "wait for it");
      } catch (const store::store_error& e) {
        // why: without a durable log this member must not vote or
        // acknowledge anything again; stop it and let the operator see why.
        fatal(self, std::string("cannot persist the raft log: ") + e.what());
        return;
      }
      if (st.cfg.disk) {
        // Simulation: the fsync takes simulated time, and nothing else runs
        // meanwhile (await), as in a thread blocked in fsync.
        auto held = std::make_shared<after_sync>(std::move(rest));
        self->request(st.cfg.disk, std::chrono::seconds(3600),
                      disk_sync{st.core->id()})
          .await(
            [self, held](bool) {
              finish_ready(self, *held);
              process_ready(self);
            },
            [self](caf::error& e) {
              fatal(self, "the simulated disk failed: "
                            + self->system().render(e));
            });
        return;
      }
    }
    finish_ready(self, rest);
  }
  report_changes(self);
}

// -- periodic work --------------------------------------------------------------

void maybe_compact(self_ptr self) {
  auto& st = self->state;
  auto& log = *st.log;
  auto held = log.last_index() - log.snapshot().index;
  if (held <= st.cfg.compact_min_entries + st.cfg.compact_keep_entries)
    return;
  auto limit = std::min(st.sm_durable, st.core->commit_index());
  if (limit > st.cfg.compact_keep_entries) {
    auto target = limit - st.cfg.compact_keep_entries;
    if (target > log.snapshot().index) {
      st.core->compact(target);
      note(st, "compacted the log through " + std::to_string(target));
      schedule_flush(self);
      return;
    }
  }
  if (!st.checkpoint_pending) {
    // why: the state machine must be on disk through an index before the
    // log may forget the entries that rebuild it.
    st.checkpoint_pending = true;
    self->request(st.sm, std::chrono::minutes(1), checkpoint_cmd{st.ticks})
      .then(
        [self](log_index durable) {
          self->state.checkpoint_pending = false;
          self->state.sm_durable = std::max(self->state.sm_durable, durable);
        },
        [self](caf::error&) { self->state.checkpoint_pending = false; });
  }
}

void on_tick(self_ptr self) {
  auto& st = self->state;
  ++st.ticks;
  st.core->tick();
  std::vector<member_id> stalled;
  for (auto& [peer, t] : st.sending)
    if (st.ticks - t.last_progress_tick
        > static_cast<std::uint64_t>(st.cfg.snapshot_timeout_ticks))
      stalled.push_back(peer);
  for (auto p : stalled)
    drop_outgoing(self, p, true, "no progress for "
                                   + std::to_string(st.cfg.snapshot_timeout_ticks)
                                   + " ticks");
  if (st.ticks % 10 == 0)
    maybe_compact(self);
  auto next = st.cfg.tick_interval;
  if (st.cfg.buggify)
    next += st.cfg.buggify(raft_actor_config::buggify_site::tick);
  self->delayed_send(self, next, tick_atom::value);
  schedule_flush(self);
}

std::optional<member_id> find_member(const configuration& c, const member& m) {
  if (m.id != no_member && c.contains(m.id))
    return m.id;
  for (const auto* list : {&c.voters, &c.learners})
    for (const auto& x : *list)
      if (!m.name.empty() && x.name == m.name)
        return x.id;
  return std::nullopt;
}

gd::status from_propose(const propose_outcome& o, const raft_state& st) {
  status_code code = status_code::failed;
  switch (o.error) {
    case propose_errc::not_leader:
      code = o.leader_hint == no_member ? status_code::no_quorum
                                        : status_code::not_leader;
      break;
    case propose_errc::transferring:
    case propose_errc::busy:
    case propose_errc::not_ready:
    case propose_errc::change_in_progress:
      code = status_code::busy;
      break;
    case propose_errc::no_quorum:
      code = status_code::no_quorum;
      break;
    case propose_errc::invalid:
      code = status_code::invalid;
      break;
    case propose_errc::exists:
      code = status_code::exists;
      break;
  }
  auto msg = o.message;
  if (code == status_code::no_quorum && o.error == propose_errc::not_leader)
    msg = "no leader: the monitor cluster has no quorum right now (an "
          "election may be in progress)";
  auto s = gd::status::error(code, msg);
  s.leader = hint_of(st);
  return s;
}

struct init_bundle {
  raft_actor_config cfg;
  std::unique_ptr<store::raft_log> log;
  std::unique_ptr<node> core;
  log_index applied = 0;
  transport_actor transport;
  state_machine_actor sm;
};

raft_actor_impl::behavior_type raft_main(self_ptr self,
                                         std::shared_ptr<init_bundle> init) {
  auto& st = self->state;
  st.cfg = std::move(init->cfg);
  st.log = std::move(init->log);
  st.core = std::move(init->core);
  st.transport = init->transport;
  st.sm = init->sm;
  st.handed = init->applied;
  st.sm_durable = init->applied;
  // splitmix64 of the seed (node_options::seed differs per incarnation).
  std::uint64_t z = st.cfg.node.seed + 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  st.next_transfer_id = (z ^ (z >> 31)) >> 1;
  self->delayed_send(self, st.cfg.tick_interval, tick_atom::value);
  report_changes(self);
  return {
    [self](tick_atom) { on_tick(self); },
    [self](flush_atom) {
      self->state.flush_pending = false;
      process_ready(self);
    },
    [self](peer_batch& b) {
      auto& st = self->state;
      if (b.to != st.core->id())
        return;
      const auto& c = st.core->config();
      bool knows_members = !c.voters.empty() || !c.learners.empty();
      if (knows_members && !c.contains(b.from)
          && b.from != st.core->leader()) {
        // why: a sender outside this member's configuration may not move
        // its term or log while it has a leader it hears from (one forged
        // heartbeat of a higher term would depose a healthy leader; see
        // Raft's disruptive servers, section 4.2.3). Once it has heard
        // from no leader for an election timeout, it takes the word of a
        // sender it does not know yet: it may lag behind a configuration
        // that added its new leader, and must catch up from it. The leader
        // it follows is always heard, member or not: a leader that removes
        // itself leads until that change commits.
        if (leader_alive(st)) {
          if (st.refused_batches++ % 1000 == 0)
            warn(st, "refused " + std::to_string(st.refused_batches)
                       + " peer batch(es) from " + std::to_string(b.from)
                       + (b.from_address.empty() ? std::string()
                                                 : " at " + b.from_address)
                       + ", which is not a member");
          return;
        }
      }
      if (!b.from_address.empty()) {
        auto& intro = st.introduced[b.from];
        intro.id = b.from;
        intro.address = b.from_address;
        intro.name = b.from_name.empty() ? b.from_address : b.from_name;
      }
      for (const auto& m : b.messages) {
        try {
          st.core->step(m);
        } catch (const std::exception& e) {
          warn(st, "dropped a malformed message from " + who(st, m.from)
                     + ": " + e.what());
        }
      }
      for (const auto& c : b.chunks)
        handle_chunk(self, c);
      for (const auto& a : b.acks)
        handle_ack(self, a);
      // After the steps: the batch may have named a new leader.
      if (b.from == st.core->leader())
        st.leader_contact_tick = st.ticks;
      schedule_flush(self);
    },
    [self](propose_cmd& p) {
      auto& st = self->state;
      auto out = st.core->propose(std::move(p.data));
      if (!out.ok) {
        self->send(st.sm, propose_failed{p.request_id,
                                         from_propose(out, st)});
        return;
      }
      // why: a proposal of an earlier leadership may still wait at this
      // index; its entry may yet commit elsewhere, so both wait, and the
      // term of the entry that commits there settles each.
      st.proposals.emplace(out.index, pending_proposal{out.term, p.request_id});
      schedule_flush(self);
    },
    [self](read_index_cmd& r) {
      self->state.core->read_index(r.request_id);
      schedule_flush(self);
    },
    [self](applied_report& r) {
      auto& st = self->state;
      st.sm_durable = std::max(st.sm_durable, r.durable);
    },
    [self](member_change& c) -> caf::result<member_change_result> {
      auto& st = self->state;
      propose_outcome out;
      if (c.kind == member_change::op::add) {
        if (c.m.id == no_member && !c.m.name.empty())
          c.m.id = member_id_of(c.m.name);
        out = st.core->propose_add_member(c.m);
      } else {
        auto id = find_member(st.core->config(), c.m);
        if (!id) {
          member_change_result res;
          res.st = gd::status::error(
            status_code::not_found,
            "monitor '" + (c.m.name.empty() ? std::to_string(c.m.id) : c.m.name)
              + "' is not a member");
          return res;
        }
        out = st.core->propose_remove_member(*id);
      }
      if (!out.ok) {
        member_change_result res;
        res.st = from_propose(out, st);
        return res;
      }
      auto promise = self->make_response_promise<member_change_result>();
      st.changes.emplace(out.index, pending_change{out.term, promise});
      schedule_flush(self);
      return promise;
    },
    [self](transfer_cmd& t) -> caf::result<gd::status> {
      auto& st = self->state;
      if (st.transfer)
        return gd::status::error(status_code::busy,
                                 "a leadership transfer is in progress");
      auto err = st.core->transfer_leadership(t.target);
      if (!err.empty()) {
        auto s = gd::status::error(st.core->current_role() == role::leader
                                     ? status_code::invalid
                                     : status_code::not_leader,
                                   err);
        s.leader = hint_of(st);
        return s;
      }
      if (t.target == st.core->id())
        return gd::status::success();
      auto promise = self->make_response_promise<gd::status>();
      st.transfer = pending_transfer{
        t.target, promise,
        st.ticks + 3 * static_cast<std::uint64_t>(st.cfg.node.election_ticks)};
      schedule_flush(self);
      return promise;
    },
    [self](status_query&) -> raft_status {
      auto& st = self->state;
      raft_status s;
      s.id = st.core->id();
      s.name = st.cfg.name;
      s.current_role = st.core->current_role();
      s.term = st.core->term();
      s.leader = hint_of(st);
      s.commit = st.core->commit_index();
      s.applied = st.handed;
      s.last_index = st.log->last_index();
      s.snapshot_index = st.log->snapshot().index;
      s.config = st.core->config();
      s.peers = st.core->peers();
      s.refused_batches = st.refused_batches;
      s.leader_alive = leader_alive(st);
      return s;
    },
  };
}

} // namespace

namespace {

raft_state* state_of(const raft_actor& h) {
  if (!h)
    return nullptr;
  auto* ptr = caf::actor_cast<caf::abstract_actor*>(h);
  if (ptr->getf(caf::abstract_actor::is_terminated_flag))
    return nullptr;
  auto* impl = dynamic_cast<raft_actor_impl::stateful_base<raft_state>*>(ptr);
  return impl ? &impl->state : nullptr;
}

} // namespace

const node* inspect_core(const raft_actor& h) {
  auto* st = state_of(h);
  return st ? st->core.get() : nullptr;
}

const store::raft_log* inspect_log(const raft_actor& h) {
  auto* st = state_of(h);
  return st ? st->log.get() : nullptr;
}

raft_actor spawn_raft(caf::actor_system& sys, raft_actor_config cfg,
                      std::unique_ptr<store::raft_log> log,
                      const store::applied_state& applied,
                      const configuration& applied_config,
                      transport_actor transport, state_machine_actor sm) {
  if (applied.index > log->last_index()) {
    // why: a snapshot was installed into the state machine but the crash
    // came before the log was reset to it; finish that now.
    snapshot_meta meta;
    meta.index = applied.index;
    meta.term = applied.term;
    meta.config = applied_config;
    log->reset(meta);
    // why: the member adopted the snapshot's term (or a later one) when the
    // install began, but that may not have reached the disk; a term below
    // the log's last term would let it vote in terms it has seen entries of.
    if (log->hard_state().term < meta.term)
      log->set_hard_state({meta.term, no_member});
    log->sync();
  } else if (applied.index < log->snapshot().index) {
    throw store::store_error(
      store::store_errc::corrupt,
      "the state machine has applied entries through "
        + std::to_string(applied.index)
        + " but the raft log was compacted through "
        + std::to_string(log->snapshot().index)
        + ": the state store was lost or replaced; refusing to start. "
          "Remove this monitor and add it back so it copies the state "
          "from its peers.");
  }
  auto init = std::make_shared<init_bundle>();
  init->core = std::make_unique<node>(cfg.node, *log);
  init->cfg = std::move(cfg);
  init->log = std::move(log);
  init->applied = applied.index;
  init->transport = std::move(transport);
  init->sm = std::move(sm);
  if (init->cfg.detached)
    return sys.spawn<caf::detached>(raft_main, init);
  return sys.spawn(raft_main, init);
}

} // namespace gd::raft
