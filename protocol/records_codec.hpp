#pragma once

// Encodes and decodes the durable records of records.capnp to and from bytes.
// Callers need no Cap'n Proto headers; see records_capnp.hpp for the
// builder/reader level used by the RPC layer.

#include <stdexcept>
#include <string>
#include <string_view>

#include "protocol/kv_types.hpp"
#include "protocol/raft_types.hpp"

namespace gd::proto {

/// Thrown when bytes are not a valid record. what() names the record kind and
/// what is wrong with it, e.g. "command record: unknown compare target 7".
class decode_error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// Returns the bytes of a `Configuration` record.
std::string encode_configuration(const raft::configuration& c);

/// Parses a `Configuration` record. Throws decode_error if `bytes` is not one.
raft::configuration decode_configuration(std::string_view bytes);

/// Returns the bytes of a `Command` record.
std::string encode_write_request(const kv::write_request& r);

/// Parses a `Command` record. Throws decode_error if `bytes` is not one.
kv::write_request decode_write_request(std::string_view bytes);

} // namespace gd::proto
