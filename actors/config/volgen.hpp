#pragma once

// Volfile generation (volgen): the GlusterFS translator graphs of a volume,
// as volfile text ("volume NAME / type CAT/XLATOR / option K V / subvolumes
// ... / end-volume", the last block being the top). Pure functions of the
// volume record and the options: the same volume gives the same text, so a
// change shows as a new volfile_version (see cluster::volume).
//
// Brick graph (one per brick, bottom to top): storage/posix, features/locks,
// performance/io-threads, features/index, debug/io-stats, protocol/server,
// with optional translators switched on by options.
// Client graph (one per volume): protocol/client per brick, then per
// subvolume cluster/replicate or cluster/disperse, then cluster/distribute
// (when there is more than one subvolume), the performance translators that
// are on, and debug/io-stats named after the volume.

#include <map>
#include <string>

#include "protocol/cluster_types.hpp"

namespace gd::cluster {

/// The volfile id of a brick, as glusterd names it:
/// "<volume>.<host>.<path without the leading '/' and with '/' as '-'>",
/// e.g. "v1.127.1.1.2.srv-b1".
std::string brick_volfile_id(const volume& v, const brick& b);

/// The brick graph of `b`, a brick of `v`. `cluster_options` are the
/// cluster-wide options (volume set all ...).
std::string brick_volfile(const volume& v, const brick& b,
                          const std::map<std::string, std::string>& cluster_options);

/// The client graph of `v`.
std::string client_volfile(const volume& v,
                           const std::map<std::string, std::string>& cluster_options);

} // namespace gd::cluster
