#define BOOST_TEST_MODULE node
#include <boost/test/unit_test.hpp>

// Brick preparation on real directories under a fresh temp dir, with real
// trusted.* xattrs (the tests run as root). /tmp is on the root partition,
// so checks without force meet the root-partition rule unless they run on a
// tmpfs the test mounts.

#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "actors/node/brick_prep.hpp"

using namespace gd::node;

namespace {

const std::string host = "node1";
const std::string vol_a = "5f3c4e2a-9b1d-4c7e-8a6f-0123456789ab";
const std::string vol_b = "0a1b2c3d-4e5f-4a6b-8c7d-8e9fa0b1c2d3";

/// A fresh directory under $TMPDIR (or /tmp), removed with all its mounts.
struct temp_dir {
  std::string root;
  std::string mounted; ///< a tmpfs mounted by the test, if any
  mode_t old_umask;

  temp_dir() : old_umask(::umask(022)) {
    const char* base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base ? base : "/tmp") + "/brick_prep_XXXXXX";
    BOOST_REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    root = tmpl;
  }
  ~temp_dir() {
    if (!mounted.empty())
      ::umount(mounted.c_str());
    std::error_code ec;
    std::filesystem::remove_all(root, ec);
    ::umask(old_umask);
  }
  std::string operator/(const std::string& rel) const {
    return root + "/" + rel;
  }
  /// True if `root` is on the file system of "/" (else says so, to skip).
  bool on_root_partition() const {
    struct stat here, slash;
    BOOST_REQUIRE(::stat(root.c_str(), &here) == 0);
    BOOST_REQUIRE(::stat("/", &slash) == 0);
    if (here.st_dev != slash.st_dev)
      BOOST_TEST_MESSAGE(root << " is not on the root partition; case skipped");
    return here.st_dev == slash.st_dev;
  }
  /// Mounts a tmpfs at `dir` (made here); false if this machine will not.
  bool mount_tmpfs(const std::string& dir, unsigned long flags = 0) {
    std::filesystem::create_directories(dir);
    if (::mount("tmpfs", dir.c_str(), "tmpfs", flags, "size=4m") != 0) {
      BOOST_TEST_MESSAGE("mount tmpfs at " << dir << " failed (errno "
                                           << errno << "); case skipped");
      return false;
    }
    mounted = dir;
    return true;
  }
};

void write_file(const std::string& path) {
  std::ofstream(path) << "data\n";
}

/// The raw value of `key` on `path`, or "<none>".
std::string xattr(const std::string& path, const char* key) {
  char buf[64];
  auto n = ::lgetxattr(path.c_str(), key, buf, sizeof buf);
  return n < 0 ? "<none>" : std::string(buf, static_cast<size_t>(n));
}

std::string raw(const std::string& uuid) {
  auto b = parse_uuid(uuid);
  BOOST_REQUIRE(b.has_value());
  return std::string(reinterpret_cast<const char*>(b->data()), b->size());
}

void set_xattr(const std::string& path, const char* key,
               const std::string& value) {
  BOOST_REQUIRE(::lsetxattr(path.c_str(), key, value.data(), value.size(),
                            0) == 0);
}

const std::string root_gfid(
    "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\1", 16);

std::string root_partition_msg(const std::string& path) {
  return "The brick " + host + ":" + path +
         " is being created in the root partition. It is recommended that "
         "you don't use the system's root partition for storage backend. Or "
         "use 'force' at the end of the command if you want to override this "
         "behavior.";
}

mode_t mode_of(const std::string& path) {
  struct stat st;
  BOOST_REQUIRE(::lstat(path.c_str(), &st) == 0);
  return st.st_mode;
}

} // namespace

BOOST_AUTO_TEST_SUITE(brick_prep_tests)

BOOST_AUTO_TEST_CASE(uuid_bytes_round_trip) {
  auto b = parse_uuid("5F3C4E2A-9b1d-4c7e-8a6f-0123456789AB");
  BOOST_REQUIRE(b.has_value());
  BOOST_TEST((*b)[0] == 0x5f);
  BOOST_TEST((*b)[15] == 0xab);
  BOOST_TEST(format_uuid(*b) == vol_a);
  BOOST_TEST(!parse_uuid("5f3c4e2a9b1d4c7e8a6f0123456789ab").has_value());
  BOOST_TEST(!parse_uuid("5f3c4e2a-9b1d-4c7e-8a6f-0123456789ag").has_value());
}

BOOST_AUTO_TEST_CASE(check_refuses_a_relative_path) {
  BOOST_TEST(check_brick(host, "data/b1", vol_a, true) ==
             "Wrong brick type: node1:data/b1, use "
             "<HOSTNAME>:<export-dir-abs-path>");
  BOOST_TEST(prepare_brick(host, "", vol_a, true) ==
             "Wrong brick type: node1:, use <HOSTNAME>:<export-dir-abs-path>");
}

BOOST_AUTO_TEST_CASE(check_refuses_a_bad_volume_id) {
  temp_dir t;
  BOOST_TEST(check_brick(host, t / "b", "nope", true) ==
             "Invalid volume id 'nope'");
}

BOOST_AUTO_TEST_CASE(check_refuses_a_file_in_the_way) {
  temp_dir t;
  write_file(t / "f");
  BOOST_TEST(check_brick(host, t / "f", vol_a, true) ==
             "The provided path " + (t / "f") +
                 " which is already present, is not a directory");
  BOOST_TEST(prepare_brick(host, t / "f", vol_a, true) ==
             "The provided path " + (t / "f") +
                 " which is already present, is not a directory");
}

BOOST_AUTO_TEST_CASE(check_refuses_a_parent_that_is_a_file) {
  temp_dir t;
  write_file(t / "f");
  BOOST_TEST(check_brick(host, t / "f/b", vol_a, true) ==
             "Failed to create brick directory for brick node1:" +
                 (t / "f/b") + ". Reason : Not a directory ");
  // Deeper: the file is found above missing directories too.
  BOOST_TEST(prepare_brick(host, t / "f/x/y", vol_a, true) ==
             "Failed to create brick directory for brick node1:" +
                 (t / "f/x/y") + ". Reason : Not a directory ");
  BOOST_TEST(!std::filesystem::exists(t / "f/x"));
}

BOOST_AUTO_TEST_CASE(check_refuses_a_directory_it_cannot_write) {
  temp_dir t;
  // why a read-only mount: we run as root, so modes do not stop us.
  if (!t.mount_tmpfs(t / "ro", MS_RDONLY))
    return;
  BOOST_TEST(check_brick(host, t / "ro/b", vol_a, true) ==
             "Failed to create brick directory for brick node1:" +
                 (t / "ro/b") + ". Reason : Read-only file system ");
}

BOOST_AUTO_TEST_CASE(root_partition_needs_force) {
  temp_dir t;
  if (!t.on_root_partition())
    return;
  BOOST_TEST(check_brick(host, t / "b", vol_a, false) ==
             root_partition_msg(t / "b"));
  BOOST_TEST(prepare_brick(host, t / "b", vol_a, false) ==
             root_partition_msg(t / "b"));
  BOOST_TEST(!std::filesystem::exists(t / "b")); // check first, then create
  BOOST_TEST(check_brick(host, t / "b", vol_a, true) == "");
  // An existing directory too, and the message shows the canonical path.
  std::filesystem::create_directory(t / "d");
  BOOST_TEST(check_brick(host, t.root + "//d/", vol_a, false) ==
             root_partition_msg(t / "d"));
  BOOST_TEST(check_brick(host, t / "d", vol_a, true) == "");
}

BOOST_AUTO_TEST_CASE(a_mount_point_needs_force_and_a_subdirectory_does_not) {
  temp_dir t;
  if (!t.mount_tmpfs(t / "mnt"))
    return;
  BOOST_TEST(check_brick(host, t / "mnt", vol_a, false) ==
             "The brick node1:" + (t / "mnt") +
                 " is a mount point. Please create a sub-directory under the "
                 "mount point and use that as the brick directory. Or use "
                 "'force' at the end of the command if you want to override "
                 "this behavior.");
  BOOST_TEST(check_brick(host, t / "mnt", vol_a, true) == "");
  // Off the root partition and not the mount point: fine without force.
  BOOST_TEST(check_brick(host, t / "mnt/b", vol_a, false) == "");
  BOOST_TEST(prepare_brick(host, t / "mnt/b", vol_a, false) == "");
  BOOST_TEST(xattr(t / "mnt/b", volume_id_xattr) == raw(vol_a));
  BOOST_TEST(check_brick(host, t / "mnt/b", vol_a, false) == "");
}

BOOST_AUTO_TEST_CASE(a_brick_of_another_volume_is_refused_even_with_force) {
  temp_dir t;
  BOOST_REQUIRE(prepare_brick(host, t / "b", vol_a, true) == "");
  auto msg = (t / "b") + " is already part of a volume";
  BOOST_TEST(check_brick(host, t / "b", vol_b, true) == msg);
  BOOST_TEST(prepare_brick(host, t / "b", vol_b, true) == msg);
  BOOST_TEST(xattr(t / "b", volume_id_xattr) == raw(vol_a)); // untouched
}

BOOST_AUTO_TEST_CASE(a_directory_under_a_brick_is_refused) {
  temp_dir t;
  BOOST_REQUIRE(prepare_brick(host, t / "b", vol_a, true) == "");
  auto msg = "parent directory " + (t / "b") + " is already part of a volume";
  BOOST_TEST(check_brick(host, t / "b/sub", vol_b, true) == msg);
  // Even for the same volume: a brick inside a brick.
  BOOST_TEST(check_brick(host, t / "b/sub/deeper", vol_a, true) == msg);
  BOOST_TEST(prepare_brick(host, t / "b/sub", vol_b, true) == msg);
  BOOST_TEST(!std::filesystem::exists(t / "b/sub"));
}

BOOST_AUTO_TEST_CASE(a_gfid_alone_marks_a_used_directory) {
  temp_dir t;
  std::filesystem::create_directories(t / "old/sub");
  set_xattr(t / "old", gfid_xattr, root_gfid);
  BOOST_TEST(check_brick(host, t / "old", vol_a, true) ==
             (t / "old") + " is already part of a volume");
  BOOST_TEST(check_brick(host, t / "old/sub", vol_a, true) ==
             "parent directory " + (t / "old") +
                 " is already part of a volume");
}

BOOST_AUTO_TEST_CASE(a_brick_of_the_same_volume_is_accepted) {
  temp_dir t;
  BOOST_REQUIRE(prepare_brick(host, t / "b", vol_a, true) == "");
  set_xattr(t / "b", gfid_xattr, root_gfid); // as a brick that has run
  BOOST_TEST(check_brick(host, t / "b", vol_a, true) == "");
  BOOST_TEST(prepare_brick(host, t / "b", vol_a, true) == "");
}

BOOST_AUTO_TEST_CASE(prepare_makes_the_directories_and_sets_the_id) {
  temp_dir t;
  auto b = t / "x/y/b"; // mkdir -p
  BOOST_REQUIRE(prepare_brick(host, b, vol_a, true) == "");
  BOOST_TEST(S_ISDIR(mode_of(b)));
  BOOST_TEST((mode_of(b) & 07777) == 0755u);
  BOOST_TEST((mode_of(t / "x") & 07777) == 0755u);
  BOOST_TEST(xattr(b, volume_id_xattr) == raw(vol_a));
  BOOST_TEST(xattr(b, volume_id_xattr).size() == 16u);
  BOOST_TEST(xattr(b, "trusted.glusterfs.test") == "<none>");
  BOOST_TEST(S_ISDIR(mode_of(b + "/.glusterfs")));
  BOOST_TEST((mode_of(b + "/.glusterfs") & 07777) == 0600u);
}

BOOST_AUTO_TEST_CASE(prepare_twice_is_idempotent) {
  temp_dir t;
  BOOST_REQUIRE(prepare_brick(host, t / "b", vol_a, true) == "");
  write_file(t / "b/keep");
  BOOST_TEST(prepare_brick(host, t / "b", vol_a, true) == "");
  BOOST_TEST(xattr(t / "b", volume_id_xattr) == raw(vol_a));
  BOOST_TEST(std::filesystem::exists(t / "b/keep"));
  BOOST_TEST(S_ISDIR(mode_of(t / "b/.glusterfs")));
}

BOOST_AUTO_TEST_CASE(prepare_refuses_a_file_named_dot_glusterfs) {
  temp_dir t;
  std::filesystem::create_directory(t / "b");
  write_file(t / "b/.glusterfs");
  BOOST_TEST(prepare_brick(host, t / "b", vol_a, true) ==
             "Failed to create .glusterfs directory for brick node1:" +
                 (t / "b") + ". Reason : Not a directory ");
}

BOOST_AUTO_TEST_CASE(release_clears_only_a_matching_id) {
  temp_dir t;
  BOOST_REQUIRE(prepare_brick(host, t / "b", vol_a, true) == "");
  set_xattr(t / "b", gfid_xattr, root_gfid);
  write_file(t / "b/keep");

  BOOST_TEST(release_brick(t / "b", vol_b) ==
             "Volume id mismatch for brick " + (t / "b") +
                 ". Expected volume id " + vol_b + ", volume id " + vol_a +
                 " found");
  BOOST_TEST(xattr(t / "b", volume_id_xattr) == raw(vol_a));
  BOOST_TEST(xattr(t / "b", gfid_xattr) == root_gfid);

  BOOST_TEST(release_brick(t / "b", vol_a) == "");
  BOOST_TEST(xattr(t / "b", volume_id_xattr) == "<none>");
  BOOST_TEST(xattr(t / "b", gfid_xattr) == "<none>");
  BOOST_TEST(std::filesystem::exists(t / "b/keep"));
  BOOST_TEST(std::filesystem::exists(t / "b/.glusterfs"));

  // Released: a new volume may take it, and releasing again is a no-op.
  BOOST_TEST(release_brick(t / "b", vol_a) == "");
  BOOST_TEST(release_brick(t / "never", vol_a) == "");
  BOOST_TEST(prepare_brick(host, t / "b", vol_b, true) == "");
  BOOST_TEST(xattr(t / "b", volume_id_xattr) == raw(vol_b));
}

BOOST_AUTO_TEST_CASE(release_refuses_bad_arguments) {
  BOOST_TEST(release_brick("rel/b", vol_a) ==
             "Brick path rel/b is not absolute");
  BOOST_TEST(release_brick("/b", "x") == "Invalid volume id 'x'");
}

BOOST_AUTO_TEST_SUITE_END()
