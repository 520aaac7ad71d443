#pragma once

#include <stdexcept>
#include <string>

namespace gd::store {

/// Why a store operation failed.
enum class store_errc {
  /// An LMDB call failed for a reason not listed below (the text has
  /// mdb_strerror's words).
  io = 1,
  /// The LMDB map is full (MDB_MAP_FULL): a resource limit, not a bug. The
  /// failed write was not applied; raise --map-size or compact.
  map_full,
  /// Data on disk fails its checksum or does not parse. Refuse to start.
  corrupt,
  /// A file or directory is missing, unreadable, or of the wrong format
  /// version.
  bad_layout,
  /// The caller broke a documented precondition (a bug in the caller).
  precondition,
};

/// Returns e.g. "map_full".
const char* to_string(store_errc c);

/// Thrown by store/ on every failure. what() says what failed, where (file,
/// index or key) and, for LMDB errors, LMDB's own text. Nothing of a write
/// that threw is applied.
class store_error : public std::runtime_error {
public:
  store_error(store_errc code, const std::string& what)
    : std::runtime_error(what), code_(code) {
    // nop
  }

  store_errc code() const noexcept { return code_; }

private:
  store_errc code_;
};

} // namespace gd::store
