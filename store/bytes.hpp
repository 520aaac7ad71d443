#pragma once

// Fixed-width big-endian integers for store/'s on-disk keys and records.
// Big-endian so that LMDB's byte order sorts integer keys numerically.
// Internal to store/.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace gd::store::bytes {

/// Appends `x` to `out` as 8 big-endian bytes.
inline void put_u64(std::string& out, std::uint64_t x) {
  for (int shift = 56; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((x >> shift) & 0xff));
}

/// Appends `x` to `out` as 4 big-endian bytes.
inline void put_u32(std::string& out, std::uint32_t x) {
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((x >> shift) & 0xff));
}

/// Returns the 8 big-endian bytes at `p`.
inline std::uint64_t get_u64(const char* p) {
  std::uint64_t x = 0;
  for (int i = 0; i < 8; ++i)
    x = (x << 8) | static_cast<unsigned char>(p[i]);
  return x;
}

/// Returns the 4 big-endian bytes at `p`.
inline std::uint32_t get_u32(const char* p) {
  std::uint32_t x = 0;
  for (int i = 0; i < 4; ++i)
    x = (x << 8) | static_cast<unsigned char>(p[i]);
  return x;
}

/// Returns `x` as an 8-byte big-endian key.
inline std::string u64_key(std::uint64_t x) {
  std::string k;
  k.reserve(8);
  put_u64(k, x);
  return k;
}

/// Reads fixed-width fields from a byte string, front to back. Every read
/// checks the remaining length; ok() turns false once one ran short.
class reader {
public:
  explicit reader(std::string_view data) : data_(data) {
    // nop
  }

  bool ok() const { return ok_; }

  std::size_t remaining() const { return data_.size() - pos_; }

  std::uint8_t u8() {
    if (!need(1))
      return 0;
    return static_cast<std::uint8_t>(data_[pos_++]);
  }

  std::uint32_t u32() {
    if (!need(4))
      return 0;
    auto x = get_u32(data_.data() + pos_);
    pos_ += 4;
    return x;
  }

  std::uint64_t u64() {
    if (!need(8))
      return 0;
    auto x = get_u64(data_.data() + pos_);
    pos_ += 8;
    return x;
  }

  std::int64_t i64() { return static_cast<std::int64_t>(u64()); }

  /// The next `n` bytes.
  std::string_view take(std::size_t n) {
    if (!need(n))
      return {};
    auto x = data_.substr(pos_, n);
    pos_ += n;
    return x;
  }

  /// Everything not read yet.
  std::string_view rest() {
    auto x = data_.substr(pos_);
    pos_ = data_.size();
    return x;
  }

private:
  bool need(std::size_t n) {
    if (!ok_ || data_.size() - pos_ < n) {
      ok_ = false;
      return false;
    }
    return true;
  }

  std::string_view data_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

} // namespace gd::store::bytes
