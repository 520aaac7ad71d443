#pragma once

// A set of changes to the cluster model's keys, committed as ONE KV txn, so
// a command changes the model all at once, at one revision, or not at all.

#include <map>
#include <optional>
#include <string>

#include "actors/config/cluster_store.hpp"
#include "protocol/cluster_types.hpp"
#include "store/kv_store.hpp"

namespace gd::cluster {

class model_edit {
public:
  /// Sets `key` to `value` (the last put or del of a key wins).
  void put(const std::string& key, std::string value);
  void del(const std::string& key);

  /// Writes what changes between `before` and `after` of one volume: its
  /// record, bricks, options and brick-path claims. nullopt `after`
  /// removes every key of `before`; nullopt `before` writes all of `after`.
  void write_volume(const std::optional<volume>& before,
                    const std::optional<volume>& after);

  bool empty() const { return ops_.empty(); }

  /// Applies the changes in `batch` as one txn, ops in key order. Returns
  /// the revision it made (0 if there was nothing to change).
  kv::revision commit(store::kv_store::write_batch& batch) const;

private:
  std::map<std::string, std::optional<std::string>> ops_;
};

} // namespace gd::cluster
