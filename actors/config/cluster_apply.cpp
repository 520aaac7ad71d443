#include "actors/config/cluster_apply.hpp"

#include <algorithm>
#include <set>

#include "actors/config/cluster_store.hpp"
#include "actors/config/model_edit.hpp"
#include "actors/config/volume_layout.hpp"
#include "actors/config/volume_options.hpp"
#include "protocol/cluster_codec.hpp"
#include "protocol/uuid.hpp"

namespace gd::config {

namespace {

using namespace gd::cluster;

/// Why a command changes nothing. Thrown inside this file only; caught by
/// apply_cluster_command, so no write of the refused command reaches the
/// batch (edits are committed only at the end).
struct refusal {
  status_code code;
  std::string message;
};

[[noreturn]] void refuse(std::string message,
                         status_code code = status_code::invalid) {
  throw refusal{code, std::move(message)};
}

/// The host part of "HOST:PORT" or "[V6]:PORT" (the text itself if it has
/// no port).
std::string host_of_address(const std::string& a) {
  if (!a.empty() && a.front() == '[') {
    auto close = a.find(']');
    return close == std::string::npos ? a : a.substr(1, close - 1);
  }
  auto colon = a.rfind(':');
  if (colon == std::string::npos || a.find(':') != colon)
    return a; // no port, or a bare IPv6 address
  return a.substr(0, colon);
}

/// The model as of the entry being applied, plus the edit being built.
class applier {
public:
  explicit applier(store::kv_store::write_batch& batch)
    : batch_(batch),
      model_([&batch](const kv::range_request& r) { return batch.range(r); }) {
    // nop
  }

  cluster_outcome run(const command& c) {
    std::visit([this](const auto& x) { apply(x); }, c);
    out_.revision = edit_.commit(batch_);
    return std::move(out_);
  }

private:
  // -- lookups -----------------------------------------------------------------

  volume must_find(const std::string& name) {
    if (auto err = check_volume_name(name); !err.empty())
      refuse("Volume " + name + " does not exist", status_code::not_found);
    auto v = model_.volume_named(name);
    if (!v)
      refuse("Volume " + name + " does not exist", status_code::not_found);
    return std::move(*v);
  }

  /// A brick of a command: checks its form and finds its peer.
  brick resolve(const brick_spec& spec) {
    brick_spec normalized;
    if (auto err = parse_brick(spec.name(), normalized); !err.empty())
      refuse(err);
    if (!(normalized == spec))
      refuse("Brick " + spec.name() + " is not normalized (expected "
             + normalized.name() + ")");
    if (spec.path == "/")
      refuse("Brick " + spec.name()
             + " is the root directory: use a directory below it");
    if (auto err = check_hostname(spec.host); !err.empty())
      refuse("Brick " + spec.name() + ": " + err);
    auto p = model_.peer_by_host(spec.host);
    if (!p)
      refuse("Host " + spec.host + " is not in 'Peer in Cluster' state");
    brick b;
    b.peer_uuid = p->uuid;
    b.host = spec.host;
    b.path = spec.path;
    return b;
  }

  /// Resolves the bricks of a command, refusing duplicates (the same
  /// directory of the same server, whatever name it is given by) and
  /// bricks nested in one another on one server.
  std::vector<brick> resolve_all(const std::vector<brick_spec>& specs) {
    std::vector<brick> out;
    std::map<std::pair<std::string, std::string>, std::string> seen;
    for (const auto& s : specs) {
      auto b = resolve(s);
      if (!seen.emplace(std::make_pair(b.peer_uuid, b.path), s.name()).second)
        refuse("Found duplicate exports " + s.name());
      out.push_back(std::move(b));
    }
    for (const auto& a : out)
      for (const auto& b : out)
        if (a.peer_uuid == b.peer_uuid && a.path != b.path
            && b.path.compare(0, a.path.size() + 1, a.path + "/") == 0)
          refuse("Brick " + b.name() + " is inside brick " + a.name()
                 + " of the same command");
    return out;
  }

  /// Refuses if `b`'s directory, or one containing it or contained by it,
  /// already is a brick on that server. `except` is a volume whose claims
  /// are being rewritten by this command (their brick set is checked by
  /// the caller).
  void check_path_free(const brick& b) {
    if (auto user = model_.brick_user(b.peer_uuid, b.path))
      refuse("Brick " + b.name() + " is already part of volume " + *user);
    auto taken = [&](const std::string& path, const std::string& user) {
      refuse("Brick: " + b.name()
             + " not available. Brick may be containing or be contained by "
               "an existing brick (" + b.host + ":" + path + " of volume "
             + user + ").");
    };
    for (auto slash = b.path.find('/', 1); slash != std::string::npos;
         slash = b.path.find('/', slash + 1)) {
      auto parent = b.path.substr(0, slash);
      if (auto user = model_.brick_user(b.peer_uuid, parent))
        taken(parent, *user);
    }
    kv::range_request r;
    r.range.key = keys::brick_path(b.peer_uuid, b.path + "/");
    r.range.range_end = kv::prefix_end(r.range.key);
    r.limit = 1;
    auto below = batch_.range(r);
    if (!below.kvs.empty()) {
      auto prefix = keys::brick_paths(b.peer_uuid);
      taken(below.kvs.front().key.substr(prefix.size()),
            below.kvs.front().value);
    }
  }

  /// The brick of `v` that `spec` names (by server and path).
  std::size_t brick_index(const volume& v, const brick_spec& spec) {
    auto p = model_.peer_by_host(spec.host);
    if (p)
      for (std::size_t i = 0; i < v.bricks.size(); ++i)
        if (v.bricks[i].peer_uuid == p->uuid && v.bricks[i].path == spec.path)
          return i;
    refuse("Incorrect brick " + spec.name() + " for volume " + v.name);
  }

  static std::vector<std::string> peers_of(const std::vector<brick>& bricks) {
    std::vector<std::string> out;
    for (const auto& b : bricks)
      out.push_back(b.peer_uuid);
    return out;
  }

  static const char* set_kind(const volume& v) {
    return v.disperse_count > 0 ? "disperse" : "replicate";
  }

  /// Renumbers the bricks, marks arbiters and sets the type after the
  /// brick list changed.
  static void settle(volume& v) {
    auto g = v.group_size();
    for (std::size_t i = 0; i < v.bricks.size(); ++i) {
      v.bricks[i].index = static_cast<std::uint32_t>(i);
      v.bricks[i].arbiter = v.arbiter_count > 0 && (i % g) == g - 1;
    }
    v.type = type_for(v, v.subvolume_count());
  }

  void done_with(volume v) {
    out_.volume = std::move(v);
  }

  // -- peers -------------------------------------------------------------------

  void apply(const peer_add& c) {
    const auto& p = c.peer;
    if (!valid_uuid(p.uuid))
      refuse("peer UUID \"" + p.uuid + "\" is not a UUID");
    if (auto err = check_hostname(p.hostname); !err.empty())
      refuse(err);
    if (p.addresses.empty())
      refuse("peer " + p.hostname + " has no address");
    std::set<std::string> names{p.hostname};
    for (const auto& a : p.addresses) {
      auto h = host_of_address(a);
      if (auto err = check_hostname(h); !err.empty())
        refuse("address " + a + ": " + err);
      names.insert(h);
    }
    // Every name must be free or already this peer's.
    for (const auto& n : names) {
      auto owner = model_.peer_by_host(n);
      if (owner && owner->uuid != p.uuid)
        refuse("Host " + n + " is already in the pool as peer "
                 + owner->hostname + " (UUID " + owner->uuid
                 + "); detach it first if that server was reinstalled",
               status_code::exists);
    }
    auto known = model_.peer_by_uuid(p.uuid);
    if (known) {
      // The same daemon probed again, maybe by another name: remember the
      // name, keep the record.
      for (const auto& n : names)
        if (!model_.peer_by_host(n))
          edit_.put(keys::peer_host(n), p.uuid);
      out_.message = "Host " + p.hostname + " already in peer list";
      if (known->hostname != p.hostname)
        out_.message += " as " + known->hostname;
      return;
    }
    edit_.put(keys::peer(p.uuid), proto::encode_peer(p));
    for (const auto& n : names)
      edit_.put(keys::peer_host(n), p.uuid);
  }

  void apply(const peer_remove& c) {
    auto p = model_.peer_by_host(c.host);
    if (!p)
      refuse(c.host + " is not part of cluster", status_code::not_found);
    auto bricks = model_.brick_paths_on(p->uuid);
    if (!bricks.empty())
      refuse("Peer " + c.host + " hosts one or more bricks (" + p->hostname
             + ":" + bricks.begin()->first + " of volume "
             + bricks.begin()->second
             + "). If the peer is in not recoverable state then use either "
               "replace-brick or remove-brick command with force to remove "
               "all bricks from the peer and attempt the peer detach again.");
    edit_.del(keys::peer(p->uuid));
    edit_.del(keys::observed(p->uuid));
    // Every name of the peer: its hostname, address hosts and aliases.
    kv::range_request r;
    r.range.key = keys::peer_host("");
    r.range.range_end = kv::prefix_end(r.range.key);
    for (const auto& kv : batch_.range(r).kvs)
      if (kv.value == p->uuid)
        edit_.del(kv.key);
  }

  /// Replaces the server's report; a report of a server no longer in the
  /// pool is skipped (it was detached meanwhile), an unchanged one writes
  /// nothing.
  void apply(const bricks_observed& c) {
    if (!model_.peer_by_uuid(c.uuid))
      return;
    if (auto now = model_.observed_on(c.uuid); now && *now == c)
      return;
    edit_.put(keys::observed(c.uuid), proto::encode_observation(c));
  }

  /// The scheduler's assignments: a holder that changed gets the next
  /// epoch (a new task epoch 1) and the proposal's since; an unchanged
  /// holder keeps both. Tasks of volumes that no longer exist are skipped
  /// (deleted meanwhile).
  void apply(const roles_assign& c) {
    for (const auto& t : c.remove)
      if (model_.role(t))
        edit_.del(keys::role(t));
    for (const auto& r : c.set) {
      if (r.task.empty() || r.task.size() > 400)
        refuse("role task id \"" + r.task + "\" is empty or too long");
      if (!model_.volume_named(r.volume))
        continue;
      auto now = model_.role(r.task);
      auto next = r;
      if (now && now->holder == r.holder) {
        next.epoch = now->epoch;
        next.since_ms = now->since_ms;
      } else {
        next.epoch = now ? now->epoch + 1 : 1;
      }
      if (now && *now == next)
        continue;
      edit_.put(keys::role(r.task), proto::encode_role(next));
    }
  }

  void apply(const peer_liveness& c) {
    for (const auto& ch : c.changes) {
      auto p = model_.peer_by_uuid(ch.uuid);
      if (!p || p->down == ch.down)
        continue; // detached meanwhile, or already so
      p->down = ch.down;
      edit_.put(keys::peer(p->uuid), proto::encode_peer(*p));
    }
  }

  // -- volume lifecycle --------------------------------------------------------

  void apply(const volume_create& c) {
    if (auto err = check_volume_name(c.name); !err.empty())
      refuse(err);
    if (model_.volume_named(c.name))
      refuse("Volume " + c.name + " already exists", status_code::exists);
    if (!valid_uuid(c.id))
      refuse("volume id \"" + c.id + "\" is not a UUID");
    if (c.transport != "tcp")
      refuse("transport-type " + c.transport
             + " is not supported (only tcp)");
    layout l;
    if (auto err = plan_layout(c.replica_count, c.arbiter_count,
                               c.disperse_count, c.redundancy_count,
                               c.bricks.size(), l);
        !err.empty())
      refuse(err);
    volume v;
    v.id = c.id;
    v.name = c.name;
    v.type = l.type;
    v.replica_count = l.replica_count;
    v.arbiter_count = l.arbiter_count;
    v.disperse_count = l.disperse_count;
    v.redundancy_count = l.redundancy_count;
    v.transport = c.transport;
    v.status = volume_status::created;
    v.bricks = resolve_all(c.bricks);
    for (const auto& b : v.bricks)
      check_path_free(b);
    if (!c.force)
      if (auto err = check_distinct_servers(peers_of(v.bricks), v.group_size(),
                                            set_kind(v));
          !err.empty())
        refuse(err);
    settle(v);
    edit_.write_volume(std::nullopt, v);
    done_with(std::move(v));
  }

  void apply(const volume_start& c) {
    auto v = must_find(c.name);
    if (v.status == volume_status::started) {
      if (!c.force)
        refuse("Volume " + c.name + " already started");
      done_with(std::move(v)); // force: nothing to change in the model
      return;
    }
    auto before = v;
    v.status = volume_status::started;
    edit_.write_volume(before, v);
    done_with(std::move(v));
  }

  void apply(const volume_stop& c) {
    auto v = must_find(c.name);
    if (v.status != volume_status::started)
      refuse("Volume " + c.name + " is not in the started state");
    auto before = v;
    v.status = volume_status::stopped;
    edit_.write_volume(before, v);
    done_with(std::move(v));
  }

  void apply(const volume_delete& c) {
    auto v = must_find(c.name);
    if (v.status == volume_status::started)
      refuse("Volume " + c.name
             + " has been started.Volume needs to be stopped before "
               "deletion.");
    edit_.write_volume(v, std::nullopt);
    for (const auto& r : model_.roles())
      if (r.volume == c.name)
        edit_.del(keys::role(r.task));
  }

  // -- options -----------------------------------------------------------------

  /// The option `key` names, or a refusal naming it (with a suggestion).
  static const option_spec& must_find_option(const std::string& key) {
    if (key.compare(0, 5, "user.") == 0 && key.size() > max_user_option_key)
      refuse("option " + key.substr(0, 40) + "... is longer than "
             + std::to_string(max_user_option_key) + " bytes");
    auto spec = find_option(key);
    if (!spec) {
      std::string msg = "option : " + key + " does not exist";
      auto guess = suggest_option(key);
      if (!guess.empty())
        msg += "\nDid you mean " + guess + "?";
      refuse(msg);
    }
    return *spec;
  }

  /// The key an option is stored under: the table's full key, or the
  /// user.* key as given.
  static std::string stored_key(const option_spec& spec,
                                const std::string& key) {
    return spec.key.compare(0, 5, "user.") == 0 || spec.key.empty() ? key
                                                                    : spec.key;
  }

  void apply(const volume_set& c) {
    // As glusterd: an unknown volume is reported before a bad option.
    std::optional<volume> target;
    if (c.name != "all")
      target = must_find(c.name);
    if (c.key.empty())
      refuse("option name is empty");
    const auto& spec = must_find_option(c.key);
    auto key = stored_key(spec, c.key);
    std::string value;
    if (auto err = validate_option(spec, c.value, value); !err.empty())
      refuse(err);
    if (!target) {
      if (!spec.cluster_wide)
        refuse("option " + key
               + " is a volume option, not a cluster-wide one: set it on a "
                 "volume (volume set NAME " + key + " VALUE)");
      auto now = model_.cluster_options();
      auto it = now.find(key);
      if (it == now.end() || it->second != value)
        edit_.put(keys::cluster_option(key), value);
      return;
    }
    auto v = std::move(*target);
    if (spec.cluster_wide)
      refuse("Not a valid option for single volume: " + key
             + " is cluster-wide (volume set all " + key + " VALUE)");
    auto it = v.options.find(key);
    if (it != v.options.end() && it->second == value) {
      done_with(std::move(v));
      return;
    }
    auto before = v;
    v.options[key] = value;
    if (spec.graph != option_graph::none)
      ++v.volfile_version;
    edit_.write_volume(before, v);
    done_with(std::move(v));
  }

  void apply(const volume_reset& c) {
    bool every = c.key.empty() || c.key == "all";
    std::string key;
    if (!every)
      key = stored_key(must_find_option(c.key), c.key);
    if (c.name == "all") {
      for (const auto& [k, value] : model_.cluster_options())
        if (every || k == key)
          edit_.del(keys::cluster_option(k));
      return;
    }
    auto v = must_find(c.name);
    auto before = v;
    bool graph_changed = false;
    for (auto it = v.options.begin(); it != v.options.end();) {
      if (every || it->first == key) {
        auto spec = find_option(it->first);
        graph_changed |= !spec || spec->graph != option_graph::none;
        it = v.options.erase(it);
      } else {
        ++it;
      }
    }
    if (v.options.size() == before.options.size()) {
      done_with(std::move(v));
      return;
    }
    if (graph_changed)
      ++v.volfile_version;
    edit_.write_volume(before, v);
    done_with(std::move(v));
  }

  // -- bricks ------------------------------------------------------------------

  void apply(const add_brick& c) {
    auto v = must_find(c.name);
    auto before = v;
    if (!v.remove_brick_task.empty())
      refuse("Volume " + c.name
             + " has a remove-brick task in progress: commit or stop it "
               "first");
    auto added = resolve_all(c.bricks);
    for (const auto& b : added) {
      for (const auto& old : v.bricks)
        if (old.peer_uuid == b.peer_uuid && old.path == b.path)
          refuse("Brick " + b.name() + " is already part of volume "
                 + c.name);
      check_path_free(b);
    }
    if (v.bricks.size() + added.size() > max_bricks_per_volume)
      refuse("a volume can have at most "
             + std::to_string(max_bricks_per_volume) + " bricks");
    auto n = static_cast<std::uint32_t>(added.size());
    auto group = v.group_size();
    auto replica = c.replica_count;
    if (v.disperse_count > 0 && replica != 0)
      refuse("replica count cannot be given for disperse volume " + c.name);
    if (replica != 0 && replica < v.replica_count)
      refuse("Incorrect replica count (" + std::to_string(replica)
             + ") supplied. Volume already has ("
             + std::to_string(v.replica_count) + ")");
    if (c.arbiter_count != 0
        && (c.arbiter_count != 1 || replica != 3 || v.replica_count != 2
            || v.arbiter_count != 0))
      refuse("arbiter bricks can be added only to a replica 2 volume, with "
             "replica 3 arbiter 1 (one arbiter per replica set)");
    if (replica != 0 && replica > v.replica_count) {
      // More copies: each replica set gets (replica - old) new bricks.
      if (v.arbiter_count > 0)
        refuse("the replica count of arbiter volume " + c.name
               + " cannot be changed");
      if (c.arbiter_count == 1)
        v.arbiter_count = 1;
      auto subvols = v.subvolume_count();
      auto per_set = replica - v.replica_count;
      if (n != subvols * per_set)
        refuse("Incorrect number of bricks supplied " + std::to_string(n)
               + " for replica count " + std::to_string(replica)
               + ": volume " + c.name + " has " + std::to_string(subvols)
               + " replica set(s), so give " + std::to_string(subvols) + " x "
               + std::to_string(per_set) + " bricks");
      std::vector<brick> bricks;
      for (std::uint32_t s = 0; s < subvols; ++s) {
        for (std::uint32_t i = 0; i < v.replica_count; ++i)
          bricks.push_back(v.bricks[s * v.replica_count + i]);
        for (std::uint32_t i = 0; i < per_set; ++i)
          bricks.push_back(added[s * per_set + i]);
      }
      v.bricks = std::move(bricks);
      v.replica_count = replica;
      if (!c.force)
        if (auto err = check_distinct_servers(peers_of(v.bricks), replica,
                                              "replicate");
            !err.empty())
          refuse(err);
    } else {
      // More sets of the same size.
      if (n % group != 0)
        refuse("Incorrect number of bricks supplied " + std::to_string(n)
               + " with count " + std::to_string(group));
      if (!c.force)
        if (auto err = check_distinct_servers(peers_of(added), group,
                                              set_kind(v));
            !err.empty())
          refuse(err);
      v.bricks.insert(v.bricks.end(), added.begin(), added.end());
    }
    settle(v);
    ++v.volfile_version;
    edit_.write_volume(before, v);
    done_with(std::move(v));
  }

  /// The positions of the bricks a remove-brick names, checked to be
  /// whole sets, and not every set.
  std::set<std::size_t> whole_sets(const volume& v,
                                   const std::vector<brick_spec>& specs) {
    std::set<std::size_t> picked;
    for (const auto& s : specs)
      if (!picked.insert(brick_index(v, s)).second)
        refuse("Found duplicate exports " + s.name());
    auto g = v.group_size();
    if (picked.size() % g != 0)
      refuse("Remove brick incorrect brick count of "
             + std::to_string(picked.size()) + " for "
             + (v.disperse_count > 0 ? "disperse " : "replica ")
             + std::to_string(g));
    for (auto i : picked)
      for (std::size_t j = i - i % g; j < i - i % g + g; ++j)
        if (!picked.count(j))
          refuse("Bricks not from same subvol for "
                 + std::string(v.disperse_count > 0 ? "disperse" : "replica")
                 + ": " + v.bricks[j].name() + " is in the same set as "
                 + v.bricks[i].name() + " but is not named");
    if (picked.size() == v.bricks.size())
      refuse("Deleting all the bricks of the volume is not allowed");
    return picked;
  }

  static std::set<std::size_t> decommissioned(const volume& v) {
    std::set<std::size_t> out;
    for (std::size_t i = 0; i < v.bricks.size(); ++i)
      if (v.bricks[i].decommissioned)
        out.insert(i);
    return out;
  }

  void same_as_started(const volume& v, const std::set<std::size_t>& picked) {
    if (v.remove_brick_task.empty())
      refuse("No remove-brick task is in progress on volume " + v.name
             + ": use start first (or force to remove the bricks at once)");
    if (picked != decommissioned(v)) {
      std::string names;
      for (auto i : decommissioned(v))
        names += (names.empty() ? "" : " ") + v.bricks[i].name();
      refuse("the bricks given are not the ones being removed from volume "
             + v.name + " (" + names + ")");
    }
  }

  static void drop(volume& v, const std::set<std::size_t>& picked) {
    std::vector<brick> kept;
    for (std::size_t i = 0; i < v.bricks.size(); ++i)
      if (!picked.count(i))
        kept.push_back(v.bricks[i]);
    v.bricks = std::move(kept);
    for (auto& b : v.bricks)
      b.decommissioned = false;
    v.remove_brick_task.clear();
    settle(v);
    ++v.volfile_version;
  }

  /// remove-brick replica N ... force: drops (replica - N) bricks of every
  /// replica set.
  void reduce_replica(volume& v, const remove_brick& c,
                      const std::set<std::size_t>& picked) {
    if (v.disperse_count > 0)
      refuse("replica count cannot be given for disperse volume " + v.name);
    if (c.action != remove_brick::op::force)
      refuse("lowering the replica count removes the bricks at once: use "
             "remove-brick " + v.name + " replica "
             + std::to_string(c.replica_count) + " BRICK... force");
    if (!v.remove_brick_task.empty())
      refuse("Volume " + v.name
             + " has a remove-brick task in progress: commit or stop it "
               "first");
    auto old = v.replica_count;
    auto per_set = old - c.replica_count;
    auto sets = v.subvolume_count();
    if (picked.size() != std::size_t{sets} * per_set)
      refuse("Remove brick incorrect brick count of "
             + std::to_string(picked.size()) + " for replica "
             + std::to_string(c.replica_count) + ": give " + std::to_string(per_set)
             + " brick(s) of each of the " + std::to_string(sets)
             + " replica set(s)");
    for (std::uint32_t s = 0; s < sets; ++s) {
      std::uint32_t n = 0;
      bool arbiter_named = false;
      for (std::uint32_t i = s * old; i < (s + 1) * old; ++i)
        if (picked.count(i)) {
          ++n;
          arbiter_named |= v.bricks[i].arbiter;
        }
      if (n != per_set)
        refuse("Bricks not from same subvol for replica: give "
               + std::to_string(per_set) + " brick(s) of replica set "
               + std::to_string(s + 1) + " (" + v.bricks[s * old].name()
               + " ...), " + std::to_string(n) + " given");
      if (v.arbiter_count > 0 && !arbiter_named)
        refuse("lowering the replica count of arbiter volume " + v.name
               + " removes the arbiter brick of each set first");
    }
    v.arbiter_count = 0;
    v.replica_count = c.replica_count;
    drop(v, picked);
  }

  void apply(const remove_brick& c) {
    auto v = must_find(c.name);
    auto before = v;
    if (c.bricks.empty())
      refuse("no bricks given");
    std::set<std::size_t> picked;
    for (const auto& s : c.bricks)
      if (!picked.insert(brick_index(v, s)).second)
        refuse("Found duplicate exports " + s.name());
    if (c.replica_count != 0 && c.replica_count > v.replica_count)
      refuse("Incorrect replica count (" + std::to_string(c.replica_count)
             + ") supplied. Volume already has ("
             + std::to_string(v.replica_count) + ")");
    if (c.replica_count != 0 && c.replica_count < v.replica_count) {
      reduce_replica(v, c, picked);
      edit_.write_volume(before, v);
      done_with(std::move(v));
      return;
    }
    switch (c.action) {
      case remove_brick::op::start:
        picked = whole_sets(v, c.bricks);
        if (!v.remove_brick_task.empty())
          refuse("An earlier remove-brick task exists for volume " + c.name
                 + ". Either commit it or stop it before starting a new "
                   "task.");
        if (v.status != volume_status::started)
          refuse("Volume " + c.name
                 + " needs to be started before remove-brick start (its data "
                   "is migrated off the bricks); use force to remove them "
                   "without migrating");
        if (!valid_uuid(c.task_id))
          refuse("task id \"" + c.task_id + "\" is not a UUID");
        for (auto i : picked)
          v.bricks[i].decommissioned = true;
        v.remove_brick_task = c.task_id;
        ++v.volfile_version;
        out_.message = "ID: " + c.task_id;
        break;
      case remove_brick::op::stop:
        same_as_started(v, picked);
        for (auto& b : v.bricks)
          b.decommissioned = false;
        v.remove_brick_task.clear();
        ++v.volfile_version;
        break;
      case remove_brick::op::commit:
        same_as_started(v, picked);
        drop(v, picked);
        out_.message =
          "Check the removed bricks to ensure all files are migrated. If "
          "files with data are found on the brick path, copy them via a "
          "gluster mount point before re-purposing the removed brick.";
        break;
      case remove_brick::op::force:
        picked = whole_sets(v, c.bricks);
        if (!v.remove_brick_task.empty())
          same_as_started(v, picked);
        drop(v, picked);
        break;
    }
    edit_.write_volume(before, v);
    done_with(std::move(v));
  }

  void apply(const replace_brick& c) {
    auto v = must_find(c.name);
    auto before = v;
    if (v.group_size() < 2)
      refuse("replace-brick is not permitted on distribute-only volumes. "
             "Please use add-brick and remove-brick operations instead.");
    auto i = brick_index(v, c.old_brick);
    if (v.bricks[i].decommissioned)
      refuse("Brick " + c.old_brick.name()
             + " is being removed (remove-brick start): commit or stop that "
               "task first");
    auto fresh = resolve(c.new_brick);
    check_path_free(fresh);
    fresh.index = v.bricks[i].index;
    fresh.arbiter = v.bricks[i].arbiter;
    v.bricks[i] = std::move(fresh);
    ++v.volfile_version;
    out_.message = "replace-brick commit force operation successful";
    edit_.write_volume(before, v);
    done_with(std::move(v));
  }

  store::kv_store::write_batch& batch_;
  model_reader model_;
  model_edit edit_;
  cluster_outcome out_;
};

} // namespace

cluster_outcome apply_cluster_command(store::kv_store::write_batch& batch,
                                      const cluster::command& c) {
  try {
    return applier(batch).run(c);
  } catch (const refusal& r) {
    cluster_outcome out;
    out.st = gd::status::error(r.code, r.message);
    return out;
  }
}

} // namespace gd::config
