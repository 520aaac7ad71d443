#include "store/memory_raft_log.hpp"

#include <algorithm>

#include "store/raft_log_checks.hpp"
#include "store/store_error.hpp"

namespace gd::store {

namespace {

const std::string who = "memory raft log";

constexpr raft::log_index all_synced = ~raft::log_index{0};

} // namespace

memory_raft_log::memory_raft_log()
  : memory_raft_log(std::make_shared<memory_log_image>()) {
  // nop
}

memory_raft_log::memory_raft_log(std::shared_ptr<memory_log_image> image)
  : image_(std::move(image)) {
  if (!image_)
    detail::precondition_failed(who, "constructed from a null image");
  hard_ = image_->hard;
  snapshot_ = image_->snapshot;
  entries_ = image_->entries;
  for (const auto& e : entries_)
    bytes_ += e.data.size();
}

raft::hard_state memory_raft_log::hard_state() const {
  return hard_;
}

const raft::snapshot_meta& memory_raft_log::snapshot() const {
  return snapshot_;
}

raft::log_index memory_raft_log::last_index() const {
  return snapshot_.index + entries_.size();
}

raft::term_t memory_raft_log::term_at(raft::log_index i) const {
  detail::check_term_at(*this, who, i);
  if (i == snapshot_.index)
    return snapshot_.term;
  return entries_[i - first_index()].term;
}

const raft::entry& memory_raft_log::at(raft::log_index i) const {
  detail::check_at(*this, who, i);
  return entries_[i - first_index()];
}

std::size_t memory_raft_log::byte_size() const {
  return bytes_;
}

void memory_raft_log::set_hard_state(const raft::hard_state& hs) {
  hard_ = hs;
  dirty_ = true;
}

void memory_raft_log::append(std::vector<raft::entry> entries) {
  detail::check_append(*this, who, entries);
  unsynced_from_ = std::min(unsynced_from_, entries.front().index);
  for (auto& e : entries) {
    bytes_ += e.data.size();
    entries_.push_back(std::move(e));
  }
  dirty_ = true;
}

void memory_raft_log::truncate_suffix(raft::log_index from) {
  detail::check_truncate_suffix(*this, who, from);
  if (from == last_index() + 1)
    return;
  unsynced_from_ = std::min(unsynced_from_, from);
  while (last_index() >= from) {
    bytes_ -= entries_.back().data.size();
    entries_.pop_back();
  }
  dirty_ = true;
}

void memory_raft_log::compact_prefix(const raft::snapshot_meta& meta) {
  detail::check_compact_prefix(*this, who, meta);
  while (!entries_.empty() && entries_.front().index <= meta.index) {
    bytes_ -= entries_.front().data.size();
    entries_.pop_front();
  }
  snapshot_ = meta;
  dirty_ = true;
}

void memory_raft_log::reset(const raft::snapshot_meta& meta) {
  entries_.clear();
  bytes_ = 0;
  snapshot_ = meta;
  unsynced_from_ = std::min(unsynced_from_, meta.index + 1);
  dirty_ = true;
}

void memory_raft_log::sync() {
  if (!dirty_)
    return;
  // why: copies only what changed since the last sync, so a simulation that
  // syncs after every message does not copy the whole log each time. Every
  // write that can change an entry at index i (append, truncate_suffix,
  // reset) lowers unsynced_from_ to at most i, so the image's entries in
  // (snapshot_.index, unsynced_from_) still equal ours, and the image's
  // entries start right after its snapshot. Drop the rest, then copy ours
  // from where the image ends.
  auto& img = *image_;
  img.hard = hard_;
  img.snapshot = snapshot_;
  while (!img.entries.empty() && img.entries.front().index <= snapshot_.index)
    img.entries.pop_front();
  while (!img.entries.empty() && img.entries.back().index >= unsynced_from_)
    img.entries.pop_back();
  auto next = img.entries.empty() ? first_index()
                                  : img.entries.back().index + 1;
  for (auto i = next; i <= last_index(); ++i)
    img.entries.push_back(entries_[i - first_index()]);
  unsynced_from_ = all_synced;
  dirty_ = false;
  ++sync_count_;
}

} // namespace gd::store
