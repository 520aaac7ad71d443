#include "protocol/status.hpp"

namespace gd {

const char* to_string(status_code c) {
  switch (c) {
    case status_code::ok:
      return "ok";
    case status_code::not_leader:
      return "not_leader";
    case status_code::invalid:
      return "invalid";
    case status_code::no_quorum:
      return "no_quorum";
    case status_code::unknown_outcome:
      return "unknown_outcome";
    case status_code::timeout:
      return "timeout";
    case status_code::compacted:
      return "compacted";
    case status_code::busy:
      return "busy";
    case status_code::no_space:
      return "no_space";
    case status_code::failed:
      return "failed";
    case status_code::not_found:
      return "not_found";
    case status_code::exists:
      return "exists";
  }
  return "unknown";
}

bool nothing_changed(status_code c) {
  switch (c) {
    case status_code::unknown_outcome:
    case status_code::failed:
      return false;
    default:
      return true;
  }
}

} // namespace gd
