#pragma once

// Lets Boost.Test print our vocabulary types in failed assertions.

#include <ostream>

#include "actors/raft/node.hpp"
#include "test/support/status_printer.hpp"
#include "protocol/raft_types.hpp"

namespace gd::raft {

inline std::ostream& boost_test_print_type(std::ostream& os, entry_type t) {
  return os << to_string(t);
}

inline std::ostream& boost_test_print_type(std::ostream& os, role r) {
  return os << to_string(r);
}

inline std::ostream& boost_test_print_type(std::ostream& os, propose_errc e) {
  return os << to_string(e);
}

inline std::ostream& boost_test_print_type(std::ostream& os, message_type t) {
  return os << to_string(t);
}

inline std::ostream& boost_test_print_type(std::ostream& os, const entry& e) {
  return os << "{" << e.index << "/" << e.term << " " << to_string(e.type)
            << " '" << e.data << "'}";
}

} // namespace gd::raft

