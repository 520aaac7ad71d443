#include "protocol/gluster_programs.hpp"

#include <limits>
#include <stdexcept>
#include <utility>

#include "protocol/xdr.hpp"

namespace gd::onc {

// why (for every decode below): gluster's xdr_to_generic returns how many
// bytes the struct used and never looks at what follows, so neither do we.

// -- handshake ----------------------------------------------------------------

gf_getspec_req gf_getspec_req::decode(const std::string& args) {
  xdr::reader r(args);
  gf_getspec_req m;
  m.flags = r.get_u32("flags");
  m.key = r.get_string("key", max_field_bytes);
  m.xdata = r.get_opaque("xdata", max_field_bytes);
  return m;
}

std::string gf_getspec_req::encode() const {
  xdr::writer w;
  w.put_u32(flags);
  w.put_string(key);
  w.put_opaque(xdata);
  return w.bytes();
}

gf_getspec_rsp gf_getspec_rsp::found(std::string spec, std::string xdata) {
  if (spec.size() > static_cast<std::size_t>(
        std::numeric_limits<std::int32_t>::max()))
    throw std::invalid_argument("volfile of " + std::to_string(spec.size())
                                + " bytes: op_ret cannot carry its length");
  gf_getspec_rsp m;
  m.op_ret = static_cast<std::int32_t>(spec.size());
  m.spec = std::move(spec);
  m.xdata = std::move(xdata);
  return m;
}

std::string gf_getspec_rsp::encode() const {
  if (op_ret >= 0 && static_cast<std::size_t>(op_ret) != spec.size())
    throw std::invalid_argument("gf_getspec_rsp: op_ret "
                                + std::to_string(op_ret)
                                + " must be the volfile length "
                                + std::to_string(spec.size()));
  xdr::writer w;
  w.put_i32(op_ret);
  w.put_i32(op_errno);
  w.put_string(spec);
  w.put_opaque(xdata);
  return w.bytes();
}

gf_event_notify_req gf_event_notify_req::decode(const std::string& args) {
  xdr::reader r(args);
  gf_event_notify_req m;
  m.op = r.get_i32("op");
  m.dict = r.get_opaque("dict", max_field_bytes);
  return m;
}

std::string gf_event_notify_req::encode() const {
  xdr::writer w;
  w.put_i32(op);
  w.put_opaque(dict);
  return w.bytes();
}

gf_event_notify_rsp gf_event_notify_rsp::decode(const std::string& results) {
  xdr::reader r(results);
  gf_event_notify_rsp m;
  m.op_ret = r.get_i32("op_ret");
  m.op_errno = r.get_i32("op_errno");
  m.dict = r.get_opaque("dict", max_field_bytes);
  return m;
}

std::string gf_event_notify_rsp::encode() const {
  xdr::writer w;
  w.put_i32(op_ret);
  w.put_i32(op_errno);
  w.put_opaque(dict);
  return w.bytes();
}

gf_common_rsp gf_common_rsp::decode(const std::string& results) {
  xdr::reader r(results);
  gf_common_rsp m;
  m.op_ret = r.get_i32("op_ret");
  m.op_errno = r.get_i32("op_errno");
  m.xdata = r.get_opaque("xdata", max_field_bytes);
  return m;
}

std::string gf_common_rsp::encode() const {
  xdr::writer w;
  w.put_i32(op_ret);
  w.put_i32(op_errno);
  w.put_opaque(xdata);
  return w.bytes();
}

// -- dump ---------------------------------------------------------------------

gf_dump_req gf_dump_req::decode(const std::string& args) {
  xdr::reader r(args);
  gf_dump_req m;
  m.gfs_id = r.get_u64("gfs_id");
  return m;
}

std::string gf_dump_req::encode() const {
  xdr::writer w;
  w.put_u64(gfs_id);
  return w.bytes();
}

gf_dump_rsp gf_dump_rsp::decode(const std::string& results) {
  xdr::reader r(results);
  gf_dump_rsp m;
  m.gfs_id = r.get_u64("gfs_id");
  m.op_ret = r.get_i32("op_ret");
  m.op_errno = r.get_i32("op_errno");
  while (r.get_bool("prog present")) {
    if (m.progs.size() == max_progs)
      throw xdr::decode_error("gf_dump_rsp: more than "
                              + std::to_string(max_progs) + " programs");
    gf_prog_detail p;
    p.progname = r.get_string("progname", max_field_bytes);
    p.prognum = r.get_u64("prognum");
    p.progver = r.get_u64("progver");
    m.progs.push_back(std::move(p));
  }
  return m;
}

std::string gf_dump_rsp::encode() const {
  xdr::writer w;
  w.put_u64(gfs_id);
  w.put_i32(op_ret);
  w.put_i32(op_errno);
  // why: `struct gf_prog_detail *next` is XDR optional-data, so the list is
  // "TRUE element TRUE element ... FALSE".
  for (const auto& p : progs) {
    w.put_bool(true);
    w.put_string(p.progname);
    w.put_u64(p.prognum);
    w.put_u64(p.progver);
  }
  w.put_bool(false);
  return w.bytes();
}

// -- portmap ------------------------------------------------------------------

pmap_port_by_brick_req pmap_port_by_brick_req::decode(
  const std::string& args) {
  xdr::reader r(args);
  pmap_port_by_brick_req m;
  m.brick = r.get_string("brick", max_field_bytes);
  return m;
}

std::string pmap_port_by_brick_req::encode() const {
  xdr::writer w;
  w.put_string(brick);
  return w.bytes();
}

pmap_port_by_brick_rsp pmap_port_by_brick_rsp::decode(
  const std::string& results) {
  xdr::reader r(results);
  pmap_port_by_brick_rsp m;
  m.op_ret = r.get_i32("op_ret");
  m.op_errno = r.get_i32("op_errno");
  m.status = r.get_i32("status");
  m.port = r.get_i32("port");
  return m;
}

std::string pmap_port_by_brick_rsp::encode() const {
  xdr::writer w;
  w.put_i32(op_ret);
  w.put_i32(op_errno);
  w.put_i32(status);
  w.put_i32(port);
  return w.bytes();
}

pmap_brick_by_port_req pmap_brick_by_port_req::decode(
  const std::string& args) {
  xdr::reader r(args);
  pmap_brick_by_port_req m;
  m.port = r.get_i32("port");
  return m;
}

std::string pmap_brick_by_port_req::encode() const {
  xdr::writer w;
  w.put_i32(port);
  return w.bytes();
}

pmap_brick_by_port_rsp pmap_brick_by_port_rsp::decode(
  const std::string& results) {
  xdr::reader r(results);
  pmap_brick_by_port_rsp m;
  m.op_ret = r.get_i32("op_ret");
  m.op_errno = r.get_i32("op_errno");
  m.status = r.get_i32("status");
  m.brick = r.get_string("brick", max_field_bytes);
  return m;
}

std::string pmap_brick_by_port_rsp::encode() const {
  xdr::writer w;
  w.put_i32(op_ret);
  w.put_i32(op_errno);
  w.put_i32(status);
  w.put_string(brick);
  return w.bytes();
}

pmap_signin_req pmap_signin_req::decode(const std::string& args) {
  xdr::reader r(args);
  pmap_signin_req m;
  m.brick = r.get_string("brick", max_field_bytes);
  m.port = r.get_i32("port");
  m.pid = r.get_i32("pid");
  return m;
}

std::string pmap_signin_req::encode() const {
  xdr::writer w;
  w.put_string(brick);
  w.put_i32(port);
  w.put_i32(pid);
  return w.bytes();
}

pmap_signin_rsp pmap_signin_rsp::decode(const std::string& results) {
  xdr::reader r(results);
  pmap_signin_rsp m;
  m.op_ret = r.get_i32("op_ret");
  m.op_errno = r.get_i32("op_errno");
  return m;
}

std::string pmap_signin_rsp::encode() const {
  xdr::writer w;
  w.put_i32(op_ret);
  w.put_i32(op_errno);
  return w.bytes();
}

pmap_signout_req pmap_signout_req::decode(const std::string& args) {
  xdr::reader r(args);
  pmap_signout_req m;
  m.brick = r.get_string("brick", max_field_bytes);
  m.port = r.get_i32("port");
  m.rdma_port = r.get_i32("rdma_port");
  return m;
}

std::string pmap_signout_req::encode() const {
  xdr::writer w;
  w.put_string(brick);
  w.put_i32(port);
  w.put_i32(rdma_port);
  return w.bytes();
}

pmap_signout_rsp pmap_signout_rsp::decode(const std::string& results) {
  xdr::reader r(results);
  pmap_signout_rsp m;
  m.op_ret = r.get_i32("op_ret");
  m.op_errno = r.get_i32("op_errno");
  return m;
}

std::string pmap_signout_rsp::encode() const {
  xdr::writer w;
  w.put_i32(op_ret);
  w.put_i32(op_errno);
  return w.bytes();
}

// -- gluster dicts ------------------------------------------------------------

namespace {

/// Reads a big-endian word of a dict; dict fields are not XDR-padded.
std::uint32_t dict_word(const std::string& b, std::size_t& at,
                        const std::string& what) {
  if (b.size() - at < 4)
    throw xdr::decode_error("dict: truncated: needed 4 bytes for " + what
                            + ", " + std::to_string(b.size() - at)
                            + " left");
  auto u = reinterpret_cast<const unsigned char*>(b.data() + at);
  at += 4;
  return std::uint32_t{u[0]} << 24 | std::uint32_t{u[1]} << 16
         | std::uint32_t{u[2]} << 8 | std::uint32_t{u[3]};
}

/// Checks a key or value length word against the limit.
std::size_t dict_length(std::uint32_t len, const std::string& what) {
  if (len > max_field_bytes)
    throw xdr::decode_error("dict: " + what + ": length "
                            + std::to_string(len) + " exceeds the "
                            + std::to_string(max_field_bytes)
                            + "-byte limit");
  return len;
}

void put_word(std::string& out, std::uint32_t v) {
  out += static_cast<char>(v >> 24);
  out += static_cast<char>(v >> 16);
  out += static_cast<char>(v >> 8);
  out += static_cast<char>(v);
}

} // namespace

std::map<std::string, std::string> decode_gluster_dict(
  const std::string& bytes) {
  std::map<std::string, std::string> out;
  if (bytes.empty())
    return out;
  std::size_t at = 0;
  std::uint32_t count = dict_word(bytes, at, "'count'");
  // why: an entry takes at least 9 bytes (two lengths and the key's NUL);
  // refusing impossible counts up front bounds the loop by the input.
  if (count > (bytes.size() - at) / 9)
    throw xdr::decode_error("dict: " + std::to_string(count)
                            + " entries cannot fit in "
                            + std::to_string(bytes.size() - at) + " bytes");
  for (std::uint32_t i = 0; i < count; ++i) {
    std::string entry = "entry " + std::to_string(i);
    auto keylen = dict_length(dict_word(bytes, at, entry + " key length"),
                              entry + " key");
    auto vallen = dict_length(dict_word(bytes, at, entry + " value length"),
                              entry + " value");
    if (bytes.size() - at < keylen + 1 + vallen)
      throw xdr::decode_error("dict: truncated: " + entry + " needs "
                              + std::to_string(keylen + 1 + vallen)
                              + " bytes, " + std::to_string(bytes.size() - at)
                              + " left");
    std::string key = bytes.substr(at, keylen);
    at += keylen;
    if (key.find('\0') != std::string::npos)
      throw xdr::decode_error("dict: " + entry + " key contains a NUL byte");
    if (bytes[at] != '\0')
      throw xdr::decode_error("dict: " + entry + " key '" + key
                              + "' is not NUL-terminated");
    ++at;
    std::string value = bytes.substr(at, vallen);
    at += vallen;
    if (!value.empty() && value.back() == '\0')
      value.pop_back();
    if (!out.emplace(key, std::move(value)).second)
      throw xdr::decode_error("dict: key '" + key + "' appears twice");
  }
  return out;
}

std::string encode_gluster_dict(
  const std::map<std::string, std::string>& dict) {
  std::string out;
  put_word(out, static_cast<std::uint32_t>(dict.size()));
  for (const auto& [key, value] : dict) {
    if (key.find('\0') != std::string::npos)
      throw std::invalid_argument("gluster dict key contains a NUL byte");
    if (key.size() > max_field_bytes || value.size() >= max_field_bytes)
      throw std::invalid_argument("gluster dict entry '" + key.substr(0, 64)
                                  + "' is over the "
                                  + std::to_string(max_field_bytes)
                                  + "-byte limit");
    put_word(out, static_cast<std::uint32_t>(key.size()));
    put_word(out, static_cast<std::uint32_t>(value.size() + 1));
    out += key;
    out += '\0';
    out += value;
    out += '\0';
  }
  return out;
}

} // namespace gd::onc
