#pragma once

// XDR (RFC 4506), the subset gluster's ONC RPC programs use: 32- and 64-bit
// integers, booleans, strings and opaques, big-endian, every item padded to
// a multiple of 4 bytes. Pure: no I/O, no KJ, no CAF.

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace gd::xdr {

/// Bytes that do not decode: truncated, over a length limit, or invalid. The
/// message names the item being read, e.g. "truncated: needed 4 bytes for
/// 'port', 2 left".
class decode_error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// Appends XDR items to an in-memory buffer.
class writer {
public:
  void put_u32(std::uint32_t v);
  void put_i32(std::int32_t v);
  void put_u64(std::uint64_t v);
  /// Writes 1 or 0 as a 32-bit word.
  void put_bool(bool v);
  /// Variable-length opaque: a 32-bit length, the bytes, zeros to a multiple
  /// of 4. Throws std::length_error over 4 GiB - 1.
  void put_opaque(std::string_view data);
  /// Same encoding as put_opaque.
  void put_string(std::string_view s);
  /// Fixed-length opaque: the bytes and zero padding, no length word.
  void put_fixed_opaque(std::string_view data);

  /// The bytes written so far.
  const std::string& bytes() const { return buf_; }
  std::size_t size() const { return buf_.size(); }

private:
  void pad(std::size_t n);
  std::string buf_;
};

/// Reads XDR items from a byte span it does not own; the span must outlive
/// the reader. Every getter checks bounds and throws decode_error naming
/// `what` on failure; after a throw the position is unspecified.
class reader {
public:
  reader(const char* data, std::size_t size) : p_(data), left_(size) {}
  explicit reader(std::string_view bytes)
    : reader(bytes.data(), bytes.size()) {}
  /// Refused: the reader would outlive the string it points into.
  explicit reader(std::string&&) = delete;

  std::uint32_t get_u32(std::string_view what);
  std::int32_t get_i32(std::string_view what);
  std::uint64_t get_u64(std::string_view what);
  /// A 32-bit word that must be 0 or 1.
  bool get_bool(std::string_view what);
  /// A string of at most `max_len` bytes. Refuses embedded NUL bytes: gluster
  /// would read such a string as a shorter C string than we would.
  std::string get_string(std::string_view what, std::size_t max_len);
  /// A variable-length opaque of at most `max_len` bytes.
  std::string get_opaque(std::string_view what, std::size_t max_len);
  /// Skips a variable-length opaque of at most `max_len` bytes.
  void skip_opaque(std::string_view what, std::size_t max_len);
  /// `n` bytes plus their padding, no length word.
  std::string get_fixed_opaque(std::string_view what, std::size_t n);

  /// Bytes not yet read.
  std::size_t remaining() const { return left_; }
  bool at_end() const { return left_ == 0; }

private:
  /// The error for an item of `needed` bytes that is not all there.
  decode_error truncated(std::size_t needed, std::string_view what) const;
  /// Checks that `n` bytes are left, then returns a pointer to them and
  /// consumes them.
  const char* take(std::size_t n, std::string_view what);
  /// Reads a length word and checks it against `max_len`; `kind` is "string"
  /// or "opaque" for the message. Returns the length.
  std::size_t get_length(std::string_view kind, std::string_view what,
                         std::size_t max_len);
  /// Returns the bytes of an item of `len` bytes and consumes its padding.
  std::string_view take_padded(std::size_t len, std::string_view what);

  const char* p_;
  std::size_t left_;
};

} // namespace gd::xdr
