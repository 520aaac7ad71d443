#include "store/fs.hpp"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store_error.hpp"

namespace gd::store::fs {

namespace {

[[noreturn]] void fail(const std::string& doing, const std::string& path,
                       int err) {
  throw store_error(store_errc::io,
                    doing + " " + path + " failed: " + std::strerror(err));
}

/// Closes a file descriptor on scope exit.
class fd_guard {
public:
  explicit fd_guard(int fd) : fd_(fd) {
    // nop
  }
  ~fd_guard() {
    if (fd_ >= 0)
      ::close(fd_);
  }
  fd_guard(const fd_guard&) = delete;
  fd_guard& operator=(const fd_guard&) = delete;

  int get() const { return fd_; }

  /// Closes now, reporting errors (close can report a failed write-back).
  int close() {
    int rc = ::close(fd_);
    fd_ = -1;
    return rc;
  }

private:
  int fd_;
};

} // namespace

bool is_directory(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

void fsync_path(const std::string& path) {
  fd_guard fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0)
    fail("opening", path, errno);
  if (::fsync(fd.get()) != 0)
    fail("fsyncing", path, errno);
}

void write_file_atomically(const std::string& path,
                           const std::string& content, unsigned mode) {
  auto tmp = path + ".tmp";
  {
    fd_guard fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
                       static_cast<mode_t>(mode & 0777)));
    if (fd.get() < 0)
      fail("creating", tmp, errno);
    // why: O_CREAT's mode applies only to a new file; a leftover .tmp keeps
    // its own (and the umask narrows a new one).
    if (::fchmod(fd.get(), static_cast<mode_t>(mode & 0777)) != 0)
      fail("setting the mode of", tmp, errno);
    const char* p = content.data();
    auto left = content.size();
    while (left > 0) {
      auto n = ::write(fd.get(), p, left);
      if (n < 0) {
        if (errno == EINTR)
          continue;
        fail("writing", tmp, errno);
      }
      p += n;
      left -= static_cast<std::size_t>(n);
    }
    if (::fsync(fd.get()) != 0)
      fail("fsyncing", tmp, errno);
    if (fd.close() != 0)
      fail("closing", tmp, errno);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0)
    fail("renaming " + tmp + " to", path, errno);
  fsync_path(parent_of(path));
}

std::string read_file(const std::string& path) {
  fd_guard fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0)
    throw store_error(store_errc::bad_layout, "cannot open " + path + ": "
                                                + std::strerror(errno));
  std::string out;
  char buf[4096];
  for (;;) {
    auto n = ::read(fd.get(), buf, sizeof(buf));
    if (n == 0)
      return out;
    if (n < 0) {
      if (errno == EINTR)
        continue;
      fail("reading", path, errno);
    }
    out.append(buf, static_cast<std::size_t>(n));
  }
}

std::string parent_of(const std::string& path) {
  auto pos = path.find_last_of('/');
  if (pos == std::string::npos)
    return ".";
  if (pos == 0)
    return "/";
  return path.substr(0, pos);
}

} // namespace gd::store::fs
