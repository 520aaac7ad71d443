#include "actors/raft/snapshot_stream.hpp"

#include <stdexcept>

#include "store/fs.hpp"

namespace gd::raft {

snapshot_reader::snapshot_reader(const std::string& path)
  : path_(path), in_(path, std::ios::binary) {
  if (!in_)
    throw std::runtime_error("cannot open snapshot file " + path);
  in_.seekg(0, std::ios::end);
  size_ = static_cast<std::uint64_t>(in_.tellg());
}

std::string snapshot_reader::read(std::uint64_t offset, std::size_t max_bytes) {
  if (offset >= size_)
    return {};
  auto n = static_cast<std::size_t>(
    std::min<std::uint64_t>(max_bytes, size_ - offset));
  std::string buf(n, '\0');
  in_.clear();
  in_.seekg(static_cast<std::streamoff>(offset));
  in_.read(buf.data(), static_cast<std::streamsize>(n));
  if (!in_)
    throw std::runtime_error("cannot read snapshot file " + path_
                             + " at offset " + std::to_string(offset));
  return buf;
}

snapshot_writer::snapshot_writer(std::string path, std::uint64_t total_size,
                                 std::uint64_t checksum)
  : path_(std::move(path)),
    out_(path_, std::ios::binary | std::ios::trunc),
    total_size_(total_size),
    checksum_(checksum) {
  if (!out_)
    throw std::runtime_error("cannot create snapshot file " + path_);
}

bool snapshot_writer::write(std::uint64_t offset, std::string_view data) {
  if (offset != written_ || written_ + data.size() > total_size_)
    return false;
  out_.write(data.data(), static_cast<std::streamsize>(data.size()));
  if (!out_)
    throw std::runtime_error("cannot write snapshot file " + path_);
  hasher_.update(data);
  written_ += data.size();
  return true;
}

std::string snapshot_writer::finish() {
  out_.flush();
  out_.close();
  if (written_ != total_size_)
    return "snapshot ended after " + std::to_string(written_) + " of "
           + std::to_string(total_size_) + " bytes";
  if (hasher_.digest() != checksum_)
    return "snapshot checksum " + store::to_hex(hasher_.digest())
           + " differs from the announced " + store::to_hex(checksum_);
  store::fs::fsync_path(path_);
  return {};
}

} // namespace gd::raft
