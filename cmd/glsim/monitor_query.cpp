#include "cmd/glsim/monitor_query.hpp"

#include <thread>

#include "cmd/client/address.hpp"

namespace gd::glsim {

std::optional<client::monitor_status>
monitor_status_of(const std::string& address, std::chrono::milliseconds timeout,
                  std::string& error) {
  try {
    client::connection_options o;
    o.connect_timeout = timeout;
    o.call_timeout = timeout;
    client::connection c(client::parse_address(address), o);
    auto st = c.status();
    if (!st.ok()) {
      error = address + ": " + st.st.message;
      return std::nullopt;
    }
    return st.value;
  } catch (const std::exception& e) {
    error = e.what();
    return std::nullopt;
  }
}

std::optional<std::size_t> find_leader(const std::vector<std::string>& addresses,
                                       std::chrono::milliseconds timeout,
                                       std::string& error) {
  for (std::size_t i = 0; i < addresses.size(); ++i) {
    auto st = monitor_status_of(addresses[i], timeout, error);
    if (st && st->role == "leader")
      return i;
  }
  return std::nullopt;
}

std::optional<std::size_t> wait_for_leader(
  const std::vector<std::string>& addresses, std::chrono::milliseconds patience,
  std::string& error) {
  auto deadline = std::chrono::steady_clock::now() + patience;
  for (;;) {
    if (auto i = find_leader(addresses, std::chrono::milliseconds(2000), error))
      return i;
    if (std::chrono::steady_clock::now() >= deadline)
      return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

} // namespace gd::glsim
