#include "protocol/xdr.hpp"

#include <cstdint>
#include <limits>

namespace gd::xdr {

namespace {

/// Bytes of zero padding after an item of `n` bytes.
std::size_t padding(std::size_t n) { return (4 - n % 4) % 4; }

std::string quoted(std::string_view what) {
  return "'" + std::string(what) + "'";
}

} // namespace

// -- writer -------------------------------------------------------------------

void writer::put_u32(std::uint32_t v) {
  char b[4] = {static_cast<char>(v >> 24), static_cast<char>(v >> 16),
               static_cast<char>(v >> 8), static_cast<char>(v)};
  buf_.append(b, 4);
}

void writer::put_i32(std::int32_t v) {
  put_u32(static_cast<std::uint32_t>(v));
}

void writer::put_u64(std::uint64_t v) {
  put_u32(static_cast<std::uint32_t>(v >> 32));
  put_u32(static_cast<std::uint32_t>(v));
}

void writer::put_bool(bool v) { put_u32(v ? 1 : 0); }

void writer::put_opaque(std::string_view data) {
  if (data.size() > std::numeric_limits<std::uint32_t>::max())
    throw std::length_error("xdr: opaque of " + std::to_string(data.size())
                            + " bytes does not fit a 32-bit length");
  put_u32(static_cast<std::uint32_t>(data.size()));
  put_fixed_opaque(data);
}

void writer::put_string(std::string_view s) { put_opaque(s); }

void writer::put_fixed_opaque(std::string_view data) {
  buf_.append(data.data(), data.size());
  pad(data.size());
}

void writer::pad(std::size_t n) { buf_.append(padding(n), '\0'); }

// -- reader -------------------------------------------------------------------

decode_error reader::truncated(std::size_t needed,
                               std::string_view what) const {
  return decode_error("truncated: needed " + std::to_string(needed)
                      + " bytes for " + quoted(what) + ", "
                      + std::to_string(left_) + " left");
}

const char* reader::take(std::size_t n, std::string_view what) {
  if (n > left_)
    throw truncated(n, what);
  const char* at = p_;
  p_ += n;
  left_ -= n;
  return at;
}

std::uint32_t reader::get_u32(std::string_view what) {
  auto b = reinterpret_cast<const unsigned char*>(take(4, what));
  return std::uint32_t{b[0]} << 24 | std::uint32_t{b[1]} << 16
         | std::uint32_t{b[2]} << 8 | std::uint32_t{b[3]};
}

std::int32_t reader::get_i32(std::string_view what) {
  return static_cast<std::int32_t>(get_u32(what));
}

std::uint64_t reader::get_u64(std::string_view what) {
  std::uint64_t hi = get_u32(what);
  return hi << 32 | get_u32(what);
}

bool reader::get_bool(std::string_view what) {
  auto v = get_u32(what);
  if (v > 1)
    throw decode_error("bool " + quoted(what) + ": " + std::to_string(v)
                       + " is neither 0 nor 1");
  return v == 1;
}

std::size_t reader::get_length(std::string_view kind, std::string_view what,
                               std::size_t max_len) {
  std::uint32_t len = get_u32(what);
  if (len > max_len)
    throw decode_error(std::string(kind) + " " + quoted(what) + ": length "
                       + std::to_string(len) + " exceeds the "
                       + std::to_string(max_len) + "-byte limit");
  return len;
}

std::string_view reader::take_padded(std::size_t len, std::string_view what) {
  // why: RFC 4506 wants zero padding, but glibc's xdr_opaque (which gluster
  // decodes with) only requires the padding bytes to be present, not zero.
  std::size_t pad = padding(len);
  if (len > left_ || pad > left_ - len)
    throw truncated(len <= SIZE_MAX - pad ? len + pad : len, what);
  return {take(len + pad, what), len};
}

std::string reader::get_string(std::string_view what, std::size_t max_len) {
  auto len = get_length("string", what, max_len);
  auto s = take_padded(len, what);
  if (s.find('\0') != std::string_view::npos)
    throw decode_error("string " + quoted(what) + ": contains a NUL byte at "
                       + std::to_string(s.find('\0')));
  return std::string(s);
}

std::string reader::get_opaque(std::string_view what, std::size_t max_len) {
  auto len = get_length("opaque", what, max_len);
  return std::string(take_padded(len, what));
}

void reader::skip_opaque(std::string_view what, std::size_t max_len) {
  take_padded(get_length("opaque", what, max_len), what);
}

std::string reader::get_fixed_opaque(std::string_view what, std::size_t n) {
  return std::string(take_padded(n, what));
}

} // namespace gd::xdr
