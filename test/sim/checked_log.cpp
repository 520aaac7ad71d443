#include "test/sim/checked_log.hpp"

#include "store/checksum.hpp"

namespace gd::sim {

checked_log::checked_log(std::unique_ptr<store::memory_raft_log> inner,
                         std::shared_ptr<log_registry> registry,
                         std::string owner)
  : inner_(std::move(inner)),
    registry_(std::move(registry)),
    owner_(std::move(owner)) {
  // nop
}

void checked_log::append(std::vector<raft::entry> entries) {
  if (!entries.empty()) {
    auto prev = inner_->term_at(inner_->last_index());
    for (const auto& e : entries) {
      log_registry::record r;
      r.payload_hash = store::xxh3_64(std::string(1, char(e.type)) + e.data);
      r.prev_term = prev;
      auto [it, fresh] = registry_->seen.emplace(std::make_pair(e.index, e.term),
                                                 r);
      if (!fresh && (it->second.payload_hash != r.payload_hash
                     || it->second.prev_term != r.prev_term))
        registry_->violations.push_back(
          "log matching: " + owner_ + " appends a different entry at index "
          + std::to_string(e.index) + " term " + std::to_string(e.term)
          + " than another member held there");
      prev = e.term;
    }
  }
  inner_->append(std::move(entries));
}

} // namespace gd::sim
