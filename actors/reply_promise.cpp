#include "actors/reply_promise.hpp"

namespace gd {

namespace {

std::atomic<std::uint64_t> broken{0};

} // namespace

std::uint64_t broken_promises() {
  return broken.load(std::memory_order_relaxed);
}

namespace detail {

void count_broken_promise() {
  broken.fetch_add(1, std::memory_order_relaxed);
}

} // namespace detail

} // namespace gd
