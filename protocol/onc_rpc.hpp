#pragma once

// ONC RPC version 2 (RFC 5531) as gluster speaks it on TCP: record marking
// (RFC 5531 section 11), call and reply headers, and the error replies a
// server sends. Pure: the caller owns the socket. Payloads here are record
// contents without the 4-byte fragment headers unless a name says "frame".

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>

#include "protocol/xdr.hpp"

namespace gd::onc {

// -- constants ----------------------------------------------------------------

/// Authentication flavors (RFC 5531 section 8.2, gluster's xdr-rpc.h).
inline constexpr std::uint32_t auth_none = 0;
inline constexpr std::uint32_t auth_unix = 1;
inline constexpr std::uint32_t auth_glusterfs = 5;
inline constexpr std::uint32_t auth_glusterfs_v2 = 390039;
inline constexpr std::uint32_t auth_glusterfs_v3 = 390040;

/// The largest credential or verifier body (RFC 5531 section 8.2).
inline constexpr std::size_t max_auth_bytes = 400;

/// accept_stat values of an accepted reply.
inline constexpr std::uint32_t accept_success = 0;
inline constexpr std::uint32_t accept_prog_unavail = 1;
inline constexpr std::uint32_t accept_prog_mismatch = 2;
inline constexpr std::uint32_t accept_proc_unavail = 3;
inline constexpr std::uint32_t accept_garbage_args = 4;
inline constexpr std::uint32_t accept_system_err = 5;

/// reject_stat values of a denied reply.
inline constexpr std::uint32_t reject_rpc_mismatch = 0;
inline constexpr std::uint32_t reject_auth_error = 1;

// -- record marking -----------------------------------------------------------

/// Splits a TCP byte stream into records, joining fragments. Never throws on
/// bad input: it enters a failed state instead, after which the connection
/// is useless and should be closed.
class record_reader {
public:
  static constexpr std::size_t default_max_record = 1024 * 1024;
  /// Consecutive empty non-last fragments tolerated within one record.
  static constexpr unsigned max_empty_fragments = 16;

  /// `max_record`: the largest record (all fragments together) accepted.
  explicit record_reader(std::size_t max_record = default_max_record)
    : max_record_(max_record) {}

  /// Consumes `size` bytes of the stream. Ignored once failed().
  void feed(const char* data, std::size_t size);

  /// Returns the oldest complete record not yet returned. Records completed
  /// before a failure are still returned; then std::nullopt.
  std::optional<std::string> next();

  bool failed() const { return !error_.empty(); }
  /// True if bytes of a record that is not complete yet were fed (a close
  /// now truncates a record).
  bool in_record() const {
    return header_have_ != 0 || body_left_ != 0 || !current_.empty();
  }
  /// Why the reader failed, e.g. "record of at least 1048577 bytes exceeds
  /// the 1048576-byte limit"; empty if it has not.
  const std::string& error() const { return error_; }

private:
  /// Handles a complete 4-byte fragment header.
  void start_fragment(std::uint32_t header);
  void finish_record();

  std::size_t max_record_;
  char header_[4] = {};
  std::size_t header_have_ = 0;
  /// Body bytes of the current fragment still to come; 0 between fragments.
  std::size_t body_left_ = 0;
  bool last_fragment_ = false;
  unsigned empty_fragments_ = 0;
  std::string current_;
  std::deque<std::string> complete_;
  std::string error_;
};

/// Returns `payload` as one record: a last-fragment header, then the bytes.
/// Throws std::length_error if payload exceeds 2^31 - 1 bytes.
std::string frame_record(const std::string& payload);

// -- messages -----------------------------------------------------------------

enum class msg_kind { call, reply };

/// Returns whether `record` is a CALL or a REPLY, from its second word.
/// Throws xdr::decode_error if it is shorter than 8 bytes or neither.
msg_kind kind_of(const std::string& record);

/// A decoded CALL. The verifier is checked for size and dropped.
struct call {
  std::uint32_t xid = 0;
  std::uint32_t prog = 0;
  std::uint32_t vers = 0;
  std::uint32_t proc = 0;
  std::uint32_t cred_flavor = auth_none;
  /// At most max_auth_bytes.
  std::string cred_body;
  /// The procedure's XDR arguments: the rest of the record.
  std::string args;
};

/// A CALL whose header decoded but names an RPC version other than 2. The
/// caller can answer it with reply_rpc_mismatch(xid()).
class rpc_mismatch_error : public xdr::decode_error {
public:
  rpc_mismatch_error(std::uint32_t xid, std::uint32_t rpcvers);
  std::uint32_t xid() const { return xid_; }

private:
  std::uint32_t xid_;
};

/// Decodes a CALL record. Throws rpc_mismatch_error for an rpcvers other
/// than 2, xdr::decode_error for anything else malformed (not a CALL, a
/// truncated header, a credential or verifier body over max_auth_bytes).
call parse_call(const std::string& record);

/// The parts of a REPLY we look at.
struct reply_header {
  std::uint32_t xid = 0;
  /// MSG_ACCEPTED (true) or MSG_DENIED (false).
  bool accepted = false;
  /// The accept_stat if accepted, else the reject_stat.
  std::uint32_t accept_stat = 0;
  /// The bytes after accept_stat or reject_stat: the procedure's results on
  /// success, the version range on a mismatch, the auth_stat on AUTH_ERROR.
  std::string results;
};

/// Decodes a REPLY record. Throws xdr::decode_error if it is not one.
reply_header parse_reply(const std::string& record);

// -- builders (unframed record payloads) --------------------------------------

/// Accepted, SUCCESS, AUTH_NONE verifier, followed by `results`.
std::string reply_success(std::uint32_t xid, const std::string& results);
std::string reply_prog_unavail(std::uint32_t xid);
/// PROG_MISMATCH with the supported version range [low, high].
std::string reply_prog_mismatch(std::uint32_t xid, std::uint32_t low,
                                std::uint32_t high);
std::string reply_proc_unavail(std::uint32_t xid);
std::string reply_garbage_args(std::uint32_t xid);
std::string reply_system_err(std::uint32_t xid);
/// MSG_DENIED, RPC_MISMATCH, supported versions [2, 2].
std::string reply_rpc_mismatch(std::uint32_t xid);

/// A CALL with AUTH_NONE credential and verifier, e.g. to a client's
/// callback program.
std::string make_call(std::uint32_t xid, std::uint32_t prog,
                      std::uint32_t vers, std::uint32_t proc,
                      const std::string& args);

} // namespace gd::onc
