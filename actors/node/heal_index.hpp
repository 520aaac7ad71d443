#pragma once

// What a brick's self-heal index says is still to heal: AFR and EC mark a
// file or directory needing heal by a hard link named after its GFID in
// BRICK/.glusterfs/indices/xattrop/ (pending changes) or .../dirty/; the
// files named "xattrop-*" / "dirty-*" there are the link targets, not
// entries. Read-only; plain POSIX.

#include <string>
#include <vector>

namespace gd::node {

struct heal_index {
  /// "/" for the root, "<gfid:UUID>" for the others, sorted, no repeats.
  std::vector<std::string> entries;
  /// "" or why the index could not be read (no such brick, not a brick).
  std::string error;
};

/// The entries the index of the brick at `path` lists.
heal_index read_heal_index(const std::string& path);

} // namespace gd::node
