#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "store/raft_log.hpp"

namespace gd::store {

struct lmdb_raft_log_options {
  /// Maximum size of the log file in bytes (the LMDB map size). An append
  /// beyond it makes sync() throw store_error(map_full); nothing is lost.
  std::size_t map_size = std::size_t{1} << 30;
  /// false: sync() does not flush to disk (tests and simulation only).
  bool durable = true;
};

/// A raft_log in an LMDB environment in one directory. Every entry is stored
/// with a checksum (XXH3-64 over index, term, type and data).
///
/// Opening verifies the whole log: an entry that fails its checksum or does
/// not parse, wherever it is, is corruption: the constructor throws
/// store_error(corrupt) naming the index and the directory, and the member
/// must not start. There is no "torn tail" to repair: an LMDB commit is
/// atomic, so a bad last entry is damage to an entry that may have been
/// acknowledged, and dropping it could lose a committed write. The operator
/// removes the member and adds it back empty (README, "A corrupt monitor").
///
/// All entries are also held in memory (the log is bounded by compaction),
/// so reads never touch LMDB; sync() writes the staged changes in one LMDB
/// write transaction.
class lmdb_raft_log final : public raft_log {
public:
  /// Opens the log in `dir`, creating an empty one if `dir` holds none.
  /// Precondition: `dir` exists.
  lmdb_raft_log(const std::string& dir, lmdb_raft_log_options opts = {});
  ~lmdb_raft_log() override;

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

  /// The id of the last committed LMDB write transaction in this log's
  /// environment: each sync() that wrote something adds exactly one (for
  /// tests of group commit).
  std::uint64_t last_txn_id() const;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace gd::store
