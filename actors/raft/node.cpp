#include "actors/raft/node.hpp"

#include <algorithm>
#include <stdexcept>

#include "protocol/records_codec.hpp"

namespace gd::raft {

const char* to_string(role r) {
  switch (r) {
    case role::follower:
      return "follower";
    case role::pre_candidate:
      return "pre_candidate";
    case role::candidate:
      return "candidate";
    case role::leader:
      return "leader";
  }
  return "unknown";
}

const char* to_string(propose_errc e) {
  switch (e) {
    case propose_errc::not_leader:
      return "not_leader";
    case propose_errc::transferring:
      return "transferring";
    case propose_errc::busy:
      return "busy";
    case propose_errc::not_ready:
      return "not_ready";
    case propose_errc::change_in_progress:
      return "change_in_progress";
    case propose_errc::no_quorum:
      return "no_quorum";
    case propose_errc::invalid:
      return "invalid";
    case propose_errc::exists:
      return "exists";
  }
  return "unknown";
}

bool claims_nothing_durable(const message& m) {
  switch (m.type) {
    case message_type::append:
    case message_type::heartbeat:
    case message_type::install_snapshot:
    case message_type::timeout_now:
      return true;
    default:
      return false;
  }
}

node::node(node_options opts, store::raft_log& log)
  : opts_(std::move(opts)), log_(log), rng_state_(opts_.seed) {
  if (opts_.id == no_member)
    throw std::invalid_argument("raft node: member id must not be 0");
  if (opts_.heartbeat_ticks < 1 || opts_.election_ticks <= opts_.heartbeat_ticks)
    throw std::invalid_argument(
      "raft node: need 1 <= heartbeat_ticks < election_ticks (got "
      + std::to_string(opts_.heartbeat_ticks) + " and "
      + std::to_string(opts_.election_ticks) + ")");
  if (opts_.max_inflight == 0 || opts_.max_append_entries == 0)
    throw std::invalid_argument(
      "raft node: max_inflight and max_append_entries must be positive");
  auto hs = log_.hard_state();
  term_ = hs.term;
  vote_ = hs.voted_for;
  commit_ = log_.snapshot().index;
  // why: whatever a freshly opened log holds was synced before.
  durable_ = log_.last_index();
  for (auto i = log_.first_index(); i <= log_.last_index(); ++i) {
    const auto& e = log_.at(i);
    if (e.type == entry_type::config)
      configs_.emplace(i, proto::decode_configuration(e.data));
  }
  randomized_timeout_ = random_timeout();
  next_read_id_ = next_random();
}

// -- time ---------------------------------------------------------------------

void node::tick() {
  ++ticks_;
  if (role_ != role::leader) {
    ++election_elapsed_;
    if (promotable() && election_elapsed_ >= randomized_timeout_) {
      election_elapsed_ = 0;
      campaign(opts_.pre_vote, false);
    }
    return;
  }
  ++heartbeat_elapsed_;
  ++election_elapsed_;
  if (transfer_target_ != no_member
      && ++transfer_elapsed_ >= opts_.election_ticks) {
    // why: the target did not take over within an election timeout (it may
    // be down); resume serving proposals.
    transfer_target_ = no_member;
  }
  if (election_elapsed_ >= opts_.election_ticks) {
    election_elapsed_ = 0;
    if (opts_.check_quorum) {
      std::size_t active = config().is_voter(opts_.id) ? 1 : 0;
      for (auto& [id, pr] : progress_) {
        if (config().is_voter(id) && pr.recent_active)
          ++active;
        pr.recent_active = false;
      }
      if (active < config().quorum()) {
        // why: a leader cut off from a quorum must not keep serving reads
        // or accepting proposals it cannot commit.
        become_follower(term_, no_member);
        return;
      }
    }
  }
  if (heartbeat_elapsed_ >= opts_.heartbeat_ticks) {
    heartbeat_elapsed_ = 0;
    broadcast_heartbeat();
  }
  maybe_promote_learners();
}

// -- role changes ---------------------------------------------------------------

void node::reset(term_t term) {
  // why: fail reads first, so refusals to followers carry the old term.
  fail_pending_reads();
  fail_forwarded_reads(no_member);
  if (term != term_)
    set_hard_state(term, no_member);
  leader_ = no_member;
  election_elapsed_ = 0;
  heartbeat_elapsed_ = 0;
  randomized_timeout_ = random_timeout();
  votes_.clear();
  progress_.clear();
  transfer_target_ = no_member;
  transfer_elapsed_ = 0;
  uncommitted_bytes_ = 0;
  broadcast_pending_ = false;
  round_needed_ = false;
}

void node::become_follower(term_t term, member_id leader) {
  reset(term);
  role_ = role::follower;
  leader_ = leader;
}

void node::become_pre_candidate() {
  // why: a pre-candidate changes neither its term nor its vote; it only asks
  // whether it could win.
  fail_pending_reads();
  fail_forwarded_reads(no_member);
  role_ = role::pre_candidate;
  leader_ = no_member;
  votes_.clear();
  progress_.clear();
  randomized_timeout_ = random_timeout();
}

void node::become_candidate() {
  reset(term_ + 1);
  set_hard_state(term_, opts_.id);
  role_ = role::candidate;
}

void node::become_leader() {
  role_ = role::leader;
  leader_ = opts_.id;
  commit_at_election_ = commit_;
  election_elapsed_ = 0;
  heartbeat_elapsed_ = 0;
  progress_.clear();
  for (auto id : config().all_ids())
    if (id != opts_.id) {
      auto [it, _] = progress_.emplace(
        id, progress(log_.last_index() + 1, opts_.max_inflight));
      // why: grant a fresh leader one election timeout of trust.
      it->second.last_heard_tick = ticks_;
    }
  // why: entries of earlier terms commit only through an entry of this term
  // (Raft §5.4.2); the no-op commits them, and it tells reads and
  // configuration changes when this leader is ready.
  entry noop;
  noop.index = log_.last_index() + 1;
  noop.term = term_;
  noop.type = entry_type::noop;
  append_entries({std::move(noop)});
  broadcast_pending_ = true;
}

void node::campaign(bool pre, bool transfer) {
  if (pre)
    become_pre_candidate();
  else
    become_candidate();
  term_t t = pre ? term_ + 1 : term_;
  auto last = log_.last_index();
  auto last_term = log_.term_at(last);
  votes_.emplace(opts_.id, true);
  if (config().quorum() <= 1) {
    if (pre)
      campaign(false, transfer);
    else
      become_leader();
    return;
  }
  for (const auto& v : config().voters) {
    if (v.id == opts_.id)
      continue;
    message m;
    m.type = pre ? message_type::pre_vote : message_type::vote;
    m.to = v.id;
    m.term = t;
    m.last_log_index = last;
    m.last_log_term = last_term;
    m.transfer = transfer;
    send(std::move(m));
  }
}

// -- messages -----------------------------------------------------------------

void node::step(const message& m) {
  if (m.to != opts_.id || m.from == opts_.id || m.from == no_member)
    return;
  if (m.term > term_) {
    bool vote_request
      = m.type == message_type::pre_vote || m.type == message_type::vote;
    if (vote_request && !m.transfer && in_lease()) {
      // why: we heard from a leader within an election timeout; a member
      // that campaigns anyway was probably cut off, so do not let it
      // disrupt us (check-quorum lease).
      return;
    }
    if (m.type == message_type::pre_vote) {
      // A pre-vote never changes our term.
    } else if (m.type == message_type::pre_vote_reply && !m.reject) {
      // A granted pre-vote carries the term we would campaign in.
    } else if (m.type == message_type::append
               || m.type == message_type::heartbeat
               || m.type == message_type::install_snapshot) {
      become_follower(m.term, m.from);
    } else {
      become_follower(m.term, no_member);
    }
  } else if (m.term < term_) {
    if ((opts_.check_quorum || opts_.pre_vote)
        && (m.type == message_type::append
            || m.type == message_type::heartbeat)) {
      // why: a leader that was partitioned away keeps its old term and
      // would never learn the new one (we ignore it, and with pre-vote no
      // one campaigns against it); our answer makes it step down.
      message r;
      r.type = message_type::append_reply;
      r.to = m.from;
      r.term = term_;
      send(std::move(r));
    } else if (m.type == message_type::pre_vote) {
      message r;
      r.type = message_type::pre_vote_reply;
      r.to = m.from;
      r.term = term_;
      r.reject = true;
      send(std::move(r));
    }
    return;
  }
  switch (m.type) {
    case message_type::pre_vote:
    case message_type::vote:
      handle_vote_request(m);
      break;
    case message_type::pre_vote_reply:
    case message_type::vote_reply:
      handle_vote_reply(m);
      break;
    case message_type::append:
    case message_type::heartbeat:
    case message_type::install_snapshot:
      if (role_ == role::leader)
        return; // why: two leaders in one term cannot exist; drop it.
      if (role_ != role::follower)
        become_follower(term_, m.from);
      if (leader_ != m.from)
        fail_forwarded_reads(m.from);
      leader_ = m.from;
      election_elapsed_ = 0;
      if (m.type == message_type::append)
        handle_append(m);
      else if (m.type == message_type::heartbeat)
        handle_heartbeat(m);
      else
        handle_install_snapshot(m);
      break;
    case message_type::append_reply:
      if (role_ == role::leader)
        handle_append_reply(m);
      break;
    case message_type::heartbeat_reply:
      if (role_ == role::leader)
        handle_heartbeat_reply(m);
      break;
    case message_type::timeout_now:
      handle_timeout_now();
      break;
    case message_type::read_index:
      handle_read_index(m);
      break;
    case message_type::read_index_reply:
      handle_read_index_reply(m);
      break;
  }
}

void node::handle_vote_request(const message& m) {
  bool pre = m.type == message_type::pre_vote;
  bool can_vote = vote_ == m.from
                  || (vote_ == no_member && leader_ == no_member)
                  || (pre && m.term > term_);
  message r;
  r.type = pre ? message_type::pre_vote_reply : message_type::vote_reply;
  r.to = m.from;
  if (can_vote && log_up_to_date(m.last_log_index, m.last_log_term)) {
    if (!pre) {
      election_elapsed_ = 0;
      set_hard_state(term_, m.from);
    }
    r.term = m.term;
  } else {
    r.term = term_;
    r.reject = true;
  }
  send(std::move(r));
}

void node::handle_vote_reply(const message& m) {
  bool pre = m.type == message_type::pre_vote_reply;
  if ((pre && role_ != role::pre_candidate)
      || (!pre && role_ != role::candidate))
    return;
  if (!config().is_voter(m.from))
    return;
  votes_.emplace(m.from, !m.reject);
  std::size_t granted = 0;
  std::size_t rejected = 0;
  for (const auto& [id, yes] : votes_) {
    if (!config().is_voter(id))
      continue;
    (yes ? granted : rejected) += 1;
  }
  auto quorum = config().quorum();
  if (granted >= quorum) {
    if (pre)
      campaign(false, false);
    else
      become_leader();
  } else if (rejected > config().voters.size() - quorum) {
    become_follower(term_, no_member);
  }
}

void node::handle_append(const message& m) {
  // Validate the peer's input before touching the log.
  for (std::size_t k = 0; k < m.entries.size(); ++k) {
    const auto& e = m.entries[k];
    if (e.index != m.prev_index + 1 + k || e.term > m.term
        || (k > 0 && e.term < m.entries[k - 1].term)
        || (k == 0 && e.term < m.prev_term))
      return; // malformed: drop it
  }
  message r;
  r.type = message_type::append_reply;
  r.to = m.from;
  r.term = term_;
  r.context = m.context;
  if (m.prev_index < commit_) {
    // why: everything through commit_ matches the leader's log; tell the
    // leader where to continue.
    r.index = commit_;
    send(std::move(r));
    return;
  }
  if (!matches(m.prev_index, m.prev_term)) {
    r.reject = true;
    r.index = m.prev_index;
    r.hint_index = std::min(m.prev_index, log_.last_index());
    r.hint_term = log_.term_at(r.hint_index);
    send(std::move(r));
    return;
  }
  std::size_t k = 0;
  for (; k < m.entries.size(); ++k) {
    const auto& e = m.entries[k];
    if (e.index > log_.last_index())
      break;
    if (log_.term_at(e.index) != e.term) {
      truncate_from(e.index);
      break;
    }
  }
  if (k < m.entries.size())
    append_entries({m.entries.begin() + static_cast<std::ptrdiff_t>(k),
                    m.entries.end()});
  auto last_new = m.prev_index + m.entries.size();
  commit_ = std::max(commit_, std::min(m.commit, last_new));
  r.index = last_new;
  send(std::move(r));
}

void node::handle_heartbeat(const message& m) {
  // why: the leader sends min(its commit, our match), which our log holds.
  commit_ = std::max(commit_, std::min(m.commit, log_.last_index()));
  message r;
  r.type = message_type::heartbeat_reply;
  r.to = m.from;
  r.term = term_;
  r.context = m.context;
  send(std::move(r));
}

void node::handle_install_snapshot(const message& m) {
  message r;
  r.type = message_type::append_reply;
  r.to = m.from;
  r.term = term_;
  const auto& s = m.snapshot;
  if (would_install(m.term, s)) {
    log_.reset(s);
    configs_.clear();
    commit_ = s.index;
    durable_ = std::min(durable_, s.index);
    out_.must_sync = true;
    out_.restored = s;
    on_config_changed();
    r.index = s.index;
  } else {
    if (s.index > commit_ && matches(s.index, s.term))
      commit_ = s.index; // we hold that prefix already: fast-forward
    r.index = commit_;
  }
  send(std::move(r));
}

bool node::would_install(term_t term, const snapshot_meta& meta) const {
  return term >= term_ && role_ != role::leader && meta.index > commit_
         && !matches(meta.index, meta.term);
}

void node::handle_append_reply(const message& m) {
  auto it = progress_.find(m.from);
  if (it == progress_.end())
    return;
  auto& pr = it->second;
  pr.recent_active = true;
  pr.last_heard_tick = ticks_;
  pr.acked_round = std::max(pr.acked_round, m.context);
  if (m.reject) {
    auto retry = m.hint_term > 0
                   ? find_conflict_by_term(m.hint_index, m.hint_term)
                   : m.hint_index;
    if (pr.reject(m.index, retry)) {
      if (pr.current_state() == progress::state::replicate)
        pr.become_probe();
      send_append(m.from, true);
    }
    confirm_reads();
    return;
  }
  if (pr.update(m.index)) {
    if (pr.current_state() == progress::state::probe) {
      pr.become_replicate();
    } else if (pr.current_state() == progress::state::snapshot
               && pr.match() >= pr.pending_snapshot()) {
      pr.become_probe();
      pr.become_replicate();
    }
    if (maybe_commit())
      broadcast_pending_ = true;
    if (role_ != role::leader)
      return; // stepped down: a committed configuration removed us
    while (send_append(m.from, false)) {
      // keep the pipeline full
    }
    finish_transfer_if_ready(m.from);
  }
  confirm_reads();
}

void node::handle_heartbeat_reply(const message& m) {
  auto it = progress_.find(m.from);
  if (it == progress_.end())
    return;
  auto& pr = it->second;
  pr.recent_active = true;
  pr.last_heard_tick = ticks_;
  pr.acked_round = std::max(pr.acked_round, m.context);
  pr.heartbeat_acknowledged();
  if (pr.match() < log_.last_index())
    send_append(m.from, true);
  confirm_reads();
}

void node::handle_timeout_now() {
  // why: no check that m.from is our leader: a timeout_now of a newer term
  // has already reset our leader to unknown in step().
  if (!promotable())
    return;
  campaign(false, true);
}

void node::handle_read_index(const message& m) {
  if (role_ != role::leader) {
    message r;
    r.type = message_type::read_index_reply;
    r.to = m.from;
    r.term = term_;
    r.context = m.context;
    r.reject = true;
    send(std::move(r));
    return;
  }
  start_read(m.from, m.context);
}

void node::handle_read_index_reply(const message& m) {
  auto it = forwarded_reads_.find(m.context);
  if (it == forwarded_reads_.end() || it->second.leader != m.from)
    return; // already failed (the leader changed), a duplicate, or stale
  auto context = it->second.context;
  forwarded_reads_.erase(it);
  if (m.reject)
    out_.failed_reads.push_back(context);
  else
    out_.reads.push_back({context, m.index});
}

// -- leader -------------------------------------------------------------------

bool node::send_append(member_id to, bool allow_empty) {
  auto it = progress_.find(to);
  if (it == progress_.end())
    return false;
  auto& pr = it->second;
  if (pr.paused())
    return false;
  auto prev = pr.next() - 1;
  if (prev < log_.snapshot().index) {
    // why: the entries this follower needs are compacted; only a snapshot
    // can bring it up to date.
    message m;
    m.type = message_type::install_snapshot;
    m.to = to;
    m.term = term_;
    m.snapshot = log_.snapshot();
    pr.become_snapshot(log_.snapshot().index);
    send(std::move(m));
    return true;
  }
  std::vector<entry> entries;
  if (pr.next() <= log_.last_index()) {
    auto hi = std::min(log_.last_index(),
                       pr.next() + opts_.max_append_entries - 1);
    entries = log_.slice(pr.next(), hi, opts_.max_append_bytes);
  }
  if (entries.empty() && !allow_empty)
    return false;
  message m;
  m.type = message_type::append;
  m.to = to;
  m.term = term_;
  m.prev_index = prev;
  m.prev_term = log_.term_at(prev);
  m.commit = commit_;
  m.context = round_;
  if (entries.empty()) {
    if (pr.current_state() == progress::state::probe)
      pr.sent_probe();
  } else {
    pr.sent_entries(entries.back().index);
  }
  m.entries = std::move(entries);
  send(std::move(m));
  return true;
}

void node::broadcast_append() {
  for (auto& [id, pr] : progress_)
    send_append(id, true);
}

void node::broadcast_heartbeat() {
  ++round_;
  round_needed_ = false;
  for (auto& [id, pr] : progress_) {
    message m;
    m.type = message_type::heartbeat;
    m.to = id;
    m.term = term_;
    m.commit = std::min(pr.match(), commit_);
    m.context = round_;
    send(std::move(m));
  }
}

bool node::maybe_commit() {
  std::vector<log_index> matches;
  for (const auto& v : config().voters) {
    if (v.id == opts_.id) {
      matches.push_back(durable_);
    } else {
      auto it = progress_.find(v.id);
      matches.push_back(it == progress_.end() ? 0 : it->second.match());
    }
  }
  if (matches.empty())
    return false;
  std::sort(matches.begin(), matches.end(), std::greater<>());
  auto candidate = matches[config().quorum() - 1];
  if (candidate <= commit_ || log_.term_at(candidate) != term_)
    return false;
  for (auto i = commit_ + 1; i <= candidate; ++i)
    uncommitted_bytes_
      -= std::min(uncommitted_bytes_, log_.at(i).data.size());
  commit_ = candidate;
  if (!config().is_voter(opts_.id) && config_index() <= commit_) {
    // why: the committed configuration no longer includes us; the voters
    // elect a leader among themselves.
    become_follower(term_, no_member);
    return true;
  }
  if (committed_in_current_term() && !reads_before_commit_.empty()) {
    // why: swap first; start_read may queue again, and must not see these.
    auto waiting = std::move(reads_before_commit_);
    reads_before_commit_.clear();
    for (auto [from, ctx] : waiting)
      start_read(from, ctx);
  }
  return true;
}

void node::maybe_promote_learners() {
  if (config().learners.empty() || !check_can_change_config().ok)
    return;
  for (const auto& l : config().learners) {
    auto it = progress_.find(l.id);
    if (it == progress_.end())
      continue;
    const auto& pr = it->second;
    if (pr.current_state() == progress::state::replicate
        && pr.match() >= commit_) {
      configuration next = config();
      auto pos = std::find_if(next.learners.begin(), next.learners.end(),
                              [&](const member& x) { return x.id == l.id; });
      next.voters.push_back(*pos);
      next.learners.erase(pos);
      append_config(std::move(next));
      return; // one change at a time
    }
  }
}

void node::start_read(member_id from, std::uint64_t context) {
  if (!committed_in_current_term()) {
    reads_before_commit_.emplace_back(from, context);
    return;
  }
  if (config().quorum() <= 1 && config().is_voter(opts_.id)) {
    if (from == opts_.id) {
      out_.reads.push_back({context, commit_});
    } else {
      message r;
      r.type = message_type::read_index_reply;
      r.to = from;
      r.term = term_;
      r.context = context;
      r.index = commit_;
      send(std::move(r));
    }
    return;
  }
  pending_reads_.push_back({from, context, commit_, round_ + 1});
  round_needed_ = true;
}

void node::confirm_reads() {
  while (!pending_reads_.empty()) {
    const auto& r = pending_reads_.front();
    std::size_t acks = config().is_voter(opts_.id) ? 1 : 0;
    for (const auto& v : config().voters) {
      if (v.id == opts_.id)
        continue;
      auto it = progress_.find(v.id);
      if (it != progress_.end() && it->second.acked_round >= r.round)
        ++acks;
    }
    if (acks < config().quorum())
      return; // why: reads are queued in round order
    if (r.from == opts_.id) {
      out_.reads.push_back({r.context, r.index});
    } else {
      message m;
      m.type = message_type::read_index_reply;
      m.to = r.from;
      m.term = term_;
      m.context = r.context;
      m.index = r.index;
      send(std::move(m));
    }
    pending_reads_.pop_front();
  }
}

void node::fail_pending_reads() {
  auto fail = [this](member_id from, std::uint64_t ctx) {
    if (from == opts_.id) {
      out_.failed_reads.push_back(ctx);
      return;
    }
    message m;
    m.type = message_type::read_index_reply;
    m.to = from;
    m.term = term_;
    m.context = ctx;
    m.reject = true;
    send(std::move(m));
  };
  for (const auto& r : pending_reads_)
    fail(r.from, r.context);
  for (const auto& [from, ctx] : reads_before_commit_)
    fail(from, ctx);
  pending_reads_.clear();
  reads_before_commit_.clear();
}

void node::fail_forwarded_reads(member_id except_leader) {
  for (auto it = forwarded_reads_.begin(); it != forwarded_reads_.end();) {
    if (it->second.leader == except_leader) {
      ++it;
      continue;
    }
    out_.failed_reads.push_back(it->second.context);
    it = forwarded_reads_.erase(it);
  }
}

void node::finish_transfer_if_ready(member_id peer) {
  if (peer != transfer_target_)
    return;
  if (progress_.at(peer).match() != log_.last_index())
    return;
  message m;
  m.type = message_type::timeout_now;
  m.to = peer;
  m.term = term_;
  send(std::move(m));
}

void node::report_snapshot(member_id peer, bool ok) {
  if (role_ != role::leader)
    return;
  auto it = progress_.find(peer);
  if (it == progress_.end()
      || it->second.current_state() != progress::state::snapshot)
    return;
  if (ok) {
    // why: wait for the follower's append_reply (or the next heartbeat
    // reply) before probing after the snapshot.
    it->second.become_probe();
    it->second.sent_probe();
  } else {
    it->second.abort_snapshot();
  }
}

// -- proposals ----------------------------------------------------------------

propose_outcome node::refuse(propose_errc e, std::string msg) const {
  propose_outcome out;
  out.ok = false;
  out.error = e;
  out.leader_hint = leader_;
  out.message = std::move(msg);
  return out;
}

propose_outcome node::propose(std::string data) {
  if (role_ != role::leader)
    return refuse(propose_errc::not_leader, "this monitor is not the leader");
  if (transfer_target_ != no_member)
    return refuse(propose_errc::transferring,
                  "leadership is being transferred");
  if (opts_.check_quorum && !quorum_active())
    return refuse(propose_errc::no_quorum,
                  "the leader has not heard from a quorum of monitors "
                  "within an election timeout");
  if (uncommitted_bytes_ > 0
      && uncommitted_bytes_ + data.size() > opts_.max_uncommitted_bytes)
    return refuse(propose_errc::busy,
                  "too many uncommitted proposals ("
                    + std::to_string(uncommitted_bytes_)
                    + " bytes): followers are slow or quorum is lost");
  entry e;
  e.index = log_.last_index() + 1;
  e.term = term_;
  e.type = entry_type::command;
  uncommitted_bytes_ += data.size();
  e.data = std::move(data);
  propose_outcome out;
  out.ok = true;
  out.index = e.index;
  out.term = e.term;
  append_entries({std::move(e)});
  broadcast_pending_ = true;
  return out;
}

propose_outcome node::check_can_change_config() const {
  if (role_ != role::leader)
    return refuse(propose_errc::not_leader, "this monitor is not the leader");
  if (transfer_target_ != no_member)
    return refuse(propose_errc::transferring,
                  "leadership is being transferred");
  if (opts_.check_quorum && !quorum_active())
    return refuse(propose_errc::no_quorum,
                  "the leader has not heard from a quorum of monitors "
                  "within an election timeout");
  if (!committed_in_current_term())
    return refuse(propose_errc::not_ready,
                  "the leader was just elected and has not committed an "
                  "entry of its term yet; retry shortly");
  if (config_index() > commit_)
    return refuse(propose_errc::change_in_progress,
                  "another membership change is not committed yet");
  propose_outcome ok;
  ok.ok = true;
  return ok;
}

propose_outcome node::append_config(configuration next) {
  if (auto err = next.validate(); !err.empty())
    return refuse(propose_errc::invalid, err);
  entry e;
  e.index = log_.last_index() + 1;
  e.term = term_;
  e.type = entry_type::config;
  e.data = proto::encode_configuration(next);
  propose_outcome out;
  out.ok = true;
  out.index = e.index;
  out.term = e.term;
  append_entries({std::move(e)});
  broadcast_pending_ = true;
  return out;
}

propose_outcome node::propose_add_member(const member& m) {
  if (auto check = check_can_change_config(); !check.ok)
    return check;
  if (m.id == no_member || m.name.empty() || m.address.empty())
    return refuse(propose_errc::invalid,
                  "a new member needs an id, a name and an address");
  if (config().contains(m.id))
    return refuse(propose_errc::exists,
                  "member '" + m.name + "' is already in the configuration");
  configuration next = config();
  next.learners.push_back(m);
  return append_config(std::move(next));
}

propose_outcome node::propose_remove_member(member_id id) {
  if (auto check = check_can_change_config(); !check.ok)
    return check;
  if (!config().contains(id))
    return refuse(propose_errc::invalid,
                  "member " + std::to_string(id)
                    + " is not in the configuration");
  configuration next = config();
  auto drop = [id](std::vector<member>& ms) {
    ms.erase(std::remove_if(ms.begin(), ms.end(),
                            [id](const member& m) { return m.id == id; }),
             ms.end());
  };
  drop(next.voters);
  drop(next.learners);
  if (next.voters.empty())
    return refuse(propose_errc::invalid, "cannot remove the last voter");
  return append_config(std::move(next));
}

void node::read_index(std::uint64_t context) {
  if (role_ == role::leader) {
    start_read(opts_.id, context);
  } else if (leader_ != no_member) {
    auto id = next_read_id_++;
    forwarded_reads_[id] = {context, leader_};
    message m;
    m.type = message_type::read_index;
    m.to = leader_;
    m.term = term_;
    m.context = id;
    send(std::move(m));
  } else {
    out_.failed_reads.push_back(context);
  }
}

std::string node::transfer_leadership(member_id target) {
  if (role_ != role::leader)
    return "this monitor is not the leader";
  if (target == opts_.id)
    return {};
  if (!config().is_voter(target))
    return "member " + std::to_string(target) + " is not a voter";
  if (transfer_target_ == target)
    return {};
  transfer_target_ = target;
  transfer_elapsed_ = 0;
  if (progress_.at(target).match() == log_.last_index())
    finish_transfer_if_ready(target);
  else
    send_append(target, true);
  return {};
}

// -- persistence --------------------------------------------------------------

void node::synced() {
  durable_ = log_.last_index();
  hard_state_unsynced_ = false;
  if (role_ == role::leader && maybe_commit())
    broadcast_pending_ = true;
}

void node::compact(log_index index) {
  if (index < log_.snapshot().index || index > commit_)
    throw std::logic_error("raft node: compact(" + std::to_string(index)
                           + ") outside [snapshot index, commit index] = ["
                           + std::to_string(log_.snapshot().index) + ", "
                           + std::to_string(commit_) + "]");
  if (index == log_.snapshot().index)
    return;
  snapshot_meta meta;
  meta.index = index;
  meta.term = log_.term_at(index);
  meta.config = config_at(index);
  log_.compact_prefix(meta);
  configs_.erase(configs_.begin(), configs_.upper_bound(index));
  out_.must_sync = true;
}

void node::append_entries(std::vector<entry> entries) {
  // why: decode before writing, so a malformed configuration from a peer
  // throws with nothing changed.
  std::vector<std::pair<log_index, configuration>> new_configs;
  for (const auto& e : entries)
    if (e.type == entry_type::config)
      new_configs.emplace_back(e.index, proto::decode_configuration(e.data));
  log_.append(std::move(entries));
  out_.must_sync = true;
  if (!new_configs.empty()) {
    for (auto& [i, c] : new_configs)
      configs_[i] = std::move(c);
    on_config_changed();
  }
}

void node::truncate_from(log_index from) {
  if (from <= commit_)
    throw std::logic_error("raft node: truncating committed entry "
                           + std::to_string(from) + " (commit index "
                           + std::to_string(commit_) + ")");
  log_.truncate_suffix(from);
  durable_ = std::min(durable_, from - 1);
  out_.must_sync = true;
  auto first_gone = configs_.lower_bound(from);
  if (first_gone != configs_.end()) {
    configs_.erase(first_gone, configs_.end());
    on_config_changed();
  }
}

void node::set_hard_state(term_t term, member_id vote) {
  term_ = term;
  vote_ = vote;
  log_.set_hard_state({term, vote});
  out_.must_sync = true;
  hard_state_unsynced_ = true;
}

void node::on_config_changed() {
  if (role_ != role::leader)
    return;
  for (auto id : config().all_ids())
    if (id != opts_.id && progress_.find(id) == progress_.end()) {
      auto [it, _] = progress_.emplace(
        id, progress(log_.last_index() + 1, opts_.max_inflight));
      it->second.last_heard_tick = ticks_;
    }
  for (auto it = progress_.begin(); it != progress_.end();) {
    if (config().contains(it->first))
      ++it;
    else
      it = progress_.erase(it);
  }
  if (transfer_target_ != no_member && !config().is_voter(transfer_target_))
    transfer_target_ = no_member;
  // why: a smaller quorum may commit or confirm reads at once.
  if (maybe_commit())
    broadcast_pending_ = true;
  if (role_ == role::leader)
    confirm_reads();
}

// -- queries ------------------------------------------------------------------

const configuration& node::config() const {
  if (configs_.empty())
    return log_.snapshot().config;
  return configs_.rbegin()->second;
}

configuration node::config_at(log_index i) const {
  auto it = configs_.upper_bound(i);
  if (it == configs_.begin())
    return log_.snapshot().config;
  return std::prev(it)->second;
}

log_index node::config_index() const {
  if (configs_.empty())
    return log_.snapshot().index;
  return configs_.rbegin()->first;
}

std::vector<peer_status> node::peers() const {
  std::vector<peer_status> out;
  for (const auto& [id, pr] : progress_) {
    peer_status s;
    s.id = id;
    s.voter = config().is_voter(id);
    s.match = pr.match();
    s.next = pr.next();
    s.state = pr.current_state();
    s.recent_active = pr.recent_active;
    out.push_back(s);
  }
  return out;
}

bool node::quorum_active() const {
  if (role_ != role::leader)
    return false;
  std::size_t active = config().is_voter(opts_.id) ? 1 : 0;
  for (const auto& v : config().voters) {
    if (v.id == opts_.id)
      continue;
    auto it = progress_.find(v.id);
    if (it != progress_.end()
        && ticks_ - it->second.last_heard_tick
             <= static_cast<std::uint64_t>(opts_.election_ticks))
      ++active;
  }
  return active >= config().quorum();
}

bool node::log_up_to_date(log_index last_index, term_t last_term) const {
  auto my_last = log_.last_index();
  auto my_term = log_.term_at(my_last);
  return last_term > my_term || (last_term == my_term && last_index >= my_last);
}

log_index node::find_conflict_by_term(log_index index, term_t term) const {
  index = std::min(index, log_.last_index());
  while (index > log_.snapshot().index) {
    if (log_.term_at(index) <= term)
      return index;
    --index;
  }
  return log_.snapshot().index;
}

bool node::matches(log_index index, term_t term) const {
  return index >= log_.snapshot().index && index <= log_.last_index()
         && log_.term_at(index) == term;
}

bool node::committed_in_current_term() const {
  return log_.term_at(commit_) == term_;
}

bool node::promotable() const {
  return config().is_voter(opts_.id);
}

bool node::in_lease() const {
  return opts_.check_quorum && leader_ != no_member
         && election_elapsed_ < opts_.election_ticks;
}

bool node::has_ready() const {
  return !out_.early.empty() || !out_.messages.empty() || out_.must_sync
         || out_.restored
         || !out_.reads.empty() || !out_.failed_reads.empty()
         || broadcast_pending_ || round_needed_
         || out_.commit_index != commit_;
}

ready node::take_ready() {
  if (role_ == role::leader) {
    if (round_needed_)
      broadcast_heartbeat();
    if (broadcast_pending_)
      broadcast_append();
  }
  broadcast_pending_ = false;
  round_needed_ = false;
  out_.commit_index = commit_;
  ready r = std::move(out_);
  out_ = ready{};
  // why: has_ready() compares against the commit index last handed out.
  out_.commit_index = commit_;
  return r;
}

void node::send(message m) {
  m.from = opts_.id;
  // why: a message of a term the disk does not know yet could outlive a
  // crash that forgets the term; the restarted member could then win that
  // term again and send different entries under it (issue 8, defect 1).
  if (!hard_state_unsynced_ && claims_nothing_durable(m))
    out_.early.push_back(std::move(m));
  else
    out_.messages.push_back(std::move(m));
}

int node::random_timeout() {
  return opts_.election_ticks
         + static_cast<int>(next_random()
                            % static_cast<std::uint64_t>(opts_.election_ticks));
}

std::uint64_t node::next_random() {
  // splitmix64: tiny, portable, and fully determined by the seed.
  std::uint64_t z = (rng_state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// -- invariants ---------------------------------------------------------------

std::vector<std::string> node::check_invariants() const {
  std::vector<std::string> errors;
  auto fail = [&](std::string s) {
    errors.push_back("member " + std::to_string(opts_.id) + ": "
                     + std::move(s));
  };
  auto hs = log_.hard_state();
  if (hs.term != term_ || hs.voted_for != vote_)
    fail("hard state in the log (" + std::to_string(hs.term) + ", "
         + std::to_string(hs.voted_for) + ") differs from the node's ("
         + std::to_string(term_) + ", " + std::to_string(vote_) + ")");
  if (commit_ < log_.snapshot().index || commit_ > log_.last_index())
    fail("commit index " + std::to_string(commit_) + " outside the log ["
         + std::to_string(log_.snapshot().index) + ", "
         + std::to_string(log_.last_index()) + "]");
  if (durable_ > log_.last_index())
    fail("durable index beyond the last index");
  if (log_.term_at(log_.last_index()) > term_)
    fail("holds an entry of a future term");
  if (!configs_.empty()
      && (configs_.begin()->first < log_.first_index()
          || configs_.rbegin()->first > log_.last_index()))
    fail("configuration index outside the log");
  switch (role_) {
    case role::leader:
      if (leader_ != opts_.id)
        fail("leader that does not know itself as leader");
      if (vote_ != opts_.id)
        fail("leader that did not vote for itself in its term");
      // Raft §5.4.2 (figure 8): a leader commits only by counting replicas
      // of an entry of its own term; older entries commit with it.
      if (commit_ > commit_at_election_ && commit_ >= log_.snapshot().index
          && log_.term_at(commit_) != term_)
        fail("leader of term " + std::to_string(term_) + " moved its commit "
             + "index to " + std::to_string(commit_)
             + ", an entry of term " + std::to_string(log_.term_at(commit_)));
      for (const auto& [id, pr] : progress_) {
        if (!config().contains(id))
          fail("progress for non-member " + std::to_string(id));
        if (pr.match() >= pr.next())
          fail("progress of " + std::to_string(id) + ": match >= next");
        if (pr.match() > log_.last_index())
          fail("progress of " + std::to_string(id)
               + ": match beyond the leader's log");
      }
      for (auto id : config().all_ids())
        if (id != opts_.id && progress_.find(id) == progress_.end())
          fail("no progress for member " + std::to_string(id));
      break;
    case role::candidate:
      if (vote_ != opts_.id)
        fail("candidate that did not vote for itself");
      [[fallthrough]];
    case role::pre_candidate:
    case role::follower:
      if (!progress_.empty())
        fail("non-leader with replication progress");
      if (!pending_reads_.empty() || !reads_before_commit_.empty())
        fail("non-leader with pending reads");
      if (transfer_target_ != no_member)
        fail("non-leader with a transfer target");
      if (role_ == role::follower && leader_ == opts_.id)
        fail("follower that names itself leader");
      break;
  }
  return errors;
}

} // namespace gd::raft
