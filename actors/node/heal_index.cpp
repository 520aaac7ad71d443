#include "actors/node/heal_index.hpp"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>

#include "protocol/uuid.hpp"

namespace gd::node {

namespace {

/// Adds the GFID-named entries of `dir` to `out`; false if `dir` exists
/// but cannot be read.
bool add_entries(const std::string& dir, std::set<std::string>& out,
                 std::string& error) {
  DIR* d = ::opendir(dir.c_str());
  if (!d) {
    if (errno == ENOENT)
      return true; // no such index yet: nothing pending
    error = "cannot read " + dir + ": " + std::strerror(errno);
    return false;
  }
  while (auto* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (!valid_uuid(name))
      continue; // ".", "..", the xattrop-*/dirty-* link targets
    out.insert(name == "00000000-0000-0000-0000-000000000001"
                 ? std::string("/")
                 : "<gfid:" + name + ">");
  }
  ::closedir(d);
  return true;
}

} // namespace

heal_index read_heal_index(const std::string& path) {
  heal_index out;
  struct stat st{};
  if (path.empty() || path.front() != '/') {
    out.error = "brick path " + path + " is not absolute";
    return out;
  }
  if (::stat((path + "/.glusterfs").c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    out.error = path + " is not a started brick (no .glusterfs)";
    return out;
  }
  std::set<std::string> all;
  for (const char* sub : {"/.glusterfs/indices/xattrop", "/.glusterfs/indices/dirty"})
    if (!add_entries(path + sub, all, out.error))
      return out;
  out.entries.assign(all.begin(), all.end());
  // why: "/" first, as gluster lists the root before the others.
  std::stable_partition(out.entries.begin(), out.entries.end(),
                        [](const std::string& e) { return e == "/"; });
  return out;
}

} // namespace gd::node
