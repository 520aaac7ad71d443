#pragma once

// Lets Boost.Test print gd::status_code in failed assertions.

#include <ostream>

#include "protocol/status.hpp"

namespace gd {

inline std::ostream& boost_test_print_type(std::ostream& os, status_code c) {
  return os << to_string(c);
}

} // namespace gd
