#pragma once

// Rate limiting for log lines about things a peer can cause at will (bad
// input, refused connections): an attacker or a broken client must not be
// able to flood the log, yet the operator must learn that it happens and how
// often.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace gd::rpc {

/// Admits at most `burst` lines per `interval` (a fixed window) for one
/// kind of event; the first line admitted after lines were left out says
/// how many. Not thread-safe (one per KJ thread object).
class log_limiter {
public:
  using clock = std::chrono::steady_clock;

  /// 10 lines per 10 s.
  log_limiter() = default;

  log_limiter(std::size_t burst, clock::duration interval)
    : burst_(burst), interval_(interval) {
    // nop
  }

  /// `line` (with the count left out before it appended), or nothing if
  /// `burst` lines were admitted in the current window already.
  std::optional<std::string> admit(std::string line,
                                   clock::time_point now = clock::now()) {
    if (!started_ || now - window_start_ >= interval_) {
      started_ = true;
      window_start_ = now;
      admitted_ = 0;
    }
    if (admitted_ >= burst_) {
      ++left_out_;
      return std::nullopt;
    }
    ++admitted_;
    if (left_out_ > 0)
      line += " (and " + std::to_string(left_out_)
              + " more like it not logged before this one)";
    left_out_ = 0;
    return line;
  }

private:
  std::size_t burst_ = 10;
  clock::duration interval_ = std::chrono::seconds(10);
  bool started_ = false;
  clock::time_point window_start_{};
  std::size_t admitted_ = 0;
  std::uint64_t left_out_ = 0;
};

} // namespace gd::rpc
