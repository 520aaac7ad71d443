#include "test/unit/raft/core_cluster.hpp"

#include <algorithm>
#include <stdexcept>

namespace gd::test {

using namespace gd::raft;

namespace {

raft::configuration config_of(const std::vector<raft::member>& ms) {
  raft::configuration c;
  c.voters = ms;
  return c;
}

} // namespace

core_cluster::core_cluster(std::size_t n, node_options base) : base_(base) {
  for (std::size_t i = 0; i < n; ++i) {
    auto name = "m" + std::to_string(i + 1);
    members_.push_back({member_id_of(name), name,
                        "127.0.0.1:" + std::to_string(24100 + i)});
  }
  for (std::size_t i = 0; i < n; ++i) {
    auto log = std::make_unique<store::memory_raft_log>();
    snapshot_meta boot;
    boot.config = config_of(members_);
    log->reset(boot);
    log->sync();
    auto opts = base_;
    opts.id = members_[i].id;
    opts.seed = 1000 + i;
    nodes_.push_back(std::make_unique<raft::node>(opts, *log));
    logs_.push_back(std::move(log));
    applied_.emplace_back();
    applied_index_.push_back(0);
    reads_.emplace_back();
    failed_reads_.emplace_back();
  }
}

member_id core_cluster::id(std::size_t i) const {
  return members_.at(i).id;
}

raft::member core_cluster::member(std::size_t i) const {
  return members_.at(i);
}

std::size_t core_cluster::index_of(member_id id) const {
  for (std::size_t i = 0; i < members_.size(); ++i)
    if (members_[i].id == id)
      return i;
  throw std::out_of_range("core_cluster: unknown member id");
}

bool core_cluster::link_up(member_id a, member_id b) const {
  for (auto [x, y] : cuts_)
    if ((x == a && y == b) || (x == b && y == a))
      return false;
  return true;
}

void core_cluster::enqueue(const message& m) {
  net_.push_back(m);
}

void core_cluster::process(std::size_t i) {
  auto& n = *nodes_[i];
  auto r = n.take_ready();
  for (const auto& m : r.early)
    enqueue(m);
  if (r.must_sync) {
    logs_[i]->sync();
    n.synced();
  }
  for (const auto& m : r.messages)
    enqueue(m);
  if (r.restored) {
    // why: the harness's "state machine" is the list of applied entries; a
    // snapshot carries the leader's applied prefix (the sender's entries
    // through the snapshot index, which are committed and hence equal).
    std::vector<entry> prefix;
    for (std::size_t j = 0; j < nodes_.size(); ++j)
      if (applied_index_[j] >= r.restored->index) {
        prefix.assign(applied_[j].begin(),
                      applied_[j].begin()
                        + static_cast<std::ptrdiff_t>(r.restored->index));
        break;
      }
    if (prefix.size() != r.restored->index)
      violations_.push_back("snapshot " + std::to_string(r.restored->index)
                            + " installed but nobody applied that far");
    applied_[i] = std::move(prefix);
    applied_index_[i] = r.restored->index;
  }
  while (applied_index_[i] < r.commit_index) {
    auto idx = applied_index_[i] + 1;
    applied_[i].push_back(logs_[i]->at(idx));
    applied_index_[i] = idx;
  }
  for (auto rs : r.reads)
    reads_[i].push_back(rs);
  for (auto ctx : r.failed_reads)
    failed_reads_[i].push_back(ctx);
  if (n.current_role() == role::leader) {
    auto [it, inserted] = leaders_by_term_.emplace(n.term(), n.id());
    if (!inserted && it->second != n.id())
      violations_.push_back("two leaders in term " + std::to_string(n.term()));
  }
}

void core_cluster::settle() {
  for (int rounds = 0; rounds < 100000; ++rounds) {
    bool busy = false;
    for (std::size_t i = 0; i < nodes_.size(); ++i)
      if (nodes_[i]->has_ready()) {
        process(i);
        busy = true;
      }
    if (!net_.empty()) {
      busy = true;
      auto m = std::move(net_.front());
      net_.pop_front();
      if (!link_up(m.from, m.to) || (filter && !filter(m)))
        continue;
      std::size_t to;
      try {
        to = index_of(m.to);
      } catch (const std::out_of_range&) {
        continue;
      }
      delivered_.push_back(m);
      nodes_[to]->step(m);
      if (m.type == message_type::install_snapshot) {
        // The transfer of the data "succeeds" when the message arrives.
        nodes_[index_of(m.from)]->report_snapshot(m.to, true);
      }
    }
    if (!busy)
      return;
  }
  throw std::runtime_error("core_cluster: settle did not converge");
}

void core_cluster::tick(std::size_t i, int n) {
  for (int k = 0; k < n; ++k) {
    nodes_[i]->tick();
    settle();
  }
}

void core_cluster::tick_all(int n) {
  for (int k = 0; k < n; ++k) {
    for (auto& node : nodes_)
      node->tick();
    settle();
  }
}

bool core_cluster::elect(std::size_t i) {
  auto& n = *nodes_[i];
  for (int k = 0; k < 4 * n.options().election_ticks; ++k) {
    if (n.current_role() == role::leader)
      return true;
    n.tick();
    settle();
  }
  return n.current_role() == role::leader;
}

std::optional<std::size_t> core_cluster::leader() const {
  std::optional<std::size_t> best;
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    const auto& n = *nodes_[i];
    if (n.current_role() != role::leader)
      continue;
    if (!best || n.term() > nodes_[*best]->term())
      best = i;
  }
  return best;
}

void core_cluster::cut(std::size_t i, std::size_t j) {
  cuts_.emplace_back(id(i), id(j));
}

void core_cluster::isolate(std::size_t i) {
  for (std::size_t j = 0; j < nodes_.size(); ++j)
    if (j != i)
      cut(i, j);
}

void core_cluster::heal() {
  cuts_.clear();
}

void core_cluster::restart(std::size_t i) {
  // why: drop what the old incarnation had not synced; a new log over the
  // same image sees exactly the synced state.
  auto image = logs_[i]->image();
  nodes_[i].reset();
  logs_[i] = std::make_unique<store::memory_raft_log>(image);
  auto opts = base_;
  opts.id = members_[i].id;
  // why: a member's seed differs between incarnations (node_options::seed).
  opts.seed = 5000 + i + 100 * ++restarts_;
  nodes_[i] = std::make_unique<raft::node>(opts, *logs_[i]);
  // The harness's state machine is volatile: it restarts from scratch and
  // re-applies from the log (or from a snapshot, via the next install).
  applied_[i].clear();
  applied_index_[i] = 0;
  if (logs_[i]->snapshot().index > 0) {
    for (std::size_t j = 0; j < nodes_.size(); ++j)
      if (j != i && applied_index_[j] >= logs_[i]->snapshot().index) {
        applied_[i].assign(applied_[j].begin(),
                           applied_[j].begin()
                             + static_cast<std::ptrdiff_t>(
                               logs_[i]->snapshot().index));
        applied_index_[i] = logs_[i]->snapshot().index;
        break;
      }
  }
}

void core_cluster::crash_before_sync(std::size_t i) {
  auto r = nodes_[i]->take_ready();
  for (const auto& m : r.early)
    enqueue(m);
  restart(i);
}

std::size_t core_cluster::add_blank_member(const std::string& name) {
  members_.push_back({member_id_of(name), name,
                      "127.0.0.1:" + std::to_string(24100 + members_.size())});
  auto log = std::make_unique<store::memory_raft_log>();
  auto opts = base_;
  opts.id = members_.back().id;
  opts.seed = 9000 + members_.size();
  nodes_.push_back(std::make_unique<raft::node>(opts, *log));
  logs_.push_back(std::move(log));
  applied_.emplace_back();
  applied_index_.push_back(0);
  reads_.emplace_back();
  failed_reads_.emplace_back();
  return nodes_.size() - 1;
}

propose_outcome core_cluster::propose(std::size_t i, const std::string& data) {
  auto out = nodes_[i]->propose(data);
  settle();
  return out;
}

std::vector<std::string> core_cluster::check_invariants() const {
  auto errors = violations_;
  for (const auto& n : nodes_)
    for (auto& e : n->check_invariants())
      errors.push_back(e);
  for (std::size_t i = 0; i < nodes_.size(); ++i)
    for (std::size_t j = i + 1; j < nodes_.size(); ++j) {
      auto common = std::min(applied_[i].size(), applied_[j].size());
      for (std::size_t k = 0; k < common; ++k)
        if (applied_[i][k] != applied_[j][k]) {
          errors.push_back("members " + std::to_string(i) + " and "
                           + std::to_string(j) + " applied different entries "
                           + "at index " + std::to_string(k + 1));
          break;
        }
    }
  return errors;
}

} // namespace gd::test
