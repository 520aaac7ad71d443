#include "actors/node/brick_prep.hpp"

#include <sys/stat.h>
#include <sys/types.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <system_error>
#include <vector>

#include "protocol/uuid.hpp"

// Where each message comes from (glusterfs 10,
// xlators/mgmt/glusterd/src/ unless said otherwise) is noted at its
// function. Messages keep glusterd's spelling, spacing and trailing blanks.
//
// Deliberate differences from glusterd, all asked for by our design:
// - the directory is made like mkdir -p (glusterd makes one level only and
//   fails with ENOENT when the parent is missing);
// - mount points are found by st_dev of the path against its parent
//   (glusterd matches realpath() against /etc/mtab), so a bind mount of the
//   same file system is not reported;
// - a brick root that already holds this volume's id is accepted (glusterd's
//   create check refuses any id; its start check accepts the equal one);
// - another volume's id, or a trusted.gfid, is refused even with force:
//   glusterd-utils.c:7736 lets `force` through at create and then overwrites
//   the id (flags 0 instead of XATTR_CREATE, :7741), but its start check
//   (glusterd-volume-ops.c:1323) refuses a mismatch whatever the flags. We
//   prepare before every start, so we keep the safe one;
// - glusterd's check that the brick is not inside /var/lib/glusterd is left
//   to the caller, which knows our working directory.

namespace gd::node {

namespace {

constexpr const char* test_xattr = "trusted.glusterfs.test";

std::string reason(int err) {
  return std::error_code(err, std::generic_category()).message();
}

/// `p` (absolute) with runs of '/' collapsed and no trailing '/', except
/// for "/" itself; what gf_canonicalize_path() gives glusterd's messages.
std::string canonical(const std::string& p) {
  std::string out;
  for (char c : p)
    if (c != '/' || out.empty() || out.back() != '/')
      out.push_back(c);
  if (out.size() > 1 && out.back() == '/')
    out.pop_back();
  return out;
}

/// The parent of canonical absolute `p`; "/" is its own parent.
std::string parent_of(const std::string& p) {
  auto slash = p.rfind('/');
  return slash == 0 || slash == std::string::npos ? "/" : p.substr(0, slash);
}

// --- glusterd's messages -------------------------------------------------

// cli/src/cli-cmd-parser.c (cli_cmd_bricks_parse): the CLI, not glusterd,
// refuses a relative brick path.
std::string not_absolute(const std::string& host, const std::string& path) {
  return "Wrong brick type: " + host + ":" + path +
         ", use <HOSTNAME>:<export-dir-abs-path>";
}

// glusterd-utils.c:1280-1283.
std::string create_failed(const std::string& host, const std::string& path,
                          int err) {
  return "Failed to create brick directory for brick " + host + ":" + path +
         ". Reason : " + reason(err) + " ";
}

// glusterd-utils.c:1298-1299 (brick path) and :1321-1322 ("/").
std::string lstat_failed(const std::string& path, int err) {
  return "lstat failed on " + path + ". Reason : " + reason(err);
}

// glusterd-utils.c:1309-1310.
std::string not_a_directory(const std::string& path) {
  return "The provided path " + path +
         " which is already present, is not a directory";
}

// glusterd-utils.c:1348-1353.
std::string mount_point(const std::string& host, const std::string& path) {
  return "The brick " + host + ":" + path +
         " is a mount point. Please create a sub-directory under the mount "
         "point and use that as the brick directory. Or use 'force' at the "
         "end of the command if you want to override this behavior.";
}

// glusterd-utils.c:1364-1370.
std::string root_partition(const std::string& host, const std::string& path) {
  return "The brick " + host + ":" + path +
         " is being created in the root partition. It is recommended that "
         "you don't use the system's root partition for storage backend. Or "
         "use 'force' at the end of the command if you want to override this "
         "behavior.";
}

// glusterd-utils.c:1404-1407.
std::string glusterfs_dir_failed(const std::string& host,
                                 const std::string& path, int err) {
  return "Failed to create .glusterfs directory for brick " + host + ":" +
         path + ". Reason : " + reason(err) + " ";
}

// glusterd-utils.c:7658-7661.
std::string get_xattr_failed(const char* key, int err) {
  return std::string("Failed to get extended attribute ") + key +
         ", reason: " + reason(err);
}

// glusterd-utils.c:7665-7679: the path itself, or the first parent found.
std::string in_use(const std::string& path) {
  return path + " is already part of a volume";
}
std::string parent_in_use(const std::string& dir) {
  return "parent directory " + dir + " is already part of a volume";
}

// glusterd-utils.c:7704-7707.
std::string xattrs_unsupported(const std::string& host,
                               const std::string& path, int err) {
  return "Glusterfs is not supported on brick: " + host + ":" + path +
         ".\nSetting extended attributes failed, reason: " + reason(err) +
         ".";
}

// glusterd-utils.c:7722-7724.
std::string remove_test_failed(int err) {
  return "Removing test extended attribute failed, reason: " + reason(err);
}

// glusterd-utils.c:7746-7749.
std::string set_volume_id_failed(int err) {
  return std::string("Failed to set extended attributes ") + volume_id_xattr +
         ", reason: " + reason(err);
}

// Our own words (no glusterd equivalent): a caller's bad argument.
std::string invalid_volume_id(const std::string& volume_id) {
  return "Invalid volume id '" + volume_id + "'";
}

// --- extended attributes -------------------------------------------------

enum class xattr_state { absent, present, unsupported, failed };

struct xattr_read {
  xattr_state state;
  std::string value; ///< when present; empty if longer than any UUID
  int err = 0;       ///< when failed or unsupported
};

/// `key` on `path` itself (no symlink following, like glusterd's
/// sys_lgetxattr). A path that does not exist has no attributes.
xattr_read read_xattr(const std::string& path, const char* key) {
  char buf[64];
  auto n = ::lgetxattr(path.c_str(), key, buf, sizeof buf);
  if (n >= 0)
    return {xattr_state::present, std::string(buf, static_cast<size_t>(n))};
  int err = errno;
  if (err == ERANGE) // why: too long to be a UUID, so surely not ours.
    return {xattr_state::present, std::string()};
  if (err == ENODATA || err == ENOENT)
    return {xattr_state::absent, std::string()};
  if (err == ENOTSUP)
    return {xattr_state::unsupported, std::string(), err};
  return {xattr_state::failed, std::string(), err};
}

std::string as_text(const uuid_bytes& b) {
  return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}

/// "" if no volume other than `want` claims `path` (existing or not) or a
/// parent of it, else glusterd's message. Parents count with either key
/// whatever the value (a brick inside a brick is never right); the brick
/// root itself only with a different volume-id, or a gfid and no volume-id.
std::string check_identity(const std::string& host, const std::string& path,
                           bool exists, const uuid_bytes& want) {
  if (exists) {
    auto vid = read_xattr(path, volume_id_xattr);
    if (vid.state == xattr_state::unsupported)
      return xattrs_unsupported(host, path, vid.err);
    if (vid.state == xattr_state::failed)
      return get_xattr_failed(volume_id_xattr, vid.err);
    if (vid.state == xattr_state::present && vid.value != as_text(want))
      return in_use(path);
    if (vid.state == xattr_state::absent) {
      auto gfid = read_xattr(path, gfid_xattr);
      if (gfid.state == xattr_state::failed)
        return get_xattr_failed(gfid_xattr, gfid.err);
      if (gfid.state == xattr_state::present)
        return in_use(path);
    }
  }
  if (path == "/")
    return "";
  // Same order as glusterd_is_path_in_use(): gfid, then volume-id, from the
  // nearest parent up to and including "/". Missing parents (mkdir -p will
  // make them) and xattr-less file systems hold nothing.
  for (auto dir = parent_of(path);; dir = parent_of(dir)) {
    for (const char* key : {gfid_xattr, volume_id_xattr}) {
      auto r = read_xattr(dir, key);
      if (r.state == xattr_state::failed)
        return get_xattr_failed(key, r.err);
      if (r.state == xattr_state::present)
        return parent_in_use(dir);
    }
    if (dir == "/")
      return "";
  }
}

/// Removes `key` from `path`; "" if removed or already absent.
std::string remove_xattr(const std::string& path, const char* key) {
  if (::lremovexattr(path.c_str(), key) == 0 || errno == ENODATA)
    return "";
  return std::string("Failed to remove extended attribute ") + key +
         " from " + path + ", reason: " + reason(errno);
}

// --- directories ---------------------------------------------------------

/// The nearest existing ancestor of missing `path`, as stat() sees it
/// (following symlinks: the new directories land where they point).
/// Returns 0, or the errno mkdir -p would meet, with `dir`/`st` set.
int nearest_existing(const std::string& path, std::string& dir,
                     struct stat& st) {
  dir = parent_of(path);
  while (::stat(dir.c_str(), &st) != 0) {
    // why: ENOTDIR means a file sits higher up; climb until we reach it.
    if (errno != ENOENT && errno != ENOTDIR)
      return errno;
    dir = parent_of(dir); // "/" always exists, so this ends
  }
  if (!S_ISDIR(st.st_mode))
    return ENOTDIR;
  if (::access(dir.c_str(), W_OK | X_OK) != 0)
    return errno;
  return 0;
}

/// mkdir -p `path` with mode 0755; appends each directory it made to
/// `made`, outermost first. Returns 0 or the errno of the failed mkdir.
int make_dirs(const std::string& path, std::vector<std::string>& made) {
  std::vector<std::string> missing; // innermost first
  struct stat st;
  for (auto d = path; ::lstat(d.c_str(), &st) != 0 && errno == ENOENT;
       d = parent_of(d))
    missing.push_back(d);
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    if (::mkdir(it->c_str(), 0755) == 0)
      made.push_back(*it);
    else if (errno != EEXIST)
      return errno;
  }
  return 0;
}

/// Removes the directories in `made` (outermost first), innermost first.
void unmake_dirs(const std::vector<std::string>& made) {
  for (auto it = made.rbegin(); it != made.rend(); ++it)
    ::rmdir(it->c_str());
}

/// The rest of prepare_brick once `path` is a directory.
std::string set_up(const std::string& host, const std::string& path,
                   const uuid_bytes& want) {
  // Does the file system take trusted.* at all (glusterd-utils.c:7702)?
  // "working" with its NUL: glusterd's exact 8 bytes.
  if (::lsetxattr(path.c_str(), test_xattr, "working", 8, 0) != 0)
    return xattrs_unsupported(host, path, errno);
  if (::lremovexattr(path.c_str(), test_xattr) != 0)
    return remove_test_failed(errno);

  auto vid = read_xattr(path, volume_id_xattr);
  if (vid.state != xattr_state::present || vid.value != as_text(want)) {
    // why XATTR_CREATE: check_brick saw no other id; if one appeared
    // since, fail (EEXIST) rather than take another volume's brick.
    if (::lsetxattr(path.c_str(), volume_id_xattr, want.data(), want.size(),
                    XATTR_CREATE) != 0)
      return set_volume_id_failed(errno);
  }

  auto dot = path + (path == "/" ? "" : "/") + ".glusterfs";
  if (::mkdir(dot.c_str(), 0600) != 0) {
    int err = errno;
    struct stat st;
    if (err != EEXIST)
      return glusterfs_dir_failed(host, path, err);
    if (::lstat(dot.c_str(), &st) != 0)
      return glusterfs_dir_failed(host, path, errno);
    if (!S_ISDIR(st.st_mode))
      return glusterfs_dir_failed(host, path, ENOTDIR);
  }
  return "";
}

} // namespace

std::string check_brick(const std::string& host, const std::string& raw_path,
                        const std::string& volume_id, bool force) {
  if (raw_path.empty() || raw_path[0] != '/')
    return not_absolute(host, raw_path);
  auto want = parse_uuid(volume_id);
  if (!want)
    return invalid_volume_id(volume_id);
  auto path = canonical(raw_path);

  // The file system the brick is (or will be) on, as glusterd sees it
  // after its mkdir: the directory itself, or where mkdir -p will put it.
  struct stat st;
  bool exists = ::lstat(path.c_str(), &st) == 0;
  int lstat_err = exists ? 0 : errno;
  if (exists && !S_ISDIR(st.st_mode))
    return not_a_directory(path);
  if (!exists) {
    if (lstat_err != ENOENT)
      return create_failed(host, path, lstat_err);
    std::string dir;
    if (int err = nearest_existing(path, dir, st))
      return create_failed(host, path, err);
  }

  if (!force) {
    struct stat root;
    if (::lstat("/", &root) != 0)
      return lstat_failed("/", errno);
    if (exists) {
      struct stat parent;
      if (::stat(parent_of(path).c_str(), &parent) != 0)
        return lstat_failed(parent_of(path), errno);
      if (path == "/" || st.st_dev != parent.st_dev)
        return mount_point(host, path);
    }
    if (st.st_dev == root.st_dev)
      return root_partition(host, path);
  }

  return check_identity(host, path, exists, *want);
}

std::string prepare_brick(const std::string& host, const std::string& raw_path,
                          const std::string& volume_id, bool force) {
  if (auto err = check_brick(host, raw_path, volume_id, force); !err.empty())
    return err;
  auto path = canonical(raw_path);
  auto want = *parse_uuid(volume_id); // check_brick accepted it

  std::vector<std::string> made;
  std::string err;
  struct stat st;
  if (int e = make_dirs(path, made))
    err = create_failed(host, path, e);
  else if (::lstat(path.c_str(), &st) != 0)
    err = lstat_failed(path, errno);
  else if (!S_ISDIR(st.st_mode)) // replaced since check_brick looked
    err = not_a_directory(path);
  else
    err = set_up(host, path, want);
  // why: glusterd removes a brick directory it made when a later step fails
  // (glusterd-utils.c:1421-1422), so a failed create leaves no half brick.
  if (!err.empty())
    unmake_dirs(made);
  return err;
}

std::string release_brick(const std::string& raw_path,
                          const std::string& volume_id) {
  auto want = parse_uuid(volume_id);
  if (!want)
    return invalid_volume_id(volume_id);
  if (raw_path.empty() || raw_path[0] != '/')
    return "Brick path " + raw_path + " is not absolute";
  auto path = canonical(raw_path);

  auto vid = read_xattr(path, volume_id_xattr);
  if (vid.state == xattr_state::failed)
    return get_xattr_failed(volume_id_xattr, vid.err);
  if (vid.state != xattr_state::present)
    return ""; // never prepared, or released already
  if (vid.value != as_text(*want)) {
    // Worded like glusterd-volume-ops.c:1325-1328 (there is no host here).
    uuid_bytes found{};
    std::string found_text = "(not a UUID)";
    if (vid.value.size() == found.size()) {
      for (std::size_t i = 0; i < found.size(); ++i)
        found[i] = static_cast<std::uint8_t>(vid.value[i]);
      found_text = format_uuid(found);
    }
    return "Volume id mismatch for brick " + path + ". Expected volume id " +
           format_uuid(*want) + ", volume id " + found_text + " found";
  }
  // why gfid first: if we stop half-way, the volume-id still names this
  // volume and a retry finishes the job; the other order would strand a
  // gfid that makes the directory "already part of a volume" for good.
  if (auto err = remove_xattr(path, gfid_xattr); !err.empty())
    return err;
  return remove_xattr(path, volume_id_xattr);
}

} // namespace gd::node
