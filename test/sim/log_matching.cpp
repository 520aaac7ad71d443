#include "test/sim/log_matching.hpp"

#include "store/checksum.hpp"

namespace gd::sim {

void record_durable(log_registry& r, const std::string& owner,
                    const store::memory_log_image& image) {
  auto prev = image.snapshot.term;
  for (const auto& e : image.entries) {
    log_registry::record rec;
    rec.payload_hash = store::xxh3_64(std::string(1, char(e.type)) + e.data);
    rec.prev_term = prev;
    auto [it, fresh] = r.seen.emplace(std::make_pair(e.index, e.term), rec);
    if (!fresh && (it->second.payload_hash != rec.payload_hash
                   || it->second.prev_term != rec.prev_term))
      r.violations.push_back("log matching: " + owner
                             + " holds a different entry at index "
                             + std::to_string(e.index) + " term "
                             + std::to_string(e.term)
                             + " than another member held there");
    prev = e.term;
  }
}

} // namespace gd::sim
