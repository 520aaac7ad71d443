#pragma once

// Reading and writing the byte stream of a snapshot file in chunks. No CAF:
// the Raft actor drives these; tests use them directly.

#include <cstdint>
#include <fstream>
#include <string>
#include <string_view>

#include "store/checksum.hpp"

namespace gd::raft {

/// Reads a snapshot file chunk by chunk for streaming.
class snapshot_reader {
public:
  /// Opens `path`. Throws std::runtime_error naming the path if it cannot.
  explicit snapshot_reader(const std::string& path);

  /// Returns up to `max_bytes` bytes starting at `offset` (fewer at the end).
  /// Throws std::runtime_error on a read error.
  std::string read(std::uint64_t offset, std::size_t max_bytes);

  std::uint64_t size() const { return size_; }

private:
  std::string path_;
  std::ifstream in_;
  std::uint64_t size_ = 0;
};

/// Receives a snapshot stream into a file: accepts chunks in order and
/// checks the total size and checksum the sender announced.
class snapshot_writer {
public:
  /// Creates (truncates) `path`. Throws std::runtime_error if it cannot.
  snapshot_writer(std::string path, std::uint64_t total_size,
                  std::uint64_t checksum);

  /// The offset of the next byte expected.
  std::uint64_t next_offset() const { return written_; }

  /// Appends `data` if `offset` == next_offset() and it fits in the
  /// announced size; returns false (and writes nothing) otherwise.
  bool write(std::uint64_t offset, std::string_view data);

  /// Call after the last chunk: flushes and fsyncs the file and returns ""
  /// if size and checksum match, else says what does not.
  std::string finish();

  const std::string& path() const { return path_; }

private:
  std::string path_;
  std::ofstream out_;
  std::uint64_t total_size_;
  std::uint64_t checksum_;
  std::uint64_t written_ = 0;
  store::xxh3_hasher hasher_;
};

} // namespace gd::raft
