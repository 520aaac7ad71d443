#include "store/checksum.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <new>

#include <fcntl.h>
#include <unistd.h>

#include <xxhash.h>

#include "store/store_error.hpp"

namespace gd::store {

namespace {

XXH3_state_t* state_of(void* p) {
  return static_cast<XXH3_state_t*>(p);
}

} // namespace

std::uint64_t xxh3_64(std::string_view data) {
  return XXH3_64bits(data.data(), data.size());
}

std::string to_hex(std::uint64_t x) {
  char buf[19];
  std::snprintf(buf, sizeof(buf), "0x%016llx",
                static_cast<unsigned long long>(x));
  return buf;
}

void xxh3_hasher::state_deleter::operator()(void* p) const noexcept {
  XXH3_freeState(state_of(p));
}

xxh3_hasher::xxh3_hasher() : state_(XXH3_createState()) {
  if (!state_)
    throw std::bad_alloc();
  reset();
}

xxh3_hasher::~xxh3_hasher() = default;

xxh3_hasher::xxh3_hasher(xxh3_hasher&&) noexcept = default;

xxh3_hasher& xxh3_hasher::operator=(xxh3_hasher&&) noexcept = default;

void xxh3_hasher::reset() {
  XXH3_64bits_reset(state_of(state_.get()));
}

void xxh3_hasher::update(std::string_view data) {
  update(data.data(), data.size());
}

void xxh3_hasher::update(const void* p, std::size_t n) {
  XXH3_64bits_update(state_of(state_.get()), p, n);
}

std::uint64_t xxh3_hasher::digest() const {
  return XXH3_64bits_digest(state_of(state_.get()));
}

std::uint64_t xxh3_64_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    throw store_error(store_errc::bad_layout, "cannot open " + path
                                                + " to checksum it: "
                                                + std::strerror(errno));
  xxh3_hasher h;
  std::unique_ptr<char[]> buf(new char[1 << 16]);
  for (;;) {
    auto n = ::read(fd, buf.get(), 1 << 16);
    if (n == 0)
      break;
    if (n < 0) {
      if (errno == EINTR)
        continue;
      auto err = errno;
      ::close(fd);
      throw store_error(store_errc::io, "reading " + path
                                          + " to checksum it failed: "
                                          + std::strerror(err));
    }
    h.update(buf.get(), static_cast<std::size_t>(n));
  }
  ::close(fd);
  return h.digest();
}

} // namespace gd::store
