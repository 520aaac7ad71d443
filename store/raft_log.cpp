#include "store/raft_log.hpp"

#include "store/raft_log_checks.hpp"
#include "store/store_error.hpp"

namespace gd::store {

namespace detail {

namespace {

std::string str(std::uint64_t x) {
  return std::to_string(x);
}

} // namespace

void precondition_failed(const std::string& who, const std::string& what) {
  throw store_error(store_errc::precondition, who + ": " + what);
}

void check_term_at(const raft_log& log, const std::string& who,
                   raft::log_index i) {
  if (i < log.snapshot().index || i > log.last_index())
    precondition_failed(who, "term_at(" + str(i) + ") is outside ["
                               + str(log.snapshot().index) + ", "
                               + str(log.last_index()) + "]");
}

void check_at(const raft_log& log, const std::string& who,
              raft::log_index i) {
  if (i < log.first_index() || i > log.last_index())
    precondition_failed(who, "at(" + str(i) + ") is outside ["
                               + str(log.first_index()) + ", "
                               + str(log.last_index()) + "]");
}

void check_append(const raft_log& log, const std::string& who,
                  const std::vector<raft::entry>& entries) {
  if (entries.empty())
    precondition_failed(who, "append of no entries");
  auto expected = log.last_index() + 1;
  auto prev_term = log.term_at(log.last_index());
  for (const auto& e : entries) {
    if (e.index != expected)
      precondition_failed(who, "append: entry index " + str(e.index)
                                 + " where " + str(expected)
                                 + " was expected");
    if (e.term < prev_term)
      precondition_failed(who, "append: entry " + str(e.index)
                                 + " has term " + str(e.term)
                                 + ", lower than the term "
                                 + str(prev_term) + " before it");
    ++expected;
    prev_term = e.term;
  }
}

void check_truncate_suffix(const raft_log& log, const std::string& who,
                           raft::log_index from) {
  if (from <= log.snapshot().index || from > log.last_index() + 1)
    precondition_failed(who, "truncate_suffix(" + str(from)
                               + ") is outside ["
                               + str(log.snapshot().index + 1) + ", "
                               + str(log.last_index() + 1) + "]");
}

void check_compact_prefix(const raft_log& log, const std::string& who,
                          const raft::snapshot_meta& meta) {
  if (meta.index < log.snapshot().index || meta.index > log.last_index())
    precondition_failed(who, "compact_prefix to index " + str(meta.index)
                               + " is outside ["
                               + str(log.snapshot().index) + ", "
                               + str(log.last_index()) + "]");
  auto t = log.term_at(meta.index);
  if (meta.term != t)
    precondition_failed(who, "compact_prefix to index " + str(meta.index)
                               + " with term " + str(meta.term)
                               + ", but the entry there has term "
                               + str(t));
}

} // namespace detail

std::vector<raft::entry> raft_log::slice(raft::log_index lo,
                                         raft::log_index hi,
                                         std::size_t max_bytes) const {
  if (lo < first_index() || lo > hi || hi > last_index())
    detail::precondition_failed(
      "raft log", "slice(" + std::to_string(lo) + ", " + std::to_string(hi)
                    + ") is not within [" + std::to_string(first_index())
                    + ", " + std::to_string(last_index()) + "]");
  std::vector<raft::entry> out;
  std::size_t bytes = 0;
  for (auto i = lo; i <= hi; ++i) {
    const auto& e = at(i);
    // why: like etcd's limitSize, the result never exceeds max_bytes except
    // when its first entry alone does (progress is always possible).
    if (!out.empty() && bytes + e.data.size() > max_bytes)
      break;
    bytes += e.data.size();
    out.push_back(e);
  }
  return out;
}

} // namespace gd::store
