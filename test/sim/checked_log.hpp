#pragma once

// A raft_log decorator that checks Raft's Log Matching property at every
// append, across all members of a simulation run: a log position (index,
// term) holds one entry ever, always after the same predecessor term. By
// induction, two logs that share a position share the whole prefix.

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "store/memory_raft_log.hpp"

namespace gd::sim {

/// Everything every log of a run has held.
struct log_registry {
  struct record {
    std::uint64_t payload_hash = 0;
    raft::term_t prev_term = 0;
  };
  std::map<std::pair<raft::log_index, raft::term_t>, record> seen;
  std::vector<std::string> violations;
};

class checked_log final : public store::raft_log {
public:
  checked_log(std::unique_ptr<store::memory_raft_log> inner,
              std::shared_ptr<log_registry> registry, std::string owner);

  raft::hard_state hard_state() const override { return inner_->hard_state(); }
  const raft::snapshot_meta& snapshot() const override {
    return inner_->snapshot();
  }
  raft::log_index last_index() const override { return inner_->last_index(); }
  raft::term_t term_at(raft::log_index i) const override {
    return inner_->term_at(i);
  }
  const raft::entry& at(raft::log_index i) const override {
    return inner_->at(i);
  }
  std::size_t byte_size() const override { return inner_->byte_size(); }
  void set_hard_state(const raft::hard_state& hs) override {
    inner_->set_hard_state(hs);
  }
  void append(std::vector<raft::entry> entries) override;
  void truncate_suffix(raft::log_index from) override {
    inner_->truncate_suffix(from);
  }
  void compact_prefix(const raft::snapshot_meta& meta) override {
    inner_->compact_prefix(meta);
  }
  void reset(const raft::snapshot_meta& meta) override { inner_->reset(meta); }
  void sync() override { inner_->sync(); }

private:
  std::unique_ptr<store::memory_raft_log> inner_;
  std::shared_ptr<log_registry> registry_;
  std::string owner_;
};

} // namespace gd::sim
