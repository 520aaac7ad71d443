#pragma once

// Volfile generation (volgen): the GlusterFS translator graphs of a volume,
// as volfile text ("volume NAME / type CAT/XLATOR / option K V / subvolumes
// ... / end-volume", blocks separated by a blank line, each block after its
// subvolumes, the last block being the top). Pure functions of the volume
// record and the options: the same volume gives the same text, so a change
// shows as a new volfile_version (see cluster::volume). Names follow
// glusterd's: "<vol>-<xlator>" (e.g. "v1-locks"), bricks' io-stats named
// after the brick path, clients "<vol>-client-<i>", sets
// "<vol>-replicate-<n>" / "<vol>-disperse-<n>", "<vol>-dht".
//
// Brick graph (one per brick, bottom to top): storage/posix, features/arbiter
// (arbiter bricks only), features/locks, features/worm and features/read-only
// (when switched on), performance/io-threads, features/index, debug/io-stats
// (named after the brick path), protocol/server.
// Client graph (one per volume): protocol/client per brick, then per
// subvolume cluster/replicate or cluster/disperse, then cluster/distribute
// (only when there is more than one subvolume), features/shard and the
// performance translators that are on (in glusterd's order), and
// debug/io-stats named after the volume.
//
// Options: every option of the table (volume_options.hpp) whose graph and
// translator are in a graph is written on that translator with the value in
// effect: the volume's value, else the cluster-wide one, else the table's
// default (so setting an option to its default changes no volfile). Defaults
// "(null)" and "NONE" mean "not set" and are left out. Options no graph
// reads (user.*, glusterd-actor's own) and stored values that do not
// validate are ignored. No CAF, no I/O.

#include <map>
#include <string>

#include "protocol/cluster_types.hpp"

namespace gd::cluster {

/// The volfile id of a brick, as glusterd names it:
/// "<volume>.<host>.<path without the leading '/' and with '/' as '-'>",
/// e.g. "v1.127.1.1.2.srv-b1".
std::string brick_volfile_id(const volume& v, const brick& b);

/// The brick graph of `b`, a brick of `v`. `cluster_options` are the
/// cluster-wide options (volume set all ...); the volume's own override
/// them. A non-empty `bind_address` makes protocol/server listen on that
/// address only (transport.socket.bind-address, as glusterd writes it when
/// it runs with one): servers sharing a machine each bind their own.
std::string brick_volfile(const volume& v, const brick& b,
                          const std::map<std::string, std::string>& cluster_options,
                          const std::string& bind_address = "");

/// The client graph of `v`; "" if `v` has no bricks. Bricks are taken in
/// `index` order, the one at position i being "<volume>-client-<i>", and
/// grouped in order into sets of group_size() (a last, short set takes any
/// rest). Decommissioned bricks stay in the graph; distribute lists the
/// subvolumes holding them as "decommissioned-bricks".
///
/// `read_child`: replica set index -> position in the set of the brick
/// whose server leads the set (the scheduler's leader role); that set's
/// cluster/replicate gets "read-subvolume-index" so it reads from there.
std::string client_volfile(const volume& v,
                           const std::map<std::string, std::string>& cluster_options,
                           const std::map<std::uint32_t, std::uint32_t>& read_child = {});

} // namespace gd::cluster
