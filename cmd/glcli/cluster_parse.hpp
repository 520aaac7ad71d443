#pragma once

// The gluster-style arguments of glcli's peer, pool and volume commands.
// They are keywords and positional words, not options, so CLI11 hands each
// command its words and these functions parse them by hand, e.g. the words
// of `volume create v1 replica 3 arbiter 1 h1:/b h2:/b h3:/b force` are
// {"v1", "replica", "3", ...}. Each parser returns the cluster command
// (protocol/cluster_types.hpp) the words stand for, or throws usage_error
// naming what was wrong (glcli exits 2). Business rules the daemon checks
// against the stored model (names in use, brick counts of an existing
// volume, option keys) are left to it. Pure functions: no I/O.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "protocol/cluster_types.hpp"

namespace gd::glcli {

/// Bad command words. what() says what was wrong and quotes the word, e.g.
/// "replica count 'x' is not a number".
class usage_error : public std::invalid_argument {
public:
  using std::invalid_argument::invalid_argument;
};

using words = std::vector<std::string>;

/// `NAME [replica N [arbiter 1]] [disperse [N]] [disperse-data N]
/// [redundancy M] [transport tcp|rdma|tcp,rdma] BRICK... [force]`. Counts
/// are checked as gluster's CLI does (replica > 1, arbiter 1 only with
/// replica 3, disperse > 2, redundancy < half the disperse count, bricks a
/// multiple of the set size); `disperse` without a count (or with only
/// disperse-data) makes one set of every brick. The id is left empty (the
/// daemon picks it).
cluster::volume_create parse_volume_create(const words& w);

/// A volume name and an optional trailing `force`.
struct name_force {
  std::string name;
  bool force = false;
};

/// `NAME [force]` (volume start, volume stop).
name_force parse_name_force(const words& w);

/// `NAME` (volume delete).
std::string parse_volume_name(const words& w);

/// `[NAME|all]` (volume info, volume status): "" selects every volume.
std::string parse_volume_selector(const words& w);

/// No words (volume list, peer status, pool list).
void parse_nothing(const words& w);

/// `NAME KEY VALUE`; NAME may be "all" (cluster-wide options).
cluster::volume_set parse_volume_set(const words& w);

/// What `volume get` asks for.
struct option_query {
  /// A volume, or "all" for the cluster-wide options.
  std::string name;
  /// An option key, or "all" for every option.
  std::string key;
};

/// `NAME|all KEY|all`.
option_query parse_volume_get(const words& w);

/// `NAME [KEY|all] [force]`: no key or "all" resets every option (empty
/// key).
cluster::volume_reset parse_volume_reset(const words& w);

/// `NAME [replica N [arbiter 1]] BRICK... [force]`. `arbiter 1` is accepted
/// as gluster spells it; the volume keeps its own arbiter setting (the
/// command has no arbiter field).
cluster::add_brick parse_add_brick(const words& w);

/// What `volume remove-brick` asks for.
struct remove_brick_args {
  /// The change (for status: the volume and bricks to report on).
  cluster::remove_brick command;
  /// `status`: a read, not a change.
  bool status = false;
  /// `replica N` as given (0: not given); also in command.replica_count
  /// (the daemon checks it against the bricks removed).
  std::uint32_t replica_count = 0;
};

/// `NAME [replica N] BRICK... start|stop|status|commit|force` (`commit
/// force` is taken as `force`).
remove_brick_args parse_remove_brick(const words& w);

/// `NAME OLD-BRICK NEW-BRICK commit force` (the only form gluster kept).
cluster::replace_brick parse_replace_brick(const words& w);

/// `HOST[:PORT]` (peer probe); returns the word as given.
std::string parse_peer_probe(const words& w);

/// `HOST [force]` (peer detach).
cluster::peer_remove parse_peer_detach(const words& w);

/// What `volume volfile` asks for.
struct volfile_query {
  std::string volume;
  /// "HOST:/path" (normalized), or "" for the client volfile.
  std::string brick;
  bool client = false;
};

/// `NAME` plus the --brick and --client options (at most one of them).
volfile_query parse_volfile(const words& w, const std::string& brick,
                            bool client);

/// The name gluster's CLI prints for a remove-brick action: "start",
/// "stop", "commit" or "commit force".
const char* action_name(cluster::remove_brick::op action);

} // namespace gd::glcli
