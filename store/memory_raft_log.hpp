#pragma once

#include <deque>
#include <memory>

#include "store/raft_log.hpp"

namespace gd::store {

/// What a memory_raft_log has "on disk": the state as of its last sync().
/// Shared so that a simulated crash-restart can build a new log from it.
struct memory_log_image {
  raft::hard_state hard;
  raft::snapshot_meta snapshot;
  std::deque<raft::entry> entries;
};

/// A raft_log held in memory, for tests and the deterministic simulation.
/// sync() copies the staged state into its memory_log_image; a log built
/// from an image after a simulated crash sees exactly what was synced.
class memory_raft_log final : public raft_log {
public:
  /// A new, empty log with a fresh image.
  memory_raft_log();

  /// A log that resumes from `image` (what a previous instance synced).
  explicit memory_raft_log(std::shared_ptr<memory_log_image> image);

  /// The image that sync() writes to.
  std::shared_ptr<memory_log_image> image() const { return image_; }

  /// How many times sync() wrote something (for tests of group commit).
  std::size_t sync_count() const { return sync_count_; }

  raft::hard_state hard_state() const override;
  const raft::snapshot_meta& snapshot() const override;
  raft::log_index last_index() const override;
  raft::term_t term_at(raft::log_index i) const override;
  const raft::entry& at(raft::log_index i) const override;
  std::size_t byte_size() const override;
  void set_hard_state(const raft::hard_state& hs) override;
  void append(std::vector<raft::entry> entries) override;
  void truncate_suffix(raft::log_index from) override;
  void compact_prefix(const raft::snapshot_meta& meta) override;
  void reset(const raft::snapshot_meta& meta) override;
  void sync() override;

private:
  std::shared_ptr<memory_log_image> image_;
  raft::hard_state hard_;
  raft::snapshot_meta snapshot_;
  std::deque<raft::entry> entries_;
  std::size_t bytes_ = 0;
  bool dirty_ = false;
  std::size_t sync_count_ = 0;
  /// Entries with index >= this may differ from the image (so sync() copies
  /// only what changed, not the whole log).
  raft::log_index unsynced_from_ = ~raft::log_index{0};
};

} // namespace gd::store
