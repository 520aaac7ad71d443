#pragma once

// The replicated state machine's store: a key-value store with etcd v3
// revision semantics and a watchable history, in one LMDB environment, plus
// the Raft position (last applied index and term) and the configuration as
// of that position. Applying entries and recording the applied position
// happen in one LMDB transaction, so a restart never applies an entry twice.

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "protocol/kv_types.hpp"
#include "protocol/raft_types.hpp"
#include "store/store_error.hpp"

namespace gd::store {

struct kv_store_options {
  /// Maximum size of the store in bytes (the LMDB map size). A write that
  /// would exceed it fails with store_errc::map_full and changes nothing.
  std::size_t map_size = std::size_t{1} << 30;
  /// true: every commit flushes the data pages (LMDB MDB_NOMETASYNC: the
  /// store stays intact on an OS crash, which may undo only the last commit;
  /// the Raft log replays it). false: no flush at all (tests and simulation
  /// only: an OS crash may corrupt the store).
  bool flush_commits = true;
};

/// Where the state machine stands.
struct applied_state {
  /// Every log entry through `index` (of term `term`) is applied.
  raft::log_index index = 0;
  raft::term_t term = 0;
  /// The current store revision (1 for an empty store).
  kv::revision revision = 1;
  /// History of revisions <= this is discarded (0: nothing discarded).
  kv::revision compact_revision = 0;
};

/// Events read from the history for a watch.
struct events_result {
  /// In revision order; for one revision, in the order they were written.
  std::vector<kv::event> events;
  /// Where to continue: every event of a revision < next_revision that
  /// matched the range has been returned.
  kv::revision next_revision = 0;
  /// True if the requested start revision is <= compact_revision: its history
  /// is gone and `events` is empty.
  bool compacted = false;
  kv::revision compact_revision = 0;
};

/// The state machine store in one directory.
///
/// One writer at a time (the state machine actor); reads may run from any
/// thread (LMDB MDB_NOTLS read transactions). Writes go through write_batch.
class kv_store {
public:
  class write_batch;

  /// Opens the store in `dir`, creating an empty one if `dir` holds none,
  /// and flushes it: everything applied() reports right after opening is
  /// durable. Precondition: `dir` exists. Throws store_error (bad_layout if
  /// `dir` holds a store of another format version).
  kv_store(const std::string& dir, const kv_store_options& opts);
  ~kv_store();
  kv_store(const kv_store&) = delete;
  kv_store& operator=(const kv_store&) = delete;

  /// The directory this store lives in.
  const std::string& dir() const;

  /// The position and revisions as of the last commit.
  applied_state applied() const;

  /// The ensemble configuration as of applied().index (empty if none was
  /// ever applied).
  raft::configuration config() const;

  /// Reads at the current revision.
  kv::range_result range(const kv::range_request& r) const;

  /// Returns at most about `max_events` events with revision >= `from` whose
  /// key is in `r` (a revision's events are never split). Precondition:
  /// from >= 1.
  events_result events(kv::revision from, const kv::key_range& r,
                       std::size_t max_events) const;

  /// Starts a write batch: one LMDB write transaction. At most one batch may
  /// be open at a time, and it must be used and committed on one thread.
  write_batch begin();

  /// Writes a consistent, compacted copy of the store (as of the last
  /// commit) into `target_dir`, which must exist and be empty, and fsyncs it.
  /// Returns the applied state the copy holds.
  applied_state copy_to(const std::string& target_dir) const;

  /// Forces everything committed so far onto disk (mdb_env_sync).
  void flush();

  /// True if a commit happened since the last flush (or the opening): an OS
  /// crash now may undo that last commit (MDB_NOMETASYNC keeps the one
  /// before it intact), so what applied() says is not durable yet.
  bool unflushed_commit() const;

  /// Bytes of the map in use, and the map size: for space checks.
  std::size_t used_bytes() const;
  std::size_t map_size() const;

  /// The longest key the store can hold, in bytes (LMDB's limit: 511). A
  /// put of a longer (or an empty) key throws store_error(precondition);
  /// reads and deletes of such keys find nothing.
  std::size_t max_key_size() const;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// Changes to a kv_store, applied all-or-nothing by commit(). Each put, del
/// and txn is one etcd "write": it bumps the revision once if it changes at
/// least one key, and all its changes share that revision. Reads through the
/// batch see its own writes. Destroying an uncommitted batch aborts it.
class kv_store::write_batch {
public:
  write_batch(write_batch&&) noexcept;
  ~write_batch();

  kv::put_result put(const kv::put_request& r);
  kv::delete_result del(const kv::delete_request& r);
  kv::txn_result txn(const kv::txn_request& r);
  /// Discards the history of revisions <= rev. Precondition:
  /// compact_revision < rev <= current revision.
  kv::compact_result compact(kv::revision rev);
  /// Dispatches to put, del, txn or compact.
  kv::write_result apply(const kv::write_request& r);
  kv::range_result range(const kv::range_request& r) const;

  /// Like kv_store::events(), but sees the batch's own writes.
  events_result events(kv::revision from, const kv::key_range& r,
                       std::size_t max_events) const;

  /// The applied position and revisions as of the batch's writes so far.
  applied_state applied() const;

  /// The revision as of the batch's writes so far.
  kv::revision revision() const;
  kv::revision compact_revision() const;

  /// Records the configuration in force (at the entry being applied).
  void set_config(const raft::configuration& c);

  /// Records that entries through `index` (of `term`) are applied.
  /// Precondition: index >= the previously recorded index.
  void set_applied(raft::log_index index, raft::term_t term);

  /// Commits the batch: durable per kv_store_options::flush_commits. Throws
  /// store_error (map_full: nothing of the batch is applied).
  void commit();

private:
  friend class kv_store;
  struct impl;
  explicit write_batch(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

/// The state machine directories under one root. `<root>/CURRENT` names the
/// live store directory (`state-<n>`); a snapshot from a peer is received
/// into `<root>/incoming/` and swapped in atomically, so a crash at any point
/// leaves either the old or the new store live, never a mix.
///
/// Before the first store exists CURRENT holds "none", so a store directory
/// without a CURRENT file is never mistaken for a leftover.
class state_root {
public:
  /// Uses `root`, creating it if missing, and removes leftovers of an
  /// interrupted install (directories that CURRENT does not name). Throws
  /// store_error(bad_layout), removing nothing, if CURRENT is unreadable,
  /// names a missing directory, or is missing while store directories exist.
  explicit state_root(std::string root);

  /// Opens the live store, creating an empty one on first use.
  std::unique_ptr<kv_store> open_current(const kv_store_options& opts);

  /// Returns an empty `<root>/incoming/` directory (emptied if it existed)
  /// to copy a snapshot's data.mdb into.
  std::string prepare_incoming();

  /// Makes `<root>/incoming/` the live store: checks that it opens as a
  /// kv_store, fsyncs it, writes CURRENT atomically (temp file, fsync,
  /// rename, fsync of the root), and removes the old store. Precondition: no
  /// kv_store of this root is open. Returns the installed store's applied
  /// state. Throws store_error (corrupt if incoming is not a valid store);
  /// on a throw the old store stays live.
  applied_state install_incoming(const kv_store_options& opts);

  /// As install_incoming(opts), for a snapshot announced as `announced`:
  /// also refuses (store_error(corrupt), the old store stays live) a store
  /// whose applied index or term differs from the announced ones, and
  /// records `announced.config` as the store's configuration before the
  /// commit point (the sender's store may hold an older one), so the live
  /// store always names the configuration in force at its applied index.
  applied_state install_incoming(const kv_store_options& opts,
                                 const raft::snapshot_meta& announced);

  const std::string& root() const { return root_; }

private:
  applied_state install(const kv_store_options& opts,
                        const raft::snapshot_meta* announced);

  std::string root_;
};

} // namespace gd::store
