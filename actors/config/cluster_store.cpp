#include "actors/config/cluster_store.hpp"

#include <algorithm>
#include <cstdio>

#include "protocol/cluster_codec.hpp"
#include "store/store_error.hpp"

namespace gd::cluster {

namespace keys {

std::string peer(const std::string& uuid) {
  return "/gd/peers/" + uuid;
}

std::string peers() {
  return "/gd/peers/";
}

std::string peer_host(const std::string& host) {
  return "/gd/peer-hosts/" + host;
}

std::string volume_info(const std::string& name) {
  return volume(name) + "info";
}

std::string volume(const std::string& name) {
  return "/gd/volumes/" + name + "/";
}

std::string volumes() {
  return "/gd/volumes/";
}

std::string brick(const std::string& volume_name, std::uint32_t index) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%06u", index);
  return bricks(volume_name) + buf;
}

std::string bricks(const std::string& volume_name) {
  return volume(volume_name) + "bricks/";
}

std::string option(const std::string& volume_name, const std::string& key) {
  return options(volume_name) + key;
}

std::string options(const std::string& volume_name) {
  return volume(volume_name) + "options/";
}

std::string brick_path(const std::string& peer_uuid, const std::string& path) {
  return brick_paths(peer_uuid) + path;
}

std::string brick_paths(const std::string& peer_uuid) {
  return "/gd/brick-paths/" + peer_uuid + ":";
}

std::string cluster_option(const std::string& key) {
  return cluster_options() + key;
}

std::string cluster_options() {
  return "/gd/cluster/options/";
}

std::string observed(const std::string& peer_uuid) {
  return "/gd/observed/" + peer_uuid;
}

std::string role(const std::string& task) {
  return roles() + task;
}

std::string roles() {
  return "/gd/roles/";
}

} // namespace keys

model_reader::model_reader(range_reader read) : read_(std::move(read)) {
  // nop
}

kv::range_result model_reader::prefix(const std::string& p,
                                      bool keys_only) const {
  kv::range_request r;
  r.range.key = p;
  r.range.range_end = kv::prefix_end(p);
  r.keys_only = keys_only;
  return read_(r);
}

namespace {

/// Runs `decode` on the stored record of `key`. A record that does not
/// decode is local corruption (this member's store, not the request, is
/// wrong): store_error(corrupt) naming the key, which stops the member.
template <class Decode>
auto decode_stored(const std::string& key, Decode decode) -> decltype(decode()) {
  try {
    return decode();
  } catch (const proto::decode_error& e) {
    throw store::store_error(store::store_errc::corrupt,
                             "the state store's record of " + key
                               + " does not decode (" + e.what()
                               + "): the store is corrupt");
  }
}

} // namespace

std::optional<std::string> model_reader::get(const std::string& key) const {
  kv::range_request r;
  r.range.key = key;
  auto res = read_(r);
  if (res.kvs.empty())
    return std::nullopt;
  return std::move(res.kvs.front().value);
}

std::optional<peer> model_reader::peer_by_uuid(const std::string& uuid) const {
  auto key = keys::peer(uuid);
  auto v = get(key);
  if (!v)
    return std::nullopt;
  return decode_stored(key, [&] { return proto::decode_peer(*v); });
}

std::optional<peer> model_reader::peer_by_host(const std::string& host) const {
  auto uuid = get(keys::peer_host(host));
  if (!uuid)
    return std::nullopt;
  return peer_by_uuid(*uuid);
}

std::vector<peer> model_reader::peers() const {
  std::vector<peer> out;
  for (const auto& kv : prefix(keys::peers()).kvs)
    out.push_back(
      decode_stored(kv.key, [&] { return proto::decode_peer(kv.value); }));
  std::sort(out.begin(), out.end(),
            [](const peer& a, const peer& b) { return a.hostname < b.hostname; });
  return out;
}

std::vector<volume> volumes_from(const std::vector<kv::key_value>& kvs) {
  std::vector<volume> out;
  const std::string root = keys::volumes();
  std::map<std::string, std::size_t> index; // name -> position in out
  auto volume_for = [&](const std::string& name) -> volume& {
    auto it = index.find(name);
    if (it == index.end()) {
      it = index.emplace(name, out.size()).first;
      out.emplace_back();
      out.back().name = name;
    }
    return out[it->second];
  };
  for (const auto& kv : kvs) {
    if (kv.key.compare(0, root.size(), root) != 0)
      continue;
    auto rest = kv.key.substr(root.size());
    auto slash = rest.find('/');
    if (slash == std::string::npos)
      continue;
    auto name = rest.substr(0, slash);
    auto tail = rest.substr(slash + 1);
    auto& v = volume_for(name);
    if (tail == "info") {
      std::uint32_t bricks = 0;
      auto bricks_so_far = std::move(v.bricks);
      auto options_so_far = std::move(v.options);
      v = decode_stored(kv.key,
                        [&] { return proto::decode_volume(kv.value, bricks); });
      v.bricks = std::move(bricks_so_far);
      v.options = std::move(options_so_far);
    } else if (tail.compare(0, 7, "bricks/") == 0) {
      v.bricks.push_back(
        decode_stored(kv.key, [&] { return proto::decode_brick(kv.value); }));
    } else if (tail.compare(0, 8, "options/") == 0) {
      v.options[tail.substr(8)] = kv.value;
    }
  }
  // Keys without an info record are debris of nothing: drop them.
  out.erase(std::remove_if(out.begin(), out.end(),
                           [](const volume& v) { return v.id.empty(); }),
            out.end());
  for (auto& v : out)
    std::sort(v.bricks.begin(), v.bricks.end(),
              [](const brick& a, const brick& b) { return a.index < b.index; });
  return out;
}

std::optional<volume> model_reader::volume_named(const std::string& name) const {
  auto vs = volumes_from(prefix(keys::volume(name)).kvs);
  if (vs.empty())
    return std::nullopt;
  return std::move(vs.front());
}

std::vector<volume> model_reader::volumes() const {
  return volumes_from(prefix(keys::volumes()).kvs);
}

std::vector<std::string> model_reader::volume_names() const {
  std::vector<std::string> out;
  const std::string root = keys::volumes();
  for (const auto& kv : prefix(root, true).kvs) {
    auto rest = kv.key.substr(root.size());
    auto slash = rest.find('/');
    if (slash != std::string::npos && rest.substr(slash + 1) == "info")
      out.push_back(rest.substr(0, slash));
  }
  return out;
}

std::optional<std::string> model_reader::brick_user(const std::string& uuid,
                                                    const std::string& path) const {
  return get(keys::brick_path(uuid, path));
}

std::map<std::string, std::string>
model_reader::brick_paths_on(const std::string& uuid) const {
  std::map<std::string, std::string> out;
  auto p = keys::brick_paths(uuid);
  for (auto& kv : prefix(p).kvs)
    out.emplace(kv.key.substr(p.size()), std::move(kv.value));
  return out;
}

std::optional<bricks_observed>
model_reader::observed_on(const std::string& uuid) const {
  auto key = keys::observed(uuid);
  auto v = get(key);
  if (!v)
    return std::nullopt;
  return decode_stored(key, [&] { return proto::decode_observation(*v); });
}

std::vector<role_assignment> model_reader::roles() const {
  std::vector<role_assignment> out;
  for (auto& kv : prefix(keys::roles()).kvs)
    out.push_back(
      decode_stored(kv.key, [&] { return proto::decode_role(kv.value); }));
  return out;
}

std::optional<role_assignment>
model_reader::role(const std::string& task) const {
  auto key = keys::role(task);
  auto v = get(key);
  if (!v)
    return std::nullopt;
  return decode_stored(key, [&] { return proto::decode_role(*v); });
}

std::map<std::string, std::string> model_reader::cluster_options() const {
  std::map<std::string, std::string> out;
  auto p = keys::cluster_options();
  for (auto& kv : prefix(p).kvs)
    out.emplace(kv.key.substr(p.size()), std::move(kv.value));
  return out;
}

} // namespace gd::cluster
