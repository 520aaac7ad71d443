#pragma once

// Tallies the check-ins of a simulated fleet as their outcomes arrive (the
// observer of every sim_agent): accepted ones per monitor, failed ones by
// kind of error, and per server the last accepted one and the first since
// a mark (e.g. a monitor kill). KJ thread only.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "actors/node/checkin_client.hpp"

namespace gd::glsim {

class checkin_tally {
public:
  using clock = std::chrono::steady_clock;

  /// `monitors`: HOST:PORT of the monitors, in the order accepted() uses.
  checkin_tally(std::vector<std::string> monitors, std::size_t servers);

  /// Records the outcome `o` of a check-in of server `i`.
  void record(std::size_t i, const node::checkin_outcome& o);

  /// Accepted check-ins so far, per monitor.
  const std::vector<std::uint64_t>& accepted() const { return accepted_; }
  std::uint64_t accepted_total() const;
  /// Check-ins no monitor answered in time.
  std::uint64_t lost() const { return lost_; }
  /// Check-ins a monitor answered with a refusal.
  std::uint64_t refused() const { return refused_; }

  /// Server i's last accepted check-in, if any.
  std::optional<clock::time_point> last_accepted(std::size_t i) const {
    return last_[i];
  }

  /// From now on, remembers each server's first accepted check-in.
  void mark();
  /// Server i's first accepted check-in since mark(), if any.
  std::optional<clock::time_point> first_since_mark(std::size_t i) const {
    return first_[i];
  }

  /// The `n` commonest errors of failed check-ins, each as "xCOUNT: TEXT"
  /// with the addresses and numbers of TEXT replaced by '#'.
  std::vector<std::string> top_errors(std::size_t n) const;

private:
  std::vector<std::string> monitors_;
  std::vector<std::uint64_t> accepted_;
  std::uint64_t lost_ = 0;
  std::uint64_t refused_ = 0;
  std::vector<std::optional<clock::time_point>> last_;
  bool marked_ = false;
  std::vector<std::optional<clock::time_point>> first_;
  /// At most 100 kinds (later new kinds are not counted).
  std::map<std::string, std::uint64_t> errors_;
};

} // namespace gd::glsim
