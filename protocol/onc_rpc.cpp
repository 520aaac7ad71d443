#include "protocol/onc_rpc.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace gd::onc {

namespace {

constexpr std::uint32_t last_fragment_bit = 0x80000000u;
constexpr std::uint32_t fragment_length_mask = 0x7fffffffu;

constexpr std::uint32_t msg_call = 0;
constexpr std::uint32_t msg_reply = 1;
constexpr std::uint32_t rpc_version = 2;
constexpr std::uint32_t msg_accepted = 0;
constexpr std::uint32_t msg_denied = 1;

/// The first words of every accepted reply: xid, REPLY, MSG_ACCEPTED, an
/// AUTH_NONE verifier, and `stat`.
xdr::writer accepted(std::uint32_t xid, std::uint32_t stat) {
  xdr::writer w;
  w.put_u32(xid);
  w.put_u32(msg_reply);
  w.put_u32(msg_accepted);
  w.put_u32(auth_none);
  w.put_opaque({});
  w.put_u32(stat);
  return w;
}

/// Reads the msg_type word and checks it is `want`.
void expect_type(xdr::reader& r, std::uint32_t want) {
  auto type = r.get_u32("msg_type");
  if (type == want)
    return;
  if (type == msg_call || type == msg_reply)
    throw xdr::decode_error(std::string("expected a ")
                            + (want == msg_call ? "CALL" : "REPLY")
                            + ", got a "
                            + (type == msg_call ? "CALL" : "REPLY"));
  throw xdr::decode_error("msg_type " + std::to_string(type)
                          + " is neither CALL (0) nor REPLY (1)");
}

} // namespace

// -- record_reader ------------------------------------------------------------

void record_reader::feed(const char* data, std::size_t size) {
  while (size > 0 && !failed()) {
    if (body_left_ == 0) {
      auto n = std::min(size, sizeof(header_) - header_have_);
      std::copy(data, data + n, header_ + header_have_);
      header_have_ += n;
      data += n;
      size -= n;
      if (header_have_ < sizeof(header_))
        return;
      header_have_ = 0;
      auto h = reinterpret_cast<const unsigned char*>(header_);
      start_fragment(std::uint32_t{h[0]} << 24 | std::uint32_t{h[1]} << 16
                     | std::uint32_t{h[2]} << 8 | std::uint32_t{h[3]});
    } else {
      auto n = std::min(size, body_left_);
      current_.append(data, n);
      body_left_ -= n;
      data += n;
      size -= n;
      if (body_left_ == 0 && last_fragment_)
        finish_record();
    }
  }
}

void record_reader::start_fragment(std::uint32_t header) {
  std::size_t len = header & fragment_length_mask;
  last_fragment_ = (header & last_fragment_bit) != 0;
  // invariant: current_.size() <= max_record_, so no underflow.
  if (len > max_record_ - current_.size()) {
    error_ = "record of at least " + std::to_string(current_.size() + len)
             + " bytes exceeds the " + std::to_string(max_record_)
             + "-byte limit";
    return;
  }
  if (len == 0) {
    if (last_fragment_) {
      finish_record();
    } else if (++empty_fragments_ > max_empty_fragments) {
      error_ = std::to_string(empty_fragments_)
               + " empty non-last fragments in one record (limit "
               + std::to_string(max_empty_fragments) + ")";
    }
    return;
  }
  empty_fragments_ = 0;
  // why: len is bounded by max_record_ above, so reserving cannot be used to
  // make us allocate more than one record's worth.
  current_.reserve(current_.size() + len);
  body_left_ = len;
}

void record_reader::finish_record() {
  complete_.push_back(std::move(current_));
  current_.clear();
  empty_fragments_ = 0;
}

std::optional<std::string> record_reader::next() {
  if (complete_.empty())
    return std::nullopt;
  std::string r = std::move(complete_.front());
  complete_.pop_front();
  return r;
}

std::string frame_record(const std::string& payload) {
  if (payload.size() > fragment_length_mask)
    throw std::length_error("rpc record of " + std::to_string(payload.size())
                            + " bytes does not fit one fragment");
  xdr::writer w;
  w.put_u32(last_fragment_bit | static_cast<std::uint32_t>(payload.size()));
  return w.bytes() + payload;
}

// -- parsing ------------------------------------------------------------------

msg_kind kind_of(const std::string& record) {
  xdr::reader r(record);
  r.get_u32("xid");
  auto type = r.get_u32("msg_type");
  if (type == msg_call)
    return msg_kind::call;
  if (type == msg_reply)
    return msg_kind::reply;
  throw xdr::decode_error("msg_type " + std::to_string(type)
                          + " is neither CALL (0) nor REPLY (1)");
}

rpc_mismatch_error::rpc_mismatch_error(std::uint32_t xid,
                                       std::uint32_t rpcvers)
  : xdr::decode_error("rpc version " + std::to_string(rpcvers)
                      + " is not supported (only 2), xid "
                      + std::to_string(xid)),
    xid_(xid) {}

call parse_call(const std::string& record) {
  xdr::reader r(record);
  call c;
  c.xid = r.get_u32("xid");
  expect_type(r, msg_call);
  auto rpcvers = r.get_u32("rpcvers");
  c.prog = r.get_u32("prog");
  c.vers = r.get_u32("vers");
  c.proc = r.get_u32("proc");
  c.cred_flavor = r.get_u32("cred flavor");
  c.cred_body = r.get_opaque("cred body", max_auth_bytes);
  r.get_u32("verf flavor");
  r.skip_opaque("verf body", max_auth_bytes);
  // why: like gluster (which decodes the whole header before looking at the
  // version), report a bad version only for an otherwise well-formed header.
  if (rpcvers != rpc_version)
    throw rpc_mismatch_error(c.xid, rpcvers);
  c.args = record.substr(record.size() - r.remaining());
  return c;
}

reply_header parse_reply(const std::string& record) {
  xdr::reader r(record);
  reply_header h;
  h.xid = r.get_u32("xid");
  expect_type(r, msg_reply);
  auto stat = r.get_u32("reply_stat");
  if (stat == msg_accepted) {
    h.accepted = true;
    r.get_u32("verf flavor");
    r.skip_opaque("verf body", max_auth_bytes);
    h.accept_stat = r.get_u32("accept_stat");
  } else if (stat == msg_denied) {
    h.accepted = false;
    h.accept_stat = r.get_u32("reject_stat");
  } else {
    throw xdr::decode_error("reply_stat " + std::to_string(stat)
                            + " is neither MSG_ACCEPTED (0) nor MSG_DENIED (1)");
  }
  h.results = record.substr(record.size() - r.remaining());
  return h;
}

// -- builders -----------------------------------------------------------------

std::string reply_success(std::uint32_t xid, const std::string& results) {
  return accepted(xid, accept_success).bytes() + results;
}

std::string reply_prog_unavail(std::uint32_t xid) {
  return accepted(xid, accept_prog_unavail).bytes();
}

std::string reply_prog_mismatch(std::uint32_t xid, std::uint32_t low,
                                std::uint32_t high) {
  auto w = accepted(xid, accept_prog_mismatch);
  w.put_u32(low);
  w.put_u32(high);
  return w.bytes();
}

std::string reply_proc_unavail(std::uint32_t xid) {
  return accepted(xid, accept_proc_unavail).bytes();
}

std::string reply_garbage_args(std::uint32_t xid) {
  return accepted(xid, accept_garbage_args).bytes();
}

std::string reply_system_err(std::uint32_t xid) {
  return accepted(xid, accept_system_err).bytes();
}

std::string reply_rpc_mismatch(std::uint32_t xid) {
  xdr::writer w;
  w.put_u32(xid);
  w.put_u32(msg_reply);
  w.put_u32(msg_denied);
  w.put_u32(reject_rpc_mismatch);
  w.put_u32(rpc_version); // low
  w.put_u32(rpc_version); // high
  return w.bytes();
}

std::string make_call(std::uint32_t xid, std::uint32_t prog,
                      std::uint32_t vers, std::uint32_t proc,
                      const std::string& args) {
  xdr::writer w;
  w.put_u32(xid);
  w.put_u32(msg_call);
  w.put_u32(rpc_version);
  w.put_u32(prog);
  w.put_u32(vers);
  w.put_u32(proc);
  w.put_u32(auth_none); // credential
  w.put_opaque({});
  w.put_u32(auth_none); // verifier
  w.put_opaque({});
  return w.bytes() + args;
}

} // namespace gd::onc
