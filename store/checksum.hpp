#pragma once

// XXH3-64 checksums for what store/ writes to disk: log entries, records and
// snapshot files. The seed is always 0: checksums are part of the durable
// formats, so never change how they are computed without a format version
// bump.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace gd::store {

/// Returns the XXH3-64 (seed 0) of `data`.
std::uint64_t xxh3_64(std::string_view data);

/// Returns `x` as "0x" followed by 16 lower-case hex digits, as checksums
/// appear in error messages.
std::string to_hex(std::uint64_t x);

/// Computes an XXH3-64 (seed 0) over data fed in pieces; the digest equals
/// xxh3_64() of the concatenated pieces. Move-only; a moved-from hasher may
/// only be destroyed or assigned to.
class xxh3_hasher {
public:
  xxh3_hasher();
  ~xxh3_hasher();
  xxh3_hasher(xxh3_hasher&&) noexcept;
  xxh3_hasher& operator=(xxh3_hasher&&) noexcept;
  xxh3_hasher(const xxh3_hasher&) = delete;
  xxh3_hasher& operator=(const xxh3_hasher&) = delete;

  /// Forgets everything fed so far.
  void reset();

  /// Feeds `data`.
  void update(std::string_view data);

  /// Feeds the raw bytes [p, p + n).
  void update(const void* p, std::size_t n);

  /// Returns the checksum of everything fed since construction or reset().
  /// Does not reset: more data may follow.
  std::uint64_t digest() const;

private:
  struct state_deleter {
    void operator()(void* p) const noexcept;
  };
  std::unique_ptr<void, state_deleter> state_;
};

/// Returns the XXH3-64 of the file at `path`, read chunk by chunk. Throws
/// store_error (bad_layout if it cannot be opened, io if a read fails).
std::uint64_t xxh3_64_file(const std::string& path);

} // namespace gd::store
