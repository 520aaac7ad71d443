#pragma once

#include <cstdint>

namespace gd::sim {

/// The simulation's only source of randomness: splitmix64, fully determined
/// by its seed and identical on every platform (unlike std::uniform_*).
class sim_random {
public:
  explicit sim_random(std::uint64_t seed) : state_(seed) {
    // nop
  }

  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  /// Uniform in [0, n). Precondition: n > 0.
  std::uint64_t below(std::uint64_t n) { return next() % n; }

  /// Uniform in [lo, hi]. Precondition: lo <= hi.
  std::int64_t between(std::int64_t lo, std::int64_t hi) {
    return lo + static_cast<std::int64_t>(
             below(static_cast<std::uint64_t>(hi - lo) + 1));
  }

  /// True with probability p.
  bool chance(double p) {
    return static_cast<double>(next() >> 11) * 0x1.0p-53 < p;
  }

private:
  std::uint64_t state_;
};

} // namespace gd::sim
