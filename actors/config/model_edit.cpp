#include "actors/config/model_edit.hpp"

#include "protocol/cluster_codec.hpp"

namespace gd::cluster {

void model_edit::put(const std::string& key, std::string value) {
  ops_[key] = std::move(value);
}

void model_edit::del(const std::string& key) {
  ops_[key] = std::nullopt;
}

void model_edit::write_volume(const std::optional<volume>& before,
                              const std::optional<volume>& after) {
  const auto& name = after ? after->name : before->name;
  // Record.
  if (after)
    put(keys::volume_info(name), proto::encode_volume(*after));
  else
    del(keys::volume_info(name));
  // Bricks, by index; and the brick-path claims.
  std::map<std::string, std::string> old_claims;
  std::map<std::string, std::string> new_claims;
  std::size_t old_n = before ? before->bricks.size() : 0;
  std::size_t new_n = after ? after->bricks.size() : 0;
  for (std::size_t i = 0; i < std::max(old_n, new_n); ++i) {
    auto key = keys::brick(name, static_cast<std::uint32_t>(i));
    if (i >= new_n) {
      del(key);
    } else if (i >= old_n || !(before->bricks[i] == after->bricks[i])) {
      put(key, proto::encode_brick(after->bricks[i]));
    }
  }
  if (before)
    for (const auto& b : before->bricks)
      old_claims[keys::brick_path(b.peer_uuid, b.path)] = name;
  if (after)
    for (const auto& b : after->bricks)
      new_claims[keys::brick_path(b.peer_uuid, b.path)] = name;
  for (const auto& [key, vol] : old_claims)
    if (!new_claims.count(key))
      del(key);
  for (const auto& [key, vol] : new_claims)
    if (!old_claims.count(key))
      put(key, vol);
  // Options.
  if (before)
    for (const auto& [k, v] : before->options)
      if (!after || !after->options.count(k))
        del(keys::option(name, k));
  if (after)
    for (const auto& [k, v] : after->options) {
      bool same = false;
      if (before) {
        auto old = before->options.find(k);
        same = old != before->options.end() && old->second == v;
      }
      if (!same)
        put(keys::option(name, k), v);
    }
}

kv::revision model_edit::commit(store::kv_store::write_batch& batch) const {
  if (ops_.empty())
    return 0;
  kv::txn_request txn;
  txn.success.reserve(ops_.size());
  for (const auto& [key, value] : ops_) {
    if (value) {
      kv::put_request p;
      p.key = key;
      p.value = *value;
      txn.success.emplace_back(std::move(p));
    } else {
      kv::delete_request d;
      d.range.key = key;
      txn.success.emplace_back(std::move(d));
    }
  }
  return batch.txn(txn).header_revision;
}

} // namespace gd::cluster
