#pragma once

// The storage contract of one Raft member: its hard state (term, vote) and
// its log, which starts after an optional snapshot. Implemented by
// memory_raft_log (tests, simulation) and lmdb_raft_log (production).

#include <cstddef>
#include <vector>

#include "protocol/raft_types.hpp"

namespace gd::store {

/// A member's hard state and log.
///
/// Writes are *staged*: every read sees them at once, but they are durable
/// only after sync() returns. A member must not let anything that depends on
/// a staged write leave the process (a vote, an append acknowledgement)
/// before sync(). After a crash, reopening the store yields exactly the state
/// as of the last completed sync().
///
/// Not thread-safe: one owner (the Raft actor) uses it at a time.
/// Precondition violations throw store_error(store_errc::precondition).
class raft_log {
public:
  virtual ~raft_log() = default;

  // -- reads ----------------------------------------------------------------

  /// The current term and vote.
  virtual raft::hard_state hard_state() const = 0;

  /// The prefix replaced by a snapshot or compaction: entries with index <=
  /// snapshot().index are gone. index == 0 if nothing was ever compacted.
  virtual const raft::snapshot_meta& snapshot() const = 0;

  /// Index of the first entry held: snapshot().index + 1.
  raft::log_index first_index() const { return snapshot().index + 1; }

  /// Index of the last entry held, or snapshot().index if none is held.
  virtual raft::log_index last_index() const = 0;

  /// Term of the entry at `i`; for i == snapshot().index, the snapshot's
  /// term. Precondition: snapshot().index <= i <= last_index().
  virtual raft::term_t term_at(raft::log_index i) const = 0;

  /// The entry at `i`. Precondition: first_index() <= i <= last_index().
  /// The reference is valid until the next write to this log.
  virtual const raft::entry& at(raft::log_index i) const = 0;

  /// Returns the entries [lo, hi] in order, stopping early once their data
  /// exceeds `max_bytes` (but always at least the entry at `lo`).
  /// Precondition: first_index() <= lo <= hi <= last_index().
  std::vector<raft::entry> slice(raft::log_index lo, raft::log_index hi,
                                 std::size_t max_bytes) const;

  /// Sum of the data sizes of the entries held, in bytes.
  virtual std::size_t byte_size() const = 0;

  // -- staged writes ----------------------------------------------------------

  virtual void set_hard_state(const raft::hard_state& hs) = 0;

  /// Appends `entries` after last_index(). Preconditions: entries are
  /// non-empty, their indexes run last_index()+1, last_index()+2, ... and
  /// their terms are >= term_at(last_index()) and non-decreasing.
  virtual void append(std::vector<raft::entry> entries) = 0;

  /// Removes the entries with index >= `from`. Precondition:
  /// snapshot().index < from <= last_index() + 1 (the latter: no-op).
  virtual void truncate_suffix(raft::log_index from) = 0;

  /// Discards the entries with index <= meta.index and records `meta` as the
  /// new snapshot(). Preconditions: snapshot().index <= meta.index <=
  /// last_index() and meta.term == term_at(meta.index). `meta.config` is the
  /// configuration in force at meta.index (the caller knows it).
  virtual void compact_prefix(const raft::snapshot_meta& meta) = 0;

  /// Discards every entry and restarts the log after `meta` (a snapshot was
  /// installed): snapshot() == meta and last_index() == meta.index.
  virtual void reset(const raft::snapshot_meta& meta) = 0;

  /// Makes every staged write durable; returns once it is (for LMDB: one
  /// write transaction, one fsync). Throws store_error; after a throw, the
  /// staged writes remain staged and the durable state is unchanged.
  virtual void sync() = 0;
};

} // namespace gd::store
