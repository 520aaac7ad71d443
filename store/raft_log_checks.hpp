#pragma once

// The precondition checks of the raft_log contract, shared by its
// implementations so that every one rejects the same calls with the same
// words. Each throws store_error(precondition); `who` names the log in the
// message ("memory raft log", "raft log /var/gd/raft"). Internal to store/.

#include <string>
#include <vector>

#include "store/raft_log.hpp"

namespace gd::store::detail {

/// Throws store_error(precondition) with "<who>: <what>".
[[noreturn]] void precondition_failed(const std::string& who,
                                      const std::string& what);

/// term_at(i): snapshot().index <= i <= last_index().
void check_term_at(const raft_log& log, const std::string& who,
                   raft::log_index i);

/// at(i): first_index() <= i <= last_index().
void check_at(const raft_log& log, const std::string& who,
              raft::log_index i);

/// append(entries): non-empty, consecutive from last_index() + 1, terms
/// non-decreasing from term_at(last_index()).
void check_append(const raft_log& log, const std::string& who,
                  const std::vector<raft::entry>& entries);

/// truncate_suffix(from): snapshot().index < from <= last_index() + 1.
void check_truncate_suffix(const raft_log& log, const std::string& who,
                           raft::log_index from);

/// compact_prefix(meta): snapshot().index <= meta.index <= last_index() and
/// meta.term == term_at(meta.index).
void check_compact_prefix(const raft_log& log, const std::string& who,
                          const raft::snapshot_meta& meta);

} // namespace gd::store::detail
