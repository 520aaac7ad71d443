#include "cmd/glsim/checkin_tally.hpp"

#include <algorithm>

namespace gd::glsim {

namespace {

/// `error` with each run of digits, dots and colons replaced by '#'.
std::string kind_of(const std::string& error) {
  std::string kind;
  bool in_number = false;
  for (char c : error) {
    bool digit = (c >= '0' && c <= '9') || c == '.' || c == ':';
    if (digit) {
      if (!in_number)
        kind += '#';
      in_number = true;
      continue;
    }
    in_number = false;
    kind += c;
  }
  if (kind.size() > 160)
    kind.resize(160);
  return kind;
}

} // namespace

checkin_tally::checkin_tally(std::vector<std::string> monitors,
                             std::size_t servers)
  : monitors_(std::move(monitors)),
    accepted_(monitors_.size(), 0),
    last_(servers),
    first_(servers) {
  // nop
}

void checkin_tally::record(std::size_t i, const node::checkin_outcome& o) {
  if (!o.accepted) {
    // why: a monitor that answered names itself even when it refuses.
    if (o.monitor_name.empty())
      ++lost_;
    else
      ++refused_;
    auto kind = kind_of(o.error);
    if (errors_.size() < 100 || errors_.count(kind))
      ++errors_[kind];
    return;
  }
  for (std::size_t m = 0; m < monitors_.size(); ++m)
    if (o.monitor_address == monitors_[m])
      ++accepted_[m];
  auto now = clock::now();
  last_[i] = now;
  if (marked_ && !first_[i])
    first_[i] = now;
}

std::uint64_t checkin_tally::accepted_total() const {
  std::uint64_t n = 0;
  for (auto a : accepted_)
    n += a;
  return n;
}

void checkin_tally::mark() {
  marked_ = true;
  std::fill(first_.begin(), first_.end(), std::nullopt);
}

std::vector<std::string> checkin_tally::top_errors(std::size_t n) const {
  std::vector<std::pair<std::uint64_t, std::string>> by_count;
  for (const auto& [kind, count] : errors_)
    by_count.emplace_back(count, kind);
  std::sort(by_count.rbegin(), by_count.rend());
  std::vector<std::string> out;
  for (std::size_t k = 0; k < by_count.size() && k < n; ++k)
    out.push_back("x" + std::to_string(by_count[k].first) + ": "
                  + by_count[k].second);
  return out;
}

} // namespace gd::glsim
