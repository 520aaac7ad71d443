#pragma once

// Where the cluster model lives in the KV store, and how it is read back.
// Every object is its own small record, so any command reads and writes a
// few keys, whatever the size of the cluster:
//
//   /gd/peers/<uuid>                      PeerRecord
//   /gd/peer-hosts/<host>                 uuid (hostname and each address host)
//   /gd/volumes/<name>/info               VolumeRecord (no bricks, no options)
//   /gd/volumes/<name>/bricks/<%06u>      BrickRecord, by index
//   /gd/volumes/<name>/options/<key>      the option's value, as text
//   /gd/brick-paths/<uuid>:<path>         the volume using that brick path
//   /gd/cluster/options/<key>             a cluster-wide option's value
//   /gd/observed/<uuid>                   ServerObservation: the brick
//                                         processes that server runs
//   /gd/roles/<task>                      RoleRecord: who holds a role
//
// Keys under /gd/ belong to the model: the KV API refuses to write them.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "protocol/cluster_types.hpp"
#include "protocol/kv_types.hpp"

namespace gd::cluster {

/// The reserved prefix of the model's keys.
inline constexpr const char* model_prefix = "/gd/";

namespace keys {

std::string peer(const std::string& uuid);
std::string peers();
std::string peer_host(const std::string& host);
std::string volume_info(const std::string& name);
/// Every key of one volume: "/gd/volumes/<name>/".
std::string volume(const std::string& name);
std::string volumes();
std::string brick(const std::string& volume, std::uint32_t index);
std::string bricks(const std::string& volume);
std::string option(const std::string& volume, const std::string& key);
std::string options(const std::string& volume);
std::string brick_path(const std::string& peer_uuid, const std::string& path);
/// Every brick path on one peer.
std::string brick_paths(const std::string& peer_uuid);
std::string cluster_option(const std::string& key);
std::string cluster_options();
std::string observed(const std::string& peer_uuid);
std::string role(const std::string& task);
std::string roles();

} // namespace keys

/// Reads a range (from an open write batch, or from the store).
using range_reader = std::function<kv::range_result(const kv::range_request&)>;

/// Reads the model. A record that does not decode is local corruption:
/// store::store_error(corrupt) naming the key.
class model_reader {
public:
  explicit model_reader(range_reader read);

  std::optional<peer> peer_by_uuid(const std::string& uuid) const;
  /// By hostname or by the host of one of its addresses.
  std::optional<peer> peer_by_host(const std::string& host) const;
  /// Every peer, ordered by hostname.
  std::vector<peer> peers() const;

  /// The volume with its bricks (ordered) and options, if it exists.
  std::optional<volume> volume_named(const std::string& name) const;
  /// Every volume, ordered by name.
  std::vector<volume> volumes() const;
  std::vector<std::string> volume_names() const;

  /// The volume that uses brick `path` on peer `uuid`, if any.
  std::optional<std::string> brick_user(const std::string& uuid,
                                        const std::string& path) const;
  /// Every brick path in use on peer `uuid`, with the volume using it.
  std::map<std::string, std::string> brick_paths_on(const std::string& uuid) const;

  std::map<std::string, std::string> cluster_options() const;

  /// What server `uuid` last reported of its brick processes, if anything.
  std::optional<bricks_observed> observed_on(const std::string& uuid) const;

  /// Every role assignment, ordered by task id.
  std::vector<role_assignment> roles() const;
  std::optional<role_assignment> role(const std::string& task) const;

private:
  kv::range_result prefix(const std::string& p, bool keys_only = false) const;
  std::optional<std::string> get(const std::string& key) const;

  range_reader read_;
};

/// Assembles volumes from the keys of their prefixes (see the layout above),
/// in key order. Throws store::store_error(corrupt) naming the key of a bad
/// record.
std::vector<volume> volumes_from(const std::vector<kv::key_value>& kvs);

} // namespace gd::cluster
